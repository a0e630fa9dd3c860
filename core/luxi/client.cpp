#include "core/luxi/client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace gantry::core::luxi {
namespace {

using Clock = std::chrono::steady_clock;

int remainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

// Waits for `events` on fd until the deadline; false on timeout.
bool waitFor(int fd, short events, Clock::time_point deadline) {
  while (true) {
    pollfd p{fd, events, 0};
    int rc = ::poll(&p, 1, remainingMs(deadline));
    if (rc > 0) return true;
    if (rc == 0) return false;
    if (errno != EINTR) {
      throw protocolError(std::string("poll failed: ") + std::strerror(errno));
    }
  }
}

// A transport failure after which the request may be sent again on a new
// connection (the master closed an idle connection).
struct StaleConnection {
  EncodedError error;
};

}  // namespace

Client::Client(ClientOptions options)
    : options_(std::move(options)), reader_(options_.maxMessageSize) {}

Client::~Client() { close(); }

Client::Client(Client&& other) noexcept
    : options_(std::move(other.options_)),
      fd_(other.fd_),
      used_(other.used_),
      reader_(std::move(other.reader_)) {
  other.fd_ = -1;
}

Client& Client::operator=(Client&& other) noexcept {
  if (this != &other) {
    close();
    options_ = std::move(other.options_);
    fd_ = other.fd_;
    used_ = other.used_;
    reader_ = std::move(other.reader_);
    other.fd_ = -1;
  }
  return *this;
}

void Client::close() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  used_ = false;
  reader_ = MessageReader(options_.maxMessageSize);
}

void Client::connect() {
  if (fd_ >= 0) return;
  const std::string& path = options_.socketPath;
  sockaddr_un addr{};
  if (path.size() >= sizeof(addr.sun_path)) {
    throw protocolError("Socket path too long: " + path);
  }
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  auto deadline = Clock::now() + options_.connectTimeout;
  while (true) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw protocolError(std::string("Cannot create socket: ") +
                          std::strerror(errno));
    }
    int rc;
    do {
      rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr),
                     sizeof(addr));
    } while (rc != 0 && errno == EINTR);
    if (rc == 0) {
      fd_ = fd;
      used_ = false;
      return;
    }
    int err = errno;
    ::close(fd);
    if (err == EACCES || err == EPERM) throw permissionError(path);
    bool absent = err == ENOENT || err == ECONNREFUSED || err == EAGAIN;
    if (!absent) {
      throw protocolError("Cannot connect to " + path + ": " +
                          std::strerror(err));
    }
    if (options_.connectTimeout.count() <= 0) throw noMasterError(path);
    if (Clock::now() >= deadline) throw timeoutError("Connect timed out");
    auto pause = std::min<Clock::duration>(std::chrono::seconds(1),
                                           deadline - Clock::now());
    std::this_thread::sleep_for(pause);
  }
}

void Client::sendAll(std::string_view bytes) {
  auto deadline = Clock::now() + options_.ioTimeout;
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    if (!waitFor(fd_, POLLOUT, deadline)) {
      throw timeoutError("Sending timeout");
    }
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent,
                       MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      int err = errno;
      if (err == EPIPE || err == ECONNRESET) {
        throw StaleConnection{connectionClosedError(
            std::string("Connection closed while sending: ") +
            std::strerror(err))};
      }
      throw protocolError(std::string("Sending failed: ") +
                          std::strerror(err));
    }
    sent += static_cast<std::size_t>(n);
  }
}

std::string Client::receiveMessage(bool& receivedAny) {
  auto deadline = Clock::now() + options_.ioTimeout;
  char buf[65536];
  while (true) {
    std::optional<std::string> message;
    try {
      message = reader_.next();
    } catch (const FramingError& e) {
      throw protocolError(e.what());
    }
    if (message) return *message;
    if (!waitFor(fd_, POLLIN, deadline)) throw timeoutError("Receive timeout");
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      int err = errno;
      EncodedError error = connectionClosedError(
          std::string("Connection error while reading: ") +
          std::strerror(err));
      if (!receivedAny && err == ECONNRESET) throw StaleConnection{error};
      throw error;
    }
    if (n == 0) {
      EncodedError error =
          connectionClosedError("Connection closed while reading");
      if (!receivedAny) throw StaleConnection{error};
      throw error;
    }
    receivedAny = true;
    try {
      reader_.feed(std::string_view(buf, static_cast<std::size_t>(n)));
    } catch (const FramingError& e) {
      throw protocolError(e.what());
    }
  }
}

Json Client::call(std::string_view method, Json args) {
  Request request{std::string(method), std::move(args), options_.version};
  std::string bytes = frameMessage(encodeRequest(request));
  std::string reply;
  for (int attempt = 0;; ++attempt) {
    bool reused = fd_ >= 0 && used_;
    connect();
    bool receivedAny = false;
    try {
      sendAll(bytes);
      reply = receiveMessage(receivedAny);
      break;
    } catch (const StaleConnection& stale) {
      close();
      // Only a connection that already served a request may have been
      // closed by the master for idling; anything else is a real failure.
      if (!reused || attempt > 0) throw stale.error;
    } catch (...) {
      close();
      throw;
    }
  }
  used_ = true;
  return resultOrThrow(parseResponse(reply), options_.version);
}

std::int64_t Client::submitJob(const Json& opcodes) {
  Json result = call("SubmitJob", Json::array({opcodes}));
  if (!result.is_number_integer()) {
    throw protocolError("Invalid job id in answer: " + pythonRepr(result));
  }
  return result.get<std::int64_t>();
}

std::int64_t Client::submitJobToDrainedQueue(const Json& opcodes) {
  Json result = call("SubmitJobToDrainedQueue", Json::array({opcodes}));
  if (!result.is_number_integer()) {
    throw protocolError("Invalid job id in answer: " + pythonRepr(result));
  }
  return result.get<std::int64_t>();
}

Json Client::submitManyJobs(const Json& jobs) {
  return call("SubmitManyJobs", Json::array({jobs}));
}

Json Client::waitForJobChange(const Json& jobId,
                              const std::vector<std::string>& fields,
                              const Json& prevJobInfo,
                              const Json& prevLogSerial, int timeoutSeconds) {
  if (timeoutSeconds < 0) timeoutSeconds = 0;
  if (timeoutSeconds > kWaitForJobChangeTimeoutSeconds) {
    timeoutSeconds = kWaitForJobChangeTimeoutSeconds;
  }
  return call("WaitForJobChange",
              Json::array({jobId, Json(fields), prevJobInfo, prevLogSerial,
                           timeoutSeconds}));
}

Json Client::queryJobs(const Json& jobIds,
                       const std::vector<std::string>& fields) {
  return call("QueryJobs", Json::array({jobIds, Json(fields)}));
}

Json Client::query(std::string_view what,
                   const std::vector<std::string>& fields, const Json& filter) {
  return call("Query", Json::array({std::string(what), Json(fields), filter}));
}

Json Client::queryFields(std::string_view what,
                         const std::vector<std::string>& fields) {
  return call("QueryFields",
              Json::array({std::string(what),
                           fields.empty() ? Json() : Json(fields)}));
}

namespace {
std::pair<bool, std::string> boolAndMessage(const Json& result) {
  if (result.is_array() && result.size() == 2 && result[0].is_boolean()) {
    return {result[0].get<bool>(), pythonStr(result[1])};
  }
  throw protocolError("Invalid answer: " + pythonRepr(result));
}
}  // namespace

std::pair<bool, std::string> Client::cancelJob(std::int64_t jobId, bool kill) {
  return boolAndMessage(call("CancelJob", Json::array({jobId, kill})));
}

bool Client::archiveJob(std::int64_t jobId) {
  Json result = call("ArchiveJob", Json::array({jobId}));
  return result.is_boolean() && result.get<bool>();
}

Json Client::autoArchiveJobs(std::int64_t ageSeconds) {
  return call("AutoArchiveJobs",
              Json::array({ageSeconds, (kDefaultReadWriteTimeoutSeconds - 1) /
                                           2}));
}

std::pair<bool, std::string> Client::changeJobPriority(std::int64_t jobId,
                                                       int priority) {
  return boolAndMessage(
      call("ChangeJobPriority", Json::array({jobId, priority})));
}

Json Client::setDrainFlag(bool drain) {
  return call("SetDrainFlag", Json::array({drain}));
}

Json Client::setWatcherPause(std::optional<double> until) {
  return call("SetWatcherPause",
              Json::array({until ? Json(*until) : Json()}));
}

Json Client::queryConfigValues(const std::vector<std::string>& fields) {
  return call("QueryConfigValues", Json::array({Json(fields)}));
}

Json Client::queryClusterInfo() {
  return call("QueryClusterInfo", Json::array());
}

Json Client::queryTags(std::string_view kind, std::string_view name) {
  return call("QueryTags",
              Json::array({std::string(kind), std::string(name)}));
}

}  // namespace gantry::core::luxi
