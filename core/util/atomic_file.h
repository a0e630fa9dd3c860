// Durable, all-or-nothing file replacement and the named steps of a durable
// write. A crash or an error at any step leaves either the old file or the
// new one, never a torn one.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gantry::core::util {

/// The steps of a durable write; errors and the fault hook name them.
enum class FileStep { kOpen, kWrite, kFsync, kRename, kDirSync };

/// "open", "write", "fsync", "rename", "dirsync".
const char* fileStepName(FileStep step) noexcept;

/// A failed durable write, e.g.
/// "Cannot write /var/lib/gantry/config.data: fsync failed: No space left on device".
class FileWriteError : public std::runtime_error {
 public:
  /// `action` starts the message: "Cannot write", "Cannot append to", ...
  FileWriteError(std::string_view action, std::filesystem::path path,
                 FileStep step, int error_number);

  FileStep step() const noexcept { return step_; }
  int errorNumber() const noexcept { return error_number_; }
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
  FileStep step_;
  int error_number_;
};

/// Replaces `path` with `data`: a temp file in the same directory created
/// with `mode` (never wider, so secrets are never readable by others), write,
/// fsync, rename over `path`, fsync of the directory. On any failure the old
/// file (or its absence) is restored byte-identical, the temp file is
/// removed, and FileWriteError names the step and the errno text.
/// If the directory fsync fails after the rename, the old file is put back
/// (the caller was told the write failed, so the file must say so too).
/// Safe to call from several threads on different paths.
void atomicWriteFile(const std::filesystem::path& path, std::string_view data,
                     mode_t mode);

/// fsync of a directory, so that creations, renames and removals in it
/// survive a crash. Throws FileWriteError (step kDirSync).
void fsyncDirectory(const std::filesystem::path& dir);

/// The temp-file and backup names atomicWriteFile uses for `path` start
/// with this prefix; left-overs of a crash can be removed by whoever owns
/// the directory.
std::string atomicWriteLeftoverPrefix(const std::filesystem::path& path);

// ---------------------------------------------------------------------------
// Test seam: fault injection.

/// Called before each step of a durable write (atomicWriteFile and the
/// config journal) with the step and the file being written (the final
/// path, not the temp name). Returning 0 lets the step run; returning an
/// errno value makes the step fail with it, as if the system call had.
using FileFaultHook =
    std::function<int(FileStep step, const std::filesystem::path& target)>;

/// Installs a fault hook for its lifetime (process-wide), then restores the
/// previous one. For tests only.
class ScopedFileFaultHook {
 public:
  explicit ScopedFileFaultHook(FileFaultHook hook);
  ~ScopedFileFaultHook();
  ScopedFileFaultHook(const ScopedFileFaultHook&) = delete;
  ScopedFileFaultHook& operator=(const ScopedFileFaultHook&) = delete;

 private:
  FileFaultHook previous_;
};

/// The errno the installed hook asks `step` to fail with, 0 if none. Code
/// that performs durable writes calls it before each step.
int injectedFileFault(FileStep step, const std::filesystem::path& target);

}  // namespace gantry::core::util
