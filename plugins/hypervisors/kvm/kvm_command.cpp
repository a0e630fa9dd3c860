#include "kvm_command.h"

#include <arpa/inet.h>

#include <cctype>
#include <cstdio>
#include <functional>

namespace gantry::plugins::kvm {
namespace {

using sdk::Error;
using sdk::ErrorCode;

constexpr std::int64_t kVncBasePort = 5900;

std::string text(const sdk::ParamMap& p, const char* name) {
  return sdk::paramString(p, name).value_or("");
}
bool flag(const sdk::ParamMap& p, const char* name, bool fallback = false) {
  return sdk::paramBool(p, name).value_or(fallback);
}
std::int64_t number(const sdk::ParamMap& p, const char* name, std::int64_t fallback = 0) {
  return sdk::paramInt(p, name).value_or(fallback);
}

bool isIPv4(const std::string& s) {
  unsigned char buf[4];
  return ::inet_pton(AF_INET, s.c_str(), buf) == 1;
}
bool isIPv6(const std::string& s) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

bool isScsi(const std::string& diskType) {
  return diskType == "scsi" || diskType == "scsi-generic" || diskType == "scsi-block" ||
         diskType == "scsi-hd" || diskType == "scsi-cd";
}

// disk_type -> qemu device driver; empty for the types qemu attaches
// through -drive if=<type> alone (sd, mtd, pflash).
std::string diskDriver(const std::string& diskType) {
  if (diskType == "paravirtual") return "virtio-blk-pci";
  if (diskType == "ide") return "ide-hd";
  if (diskType == "scsi") return "scsi-hd";
  if (isScsi(diskType)) return diskType;
  return "";
}

std::string nicModel(const std::string& nicType) {
  if (nicType == "paravirtual") return "virtio-net-pci";
  return nicType;
}

void addDisks(std::vector<std::string>& argv, const LaunchSpec& spec, bool bootFromDisk) {
  const sdk::ParamMap& hv = spec.hvparams;
  const std::string diskType = text(hv, "disk_type");
  const std::string cache = text(hv, "disk_cache");
  const std::string aio = text(hv, "disk_aio");
  const std::string discard = text(hv, "disk_discard");
  const std::string driver = diskDriver(diskType);
  bool boot = bootFromDisk;
  for (std::size_t i = 0; i < spec.disks.size(); ++i) {
    const sdk::AttachedDisk& disk = spec.disks[i];
    const std::string id = "disk" + std::to_string(i);
    const std::string file =
        disk.devicePath.empty() ? disk.uri : disk.devicePath.string();
    std::string drive = "file=" + qemuOptionValue(file) + ",format=raw";
    drive += driver.empty() ? ",if=" + diskType : ",if=none,id=" + id;
    if (!cache.empty() && cache != "default") drive += ",cache=" + cache;
    if (!aio.empty()) drive += ",aio=" + aio;
    if (discard == "unmap") drive += ",discard=unmap";
    if (disk.readOnly) drive += ",readonly=on";
    argv.insert(argv.end(), {"-drive", drive});
    if (driver.empty()) continue;
    std::string device = driver + ",drive=" + id;
    if (isScsi(diskType)) device += ",bus=scsi.0";
    if (boot) {
      device += ",bootindex=1";
      boot = false;
    }
    argv.insert(argv.end(), {"-device", device});
  }
}

void addCdrom(std::vector<std::string>& argv, const std::string& image,
              const std::string& id, bool boot) {
  argv.insert(argv.end(),
              {"-drive", "file=" + qemuOptionValue(image) +
                             ",format=raw,media=cdrom,readonly=on,if=none,id=" + id});
  argv.insert(argv.end(), {"-device", "ide-cd,drive=" + id + (boot ? ",bootindex=1" : "")});
}

void addNics(std::vector<std::string>& argv, const LaunchSpec& spec,
             const LaunchOptions& options, bool bootFromNetwork) {
  const sdk::ParamMap& hv = spec.hvparams;
  if (spec.nics.empty()) {
    argv.insert(argv.end(), {"-net", "none"});
    return;
  }
  const std::string nicType = text(hv, "nic_type");
  const bool paravirtual = nicType == "paravirtual";
  const std::int64_t queues = paravirtual ? number(hv, "virtio_net_queues", 1) : 1;
  bool boot = bootFromNetwork;
  for (std::size_t i = 0; i < spec.nics.size(); ++i) {
    const std::string id = "netdev" + std::to_string(i);
    std::string netdev = "tap,id=" + id + ",ifname=" + tapName(spec, i) +
                         ",script=no,downscript=no";
    if (paravirtual && flag(hv, "vnet_hdr", true)) netdev += ",vnet_hdr=on";
    if (paravirtual && flag(hv, "vhost_net", true) && options.vhostNetUsable) {
      netdev += ",vhost=on";
    }
    if (queues > 1) netdev += ",queues=" + std::to_string(queues);
    std::string device = nicModel(nicType) + ",netdev=" + id + ",mac=" + spec.nics[i].mac;
    if (queues > 1) device += ",mq=on,vectors=" + std::to_string(2 * queues + 2);
    if (boot) {
      device += ",bootindex=1";
      boot = false;
    }
    argv.insert(argv.end(), {"-netdev", netdev, "-device", device});
  }
}

void addDisplay(std::vector<std::string>& argv, const LaunchSpec& spec) {
  const sdk::ParamMap& hv = spec.hvparams;
  const std::string vnc = text(hv, "vnc_bind_address");
  const std::string spice = text(hv, "spice_bind");
  if (!vnc.empty()) {
    std::string arg;
    if (isIPv4(vnc) || isIPv6(vnc)) {
      if (spec.networkPort > kVncBasePort) {
        const std::string display = std::to_string(spec.networkPort - kVncBasePort);
        if (vnc == "0.0.0.0") arg = ":" + display;
        else if (isIPv6(vnc)) arg = "[" + vnc + "]:" + display;
        else arg = vnc + ":" + display;
        if (flag(hv, "vnc_tls")) {
          std::string object = "tls-creds-anon,id=vnctls0,endpoint=server";
          const std::string x509 = text(hv, "vnc_x509_path");
          if (!x509.empty()) {
            object = "tls-creds-x509,id=vnctls0,endpoint=server,dir=" +
                     qemuOptionValue(x509) + ",verify-peer=" +
                     (flag(hv, "vnc_x509_verify") ? "yes" : "no");
          }
          argv.insert(argv.end(), {"-object", object});
          arg += ",tls-creds=vnctls0";
        }
        if (!text(hv, "vnc_password_file").empty()) arg += ",password=on";
      } else {
        arg = "none";  // no usable display number reserved
      }
    } else {
      // An interface name is resolved by the node before this point; what
      // is left is a directory for a per-instance unix socket.
      arg = "unix:" + qemuOptionValue(vnc + "/" + spec.name + ".vnc");
    }
    argv.insert(argv.end(), {"-vnc", arg});
    return;
  }
  if (!spice.empty()) {
    std::string arg = "addr=" + spice + ",port=" + std::to_string(spec.networkPort);
    if (text(hv, "spice_password_file").empty()) arg += ",disable-ticketing=on";
    const std::int64_t ipVersion = number(hv, "spice_ip_version");
    if (ipVersion == 4 || ipVersion == 6) arg += ",ipv" + std::to_string(ipVersion) + "=on";
    if (const auto v = text(hv, "spice_image_compression"); !v.empty())
      arg += ",image-compression=" + v;
    if (const auto v = text(hv, "spice_jpeg_wan_compression"); !v.empty())
      arg += ",jpeg-wan-compression=" + v;
    if (const auto v = text(hv, "spice_zlib_glz_wan_compression"); !v.empty())
      arg += ",zlib-glz-wan-compression=" + v;
    if (const auto v = text(hv, "spice_streaming_video"); !v.empty())
      arg += ",streaming-video=" + v;
    if (!flag(hv, "spice_playback_compression", true)) arg += ",playback-compression=off";
    if (!flag(hv, "spice_use_vdagent", true)) {
      arg += ",agent-mouse=off";
    } else {
      argv.insert(argv.end(), {"-device", "virtio-serial-pci,id=spice", "-device",
                               "virtserialport,chardev=spicechannel0,name=com.redhat.spice.0",
                               "-chardev", "spicevmc,id=spicechannel0,name=vdagent"});
    }
    argv.insert(argv.end(), {"-spice", arg});
    return;
  }
  argv.insert(argv.end(), {"-display", "none"});
}

}  // namespace

std::string qemuOptionValue(std::string_view value) {
  std::string out;
  for (char c : value) {
    out += c;
    if (c == ',') out += ',';
  }
  return out;
}

std::string tapName(const LaunchSpec& spec, std::size_t index) {
  std::string hex;
  for (char c : spec.nics[index].uuid) {
    if (std::isxdigit(static_cast<unsigned char>(c))) hex += c;
  }
  if (hex.size() < 12) {
    // No NIC uuid: derive a stable name from the instance and the index.
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016zx",
                  std::hash<std::string>{}(spec.name + "/" + std::to_string(index)));
    hex = buf;
  }
  return "gnt" + hex.substr(0, 12);
}

sdk::Result<std::vector<std::string>> splitWords(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool inWord = false;
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote == '\'') {
      if (c == '\'') quote = 0;
      else word += c;
    } else if (quote == '"') {
      if (c == '"') {
        quote = 0;
      } else if (c == '\\' && i + 1 < text.size() &&
                 (text[i + 1] == '"' || text[i + 1] == '\\' || text[i + 1] == '$')) {
        word += text[++i];
      } else {
        word += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      inWord = true;
    } else if (c == '\\') {
      if (i + 1 >= text.size()) return Error{ErrorCode::kInvalid, "No escaped character"};
      word += text[++i];
      inWord = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (inWord) words.push_back(std::move(word));
      word.clear();
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote != 0) return Error{ErrorCode::kInvalid, "No closing quotation"};
  if (inWord) words.push_back(std::move(word));
  return words;
}

sdk::Result<std::vector<std::string>> buildKvmArgv(const LaunchSpec& spec,
                                                   const InstancePaths& paths,
                                                   const LaunchOptions& options) {
  const sdk::ParamMap& hv = spec.hvparams;
  std::vector<std::string> argv;
  argv.push_back(text(hv, "kvm_path"));
  // Named vCPU threads ("CPU 0/TCG") make pinning and debugging readable.
  argv.insert(argv.end(), {"-name", spec.name + ",debug-threads=on"});
  argv.insert(argv.end(), {"-m", std::to_string(spec.memoryMiB)});

  std::string smp = std::to_string(spec.vcpus);
  if (const auto v = number(hv, "cpu_cores"); v > 0) smp += ",cores=" + std::to_string(v);
  if (const auto v = number(hv, "cpu_threads"); v > 0) smp += ",threads=" + std::to_string(v);
  if (const auto v = number(hv, "cpu_sockets"); v > 0) smp += ",sockets=" + std::to_string(v);
  argv.insert(argv.end(), {"-smp", smp});
  argv.insert(argv.end(), {"-pidfile", paths.pidFile.string()});

  const std::string diskType = text(hv, "disk_type");
  const std::string cdromType = text(hv, "cdrom_disk_type");
  if (isScsi(diskType) || isScsi(cdromType)) {
    argv.insert(argv.end(), {"-device", text(hv, "scsi_controller_type") + ",id=scsi"});
  }
  argv.insert(argv.end(), {"-device", "virtio-balloon"});
  if (options.daemonize) argv.push_back("-daemonize");
  argv.insert(argv.end(), {"-D", paths.logFile.string()});
  if (text(hv, "reboot_behavior") == "exit") argv.push_back("-no-reboot");

  // Acceleration is explicit: TCG where KVM is unusable, never -cpu host
  // unless cpu_type asks for it.
  const std::string kvmFlag = text(hv, "kvm_flag");
  if (kvmFlag == "enabled") argv.insert(argv.end(), {"-accel", "kvm"});
  else if (kvmFlag == "disabled") argv.insert(argv.end(), {"-accel", "tcg"});

  std::string machine = text(hv, "machine_version");
  if (!flag(hv, "acpi", true)) machine += machine.empty() ? "acpi=off" : ",acpi=off";
  if (!machine.empty()) argv.insert(argv.end(), {"-machine", machine});

  const std::string kernel = text(hv, "kernel_path");
  const std::string bootOrder = text(hv, "boot_order");
  const bool bootCdrom = kernel.empty() && bootOrder == "cdrom";
  const bool bootFloppy = kernel.empty() && bootOrder == "floppy";
  const bool bootDisk = kernel.empty() && bootOrder == "disk";
  const bool bootNetwork = kernel.empty() && bootOrder == "network";
  if (options.paused) argv.push_back("-S");

  if (const auto cdrom = text(hv, "cdrom_image_path"); !cdrom.empty()) {
    addCdrom(argv, cdrom, "cdrom1", bootCdrom);
  }
  if (const auto cdrom = text(hv, "cdrom2_image_path"); !cdrom.empty()) {
    addCdrom(argv, cdrom, "cdrom2", false);
  }
  if (const auto floppy = text(hv, "floppy_image_path"); !floppy.empty()) {
    argv.insert(argv.end(), {"-drive", "file=" + qemuOptionValue(floppy) +
                                           ",format=raw,if=floppy"});
    if (bootFloppy) argv.insert(argv.end(), {"-boot", "order=a"});
  }

  if (!kernel.empty()) {
    argv.insert(argv.end(), {"-kernel", kernel});
    if (const auto initrd = text(hv, "initrd_path"); !initrd.empty()) {
      argv.insert(argv.end(), {"-initrd", initrd});
    }
    std::string append = "root=" + text(hv, "root_path");
    if (const auto args = text(hv, "kernel_args"); !args.empty()) append += " " + args;
    if (flag(hv, "serial_console", true)) {
      append += " console=ttyS0," + std::to_string(number(hv, "serial_speed", 38400));
    }
    argv.insert(argv.end(), {"-append", append});
  }

  if (const auto memPath = text(hv, "mem_path"); !memPath.empty()) {
    argv.insert(argv.end(), {"-mem-path", memPath, "-mem-prealloc"});
  }

  argv.insert(argv.end(), {"-monitor", "unix:" + qemuOptionValue(paths.monitorSocket.string()) +
                                           ",server=on,wait=off"});
  if (flag(hv, "serial_console", true)) {
    argv.insert(argv.end(), {"-chardev",
                             "socket,id=serial0,path=" +
                                 qemuOptionValue(paths.serialSocket.string()) +
                                 ",server=on,wait=off",
                             "-serial", "chardev:serial0"});
  } else {
    argv.insert(argv.end(), {"-serial", "none"});
  }

  const std::string mouse = text(hv, "usb_mouse");
  const std::string usbDevices = text(hv, "usb_devices");
  const bool vnc = !text(hv, "vnc_bind_address").empty();
  if (!mouse.empty() || !usbDevices.empty() || vnc) argv.push_back("-usb");
  if (!mouse.empty()) argv.insert(argv.end(), {"-device", "usb-" + mouse});
  else if (vnc) argv.insert(argv.end(), {"-device", "usb-tablet"});
  addDisplay(argv, spec);

  if (const auto sound = text(hv, "soundhw"); !sound.empty()) {
    const std::string driver = text(hv, "spice_bind").empty() ? "none" : "spice";
    argv.insert(argv.end(), {"-audio", "driver=" + driver + ",model=" + sound + ",id=soundhw"});
  }
  if (flag(hv, "use_localtime")) argv.insert(argv.end(), {"-rtc", "base=localtime"});
  if (const auto cpu = text(hv, "cpu_type"); !cpu.empty()) {
    argv.insert(argv.end(), {"-cpu", cpu});
  }
  if (const auto vga = text(hv, "vga"); !vga.empty()) {
    argv.insert(argv.end(), {"-vga", vga});
  } else if (!text(hv, "spice_bind").empty()) {
    argv.insert(argv.end(), {"-vga", "qxl"});
  }
  if (!usbDevices.empty()) {
    std::size_t start = 0;
    while (start <= usbDevices.size()) {
      std::size_t comma = usbDevices.find(',', start);
      if (comma == std::string::npos) comma = usbDevices.size();
      if (comma > start) {
        argv.insert(argv.end(), {"-usbdevice", usbDevices.substr(start, comma - start)});
      }
      start = comma + 1;
    }
  }
  if (!spec.uuid.empty()) argv.insert(argv.end(), {"-uuid", spec.uuid});
  if (flag(hv, "use_guest_agent")) {
    argv.insert(argv.end(),
                {"-chardev",
                 "socket,path=" + qemuOptionValue(paths.guestAgentSocket.string()) +
                     ",server=on,wait=off,id=qga0",
                 "-device", "virtio-serial,id=qga0", "-device",
                 "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0"});
  }
  if (const auto keymap = text(hv, "keymap"); !keymap.empty()) {
    argv.insert(argv.end(), {"-k", keymap});
  }

  addNics(argv, spec, options, bootNetwork);
  if (!options.incoming.empty()) argv.insert(argv.end(), {"-incoming", options.incoming});
  argv.insert(argv.end(), {"-qmp", "unix:" + qemuOptionValue(paths.qmpSocket.string()) +
                                       ",server=on,wait=off"});
  addDisks(argv, spec, bootDisk);

  if (flag(hv, "use_chroot")) argv.insert(argv.end(), {"-chroot", paths.chrootDir.string()});
  const std::string securityModel = text(hv, "security_model");
  if (securityModel == "user") {
    argv.insert(argv.end(), {"-runas", text(hv, "security_domain")});
  } else if (securityModel == "pool") {
    return Error{ErrorCode::kInvalid,
                 "Parameter 'security_model': 'pool' needs the cluster's uid pool, which "
                 "this node does not manage"};
  }

  if (const auto extra = text(hv, "kvm_extra"); !extra.empty()) {
    auto words = splitWords(extra);
    if (!words) {
      return Error{ErrorCode::kInvalid,
                   "Parameter 'kvm_extra' cannot be split into arguments: " +
                       words.error().message};
    }
    argv.insert(argv.end(), words->begin(), words->end());
  }
  return argv;
}

}  // namespace gantry::plugins::kvm
