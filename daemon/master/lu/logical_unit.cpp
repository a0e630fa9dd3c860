#include "daemon/master/lu/logical_unit.h"

#include <mutex>
#include <unordered_map>

#include "daemon/master/cluster/config_helpers.h"
#include "core/opcodes/implemented.h"
#include "core/util/log.h"

namespace gantry::daemon::master {
namespace {

std::mutex& registryMutex() {
  static std::mutex m;
  return m;
}
std::unordered_map<std::string, LuFactory>& registry() {
  static std::unordered_map<std::string, LuFactory> r;
  return r;
}

}  // namespace

void Feedback::message(const std::string& text) { op_.feedback(text); }

void Feedback::info(const std::string& text) {
  op_.feedback(core::util::feedbackMessage(core::util::FeedbackKind::kInfo, text));
}

void Feedback::warning(const std::string& text, const std::string& hint) {
  std::vector<std::string> lines = {
      core::util::feedbackMessage(core::util::FeedbackKind::kWarning, text)};
  if (!hint.empty()) {
    lines.push_back(core::util::feedbackMessage(core::util::FeedbackKind::kHint, hint));
  }
  op_.feedbackList(lines);
}

void Feedback::step(int current, int total, const std::string& text) {
  op_.feedback(core::util::stepMessage(current, total, text));
}

HooksNodes LogicalUnit::hooksNodes() const {
  const std::string master = masterNodeName();
  if (master.empty()) return {};
  return {{master}, {master}};
}

std::string LogicalUnit::masterNodeName() const {
  return gantry::daemon::master::masterNodeName(services);
}

void registerLogicalUnit(const std::string& opId, LuFactory factory) {
  std::lock_guard lock(registryMutex());
  registry()[opId] = std::move(factory);
  (void)core::opcodes::registerImplemented(opId);
}

const LuFactory* findLogicalUnit(const std::string& opId) {
  std::lock_guard lock(registryMutex());
  auto it = registry().find(opId);
  return it == registry().end() ? nullptr : &it->second;
}

}  // namespace gantry::daemon::master
