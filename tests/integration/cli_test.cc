// Runs the orchestrator binary as an operator would and checks exit codes and messages.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/contract/test_database.h"

#include "orch/sql/sqlite/sqlite_database.h"
#include "orch/store/schema.h"

namespace orch::testing {
namespace {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Runs the orchestrator with `arguments` (shell-quoted by the caller) and captures its output.
CommandResult RunOrchestrator(const TempDir& dir, const std::string& arguments) {
  const std::string out = dir.path() + "/stdout";
  const std::string err = dir.path() + "/stderr";
  const std::string command = std::string("env -u MADARA_ORCHESTRATOR_DATABASE_URL ") +
                              ORCH_BINARY + " " + arguments + " >" + out + " 2>" + err;
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadFile(out), ReadFile(err)};
}

// A loopback port nothing listens on.
int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

int LineCount(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST(CliTest, HelpListsTheCommands) {
  TempDir dir;
  const CommandResult result = RunOrchestrator(dir, "--help");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("setup"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("run"), std::string::npos) << result.out;
}

TEST(CliTest, SetupCreatesAWorkingSchemaAndIsIdempotent) {
  TempDir dir;
  const std::string args = "setup --database-url sqlite://" + dir.path() +
                           "/orch.db --storage-url file://" + dir.path() + "/artifacts";
  const CommandResult first = RunOrchestrator(dir, args);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const CommandResult second = RunOrchestrator(dir, args);
  ASSERT_EQ(second.exit_code, 0) << second.err;

  auto database = sql::SqliteDatabase::Open(dir.path() + "/orch.db", {});
  ASSERT_TRUE(database.ok());
  EXPECT_TRUE(store::CheckSchemaIsCurrent(**database).ok());
  EXPECT_TRUE(std::filesystem::is_directory(dir.path() + "/artifacts"));
}

TEST(CliTest, SetupWithoutFlagsUsesTheDataDirectory) {
  TempDir dir;
  const CommandResult result = RunOrchestrator(dir, "setup --data-dir " + dir.path() + "/data");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/data/orchestrator.db"));
  EXPECT_TRUE(std::filesystem::is_directory(dir.path() + "/data/artifacts"));
}

struct BadInputCase {
  std::string name;
  std::string arguments;     // %DIR% and %PORT% are replaced
  std::string must_mention;  // in the one error line
};

TEST(CliTest, BadInputGivesOneClearErrorLineAndExitCodeOne) {
  const int port = ClosedPort();
  const std::vector<BadInputCase> cases = {
      {"corrupt sqlite file", "setup --database-url sqlite://%DIR%/corrupt.db",
       "corrupt or not a SQLite database"},
      {"unreachable postgres",
       "setup --database-url postgresql://orch:hunter2@127.0.0.1:%PORT%/orch",
       "cannot connect to PostgreSQL"},
      {"relative sqlite path", "setup --database-url sqlite://orch.db", "absolute path"},
      {"no scheme", "setup --database-url /tmp/orch.db", "no scheme"},
      {"unknown scheme", "setup --database-url redis://127.0.0.1/0",
       "supported: postgres, postgresql, sqlite"},
      {"mongodb url", "setup --database-url mongodb://127.0.0.1/orch", "PostgreSQL"},
      {"mongodb flag", "setup --mongodb", "PostgreSQL"},
      {"bad alert url", "setup --data-dir %DIR%/d --alert-url smtp://x", "supported: http"},
      {"bad storage url", "setup --data-dir %DIR%/d --storage-url s4://bucket", "supported: file"},
  };
  for (const BadInputCase& test : cases) {
    TempDir dir;
    {
      std::ofstream corrupt(dir.path() + "/corrupt.db", std::ios::binary);
      corrupt << std::string(8192, '\x5a');
    }
    std::string arguments = test.arguments;
    for (const auto& [token, value] : std::vector<std::pair<std::string, std::string>>{
             {"%DIR%", dir.path()}, {"%PORT%", std::to_string(port)}}) {
      for (auto at = arguments.find(token); at != std::string::npos; at = arguments.find(token)) {
        arguments.replace(at, token.size(), value);
      }
    }
    const CommandResult result = RunOrchestrator(dir, arguments);
    EXPECT_EQ(result.exit_code, 1) << test.name << ": " << result.err;
    EXPECT_EQ(LineCount(result.err), 1) << test.name << ": " << result.err;
    EXPECT_TRUE(result.err.starts_with("error: ")) << test.name << ": " << result.err;
    EXPECT_NE(result.err.find(test.must_mention), std::string::npos)
        << test.name << ": " << result.err;
    EXPECT_EQ(result.err.find("hunter2"), std::string::npos) << test.name << ": " << result.err;
  }
}

TEST(CliTest, RunRefusesADatabaseWithANewerSchema) {
  TempDir dir;
  const std::string urls = " --database-url sqlite://" + dir.path() +
                           "/orch.db --storage-url file://" + dir.path() + "/artifacts";
  ASSERT_EQ(RunOrchestrator(dir, "setup" + urls).exit_code, 0);
  {
    auto database = sql::SqliteDatabase::Open(dir.path() + "/orch.db", {});
    ASSERT_TRUE(database.ok());
    ASSERT_TRUE(
        (*database)
            ->InTransaction(sql::SqlDatabase::Access::kWrite,
                            [](sql::SqlSession& session) {
                              return session.ExecuteScript(
                                  "INSERT INTO schema_migrations VALUES (999, 'future', 0)");
                            })
            .ok());
  }
  for (const std::string command : {"run", "setup"}) {
    const CommandResult result = RunOrchestrator(dir, command + urls);
    EXPECT_EQ(result.exit_code, 1) << command;
    EXPECT_NE(result.err.find("newer than this orchestrator"), std::string::npos)
        << command << ": " << result.err;
  }
}

TEST(CliTest, RunRefusesADatabaseThatWasNeverSetUp) {
  TempDir dir;
  const CommandResult result =
      RunOrchestrator(dir, "run --database-url sqlite://" + dir.path() +
                               "/orch.db --storage-url file://" + dir.path() + "/artifacts");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("run `orchestrator setup`"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace orch::testing
