// The config store's append-only journal. Each segment file starts with a
// header naming the document state it continues (serial and mtime), then
// holds one committed change per line:
//
//   <crc32 of the JSON, 8 lowercase hex digits> <one-line JSON>\n
//
// JSON strings escape newlines, so a line is a record; a crash in the
// middle of an append leaves a last line without its newline or with a
// checksum that does not match, which readers drop as a torn tail.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace gantry::core::config {

/// One committed change: the serial it produced, the top-level mtime it
/// set, and its operations (see store_change.h for their JSON form).
struct JournalRecord {
  std::int64_t serial = 0;
  double mtime = 0;
  nlohmann::json ops;
};

/// The state a segment continues: records follow the document whose
/// top-level serial_no and mtime are these.
struct JournalBase {
  std::int64_t serial = 0;
  double mtime = 0;
};

/// What a segment file holds, as far as it is intact.
struct JournalSegment {
  std::filesystem::path path;
  std::optional<JournalBase> base;  // empty if even the header is torn
  std::vector<JournalRecord> records;
  std::uint64_t valid_size = 0;     // bytes up to the end of the last good line
  bool torn_tail = false;           // bytes after valid_size were dropped
};

/// CRC-32 (IEEE 802.3, as zlib computes it).
std::uint32_t journalCrc32(std::string_view data) noexcept;

/// "<crc> <json>\n" for one line.
std::string encodeJournalLine(const nlohmann::json& value);

/// The record's line, ready to append.
std::string encodeJournalRecord(const JournalRecord& record);

/// Reads a segment. A damaged or incomplete last part is a torn tail and is
/// dropped; a damaged line followed by good ones means the file was
/// corrupted otherwise and throws ConfigStoreError.
JournalSegment readJournalSegment(const std::filesystem::path& path);

/// Appends records to one segment file, each one durable (fdatasync) before
/// append() returns. Not thread-safe: the store serialises appends.
class JournalWriter {
 public:
  /// Creates (or truncates) a segment continuing `base`, writes and syncs
  /// its header and syncs the directory. Throws util::FileWriteError.
  static JournalWriter create(const std::filesystem::path& path,
                              JournalBase base);
  /// Reopens an intact segment for appending after its first `valid_size`
  /// bytes, cutting off a torn tail. Throws util::FileWriteError.
  static JournalWriter reopen(const std::filesystem::path& path,
                              std::uint64_t valid_size);

  JournalWriter(JournalWriter&& other) noexcept;
  JournalWriter& operator=(JournalWriter&& other) noexcept;
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;
  ~JournalWriter();

  /// Appends one line and syncs it. On failure the segment is cut back to
  /// its previous size (so a later append does not follow garbage) and
  /// util::FileWriteError names the step ("Cannot append to <path>: ...").
  void append(std::string_view line);

  std::uint64_t size() const noexcept { return size_; }
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  JournalWriter(std::filesystem::path path, int fd, std::uint64_t size);

  std::filesystem::path path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  bool needs_truncate_ = false;  // a failed append could not be cut back yet
};

}  // namespace gantry::core::config
