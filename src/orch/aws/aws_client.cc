#include "orch/aws/aws_client.h"

#include <algorithm>
#include <array>
#include <pugixml.hpp>
#include <thread>

#include "orch/aws/sigv4_signer.h"

namespace orch::aws {
namespace {

constexpr std::size_t kMaxMessageBody = 300;

bool IsThrottling(std::string_view code) {
  static constexpr std::array<std::string_view, 14> kThrottling = {
      "Throttling",
      "ThrottlingException",
      "ThrottledException",
      "RequestThrottledException",
      "TooManyRequestsException",
      "ProvisionedThroughputExceededException",
      "TransactionInProgressException",
      "RequestLimitExceeded",
      "BandwidthLimitExceeded",
      "RequestThrottled",
      "SlowDown",
      "PriorRequestNotComplete",
      "EC2ThrottledException",
      "ServiceUnavailable"};
  return std::ranges::find(kThrottling, code) != kThrottling.end() ||
         code.ends_with(".RequestThrottled");
}

bool IsNotFound(std::string_view code) {
  static constexpr std::array<std::string_view, 8> kNotFound = {
      "QueueDoesNotExist",
      "AWS.SimpleQueueService.NonExistentQueue",
      "NoSuchBucket",
      "NoSuchKey",
      "NotFound",
      "NoSuchUpload",
      "ResourceNotFoundException",
      "NoSuchLifecycleConfiguration"};
  return std::ranges::find(kNotFound, code) != kNotFound.end();
}

bool IsCredentialRefusal(std::string_view code) {
  static constexpr std::array<std::string_view, 11> kRefusals = {"InvalidAccessKeyId",
                                                                 "SignatureDoesNotMatch",
                                                                 "AccessDenied",
                                                                 "AccessDeniedException",
                                                                 "UnrecognizedClientException",
                                                                 "InvalidClientTokenId",
                                                                 "ExpiredToken",
                                                                 "ExpiredTokenException",
                                                                 "InvalidSignatureException",
                                                                 "MissingAuthenticationToken",
                                                                 "AuthorizationError"};
  return std::ranges::find(kRefusals, code) != kRefusals.end();
}

bool IsAlreadyExists(std::string_view code) {
  static constexpr std::array<std::string_view, 5> kExists = {
      "BucketAlreadyOwnedByYou", "BucketAlreadyExists", "QueueAlreadyExists",
      "ResourceAlreadyExistsException", "ConflictException"};
  return std::ranges::find(kExists, code) != kExists.end();
}

std::string Shorten(std::string_view text) {
  text = text.substr(0, std::min(text.size(), kMaxMessageBody));
  std::string shortened(text);
  std::ranges::replace(shortened, '\n', ' ');
  return shortened;
}

// The error code and message of an answer: JSON ({"__type": "prefix#Code", "message"}),
// XML (<Error><Code/><Message/></Error>, nested in <ErrorResponse> by query services) or the
// x-amzn-ErrorType header.
std::pair<std::string, std::string> ParseErrorBody(const http::HttpResponse& response) {
  std::string code;
  std::string message;
  const std::string_view body = response.body;
  const std::size_t first = body.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && body[first] == '{') {
    const nlohmann::json json = nlohmann::json::parse(body, nullptr, false);
    if (json.is_object()) {
      for (const char* key : {"__type", "code", "Code"}) {
        if (json.contains(key) && json[key].is_string()) {
          code = json[key].get<std::string>();
          break;
        }
      }
      for (const char* key : {"message", "Message"}) {
        if (json.contains(key) && json[key].is_string()) {
          message = json[key].get<std::string>();
          break;
        }
      }
    }
  } else if (first != std::string_view::npos && body[first] == '<') {
    pugi::xml_document document;
    if (document.load_buffer(body.data(), body.size())) {
      code = document.select_node("//Code").node().child_value();
      message = document.select_node("//Message").node().child_value();
    }
  }
  if (code.empty()) {
    if (auto header = http::FindHeader(response.headers, "x-amzn-ErrorType")) {
      code = std::string(*header);
    }
  }
  // "com.amazonaws.sqs#QueueDoesNotExist" and "Code:http://..." carry the code in one part.
  if (const std::size_t hash = code.rfind('#'); hash != std::string::npos) {
    code.erase(0, hash + 1);
  }
  if (const std::size_t colon = code.find(':'); colon != std::string::npos) {
    code.resize(colon);
  }
  if (message.empty() && code.empty()) {
    message = Shorten(body);
  }
  return {code, message};
}

}  // namespace

AwsService SqsService() { return {"sqs", "sqs", "sqs", "SQS"}; }
AwsService S3Service() { return {"s3", "s3", "s3", "S3"}; }
AwsService SnsService() { return {"sns", "sns", "sns", "SNS"}; }
AwsService EventBridgeService() { return {"eventbridge", "events", "events", "EventBridge"}; }
AwsService SchedulerService() {
  return {"scheduler", "scheduler", "scheduler", "EventBridge Scheduler"};
}

Error AwsErrorFromResponse(std::string_view service, std::string_view operation,
                           const http::HttpResponse& response) {
  const auto [code, message] = ParseErrorBody(response);
  const std::string text =
      fmt::format("{} {}: {}{}{} (HTTP {})", service, operation, code.empty() ? "" : code,
                  code.empty() || message.empty() ? "" : ": ", message, response.status);
  // 501 NotImplemented is the service saying it lacks the operation: asking again won't help.
  if (IsThrottling(code) || response.status == 429 ||
      (response.status >= 500 && response.status != 501)) {
    if (code == "RequestTimeout" || code == "RequestTimeoutException") {
      return {ErrorCode::kTimeout, text, true};
    }
    return {ErrorCode::kUnavailable, text, true};
  }
  if (code == "RequestTimeout" || code == "RequestTimeoutException") {
    return {ErrorCode::kTimeout, text, true};
  }
  if (IsNotFound(code) || (code.empty() && response.status == 404)) {
    return {ErrorCode::kNotFound, text, false};
  }
  if (IsCredentialRefusal(code) || response.status == 403) {
    return {ErrorCode::kInvalidArgument,
            text +
                "; check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and the "
                "region",
            false};
  }
  if (IsAlreadyExists(code) || response.status == 409) {
    return {ErrorCode::kAlreadyExists, text, false};
  }
  return {ErrorCode::kInvalidArgument, text, false};
}

std::string JsonStringMember(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const nlohmann::json& JsonObjectMember(const nlohmann::json& object, const char* key) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  const auto it = object.find(key);
  return it != object.end() && it->is_object() ? *it : kEmpty;
}

std::string FormEncode(const QueryParams& params) {
  std::string encoded;
  for (const auto& [key, value] : params) {
    if (!encoded.empty()) {
      encoded += '&';
    }
    encoded += UriEncode(key) + "=" + UriEncode(value);
  }
  return encoded;
}

AwsClient::AwsClient(http::HttpClient& http, AwsConfig config, AwsService service,
                     const Clock& clock, AwsClientOptions options)
    : http_(http),
      config_(std::move(config)),
      service_(std::move(service)),
      clock_(clock),
      options_(std::move(options)),
      endpoint_(config_.EndpointFor(service_.id, service_.host_prefix)) {
  while (endpoint_.ends_with('/')) {
    endpoint_.pop_back();
  }
}

Result<http::HttpResponse> AwsClient::SendOnce(std::string_view operation,
                                               const http::HttpRequest& request) const {
  http::HttpRequest signed_request = request;
  ORCH_RETURN_IF_ERROR(SignRequest(signed_request, config_.credentials,
                                   {config_.region, service_.signing_name}, clock_.Now()));
  Result<http::HttpResponse> response = http_.Send(signed_request);
  if (!response.ok()) {
    return response.error().WithContext(fmt::format("{} {}", service_.display, operation));
  }
  if (response->status >= 200 && response->status < 300) {
    return response;
  }
  return AwsErrorFromResponse(service_.display, operation, *response);
}

Result<http::HttpResponse> AwsClient::Send(std::string_view operation,
                                           http::HttpRequest request) const {
  if (request.timeout <= std::chrono::milliseconds::zero()) {
    request.timeout = options_.timeout;
  }
  Result<http::HttpResponse> result = SendOnce(operation, request);
  std::chrono::milliseconds backoff = options_.initial_backoff;
  for (int attempt = 1;
       !result.ok() && result.error().transient() && attempt < options_.max_attempts; ++attempt) {
    const std::chrono::milliseconds wait = std::min(backoff, options_.max_backoff);
    if (options_.sleep) {
      options_.sleep(wait);
    } else {
      std::this_thread::sleep_for(wait);
    }
    backoff *= 2;
    result = SendOnce(operation, request);
  }
  return result;
}

Result<nlohmann::json> AwsClient::CallJson(std::string_view target_prefix,
                                           std::string_view json_version,
                                           std::string_view operation, const nlohmann::json& body,
                                           std::chrono::milliseconds extra_timeout) const {
  http::HttpRequest request;
  request.method = "POST";
  request.url = endpoint_ + "/";
  request.headers = {{"content-type", fmt::format("application/x-amz-json-{}", json_version)},
                     {"x-amz-target", fmt::format("{}.{}", target_prefix, operation)}};
  request.body = body.dump();
  request.timeout = options_.timeout + extra_timeout;
  ORCH_ASSIGN_OR_RETURN(const http::HttpResponse response, Send(operation, std::move(request)));
  if (TrimWhitespace(response.body).empty()) {
    return nlohmann::json::object();
  }
  nlohmann::json json = nlohmann::json::parse(response.body, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return Error::DataLoss("{} {}: the answer is not a JSON object: {}", service_.display,
                           operation, Shorten(response.body));
  }
  return json;
}

Result<std::string> AwsClient::CallQuery(std::string_view operation, std::string_view version,
                                         const QueryParams& params) const {
  QueryParams all = {{"Action", std::string(operation)}, {"Version", std::string(version)}};
  all.insert(all.end(), params.begin(), params.end());
  http::HttpRequest request;
  request.method = "POST";
  request.url = endpoint_ + "/";
  request.headers = {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"}};
  request.body = FormEncode(all);
  request.timeout = options_.timeout;
  ORCH_ASSIGN_OR_RETURN(http::HttpResponse response, Send(operation, std::move(request)));
  return std::move(response.body);
}

}  // namespace orch::aws
