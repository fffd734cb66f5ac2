#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "orch/common/result.h"

// The real chain vectors in ../shared/testdata (see its MANIFEST.md). They are required: a
// missing file is an error naming the path, never a skip.
namespace orch::test_support {

/// $ORCHESTRATOR_TESTDATA if set, else <project>/../shared/testdata.
std::filesystem::path TestdataDir();

/// TestdataDir()/relative (whether or not it exists).
std::filesystem::path TestdataPath(std::string_view relative);

/// The content of TestdataDir()/relative.
/// Errors: kNotFound naming the path and how to point the tests at the vectors.
Result<std::string> ReadTestdata(std::string_view relative);

}  // namespace orch::test_support
