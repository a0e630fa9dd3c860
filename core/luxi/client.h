// Blocking client for the master's unix socket, for the gnt-* tools: one
// connection carrying any number of request/response pairs. Small on
// purpose: no configuration is read, no thread is started. Every failure
// is thrown as an EncodedError whose class picks the CLI's text
// (cli_errors.h): NoMasterError, PermissionError, TimeoutError,
// ProtocolError, ConnectionClosedError, RequestError, or the error the
// master sent.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/luxi/framing.h"
#include "core/luxi/json_text.h"
#include "core/luxi/protocol.h"

namespace gantry::core::luxi {

struct ClientOptions {
  std::string socketPath;
  /// Zero: one connect attempt; a missing or refusing socket is
  /// NoMasterError at once. Positive: retried every second (Ganeti's
  /// behaviour on the master node) until this much time has passed, then
  /// TimeoutError "Connect timed out".
  std::chrono::milliseconds connectTimeout{0};
  /// Limit for each send and for waiting on a response (Ganeti: 180 s).
  std::chrono::milliseconds ioTimeout{
      std::chrono::seconds(kDefaultReadWriteTimeoutSeconds)};
  /// Sent as the request `version`; nullopt sends none.
  std::optional<std::int64_t> version = kProtocolVersion;
  std::size_t maxMessageSize = kDefaultMaxMessageSize;
};

class Client {
 public:
  explicit Client(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  Client(Client&& other) noexcept;
  Client& operator=(Client&& other) noexcept;

  /// Connects now (otherwise the first call does). Throws as described
  /// above.
  void connect();
  void close() noexcept;
  bool connected() const noexcept { return fd_ >= 0; }

  /// Sends one request and returns the result of a successful response;
  /// throws the error of a failed one. A connection the master closed
  /// while idle is re-opened once and the request sent again.
  Json call(std::string_view method, Json args);

  // Method helpers (argument shapes as Ganeti's lib/luxi.py sends them).
  std::int64_t submitJob(const Json& opcodes);
  std::int64_t submitJobToDrainedQueue(const Json& opcodes);
  /// `[[true, id] | [false, "error"], ...]`.
  Json submitManyJobs(const Json& jobs);
  /// One WaitForJobChange call; `jobId` an integer or decimal string;
  /// timeout capped at 89 s. Returns `[[values], [log entries]]`.
  Json waitForJobChange(const Json& jobId,
                        const std::vector<std::string>& fields,
                        const Json& prevJobInfo, const Json& prevLogSerial,
                        int timeoutSeconds = kWaitForJobChangeTimeoutSeconds);
  /// `jobIds` null for all jobs, or a list of ids.
  Json queryJobs(const Json& jobIds, const std::vector<std::string>& fields);
  /// New-style query: `{"fields": [...], "data": [...]}`.
  Json query(std::string_view what, const std::vector<std::string>& fields,
             const Json& filter);
  /// `{"fields": [...]}`; no names: every field.
  Json queryFields(std::string_view what,
                   const std::vector<std::string>& fields);
  std::pair<bool, std::string> cancelJob(std::int64_t jobId,
                                         bool kill = false);
  bool archiveJob(std::int64_t jobId);
  /// Sends `[ageSeconds, 89]`; returns `[archived, unchecked]`.
  Json autoArchiveJobs(std::int64_t ageSeconds);
  std::pair<bool, std::string> changeJobPriority(std::int64_t jobId,
                                                 int priority);
  Json setDrainFlag(bool drain);
  /// `until` as epoch seconds, nullopt to resume.
  Json setWatcherPause(std::optional<double> until);
  Json queryConfigValues(const std::vector<std::string>& fields);
  Json queryClusterInfo();
  Json queryTags(std::string_view kind, std::string_view name);

 private:
  void sendAll(std::string_view bytes);
  std::string receiveMessage(bool& receivedAny);

  ClientOptions options_;
  int fd_ = -1;
  bool used_ = false;  // a response was read on this connection
  MessageReader reader_;
};

}  // namespace gantry::core::luxi
