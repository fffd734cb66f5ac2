// The SNS alerter and client against a scripted HTTP client: what goes on the wire, how answers
// are read and which failures are retried. tests/unit/alert/sns_fauxqs_test.cc runs them
// against the emulator.

#include "orch/alert/sns/sns_alerter.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>

#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_http_client.h"

#include "orch/alert/sns/sns_client.h"
#include "orch/aws/aws_client.h"
#include "orch/common/strings.h"

namespace orch::alert {
namespace {

using std::chrono_literals::operator""ms;
using std::chrono_literals::operator""s;

constexpr std::string_view kTopicArn = "arn:aws:sns:us-east-1:123456789012:alerts";

aws::AwsConfig TestConfig() {
  aws::AwsConfig config;
  config.credentials = {.access_key_id = "AKIDTEST", .secret_access_key = "secret"};
  config.region = "us-east-1";
  config.endpoint_url = "http://127.0.0.1:4566";
  return config;
}

// The form parameters of a query-protocol request.
std::map<std::string, std::string> FormOf(const std::string& body) {
  const auto decode = [](std::string_view text) {
    std::string decoded;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '%' && i + 2 < text.size()) {
        decoded += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else {
        decoded += text[i];
      }
    }
    return decoded;
  };
  std::map<std::string, std::string> form;
  for (const std::string_view pair : SplitString(body, '&')) {
    const std::size_t equals = pair.find('=');
    form[decode(pair.substr(0, equals))] = decode(pair.substr(equals + 1));
  }
  return form;
}

std::string PublishAnswer() {
  return "<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult>"
         "</PublishResponse>";
}

std::string ErrorAnswer(std::string_view code) {
  return fmt::format(
      "<ErrorResponse><Error><Type>Sender</Type><Code>{}</Code><Message>no</Message></Error>"
      "</ErrorResponse>",
      code);
}

DeliveryOptions FastOptions() {
  return {.initial_backoff = 1ms, .max_backoff = 5ms, .request_timeout = 1s, .flush_timeout = 1s};
}

TEST(SnsSubjectTest, CarriesTheSeverityAndFitsSnsRules) {
  EXPECT_EQ(SnsSubject({.severity = Alert::Severity::kCritical, .subject = "SNOS job 12 failed"}),
            "[CRITICAL] SNOS job 12 failed");
  EXPECT_EQ(SnsSubject({.severity = Alert::Severity::kWarning, .subject = ""}), "[WARNING]");
  EXPECT_EQ(SnsSubject({.subject = "two\nlines\tand\r\n"}), "[WARNING] two lines and");
  EXPECT_EQ(SnsSubject({.subject = "caf\xc3\xa9 \xff \x01"}), "[WARNING] caf? ? ?");

  const std::string subject = SnsSubject({.subject = std::string(200, 'x')});
  EXPECT_EQ(subject.size(), 99U);
  EXPECT_TRUE(subject.ends_with("xxx..."));
}

TEST(SnsMessageTest, HoldsTheSubjectLineAndTheDetails) {
  EXPECT_EQ(SnsMessage({.severity = Alert::Severity::kCritical,
                        .subject = "job failed",
                        .message = "block 12\ncaf\xc3\xa9"}),
            "[CRITICAL] job failed\n\nblock 12\ncaf\xc3\xa9");
  EXPECT_EQ(SnsMessage({.subject = "only"}), "[WARNING] only");
}

TEST(SnsMessageTest, ReplacesWhatSnsCannotCarry) {
  const std::string message =
      SnsMessage({.subject = "s", .message = std::string("nul \0 bad \xff\xfe end", 16)});
  EXPECT_EQ(message, "[WARNING] s\n\nnul ? bad ?? end");
  // Overlong forms and surrogates are not UTF-8 either.
  EXPECT_EQ(SnsMessage({.subject = "\xc0\xaf\xed\xa0\x80"}), "[WARNING] ?????");
}

TEST(SnsMessageTest, CutsAMessageBeyond256KiB) {
  const std::string message = SnsMessage({.subject = "big", .message = std::string(1 << 20, 'm')});
  EXPECT_LE(message.size(), 256U * 1024U);
  EXPECT_GT(message.size(), 250U * 1024U);
  EXPECT_TRUE(message.ends_with("[truncated to fit SNS's 256 KiB]"));
}

class SnsAlerterTest : public ::testing::Test {
 protected:
  http::FakeHttpClient http_;
  testing::FakeClock clock_;
};

TEST_F(SnsAlerterTest, PublishesPlainTextToTheTopic) {
  http_.PushResponse(200, PublishAnswer());
  DeliveryOptions options = FastOptions();
  options.request_timeout = 1234ms;
  SnsAlerter alerter(http_, TestConfig(), clock_, std::string(kTopicArn), options);
  alerter.Send({.severity = Alert::Severity::kCritical, .subject = "job failed", .message = "m"});
  // Before Stop, which would cut the timeout to the flush time left.
  ASSERT_TRUE(http_.WaitForRequests(1, 5s));
  alerter.Stop();

  EXPECT_EQ(alerter.delivered(), 1U);
  const std::vector<http::HttpRequest> requests = http_.requests();
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(requests[0].url, "http://127.0.0.1:4566/");
  EXPECT_EQ(requests[0].timeout, 1234ms);
  EXPECT_TRUE(http::FindHeader(requests[0].headers, "authorization")
                  .value_or("")
                  .find("/us-east-1/sns/aws4_request") != std::string_view::npos);
  EXPECT_EQ(FormOf(requests[0].body),
            (std::map<std::string, std::string>{{"Action", "Publish"},
                                                {"Version", "2010-03-31"},
                                                {"TopicArn", std::string(kTopicArn)},
                                                {"Subject", "[CRITICAL] job failed"},
                                                {"Message", "[CRITICAL] job failed\n\nm"}}));
}

TEST_F(SnsAlerterTest, RetriesThrottlingAndServerErrors) {
  http_.PushResponse(400, ErrorAnswer("Throttling"));
  http_.PushResponse(503, "");
  http_.PushError(Error::Unavailable("connection refused"));
  http_.PushResponse(200, PublishAnswer());
  SnsAlerter alerter(http_, TestConfig(), clock_, std::string(kTopicArn), FastOptions());
  alerter.Send({.subject = "s"});
  alerter.Stop();
  EXPECT_EQ(http_.request_count(), 4U);
  EXPECT_EQ(alerter.delivered(), 1U);
  EXPECT_EQ(alerter.failed(), 0U);
}

TEST_F(SnsAlerterTest, DoesNotRetryAMissingTopicOrRefusedCredentials) {
  http_.PushResponse(404, ErrorAnswer("NotFound"));
  http_.PushResponse(403, ErrorAnswer("InvalidClientTokenId"));
  SnsAlerter alerter(http_, TestConfig(), clock_, std::string(kTopicArn), FastOptions());
  alerter.Send({.subject = "first"});
  alerter.Send({.subject = "second"});
  alerter.Stop();
  EXPECT_EQ(http_.request_count(), 2U);
  EXPECT_EQ(alerter.failed(), 2U);
  EXPECT_EQ(alerter.delivered(), 0U);
}

TEST_F(SnsAlerterTest, GivesUpAfterMaxAttempts) {
  http_.SetDefault(http::HttpResponse{.status = 500, .body = ErrorAnswer("InternalError")});
  DeliveryOptions options = FastOptions();
  options.max_attempts = 3;
  SnsAlerter alerter(http_, TestConfig(), clock_, std::string(kTopicArn), options);
  alerter.Send({.subject = "s"});
  alerter.Stop();
  // One attempt per call in the alerter's AwsClient: the worker alone retries.
  EXPECT_EQ(http_.request_count(), 3U);
  EXPECT_EQ(alerter.failed(), 1U);
}

class SnsClientTest : public ::testing::Test {
 protected:
  SnsClientTest() : client_(http_, TestConfig(), aws::SnsService(), clock_, {.max_attempts = 1}) {}

  http::FakeHttpClient http_;
  testing::FakeClock clock_;
  aws::AwsClient client_;
};

TEST_F(SnsClientTest, ResolveTopicArnReadsEveryPageOfListTopics) {
  http_.PushResponse(200,
                     "<ListTopicsResponse><ListTopicsResult><Topics>"
                     "<member><TopicArn>arn:aws:sns:us-east-1:1:other-alerts</TopicArn></member>"
                     "</Topics><NextToken>page-2</NextToken></ListTopicsResult>"
                     "</ListTopicsResponse>");
  http_.PushResponse(200,
                     "<ListTopicsResponse><ListTopicsResult><Topics>"
                     "<member><TopicArn>arn:aws:sns:us-east-1:1:alerts-old</TopicArn></member>"
                     "<member><TopicArn>arn:aws:sns:us-east-1:1:alerts</TopicArn></member>"
                     "</Topics></ListTopicsResult></ListTopicsResponse>");
  const Result<std::string> arn = SnsClient(client_).ResolveTopicArn("alerts");
  ASSERT_TRUE(arn.ok()) << arn.error().ToString();
  EXPECT_EQ(*arn, "arn:aws:sns:us-east-1:1:alerts");
  const std::vector<http::HttpRequest> requests = http_.requests();
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_EQ(FormOf(requests[0].body).count("NextToken"), 0U);
  EXPECT_EQ(FormOf(requests[1].body).at("NextToken"), "page-2");
}

TEST_F(SnsClientTest, ResolveTopicArnTakesAnArnAsItIs) {
  EXPECT_EQ(SnsClient(client_).ResolveTopicArn(kTopicArn).value(), kTopicArn);
  EXPECT_EQ(http_.request_count(), 0U);
}

TEST_F(SnsClientTest, ResolveTopicArnOfAnUnknownNameIsNotFound) {
  http_.PushResponse(200,
                     "<ListTopicsResponse><ListTopicsResult><Topics/></ListTopicsResult>"
                     "</ListTopicsResponse>");
  const Result<std::string> arn = SnsClient(client_).ResolveTopicArn("alerts");
  ASSERT_FALSE(arn.ok());
  EXPECT_EQ(arn.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(arn.error().message().find("'alerts'"), std::string::npos);
  EXPECT_EQ(SnsClient(client_).ResolveTopicArn("").error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(SnsClientTest, GetTopicAttributesReadsTheEntries) {
  http_.PushResponse(200,
                     "<GetTopicAttributesResponse><GetTopicAttributesResult><Attributes>"
                     "<entry><key>TopicArn</key><value>arn:x</value></entry>"
                     "<entry><key>DisplayName</key><value></value></entry>"
                     "</Attributes></GetTopicAttributesResult></GetTopicAttributesResponse>");
  const auto attributes = SnsClient(client_).GetTopicAttributes("arn:x");
  ASSERT_TRUE(attributes.ok()) << attributes.error().ToString();
  EXPECT_EQ(attributes->at("TopicArn"), "arn:x");
  EXPECT_EQ(attributes->at("DisplayName"), "");
  EXPECT_EQ(FormOf(http_.requests().at(0).body).at("Action"), "GetTopicAttributes");
}

TEST_F(SnsClientTest, AnAnswerWithoutTheDocumentedElementIsDataLoss) {
  http_.PushResponse(200, "<CreateTopicResponse/>");
  EXPECT_EQ(SnsClient(client_).CreateTopic("alerts").error().code(), ErrorCode::kDataLoss);
  http_.PushResponse(200, "not xml <");
  EXPECT_EQ(SnsClient(client_).Publish(kTopicArn, "s", "m").error().code(), ErrorCode::kDataLoss);
}

}  // namespace
}  // namespace orch::alert
