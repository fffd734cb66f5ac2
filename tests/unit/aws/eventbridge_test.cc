// The EventBridge rule and Scheduler clients against the in-repo fake, which checks every
// request's SigV4 signature and body shape (no emulator speaks either service).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_eventbridge_server.h"

#include "orch/aws/aws_client.h"
#include "orch/aws/eventbridge_client.h"
#include "orch/aws/scheduler_client.h"
#include "orch/aws/sigv4_signer.h"
#include "orch/http/curl_http_client.h"

namespace orch::aws {
namespace {

using ::orch::testing::FakeEventBridgeServer;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::string_view kQueueArn = "arn:aws:sqs:us-east-1:123456789012:mo_worker_trigger_queue";
constexpr std::string_view kRoleArn = "arn:aws:iam::123456789012:role/mo-wt-role";

TEST(RateExpressionTest, UsesTheLargestWholeUnit) {
  const std::vector<std::pair<std::int64_t, std::string>> cases = {
      {60, "rate(1 minute)"},     {120, "rate(2 minutes)"}, {3600, "rate(1 hour)"},
      {5400, "rate(90 minutes)"}, {7200, "rate(2 hours)"},  {86400, "rate(1 day)"},
      {90000, "rate(25 hours)"},  {172800, "rate(2 days)"}};
  for (const auto& [interval, expected] : cases) {
    const Result<std::string> expression = RateExpression(seconds(interval));
    ASSERT_TRUE(expression.ok()) << interval << ": " << expression.error().ToString();
    EXPECT_EQ(*expression, expected) << interval;
  }
}

TEST(RateExpressionTest, RefusesWhatRateCannotExpress) {
  for (const std::int64_t interval : {0, -60, 30, 59, 90}) {
    const Result<std::string> expression = RateExpression(seconds(interval));
    ASSERT_FALSE(expression.ok()) << interval;
    EXPECT_EQ(expression.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(expression.error().message().find("whole minutes"), std::string::npos);
  }
}

TEST(TriggerRuleNameTest, FollowsTheReferenceNaming) {
  EXPECT_EQ(TriggerRuleName("", "Snos").value(), "mo-wt-rule-snos");
  EXPECT_EQ(TriggerRuleName("prod", "UpdateState").value(), "prod-mo-wt-rule-updatestate");
  EXPECT_EQ(TriggerRuleName("my prefix", "Snos").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(TriggerRuleName(std::string(60, 'p'), "Snos").error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(TriggerRuleName("prod", "").error().code(), ErrorCode::kInvalidArgument);
}

TEST(RuleTargetQueuePolicyTest, LetsOnlyTheRulesSendToTheQueue) {
  const nlohmann::json policy = nlohmann::json::parse(RuleTargetQueuePolicy(
      kQueueArn, {"arn:aws:events:us-east-1:123456789012:rule/mo-wt-rule-snos"}));
  EXPECT_EQ(policy["Version"], "2012-10-17");
  const nlohmann::json& statement = policy["Statement"].at(0);
  EXPECT_EQ(statement["Effect"], "Allow");
  EXPECT_EQ(statement["Principal"]["Service"], "events.amazonaws.com");
  EXPECT_EQ(statement["Action"], "sqs:SendMessage");
  EXPECT_EQ(statement["Resource"], kQueueArn);
  EXPECT_EQ(statement["Condition"]["ArnEquals"]["aws:SourceArn"],
            nlohmann::json::array({"arn:aws:events:us-east-1:123456789012:rule/mo-wt-rule-snos"}));
}

class EventBridgeFakeTest : public ::testing::Test {
 protected:
  explicit EventBridgeFakeTest(FakeEventBridgeServer::Options options = {})
      : fake_(std::move(options)) {}

  AwsConfig Config(std::string secret = {}) const {
    AwsConfig config;
    config.credentials = FakeEventBridgeServer::Options{}.credentials;
    if (!secret.empty()) {
      config.credentials.secret_access_key = std::move(secret);
    }
    config.region = "us-east-1";
    config.endpoint_url = fake_.url();
    return config;
  }

  AwsClient Client(AwsService service, AwsConfig config) {
    return AwsClient(http_, std::move(config), std::move(service), clock_,
                     {.max_attempts = 3,
                      .initial_backoff = milliseconds(100),
                      .max_backoff = milliseconds(400),
                      .timeout = milliseconds(5000),
                      .sleep = [this](milliseconds wait) { waits_.push_back(wait); }});
  }
  AwsClient Events() { return Client(EventBridgeService(), Config()); }
  AwsClient Scheduler() { return Client(SchedulerService(), Config()); }

  static ScheduledRule SnosRule(std::string expression = "rate(1 minute)") {
    return {.name = "mo-wt-rule-snos",
            .schedule_expression = std::move(expression),
            .description = "Snos into worker_trigger",
            .target = {.id = "worker-trigger",
                       .arn = std::string(kQueueArn),
                       .input = nlohmann::json("Snos").dump()}};
  }

  static Schedule ProvingSchedule(std::string expression = "rate(1 minute)") {
    return {.name = "mo-wt-rule-proving",
            .schedule_expression = std::move(expression),
            .description = "Proving into worker_trigger",
            .target_arn = std::string(kQueueArn),
            .role_arn = std::string(kRoleArn),
            .input = "Proving"};
  }

  FakeEventBridgeServer fake_;
  http::CurlHttpClient http_;
  testing::FakeClock clock_;
  std::vector<milliseconds> waits_;
};

TEST_F(EventBridgeFakeTest, EnsureRuleCreatesThenFindsItUnchanged) {
  const AwsClient events = Events();
  const EventBridgeClient client(events);

  const Result<Ensured> first = client.EnsureRule(SnosRule());
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->outcome, EnsureOutcome::kCreated);
  EXPECT_EQ(first->arn, "arn:aws:events:us-east-1:123456789012:rule/mo-wt-rule-snos");

  const std::optional<FakeEventBridgeServer::Rule> rule = fake_.rule("mo-wt-rule-snos");
  ASSERT_TRUE(rule.has_value());
  EXPECT_EQ(rule->schedule_expression, "rate(1 minute)");
  EXPECT_EQ(rule->state, "ENABLED");
  EXPECT_EQ(rule->description, "Snos into worker_trigger");
  ASSERT_EQ(rule->targets.size(), 1U);
  EXPECT_EQ(rule->targets.at("worker-trigger"),
            (nlohmann::json{{"Id", "worker-trigger"}, {"Arn", kQueueArn}, {"Input", "\"Snos\""}}));

  const Result<Ensured> second = client.EnsureRule(SnosRule());
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(second->outcome, EnsureOutcome::kUnchanged);
  EXPECT_EQ(second->arn, first->arn);
  EXPECT_EQ(fake_.CallCount("PutRule"), 1U);
  EXPECT_EQ(fake_.CallCount("PutTargets"), 1U);
}

TEST_F(EventBridgeFakeTest, EnsureRuleUpdatesAChangedInterval) {
  const AwsClient events = Events();
  const EventBridgeClient client(events);
  ASSERT_TRUE(client.EnsureRule(SnosRule("rate(1 minute)")).ok());

  const Result<Ensured> updated = client.EnsureRule(SnosRule("rate(5 minutes)"));
  ASSERT_TRUE(updated.ok()) << updated.error().ToString();
  EXPECT_EQ(updated->outcome, EnsureOutcome::kUpdated);
  EXPECT_EQ(fake_.rule("mo-wt-rule-snos")->schedule_expression, "rate(5 minutes)");
  EXPECT_EQ(fake_.CallCount("PutRule"), 2U);
  EXPECT_EQ(fake_.CallCount("PutTargets"), 1U);  // the target was right already
}

TEST_F(EventBridgeFakeTest, EnsureRuleReplacesAChangedTargetAndKeepsOthers) {
  const AwsClient events = Events();
  const EventBridgeClient client(events);
  ScheduledRule rule = SnosRule();
  ASSERT_TRUE(client.EnsureRule(rule).ok());
  ScheduledRule other = rule;
  other.target = {.id = "operator-added", .arn = std::string(kQueueArn), .input = "\"Other\""};
  ASSERT_TRUE(client.PutTarget(other).ok());

  rule.target.arn = "arn:aws:sqs:us-east-1:123456789012:prod_mo_worker_trigger_queue";
  const Result<Ensured> updated = client.EnsureRule(rule);
  ASSERT_TRUE(updated.ok()) << updated.error().ToString();
  EXPECT_EQ(updated->outcome, EnsureOutcome::kUpdated);
  const auto targets = fake_.rule("mo-wt-rule-snos")->targets;
  EXPECT_EQ(targets.at("worker-trigger")["Arn"], rule.target.arn);
  EXPECT_TRUE(targets.contains("operator-added"));
  EXPECT_EQ(fake_.CallCount("PutRule"), 1U);
}

TEST_F(EventBridgeFakeTest, EnsureRuleReenablesADisabledRule) {
  const AwsClient events = Events();
  const EventBridgeClient client(events);
  ASSERT_TRUE(client.EnsureRule(SnosRule()).ok());
  ASSERT_TRUE(events
                  .CallJson("AWSEvents", "1.1", "PutRule",
                            {{"Name", "mo-wt-rule-snos"},
                             {"ScheduleExpression", "rate(1 minute)"},
                             {"State", "DISABLED"},
                             {"Description", "Snos into worker_trigger"}})
                  .ok());

  const Result<Ensured> ensured = client.EnsureRule(SnosRule());
  ASSERT_TRUE(ensured.ok()) << ensured.error().ToString();
  EXPECT_EQ(ensured->outcome, EnsureOutcome::kUpdated);
  EXPECT_EQ(fake_.rule("mo-wt-rule-snos")->state, "ENABLED");
}

TEST_F(EventBridgeFakeTest, DescribeRuleOfAMissingRuleIsNotFound) {
  const AwsClient events = Events();
  const Result<RuleDescription> rule = EventBridgeClient(events).DescribeRule("mo-wt-rule-none");
  ASSERT_FALSE(rule.ok());
  EXPECT_EQ(rule.error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(rule.error().transient());
}

class EventBridgePagedFakeTest : public EventBridgeFakeTest {
 protected:
  EventBridgePagedFakeTest() : EventBridgeFakeTest({.targets_page_size = 1}) {}
};

TEST_F(EventBridgePagedFakeTest, ListTargetsByRuleReadsEveryPage) {
  const AwsClient events = Events();
  const EventBridgeClient client(events);
  ScheduledRule rule = SnosRule();
  ASSERT_TRUE(client.PutRule(rule).ok());
  for (const char* id : {"a", "b", "c"}) {
    rule.target.id = id;
    ASSERT_TRUE(client.PutTarget(rule).ok());
  }
  const Result<std::vector<RuleTarget>> targets = client.ListTargetsByRule(rule.name);
  ASSERT_TRUE(targets.ok()) << targets.error().ToString();
  ASSERT_EQ(targets->size(), 3U);
  EXPECT_EQ((*targets)[2].id, "c");
  EXPECT_EQ((*targets)[2].input, "\"Snos\"");
  EXPECT_EQ(fake_.CallCount("ListTargetsByRule"), 3U);
}

TEST_F(EventBridgeFakeTest, AWrongSecretIsRefusedForGoodAndNotRetried) {
  const AwsClient events = Client(EventBridgeService(), Config("not-the-secret"));
  const Result<Ensured> ensured = EventBridgeClient(events).EnsureRule(SnosRule());
  ASSERT_FALSE(ensured.ok());
  EXPECT_EQ(ensured.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(ensured.error().transient());
  EXPECT_NE(ensured.error().message().find("InvalidSignatureException"), std::string::npos);
  EXPECT_NE(ensured.error().message().find("HTTP 403"), std::string::npos);
  EXPECT_EQ(fake_.calls().size(), 1U);
  EXPECT_FALSE(fake_.rule("mo-wt-rule-snos").has_value());
}

TEST_F(EventBridgeFakeTest, TheFakeRefusesTamperedAndUnsignedRequests) {
  http::HttpRequest request{
      .method = "POST",
      .url = fake_.url() + "/",
      .headers = {{"content-type", "application/x-amz-json-1.1"},
                  {"x-amz-target", "AWSEvents.DescribeRule"}},
      .body = R"({"Name":"mo-wt-rule-snos"})",
  };
  const http::HttpRequest unsigned_request = request;
  ASSERT_TRUE(
      SignRequest(request, Config().credentials, {"us-east-1", "events"}, clock_.Now()).ok());
  request.body = R"({"Name":"mo-wt-rule-proving"})";  // changed after signing
  const std::vector<std::pair<http::HttpRequest, std::string>> cases = {
      {request, "InvalidSignatureException"},
      {unsigned_request, "MissingAuthenticationTokenException"}};
  for (const auto& [sent, code] : cases) {
    const Result<http::HttpResponse> answer = http_.Send(sent);
    ASSERT_TRUE(answer.ok()) << answer.error().ToString();
    EXPECT_EQ(answer->status, 403);
    EXPECT_EQ(nlohmann::json::parse(answer->body)["__type"], code);
  }
  const std::vector<FakeEventBridgeServer::Call> calls = fake_.calls();
  ASSERT_EQ(calls.size(), 2U);
  EXPECT_NE(calls[0].body.find("proving"), std::string::npos);
  EXPECT_EQ(calls[1].status, 403);
}

TEST_F(EventBridgeFakeTest, AnUnknownAccessKeyIsRefused) {
  AwsConfig config = Config();
  config.credentials.access_key_id = "AKIDSOMEONEELSE";
  const AwsClient events = Client(EventBridgeService(), config);
  const Result<RuleDescription> rule = EventBridgeClient(events).DescribeRule("mo-wt-rule-snos");
  ASSERT_FALSE(rule.ok());
  EXPECT_EQ(rule.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(rule.error().message().find("UnrecognizedClientException"), std::string::npos);
}

TEST_F(EventBridgeFakeTest, ASignatureForAnotherRegionIsRefused) {
  AwsConfig config = Config();
  config.region = "eu-west-1";
  const AwsClient events = Client(EventBridgeService(), config);
  const Result<RuleDescription> rule = EventBridgeClient(events).DescribeRule("mo-wt-rule-snos");
  ASSERT_FALSE(rule.ok());
  EXPECT_EQ(rule.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(rule.error().message().find("InvalidSignatureException"), std::string::npos);
}

TEST_F(EventBridgeFakeTest, ThrottlingIsRetriedUntilItPasses) {
  fake_.Throttle(1, FakeEventBridgeServer::Throttling::kThrottlingException);
  fake_.Throttle(1, FakeEventBridgeServer::Throttling::kServiceUnavailable);
  const AwsClient events = Events();
  const Result<Ensured> ensured = EventBridgeClient(events).EnsureRule(SnosRule());
  ASSERT_TRUE(ensured.ok()) << ensured.error().ToString();
  EXPECT_EQ(ensured->outcome, EnsureOutcome::kCreated);
  EXPECT_EQ(fake_.CallCount("DescribeRule"), 3U);
  const std::vector<FakeEventBridgeServer::Call> calls = fake_.calls();
  EXPECT_EQ(calls[0].status, 400);
  EXPECT_EQ(calls[1].status, 503);
  EXPECT_EQ(waits_, (std::vector<milliseconds>{milliseconds(100), milliseconds(200)}));
}

TEST_F(EventBridgeFakeTest, ThrottlingBeyondTheAttemptsIsTransient) {
  fake_.Throttle(3, FakeEventBridgeServer::Throttling::kThrottlingException);
  const AwsClient events = Events();
  const Result<Ensured> ensured = EventBridgeClient(events).EnsureRule(SnosRule());
  ASSERT_FALSE(ensured.ok());
  EXPECT_EQ(ensured.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(ensured.error().transient());
  EXPECT_NE(ensured.error().message().find("ThrottlingException"), std::string::npos);
  EXPECT_EQ(fake_.calls().size(), 3U);
}

TEST_F(EventBridgeFakeTest, TheFakeRefusesBodiesTheApiWouldRefuse) {
  const AwsClient events = Events();
  const EventBridgeClient client(events);
  // "rate(1 minutes)": the unit must be singular for 1.
  const Result<std::string> bad_rate = client.PutRule(SnosRule("rate(1 minutes)"));
  ASSERT_FALSE(bad_rate.ok());
  EXPECT_EQ(bad_rate.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad_rate.error().message().find("ValidationException"), std::string::npos);

  // A rule's Input must be JSON: a bare trigger name is not.
  ScheduledRule raw_input = SnosRule();
  ASSERT_TRUE(client.PutRule(raw_input).ok());
  raw_input.target.input = "Snos";
  const Result<void> put = client.PutTarget(raw_input);
  ASSERT_FALSE(put.ok());
  EXPECT_NE(put.error().message().find("Input is not valid JSON"), std::string::npos);

  // Misspelt and mistyped members.
  const Result<nlohmann::json> misspelt = events.CallJson(
      "AWSEvents", "1.1", "PutRule", {{"Name", "x"}, {"ScheduleExpresion", "rate(1 minute)"}});
  ASSERT_FALSE(misspelt.ok());
  EXPECT_NE(misspelt.error().message().find("unknown member ScheduleExpresion"), std::string::npos);
  const Result<nlohmann::json> mistyped =
      events.CallJson("AWSEvents", "1.1", "DescribeRule", {{"Name", 7}});
  ASSERT_FALSE(mistyped.ok());
  EXPECT_NE(mistyped.error().message().find("Name has the wrong type"), std::string::npos);

  // Targets of a rule that does not exist.
  ScheduledRule missing = SnosRule();
  missing.name = "mo-wt-rule-none";
  EXPECT_EQ(client.PutTarget(missing).error().code(), ErrorCode::kNotFound);
}

TEST_F(EventBridgeFakeTest, EnsureScheduleCreatesThenFindsItUnchanged) {
  const AwsClient scheduler = Scheduler();
  const SchedulerClient client(scheduler);

  const Result<Ensured> first = client.EnsureSchedule(ProvingSchedule());
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->outcome, EnsureOutcome::kCreated);
  EXPECT_EQ(first->arn,
            "arn:aws:scheduler:us-east-1:123456789012:schedule/default/mo-wt-rule-proving");
  const std::optional<FakeEventBridgeServer::Schedule> schedule =
      fake_.schedule("mo-wt-rule-proving");
  ASSERT_TRUE(schedule.has_value());
  EXPECT_EQ(schedule->request,
            (nlohmann::json{
                {"ScheduleExpression", "rate(1 minute)"},
                {"FlexibleTimeWindow", {{"Mode", "OFF"}}},
                {"State", "ENABLED"},
                {"Description", "Proving into worker_trigger"},
                {"Target", {{"Arn", kQueueArn}, {"RoleArn", kRoleArn}, {"Input", "Proving"}}}}));

  const Result<Ensured> second = client.EnsureSchedule(ProvingSchedule());
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(second->outcome, EnsureOutcome::kUnchanged);
  EXPECT_EQ(second->arn, first->arn);
  EXPECT_EQ(fake_.CallCount("CreateSchedule"), 1U);
  EXPECT_EQ(fake_.CallCount("UpdateSchedule"), 0U);
}

TEST_F(EventBridgeFakeTest, EnsureScheduleUpdatesAChangedIntervalOrRole) {
  const AwsClient scheduler = Scheduler();
  const SchedulerClient client(scheduler);
  ASSERT_TRUE(client.EnsureSchedule(ProvingSchedule()).ok());

  const Result<Ensured> interval = client.EnsureSchedule(ProvingSchedule("rate(2 hours)"));
  ASSERT_TRUE(interval.ok()) << interval.error().ToString();
  EXPECT_EQ(interval->outcome, EnsureOutcome::kUpdated);
  EXPECT_EQ(fake_.schedule("mo-wt-rule-proving")->request["ScheduleExpression"], "rate(2 hours)");

  Schedule new_role = ProvingSchedule("rate(2 hours)");
  new_role.role_arn = "arn:aws:iam::123456789012:role/other";
  const Result<Ensured> role = client.EnsureSchedule(new_role);
  ASSERT_TRUE(role.ok()) << role.error().ToString();
  EXPECT_EQ(role->outcome, EnsureOutcome::kUpdated);
  EXPECT_EQ(fake_.schedule("mo-wt-rule-proving")->request["Target"]["RoleArn"], new_role.role_arn);
  EXPECT_EQ(fake_.CallCount("UpdateSchedule"), 2U);

  const Result<ScheduleDescription> described = client.GetSchedule("mo-wt-rule-proving");
  ASSERT_TRUE(described.ok()) << described.error().ToString();
  EXPECT_EQ(described->state, "ENABLED");
  EXPECT_EQ(described->flexible_time_window_mode, "OFF");
  EXPECT_EQ(described->schedule.input, "Proving");
}

TEST_F(EventBridgeFakeTest, SchedulerAnswersNotFoundAndConflict) {
  const AwsClient scheduler = Scheduler();
  const SchedulerClient client(scheduler);
  const Result<ScheduleDescription> missing = client.GetSchedule("mo-wt-rule-none");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message().find("ResourceNotFoundException"), std::string::npos);
  EXPECT_EQ(client.UpdateSchedule(ProvingSchedule()).error().code(), ErrorCode::kNotFound);

  ASSERT_TRUE(client.CreateSchedule(ProvingSchedule()).ok());
  const Result<std::string> again = client.CreateSchedule(ProvingSchedule());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
}

TEST_F(EventBridgeFakeTest, SchedulerThrottlingIsRetriedAndBadSignaturesRefused) {
  fake_.Throttle(1, FakeEventBridgeServer::Throttling::kThrottlingException);
  fake_.Throttle(1, FakeEventBridgeServer::Throttling::kServiceUnavailable);
  const AwsClient scheduler = Scheduler();
  const Result<Ensured> ensured = SchedulerClient(scheduler).EnsureSchedule(ProvingSchedule());
  ASSERT_TRUE(ensured.ok()) << ensured.error().ToString();
  EXPECT_EQ(fake_.calls()[0].status, 429);
  EXPECT_EQ(fake_.calls()[1].status, 503);
  EXPECT_EQ(fake_.CallCount("GetSchedule"), 3U);

  const AwsClient forged = Client(SchedulerService(), Config("not-the-secret"));
  const Result<Ensured> refused = SchedulerClient(forged).EnsureSchedule(ProvingSchedule());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(refused.error().transient());
  EXPECT_NE(refused.error().message().find("InvalidSignatureException"), std::string::npos);
}

TEST_F(EventBridgeFakeTest, TheFakeRefusesSchedulesTheApiWouldRefuse) {
  const AwsClient scheduler = Scheduler();
  const SchedulerClient client(scheduler);
  Schedule no_role = ProvingSchedule();
  no_role.role_arn.clear();
  EXPECT_EQ(client.CreateSchedule(no_role).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(client.CreateSchedule(ProvingSchedule("rate(30 seconds)")).error().code(),
            ErrorCode::kInvalidArgument);

  http::HttpRequest flexible{
      .method = "POST",
      .url = scheduler.endpoint() + "/schedules/x",
      .headers = {{"content-type", "application/json"}},
      .body = nlohmann::json{{"ScheduleExpression", "rate(1 minute)"},
                             {"FlexibleTimeWindow", {{"Mode", "FLEXIBLE"}}},
                             {"Target", {{"Arn", kQueueArn}, {"RoleArn", kRoleArn}}}}
                  .dump(),
  };
  const Result<http::HttpResponse> answer = scheduler.Send("CreateSchedule", flexible);
  ASSERT_FALSE(answer.ok());
  EXPECT_NE(answer.error().message().find("MaximumWindowInMinutes"), std::string::npos);
}

}  // namespace
}  // namespace orch::aws
