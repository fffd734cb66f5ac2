#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "orch/api/status_reporter.h"
#include "orch/common/clock.h"
#include "orch/common/result.h"
#include "orch/engine/job_service.h"
#include "orch/metrics/metrics.h"
#include "orch/store/job_store.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace orch::api {

struct ApiOptions {
  std::string host = "127.0.0.1";
  int port = 3000;  // 0 picks a free port; ApiServer::port() tells which
  /// Mounts the /admin/... bulk routes, which then need "Authorization: Bearer <admin_token>".
  bool admin_enabled = false;
  std::optional<std::string> admin_token;
};

/// The orchestrator's HTTP API: the reference's routes (spec/upstream-behaviour.md §10.1), plus
/// GET /metrics (Prometheus text) and GET /v1/status (StatusReporter). Responses of the
/// reference's routes are {"success": bool, "data"?: ..., "message"?: ...}; errors map from the
/// error code: kInvalidArgument 400, kNotFound 404, kFailedPrecondition and kConflict 409,
/// anything else 500. Every response carries an x-trace-id header: the request's if it is 32
/// hexadecimal characters, else a new one.
///
/// Serves on its own listener thread and a small pool of request threads (httplib's), from
/// Start until Stop. Thread-safe; the dependencies must outlive it.
class ApiServer {
 public:
  /// What the routes call. References only: the composition root owns all of them.
  struct Dependencies {
    engine::JobService& jobs;
    store::JobStore& store;
    metrics::MetricsRegistry& metrics;
    StatusReporter& status;
    const Clock& clock;
  };

  /// Binds `options.host`:`options.port` and starts serving. Errors: kInvalidArgument when the
  /// admin routes are enabled without a token; kUnavailable when the address cannot be bound
  /// (in use, or not an address of this host).
  static Result<std::unique_ptr<ApiServer>> Start(ApiOptions options, Dependencies& deps);

  /// Stops.
  ~ApiServer();

  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  /// Stops accepting connections and waits for the requests in flight. Idempotent.
  void Stop();

  /// The bound port (the chosen one when started with port 0).
  int port() const { return port_; }

 private:
  enum class JobAction { kProcess, kVerify, kRetry };
  enum class BulkAction {
    kRetryFailed,
    kReverifyTimedOut,
    kRequeuePendingVerification,
    kRequeueCreated
  };

  ApiServer(ApiOptions options, Dependencies& deps);

  void RegisterRoutes();
  void HandleJobAction(JobAction action, const httplib::Request& req, httplib::Response& res);
  void HandleJobsByStatus(const httplib::Request& req, httplib::Response& res);
  void HandleJobsByBlock(const httplib::Request& req, httplib::Response& res);
  void HandleStatus(const httplib::Request& req, httplib::Response& res);
  void HandleMetrics(const httplib::Request& req, httplib::Response& res);
  void HandleBulkAction(BulkAction action, const httplib::Request& req, httplib::Response& res);
  /// Whether the request carries the admin token; if not, answers 401.
  bool Authorize(const httplib::Request& req, httplib::Response& res) const;
  void CountResponse(int status);

  const ApiOptions options_;
  Dependencies deps_;
  std::unique_ptr<httplib::Server> server_;
  int port_ = -1;
  std::thread listener_;
  std::atomic<bool> listener_done_ = false;
  std::mutex stop_mutex_;
  bool stopped_ = false;  // guarded by stop_mutex_
};

}  // namespace orch::api
