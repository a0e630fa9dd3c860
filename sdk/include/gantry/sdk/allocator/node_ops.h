// Simulated placement on one node: adding or removing an instance as primary
// or secondary, with htools' capacity checks (memory, disk, spindles, CPU
// ratio, N+1, exclusion tags) and the instance-policy check. Functions take
// the node by value and return the new node or the first failing check;
// they never throw. Since ABI 1.0.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "gantry/sdk/allocator/model.h"

namespace gantry::sdk::allocator {

/// A simulated operation's outcome: the changed object or why it failed.
template <typename T>
class OpResult {
 public:
  OpResult(T value) : state_(std::move(value)) {}
  OpResult(FailMode mode) : state_(mode) {}
  bool ok() const { return state_.index() == 0; }
  T& value() { return std::get<0>(state_); }
  const T& value() const { return std::get<0>(state_); }
  FailMode failure() const { return std::get<1>(state_); }

 private:
  std::variant<T, FailMode> state_;
};

/// Adds `inst` as a primary. `force` skips the soft checks (reserve disk,
/// spindle ratio, new N+1 failure, vcpu ratio, exclusion tags, forthcoming
/// memory); hard checks (memory, disk, exclusive-storage spindles) stay.
OpResult<Node> addPrimary(const Node& node, const Instance& inst, bool force);
/// Adds `inst` as a secondary whose primary is node `primaryIdx`.
/// `ignoreDisks` skips the free-disk check (failover from an offline node).
OpResult<Node> addSecondary(const Node& node, const Instance& inst, int primaryIdx,
                            bool force = false, bool ignoreDisks = false);
/// addPrimary / addSecondary writing the new node into `out`, whose storage
/// (lists, maps, strings) is reused: for callers that probe many placements
/// with one scratch node. Returns the failure, if any; `out` is then
/// unspecified. `out` must not be `node` itself.
std::optional<FailMode> addPrimaryInto(Node& out, const Node& node, const Instance& inst,
                                       bool force);
std::optional<FailMode> addSecondaryInto(Node& out, const Node& node, const Instance& inst,
                                         int primaryIdx, bool force = false,
                                         bool ignoreDisks = false);
/// Removes a primary / secondary (never fails).
Node removePrimary(const Node& node, const Instance& inst);
Node removeSecondary(const Node& node, const Instance& inst);

/// Load-time placement (no checks): htools' setPri / setSec.
void setPrimary(Node& node, const Instance& inst);
void setSecondary(Node& node, const Instance& inst);
/// Recomputes peers, rMem, pRem and failN1 (fMem < rMem) from sList.
void buildPeers(Node& node, const InstanceList& instances);

/// A node or instance list's elements by index in a flat table, for code
/// that looks many of them up: indices are 0..n-1 as loaded, and any other
/// index falls back to the list's own lookup. `List` is NodeList or
/// InstanceList, const for read-only access; the list must outlive the
/// index and keep its keys.
template <typename List>
class IndexedList {
 public:
  using Element = std::conditional_t<std::is_const_v<List>, const typename List::mapped_type,
                                     typename List::mapped_type>;

  explicit IndexedList(List& list) : list_(list), byIdx_(list.size(), nullptr) {
    for (auto& [i, element] : list) {
      if (i >= 0 && static_cast<std::size_t>(i) < byIdx_.size()) byIdx_[i] = &element;
    }
  }
  /// The element with index `idx`, or nullptr.
  Element* find(int idx) const {
    if (idx >= 0 && static_cast<std::size_t>(idx) < byIdx_.size() && byIdx_[idx] != nullptr) {
      return byIdx_[idx];
    }
    auto it = list_.find(idx);
    return it == list_.end() ? nullptr : &it->second;
  }
  /// The element with index `idx`; throws std::out_of_range if none.
  Element& at(int idx) const {
    if (Element* e = find(idx)) return *e;
    throw std::out_of_range("no element with index " + std::to_string(idx));
  }

 private:
  List& list_;
  std::vector<Element*> byIdx_;
};
using InstanceIndex = IndexedList<const InstanceList>;
using NodeIndex = IndexedList<const NodeList>;

/// buildPeers over an index of the instances.
void buildPeers(Node& node, const InstanceIndex& instances);

/// Checks an instance against an instance policy: any min/max pair matching
/// passes (an empty list passes), else the first pair's failure; then the
/// template must be allowed (FailDisk).
OpResult<bool> matchesPolicy(const Instance& inst, const IPolicy& policy,
                             bool exclStorage);

/// Migration-tag check of a failover from `source` to `target`.
OpResult<bool> checkMigration(const Node& source, const Node& target);

/// |loc(p) ∩ loc(s)| (0 without a secondary node).
int instanceLocationScore(const Node& primary, const Node* secondary);

}  // namespace gantry::sdk::allocator
