#include "orch/queue/sqs/sqs_queue.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_http_client.h"

namespace orch::queue {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::string_view kUrl = "http://sqs.us-east-1.localhost:4566/000000000000/work";
constexpr std::string_view kEndpoint = "http://127.0.0.1:4566/";

std::string AwsError(std::string_view code, std::string_view message) {
  return json{{"__type", fmt::format("com.amazonaws.sqs#{}", code)}, {"message", message}}.dump();
}

std::string UrlAnswer(std::string_view url = kUrl) { return json{{"QueueUrl", url}}.dump(); }

// Stands in for SQS's long poll: an empty answer to a ReceiveMessage with WaitTimeSeconds
// lets that much fake time pass, as the server would have waited.
class LongPollingHttpClient final : public http::HttpClient {
 public:
  LongPollingHttpClient(http::FakeHttpClient& script, testing::FakeClock& clock)
      : script_(script), clock_(clock) {}

  Result<http::HttpResponse> Send(const http::HttpRequest& request) override {
    Result<http::HttpResponse> response = script_.Send(request);
    const json body = json::parse(request.body, nullptr, false);
    if (response.ok() && !json::parse(response->body, nullptr, false).contains("Messages") &&
        body.contains("WaitTimeSeconds")) {
      clock_.Advance(seconds(body["WaitTimeSeconds"].get<int>()));
    }
    return response;
  }

 private:
  http::FakeHttpClient& script_;
  testing::FakeClock& clock_;
};

class SqsQueueTest : public ::testing::Test {
 protected:
  SqsQueueTest()
      : long_polling_(http_, clock_),
        client_(long_polling_, Config(), aws::SqsService(), clock_,
                {.max_attempts = 3,
                 .initial_backoff = milliseconds(100),
                 .max_backoff = milliseconds(400),
                 .timeout = milliseconds(30000),
                 .sleep = [this](milliseconds wait) { waits_.push_back(wait); }}),
        queue_(client_, clock_, {.max_long_poll = seconds(20), .orchestrator_version = "1.2.3"}) {}

  static aws::AwsConfig Config() {
    aws::AwsConfig config;
    config.credentials = {"test", "test", ""};
    config.region = "us-east-1";
    config.endpoint_url = std::string(kEndpoint);
    return config;
  }

  // The operation (X-Amz-Target without "AmazonSQS.") and JSON body of request `index`.
  std::pair<std::string, json> Request(std::size_t index) const {
    const http::HttpRequest request = http_.requests().at(index);
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.url, kEndpoint) << "requests go to the endpoint, never to the QueueUrl";
    EXPECT_EQ(http::FindHeader(request.headers, "content-type").value_or(""),
              "application/x-amz-json-1.0");
    std::string target(http::FindHeader(request.headers, "x-amz-target").value_or(""));
    EXPECT_TRUE(target.starts_with("AmazonSQS.")) << target;
    return {target.substr(target.find('.') + 1), json::parse(request.body)};
  }

  std::vector<std::string> Operations() const {
    std::vector<std::string> operations;
    for (std::size_t i = 0; i < http_.request_count(); ++i) {
      operations.push_back(Request(i).first);
    }
    return operations;
  }

  static std::string MessagesAnswer(const json& messages) {
    return json{{"Messages", messages}}.dump();
  }

  static json SqsMessage(std::string_view id, std::string_view receipt, std::string_view body,
                         std::string_view count, std::string_view sent) {
    return {{"MessageId", id},
            {"ReceiptHandle", receipt},
            {"MD5OfBody", "ignored"},
            {"Body", body},
            {"Attributes", {{"ApproximateReceiveCount", count}, {"SentTimestamp", sent}}}};
  }

  http::FakeHttpClient http_;
  testing::FakeClock clock_;
  LongPollingHttpClient long_polling_;
  std::vector<milliseconds> waits_;
  aws::AwsClient client_;
  SqsQueue queue_;
};

TEST_F(SqsQueueTest, SendResolvesTheUrlOnceAndSendsWholeSecondDelaysAndTheVersion) {
  http_.PushResponse(200, UrlAnswer());
  http_.PushResponse(200, R"({"MessageId":"m-1","MD5OfMessageBody":"x"})");
  http_.PushResponse(200, R"({"MessageId":"m-2","MD5OfMessageBody":"x"})");
  http_.PushResponse(200, R"({"MessageId":"m-3","MD5OfMessageBody":"x"})");

  EXPECT_EQ(*queue_.Send("work", R"({"id":"a"})", milliseconds(1001)), "m-1");
  EXPECT_EQ(*queue_.Send("work", "b", milliseconds(0)), "m-2");
  EXPECT_EQ(*queue_.Send("work", "c", seconds(3600)), "m-3");

  EXPECT_EQ(Operations(),
            (std::vector<std::string>{"GetQueueUrl", "SendMessage", "SendMessage", "SendMessage"}));
  EXPECT_EQ(Request(0).second, json({{"QueueName", "work"}}));
  EXPECT_EQ(
      Request(1).second,
      json({{"QueueUrl", kUrl},
            {"MessageBody", R"({"id":"a"})"},
            {"DelaySeconds", 2},
            {"MessageAttributes",
             {{"OrchestratorVersion", {{"DataType", "String"}, {"StringValue", "1.2.3"}}}}}}));
  EXPECT_EQ(Request(2).second["DelaySeconds"], 0);
  EXPECT_EQ(Request(3).second["DelaySeconds"], 900) << "SQS's maximum delay";
}

TEST_F(SqsQueueTest, CreateQueueConfiguresVisibilityAndTheDeadLetterQueue) {
  const std::string dlq_url = "http://sqs.us-east-1.localhost:4566/000000000000/dlq";
  http_.PushResponse(200, UrlAnswer(dlq_url));
  http_.PushResponse(200, R"({"Attributes":{"QueueArn":"arn:aws:sqs:us-east-1:0:dlq"}})");
  http_.PushResponse(200, UrlAnswer());
  http_.PushResponse(200, "{}");
  http_.PushResponse(200, R"({"MessageId":"m"})");

  ASSERT_TRUE(queue_
                  .CreateQueue({.name = "work",
                                .visibility_timeout = milliseconds(1001),
                                .dead_letter_queue = "dlq",
                                .max_receive_count = 3})
                  .ok());
  ASSERT_TRUE(queue_.Send("work", "x", {}).ok()) << "the created queue's URL is cached";

  EXPECT_EQ(Operations(),
            (std::vector<std::string>{"GetQueueUrl", "GetQueueAttributes", "CreateQueue",
                                      "SetQueueAttributes", "SendMessage"}));
  EXPECT_EQ(Request(0).second, json({{"QueueName", "dlq"}}));
  EXPECT_EQ(Request(1).second,
            json({{"QueueUrl", dlq_url}, {"AttributeNames", json::array({"QueueArn"})}}));
  EXPECT_EQ(Request(2).second, json({{"QueueName", "work"}})) << "bare, so always idempotent";
  const json set = Request(3).second;
  EXPECT_EQ(set["QueueUrl"], kUrl);
  EXPECT_EQ(set["Attributes"]["VisibilityTimeout"], "2") << "rounded up to whole seconds";
  EXPECT_EQ(
      json::parse(set["Attributes"]["RedrivePolicy"].get<std::string>()),
      json({{"deadLetterTargetArn", "arn:aws:sqs:us-east-1:0:dlq"}, {"maxReceiveCount", "3"}}));
  EXPECT_EQ(Request(4).second["QueueUrl"], kUrl);
}

TEST_F(SqsQueueTest, CreateQueueWithoutDeadLetterQueueRemovesTheRedrivePolicy) {
  http_.PushResponse(200, UrlAnswer());
  http_.PushResponse(200, "{}");
  ASSERT_TRUE(queue_.CreateQueue({.name = "work", .visibility_timeout = seconds(360)}).ok());
  EXPECT_EQ(Request(1).second["Attributes"],
            json({{"VisibilityTimeout", "360"}, {"RedrivePolicy", ""}}));
}

TEST_F(SqsQueueTest, CreateQueueNeedsTheDeadLetterQueueFirst) {
  http_.PushResponse(400, AwsError("QueueDoesNotExist", "The specified queue does not exist."));
  const Result<void> created =
      queue_.CreateQueue({.name = "work", .dead_letter_queue = "dlq", .max_receive_count = 5});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(created.error().message().find("dead-letter queue dlq of queue work"),
            std::string::npos)
      << created.error().message();
  EXPECT_EQ(Operations(), (std::vector<std::string>{"GetQueueUrl"}));
}

TEST_F(SqsQueueTest, CreateQueueRefusesWhatSqsCannotHoldWithoutCallingIt) {
  for (const QueueConfig& bad : std::vector<QueueConfig>{
           {.name = "work", .visibility_timeout = seconds(43'201)},
           {.name = "work", .dead_letter_queue = "dlq", .max_receive_count = 1001},
           {.name = "bad name"},
       }) {
    const Result<void> created = queue_.CreateQueue(bad);
    ASSERT_FALSE(created.ok());
    EXPECT_EQ(created.error().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(http_.request_count(), 0u);
}

TEST_F(SqsQueueTest, AnUnknownQueueIsNotFoundAndNamesSetup) {
  http_.PushResponse(400, AwsError("QueueDoesNotExist", "The specified queue does not exist."));
  const Result<std::string> sent = queue_.Send("mo_nope_queue", "x", {});
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(sent.error().transient());
  EXPECT_NE(sent.error().message().find("mo_nope_queue"), std::string::npos);
  EXPECT_NE(sent.error().message().find("orchestrator setup"), std::string::npos);
}

TEST_F(SqsQueueTest, ACachedUrlWhoseQueueVanishedIsResolvedAgainOnce) {
  const std::string new_url = "http://sqs.us-east-1.localhost:4566/000000000000/work-2";
  http_.PushResponse(200, UrlAnswer());
  http_.PushResponse(200, R"({"MessageId":"m-1"})");
  http_.PushResponse(400, AwsError("QueueDoesNotExist", "gone"));
  http_.PushResponse(200, UrlAnswer(new_url));
  http_.PushResponse(200, R"({"MessageId":"m-2"})");
  ASSERT_TRUE(queue_.Send("work", "a", {}).ok());
  const Result<std::string> sent = queue_.Send("work", "b", {});
  ASSERT_TRUE(sent.ok()) << sent.error().ToString();
  EXPECT_EQ(*sent, "m-2");
  EXPECT_EQ(Request(4).second["QueueUrl"], new_url);

  // Gone for good: one re-resolution, then kNotFound, and the next call resolves afresh.
  http_.PushResponse(400, AwsError("QueueDoesNotExist", "gone"));
  http_.PushResponse(400, AwsError("QueueDoesNotExist", "gone"));
  http_.PushResponse(400, AwsError("QueueDoesNotExist", "gone"));
  EXPECT_EQ(queue_.Send("work", "c", {}).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(queue_.Send("work", "d", {}).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(Operations().back(), "GetQueueUrl");
  EXPECT_EQ(http_.request_count(), 8u);
}

TEST_F(SqsQueueTest, ThrottlingIsRetriedThenSucceeds) {
  http_.PushResponse(200, UrlAnswer());
  http_.PushResponse(400, AwsError("ThrottlingException", "Rate exceeded"));
  http_.PushResponse(503, "");
  http_.PushResponse(200, R"({"MessageId":"m"})");
  const Result<std::string> sent = queue_.Send("work", "x", {});
  ASSERT_TRUE(sent.ok()) << sent.error().ToString();
  EXPECT_EQ(waits_, (std::vector<milliseconds>{milliseconds(100), milliseconds(200)}));
}

TEST_F(SqsQueueTest, PersistentThrottlingIsTransientUnavailable) {
  http_.PushResponse(200, UrlAnswer());
  http_.SetDefault(http::HttpResponse{
      .status = 400, .body = AwsError("ThrottlingException", "Rate exceeded"), .headers = {}});
  const Result<std::vector<Message>> received = queue_.Receive("work", 1, {});
  ASSERT_FALSE(received.ok());
  EXPECT_EQ(received.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(received.error().transient());
  EXPECT_EQ(http_.request_count(), 4u) << "one GetQueueUrl, three attempts";
}

TEST_F(SqsQueueTest, ReceiveAsksForTheSystemAttributesAndReadsThem) {
  http_.PushResponse(200, UrlAnswer());
  http_.PushResponse(
      200, MessagesAnswer(json::array({SqsMessage("m-1", "r-1", "one", "1", "1750000000123"),
                                       SqsMessage("m-2", "r-2", "two", "4", "1750000000456")})));
  const Result<std::vector<Message>> received = queue_.Receive("work", 25, {});
  ASSERT_TRUE(received.ok()) << received.error().ToString();
  ASSERT_EQ(received->size(), 2u);
  const Message& first = (*received)[0];
  EXPECT_EQ(first.id, "m-1");
  EXPECT_EQ(first.receipt, "r-1");
  EXPECT_EQ(first.body, "one");
  EXPECT_EQ(first.receive_count, 1u);
  EXPECT_EQ(first.sent_at, FromUnixMillis(1'750'000'000'123));
  EXPECT_EQ((*received)[1].receive_count, 4u);

  const json names = json::array({"ApproximateReceiveCount", "SentTimestamp"});
  EXPECT_EQ(Request(1).second, json({{"QueueUrl", kUrl},
                                     {"MaxNumberOfMessages", 10},
                                     {"WaitTimeSeconds", 0},
                                     {"AttributeNames", names},
                                     {"MessageSystemAttributeNames", names}}));
}

TEST_F(SqsQueueTest, ReceiveLongPollsInWholeSecondsUntilTheWaitIsOver) {
  http_.PushResponse(200, UrlAnswer());
  ASSERT_TRUE(queue_.Receive("work", 1, seconds(45)).ok());
  ASSERT_TRUE(queue_.Receive("work", 1, milliseconds(1500)).ok());
  ASSERT_TRUE(queue_.Receive("work", 1, milliseconds(0)).ok());
  std::vector<int> waits;
  for (std::size_t i = 1; i < http_.request_count(); ++i) {
    waits.push_back(Request(i).second["WaitTimeSeconds"].get<int>());
  }
  EXPECT_EQ(waits, (std::vector<int>{20, 20, 5, 2, 0}));
  EXPECT_EQ(http_.requests().at(1).timeout, seconds(50)) << "the long poll extends the timeout";
}

TEST_F(SqsQueueTest, ReceiveReturnsAsSoonAsAMessageArrives) {
  http_.PushResponse(200, UrlAnswer());
  http_.PushResponse(200, "{}");  // a long poll that ended early and empty: the wait goes on
  http_.PushResponse(200, MessagesAnswer(json::array({SqsMessage("m", "r", "b", "1", "1")})));
  const Result<std::vector<Message>> received = queue_.Receive("work", 1, seconds(60));
  ASSERT_TRUE(received.ok()) << received.error().ToString();
  EXPECT_EQ(received->size(), 1u);
  EXPECT_EQ(http_.request_count(), 3u);
}

TEST_F(SqsQueueTest, AckDeletesAndNackChangesVisibilityInWholeSeconds) {
  http_.PushResponse(200, UrlAnswer());
  ASSERT_TRUE(queue_.Ack("work", "r-1").ok());
  ASSERT_TRUE(queue_.Nack("work", "r-2", milliseconds(2001)).ok());
  ASSERT_TRUE(queue_.Nack("work", "r-3", milliseconds(0)).ok());
  EXPECT_EQ(Request(1), std::make_pair(std::string("DeleteMessage"),
                                       json({{"QueueUrl", kUrl}, {"ReceiptHandle", "r-1"}})));
  EXPECT_EQ(Request(2),
            std::make_pair(
                std::string("ChangeMessageVisibility"),
                json({{"QueueUrl", kUrl}, {"ReceiptHandle", "r-2"}, {"VisibilityTimeout", 3}})));
  EXPECT_EQ(Request(3).second["VisibilityTimeout"], 0);
}

TEST_F(SqsQueueTest, AStaleReceiptChangesNothingAndIsNotAnError) {
  http_.PushResponse(200, UrlAnswer());
  http_.PushResponse(400,
                     AwsError("ReceiptHandleIsInvalid", "The input receipt handle is invalid."));
  http_.PushResponse(400, AwsError("MessageNotInflight",
                                   "Message does not exist or is not "
                                   "available for visibility timeout change."));
  http_.PushResponse(400, AwsError("InvalidParameterValue",
                                   "Value r for parameter ReceiptHandle is invalid. Reason: The "
                                   "receipt handle has expired."));
  http_.PushResponse(400, AwsError("InvalidParameterValue",
                                   "Value 99999 for parameter "
                                   "VisibilityTimeout is invalid."));
  EXPECT_TRUE(queue_.Ack("work", "old").ok());
  EXPECT_TRUE(queue_.Nack("work", "old", {}).ok());
  EXPECT_TRUE(queue_.Nack("work", "old", {}).ok());
  const Result<void> other = queue_.Nack("work", "old", {});
  ASSERT_FALSE(other.ok()) << "other refusals are not mistaken for stale receipts";
  EXPECT_EQ(other.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(SqsQueueTest, ApproximateNumberOfMessagesReadsTheQueueAttribute) {
  http_.PushResponse(200, UrlAnswer());
  http_.PushResponse(200, R"({"Attributes":{"ApproximateNumberOfMessages":"7"}})");
  EXPECT_EQ(*queue_.ApproximateNumberOfMessages("work"), 7u);
  EXPECT_EQ(
      Request(1).second,
      json({{"QueueUrl", kUrl}, {"AttributeNames", json::array({"ApproximateNumberOfMessages"})}}));
}

TEST_F(SqsQueueTest, TheAgeOfTheOldestMessageIsNotReportedBySqs) {
  http_.PushResponse(200, UrlAnswer());
  const auto age = queue_.ApproximateAgeOfOldestMessage("work");
  ASSERT_FALSE(age.ok());
  EXPECT_EQ(age.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(age.error().message().find("CloudWatch"), std::string::npos);
  http_.PushResponse(400, AwsError("QueueDoesNotExist", "The specified queue does not exist."));
  EXPECT_EQ(queue_.ApproximateAgeOfOldestMessage("nope").error().code(), ErrorCode::kNotFound);
}

TEST_F(SqsQueueTest, MalformedAnswersAreDataLossNamingTheOperation) {
  struct Case {
    std::string operation;
    std::string answer;
  };
  const std::vector<Case> cases = {
      {"GetQueueUrl", "{}"},
      {"GetQueueUrl", "not json"},
      {"ReceiveMessage", R"({"Messages":"oops"})"},
      {"ReceiveMessage", MessagesAnswer(json::array({json{{"MessageId", "m"}, {"Body", "b"}}}))},
      {"ReceiveMessage", MessagesAnswer(json::array({SqsMessage("m", "r", "b", "one", "1")}))},
      {"ReceiveMessage", MessagesAnswer(json::array({SqsMessage("m", "r", "b", "1", "-5")}))},
      {"SendMessage", R"({"MD5OfMessageBody":"x"})"},
      {"GetQueueAttributes", R"({"Attributes":{"ApproximateNumberOfMessages":"many"}})"},
      {"GetQueueAttributes", R"({"Attributes":[]})"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.answer);
    http::FakeHttpClient http;
    testing::FakeClock clock;
    aws::AwsClient client(http, Config(), aws::SqsService(), clock);
    SqsQueue queue(client, clock);
    if (c.operation != "GetQueueUrl") {
      http.PushResponse(200, UrlAnswer());
    }
    http.PushResponse(200, c.answer);
    const auto error_of = [](const auto& result) {
      return result.ok() ? Error(ErrorCode::kInternal, "no error") : result.error();
    };
    Error error(ErrorCode::kInternal, "no error");
    if (c.operation == "GetQueueUrl" || c.operation == "SendMessage") {
      error = error_of(queue.Send("work", "x", {}));
    } else if (c.operation == "ReceiveMessage") {
      error = error_of(queue.Receive("work", 1, {}));
    } else {
      error = error_of(queue.ApproximateNumberOfMessages("work"));
    }
    EXPECT_EQ(error.code(), ErrorCode::kDataLoss);
    EXPECT_NE(error.message().find("SQS " + c.operation), std::string::npos) << error.message();
  }
}

TEST_F(SqsQueueTest, ABodyThatIsNotUtf8IsRefusedBeforeSending) {
  http_.PushResponse(200, UrlAnswer());
  const Result<std::string> sent = queue_.Send("work", std::string("\xff\xfe", 2), {});
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(http_.request_count(), 0u);
}

}  // namespace
}  // namespace orch::queue
