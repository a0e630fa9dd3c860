#include "core/luxi/request_args.h"

#include <array>
#include <cctype>
#include <cmath>
#include <stdexcept>

namespace gantry::core::luxi {
namespace {

[[noreturn]] void cannotConvert(const Json& value, const std::string& reason) {
  throw RequestParseError("Cannot convert value '" + haskellPretty(value) +
                          "', error: " + reason);
}

void needArray(const Json& args, std::size_t size, const char* what) {
  if (!args.is_array() || args.size() != size) cannotConvert(args, what);
}

// `[x] <- fromJVal args`: a list of exactly one element.
void needSingle(const Json& args) {
  if (!args.is_array()) cannotConvert(args, "Unable to read list");
  if (args.size() != 1) {
    cannotConvert(args, "Unable to read a list of one element");
  }
}

std::vector<std::string> stringList(const Json& whole, const Json& value) {
  if (!value.is_array()) cannotConvert(whole, "Unable to read list");
  std::vector<std::string> out;
  for (const auto& item : value) {
    if (!item.is_string()) cannotConvert(whole, "Unable to read String");
    out.push_back(item.get<std::string>());
  }
  return out;
}

void needString(const Json& whole, const Json& value) {
  if (!value.is_string()) cannotConvert(whole, "Unable to read String");
}

void needBool(const Json& whole, const Json& value) {
  if (!value.is_boolean()) cannotConvert(whole, "Unable to read Bool");
}

void needInt(const Json& whole, const Json& value) {
  if (!value.is_number()) cannotConvert(whole, "Unable to read Int");
}

std::int64_t jobIdOr(const Json& whole, const Json& value) {
  try {
    return parseJobIdArg(value);
  } catch (const std::invalid_argument& e) {
    cannotConvert(whole, e.what());
  }
}

void checkOpcodes(std::string_view method, const Json& ops) {
  if (!ops.is_array()) cannotConvert(ops, "Unable to read list");
  for (const auto& op : ops) {
    if (!op.is_object()) {
      throw RequestParseError(std::string(method) +
                              ": Unable to read JSObject");
    }
  }
}

constexpr std::array kOpcodeResources{"cluster", "instance", "node", "group",
                                      "os",      "export",   "network"};
constexpr std::array kLuxiResources{"lock", "job", "filter"};

std::string checkResource(const Json& whole, const Json& what) {
  if (!what.is_string()) {
    cannotConvert(whole, "Invalid value '" + haskellPretty(what) +
                             "'for query type");
  }
  auto name = what.get<std::string>();
  if (!isQueryResource(name)) {
    cannotConvert(whole, "Can't parse value '" + name +
                             "' as neitherQueryTypeLuxi nor QueryTypeOp");
  }
  return name;
}

}  // namespace

bool isQueryResource(std::string_view what) {
  for (std::string_view r : kOpcodeResources) {
    if (r == what) return true;
  }
  for (std::string_view r : kLuxiResources) {
    if (r == what) return true;
  }
  return false;
}

std::int64_t parseJobIdArg(const Json& value) {
  std::int64_t id = 0;
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    std::size_t i = (!text.empty() && text[0] == '-') ? 1 : 0;
    bool ok = i < text.size() && text.size() - i <= 18;
    for (std::size_t k = i; ok && k < text.size(); ++k) {
      ok = std::isdigit(static_cast<unsigned char>(text[k])) != 0;
    }
    if (!ok) {
      throw std::invalid_argument("parsing job id: cannot parse string '" +
                                  text + "'");
    }
    id = std::stoll(text);
  } else if (value.is_number_integer()) {
    id = value.get<std::int64_t>();
  } else if (value.is_number_float()) {
    double d = value.get<double>();
    if (d != std::trunc(d)) {
      throw std::invalid_argument(
          "Got fractional job ID from master daemon?! Value:" +
          haskellShowRational(value));
    }
    id = static_cast<std::int64_t>(d);
  } else {
    throw std::invalid_argument("Wrong type/value for job id: " +
                                haskellPretty(value));
  }
  if (id < 0) {
    throw std::invalid_argument("Invalid value for job ID ' " +
                                std::to_string(id) + "'");
  }
  return id;
}

QueryArgs decodeQueryArgs(const Json& args) {
  needArray(args, 3, "Unable to read Triple");
  QueryArgs out;
  out.what = checkResource(args, args[0]);
  out.fields = stringList(args, args[1]);
  try {
    out.filter = query::parseFilter(args[2]);
  } catch (const query::FilterParseError& e) {
    cannotConvert(args, e.what());
  }
  return out;
}

QueryFieldsArgs decodeQueryFieldsArgs(const Json& args) {
  needArray(args, 2, "Unable to read Pair");
  QueryFieldsArgs out;
  out.what = checkResource(args, args[0]);
  if (!args[1].is_null()) out.fields = stringList(args[1], args[1]);
  return out;
}

WaitForJobChangeArgs decodeWaitForJobChangeArgs(const Json& args) {
  const std::string prefix = "Parsing WaitForJobChange message: ";
  if (!args.is_array() || args.size() != 5) {
    throw RequestParseError(prefix + "Not enough values");
  }
  WaitForJobChangeArgs out;
  try {
    out.jobId = parseJobIdArg(args[0]);
  } catch (const std::invalid_argument& e) {
    throw RequestParseError(prefix + e.what());
  }
  if (!args[1].is_array()) throw RequestParseError(prefix + "Unable to read list");
  for (const auto& field : args[1]) {
    if (!field.is_string()) {
      throw RequestParseError(prefix + "Unable to read String");
    }
    out.fields.push_back(field.get<std::string>());
  }
  out.prevJobInfo = args[2];
  out.prevLogSerial = args[3];
  if (!args[4].is_number()) throw RequestParseError(prefix + "Unable to read Int");
  out.timeout = static_cast<int>(std::lround(args[4].get<double>()));
  return out;
}

void validateArgs(Method method, const Json& args) {
  switch (method) {
    case Method::kSubmitJob:
    case Method::kSubmitJobToDrainedQueue:
      needSingle(args);
      checkOpcodes(methodName(method), args[0]);
      return;
    case Method::kSubmitManyJobs:
      needSingle(args);
      if (!args[0].is_array()) cannotConvert(args[0], "Unable to read list");
      for (const auto& job : args[0]) {
        if (!job.is_array()) {
          throw RequestParseError("SubmitManyJobs: Unable to read list");
        }
        checkOpcodes(methodName(method), job);
      }
      return;
    case Method::kWaitForJobChange:
      decodeWaitForJobChangeArgs(args);
      return;
    case Method::kPickupJob:
    case Method::kArchiveJob:
      needSingle(args);
      jobIdOr(args, args[0]);
      return;
    case Method::kCancelJob:
      if (args.is_array() && args.size() == 1) {
        jobIdOr(args, args[0]);
        return;
      }
      needArray(args, 2, "Unable to read Pair");
      jobIdOr(args, args[0]);
      needBool(args, args[1]);
      return;
    case Method::kAutoArchiveJobs:
      needArray(args, 2, "Unable to read Pair");
      needInt(args, args[0]);
      needInt(args, args[1]);
      return;
    case Method::kChangeJobPriority:
      needArray(args, 2, "Unable to read Pair");
      jobIdOr(args, args[0]);
      needInt(args, args[1]);
      return;
    case Method::kQueryJobs:
      needArray(args, 2, "Unable to read Pair");
      stringList(args, args[1]);
      if (!args[0].is_null()) {
        if (!args[0].is_array()) cannotConvert(args[0], "Unable to read list");
        for (const auto& id : args[0]) jobIdOr(args[0], id);
      }
      return;
    case Method::kQuery:
      decodeQueryArgs(args);
      return;
    case Method::kQueryFields:
      decodeQueryFieldsArgs(args);
      return;
    case Method::kQueryNodes:
    case Method::kQueryInstances:
    case Method::kQueryGroups:
    case Method::kQueryNetworks:
      needArray(args, 3, "Unable to read Triple");
      stringList(args, args[0]);
      stringList(args, args[1]);
      needBool(args, args[2]);
      return;
    case Method::kQueryExports:
      needArray(args, 2, "Unable to read Pair");
      stringList(args, args[0]);
      needBool(args, args[1]);
      return;
    case Method::kQueryConfigValues:
      needSingle(args);
      stringList(args, args[0]);
      return;
    case Method::kQueryClusterInfo:
    case Method::kSetWatcherPause:
      return;
    case Method::kQueryTags: {
      needArray(args, 2, "Unable to read Pair");
      needString(args, args[0]);
      needString(args, args[1]);
      auto kind = args[0].get<std::string>();
      if (kind != "cluster" && kind != "instance" && kind != "node" &&
          kind != "nodegroup" && kind != "network") {
        cannotConvert(args, "Invalid string value for type TagKind: " +
                                haskellShowString(kind));
      }
      return;
    }
    case Method::kSetDrainFlag:
      needSingle(args);
      needBool(args, args[0]);
      return;
    case Method::kQueryFilters:
      needArray(args, 2, "Unable to read Pair");
      stringList(args, args[1]);
      if (!args[0].is_null()) stringList(args[0], args[0]);
      return;
    case Method::kReplaceFilter:
      needArray(args, 5, "Unable to read Tuple5");
      if (!args[0].is_null()) needString(args, args[0]);
      needInt(args, args[1]);
      if (!args[2].is_array()) cannotConvert(args, "Unable to read list");
      if (!args[4].is_array()) cannotConvert(args, "Unable to read list");
      return;
    case Method::kDeleteFilter:
      needSingle(args);
      needString(args, args[0]);
      return;
  }
}

}  // namespace gantry::core::luxi
