#include "tests/support/node_oracle.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "orch/common/file.h"

namespace orch::testing {
namespace {

std::string ShellQuote(std::string_view text) {
  std::string quoted = "'";
  for (const char c : text) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

}  // namespace

Result<std::string> FindNode() {
  if (const char* configured = std::getenv("ORCH_NODE"); configured != nullptr) {
    if (access(configured, X_OK) != 0) {
      return Error::NotFound("ORCH_NODE={} is not an executable file", configured);
    }
    return std::string(configured);
  }
  const char* path = std::getenv("PATH");
  std::stringstream directories(path != nullptr ? path : "");
  for (std::string directory; std::getline(directories, directory, ':');) {
    const std::string candidate = directory + "/node";
    if (!directory.empty() && access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return Error::NotFound(
      "node not found on PATH and ORCH_NODE is not set: the oracle tests need Node.js "
      "(scripts/install-deps.sh installs it)");
}

Result<std::vector<nlohmann::json>> RunNodeOracle(const std::string& script,
                                                  const std::vector<std::string>& arguments,
                                                  const std::vector<nlohmann::json>& requests) {
  ORCH_ASSIGN_OR_RETURN(const std::string node, FindNode());
  const std::filesystem::path script_path =
      std::filesystem::path(ORCH_PROJECT_SOURCE_DIR) / "tests" / "oracles" / script;
  std::string directory_pattern =
      (std::filesystem::temp_directory_path() / "orch-oracle-XXXXXX").string();
  if (mkdtemp(directory_pattern.data()) == nullptr) {
    return Error::Unavailable("cannot create a temporary directory for the oracle");
  }
  const std::filesystem::path directory = directory_pattern;
  {
    std::ofstream input(directory / "requests.jsonl");
    for (const nlohmann::json& request : requests) {
      input << request.dump() << '\n';
    }
  }
  std::string command = ShellQuote(node) + " " + ShellQuote(script_path.string());
  for (const std::string& argument : arguments) {
    command += " " + ShellQuote(argument);
  }
  command += " < " + ShellQuote((directory / "requests.jsonl").string()) + " > " +
             ShellQuote((directory / "answers.jsonl").string()) + " 2> " +
             ShellQuote((directory / "stderr.txt").string());
  const int status = std::system(command.c_str());
  const auto read = [&directory](const char* name) {
    Result<std::string> contents = ReadFileContents(directory / name);
    return contents.ok() ? *std::move(contents) : std::string();
  };
  const std::string output = read("answers.jsonl");
  const std::string errors = read("stderr.txt");
  std::filesystem::remove_all(directory);
  if (status != 0) {
    return Error::Unavailable(
        "oracle {} failed (exit status {}); are its npm packages installed in {}/node_modules "
        "(scripts/install-deps.sh)? stderr:\n{}",
        script, WIFEXITED(status) ? WEXITSTATUS(status) : status, ORCH_PROJECT_SOURCE_DIR, errors);
  }
  std::vector<nlohmann::json> answers;
  std::stringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    nlohmann::json answer = nlohmann::json::parse(line, nullptr, false);
    if (answer.is_discarded()) {
      return Error::Internal("oracle {} printed a line that is not JSON: {}", script, line);
    }
    answers.push_back(std::move(answer));
  }
  if (answers.size() != requests.size()) {
    return Error::Internal("oracle {} gave {} answers for {} requests", script, answers.size(),
                           requests.size());
  }
  return answers;
}

}  // namespace orch::testing
