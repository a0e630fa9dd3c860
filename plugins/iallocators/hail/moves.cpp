// Simulated moves and their opcodes.
#include "moves.h"

#include <nlohmann/json.hpp>

#include "gantry/sdk/allocator/score.h"

namespace gantry::plugins::hail {
namespace {

// Container.addTwo: k1 is written last and wins.
void addTwo(alloc::NodeList& nl, int k1, const alloc::Node& v1, int k2, const alloc::Node& v2) {
  nl[k2] = v2;
  nl[k1] = v1;
}

alloc::OpResult<MoveResult> failover(bool force, const alloc::NodeList& nl,
                                     const alloc::Instance& inst) {
  const int oldPdx = inst.pNode, oldSdx = inst.sNode;
  const alloc::Node& oldP = nl.at(oldPdx);
  const alloc::Node& oldS = nl.at(oldSdx);
  alloc::Node intP = alloc::removePrimary(oldP, inst);
  alloc::Node intS = alloc::removeSecondary(oldS, inst);
  auto mig = alloc::checkMigration(oldP, oldS);
  if (!mig.ok()) return mig.failure();
  auto newP = alloc::addPrimary(intS, inst, oldP.offline || force);
  if (!newP.ok()) return newP.failure();
  auto newS = alloc::addSecondary(intP, inst, oldSdx, oldP.offline || force, oldP.offline);
  if (!newS.ok()) return newS.failure();
  MoveResult r{nl, inst};
  r.instance.pNode = oldSdx;
  r.instance.sNode = oldPdx;
  addTwo(r.nodes, oldPdx, newS.value(), oldSdx, newP.value());
  return r;
}

alloc::OpResult<MoveResult> failoverToAny(bool force, const alloc::NodeList& nl,
                                          const alloc::Instance& inst, int newPdx) {
  const int oldPdx = inst.pNode;
  const alloc::Node& oldP = nl.at(oldPdx);
  const alloc::Node& newP = nl.at(newPdx);
  auto mig = alloc::checkMigration(oldP, newP);
  if (!mig.ok()) return mig.failure();
  auto added = alloc::addPrimary(newP, inst, oldP.offline || force);
  if (!added.ok()) return added.failure();
  alloc::Node removed = alloc::removePrimary(oldP, inst);
  MoveResult r{nl, inst};
  r.instance.pNode = newPdx;
  addTwo(r.nodes, oldPdx, removed, newPdx, added.value());
  return r;
}

alloc::OpResult<MoveResult> replaceSecondary(bool force, const alloc::NodeList& nl,
                                             const alloc::Instance& inst, int newSdx) {
  const int oldPdx = inst.pNode, oldSdx = inst.sNode;
  const alloc::Node& oldS = nl.at(oldSdx);
  const alloc::Node& target = nl.at(newSdx);
  const alloc::Node& pnode = nl.at(oldPdx);
  alloc::Node pnode1 = alloc::removePrimary(pnode, inst);
  alloc::Node intS = alloc::removeSecondary(oldS, inst);
  alloc::Instance newInst = inst;
  newInst.locationScore = alloc::instanceLocationScore(pnode, &target);
  newInst.sNode = newSdx;
  auto newS = alloc::addSecondary(target, newInst, oldPdx, oldS.offline || force);
  if (!newS.ok()) return newS.failure();
  auto pnode2 = alloc::addPrimary(pnode1, newInst, true);
  if (!pnode2.ok()) return pnode2.failure();
  MoveResult r{nl, newInst};
  addTwo(r.nodes, newSdx, newS.value(), oldSdx, intS);
  r.nodes[oldPdx] = pnode2.value();
  return r;
}

nlohmann::ordered_json migrateOp(const alloc::Instance& inst, const std::string* target) {
  nlohmann::ordered_json op;
  if (inst.forthcoming) {
    op["OP_ID"] = "OP_INSTANCE_FAILOVER";
    op["instance_name"] = inst.name;
    op["shutdown_timeout"] = 120;
    op["ignore_consistency"] = false;
    if (target) op["target_node"] = *target;
    op["ignore_ipolicy"] = false;
    op["cleanup"] = false;
  } else {
    op["OP_ID"] = "OP_INSTANCE_MIGRATE";
    op["instance_name"] = inst.name;
    if (target) op["target_node"] = *target;
    op["allow_runtime_changes"] = false;
    op["ignore_ipolicy"] = false;
    op["cleanup"] = false;
    op["allow_failover"] = true;
    op["ignore_hvversions"] = true;
  }
  return op;
}

}  // namespace

alloc::OpResult<MoveResult> applyMove(bool force, const alloc::NodeList& nl,
                                      const alloc::Instance& inst, const Move& move) {
  switch (move.kind) {
    case Move::Kind::kFailover:
      return failover(force, nl, inst);
    case Move::Kind::kFailoverToAny:
      return failoverToAny(force, nl, inst, move.target);
    case Move::Kind::kReplaceSecondary:
      return replaceSecondary(force, nl, inst, move.target);
  }
  return alloc::FailMode::kInternal;
}

double groupScore(const alloc::NodeList& nl, int gdx) {
  std::vector<const alloc::Node*> nodes;
  for (const auto& [i, n] : nl) {
    if (n.group == gdx) nodes.push_back(&n);
  }
  return alloc::scoreFromStatistics(alloc::computeStatistics(nodes));
}

std::vector<nlohmann::ordered_json> moveOpcodes(const alloc::NodeList& nl, const alloc::Instance& inst,
                                        const Move& move) {
  const std::string target =
      move.target == alloc::kNoNode ? std::string() : nl.at(move.target).name;
  switch (move.kind) {
    case Move::Kind::kFailover:
      return {migrateOp(inst, nullptr)};
    case Move::Kind::kFailoverToAny:
      return {migrateOp(inst, &target)};
    case Move::Kind::kReplaceSecondary:
      break;
  }
  nlohmann::ordered_json op;
  op["OP_ID"] = "OP_INSTANCE_REPLACE_DISKS";
  op["instance_name"] = inst.name;
  op["early_release"] = false;
  op["ignore_ipolicy"] = false;
  op["mode"] = "replace_new_secondary";
  op["disks"] = nlohmann::ordered_json::array();
  op["remote_node"] = target;
  return {op};
}

}  // namespace gantry::plugins::hail
