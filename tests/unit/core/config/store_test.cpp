#include "core/config/store.h"

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config/journal.h"
#include "core/config/store_change.h"
#include "core/util/atomic_file.h"

namespace {

namespace fs = std::filesystem;
using gantry::core::config::applyStoreChange;
using gantry::core::config::ConfigStore;
using gantry::core::config::ConfigStoreError;
using gantry::core::config::ConfigStoreOptions;
using gantry::core::config::formatConfigVersion;
using gantry::core::config::jsonPointer;
using gantry::core::config::StoreChange;
using gantry::core::config::StoreOp;
using gantry::core::util::FileStep;
using gantry::core::util::FileWriteError;
using gantry::core::util::ScopedFileFaultHook;
using Json = nlohmann::json;
namespace sdk = gantry::sdk;

const fs::path kSample =
    fs::path(GANTRY_SHARED_DIR) / "testdata/ganeti/test/data/cluster_config_3.1.json";
constexpr const char* kInstance = "4e091bdc-e205-4ed7-8a47-0c9130a6619f";
constexpr std::int64_t kSampleSerial = 7627;

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void writeFile(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::vector<fs::path> journalSegments(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename().string().rfind("config.data.journal.", 0) == 0) {
      out.push_back(entry.path());
    }
  }
  return out;
}

StoreChange addTag(const std::string& tag) {
  return {StoreOp::put(jsonPointer({"instances", kInstance, "tags", "-"}), tag)};
}

// A document with everything but the top-level mtime (which the store sets
// from the clock) for comparisons with a document built by hand.
Json withoutMtime(Json doc) {
  doc.erase("mtime");
  return doc;
}

ConfigStoreOptions noCompaction() {
  ConfigStoreOptions options;
  options.background_compaction = false;
  options.compact_min_bytes = 1ull << 40;
  return options;
}

template <typename F>
std::string errorOf(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

class ConfigStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/gantry-store-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    fs::copy_file(kSample, dir_ / "config.data");
    sample_ = Json::parse(readFile(kSample));
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  Json sample_;
};

TEST(ConfigVersionFormat, MajorMinorAndRevision) {
  EXPECT_EQ(formatConfigVersion(3010000), "3.1");
  EXPECT_EQ(formatConfigVersion(2100000), "2.10");
  EXPECT_EQ(formatConfigVersion(2160001), "2.16.1");
}

TEST_F(ConfigStoreTest, OpensSampleAndReads) {
  auto store = ConfigStore::open(dir_, noCompaction());
  EXPECT_EQ(store->serial(), kSampleSerial);
  EXPECT_EQ(store->get("/cluster/cluster_name"), "cluster.name.example.com");
  EXPECT_EQ(store->get(""), sample_);
  std::size_t instances = 0;
  store->read([&](const Json& doc) { instances = doc["instances"].size(); });
  EXPECT_EQ(instances, sample_["instances"].size());
  try {
    (void)store->get("/instances/nope");
    FAIL() << "missing path did not throw";
  } catch (const ConfigStoreError& e) {
    EXPECT_EQ(e.code(), sdk::ErrorCode::kNotFound);
  }
}

TEST_F(ConfigStoreTest, CommitBumpsSerialAndMtimeAndIsDurable) {
  const std::string before = readFile(dir_ / "config.data");
  const double start = std::chrono::duration<double>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  std::int64_t serial;
  {
    auto store = ConfigStore::open(dir_, noCompaction());
    serial = store->commit(addTag("web"));
    EXPECT_EQ(serial, kSampleSerial + 1);
    EXPECT_EQ(store->get("/serial_no"), kSampleSerial + 1);
    const double mtime = store->get("/mtime").get<double>();
    EXPECT_GE(mtime, start - 1);
    EXPECT_LE(mtime, start + 60);
    EXPECT_EQ(store->get(jsonPointer({"instances", kInstance, "tags"})),
              Json::array({"web"}));
  }
  // Only the journal was written; the reopened store replays it.
  EXPECT_EQ(readFile(dir_ / "config.data"), before);
  auto reopened = ConfigStore::open(dir_, noCompaction());
  EXPECT_EQ(reopened->serial(), serial);
  EXPECT_EQ(reopened->get(jsonPointer({"instances", kInstance, "tags"})),
            Json::array({"web"}));
}

TEST_F(ConfigStoreTest, SharedDocumentIsOneCopyPerSerial) {
  auto store = ConfigStore::open(dir_, noCompaction());
  const auto first = store->document();
  EXPECT_EQ(*first, store->get(""));
  EXPECT_EQ(store->document().get(), first.get());  // no new copy without a change
  store->commit(addTag("web"));
  const auto second = store->document();
  EXPECT_NE(second.get(), first.get());
  EXPECT_EQ(second->at("serial_no"), kSampleSerial + 1);
  EXPECT_EQ(second->at("instances").at(kInstance).at("tags"), Json::array({"web"}));
  // A reader holding the earlier document keeps seeing it unchanged.
  EXPECT_EQ(first->at("serial_no"), kSampleSerial);
  EXPECT_EQ(first->at("instances").at(kInstance).at("tags"), Json::array());
  // A refused change leaves the shared document as it was.
  EXPECT_THROW(store->commit({StoreOp::remove("/cluster/no_such_key")}), ConfigStoreError);
  EXPECT_EQ(store->document().get(), second.get());
}

TEST_F(ConfigStoreTest, ChangeThatAltersNothingIsNotWritten) {
  auto store = ConfigStore::open(dir_, noCompaction());
  const auto journal_bytes = store->stats().journal_bytes;
  EXPECT_EQ(store->commit({StoreOp::put("/cluster/mac_prefix", "aa:bb:cc")}),
            kSampleSerial);
  EXPECT_EQ(store->commit({}), kSampleSerial);
  EXPECT_EQ(store->stats().journal_bytes, journal_bytes);
}

TEST_F(ConfigStoreTest, FailedOperationUndoesTheWholeChange) {
  auto store = ConfigStore::open(dir_, noCompaction());
  const Json before = store->get("");
  StoreChange change = addTag("a");
  change.push_back(StoreOp::put("/cluster/candidate_pool_size", 3));
  change.push_back(StoreOp::remove("/cluster/no_such_key"));
  try {
    store->commit(change);
    FAIL() << "bad change accepted";
  } catch (const ConfigStoreError& e) {
    EXPECT_EQ(e.code(), sdk::ErrorCode::kInvalid);
    EXPECT_EQ(std::string(e.what()),
              "Cannot change config at '/cluster/no_such_key': no such key");
  }
  EXPECT_EQ(store->get(""), before);
}

TEST_F(ConfigStoreTest, ManagedKeysAndWholeDocumentAreRefused) {
  auto store = ConfigStore::open(dir_, noCompaction());
  for (const char* path : {"/serial_no", "/mtime", "/version", ""}) {
    EXPECT_THROW(store->commit({StoreOp::put(path, 1)}), ConfigStoreError) << path;
  }
  EXPECT_THROW(store->commit({StoreOp::put("/no/such/parent", 1)}), ConfigStoreError);
  EXPECT_EQ(store->serial(), kSampleSerial);
}

TEST_F(ConfigStoreTest, ArrayAndObjectOperations) {
  Json doc = {{"a", Json::array({1, 2, 3})}, {"o", {{"k", "v"}}}};
  auto undo = applyStoreChange(doc, {StoreOp::put("/a/1", 20), StoreOp::put("/a/3", 4),
                                     StoreOp::remove("/a/0"), StoreOp::put("/o/n~1m", 1),
                                     StoreOp::remove("/o/k")});
  EXPECT_EQ(doc, (Json{{"a", {20, 3, 4}}, {"o", {{"n/m", 1}}}}));
  undo.rollback(doc);
  EXPECT_EQ(doc, (Json{{"a", {1, 2, 3}}, {"o", {{"k", "v"}}}}));
  EXPECT_THROW(applyStoreChange(doc, {StoreOp::put("/a/5", 1)}), ConfigStoreError);
  EXPECT_THROW(applyStoreChange(doc, {StoreOp::remove("/a/-")}), ConfigStoreError);
  EXPECT_THROW(applyStoreChange(doc, {StoreOp::put("/a/01", 1)}), ConfigStoreError);
  EXPECT_EQ(jsonPointer({"a/b", "c~d"}), "/a~1b/c~0d");
}

TEST_F(ConfigStoreTest, ReplayEqualsDocumentBuiltInMemory) {
  Json expected = sample_;
  Json live;
  {
    auto store = ConfigStore::open(dir_, noCompaction());
    for (int i = 0; i < 30; ++i) {
      StoreChange change = addTag("t" + std::to_string(i));
      if (i % 3 == 0) change.push_back(StoreOp::put("/cluster/candidate_pool_size", i));
      if (i % 7 == 6) {
        change.push_back(StoreOp::remove(jsonPointer({"instances", kInstance, "tags", "0"})));
      }
      applyStoreChange(expected, change);
      store->commit(change);
    }
    live = store->get("");
  }
  expected["serial_no"] = kSampleSerial + 30;
  auto reopened = ConfigStore::open(dir_, noCompaction());
  EXPECT_EQ(reopened->get(""), live);
  EXPECT_EQ(withoutMtime(reopened->get("")), withoutMtime(expected));
}

TEST_F(ConfigStoreTest, TornLastRecordIsIgnoredAndCutOff) {
  {
    auto store = ConfigStore::open(dir_, noCompaction());
    store->commit(addTag("one"));
    store->commit(addTag("two"));
  }
  auto segments = journalSegments(dir_);
  ASSERT_EQ(segments.size(), 1u);
  // Half of a well-formed record for the next serial: a crash mid-append.
  const std::string record = gantry::core::config::encodeJournalRecord(
      {kSampleSerial + 3, 1.5, Json::array({addTag("three")[0].toJson()})});
  std::ofstream(segments[0], std::ios::binary | std::ios::app)
      << record.substr(0, record.size() / 2);
  {
    auto store = ConfigStore::open(dir_, noCompaction());
    EXPECT_EQ(store->serial(), kSampleSerial + 2);
    EXPECT_EQ(store->get(jsonPointer({"instances", kInstance, "tags"})),
              Json::array({"one", "two"}));
    EXPECT_EQ(store->commit(addTag("four")), kSampleSerial + 3);
  }
  auto store = ConfigStore::open(dir_, noCompaction());
  EXPECT_EQ(store->serial(), kSampleSerial + 3);
  EXPECT_EQ(store->get(jsonPointer({"instances", kInstance, "tags"})),
            Json::array({"one", "two", "four"}));
}

TEST_F(ConfigStoreTest, CompleteLastLineWithBadChecksumIsTorn) {
  {
    auto store = ConfigStore::open(dir_, noCompaction());
    store->commit(addTag("one"));
  }
  std::ofstream(journalSegments(dir_)[0], std::ios::binary | std::ios::app)
      << "00000000 {\"serial\":7629}\n";
  auto store = ConfigStore::open(dir_, noCompaction());
  EXPECT_EQ(store->serial(), kSampleSerial + 1);
}

TEST_F(ConfigStoreTest, DamageBeforeGoodRecordsIsRefused) {
  {
    auto store = ConfigStore::open(dir_, noCompaction());
    for (int i = 0; i < 3; ++i) store->commit(addTag("t" + std::to_string(i)));
  }
  const fs::path segment = journalSegments(dir_)[0];
  std::string text = readFile(segment);
  const auto second_line = text.find('\n') + 1;
  text[second_line + 20] ^= 0x01;  // inside the first record
  writeFile(segment, text);
  const std::string error = errorOf([&] { ConfigStore::open(dir_, noCompaction()); });
  EXPECT_NE(error.find("is corrupt"), std::string::npos) << error;
}

TEST_F(ConfigStoreTest, CompactionEqualsReplayAndDropsOldSegments) {
  ConfigStoreOptions options;
  options.background_compaction = false;
  options.compact_min_bytes = 0;
  options.compact_ratio = 0.05;  // a compaction every few commits
  Json expected = sample_;
  Json live;
  {
    auto store = ConfigStore::open(dir_, options);
    for (int i = 0; i < 60; ++i) {
      StoreChange change = addTag(std::string(40, 'a' + i % 26));
      if (i % 5 == 4) change.push_back(StoreOp::remove(jsonPointer({"instances", kInstance, "tags", "0"})));
      applyStoreChange(expected, change);
      store->commit(change);
    }
    const auto stats = store->stats();
    EXPECT_GE(stats.snapshots_written, 3u);
    EXPECT_LT(stats.journal_bytes, 2000u);
    EXPECT_EQ(stats.last_compaction_error, "");
    EXPECT_LE(journalSegments(dir_).size(), 1u);
    live = store->get("");
    // config.data is the document at the snapshot's serial, in its layout.
    const Json on_disk = Json::parse(readFile(dir_ / "config.data"));
    EXPECT_EQ(on_disk["serial_no"], stats.snapshot_serial);
    EXPECT_EQ(readFile(dir_ / "config.data"), on_disk.dump(2) + "\n");
  }
  expected["serial_no"] = kSampleSerial + 60;
  auto reopened = ConfigStore::open(dir_, options);
  EXPECT_EQ(reopened->get(""), live);
  EXPECT_EQ(withoutMtime(reopened->get("")), withoutMtime(expected));
}

TEST_F(ConfigStoreTest, BackgroundCompactionKeepsCommitsGoing) {
  ConfigStoreOptions options;
  options.compact_min_bytes = 0;
  options.compact_ratio = 0.1;
  Json live;
  {
    auto store = ConfigStore::open(dir_, options);
    for (int i = 0; i < 60; ++i) store->commit(addTag("t" + std::to_string(i)));
    store->waitForCompaction();
    EXPECT_GE(store->stats().snapshots_written, 1u);
    EXPECT_EQ(store->stats().last_compaction_error, "");
    live = store->get("");
  }
  auto reopened = ConfigStore::open(dir_, noCompaction());
  EXPECT_EQ(reopened->get(""), live);
  EXPECT_EQ(reopened->get(jsonPointer({"instances", kInstance, "tags"})).size(), 60u);
}

TEST_F(ConfigStoreTest, FlushWritesEverythingInConfigLayout) {
  auto store = ConfigStore::open(dir_, noCompaction());
  store->commit(addTag("x"));
  store->commit({StoreOp::put("/cluster/candidate_pool_size", 7)});
  store->flush();
  const std::string text = readFile(dir_ / "config.data");
  const Json on_disk = Json::parse(text);
  EXPECT_EQ(on_disk, store->get(""));
  EXPECT_EQ(on_disk["serial_no"], kSampleSerial + 2);
  EXPECT_EQ(text, on_disk.dump(2) + "\n");
  EXPECT_EQ(store->stats().snapshot_serial, kSampleSerial + 2);
  // Nothing new: flush writes nothing; snapshot() always does.
  const auto written = store->stats().snapshots_written;
  store->flush();
  EXPECT_EQ(store->stats().snapshots_written, written);
  store->snapshot();
  EXPECT_EQ(store->stats().snapshots_written, written + 1);
}

TEST_F(ConfigStoreTest, ForeignModificationIsNeverOverwritten) {
  auto store = ConfigStore::open(dir_, noCompaction());
  store->commit(addTag("mine"));
  Json foreign = sample_;
  foreign["serial_no"] = 99999;
  const std::string foreign_text = foreign.dump(2) + "\n";
  writeFile(dir_ / "config.data", foreign_text);

  const std::string commit_error = errorOf([&] { store->commit(addTag("more")); });
  EXPECT_NE(commit_error.find("was modified by someone else"), std::string::npos)
      << commit_error;
  const std::string flush_error = errorOf([&] { store->flush(); });
  EXPECT_NE(flush_error.find("refusing to overwrite it"), std::string::npos) << flush_error;
  EXPECT_EQ(readFile(dir_ / "config.data"), foreign_text);
}

TEST_F(ConfigStoreTest, OtherVersionIsRefusedNamingIt) {
  Json old = sample_;
  old["version"] = 2100000;
  writeFile(dir_ / "config.data", old.dump(2));
  const std::string error = errorOf([&] { ConfigStore::open(dir_, noCompaction()); });
  EXPECT_NE(error.find("configuration version 2.10 is not supported (expected 3.1)"),
            std::string::npos)
      << error;
}

TEST_F(ConfigStoreTest, TornConfigDataIsRefused) {
  const std::string text = readFile(dir_ / "config.data");
  writeFile(dir_ / "config.data", text.substr(0, text.size() / 2));
  const std::string error = errorOf([&] { ConfigStore::open(dir_, noCompaction()); });
  EXPECT_NE(error.find("not valid JSON (the file is torn or truncated"), std::string::npos)
      << error;
  fs::remove(dir_ / "config.data");
  EXPECT_THROW(ConfigStore::open(dir_, noCompaction()), ConfigStoreError);
}

TEST_F(ConfigStoreTest, SecondWriterIsRefusedWhileOpen) {
  auto store = ConfigStore::open(dir_, noCompaction());
  const std::string error = errorOf([&] { ConfigStore::open(dir_, noCompaction()); });
  EXPECT_NE(error.find("already open"), std::string::npos) << error;
}

TEST_F(ConfigStoreTest, JournalOfAnotherHistoryIsRefused) {
  {
    auto store = ConfigStore::open(dir_, noCompaction());
    store->commit(addTag("one"));
  }
  // Same serial as the journal's base, but another document (other mtime).
  Json other = sample_;
  other["mtime"] = 1.0;
  writeFile(dir_ / "config.data", other.dump(2));
  const std::string error = errorOf([&] { ConfigStore::open(dir_, noCompaction()); });
  EXPECT_NE(error.find("does not continue it"), std::string::npos) << error;
}

TEST_F(ConfigStoreTest, NewerConfigDataMakesJournalStale) {
  {
    auto store = ConfigStore::open(dir_, noCompaction());
    store->commit(addTag("one"));
  }
  Json newer = sample_;
  newer["serial_no"] = kSampleSerial + 10;
  writeFile(dir_ / "config.data", newer.dump(2));
  auto store = ConfigStore::open(dir_, noCompaction());
  EXPECT_EQ(store->get(""), newer);
  EXPECT_EQ(journalSegments(dir_).size(), 1u);  // only the new, empty one
}

TEST_F(ConfigStoreTest, FailedJournalWriteLeavesNoTrace) {
  auto store = ConfigStore::open(dir_, noCompaction());
  store->commit(addTag("kept"));
  const Json before = store->get("");
  for (FileStep step : {FileStep::kWrite, FileStep::kFsync}) {
    ScopedFileFaultHook hook([&](FileStep s, const fs::path& target) {
      return s == step && target.filename().string().rfind("config.data.journal", 0) == 0
                 ? EIO
                 : 0;
    });
    try {
      store->commit(addTag("lost"));
      FAIL() << "commit succeeded";
    } catch (const FileWriteError& e) {
      EXPECT_EQ(e.step(), step);
      EXPECT_NE(std::string(e.what()).find("Cannot append to"), std::string::npos);
      EXPECT_NE(std::string(e.what()).find("Input/output error"), std::string::npos);
    }
    EXPECT_EQ(store->get(""), before);
  }
  EXPECT_EQ(store->commit(addTag("after")), kSampleSerial + 2);
  store.reset();
  auto reopened = ConfigStore::open(dir_, noCompaction());
  EXPECT_EQ(reopened->get(jsonPointer({"instances", kInstance, "tags"})),
            Json::array({"kept", "after"}));
}

TEST_F(ConfigStoreTest, FailedFlushKeepsOldConfigAndStoreUsable) {
  auto store = ConfigStore::open(dir_, noCompaction());
  store->commit(addTag("x"));
  const std::string before = readFile(dir_ / "config.data");
  {
    ScopedFileFaultHook hook([](FileStep s, const fs::path& target) {
      return s == FileStep::kRename && target.filename() == "config.data" ? EROFS : 0;
    });
    const std::string error = errorOf([&] { store->flush(); });
    EXPECT_NE(error.find("rename failed: Read-only file system"), std::string::npos) << error;
  }
  EXPECT_EQ(readFile(dir_ / "config.data"), before);
  EXPECT_EQ(store->commit(addTag("y")), kSampleSerial + 2);
  store->flush();
  EXPECT_EQ(Json::parse(readFile(dir_ / "config.data"))["serial_no"], kSampleSerial + 2);
}

TEST_F(ConfigStoreTest, ConcurrentCommitsAreSerialised) {
  Json live;
  {
    auto store = ConfigStore::open(dir_, noCompaction());
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 25; ++i) {
          store->commit(addTag(std::to_string(t) + "-" + std::to_string(i)));
        }
      });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(store->serial(), kSampleSerial + 100);
    live = store->get("");
  }
  auto reopened = ConfigStore::open(dir_, noCompaction());
  EXPECT_EQ(reopened->get(""), live);
  EXPECT_EQ(live["instances"][kInstance]["tags"].size(), 100u);
}

TEST_F(ConfigStoreTest, CreateWritesNewConfigAndRefusesExisting) {
  const fs::path fresh = dir_ / "fresh";
  {
    auto store = ConfigStore::create(fresh, sample_, noCompaction());
    EXPECT_EQ(store->get(""), sample_);
  }
  EXPECT_EQ(readFile(fresh / "config.data"), sample_.dump(2) + "\n");
  EXPECT_THROW(ConfigStore::create(fresh, sample_, noCompaction()), ConfigStoreError);
  Json wrong = sample_;
  wrong["version"] = 3020000;
  EXPECT_THROW(ConfigStore::create(dir_ / "other", wrong, noCompaction()),
               ConfigStoreError);
}

// A real full file system: a 64 KiB tmpfs. Needs root (CI runs as root).
class ConfigStoreEnospc : public ConfigStoreTest {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/gantry-store-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    sample_ = Json::parse(readFile(kSample));
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to mount a tmpfs";
    if (::mount("tmpfs", dir_.c_str(), "tmpfs", 0, "size=64k") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs here: " << std::strerror(errno);
    }
    mounted_ = true;
    fs::copy_file(kSample, dir_ / "config.data");
  }
  void TearDown() override {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
    ConfigStoreTest::TearDown();
  }

  bool mounted_ = false;
};

TEST_F(ConfigStoreEnospc, CommitAndFlushBeyondFreeSpaceChangeNothing) {
  const std::string config_before = readFile(dir_ / "config.data");
  auto store = ConfigStore::open(dir_, noCompaction());
  // Commits of 8 KiB each until the file system is full.
  std::string error;
  std::int64_t last_good = store->serial();
  Json last_doc;
  for (int i = 0; i < 20 && error.empty(); ++i) {
    last_doc = store->get("");
    try {
      last_good = store->commit({StoreOp::put("/cluster/blob" + std::to_string(i),
                                              std::string(8 * 1024, 'b'))});
    } catch (const FileWriteError& e) {
      error = e.what();
      EXPECT_EQ(e.errorNumber(), ENOSPC);
    }
  }
  ASSERT_NE(error, "") << "64 KiB never filled up";
  EXPECT_NE(error.find("write failed: No space left on device"), std::string::npos) << error;
  EXPECT_EQ(store->serial(), last_good);
  EXPECT_EQ(store->get(""), last_doc);

  // The whole document no longer fits either: config.data stays as it was.
  const std::string flush_error = errorOf([&] { store->flush(); });
  // Either the new journal segment or config.data itself runs out of room.
  EXPECT_TRUE(std::regex_search(
      flush_error, std::regex("(open|write|fsync) failed: No space left on device$")))
      << flush_error;
  EXPECT_EQ(readFile(dir_ / "config.data"), config_before);
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_NE(entry.path().filename().string()[0], '.') << entry.path();
  }
  store.reset();
  auto reopened = ConfigStore::open(dir_, noCompaction());
  EXPECT_EQ(reopened->serial(), last_good);
  EXPECT_EQ(reopened->get(""), last_doc);
}

}  // namespace
