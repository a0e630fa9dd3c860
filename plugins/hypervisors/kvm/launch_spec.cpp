#include "launch_spec.h"

#include <nlohmann/json.hpp>

#include "kvm_params.h"

namespace gantry::plugins::kvm {
namespace {

using nlohmann::json;
using sdk::Error;
using sdk::ErrorCode;

json paramToJson(const sdk::ParamValue& value) {
  struct Visitor {
    json operator()(std::monostate) const { return nullptr; }
    json operator()(bool v) const { return v; }
    json operator()(std::int64_t v) const { return v; }
    json operator()(double v) const { return v; }
    json operator()(const std::string& v) const { return v; }
  };
  return std::visit(Visitor{}, value);
}

sdk::ParamValue paramFromJson(const json& value) {
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_number_integer()) return value.get<std::int64_t>();
  if (value.is_number_float()) return value.get<double>();
  if (value.is_string()) return value.get<std::string>();
  return std::monostate{};
}

}  // namespace

sdk::Result<LaunchSpec> launchSpecFor(const sdk::InstanceSpec& instance) {
  LaunchSpec spec;
  spec.name = instance.name;
  spec.uuid = instance.uuid;
  spec.hvparams = fillHvparams(instance.hvparams);
  auto maxmem = sdk::paramInt(instance.beparams, "maxmem");
  if (!maxmem) maxmem = sdk::paramInt(instance.beparams, "memory");
  spec.startupMemoryMiB = instance.startupMemoryMiB;
  spec.memoryMiB = maxmem.value_or(instance.startupMemoryMiB);
  if (spec.startupMemoryMiB <= 0) spec.startupMemoryMiB = spec.memoryMiB;
  if (spec.memoryMiB < spec.startupMemoryMiB) spec.memoryMiB = spec.startupMemoryMiB;
  if (spec.memoryMiB <= 0) {
    return Error{ErrorCode::kInvalid,
                 "Failed to start instance " + instance.name +
                     ": no memory size given (startup memory or beparam 'maxmem')"};
  }
  spec.vcpus = instance.vcpus > 0 ? instance.vcpus
                                  : sdk::paramInt(instance.beparams, "vcpus").value_or(1);
  spec.networkPort = instance.networkPort;
  spec.disks = instance.disks;
  spec.nics = instance.nics;
  return spec;
}

std::string serializeLaunchSpec(const LaunchSpec& spec) {
  json hv = json::object();
  for (const auto& [key, value] : spec.hvparams) hv[key] = paramToJson(value);
  json disks = json::array();
  for (const auto& d : spec.disks) {
    disks.push_back({{"uuid", d.uuid}, {"name", d.name}, {"index", d.index},
                     {"path", d.devicePath.string()}, {"uri", d.uri},
                     {"read_only", d.readOnly}, {"size", d.sizeMiB}});
  }
  json nics = json::array();
  for (const auto& n : spec.nics) {
    nics.push_back({{"uuid", n.uuid}, {"name", n.name}, {"mac", n.mac}, {"ip", n.ip},
                    {"mode", n.mode}, {"link", n.link}, {"vlan", n.vlan},
                    {"network", n.network}});
  }
  json doc = {{"name", spec.name},       {"uuid", spec.uuid},
              {"hvparams", hv},          {"memory", spec.memoryMiB},
              {"startup_memory", spec.startupMemoryMiB},
              {"vcpus", spec.vcpus},     {"network_port", spec.networkPort},
              {"disks", disks},          {"nics", nics}};
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

sdk::Result<LaunchSpec> parseLaunchSpec(const std::string& text) {
  try {
    const json doc = json::parse(text);
    LaunchSpec spec;
    spec.name = doc.at("name").get<std::string>();
    spec.uuid = doc.value("uuid", std::string());
    for (const auto& [key, value] : doc.at("hvparams").items()) {
      spec.hvparams[key] = paramFromJson(value);
    }
    spec.memoryMiB = doc.at("memory").get<std::int64_t>();
    spec.startupMemoryMiB = doc.value("startup_memory", spec.memoryMiB);
    spec.vcpus = doc.at("vcpus").get<std::int64_t>();
    spec.networkPort = doc.value("network_port", std::int64_t{0});
    for (const auto& d : doc.at("disks")) {
      sdk::AttachedDisk disk;
      disk.uuid = d.value("uuid", std::string());
      disk.name = d.value("name", std::string());
      disk.index = d.value("index", 0);
      disk.devicePath = d.at("path").get<std::string>();
      disk.uri = d.value("uri", std::string());
      disk.readOnly = d.value("read_only", false);
      disk.sizeMiB = d.value("size", std::int64_t{0});
      spec.disks.push_back(std::move(disk));
    }
    for (const auto& n : doc.at("nics")) {
      sdk::NicSpec nic;
      nic.uuid = n.value("uuid", std::string());
      nic.name = n.value("name", std::string());
      nic.mac = n.at("mac").get<std::string>();
      nic.ip = n.value("ip", std::string());
      nic.mode = n.value("mode", std::string());
      nic.link = n.value("link", std::string());
      nic.vlan = n.value("vlan", std::string());
      nic.network = n.value("network", std::string());
      spec.nics.push_back(std::move(nic));
    }
    return spec;
  } catch (const std::exception& e) {
    return Error{ErrorCode::kFault, std::string("Malformed kvm runtime data: ") + e.what()};
  }
}

}  // namespace gantry::plugins::kvm
