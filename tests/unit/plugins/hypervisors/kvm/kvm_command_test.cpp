#include <gtest/gtest.h>

#include <algorithm>

#include "kvm_command.h"
#include "kvm_params.h"

namespace gantry::plugins::kvm {
namespace {

using Argv = std::vector<std::string>;

LaunchSpec spec(sdk::ParamMap hv = {}) {
  LaunchSpec s;
  s.name = "inst1.example.com";
  s.uuid = "0e4d0b7c-9f4e-4e5f-8a57-6a4b1f6f0c11";
  s.hvparams = fillHvparams(hv);
  s.memoryMiB = 256;
  s.startupMemoryMiB = 256;
  s.vcpus = 2;
  return s;
}

InstancePaths paths() {
  return RuntimeLayout("/n1/var/run/gantry", "/n1/var/log/gantry")
      .forInstance("inst1.example.com");
}

Argv build(const LaunchSpec& s, LaunchOptions options = {}) {
  auto argv = buildKvmArgv(s, paths(), options);
  EXPECT_TRUE(argv) << (argv ? "" : argv.error().message);
  return argv ? *argv : Argv{};
}

// The value following `option` (the first occurrence), or "" if absent.
std::string after(const Argv& argv, const std::string& option, int nth = 0) {
  for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == option && nth-- == 0) return argv[i + 1];
  }
  return "";
}

bool has(const Argv& argv, const std::string& word) {
  return std::find(argv.begin(), argv.end(), word) != argv.end();
}

std::vector<std::string> allAfter(const Argv& argv, const std::string& option) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == option) out.push_back(argv[i + 1]);
  }
  return out;
}

TEST(KvmCommand, KvmFlagChoosesTheAccelerator) {
  const Argv tcg = build(spec({{"kvm_flag", std::string("disabled")}}));
  EXPECT_EQ(after(tcg, "-accel"), "tcg");
  const Argv kvm = build(spec({{"kvm_flag", std::string("enabled")}}));
  EXPECT_EQ(after(kvm, "-accel"), "kvm");
  const Argv unset = build(spec());
  EXPECT_FALSE(has(unset, "-accel"));
  for (const Argv& argv : {tcg, kvm, unset}) {
    EXPECT_FALSE(has(argv, "-enable-kvm"));
    EXPECT_FALSE(has(argv, "host")) << "never -cpu host by default";
    EXPECT_FALSE(has(argv, "-cpu"));
  }
}

TEST(KvmCommand, BasicMachine) {
  const Argv argv = build(spec());
  ASSERT_FALSE(argv.empty());
  EXPECT_EQ(argv[0], "/usr/bin/qemu-system-x86_64");
  EXPECT_EQ(after(argv, "-name"), "inst1.example.com,debug-threads=on");
  EXPECT_EQ(after(argv, "-m"), "256");
  EXPECT_EQ(after(argv, "-smp"), "2");
  EXPECT_EQ(after(argv, "-pidfile"),
            "/n1/var/run/gantry/kvm-hypervisor/pid/inst1.example.com");
  EXPECT_EQ(after(argv, "-qmp"),
            "unix:/n1/var/run/gantry/kvm-hypervisor/ctrl/inst1.example.com.qmp,server=on,"
            "wait=off");
  EXPECT_EQ(after(argv, "-monitor"),
            "unix:/n1/var/run/gantry/kvm-hypervisor/ctrl/inst1.example.com.monitor,"
            "server=on,wait=off");
  EXPECT_EQ(after(argv, "-D"), "/n1/var/log/gantry/kvm/inst1.example.com.log");
  EXPECT_EQ(after(argv, "-uuid"), "0e4d0b7c-9f4e-4e5f-8a57-6a4b1f6f0c11");
  EXPECT_EQ(after(argv, "-display"), "none");
  EXPECT_EQ(after(argv, "-net"), "none");
  EXPECT_TRUE(has(argv, "-daemonize"));
  EXPECT_EQ(after(argv, "-device"), "virtio-balloon");
  EXPECT_FALSE(has(argv, "-S"));
  EXPECT_FALSE(has(argv, "-incoming"));
  EXPECT_FALSE(has(argv, "-no-reboot"));
  EXPECT_FALSE(has(argv, "-machine"));
}

TEST(KvmCommand, KernelAndSerialConsole) {
  const Argv argv = build(spec({{"kernel_path", std::string("/srv/vmlinuz")},
                                {"initrd_path", std::string("/srv/initrd.img")},
                                {"root_path", std::string("/dev/vda")},
                                {"kernel_args", std::string("ro gantry.name=inst1")},
                                {"serial_speed", std::int64_t{115200}}}));
  EXPECT_EQ(after(argv, "-kernel"), "/srv/vmlinuz");
  EXPECT_EQ(after(argv, "-initrd"), "/srv/initrd.img");
  EXPECT_EQ(after(argv, "-append"), "root=/dev/vda ro gantry.name=inst1 console=ttyS0,115200");
  EXPECT_EQ(after(argv, "-chardev"),
            "socket,id=serial0,path=/n1/var/run/gantry/kvm-hypervisor/ctrl/"
            "inst1.example.com.serial,server=on,wait=off");
  EXPECT_EQ(after(argv, "-serial"), "chardev:serial0");

  const Argv quiet = build(spec({{"kernel_path", std::string("/srv/vmlinuz")},
                                 {"serial_console", false}}));
  EXPECT_EQ(after(quiet, "-serial"), "none");
  EXPECT_EQ(after(quiet, "-append"), "root=/dev/vda1 ro");
  EXPECT_FALSE(has(quiet, "-initrd"));

  const Argv fromDisk = build(spec({{"kernel_path", std::string()}}));
  EXPECT_FALSE(has(fromDisk, "-kernel"));
  EXPECT_FALSE(has(fromDisk, "-append"));
}

TEST(KvmCommand, MachineShapingParameters) {
  const Argv argv = build(spec({{"acpi", false},
                                {"reboot_behavior", std::string("exit")},
                                {"machine_version", std::string("pc-i440fx-7.2")},
                                {"cpu_type", std::string("qemu64")},
                                {"cpu_cores", std::int64_t{2}},
                                {"cpu_sockets", std::int64_t{1}},
                                {"use_localtime", true},
                                {"vga", std::string("std")},
                                {"keymap", std::string("de")},
                                {"mem_path", std::string("/hugepages")}}));
  EXPECT_EQ(after(argv, "-machine"), "pc-i440fx-7.2,acpi=off");
  EXPECT_TRUE(has(argv, "-no-reboot"));
  EXPECT_EQ(after(argv, "-cpu"), "qemu64");
  EXPECT_EQ(after(argv, "-smp"), "2,cores=2,sockets=1");
  EXPECT_EQ(after(argv, "-rtc"), "base=localtime");
  EXPECT_EQ(after(argv, "-vga"), "std");
  EXPECT_EQ(after(argv, "-k"), "de");
  EXPECT_EQ(after(argv, "-mem-path"), "/hugepages");
  EXPECT_TRUE(has(argv, "-mem-prealloc"));
  EXPECT_EQ(after(build(spec({{"acpi", false}})), "-machine"), "acpi=off");
}

TEST(KvmCommand, PausedAndIncoming) {
  LaunchOptions paused;
  paused.paused = true;
  EXPECT_TRUE(has(build(spec(), paused), "-S"));
  LaunchOptions incoming;
  incoming.incoming = "tcp:127.0.0.1:8102";
  const Argv target = build(spec(), incoming);
  EXPECT_EQ(after(target, "-incoming"), "tcp:127.0.0.1:8102");
  EXPECT_FALSE(has(target, "-S"));
  LaunchOptions foreground;
  foreground.daemonize = false;
  EXPECT_FALSE(has(build(spec(), foreground), "-daemonize"));
}

TEST(KvmCommand, DisksFollowDiskTypeCacheAndBootOrder) {
  LaunchSpec s = spec({{"kernel_path", std::string()},
                       {"disk_cache", std::string("none")},
                       {"disk_aio", std::string("native")},
                       {"disk_discard", std::string("unmap")}});
  sdk::AttachedDisk d0;
  d0.devicePath = "/srv/disks/a,b.img";
  sdk::AttachedDisk d1;
  d1.devicePath = "/dev/drbd1";
  d1.readOnly = true;
  s.disks = {d0, d1};
  const Argv argv = build(s);
  const auto drives = allAfter(argv, "-drive");
  ASSERT_EQ(drives.size(), 2u);
  EXPECT_EQ(drives[0],
            "file=/srv/disks/a,,b.img,format=raw,if=none,id=disk0,cache=none,aio=native,"
            "discard=unmap");
  EXPECT_EQ(drives[1],
            "file=/dev/drbd1,format=raw,if=none,id=disk1,cache=none,aio=native,"
            "discard=unmap,readonly=on");
  const auto devices = allAfter(argv, "-device");
  EXPECT_TRUE(std::count(devices.begin(), devices.end(),
                         "virtio-blk-pci,drive=disk0,bootindex=1") == 1);
  EXPECT_TRUE(std::count(devices.begin(), devices.end(), "virtio-blk-pci,drive=disk1") == 1);

  s.hvparams["disk_type"] = std::string("ide");
  s.hvparams["disk_cache"] = std::string("default");
  s.hvparams["disk_aio"] = std::string("threads");
  s.hvparams["kernel_path"] = std::string("/srv/vmlinuz");
  const Argv ide = build(s);
  EXPECT_EQ(allAfter(ide, "-drive")[0],
            "file=/srv/disks/a,,b.img,format=raw,if=none,id=disk0,aio=threads,discard=unmap");
  const auto ideDevices = allAfter(ide, "-device");
  EXPECT_TRUE(std::count(ideDevices.begin(), ideDevices.end(), "ide-hd,drive=disk0") == 1)
      << "no bootindex when a kernel is given";

  s.hvparams["disk_type"] = std::string("scsi-hd");
  const Argv scsi = build(s);
  const auto scsiDevices = allAfter(scsi, "-device");
  EXPECT_EQ(scsiDevices[0], "lsi,id=scsi");
  EXPECT_TRUE(std::count(scsiDevices.begin(), scsiDevices.end(),
                         "scsi-hd,drive=disk0,bus=scsi.0") == 1);

  s.hvparams["disk_type"] = std::string("sd");
  EXPECT_EQ(allAfter(build(s), "-drive")[0],
            "file=/srv/disks/a,,b.img,format=raw,if=sd,aio=threads,discard=unmap");
}

TEST(KvmCommand, NicsFollowNicType) {
  LaunchSpec s = spec({{"kernel_path", std::string()}, {"boot_order", std::string("network")}});
  sdk::NicSpec nic;
  nic.uuid = "5a0a1b2c-3d4e-4f50-8a61-7b8c9d0e1f20";
  nic.mac = "aa:00:00:12:34:56";
  s.nics = {nic};
  LaunchOptions withVhost;
  withVhost.vhostNetUsable = true;
  const Argv argv = build(s, withVhost);
  EXPECT_EQ(after(argv, "-netdev"),
            "tap,id=netdev0,ifname=gnt5a0a1b2c3d4e,script=no,downscript=no,vnet_hdr=on,"
            "vhost=on");
  const auto devices = allAfter(argv, "-device");
  EXPECT_TRUE(std::count(devices.begin(), devices.end(),
                         "virtio-net-pci,netdev=netdev0,mac=aa:00:00:12:34:56,bootindex=1") == 1);
  EXPECT_FALSE(has(argv, "-net"));

  s.hvparams["nic_type"] = std::string("e1000");
  s.hvparams["boot_order"] = std::string("disk");
  const Argv e1000 = build(s);
  EXPECT_EQ(after(e1000, "-netdev"),
            "tap,id=netdev0,ifname=gnt5a0a1b2c3d4e,script=no,downscript=no");
  const auto e1000Devices = allAfter(e1000, "-device");
  EXPECT_TRUE(std::count(e1000Devices.begin(), e1000Devices.end(),
                         "e1000,netdev=netdev0,mac=aa:00:00:12:34:56") == 1);

  s.hvparams["nic_type"] = std::string("paravirtual");
  s.hvparams["virtio_net_queues"] = std::int64_t{4};
  const Argv mq = build(s);
  EXPECT_EQ(after(mq, "-netdev"),
            "tap,id=netdev0,ifname=gnt5a0a1b2c3d4e,script=no,downscript=no,vnet_hdr=on,queues=4");
  EXPECT_LE(tapName(s, 0).size(), 15u);
  s.nics[0].uuid.clear();
  EXPECT_EQ(tapName(s, 0).size(), 15u);
  EXPECT_EQ(tapName(s, 0), tapName(s, 0));
}

TEST(KvmCommand, VncAndSpice) {
  LaunchSpec s = spec({{"vnc_bind_address", std::string("127.0.0.1")}});
  s.networkPort = 5907;
  Argv argv = build(s);
  EXPECT_EQ(after(argv, "-vnc"), "127.0.0.1:7");
  EXPECT_EQ(after(argv, "-device", 1), "usb-tablet");
  EXPECT_FALSE(has(argv, "-display"));
  s.hvparams["vnc_bind_address"] = std::string("0.0.0.0");
  EXPECT_EQ(after(build(s), "-vnc"), ":7");
  s.hvparams["vnc_bind_address"] = std::string("::1");
  EXPECT_EQ(after(build(s), "-vnc"), "[::1]:7");
  s.hvparams["vnc_bind_address"] = std::string("/srv/vnc");
  EXPECT_EQ(after(build(s), "-vnc"), "unix:/srv/vnc/inst1.example.com.vnc");
  s.hvparams["vnc_bind_address"] = std::string("127.0.0.1");
  s.networkPort = 0;
  EXPECT_EQ(after(build(s), "-vnc"), "none");

  LaunchSpec sp = spec({{"spice_bind", std::string("127.0.0.1")}});
  sp.networkPort = 11000;
  argv = build(sp);
  EXPECT_EQ(after(argv, "-spice"), "addr=127.0.0.1,port=11000,disable-ticketing=on");
  EXPECT_EQ(after(argv, "-vga"), "qxl");
}

TEST(KvmCommand, KvmExtraIsSplitWithoutAShell) {
  const std::string extra = "-global 'kvm-pit.lost_tick_policy=discard' -rtc \"base=utc\"";
  const Argv argv = build(spec({{"kvm_extra", extra}}));
  ASSERT_GE(argv.size(), 4u);
  EXPECT_EQ(Argv(argv.end() - 4, argv.end()),
            (Argv{"-global", "kvm-pit.lost_tick_policy=discard", "-rtc", "base=utc"}));
  auto bad = buildKvmArgv(spec({{"kvm_extra", std::string("-rtc 'base=utc")}}), paths(), {});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("kvm_extra"), std::string::npos);
}

TEST(KvmCommand, SplitWordsAndOptionQuoting) {
  auto words = splitWords("  a 'b c' d\\ e \"f\\\"g\" ''  ");
  ASSERT_TRUE(words);
  EXPECT_EQ(*words, (Argv{"a", "b c", "d e", "f\"g", ""}));
  EXPECT_FALSE(splitWords("\"open"));
  EXPECT_FALSE(splitWords("trailing\\"));
  EXPECT_EQ(qemuOptionValue("a,b,,c"), "a,,b,,,,c");
}

TEST(KvmCommand, SecurityModelAndChroot) {
  const Argv plain = build(spec());
  EXPECT_FALSE(has(plain, "-runas"));
  EXPECT_FALSE(has(plain, "-chroot"));
  const Argv user = build(spec({{"security_model", std::string("user")},
                                {"security_domain", std::string("qemu-user")},
                                {"use_chroot", true}}));
  EXPECT_EQ(after(user, "-runas"), "qemu-user");
  EXPECT_EQ(after(user, "-chroot"),
            "/n1/var/run/gantry/kvm-hypervisor/chroot/inst1.example.com");
  auto pool = buildKvmArgv(spec({{"security_model", std::string("pool")}}), paths(), {});
  ASSERT_FALSE(pool);
  EXPECT_NE(pool.error().message.find("'security_model'"), std::string::npos);
}

TEST(KvmCommand, GuestAgentAndUsb) {
  const Argv argv = build(spec({{"use_guest_agent", true},
                                {"usb_mouse", std::string("mouse")},
                                {"usb_devices", std::string("kbd,disk:x")},
                                {"soundhw", std::string("hda")}}));
  EXPECT_NE(std::find(argv.begin(), argv.end(),
                      "socket,path=/n1/var/run/gantry/kvm-hypervisor/ctrl/"
                      "inst1.example.com.qga,server=on,wait=off,id=qga0"),
            argv.end());
  EXPECT_TRUE(has(argv, "-usb"));
  EXPECT_TRUE(has(argv, "usb-mouse"));
  EXPECT_EQ(allAfter(argv, "-usbdevice"), (Argv{"kbd", "disk:x"}));
  EXPECT_EQ(after(argv, "-audio"), "driver=none,model=hda,id=soundhw");
}

}  // namespace
}  // namespace gantry::plugins::kvm
