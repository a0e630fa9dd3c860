#include "kvm_params.h"

#include <arpa/inet.h>
#include <pwd.h>

#include <algorithm>
#include <filesystem>
#include <string_view>
#include <system_error>

namespace gantry::plugins::kvm {
namespace {

namespace fs = std::filesystem;
using sdk::Error;
using sdk::ErrorCode;
using sdk::ParamSpec;
using sdk::ParamValue;
using Type = sdk::ParamSpec::Type;

// Ganeti's per-parameter checks (hv_base.py): `req` parameters may not be
// unspecified; an unspecified optional value skips its check.
enum class Check {
  kNone,
  kReqFile,
  kOptFile,
  kOptDir,
  kOptFileOrUrl,
  kReqSet,
  kOptSet,
  kReqPort,
  kReqNonNegative,
  kOptNonNegative,
  kOptMultiCpuMask,
  kOptNetQueues,
  kOptPciSlots,
  kOptSpiceIpVersion,
};

struct Definition {
  const char* name;
  Type type;
  ParamValue defaultValue;
  Check check;
  std::vector<std::string> allowed;  // sorted, for kReqSet/kOptSet
  const char* doc;
};

ParamValue s(const char* v) { return std::string(v); }
ParamValue i(std::int64_t v) { return v; }
ParamValue b(bool v) { return v; }

const std::vector<std::string> kDiskTypes = {
    "ide", "mtd", "paravirtual", "pflash", "scsi", "scsi-block",
    "scsi-cd", "scsi-generic", "scsi-hd", "sd"};
const std::vector<std::string> kNicTypes = {
    "e1000", "i82551", "i82557b", "i82559er", "ne2k_isa",
    "ne2k_pci", "paravirtual", "pcnet", "rtl8139"};
const std::vector<std::string> kLossyCompression = {"always", "auto", "never"};
const std::vector<std::int64_t> kSerialSpeeds = {
    75, 110, 300, 600, 1200, 1800, 2400, 4800, 9600, 14400, 19200,
    28800, 38400, 57600, 115200, 230400, 345600, 460800};
constexpr std::int64_t kQemuPciSlots = 32;
constexpr std::int64_t kMaxVirtioNetQueues = 8;

const std::vector<Definition>& definitions() {
  static const std::vector<Definition> defs = {
      {"kvm_path", Type::kString, s(kDefaultKvmPath), Check::kReqFile, {},
       "Path of the qemu system emulator"},
      {"kernel_path", Type::kString, s("/boot/vmlinuz-3-kvmU"), Check::kOptFile, {},
       "Kernel to boot directly (empty: boot from disk)"},
      {"initrd_path", Type::kString, s(""), Check::kOptFile, {}, "Initrd for kernel_path"},
      {"root_path", Type::kString, s("/dev/vda1"), Check::kNone, {},
       "root= on the kernel command line"},
      {"kernel_args", Type::kString, s("ro"), Check::kNone, {},
       "Extra kernel command line"},
      {"acpi", Type::kBool, b(true), Check::kNone, {}, "Give the guest ACPI"},
      {"serial_console", Type::kBool, b(true), Check::kNone, {},
       "Serial console on a unix socket"},
      {"serial_speed", Type::kInt, i(38400), Check::kNone, {}, "Serial console speed"},
      {"vnc_bind_address", Type::kString, s(""), Check::kNone, {},
       "VNC: IP address, interface name or directory"},
      {"vnc_tls", Type::kBool, b(false), Check::kNone, {}, "VNC over TLS"},
      {"vnc_x509_path", Type::kString, s(""), Check::kOptDir, {}, "VNC x509 directory"},
      {"vnc_x509_verify", Type::kBool, b(false), Check::kNone, {},
       "Verify VNC client certificates"},
      {"vnc_password_file", Type::kString, s(""), Check::kOptFile, {}, "VNC password file"},
      {"spice_bind", Type::kString, s(""), Check::kNone, {},
       "SPICE: IP address or interface name"},
      {"spice_ip_version", Type::kInt, i(0), Check::kOptSpiceIpVersion, {},
       "SPICE IP version (0, 4, 6)"},
      {"spice_password_file", Type::kString, s(""), Check::kOptFile, {},
       "SPICE password file"},
      {"spice_image_compression", Type::kString, s(""), Check::kOptSet,
       {"auto_glz", "auto_lz", "glz", "lz", "off", "quic"}, "SPICE image compression"},
      {"spice_jpeg_wan_compression", Type::kString, s(""), Check::kOptSet,
       kLossyCompression, "SPICE jpeg WAN compression"},
      {"spice_zlib_glz_wan_compression", Type::kString, s(""), Check::kOptSet,
       kLossyCompression, "SPICE zlib-glz WAN compression"},
      {"spice_streaming_video", Type::kString, s(""), Check::kOptSet,
       {"all", "filter", "off"}, "SPICE video stream detection"},
      {"spice_playback_compression", Type::kBool, b(true), Check::kNone, {},
       "SPICE audio compression"},
      {"spice_use_tls", Type::kBool, b(false), Check::kNone, {}, "SPICE over TLS"},
      {"spice_tls_ciphers", Type::kString, s("HIGH:-DES:-3DES:-EXPORT:-DH"),
       Check::kNone, {}, "SPICE TLS ciphers"},
      {"spice_use_vdagent", Type::kBool, b(true), Check::kNone, {}, "SPICE agent channel"},
      {"floppy_image_path", Type::kString, s(""), Check::kOptFile, {}, "Floppy image"},
      {"cdrom_image_path", Type::kString, s(""), Check::kOptFileOrUrl, {}, "CD-ROM image"},
      {"cdrom2_image_path", Type::kString, s(""), Check::kOptFileOrUrl, {},
       "Second CD-ROM image"},
      {"cdrom_disk_type", Type::kString, s(""), Check::kOptSet, kDiskTypes,
       "CD-ROM bus (empty: disk_type)"},
      {"boot_order", Type::kString, s("disk"), Check::kReqSet,
       {"cdrom", "disk", "floppy", "network"}, "Boot device"},
      {"nic_type", Type::kString, s("paravirtual"), Check::kReqSet, kNicTypes, "NIC model"},
      {"disk_type", Type::kString, s("paravirtual"), Check::kReqSet, kDiskTypes,
       "Disk bus"},
      {"scsi_controller_type", Type::kString, s("lsi"), Check::kReqSet,
       {"lsi", "megasas", "virtio-scsi-pci"}, "SCSI controller"},
      {"disk_discard", Type::kString, s("ignore"), Check::kOptSet, {"ignore", "unmap"},
       "Discard requests"},
      {"disk_cache", Type::kString, s("default"), Check::kReqSet,
       {"default", "none", "writeback", "writethrough"}, "Disk cache mode"},
      {"disk_aio", Type::kString, s("threads"), Check::kOptSet,
       {"io_uring", "native", "threads"}, "Disk AIO mode"},
      {"usb_mouse", Type::kString, s(""), Check::kOptSet, {"mouse", "tablet"},
       "USB pointing device"},
      {"keymap", Type::kString, s(""), Check::kNone, {}, "VNC keymap"},
      {"migration_port", Type::kInt, i(8102), Check::kReqPort, {},
       "TCP port the migration target listens on"},
      {"migration_bandwidth", Type::kInt, i(32), Check::kReqNonNegative, {},
       "Migration bandwidth, MiB/s"},
      {"migration_downtime", Type::kInt, i(30), Check::kReqNonNegative, {},
       "Maximum migration downtime, ms"},
      {"migration_mode", Type::kString, s("live"), Check::kReqSet, {"live", "non-live"},
       "Migration mode"},
      {"migration_caps", Type::kString, s(""), Check::kNone, {},
       "Colon separated QEMU migration capabilities"},
      {"use_guest_agent", Type::kBool, b(false), Check::kNone, {}, "QEMU guest agent"},
      {"use_localtime", Type::kBool, b(false), Check::kNone, {}, "RTC in local time"},
      {"use_chroot", Type::kBool, b(false), Check::kNone, {}, "Run qemu in a chroot"},
      {"user_shutdown", Type::kBool, b(false), Check::kNone, {},
       "Guest-initiated shutdown is a user shutdown"},
      {"security_model", Type::kString, s("none"), Check::kReqSet, {"none", "pool", "user"},
       "Which user qemu runs as"},
      {"security_domain", Type::kString, s(""), Check::kNone, {},
       "User for security_model=user"},
      {"kvm_flag", Type::kString, s(""), Check::kOptSet, {"disabled", "enabled"},
       "enabled: KVM acceleration; disabled: TCG emulation; empty: qemu's default"},
      {"mem_path", Type::kString, s(""), Check::kOptDir, {}, "Guest memory backing dir"},
      {"vhost_net", Type::kBool, b(true), Check::kNone, {}, "vhost-net for paravirtual NICs"},
      {"virtio_net_queues", Type::kInt, i(1), Check::kOptNetQueues, {},
       "virtio-net queues (1..8)"},
      {"vnet_hdr", Type::kBool, b(true), Check::kNone, {}, "IFF_VNET_HDR on taps"},
      {"reboot_behavior", Type::kString, s("reboot"), Check::kReqSet, {"exit", "reboot"},
       "What a guest reboot does"},
      {"cpu_mask", Type::kString, s("all"), Check::kOptMultiCpuMask, {}, "CPU pinning"},
      {"cpu_type", Type::kString, s(""), Check::kNone, {},
       "-cpu model (empty: qemu's default)"},
      {"cpu_cores", Type::kInt, i(0), Check::kOptNonNegative, {}, "Cores per socket"},
      {"cpu_threads", Type::kInt, i(0), Check::kOptNonNegative, {}, "Threads per core"},
      {"cpu_sockets", Type::kInt, i(0), Check::kOptNonNegative, {}, "Sockets"},
      {"soundhw", Type::kString, s(""), Check::kNone, {}, "Sound device model"},
      {"usb_devices", Type::kString, s(""), Check::kNone, {}, "Comma separated USB devices"},
      {"vga", Type::kString, s(""), Check::kNone, {}, "VGA model"},
      {"kvm_extra", Type::kString, s(""), Check::kNone, {}, "Extra qemu arguments"},
      {"machine_version", Type::kString, s(""), Check::kNone, {},
       "Machine type (empty: qemu's default)"},
      {"kvm_pci_reservations", Type::kInt, i(12), Check::kOptPciSlots, {},
       "PCI slots managed by QEMU"},
  };
  return defs;
}

bool unspecified(const ParamValue& value) {
  if (std::holds_alternative<std::monostate>(value)) return true;
  const auto* str = std::get_if<std::string>(&value);
  return str != nullptr && str->empty();
}

bool hasType(const ParamValue& value, Type type) {
  switch (type) {
    case Type::kString: return std::holds_alternative<std::string>(value);
    case Type::kBool: return std::holds_alternative<bool>(value);
    case Type::kInt: return std::holds_alternative<std::int64_t>(value);
    case Type::kFloat:
      return std::holds_alternative<double>(value) ||
             std::holds_alternative<std::int64_t>(value);
  }
  return false;
}

const char* typeName(Type type) {
  switch (type) {
    case Type::kString: return "a string";
    case Type::kBool: return "a boolean";
    case Type::kInt: return "an integer";
    case Type::kFloat: return "a number";
  }
  return "?";
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

Error syntaxError(const std::string& name, const std::string& why,
                  const ParamValue& value) {
  return {ErrorCode::kInvalid, "Parameter '" + name + "' fails syntax check: " + why +
                                   " (current value: '" + sdk::paramToString(value) + "')"};
}

Error validationError(const std::string& name, const std::string& why,
                      const ParamValue& value) {
  return {ErrorCode::kInvalid, "Parameter '" + name + "' fails validation: " + why +
                                   " (current value: '" + sdk::paramToString(value) + "')"};
}

// utils.IsNormAbsPath: absolute and already normalized.
bool isNormAbsPath(const std::string& path) {
  if (path.empty() || path[0] != '/') return false;
  return fs::path(path).lexically_normal().string() == path || path == "/";
}

bool isUrl(const std::string& text) {
  for (const char* scheme : {"http://", "https://", "ftp://", "ftps://", "tftp://",
                             "nbd://", "iscsi://"}) {
    if (text.rfind(scheme, 0) == 0) return true;
  }
  return false;
}

bool parseCpuNumber(std::string_view text, long& out) {
  if (text.empty() || text.size() > 6) return false;
  out = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

// One CPU mask: "all", or "0-2,5" (ranges ascending).
bool isCpuMask(std::string_view mask) {
  if (mask == "all") return true;
  if (mask.empty()) return false;
  std::size_t start = 0;
  while (start <= mask.size()) {
    std::size_t comma = mask.find(',', start);
    if (comma == std::string_view::npos) comma = mask.size();
    std::string_view part = mask.substr(start, comma - start);
    const std::size_t dash = part.find('-');
    long lo = 0, hi = 0;
    if (dash == std::string_view::npos) {
      if (!parseCpuNumber(part, lo)) return false;
    } else {
      if (!parseCpuNumber(part.substr(0, dash), lo) ||
          !parseCpuNumber(part.substr(dash + 1), hi) || lo > hi) {
        return false;
      }
    }
    start = comma + 1;
    if (comma == mask.size()) break;
  }
  return true;
}

bool isMultiCpuMask(std::string_view mask) {
  std::size_t start = 0;
  while (true) {
    const std::size_t colon = mask.find(':', start);
    if (!isCpuMask(mask.substr(start, colon == std::string_view::npos
                                          ? std::string_view::npos
                                          : colon - start))) {
      return false;
    }
    if (colon == std::string_view::npos) return true;
    start = colon + 1;
  }
}

sdk::Result<void> checkOne(const Definition& def, const ParamValue& value) {
  const std::string name = def.name;
  if (unspecified(value)) {
    const bool required = def.check == Check::kReqFile || def.check == Check::kReqSet ||
                          def.check == Check::kReqPort ||
                          def.check == Check::kReqNonNegative;
    if (required) {
      return Error{ErrorCode::kInvalid,
                   "Parameter '" + name + "' is required but is currently not defined"};
    }
    return sdk::ok();
  }
  if (!hasType(value, def.type)) {
    return syntaxError(name, std::string("must be ") + typeName(def.type), value);
  }
  const auto* str = std::get_if<std::string>(&value);
  const auto* num = std::get_if<std::int64_t>(&value);
  switch (def.check) {
    case Check::kNone:
      break;
    case Check::kReqFile:
    case Check::kOptFile:
    case Check::kOptDir:
      if (!isNormAbsPath(*str)) {
        return syntaxError(name, "must be an absolute normalized path", value);
      }
      break;
    case Check::kOptFileOrUrl:
      if (!isNormAbsPath(*str) && !isUrl(*str)) {
        return syntaxError(name, "must be an absolute normalized path or a URL", value);
      }
      break;
    case Check::kReqSet:
    case Check::kOptSet:
      if (std::find(def.allowed.begin(), def.allowed.end(), *str) == def.allowed.end()) {
        return syntaxError(name, "The value must be one of: " + joined(def.allowed), value);
      }
      break;
    case Check::kReqPort:
      if (*num <= 0 || *num >= 65535) return syntaxError(name, "invalid port number", value);
      break;
    case Check::kReqNonNegative:
    case Check::kOptNonNegative:
      if (*num < 0) return syntaxError(name, "cannot be negative", value);
      break;
    case Check::kOptMultiCpuMask:
      if (!isMultiCpuMask(*str)) {
        return syntaxError(name, "Multiple CPU mask definition is not well-formed", value);
      }
      break;
    case Check::kOptNetQueues:
      if (*num <= 0 || *num > kMaxVirtioNetQueues) {
        return syntaxError(name, "invalid number of queues", value);
      }
      break;
    case Check::kOptPciSlots:
      if (*num < 0 || *num > kQemuPciSlots) {
        return syntaxError(name,
                           "The number of PCI slots managed by QEMU (max: " +
                               std::to_string(kQemuPciSlots) + ")",
                           value);
      }
      break;
    case Check::kOptSpiceIpVersion:
      if (*num != 0 && *num != 4 && *num != 6) {
        return syntaxError(name, "The SPICE IP version should be 4 or 6", value);
      }
      break;
  }
  return sdk::ok();
}

std::string text(const sdk::ParamMap& p, const char* name) {
  return sdk::paramString(p, name).value_or("");
}
bool flag(const sdk::ParamMap& p, const char* name) {
  return sdk::paramBool(p, name).value_or(false);
}

Error hvError(std::string message) { return {ErrorCode::kInvalid, std::move(message)}; }

// The checks that look at several parameters (hv_kvm/validation.py).
sdk::Result<void> checkCombinations(const sdk::ParamMap& p) {
  if (text(p, "boot_order") == "cdrom" && text(p, "cdrom_image_path").empty()) {
    return hvError("Cannot boot from cdrom without an ISO path");
  }
  if (!text(p, "kernel_path").empty() && text(p, "root_path").empty()) {
    return hvError("Need a root partition for the instance, if a kernel is defined");
  }
  const std::string model = text(p, "security_model");
  const std::string domain = text(p, "security_domain");
  if (model == "user" && domain.empty()) {
    return hvError("A security domain (user to run kvm as) must be specified");
  }
  if ((model == "none" || model == "pool") && !domain.empty()) {
    return hvError(
        "Cannot have a security domain when the security model is 'none' or 'pool'");
  }
  if (flag(p, "serial_console")) {
    const auto speed = sdk::paramInt(p, "serial_speed");
    if (!speed ||
        std::find(kSerialSpeeds.begin(), kSerialSpeeds.end(), *speed) == kSerialSpeeds.end()) {
      std::string all;
      for (auto v : kSerialSpeeds) all += (all.empty() ? "" : ", ") + std::to_string(v);
      return hvError("Invalid serial console speed, must be one of: " + all);
    }
  }
  if (flag(p, "vnc_x509_verify") && text(p, "vnc_x509_path").empty()) {
    return hvError("vnc_x509_path must be defined, if vnc_x509_verify is");
  }
  if (text(p, "spice_bind").empty()) {
    for (const char* param : {"spice_ip_version", "spice_password_file",
                              "spice_image_compression", "spice_jpeg_wan_compression",
                              "spice_zlib_glz_wan_compression", "spice_streaming_video",
                              "spice_use_tls"}) {
      auto it = p.find(param);
      if (it == p.end()) continue;
      const ParamValue& v = it->second;
      const bool set = !unspecified(v) && !(std::holds_alternative<std::int64_t>(v) &&
                                            std::get<std::int64_t>(v) == 0) &&
                       !(std::holds_alternative<bool>(v) && !std::get<bool>(v));
      if (set) {
        return hvError(std::string("SPICE: ") + param + " requires spice_bind to be set");
      }
    }
  } else if (!text(p, "vnc_bind_address").empty()) {
    return hvError(
        "Both SPICE and VNC are configured, but only one of them can be used at a "
        "given time");
  }
  if (text(p, "disk_aio") == "native" && text(p, "disk_cache") != "none") {
    return hvError(
        "When 'disk_aio' is set to 'native', the only supported value for "
        "'disk_cache' is 'none'.");
  }
  return sdk::ok();
}

bool isIpAddress(const std::string& text) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, text.c_str(), buf) == 1 ||
         ::inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

bool isInterface(const std::string& name) {
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") {
    return false;
  }
  std::error_code ec;
  return fs::exists(fs::path("/sys/class/net") / name, ec);
}

}  // namespace

std::vector<ParamSpec> kvmParameters() {
  std::vector<ParamSpec> specs;
  for (const auto& def : definitions()) {
    const bool required = def.check == Check::kReqFile || def.check == Check::kReqSet ||
                          def.check == Check::kReqPort ||
                          def.check == Check::kReqNonNegative;
    specs.push_back({def.name, def.type, def.defaultValue, required, def.doc});
  }
  return specs;
}

sdk::ParamMap defaultHvparams() {
  sdk::ParamMap params;
  for (const auto& def : definitions()) params[def.name] = def.defaultValue;
  return params;
}

sdk::ParamMap fillHvparams(const sdk::ParamMap& hvparams) {
  sdk::ParamMap filled = defaultHvparams();
  for (const auto& [key, value] : hvparams) filled[key] = value;
  return filled;
}

sdk::Result<void> checkKvmParameters(const sdk::ParamMap& hvparams) {
  const auto& defs = definitions();
  for (const auto& [key, value] : hvparams) {
    const bool known = std::any_of(defs.begin(), defs.end(),
                                   [&](const Definition& d) { return key == d.name; });
    if (!known) return Error{ErrorCode::kInvalid, "Parameter '" + key + "' is not supported"};
  }
  for (const auto& def : defs) {
    auto it = hvparams.find(def.name);
    if (it == hvparams.end()) {
      return Error{ErrorCode::kInvalid,
                   std::string("Parameter '") + def.name + "' is missing"};
    }
    if (auto checked = checkOne(def, it->second); !checked) return checked;
  }
  return checkCombinations(hvparams);
}

sdk::Result<void> validateKvmParameters(const sdk::ParamMap& hvparams) {
  for (const auto& def : definitions()) {
    auto it = hvparams.find(def.name);
    if (it == hvparams.end() || unspecified(it->second)) continue;
    const auto* str = std::get_if<std::string>(&it->second);
    if (str == nullptr) continue;
    std::error_code ec;
    switch (def.check) {
      case Check::kReqFile:
      case Check::kOptFile:
        if (!fs::is_regular_file(*str, ec)) {
          return validationError(def.name, "not found or not a file", it->second);
        }
        break;
      case Check::kOptDir:
        if (!fs::is_directory(*str, ec)) {
          return validationError(def.name, "not found or not a directory", it->second);
        }
        break;
      case Check::kOptFileOrUrl:
        if (!isUrl(*str) && !fs::is_regular_file(*str, ec)) {
          return validationError(def.name, "not found or not a file", it->second);
        }
        break;
      default:
        break;
    }
  }
  const std::string vnc = text(hvparams, "vnc_bind_address");
  if (!vnc.empty() && !isIpAddress(vnc) && !isInterface(vnc) && !isNormAbsPath(vnc)) {
    return hvError(
        "VNC: The vnc_bind_address parameter must be either a valid IP address, an "
        "interface name, or an absolute path");
  }
  const std::string spice = text(hvparams, "spice_bind");
  if (!spice.empty() && !isIpAddress(spice) && !isInterface(spice)) {
    return hvError(
        "SPICE: The spice_bind parameter must be either a valid IP address or "
        "interface name");
  }
  if (text(hvparams, "security_model") == "user") {
    const std::string user = text(hvparams, "security_domain");
    if (::getpwnam(user.c_str()) == nullptr) {
      return hvError("Unknown security domain user " + user);
    }
  }
  return sdk::ok();
}

}  // namespace gantry::plugins::kvm
