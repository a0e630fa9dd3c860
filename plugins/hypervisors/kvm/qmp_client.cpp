#include "qmp_client.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <thread>

namespace gantry::plugins::kvm {
namespace {

using nlohmann::json;
using sdk::Error;
using sdk::ErrorCode;
using Clock = std::chrono::steady_clock;

int msLeft(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1000 * 60));
}

std::string errnoText(int e) { return std::strerror(e); }

}  // namespace

QmpClient::QmpClient(int fd) : fd_(fd) {}

QmpClient::~QmpClient() {
  if (fd_ >= 0) ::close(fd_);
}

sdk::Result<std::unique_ptr<QmpClient>> QmpClient::connect(
    const std::filesystem::path& socket, Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string path = socket.string();
  if (path.size() >= sizeof addr.sun_path) {
    return Error{ErrorCode::kEnvironment, "QMP socket path too long: '" + path + "'"};
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  while (true) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return Error{ErrorCode::kEnvironment, "socket: " + errnoText(errno)};
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) {
      return adopt(fd, std::chrono::duration_cast<Millis>(deadline - Clock::now()));
    }
    const int e = errno;
    ::close(fd);
    if (e == ENOENT || e == ECONNREFUSED) {
      return Error{ErrorCode::kNotFound,
                   "Cannot connect to QMP socket '" + path + "': " + errnoText(e)};
    }
    // EAGAIN: the listen backlog is full (another client holds qemu's single
    // monitor connection). Try again until the deadline.
    if (e != EAGAIN && e != EINTR) {
      return Error{ErrorCode::kFault,
                   "Cannot connect to QMP socket '" + path + "': " + errnoText(e)};
    }
    if (Clock::now() >= deadline) {
      return Error{ErrorCode::kFault, "Timed out connecting to QMP socket '" + path + "'"};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

sdk::Result<std::unique_ptr<QmpClient>> QmpClient::adopt(int fd, Millis timeout) {
  if (fd < 0) return Error{ErrorCode::kInvalid, "QMP: invalid file descriptor"};
  const int flags = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  std::unique_ptr<QmpClient> client(new QmpClient(fd));
  if (auto shaken = client->handshake(timeout); !shaken) return std::move(shaken).error();
  return client;
}

Error QmpClient::broken(Error error) {
  broken_ = true;
  return error;
}

sdk::Result<void> QmpClient::handshake(Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  auto greeting = readMessage(deadline);
  if (!greeting) return std::move(greeting).error();
  if (!greeting->is_object() || !greeting->contains("QMP")) {
    const std::string text = greeting->dump(-1, ' ', false, json::error_handler_t::replace);
    return broken(Error{ErrorCode::kFault, "QMP: no greeting from the peer: " + text});
  }
  try {
    const json& v = (*greeting)["QMP"].at("version").at("qemu");
    version_ = std::to_string(v.at("major").get<int>()) + "." +
               std::to_string(v.at("minor").get<int>()) + "." +
               std::to_string(v.at("micro").get<int>());
  } catch (const std::exception&) {
    version_.clear();  // a peer without a version is still usable
  }
  auto negotiated =
      execute("qmp_capabilities", std::chrono::duration_cast<Millis>(deadline - Clock::now()));
  if (!negotiated) return std::move(negotiated).error();
  return sdk::ok();
}

sdk::Result<void> QmpClient::writeAll(const std::string& data, Clock::time_point deadline) {
  std::size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::send(fd_, data.data() + written, data.size() - written, MSG_NOSIGNAL);
    if (n > 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      return broken(Error{ErrorCode::kFault, "QMP: write failed: " + errnoText(errno)});
    }
    pollfd pfd{fd_, POLLOUT, 0};
    const int left = msLeft(deadline);
    if (left == 0 || ::poll(&pfd, 1, left) == 0) {
      return broken(Error{ErrorCode::kFault, "QMP: timed out writing to the peer"});
    }
  }
  return sdk::ok();
}

sdk::Result<json> QmpClient::readMessage(Clock::time_point deadline, bool timeoutBreaks) {
  while (true) {
    const std::size_t newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      try {
        return json::parse(line);
      } catch (const std::exception& e) {
        return broken(Error{ErrorCode::kFault,
                            std::string("QMP: malformed message from the peer: ") + e.what()});
      }
    }
    pollfd pfd{fd_, POLLIN, 0};
    const int left = msLeft(deadline);
    const int ready = left == 0 ? 0 : ::poll(&pfd, 1, left);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      Error timedOut{ErrorCode::kFault, "QMP: timed out waiting for the peer"};
      return timeoutBreaks ? broken(std::move(timedOut)) : timedOut;
    }
    char chunk[8192];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n > 0) {
      buffer_.append(chunk, static_cast<std::size_t>(n));
    } else if (n == 0) {
      return broken(Error{ErrorCode::kFault, "QMP: the peer closed the connection"});
    } else if (errno != EAGAIN && errno != EINTR) {
      return broken(Error{ErrorCode::kFault, "QMP: read failed: " + errnoText(errno)});
    }
  }
}

sdk::Result<json> QmpClient::execute(std::string_view command, Millis timeout) {
  return execute(command, json(nullptr), timeout);
}

sdk::Result<json> QmpClient::execute(std::string_view command, const json& arguments,
                                     Millis timeout) {
  const std::string name(command);
  if (broken_) {
    return Error{ErrorCode::kFault, "QMP: connection unusable after an earlier failure"};
  }
  const auto deadline = Clock::now() + timeout;
  const std::uint64_t id = nextId_++;
  json request = {{"execute", name}, {"id", id}};
  if (!arguments.is_null()) request["arguments"] = arguments;
  // Invalid UTF-8 (say, in a path) is replaced rather than thrown about.
  const std::string line =
      request.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  if (auto sent = writeAll(line, deadline); !sent) {
    return Error{sent.error().code, name + ": " + sent.error().message};
  }
  while (true) {
    auto message = readMessage(deadline);
    if (!message) return Error{message.error().code, name + ": " + message.error().message};
    if (!message->is_object()) continue;
    if (message->contains("event")) {
      QmpEvent event;
      event.name = (*message)["event"].is_string() ? (*message)["event"].get<std::string>() : "";
      event.data = message->contains("data")
                       ? (*message)["data"].dump(-1, ' ', false, json::error_handler_t::replace)
                       : "{}";
      events_.push_back(std::move(event));
      continue;
    }
    // Replies to other ids cannot happen on a connection only we use;
    // skip them rather than mistake them for ours.
    if (message->contains("id") && (*message)["id"] != json(id)) continue;
    if (message->contains("return")) return (*message)["return"];
    if (message->contains("error")) {
      const json& err = (*message)["error"];
      std::string errorClass = "Error", desc = "unknown error";
      if (err.is_object() && err.contains("class") && err["class"].is_string()) {
        errorClass = err["class"].get<std::string>();
      }
      if (err.is_object() && err.contains("desc") && err["desc"].is_string()) {
        desc = err["desc"].get<std::string>();
      }
      return Error{ErrorCode::kFault, name + ": " + errorClass + ": " + desc};
    }
  }
}

sdk::Result<QmpEvent> QmpClient::waitEvent(std::string_view name, Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    for (auto it = events_.begin(); it != events_.end(); ++it) {
      if (it->name == name) {
        QmpEvent event = std::move(*it);
        events_.erase(it);
        return event;
      }
    }
    if (broken_) {
      return Error{ErrorCode::kFault, "QMP: connection unusable after an earlier failure"};
    }
    // Nothing is owed to us while waiting for an event, so a timeout here
    // leaves the stream in step.
    auto message = readMessage(deadline, false);
    if (!message) {
      return Error{message.error().code, "waiting for event " + std::string(name) + ": " +
                                             message.error().message};
    }
    if (message->is_object() && message->contains("event")) {
      QmpEvent event;
      event.name = (*message)["event"].is_string() ? (*message)["event"].get<std::string>() : "";
      event.data = message->contains("data")
                       ? (*message)["data"].dump(-1, ' ', false, json::error_handler_t::replace)
                       : "{}";
      events_.push_back(std::move(event));
    }
  }
}

std::vector<QmpEvent> QmpClient::takeEvents() {
  std::vector<QmpEvent> out(events_.begin(), events_.end());
  events_.clear();
  return out;
}

}  // namespace gantry::plugins::kvm
