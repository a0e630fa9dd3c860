#include "fake_records.h"

#include <charconv>
#include <map>

namespace gantry::plugins::fake {
namespace {

using State = sdk::MigrationStatus::State;

constexpr std::string_view kPayloadMagic = "fake-migration 1";

// "key=value" lines, each key once; nullopt for anything else.
std::optional<std::map<std::string, std::string, std::less<>>> parseLines(
    std::string_view text) {
  std::map<std::string, std::string, std::less<>> values;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;  // every line ends
    const std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    const auto eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0) return std::nullopt;
    if (!values.emplace(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)))
             .second) {
      return std::nullopt;
    }
  }
  return values;
}

template <typename Map>
std::optional<std::int64_t> number(const Map& values, std::string_view key) {
  auto it = values.find(key);
  if (it == values.end()) return std::nullopt;
  std::int64_t n = 0;
  const std::string& s = it->second;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return n;
}

template <typename Map>
std::optional<bool> flag(const Map& values, std::string_view key) {
  auto n = number(values, key);
  if (!n || (*n != 0 && *n != 1)) return std::nullopt;
  return *n == 1;
}

std::optional<State> stateNamed(std::string_view name) {
  for (State s : {State::kActive, State::kCompleted, State::kFailed, State::kCancelled}) {
    if (name == migrationStateName(s)) return s;
  }
  return std::nullopt;
}

bool oneLine(const std::string& s) { return s.find('\n') == std::string::npos; }

}  // namespace

const char* migrationStateName(State state) {
  switch (state) {
    case State::kActive: return "active";
    case State::kCompleted: return "completed";
    case State::kFailed: return "failed";
    case State::kCancelled: return "cancelled";
  }
  return "failed";
}

std::string formatExtras(const InstanceExtras& extras) {
  return "paused=" + std::string(extras.paused ? "1" : "0") +
         "\nboots=" + std::to_string(extras.boots) + "\n";
}

std::optional<InstanceExtras> parseExtras(std::string_view text) {
  auto values = parseLines(text);
  if (!values || values->size() != 2) return std::nullopt;
  auto paused = flag(*values, "paused");
  auto boots = number(*values, "boots");
  if (!paused || !boots || *boots < 0) return std::nullopt;
  return InstanceExtras{*paused, *boots};
}

std::string formatPayload(const MigrationPayload& p) {
  return std::string(kPayloadMagic) + "\nname=" + p.name +
         "\nmemory=" + std::to_string(p.memoryMiB) + "\nvcpus=" + std::to_string(p.vcpus) +
         "\nboots=" + std::to_string(p.boots) + "\n";
}

std::optional<MigrationPayload> parsePayload(std::string_view text) {
  if (text.substr(0, kPayloadMagic.size()) != kPayloadMagic ||
      text.substr(kPayloadMagic.size(), 1) != "\n") {
    return std::nullopt;
  }
  auto values = parseLines(text.substr(kPayloadMagic.size() + 1));
  if (!values || values->size() != 4) return std::nullopt;
  auto name = values->find("name");
  auto memory = number(*values, "memory");
  auto vcpus = number(*values, "vcpus");
  auto boots = number(*values, "boots");
  if (name == values->end() || !memory || !vcpus || !boots || *memory <= 0 || *vcpus <= 0) {
    return std::nullopt;
  }
  return MigrationPayload{name->second, *memory, *vcpus, *boots};
}

std::string formatOutgoing(const OutgoingMigration& o) {
  // A message is one line: the record stays one key per line.
  std::string message = o.message;
  for (char& c : message) {
    if (c == '\n') c = ' ';
  }
  return "target=" + o.target + "\nlive=" + (o.live ? "1" : "0") +
         "\nstatus=" + migrationStateName(o.state) +
         "\nmemory=" + std::to_string(o.memoryMiB) + "\nmessage=" + message + "\n";
}

std::optional<OutgoingMigration> parseOutgoing(std::string_view text) {
  auto values = parseLines(text);
  if (!values || values->size() != 5) return std::nullopt;
  auto target = values->find("target");
  auto live = flag(*values, "live");
  auto status = values->find("status");
  auto memory = number(*values, "memory");
  auto message = values->find("message");
  if (target == values->end() || !live || status == values->end() || !memory ||
      message == values->end()) {
    return std::nullopt;
  }
  auto state = stateNamed(status->second);
  if (!state || !oneLine(target->second)) return std::nullopt;
  return OutgoingMigration{target->second, *live, *state, *memory, message->second};
}

}  // namespace gantry::plugins::fake
