// The words for failed commands: quoting for display, exit reasons, output
// tails.
#include <algorithm>
#include <fstream>

#include "core/util/process.h"

namespace gantry::core::util {

using std::chrono::milliseconds;

std::string formatCommand(const std::vector<std::string>& argv) {
  auto plain = [](const std::string& arg) {
    return !arg.empty() && std::all_of(arg.begin(), arg.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
             (c >= '0' && c <= '9') || c == '-' || c == '.' || c == ',' ||
             c == '=' || c == ':' || c == '/' || c == '_' || c == '+' || c == '@';
    });
  };
  std::string out;
  for (const auto& arg : argv) {
    if (!out.empty()) out += ' ';
    if (plain(arg)) {
      out += arg;
      continue;
    }
    out += '\'';
    for (char c : arg) {
      if (c == '\'') {
        out += "'\\''";
      } else {
        out += c;
      }
    }
    out += '\'';
  }
  return out;
}

std::string formatDuration(milliseconds duration) {
  if (duration.count() % 1000 == 0) {
    return std::to_string(duration.count() / 1000) + "s";
  }
  return std::to_string(duration.count()) + "ms";
}

std::string exitReason(const ProcessResult& result,
                       std::optional<milliseconds> timeout) {
  if (result.timedOut) {
    return timeout ? "timed out after " + formatDuration(*timeout) : "timed out";
  }
  if (result.signal != 0) {
    return "terminated by signal " + std::to_string(result.signal);
  }
  if (result.exitCode != 0) {
    return "exited with exit code " + std::to_string(result.exitCode);
  }
  return "";
}

std::string lastLines(std::string_view text, std::size_t count) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (count == 0 || text.empty()) return "";
  std::size_t pos = text.size();
  std::size_t lines = 0;
  while (pos > 0) {
    const std::size_t nl = text.rfind('\n', pos - 1);
    if (nl == std::string_view::npos) return std::string(text);
    if (++lines == count) return std::string(text.substr(nl + 1));
    pos = nl;
  }
  return std::string(text);
}

std::string lastFileLines(const std::filesystem::path& file, std::size_t count) {
  // Enough for the tail of a log without reading a large one whole.
  constexpr std::streamoff kTailBytes = 64 * 1024;
  std::ifstream in(file, std::ios::binary);
  if (!in) return "";
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  const std::streamoff from = std::max<std::streamoff>(0, size - kTailBytes);
  in.seekg(from);
  std::string data(static_cast<std::size_t>(size - from), '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<std::size_t>(in.gcount()));
  return lastLines(data, count);
}

std::string describeFailure(const ProcessSpec& spec, const ProcessResult& result,
                            std::size_t tailLines) {
  std::string message = "Command '" + formatCommand(spec.argv) + "' failed (" +
                        exitReason(result, spec.timeout) + ")";
  if (spec.outputFile) {
    const std::string tail = lastFileLines(*spec.outputFile, tailLines);
    if (!tail.empty()) message += ", last lines in the log file:\n" + tail;
  } else {
    std::string output = result.out;
    if (!output.empty() && output.back() != '\n') output += '\n';
    output += result.err;
    const std::string tail = lastLines(output, tailLines);
    if (!tail.empty()) message += ", last lines of output:\n" + tail;
  }
  return message;
}

}  // namespace gantry::core::util
