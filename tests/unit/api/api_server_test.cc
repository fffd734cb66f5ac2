#include "orch/api/api_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/contract/test_database.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/recording_alerter.h"

#include "orch/api/pipeline_gauges.h"
#include "orch/engine/engine_observer.h"
#include "orch/engine/handler_registry.h"
#include "orch/engine/job_service.h"
#include "orch/engine/queue_layout.h"
#include "orch/metrics/prometheus_text.h"
#include "orch/queue/sql/sql_queue.h"
#include "orch/store/sql/sql_job_store.h"

namespace orch::api {
namespace {

using job::JobStatus;
using job::JobType;
using nlohmann::json;
using ::testing::HasSubstr;

constexpr std::string_view kToken = "s3cret-admin-token";
constexpr std::string_view kUnknownId = "00000000-0000-4000-8000-000000000000";

// A handler whose work always succeeds; the API tests only need jobs that exist.
class FakeHandler final : public engine::JobHandler {
 public:
  explicit FakeHandler(JobType type) : type_(type) {}

  // JobHandler
  JobType type() const override { return type_; }
  engine::HandlerLimits limits() const override { return {}; }
  Result<job::SpecificMetadata> CreateMetadata(std::uint64_t internal_id) override {
    switch (type_) {
      case JobType::kSnosRun:
        return job::SpecificMetadata(job::SnosMetadata{.snos_batch_index = internal_id,
                                                       .start_block = internal_id,
                                                       .end_block = internal_id,
                                                       .num_blocks = 1});
      case JobType::kProofCreation:
      case JobType::kProofRegistration:
        return job::SpecificMetadata(job::ProvingMetadata{.block_number = internal_id});
      case JobType::kDataSubmission:
        return job::SpecificMetadata(job::DaMetadata{.block_number = internal_id});
      case JobType::kStateTransition:
        return job::SpecificMetadata(job::StateUpdateMetadata{});
      case JobType::kAggregator:
        return job::SpecificMetadata(job::AggregatorMetadata{.batch_num = internal_id});
    }
    return Error::Internal("unknown job type");
  }
  Result<job::ExternalId> Process(job::Job& /*job*/) override {
    return job::ExternalId(std::string("external"));
  }
  Result<engine::Verification> Verify(job::Job& /*job*/) override {
    return engine::Verification::Verified();
  }

 private:
  const JobType type_;
};

class FakeChainHead final : public engine::ChainHead {
 public:
  Result<std::uint64_t> LatestBlock() override { return std::uint64_t{42}; }
};

class ApiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto database = testing::OpenSqliteTestDatabase();
    ASSERT_TRUE(database.ok()) << database.error().ToString();
    database_ = std::move(database).value();
    store_ = std::make_unique<store::SqlJobStore>(database_->database(), clock_);
    queue_ = std::make_unique<queue::SqlQueue>(database_->database(), clock_, signal_);
    auto layout = engine::QueueLayout::Create(engine::Layer::kL2, {});
    ASSERT_TRUE(layout.ok()) << layout.error().ToString();
    layout_ = std::make_unique<engine::QueueLayout>(std::move(layout).value());
    for (const queue::QueueConfig& config : layout_->Configs()) {
      auto created = queue_->CreateQueue(config);
      ASSERT_TRUE(created.ok()) << created.error().ToString();
    }
    for (JobType type : engine::PipelineJobTypes(engine::Layer::kL2)) {
      handlers_.Register(std::make_unique<FakeHandler>(type));
    }
    committer_ = std::make_unique<engine::StoreThenQueueCommitter>(*store_, *queue_);
    jobs_ = std::make_unique<engine::JobService>(*store_, *queue_, *committer_, alerter_, handlers_,
                                                 *layout_, clock_, observer_,
                                                 engine::JobServiceOptions{.instance_id = "t"});
    reporter_ = std::make_unique<StatusReporter>(*store_, chain_, clock_, engine::Layer::kL2);
    deps_ = std::make_unique<ApiServer::Dependencies>(
        ApiServer::Dependencies{*jobs_, *store_, metrics_, *reporter_, clock_});
  }

  void StartServer(ApiOptions options = {}) {
    options.port = 0;
    auto server = ApiServer::Start(std::move(options), *deps_);
    ASSERT_TRUE(server.ok()) << server.error().ToString();
    server_ = std::move(server).value();
    ASSERT_GT(server_->port(), 0);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }

  void StartAdminServer() {
    StartServer({.admin_enabled = true, .admin_token = std::string(kToken)});
  }

  job::Job CreateJob(JobType type, std::uint64_t block) {
    auto outcome = jobs_->CreateJob(type, block);
    EXPECT_TRUE(outcome.ok()) << outcome.error().ToString();
    return outcome->job;
  }

  // Puts a job straight into `status`, as if the engine had moved it there.
  job::Job ForceStatus(const job::Job& job, JobStatus status) {
    auto current = store_->GetJob(job.id);
    EXPECT_TRUE(current.ok()) << current.error().ToString();
    job::Job updated = *current;
    updated.status = status;
    if (status == JobStatus::kFailed) {
      updated.metadata.common.failure_reason = "prover said no";
    }
    auto stored = store_->UpdateJob(updated, current->version);
    EXPECT_TRUE(stored.ok()) << stored.error().ToString();
    return *stored;
  }

  JobStatus StatusOf(const job::Job& job) { return store_->GetJob(job.id)->status; }

  // Messages visible now on `queue` (delayed ones are not).
  std::uint64_t Visible(const std::string& queue) {
    auto count = queue_->ApproximateNumberOfMessages(queue);
    EXPECT_TRUE(count.ok()) << count.error().ToString();
    return count.ok() ? *count : 0;
  }

  std::uint64_t ProcessingDepth(JobType type) { return Visible(layout_->ProcessingQueue(type)); }
  std::uint64_t VerificationDepth(JobType type) {
    return Visible(layout_->VerificationQueue(type));
  }

  httplib::Result Get(const std::string& path, const httplib::Headers& headers = {}) {
    return client_->Get(path.c_str(), headers);
  }

  httplib::Result AdminPost(const std::string& path, std::string_view token = kToken) {
    httplib::Headers headers;
    if (!token.empty()) {
      headers.emplace("Authorization", "Bearer " + std::string(token));
    }
    return client_->Post(path.c_str(), headers);
  }

  static json Body(const httplib::Result& res) { return json::parse(res->body); }

  testing::FakeClock clock_;
  std::unique_ptr<testing::TestDatabase> database_;
  queue::QueueSignal signal_;
  std::unique_ptr<store::SqlJobStore> store_;
  std::unique_ptr<queue::SqlQueue> queue_;
  std::unique_ptr<engine::QueueLayout> layout_;
  engine::HandlerRegistry handlers_;
  alert::RecordingAlerter alerter_;
  engine::NullEngineObserver observer_;
  std::unique_ptr<engine::StoreThenQueueCommitter> committer_;
  std::unique_ptr<engine::JobService> jobs_;
  FakeChainHead chain_;
  std::unique_ptr<StatusReporter> reporter_;
  metrics::MetricsRegistry metrics_;
  std::unique_ptr<ApiServer::Dependencies> deps_;
  std::unique_ptr<ApiServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

bool IsHex32(const std::string& text) {
  return text.size() == 32 && text.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
}

TEST_F(ApiServerTest, HealthSaysUp) {
  StartServer();
  auto res = Get("/health");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "UP");
}

TEST_F(ApiServerTest, TraceIdIsEchoedWhenValidAndGeneratedOtherwise) {
  StartServer();
  const std::string trace = "0123456789abcdef0123456789ABCDEF";
  auto echoed = Get("/health", {{"x-trace-id", trace}});
  ASSERT_TRUE(echoed);
  EXPECT_EQ(echoed->get_header_value("x-trace-id"), trace);

  auto replaced = Get("/health", {{"x-trace-id", "not-a-trace-id"}});
  ASSERT_TRUE(replaced);
  EXPECT_TRUE(IsHex32(replaced->get_header_value("x-trace-id")));

  auto generated = Get("/no/such/route");
  ASSERT_TRUE(generated);
  const std::string first = generated->get_header_value("x-trace-id");
  EXPECT_TRUE(IsHex32(first));
  auto again = Get("/health");
  ASSERT_TRUE(again);
  EXPECT_NE(again->get_header_value("x-trace-id"), first);
}

TEST_F(ApiServerTest, ProcessEnqueuesTheJob) {
  StartServer();
  const job::Job job = CreateJob(JobType::kSnosRun, 7);
  ASSERT_EQ(ProcessingDepth(JobType::kSnosRun), 1u);  // from CreateJob

  auto res = Get("/jobs/" + job.id + "/process");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(Body(res),
            json({{"success", true},
                  {"message", "Job with id " + job.id + " queued for normal processing"}}));
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(ProcessingDepth(JobType::kSnosRun), 2u);
  EXPECT_EQ(StatusOf(job), JobStatus::kCreated);

  auto priority = Get("/jobs/" + job.id + "/process?priority=true");
  ASSERT_TRUE(priority);
  EXPECT_EQ(priority->status, 200);
  EXPECT_EQ(Body(priority)["message"], "Job with id " + job.id + " queued for PRIORITY processing");
  EXPECT_EQ(ProcessingDepth(JobType::kSnosRun), 3u);
}

TEST_F(ApiServerTest, JobRoutesRejectAnInvalidUuid) {
  StartServer();
  for (const std::string action : {"process", "verify", "retry"}) {
    auto res = Get("/jobs/not-a-uuid/" + action);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << action;
    EXPECT_EQ(Body(res), json({{"success", false}, {"message", "Invalid job id: not-a-uuid"}}));
  }
}

TEST_F(ApiServerTest, JobRoutesAnswerNotFoundForAnUnknownJob) {
  StartServer();
  for (const std::string action : {"process", "verify", "retry"}) {
    auto res = Get("/jobs/" + std::string(kUnknownId) + "/" + action);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404) << action;
    EXPECT_EQ(Body(res)["success"], false);
    EXPECT_THAT(Body(res)["message"].get<std::string>(), HasSubstr(kUnknownId));
  }
}

TEST_F(ApiServerTest, InvalidPriorityIsABadRequest) {
  StartServer();
  const job::Job job = CreateJob(JobType::kSnosRun, 1);
  auto res = Get("/jobs/" + job.id + "/process?priority=maybe");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_THAT(Body(res)["message"].get<std::string>(), HasSubstr("priority"));
}

TEST_F(ApiServerTest, VerifyRequeuesVerificationWithDelayUnlessPriority) {
  StartServer();
  const job::Job job =
      ForceStatus(CreateJob(JobType::kProofCreation, 3), JobStatus::kVerificationTimeout);

  auto normal = Get("/jobs/" + job.id + "/verify");
  ASSERT_TRUE(normal);
  EXPECT_EQ(normal->status, 200);
  EXPECT_EQ(Body(normal)["message"], "Job with id " + job.id + " queued for normal verification");
  EXPECT_EQ(StatusOf(job), JobStatus::kPendingVerification);
  EXPECT_EQ(VerificationDepth(JobType::kProofCreation), 0u);  // after the polling delay

  auto priority = Get("/jobs/" + job.id + "/verify?priority=true");
  ASSERT_TRUE(priority);
  EXPECT_EQ(priority->status, 200);
  EXPECT_EQ(Body(priority)["message"],
            "Job with id " + job.id + " queued for PRIORITY verification");
  EXPECT_EQ(VerificationDepth(JobType::kProofCreation), 1u);
  EXPECT_EQ(store_->GetJob(job.id)->metadata.common.verification_retry_attempt_no, 2u);
}

TEST_F(ApiServerTest, VerifyOfAJobNotYetProcessedIsAConflict) {
  StartServer();
  const job::Job job = CreateJob(JobType::kSnosRun, 3);
  auto res = Get("/jobs/" + job.id + "/verify");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 409);
  EXPECT_EQ(Body(res)["success"], false);
  EXPECT_THAT(Body(res)["message"].get<std::string>(), HasSubstr("its status is Created"));
  EXPECT_EQ(StatusOf(job), JobStatus::kCreated);
}

TEST_F(ApiServerTest, RetryMovesAFailedJobToPendingRetryAndEnqueuesIt) {
  StartServer();
  const job::Job job = ForceStatus(CreateJob(JobType::kDataSubmission, 9), JobStatus::kFailed);
  const std::uint64_t before = ProcessingDepth(JobType::kDataSubmission);

  auto res = Get("/jobs/" + job.id + "/retry");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(Body(res), json({{"success", true},
                             {"message", "Job with id " + job.id + " queued for normal retry"}}));
  EXPECT_EQ(StatusOf(job), JobStatus::kPendingRetry);
  EXPECT_EQ(ProcessingDepth(JobType::kDataSubmission), before + 1);
}

TEST_F(ApiServerTest, RetryOfAJobThatIsNotFailedIsAConflictThatSaysWhy) {
  StartServer();
  const job::Job job =
      ForceStatus(CreateJob(JobType::kSnosRun, 2), JobStatus::kPendingVerification);
  auto res = Get("/jobs/" + job.id + "/retry");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 409);
  const std::string message = Body(res)["message"];
  EXPECT_THAT(message, HasSubstr("its status is PendingVerification"));
  EXPECT_THAT(message, HasSubstr("only Failed jobs can be retried"));
  EXPECT_EQ(StatusOf(job), JobStatus::kPendingVerification);
}

TEST_F(ApiServerTest, JobRoutesAreMirroredUnderApiV1) {
  StartServer();
  const job::Job failed = ForceStatus(CreateJob(JobType::kSnosRun, 1), JobStatus::kFailed);
  const job::Job pending =
      ForceStatus(CreateJob(JobType::kSnosRun, 2), JobStatus::kPendingVerification);

  auto process = Get("/api/v1/jobs/" + pending.id + "/process");
  ASSERT_TRUE(process);
  EXPECT_EQ(process->status, 200);
  auto verify = Get("/api/v1/jobs/" + pending.id + "/verify");
  ASSERT_TRUE(verify);
  EXPECT_EQ(verify->status, 200);
  auto retry = Get("/api/v1/jobs/" + failed.id + "/retry");
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->status, 200);
  EXPECT_EQ(StatusOf(failed), JobStatus::kPendingRetry);

  auto by_status = Get("/api/v1/jobs?status=PendingRetry");
  ASSERT_TRUE(by_status);
  EXPECT_EQ(by_status->status, 200);
  EXPECT_EQ(Body(by_status)["data"]["jobs"].size(), 1u);
  auto by_block = Get("/api/v1/jobs/block/2/status");
  ASSERT_TRUE(by_block);
  EXPECT_EQ(by_block->status, 200);
  EXPECT_EQ(Body(by_block)["data"]["jobs"].size(), 1u);
}

TEST_F(ApiServerTest, ListsJobsByStatus) {
  StartServer();
  CreateJob(JobType::kSnosRun, 1);
  const job::Job failed = ForceStatus(CreateJob(JobType::kSnosRun, 2), JobStatus::kFailed);

  auto res = Get("/jobs?status=Failed");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(Body(res), json({{"success", true},
                             {"data",
                              {{"jobs", json::array({{{"job_type", "SnosRun"},
                                                      {"id", failed.id},
                                                      {"status", "Failed"}}})}}}}));

  auto none = Get("/jobs?status=Completed");
  ASSERT_TRUE(none);
  EXPECT_EQ(Body(none)["data"]["jobs"], json::array());
}

TEST_F(ApiServerTest, ListingByAnUnknownOrMissingStatusIsABadRequest) {
  StartServer();
  auto unknown = Get("/jobs?status=failed");  // names are case-sensitive, as the reference's
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  EXPECT_EQ(Body(unknown)["success"], false);
  EXPECT_THAT(Body(unknown)["message"].get<std::string>(),
              HasSubstr("Created, LockedForProcessing, PendingVerification"));

  auto missing = Get("/jobs");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
}

TEST_F(ApiServerTest, ListsTheJobsOfABlock) {
  StartServer();
  const job::Job snos = CreateJob(JobType::kSnosRun, 5);
  const job::Job proof = ForceStatus(CreateJob(JobType::kProofCreation, 5), JobStatus::kFailed);
  CreateJob(JobType::kSnosRun, 6);

  auto res = Get("/jobs/block/5/status");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  const json jobs = Body(res)["data"]["jobs"];
  ASSERT_EQ(jobs.size(), 2u);
  std::set<std::string> ids;
  for (const json& item : jobs) {
    ids.insert(item["id"].get<std::string>());
    EXPECT_EQ(item.size(), 3u);  // job_type, id, status
  }
  EXPECT_EQ(ids, (std::set<std::string>{snos.id, proof.id}));

  // A settlement of several blocks is stored under its first block and listed for each.
  job::Job settlement = job::NewJob(JobType::kStateTransition, 4, {}, clock_.Now());
  settlement.metadata.specific =
      job::StateUpdateMetadata{.context = {job::SettlementContext::Kind::kBlock, 7, {}}};
  ASSERT_TRUE(store_->InsertIfAbsent(settlement).ok());
  const json with_settlement = Body(Get("/jobs/block/5/status"))["data"]["jobs"];
  ASSERT_EQ(with_settlement.size(), 3u);
  EXPECT_EQ(with_settlement[2]["id"], settlement.id);
  EXPECT_EQ(Body(Get("/jobs/block/8/status"))["data"]["jobs"], json::array())
      << "block 8 is past the settlement";

  auto empty = Get("/jobs/block/99/status");
  ASSERT_TRUE(empty);
  EXPECT_EQ(Body(empty)["data"]["jobs"], json::array());

  for (const std::string bad : {"abc", "-1", "5x", "99999999999999999999999"}) {
    auto invalid = Get("/jobs/block/" + bad + "/status");
    ASSERT_TRUE(invalid);
    EXPECT_EQ(invalid->status, 400) << bad;
    EXPECT_THAT(Body(invalid)["message"].get<std::string>(), HasSubstr("Invalid block number"));
  }
}

TEST_F(ApiServerTest, UnknownRouteIsAJsonNotFound) {
  StartServer();
  auto res = Get("/no/such/route");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(Body(res), json({{"success", false}, {"message", "Not found: GET /no/such/route"}}));
}

TEST_F(ApiServerTest, MetricsAreServedAsPrometheusText) {
  metrics_.GetCounter("test_jobs_seen_total", "Jobs the test saw").Increment(3);
  StartServer();
  ASSERT_TRUE(Get("/health"));

  auto res = Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), metrics::kPrometheusTextContentType);
  EXPECT_THAT(res->body, HasSubstr("# TYPE test_jobs_seen_total counter\n"));
  EXPECT_THAT(res->body, HasSubstr("test_jobs_seen_total 3\n"));
  EXPECT_THAT(res->body, HasSubstr("orch_api_requests_total{code=\"200\"}"));
}

TEST_F(ApiServerTest, MetricsShowBlockLagJobAndMessageAges) {
  AddPipelineGauges(metrics_, *reporter_, *store_, *queue_, *layout_);
  StartServer();
  ForceStatus(CreateJob(JobType::kSnosRun, 40), JobStatus::kCompleted);
  clock_.Advance(std::chrono::seconds(30));
  CreateJob(JobType::kSnosRun, 41);  // its processing message is 0 s old, block 40's 30 s
  clock_.Advance(std::chrono::seconds(12));
  auto res = Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_THAT(res->body, HasSubstr("orch_chain_latest_block 42\n"));
  EXPECT_THAT(res->body, HasSubstr("orch_latest_completed_block{job_type=\"SnosRun\"} 40\n"));
  EXPECT_THAT(res->body, HasSubstr("orch_block_lag{job_type=\"SnosRun\"} 2\n"));
  EXPECT_THAT(res->body, HasSubstr("orch_block_lag{job_type=\"ProofCreation\"} NaN\n"));
  EXPECT_THAT(res->body,
              HasSubstr("orch_oldest_unfinished_job_age_seconds{job_type=\"SnosRun\"} 12\n"));
  EXPECT_THAT(res->body, HasSubstr("orch_queue_oldest_message_age_seconds{queue=\"" +
                                   layout_->ProcessingQueue(JobType::kSnosRun) + "\"} 42\n"));
  EXPECT_THAT(res->body, HasSubstr("orch_queue_visible_messages{queue=\"" +
                                   layout_->ProcessingQueue(JobType::kSnosRun) + "\"} 2\n"));
  EXPECT_THAT(res->body, HasSubstr("orch_jobs{job_type=\"SnosRun\",status=\"Completed\"} 1\n"));
}

TEST_F(ApiServerTest, StatusReportsTheFailedJobAsBlocking) {
  StartServer();
  CreateJob(JobType::kSnosRun, 1);
  const job::Job failed = ForceStatus(CreateJob(JobType::kSnosRun, 2), JobStatus::kFailed);

  auto res = Get("/v1/status");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  const json body = Body(res);
  EXPECT_EQ(body["layer"], "l2");
  EXPECT_EQ(body["chain_latest_block"], 42);
  ASSERT_EQ(body["job_types"].size(), 4u);
  EXPECT_EQ(body["job_types"][0]["job_type"], "SnosRun");
  EXPECT_EQ(body["job_types"][0]["counts"], json({{"Created", 1}, {"Failed", 1}}));
  ASSERT_EQ(body["blocked"].size(), 1u);
  EXPECT_EQ(body["blocked"][0]["id"], failed.id);
  EXPECT_EQ(body["blocked"][0]["status"], "Failed");
  EXPECT_EQ(body["blocked"][0]["reason"], "prover said no");
}

TEST_F(ApiServerTest, AdminRoutesAreAbsentWhenDisabled) {
  StartServer();
  auto res = AdminPost("/admin/jobs/retry/failed");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(Body(res)["success"], false);
}

TEST_F(ApiServerTest, StartRefusesAdminRoutesWithoutAToken) {
  auto missing = ApiServer::Start({.port = 0, .admin_enabled = true}, *deps_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(missing.error().message(), HasSubstr("--admin-token"));

  auto empty = ApiServer::Start({.port = 0, .admin_enabled = true, .admin_token = ""}, *deps_);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(ApiServerTest, StartFailsWhenThePortIsTaken) {
  StartServer();
  auto second = ApiServer::Start({.port = server_->port()}, *deps_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(second.error().message(), HasSubstr("127.0.0.1:" + std::to_string(server_->port())));
  auto still_served = Get("/health");
  ASSERT_TRUE(still_served);
  EXPECT_EQ(still_served->status, 200);
}

TEST_F(ApiServerTest, AdminRoutesNeedTheRightToken) {
  StartAdminServer();
  const job::Job failed = ForceStatus(CreateJob(JobType::kSnosRun, 1), JobStatus::kFailed);

  auto missing = AdminPost("/admin/jobs/retry/failed", /*token=*/"");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 401);
  EXPECT_EQ(Body(missing)["success"], false);
  EXPECT_TRUE(Body(missing).contains("message"));

  auto wrong = AdminPost("/admin/jobs/retry/failed", "s3cret-admin-tokeN");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto prefix = AdminPost("/admin/jobs/retry/failed", kToken.substr(0, 5));
  ASSERT_TRUE(prefix);
  EXPECT_EQ(prefix->status, 401);
  auto longer = AdminPost("/admin/jobs/retry/failed", std::string(kToken) + "x");
  ASSERT_TRUE(longer);
  EXPECT_EQ(longer->status, 401);
  auto basic = client_->Post("/admin/jobs/retry/failed",
                             httplib::Headers{{"Authorization", "Basic " + std::string(kToken)}});
  ASSERT_TRUE(basic);
  EXPECT_EQ(basic->status, 401);
  EXPECT_EQ(StatusOf(failed), JobStatus::kFailed);  // nothing happened

  auto right = AdminPost("/admin/jobs/retry/failed");
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 200);
  EXPECT_EQ(StatusOf(failed), JobStatus::kPendingRetry);
}

TEST_F(ApiServerTest, AdminRetriesEveryFailedJob) {
  StartAdminServer();
  const job::Job a = ForceStatus(CreateJob(JobType::kSnosRun, 1), JobStatus::kFailed);
  const job::Job b = ForceStatus(CreateJob(JobType::kProofCreation, 1), JobStatus::kFailed);
  const job::Job other = CreateJob(JobType::kSnosRun, 2);
  const std::uint64_t snos_before = ProcessingDepth(JobType::kSnosRun);

  auto res = AdminPost("/admin/jobs/retry/failed");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  const json body = Body(res);
  EXPECT_EQ(body["success"], true);
  EXPECT_FALSE(body.contains("message"));
  EXPECT_EQ(body["data"]["success_count"], 2);
  EXPECT_EQ(body["data"]["failed_count"], 0);
  EXPECT_EQ(body["data"]["failed_job_ids"], json::array());
  EXPECT_THAT(body["data"]["successful_job_ids"].get<std::vector<std::string>>(),
              ::testing::UnorderedElementsAre(a.id, b.id));
  EXPECT_EQ(StatusOf(a), JobStatus::kPendingRetry);
  EXPECT_EQ(StatusOf(b), JobStatus::kPendingRetry);
  EXPECT_EQ(StatusOf(other), JobStatus::kCreated);
  EXPECT_EQ(ProcessingDepth(JobType::kSnosRun), snos_before + 1);
}

TEST_F(ApiServerTest, AdminBulkActionsFilterByJobType) {
  StartAdminServer();
  const job::Job snos = ForceStatus(CreateJob(JobType::kSnosRun, 1), JobStatus::kFailed);
  const job::Job proof = ForceStatus(CreateJob(JobType::kProofCreation, 1), JobStatus::kFailed);

  auto res = AdminPost("/admin/jobs/retry/failed?job_type=ProofCreation");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(Body(res)["data"]["successful_job_ids"], json::array({proof.id}));
  EXPECT_EQ(StatusOf(snos), JobStatus::kFailed);

  auto bad = AdminPost("/admin/jobs/retry/failed?job_type=Snos");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_THAT(Body(bad)["message"].get<std::string>(), HasSubstr("Invalid job_type"));
}

TEST_F(ApiServerTest, AdminReverifiesTimedOutJobsAtOnce) {
  StartAdminServer();
  const job::Job timed_out =
      ForceStatus(CreateJob(JobType::kDataSubmission, 4), JobStatus::kVerificationTimeout);

  auto res = AdminPost("/admin/jobs/reverify/verification-timeout");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(Body(res)["data"]["successful_job_ids"], json::array({timed_out.id}));
  EXPECT_EQ(StatusOf(timed_out), JobStatus::kPendingVerification);
  EXPECT_EQ(VerificationDepth(JobType::kDataSubmission), 1u);  // no polling delay
}

TEST_F(ApiServerTest, AdminRequeuesPendingVerificationAndCreatedJobs) {
  StartAdminServer();
  const job::Job pending =
      ForceStatus(CreateJob(JobType::kProofCreation, 4), JobStatus::kPendingVerification);
  const job::Job created = CreateJob(JobType::kSnosRun, 5);
  ASSERT_EQ(ProcessingDepth(JobType::kSnosRun), 1u);

  auto verification = AdminPost("/admin/jobs/requeue/pending-verification");
  ASSERT_TRUE(verification);
  ASSERT_EQ(verification->status, 200);
  EXPECT_EQ(Body(verification)["data"]["successful_job_ids"], json::array({pending.id}));
  EXPECT_EQ(StatusOf(pending), JobStatus::kPendingVerification);
  EXPECT_EQ(VerificationDepth(JobType::kProofCreation), 1u);

  auto processing = AdminPost("/admin/jobs/requeue/created");
  ASSERT_TRUE(processing);
  ASSERT_EQ(processing->status, 200);
  EXPECT_EQ(Body(processing)["data"]["success_count"], 1);
  EXPECT_EQ(Body(processing)["data"]["successful_job_ids"], json::array({created.id}));
  EXPECT_EQ(ProcessingDepth(JobType::kSnosRun), 2u);
}

TEST_F(ApiServerTest, StopIsIdempotentAndClosesThePort) {
  StartServer();
  ASSERT_TRUE(Get("/health"));
  server_->Stop();
  server_->Stop();
  auto res = Get("/health");
  EXPECT_FALSE(res);
}

}  // namespace
}  // namespace orch::api
