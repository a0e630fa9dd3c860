// The typed model of config.data (Ganeti 3.1 layout, version 3010000).
//
// Every object reads and writes Ganeti's keys. What the typed fields do not
// cover is kept verbatim (ObjectExtras) and written back, so that a
// load/save round trip gives back the same JSON: unknown keys survive, and a
// key that was missing at load and filled with its reader default is not
// suddenly written. Objects built in code (never loaded) write every field.
//
// Parameter dictionaries (hvparams, beparams, ...) hold custom values only;
// core/config/fill.h computes the effective values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gantry::core::config {

/// A parameter dictionary as stored: a JSON object, name -> value.
using ParamDict = nlohmann::json;

/// A malformed config object: a missing mandatory key or a value of the
/// wrong type. The message names the object (e.g. "instances/<uuid>").
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What a load saw beyond the typed fields.
struct ObjectExtras {
  /// Keys no typed field covers, written back as they were.
  nlohmann::json unknown = nlohmann::json::object();
  /// Typed keys that were present at load.
  std::set<std::string> present;
  /// Optional typed keys that were present with the value null.
  std::set<std::string> nulls;
  /// False for objects built in code: those write every field.
  bool loaded = false;
};

/// Network interface, embedded in its instance.
struct Nic {
  std::string uuid;
  std::string mac;
  std::optional<std::string> ip;  // null/absent: no IP
  ParamDict nicparams = ParamDict::object();  // custom mode/link/vlan
  std::optional<std::string> network;  // network uuid
  std::optional<std::string> name;
  ObjectExtras extras;

  static Nic fromJson(const nlohmann::json& json, const std::string& context);
  nlohmann::json toJson() const;
};

/// A disk (top-level object) or a child of one (DRBD data/meta volumes).
struct Disk {
  std::string uuid;  // children written by old versions may have none
  std::string devType;  // disk template: plain, drbd, file, ...
  nlohmann::json logicalId = nlohmann::json::array();  // layout per devType
  std::vector<Disk> children;
  std::vector<std::string> nodes;  // node uuids holding the disk
  std::string ivName;  // "disk/<index>"
  std::int64_t size = 0;  // MiB
  std::string mode = "rw";
  std::optional<std::string> name;
  std::optional<std::int64_t> spindles;
  ParamDict params = ParamDict::object();
  bool forthcoming = false;
  std::int64_t serialNo = 0;
  double ctime = 0;
  double mtime = 0;
  ObjectExtras extras;

  static Disk fromJson(const nlohmann::json& json, const std::string& context);
  nlohmann::json toJson() const;

  /// DRBD accessors of logicalId ([nodeA, nodeB, port, minorA, minorB,
  /// secret]); nullopt when the disk is not DRBD or the entry is malformed.
  std::optional<std::string> drbdNode(int index) const;
  std::optional<std::int64_t> drbdPort() const;
  std::optional<std::int64_t> drbdMinor(int index) const;
  std::optional<std::string> drbdSecret() const;
};

struct Instance {
  std::string uuid;
  std::string name;
  std::string primaryNode;  // node uuid
  std::string os;  // "name" or "name+variant"
  std::string hypervisor;
  ParamDict hvparams = ParamDict::object();
  ParamDict beparams = ParamDict::object();
  ParamDict osparams = ParamDict::object();
  ParamDict osparamsPrivate = ParamDict::object();
  std::string adminState = "down";  // up, down, offline
  std::string adminStateSource = "admin";  // admin, user
  std::vector<Nic> nics;
  std::vector<std::string> disks;  // disk uuids, in index order
  bool disksActive = false;
  std::optional<std::int64_t> networkPort;
  bool forthcoming = false;
  std::int64_t serialNo = 0;
  double ctime = 0;
  double mtime = 0;
  std::vector<std::string> tags;
  ObjectExtras extras;

  static Instance fromJson(const nlohmann::json& json,
                           const std::string& context);
  nlohmann::json toJson() const;
};

struct Node {
  std::string uuid;
  std::string name;
  std::string primaryIp;
  std::string secondaryIp;
  std::string group;  // node group uuid
  bool masterCandidate = false;
  bool drained = false;
  bool offline = false;
  bool masterCapable = true;
  bool vmCapable = true;
  bool powered = true;
  ParamDict ndparams = ParamDict::object();
  nlohmann::json hvStateStatic = nlohmann::json::object();
  nlohmann::json diskStateStatic = nlohmann::json::object();
  std::int64_t serialNo = 0;
  double ctime = 0;
  double mtime = 0;
  std::vector<std::string> tags;
  ObjectExtras extras;

  static Node fromJson(const nlohmann::json& json, const std::string& context);
  nlohmann::json toJson() const;
};

struct NodeGroup {
  std::string uuid;
  std::string name;
  std::string allocPolicy = "preferred";  // preferred, last_resort, unallocable
  ParamDict ndparams = ParamDict::object();
  std::map<std::string, ParamDict> diskparams;  // template -> custom params
  nlohmann::json ipolicy = nlohmann::json::object();  // partial policy
  std::map<std::string, ParamDict> networks;  // net uuid -> mode/link/vlan
  nlohmann::json hvStateStatic = nlohmann::json::object();
  nlohmann::json diskStateStatic = nlohmann::json::object();
  std::int64_t serialNo = 0;
  double ctime = 0;
  double mtime = 0;
  std::vector<std::string> tags;
  ObjectExtras extras;

  static NodeGroup fromJson(const nlohmann::json& json,
                            const std::string& context);
  nlohmann::json toJson() const;
};

struct Network {
  std::string uuid;
  std::string name;
  std::string network;  // IPv4 CIDR
  std::optional<std::string> gateway;
  std::optional<std::string> network6;
  std::optional<std::string> gateway6;
  std::optional<std::string> macPrefix;
  std::optional<std::string> reservations;  // one '0'/'1' per address
  std::optional<std::string> extReservations;
  std::int64_t serialNo = 0;
  double ctime = 0;
  double mtime = 0;
  std::vector<std::string> tags;
  ObjectExtras extras;

  static Network fromJson(const nlohmann::json& json,
                          const std::string& context);
  nlohmann::json toJson() const;
};

/// A job filter rule (no serial, times or tags).
struct FilterRule {
  std::string uuid;
  std::int64_t watermark = 0;
  std::int64_t priority = 0;
  nlohmann::json predicates = nlohmann::json::array();
  nlohmann::json action = "CONTINUE";  // a string or ["RATE_LIMIT", n]
  nlohmann::json reasonTrail = nlohmann::json::array();
  ObjectExtras extras;

  static FilterRule fromJson(const nlohmann::json& json,
                             const std::string& context);
  nlohmann::json toJson() const;
};

struct Cluster {
  std::string uuid;
  std::string clusterName;
  std::string masterNode;  // node uuid
  std::string masterIp;
  std::string masterNetdev;
  std::int64_t masterNetmask = 32;
  bool useExternalMipScript = false;
  std::int64_t primaryIpFamily = 2;  // AF_INET; 10 for AF_INET6
  std::optional<std::string> volumeGroupName;
  std::vector<std::string> reservedLvs;
  std::optional<std::string> drbdUsermodeHelper;
  std::string macPrefix = "aa:00:00";
  std::int64_t highestUsedPort = 10999;
  std::vector<std::int64_t> tcpudpPortPool;
  std::vector<std::string> enabledHypervisors;  // first = default
  std::vector<std::string> enabledDiskTemplates;  // first = default
  std::map<std::string, ParamDict> hvparams;  // hypervisor -> params
  std::map<std::string, std::map<std::string, ParamDict>> osHvp;  // os -> hv
  std::map<std::string, ParamDict> beparams;  // "default" -> params
  std::map<std::string, ParamDict> nicparams;  // "default" -> params
  ParamDict ndparams = ParamDict::object();
  std::map<std::string, ParamDict> diskparams;  // template -> params
  nlohmann::json ipolicy = nlohmann::json::object();
  std::map<std::string, ParamDict> osparams;
  std::map<std::string, ParamDict> osparamsPrivateCluster;
  std::int64_t candidatePoolSize = 10;
  std::int64_t maxRunningJobs = 20;
  std::int64_t maxTrackedJobs = 25;
  bool modifyEtcHosts = true;
  bool modifySshSetup = true;
  bool maintainNodeHealth = false;
  bool preallocWipeDisks = false;
  bool enabledUserShutdown = false;
  nlohmann::json uidPool = nlohmann::json::array();
  std::string defaultIallocator;
  ParamDict defaultIallocatorParams = ParamDict::object();
  std::vector<std::string> hiddenOs;
  std::vector<std::string> blacklistedOs;
  std::string fileStorageDir;
  std::string sharedFileStorageDir;
  std::string glusterStorageDir;
  std::map<std::string, std::string> candidateCerts;  // node uuid -> digest
  nlohmann::json hvStateStatic = nlohmann::json::object();
  nlohmann::json diskStateStatic = nlohmann::json::object();
  std::string installImage;
  std::string zeroingImage;
  std::string instanceCommunicationNetwork;
  std::vector<std::string> compressionTools;
  nlohmann::json dataCollectors = nlohmann::json::object();
  std::string rsahostkeypub;
  std::optional<std::string> dsahostkeypub;
  std::string sshKeyType = "rsa";
  std::int64_t sshKeyBits = 2048;
  std::int64_t serialNo = 0;
  double ctime = 0;
  double mtime = 0;
  std::vector<std::string> tags;
  ObjectExtras extras;

  static Cluster fromJson(const nlohmann::json& json,
                          const std::string& context);
  nlohmann::json toJson() const;
};

/// The whole of config.data. Maps are keyed by uuid.
struct ConfigData {
  std::int64_t version = 0;
  Cluster cluster;
  std::map<std::string, Node> nodes;
  std::map<std::string, NodeGroup> nodegroups;
  std::map<std::string, Instance> instances;
  std::map<std::string, Disk> disks;
  std::map<std::string, Network> networks;
  std::map<std::string, FilterRule> filters;
  std::int64_t serialNo = 0;
  double ctime = 0;
  double mtime = 0;
  ObjectExtras extras;

  /// Parses without looking at the version (see loadConfigData in
  /// core/config/upgrade.h for the checked entry point). Throws ConfigError.
  static ConfigData fromJson(const nlohmann::json& json);
  nlohmann::json toJson() const;

  /// Lookups; nullptr when absent.
  const Node* findNode(const std::string& uuid) const;
  const Node* findNodeByName(const std::string& name) const;
  const NodeGroup* findNodeGroup(const std::string& uuid) const;
  const Instance* findInstance(const std::string& uuid) const;
  const Instance* findInstanceByName(const std::string& name) const;
  const Disk* findDisk(const std::string& uuid) const;

  /// The instance's disk template, derived from its disks as 3.x does:
  /// "diskless" without disks, else the first disk's dev_type.
  std::string diskTemplate(const Instance& instance) const;
  /// Node uuids of the instance's disks other than the primary, in order of
  /// first appearance.
  std::vector<std::string> secondaryNodes(const Instance& instance) const;
};

}  // namespace gantry::core::config
