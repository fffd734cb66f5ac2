#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/support/temp_dir.h"
#include "tests/support/testdata.h"

// Running `orchestrator tool ...` from tests: a scratch directory, the command's exit code and
// output, and the test vectors it reads.
namespace orch::test_support {

namespace fs = std::filesystem;

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

// Runs `orchestrator tool <arguments>` (shell-quoted by the caller) with standard input from
// `stdin_file` (default: nothing) and captures its output. The including test target defines
// ORCH_BINARY as the path of the orchestrator binary.
inline CommandResult RunTool(const TempDir& dir, const std::string& arguments,
                             const std::string& stdin_file = "/dev/null") {
  const std::string out = dir.File("stdout");
  const std::string err = dir.File("stderr");
  const std::string command = std::string(ORCH_BINARY) + " tool " + arguments + " <" + stdin_file +
                              " >" + out + " 2>" + err;
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadFile(out), ReadFile(err)};
}

// The output of a successful run, without its final newline; fails the test otherwise.
inline std::string Output(const TempDir& dir, const std::string& arguments,
                          const std::string& stdin_file = "/dev/null") {
  const CommandResult result = RunTool(dir, arguments, stdin_file);
  EXPECT_EQ(result.exit_code, 0) << arguments << ": " << result.err;
  EXPECT_TRUE(result.err.empty()) << arguments << ": " << result.err;
  std::string text = result.out;
  if (!text.empty() && text.back() == '\n') {
    text.pop_back();
  }
  return text;
}

// The path of a test vector; fails the test (use with ASSERT_NO_FATAL_FAILURE) when missing.
inline void Testdata(const std::string& relative, std::string& path) {
  path = test_support::TestdataPath(relative).string();
  ASSERT_TRUE(fs::is_regular_file(path))
      << "test vector " << path
      << " is missing: the tool tests need the shared test data (set ORCHESTRATOR_TESTDATA to "
         "its directory, default <project>/../shared/testdata)";
}

}  // namespace orch::test_support
