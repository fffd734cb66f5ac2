// Runs the Queue contract against Amazon SQS as emulated by fauxqs (JSON protocol), started by
// scripts/test-services.sh (ORCH_TEST_FAUXQS_URL), plus what only SQS has: attributes and
// the redrive policy as SQS stores them, and the message version attribute. Every test uses
// queues of its own, since parallel tests share one emulator.
#include <cstdlib>
#include <random>
#include <thread>

#include "tests/contract/queue_contract.h"

#include "orch/aws/aws_client.h"
#include "orch/http/curl_http_client.h"
#include "orch/queue/sqs/sqs_queue.h"

namespace orch::testing {
namespace {

using nlohmann::json;

// Added to every wait, so that a deadline set by the server just before the wait began has
// surely passed when it ends.
constexpr milliseconds kWaitSlack{100};

// fauxqs checks no signature; the credentials only have to be well formed.
aws::AwsConfig FauxqsConfig(std::string endpoint) {
  aws::AwsConfig config;
  config.credentials = {"test", "test", ""};
  config.region = "us-east-1";
  config.endpoint_url = std::move(endpoint);
  return config;
}

std::string RandomSuffix() {
  std::random_device random;
  return fmt::format("{:08x}", random());
}

/// SqsQueues on fauxqs. Time is the server's real clock, so Advance really waits; SQS counts
/// whole seconds, so timeouts are 2 to 3 s and "not yet" is checked 1 s before a deadline.
class SqsQueueHarness final : public QueueHarness {
 public:
  explicit SqsQueueHarness(std::string endpoint)
      : config_(FauxqsConfig(std::move(endpoint))), suffix_(RandomSuffix()) {}

  std::unique_ptr<queue::Queue> MakeQueue(const Clock& clock) override {
    clients_.push_back(std::make_unique<aws::AwsClient>(http_, config_, aws::SqsService(), clock));
    return std::make_unique<queue::SqsQueue>(*clients_.back(), clock);
  }
  const Clock& clock() const override { return clock_; }
  void Advance(milliseconds duration) override {
    std::this_thread::sleep_for(duration + kWaitSlack);
  }
  std::string QueueName(std::string_view name) const override {
    return fmt::format("{}-{}", name, suffix_);
  }
  QueueTiming timing() const override {
    return {
        .visibility = seconds(3), .delay = seconds(2), .step = seconds(1), .long_wait = seconds(4)};
  }
  bool reports_message_age() const override { return false; }
  // SentTimestamp comes from the server's clock, in milliseconds.
  milliseconds clock_tolerance() const override { return seconds(1); }
  // fauxqs moves about 500 messages a second through send, receive and delete.
  int bulk_messages() const override { return 2'000; }

  const aws::AwsConfig& config() const { return config_; }

 private:
  const aws::AwsConfig config_;
  const std::string suffix_;
  SystemClock clock_;
  http::CurlHttpClient http_;
  std::vector<std::unique_ptr<aws::AwsClient>> clients_;
};

Result<std::string> FauxqsUrl() {
  const char* url = std::getenv("ORCH_TEST_FAUXQS_URL");
  if (url == nullptr || *url == '\0') {
    // Not kFailedPrecondition: this suite fails rather than skips when the emulator is absent.
    return Error::InvalidArgument(
        "ORCH_TEST_FAUXQS_URL is not set: start the emulators with "
        "eval \"$(scripts/test-services.sh start)\"");
  }
  return std::string(url);
}

QueueBackend FauxqsBackend() {
  return {"fauxqs", []() -> Result<std::unique_ptr<QueueHarness>> {
            ORCH_ASSIGN_OR_RETURN(std::string url, FauxqsUrl());
            return std::unique_ptr<QueueHarness>(std::make_unique<SqsQueueHarness>(url));
          }};
}

INSTANTIATE_TEST_SUITE_P(Sqs, QueueContract, ::testing::Values(FauxqsBackend()), BackendName());

// What the SqsQueue leaves in SQS, read back with plain SQS calls.
class SqsQueueOnFauxqsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto url = FauxqsUrl();
    ASSERT_TRUE(url.ok()) << url.error().message();
    harness_ = std::make_unique<SqsQueueHarness>(*url);
    client_ =
        std::make_unique<aws::AwsClient>(http_, harness_->config(), aws::SqsService(), clock_);
    queue_ = harness_->MakeQueue(clock_);
  }

  json Call(std::string_view operation, const json& body) {
    auto answer = client_->CallJson("AmazonSQS", "1.0", operation, body);
    EXPECT_TRUE(answer.ok()) << answer.error().ToString();
    return answer.ok() ? *answer : json();
  }

  std::string Url(std::string_view name) {
    return Call("GetQueueUrl", {{"QueueName", name}}).value("QueueUrl", "");
  }

  json Attributes(std::string_view name) {
    return Call("GetQueueAttributes",
                {{"QueueUrl", Url(name)}, {"AttributeNames", json::array({"All"})}})
        .value("Attributes", json::object());
  }

  SystemClock clock_;
  http::CurlHttpClient http_;
  std::unique_ptr<SqsQueueHarness> harness_;
  std::unique_ptr<aws::AwsClient> client_;
  std::unique_ptr<queue::Queue> queue_;
};

TEST_F(SqsQueueOnFauxqsTest, CreateQueueIsIdempotentAndUpdatesTheConfiguration) {
  const std::string work = harness_->QueueName("work");
  const std::string dlq = harness_->QueueName("dlq");
  ASSERT_TRUE(queue_->CreateQueue({.name = dlq}).ok());
  ASSERT_TRUE(queue_->CreateQueue({.name = work, .visibility_timeout = milliseconds(1500)}).ok());
  EXPECT_EQ(Attributes(work).value("VisibilityTimeout", ""), "2");

  auto updated = queue_->CreateQueue({.name = work,
                                      .visibility_timeout = seconds(360),
                                      .dead_letter_queue = dlq,
                                      .max_receive_count = 5});
  ASSERT_TRUE(updated.ok()) << updated.error().ToString();
  const json attributes = Attributes(work);
  EXPECT_EQ(attributes.value("VisibilityTimeout", ""), "360");
  EXPECT_EQ(json::parse(attributes.value("RedrivePolicy", "{}")),
            json({{"deadLetterTargetArn", Attributes(dlq).value("QueueArn", "")},
                  {"maxReceiveCount", "5"}}));
  ASSERT_TRUE(queue_->CreateQueue({.name = work, .visibility_timeout = seconds(360)}).ok());
  EXPECT_EQ(Attributes(work).value("RedrivePolicy", ""), "") << "the dead-letter queue is gone";
}

TEST_F(SqsQueueOnFauxqsTest, CreateQueueNeedsTheDeadLetterQueueFirst) {
  auto created = queue_->CreateQueue(
      {.name = harness_->QueueName("work"), .dead_letter_queue = harness_->QueueName("missing")});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code(), ErrorCode::kNotFound) << created.error().ToString();
}

TEST_F(SqsQueueOnFauxqsTest, MessagesCarryTheOrchestratorVersion) {
  const std::string work = harness_->QueueName("work");
  ASSERT_TRUE(queue_->CreateQueue({.name = work}).ok());
  ASSERT_TRUE(queue_->Send(work, "x", {}).ok());
  const json answer = Call(
      "ReceiveMessage", {{"QueueUrl", Url(work)}, {"MessageAttributeNames", json::array({"All"})}});
  ASSERT_EQ(answer.value("Messages", json::array()).size(), 1u);
  EXPECT_EQ(answer["Messages"][0]["MessageAttributes"],
            json({{"OrchestratorVersion", {{"DataType", "String"}, {"StringValue", "0.1.0"}}}}));
}

TEST_F(SqsQueueOnFauxqsTest, StaleReceiptsOfEveryKindChangeNothing) {
  const std::string work = harness_->QueueName("work");
  ASSERT_TRUE(queue_->CreateQueue({.name = work, .visibility_timeout = seconds(60)}).ok());
  ASSERT_TRUE(queue_->Send(work, "m", {}).ok());
  auto first = queue_->Receive(work, 1, {});
  ASSERT_TRUE(first.ok() && first->size() == 1u);
  ASSERT_TRUE(queue_->Nack(work, first->front().receipt, {}).ok());
  auto second = queue_->Receive(work, 1, {});
  ASSERT_TRUE(second.ok() && second->size() == 1u);

  // fauxqs answers MessageNotInflight to a nack with the old receipt, and an ack with it
  // succeeds without deleting; SQS may also answer ReceiptHandleIsInvalid.
  EXPECT_TRUE(queue_->Nack(work, first->front().receipt, {}).ok());
  EXPECT_TRUE(queue_->Ack(work, first->front().receipt).ok());
  EXPECT_TRUE(queue_->Nack(work, "never-issued", {}).ok());
  auto third = queue_->Receive(work, 1, {});
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(third->empty()) << "the second delivery is still in flight";
  ASSERT_TRUE(queue_->Nack(work, second->front().receipt, {}).ok());
  auto fourth = queue_->Receive(work, 1, {});
  ASSERT_TRUE(fourth.ok() && fourth->size() == 1u) << "the message was never deleted";
  EXPECT_EQ(fourth->front().receive_count, 3u);
}

TEST_F(SqsQueueOnFauxqsTest, AReceiveWaitRoundsUpToWholeSeconds) {
  const std::string work = harness_->QueueName("work");
  ASSERT_TRUE(queue_->CreateQueue({.name = work}).ok());
  const auto start = std::chrono::steady_clock::now();
  auto empty = queue_->Receive(work, 1, milliseconds(1200));
  ASSERT_TRUE(empty.ok()) << empty.error().ToString();
  EXPECT_TRUE(empty->empty());
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, milliseconds(1200));
  EXPECT_LT(waited, milliseconds(2900)) << "the wait rounds up to 2 s, no more";
}

}  // namespace
}  // namespace orch::testing
