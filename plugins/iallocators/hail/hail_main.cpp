// The standalone `hail` executable Ganeti runs as an external allocator.
#include <iostream>

#include "cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  try {
    return gantry::plugins::hail::runCli(args, std::cin, std::cout, std::cerr,
                                         /*freeModel=*/false);
  } catch (const std::exception& e) {
    std::cerr << "Error: " << e.what() << "\n";
    return 1;
  }
}
