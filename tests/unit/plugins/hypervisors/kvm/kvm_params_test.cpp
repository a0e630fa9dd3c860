#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "kvm_params.h"

namespace gantry::plugins::kvm {
namespace {

using sdk::ErrorCode;

std::string checkMessage(const sdk::ParamMap& params) {
  auto checked = checkKvmParameters(params);
  return checked ? "" : checked.error().message;
}

sdk::ParamMap withParam(const std::string& name, sdk::ParamValue value) {
  sdk::ParamMap params = defaultHvparams();
  params[name] = std::move(value);
  return params;
}

TEST(KvmParams, DefaultsAreGanetisExceptTheQemuPath) {
  const sdk::ParamMap d = defaultHvparams();
  EXPECT_EQ(sdk::paramString(d, "kvm_path"), "/usr/bin/qemu-system-x86_64");
  EXPECT_EQ(sdk::paramString(d, "kernel_path"), "/boot/vmlinuz-3-kvmU");
  EXPECT_EQ(sdk::paramString(d, "root_path"), "/dev/vda1");
  EXPECT_EQ(sdk::paramString(d, "kernel_args"), "ro");
  EXPECT_EQ(sdk::paramString(d, "boot_order"), "disk");
  EXPECT_EQ(sdk::paramBool(d, "serial_console"), true);
  EXPECT_EQ(sdk::paramInt(d, "serial_speed"), 38400);
  EXPECT_EQ(sdk::paramString(d, "disk_type"), "paravirtual");
  EXPECT_EQ(sdk::paramString(d, "nic_type"), "paravirtual");
  EXPECT_EQ(sdk::paramString(d, "disk_cache"), "default");
  EXPECT_EQ(sdk::paramString(d, "cpu_type"), "");
  EXPECT_EQ(sdk::paramString(d, "kvm_flag"), "");
  EXPECT_EQ(sdk::paramBool(d, "acpi"), true);
  EXPECT_EQ(sdk::paramInt(d, "migration_port"), 8102);
  EXPECT_EQ(sdk::paramInt(d, "migration_bandwidth"), 32);
  EXPECT_EQ(sdk::paramInt(d, "migration_downtime"), 30);
  EXPECT_EQ(sdk::paramString(d, "migration_mode"), "live");
  EXPECT_EQ(sdk::paramString(d, "reboot_behavior"), "reboot");
  EXPECT_EQ(sdk::paramString(d, "security_model"), "none");
  EXPECT_EQ(sdk::paramInt(d, "kvm_pci_reservations"), 12);
  EXPECT_EQ(sdk::paramString(d, "spice_tls_ciphers"), "HIGH:-DES:-3DES:-EXPORT:-DH");
  EXPECT_EQ(d.size(), kvmParameters().size());
  EXPECT_EQ(d.size(), 65u);  // Ganeti's hv_kvm PARAMETERS
}

TEST(KvmParams, DefaultsPassTheSyntaxCheck) {
  EXPECT_EQ(checkMessage(defaultHvparams()), "");
}

TEST(KvmParams, RequiredParametersAreMarked) {
  for (const auto& spec : kvmParameters()) {
    const bool expected = spec.name == "kvm_path" || spec.name == "boot_order" ||
                          spec.name == "nic_type" || spec.name == "disk_type" ||
                          spec.name == "scsi_controller_type" || spec.name == "disk_cache" ||
                          spec.name == "migration_port" ||
                          spec.name == "migration_bandwidth" ||
                          spec.name == "migration_downtime" ||
                          spec.name == "migration_mode" || spec.name == "security_model" ||
                          spec.name == "reboot_behavior";
    EXPECT_EQ(spec.required, expected) << spec.name;
  }
}

TEST(KvmParams, UnknownAndMissingParametersAreNamed) {
  EXPECT_EQ(checkMessage(withParam("vcpus_max", std::int64_t{4})),
            "Parameter 'vcpus_max' is not supported");
  sdk::ParamMap params = defaultHvparams();
  params.erase("serial_speed");
  EXPECT_EQ(checkMessage(params), "Parameter 'serial_speed' is missing");
}

TEST(KvmParams, RequiredParameterMayNotBeEmpty) {
  EXPECT_EQ(checkMessage(withParam("nic_type", std::string())),
            "Parameter 'nic_type' is required but is currently not defined");
  EXPECT_EQ(checkMessage(withParam("migration_port", std::monostate{})),
            "Parameter 'migration_port' is required but is currently not defined");
}

TEST(KvmParams, SetValuesAreCheckedWithTheChoices) {
  EXPECT_EQ(checkMessage(withParam("boot_order", std::string("usb"))),
            "Parameter 'boot_order' fails syntax check: The value must be one of: cdrom, "
            "disk, floppy, network (current value: 'usb')");
  EXPECT_EQ(checkMessage(withParam("kvm_flag", std::string("maybe"))),
            "Parameter 'kvm_flag' fails syntax check: The value must be one of: disabled, "
            "enabled (current value: 'maybe')");
  EXPECT_EQ(checkMessage(withParam("disk_cache", std::string("unsafe"))),
            "Parameter 'disk_cache' fails syntax check: The value must be one of: default, "
            "none, writeback, writethrough (current value: 'unsafe')");
  EXPECT_NE(checkMessage(withParam("nic_type", std::string("virtio"))).find("'nic_type'"),
            std::string::npos);
  EXPECT_NE(checkMessage(withParam("disk_type", std::string("nvme"))).find("'disk_type'"),
            std::string::npos);
  EXPECT_EQ(checkMessage(withParam("kvm_flag", std::string("disabled"))), "");
  EXPECT_EQ(checkMessage(withParam("kvm_flag", std::string("enabled"))), "");
}

TEST(KvmParams, NumbersAreRangeChecked) {
  EXPECT_EQ(checkMessage(withParam("migration_port", std::int64_t{65535})),
            "Parameter 'migration_port' fails syntax check: invalid port number (current "
            "value: '65535')");
  EXPECT_EQ(checkMessage(withParam("migration_port", std::int64_t{0})),
            "Parameter 'migration_port' fails syntax check: invalid port number (current "
            "value: '0')");
  EXPECT_EQ(checkMessage(withParam("migration_downtime", std::int64_t{-1})),
            "Parameter 'migration_downtime' fails syntax check: cannot be negative "
            "(current value: '-1')");
  EXPECT_EQ(checkMessage(withParam("migration_bandwidth", std::int64_t{0})), "");
  EXPECT_EQ(checkMessage(withParam("virtio_net_queues", std::int64_t{9})),
            "Parameter 'virtio_net_queues' fails syntax check: invalid number of queues "
            "(current value: '9')");
  EXPECT_EQ(checkMessage(withParam("kvm_pci_reservations", std::int64_t{33})),
            "Parameter 'kvm_pci_reservations' fails syntax check: The number of PCI slots "
            "managed by QEMU (max: 32) (current value: '33')");
  EXPECT_EQ(checkMessage(withParam("spice_ip_version", std::int64_t{5})),
            "Parameter 'spice_ip_version' fails syntax check: The SPICE IP version should "
            "be 4 or 6 (current value: '5')");
}

TEST(KvmParams, TypesAreChecked) {
  EXPECT_EQ(checkMessage(withParam("acpi", std::string("yes"))),
            "Parameter 'acpi' fails syntax check: must be a boolean (current value: 'yes')");
  EXPECT_EQ(checkMessage(withParam("migration_port", std::string("8102"))),
            "Parameter 'migration_port' fails syntax check: must be an integer (current "
            "value: '8102')");
}

TEST(KvmParams, PathsMustBeAbsoluteAndNormalized) {
  EXPECT_EQ(checkMessage(withParam("kernel_path", std::string("boot/vmlinuz"))),
            "Parameter 'kernel_path' fails syntax check: must be an absolute normalized "
            "path (current value: 'boot/vmlinuz')");
  EXPECT_NE(checkMessage(withParam("kvm_path", std::string("/usr/../bin/kvm"))), "");
  EXPECT_EQ(checkMessage(withParam("cdrom_image_path", std::string("http://x/y.iso"))), "");
}

TEST(KvmParams, CpuMasks) {
  EXPECT_EQ(checkMessage(withParam("cpu_mask", std::string("0-2,5:all:3"))), "");
  EXPECT_EQ(checkMessage(withParam("cpu_mask", std::string("2-1"))),
            "Parameter 'cpu_mask' fails syntax check: Multiple CPU mask definition is not "
            "well-formed (current value: '2-1')");
  EXPECT_NE(checkMessage(withParam("cpu_mask", std::string("a"))), "");
}

TEST(KvmParams, CombinationsFollowGaneti) {
  EXPECT_EQ(checkMessage(withParam("boot_order", std::string("cdrom"))),
            "Cannot boot from cdrom without an ISO path");
  EXPECT_EQ(checkMessage(withParam("root_path", std::string())),
            "Need a root partition for the instance, if a kernel is defined");
  EXPECT_EQ(checkMessage(withParam("security_model", std::string("user"))),
            "A security domain (user to run kvm as) must be specified");
  EXPECT_EQ(checkMessage(withParam("security_domain", std::string("qemu"))),
            "Cannot have a security domain when the security model is 'none' or 'pool'");
  EXPECT_NE(checkMessage(withParam("serial_speed", std::int64_t{12345}))
                .find("Invalid serial console speed, must be one of: 75, 110,"),
            std::string::npos);
  EXPECT_EQ(checkMessage(withParam("vnc_x509_verify", true)),
            "vnc_x509_path must be defined, if vnc_x509_verify is");
  EXPECT_EQ(checkMessage(withParam("spice_use_tls", true)),
            "SPICE: spice_use_tls requires spice_bind to be set");
  EXPECT_EQ(checkMessage(withParam("disk_aio", std::string("native"))),
            "When 'disk_aio' is set to 'native', the only supported value for "
            "'disk_cache' is 'none'.");
  sdk::ParamMap both = withParam("spice_bind", std::string("127.0.0.1"));
  both["vnc_bind_address"] = std::string("127.0.0.1");
  EXPECT_EQ(checkMessage(both),
            "Both SPICE and VNC are configured, but only one of them can be used at a "
            "given time");
  // With the serial console off, its speed is not looked at.
  sdk::ParamMap noSerial = withParam("serial_console", false);
  noSerial["serial_speed"] = std::int64_t{12345};
  EXPECT_EQ(checkMessage(noSerial), "");
}

TEST(KvmParams, NodeSideValidationLooksAtFiles) {
  sdk::ParamMap params = defaultHvparams();
  params["kvm_path"] = std::string("/bin/sh");
  params["kernel_path"] = std::string("/nonexistent/vmlinuz");
  auto valid = validateKvmParameters(params);
  ASSERT_FALSE(valid);
  EXPECT_EQ(valid.error().message,
            "Parameter 'kernel_path' fails validation: not found or not a file (current "
            "value: '/nonexistent/vmlinuz')");
  params["kernel_path"] = std::string("/bin/sh");
  params["mem_path"] = std::string("/bin/sh");
  valid = validateKvmParameters(params);
  ASSERT_FALSE(valid);
  EXPECT_EQ(valid.error().message,
            "Parameter 'mem_path' fails validation: not found or not a directory (current "
            "value: '/bin/sh')");
  params["mem_path"] = std::string("/tmp");
  EXPECT_TRUE(validateKvmParameters(params));
  params["vnc_bind_address"] = std::string("not an address");
  valid = validateKvmParameters(params);
  ASSERT_FALSE(valid);
  EXPECT_NE(valid.error().message.find("VNC: The vnc_bind_address parameter"),
            std::string::npos);
  params["vnc_bind_address"] = std::string("lo");
  EXPECT_TRUE(validateKvmParameters(params));
  params["vnc_bind_address"] = std::string("::1");
  EXPECT_TRUE(validateKvmParameters(params));
  params["security_model"] = std::string("user");
  params["security_domain"] = std::string("no-such-user-gantry");
  valid = validateKvmParameters(params);
  ASSERT_FALSE(valid);
  EXPECT_EQ(valid.error().message, "Unknown security domain user no-such-user-gantry");
}

TEST(KvmParams, FillKeepsGivenValues) {
  const sdk::ParamMap filled = fillHvparams({{"kvm_flag", std::string("disabled")}});
  EXPECT_EQ(sdk::paramString(filled, "kvm_flag"), "disabled");
  EXPECT_EQ(sdk::paramInt(filled, "migration_port"), 8102);
}

}  // namespace
}  // namespace gantry::plugins::kvm
