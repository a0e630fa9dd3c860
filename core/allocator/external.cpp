// External allocator runs. The request goes through a file (not stdin)
// because that is the protocol every allocator script expects.
#include "core/allocator/external.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "core/util/process.h"

namespace gantry::core::allocator {
namespace {

namespace fs = std::filesystem;

// The request file: created private (mkstemp), removed on every path out.
class RequestFile {
 public:
  static sdk::Result<RequestFile> create(const fs::path& dir, std::string_view content) {
    std::string pattern = (dir / "gantry-iallocator-XXXXXX").string();
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) {
      return sdk::Error{sdk::ErrorCode::kEnvironment,
                        "cannot create the iallocator input file in " + dir.string() + ": " +
                            std::strerror(errno)};
    }
    RequestFile file{fs::path(pattern)};
    std::size_t done = 0;
    while (done < content.size()) {
      const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int err = errno;
        ::close(fd);
        return sdk::Error{sdk::ErrorCode::kEnvironment,
                          "cannot write the iallocator input file " + pattern + ": " +
                              std::strerror(err)};
      }
      done += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0) {
      return sdk::Error{sdk::ErrorCode::kEnvironment,
                        "cannot write the iallocator input file " + pattern + ": " +
                            std::strerror(errno)};
    }
    return file;
  }

  RequestFile(RequestFile&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  RequestFile& operator=(RequestFile&&) = delete;
  ~RequestFile() {
    if (path_.empty()) return;
    std::error_code ec;
    fs::remove(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  explicit RequestFile(fs::path path) : path_(std::move(path)) {}
  fs::path path_;
};

std::string failedMessage(std::string_view name, const std::string& reason,
                          const std::string& output) {
  return "iallocator module '" + std::string(name) + "' failed: " + reason + ", output '" +
         output + "'";
}

}  // namespace

std::string allocatorNotFoundMessage(std::string_view name) {
  return "iallocator module '" + std::string(name) + "' not found in the search path";
}

std::optional<fs::path> findAllocator(std::string_view name,
                                      const std::vector<fs::path>& searchPath) {
  if (name.empty() || name == "." || name == ".." ||
      name.find('/') != std::string_view::npos) {
    return std::nullopt;
  }
  for (const auto& dir : searchPath) {
    std::error_code ec;
    const fs::path candidate = dir / std::string(name);
    if (fs::is_regular_file(candidate, ec)) return candidate;
  }
  return std::nullopt;
}

std::vector<std::string> allocatorArgv(const fs::path& program, const fs::path& inputFile,
                                       const sdk::AllocatorOptions& options) {
  std::vector<std::string> argv{program.string(), inputFile.string()};
  for (const auto& [key, value] : options) {
    argv.push_back(value ? "--" + key + "=" + *value : "--" + key);
  }
  return argv;
}

sdk::Result<AllocatorResponse> runExternalAllocator(const fs::path& program,
                                                    std::string_view name,
                                                    std::string_view requestJson,
                                                    const sdk::AllocatorOptions& options,
                                                    const ExternalRunOptions& runOptions) {
  std::error_code ec;
  const fs::path dir = runOptions.tempDir ? *runOptions.tempDir : fs::temp_directory_path(ec);
  if (ec) {
    return sdk::Error{sdk::ErrorCode::kEnvironment,
                      "no temporary directory for the iallocator input: " + ec.message()};
  }
  auto input = RequestFile::create(dir, requestJson);
  if (!input.ok()) return std::move(input).error();

  util::ProcessSpec spec;
  spec.argv = allocatorArgv(program, input->path(), options);
  spec.envMode = util::EnvMode::kMerge;
  spec.timeout = runOptions.timeout;
  auto ran = util::runProcess(spec);
  if (!ran.ok()) {
    return sdk::Error{sdk::ErrorCode::kFault, failedMessage(name, ran.error().message, "")};
  }
  const util::ProcessResult& result = *ran;
  if (!result.succeeded()) {
    return sdk::Error{sdk::ErrorCode::kFault,
                      failedMessage(name, util::exitReason(result, spec.timeout),
                                    result.out + result.err)};
  }
  return parseAllocatorResponse(name, result.out);
}

sdk::Result<AllocatorResponse> runExternalAllocatorByName(
    std::string_view name, const std::vector<fs::path>& searchPath,
    std::string_view requestJson, const sdk::AllocatorOptions& options,
    const ExternalRunOptions& runOptions) {
  auto program = findAllocator(name, searchPath);
  if (!program) return sdk::Error{sdk::ErrorCode::kNotFound, allocatorNotFoundMessage(name)};
  return runExternalAllocator(*program, name, requestJson, options, runOptions);
}

}  // namespace gantry::core::allocator
