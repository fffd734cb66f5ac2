// `orchestrator run` as an operator starts it: it serves /health, /v1/status and /metrics,
// says that no job handler can be built yet, and exits 0 on SIGTERM.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <regex>

#include "tests/contract/test_database.h"

namespace orch::testing {
namespace {

// Runs `orchestrator setup` into a data directory under `dir` and returns its path.
std::string SetUpDataDir(const TempDir& dir) {
  const std::string data_dir = dir.path() + "/data";
  const std::string command =
      std::string(ORCH_BINARY) + " setup --data-dir " + data_dir + " 2>/dev/null";
  EXPECT_EQ(std::system(command.c_str()), 0);
  return data_dir;
}

TEST(RunCommandTest, ServesTheOperatorApiAndStopsCleanlyOnSigterm) {
  TempDir dir;
  const std::string data_dir = SetUpDataDir(dir);
  int err[2];
  ASSERT_EQ(pipe(err), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    dup2(err[1], STDERR_FILENO);
    close(err[0]);
    close(err[1]);
    execl(ORCH_BINARY, ORCH_BINARY, "run", "--data-dir", data_dir.c_str(), "--port", "0",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(err[1]);
  FILE* log = fdopen(err[0], "r");
  std::string output;
  int port = 0;
  char line[1024];
  const std::regex serving("serving on http://127\\.0\\.0\\.1:([0-9]+)");
  while (port == 0 && std::fgets(line, sizeof line, log) != nullptr) {
    output += line;
    std::cmatch match;
    if (std::regex_search(line, match, serving)) {
      port = std::stoi(match[1].str());
    }
  }
  ASSERT_NE(port, 0) << "no 'serving on' line in:\n" << output;

  httplib::Client client("127.0.0.1", port);
  auto health = client.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "UP");
  auto status = client.Get("/v1/status");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->status, 200);
  EXPECT_NE(status->body.find("\"layer\":\"l2\""), std::string::npos) << status->body;
  EXPECT_NE(status->body.find("Madara RPC"), std::string::npos) << status->body;
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("orch_jobs{"), std::string::npos);
  EXPECT_NE(metrics->body.find("orch_queue_visible_messages{"), std::string::npos);

  ASSERT_EQ(kill(child, SIGTERM), 0);
  while (std::fgets(line, sizeof line, log) != nullptr) {
    output += line;
  }
  std::fclose(log);
  int exit_status = 0;
  waitpid(child, &exit_status, 0);
  ASSERT_TRUE(WIFEXITED(exit_status)) << output;
  EXPECT_EQ(WEXITSTATUS(exit_status), 0) << output;
  EXPECT_NE(output.find("job engine idle"), std::string::npos) << output;
  EXPECT_NE(output.find("SIGTERM received"), std::string::npos) << output;
}

TEST(RunCommandTest, AdminRoutesRefuseToStartWithoutAToken) {
  TempDir dir;
  const std::string data_dir = SetUpDataDir(dir);
  const std::string command = std::string("env -u MADARA_ORCHESTRATOR_ADMIN_TOKEN ") + ORCH_BINARY +
                              " run --data-dir " + data_dir + " --port 0 --admin-enabled 2>" +
                              dir.path() + "/err";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
}

TEST(RunCommandTest, PipelineStartupChecksNameEveryFailedServiceAndNoSecret) {
  TempDir dir;
  const std::string data_dir = SetUpDataDir(dir);
  // Nothing listens on these ports; the fixture directory does not exist.
  const std::string command =
      std::string(ORCH_BINARY) + " run --data-dir " + data_dir +
      " --port 0 --madara-rpc-url http://127.0.0.1:1/key-in-path"
      " --snos-runner fixture:" +
      dir.path() +
      "/no-such-dir --prover mock"
      " --settle-on-ethereum --ethereum-rpc-url http://127.0.0.1:2/secret-path"
      " --ethereum-private-key 0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
      " --l1-core-contract-address 0x5FbDB2315678afecb367f032d93F642f64180aa3 2>" +
      dir.path() + "/err";
  const int status = std::system(command.c_str());
  std::ifstream in(dir.path() + "/err");
  const std::string err((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1) << err;
  EXPECT_NE(err.find("startup checks failed"), std::string::npos) << err;
  EXPECT_NE(err.find("Madara RPC at http://127.0.0.1:1:"), std::string::npos) << err;
  EXPECT_NE(err.find("feeder gateway at http://127.0.0.1:1"), std::string::npos) << err;
  EXPECT_NE(err.find("fixture directory"), std::string::npos) << err;
  EXPECT_NE(err.find("Ethereum RPC at http://127.0.0.1:2:"), std::string::npos) << err;
  EXPECT_EQ(err.find("key-in-path"), std::string::npos) << err;
  EXPECT_EQ(err.find("secret-path"), std::string::npos) << err;
  EXPECT_EQ(err.find("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"),
            std::string::npos)
      << err;
}

}  // namespace
}  // namespace orch::testing
