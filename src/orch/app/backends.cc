#include "orch/app/backends.h"

#include <algorithm>
#include <array>

#include "orch/alert/log/log_alerter.h"
#include "orch/alert/webhook/webhook_alerter.h"
#include "orch/common/strings.h"
#include "orch/common/url.h"
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

Result<std::unique_ptr<objects::ObjectStore>> OpenObjectStore(std::string_view text) {
  ORCH_ASSIGN_OR_RETURN(const Url url, Url::Parse(text));
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

std::vector<std::string_view> SupportedStorageSchemes() { return {"file"}; }

std::vector<std::string_view> SupportedAlertSchemes() { return {"http", "https", "log"}; }

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

Result<std::unique_ptr<Backends>> Backends::Open(const BackendUrls& urls, const Clock& clock) {
  std::unique_ptr<Backends> backends(new Backends());
  ORCH_ASSIGN_OR_RETURN(backends->database_, OpenDatabase(urls.database_url));
  sql::SqlDatabase& database = *backends->database_;
#if ORCH_WITH_POSTGRES
  if (auto* postgres = dynamic_cast<sql::PostgresDatabase*>(&database)) {
    ORCH_ASSIGN_OR_RETURN(auto listener,
                          queue::PostgresQueueListener::Start(*postgres, backends->queue_signal_));
    backends->queue_listener_ = std::shared_ptr<queue::PostgresQueueListener>(std::move(listener));
  }
#endif
  auto job_store = std::make_unique<store::SqlJobStore>(database, clock);
  backends->lock_store_ = std::make_unique<store::SqlLockStore>(database, clock);
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
  backends->job_store_ = std::move(job_store);
  backends->queue_ = std::move(queue);
  ORCH_ASSIGN_OR_RETURN(backends->object_store_, OpenObjectStore(urls.storage_url));

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

Backends::~Backends() {
  // Reverse dependency order: users of the database first, the listener, then the database.
  alerter_.reset();
  http_client_.reset();
  object_store_.reset();
  job_committer_.reset();
  queue_.reset();
  lock_store_.reset();
  job_store_.reset();
  queue_listener_.reset();
  database_.reset();
}

}  // namespace orch::app
