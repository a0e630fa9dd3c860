// Append-only files of checksummed JSON lines, the form the config store's
// journal and the job queue's journal share. One record per line:
//
//   <crc32 of the JSON, 8 lowercase hex digits> <one-line JSON>\n
//
// JSON strings escape newlines, so a line is a record; a crash in the
// middle of an append leaves a last line without its newline or with a
// checksum that does not match, which readers drop as a torn tail.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace gantry::core::util {

/// CRC-32 (IEEE 802.3, as zlib computes it).
std::uint32_t journalCrc32(std::string_view data) noexcept;

/// "<crc> <json>\n" for one record (a JSON object).
std::string encodeJournalLine(const nlohmann::json& value);

struct JournalLine {
  std::uint64_t offset = 0;  // where the line starts in the file
  nlohmann::json value;      // always an object
};

/// What a journal file holds, as far as it is intact.
struct JournalLines {
  std::vector<JournalLine> lines;
  std::uint64_t valid_size = 0;  // bytes up to the end of the last good line
  bool torn_tail = false;        // bytes after valid_size were dropped
  /// Set when a damaged line is followed by good ones: not a torn append
  /// but a file damaged otherwise. `lines` then stops before it.
  std::optional<std::uint64_t> damaged_at;
};

/// Reads a journal file; nullopt if it cannot be opened.
std::optional<JournalLines> readJournalLines(const std::filesystem::path& path);

/// Appends lines to one journal file, each one durable (fdatasync) before
/// append() returns. Not thread-safe: its owner serialises appends.
class JournalWriter {
 public:
  /// Creates (or truncates) the file with `mode`, writes and syncs
  /// `header` as its first line and syncs the directory. Throws
  /// FileWriteError.
  static JournalWriter create(const std::filesystem::path& path,
                              const nlohmann::json& header, mode_t mode);
  /// Reopens an intact file for appending after its first `valid_size`
  /// bytes, cutting off a torn tail. Throws FileWriteError.
  static JournalWriter reopen(const std::filesystem::path& path,
                              std::uint64_t valid_size);

  JournalWriter(JournalWriter&& other) noexcept;
  JournalWriter& operator=(JournalWriter&& other) noexcept;
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;
  ~JournalWriter();

  /// Appends one line (or several, as one write) and syncs it. On failure
  /// the file is cut back to its previous size (so a later append does not
  /// follow garbage) and FileWriteError names the step ("Cannot append to
  /// <path>: ...").
  void append(std::string_view lines);

  std::uint64_t size() const noexcept { return size_; }
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  JournalWriter(std::filesystem::path path, int fd, std::uint64_t size);

  std::filesystem::path path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  bool needs_truncate_ = false;  // a failed append could not be cut back yet
};

}  // namespace gantry::core::util
