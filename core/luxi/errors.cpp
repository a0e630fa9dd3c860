#include "core/luxi/errors.h"

#include <array>
#include <utility>

namespace gantry::core::luxi {
namespace {

struct ClassEntry {
  std::string_view name;
  std::string_view parent;
  bool wire;  // defined in lib/errors.py, so clients re-raise it
};

// Ganeti's exception tree (lib/errors.py, lib/rpc/errors.py).
constexpr std::array kClasses{
    ClassEntry{"GenericError", "", true},
    ClassEntry{"LockError", "GenericError", true},
    ClassEntry{"PidFileLockError", "LockError", true},
    ClassEntry{"HypervisorError", "GenericError", true},
    ClassEntry{"HotplugError", "HypervisorError", true},
    ClassEntry{"ProgrammerError", "GenericError", true},
    ClassEntry{"BlockDeviceError", "GenericError", true},
    ClassEntry{"ConfigurationError", "GenericError", true},
    ClassEntry{"ConfigVersionMismatch", "ConfigurationError", true},
    ClassEntry{"ConfigVerifyError", "ConfigurationError", true},
    ClassEntry{"AddressPoolError", "GenericError", true},
    ClassEntry{"ReservationError", "GenericError", true},
    ClassEntry{"RemoteError", "GenericError", true},
    ClassEntry{"SignatureError", "GenericError", true},
    ClassEntry{"ParameterError", "GenericError", true},
    ClassEntry{"ResultValidationError", "GenericError", true},
    ClassEntry{"OpPrereqError", "GenericError", true},
    ClassEntry{"OpExecError", "GenericError", true},
    ClassEntry{"OpResultError", "GenericError", true},
    ClassEntry{"OpRetryNotSupportedError", "GenericError", true},
    ClassEntry{"DeviceCreationError", "GenericError", true},
    ClassEntry{"OpCodeUnknown", "GenericError", true},
    ClassEntry{"JobLost", "GenericError", true},
    ClassEntry{"JobCanceled", "GenericError", true},
    ClassEntry{"JobFileCorrupted", "GenericError", true},
    ClassEntry{"ResolverError", "GenericError", true},
    ClassEntry{"HooksFailure", "GenericError", true},
    ClassEntry{"HooksAbort", "HooksFailure", true},
    ClassEntry{"UnitParseError", "GenericError", true},
    ClassEntry{"ParseError", "GenericError", true},
    ClassEntry{"TypeEnforcementError", "GenericError", true},
    ClassEntry{"X509CertError", "GenericError", true},
    ClassEntry{"TagError", "GenericError", true},
    ClassEntry{"CommandError", "GenericError", true},
    ClassEntry{"StorageError", "GenericError", true},
    ClassEntry{"InotifyError", "GenericError", true},
    ClassEntry{"JobQueueError", "GenericError", true},
    ClassEntry{"JobQueueDrainError", "JobQueueError", true},
    ClassEntry{"JobQueueFull", "JobQueueError", true},
    ClassEntry{"ConfdMagicError", "GenericError", true},
    ClassEntry{"ConfdClientError", "GenericError", true},
    ClassEntry{"UdpDataSizeError", "GenericError", true},
    ClassEntry{"NoCtypesError", "GenericError", true},
    ClassEntry{"IPAddressError", "GenericError", true},
    ClassEntry{"LuxiError", "GenericError", true},
    ClassEntry{"QueryFilterParseError", "ParseError", true},
    ClassEntry{"RapiTestResult", "GenericError", true},
    ClassEntry{"FileStoragePathError", "GenericError", true},
    ClassEntry{"SshUpdateError", "GenericError", true},
    // Transport errors of the client; never decoded from a response.
    ClassEntry{"ProtocolError", "LuxiError", false},
    ClassEntry{"ConnectionClosedError", "ProtocolError", false},
    ClassEntry{"TimeoutError", "ProtocolError", false},
    ClassEntry{"RequestError", "ProtocolError", false},
    ClassEntry{"NoMasterError", "ProtocolError", false},
    ClassEntry{"PermissionError", "ProtocolError", false},
};

const ClassEntry* findClass(std::string_view name) {
  for (const auto& entry : kClasses) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

Json normalizeArgs(Json args) {
  if (args.is_array()) return args;
  if (args.is_null()) return Json::array();
  return Json::array({std::move(args)});
}

EncodedError make(std::string_view cls, std::string message) {
  return EncodedError(std::string(cls), Json::array({std::move(message)}));
}

}  // namespace

std::string pythonExceptionStr(const Json& args) {
  if (!args.is_array()) return pythonStr(args);
  if (args.empty()) return "";
  if (args.size() == 1) return pythonStr(args[0]);
  std::string out = "(";
  bool first = true;
  for (const auto& arg : args) {
    if (!first) out += ", ";
    first = false;
    out += pythonRepr(arg);
  }
  return out + ")";
}

EncodedError::EncodedError(std::string className, Json args)
    : std::runtime_error(pythonExceptionStr(normalizeArgs(args))),
      className_(std::move(className)),
      args_(normalizeArgs(std::move(args))) {}

std::string EncodedError::firstArg() const {
  if (!args_.empty() && args_[0].is_string()) {
    return args_[0].get<std::string>();
  }
  return "";
}

bool EncodedError::isA(std::string_view base) const {
  std::string_view current = className_;
  while (!current.empty()) {
    if (current == base) return true;
    current = parentClass(current);
  }
  return false;
}

Json EncodedError::encode() const { return Json::array({className_, args_}); }

std::optional<EncodedError> EncodedError::decode(const Json& value) {
  if (!value.is_array() || value.size() != 2 || !value[0].is_string() ||
      !value[1].is_array()) {
    return std::nullopt;
  }
  const auto& name = value[0].get_ref<const std::string&>();
  if (!isWireErrorClass(name)) return std::nullopt;
  return EncodedError(name, value[1]);
}

std::string_view parentClass(std::string_view className) {
  const ClassEntry* entry = findClass(className);
  return entry ? entry->parent : std::string_view{};
}

bool isWireErrorClass(std::string_view className) {
  const ClassEntry* entry = findClass(className);
  return entry != nullptr && entry->wire;
}

EncodedError opPrereqError(std::string message, std::string_view ecode) {
  return EncodedError("OpPrereqError",
                      Json::array({std::move(message), std::string(ecode)}));
}
EncodedError opExecError(std::string message) {
  return make("OpExecError", std::move(message));
}
EncodedError genericError(std::string message) {
  return make("GenericError", std::move(message));
}
EncodedError parameterError(std::string message) {
  return make("ParameterError", std::move(message));
}
EncodedError programmerError(std::string message) {
  return make("ProgrammerError", std::move(message));
}
EncodedError configurationError(std::string message) {
  return make("ConfigurationError", std::move(message));
}
EncodedError jobLost(std::string message) {
  return make("JobLost", std::move(message));
}
EncodedError luxiError(std::string message) {
  return make("LuxiError", std::move(message));
}
EncodedError jobQueueFull() {
  return EncodedError("JobQueueFull", Json::array());
}
EncodedError jobQueueDrainError() {
  return EncodedError("JobQueueDrainError", Json::array());
}
EncodedError queryFilterParseError(std::string message) {
  return make("QueryFilterParseError", std::move(message));
}
EncodedError noMasterError(std::string socketPath) {
  return make("NoMasterError", std::move(socketPath));
}
EncodedError timeoutError(std::string message) {
  return make("TimeoutError", std::move(message));
}
EncodedError permissionError(std::string socketPath) {
  return make("PermissionError", std::move(socketPath));
}
EncodedError protocolError(std::string message) {
  return make("ProtocolError", std::move(message));
}
EncodedError connectionClosedError(std::string message) {
  return make("ConnectionClosedError", std::move(message));
}
EncodedError requestError(Json result) {
  return EncodedError("RequestError", Json::array({std::move(result)}));
}

}  // namespace gantry::core::luxi
