// The config store's append-only journal, a journal file of checksummed
// JSON lines (core/util/json_journal.h). Each segment starts with a header
// naming the document state it continues (serial and mtime), then holds
// one committed change per line.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/util/json_journal.h"

namespace gantry::core::config {

using util::JournalWriter;

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

/// The record's line, ready to append.
std::string encodeJournalRecord(const JournalRecord& record);

/// Reads a segment. A damaged or incomplete last part is a torn tail and is
/// dropped; a damaged line followed by good ones means the file was
/// corrupted otherwise and throws ConfigStoreError.
JournalSegment readJournalSegment(const std::filesystem::path& path);

/// Creates a segment continuing `base` (header written and synced).
/// Throws util::FileWriteError.
JournalWriter createJournalSegment(const std::filesystem::path& path, JournalBase base);

}  // namespace gantry::core::config
