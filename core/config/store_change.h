// Changes to the config document, addressed by JSON pointer (RFC 6901).
// A change is a short list of operations applied all-or-nothing; it is
// what the journal records, so its cost does not depend on the size of the
// cluster.
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace gantry::core::config {

/// One operation on the document.
///  - put: set the value at `path`. The parent must exist. In an object the
///    key is added or replaced; in an array an index below the size
///    replaces, the index equal to the size or "-" appends.
///  - remove: delete the value at `path`, which must exist (array elements
///    after it move down).
/// The store manages the top-level "version", "serial_no" and "mtime";
/// operations on them (or on the whole document) are refused. Per-object
/// serial_no/mtime are the caller's: put them in the same change.
struct StoreOp {
  enum class Kind { kPut, kRemove };

  Kind kind = Kind::kPut;
  std::string path;
  nlohmann::json value;  // put only

  static StoreOp put(std::string path, nlohmann::json value);
  static StoreOp remove(std::string path);

  /// {"op": "put", "path": ..., "value": ...} / {"op": "remove", "path": ...}
  nlohmann::json toJson() const;
  /// Throws ConfigStoreError (kInvalid) on a malformed operation.
  static StoreOp fromJson(const nlohmann::json& value);
};

using StoreChange = std::vector<StoreOp>;

/// A JSON pointer built from raw tokens, escaping "~" and "/":
/// jsonPointer({"instances", uuid, "tags", "-"}).
std::string jsonPointer(std::initializer_list<std::string_view> tokens);

class StoreUndo;

/// Applies `change` to `doc`, all or nothing: if an operation fails, the
/// ones before it are undone and ConfigStoreError (kInvalid) says which
/// path failed and why. The result can take the change back out again.
StoreUndo applyStoreChange(nlohmann::json& doc, const StoreChange& change);

/// What it takes to undo an applied change.
class StoreUndo {
 public:
  StoreUndo();
  ~StoreUndo();
  StoreUndo(StoreUndo&&) noexcept;
  StoreUndo& operator=(StoreUndo&&) noexcept;

  /// Whether the change altered the document (a put of the value already
  /// there alters nothing).
  bool changed() const noexcept { return !steps_.empty(); }
  /// Restores `doc` to what it was before the change. `doc` must not have
  /// been changed otherwise since. Leaves this object empty.
  void rollback(nlohmann::json& doc);

  struct Step;  // defined in the .cpp

 private:
  friend StoreUndo applyStoreChange(nlohmann::json&, const StoreChange&);
  std::vector<Step> steps_;
};

}  // namespace gantry::core::config
