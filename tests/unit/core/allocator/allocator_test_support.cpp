#include "allocator_test_support.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

namespace gantry::core::allocator::testing {

namespace fs = std::filesystem;

ScratchDir::ScratchDir() {
  std::string pattern = (fs::temp_directory_path() / "gantry-alloc-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

fs::path writeScript(const fs::path& dir, std::string_view name, std::string_view body) {
  const fs::path file = dir / std::string(name);
  {
    std::ofstream out(file, std::ios::binary);
    out << "#!/bin/sh\n" << body << "\n";
  }
  fs::permissions(file, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
  return file;
}

std::string readText(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace gantry::core::allocator::testing
