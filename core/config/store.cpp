#include "core/config/store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>
#include <utility>
#include <vector>

#include "core/util/atomic_file.h"

namespace gantry::core::config {

namespace {

using Json = nlohmann::json;

constexpr const char* kJournalPrefix = "config.data.journal.";
constexpr const char* kLockName = "config.data.lock";

[[noreturn]] void fail(sdk::ErrorCode code, const std::string& message) {
  throw ConfigStoreError(code, message);
}

double nowEpochSeconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

std::filesystem::path segmentPath(const std::filesystem::path& dir,
                                  std::int64_t base_serial) {
  return dir / (kJournalPrefix + std::to_string(base_serial));
}

// The journal segments in `dir`, by the serial they continue.
std::map<std::int64_t, std::filesystem::path> listSegments(
    const std::filesystem::path& dir) {
  std::map<std::int64_t, std::filesystem::path> out;
  const std::string prefix = kJournalPrefix;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string digits = name.substr(prefix.size());
    if (digits.empty() || digits.size() > 18 ||
        !std::all_of(digits.begin(), digits.end(),
                     [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    out.emplace(std::stoll(digits), entry.path());
  }
  return out;
}

void validateTopLevel(const Json& doc, const std::string& where) {
  if (!doc.is_object()) fail(sdk::ErrorCode::kEnvironment, where + ": not a JSON object");
  auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer()) {
    fail(sdk::ErrorCode::kEnvironment, where + ": no integer 'version'");
  }
  const auto found = version->get<std::int64_t>();
  if (found != ConfigStore::kSupportedVersion) {
    fail(sdk::ErrorCode::kEnvironment,
         where + ": configuration version " + formatConfigVersion(found) +
             " is not supported (expected " +
             formatConfigVersion(ConfigStore::kSupportedVersion) +
             "); upgrade the configuration first");
  }
  auto serial = doc.find("serial_no");
  if (serial == doc.end() || !serial->is_number_integer()) {
    fail(sdk::ErrorCode::kEnvironment, where + ": no integer 'serial_no'");
  }
  auto mtime = doc.find("mtime");
  if (mtime != doc.end() && !mtime->is_number()) {
    fail(sdk::ErrorCode::kEnvironment, where + ": 'mtime' is not a number");
  }
}

std::string serialize(const Json& doc) { return doc.dump(2) + "\n"; }

}  // namespace

std::string formatConfigVersion(std::int64_t version) {
  const std::int64_t major = version / 1000000;
  const std::int64_t minor = (version % 1000000) / 10000;
  const std::int64_t revision = version % 10000;
  std::string out = std::to_string(major) + "." + std::to_string(minor);
  if (revision != 0) out += "." + std::to_string(revision);
  return out;
}

ConfigStore::ConfigStore(std::filesystem::path dir, ConfigStoreOptions options)
    : dir_(std::move(dir)), options_(options) {}

std::unique_ptr<ConfigStore> ConfigStore::open(const std::filesystem::path& dir,
                                               ConfigStoreOptions options) {
  std::unique_ptr<ConfigStore> store(new ConfigStore(dir, options));
  store->load();
  if (options.background_compaction) {
    store->worker_ = std::thread([s = store.get()] { s->workerLoop(); });
  }
  return store;
}

std::unique_ptr<ConfigStore> ConfigStore::create(const std::filesystem::path& dir,
                                                 const nlohmann::json& document,
                                                 ConfigStoreOptions options) {
  const auto path = dir / kFileName;
  validateTopLevel(document, "Cannot create " + path.string());
  std::filesystem::create_directories(dir);
  if (std::filesystem::exists(path)) {
    fail(sdk::ErrorCode::kExists, "Cannot create " + path.string() + ": it already exists");
  }
  // Segments left by an earlier configuration in this directory would not
  // continue the new one.
  for (const auto& [base, segment] : listSegments(dir)) {
    std::filesystem::remove(segment);
  }
  util::atomicWriteFile(path, serialize(document), options.file_mode);
  return open(dir, options);
}

ConfigStore::~ConfigStore() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  work_cv_.notify_all();
  if (worker_.joinable()) worker_.join();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

std::optional<ConfigStore::FileIdentity> ConfigStore::configIdentity() const {
  struct stat st;
  if (::stat(configPath().c_str(), &st) != 0) return std::nullopt;
  return FileIdentity{st.st_dev, st.st_ino, st.st_size,
                      static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 +
                          st.st_mtim.tv_nsec};
}

void ConfigStore::load() {
  const auto path = configPath();
  const std::string where = "Cannot load " + path.string();

  lock_fd_ = ::open((dir_ / kLockName).c_str(), O_RDWR | O_CREAT | O_CLOEXEC,
                    options_.file_mode);
  if (lock_fd_ < 0) {
    fail(sdk::ErrorCode::kEnvironment,
         where + ": cannot open the lock file: " + std::strerror(errno));
  }
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    fail(sdk::ErrorCode::kEnvironment,
         where + ": the configuration is already open for writing elsewhere");
  }

  // Left-overs of an atomic write interrupted by a crash.
  const std::string leftover = util::atomicWriteLeftoverPrefix(path);
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    if (entry.path().filename().string().rfind(leftover, 0) == 0) {
      std::filesystem::remove(entry.path());
    }
  }

  // Identity and content from the same descriptor, so a concurrent rename
  // cannot pair one file's stat with another's bytes.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(sdk::ErrorCode::kEnvironment, where + ": " + std::strerror(errno));
  struct stat st;
  ::fstat(fd, &st);
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  text.resize(got);
  snapshot_identity_ = FileIdentity{st.st_dev, st.st_ino, st.st_size,
                                    static_cast<std::int64_t>(st.st_mtim.tv_sec) *
                                            1000000000 +
                                        st.st_mtim.tv_nsec};

  Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    fail(sdk::ErrorCode::kEnvironment,
         where + ": not valid JSON (the file is torn or truncated: " +
             std::to_string(text.size()) + " bytes)");
  }
  validateTopLevel(doc, where);
  doc_ = std::move(doc);
  serial_ = doc_["serial_no"].get<std::int64_t>();
  mtime_ = doc_.value("mtime", 0.0);
  snapshot_serial_ = serial_;
  snapshot_bytes_ = text.size();
  replayJournal();
}

void ConfigStore::replayJournal() {
  JournalBase current{serial_, mtime_};
  std::vector<std::filesystem::path> all;
  std::set<std::filesystem::path> replayed;  // segments that gave records
  std::optional<JournalSegment> append_to;   // ends at the current state

  auto endsAt = [](const JournalSegment& segment, const JournalBase& state) {
    if (segment.records.empty()) {
      return segment.base->serial == state.serial && segment.base->mtime == state.mtime;
    }
    return segment.records.back().serial == state.serial &&
           segment.records.back().mtime == state.mtime;
  };

  for (const auto& [base_serial, path] : listSegments(dir_)) {
    all.push_back(path);
    JournalSegment segment = readJournalSegment(path);
    if (!segment.base) continue;  // torn while being created: empty
    auto first_new = std::find_if(
        segment.records.begin(), segment.records.end(),
        [&](const JournalRecord& r) { return r.serial > current.serial; });
    if (first_new == segment.records.end()) {
      // Nothing past the current state: already in config.data, or stale.
      // If it ends exactly at the current state, it can take new records.
      if (endsAt(segment, current)) append_to = std::move(segment);
      continue;
    }
    // The records must follow exactly the state reached so far: same
    // serial and the same mtime (which tells one history from another).
    const bool connects =
        first_new == segment.records.begin()
            ? segment.base->serial == current.serial &&
                  segment.base->mtime == current.mtime
            : std::prev(first_new)->serial == current.serial &&
                  std::prev(first_new)->mtime == current.mtime;
    if (!connects) {
      fail(sdk::ErrorCode::kEnvironment,
           "Cannot load " + configPath().string() + ": journal " + path.string() +
               " does not continue it (config.data has serial " +
               std::to_string(serial_) + ", the journal so far reaches " +
               std::to_string(current.serial) +
               "); it belongs to another configuration: move it away to load "
               "config.data as it is");
    }
    for (auto it = first_new; it != segment.records.end(); ++it) {
      StoreChange change;
      try {
        for (const Json& op : it->ops) change.push_back(StoreOp::fromJson(op));
        applyStoreChange(doc_, change);
      } catch (const ConfigStoreError& e) {
        fail(sdk::ErrorCode::kEnvironment,
             "Cannot replay " + path.string() + " record " +
                 std::to_string(it->serial) + ": " + e.what());
      }
      doc_["serial_no"] = it->serial;
      doc_["mtime"] = it->mtime;
      current = JournalBase{it->serial, it->mtime};
    }
    replayed.insert(path);
    segment_bytes_[base_serial] = segment.valid_size;
    append_to = std::move(segment);
  }
  serial_ = current.serial;
  mtime_ = current.mtime;

  // New records go to the segment that ends at the current state (its torn
  // tail cut off), else to a fresh one.
  if (append_to && endsAt(*append_to, current)) {
    active_ = JournalWriter::reopen(append_to->path, append_to->valid_size);
    active_base_ = *append_to->base;
    segment_bytes_[active_base_.serial] = append_to->valid_size;
  } else {
    rotateJournalLocked();
  }
  // Everything else is stale: no longer needed to rebuild the document.
  bool removed = false;
  for (const auto& path : all) {
    if (replayed.count(path) || path == active_->path()) continue;
    removed |= std::filesystem::remove(path);
  }
  if (removed) util::fsyncDirectory(dir_);
  journal_bytes_ = 0;
  for (const auto& [base, bytes] : segment_bytes_) journal_bytes_ += bytes;
}

void ConfigStore::rotateJournalLocked() {
  JournalBase base{serial_, mtime_};
  active_ = createJournalSegment(segmentPath(dir_, base.serial), base);
  active_base_ = base;
  segment_bytes_[base.serial] = active_->size();
}

void ConfigStore::dropSegmentsBeforeLocked(std::int64_t serial) {
  bool removed = false;
  for (auto it = segment_bytes_.begin(); it != segment_bytes_.end();) {
    if (it->first >= serial) break;
    std::error_code ignored;  // a segment left behind is only replayed as stale
    removed |= std::filesystem::remove(segmentPath(dir_, it->first), ignored);
    it = segment_bytes_.erase(it);
  }
  if (removed) {
    try {
      util::fsyncDirectory(dir_);
    } catch (const util::FileWriteError&) {
      // Same as above: a removal that is lost in a crash is harmless.
    }
  }
  journal_bytes_ = 0;
  for (const auto& [base, bytes] : segment_bytes_) journal_bytes_ += bytes;
}

void ConfigStore::checkNotForeignLocked() {
  if (!foreign_ && !snapshot_writing_ && configIdentity() != snapshot_identity_) {
    foreign_ = true;
  }
  if (foreign_) {
    fail(sdk::ErrorCode::kEnvironment,
         configPath().string() +
             " was modified by someone else since it was loaded; refusing to "
             "overwrite it (reload the configuration)");
  }
}

void ConfigStore::read(
    const std::function<void(const nlohmann::json&)>& reader) const {
  std::lock_guard lock(mutex_);
  reader(doc_);
}

nlohmann::json ConfigStore::get(std::string_view pointer) const {
  Json::json_pointer parsed;
  try {
    parsed = Json::json_pointer(std::string(pointer));
  } catch (const Json::exception&) {
    fail(sdk::ErrorCode::kInvalid, "Not a JSON pointer: '" + std::string(pointer) + "'");
  }
  std::lock_guard lock(mutex_);
  if (!doc_.contains(parsed)) {
    fail(sdk::ErrorCode::kNotFound, "No such config path: '" + std::string(pointer) + "'");
  }
  return doc_.at(parsed);
}

std::shared_ptr<const nlohmann::json> ConfigStore::document() const {
  std::lock_guard lock(mutex_);
  if (!shared_doc_ || shared_serial_ != serial_) {
    shared_doc_ = std::make_shared<const nlohmann::json>(doc_);
    shared_serial_ = serial_;
  }
  return shared_doc_;
}

std::int64_t ConfigStore::serial() const {
  std::lock_guard lock(mutex_);
  return serial_;
}

std::int64_t ConfigStore::commit(const StoreChange& change) {
  return commitWith([&](const Json&) { return change; });
}

std::int64_t ConfigStore::commitWith(
    const std::function<StoreChange(const nlohmann::json&)>& make_change) {
  std::int64_t serial;
  bool compact_here = false;
  {
    std::lock_guard lock(mutex_);
    checkNotForeignLocked();
    serial = commitLocked(make_change(doc_));
    if (compactionDueLocked()) {
      if (!options_.background_compaction) {
        compact_here = true;
      } else if (!compaction_requested_ && !compaction_running_) {
        compaction_requested_ = true;
        work_cv_.notify_one();
      }
    }
  }
  if (compact_here) {
    // The commit is durable already; a failed compaction is retried later.
    try {
      writeSnapshot(SnapshotReason::kCompaction);
    } catch (const std::exception& e) {
      std::lock_guard lock(mutex_);
      last_compaction_error_ = e.what();
      retry_at_bytes_ = journal_bytes_ * 2;
    }
  }
  return serial;
}

std::int64_t ConfigStore::commitLocked(const StoreChange& change) {
  StoreUndo undo = applyStoreChange(doc_, change);
  if (!undo.changed()) return serial_;
  JournalRecord record{serial_ + 1, nowEpochSeconds(), Json::array()};
  try {
    for (const StoreOp& op : change) record.ops.push_back(op.toJson());
    active_->append(encodeJournalRecord(record));
  } catch (...) {
    // Not durable, so not done: take the change back out of the document.
    undo.rollback(doc_);
    throw;
  }
  doc_["serial_no"] = record.serial;
  doc_["mtime"] = record.mtime;
  serial_ = record.serial;
  mtime_ = record.mtime;
  segment_bytes_[active_base_.serial] = active_->size();
  journal_bytes_ = 0;
  for (const auto& [base, bytes] : segment_bytes_) journal_bytes_ += bytes;
  return serial_;
}

bool ConfigStore::compactionDueLocked() const {
  const double threshold = std::max<double>(
      static_cast<double>(options_.compact_min_bytes),
      options_.compact_ratio * static_cast<double>(snapshot_bytes_));
  return !foreign_ && static_cast<double>(journal_bytes_) > threshold &&
         journal_bytes_ >= retry_at_bytes_;
}

void ConfigStore::flush() { writeSnapshot(SnapshotReason::kFlush); }

void ConfigStore::snapshot() { writeSnapshot(SnapshotReason::kForce); }

void ConfigStore::writeSnapshot(SnapshotReason reason) {
  std::lock_guard snapshot_lock(snapshot_mutex_);
  Json copy;
  JournalBase base;
  {
    std::lock_guard lock(mutex_);
    checkNotForeignLocked();
    if (reason == SnapshotReason::kCompaction && !compactionDueLocked()) return;
    if (reason == SnapshotReason::kFlush && snapshot_serial_ == serial_) return;
    base = JournalBase{serial_, mtime_};
    // Commits from here on go to a segment that continues the state being
    // written, so the older segments can go once config.data is durable.
    if (active_base_.serial != base.serial || active_base_.mtime != base.mtime) {
      rotateJournalLocked();
    }
    copy = doc_;
    snapshot_writing_ = true;
  }
  std::uint64_t bytes = 0;
  try {
    const std::string text = serialize(copy);
    copy = Json();
    bytes = text.size();
    util::atomicWriteFile(configPath(), text, options_.file_mode);
  } catch (...) {
    std::lock_guard lock(mutex_);
    snapshot_writing_ = false;
    throw;
  }
  std::lock_guard lock(mutex_);
  snapshot_writing_ = false;
  snapshot_identity_ = configIdentity().value_or(FileIdentity{});
  snapshot_serial_ = base.serial;
  snapshot_bytes_ = bytes;
  ++snapshots_written_;
  retry_at_bytes_ = 0;
  last_compaction_error_.clear();
  dropSegmentsBeforeLocked(base.serial);
}

void ConfigStore::waitForCompaction() {
  std::unique_lock lock(mutex_);
  idle_cv_.wait(lock, [&] { return !compaction_requested_ && !compaction_running_; });
}

void ConfigStore::workerLoop() {
  std::unique_lock lock(mutex_);
  while (true) {
    work_cv_.wait(lock, [&] { return stop_ || compaction_requested_; });
    if (stop_) break;
    compaction_requested_ = false;
    compaction_running_ = true;
    lock.unlock();
    std::string error;
    try {
      writeSnapshot(SnapshotReason::kCompaction);
    } catch (const std::exception& e) {
      error = e.what();
    }
    lock.lock();
    compaction_running_ = false;
    if (!error.empty()) {
      last_compaction_error_ = error;
      retry_at_bytes_ = journal_bytes_ * 2;
    }
    idle_cv_.notify_all();
  }
  compaction_requested_ = false;
  idle_cv_.notify_all();
}

ConfigStore::Stats ConfigStore::stats() const {
  std::lock_guard lock(mutex_);
  return Stats{serial_, snapshot_serial_, snapshot_bytes_, journal_bytes_,
               snapshots_written_, last_compaction_error_};
}

}  // namespace gantry::core::config
