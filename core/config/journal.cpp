#include "core/config/journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <utility>

#include "core/config/store_error.h"
#include "core/util/atomic_file.h"

namespace gantry::core::config {

namespace {

using util::FileStep;
using util::FileWriteError;

constexpr mode_t kJournalMode = 0640;  // same as config.data: it holds the same data
constexpr int kJournalFormat = 1;

std::array<std::uint32_t, 256> makeCrcTable() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

// A line is "<8 hex> <json>"; returns the JSON if the checksum matches.
std::optional<nlohmann::json> parseLine(std::string_view line) {
  if (line.size() < 10 || line[8] != ' ') return std::nullopt;
  std::uint32_t expected = 0;
  for (int i = 0; i < 8; ++i) {
    char c = line[i];
    std::uint32_t digit;
    if (c >= '0' && c <= '9') {
      digit = static_cast<std::uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<std::uint32_t>(c - 'a' + 10);
    } else {
      return std::nullopt;
    }
    expected = (expected << 4) | digit;
  }
  std::string_view body = line.substr(9);
  if (journalCrc32(body) != expected) return std::nullopt;
  auto value = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded() || !value.is_object()) return std::nullopt;
  return value;
}

[[noreturn]] void corrupt(const std::filesystem::path& path,
                          std::uint64_t offset, const std::string& why) {
  throw ConfigStoreError(
      sdk::ErrorCode::kEnvironment,
      "Journal " + path.string() + " is corrupt at byte " +
          std::to_string(offset) + " (" + why +
          "); it cannot be replayed safely");
}

// Runs one write-like call with the fault hook first; returns 0 or errno.
template <typename Call>
int step(FileStep which, const std::filesystem::path& target, Call&& call) {
  if (int injected = util::injectedFileFault(which, target)) return injected;
  while (true) {
    if (call() >= 0) return 0;
    if (errno != EINTR) return errno;
  }
}

int writeAll(int fd, const std::filesystem::path& target, std::string_view data,
             std::uint64_t offset) {
  while (!data.empty()) {
    ssize_t written = 0;
    int err = step(FileStep::kWrite, target, [&] {
      written = ::pwrite(fd, data.data(), data.size(),
                         static_cast<off_t>(offset));
      return written;
    });
    if (err == 0 && written == 0) err = EIO;
    if (err != 0) return err;
    data.remove_prefix(static_cast<std::size_t>(written));
    offset += static_cast<std::uint64_t>(written);
  }
  return 0;
}

}  // namespace

std::uint32_t journalCrc32(std::string_view data) noexcept {
  static const auto table = makeCrcTable();
  std::uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char c : data) crc = table[(crc ^ c) & 0xFFu] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

std::string encodeJournalLine(const nlohmann::json& value) {
  std::string body = value.dump();
  char crc[10];
  std::snprintf(crc, sizeof crc, "%08x ", journalCrc32(body));
  std::string line;
  line.reserve(body.size() + 10);
  line.append(crc, 9).append(body).push_back('\n');
  return line;
}

std::string encodeJournalRecord(const JournalRecord& record) {
  return encodeJournalLine(nlohmann::json{
      {"serial", record.serial}, {"mtime", record.mtime}, {"ops", record.ops}});
}

JournalSegment readJournalSegment(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ConfigStoreError(sdk::ErrorCode::kEnvironment,
                           "Cannot read journal " + path.string());
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();

  JournalSegment segment;
  segment.path = path;
  std::size_t pos = 0;
  std::optional<std::size_t> first_bad;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) break;  // an append that never finished
    auto value = parseLine(std::string_view(text).substr(pos, end - pos));
    if (!value) {
      if (!first_bad) first_bad = pos;
      pos = end + 1;
      continue;
    }
    if (first_bad) corrupt(path, *first_bad, "damaged record before good ones");
    try {
      if (!segment.base) {
        if (value->value("journal", 0) != kJournalFormat) {
          corrupt(path, pos, "no journal header");
        }
        segment.base = JournalBase{value->at("base_serial").get<std::int64_t>(),
                                   value->at("base_mtime").get<double>()};
      } else {
        JournalRecord record{value->at("serial").get<std::int64_t>(),
                             value->at("mtime").get<double>(),
                             std::move(value->at("ops"))};
        std::int64_t expected = segment.records.empty()
                                    ? segment.base->serial + 1
                                    : segment.records.back().serial + 1;
        if (record.serial != expected || !record.ops.is_array()) {
          corrupt(path, pos,
                  "record for serial " + std::to_string(record.serial) +
                      " where " + std::to_string(expected) + " belongs");
        }
        segment.records.push_back(std::move(record));
      }
    } catch (const nlohmann::json::exception& e) {
      corrupt(path, pos, e.what());
    }
    pos = end + 1;
    segment.valid_size = pos;
  }
  segment.torn_tail = segment.valid_size < text.size();
  return segment;
}

JournalWriter::JournalWriter(std::filesystem::path path, int fd,
                             std::uint64_t size)
    : path_(std::move(path)), fd_(fd), size_(size) {}

JournalWriter::JournalWriter(JournalWriter&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      size_(other.size_),
      needs_truncate_(other.needs_truncate_) {}

JournalWriter& JournalWriter::operator=(JournalWriter&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    size_ = other.size_;
    needs_truncate_ = other.needs_truncate_;
  }
  return *this;
}

JournalWriter::~JournalWriter() {
  if (fd_ >= 0) ::close(fd_);
}

JournalWriter JournalWriter::create(const std::filesystem::path& path,
                                    JournalBase base) {
  int fd = -1;
  int err = step(FileStep::kOpen, path, [&] {
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                kJournalMode);
    return fd;
  });
  if (err != 0) throw FileWriteError("Cannot create journal", path, FileStep::kOpen, err);
  JournalWriter writer(path, fd, 0);
  const std::string header = encodeJournalLine(nlohmann::json{
      {"journal", kJournalFormat},
      {"base_serial", base.serial},
      {"base_mtime", base.mtime}});
  if ((err = writeAll(fd, path, header, 0)) != 0) {
    throw FileWriteError("Cannot create journal", path, FileStep::kWrite, err);
  }
  if ((err = step(FileStep::kFsync, path, [&] { return ::fdatasync(fd); })) != 0) {
    throw FileWriteError("Cannot create journal", path, FileStep::kFsync, err);
  }
  writer.size_ = header.size();
  auto dir = path.parent_path();
  util::fsyncDirectory(dir.empty() ? std::filesystem::path(".") : dir);
  return writer;
}

JournalWriter JournalWriter::reopen(const std::filesystem::path& path,
                                    std::uint64_t valid_size) {
  int fd = -1;
  int err = step(FileStep::kOpen, path, [&] {
    fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    return fd;
  });
  if (err != 0) throw FileWriteError("Cannot append to", path, FileStep::kOpen, err);
  JournalWriter writer(path, fd, valid_size);
  if (::ftruncate(fd, static_cast<off_t>(valid_size)) != 0 ||
      ::fdatasync(fd) != 0) {
    throw FileWriteError("Cannot append to", path, FileStep::kWrite, errno);
  }
  return writer;
}

void JournalWriter::append(std::string_view line) {
  if (needs_truncate_) {
    if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0) {
      throw FileWriteError("Cannot append to", path_, FileStep::kWrite, errno);
    }
    needs_truncate_ = false;
  }
  // Whatever part of a failed record reached the file is cut off again, so
  // the commit that failed leaves no trace and the next one starts clean.
  auto fail = [&](FileStep which, int err) {
    if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0) {
      needs_truncate_ = true;
    } else {
      ::fdatasync(fd_);
    }
    throw FileWriteError("Cannot append to", path_, which, err);
  };
  if (int err = writeAll(fd_, path_, line, size_)) fail(FileStep::kWrite, err);
  // fdatasync is enough: it also writes the new file size.
  if (int err = step(FileStep::kFsync, path_, [&] { return ::fdatasync(fd_); })) {
    fail(FileStep::kFsync, err);
  }
  size_ += line.size();
}

}  // namespace gantry::core::config
