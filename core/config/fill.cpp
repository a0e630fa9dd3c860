#include "core/config/fill.h"

#include <algorithm>
#include <set>

#include "core/config/defaults.h"

namespace gantry::core::config {

using Json = nlohmann::json;

namespace {

const Json kEmptyObject = Json::object();

// Stored dictionaries can be null in hand-edited or very old files; a null
// level contributes nothing, like a missing one.
const Json& asObject(const Json& value) {
  return value.is_object() ? value : kEmptyObject;
}

const Json& lookup(const std::map<std::string, ParamDict>& dicts,
                   const std::string& key) {
  auto it = dicts.find(key);
  return it == dicts.end() ? kEmptyObject : asObject(it->second);
}

ParamDict withoutKeys(ParamDict params, const std::vector<std::string>& keys) {
  for (const auto& key : keys) params.erase(key);
  return params;
}

std::string joinSortedQuoted(const std::set<std::string>& keys) {
  if (keys.empty()) return "(none)";
  std::string out;
  for (const auto& key : keys) {
    if (!out.empty()) out += ", ";
    out += "'" + key + "'";
  }
  return out;
}

}  // namespace

ParamDict fillDict(const ParamDict& defaults, const ParamDict& custom,
                   const std::vector<std::string>& skipKeys) {
  ParamDict out = asObject(defaults);
  for (const auto& [key, value] : asObject(custom).items()) out[key] = value;
  return withoutKeys(std::move(out), skipKeys);
}

ParamDict upgradeBeParams(const ParamDict& beparams) {
  ParamDict out = asObject(beparams);
  auto it = out.find("memory");
  if (it != out.end()) {
    Json memory = *it;
    out.erase(it);
    out["maxmem"] = memory;
    out["minmem"] = memory;
  }
  return out;
}

// ---- hypervisor parameters ----

ParamDict hvDefaultsFor(const Cluster& cluster, const std::string& hypervisor,
                        const std::string& os,
                        const std::vector<std::string>& skipKeys) {
  ParamDict out = fillDict(hvDefaults(hypervisor),
                           lookup(cluster.hvparams, hypervisor), skipKeys);
  if (!os.empty()) {
    auto osIt = cluster.osHvp.find(os);
    if (osIt != cluster.osHvp.end()) {
      out = fillDict(out, lookup(osIt->second, hypervisor), skipKeys);
    }
  }
  return out;
}

ParamDict fillHvParams(const Cluster& cluster, const std::string& hypervisor,
                       const std::string& os, const ParamDict& custom,
                       bool skipGlobals) {
  const std::vector<std::string> noKeys;
  const auto& skip = skipGlobals ? hvGlobalParams() : noKeys;
  return fillDict(hvDefaultsFor(cluster, hypervisor, os, skip), custom, skip);
}

ParamDict fillInstanceHvParams(const Cluster& cluster,
                               const Instance& instance, bool skipGlobals) {
  return fillHvParams(cluster, instance.hypervisor, instance.os,
                      withoutKeys(asObject(instance.hvparams),
                                  hvGlobalParams()),
                      skipGlobals);
}

// ---- backend, NIC, OS parameters ----

ParamDict fillBeParams(const Cluster& cluster, const ParamDict& custom) {
  ParamDict clusterLevel =
      fillDict(beDefaults(), upgradeBeParams(lookup(cluster.beparams,
                                                    "default")));
  return fillDict(clusterLevel, upgradeBeParams(custom));
}

ParamDict fillInstanceBeParams(const Cluster& cluster,
                               const Instance& instance) {
  return fillBeParams(cluster, instance.beparams);
}

ParamDict fillNicParams(const Cluster& cluster, const ParamDict& custom) {
  return fillDict(fillDict(nicDefaults(), lookup(cluster.nicparams, "default")),
                  custom);
}

ParamDict fillNic(const Cluster& cluster, const NodeGroup* group,
                  const Nic& nic) {
  ParamDict out = fillNicParams(cluster, nic.nicparams);
  if (group != nullptr && nic.network) {
    auto it = group->networks.find(*nic.network);
    if (it != group->networks.end()) out = fillDict(out, it->second);
  }
  return out;
}

std::string osNameWithoutVariant(const std::string& os) {
  return os.substr(0, os.find('+'));
}

ParamDict fillOsParams(const Cluster& cluster, const std::string& os,
                       const ParamDict& custom) {
  ParamDict base = fillDict(lookup(cluster.osparams, osNameWithoutVariant(os)),
                            lookup(cluster.osparams, os));
  return fillDict(base, custom);
}

ParamDict fillOsParamsPrivate(const Cluster& cluster, const std::string& os,
                              const ParamDict& custom) {
  ParamDict base =
      fillDict(lookup(cluster.osparamsPrivateCluster, osNameWithoutVariant(os)),
               lookup(cluster.osparamsPrivateCluster, os));
  return fillDict(base, custom);
}

sdk::Result<ParamDict> fillOsParamsAll(const Cluster& cluster,
                                       const std::string& os,
                                       const ParamDict& publicParams,
                                       const ParamDict& privateParams,
                                       const ParamDict& secretParams) {
  ParamDict pub = fillOsParams(cluster, os, publicParams);
  ParamDict priv = fillOsParamsPrivate(cluster, os, privateParams);
  const ParamDict& secret = asObject(secretParams);

  std::set<std::string> inPub, inPriv, inSecret;
  auto conflicts = [&](const ParamDict& dict, std::set<std::string>& into,
                       const ParamDict& a, const ParamDict& b) {
    for (const auto& [key, value] : dict.items()) {
      if (a.contains(key) || b.contains(key)) into.insert(key);
    }
  };
  conflicts(pub, inPub, priv, secret);
  conflicts(priv, inPriv, pub, secret);
  conflicts(secret, inSecret, pub, priv);
  if (!inPub.empty() || !inPriv.empty() || !inSecret.empty()) {
    return sdk::Error{
        sdk::ErrorCode::kInvalid,
        "Cannot assign multiple values to OS parameters.\n\n"
        "Conflicting OS parameters that would have been set by this "
        "operation:\n"
        "- at public visibility:  " + joinSortedQuoted(inPub) + "\n"
        "- at private visibility: " + joinSortedQuoted(inPriv) + "\n"
        "- at secret visibility:  " + joinSortedQuoted(inSecret) + "\n"};
  }
  for (const auto& [key, value] : priv.items()) pub[key] = value;
  for (const auto& [key, value] : secret.items()) pub[key] = value;
  return pub;
}

// ---- node parameters ----

ParamDict fillClusterNdParams(const Cluster& cluster) {
  return fillDict(ndDefaults(), cluster.ndparams);
}

ParamDict fillGroupNdParams(const Cluster& cluster, const NodeGroup& group) {
  return fillDict(fillClusterNdParams(cluster), group.ndparams);
}

ParamDict fillNodeNdParams(const Cluster& cluster, const NodeGroup& group,
                           const Node& node) {
  return fillDict(fillGroupNdParams(cluster, group), node.ndparams);
}

// ---- disk parameters ----

std::map<std::string, ParamDict> fillClusterDiskParams(
    const Cluster& cluster) {
  std::map<std::string, ParamDict> out;
  for (const auto& dt : diskTemplates()) {
    out[dt] = fillDict(diskDefaults(dt), lookup(cluster.diskparams, dt));
  }
  return out;
}

std::map<std::string, ParamDict> fillGroupDiskParams(const Cluster& cluster,
                                                     const NodeGroup& group) {
  std::map<std::string, ParamDict> out = fillClusterDiskParams(cluster);
  for (auto& [dt, params] : out) {
    params = fillDict(params, lookup(group.diskparams, dt));
  }
  return out;
}

ParamDict fillDiskParams(const Cluster& cluster, const NodeGroup* group,
                         const std::string& diskTemplate) {
  ParamDict out = fillDict(diskDefaults(diskTemplate),
                           lookup(cluster.diskparams, diskTemplate));
  if (group != nullptr) {
    out = fillDict(out, lookup(group->diskparams, diskTemplate));
  }
  return out;
}

// ---- instance policy ----

Json fillIPolicy(const Json& defaults, const Json& custom) {
  Json out = asObject(custom);
  for (const auto& [key, value] : asObject(defaults).items()) {
    auto it = out.find(key);
    if (it == out.end()) {
      out[key] = value;
    } else if (key == "std") {
      *it = fillDict(value, *it);
    }
    // Any other key present in custom (minmax, disk-templates, ratios)
    // replaces the default as a whole.
  }
  return out;
}

Json fillClusterIPolicy(const Cluster& cluster) {
  return fillIPolicy(ipolicyDefaults(), cluster.ipolicy);
}

Json fillGroupIPolicy(const Cluster& cluster, const NodeGroup& group) {
  return fillIPolicy(fillClusterIPolicy(cluster), group.ipolicy);
}

// ---- plugin boundary ----

sdk::ParamMap toParamMap(const ParamDict& params) {
  sdk::ParamMap out;
  for (const auto& [key, value] : asObject(params).items()) {
    switch (value.type()) {
      case Json::value_t::null:
        out[key] = std::monostate{};
        break;
      case Json::value_t::boolean:
        out[key] = value.get<bool>();
        break;
      case Json::value_t::number_integer:
      case Json::value_t::number_unsigned:
        out[key] = value.get<std::int64_t>();
        break;
      case Json::value_t::number_float:
        out[key] = value.get<double>();
        break;
      case Json::value_t::string:
        out[key] = value.get<std::string>();
        break;
      default:
        out[key] = value.dump();
        break;
    }
  }
  return out;
}

}  // namespace gantry::core::config
