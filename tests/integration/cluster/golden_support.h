// Command output compared with a golden file under
// tests/integration/golden/, after masking what changes from run to run:
// UUIDs, MAC addresses (beyond the cluster prefix), times, job ids and the
// virtual cluster's directory. GANTRY_UPDATE_GOLDEN=1 writes the files
// instead (review the diff before committing them).
#pragma once

#include <filesystem>
#include <string>

namespace gantry::test {

/// `text` with the varying parts replaced by <uuid>, <mac>, <time>,
/// <job> and <dir>.
std::string maskedOutput(const std::string& text, const std::filesystem::path& clusterDir);

/// Compares masked `text` with golden file `name`; the failure message
/// shows both.
void expectGolden(const std::string& name, const std::string& text,
                  const std::filesystem::path& clusterDir);

}  // namespace gantry::test
