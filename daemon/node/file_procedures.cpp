// upload_file, write_ssconf_files, read_ssconf, master_node_name,
// jobqueue_update, jobqueue_rename: the files the master keeps in step on
// its nodes. Every name goes through core/rpc/node_files.h first, so only
// whitelisted files under the data dir are ever written.
#include <cerrno>
#include <cstdio>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/jobs/queue_journal.h"
#include "core/rpc/base64.h"
#include "core/rpc/keys.h"
#include "core/rpc/node_files.h"
#include "core/rpc/small_file.h"
#include "core/util/atomic_file.h"
#include "daemon/node/node_context.h"

namespace gantry::daemon::node {

namespace {

namespace fs = std::filesystem;
namespace rpc = core::rpc;
using rpc::ArgType;
using rpc::CallContext;
using nlohmann::json;
using sdk::Error;
using sdk::ErrorCode;

constexpr mode_t kDefaultUploadMode = 0600;

sdk::Result<void> makeDirectory(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return Error{ErrorCode::kEnvironment,
                 "Cannot create directory " + dir.string() + ": " + ec.message()};
  }
  return sdk::ok();
}

sdk::Result<void> writeFile(const fs::path& path, std::string_view data,
                            mode_t mode) {
  if (auto dir = makeDirectory(path.parent_path()); !dir) return dir;
  try {
    core::util::atomicWriteFile(path, data, mode);
  } catch (const core::util::FileWriteError& e) {
    return Error{ErrorCode::kEnvironment, e.what()};
  }
  return sdk::ok();
}

sdk::Result<json> uploadFile(NodeContext& node, const json& args) {
  const std::string name = args.at("name").get<std::string>();
  auto path = rpc::uploadFilePath(node.paths.dataDir, name);
  if (!path) return std::move(path).error();
  mode_t mode = kDefaultUploadMode;
  if (auto m = args.find("mode"); m != args.end()) {
    auto checked = rpc::uploadFileMode(m->get<std::int64_t>());
    if (!checked) return std::move(checked).error();
    mode = *checked;
  }
  std::string data = args.at("data").get<std::string>();
  const std::string encoding = args.value("encoding", std::string("plain"));
  if (encoding == "base64") {
    auto decoded = rpc::base64Decode(data);
    if (!decoded) {
      return Error{ErrorCode::kInvalid,
                   "Data for '" + name + "': " + decoded.error().message};
    }
    data = std::move(*decoded);
  } else if (encoding != "plain") {
    return Error{ErrorCode::kInvalid, "Unknown encoding '" + encoding +
                                          "' (expected 'plain' or 'base64')"};
  }
  // A new cluster key takes effect at once, so it must be one.
  const bool clusterKey = *path == rpc::publicKeyFile(node.paths.dataDir,
                                                       rpc::kClusterKeyName);
  std::string key = rpc::trimRight(data);
  if (clusterKey && !rpc::isValidCurveKeyText(key)) {
    return Error{ErrorCode::kInvalid, "Data for '" + name +
                                          "' is not a CURVE public key"};
  }
  if (auto written = writeFile(*path, data, mode); !written) {
    return std::move(written).error();
  }
  if (clusterKey) {
    node.authorizer->setClusterKey(key);
    node.logger->warning("Cluster key replaced through upload_file");
  }
  node.logger->info("Received file " + name + " (" +
                    std::to_string(data.size()) + " bytes)");
  return json(nullptr);
}

std::string ssconfContent(const std::string& value) {
  if (value.empty() || value.back() == '\n') return value;
  return value + "\n";
}

sdk::Result<json> writeSsconfFiles(NodeContext& node, const json& args) {
  const json& values = args.at("values");
  std::vector<std::pair<fs::path, std::string>> files;
  // All checked before any is written: a bad key changes nothing.
  for (const auto& [key, value] : values.items()) {
    auto path = rpc::ssconfFilePath(node.paths.dataDir, key);
    if (!path) return std::move(path).error();
    const std::string& text = value.get_ref<const std::string&>();
    if (text.size() > rpc::kMaxSsconfValueBytes) {
      return Error{ErrorCode::kInvalid,
                   "ssconf value for '" + key + "' is " +
                       std::to_string(text.size()) + " bytes, more than " +
                       std::to_string(rpc::kMaxSsconfValueBytes)};
    }
    files.emplace_back(std::move(*path), ssconfContent(text));
  }
  // Every config change sends them all; only those that changed are
  // rewritten (each rewrite is two syncs).
  std::size_t written = 0;
  for (const auto& [path, content] : files) {
    if (auto current = rpc::readSmallFile(path, content.size() + 1);
        current && *current == content) {
      continue;
    }
    if (auto done = writeFile(path, content, rpc::kSsconfFileMode); !done) {
      return std::move(done).error();
    }
    ++written;
  }
  if (written > 0) node.logger->info("Wrote " + std::to_string(written) + " ssconf files");
  return json(nullptr);
}

sdk::Result<std::optional<std::string>> readSsconfValue(const NodeContext& node,
                                                        const std::string& key) {
  auto path = rpc::ssconfFilePath(node.paths.dataDir, key);
  if (!path) return std::move(path).error();
  auto text = rpc::readSmallFile(*path, rpc::kMaxSsconfValueBytes + 1);
  if (!text) {
    if (text.error().code == ErrorCode::kNotFound) {
      return std::optional<std::string>{};
    }
    return std::move(text).error();
  }
  std::string value = std::move(*text);
  if (!value.empty() && value.back() == '\n') value.pop_back();
  return std::optional<std::string>{std::move(value)};
}

sdk::Result<json> readSsconf(const NodeContext& node, const json& args) {
  std::vector<std::string> keys;
  if (auto wanted = args.find("keys"); wanted != args.end()) {
    keys = wanted->get<std::vector<std::string>>();
  } else {
    std::error_code ec;
    for (fs::directory_iterator it(node.paths.dataDir, ec), end; !ec && it != end;
         it.increment(ec)) {
      const std::string file = it->path().filename().string();
      if (file.rfind("ssconf_", 0) == 0 && rpc::isValidSsconfKey(file.substr(7))) {
        keys.push_back(file.substr(7));
      }
    }
  }
  json out = json::object();
  for (const auto& key : keys) {
    auto value = readSsconfValue(node, key);
    if (!value) return std::move(value).error();
    out[key] = *value ? json(**value) : json(nullptr);
  }
  return out;
}

sdk::Result<json> masterNodeName(const NodeContext& node) {
  auto value = readSsconfValue(node, "master_node");
  if (!value) return std::move(value).error();
  if (!*value || (*value)->empty()) {
    return Error{ErrorCode::kEnvironment,
                 "This node does not know its master: no ssconf_master_node"};
  }
  return json(**value);
}

// A journal this node kept while it was master is stale once another
// master copies its queue here: replayed later, it would undo that copy.
sdk::Result<void> dropStaleQueueJournal(const fs::path& queue) {
  try {
    core::jobs::discardQueueJournal(queue);
  } catch (const core::util::FileWriteError& e) {
    return Error{ErrorCode::kEnvironment, e.what()};
  }
  return {};
}

sdk::Result<json> jobqueueUpdate(NodeContext& node, const json& args) {
  const std::string name = args.at("name").get<std::string>();
  const fs::path queue = rpc::queueDir(node.paths.dataDir);
  auto path = rpc::queueUpdatePath(queue, name);
  if (!path) return std::move(path).error();
  if (auto dropped = dropStaleQueueJournal(queue); !dropped) return std::move(dropped).error();
  if (auto written = writeFile(*path, args.at("content").get<std::string>(),
                               rpc::kQueueFileMode);
      !written) {
    return std::move(written).error();
  }
  return json(nullptr);
}

sdk::Result<json> jobqueueRename(NodeContext& node, const json& args) {
  const fs::path queue = rpc::queueDir(node.paths.dataDir);
  std::vector<std::pair<fs::path, fs::path>> renames;
  for (const auto& pair : args.at("renames")) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() ||
        !pair[1].is_string()) {
      return Error{ErrorCode::kInvalid,
                   "Procedure 'jobqueue_rename': each rename must be a pair "
                   "of strings [old, new]"};
    }
    auto from = rpc::queueRenamePath(queue, pair[0].get<std::string>());
    if (!from) return std::move(from).error();
    auto to = rpc::queueRenamePath(queue, pair[1].get<std::string>());
    if (!to) return std::move(to).error();
    renames.emplace_back(std::move(*from), std::move(*to));
  }
  if (auto dropped = dropStaleQueueJournal(queue); !dropped) return std::move(dropped).error();
  for (const auto& [from, to] : renames) {
    if (auto dir = makeDirectory(to.parent_path()); !dir) return std::move(dir).error();
    if (std::rename(from.c_str(), to.c_str()) != 0) {
      const int err = errno;
      return Error{err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kEnvironment,
                   "Cannot rename " + from.string() + " to " + to.string() + ": " +
                       std::generic_category().message(err)};
    }
    try {
      core::util::fsyncDirectory(to.parent_path());
      if (from.parent_path() != to.parent_path()) {
        core::util::fsyncDirectory(from.parent_path());
      }
    } catch (const core::util::FileWriteError& e) {
      return Error{ErrorCode::kEnvironment, e.what()};
    }
  }
  return json(nullptr);
}

}  // namespace

void addFileProcedures(rpc::ProcedureTable& table, NodeContext& node) {
  table.add({"upload_file",
             {{"name", ArgType::kString, true},
              {"data", ArgType::kString, true},
              {"mode", ArgType::kInt, false},
              {"encoding", ArgType::kString, false}},
             [&node](const json& args, const CallContext&) {
               return uploadFile(node, args);
             }});
  table.add({"write_ssconf_files",
             {{"values", ArgType::kStringMap, true}},
             [&node](const json& args, const CallContext&) {
               return writeSsconfFiles(node, args);
             }});
  table.add({"read_ssconf",
             {{"keys", ArgType::kStringList, false}},
             [&node](const json& args, const CallContext&) {
               return readSsconf(node, args);
             }});
  table.add({"master_node_name", {},
             [&node](const json&, const CallContext&) {
               return masterNodeName(node);
             }});
  table.add({"jobqueue_update",
             {{"name", ArgType::kString, true},
              {"content", ArgType::kString, true}},
             [&node](const json& args, const CallContext&) {
               return jobqueueUpdate(node, args);
             }});
  table.add({"jobqueue_rename",
             {{"renames", ArgType::kArray, true}},
             [&node](const json& args, const CallContext&) {
               return jobqueueRename(node, args);
             }});
}

}  // namespace gantry::daemon::node
