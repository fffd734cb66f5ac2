#pragma once

#include <httplib.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <deque>
#include <initializer_list>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/support/local_http_server.h"

#include "orch/aws/aws_client.h"
#include "orch/aws/aws_config.h"
#include "orch/aws/sigv4_signer.h"
#include "orch/common/clock.h"
#include "orch/common/strings.h"
#include "orch/http/curl_http_client.h"

namespace orch::testing {

/// EventBridge (rules) and EventBridge Scheduler on loopback, for the clients' tests: no
/// emulator speaks either. Serves, on one port:
///  - EventBridge, JSON 1.1 protocol (POST / with X-Amz-Target AWSEvents.<Operation>):
///    PutRule, DescribeRule, PutTargets, ListTargetsByRule, on the default event bus;
///  - Scheduler, REST-JSON: GET, POST (create) and PUT (update) /schedules/{Name}, in the
///    default group.
///
/// Every request must carry a valid SigV4 signature by `credentials`, scoped to `region` and
/// the service ("events", "scheduler"): the fake recomputes it with orch::aws::SignRequest over
/// the headers the request says it signed (the signer itself is cross-checked against the AWS
/// JavaScript SDK) and answers 403 InvalidSignatureException on a mismatch, 403
/// UnrecognizedClientException for another access key id, 403
/// MissingAuthenticationTokenException without one. The clock skew is not checked, so that
/// clients may sign with a fake clock.
///
/// Bodies are checked against the API reference's shapes: required members, member types and
/// lengths, names (1-64 of A-Z a-z 0-9 . - _), enums, a rule target's Input being JSON, and
/// the schedule expression (only `rate(N unit)` is served, unit singular for 1 and plural
/// otherwise, minute/hour/day). A member the API does not document is refused too, which is
/// stricter than AWS but catches misspelt members. Failures answer ValidationException (400).
/// Errors have each protocol's form: JSON 1.1 {"__type": code, "message"}; REST-JSON the
/// x-amzn-ErrorType header and {"Message"}.
///
/// Throttle(n, kind) makes the next n signed requests fail: EventBridge's ThrottlingException
/// is HTTP 400, Scheduler's 429; kServiceUnavailable is HTTP 503 for both.
///
/// Fire sends what enabled rules and schedules would send to their SQS targets, through
/// `sqs_endpoint` (fauxqs): the target ARN's queue name is looked up with GetQueueUrl, then
/// SendMessage carries the target's Input as the body. Thread-safe.
class FakeEventBridgeServer {
 public:
  struct Options {
    aws::AwsCredentials credentials{.access_key_id = "AKIDFAKEEVENTS",
                                    .secret_access_key = "fake-eventbridge-secret"};
    std::string region = "us-east-1";
    std::string account_id = "123456789012";
    std::string sqs_endpoint;             // for Fire; empty: Fire fails
    std::size_t targets_page_size = 100;  // ListTargetsByRule pages at most this many
  };

  enum class Throttling { kThrottlingException, kServiceUnavailable };

  struct Rule {
    std::string name;
    std::string arn;
    std::string schedule_expression;
    std::string state;
    std::string description;
    std::map<std::string, nlohmann::json> targets;  // by Id, as PutTargets gave them
  };

  struct Schedule {
    std::string name;
    std::string arn;
    nlohmann::json request;  // the last CreateSchedule/UpdateSchedule body, as sent
  };

  struct Call {
    std::string service;    // "events" or "scheduler"
    std::string operation;  // "PutRule", "CreateSchedule", ...
    std::string body;
    int status = 0;  // what the fake answered
  };

  explicit FakeEventBridgeServer(Options options)
      : options_(std::move(options)),
        server_([this](httplib::Server& server) { Routes(server); }) {}

  /// Base URL: the endpoint for both services (no trailing slash).
  std::string url() const { return server_.url(""); }

  /// The next `count` signed requests are answered with `kind`.
  void Throttle(int count, Throttling kind) {
    std::lock_guard lock(mutex_);
    for (int i = 0; i < count; ++i) {
      throttles_.push_back(kind);
    }
  }

  std::vector<Call> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

  /// How many requests named `operation` arrived (whatever the answer).
  std::size_t CallCount(std::string_view operation) const {
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(std::ranges::count(calls_, operation, &Call::operation));
  }

  std::optional<Rule> rule(const std::string& name) const {
    std::lock_guard lock(mutex_);
    const auto it = rules_.find(name);
    return it == rules_.end() ? std::nullopt : std::optional<Rule>(it->second);
  }

  std::optional<Schedule> schedule(const std::string& name) const {
    std::lock_guard lock(mutex_);
    const auto it = schedules_.find(name);
    return it == schedules_.end() ? std::nullopt : std::optional<Schedule>(it->second);
  }

  /// Fires every enabled rule and schedule once. Returns the number of messages sent.
  Result<int> FireAll() { return Fire(std::nullopt); }
  /// Fires the enabled rule and the enabled schedule named `name` (either may be absent).
  Result<int> FireByName(const std::string& name) { return Fire(name); }

 private:
  using json = nlohmann::json;

  // A refusal: HTTP status, AWS error code, message.
  struct Failure {
    int status = 400;
    std::string code;
    std::string message;
  };
  static Failure Invalid(std::string message) {
    return {400, "ValidationException", std::move(message)};
  }

  // A string member that CheckShape has vouched for.
  static std::string Str(const json& object, const char* key) {
    return object.at(key).get<std::string>();
  }

  enum class Kind { kString, kInteger, kObject, kArray };
  struct Member {
    const char* name;
    Kind kind;
    bool required = false;
    std::size_t max_length = 0;  // strings; 0 = unbounded
  };

  static constexpr std::size_t kMaxName = 64;
  static constexpr std::size_t kMaxArn = 1600;
  static constexpr std::size_t kMaxDescription = 512;
  static constexpr std::size_t kMaxInput = 8192;
  static constexpr std::size_t kMaxExpression = 256;

  void Routes(httplib::Server& server) {
    server.Post("/", [this](const httplib::Request& request, httplib::Response& response) {
      HandleEvents(request, response);
    });
    const auto schedules = [this](const httplib::Request& request, httplib::Response& response) {
      HandleScheduler(request, response);
    };
    server.Get("/schedules/([^/]+)", schedules);
    server.Post("/schedules/([^/]+)", schedules);
    server.Put("/schedules/([^/]+)", schedules);
  }

  // ---- EventBridge (JSON 1.1) ----

  void HandleEvents(const httplib::Request& request, httplib::Response& response) {
    const std::string target = request.get_header_value("X-Amz-Target");
    const std::string operation =
        target.starts_with("AWSEvents.") ? target.substr(std::string("AWSEvents.").size()) : target;
    std::optional<Failure> failure = Admit(request, "events");
    json answer;
    if (!failure.has_value() &&
        request.get_header_value("Content-Type") != "application/x-amz-json-1.1") {
      failure =
          Failure{400, "SerializationException", "Content-Type must be application/x-amz-json-1.1"};
    }
    if (!failure.has_value()) {
      const json body = json::parse(request.body, nullptr, false);
      if (body.is_discarded() || !body.is_object()) {
        failure = Failure{400, "SerializationException", "the body is not a JSON object"};
      } else {
        std::lock_guard lock(mutex_);
        failure = EventsOperation(operation, body, answer);
      }
    }
    Record("events", operation, request.body, failure.has_value() ? failure->status : 200);
    response.status = failure.has_value() ? failure->status : 200;
    response.set_content(failure.has_value()
                             ? json{{"__type", failure->code}, {"message", failure->message}}.dump()
                             : answer.dump(),
                         "application/x-amz-json-1.1");
  }

  // Runs `operation` on the recorded state; fills `answer` or returns why not. Holds mutex_.
  std::optional<Failure> EventsOperation(const std::string& operation, const json& body,
                                         json& answer) {
    if (operation == "PutRule") {
      return PutRule(body, answer);
    }
    if (operation == "DescribeRule") {
      return DescribeRule(body, answer);
    }
    if (operation == "PutTargets") {
      return PutTargets(body, answer);
    }
    if (operation == "ListTargetsByRule") {
      return ListTargetsByRule(body, answer);
    }
    return Failure{400, "UnknownOperationException", "unknown operation " + operation};
  }

  std::optional<Failure> PutRule(const json& body, json& answer) {
    if (auto problem = CheckShape(body, "PutRule",
                                  {{"Name", Kind::kString, true, kMaxName},
                                   {"ScheduleExpression", Kind::kString, false, kMaxExpression},
                                   {"EventPattern", Kind::kString, false, 4096},
                                   {"State", Kind::kString},
                                   {"Description", Kind::kString, false, kMaxDescription},
                                   {"RoleArn", Kind::kString, false, kMaxArn},
                                   {"Tags", Kind::kArray},
                                   {"EventBusName", Kind::kString, false, kMaxArn}})) {
      return problem;
    }
    if (auto problem = CheckDefaultBus(body)) {
      return problem;
    }
    const std::string name = Str(body, "Name");
    if (!IsValidName(name)) {
      return Invalid("Name '" + name + "' must be 1-64 of [.\\-_A-Za-z0-9]");
    }
    if (!body.contains("ScheduleExpression")) {
      return Invalid("this fake serves scheduled rules only: ScheduleExpression is missing");
    }
    if (!IsValidRate(Str(body, "ScheduleExpression"))) {
      return Invalid("Parameter ScheduleExpression is not valid.");
    }
    const std::string state = body.value("State", "ENABLED");
    if (state != "ENABLED" && state != "DISABLED" &&
        state != "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS") {
      return Invalid("State '" + state + "' is not one of ENABLED, DISABLED, ...");
    }
    Rule& rule = rules_[name];
    rule.name = name;
    rule.arn = "arn:aws:events:" + options_.region + ":" + options_.account_id + ":rule/" + name;
    rule.schedule_expression = Str(body, "ScheduleExpression");
    rule.state = state;
    rule.description = body.value("Description", "");
    answer = {{"RuleArn", rule.arn}};
    return std::nullopt;
  }

  std::optional<Failure> DescribeRule(const json& body, json& answer) {
    if (auto problem = CheckShape(body, "DescribeRule",
                                  {{"Name", Kind::kString, true, kMaxName},
                                   {"EventBusName", Kind::kString, false, kMaxArn}})) {
      return problem;
    }
    if (auto problem = CheckDefaultBus(body)) {
      return problem;
    }
    const Rule* rule = FindRule(Str(body, "Name"));
    if (rule == nullptr) {
      return MissingRule(Str(body, "Name"));
    }
    answer = {{"Name", rule->name},
              {"Arn", rule->arn},
              {"ScheduleExpression", rule->schedule_expression},
              {"State", rule->state},
              {"EventBusName", "default"},
              {"CreatedBy", options_.account_id}};
    if (!rule->description.empty()) {
      answer["Description"] = rule->description;
    }
    return std::nullopt;
  }

  std::optional<Failure> PutTargets(const json& body, json& answer) {
    if (auto problem = CheckShape(body, "PutTargets",
                                  {{"Rule", Kind::kString, true, kMaxName},
                                   {"EventBusName", Kind::kString, false, kMaxArn},
                                   {"Targets", Kind::kArray, true}})) {
      return problem;
    }
    if (auto problem = CheckDefaultBus(body)) {
      return problem;
    }
    const json& targets = body["Targets"];
    if (targets.empty() || targets.size() > 10) {
      return Invalid("Targets must hold 1 to 10 targets");
    }
    for (const json& target : targets) {
      if (auto problem = CheckTarget(target)) {
        return problem;
      }
    }
    Rule* rule = FindRule(Str(body, "Rule"));
    if (rule == nullptr) {
      return MissingRule(Str(body, "Rule"));
    }
    for (const json& target : targets) {
      rule->targets[Str(target, "Id")] = target;
    }
    answer = {{"FailedEntryCount", 0}, {"FailedEntries", json::array()}};
    return std::nullopt;
  }

  static std::optional<Failure> CheckTarget(const json& target) {
    if (auto problem = CheckShape(target, "Targets[]",
                                  {{"Id", Kind::kString, true, kMaxName},
                                   {"Arn", Kind::kString, true, kMaxArn},
                                   {"RoleArn", Kind::kString, false, kMaxArn},
                                   {"Input", Kind::kString, false, kMaxInput},
                                   {"InputPath", Kind::kString, false, 256},
                                   {"InputTransformer", Kind::kObject},
                                   {"SqsParameters", Kind::kObject},
                                   {"RetryPolicy", Kind::kObject},
                                   {"DeadLetterConfig", Kind::kObject}})) {
      return problem;
    }
    if (!IsValidName(Str(target, "Id"))) {
      return Invalid("Targets[].Id must be 1-64 of [.\\-_A-Za-z0-9]");
    }
    if (!IsArn(Str(target, "Arn"))) {
      return Invalid("Targets[].Arn is not an ARN");
    }
    const int inputs = static_cast<int>(target.contains("Input")) +
                       static_cast<int>(target.contains("InputPath")) +
                       static_cast<int>(target.contains("InputTransformer"));
    if (inputs > 1) {
      return Invalid("Only one of Input, InputPath, or InputTransformer must be provided.");
    }
    if (target.contains("Input") &&
        json::parse(Str(target, "Input"), nullptr, false).is_discarded()) {
      return Invalid("Targets[].Input is not valid JSON text");
    }
    return std::nullopt;
  }

  std::optional<Failure> ListTargetsByRule(const json& body, json& answer) {
    if (auto problem = CheckShape(body, "ListTargetsByRule",
                                  {{"Rule", Kind::kString, true, kMaxName},
                                   {"EventBusName", Kind::kString, false, kMaxArn},
                                   {"NextToken", Kind::kString, false, 2048},
                                   {"Limit", Kind::kInteger}})) {
      return problem;
    }
    if (auto problem = CheckDefaultBus(body)) {
      return problem;
    }
    const Rule* rule = FindRule(Str(body, "Rule"));
    if (rule == nullptr) {
      return MissingRule(Str(body, "Rule"));
    }
    const std::int64_t limit = body.value("Limit", std::int64_t{100});
    if (limit < 1 || limit > 100) {
      return Invalid("Limit must be 1 to 100");
    }
    std::size_t start = 0;
    if (body.contains("NextToken")) {
      const std::string token = Str(body, "NextToken");
      if (token.empty() ||
          !std::ranges::all_of(token, [](char c) { return c >= '0' && c <= '9'; })) {
        return Invalid("NextToken is not valid");
      }
      start = std::stoul(token);
    }
    const std::size_t page_size =
        std::min(static_cast<std::size_t>(limit), options_.targets_page_size);
    json page = json::array();
    std::size_t index = 0;
    for (const auto& [id, target] : rule->targets) {
      if (index >= start && page.size() < page_size) {
        page.push_back(target);
      }
      ++index;
    }
    answer = {{"Targets", page}};
    if (start + page.size() < rule->targets.size()) {
      answer["NextToken"] = std::to_string(start + page.size());
    }
    return std::nullopt;
  }

  static std::optional<Failure> CheckDefaultBus(const json& body) {
    if (body.contains("EventBusName") && body["EventBusName"] != "default") {
      return Failure{400, "ResourceNotFoundException",
                     "Event bus " + Str(body, "EventBusName") + " does not exist."};
    }
    return std::nullopt;
  }

  Rule* FindRule(const std::string& name) {
    const auto it = rules_.find(name);
    return it == rules_.end() ? nullptr : &it->second;
  }

  static Failure MissingRule(const std::string& name) {
    return {400, "ResourceNotFoundException",
            "Rule " + name + " does not exist on EventBus default."};
  }

  // ---- Scheduler (REST-JSON) ----

  void HandleScheduler(const httplib::Request& request, httplib::Response& response) {
    const std::string name = request.matches[1];
    const std::string operation = request.method == "GET"    ? "GetSchedule"
                                  : request.method == "POST" ? "CreateSchedule"
                                                             : "UpdateSchedule";
    std::optional<Failure> failure = Admit(request, "scheduler");
    json answer;
    if (!failure.has_value()) {
      std::lock_guard lock(mutex_);
      failure = SchedulerOperation(operation, name, request, answer);
    }
    Record("scheduler", operation, request.body, failure.has_value() ? failure->status : 200);
    if (failure.has_value()) {
      response.status = failure->status;
      response.set_header("x-amzn-ErrorType", failure->code);
      response.set_content(json{{"Message", failure->message}}.dump(), "application/json");
      return;
    }
    response.status = 200;
    response.set_content(answer.dump(), "application/json");
  }

  // Holds mutex_.
  std::optional<Failure> SchedulerOperation(const std::string& operation, const std::string& name,
                                            const httplib::Request& request, json& answer) {
    if (!IsValidName(name)) {
      return Invalid("Name '" + name + "' must be 1-64 of [0-9a-zA-Z-_.]");
    }
    if (request.has_param("groupName") && request.get_param_value("groupName") != "default") {
      return Failure{404, "ResourceNotFoundException", "Schedule group does not exist."};
    }
    const auto it = schedules_.find(name);
    if (operation == "GetSchedule") {
      if (it == schedules_.end()) {
        return MissingSchedule(name);
      }
      answer = ScheduleJson(it->second);
      return std::nullopt;
    }
    if (request.get_header_value("Content-Type") != "application/json") {
      return Failure{400, "SerializationException", "Content-Type must be application/json"};
    }
    const json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      return Failure{400, "SerializationException", "the body is not a JSON object"};
    }
    if (auto problem = CheckScheduleBody(operation, body)) {
      return problem;
    }
    if (operation == "CreateSchedule" && it != schedules_.end()) {
      return Failure{409, "ConflictException", "Schedule " + name + " already exists."};
    }
    if (operation == "UpdateSchedule" && it == schedules_.end()) {
      return MissingSchedule(name);
    }
    Schedule& schedule = schedules_[name];
    schedule.name = name;
    schedule.arn = "arn:aws:scheduler:" + options_.region + ":" + options_.account_id +
                   ":schedule/default/" + name;
    schedule.request = body;
    answer = {{"ScheduleArn", schedule.arn}};
    return std::nullopt;
  }

  static std::optional<Failure> CheckScheduleBody(const std::string& operation, const json& body) {
    if (auto problem = CheckShape(body, operation,
                                  {{"ScheduleExpression", Kind::kString, true, kMaxExpression},
                                   {"FlexibleTimeWindow", Kind::kObject, true},
                                   {"Target", Kind::kObject, true},
                                   {"State", Kind::kString},
                                   {"Description", Kind::kString, false, kMaxDescription},
                                   {"GroupName", Kind::kString, false, kMaxName},
                                   {"ClientToken", Kind::kString, false, kMaxName},
                                   {"ScheduleExpressionTimezone", Kind::kString, false, 50},
                                   {"StartDate", Kind::kInteger},
                                   {"EndDate", Kind::kInteger},
                                   {"ActionAfterCompletion", Kind::kString},
                                   {"KmsKeyArn", Kind::kString, false, 2048}})) {
      return problem;
    }
    if (!IsValidRate(Str(body, "ScheduleExpression"))) {
      return Invalid("Invalid Schedule Expression " + body["ScheduleExpression"].dump() + ".");
    }
    if (body.contains("GroupName") && body["GroupName"] != "default") {
      return Failure{404, "ResourceNotFoundException", "Schedule group does not exist."};
    }
    const std::string state = body.value("State", "ENABLED");
    if (state != "ENABLED" && state != "DISABLED") {
      return Invalid("State must be ENABLED or DISABLED");
    }
    const json& window = body["FlexibleTimeWindow"];
    if (auto problem = CheckShape(
            window, "FlexibleTimeWindow",
            {{"Mode", Kind::kString, true}, {"MaximumWindowInMinutes", Kind::kInteger}})) {
      return problem;
    }
    if (window["Mode"] == "OFF"
            ? window.contains("MaximumWindowInMinutes")
            : window["Mode"] != "FLEXIBLE" || !window.contains("MaximumWindowInMinutes")) {
      return Invalid(
          "FlexibleTimeWindow: Mode OFF takes no MaximumWindowInMinutes, FLEXIBLE needs one");
    }
    const json& target = body["Target"];
    if (auto problem = CheckShape(target, "Target",
                                  {{"Arn", Kind::kString, true, kMaxArn},
                                   {"RoleArn", Kind::kString, true, kMaxArn},
                                   {"Input", Kind::kString, false, kMaxInput},
                                   {"RetryPolicy", Kind::kObject},
                                   {"DeadLetterConfig", Kind::kObject},
                                   {"SqsParameters", Kind::kObject}})) {
      return problem;
    }
    if (!IsArn(Str(target, "Arn")) || !IsArn(Str(target, "RoleArn"))) {
      return Invalid("Target.Arn and Target.RoleArn must be ARNs");
    }
    if (target.contains("Input") && Str(target, "Input").empty()) {
      return Invalid("Target.Input must not be empty");
    }
    return std::nullopt;
  }

  static json ScheduleJson(const Schedule& schedule) {
    json answer = schedule.request;
    answer["Arn"] = schedule.arn;
    answer["Name"] = schedule.name;
    answer["GroupName"] = "default";
    answer["State"] = schedule.request.value("State", "ENABLED");
    answer["ScheduleExpressionTimezone"] =
        schedule.request.value("ScheduleExpressionTimezone", "UTC");
    answer.erase("ClientToken");
    return answer;
  }

  static Failure MissingSchedule(const std::string& name) {
    return {404, "ResourceNotFoundException", "Schedule " + name + " does not exist."};
  }

  // ---- Shared checks ----

  // Signature, then injected throttling. Returns the refusal, if any.
  std::optional<Failure> Admit(const httplib::Request& request, const std::string& service) {
    if (std::optional<Failure> refused = CheckSignature(request, service)) {
      return refused;
    }
    std::lock_guard lock(mutex_);
    if (throttles_.empty()) {
      return std::nullopt;
    }
    const Throttling kind = throttles_.front();
    throttles_.pop_front();
    if (kind == Throttling::kServiceUnavailable) {
      return Failure{503, "ServiceUnavailableException", "Service is unavailable"};
    }
    return Failure{service == "scheduler" ? 429 : 400, "ThrottlingException", "Rate exceeded"};
  }

  std::optional<Failure> CheckSignature(const httplib::Request& request,
                                        const std::string& service) const {
    constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256 ";
    const std::string authorization = request.get_header_value("Authorization");
    if (authorization.empty()) {
      return Failure{403, "MissingAuthenticationTokenException", "Missing Authentication Token"};
    }
    if (!authorization.starts_with(kAlgorithm)) {
      return Failure{403, "IncompleteSignatureException", "Unsupported signing algorithm"};
    }
    std::map<std::string, std::string> fields;
    for (const std::string_view part :
         SplitString(std::string_view(authorization).substr(kAlgorithm.size()), ',')) {
      const std::string_view field = TrimWhitespace(part);
      const std::size_t equals = field.find('=');
      if (equals != std::string_view::npos) {
        fields[std::string(field.substr(0, equals))] = std::string(field.substr(equals + 1));
      }
    }
    const std::vector<std::string_view> scope = SplitString(fields["Credential"], '/');
    if (scope.size() != 5 || fields["SignedHeaders"].empty() || fields["Signature"].empty() ||
        scope[4] != "aws4_request") {
      return Failure{403, "IncompleteSignatureException",
                     "Authorization header requires Credential, SignedHeaders and Signature"};
    }
    if (scope[0] != options_.credentials.access_key_id) {
      return Failure{403, "UnrecognizedClientException",
                     "The security token included in the request is invalid."};
    }
    if (scope[2] != options_.region || scope[3] != service) {
      return Failure{403, "InvalidSignatureException",
                     "Credential should be scoped to a valid region and to service " + service};
    }
    const std::optional<TimePoint> signed_at = ParseAmzDate(request.get_header_value("X-Amz-Date"));
    if (!signed_at.has_value() || request.get_header_value("X-Amz-Date").substr(0, 8) != scope[1]) {
      return Failure{403, "IncompleteSignatureException", "X-Amz-Date is missing or invalid"};
    }
    // Recompute over exactly the headers the client signed, as AWS does.
    http::HttpRequest copy{
        .method = request.method,
        .url = "http://" + request.get_header_value("Host") +
               (request.target.empty() ? request.path : request.target),
        .body = request.body,
    };
    for (const std::string_view name : SplitString(fields["SignedHeaders"], ';')) {
      const std::string header(name);
      if (!request.has_header(header)) {
        return Failure{403, "InvalidSignatureException",
                       "signed header " + header + " is not in the request"};
      }
      copy.headers.emplace_back(header, request.get_header_value(header));
    }
    const aws::AwsCredentials credentials{
        .access_key_id = options_.credentials.access_key_id,
        .secret_access_key = options_.credentials.secret_access_key};
    if (!aws::SignRequest(copy, credentials, {options_.region, service}, *signed_at).ok() ||
        http::FindHeader(copy.headers, "authorization") != authorization) {
      return Failure{403, "InvalidSignatureException",
                     "The request signature we calculated does not match the signature you "
                     "provided. Check your AWS Secret Access Key and signing method."};
    }
    return std::nullopt;
  }

  // "20250101T000000Z" → the instant.
  static std::optional<TimePoint> ParseAmzDate(const std::string& text) {
    std::tm utc{};
    if (text.size() != 16 || strptime(text.c_str(), "%Y%m%dT%H%M%SZ", &utc) == nullptr) {
      return std::nullopt;
    }
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::from_time_t(timegm(&utc)));
  }

  // Every member of `object` documented, of its type and length, the required ones present.
  static std::optional<Failure> CheckShape(const json& object, std::string_view where,
                                           std::initializer_list<Member> members) {
    if (!object.is_object()) {
      return Invalid(std::string(where) + " must be an object");
    }
    for (const auto& [key, value] : object.items()) {
      if (std::ranges::find_if(members, [&](const Member& m) { return key == m.name; }) ==
          members.end()) {
        return Invalid(std::string(where) + ": unknown member " + key);
      }
    }
    for (const Member& member : members) {
      const auto it = object.find(member.name);
      if (it == object.end()) {
        if (member.required) {
          return Invalid(std::string(where) + ": " + member.name + " is required");
        }
        continue;
      }
      const bool typed = (member.kind == Kind::kString && it->is_string()) ||
                         (member.kind == Kind::kInteger && it->is_number_integer()) ||
                         (member.kind == Kind::kObject && it->is_object()) ||
                         (member.kind == Kind::kArray && it->is_array());
      if (!typed) {
        return Invalid(std::string(where) + ": " + member.name + " has the wrong type");
      }
      if (member.kind == Kind::kString && member.max_length > 0 &&
          it->get_ref<const std::string&>().size() > member.max_length) {
        return Invalid(std::string(where) + ": " + member.name + " is too long");
      }
    }
    return std::nullopt;
  }

  static bool IsValidName(const std::string& name) {
    static const std::regex kName("[.\\-_A-Za-z0-9]{1,64}");
    return std::regex_match(name, kName);
  }

  static bool IsArn(const std::string& arn) {
    static const std::regex kArn("arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]*:.+");
    return std::regex_match(arn, kArn);
  }

  // rate(N unit): N a positive integer without leading zeros, unit singular iff N is 1.
  static bool IsValidRate(const std::string& expression) {
    static const std::regex kRate("rate\\(([1-9][0-9]*) (minute|hour|day)(s?)\\)");
    std::smatch match;
    if (!std::regex_match(expression, match, kRate)) {
      return false;
    }
    return (match[1] == "1") == match[3].str().empty();
  }

  void Record(std::string service, std::string operation, std::string body, int status) {
    std::lock_guard lock(mutex_);
    calls_.push_back({std::move(service), std::move(operation), std::move(body), status});
  }

  // ---- Firing ----

  Result<int> Fire(const std::optional<std::string>& only) {
    std::vector<std::pair<std::string, std::string>> deliveries;  // (queue ARN, body)
    {
      std::lock_guard lock(mutex_);
      for (const auto& [name, rule] : rules_) {
        if ((only.has_value() && name != *only) || !rule.state.starts_with("ENABLED")) {
          continue;
        }
        for (const auto& [id, target] : rule.targets) {
          // Without Input a rule sends the event itself.
          deliveries.emplace_back(Str(target, "Arn"),
                                  target.value("Input", json{{"detail-type", "Scheduled Event"},
                                                             {"source", "aws.events"},
                                                             {"resources", {rule.arn}}}
                                                            .dump()));
        }
      }
      for (const auto& [name, schedule] : schedules_) {
        if ((only.has_value() && name != *only) ||
            schedule.request.value("State", "ENABLED") != "ENABLED") {
          continue;
        }
        const json& target = schedule.request["Target"];
        deliveries.emplace_back(Str(target, "Arn"), target.value("Input", "{}"));
      }
    }
    if (options_.sqs_endpoint.empty()) {
      return Error::FailedPrecondition("FakeEventBridgeServer: no sqs_endpoint to fire into");
    }
    aws::AwsConfig config;
    config.credentials = options_.credentials;
    config.region = options_.region;
    config.endpoint_url = options_.sqs_endpoint;
    http::CurlHttpClient http;
    SystemClock clock;
    const aws::AwsClient sqs(http, config, aws::SqsService(), clock);
    for (const auto& [arn, body] : deliveries) {
      const std::string queue_name = arn.substr(arn.rfind(':') + 1);
      ORCH_ASSIGN_OR_RETURN(const json queue, sqs.CallJson("AmazonSQS", "1.0", "GetQueueUrl",
                                                           {{"QueueName", queue_name}}));
      ORCH_RETURN_IF_ERROR(
          sqs.CallJson("AmazonSQS", "1.0", "SendMessage",
                       {{"QueueUrl", queue.value("QueueUrl", "")}, {"MessageBody", body}}));
    }
    return static_cast<int>(deliveries.size());
  }

  const Options options_;
  mutable std::mutex mutex_;
  std::map<std::string, Rule> rules_;          // guarded by mutex_
  std::map<std::string, Schedule> schedules_;  // guarded by mutex_
  std::deque<Throttling> throttles_;           // guarded by mutex_
  std::vector<Call> calls_;                    // guarded by mutex_
  // Last: serves requests that use everything above; stopped first.
  LocalHttpServer server_;
};

}  // namespace orch::testing
