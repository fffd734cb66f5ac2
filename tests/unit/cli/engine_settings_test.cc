#include "orch/cli/engine_settings.h"

#include <gtest/gtest.h>

namespace orch::cli {
namespace {

using job::JobType;
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(EngineSettingsTest, DefaultsGiveEveryPipelineTypeItsConsumersAndLease) {
  auto options = EngineOptionsFrom(RunOptions{}, engine::Layer::kL2, "me");
  ASSERT_TRUE(options.ok()) << options.error().ToString();
  EXPECT_EQ(options->instance_id, "me");
  EXPECT_EQ(options->trigger_interval, seconds(10));
  EXPECT_EQ(options->block_poll_interval, seconds(1));
  EXPECT_EQ(options->pipeline.snos_job_buffer_size, 50u);
  EXPECT_EQ(options->pipeline.max_blocks_per_settlement, 10u);
  EXPECT_EQ(options->concurrency.at(JobType::kSnosRun), 5);
  EXPECT_EQ(options->concurrency.at(JobType::kProofCreation), 10);
  EXPECT_EQ(options->concurrency.at(JobType::kDataSubmission), 5);
  EXPECT_EQ(options->concurrency.at(JobType::kStateTransition), 1);
  EXPECT_FALSE(options->concurrency.contains(JobType::kProofRegistration)) << "L3 only";
  EXPECT_EQ(options->limits.at(JobType::kSnosRun).lease_duration, seconds(300));
  EXPECT_FALSE(options->limits.at(JobType::kSnosRun).retry_base.has_value())
      << "the handler's backoff unless a policy says otherwise";
}

TEST(EngineSettingsTest, FlagsReachTheEngine) {
  RunOptions run;
  run.min_block = 100;
  run.max_block = 200;
  run.snos_job_buffer_size = 7;
  run.max_blocks_per_settlement = 3;
  run.trigger_interval_seconds = 3;
  run.block_poll_interval_ms = 250;
  run.max_concurrent_proving_jobs = 2;
  run.proof_registration_timeout_seconds = 42;
  run.retry_policies = {"proving=2000,120000,8", "StateTransition=500,500,3"};
  auto options = EngineOptionsFrom(run, engine::Layer::kL3, "me");
  ASSERT_TRUE(options.ok()) << options.error().ToString();
  EXPECT_EQ(options->pipeline.min_block, 100u);
  EXPECT_EQ(options->pipeline.max_block, 200u);
  EXPECT_EQ(options->pipeline.snos_job_buffer_size, 7u);
  EXPECT_EQ(options->pipeline.max_blocks_per_settlement, 3u);
  EXPECT_EQ(options->trigger_interval, seconds(3));
  EXPECT_EQ(options->block_poll_interval, milliseconds(250));
  EXPECT_EQ(options->concurrency.at(JobType::kProofCreation), 2);
  EXPECT_EQ(options->concurrency.at(JobType::kProofRegistration), 2);
  EXPECT_EQ(options->limits.at(JobType::kProofRegistration).lease_duration, seconds(42));
  for (JobType type : {JobType::kProofCreation, JobType::kProofRegistration}) {
    const engine::LimitOverrides& limits = options->limits.at(type);
    EXPECT_EQ(limits.retry_base, milliseconds(2000));
    EXPECT_EQ(limits.retry_cap, milliseconds(120000));
    EXPECT_EQ(limits.retry_max_attempts, 8u);
  }
  EXPECT_EQ(options->limits.at(JobType::kStateTransition).retry_max_attempts, 3u);
  const std::string described = DescribeEngineOptions(*options, engine::Layer::kL3);
  EXPECT_NE(described.find("ProofCreation: 2 consumers, lease 300 s, retry 2000..120000 ms x8"),
            std::string::npos)
      << described;
}

TEST(EngineSettingsTest, BadValuesNameTheirFlag) {
  const auto error_of = [](RunOptions run) {
    auto options = EngineOptionsFrom(run, engine::Layer::kL2, "me");
    EXPECT_FALSE(options.ok());
    return options.ok() ? std::string() : options.error().message();
  };
  RunOptions zero_consumers;
  zero_consumers.max_concurrent_snos_jobs = 0;
  EXPECT_NE(error_of(zero_consumers).find("--max-concurrent-snos-jobs"), std::string::npos);
  RunOptions negative_lease;
  negative_lease.state_transition_timeout_seconds = -1;
  EXPECT_NE(error_of(negative_lease).find("--state-transition-timeout-seconds"), std::string::npos);
  RunOptions zero_poll;
  zero_poll.block_poll_interval_ms = 0;
  EXPECT_NE(error_of(zero_poll).find("--block-poll-interval-ms"), std::string::npos);
  RunOptions zero_buffer;
  zero_buffer.snos_job_buffer_size = 0;
  EXPECT_NE(error_of(zero_buffer).find("--snos-job-buffer-size"), std::string::npos);
  RunOptions zero_blocks_per_settlement;
  zero_blocks_per_settlement.max_blocks_per_settlement = 0;
  EXPECT_NE(error_of(zero_blocks_per_settlement).find("--max-blocks-per-settlement"),
            std::string::npos);
  for (const char* policy : {"proving", "proving=1,2", "proving=a,2,3", "proving=1,2,0",
                             "prover=1,2,3", "snos=5000,1000,3"}) {
    RunOptions run;
    run.retry_policies = {policy};
    const std::string message = error_of(run);
    EXPECT_NE(message.find("--retry-policy"), std::string::npos) << policy << ": " << message;
  }
}

}  // namespace
}  // namespace orch::cli
