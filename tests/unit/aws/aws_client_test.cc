#include "orch/aws/aws_client.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>

#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_http_client.h"

namespace orch::aws {
namespace {

using std::chrono::milliseconds;

AwsConfig TestConfig() {
  AwsConfig config;
  config.credentials = {"AKIDTEST", "super-secret-key", ""};
  config.region = "eu-west-3";
  config.endpoint_url = "http://127.0.0.1:4566/";
  return config;
}

class AwsClientTest : public ::testing::Test {
 protected:
  AwsClient MakeClient(AwsService service) {
    return AwsClient(http_, TestConfig(), std::move(service), clock_,
                     {.max_attempts = 3,
                      .initial_backoff = milliseconds(100),
                      .max_backoff = milliseconds(150),
                      .sleep = [this](milliseconds wait) { waits_.push_back(wait); }});
  }

  http::FakeHttpClient http_;
  testing::FakeClock clock_;
  std::vector<milliseconds> waits_;
};

TEST_F(AwsClientTest, JsonCallIsSignedAndTargetsTheOperation) {
  http_.PushResponse(200, R"({"QueueUrl":"http://sqs.us-east-1.localhost:4566/0/q"})");
  const AwsClient client = MakeClient(SqsService());
  const Result<nlohmann::json> answer =
      client.CallJson("AmazonSQS", "1.0", "GetQueueUrl", {{"QueueName", "q"}});
  ASSERT_TRUE(answer.ok()) << answer.error().ToString();
  EXPECT_EQ((*answer)["QueueUrl"], "http://sqs.us-east-1.localhost:4566/0/q");
  const http::HttpRequest request = http_.requests().at(0);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "http://127.0.0.1:4566/");
  EXPECT_EQ(http::FindHeader(request.headers, "x-amz-target").value_or(""),
            "AmazonSQS.GetQueueUrl");
  EXPECT_EQ(http::FindHeader(request.headers, "content-type").value_or(""),
            "application/x-amz-json-1.0");
  EXPECT_TRUE(http::FindHeader(request.headers, "authorization")
                  .value_or("")
                  .starts_with("AWS4-HMAC-SHA256 Credential=AKIDTEST/"));
  EXPECT_EQ(nlohmann::json::parse(request.body), nlohmann::json({{"QueueName", "q"}}));
}

TEST_F(AwsClientTest, QueryCallFormEncodesActionVersionAndParameters) {
  http_.PushResponse(200, "<PublishResponse/>");
  const AwsClient client = MakeClient(SnsService());
  const Result<std::string> answer =
      client.CallQuery("Publish", "2010-03-31", {{"Message", "a b&c"}, {"TopicArn", "arn:x"}});
  ASSERT_TRUE(answer.ok()) << answer.error().ToString();
  EXPECT_EQ(http_.requests().at(0).body,
            "Action=Publish&Version=2010-03-31&Message=a%20b%26c&TopicArn=arn%3Ax");
}

TEST_F(AwsClientTest, ThrottlingIsRetriedWithDoublingCappedBackoff) {
  http_.PushResponse(400, R"({"__type":"com.amazonaws.sqs#ThrottlingException","message":"slow"})");
  http_.PushResponse(503, "");
  http_.PushResponse(200, "{}");
  const AwsClient client = MakeClient(SqsService());
  const Result<nlohmann::json> answer = client.CallJson("AmazonSQS", "1.0", "SendMessage", {});
  ASSERT_TRUE(answer.ok()) << answer.error().ToString();
  EXPECT_EQ(http_.request_count(), 3u);
  EXPECT_EQ(waits_, (std::vector<milliseconds>{milliseconds(100), milliseconds(150)}));
}

TEST_F(AwsClientTest, TransientFailuresGiveUpAfterMaxAttempts) {
  http_.SetDefault(http::HttpResponse{.status = 503,
                                      .body = "<Error><Code>SlowDown</Code>"
                                              "<Message>Reduce</Message></Error>"});
  const AwsClient client = MakeClient(S3Service());
  const Result<http::HttpResponse> answer =
      client.Send("PutObject", {.method = "PUT", .url = "http://127.0.0.1:4566/b/k"});
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(answer.error().transient());
  EXPECT_EQ(answer.error().message(), "S3 PutObject: SlowDown: Reduce (HTTP 503)");
  EXPECT_EQ(http_.request_count(), 3u);
}

TEST_F(AwsClientTest, PermanentErrorsAreNotRetried) {
  http_.PushResponse(400, R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"nope"})");
  const AwsClient client = MakeClient(SqsService());
  const Result<nlohmann::json> answer = client.CallJson("AmazonSQS", "1.0", "GetQueueUrl", {});
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(answer.error().transient());
  EXPECT_EQ(http_.request_count(), 1u);
}

TEST_F(AwsClientTest, TransportErrorsAreRetriedAndNamed) {
  http_.PushError(Error::Unavailable("connection refused"));
  http_.PushResponse(200, "{}");
  const AwsClient client = MakeClient(SqsService());
  ASSERT_TRUE(client.CallJson("AmazonSQS", "1.0", "ListQueues", {}).ok());
  http_.SetDefault(Error::Unavailable("connection refused"));
  const Result<nlohmann::json> failed = client.CallJson("AmazonSQS", "1.0", "ListQueues", {});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message(), "SQS ListQueues: connection refused");
}

TEST_F(AwsClientTest, AnswerThatIsNotJsonIsDataLoss) {
  http_.PushResponse(200, "<html>proxy</html>");
  const AwsClient client = MakeClient(SqsService());
  const Result<nlohmann::json> answer = client.CallJson("AmazonSQS", "1.0", "ListQueues", {});
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code(), ErrorCode::kDataLoss);
  EXPECT_NE(answer.error().message().find("<html>proxy</html>"), std::string::npos);
}

struct Classification {
  int status;
  std::string body;
  ErrorCode code;
  bool transient;
  std::string message;
};

TEST(AwsErrorFromResponseTest, ClassifiesJsonXmlAndStatusOnlyAnswers) {
  const std::vector<Classification> table = {
      {400, R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"gone"})",
       ErrorCode::kNotFound, false, "SQS Op: QueueDoesNotExist: gone (HTTP 400)"},
      {404, "<Error><Code>NoSuchBucket</Code><Message>The bucket</Message></Error>",
       ErrorCode::kNotFound, false, "SQS Op: NoSuchBucket: The bucket (HTTP 404)"},
      {404, "", ErrorCode::kNotFound, false, "SQS Op:  (HTTP 404)"},
      {403, "<Error><Code>SignatureDoesNotMatch</Code><Message>bad</Message></Error>",
       ErrorCode::kInvalidArgument, false,
       "SQS Op: SignatureDoesNotMatch: bad (HTTP 403); check AWS_ACCESS_KEY_ID, "
       "AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and the region"},
      {400, R"({"__type":"UnrecognizedClientException","message":"who"})",
       ErrorCode::kInvalidArgument, false,
       "SQS Op: UnrecognizedClientException: who (HTTP 400); check AWS_ACCESS_KEY_ID, "
       "AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and the region"},
      {400,
       "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate "
       "exceeded</Message></Error></ErrorResponse>",
       ErrorCode::kUnavailable, true, "SQS Op: Throttling: Rate exceeded (HTTP 400)"},
      {500, "oops", ErrorCode::kUnavailable, true, "SQS Op: oops (HTTP 500)"},
      {501, "<Error><Code>NotImplemented</Code><Message>no lifecycle</Message></Error>",
       ErrorCode::kInvalidArgument, false, "SQS Op: NotImplemented: no lifecycle (HTTP 501)"},
      {400, "<Error><Code>RequestTimeout</Code><Message>slow body</Message></Error>",
       ErrorCode::kTimeout, true, "SQS Op: RequestTimeout: slow body (HTTP 400)"},
      {409, "<Error><Code>BucketAlreadyOwnedByYou</Code><Message>yours</Message></Error>",
       ErrorCode::kAlreadyExists, false, "SQS Op: BucketAlreadyOwnedByYou: yours (HTTP 409)"},
      {400, R"({"__type":"ValidationException","message":"bad rate"})", ErrorCode::kInvalidArgument,
       false, "SQS Op: ValidationException: bad rate (HTTP 400)"},
  };
  for (const Classification& row : table) {
    const Error error =
        AwsErrorFromResponse("SQS", "Op", {.status = row.status, .body = row.body, .headers = {}});
    EXPECT_EQ(error.code(), row.code) << row.body;
    EXPECT_EQ(error.transient(), row.transient) << row.body;
    EXPECT_EQ(error.message(), row.message);
  }
}

TEST(AwsErrorFromResponseTest, ReadsTheErrorTypeHeaderWhenTheBodyIsEmpty) {
  const Error error =
      AwsErrorFromResponse("EventBridge", "PutRule",
                           {.status = 400,
                            .body = "",
                            .headers = {{"X-Amzn-ErrorType", "ThrottlingException:http://x"}}});
  EXPECT_EQ(error.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(error.message(), "EventBridge PutRule: ThrottlingException (HTTP 400)");
}

std::optional<std::string> Lookup(const std::map<std::string, std::string>& env,
                                  std::string_view name) {
  const auto it = env.find(std::string(name));
  return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
}

TEST(LoadAwsConfigTest, ReadsTheSdkVariables) {
  const std::map<std::string, std::string> env = {{"AWS_ACCESS_KEY_ID", "AKID"},
                                                  {"AWS_SECRET_ACCESS_KEY", "secret"},
                                                  {"AWS_SESSION_TOKEN", "token"},
                                                  {"AWS_DEFAULT_REGION", "eu-west-1"},
                                                  {"AWS_ENDPOINT_URL", "http://127.0.0.1:4566"},
                                                  {"AWS_ENDPOINT_URL_S3", "http://127.0.0.1:4568"}};
  const Result<AwsConfig> config =
      LoadAwsConfig([&](std::string_view name) { return Lookup(env, name); });
  ASSERT_TRUE(config.ok()) << config.error().ToString();
  EXPECT_EQ(config->credentials.access_key_id, "AKID");
  EXPECT_EQ(config->credentials.secret_access_key, "secret");
  EXPECT_EQ(config->credentials.session_token, "token");
  EXPECT_EQ(config->region, "eu-west-1");
  EXPECT_EQ(config->EndpointFor("sqs", "sqs"), "http://127.0.0.1:4566");
  EXPECT_EQ(config->EndpointFor("s3", "s3"), "http://127.0.0.1:4568");
}

TEST(LoadAwsConfigTest, RegionWinsOverDefaultRegionAndPublicEndpointsFollowIt) {
  const std::map<std::string, std::string> env = {{"AWS_ACCESS_KEY_ID", "AKID"},
                                                  {"AWS_SECRET_ACCESS_KEY", "secret"},
                                                  {"AWS_REGION", "ap-south-1"},
                                                  {"AWS_DEFAULT_REGION", "eu-west-1"}};
  const Result<AwsConfig> config =
      LoadAwsConfig([&](std::string_view name) { return Lookup(env, name); });
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->EndpointFor("eventbridge", "events"),
            "https://events.ap-south-1.amazonaws.com");
}

TEST(LoadAwsConfigTest, FileVariantWinsAndIsTrimmed) {
  const std::string path = ::testing::TempDir() + "aws_secret_" + std::to_string(getpid());
  std::ofstream(path) << "from-file\n";
  const std::map<std::string, std::string> env = {{"AWS_ACCESS_KEY_ID", "AKID"},
                                                  {"AWS_SECRET_ACCESS_KEY", "from-env"},
                                                  {"AWS_SECRET_ACCESS_KEY_FILE", path},
                                                  {"AWS_REGION", "us-east-1"}};
  const Result<AwsConfig> config =
      LoadAwsConfig([&](std::string_view name) { return Lookup(env, name); });
  ASSERT_TRUE(config.ok()) << config.error().ToString();
  EXPECT_EQ(config->credentials.secret_access_key, "from-file");
  std::remove(path.c_str());
}

TEST(LoadAwsConfigTest, MissingPiecesAreNamedWithoutValues) {
  const std::map<std::string, std::string> no_secret = {{"AWS_ACCESS_KEY_ID", "AKID-VISIBLE"},
                                                        {"AWS_REGION", "us-east-1"}};
  Result<AwsConfig> config =
      LoadAwsConfig([&](std::string_view name) { return Lookup(no_secret, name); });
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message().find("AWS_SECRET_ACCESS_KEY is not set"), std::string::npos);
  EXPECT_EQ(config.error().message().find("AKID-VISIBLE"), std::string::npos);

  const std::map<std::string, std::string> no_region = {{"AWS_ACCESS_KEY_ID", "AKID"},
                                                        {"AWS_SECRET_ACCESS_KEY", "secret"}};
  config = LoadAwsConfig([&](std::string_view name) { return Lookup(no_region, name); });
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message().find("AWS_REGION or AWS_DEFAULT_REGION"), std::string::npos);

  const std::map<std::string, std::string> empty_file = {
      {"AWS_ACCESS_KEY_ID", "AKID"},
      {"AWS_SECRET_ACCESS_KEY_FILE", "/nonexistent/secret"},
      {"AWS_REGION", "us-east-1"}};
  config = LoadAwsConfig([&](std::string_view name) { return Lookup(empty_file, name); });
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message().find("AWS_SECRET_ACCESS_KEY_FILE: cannot read"),
            std::string::npos);
}

}  // namespace
}  // namespace orch::aws
