// The whole pipeline end to end on the devnet stack (Anvil with the contracts, the Madara
// stand-in, fixture SNOS, mock prover): `orchestrator devnet` on the committed chain, and the
// real `orchestrator run` binary under faults (node errors and outages, a SNOS block missing for
// a while, Anvil restarted, the orchestrator killed with SIGKILL and restarted), proving with
// Atlantic (the fake of the prover tests) through its 5xx answers and hanging requests, and a
// permanent failure that stops the pipeline with a Failed job, an alert and a /v1/status that
// says why.
#include <fcntl.h>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "tests/fakes/fake_atlantic_server.h"
#include "tests/support/exec_arguments.h"
#include "tests/support/local_http_server.h"
#include "tests/support/temp_dir.h"

#include "orch/app/backends.h"
#include "orch/cairo/cairo_pie.h"
#include "orch/cairo/fact.h"
#include "orch/clients/ethereum/http_ethereum_rpc.h"
#include "orch/common/clock.h"
#include "orch/contracts/deploy.h"
#include "orch/devnet/devnet_stack.h"
#include "orch/http/curl_http_client.h"
#include "orch/starknet/state_update_json.h"
#include "orch/store/sql/sql_job_store.h"

namespace orch::devnet {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path kChain = fs::path(ORCH_PROJECT_SOURCE_DIR) / "devnet" / "chain";

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The new root of `block` in the committed chain.
std::string NewRootOf(const fs::path& chain, std::uint64_t block) {
  const auto update =
      starknet::ParseStateUpdateJson(ReadText(chain / std::to_string(block) / "state_update.json"));
  EXPECT_TRUE(update.ok());
  return update.ok() ? update->new_root->ToHex() : "";
}

// Blocks first..last of the committed chain, copied to `to`.
void CopyBlocks(std::uint64_t first, std::uint64_t last, const fs::path& to) {
  for (std::uint64_t block = first; block <= last; ++block) {
    fs::copy(kChain / std::to_string(block), to / std::to_string(block),
             fs::copy_options::recursive);
  }
}

// `orchestrator <arguments>` as a child process, its stderr in a file.
class OrchestratorProcess {
 public:
  OrchestratorProcess(const std::vector<std::string>& arguments, std::string log)
      : log_(std::move(log)) {
    const std::vector<char*> argv = test_support::ExecArray(arguments, ORCH_BINARY);
    pid_ = fork();
    if (pid_ == 0) {
      const int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(fd, STDERR_FILENO);
      dup2(fd, STDOUT_FILENO);
      execv(ORCH_BINARY, argv.data());
      _exit(127);
    }
  }
  ~OrchestratorProcess() { Signal(SIGKILL); }

  void Signal(int number) {
    if (pid_ > 0) {
      ::kill(pid_, number);
      int status = 0;
      waitpid(pid_, &status, 0);
      exit_status_ = status;
      pid_ = -1;
    }
  }
  int exit_status() const { return exit_status_; }
  std::string log() const { return ReadText(log_); }

 private:
  pid_t pid_ = -1;
  int exit_status_ = -1;
  std::string log_;
};

class DevnetPipelineTest : public ::testing::Test {
 protected:
  // Starts the stack over blocks first..last of the committed chain.
  void StartStack(std::uint64_t first, std::uint64_t last, int block_time_seconds = 0) {
    fs::create_directories(blocks_);
    fs::create_directories(work_);
    CopyBlocks(first, last, blocks_);
    std::ostringstream progress;
    auto stack = DevnetStack::Start(
        {.blocks_dir = blocks_, .work_dir = work_, .block_time_seconds = block_time_seconds},
        progress);
    ASSERT_TRUE(stack.ok()) << stack.error().ToString();
    stack_ = std::move(stack).value();
    database_url_ = "sqlite://" + dir_.File("orchestrator.db");
    storage_url_ = "file://" + dir_.File("artifacts");
    const std::string setup = std::string(ORCH_BINARY) + " setup --database-url " + database_url_ +
                              " --storage-url " + storage_url_ + " 2>/dev/null";
    ASSERT_EQ(std::system(setup.c_str()), 0);
  }

  std::vector<std::string> RunArguments(
      const std::string& alert_url = "log:",
      const std::optional<AtlanticService>& atlantic = std::nullopt) const {
    std::vector<std::string> arguments = {
        "run", "--database-url", database_url_, "--storage-url", storage_url_, "--alert-url",
        alert_url, "--port", "0", "--trigger-interval-seconds", "1", "--verification-poll-ms",
        "100", "--snos-job-timeout-seconds", "120",
        // A SNOS block may be missing for a while: retry
        // every 0.5-2 s for minutes before giving up.
        "--retry-policy", "snos=500,2000,200"};
    for (const std::string& flag : stack_->RunFlags(atlantic)) {
      arguments.push_back(flag);
    }
    return arguments;
  }

  // The orchestrator's jobs, read from its database (SQLite allows this reader).
  std::unique_ptr<app::Backends> OpenBackends() {
    auto backends = app::Backends::Open(
        {.database_url = database_url_, .storage_url = storage_url_, .alert_url = "log:"}, clock_);
    EXPECT_TRUE(backends.ok()) << backends.error().ToString();
    return backends.ok() ? std::move(backends).value() : nullptr;
  }

  std::optional<job::Job> FindJob(job::JobType type, std::uint64_t block) {
    auto backends = OpenBackends();
    if (!backends) {
      return std::nullopt;
    }
    auto found = backends->job_store().FindJob(type, block);
    return found.ok() ? *found : std::nullopt;
  }

  // Waits until `type` of `block` reaches `status` (true) or `timeout` passes (false).
  bool WaitForStatus(job::JobType type, std::uint64_t block, job::JobStatus status,
                     std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      const std::optional<job::Job> job = FindJob(type, block);
      if (job && job->status == status) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  }

  // Waits until the process's log holds `text`.
  static bool WaitForLog(const OrchestratorProcess& process, const std::string& text) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      if (process.log().find(text) != std::string::npos) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  // The settlement account's nonce: the two deployments, then one transaction per settled
  // block when each block was sent exactly once (replacements reuse their nonce).
  std::uint64_t SettlementNonce() {
    httplib::Client client("127.0.0.1", stack_->anvil().port());
    const nlohmann::json request = {{"jsonrpc", "2.0"},
                                    {"id", 1},
                                    {"method", "eth_getTransactionCount"},
                                    {"params", {AnvilProcess::kDevAddress, "latest"}}};
    auto response = client.Post("/", request.dump(), "application/json");
    EXPECT_TRUE(response);
    if (!response) {
      return 0;
    }
    return std::stoull(nlohmann::json::parse(response->body)["result"].get<std::string>(), nullptr,
                       16);
  }

  test_support::TempDir dir_;
  fs::path blocks_ = dir_.File("blocks");
  fs::path work_ = dir_.File("work");
  SystemClock clock_;
  std::unique_ptr<DevnetStack> stack_;
  std::string database_url_;
  std::string storage_url_;
};

TEST_F(DevnetPipelineTest, DevnetSettlesTheCommittedChainWithEveryJobCompletedOnce) {
  ASSERT_TRUE(fs::is_directory(kChain)) << kChain;
  std::uint64_t first = UINT64_MAX;
  std::uint64_t last = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(kChain)) {
    if (entry.is_directory()) {
      const std::uint64_t block = std::stoull(entry.path().filename().string());
      first = std::min(first, block);
      last = std::max(last, block);
    }
  }
  const std::uint64_t blocks = last - first + 1;
  ASSERT_GE(blocks, 20u);

  const std::string out = dir_.File("devnet.out");
  const std::string err = dir_.File("devnet.err");
  const std::string command = std::string(ORCH_BINARY) + " devnet --blocks " + kChain.string() +
                              " --work-dir " + work_.string() + " >" + out + " 2>" + err;
  const int status = std::system(command.c_str());
  const std::string progress = ReadText(err);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << progress;
  std::string stdout_text = ReadText(out);
  const std::string last_line =
      stdout_text.substr(stdout_text.find_last_of('\n', stdout_text.size() - 2) + 1);
  const nlohmann::json summary = nlohmann::json::parse(last_line);
  EXPECT_TRUE(summary["settled"].get<bool>());
  EXPECT_EQ(summary["settled_through"].get<std::uint64_t>(), last);
  EXPECT_EQ(summary["l1_state_block_number"].get<std::int64_t>(), static_cast<std::int64_t>(last));
  EXPECT_EQ(summary["l1_state_root"].get<std::string>(), NewRootOf(kChain, last));
  const auto transactions = summary["transactions"].get<std::vector<std::string>>();
  EXPECT_EQ(transactions.size(), blocks);
  EXPECT_EQ(std::set<std::string>(transactions.begin(), transactions.end()).size(), blocks);
  EXPECT_THAT(progress, HasSubstr(fmt::format("StateTransition {}/{}", blocks, blocks)));

  // Every stage ran once per block and completed; each settlement was one transaction.
  database_url_ = "sqlite://" + (work_ / "orchestrator.db").string();
  storage_url_ = "file://" + (work_ / "artifacts").string();
  auto backends = OpenBackends();
  ASSERT_TRUE(backends);
  for (const job::JobType type : {job::JobType::kSnosRun, job::JobType::kProofCreation,
                                  job::JobType::kDataSubmission, job::JobType::kStateTransition}) {
    auto jobs = backends->job_store().ListJobs({.types = {type}});
    ASSERT_TRUE(jobs.ok());
    ASSERT_EQ(jobs->size(), blocks) << job::ToString(type);
    for (const job::Job& job : *jobs) {
      EXPECT_EQ(job.status, job::JobStatus::kCompleted)
          << job::ToString(type) << " " << job.internal_id;
      EXPECT_EQ(job.metadata.common.process_attempt_no, 1u)
          << job::ToString(type) << " " << job.internal_id;
      if (type == job::JobType::kStateTransition) {
        const auto& metadata = std::get<job::StateUpdateMetadata>(job.metadata.specific);
        EXPECT_EQ(metadata.tx_attempts.size(), 1u) << job.internal_id;
      }
    }
  }
}

TEST_F(DevnetPipelineTest, RunSettlesThroughNodeFaultsAnAnvilRestartAndAKill) {
  constexpr std::uint64_t kFirst = 1;
  constexpr std::uint64_t kLast = 8;
  // A block a second: a settlement transaction waits for its block long enough to be killed
  // in flight.
  ASSERT_NO_FATAL_FAILURE(StartStack(kFirst, kLast, /*block_time_seconds=*/1));
  // Block 6's SNOS output is not there yet: its SnosRun retries until it appears.
  const fs::path held_back = dir_.File("held-back-6");
  fs::rename(stack_->snos_fixture_dir() / "6", held_back);
  auto run = std::make_unique<OrchestratorProcess>(RunArguments(), dir_.File("run1.log"));
  // Once past its startup checks (which would rightly refuse a node answering garbage), the
  // node answers garbage, then 503s, then normally.
  ASSERT_TRUE(WaitForLog(*run, "pipeline running")) << run->log();
  stack_->standin().InjectFaults(StandinFault::kMalformedJson, 3);
  stack_->standin().InjectFaults(StandinFault::kHttp503, 3);
  ASSERT_TRUE(WaitForStatus(job::JobType::kStateTransition, 4, job::JobStatus::kPendingVerification,
                            std::chrono::seconds(90)))
      << run->log();
  // Killed while block 4's transaction is in flight, no chance to clean up; the node goes away
  // meanwhile.
  run->Signal(SIGKILL);
  stack_->standin().StopListening();
  run = std::make_unique<OrchestratorProcess>(RunArguments(), dir_.File("run2.log"));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  ASSERT_TRUE(stack_->standin().ResumeListening().ok());
  ASSERT_TRUE(WaitForStatus(job::JobType::kStateTransition, 5, job::JobStatus::kCompleted,
                            std::chrono::seconds(90)))
      << run->log();
  // Settlement node restarted from its state; block 6 becomes available.
  ASSERT_TRUE(stack_->RestartAnvil().ok());
  fs::rename(held_back, stack_->snos_fixture_dir() / "6");
  ASSERT_TRUE(WaitForStatus(job::JobType::kStateTransition, kLast, job::JobStatus::kCompleted,
                            std::chrono::seconds(120)))
      << run->log();
  run->Signal(SIGTERM);

  auto state = stack_->ContractState();
  ASSERT_TRUE(state.ok()) << state.error().ToString();
  EXPECT_EQ(state->block_number, static_cast<std::int64_t>(kLast));
  EXPECT_EQ(state->state_root.ToHex(), NewRootOf(blocks_, kLast));
  EXPECT_EQ(SettlementNonce(), 2 + (kLast - kFirst + 1));
  auto backends = OpenBackends();
  ASSERT_TRUE(backends);
  auto failed = backends->job_store().ListJobs({.statuses = {job::JobStatus::kFailed}});
  ASSERT_TRUE(failed.ok());
  EXPECT_TRUE(failed->empty());
}

TEST_F(DevnetPipelineTest, RunProvesWithAtlanticThroughServerErrorsAndHangsWithOneQueryPerBlock) {
  constexpr std::uint64_t kFirst = 1;
  constexpr std::uint64_t kLast = 8;
  constexpr std::uint64_t kBlocks = kLast - kFirst + 1;
  ASSERT_NO_FATAL_FAILURE(StartStack(kFirst, kLast));

  // Atlantic's L1 verification makes a proven fact valid on the verifier before the query is
  // DONE: the fake registers the fact of the PIE it was sent, from Anvil's second key (the
  // orchestrator's settlement key keeps its nonces to itself).
  http::CurlHttpClient http;
  ethereum::HttpEthereumRpc rpc(http, stack_->ethereum_url());
  const eth::PrivateKey registrar =
      eth::PrivateKey::FromHex(AnvilProcess::kSecondDevPrivateKey).value();
  std::mutex mutex;
  std::set<std::string> registered;  // guarded by mutex
  testing::FakeAtlanticServer atlantic("atl-devnet-key");
  atlantic.SetOnDone([&](const std::string& pie_zip) -> Result<void> {
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(pie_zip.data());
    ORCH_ASSIGN_OR_RETURN(const cairo::CairoPie pie,
                          cairo::CairoPie::ReadBytes(std::span(bytes, pie_zip.size())));
    ORCH_ASSIGN_OR_RETURN(const cairo::FactInfo info, cairo::ComputeFactInfo(pie));
    const eth::Hash32 fact = info.fact.ToBytesBe();
    ORCH_ASSIGN_OR_RETURN(const bool valid, contracts::IsFactValid(rpc, stack_->verifier(), fact));
    if (!valid) {
      ORCH_RETURN_IF_ERROR(contracts::RegisterFact(rpc, registrar, stack_->verifier(), fact));
    }
    std::lock_guard lock(mutex);
    registered.insert(info.fact.ToPaddedHex());
    return Ok();
  });
  using Route = testing::FakeAtlanticServer::Route;
  using testing::ProverFault;
  // Submissions: a dedup lookup answered 503 (the first lookup is the startup check, which
  // does not retry); a POST answered 503, posted again after a lookup; and a POST held past
  // the client's 1 s timeout while Atlantic creates the query, which the next lookup finds:
  // posting it again would make a second query for the block.
  atlantic.InjectFault(Route::kDedupLookup, 3, ProverFault::kServiceUnavailable);
  atlantic.InjectFault(Route::kSubmit, 2, ProverFault::kServiceUnavailable);
  atlantic.InjectFault(Route::kSubmit, 4, ProverFault::kSlow);
  // Status polls: a 503, nginx's 502 page, and a poll held past the timeout.
  atlantic.InjectFault(Route::kStatus, 3, ProverFault::kServiceUnavailable);
  atlantic.InjectFault(Route::kStatus, 7, ProverFault::kHtml502);
  atlantic.InjectFault(Route::kStatus, 10, ProverFault::kSlow);

  std::vector<std::string> arguments =
      RunArguments("log:", AtlanticService{.url = atlantic.url(), .api_key = "atl-devnet-key"});
  arguments.insert(arguments.end(), {"--atlantic-request-timeout-seconds", "1"});
  OrchestratorProcess run(arguments, dir_.File("run.log"));
  ASSERT_TRUE(WaitForStatus(job::JobType::kStateTransition, kLast, job::JobStatus::kCompleted,
                            std::chrono::seconds(90)))
      << run.log();
  run.Signal(SIGTERM);
  const std::string log = run.log();
  EXPECT_THAT(log, HasSubstr("POST /atlantic-query: HTTP 503"));
  EXPECT_THAT(log, HasSubstr("/atlantic-query: no complete answer within 1000 ms"));
  EXPECT_TRUE(std::regex_search(
      log, std::regex("/atlantic-query/[0-9A-Z]+: no complete answer within 1000 ms")));
  EXPECT_THAT(log, HasSubstr("HTTP 502"));

  auto state = stack_->ContractState();
  ASSERT_TRUE(state.ok()) << state.error().ToString();
  EXPECT_EQ(state->block_number, static_cast<std::int64_t>(kLast));
  EXPECT_EQ(state->state_root.ToHex(), NewRootOf(blocks_, kLast));
  EXPECT_EQ(SettlementNonce(), 2 + kBlocks);

  auto backends = OpenBackends();
  ASSERT_TRUE(backends);
  for (const job::JobType type : {job::JobType::kSnosRun, job::JobType::kProofCreation,
                                  job::JobType::kDataSubmission, job::JobType::kStateTransition}) {
    auto jobs = backends->job_store().ListJobs({.types = {type}});
    ASSERT_TRUE(jobs.ok());
    ASSERT_EQ(jobs->size(), kBlocks) << job::ToString(type);
    for (const job::Job& job : *jobs) {
      EXPECT_EQ(job.status, job::JobStatus::kCompleted)
          << job::ToString(type) << " " << job.internal_id;
    }
  }
  // One Atlantic query per block, deduplicated by its ProofCreation job's id, and each block's
  // fact registered: the one its SnosRun computed.
  auto proving = backends->job_store().ListJobs({.types = {job::JobType::kProofCreation}});
  ASSERT_TRUE(proving.ok());
  std::set<std::string> job_ids;
  std::set<std::string> facts;
  for (const job::Job& job : *proving) {
    job_ids.insert(job.id);
    const auto& metadata = std::get<job::ProvingMetadata>(job.metadata.specific);
    facts.insert(metadata.ensure_on_chain_registration.value_or(""));
  }
  const std::vector<std::string> dedup_ids = atlantic.dedup_ids();
  EXPECT_EQ(dedup_ids.size(), kBlocks);
  EXPECT_EQ(std::set<std::string>(dedup_ids.begin(), dedup_ids.end()), job_ids);
  // Every POST made a query but the one answered 503.
  EXPECT_EQ(atlantic.requests("POST", "/atlantic-query").size(), kBlocks + 1);
  std::lock_guard lock(mutex);
  EXPECT_EQ(registered, facts);
}

TEST_F(DevnetPipelineTest, APermanentSnosFailureStopsSettlementWithAnAlertAndAStatusThatSaysWhy) {
  ASSERT_NO_FATAL_FAILURE(StartStack(1, 5));
  // Block 3's OS output is block 4's: it neither matches block 3's PIE nor names block 3.
  // Permanent.
  const fs::path output = stack_->snos_fixture_dir() / "3" / "os_output.json";
  const fs::path other = stack_->snos_fixture_dir() / "4" / "os_output.json";
  std::ofstream(output, std::ios::trunc) << ReadText(other);

  std::mutex mutex;
  std::vector<std::string> alerts;
  testing::LocalHttpServer webhook([&](httplib::Server& server) {
    server.Post("/alert", [&](const httplib::Request& request, httplib::Response& response) {
      std::lock_guard lock(mutex);
      alerts.push_back(request.body);
      response.status = 200;
    });
  });
  OrchestratorProcess run(RunArguments(webhook.url("/alert")), dir_.File("run.log"));
  ASSERT_TRUE(
      WaitForStatus(job::JobType::kSnosRun, 3, job::JobStatus::kFailed, std::chrono::seconds(60)))
      << run.log();
  ASSERT_TRUE(WaitForStatus(job::JobType::kStateTransition, 2, job::JobStatus::kCompleted,
                            std::chrono::seconds(60)))
      << run.log();
  const std::optional<job::Job> failed = FindJob(job::JobType::kSnosRun, 3);
  ASSERT_TRUE(failed);
  EXPECT_THAT(failed->metadata.common.failure_reason.value_or(""),
              HasSubstr("the SNOS run for block 3 is unusable"));
  // Later blocks are not settled past the failure.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_FALSE(FindJob(job::JobType::kStateTransition, 3));
  auto state = stack_->ContractState();
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->block_number, 2);
  {
    std::lock_guard lock(mutex);
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_THAT(alerts[0], HasSubstr("SnosRun"));
  }
  // The operator API says what blocks the pipeline.
  const std::string log = run.log();
  std::smatch port;
  ASSERT_TRUE(
      std::regex_search(log, port, std::regex("serving on http://127\\.0\\.0\\.1:([0-9]+)")))
      << log;
  httplib::Client client("127.0.0.1", std::stoi(port[1].str()));
  auto status = client.Get("/v1/status");
  ASSERT_TRUE(status);
  EXPECT_THAT(status->body, HasSubstr("Failed"));
  EXPECT_THAT(status->body, HasSubstr("the SNOS run for block 3 is unusable"));
  run.Signal(SIGTERM);
}

}  // namespace
}  // namespace orch::devnet
