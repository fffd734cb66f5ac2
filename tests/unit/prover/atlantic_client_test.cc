#include "orch/clients/prover/atlantic_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/fakes/fake_atlantic_server.h"
#include "tests/support/local_http_server.h"

#include "orch/crypto/u256.h"
#include "orch/http/curl_http_client.h"

namespace orch::prover {
namespace {

using ::orch::testing::FakeAtlanticServer;
using ::orch::testing::ProverFault;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

constexpr std::string_view kApiKey = "atl-secret-9f8e7d6c5b4a3921";
constexpr std::string_view kVerifierHash =
    "0x193641eb151b0f41674641089952e60bc3aded26e3cf42793655c562b8c3aa0";
constexpr std::string_view kFact =
    "0xca15503f02f8406b599cb220879e842394f5cf2cef753f3ee430647b5981b782";
constexpr std::string_view kProof = R"({"proof_parameters": {"stark": {"log_n_cosets": 2}}})";

// Bytes a careless multipart encoder would break: NULs, CR LF, dashes, every byte value.
std::string Pie() {
  std::string pie = "PK\x03\x04";
  pie += std::string("\0\r\n--orch-\r\n\r\n", 15);
  for (int i = 0; i < 5000; ++i) {
    pie += static_cast<char>((i * 131) % 256);
  }
  return pie;
}

std::vector<std::string> PartNames(const FakeAtlanticServer::RecordedRequest& request) {
  std::vector<std::string> names;
  for (const auto& part : request.parts) {
    names.push_back(part.name);
  }
  return names;
}

const FakeAtlanticServer::Part& FindPart(const FakeAtlanticServer::RecordedRequest& request,
                                         const std::string& name) {
  for (const auto& part : request.parts) {
    if (part.name == name) {
      return part;
    }
  }
  ADD_FAILURE() << "no part " << name;
  static const FakeAtlanticServer::Part kNone;
  return kNone;
}

class FakeFactRegistry final : public FactRegistry {
 public:
  void SetAnswer(Result<bool> answer) {
    std::lock_guard lock(mutex_);
    answer_ = std::move(answer);
  }
  std::vector<crypto::U256> asked() const {
    std::lock_guard lock(mutex_);
    return asked_;
  }

  Result<bool> IsValid(const crypto::U256& fact) override {
    std::lock_guard lock(mutex_);
    asked_.push_back(fact);
    return answer_;
  }

 private:
  mutable std::mutex mutex_;
  Result<bool> answer_ = false;
  std::vector<crypto::U256> asked_;
};

// Sends spdlog's default logger into a string for the duration of a test.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    spdlog::set_default_logger(std::make_shared<spdlog::logger>(
        "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_)));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::string text() const { return stream_.str(); }

 private:
  std::ostringstream stream_;
  std::shared_ptr<spdlog::logger> previous_;
};

class AtlanticClientTest : public ::testing::Test {
 protected:
  AtlanticClientOptions Options() {
    AtlanticClientOptions options;
    options.service_url = server_.url();
    options.api_key = std::string(kApiKey);
    options.artifacts_base_url = server_.url();
    options.network = AtlanticNetwork::kTestnet;
    options.cairo_verifier_program_hash = std::string(kVerifierHash);
    options.request_timeout = 5000ms;
    options.retry.sleep = [this](std::chrono::milliseconds delay) {
      std::lock_guard lock(mutex_);
      sleeps_.push_back(delay);
    };
    return options;
  }

  std::vector<std::chrono::milliseconds> sleeps() const {
    std::lock_guard lock(mutex_);
    return sleeps_;
  }

  std::size_t Posts() const { return server_.requests("POST", "/atlantic-query").size(); }

  FakeAtlanticServer server_{std::string(kApiKey)};
  http::CurlHttpClient http_;
  mutable std::mutex mutex_;
  std::vector<std::chrono::milliseconds> sleeps_;
};

TEST_F(AtlanticClientTest, SubmitLooksUpTheDedupIdThenPostsTheFieldsInUpstreamOrder) {
  AtlanticClient client(http_, Options());
  auto id = client.SubmitProof(
      ProofRequest{.dedup_id = "job-1", .cairo_pie_zip = Pie(), .n_steps = 15'000'000});
  ASSERT_TRUE(id.ok()) << id.error().ToString();

  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].path, "/atlantic-query-by-dedup-id");
  EXPECT_EQ(requests[0].params.find("dedupId")->second, "job-1");
  EXPECT_EQ(requests[0].api_key, std::string(kApiKey));

  const auto& post = requests[1];
  EXPECT_EQ(post.path, "/atlantic-query");
  EXPECT_EQ(post.api_key, std::string(kApiKey));
  EXPECT_THAT(PartNames(post),
              ElementsAre("declaredJobSize", "result", "network", "cairoVersion", "cairoVm",
                          "sharpProver", "dedupId", "pieFile", "mockFactHash"));
  EXPECT_EQ(FindPart(post, "declaredJobSize").content, "M");
  EXPECT_EQ(FindPart(post, "result").content, "PROOF_GENERATION");
  EXPECT_EQ(FindPart(post, "network").content, "TESTNET");
  EXPECT_EQ(FindPart(post, "cairoVersion").content, "cairo0");
  EXPECT_EQ(FindPart(post, "cairoVm").content, "rust");
  EXPECT_EQ(FindPart(post, "sharpProver").content, "stone");
  EXPECT_EQ(FindPart(post, "dedupId").content, "job-1");
  EXPECT_EQ(FindPart(post, "mockFactHash").content, "false");
  const auto& pie = FindPart(post, "pieFile");
  EXPECT_EQ(pie.filename, "pie.zip");
  EXPECT_EQ(pie.content_type, "application/zip");
  EXPECT_EQ(pie.content, Pie());
  EXPECT_TRUE(FindPart(post, "result").filename.empty());
}

TEST_F(AtlanticClientTest, SettlementOnStarknetAppendsResultAndLayoutBeforeMockFactHash) {
  AtlanticClientOptions options = Options();
  options.settlement_layer = AtlanticSettlementLayer::kStarknet;
  options.prover_layout = "dynamic";
  options.mock_fact_hash = true;
  options.network = AtlanticNetwork::kMainnet;
  options.cairo_vm = AtlanticCairoVm::kPython;
  options.sharp_prover = AtlanticSharpProver::kStwo;
  options.result_step = "PROOF_VERIFICATION_ON_L1";
  AtlanticClient client(http_, options);
  ASSERT_TRUE(client.SubmitProof(ProofRequest{.dedup_id = "job-2", .cairo_pie_zip = Pie()}).ok());

  const auto posts = server_.requests("POST", "/atlantic-query");
  ASSERT_EQ(posts.size(), 1u);
  const auto& parts = posts[0].parts;
  EXPECT_THAT(PartNames(posts[0]),
              ElementsAre("declaredJobSize", "result", "network", "cairoVersion", "cairoVm",
                          "sharpProver", "dedupId", "pieFile", "result", "layout", "mockFactHash"));
  EXPECT_EQ(parts[0].content, "L");  // no n_steps: sized as 40 M steps
  EXPECT_EQ(parts[1].content, "PROOF_VERIFICATION_ON_L1");
  EXPECT_EQ(parts[2].content, "MAINNET");
  EXPECT_EQ(parts[4].content, "python");
  EXPECT_EQ(parts[5].content, "stwo");
  EXPECT_EQ(parts[8].content, "PROOF_GENERATION");
  EXPECT_EQ(parts[9].content, "dynamic");
  EXPECT_EQ(parts[10].content, "true");
}

TEST(AtlanticDeclaredJobSizeTest, SizesByMillionsOfSteps) {
  EXPECT_EQ(AtlanticClient::DeclaredJobSize(0), "S");
  EXPECT_EQ(AtlanticClient::DeclaredJobSize(12'999'999), "S");
  EXPECT_EQ(AtlanticClient::DeclaredJobSize(13'000'000), "M");
  EXPECT_EQ(AtlanticClient::DeclaredJobSize(29'999'999), "M");
  EXPECT_EQ(AtlanticClient::DeclaredJobSize(30'000'000), "L");
  EXPECT_EQ(AtlanticClient::DeclaredJobSize(std::nullopt), "L");
}

TEST_F(AtlanticClientTest, ASecondSubmissionWithTheSameDedupIdReusesTheQuery) {
  AtlanticClient client(http_, Options());
  const ProofRequest request{.dedup_id = "job-3", .cairo_pie_zip = Pie()};
  auto first = client.SubmitProof(request);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  auto second = client.SubmitProof(request);
  ASSERT_TRUE(second.ok()) << second.error().ToString();

  EXPECT_EQ(*second, *first);
  EXPECT_EQ(Posts(), 1u);
  EXPECT_EQ(server_.requests("GET", "/atlantic-query-by-dedup-id").size(), 2u);
}

TEST_F(AtlanticClientTest, AFailedQueryWithTheDedupIdIsSubmittedAgain) {
  AtlanticClient client(http_, Options());
  const ProofRequest request{.dedup_id = "job-4", .cairo_pie_zip = Pie()};
  auto first = client.SubmitProof(request);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  server_.SetStatus(*first, "FAILED", "out of memory");

  auto second = client.SubmitProof(request);
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_NE(*second, *first);
  EXPECT_EQ(Posts(), 2u);
}

TEST_F(AtlanticClientTest, StatusesMapToProcessingThenSucceededWithoutTheApiKey) {
  AtlanticClient client(http_, Options());
  auto id = client.SubmitProof(ProofRequest{.dedup_id = "job-5", .cairo_pie_zip = Pie()});
  ASSERT_TRUE(id.ok()) << id.error().ToString();

  std::vector<TaskStatus::State> states;
  for (int poll = 0; poll < 3; ++poll) {
    auto status = client.GetStatus(*id, std::nullopt);
    ASSERT_TRUE(status.ok()) << status.error().ToString();
    states.push_back(status->state);
  }
  // The fake answers RECEIVED, IN_PROGRESS, DONE.
  EXPECT_THAT(states, ElementsAre(TaskStatus::State::kProcessing, TaskStatus::State::kProcessing,
                                  TaskStatus::State::kSucceeded));
  const auto polls = server_.requests("GET", "/atlantic-query/" + *id);
  ASSERT_EQ(polls.size(), 3u);
  for (const auto& poll : polls) {
    EXPECT_EQ(poll.api_key, std::nullopt);
  }
}

TEST_F(AtlanticClientTest, AFailedQueryIsFailedWithAtlanticsReason) {
  AtlanticClient client(http_, Options());
  server_.SetStatus("01QUERY", "FAILED", "Cairo PIE is malformed");
  auto status = client.GetStatus("01QUERY", std::nullopt);
  ASSERT_TRUE(status.ok()) << status.error().ToString();
  EXPECT_EQ(status->state, TaskStatus::State::kFailed);
  EXPECT_EQ(status->failure_reason, "Cairo PIE is malformed");
}

TEST_F(AtlanticClientTest, AnUnknownStatusIsDataLoss) {
  AtlanticClient client(http_, Options());
  server_.SetStatus("01QUERY", "EXPLODED");
  auto status = client.GetStatus("01QUERY", std::nullopt);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kDataLoss);
  EXPECT_THAT(status.error().message(), HasSubstr("EXPLODED"));
}

TEST_F(AtlanticClientTest, ADoneQuerySucceedsOnlyOnceItsFactIsValidOnChain) {
  FakeFactRegistry registry;
  AtlanticClientOptions options = Options();
  options.fact_registry = &registry;
  AtlanticClient client(http_, options);
  server_.SetStatus("01DONE", "DONE");
  const std::optional<std::string> fact(kFact);

  registry.SetAnswer(false);
  auto pending = client.GetStatus("01DONE", fact);
  ASSERT_TRUE(pending.ok()) << pending.error().ToString();
  EXPECT_EQ(pending->state, TaskStatus::State::kProcessing);

  registry.SetAnswer(true);
  auto done = client.GetStatus("01DONE", fact);
  ASSERT_TRUE(done.ok()) << done.error().ToString();
  EXPECT_EQ(done->state, TaskStatus::State::kSucceeded);

  ASSERT_EQ(registry.asked().size(), 2u);
  EXPECT_EQ(registry.asked()[0], *crypto::U256::FromHex(kFact));

  // Without a fact there is nothing to check.
  auto no_fact = client.GetStatus("01DONE", std::nullopt);
  ASSERT_TRUE(no_fact.ok());
  EXPECT_EQ(no_fact->state, TaskStatus::State::kSucceeded);
  EXPECT_EQ(registry.asked().size(), 2u);
}

TEST_F(AtlanticClientTest, RegistryErrorsPropagateAndAMalformedFactIsRefused) {
  FakeFactRegistry registry;
  AtlanticClientOptions options = Options();
  options.fact_registry = &registry;
  AtlanticClient client(http_, options);
  server_.SetStatus("01DONE", "DONE");

  registry.SetAnswer(Error::Unavailable("node down"));
  auto unreachable = client.GetStatus("01DONE", std::string(kFact));
  ASSERT_FALSE(unreachable.ok());
  EXPECT_EQ(unreachable.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(unreachable.error().transient());
  EXPECT_THAT(unreachable.error().message(), HasSubstr("node down"));

  auto malformed = client.GetStatus("01DONE", std::string("0xnothex"));
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(AtlanticClientTest, MockFactHashSkipsTheOnChainCheck) {
  FakeFactRegistry registry;
  AtlanticClientOptions options = Options();
  options.fact_registry = &registry;
  options.mock_fact_hash = true;
  AtlanticClient client(http_, options);
  server_.SetStatus("01DONE", "DONE");

  auto status = client.GetStatus("01DONE", std::string(kFact));
  ASSERT_TRUE(status.ok()) << status.error().ToString();
  EXPECT_EQ(status->state, TaskStatus::State::kSucceeded);
  EXPECT_TRUE(registry.asked().empty());
}

TEST_F(AtlanticClientTest, GetProofDownloadsProofJsonFromTheArtifacts) {
  AtlanticClient client(http_, Options());
  server_.SetProof("01DONE", std::string(kProof));
  auto proof = client.GetProof("01DONE");
  ASSERT_TRUE(proof.ok()) << proof.error().ToString();
  EXPECT_EQ(*proof, kProof);
  const auto downloads = server_.requests("GET", "/queries/01DONE/proof.json");
  ASSERT_EQ(downloads.size(), 1u);
  EXPECT_EQ(downloads[0].api_key, std::nullopt);
}

TEST_F(AtlanticClientTest, AProofThatIsNotAJsonObjectIsDataLoss) {
  AtlanticClient client(http_, Options());
  server_.SetProof("01DONE", "proof: yes");
  auto proof = client.GetProof("01DONE");
  ASSERT_FALSE(proof.ok());
  EXPECT_EQ(proof.error().code(), ErrorCode::kDataLoss);
  EXPECT_FALSE(proof.error().transient());
}

TEST_F(AtlanticClientTest, L2VerificationSendsTheWrappedProofAndItsFields) {
  AtlanticClient client(http_, Options());
  auto id = client.SubmitL2Verification("registration-1", kProof, 20'000'000);
  ASSERT_TRUE(id.ok()) << id.error().ToString();

  EXPECT_EQ(server_.requests("GET", "/atlantic-query-by-dedup-id").size(), 1u);
  const auto posts = server_.requests("POST", "/atlantic-query");
  ASSERT_EQ(posts.size(), 1u);
  const auto& post = posts[0];
  EXPECT_THAT(PartNames(post), ElementsAre("inputFile", "programHash", "layout", "declaredJobSize",
                                           "network", "result", "cairoVm", "cairoVersion",
                                           "sharpProver", "dedupId", "mockFactHash"));
  const auto& input = FindPart(post, "inputFile");
  EXPECT_EQ(input.filename, "proof.json");
  EXPECT_EQ(input.content_type, "application/json");
  EXPECT_EQ(input.content, "{\n\t\"proof\": " + std::string(kProof) + "\n}");
  EXPECT_EQ(FindPart(post, "programHash").content, kVerifierHash);
  EXPECT_EQ(FindPart(post, "layout").content, "recursive_with_poseidon");
  EXPECT_EQ(FindPart(post, "declaredJobSize").content, "M");
  EXPECT_EQ(FindPart(post, "network").content, "TESTNET");
  EXPECT_EQ(FindPart(post, "result").content, "PROOF_VERIFICATION_ON_L2");
  EXPECT_EQ(FindPart(post, "cairoVm").content, "python");
  EXPECT_EQ(FindPart(post, "cairoVersion").content, "cairo0");
  EXPECT_EQ(FindPart(post, "sharpProver").content, "stone");
  EXPECT_EQ(FindPart(post, "dedupId").content, "registration-1");
  EXPECT_EQ(FindPart(post, "mockFactHash").content, "false");

  // Deduplicated like a proof.
  auto again = client.SubmitL2Verification("registration-1", kProof, 20'000'000);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *id);
  EXPECT_EQ(Posts(), 1u);
}

TEST_F(AtlanticClientTest, L2VerificationNeedsTheVerifierHashAndAJsonProof) {
  AtlanticClientOptions options = Options();
  options.cairo_verifier_program_hash.clear();
  AtlanticClient unconfigured(http_, options);
  auto refused = unconfigured.SubmitL2Verification("registration-2", kProof, std::nullopt);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);

  AtlanticClient client(http_, Options());
  auto not_json = client.SubmitL2Verification("registration-2", "not json", std::nullopt);
  ASSERT_FALSE(not_json.ok());
  EXPECT_EQ(not_json.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(server_.requests().empty());
}

TEST_F(AtlanticClientTest, ServerErrorsAreRetriedOnTheBackoffScheduleThenSucceed) {
  AtlanticClient client(http_, Options());
  server_.SetStatus("01Q", "IN_PROGRESS");
  server_.faults().Push(ProverFault::kServiceUnavailable, 2);
  auto status = client.GetStatus("01Q", std::nullopt);
  ASSERT_TRUE(status.ok()) << status.error().ToString();
  EXPECT_EQ(status->state, TaskStatus::State::kProcessing);
  EXPECT_EQ(server_.requests().size(), 3u);
  EXPECT_THAT(sleeps(), ElementsAre(2000ms, 4000ms));
}

TEST_F(AtlanticClientTest, AnExhaustedRetryBudgetIsATransientError) {
  AtlanticClient client(http_, Options());
  server_.SetStatus("01Q", "IN_PROGRESS");
  server_.faults().Push(ProverFault::kServiceUnavailable, 100);
  auto status = client.GetStatus("01Q", std::nullopt);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(status.error().transient());
  EXPECT_THAT(status.error().message(), HasSubstr("HTTP 503"));
  EXPECT_THAT(status.error().message(), HasSubstr("6 attempts"));
  // 2 + 4 + 8 + 16 + 32 = 62 s; waiting 64 s more would pass the 120 s budget.
  EXPECT_THAT(sleeps(), ElementsAre(2000ms, 4000ms, 8000ms, 16000ms, 32000ms));
  EXPECT_EQ(server_.requests().size(), 6u);
}

TEST_F(AtlanticClientTest, ATimeoutIsRetried) {
  AtlanticClientOptions options = Options();
  options.request_timeout = 300ms;
  AtlanticClient client(http_, options);
  server_.SetStatus("01Q", "IN_PROGRESS");
  server_.faults().Push(ProverFault::kSlow);
  auto status = client.GetStatus("01Q", std::nullopt);
  ASSERT_TRUE(status.ok()) << status.error().ToString();
  EXPECT_THAT(sleeps(), ElementsAre(2000ms));
}

TEST_F(AtlanticClientTest, AFailedSubmissionIsRetriedAsAWholeDedupLookupFirst) {
  AtlanticClient client(http_, Options());
  server_.InjectFault(FakeAtlanticServer::Route::kSubmit, 1, ProverFault::kServiceUnavailable);
  auto id = client.SubmitProof(ProofRequest{.dedup_id = "job-10", .cairo_pie_zip = Pie()});
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  std::vector<std::string> routes;
  for (const auto& request : server_.requests()) {
    routes.push_back(request.method + " " + request.path);
  }
  EXPECT_THAT(routes, ElementsAre("GET /atlantic-query-by-dedup-id", "POST /atlantic-query",
                                  "GET /atlantic-query-by-dedup-id", "POST /atlantic-query"));
  EXPECT_THAT(server_.dedup_ids(), ElementsAre("job-10"));
  EXPECT_THAT(sleeps(), ElementsAre(2000ms));
}

TEST_F(AtlanticClientTest, ASubmissionWhoseAnswerIsLostIsFoundByTheLookupNotPostedTwice) {
  AtlanticClientOptions options = Options();
  options.request_timeout = 300ms;
  // The wait really passes: Atlantic finishes creating the query meanwhile.
  options.retry.sleep = [](std::chrono::milliseconds) {
    std::this_thread::sleep_for(orch::testing::kSlowFaultDelay);
  };
  AtlanticClient client(http_, options);
  // The POST outlasts the client's timeout, and Atlantic creates the query all the same.
  server_.InjectFault(FakeAtlanticServer::Route::kSubmit, 1, ProverFault::kSlow);
  auto id = client.SubmitProof(ProofRequest{.dedup_id = "job-11", .cairo_pie_zip = Pie()});
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  EXPECT_EQ(Posts(), 1u);
  EXPECT_THAT(server_.dedup_ids(), ElementsAre("job-11"));
  EXPECT_EQ(server_.requests("GET", "/atlantic-query-by-dedup-id").size(), 2u);
}

TEST_F(AtlanticClientTest, LoadBalancerAnswersAreRetried) {
  AtlanticClient client(http_, Options());
  server_.SetStatus("01Q", "DONE");
  server_.faults().Push(ProverFault::kLoadBalancer404);
  server_.faults().Push(ProverFault::kHtml502);
  auto status = client.GetStatus("01Q", std::nullopt);
  ASSERT_TRUE(status.ok()) << status.error().ToString();
  EXPECT_EQ(status->state, TaskStatus::State::kSucceeded);
  EXPECT_EQ(server_.requests().size(), 3u);
}

TEST_F(AtlanticClientTest, ALoadBalancer404OnTheDedupLookupIsRetriedNotTakenAsNotFound) {
  AtlanticClient client(http_, Options());
  auto first = client.SubmitProof(ProofRequest{.dedup_id = "job-6", .cairo_pie_zip = Pie()});
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  server_.faults().Push(ProverFault::kLoadBalancer404);
  auto second = client.SubmitProof(ProofRequest{.dedup_id = "job-6", .cairo_pie_zip = Pie()});
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(*second, *first);
  EXPECT_EQ(Posts(), 1u);
  EXPECT_THAT(sleeps(), ElementsAre(2000ms));
}

TEST_F(AtlanticClientTest, MalformedJsonIsDataLossWithoutRetries) {
  AtlanticClient client(http_, Options());
  server_.SetStatus("01Q", "DONE");
  server_.faults().Push(ProverFault::kMalformedJson);
  auto status = client.GetStatus("01Q", std::nullopt);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kDataLoss);
  EXPECT_FALSE(status.error().transient());
  EXPECT_EQ(server_.requests().size(), 1u);
  EXPECT_TRUE(sleeps().empty());
}

TEST_F(AtlanticClientTest, AtlanticsJsonRefusalsArePermanentWithItsMessage) {
  AtlanticClient client(http_, Options());
  auto missing = client.GetStatus("01UNKNOWN", std::nullopt);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(missing.error().transient());
  EXPECT_THAT(missing.error().message(), HasSubstr("HTTP 404"));
  EXPECT_THAT(missing.error().message(), HasSubstr("Atlantic query 01UNKNOWN not found"));

  server_.faults().Push(ProverFault::kJsonBadRequest);
  auto refused = client.SubmitProof(ProofRequest{.dedup_id = "job-7", .cairo_pie_zip = Pie()});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(refused.error().transient());
  EXPECT_THAT(refused.error().message(), HasSubstr("HTTP 400"));
  EXPECT_TRUE(sleeps().empty());
  EXPECT_EQ(Posts(), 0u);
}

TEST_F(AtlanticClientTest, TheApiKeyIsInNoMessageAndNoLogLine) {
  LogCapture logs;
  std::vector<std::string> messages;
  const auto collect = [&](const auto& result) {
    ASSERT_FALSE(result.ok());
    messages.push_back(result.error().ToString());
  };
  {
    AtlanticClient client(http_, Options());
    // A refusal echoing the key, and a 503 retried (logged) until the budget runs out after
    // six attempts.
    server_.faults().Push(ProverFault::kJsonBadRequest);
    collect(client.SubmitProof(ProofRequest{.dedup_id = "job-8", .cairo_pie_zip = Pie()}));
    server_.faults().Push(ProverFault::kServiceUnavailable, 6);
    collect(client.SubmitProof(ProofRequest{.dedup_id = "job-8", .cairo_pie_zip = Pie()}));
  }
  {
    AtlanticClientOptions options = Options();
    options.api_key = "wrong-key-5e6f7a8b9c";
    AtlanticClient client(http_, options);
    collect(client.CheckReachable());
    collect(client.SubmitProof(ProofRequest{.dedup_id = "job-8", .cairo_pie_zip = Pie()}));
  }
  {
    AtlanticClientOptions options = Options();
    options.service_url = "http://127.0.0.1:" + std::to_string(orch::testing::ClosedLoopbackPort());
    options.retry.budget = 0ms;
    AtlanticClient client(http_, options);
    collect(client.SubmitProof(ProofRequest{.dedup_id = "job-8", .cairo_pie_zip = Pie()}));
  }
  ASSERT_EQ(messages.size(), 5u);
  EXPECT_THAT(messages[0], HasSubstr("request refused for api-key ***"));
  for (const std::string& message : messages) {
    EXPECT_THAT(message, Not(HasSubstr(kApiKey)));
    EXPECT_THAT(message, Not(HasSubstr("wrong-key-5e6f7a8b9c")));
  }
  EXPECT_THAT(logs.text(), HasSubstr("retrying"));
  EXPECT_THAT(logs.text(), Not(HasSubstr(kApiKey)));
}

TEST_F(AtlanticClientTest, CheckReachableAcceptsTheKeyAndReportsARefusedOne) {
  AtlanticClient client(http_, Options());
  auto reachable = client.CheckReachable();
  EXPECT_TRUE(reachable.ok()) << reachable.error().ToString();
  const auto lookups = server_.requests("GET", "/atlantic-query-by-dedup-id");
  ASSERT_EQ(lookups.size(), 1u);
  EXPECT_EQ(lookups[0].api_key, std::string(kApiKey));

  AtlanticClientOptions options = Options();
  options.api_key = "wrong-key";
  auto refused = AtlanticClient(http_, options).CheckReachable();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(refused.error().message(), HasSubstr("API key was refused"));

  // One attempt only: a preflight does not wait two minutes.
  server_.faults().Push(ProverFault::kServiceUnavailable);
  auto down = client.CheckReachable();
  ASSERT_FALSE(down.ok());
  EXPECT_TRUE(down.error().transient());
  EXPECT_TRUE(sleeps().empty());
}

}  // namespace
}  // namespace orch::prover
