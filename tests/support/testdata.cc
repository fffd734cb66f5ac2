#include "tests/support/testdata.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace orch::test_support {

std::filesystem::path TestdataDir() {
  const char* from_env = std::getenv("ORCHESTRATOR_TESTDATA");
  if (from_env != nullptr && *from_env != '\0') {
    return from_env;
  }
  return std::filesystem::path(ORCH_PROJECT_SOURCE_DIR) / ".." / "shared" / "testdata";
}

std::filesystem::path TestdataPath(std::string_view relative) { return TestdataDir() / relative; }

Result<std::string> ReadTestdata(std::string_view relative) {
  const std::filesystem::path path = TestdataPath(relative);
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return Error::NotFound(
        "test vector {} is missing: the tests need the shared test data (set "
        "ORCHESTRATOR_TESTDATA to its directory, default <project>/../shared/testdata)",
        path.string());
  }
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
}

}  // namespace orch::test_support
