// Rules and schedules made by the clients, fired by the EventBridge fake into a real SQS queue
// on fauxqs: the trigger name arrives in worker_trigger as the engine reads it.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/fakes/fake_eventbridge_server.h"
#include "tests/support/fauxqs_sqs.h"

#include "orch/aws/aws_client.h"
#include "orch/aws/eventbridge_client.h"
#include "orch/aws/scheduler_client.h"
#include "orch/common/clock.h"
#include "orch/http/curl_http_client.h"

namespace orch::aws {
namespace {

using ::orch::testing::FakeEventBridgeServer;
using ::orch::testing::FauxqsSqs;
using std::chrono::seconds;

class EventBridgeFireTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::optional<std::string> url = testing::FauxqsUrl();
    ASSERT_TRUE(url.has_value()) << testing::kFauxqsMissing;
    sqs_.emplace(*url);
    fake_.emplace(FakeEventBridgeServer::Options{.sqs_endpoint = *url});
    config_.credentials = FakeEventBridgeServer::Options{}.credentials;
    config_.region = "us-east-1";
    config_.endpoint_url = fake_->url();
    Result<FauxqsSqs::Queue> queue = sqs_->CreateQueue("mo_worker_trigger_queue");
    ASSERT_TRUE(queue.ok()) << queue.error().ToString();
    queue_ = *queue;
  }

  std::optional<FauxqsSqs> sqs_;
  std::optional<FakeEventBridgeServer> fake_;
  AwsConfig config_;
  FauxqsSqs::Queue queue_;
  http::CurlHttpClient http_;
  SystemClock clock_;
};

TEST_F(EventBridgeFireTest, AFiredRulePutsTheTriggerNameIntoTheQueue) {
  const AwsClient events(http_, config_, EventBridgeService(), clock_);
  const Result<Ensured> ensured = EventBridgeClient(events).EnsureRule(
      {.name = TriggerRuleName("", "Snos").value(),
       .schedule_expression = RateExpression(seconds(60)).value(),
       .target = {
           .id = "worker-trigger", .arn = queue_.arn, .input = nlohmann::json("Snos").dump()}});
  ASSERT_TRUE(ensured.ok()) << ensured.error().ToString();

  const Result<int> fired = fake_->FireAll();
  ASSERT_TRUE(fired.ok()) << fired.error().ToString();
  EXPECT_EQ(*fired, 1);
  const Result<std::vector<std::string>> bodies = sqs_->Receive(queue_, seconds(5));
  ASSERT_TRUE(bodies.ok()) << bodies.error().ToString();
  // A rule's input is JSON, so the name arrives quoted; the engine trims the quotes.
  EXPECT_EQ(*bodies, std::vector<std::string>{"\"Snos\""});
}

TEST_F(EventBridgeFireTest, AFiredSchedulePutsTheRawTriggerNameIntoTheQueue) {
  const AwsClient scheduler(http_, config_, SchedulerService(), clock_);
  const Result<Ensured> ensured = SchedulerClient(scheduler).EnsureSchedule(
      {.name = TriggerRuleName("prod", "Proving").value(),
       .schedule_expression = RateExpression(seconds(120)).value(),
       .target_arn = queue_.arn,
       .role_arn = "arn:aws:iam::123456789012:role/mo-wt-role",
       .input = "Proving"});
  ASSERT_TRUE(ensured.ok()) << ensured.error().ToString();

  const Result<int> fired = fake_->FireByName("prod-mo-wt-rule-proving");
  ASSERT_TRUE(fired.ok()) << fired.error().ToString();
  EXPECT_EQ(*fired, 1);
  const Result<std::vector<std::string>> bodies = sqs_->Receive(queue_, seconds(5));
  ASSERT_TRUE(bodies.ok()) << bodies.error().ToString();
  EXPECT_EQ(*bodies, std::vector<std::string>{"Proving"});
}

}  // namespace
}  // namespace orch::aws
