// Allocation solution bookkeeping.
#include "solution.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace gantry::plugins::hail {

bool Metric::operator<(const Metric& o) const {
  if (dedicated) {
    if (lost != o.lost) return std::lexicographical_compare(lost.begin(), lost.end(),
                                                            o.lost.begin(), o.lost.end());
    return disk < o.disk;
  }
  return score < o.score;
}

std::string Metric::format() const {
  if (dedicated) {
    std::string out = "([";
    for (std::size_t i = 0; i < lost.size(); ++i) {
      if (i) out += ",";
      out += std::to_string(lost[i]);
    }
    return out + "]," + std::to_string(disk) + ")";
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.8f", score);
  return buf;
}

std::vector<int> AllocElement::nodeIndices() const {
  std::vector<int> out;
  for (const auto& n : changed) out.push_back(n.idx);
  return out;
}

alloc::NodeList AllocElement::nodeList() const {
  alloc::NodeList nl = *base;
  for (const auto& n : changed) nl[n.idx] = n;
  return nl;
}

void AllocSolution::add(const AllocElement& e) {
  ++allocs;
  if (!solution || !(solution->metric < e.metric)) solution = e;
}

void AllocSolution::merge(AllocSolution b) {
  failures.insert(failures.end(), b.failures.begin(), b.failures.end());
  allocs += b.allocs;
  if (b.solution && (!solution || !(solution->metric < b.solution->metric))) {
    solution = std::move(b.solution);
  }
  log.insert(log.begin(), b.log.begin(), b.log.end());
}

std::string failureReasons(const std::vector<alloc::FailMode>& failures) {
  int counts[alloc::kFailModeCount] = {};
  for (auto f : failures) ++counts[static_cast<int>(f)];
  std::string out;
  for (int i = 0; i < alloc::kFailModeCount; ++i) {
    if (counts[i] == 0) continue;
    if (!out.empty()) out += ", ";
    out += std::string(alloc::failModeName(static_cast<alloc::FailMode>(i))) + ": " +
           std::to_string(counts[i]);
  }
  return out;
}

std::string AllocSolution::describe(const alloc::NodeList&) const {
  if (!solution) {
    return "No valid allocation solutions, failure reasons: " +
           (failures.empty() ? std::string("unknown reasons") : failureReasons(failures));
  }
  std::string nodes;
  for (const auto& n : solution->changed) {
    if (!nodes.empty()) nodes += "/";
    nodes += n.name;
  }
  return "score: " + solution->metric.format() + ", successes " + std::to_string(allocs) +
         ", failures " + std::to_string(failures.size()) + " (" + failureReasons(failures) +
         ") for node(s) " + nodes;
}

AllocSolution AllocCollection::toSolution(
    const std::function<bool(const AllocElement&)>& isGood) const {
  // htools prepends each success, then sorts stably: equal metrics keep the
  // later candidate first.
  std::vector<const AllocElement*> sorted;
  for (auto it = solutions.rbegin(); it != solutions.rend(); ++it) sorted.push_back(&*it);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const AllocElement* a, const AllocElement* b) {
                     return a->metric < b->metric;
                   });
  AllocSolution out;
  int dropped = 0;
  for (const AllocElement* e : sorted) {
    if (isGood(*e)) {
      out.solution = *e;
      break;
    }
    ++dropped;
  }
  out.allocs = allocs - dropped;
  out.failures.assign(dropped, alloc::FailMode::kN1);
  out.failures.insert(out.failures.end(), failures.begin(), failures.end());
  return out;
}

alloc::InstanceList withNewInstance(const alloc::InstanceList& il, const AllocElement& e) {
  alloc::InstanceList out = il;
  out[static_cast<int>(il.size())] = e.instance;
  return out;
}

alloc::NodeList withPlacement(const alloc::InstanceList& il, const AllocElement& e) {
  alloc::NodeList nl = e.nodeList();
  const int newIndex = static_cast<int>(il.size());
  for (const auto& changed : e.changed) {
    auto& n = nl[changed.idx];
    for (auto& i : n.pList) i = i < 0 ? newIndex : i;
    for (auto& i : n.sList) i = i < 0 ? newIndex : i;
  }
  return nl;
}

}  // namespace gantry::plugins::hail
