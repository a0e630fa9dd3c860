#include "core/config/store_change.h"

#include <optional>
#include <utility>

#include "core/config/store_error.h"

namespace gantry::core::config {

namespace {

using Json = nlohmann::json;
using Pointer = nlohmann::json::json_pointer;

[[noreturn]] void invalid(const std::string& path, const std::string& why) {
  throw ConfigStoreError(sdk::ErrorCode::kInvalid,
                         "Cannot change config at '" + path + "': " + why);
}

}  // namespace

// How to take one applied operation back.
struct StoreUndo::Step {
  enum class Kind { kRestore, kErase, kPopBack, kInsertAt } kind;
  Pointer parent;
  std::string key;        // object member
  std::size_t index = 0;  // array element (kRestore/kInsertAt on arrays)
  Json old;               // kRestore/kInsertAt
};

namespace {

using Undo = StoreUndo::Step;

std::optional<std::size_t> arrayIndex(const std::string& token) {
  if (token.empty() || token.size() > 18) return std::nullopt;
  if (token.size() > 1 && token[0] == '0') return std::nullopt;
  std::size_t value = 0;
  for (char c : token) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::size_t>(c - '0');
  }
  return value;
}

Pointer parsePointer(const std::string& path) {
  try {
    return Pointer(path);
  } catch (const Json::exception&) {
    invalid(path, "not a JSON pointer");
  }
}

// Applies one op; returns the undo step, or nothing if the op was a no-op.
std::optional<Undo> applyOne(Json& doc, const StoreOp& op) {
  Pointer pointer = parsePointer(op.path);
  if (pointer.empty()) invalid(op.path, "the whole document cannot be replaced");
  const std::string top = Pointer(op.path.substr(0, op.path.find('/', 1))).back();
  if (top == "version" || top == "serial_no" || top == "mtime") {
    invalid(op.path, "'" + top + "' is managed by the config store");
  }
  Pointer parent_pointer = pointer.parent_pointer();
  const std::string key = pointer.back();
  if (!doc.contains(parent_pointer)) invalid(op.path, "no such parent");
  Json& parent = doc.at(parent_pointer);

  if (parent.is_object()) {
    auto it = parent.find(key);
    if (op.kind == StoreOp::Kind::kPut) {
      if (it == parent.end()) {
        parent.emplace(key, op.value);
        return Undo{Undo::Kind::kErase, parent_pointer, key, 0, {}};
      }
      if (*it == op.value) return std::nullopt;
      Undo undo{Undo::Kind::kRestore, parent_pointer, key, 0, std::move(*it)};
      *it = op.value;
      return undo;
    }
    if (it == parent.end()) invalid(op.path, "no such key");
    Undo undo{Undo::Kind::kRestore, parent_pointer, key, 0, std::move(*it)};
    parent.erase(it);
    return undo;
  }

  if (parent.is_array()) {
    const std::size_t size = parent.size();
    std::optional<std::size_t> index =
        key == "-" ? std::optional<std::size_t>(size) : arrayIndex(key);
    if (!index || *index > size) invalid(op.path, "no such array index");
    if (op.kind == StoreOp::Kind::kPut) {
      if (*index == size) {
        parent.push_back(op.value);
        return Undo{Undo::Kind::kPopBack, parent_pointer, {}, 0, {}};
      }
      Json& slot = parent[*index];
      if (slot == op.value) return std::nullopt;
      Undo undo{Undo::Kind::kRestore, parent_pointer, {}, *index, std::move(slot)};
      slot = op.value;
      return undo;
    }
    if (*index == size) invalid(op.path, "no such array index");
    Undo undo{Undo::Kind::kInsertAt, parent_pointer, {}, *index,
              std::move(parent[*index])};
    parent.erase(parent.begin() + static_cast<std::ptrdiff_t>(*index));
    return undo;
  }
  invalid(op.path, "its parent is neither an object nor an array");
}

void undoOne(Json& doc, Undo& undo) {
  Json& parent = doc.at(undo.parent);
  switch (undo.kind) {
    case Undo::Kind::kErase:
      parent.erase(undo.key);
      break;
    case Undo::Kind::kPopBack:
      parent.erase(parent.size() - 1);
      break;
    case Undo::Kind::kRestore:
      if (parent.is_object()) {
        parent[undo.key] = std::move(undo.old);
      } else {
        parent[undo.index] = std::move(undo.old);
      }
      break;
    case Undo::Kind::kInsertAt:
      parent.insert(parent.begin() + static_cast<std::ptrdiff_t>(undo.index),
                    std::move(undo.old));
      break;
  }
}

}  // namespace

StoreOp StoreOp::put(std::string path, nlohmann::json value) {
  return StoreOp{Kind::kPut, std::move(path), std::move(value)};
}

StoreOp StoreOp::remove(std::string path) {
  return StoreOp{Kind::kRemove, std::move(path), nullptr};
}

nlohmann::json StoreOp::toJson() const {
  if (kind == Kind::kRemove) return Json{{"op", "remove"}, {"path", path}};
  return Json{{"op", "put"}, {"path", path}, {"value", value}};
}

StoreOp StoreOp::fromJson(const nlohmann::json& value) {
  if (!value.is_object() || !value.contains("op") || !value.contains("path") ||
      !value["op"].is_string() || !value["path"].is_string()) {
    throw ConfigStoreError(sdk::ErrorCode::kInvalid,
                           "Malformed config operation: " + value.dump());
  }
  const std::string& op = value["op"].get_ref<const std::string&>();
  std::string path = value["path"].get<std::string>();
  if (op == "remove") return remove(std::move(path));
  if (op == "put" && value.contains("value")) {
    return put(std::move(path), value["value"]);
  }
  throw ConfigStoreError(sdk::ErrorCode::kInvalid,
                         "Malformed config operation: " + value.dump());
}

std::string jsonPointer(std::initializer_list<std::string_view> tokens) {
  std::string out;
  for (std::string_view token : tokens) {
    out.push_back('/');
    for (char c : token) {
      if (c == '~') {
        out += "~0";
      } else if (c == '/') {
        out += "~1";
      } else {
        out.push_back(c);
      }
    }
  }
  return out;
}

StoreUndo::StoreUndo() = default;
StoreUndo::~StoreUndo() = default;
StoreUndo::StoreUndo(StoreUndo&&) noexcept = default;
StoreUndo& StoreUndo::operator=(StoreUndo&&) noexcept = default;

void StoreUndo::rollback(nlohmann::json& doc) {
  for (auto it = steps_.rbegin(); it != steps_.rend(); ++it) undoOne(doc, *it);
  steps_.clear();
}

StoreUndo applyStoreChange(nlohmann::json& doc, const StoreChange& change) {
  StoreUndo undo;
  undo.steps_.reserve(change.size());
  try {
    for (const StoreOp& op : change) {
      if (auto step = applyOne(doc, op)) undo.steps_.push_back(std::move(*step));
    }
  } catch (...) {
    undo.rollback(doc);
    throw;
  }
  return undo;
}

}  // namespace gantry::core::config
