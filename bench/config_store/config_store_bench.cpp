// How the cost of one small config change grows with the cluster: a
// journal commit (tag one instance) against rewriting the whole config.data
// atomically (serialize + atomicWriteFile), at 100, 1,000 and 10,000
// instances synthesized from the 3.1 sample's instances and disks.
//
// Usage: bench_config_store [--dir DIR] [--commits N] [SIZE...]
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config/store.h"
#include "core/util/atomic_file.h"

namespace {

namespace fs = std::filesystem;
using gantry::core::config::ConfigStore;
using gantry::core::config::ConfigStoreOptions;
using gantry::core::config::jsonPointer;
using gantry::core::config::StoreChange;
using gantry::core::config::StoreOp;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string fakeUuid(std::uint64_t kind, std::uint64_t n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%08llx-0000-4000-8000-%012llx",
                static_cast<unsigned long long>(kind), static_cast<unsigned long long>(n));
  return buf;
}

// The sample with its instances and disks replaced by `count` clones.
Json synthesize(const Json& sample, std::size_t count) {
  Json doc = sample;
  Json instances = Json::object();
  Json disks = Json::object();
  std::vector<const Json*> templates;
  for (const auto& [uuid, instance] : sample["instances"].items()) templates.push_back(&instance);
  std::uint64_t serial = 0;
  for (std::size_t i = 0; i < count; ++i) {
    Json instance = *templates[i % templates.size()];
    const std::string uuid = fakeUuid(1, i);
    instance["uuid"] = uuid;
    instance["name"] = "inst" + std::to_string(i) + ".example.com";
    for (auto& nic : instance["nics"]) {
      char mac[20];
      std::snprintf(mac, sizeof mac, "aa:00:00:%02x:%02x:%02x",
                    static_cast<unsigned>((serial >> 16) & 0xFF),
                    static_cast<unsigned>((serial >> 8) & 0xFF),
                    static_cast<unsigned>(serial & 0xFF));
      nic["mac"] = mac;
      nic["uuid"] = fakeUuid(2, serial++);
    }
    Json disk_uuids = Json::array();
    for (const auto& old_uuid : instance["disks"]) {
      Json disk = sample["disks"][old_uuid.get<std::string>()];
      const std::string disk_uuid = fakeUuid(3, serial++);
      disk["uuid"] = disk_uuid;
      if (disk["dev_type"] == "drbd") {
        disk["logical_id"][3] = static_cast<int>(i);
        disk["logical_id"][4] = static_cast<int>(i);
      }
      for (auto& child : disk["children"]) {
        std::string lv = child["logical_id"][1].get<std::string>();
        child["logical_id"][1] = disk_uuid + lv.substr(lv.find('.'));
      }
      disk_uuids.push_back(disk_uuid);
      disks[disk_uuid] = std::move(disk);
    }
    instance["disks"] = std::move(disk_uuids);
    instances[uuid] = std::move(instance);
  }
  doc["instances"] = std::move(instances);
  doc["disks"] = std::move(disks);
  return doc;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<std::size_t>(p * values.size()))];
}

struct Row {
  std::size_t instances = 0;
  std::size_t bytes = 0;
  double commit_median_us = 0;
  double commit_p90_us = 0;
  double commit_memory_median_us = 0;  // 0: no memory file system
  double rewrite_median_us = 0;
  double amortised_compaction_us = 0;
};

// Times `commits` commits, each tagging a random instance the way a logical
// unit does: the tag plus the object's own serial_no and mtime.
std::vector<double> timeCommits(ConfigStore& store, const std::vector<std::string>& uuids,
                                int commits) {
  std::mt19937 rng(7);
  std::vector<double> commit_us;
  for (int i = 0; i < commits; ++i) {
    const std::string& uuid = uuids[rng() % uuids.size()];
    const std::string tag = "bench-" + std::to_string(i);
    const auto start = Clock::now();
    store.commitWith([&](const Json& current) {
      const Json& instance = current["instances"][uuid];
      // Objects written without tags read as [] (the sample has some).
      StoreOp add_tag =
          instance.contains("tags")
              ? StoreOp::put(jsonPointer({"instances", uuid, "tags", "-"}), tag)
              : StoreOp::put(jsonPointer({"instances", uuid, "tags"}), Json::array({tag}));
      return StoreChange{
          std::move(add_tag),
          StoreOp::put(jsonPointer({"instances", uuid, "serial_no"}),
                       instance["serial_no"].get<std::int64_t>() + 1),
          StoreOp::put(jsonPointer({"instances", uuid, "mtime"}),
                       std::chrono::duration<double>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count())};
    });
    commit_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  return commit_us;
}

Row measure(const Json& sample, std::size_t count, const fs::path& base,
            const fs::path& memory_base, int commits) {
  Row row;
  row.instances = count;
  const Json doc = synthesize(sample, count);
  const fs::path dir = base / ("size-" + std::to_string(count));
  ConfigStoreOptions options;  // the defaults a master runs with
  auto store = ConfigStore::create(dir, doc, options);
  row.bytes = store->stats().snapshot_bytes;

  std::vector<std::string> uuids;
  for (const auto& [uuid, instance] : doc["instances"].items()) uuids.push_back(uuid);
  std::size_t journal_before = store->stats().journal_bytes;
  std::vector<double> commit_us = timeCommits(*store, uuids, commits);
  store->waitForCompaction();
  const auto stats = store->stats();
  const double record_bytes =
      static_cast<double>(stats.journal_bytes - journal_before) / commits;
  row.commit_median_us = median(commit_us);
  row.commit_p90_us = percentile(commit_us, 0.9);

  // The same on a memory file system, where fdatasync costs nothing: what
  // is left is the store's own work, which must not grow with the cluster.
  if (!memory_base.empty()) {
    auto in_memory = ConfigStore::create(memory_base / ("size-" + std::to_string(count)),
                                         doc, options);
    row.commit_memory_median_us = median(timeCommits(*in_memory, uuids, commits));
  }

  // The alternative: every change rewrites config.data in full.
  Json current;
  store->read([&](const Json& d) { current = d; });
  const int rewrites = count >= 10000 ? 5 : 11;
  std::vector<double> rewrite_us;
  const fs::path target = base / ("rewrite-" + std::to_string(count) + ".data");
  for (int i = 0; i < rewrites; ++i) {
    current["serial_no"] = current["serial_no"].get<std::int64_t>() + 1;
    const auto start = Clock::now();
    gantry::core::util::atomicWriteFile(target, current.dump(2) + "\n", 0640);
    rewrite_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  row.rewrite_median_us = median(rewrite_us);
  // A compaction (one full write) happens once the journal outgrows
  // max(compact_min_bytes, compact_ratio x config.data).
  const double threshold =
      std::max<double>(static_cast<double>(options.compact_min_bytes),
                       options.compact_ratio * static_cast<double>(row.bytes));
  row.amortised_compaction_us = row.rewrite_median_us * record_bytes / threshold;
  return row;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path base;
  int commits = 200;
  std::vector<std::size_t> sizes;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--dir" && i + 1 < argc) {
      base = argv[++i];
    } else if (arg == "--commits" && i + 1 < argc) {
      commits = std::max(1, std::atoi(argv[++i]));
    } else {
      sizes.push_back(static_cast<std::size_t>(std::stoul(arg)));
    }
  }
  if (sizes.empty()) sizes = {100, 1000, 10000};
  bool own_dir = false;
  if (base.empty()) {
    std::string pattern = (fs::temp_directory_path() / "gantry-bench-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) {
      std::perror("mkdtemp");
      return 1;
    }
    base = pattern;
    own_dir = true;
  }

  // /dev/shm (tmpfs): commits without the disk's sync latency.
  fs::path memory_base;
  if (fs::is_directory("/dev/shm")) {
    std::string pattern = "/dev/shm/gantry-bench-XXXXXX";
    if (::mkdtemp(pattern.data())) memory_base = pattern;
  }

  const fs::path sample_path =
      fs::path(GANTRY_SHARED_DIR) / "testdata/ganeti/test/data/cluster_config_3.1.json";
  std::ifstream in(sample_path);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", sample_path.c_str());
    return 1;
  }
  const Json sample = Json::parse(in);

  std::printf("config_store: one small commit (tag one instance: 3 ops) vs rewriting\n");
  std::printf("config.data (serialize + atomicWriteFile); %d commits per size.\n", commits);
  std::printf("disk: %s   memory (no sync cost): %s\n\n", base.c_str(),
              memory_base.empty() ? "-" : memory_base.c_str());
  std::printf("%9s %11s | %13s %13s %15s | %15s %15s | %11s\n", "instances", "config.data",
              "commit median", "commit p90", "commit (memory)", "rewrite median",
              "amortised comp.", "rewrite/commit");
  std::vector<Row> rows;
  for (std::size_t size : sizes) {
    Row row = measure(sample, size, base, memory_base, commits);
    std::printf("%9zu %8.2f MB | %10.1f us %10.1f us %12.1f us | %12.1f us %12.2f us | %10.1fx\n",
                row.instances, static_cast<double>(row.bytes) / 1e6, row.commit_median_us,
                row.commit_p90_us, row.commit_memory_median_us, row.rewrite_median_us,
                row.amortised_compaction_us, row.rewrite_median_us / row.commit_median_us);
    std::fflush(stdout);
    rows.push_back(row);
  }
  if (rows.size() > 1) {
    const Row& first = rows.front();
    std::printf("\nratios against %zu instances:\n", first.instances);
    std::printf("%9s %13s %15s %15s\n", "instances", "commit", "commit (memory)", "rewrite");
    for (const Row& row : rows) {
      std::printf("%9zu %12.2fx %14.2fx %14.2fx\n", row.instances,
                  row.commit_median_us / first.commit_median_us,
                  first.commit_memory_median_us > 0
                      ? row.commit_memory_median_us / first.commit_memory_median_us
                      : 0.0,
                  row.rewrite_median_us / first.rewrite_median_us);
    }
    const double growth = rows.back().commit_median_us / first.commit_median_us;
    std::printf("\ncommit at %zu vs %zu instances: %.2fx (goal: within 2x) %s\n",
                rows.back().instances, first.instances, growth,
                growth <= 2.0 ? "OK" : "MISSED");
  }
  std::printf("amortised comp.: one full write of config.data every time the journal\n"
              "outgrows max(1 MiB, config.data), spread over the commits in between.\n");
  if (!memory_base.empty()) fs::remove_all(memory_base);
  if (own_dir) fs::remove_all(base);
  return 0;
}
