#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "orch/aws/aws_config.h"
#include "orch/common/clock.h"
#include "orch/common/result.h"
#include "orch/http/http_client.h"

namespace orch::aws {

/// Names of one AWS service.
struct AwsService {
  std::string id;            // endpoint override key and AWS_ENDPOINT_URL_<ID>: "sqs"
  std::string host_prefix;   // public endpoint host prefix: "sqs", "events"
  std::string signing_name;  // SigV4 service: "sqs", "events"
  std::string display;       // for messages: "SQS"
};

/// The services the orchestrator calls.
AwsService SqsService();
AwsService S3Service();
AwsService SnsService();
AwsService EventBridgeService();
AwsService SchedulerService();

struct AwsClientOptions {
  /// Attempts per call for transient failures (throttling, 5xx, network, timeouts).
  int max_attempts = 4;
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{2000};
  /// Per attempt, connect included. Long polls add their wait to it.
  std::chrono::milliseconds timeout{30000};
  /// Waits between attempts; empty = really sleep (tests record instead).
  std::function<void(std::chrono::milliseconds)> sleep;
};

/// Query-protocol and form parameters, in order.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

/// Calls one AWS service: signs every request (SigV4), retries transient failures with
/// doubling backoff, and turns error answers into Errors of the right class:
///  - throttling (429, 503, ThrottlingException, SlowDown, RequestThrottled...) and 5xx other
///    than 501 NotImplemented → kUnavailable, transient; RequestTimeout → kTimeout, transient;
///  - a missing queue, bucket, key, topic or resource (404, QueueDoesNotExist, NoSuchBucket,
///    NoSuchKey, NotFound, ResourceNotFoundException) → kNotFound, permanent;
///  - refused credentials or signature (403, InvalidAccessKeyId, SignatureDoesNotMatch,
///    AccessDenied, UnrecognizedClientException...) → kInvalidArgument, permanent, with a hint
///    to check the AWS_* variables (never their values);
///  - "already exists" answers → kAlreadyExists; other 4xx → kInvalidArgument, permanent.
/// Messages read "<service> <operation>: <AwsCode>: <message> (HTTP <status>)".
/// Thread-safe if the HttpClient is.
class AwsClient {
 public:
  AwsClient(http::HttpClient& http, AwsConfig config, AwsService service, const Clock& clock,
            AwsClientOptions options = {});

  const AwsService& service() const { return service_; }
  const AwsConfig& config() const { return config_; }
  /// Base URL of the service, without a trailing '/'.
  const std::string& endpoint() const { return endpoint_; }

  /// Signs and sends `request` (its URL absolute), retrying transient failures. Returns
  /// 2xx answers; every other status is an Error as described above.
  Result<http::HttpResponse> Send(std::string_view operation, http::HttpRequest request) const;

  /// AWS JSON protocol: POST <endpoint>/ with X-Amz-Target "<target_prefix>.<operation>" and
  /// Content-Type application/x-amz-json-<json_version>. Returns the answer's JSON ({} when
  /// the body is empty). Errors: as Send; kDataLoss for an answer that is not JSON.
  Result<nlohmann::json> CallJson(std::string_view target_prefix, std::string_view json_version,
                                  std::string_view operation, const nlohmann::json& body,
                                  std::chrono::milliseconds extra_timeout = {}) const;

  /// AWS query protocol: POST <endpoint>/ with Action=<operation>&Version=<version>&params,
  /// form-encoded. Returns the XML answer.
  Result<std::string> CallQuery(std::string_view operation, std::string_view version,
                                const QueryParams& params) const;

 private:
  Result<http::HttpResponse> SendOnce(std::string_view operation,
                                      const http::HttpRequest& request) const;

  http::HttpClient& http_;
  AwsConfig config_;
  AwsService service_;
  const Clock& clock_;
  AwsClientOptions options_;
  std::string endpoint_;
};

/// The Error an AWS error answer stands for (see AwsClient). Exposed for tests.
Error AwsErrorFromResponse(std::string_view service, std::string_view operation,
                           const http::HttpResponse& response);

/// A string member of a JSON-protocol answer; empty when absent or not a string.
std::string JsonStringMember(const nlohmann::json& object, const char* key);

/// An object member of a JSON-protocol answer; an empty object when absent or not an object.
const nlohmann::json& JsonObjectMember(const nlohmann::json& object, const char* key);

/// `params` form-encoded as the query protocol wants (SigV4 encoding: spaces as %20).
std::string FormEncode(const QueryParams& params);

}  // namespace orch::aws
