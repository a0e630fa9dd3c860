#include "core/config/journal.h"

#include <string>
#include <utility>

#include "core/config/store_error.h"

namespace gantry::core::config {

namespace {

constexpr mode_t kJournalMode = 0640;  // same as config.data: it holds the same data
constexpr int kJournalFormat = 1;

[[noreturn]] void corrupt(const std::filesystem::path& path, std::uint64_t offset,
                          const std::string& why) {
  throw ConfigStoreError(sdk::ErrorCode::kEnvironment,
                         "Journal " + path.string() + " is corrupt at byte " +
                             std::to_string(offset) + " (" + why +
                             "); it cannot be replayed safely");
}

}  // namespace

std::string encodeJournalRecord(const JournalRecord& record) {
  return util::encodeJournalLine(nlohmann::json{
      {"serial", record.serial}, {"mtime", record.mtime}, {"ops", record.ops}});
}

JournalSegment readJournalSegment(const std::filesystem::path& path) {
  auto read = util::readJournalLines(path);
  if (!read) {
    throw ConfigStoreError(sdk::ErrorCode::kEnvironment,
                           "Cannot read journal " + path.string());
  }
  if (read->damaged_at) corrupt(path, *read->damaged_at, "damaged record before good ones");

  JournalSegment segment;
  segment.path = path;
  for (auto& [offset, value] : read->lines) {
    try {
      if (!segment.base) {
        if (value.value("journal", 0) != kJournalFormat) {
          corrupt(path, offset, "no journal header");
        }
        segment.base = JournalBase{value.at("base_serial").get<std::int64_t>(),
                                   value.at("base_mtime").get<double>()};
        continue;
      }
      JournalRecord record{value.at("serial").get<std::int64_t>(),
                           value.at("mtime").get<double>(), std::move(value.at("ops"))};
      std::int64_t expected = segment.records.empty() ? segment.base->serial + 1
                                                      : segment.records.back().serial + 1;
      if (record.serial != expected || !record.ops.is_array()) {
        corrupt(path, offset,
                "record for serial " + std::to_string(record.serial) + " where " +
                    std::to_string(expected) + " belongs");
      }
      segment.records.push_back(std::move(record));
    } catch (const nlohmann::json::exception& e) {
      corrupt(path, offset, e.what());
    }
  }
  segment.valid_size = read->valid_size;
  segment.torn_tail = read->torn_tail;
  return segment;
}

JournalWriter createJournalSegment(const std::filesystem::path& path, JournalBase base) {
  return JournalWriter::create(
      path,
      nlohmann::json{{"journal", kJournalFormat},
                     {"base_serial", base.serial},
                     {"base_mtime", base.mtime}},
      kJournalMode);
}

}  // namespace gantry::core::config
