// gnt-instance info's layout for the parts the virtual cluster does not
// show: DRBD disks with children and sync states, secondaries, NICs on a
// network, instance-level parameters beside inherited ones.
#include <gtest/gtest.h>

#include "cli/common/generic_info.h"
#include "cli/gnt-instance/info_layout.h"

namespace gantry::cli::instance {
namespace {
using core::luxi::Json;

TEST(InstanceInfoLayout, DrbdInstanceWithSecondaryAndSyncState) {
  const Json data = Json::parse(R"({
    "name": "inst1", "uuid": "u1", "serial_no": 3, "ctime": null, "mtime": null,
    "config_state": "up", "run_state": "down",
    "pnode": "node1", "pnode_group_uuid": "g1", "pnode_group_name": "default",
    "snodes": ["node2"], "snodes_group_uuids": ["g1"], "snodes_group_names": ["default"],
    "os": "debootstrap+default", "os_instance": {"dhcp": "no"},
    "os_actual": {"dhcp": "no", "mirror": "deb"}, "network_port": 11005,
    "hypervisor": "kvm", "hv_instance": {"acpi": true},
    "hv_actual": {"acpi": true, "boot_order": "disk", "migration_port": 8102},
    "be_instance": {}, "be_actual": {"maxmem": 256, "minmem": 128, "vcpus": 1},
    "nics": [["eth", "n1", "10.0.0.5", "aa:00:00:11:22:33", "routed", "rt1", "", "net1",
              {"name": "backbone"}]],
    "disk_template": "drbd",
    "disks": [{"iv_name": "disk/0", "dev_type": "drbd", "size": 1024, "mode": "rw",
               "spindles": null, "name": null, "uuid": "d1",
               "logical_id": ["node1", "node2", 11000, 0, 0, "secret"],
               "pstatus": ["/dev/drbd0", 147, 0, 45.5, 30, true, 2],
               "sstatus": ["/dev/drbd0", 147, 0, null, null, false, 1],
               "children": [{"iv_name": null, "dev_type": "plain", "size": 1024,
                             "mode": "rw", "spindles": null, "name": null, "uuid": "c1",
                             "logical_id": ["xenvg", "u1.disk0_data"],
                             "pstatus": ["/dev/xenvg/u1.disk0_data", 253, 0, null, null,
                                         false, 4],
                             "sstatus": null, "children": []}]}]
  })");
  const std::string text = formatGenericInfo(Json::array({instanceInfoLayout(data)}));
  EXPECT_NE(text.find("  State: configured to be up, actual state is down\n"), std::string::npos);
  EXPECT_NE(text.find("    - secondaries: node2 (group default, group UUID g1)\n"),
            std::string::npos);
  EXPECT_NE(text.find("  Operating system parameters: \n    dhcp: no\n    mirror: default (deb)\n"),
            std::string::npos);
  EXPECT_NE(text.find("  Allocated network port: 11005\n"), std::string::npos);
  EXPECT_NE(text.find("  Hypervisor parameters: \n    acpi: True\n    boot_order: default "
                      "(disk)\n  Back-end"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("    memory: default (256)\n"), std::string::npos);
  EXPECT_NE(text.find("    - nic/0: \n      MAC: aa:00:00:11:22:33\n      IP: 10.0.0.5\n"
                      "      mode: routed\n      link: rt1\n      vlan: \n"
                      "      network: backbone\n      UUID: n1\n      name: eth\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("    - disk/0: drbd, size 1.0G\n      access mode: rw\n"), std::string::npos);
  EXPECT_NE(text.find("      on primary: /dev/drbd0 (147:0) *RECOVERING* 45.50%, ETA 30s, "
                      "status *DEGRADED*\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("      on secondary: /dev/drbd0 (147:0) in sync, status ok\n"),
            std::string::npos);
  EXPECT_NE(text.find("        - child 0: plain, size 1.0G\n          logical_id: "
                      "xenvg/u1.disk0_data\n          on primary: /dev/xenvg/u1.disk0_data "
                      "(253:0) *FAILED* (failed drive?)\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace gantry::cli::instance
