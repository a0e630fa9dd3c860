// gantry-masterd [--root DIR] [--workers N] [--no-sync] [--no-voting --yes-do-it]
#include <cstdlib>
#include <iostream>
#include <string>

#include "daemon/master/master_daemon.h"

int main(int argc, char** argv) {
  gantry::daemon::master::MasterOptions options;
  if (const char* env = std::getenv("GANTRY_ROOT")) options.root = env;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--root" && i + 1 < argc) {
      options.root = argv[++i];
    } else if (arg == "--workers" && i + 1 < argc) {
      try {
        options.workers = std::stoi(argv[++i]);
      } catch (const std::exception&) {
        options.workers = 0;
      }
      if (options.workers < 1) {
        std::cerr << "gantry-masterd: --workers needs a positive number\n";
        return 2;
      }
    } else if (arg == "--no-sync") {
      options.sync = false;
    } else if (arg == "--no-voting") {
      options.noVoting = true;
    } else if (arg == "--yes-do-it") {
      options.yesDoIt = true;
    } else if (arg == "-h" || arg == "--help") {
      std::cout << "Usage: gantry-masterd [--root DIR] [--workers N] [--no-sync] "
                   "[--no-voting --yes-do-it]\n";
      return 0;
    } else {
      std::cerr << "gantry-masterd: unknown option '" << arg << "'\n";
      return 2;
    }
  }
  if (options.noVoting && !options.yesDoIt) {
    std::cerr << "The no-voting option is dangerous and cannot be given without providing "
                 "yes-do-it as well.\n";
    return 2;
  }
  return gantry::daemon::master::runMasterDaemon(options);
}
