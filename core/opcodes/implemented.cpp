#include "core/opcodes/implemented.h"

#include <mutex>
#include <set>

#include "core/opcodes/definitions.h"

namespace gantry::core::opcodes {
namespace {

struct Registry {
  std::mutex mutex;
  std::set<std::string, std::less<>> ids;
};

Registry& registry() {
  static Registry kRegistry;
  return kRegistry;
}

}  // namespace

sdk::Result<void> registerImplemented(std::string_view op_id) {
  if (!catalog().find(op_id)) {
    return sdk::Error(sdk::ErrorCode::kInvalid,
                      "Cannot register unknown opcode " + std::string(op_id));
  }
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  r.ids.emplace(op_id);
  return sdk::ok();
}

bool isImplemented(std::string_view op_id) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  return r.ids.find(op_id) != r.ids.end();
}

std::vector<std::string> implementedOpcodes() {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  return {r.ids.begin(), r.ids.end()};
}

void clearImplemented() {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  r.ids.clear();
}

std::string notImplementedMessage(std::string_view op_id) {
  return "Opcode " + std::string(op_id) + " is not implemented yet";
}

sdk::Error notImplementedError(std::string_view op_id) {
  return sdk::Error(sdk::ErrorCode::kInvalid, notImplementedMessage(op_id));
}

}  // namespace gantry::core::opcodes
