// The SNS alerter and client on fauxqs: topics created and resolved by name, and an alert
// published to a topic arriving in a subscribed SQS queue inside the SNS JSON envelope.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/fauxqs_sqs.h"

#include "orch/alert/sns/sns_alerter.h"
#include "orch/alert/sns/sns_client.h"
#include "orch/aws/aws_client.h"
#include "orch/common/clock.h"
#include "orch/http/curl_http_client.h"

namespace orch::alert {
namespace {

using std::chrono_literals::operator""ms;
using std::chrono_literals::operator""s;
using ::orch::testing::FauxqsSqs;
using ::orch::testing::UniqueAwsName;

class SnsFauxqsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::optional<std::string> url = testing::FauxqsUrl();
    ASSERT_TRUE(url.has_value()) << testing::kFauxqsMissing;
    config_ = testing::FauxqsConfig(*url);
    client_.emplace(http_, config_, aws::SnsService(), clock_);
    sns_.emplace(*client_);
    sqs_.emplace(*url);
  }

  http::CurlHttpClient http_;
  SystemClock clock_;
  aws::AwsConfig config_;
  std::optional<aws::AwsClient> client_;
  std::optional<SnsClient> sns_;
  std::optional<FauxqsSqs> sqs_;
};

TEST_F(SnsFauxqsTest, AnAlertArrivesInASubscribedQueue) {
  const Result<std::string> topic = sns_->CreateTopic(UniqueAwsName("mo-alerts"));
  ASSERT_TRUE(topic.ok()) << topic.error().ToString();
  const Result<FauxqsSqs::Queue> queue = sqs_->CreateQueue("alert-inbox");
  ASSERT_TRUE(queue.ok()) << queue.error().ToString();
  const Result<std::string> subscribed =
      client_->CallQuery("Subscribe", "2010-03-31",
                         {{"TopicArn", *topic}, {"Protocol", "sqs"}, {"Endpoint", queue->arn}});
  ASSERT_TRUE(subscribed.ok()) << subscribed.error().ToString();

  const Alert alert{.severity = Alert::Severity::kCritical,
                    .subject = "StateTransition job 42 failed",
                    .message = "reverted: \"bad proof\"\nblock 42 caf\xc3\xa9"};
  {
    SnsAlerter alerter(http_, config_, clock_, *topic);
    alerter.Send(alert);
    alerter.Stop();
    EXPECT_EQ(alerter.delivered(), 1U);
  }

  const Result<std::vector<std::string>> bodies = sqs_->Receive(*queue, 5s);
  ASSERT_TRUE(bodies.ok()) << bodies.error().ToString();
  ASSERT_EQ(bodies->size(), 1U);
  const nlohmann::json envelope = nlohmann::json::parse(bodies->front());
  EXPECT_EQ(envelope["Type"], "Notification");
  EXPECT_EQ(envelope["TopicArn"], *topic);
  EXPECT_EQ(envelope["Subject"], "[CRITICAL] StateTransition job 42 failed");
  EXPECT_EQ(envelope["Message"],
            "[CRITICAL] StateTransition job 42 failed\n\nreverted: \"bad proof\"\nblock 42 "
            "caf\xc3\xa9");
}

TEST_F(SnsFauxqsTest, CreateTopicIsIdempotentAndResolvesByName) {
  const std::string name = UniqueAwsName("mo-alerts");
  const Result<std::string> created = sns_->CreateTopic(name);
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  EXPECT_TRUE(created->starts_with("arn:aws:sns:us-east-1:")) << *created;
  EXPECT_TRUE(created->ends_with(":" + name)) << *created;
  EXPECT_EQ(sns_->CreateTopic(name).value(), *created);

  const Result<std::string> resolved = sns_->ResolveTopicArn(name);
  ASSERT_TRUE(resolved.ok()) << resolved.error().ToString();
  EXPECT_EQ(*resolved, *created);
  const auto attributes = sns_->GetTopicAttributes(*resolved);
  ASSERT_TRUE(attributes.ok()) << attributes.error().ToString();
  EXPECT_EQ(attributes->at("TopicArn"), *created);
}

TEST_F(SnsFauxqsTest, AnUnknownTopicIsNotFound) {
  const std::string name = UniqueAwsName("mo-missing");
  const Result<std::string> resolved = sns_->ResolveTopicArn(name);
  ASSERT_FALSE(resolved.ok());
  EXPECT_EQ(resolved.error().code(), ErrorCode::kNotFound);

  const std::string arn = "arn:aws:sns:us-east-1:000000000000:" + name;
  const auto attributes = sns_->GetTopicAttributes(arn);
  ASSERT_FALSE(attributes.ok());
  EXPECT_EQ(attributes.error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(attributes.error().transient());

  SnsAlerter alerter(http_, config_, clock_, arn,
                     {.initial_backoff = 1ms, .request_timeout = 5s, .flush_timeout = 5s});
  alerter.Send({.subject = "nobody listens"});
  alerter.Stop();
  EXPECT_EQ(alerter.failed(), 1U);  // given up at once: a missing topic does not come back
  EXPECT_EQ(alerter.delivered(), 0U);
}

}  // namespace
}  // namespace orch::alert
