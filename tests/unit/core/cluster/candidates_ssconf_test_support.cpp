#include "candidates_ssconf_test_support.h"

namespace gantry::core::cluster::test {

nlohmann::json threeNodeConfig(int pool, bool mc2, bool mc3, bool offline3, bool drained2) {
  auto node = [](const char* name, int k, bool mc, bool offline, bool drained) {
    return nlohmann::json{{"name", name},
                          {"primary_ip", "127.0.1." + std::to_string(k)},
                          {"secondary_ip", "127.0.2." + std::to_string(k)},
                          {"master_candidate", mc},
                          {"offline", offline},
                          {"drained", drained},
                          {"master_capable", true},
                          {"vm_capable", k != 2},
                          {"group", "g1"}};
  };
  return {{"cluster",
           {{"cluster_name", "cluster"},
            {"master_node", "u1"},
            {"master_ip", "127.0.1.100"},
            {"master_netdev", "lo"},
            {"master_netmask", 32},
            {"candidate_pool_size", pool},
            {"enabled_hypervisors", {"fake", "kvm"}},
            {"hvparams", {{"fake", {{"migration_mode", "live"}}}}},
            {"tags", {"b", "a"}},
            {"file_storage_dir", "/srv/x"}}},
          {"nodes",
           {{"u1", node("node1", 1, true, false, false)},
            {"u2", node("node2", 2, mc2, false, drained2)},
            {"u3", node("node3", 3, mc3, offline3, false)}}},
          {"nodegroups", {{"g1", {{"name", "default"}}}}},
          {"instances", {{"i1", {{"name", "inst10"}}}, {"i2", {{"name", "inst9"}}}}}};
}

}  // namespace gantry::core::cluster::test
