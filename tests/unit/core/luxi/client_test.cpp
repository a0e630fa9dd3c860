#include "core/luxi/client.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "core/luxi/cli_errors.h"
#include "core/luxi/dispatch.h"
#include "core/luxi/framing.h"

namespace luxi = gantry::core::luxi;
using luxi::Json;

namespace {

// A unix-socket server in a thread: runs `session` for each of up to
// `connections` accepted connections, one after the other.
class TestServer {
 public:
  using Session = std::function<void(int fd)>;

  TestServer(int connections, Session session, bool listen = true)
      : session_(std::move(session)) {
    char dirTemplate[] = "/tmp/gluxi-XXXXXX";
    dir_ = ::mkdtemp(dirTemplate);
    path_ = dir_ + "/sock";
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof(addr.sun_path) - 1);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    if (!listen) return;
    EXPECT_EQ(::listen(fd_, 4), 0);
    thread_ = std::thread([this, connections] {
      for (int i = 0; i < connections; ++i) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 5000) <= 0) return;
        int conn = ::accept(fd_, nullptr, nullptr);
        if (conn < 0) return;
        session_(conn);
        ::close(conn);
      }
    });
  }

  ~TestServer() {
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
    std::filesystem::remove_all(dir_);
  }

  const std::string& path() const { return path_; }

 private:
  Session session_;
  std::string dir_;
  std::string path_;
  int fd_ = -1;
  std::thread thread_;
};

// Reads one framed message; nullopt when the peer closed.
std::optional<std::string> readMessage(int fd, luxi::MessageReader& reader) {
  char buf[4096];
  while (true) {
    if (auto m = reader.next()) return m;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return std::nullopt;
    reader.feed(std::string_view(buf, static_cast<std::size_t>(n)));
  }
}

void writeAll(int fd, const std::string& bytes) {
  ASSERT_EQ(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(bytes.size()));
}

// Serves requests with handleMessage until the client closes.
TestServer::Session serving(luxi::RequestHandler handler,
                            std::vector<std::string>* seen = nullptr) {
  return [handler, seen](int fd) {
    luxi::MessageReader reader;
    while (auto message = readMessage(fd, reader)) {
      if (seen) seen->push_back(*message);
      writeAll(fd, luxi::frameMessage(luxi::handleMessage(*message, handler)));
    }
  };
}

luxi::ClientOptions optionsFor(const std::string& path) {
  luxi::ClientOptions options;
  options.socketPath = path;
  options.ioTimeout = std::chrono::seconds(5);
  return options;
}

luxi::EncodedError callError(luxi::Client& client, const std::string& method,
                             Json args) {
  try {
    client.call(method, std::move(args));
  } catch (const luxi::EncodedError& e) {
    return e;
  }
  ADD_FAILURE() << method << " did not fail";
  return luxi::genericError("no error");
}

}  // namespace

TEST(Client, RequestsAndResponsesOnOneConnection) {
  std::vector<std::string> seen;
  TestServer server(
      1,
      serving(
          [](luxi::Method method, const luxi::Request& request) -> Json {
            if (method == luxi::Method::kQueryConfigValues) {
              return Json::array({false});
            }
            if (method == luxi::Method::kSubmitJob) return 2093;
            if (method == luxi::Method::kCancelJob) {
              return Json::array({true, "Dequeued job " +
                                            request.args[0].dump()});
            }
            return Json();
          },
          &seen));
  luxi::Client client(optionsFor(server.path()));
  EXPECT_EQ(client.queryConfigValues({"drain_flag"}), Json::array({false}));
  EXPECT_EQ(client.submitJob(Json::parse(R"([{"OP_ID": "OP_TEST_DELAY", "reason": []}])")),
            2093);
  auto [ok, message] = client.cancelJob(5);
  EXPECT_TRUE(ok);
  EXPECT_EQ(message, "Dequeued job 5");
  client.close();

  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0],
            "{\"method\": \"QueryConfigValues\", \"args\": [[\"drain_flag\"]], "
            "\"version\": 3010000}\n");
  EXPECT_EQ(seen[2],
            "{\"method\": \"CancelJob\", \"args\": [5, false], \"version\": "
            "3010000}\n");
}

TEST(Client, HelperArgumentShapes) {
  std::vector<std::string> seen;
  TestServer server(1, serving([](luxi::Method, const luxi::Request& r) {
                      return r.args;
                    }, &seen));
  luxi::Client client(optionsFor(server.path()));
  EXPECT_EQ(client.autoArchiveJobs(86400), Json::parse("[86400, 89]"));
  EXPECT_EQ(client.waitForJobChange("42", {"status"}, Json(), Json(), 600),
            Json::parse(R"(["42", ["status"], null, null, 89])"));
  EXPECT_EQ(client.queryFields("node", {}), Json::parse(R"(["node", null])"));
  EXPECT_EQ(client.query("job", {"id"}, Json::parse(R"(["|", ["==", "id", 29]])")),
            Json::parse(R"(["job", ["id"], ["|", ["==", "id", 29]]])"));
  EXPECT_EQ(client.setWatcherPause(std::nullopt), Json::parse("[null]"));
  EXPECT_EQ(client.queryTags("cluster", ""), Json::parse(R"(["cluster", ""])"));
  EXPECT_EQ(client.queryJobs(Json(), {"id"}), Json::parse(R"([null, ["id"]])"));
  EXPECT_EQ(client.setDrainFlag(true), Json::parse("[true]"));
}

TEST(Client, ServerErrorsAreThrownTyped) {
  TestServer server(1, serving([](luxi::Method method,
                                  const luxi::Request&) -> Json {
    if (method == luxi::Method::kQuery) {
      throw luxi::opPrereqError("Node name nosuch not found",
                                luxi::kEcodeNoEnt);
    }
    throw luxi::genericError("Queue drained");
  }));
  luxi::Client client(optionsFor(server.path()));
  auto prereq = callError(
      client, "Query",
      Json::parse(R"(["node", ["name"], ["|", ["==", "name", "nosuch"]]])"));
  EXPECT_EQ(prereq.className(), "OpPrereqError");
  EXPECT_EQ(luxi::formatCliError(prereq).text,
            "Failure: prerequisites not met for this operation:\nerror type: "
            "unknown_entity, error details:\nNode name nosuch not found");

  auto drained = callError(client, "SubmitJob",
                           Json::parse(R"([[{"OP_ID": "OP_TEST_DELAY"}]])"));
  EXPECT_EQ(luxi::formatCliError(drained).text,
            "Unhandled Ganeti error: Queue drained");

  // Parse failures come back as plain strings: RequestError.
  auto parse = callError(client, "Query", Json::parse(R"(["node"])"));
  EXPECT_EQ(parse.className(), "RequestError");
  EXPECT_STREQ(parse.what(),
               "Failed to parse request: Cannot convert value '[\"node\"]', "
               "error: Unable to read Triple");
}

TEST(Client, MissingSocketIsNoMasterError) {
  luxi::ClientOptions options;
  options.socketPath = "/tmp/gluxi-does-not-exist/sock";
  luxi::Client client(options);
  auto error = callError(client, "QueryClusterInfo", Json::array());
  EXPECT_EQ(error.className(), "NoMasterError");
  EXPECT_EQ(luxi::formatCliError(error).text,
            "Cannot communicate with the master daemon.\nIs the process "
            "running and listening for connections?");
}

TEST(Client, RefusedSocketIsNoMasterError) {
  TestServer server(0, nullptr, /*listen=*/false);  // bound, not listening
  luxi::Client client(optionsFor(server.path()));
  EXPECT_EQ(callError(client, "QueryClusterInfo", Json::array()).className(),
            "NoMasterError");
}

TEST(Client, ConnectRetryEndsInTimeout) {
  luxi::ClientOptions options;
  options.socketPath = "/tmp/gluxi-does-not-exist/sock";
  options.connectTimeout = std::chrono::milliseconds(1);
  luxi::Client client(options);
  auto error = callError(client, "QueryClusterInfo", Json::array());
  EXPECT_EQ(error.className(), "TimeoutError");
  EXPECT_STREQ(error.what(), "Connect timed out");
}

TEST(Client, ReceiveTimeout) {
  TestServer server(1, [](int fd) {
    // Never answers; waits for the client to give up and close.
    char buf[256];
    while (::recv(fd, buf, sizeof buf, 0) > 0) {
    }
  });
  auto options = optionsFor(server.path());
  options.ioTimeout = std::chrono::milliseconds(50);
  luxi::Client client(options);
  auto error = callError(client, "QueryClusterInfo", Json::array());
  EXPECT_EQ(error.className(), "TimeoutError");
  EXPECT_STREQ(error.what(), "Receive timeout");
  EXPECT_FALSE(client.connected());
}

TEST(Client, ClosedWithoutAnswer) {
  TestServer server(1, [](int fd) {
    luxi::MessageReader reader;
    readMessage(fd, reader);  // read the request, then hang up
  });
  luxi::Client client(optionsFor(server.path()));
  auto error = callError(client, "QueryClusterInfo", Json::array());
  EXPECT_EQ(error.className(), "ConnectionClosedError");
  EXPECT_TRUE(error.isA("ProtocolError"));
}

TEST(Client, ReconnectsOnceAfterIdleClose) {
  int served = 0;
  TestServer server(2, [&served](int fd) {
    // Each connection answers one request, then the server closes it.
    luxi::MessageReader reader;
    if (readMessage(fd, reader)) {
      ++served;
      writeAll(fd, luxi::frameMessage(luxi::encodeResponse(
                       {true, Json(served), std::nullopt})));
    }
  });
  luxi::Client client(optionsFor(server.path()));
  EXPECT_EQ(client.call("QueryClusterInfo", Json::array()), Json(1));
  EXPECT_EQ(client.call("QueryClusterInfo", Json::array()), Json(2));
}

TEST(Client, OversizeResponseIsProtocolError) {
  TestServer server(1, [](int fd) {
    luxi::MessageReader reader;
    if (readMessage(fd, reader)) {
      writeAll(fd, luxi::frameMessage(luxi::encodeResponse(
                       {true, Json(std::string(1000, 'x')), std::nullopt})));
    }
  });
  auto options = optionsFor(server.path());
  options.maxMessageSize = 100;
  luxi::Client client(options);
  auto error = callError(client, "QueryClusterInfo", Json::array());
  EXPECT_EQ(error.className(), "ProtocolError");
  EXPECT_STREQ(error.what(),
               "Message too long: more than 100 bytes without a terminator");
}
