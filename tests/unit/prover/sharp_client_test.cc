#include "orch/clients/prover/sharp_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/fakes/fake_sharp_server.h"
#include "tests/support/temp_dir.h"

#include "orch/http/curl_http_client.h"

namespace orch::prover {
namespace {

using ::nlohmann::json;
using ::orch::testing::FakeSharpServer;
using ::orch::testing::ProverFault;
using ::orch::testing::SharpTlsFiles;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;
using namespace std::chrono_literals;

constexpr std::string_view kCustomerId = "customer-42";
constexpr std::string_view kKey =
    "0x033144ad6b132b1012f15e50aa53de1ed91b3b1af729014c3f1c00b702f972ea";

// Longer than one base64 chunk of the client (3 MiB), and not a multiple of 3.
std::string LargePie() {
  std::string pie(3 * (1 << 20) + 7, '\0');
  std::uint32_t state = 12345;
  for (char& byte : pie) {
    state = state * 1103515245u + 12345u;
    byte = static_cast<char>(state >> 24);
  }
  return pie;
}

class SharpClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test_support::TempDir();
    files_ = new std::optional<SharpTlsFiles>(SharpTlsFiles::Generate(dir_->path()));
  }
  static void TearDownTestSuite() {
    delete files_;
    delete dir_;
  }

  void SetUp() override {
    ASSERT_TRUE(files_->has_value()) << "the openssl command line failed (see above)";
    server_ = std::make_unique<FakeSharpServer>(Files());
    ASSERT_TRUE(server_->valid());
    http_ = std::make_unique<http::CurlHttpClient>(
        http::TlsOptions{Files().client_cert, Files().client_key, Files().server_cert});
  }

  static const SharpTlsFiles& Files() { return **files_; }

  SharpClientOptions Options() {
    SharpClientOptions options;
    options.url = server_->url();
    options.customer_id = std::string(kCustomerId);
    options.request_timeout = 10000ms;
    options.retry.sleep = [this](std::chrono::milliseconds delay) {
      std::lock_guard lock(mutex_);
      sleeps_.push_back(delay);
    };
    return options;
  }

  SharpClient Client() { return SharpClient(*http_, Options()); }

  std::vector<std::chrono::milliseconds> sleeps() const {
    std::lock_guard lock(mutex_);
    return sleeps_;
  }

  static test_support::TempDir* dir_;
  static std::optional<SharpTlsFiles>* files_;
  std::unique_ptr<FakeSharpServer> server_;
  std::unique_ptr<http::CurlHttpClient> http_;
  mutable std::mutex mutex_;
  std::vector<std::chrono::milliseconds> sleeps_;
};

test_support::TempDir* SharpClientTest::dir_ = nullptr;
std::optional<SharpTlsFiles>* SharpClientTest::files_ = nullptr;

TEST_F(SharpClientTest, MutualTlsWorksWithTheClientCertificate) {
  auto reachable = Client().CheckReachable();
  ASSERT_TRUE(reachable.ok()) << reachable.error().ToString();
  const auto requests = server_->requests("/is_alive");
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].client_common_name, "orchestrator-test-client");
  EXPECT_THAT(requests[0].params, ElementsAre(Pair("customer_id", std::string(kCustomerId))));
}

TEST_F(SharpClientTest, WithoutAClientCertificateTheGatewayRefusesAndTheErrorNamesTheMtlsFiles) {
  http::CurlHttpClient no_certificate(http::TlsOptions{.ca_file = Files().server_cert});
  auto reachable = SharpClient(no_certificate, Options()).CheckReachable();
  ASSERT_FALSE(reachable.ok());
  EXPECT_EQ(reachable.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(reachable.error().message(), HasSubstr("sharp: is_alive"));
  EXPECT_THAT(reachable.error().message(), HasSubstr("check the mTLS files"));
  EXPECT_TRUE(server_->requests().empty());
}

TEST_F(SharpClientTest, AClientCertificateTheGatewayDidNotIssueIsRefused) {
  http::CurlHttpClient rogue(
      http::TlsOptions{Files().rogue_client_cert, Files().rogue_client_key, Files().server_cert});
  auto reachable = SharpClient(rogue, Options()).CheckReachable();
  ASSERT_FALSE(reachable.ok());
  EXPECT_EQ(reachable.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(reachable.error().message(), HasSubstr("check the mTLS files"));
  EXPECT_TRUE(server_->requests().empty());
}

TEST_F(SharpClientTest, TheGatewaysSelfSignedCertificateMustBeTrustedExplicitly) {
  http::CurlHttpClient system_trust(http::TlsOptions{.client_cert_file = Files().client_cert,
                                                     .client_key_file = Files().client_key});
  auto reachable = SharpClient(system_trust, Options()).CheckReachable();
  ASSERT_FALSE(reachable.ok());
  EXPECT_THAT(reachable.error().message(), HasSubstr("certificate"));
  EXPECT_TRUE(server_->requests().empty());
}

TEST_F(SharpClientTest, AnUnreadableTlsFileIsAPermanentConfigurationError) {
  http::CurlHttpClient missing_file(
      http::TlsOptions{dir_->File("no-such.crt"), Files().client_key, Files().server_cert});
  auto reachable = SharpClient(missing_file, Options()).CheckReachable();
  ASSERT_FALSE(reachable.ok());
  EXPECT_EQ(reachable.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(reachable.error().transient());
  EXPECT_THAT(reachable.error().message(), HasSubstr("check the TLS certificate"));
}

TEST_F(SharpClientTest, SubmitAsksTheStatusThenSendsAddJobWithTheBase64Pie) {
  const std::string pie = LargePie();
  auto key =
      Client().SubmitProof(ProofRequest{.dedup_id = std::string(kKey), .cairo_pie_zip = pie});
  ASSERT_TRUE(key.ok()) << key.error().ToString();
  EXPECT_EQ(*key, kKey);

  const auto requests = server_->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].path, "/get_status");
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[1].path, "/add_job");
  EXPECT_EQ(requests[1].method, "POST");
  EXPECT_THAT(requests[1].params,
              UnorderedElementsAre(Pair("customer_id", std::string(kCustomerId)),
                                   Pair("cairo_job_key", std::string(kKey)),
                                   Pair("offchain_proof", "true"), Pair("for_applicative", "true"),
                                   Pair("program_hash_function", "PEDERSEN")));
  const json body = json::parse(requests[1].body);
  ASSERT_TRUE(body.is_object());
  EXPECT_EQ(body.size(), 1u);
  EXPECT_EQ(server_->ReceivedPie(std::string(kKey)), pie);
}

TEST_F(SharpClientTest, TheBodyIsStandardPaddedBase64) {
  ASSERT_TRUE(Client().SubmitProof(ProofRequest{.dedup_id = "0x1", .cairo_pie_zip = "hello"}).ok());
  const auto add_jobs = server_->requests("/add_job");
  ASSERT_EQ(add_jobs.size(), 1u);
  EXPECT_EQ(add_jobs[0].body, R"({"cairo_pie_encoded":"aGVsbG8="})");
}

TEST_F(SharpClientTest, AKeySharpKnowsIsNotSentAgain) {
  SharpClient client = Client();
  for (const char* status : {"NOT_CREATED", "IN_PROGRESS", "PROCESSED", "FAILED", "INVALID"}) {
    const std::string key = std::string("0xabc-") + status;
    server_->SetStatus(key, json{{"status", status}});
    auto submitted = client.SubmitProof(ProofRequest{.dedup_id = key, .cairo_pie_zip = "pie"});
    ASSERT_TRUE(submitted.ok()) << status << ": " << submitted.error().ToString();
    EXPECT_EQ(*submitted, key);
  }
  // And a key submitted once: the fake then reports it IN_PROGRESS.
  ASSERT_TRUE(client.SubmitProof(ProofRequest{.dedup_id = "0xdef", .cairo_pie_zip = "pie"}).ok());
  ASSERT_TRUE(client.SubmitProof(ProofRequest{.dedup_id = "0xdef", .cairo_pie_zip = "pie"}).ok());

  const auto add_jobs = server_->requests("/add_job");
  ASSERT_EQ(add_jobs.size(), 1u);
  EXPECT_EQ(add_jobs[0].params.find("cairo_job_key")->second, "0xdef");
}

struct StatusCase {
  json answer;
  TaskStatus::State state;
  std::string reason_part;  // for kFailed
};

TEST_F(SharpClientTest, StatusesMapAsUpstreamForChildJobs) {
  using State = TaskStatus::State;
  const std::vector<StatusCase> cases = {
      {{{"status", "PROCESSED"}}, State::kSucceeded, ""},
      {{{"status", "ONCHAIN"}}, State::kSucceeded, ""},
      {{{"status", "IN_PROGRESS"}, {"validation_done", true}}, State::kSucceeded, ""},
      {{{"status", "IN_PROGRESS"}, {"validation_done", false}}, State::kProcessing, ""},
      {{{"status", "IN_PROGRESS"}}, State::kProcessing, ""},
      {{{"status", "NOT_CREATED"}}, State::kProcessing, ""},
      {{{"status", "UNKNOWN"}}, State::kFailed, "does not know"},
      {json::object(), State::kFailed, "does not know"},
      {{{"status", "INVALID"}, {"invalid_reason", "INVALID_CAIRO_PIE_FILE_FORMAT"}},
       State::kFailed,
       "INVALID (INVALID_CAIRO_PIE_FILE_FORMAT)"},
      {{{"status", "INVALID"},
        {"invalid_reason", "CHILD_JOB_NOT_APPLICATIVE_LEAF"},
        {"error_log", "not a leaf"}},
       State::kFailed,
       "INVALID (CHILD_JOB_NOT_APPLICATIVE_LEAF): not a leaf"},
      {{{"status", "FAILED"}, {"error_log", "prover crashed"}},
       State::kFailed,
       "FAILED: prover crashed"},
  };
  SharpClient client = Client();
  for (const StatusCase& test_case : cases) {
    server_->SetStatus("0x5", test_case.answer);
    auto status = client.GetStatus("0x5", std::string(kKey));
    ASSERT_TRUE(status.ok()) << test_case.answer.dump() << ": " << status.error().ToString();
    EXPECT_EQ(status->state, test_case.state) << test_case.answer.dump();
    if (test_case.state == State::kFailed) {
      EXPECT_THAT(status->failure_reason, HasSubstr(test_case.reason_part));
    }
  }

  server_->SetStatus("0x5", json{{"status", "REBOOTING"}});
  auto unknown = client.GetStatus("0x5", std::nullopt);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kDataLoss);
  EXPECT_THAT(unknown.error().message(), HasSubstr("REBOOTING"));
}

TEST_F(SharpClientTest, ServerErrorsAreRetriedOnTheBackoffSchedule) {
  server_->SetStatus("0x6", json{{"status", "PROCESSED"}});
  server_->faults().Push(ProverFault::kServiceUnavailable);
  server_->faults().Push(ProverFault::kHtml502);
  auto status = Client().GetStatus("0x6", std::nullopt);
  ASSERT_TRUE(status.ok()) << status.error().ToString();
  EXPECT_EQ(status->state, TaskStatus::State::kSucceeded);
  EXPECT_EQ(server_->requests("/get_status").size(), 3u);
  EXPECT_THAT(sleeps(), ElementsAre(2000ms, 4000ms));
}

TEST_F(SharpClientTest, GetProofReturnsTheProofJson) {
  const std::string proof = R"({"proof_hex": "0x1234"})";
  server_->SetProof("0x7", proof);
  SharpClient client = Client();
  auto fetched = client.GetProof("0x7");
  ASSERT_TRUE(fetched.ok()) << fetched.error().ToString();
  EXPECT_EQ(*fetched, proof);

  server_->SetProof("0x8", "not json");
  auto malformed = client.GetProof("0x8");
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().code(), ErrorCode::kDataLoss);

  auto missing = client.GetProof("0x9");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(missing.error().message(), HasSubstr("no proof yet"));
}

TEST_F(SharpClientTest, L2VerificationIsNotOffered) {
  auto submitted = Client().SubmitL2Verification("0x1", "{}", std::nullopt);
  ASSERT_FALSE(submitted.ok());
  EXPECT_EQ(submitted.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(server_->requests().empty());
}

TEST_F(SharpClientTest, EveryRequestCarriesTheCustomerId) {
  SharpClient client = Client();
  server_->SetProof(std::string(kKey), "{}");
  ASSERT_TRUE(
      client.SubmitProof(ProofRequest{.dedup_id = std::string(kKey), .cairo_pie_zip = "p"}).ok());
  ASSERT_TRUE(client.GetStatus(kKey, std::nullopt).ok());
  ASSERT_TRUE(client.GetProof(kKey).ok());
  ASSERT_TRUE(client.CheckReachable().ok());
  const auto requests = server_->requests();
  ASSERT_EQ(requests.size(), 5u);
  for (const auto& request : requests) {
    const auto it = request.params.find("customer_id");
    ASSERT_NE(it, request.params.end()) << request.path;
    EXPECT_EQ(it->second, kCustomerId) << request.path;
  }
}

}  // namespace
}  // namespace orch::prover
