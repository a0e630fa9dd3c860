#include "core/jobs/queue_journal.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/jobs/queue_file.h"
#include "core/rpc/node_files.h"
#include "core/util/atomic_file.h"

namespace gantry::core::jobs {

namespace fs = std::filesystem;
using util::FileStep;
using util::FileWriteError;

namespace {

constexpr int kJournalFormat = 1;
constexpr mode_t kSegmentMode = 0600;  // same as the job files: it holds them

nlohmann::json header(std::uint64_t generation) {
  return {{"queue_journal", kJournalFormat}, {"generation", generation}};
}

// syncfs of the filesystem holding `dir`: every file write, rename and
// directory change made so far is on disk afterwards.
void syncFilesystem(const fs::path& dir, std::string_view action) {
  if (int injected = util::injectedFileFault(FileStep::kFsync, dir)) {
    throw FileWriteError(action, dir, FileStep::kFsync, injected);
  }
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw FileWriteError(action, dir, FileStep::kOpen, errno);
  const int rc = ::syncfs(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) throw FileWriteError(action, dir, FileStep::kFsync, err);
}

nlohmann::json encodeChanges(const DurableQueueChanges& changes) {
  nlohmann::json record = {{"updates", nlohmann::json::array()},
                           {"renames", nlohmann::json::array()}};
  for (const auto& [name, content] : changes.updates) {
    record["updates"].push_back({name, content});
  }
  for (const auto& [from, to] : changes.renames) record["renames"].push_back({from, to});
  return record;
}

struct Segment {
  std::uint64_t generation = 0;
  fs::path path;
  util::JournalLines read;
};

// Applies one record; names are checked as the node procedures check them,
// so a damaged journal cannot write outside the queue.
std::size_t applyRecord(const QueueDir& dir, const nlohmann::json& record,
                        const DaemonLogFn& log) {
  auto warn = [&](const std::string& text) {
    if (log) log(sdk::LogLevel::kError, text);
  };
  std::size_t applied = 0;
  for (const auto& update : record.value("updates", nlohmann::json::array())) {
    if (!update.is_array() || update.size() != 2 || !update[0].is_string() ||
        !update[1].is_string()) {
      warn("Job queue journal: ignoring a malformed update");
      continue;
    }
    auto path = rpc::queueUpdatePath(dir.root(), update[0].get<std::string>());
    if (!path) {
      warn("Job queue journal: " + path.error().message);
      continue;
    }
    if (int err = writeQueueFile(*path, update[1].get<std::string>())) {
      throw FileWriteError("Cannot replay the job queue journal into", *path,
                           FileStep::kWrite, err);
    }
    ++applied;
  }
  for (const auto& rename : record.value("renames", nlohmann::json::array())) {
    if (!rename.is_array() || rename.size() != 2 || !rename[0].is_string() ||
        !rename[1].is_string()) {
      warn("Job queue journal: ignoring a malformed rename");
      continue;
    }
    auto from = rpc::queueRenamePath(dir.root(), rename[0].get<std::string>());
    auto to = rpc::queueRenamePath(dir.root(), rename[1].get<std::string>());
    if (!from || !to) {
      warn("Job queue journal: " + (from ? to.error().message : from.error().message));
      continue;
    }
    std::error_code ec;
    fs::create_directories(to->parent_path(), ec);
    if (ec) {
      throw FileWriteError("Cannot replay the job queue journal into", to->parent_path(),
                           FileStep::kOpen, ec.value());
    }
    // Gone already: the move reached the disk before the crash.
    if (::rename(from->c_str(), to->c_str()) != 0 && errno != ENOENT) {
      throw FileWriteError("Cannot replay the job queue journal into", *to,
                           FileStep::kRename, errno);
    }
    ::unlink((from->string() + ".tmp").c_str());
    ++applied;
  }
  return applied;
}

}  // namespace

fs::path QueueJournal::segmentPath(const QueueDir& dir, int index) {
  return dir.root() / ("journal-" + std::to_string(index));
}

QueueJournal::QueueJournal(QueueDir dir, std::uint64_t segment_limit)
    : dir_(std::move(dir)),
      segment_limit_(segment_limit),
      generation_(1),
      writer_(util::JournalWriter::create(segmentPath(dir_, 1), header(1), kSegmentMode)) {}

void QueueJournal::append(const DurableQueueChanges& changes) {
  writer_.append(util::encodeJournalLine(encodeChanges(changes)));
}

void QueueJournal::checkpoint() {
  const std::uint64_t next = generation_ + 1;
  auto fresh = util::JournalWriter::create(segmentPath(dir_, static_cast<int>(next % 2)),
                                           header(next), kSegmentMode);
  // Every record of the old segment has been applied to the files by now;
  // once they are on disk the old segment has nothing left to give.
  syncFilesystem(dir_.root(), "Cannot checkpoint the job queue journal in");
  const fs::path old = writer_.path();
  writer_ = std::move(fresh);
  generation_ = next;
  // Losing this unlink in a crash is harmless: replaying the old segment
  // before the new one ends in the same files.
  ::unlink(old.c_str());
}

void QueueJournal::close() {
  syncFilesystem(dir_.root(), "Cannot checkpoint the job queue journal in");
  discardQueueJournal(dir_.root());
}

std::size_t replayQueueJournal(const QueueDir& dir, const DaemonLogFn& log) {
  auto report = [&](sdk::LogLevel level, const std::string& text) {
    if (log) log(level, text);
  };
  std::vector<Segment> segments;
  for (int index : {0, 1}) {
    fs::path path = QueueJournal::segmentPath(dir, index);
    std::error_code ec;
    if (!fs::exists(path, ec)) continue;
    auto read = util::readJournalLines(path);
    if (!read) {
      throw FileWriteError("Cannot read the job queue journal", path, FileStep::kOpen, errno);
    }
    const bool has_header = !read->lines.empty() &&
                            read->lines[0].value.value("queue_journal", 0) == kJournalFormat &&
                            read->lines[0].value.contains("generation");
    if (!has_header) {
      // A segment whose creation did not finish holds no records.
      report(sdk::LogLevel::kWarning, "Ignoring " + path.string() + ": no journal header");
      segments.push_back({0, path, {}});
      continue;
    }
    std::uint64_t generation = read->lines[0].value.value("generation", std::uint64_t{0});
    segments.push_back({generation, path, std::move(*read)});
  }
  if (segments.empty()) return 0;
  std::sort(segments.begin(), segments.end(),
            [](const Segment& a, const Segment& b) { return a.generation < b.generation; });

  std::size_t applied = 0;
  for (const auto& segment : segments) {
    if (segment.read.damaged_at) {
      report(sdk::LogLevel::kError,
             "Job queue journal " + segment.path.string() + " is damaged at byte " +
                 std::to_string(*segment.read.damaged_at) +
                 "; the records after it cannot be replayed");
    }
    for (std::size_t i = 1; i < segment.read.lines.size(); ++i) {
      applied += applyRecord(dir, segment.read.lines[i].value, log);
    }
  }
  syncFilesystem(dir.root(), "Cannot replay the job queue journal in");
  discardQueueJournal(dir.root());
  report(sdk::LogLevel::kInfo, "Job queue journal replayed: " + std::to_string(applied) +
                                   " file change(s) re-applied");
  return applied;
}

bool discardQueueJournal(const fs::path& queue_root) {
  bool any = false;
  for (const char* name : {"journal-0", "journal-1"}) {
    if (::unlink((queue_root / name).c_str()) == 0) any = true;
  }
  if (any) util::fsyncDirectory(queue_root);
  return any;
}

}  // namespace gantry::core::jobs
