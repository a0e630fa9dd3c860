// Command-line front end. Options follow htools' CLI.hs names; long
// options may be abbreviated to any unique prefix (--simu), as GNU getopt
// allows.
#include "cli.h"

#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "algorithm_options.h"
#include "engine.h"
#include "gantry/sdk/allocator/request.h"
#include "gantry/sdk/allocator/text_format.h"

namespace gantry::plugins::hail {
namespace {

struct CliOptions {
  AlgorithmOptions algo;
  int verbose = 1;
  bool printNodes = false;
  std::optional<std::string> saveCluster;
  std::optional<std::string> dataFile;
  std::vector<std::string> simulate;
  std::vector<std::string> args;
};

struct LongOption {
  const char* name;
  char shortName;
  enum { kNone, kRequired, kOptional } arg;
};

constexpr LongOption kOptions[] = {
    {"print-nodes", 'p', LongOption::kOptional},
    {"save", 'S', LongOption::kRequired},
    {"text-data", 't', LongOption::kRequired},
    {"simulate", 0, LongOption::kRequired},
    {"verbose", 'v', LongOption::kNone},
    {"quiet", 'q', LongOption::kNone},
    {"ignore-dynu", 0, LongOption::kNone},
    {"ignore-soft-errors", 0, LongOption::kNone},
    {"no-capacity-checks", 0, LongOption::kNone},
    {"restrict-allocation-to", 0, LongOption::kRequired},
    {"mond", 0, LongOption::kOptional},
    {"mond-xen", 0, LongOption::kNone},
    {"static-kvm-node-memory", 0, LongOption::kRequired},
    {"help", 'h', LongOption::kNone},
    {"version", 'V', LongOption::kNone},
};

struct UsageError {
  std::string message;
};

const LongOption& findLong(const std::string& name) {
  const LongOption* match = nullptr;
  int count = 0;
  for (const auto& o : kOptions) {
    if (name == o.name) return o;
    if (std::string_view(o.name).substr(0, name.size()) == name) {
      match = &o;
      ++count;
    }
  }
  if (count == 1) return *match;
  if (count == 0) throw UsageError{"unrecognized option `--" + name + "'"};
  throw UsageError{"option `--" + name + "' is ambiguous"};
}

const LongOption& findShort(char c) {
  for (const auto& o : kOptions) {
    if (o.shortName == c) return o;
  }
  throw UsageError{std::string("unrecognized option `-") + c + "'"};
}

void apply(CliOptions& o, const LongOption& opt, const std::optional<std::string>& value) {
  const std::string name = opt.name;
  if (name == "print-nodes") o.printNodes = true;
  if (name == "save") o.saveCluster = value;
  if (name == "text-data") o.dataFile = value;
  if (name == "simulate") o.simulate.insert(o.simulate.begin(), *value);  // htools prepends
  if (name == "verbose") ++o.verbose;
  if (name == "quiet") --o.verbose;
  if (name == "ignore-dynu") o.algo.ignoreDynUtil = true;
  if (name == "ignore-soft-errors") o.algo.ignoreSoftErrors = true;
  if (name == "no-capacity-checks") o.algo.capacityChecks = false;
  if (name == "restrict-allocation-to" || name == "static-kvm-node-memory") {
    auto parsed = algorithmOptionsFrom({{name, value}});
    if (!parsed.ok()) throw UsageError{parsed.error().message};
    if (name == "restrict-allocation-to") {
      o.algo.restrictToNodes = parsed.value().restrictToNodes;
    } else {
      o.algo.staticKvmNodeMemory = parsed.value().staticKvmNodeMemory;
    }
  }
  if (name == "help") throw UsageError{"Usage: hail [OPTION...] input-file"};
  if (name == "version") throw UsageError{"hail (Gantry)"};
}

CliOptions parseArgs(const std::vector<std::string>& args) {
  CliOptions o;
  bool onlyArgs = false;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (onlyArgs || a == "-" || a.empty() || a[0] != '-') {
      o.args.push_back(a);
      continue;
    }
    if (a == "--") {
      onlyArgs = true;
      continue;
    }
    if (a.rfind("--", 0) == 0) {
      auto eq = a.find('=');
      const std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      const LongOption& opt = findLong(name);
      std::optional<std::string> value;
      if (eq != std::string::npos) {
        if (opt.arg == LongOption::kNone) {
          throw UsageError{"option `--" + std::string(opt.name) + "' doesn't allow an argument"};
        }
        value = a.substr(eq + 1);
      } else if (opt.arg == LongOption::kRequired) {
        if (i + 1 >= args.size()) {
          throw UsageError{"option `--" + std::string(opt.name) + "' requires an argument"};
        }
        value = args[++i];
      }
      apply(o, opt, value);
      continue;
    }
    for (std::size_t k = 1; k < a.size(); ++k) {
      const LongOption& opt = findShort(a[k]);
      if (opt.arg == LongOption::kNone) {
        apply(o, opt, std::nullopt);
        continue;
      }
      std::optional<std::string> value;
      if (k + 1 < a.size()) {
        value = a.substr(k + 1);
      } else if (opt.arg == LongOption::kRequired) {
        if (i + 1 >= args.size()) {
          throw UsageError{std::string("option `-") + a[k] + "' requires an argument"};
        }
        value = args[++i];
      }
      apply(o, opt, value);
      break;
    }
  }
  return o;
}

void printWarnings(std::ostream& err, const std::vector<std::string>& warnings) {
  if (warnings.empty()) return;
  err << "Warning: cluster has inconsistent data:\n";
  for (const auto& w : warnings) err << "  - " << w << "\n";
  err << "\n";
}

void printNodes(std::ostream& err, const char* title, const alloc::ClusterData& cd) {
  err << title << " status:\n";
  err << " F Name  t_mem n_mem i_mem x_mem f_mem u_mem r_mem t_dsk f_dsk pcpu vcpu pcnt scnt"
         " p_fmem p_fdsk r_cpu\n";
  for (const auto& [i, n] : cd.nodes) {
    err << "   " << n.name << " " << static_cast<long long>(n.tMem) << " " << n.nMem << " "
        << n.iMem << " " << n.xMem << " " << n.fMem << " " << n.unallocatedMem() << " "
        << n.rMem << " " << static_cast<long long>(n.tDsk) / 1024 << " " << n.fDsk / 1024
        << " " << static_cast<long long>(n.tCpu) << " " << n.uCpu << " " << n.pList.size()
        << " " << n.sList.size() << std::fixed << std::setprecision(4) << " " << n.pMem << " "
        << n.pDsk << std::setprecision(2) << " " << n.pCpu << std::defaultfloat << "\n";
  }
  err << "\n";
}

bool saveCluster(std::ostream& err, const std::string& prefix, const char* suffix,
                 const char* what, const alloc::ClusterData& cd) {
  const std::string path = prefix + "." + suffix;
  std::ofstream f(path);
  f << alloc::formatTextData(cd);
  if (!f) {
    err << "Error: cannot write file '" << path << "'\n";
    return false;
  }
  err << "The cluster state " << what << " has been written to file '" << path << "'\n";
  return true;
}

std::string describeRequest(const alloc::ParsedRequest& req) {
  std::ostringstream s;
  s << "Received request: " << alloc::requestTypeName(req.request);
  if (const auto* a = std::get_if<alloc::AllocateRequest>(&req.request)) {
    const auto& i = a->instance;
    s << " (Instance {name = \"" << i.name << "\", mem = " << i.mem << ", dsk = " << i.dsk
      << ", vcpus = " << i.vcpus << ", runSt = " << alloc::runStateName(i.runState)
      << ", diskTemplate = " << alloc::diskTemplateName(i.diskTemplate)
      << "}) (AllocDetails " << a->requiredNodes << ")";
  }
  return s.str();
}

}  // namespace

int runCli(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
           std::ostream& err, bool freeModel) {
  CliOptions o;
  try {
    o = parseArgs(args);
  } catch (const UsageError& e) {
    err << "Error: " << e.message << "\n";
    return 2;
  }
  if (o.args.empty()) {
    err << "Error: This program needs an input file.\n";
    return 1;
  }
  if (o.args.size() > 1) {
    err << "Error: Only one argument is accepted (the input file)\n";
    return 1;
  }
  std::ostringstream text;
  if (o.args[0] == "-") {
    text << in.rdbuf();
  } else {
    std::ifstream f(o.args[0], std::ios::binary);
    if (!f) {
      err << "Error: " << o.args[0] << ": openFile: does not exist (No such file or directory)\n";
      return 1;
    }
    text << f.rdbuf();
  }
  const std::string body = std::move(text).str();
  alloc::LoadOptions load;
  load.staticKvmNodeMemory = o.algo.staticKvmNodeMemory;
  auto parsed = alloc::parseRequest(body, load);
  if (!parsed.ok()) {
    err << "Error: " << parsed.error().message << "\n";
    return 1;
  }
  auto owned = std::make_unique<alloc::ParsedRequest>(std::move(parsed.value()));
  // A process that ends right after the answer can leave the model to the
  // operating system: freeing 20,000 instances one by one takes longer than
  // it took to read them.
  struct LeaveToExit {
    std::unique_ptr<alloc::ParsedRequest>& model;
    bool free;
    ~LeaveToExit() {
      if (!free) static_cast<void>(model.release());
    }
  } leave{owned, freeModel};
  alloc::ParsedRequest& req = *owned;
  printWarnings(err, req.warnings);

  if (o.dataFile || !o.simulate.empty()) {
    sdk::Result<alloc::ClusterData> external = alloc::ClusterData{};
    if (!o.simulate.empty()) {
      external = alloc::simulateCluster(o.simulate);
    } else {
      std::ifstream f(*o.dataFile, std::ios::binary);
      if (!f) {
        err << "Error: cannot read file '" << *o.dataFile << "'\n";
        return 1;
      }
      std::ostringstream ss;
      ss << f.rdbuf();
      external = alloc::parseTextData(ss.str());
    }
    if (!external.ok()) {
      err << "Error: failed to load data, aborting: " << external.error().message << "\n";
      return 1;
    }
    alloc::LoadOptions extLoad = load;
    extLoad.ignoreDynUtil = o.algo.ignoreDynUtil;
    auto warnings = alloc::finalizeCluster(external.value(), extLoad);
    if (o.verbose != 0) printWarnings(err, warnings);
    req.cluster = std::move(external.value());
  }

  if (o.verbose > 1) err << describeRequest(req) << "\n";
  const bool dedicated = usesDedicatedAllocation(req);
  if (o.verbose > 1 && dedicated) {
    err << "Allocation on a dedicated cluster; using lost-allocations metrics.\n";
  }
  if (o.printNodes) printNodes(err, "Initial cluster", req.cluster);
  if (o.saveCluster &&
      !saveCluster(err, *o.saveCluster, "pre-ialloc", "before iallocator run", req.cluster)) {
    return 1;
  }
  const Answer answer = processRequest(req, o.algo, o.printNodes || o.saveCluster.has_value());
  out << answer.toJson() << "\n";
  out.flush();
  const alloc::ClusterData& fin = answer.finalCluster ? *answer.finalCluster : req.cluster;
  if (o.printNodes) printNodes(err, "Final cluster", fin);
  if (o.saveCluster &&
      !saveCluster(err, *o.saveCluster, "post-ialloc", "after iallocator run", fin)) {
    return 1;
  }
  return 0;
}

}  // namespace gantry::plugins::hail
