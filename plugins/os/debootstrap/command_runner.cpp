#include "command_runner.h"

namespace gantry::plugins::os_debootstrap {
namespace {

// How much of a failed command's output its error quotes.
constexpr std::size_t kQuotedLines = 20;

std::string lastLines(const std::string& text, std::size_t count) {
  std::size_t at = text.size();
  while (at > 0 && (text[at - 1] == '\n')) --at;
  std::size_t found = 0;
  while (at > 0 && found < count) {
    at = text.rfind('\n', at - 1);
    if (at == std::string::npos) return text;
    ++found;
  }
  return text.substr(at == 0 ? 0 : at + 1);
}

std::string commandLine(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& word : argv) line += (line.empty() ? "" : " ") + word;
  return line;
}

}  // namespace

std::string trimmedOutput(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

sdk::Result<std::string> CommandRunner::run(const std::vector<std::string>& argv,
                                            std::chrono::milliseconds timeout,
                                            const std::string& stdinData) {
  sdk::ProcessRequest request;
  request.argv = argv;
  request.inheritEnv = true;
  request.env = {{"LC_ALL", "C"}, {"DEBIAN_FRONTEND", "noninteractive"}};
  request.timeout = timeout;
  request.stdinData = stdinData;
  transcript_ += "# " + commandLine(argv) + "\n";
  auto result = host_.runProcess(request);
  if (!result) {
    return sdk::Error{sdk::ErrorCode::kEnvironment,
                      "Cannot run " + argv.front() + ": " + result.error().message};
  }
  transcript_ += result->out + result->err;
  if (!result->succeeded()) {
    return sdk::Error{sdk::ErrorCode::kEnvironment,
                      commandLine(argv) + " failed (" + result->failReason() + "):\n" +
                          lastLines(result->out + result->err, kQuotedLines)};
  }
  return result->out;
}

void CommandRunner::runQuietly(const std::vector<std::string>& argv) {
  if (auto ran = run(argv, std::chrono::minutes(1)); !ran) {
    host_.log(sdk::LogLevel::kWarning, ran.error().message);
  }
}

}  // namespace gantry::plugins::os_debootstrap
