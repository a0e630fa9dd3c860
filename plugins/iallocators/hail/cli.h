// hail's command line (Ganeti's `hail [options] input.json|-`): the answer
// on stdout, diagnostics on stderr, `Error: <message>` and exit 1 when the
// request cannot be read.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace gantry::plugins::hail {

/// Runs hail with argv (argv[0] is the program name); returns the exit code.
/// `freeModel` false leaves the parsed cluster allocated, for a process that
/// exits right after.
int runCli(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
           std::ostream& err, bool freeModel = true);

}  // namespace gantry::plugins::hail
