#include "core/config/defaults.h"

#include <nlohmann/json.hpp>

namespace gantry::core::config {

using Json = nlohmann::json;

namespace {

// Build-time choices Ganeti takes from configure; these are its defaults.
constexpr const char* kDefaultBridge = "xen-br0";
constexpr const char* kDefaultVg = "xenvg";
constexpr const char* kXenKernel = "/boot/vmlinuz-3-xenU";
constexpr const char* kKvmKernel = "/boot/vmlinuz-3-kvmU";
// Debian's /usr/bin/kvm wrapper forces KVM on; the plain binary honours
// kvm_flag (Ganeti's configure default is /usr/bin/kvm).
constexpr const char* kKvmPath = "/usr/bin/qemu-system-x86_64";
constexpr int kClassicDrbdSyncSpeed = 60 * 1024;  // KiB/s

Json makeHvDefaults() {
  Json all = Json::object();
  all["xen-pvm"] = {
      {"use_bootloader", false},
      {"bootloader_path", ""},
      {"bootloader_args", ""},
      {"kernel_path", kXenKernel},
      {"initrd_path", ""},
      {"root_path", "/dev/xvda1"},
      {"kernel_args", "ro"},
      {"migration_port", 8002},
      {"migration_mode", "live"},
      {"blockdev_prefix", "sd"},
      {"reboot_behavior", "reboot"},
      {"cpu_mask", "all"},
      {"cpu_cap", 0},
      {"cpu_weight", 256},
      {"vif_script", ""},
      {"cpuid", ""},
      {"soundhw", ""},
  };
  all["xen-hvm"] = {
      {"boot_order", "cd"},
      {"cdrom_image_path", ""},
      {"nic_type", "rtl8139"},
      {"disk_type", "paravirtual"},
      {"vnc_bind_address", "0.0.0.0"},
      {"acpi", true},
      {"pae", true},
      {"kernel_path", "/usr/lib/xen/boot/hvmloader"},
      {"device_model", "/usr/lib/xen/bin/qemu-dm"},
      {"migration_port", 8002},
      {"migration_mode", "non-live"},
      {"use_localtime", false},
      {"blockdev_prefix", "hd"},
      {"pci_pass", ""},
      {"reboot_behavior", "reboot"},
      {"cpu_mask", "all"},
      {"cpu_cap", 0},
      {"cpu_weight", 256},
      {"vif_type", "ioemu"},
      {"vif_script", ""},
      {"viridian", false},
      {"cpuid", ""},
      {"soundhw", ""},
  };
  all["kvm"] = {
      {"kvm_path", kKvmPath},
      {"kernel_path", kKvmKernel},
      {"initrd_path", ""},
      {"kernel_args", "ro"},
      {"root_path", "/dev/vda1"},
      {"acpi", true},
      {"serial_console", true},
      {"serial_speed", 38400},
      {"vnc_bind_address", ""},
      {"vnc_tls", false},
      {"vnc_x509_path", ""},
      {"vnc_x509_verify", false},
      {"vnc_password_file", ""},
      {"scsi_controller_type", "lsi"},
      {"kvm_pci_reservations", 12},
      {"spice_bind", ""},
      {"spice_ip_version", 0},
      {"spice_password_file", ""},
      {"spice_image_compression", ""},
      {"spice_jpeg_wan_compression", ""},
      {"spice_zlib_glz_wan_compression", ""},
      {"spice_streaming_video", ""},
      {"spice_playback_compression", true},
      {"spice_use_tls", false},
      {"spice_tls_ciphers", "HIGH:-DES:-3DES:-EXPORT:-DH"},
      {"spice_use_vdagent", true},
      {"floppy_image_path", ""},
      {"cdrom_image_path", ""},
      {"cdrom2_image_path", ""},
      {"boot_order", "disk"},
      {"nic_type", "paravirtual"},
      {"disk_type", "paravirtual"},
      {"cdrom_disk_type", ""},
      {"disk_aio", "threads"},
      {"usb_mouse", ""},
      {"keymap", ""},
      {"migration_port", 8102},
      {"migration_bandwidth", 32},
      {"migration_downtime", 30},
      {"migration_mode", "live"},
      {"use_guest_agent", false},
      {"use_localtime", false},
      {"disk_cache", "default"},
      {"disk_discard", "ignore"},
      {"security_model", "none"},
      {"security_domain", ""},
      {"kvm_flag", ""},
      {"vhost_net", true},
      {"virtio_net_queues", 1},
      {"use_chroot", false},
      {"user_shutdown", false},
      {"mem_path", ""},
      {"reboot_behavior", "reboot"},
      {"cpu_mask", "all"},
      {"cpu_type", ""},
      {"cpu_cores", 0},
      {"cpu_threads", 0},
      {"cpu_sockets", 0},
      {"soundhw", ""},
      {"usb_devices", ""},
      {"vga", ""},
      {"kvm_extra", ""},
      {"machine_version", ""},
      {"migration_caps", ""},
      {"vnet_hdr", true},
  };
  all["fake"] = {{"migration_mode", "live"}};
  all["chroot"] = {{"init_script", "/ganeti-chroot"}};
  all["lxc"] = {
      {"cpu_mask", ""},
      {"devices",
       "c 1:3 rw,c 1:5 rw,c 1:7 rw,c 1:8 rw,c 1:9 rw,c 1:10 rw,c 5:0 rw,"
       "c 5:1 rw,c 5:2 rw,c 136:* rw"},
      {"drop_capabilities",
       "mac_override,sys_boot,sys_module,sys_time,sys_admin"},
      {"extra_cgroups", ""},
      {"extra_config", ""},
      {"num_ttys", 6},
      {"startup_timeout", 30},
  };
  return all;
}

Json makeDiskDefaults() {
  Json all = Json::object();
  for (const auto& dt : diskTemplates()) all[dt] = Json::object();
  all["drbd"] = {
      {"data-stripes", 1},
      {"metavg", kDefaultVg},
      {"c-delay-target", 1},
      {"disk-barriers", "n"},
      {"disk-custom", ""},
      {"dynamic-resync", false},
      {"c-fill-target", 0},
      {"c-max-rate", kClassicDrbdSyncSpeed},
      {"meta-barriers", false},
      {"meta-stripes", 1},
      {"c-min-rate", 4 * 1024},
      {"net-custom", ""},
      {"c-plan-ahead", 20},
      {"protocol", "C"},
      {"resync-rate", kClassicDrbdSyncSpeed},
  };
  all["ext"] = {{"access", "kernelspace"}};
  all["plain"] = {{"stripes", 1}};
  all["rbd"] = {{"pool", "rbd"}, {"access", "kernelspace"}};
  all["gluster"] = {{"access", "kernelspace"},
                    {"host", "127.0.0.1"},
                    {"volume", "gv0"},
                    {"port", 24007}};
  return all;
}

Json makeIpolicyDefaults() {
  Json minSpec = {{"memory-size", 128}, {"cpu-count", 1}, {"disk-count", 1},
                  {"disk-size", 1024},  {"nic-count", 1}, {"spindle-use", 1}};
  Json maxSpec = {{"memory-size", 32768}, {"cpu-count", 8},
                  {"disk-count", 16},     {"disk-size", 1048576},
                  {"nic-count", 8},       {"spindle-use", 12}};
  Json policy = Json::object();
  policy["minmax"] = Json::array({Json{{"min", minSpec}, {"max", maxSpec}}});
  policy["std"] = minSpec;
  policy["disk-templates"] = diskTemplates();
  policy["vcpu-ratio"] = 4.0;
  policy["spindle-ratio"] = 32.0;
  return policy;
}

const Json& emptyObject() {
  static const Json empty = Json::object();
  return empty;
}

}  // namespace

const std::vector<std::string>& hypervisorTypes() {
  static const std::vector<std::string> types = {"chroot", "fake",    "kvm",
                                                 "lxc",    "xen-hvm", "xen-pvm"};
  return types;
}

const std::vector<std::string>& diskTemplates() {
  static const std::vector<std::string> templates = {
      "blockdev", "diskless", "drbd", "ext",       "file",
      "gluster",  "plain",    "rbd",  "sharedfile"};
  return templates;
}

const std::vector<std::string>& hvGlobalParams() {
  static const std::vector<std::string> names = {
      "migration_bandwidth", "migration_mode", "migration_port"};
  return names;
}

const std::vector<std::string>& ndGlobalParams() {
  static const std::vector<std::string> names = {"exclusive_storage"};
  return names;
}

const std::vector<std::string>& dataCollectorNames() {
  static const std::vector<std::string> names = {
      "cpu-avg-load", "diskstats",       "drbd",
      "lv",           "inst-status-xen", "xen-cpu-avg-load"};
  return names;
}

const std::vector<std::string>& defaultCompressionTools() {
  static const std::vector<std::string> tools = {"gzip", "gzip-fast",
                                                 "gzip-slow"};
  return tools;
}

const Json& hvDefaults(const std::string& hypervisor) {
  static const Json all = makeHvDefaults();
  auto it = all.find(hypervisor);
  return it == all.end() ? emptyObject() : *it;
}

const Json& beDefaults() {
  static const Json defaults = {
      {"minmem", 128},         {"maxmem", 128},
      {"vcpus", 1},            {"auto_balance", true},
      {"always_failover", false}, {"spindle_use", 1}};
  return defaults;
}

const Json& nicDefaults() {
  static const Json defaults = {
      {"mode", "bridged"}, {"link", kDefaultBridge}, {"vlan", ""}};
  return defaults;
}

const Json& ndDefaults() {
  static const Json defaults = {
      {"oob_program", ""},         {"spindle_count", 1},
      {"exclusive_storage", false}, {"ovs", false},
      {"ovs_name", "switch1"},     {"ovs_link", ""},
      {"ssh_port", 22},            {"cpu_speed", 1.0}};
  return defaults;
}

const Json& diskDefaults(const std::string& diskTemplate) {
  static const Json all = makeDiskDefaults();
  auto it = all.find(diskTemplate);
  return it == all.end() ? emptyObject() : *it;
}

const Json& ipolicyDefaults() {
  static const Json policy = makeIpolicyDefaults();
  return policy;
}

}  // namespace gantry::core::config
