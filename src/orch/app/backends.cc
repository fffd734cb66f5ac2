#include "orch/app/backends.h"

#include <fmt/ranges.h>

#include <algorithm>
#include <array>

#include "orch/alert/log/log_alerter.h"
#include "orch/alert/sns/sns_alerter.h"
#include "orch/alert/webhook/webhook_alerter.h"
#include "orch/app/aws_services.h"
#include "orch/common/strings.h"
#include "orch/common/url.h"
#include "orch/engine/job_committer.h"
#include "orch/engine/sql_job_committer.h"
#include "orch/http/curl_http_client.h"
#include "orch/objects/fs/fs_object_store.h"
#include "orch/queue/sql/sql_queue.h"
#include "orch/sql/sqlite/sqlite_database.h"
#include "orch/store/sql/sql_job_store.h"
#include "orch/store/sql/sql_lock_store.h"
#if ORCH_WITH_POSTGRES
#include "orch/queue/postgres/postgres_queue_listener.h"
#include "orch/sql/postgres/postgres_database.h"
#endif

namespace orch::app {
namespace {

using DatabaseOpener = Result<std::unique_ptr<sql::SqlDatabase>> (*)(const Url&);

Result<std::unique_ptr<sql::SqlDatabase>> OpenSqlite(const Url& url) {
  if (!url.has_authority() || !url.host().empty() || !url.path().starts_with('/')) {
    return Error::InvalidArgument(
        "SQLite URL '{}' must name an absolute path with three slashes, e.g. "
        "sqlite:///var/lib/orchestrator/orch.db (sqlite://$PWD/orch.db in a shell)",
        url.redacted());
  }
  if (!url.query().empty()) {
    return Error::InvalidArgument("SQLite URL '{}': options ('?...') are not supported",
                                  url.redacted());
  }
  ORCH_ASSIGN_OR_RETURN(auto database, sql::SqliteDatabase::Open(url.path(), {}));
  return std::unique_ptr<sql::SqlDatabase>(std::move(database));
}

#if ORCH_WITH_POSTGRES
Result<std::unique_ptr<sql::SqlDatabase>> OpenPostgres(const Url& url) {
  if (url.host().empty() && url.query().find("host=") == std::string::npos) {
    return Error::InvalidArgument(
        "PostgreSQL URL '{}' names no host, e.g. postgresql://user@127.0.0.1:5432/orchestrator",
        url.redacted());
  }
  ORCH_ASSIGN_OR_RETURN(auto database, sql::PostgresDatabase::Open(url.text(), {}));
  return std::unique_ptr<sql::SqlDatabase>(std::move(database));
}
#endif

struct DatabaseBackend {
  std::string_view scheme;
  DatabaseOpener open;
};

// The only table of database backends. Adding one means a line here, a directory under
// sql/ and an ORCH_WITH_* option.
constexpr auto kDatabaseBackends = std::to_array<DatabaseBackend>({
  {"sqlite", &OpenSqlite},
#if ORCH_WITH_POSTGRES
      {"postgres", &OpenPostgres}, {"postgresql", &OpenPostgres},
#endif
});

Result<std::unique_ptr<objects::ObjectStore>> OpenObjectStore(std::string_view text,
                                                              AwsServices& aws) {
  ORCH_ASSIGN_OR_RETURN(const Url url, Url::Parse(text));
  if (url.scheme() == "s3") {
    ORCH_ASSIGN_OR_RETURN(auto store, OpenS3Store(text, aws));
    return std::unique_ptr<objects::ObjectStore>(std::move(store));
  }
  if (url.scheme() != "file") {
    return Error::InvalidArgument("unsupported storage scheme '{}' in '{}' (supported: {})",
                                  url.scheme(), url.redacted(),
                                  JoinComma(SupportedStorageSchemes()));
  }
  if (!url.has_authority() || !url.host().empty() || !url.path().starts_with('/')) {
    return Error::InvalidArgument(
        "storage URL '{}' must name an absolute directory, e.g. file:///var/lib/orchestrator/"
        "artifacts",
        url.redacted());
  }
  ORCH_ASSIGN_OR_RETURN(auto store, objects::FsObjectStore::Open(url.path()));
  return std::unique_ptr<objects::ObjectStore>(std::move(store));
}

}  // namespace

std::vector<std::string_view> SupportedDatabaseSchemes() {
  std::vector<std::string_view> schemes;
  for (const DatabaseBackend& backend : kDatabaseBackends) {
    schemes.push_back(backend.scheme);
  }
  std::ranges::sort(schemes);
  return schemes;
}

std::vector<std::string_view> SupportedQueueSchemes() { return {"sqs"}; }

std::vector<std::string_view> SupportedStorageSchemes() { return {"file", "s3"}; }

std::vector<std::string_view> SupportedAlertSchemes() { return {"http", "https", "log", "sns"}; }

Result<std::unique_ptr<sql::SqlDatabase>> OpenDatabase(std::string_view text) {
  ORCH_ASSIGN_OR_RETURN(const Url url, Url::Parse(text));
  const auto it = std::ranges::find(kDatabaseBackends, url.scheme(), &DatabaseBackend::scheme);
  if (it == kDatabaseBackends.end()) {
    if (url.scheme() == "mongodb" || url.scheme() == "mongodb+srv") {
      return Error::InvalidArgument(
          "MongoDB is not supported: use PostgreSQL (postgresql://...) to share jobs between "
          "instances, or SQLite (sqlite:///path) for one");
    }
    return Error::InvalidArgument("unsupported database scheme '{}' in '{}' (supported: {})",
                                  url.scheme(), url.redacted(),
                                  JoinComma(SupportedDatabaseSchemes()));
  }
  return it->open(url);
}

Result<std::unique_ptr<Backends>> Backends::Open(const BackendUrls& urls, const Clock& clock,
                                                 aws::EnvLookup env) {
  std::unique_ptr<Backends> backends(new Backends());
  backends->aws_ = std::make_unique<AwsServices>(clock, std::move(env));
  ORCH_ASSIGN_OR_RETURN(backends->database_, OpenDatabase(urls.database_url));
  sql::SqlDatabase& database = *backends->database_;
  auto job_store = std::make_unique<store::SqlJobStore>(database, clock);
  backends->lock_store_ = std::make_unique<store::SqlLockStore>(database, clock);
  if (urls.queue_url.empty()) {
#if ORCH_WITH_POSTGRES
    if (auto* postgres = dynamic_cast<sql::PostgresDatabase*>(&database)) {
      ORCH_ASSIGN_OR_RETURN(
          auto listener, queue::PostgresQueueListener::Start(*postgres, backends->queue_signal_));
      backends->queue_listener_ =
          std::shared_ptr<queue::PostgresQueueListener>(std::move(listener));
    }
#endif
    queue::SqlQueueOptions queue_options;
    if (database.dialect() == sql::Dialect::kPostgres) {
      // LISTEN/NOTIFY wakes receivers across processes; the bound is only a safety net.
      queue_options.notification_fallback = std::chrono::seconds(5);
    }
    auto queue =
        std::make_unique<queue::SqlQueue>(database, clock, backends->queue_signal_, queue_options);
    // Jobs and queue share the database: a job change and its messages commit together.
    backends->job_committer_ =
        std::make_unique<engine::SqlJobCommitter>(database, *job_store, *queue);
    backends->queue_ = std::move(queue);
  } else if (IsSqsUrl(urls.queue_url)) {
    ORCH_ASSIGN_OR_RETURN(backends->queue_, OpenSqsQueue(urls.queue_url, *backends->aws_, clock));
    backends->external_queues_ = true;
    // Store, then send: a crash in between is healed by the sweeper (JobCommitter).
    backends->job_committer_ =
        std::make_unique<engine::StoreThenQueueCommitter>(*job_store, *backends->queue_);
  } else {
    return Error::InvalidArgument(
        "unsupported queue URL '{}' (supported: {}; none: queues in the database)",
        RedactUrl(urls.queue_url), JoinComma(SupportedQueueSchemes()));
  }
  backends->job_store_ = std::move(job_store);

  ORCH_ASSIGN_OR_RETURN(backends->object_store_,
                        OpenObjectStore(urls.storage_url, *backends->aws_));
  if (auto* s3 = dynamic_cast<objects::S3ObjectStore*>(backends->object_store_.get())) {
    backends->preflight_checks_.push_back([s3]() -> Result<void> {
      Result<void> reached = s3->HeadBucket();
      if (!reached.ok()) {
        return reached.error().WithContext(
            fmt::format("S3 bucket {} (create it with `orchestrator setup --aws --aws-s3`)",
                        s3->location().bucket));
      }
      return Ok();
    });
  }

  if (urls.alert_url.starts_with("sns:")) {
    ORCH_ASSIGN_OR_RETURN(const std::string topic, SnsTopicFromUrl(urls.alert_url));
    ORCH_ASSIGN_OR_RETURN(const aws::AwsClient* sns, backends->aws_->Client(aws::SnsService()));
    Result<std::string> topic_arn = alert::SnsClient(*sns).ResolveTopicArn(topic);
    if (!topic_arn.ok()) {
      return topic_arn.error().WithContext(
          fmt::format("SNS topic {} (create it with `orchestrator setup --aws --aws-sns`)", topic));
    }
    ORCH_ASSIGN_OR_RETURN(const aws::AwsConfig* config, backends->aws_->Config());
    backends->alerter_ = std::make_unique<alert::SnsAlerter>(backends->aws_->http(), *config, clock,
                                                             *std::move(topic_arn));
    return backends;
  }
  ORCH_ASSIGN_OR_RETURN(const Url alert_url, Url::Parse(urls.alert_url));
  if (alert_url.scheme() == "log") {
    backends->alerter_ = std::make_unique<alert::LogAlerter>();
  } else if (alert_url.scheme() == "http" || alert_url.scheme() == "https") {
    backends->http_client_ = std::make_unique<http::CurlHttpClient>();
    backends->alerter_ = std::make_unique<alert::WebhookAlerter>(
        *backends->http_client_, alert_url.text(), alert::WebhookOptions{});
  } else {
    return Error::InvalidArgument("unsupported alert scheme '{}' in '{}' (supported: {})",
                                  alert_url.scheme(), alert_url.redacted(),
                                  JoinComma(SupportedAlertSchemes()));
  }
  return backends;
}

Result<void> Backends::EnsureQueues(const std::vector<queue::QueueConfig>& configs) {
  if (!external_queues_) {
    for (const queue::QueueConfig& config : configs) {
      ORCH_RETURN_IF_ERROR(queue_->CreateQueue(config));
    }
    return Ok();
  }
  std::vector<std::string> missing;
  for (const queue::QueueConfig& config : configs) {
    Result<std::uint64_t> depth = queue_->ApproximateNumberOfMessages(config.name);
    if (!depth.ok() && depth.error().code() == ErrorCode::kNotFound) {
      missing.push_back(config.name);
    } else if (!depth.ok()) {
      return depth.error();
    }
  }
  if (!missing.empty()) {
    return Error::NotFound(
        "SQS queue(s) missing: {}; create them with `orchestrator setup --aws --aws-sqs` (same "
        "--layer, --aws-prefix and --queue-identifier)",
        fmt::join(missing, ", "));
  }
  return Ok();
}

std::vector<std::string> Backends::Preflight() {
  std::vector<std::string> failures;
  for (const auto& check : preflight_checks_) {
    if (Result<void> checked = check(); !checked.ok()) {
      failures.push_back(checked.error().message());
    }
  }
  return failures;
}

Backends::~Backends() {
  // Reverse dependency order: users of the database first, the listener, then the database;
  // the AWS clients last.
  alerter_.reset();
  http_client_.reset();
  object_store_.reset();
  job_committer_.reset();
  queue_.reset();
  lock_store_.reset();
  job_store_.reset();
  queue_listener_.reset();
  database_.reset();
  aws_.reset();
}

}  // namespace orch::app
