// How the job queue replaces one of its files: the new content goes into
// the file's spare, `<name>.tmp`, which is then exchanged with the file.
// The old content stays behind as the spare the next write overwrites (a
// plain rename where the filesystem cannot exchange). Reusing inodes and
// blocks this way avoids a create and a delete per write, which on ext4
// cost several times the write itself. No sync: the queue journal makes
// the change durable.
#pragma once

#include <filesystem>
#include <string_view>

namespace gantry::core::jobs {

/// Replaces `target` with `content` atomically (readers see the old or the
/// new file, never a mix). Returns 0 or errno; on failure `target` is
/// unchanged.
int writeQueueFile(const std::filesystem::path& target, std::string_view content);

}  // namespace gantry::core::jobs
