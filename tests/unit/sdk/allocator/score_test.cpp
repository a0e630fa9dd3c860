// The cluster score against the values Ganeti's hail reports.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "gantry/sdk/allocator/node_ops.h"
#include "gantry/sdk/allocator/request.h"
#include "gantry/sdk/allocator/score.h"

namespace gantry::sdk::allocator {
namespace {

ParsedRequest load(const std::string& file) {
  std::ifstream f(std::string(GANTRY_SHARED_DIR) + "/testdata/ganeti/test/data/htools/" + file);
  std::ostringstream ss;
  ss << f.rdbuf();
  auto r = parseRequest(ss.str());
  EXPECT_TRUE(r.ok());
  return r.ok() ? std::move(r.value()) : ParsedRequest{};
}

std::string fmt(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.8f", v);
  return buf;
}

int nodeIndex(const ParsedRequest& req, const std::string& name) {
  for (const auto& [i, n] : req.cluster.nodes) {
    if (n.name == name) return i;
  }
  ADD_FAILURE() << name;
  return -1;
}

// Places the request's DRBD instance on (p, s) as hail does for a pair.
std::pair<Node, Node> placePair(const ParsedRequest& req, int p, int s) {
  Instance inst = std::get<AllocateRequest>(req.request).instance;
  inst.pNode = p;
  inst.sNode = s;
  auto np = addPrimary(req.cluster.nodes.at(p), inst, false);
  auto ns = addSecondary(req.cluster.nodes.at(s), inst, p);
  EXPECT_TRUE(np.ok() && ns.ok());
  return {np.value(), ns.value()};
}

TEST(AllocatorScore, PairAllocationMatchesHail) {
  // hail answers hail-alloc-drbd.json with node2/node1 at score 11.75836082,
  // rows 8-11 (utilisation, one unit per instance) making 10.854 of it.
  const auto req = load("hail-alloc-drbd.json");
  const int p = nodeIndex(req, "node2"), s = nodeIndex(req, "node1");
  auto [np, ns] = placePair(req, p, s);
  const double full = clusterScoreWith(req.cluster.nodes, {{p, &np}, {s, &ns}});
  EXPECT_EQ(fmt(full), "11.75836082");

  std::vector<const Node*> nodes;
  for (const auto& [i, n] : req.cluster.nodes) nodes.push_back(&n);
  auto stats = computeStatistics(nodes);
  updateStatistics(stats, req.cluster.nodes.at(p), np);
  updateStatistics(stats, req.cluster.nodes.at(s), ns);
  const double incremental = scoreFromStatistics(stats);
  EXPECT_EQ(fmt(incremental), "11.75836082");
  EXPECT_NEAR(incremental, full, 1e-9);

  std::vector<const Node*> after;
  for (const auto& [i, n] : req.cluster.nodes) after.push_back(i == p ? &np : i == s ? &ns : &n);
  const auto values = componentValues(computeStatistics(after));
  double load = 0;
  for (int c = 7; c <= 10; ++c) load += scoreComponents()[c].weight * values[c];
  EXPECT_NEAR(load, 10.854, 0.001);
}

TEST(AllocatorScore, SingleNodeScoreMatchesHail) {
  // hail-alloc-desired-location.json: node1 at 2.18229167.
  const auto req = load("hail-alloc-desired-location.json");
  const int p = nodeIndex(req, "node1");
  Instance inst = std::get<AllocateRequest>(req.request).instance;
  inst.pNode = p;
  auto np = addPrimary(req.cluster.nodes.at(p), inst, false);
  ASSERT_TRUE(np.ok());
  EXPECT_EQ(fmt(clusterScoreWith(req.cluster.nodes, {{p, &np.value()}})), "2.18229167");
}

TEST(AllocatorScore, EmptyOnlineSetIsNaN) {
  // Population deviation over zero online nodes divides by zero.
  NodeList nl;
  nl.emplace(0, createNode("n", 0, 0, 0, 0, 0, 0, 0, true, 0, 0, 0, false));
  EXPECT_TRUE(std::isnan(clusterScore(nl)));
}

TEST(AllocatorScore, OfflineNodesWeighTheirInstances) {
  NodeList nl;
  nl.emplace(0, createNode("a", 1000, 0, 1000, 1000, 1000, 4, 0, false, 1, 0, 0, false));
  nl.emplace(1, createNode("b", 1000, 0, 1000, 1000, 1000, 4, 0, false, 1, 0, 0, false));
  const double before = clusterScore(nl);
  nl[1].offline = true;
  nl[1].pList = {0};
  // Component 5 (×4) counts 1, component 6 (×16) counts 1; one online node
  // has zero deviation everywhere.
  const auto values = componentValues(computeStatistics({&nl.at(0), &nl.at(1)}));
  EXPECT_EQ(values[4], 1.0);
  EXPECT_EQ(values[5], 1.0);
  EXPECT_GT(clusterScore(nl), before);
}

}  // namespace
}  // namespace gantry::sdk::allocator
