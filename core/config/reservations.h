// The one place where resources that must be unique in the cluster are
// handed out: UUIDs, MAC addresses, DRBD minors and secrets, TCP ports,
// IP addresses and instance names. What the config already uses is read
// from the store's document at each call; what running jobs have taken but
// not yet committed is held here, per owner (the job), until
// releaseAll(owner) when the job ends.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "gantry/sdk/result.h"

namespace gantry::core::config {

class ConfigStore;

/// Who holds a reservation: a job id, or any other text.
class ReservationOwner {
 public:
  ReservationOwner(std::string id) : id_(std::move(id)) {}
  ReservationOwner(const char* id) : id_(id) {}
  ReservationOwner(std::int64_t job_id) : id_(std::to_string(job_id)) {}
  ReservationOwner(int job_id) : id_(std::to_string(job_id)) {}

  const std::string& id() const noexcept { return id_; }
  auto operator<=>(const ReservationOwner&) const = default;

 private:
  std::string id_;
};

/// A resource that cannot be handed out. code() is kNotUnique for a value
/// already in use, kNoResources when none is left, kNotFound for an
/// unknown network or node reference, kInvalid for a malformed value.
class ReservationError : public std::runtime_error {
 public:
  ReservationError(sdk::ErrorCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  sdk::ErrorCode code() const noexcept { return code_; }

 private:
  sdk::ErrorCode code_;
};

/// Thread-safe. Lock order: this object's mutex, then the store's.
class Reservations {
 public:
  /// Largest port handed out (Ganeti's LAST_DRBD_PORT); allocatePort fails
  /// at it.
  static constexpr int kLastPort = 14999;

  /// `store` must outlive this object.
  explicit Reservations(ConfigStore& store);

  /// A random RFC 4122 version-4 UUID (OpenSSL RAND_bytes), unused by any
  /// object in the config and by any reservation.
  std::string generateUuid(const ReservationOwner& owner);

  /// "<prefix>:xx:xx:xx" with random bytes, unique among the NICs in the
  /// config and the reservations. The prefix is the network's mac_prefix if
  /// `network_uuid` names one that has it, else the cluster's mac_prefix.
  std::string generateMac(const ReservationOwner& owner,
                          const std::string& network_uuid = "");
  /// Reserves a given MAC (normalised to lower case); kNotUnique if it is
  /// in use.
  void reserveMac(const ReservationOwner& owner, const std::string& mac);

  /// One DRBD minor per entry of `node_uuids` (a pair for a DRBD disk):
  /// for each node the lowest minor >= 0 used neither by a DRBD disk in the
  /// config (top-level disks and their children) nor by a reservation. The
  /// same node twice gets two different minors.
  std::vector<int> allocateDrbdMinors(const ReservationOwner& owner,
                                      const std::vector<std::string>& node_uuids);

  /// 20 random bytes as 40 lowercase hex digits, unused by any DRBD disk in
  /// the config and by any reservation.
  std::string generateDrbdSecret(const ReservationOwner& owner);

  /// A TCP port for DRBD or a console: the lowest one of the cluster's
  /// tcpudp_port_pool (removed from it), else highest_used_port + 1 (stored
  /// as the new highest_used_port). Committed to the config at once, as
  /// Ganeti does, so it belongs to no owner. Fails with "The highest used
  /// port is greater than 14999. Aborting." when that would reach 14999.
  int allocatePort();
  /// Gives a port back to tcpudp_port_pool (e.g. of a removed DRBD disk).
  void releasePort(int port);

  /// Reserves `ip` in a network (bookkeeping only: the network's address
  /// bitmaps are the caller's). kNotUnique if another reservation has it;
  /// the same owner reserving it again is fine.
  void reserveIp(const ReservationOwner& owner, const std::string& network_uuid,
                 const std::string& ip);

  /// Reserves an instance name: kNotUnique if an instance in the config has
  /// it or another owner reserved it.
  void reserveName(const ReservationOwner& owner, const std::string& name);

  /// Drops every reservation of `owner` (at the end of its job, whether
  /// its changes were committed or not).
  void releaseAll(const ReservationOwner& owner);

  /// How many reservations `owner` holds.
  std::size_t countOwnedBy(const ReservationOwner& owner) const;

 private:
  enum class Kind { kUuid, kMac, kMinor, kSecret, kIp, kName };

  // (kind, value) -> owner; minors are stored as "<node uuid>/<minor>",
  // IPs as "<network uuid>/<ip>".
  using Key = std::pair<Kind, std::string>;

  bool reservedByOther(const Key& key, const ReservationOwner& owner) const;
  void reserveLocked(const Key& key, const ReservationOwner& owner);

  ConfigStore& store_;
  mutable std::mutex mutex_;
  std::map<Key, ReservationOwner> held_;
};

}  // namespace gantry::core::config
