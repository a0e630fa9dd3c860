#include "core/util/json_journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <utility>

#include "core/util/atomic_file.h"

namespace gantry::core::util {

namespace {

std::array<std::uint32_t, 256> makeCrcTable() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

// A line is "<8 hex> <json>"; returns the JSON object if the checksum matches.
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

// Runs one write-like call with the fault hook first; returns 0 or errno.
template <typename Call>
int step(FileStep which, const std::filesystem::path& target, Call&& call) {
  if (int injected = injectedFileFault(which, target)) return injected;
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
      written = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
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

std::optional<JournalLines> readJournalLines(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();

  JournalLines result;
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
    if (first_bad) {
      result.damaged_at = *first_bad;
      return result;
    }
    result.lines.push_back({pos, std::move(*value)});
    pos = end + 1;
    result.valid_size = pos;
  }
  result.torn_tail = result.valid_size < text.size();
  return result;
}

JournalWriter::JournalWriter(std::filesystem::path path, int fd, std::uint64_t size)
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
                                    const nlohmann::json& header, mode_t mode) {
  int fd = -1;
  int err = step(FileStep::kOpen, path, [&] {
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    return fd;
  });
  if (err != 0) throw FileWriteError("Cannot create journal", path, FileStep::kOpen, err);
  JournalWriter writer(path, fd, 0);
  const std::string first = encodeJournalLine(header);
  if ((err = writeAll(fd, path, first, 0)) != 0) {
    throw FileWriteError("Cannot create journal", path, FileStep::kWrite, err);
  }
  if ((err = step(FileStep::kFsync, path, [&] { return ::fdatasync(fd); })) != 0) {
    throw FileWriteError("Cannot create journal", path, FileStep::kFsync, err);
  }
  writer.size_ = first.size();
  auto dir = path.parent_path();
  fsyncDirectory(dir.empty() ? std::filesystem::path(".") : dir);
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
  if (::ftruncate(fd, static_cast<off_t>(valid_size)) != 0 || ::fdatasync(fd) != 0) {
    throw FileWriteError("Cannot append to", path, FileStep::kWrite, errno);
  }
  return writer;
}

void JournalWriter::append(std::string_view lines) {
  if (needs_truncate_) {
    if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0) {
      throw FileWriteError("Cannot append to", path_, FileStep::kWrite, errno);
    }
    needs_truncate_ = false;
  }
  // Whatever part of a failed record reached the file is cut off again, so
  // the append that failed leaves no trace and the next one starts clean.
  auto fail = [&](FileStep which, int err) {
    if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0) {
      needs_truncate_ = true;
    } else {
      ::fdatasync(fd_);
    }
    throw FileWriteError("Cannot append to", path_, which, err);
  };
  if (int err = writeAll(fd_, path_, lines, size_)) fail(FileStep::kWrite, err);
  // fdatasync is enough: it also writes the new file size.
  if (int err = step(FileStep::kFsync, path_, [&] { return ::fdatasync(fd_); })) {
    fail(FileStep::kFsync, err);
  }
  size_ += lines.size();
}

}  // namespace gantry::core::util
