#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "orch/alert/alerter.h"
#include "orch/aws/aws_config.h"
#include "orch/common/clock.h"
#include "orch/common/result.h"
#include "orch/engine/job_committer.h"
#include "orch/objects/object_store.h"
#include "orch/queue/queue.h"
#include "orch/queue/queue_signal.h"
#include "orch/sql/sql_database.h"
#include "orch/store/job_store.h"
#include "orch/store/lock_store.h"

namespace orch::http {
class HttpClient;
}

namespace orch::app {

class AwsServices;

/// Where each backend lives, as URLs (docs/configuration.md lists the schemes).
struct BackendUrls {
  std::string database_url;  // sqlite:///abs/path.db | postgresql://user@host:port/db
  std::string queue_url;     // empty: tables in the database | sqs:
  std::string storage_url;   // file:///abs/dir | s3://bucket[/prefix]
  std::string alert_url;     // log: | https://hooks.example/... | http://... | sns://topic
};

/// The backends of one orchestrator process, chosen once from URLs. This is the only place
/// that knows the concrete backend classes. Members are declared in dependency order and
/// destroyed in reverse (the queue before the database it uses). Thread-safe accessors;
/// immutable after Open.
class Backends {
 public:
  /// Opens every backend (nothing else is created: schema changes are ApplySchema's, AWS
  /// resources setup's). AWS backends read their credentials, region and endpoints through
  /// `env` (docs/aws.md); an SNS topic is resolved to its ARN here.
  /// Errors: kInvalidArgument (a malformed URL or unknown scheme, with the supported ones;
  /// missing AWS configuration), kUnavailable (a service is down), kNotFound (an SNS topic
  /// that does not exist), kDataLoss (a corrupt database file).
  static Result<std::unique_ptr<Backends>> Open(const BackendUrls& urls, const Clock& clock,
                                                aws::EnvLookup env = aws::ProcessEnv);
  ~Backends();

  /// Makes sure the queues of `configs` exist: the embedded queues are created (idempotent);
  /// SQS queues are only checked, because creating them (with their dead-letter redrive) is
  /// `setup`'s. Errors: kNotFound naming every missing queue and the setup command to run.
  Result<void> EnsureQueues(const std::vector<queue::QueueConfig>& configs);

  /// Checks that external resources exist and answer (the S3 bucket): one line per failure,
  /// none when all is well.
  std::vector<std::string> Preflight();

  sql::SqlDatabase& database() { return *database_; }
  store::JobStore& job_store() { return *job_store_; }
  store::LockStore& lock_store() { return *lock_store_; }
  queue::Queue& queue() { return *queue_; }
  engine::JobCommitter& job_committer() { return *job_committer_; }
  objects::ObjectStore& object_store() { return *object_store_; }
  alert::Alerter& alerter() { return *alerter_; }
  /// The AWS clients (made on first use), for setup's AWS-only resources.
  AwsServices& aws() { return *aws_; }

 private:
  Backends() = default;

  // First: the AWS clients outlive every backend that calls through them.
  std::unique_ptr<AwsServices> aws_;
  bool external_queues_ = false;
  std::vector<std::function<Result<void>()>> preflight_checks_;
  std::unique_ptr<sql::SqlDatabase> database_;
  queue::QueueSignal queue_signal_;
  std::shared_ptr<void> queue_listener_;  // type-erased so this header names no backend
  std::unique_ptr<store::JobStore> job_store_;
  std::unique_ptr<store::LockStore> lock_store_;
  std::unique_ptr<queue::Queue> queue_;
  std::unique_ptr<engine::JobCommitter> job_committer_;
  std::unique_ptr<objects::ObjectStore> object_store_;
  std::unique_ptr<http::HttpClient> http_client_;
  std::unique_ptr<alert::Alerter> alerter_;
};

/// Opens only the database named by `url` (for `setup`, which needs nothing else first).
Result<std::unique_ptr<sql::SqlDatabase>> OpenDatabase(std::string_view url);

/// Supported schemes per backend, sorted, for error messages and --help.
std::vector<std::string_view> SupportedDatabaseSchemes();
std::vector<std::string_view> SupportedQueueSchemes();
std::vector<std::string_view> SupportedStorageSchemes();
std::vector<std::string_view> SupportedAlertSchemes();

}  // namespace orch::app
