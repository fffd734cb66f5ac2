#include "orch/app/setup.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "orch/alert/sns/sns_client.h"
#include "orch/app/aws_services.h"
#include "orch/aws/eventbridge_client.h"
#include "orch/aws/scheduler_client.h"
#include "orch/common/strings.h"
#include "orch/common/url.h"
#include "orch/engine/pipeline_triggers.h"
#include "orch/store/schema.h"

namespace orch::app {
namespace {

constexpr std::string_view kLifecycleRuleId = "expire-settled-artifacts";
constexpr std::string_view kExpiryTagKey = "expire-after-settlement";
constexpr std::string_view kExpiryTagValue = "true";

std::string Seconds(std::chrono::milliseconds duration) {
  return fmt::format("{} s", std::chrono::duration_cast<std::chrono::seconds>(duration).count());
}

}  // namespace

struct SetupPlan::State {
  SetupSettings settings;
  const Clock& clock;
  aws::EnvLookup env;
  engine::QueueLayout layout;
  std::vector<SetupStep> steps;
  // Opened by the first step that needs them. Alerts go to the log during setup: the SNS
  // topic may not exist yet.
  std::unique_ptr<Backends> backends;
  // ARNs of the rules made so far, for the worker_trigger queue policy.
  std::vector<std::string> rule_arns;

  Result<Backends*> Open() {
    if (!backends) {
      BackendUrls urls = settings.urls;
      urls.alert_url = "log:";
      ORCH_ASSIGN_OR_RETURN(backends, Backends::Open(urls, clock, env));
    }
    return backends.get();
  }

  Result<queue::SqsQueue*> Sqs() {
    ORCH_ASSIGN_OR_RETURN(Backends * opened, Open());
    auto* sqs = dynamic_cast<queue::SqsQueue*>(&opened->queue());
    if (sqs == nullptr) {
      return Error::FailedPrecondition(
          "EventBridge sends to the worker_trigger queue in SQS: add --aws-sqs");
    }
    return sqs;
  }

  Result<const aws::AwsClient*> Client(const aws::AwsService& service) {
    ORCH_ASSIGN_OR_RETURN(Backends * opened, Open());
    return opened->aws().Client(service);
  }
};

SetupPlan::SetupPlan(std::unique_ptr<State> state) : state_(std::move(state)) {}
SetupPlan::SetupPlan(SetupPlan&&) noexcept = default;
SetupPlan& SetupPlan::operator=(SetupPlan&&) noexcept = default;
SetupPlan::~SetupPlan() = default;

Result<SetupPlan> SetupPlan::Create(SetupSettings settings, const Clock& clock,
                                    aws::EnvLookup env) {
  ORCH_ASSIGN_OR_RETURN(engine::QueueLayout layout,
                        engine::QueueLayout::Create(settings.layer, settings.queue_layout));
  auto state = std::unique_ptr<State>(
      new State{std::move(settings), clock, std::move(env), std::move(layout), {}, {}, {}});
  State* s = state.get();
  const SetupSettings& config = s->settings;
  std::vector<SetupStep>& steps = s->steps;

  steps.push_back(
      {fmt::format("database {}: schema migrations", RedactUrl(config.urls.database_url)),
       [s]() -> Result<std::string> {
         ORCH_ASSIGN_OR_RETURN(auto database, OpenDatabase(s->settings.urls.database_url));
         Result<int> applied = store::ApplyMigrations(*database);
         if (!applied.ok()) {
           return applied.error();
         }
         ORCH_ASSIGN_OR_RETURN(const int version, store::SchemaVersion(*database));
         return fmt::format("{} applied, schema version {}", *applied, version);
       }});

  const std::string& storage = config.urls.storage_url;
  if (storage.starts_with("s3://")) {
    ORCH_ASSIGN_OR_RETURN(const objects::S3Location location, objects::ParseS3Url(storage));
    steps.push_back({fmt::format("S3 bucket {}", location.bucket), [s]() -> Result<std::string> {
                       ORCH_ASSIGN_OR_RETURN(Backends * opened, s->Open());
                       auto& store = dynamic_cast<objects::S3ObjectStore&>(opened->object_store());
                       ORCH_RETURN_IF_ERROR(store.CreateBucket());
                       return std::string("exists");
                     }});
    if (config.storage_expiration_days <= 0) {
      return Error::InvalidArgument("--storage-expiration-days must be positive");
    }
    steps.push_back(
        {fmt::format("S3 lifecycle rule {} of bucket {}: objects tagged {}={} expire after {} "
                     "day(s)",
                     kLifecycleRuleId, location.bucket, kExpiryTagKey, kExpiryTagValue,
                     config.storage_expiration_days),
         [s]() -> Result<std::string> {
           ORCH_ASSIGN_OR_RETURN(Backends * opened, s->Open());
           auto& store = dynamic_cast<objects::S3ObjectStore&>(opened->object_store());
           Result<void> installed =
               store.PutLifecycleRule(kLifecycleRuleId, kExpiryTagKey, kExpiryTagValue,
                                      s->settings.storage_expiration_days);
           // S3-compatible stores without lifecycle rules answer 501: setup goes on, saying
           // what that means, rather than leaving the rest undone.
           if (!installed.ok() &&
               installed.error().message().find("(HTTP 501)") != std::string::npos) {
             return std::string(
                 "skipped: this S3 service has no lifecycle rules (HTTP 501 NotImplemented); "
                 "settled artifacts will not expire");
           }
           ORCH_RETURN_IF_ERROR(installed);
           return std::string("installed");
         }});
  } else {
    steps.push_back(
        {fmt::format("artifact storage {}", RedactUrl(storage)), [s]() -> Result<std::string> {
           // Opening the file store creates its directory.
           ORCH_RETURN_IF_ERROR(s->Open());
           return std::string("exists");
         }});
  }

  const bool sqs = IsSqsUrl(config.urls.queue_url);
  for (const queue::QueueConfig& queue : s->layout.Configs()) {
    std::string description = fmt::format("{} queue {}: visibility {}", sqs ? "SQS" : "database",
                                          queue.name, Seconds(queue.visibility_timeout));
    if (queue.dead_letter_queue) {
      description += fmt::format(", dead letters to {} after {} receives", *queue.dead_letter_queue,
                                 queue.max_receive_count);
    }
    steps.push_back({std::move(description), [s, queue]() -> Result<std::string> {
                       ORCH_ASSIGN_OR_RETURN(Backends * opened, s->Open());
                       ORCH_RETURN_IF_ERROR(opened->queue().CreateQueue(queue));
                       return std::string("exists");
                     }});
  }

  if (config.event_bridge != EventBridgeType::kNone) {
    if (!sqs) {
      return Error::InvalidArgument(
          "--aws-event-bridge sends triggers to the worker_trigger queue in SQS: add --aws-sqs");
    }
    ORCH_ASSIGN_OR_RETURN(const std::string rate, aws::RateExpression(config.interval));
    const std::string trigger_queue = s->layout.TriggerQueue();
    const bool rules = config.event_bridge == EventBridgeType::kRule;
    if (!rules && config.scheduler_role_arn.empty()) {
      return Error::InvalidArgument(
          "--event-bridge-type schedule needs --event-bridge-role-arn: the IAM role EventBridge "
          "Scheduler assumes to send to {} (docs/aws.md shows its policies)",
          trigger_queue);
    }
    for (const std::string_view trigger : engine::TriggerNames(config.layer)) {
      ORCH_ASSIGN_OR_RETURN(const std::string name,
                            aws::TriggerRuleName(config.aws_prefix, trigger));
      const std::string what = rules ? "EventBridge rule" : "EventBridge schedule";
      steps.push_back(
          {fmt::format("{} {}: {} sends \"{}\" to {}", what, name, rate, trigger, trigger_queue),
           [s, name, rate, rules, trigger = std::string(trigger),
            trigger_queue]() -> Result<std::string> {
             ORCH_ASSIGN_OR_RETURN(queue::SqsQueue * queue, s->Sqs());
             ORCH_ASSIGN_OR_RETURN(const std::string queue_arn, queue->QueueArn(trigger_queue));
             const std::string description = fmt::format(
                 "Puts the {} trigger into the orchestrator's {}", trigger, trigger_queue);
             if (rules) {
               ORCH_ASSIGN_OR_RETURN(const aws::AwsClient* client,
                                     s->Client(aws::EventBridgeService()));
               const aws::ScheduledRule rule{.name = name,
                                             .schedule_expression = rate,
                                             .description = description,
                                             .target = {.id = "worker-trigger",
                                                        .arn = queue_arn,
                                                        .input = nlohmann::json(trigger).dump()}};
               ORCH_ASSIGN_OR_RETURN(const aws::Ensured ensured,
                                     aws::EventBridgeClient(*client).EnsureRule(rule));
               s->rule_arns.push_back(ensured.arn);
               return std::string(aws::ToString(ensured.outcome));
             }
             ORCH_ASSIGN_OR_RETURN(const aws::AwsClient* client,
                                   s->Client(aws::SchedulerService()));
             const aws::Schedule schedule{.name = name,
                                          .schedule_expression = rate,
                                          .description = description,
                                          .target_arn = queue_arn,
                                          .role_arn = s->settings.scheduler_role_arn,
                                          .input = trigger};
             ORCH_ASSIGN_OR_RETURN(const aws::Ensured ensured,
                                   aws::SchedulerClient(*client).EnsureSchedule(schedule));
             return std::string(aws::ToString(ensured.outcome));
           }});
    }
    if (rules) {
      steps.push_back(
          {fmt::format("SQS queue policy of {}: the rules may send to it", trigger_queue),
           [s, trigger_queue]() -> Result<std::string> {
             ORCH_ASSIGN_OR_RETURN(queue::SqsQueue * queue, s->Sqs());
             ORCH_ASSIGN_OR_RETURN(const std::string queue_arn, queue->QueueArn(trigger_queue));
             ORCH_RETURN_IF_ERROR(queue->SetQueuePolicy(
                 trigger_queue, aws::RuleTargetQueuePolicy(queue_arn, s->rule_arns)));
             return std::string("set");
           }});
    }
  }

  if (!config.urls.alert_url.starts_with("sns:")) {
    // Setup sends no alert, but a wrong URL should be caught now rather than by `run`.
    ORCH_ASSIGN_OR_RETURN(const Url alert_url, Url::Parse(config.urls.alert_url));
    const std::vector<std::string_view> schemes = SupportedAlertSchemes();
    if (std::ranges::find(schemes, alert_url.scheme()) == schemes.end()) {
      return Error::InvalidArgument("unsupported alert scheme '{}' in '{}' (supported: {})",
                                    alert_url.scheme(), alert_url.redacted(), JoinComma(schemes));
    }
  } else {
    ORCH_ASSIGN_OR_RETURN(const std::string topic, SnsTopicFromUrl(config.urls.alert_url));
    steps.push_back({fmt::format("SNS topic {}", topic), [s, topic]() -> Result<std::string> {
                       ORCH_ASSIGN_OR_RETURN(const aws::AwsClient* client,
                                             s->Client(aws::SnsService()));
                       const alert::SnsClient sns(*client);
                       if (topic.starts_with("arn:")) {
                         // An ARN names a topic made elsewhere: check it, make nothing.
                         ORCH_RETURN_IF_ERROR(sns.GetTopicAttributes(topic));
                         return std::string("exists");
                       }
                       ORCH_ASSIGN_OR_RETURN(const std::string arn, sns.CreateTopic(topic));
                       return fmt::format("exists ({})", arn);
                     }});
  }
  return SetupPlan(std::move(state));
}

std::vector<std::string> SetupPlan::Describe() const {
  std::vector<std::string> lines;
  for (const SetupStep& step : state_->steps) {
    lines.push_back(step.description);
  }
  return lines;
}

Result<void> SetupPlan::Apply(std::ostream& progress) {
  const std::size_t total = state_->steps.size();
  for (std::size_t i = 0; i < total; ++i) {
    const SetupStep& step = state_->steps[i];
    Result<std::string> outcome = step.apply();
    if (!outcome.ok()) {
      return outcome.error().WithContext(
          fmt::format("setup step {}/{} ({}); run setup again once fixed: it resumes", i + 1, total,
                      step.description));
    }
    progress << fmt::format("[{}/{}] {}: {}\n", i + 1, total, step.description, *outcome)
             << std::flush;
  }
  return Ok();
}

}  // namespace orch::app
