#pragma once

// Raw SQS calls on fauxqs (the SQS/SNS/S3 emulator scripts/test-services.sh starts), for tests
// that need a queue to look into: the orchestrator's own SQS backend is not used, so that these
// tests check what arrives on the wire and nothing else.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orch/aws/aws_client.h"
#include "orch/aws/aws_config.h"
#include "orch/common/clock.h"
#include "orch/common/uuid.h"
#include "orch/http/curl_http_client.h"

namespace orch::testing {

inline constexpr std::string_view kFauxqsMissing =
    "ORCH_TEST_FAUXQS_URL is not set: start the AWS emulators with "
    "eval \"$(scripts/test-services.sh start DIR)\" (and stop them with "
    "scripts/test-services.sh stop DIR)";

/// ORCH_TEST_FAUXQS_URL, or nullopt: tests needing fauxqs then fail with kFauxqsMissing.
inline std::optional<std::string> FauxqsUrl() {
  const char* url = std::getenv("ORCH_TEST_FAUXQS_URL");
  return url == nullptr || *url == '\0' ? std::nullopt : std::optional<std::string>(url);
}

/// Configuration for calling fauxqs (it checks no signature, but gets signed requests anyway).
inline aws::AwsConfig FauxqsConfig(const std::string& url) {
  aws::AwsConfig config;
  config.credentials = {.access_key_id = "test", .secret_access_key = "test"};
  config.region = "us-east-1";
  config.endpoint_url = url;
  return config;
}

/// A name no other test uses on the shared emulator: `prefix` and a random suffix.
inline std::string UniqueAwsName(std::string_view prefix) {
  return std::string(prefix) + "-" + NewUuid().substr(0, 13);
}

/// SQS JSON-protocol calls on fauxqs. Thread-compatible.
class FauxqsSqs {
 public:
  struct Queue {
    std::string name;
    std::string url;  // an opaque id: requests go to the endpoint
    std::string arn;
  };

  explicit FauxqsSqs(const std::string& url)
      : client_(http_, FauxqsConfig(url), aws::SqsService(), clock_) {}
  // The client refers to the members: no copies.
  FauxqsSqs(const FauxqsSqs&) = delete;
  FauxqsSqs& operator=(const FauxqsSqs&) = delete;

  /// Creates a queue with a unique name starting with `prefix`.
  Result<Queue> CreateQueue(std::string_view prefix) const {
    Queue queue{.name = UniqueAwsName(prefix)};
    ORCH_ASSIGN_OR_RETURN(const nlohmann::json created,
                          Call("CreateQueue", {{"QueueName", queue.name}}));
    queue.url = created.value("QueueUrl", "");
    ORCH_ASSIGN_OR_RETURN(
        const nlohmann::json attributes,
        Call("GetQueueAttributes", {{"QueueUrl", queue.url}, {"AttributeNames", {"QueueArn"}}}));
    queue.arn = attributes["Attributes"].value("QueueArn", "");
    return queue;
  }

  /// The bodies of the messages received within `wait` (a long poll; up to 10), deleted.
  Result<std::vector<std::string>> Receive(const Queue& queue, std::chrono::seconds wait) const {
    ORCH_ASSIGN_OR_RETURN(const nlohmann::json received,
                          Call("ReceiveMessage", {{"QueueUrl", queue.url},
                                                  {"MaxNumberOfMessages", 10},
                                                  {"WaitTimeSeconds", wait.count()}}));
    std::vector<std::string> bodies;
    for (const nlohmann::json& message : received.value("Messages", nlohmann::json::array())) {
      bodies.push_back(message.value("Body", ""));
      ORCH_RETURN_IF_ERROR(Call(
          "DeleteMessage", {{"QueueUrl", queue.url}, {"ReceiptHandle", message["ReceiptHandle"]}}));
    }
    return bodies;
  }

  const aws::AwsClient& client() const { return client_; }

 private:
  Result<nlohmann::json> Call(std::string_view operation, const nlohmann::json& body) const {
    return client_.CallJson("AmazonSQS", "1.0", operation, body, std::chrono::seconds(20));
  }

  http::CurlHttpClient http_;
  SystemClock clock_;
  aws::AwsClient client_;
};

}  // namespace orch::testing
