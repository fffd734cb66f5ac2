#include "orch/clients/snos/command_snos_runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/types.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/temp_dir.h"

namespace orch::snos {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

// Every secret part a node URL can carry: userinfo, path and query.
constexpr const char* kSecretRpcUrl =
    "https://user:hunter2@node.example:9545/v2/key-abc123?apikey=s3cr3t";

constexpr crypto::Felt kStrk = crypto::Felt::FromHexLiteral(
    "0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d");
constexpr crypto::Felt kEth = crypto::Felt::FromHexLiteral(
    "0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7");

SnosRequest Request(std::uint64_t block) {
  SnosRequest request;
  request.start_block = block;
  request.end_block = block;
  request.rpc_url = kSecretRpcUrl;
  request.chain = {.chain_id = "SN_SEPOLIA",
                   .strk_fee_token_address = kStrk,
                   .eth_fee_token_address = kEth,
                   .is_l3 = false};
  request.full_output = true;
  request.use_kzg_da = false;
  request.debug_mode = true;
  return request;
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

// Whether `pid` is gone, waiting up to 5 s. A killed grandchild stays a zombie until its new
// parent reaps it, which counts as gone: it runs no more.
bool ProcessGone(pid_t pid) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::kill(pid, 0) != 0 && errno == ESRCH) {
      return true;
    }
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    const std::string content((std::istreambuf_iterator<char>(stat)),
                              std::istreambuf_iterator<char>());
    if (const auto paren = content.rfind(')');
        paren != std::string::npos && paren + 2 < content.size() && content[paren + 2] == 'Z') {
      return true;
    }
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

class CommandSnosRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("FAKE_SNOS_RECORD_DIR", record_.path().c_str(), 1);
    Mode("ok");
  }
  void TearDown() override {
    ::unsetenv("FAKE_SNOS_RECORD_DIR");
    ::unsetenv("FAKE_SNOS_MODE");
  }

  static void Mode(const char* mode) { ::setenv("FAKE_SNOS_MODE", mode, 1); }

  CommandSnosRunnerOptions Options() const {
    return {.program = ORCH_FAKE_SNOS_SIDECAR,
            .timeout = 20s,
            .kill_grace = 2s,
            .work_root = work_.path(),
            .pass_environment = {"FAKE_SNOS_MODE", "FAKE_SNOS_RECORD_DIR"}};
  }

  std::vector<std::string> RecordedArguments() const { return ReadLines(record_.File("args")); }
  std::vector<std::string> RecordedEnvironment() const { return ReadLines(record_.File("env")); }
  pid_t RecordedPid(const std::string& name) const {
    const auto lines = ReadLines(record_.File(name));
    return lines.empty() ? -1 : static_cast<pid_t>(std::stol(lines.front()));
  }
  bool WorkRootIsEmpty() const { return fs::is_empty(work_.path()); }

  test_support::TempDir record_;
  test_support::TempDir work_;
};

TEST_F(CommandSnosRunnerTest, PassesEveryRequestFieldAsDocumentedArguments) {
  SnosRequest request = Request(42);
  request.end_block = 44;
  request.layout = "recursive_with_poseidon";
  request.chain.is_l3 = true;
  request.full_output = false;
  request.use_kzg_da = true;
  request.debug_mode = false;
  request.versioned_constants_path = "/etc/snos/versioned_constants.json";
  request.da_public_keys = {crypto::Felt::FromUint64(1), crypto::Felt::FromUint64(0xabc)};

  auto result = CommandSnosRunner(Options()).Run(request);

  ASSERT_TRUE(result.ok()) << result.error().ToString();
  const auto arguments = RecordedArguments();
  ASSERT_GE(arguments.size(), 2u);
  const std::string output_dir = arguments[1];
  EXPECT_EQ(fs::path(output_dir).parent_path(), fs::path(work_.path()));
  EXPECT_THAT(arguments,
              ElementsAre("--output-dir", output_dir, "--start-block", "42", "--end-block", "44",
                          "--layout", "recursive_with_poseidon", "--chain-id", "SN_SEPOLIA",
                          "--strk-fee-token", kStrk.ToHex(), "--eth-fee-token", kEth.ToHex(),
                          "--is-l3", "--full-output", "false", "--use-kzg-da", "true",
                          "--debug-mode", "false", "--versioned-constants",
                          "/etc/snos/versioned_constants.json", "--da-public-keys", "0x1,0xabc"));
}

TEST_F(CommandSnosRunnerTest, LeavesOutOptionalArgumentsTheRequestDoesNotUse) {
  auto result = CommandSnosRunner(Options()).Run(Request(5));

  ASSERT_TRUE(result.ok()) << result.error().ToString();
  const auto arguments = RecordedArguments();
  EXPECT_THAT(arguments, Not(Contains("--is-l3")));
  EXPECT_THAT(arguments, Not(Contains("--versioned-constants")));
  EXPECT_THAT(arguments, Not(Contains("--da-public-keys")));
  EXPECT_THAT(arguments, Contains("--full-output"));
}

TEST_F(CommandSnosRunnerTest, ReturnsThePieAndTheOsOutputTheProgramWrote) {
  auto result = CommandSnosRunner(Options()).Run(Request(300));

  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->cairo_pie_zip, std::string("PK\x03\x04"
                                               "fake cairo pie"));
  EXPECT_THAT(result->os_output,
              ElementsAre(crypto::Felt::FromUint64(300), crypto::Felt::FromUint64(1),
                          crypto::Felt::FromUint64(2)));
}

TEST_F(CommandSnosRunnerTest, PassesTheRpcUrlInTheEnvironmentOnlyAndNoOtherVariables) {
  ::setenv("ORCH_TEST_SNOS_UNRELATED_SECRET", "private-key", 1);

  auto result = CommandSnosRunner(Options()).Run(Request(5));
  ::unsetenv("ORCH_TEST_SNOS_UNRELATED_SECRET");

  ASSERT_TRUE(result.ok()) << result.error().ToString();
  const auto environment = RecordedEnvironment();
  EXPECT_THAT(environment, Contains(std::string("SNOS_RPC_URL=") + kSecretRpcUrl));
  EXPECT_THAT(environment, Contains("FAKE_SNOS_MODE=ok"));
  EXPECT_THAT(environment, Contains(HasSubstr("PATH=")));
  EXPECT_THAT(environment, Not(Contains(HasSubstr("ORCH_TEST_SNOS_UNRELATED_SECRET"))));
  for (const std::string& argument : RecordedArguments()) {
    EXPECT_THAT(argument, Not(HasSubstr("node.example"))) << "the RPC URL must not be in argv";
  }
}

TEST_F(CommandSnosRunnerTest, RemovesTheOutputDirectoryAfterSuccessAndFailure) {
  CommandSnosRunner runner(Options());
  ASSERT_TRUE(runner.Run(Request(5)).ok());
  const std::string output_dir = RecordedArguments().at(1);
  EXPECT_FALSE(fs::exists(output_dir));
  EXPECT_TRUE(WorkRootIsEmpty());

  Mode("fail");
  ASSERT_FALSE(runner.Run(Request(6)).ok());
  EXPECT_TRUE(WorkRootIsEmpty());
}

TEST_F(CommandSnosRunnerTest, ExitCode75IsTransientWithTheStderrText) {
  Mode("retry");

  auto result = CommandSnosRunner(Options()).Run(Request(5));

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(result.error().transient());
  EXPECT_THAT(result.error().message(), HasSubstr("exit 75"));
  EXPECT_THAT(result.error().message(), HasSubstr("connection reset by peer"));
}

TEST_F(CommandSnosRunnerTest, OtherExitCodesArePermanentAndQuoteTheEndOfStderr) {
  Mode("fail");
  CommandSnosRunnerOptions options = Options();
  options.max_stderr_bytes = 1024;

  auto result = CommandSnosRunner(options).Run(Request(5));

  ASSERT_FALSE(result.ok());
  const std::string& message = result.error().message();
  EXPECT_EQ(result.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(result.error().transient());
  EXPECT_THAT(message, HasSubstr("exit 1"));
  EXPECT_THAT(message, HasSubstr("blocks 5..=5"));
  EXPECT_THAT(message, HasSubstr("Error: OS execution error: Unknown opcode at pc 1234"));
  EXPECT_THAT(message, Not(HasSubstr("early log line 0:")));  // the start was cut
  EXPECT_LT(message.size(), 1024u + 300u);
}

TEST_F(CommandSnosRunnerTest, TheRpcUrlEchoedOnStderrIsMaskedInTheMessage) {
  Mode("fail");

  auto result = CommandSnosRunner(Options()).Run(Request(5));

  ASSERT_FALSE(result.ok());
  const std::string& message = result.error().message();
  EXPECT_THAT(message, HasSubstr("rpc client: cannot use <node url>"));
  for (const char* secret : {"hunter2", "key-abc123", "s3cr3t", kSecretRpcUrl}) {
    EXPECT_THAT(message, Not(HasSubstr(secret)));
  }
}

TEST_F(CommandSnosRunnerTest, AFloodOfStderrKeepsItsEndAndNoSecret) {
  Mode("flood");  // ~400 KiB, masked and trimmed several times while it arrives

  auto result = CommandSnosRunner(Options()).Run(Request(5));

  ASSERT_FALSE(result.ok());
  const std::string& message = result.error().message();
  EXPECT_THAT(message, HasSubstr("log line 3999: asked <node url> for block 5"));
  EXPECT_THAT(message, HasSubstr("Error: OS execution error: the last words"));
  EXPECT_THAT(message, Not(HasSubstr("log line 3000:")));
  EXPECT_LT(message.size(), 4096u + 300u);
  for (const char* secret : {"hunter2", "key-abc123", "s3cr3t"}) {
    EXPECT_THAT(message, Not(HasSubstr(secret)));
  }
}

TEST_F(CommandSnosRunnerTest, KilledBySignalIsTransient) {
  Mode("kill-self");

  auto result = CommandSnosRunner(Options()).Run(Request(5));

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(result.error().transient());
  EXPECT_THAT(result.error().message(), HasSubstr("killed by signal 9"));
}

TEST_F(CommandSnosRunnerTest, TimeoutKillsTheProgramAndWhatItStarted) {
  Mode("sleep");
  CommandSnosRunnerOptions options = Options();
  options.timeout = 300ms;

  const auto start = std::chrono::steady_clock::now();
  auto result = CommandSnosRunner(options).Run(Request(5));
  const auto elapsed = std::chrono::steady_clock::now() - start;

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kTimeout);
  EXPECT_TRUE(result.error().transient());
  EXPECT_THAT(result.error().message(), HasSubstr("timed out after 300 ms"));
  EXPECT_THAT(result.error().message(), HasSubstr("waiting for the node"));
  EXPECT_LT(elapsed, 2s) << "SIGTERM should end it well before the grace period";
  const pid_t pid = RecordedPid("pid");
  const pid_t child = RecordedPid("child_pid");
  ASSERT_GT(pid, 0);
  ASSERT_GT(child, 0);
  EXPECT_TRUE(ProcessGone(pid));
  EXPECT_TRUE(ProcessGone(child));
  EXPECT_TRUE(WorkRootIsEmpty());
}

TEST_F(CommandSnosRunnerTest, TimeoutEscalatesToSigkillWhenSigtermIsIgnored) {
  Mode("ignore-term");
  CommandSnosRunnerOptions options = Options();
  options.timeout = 300ms;
  options.kill_grace = 300ms;

  const auto start = std::chrono::steady_clock::now();
  auto result = CommandSnosRunner(options).Run(Request(5));
  const auto elapsed = std::chrono::steady_clock::now() - start;

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kTimeout);
  EXPECT_GE(elapsed, 600ms);
  EXPECT_LT(elapsed, 5s);
  const pid_t pid = RecordedPid("pid");
  const pid_t child = RecordedPid("child_pid");
  ASSERT_GT(pid, 0);
  ASSERT_GT(child, 0);
  EXPECT_TRUE(ProcessGone(pid));
  EXPECT_TRUE(ProcessGone(child));
}

TEST_F(CommandSnosRunnerTest, MissingOutputFilesAreDataLossNamingTheFile) {
  for (const auto& [mode, file] :
       {std::pair{"no-output", "cairo_pie.zip"}, std::pair{"no-os-output", "os_output.json"}}) {
    Mode(mode);
    auto result = CommandSnosRunner(Options()).Run(Request(5));
    ASSERT_FALSE(result.ok()) << mode;
    EXPECT_EQ(result.error().code(), ErrorCode::kDataLoss) << mode;
    EXPECT_FALSE(result.error().transient()) << mode;
    EXPECT_THAT(result.error().message(), HasSubstr("exited 0 but wrote no "));
    EXPECT_THAT(result.error().message(), HasSubstr(file)) << mode;
  }
}

TEST_F(CommandSnosRunnerTest, MalformedOutputIsDataLossNamingTheFileAndElement) {
  for (const auto& [mode, expected] :
       {std::pair{"number-element", "os_output.json: element 2 is a number"},
        std::pair{"bad-felt", "os_output.json: element 1 (\"0xzz\")"},
        std::pair{"not-json", "os_output.json: not valid JSON"},
        std::pair{"not-zip", "cairo_pie.zip: not a Cairo PIE zip"}}) {
    Mode(mode);
    auto result = CommandSnosRunner(Options()).Run(Request(5));
    ASSERT_FALSE(result.ok()) << mode;
    EXPECT_EQ(result.error().code(), ErrorCode::kDataLoss) << mode;
    EXPECT_THAT(result.error().message(), HasSubstr(expected)) << mode;
  }
}

TEST_F(CommandSnosRunnerTest, AProgramThatCannotBeStartedIsPermanent) {
  CommandSnosRunnerOptions options = Options();
  options.program = work_.File("no-such-sidecar");

  auto result = CommandSnosRunner(options).Run(Request(5));

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(result.error().transient());
  EXPECT_THAT(result.error().message(), HasSubstr("cannot run " + options.program));
  EXPECT_THAT(result.error().message(), HasSubstr("No such file"));
  EXPECT_TRUE(WorkRootIsEmpty());
}

TEST_F(CommandSnosRunnerTest, AnInvalidRequestRunsNothing) {
  SnosRequest reversed = Request(9);
  reversed.start_block = 10;
  SnosRequest bad_url = Request(9);
  bad_url.rpc_url = "node.example:9545/key-abc123";
  SnosRequest bad_chain = Request(9);
  bad_chain.chain.chain_id = "--layout";
  SnosRequest bad_layout = Request(9);
  bad_layout.layout = "all cairo";

  for (const SnosRequest& request : {reversed, bad_url, bad_chain, bad_layout}) {
    auto result = CommandSnosRunner(Options()).Run(request);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_THAT(result.error().message(), Not(HasSubstr("key-abc123")));
  }
  EXPECT_FALSE(fs::exists(record_.File("args")));
  EXPECT_TRUE(WorkRootIsEmpty());
}

TEST_F(CommandSnosRunnerTest, ConcurrentRunsKeepTheirOutputsApart) {
  ::unsetenv("FAKE_SNOS_RECORD_DIR");  // the runs would overwrite each other's record
  CommandSnosRunner runner(Options());
  constexpr int kRuns = 6;
  std::vector<Result<SnosResult>> results(kRuns, Error::Internal("not run"));
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < kRuns; ++i) {
      threads.emplace_back([&, i] { results[i] = runner.Run(Request(1000 + i)); });
    }
  }
  for (int i = 0; i < kRuns; ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].error().ToString();
    ASSERT_FALSE(results[i]->os_output.empty());
    EXPECT_EQ(results[i]->os_output.front(), crypto::Felt::FromUint64(1000 + i));
  }
  EXPECT_TRUE(WorkRootIsEmpty());
}

TEST_F(CommandSnosRunnerTest, DescribeNamesTheProgram) {
  EXPECT_EQ(CommandSnosRunner(Options()).Describe(),
            std::string("command:") + ORCH_FAKE_SNOS_SIDECAR);
}

}  // namespace
}  // namespace orch::snos
