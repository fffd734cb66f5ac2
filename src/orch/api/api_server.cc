#include "orch/api/api_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>
#include <vector>

#include "orch/common/strings.h"
#include "orch/common/uuid.h"
#include "orch/engine/settlement_range.h"
#include "orch/job/job_state_machine.h"
#include "orch/metrics/prometheus_text.h"

namespace orch::api {
namespace {

using job::JobStatus;
using nlohmann::json;

constexpr std::string_view kJsonContentType = "application/json";
// Bounds the work (and the response) of one admin bulk call; the operator calls again for
// the rest.
constexpr std::uint32_t kMaxJobsPerBulkAction = 1000;
// The longest answer GET /jobs?status= and GET /jobs/block/N/status give.
constexpr std::uint32_t kMaxJobsListed = 1000;
constexpr std::size_t kTraceIdLength = 32;
constexpr std::string_view kTraceIdHeader = "x-trace-id";
constexpr std::string_view kBearerPrefix = "Bearer ";

// Serialises without throwing: a failure reason with invalid UTF-8 is shown with U+FFFD.
std::string Dump(const json& body) {
  return body.dump(/*indent=*/-1, /*indent_char=*/' ', /*ensure_ascii=*/false,
                   json::error_handler_t::replace);
}

void ReplyJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(Dump(body), std::string(kJsonContentType));
}

// The reference's ApiResponse: absent fields are omitted.
json ApiResponse(bool success, std::optional<json> data, std::optional<std::string> message) {
  json body = {{"success", success}};
  if (data) {
    body["data"] = std::move(*data);
  }
  if (message) {
    body["message"] = std::move(*message);
  }
  return body;
}

void ReplySuccess(httplib::Response& res, std::optional<json> data,
                  std::optional<std::string> message = std::nullopt) {
  ReplyJson(res, 200, ApiResponse(true, std::move(data), std::move(message)));
}

void ReplyFailure(httplib::Response& res, int status, std::string message) {
  ReplyJson(res, status, ApiResponse(false, std::nullopt, std::move(message)));
}

int HttpStatusOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kConflict:
    case ErrorCode::kAlreadyExists:
      return 409;
    default:
      return 500;
  }
}

void ReplyError(httplib::Response& res, const Error& error) {
  const int status = HttpStatusOf(error.code());
  // Server-side failures keep their kind ("unavailable: ..."), which tells the operator
  // whether to retry; client errors are already worded for the caller.
  ReplyFailure(res, status, status >= 500 ? error.ToString() : error.message());
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool IsTraceId(std::string_view text) {
  return text.size() == kTraceIdLength && std::ranges::all_of(text, IsHex);
}

std::string NewTraceId() {
  std::string id = NewUuid();
  std::erase(id, '-');
  return id;
}

// Compares in time that depends only on the length of `expected`, so that response times do
// not reveal how much of a guessed token was right.
bool ConstantTimeEquals(std::string_view given, std::string_view expected) {
  std::size_t difference = given.size() ^ expected.size();
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const char other = i < given.size() ? given[i] : '\0';
    difference |= static_cast<unsigned char>(other ^ expected[i]);
  }
  return difference == 0;
}

// ?priority=true|false (absent = false), as the reference's bool query field.
Result<bool> ParsePriority(const httplib::Request& req) {
  if (!req.has_param("priority")) {
    return false;
  }
  const std::string value = req.get_param_value("priority");
  if (value == "true") {
    return true;
  }
  if (value == "false") {
    return false;
  }
  return Error::InvalidArgument("Invalid priority: '{}' (expected true or false)", value);
}

Result<std::uint64_t> ParseBlockNumber(std::string_view text) {
  std::uint64_t block = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), block);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return Error::InvalidArgument("Invalid block number: {}", text);
  }
  return block;
}

// ?job_type=SnosRun&job_type=ProofCreation or ?job_type=SnosRun,ProofCreation; none = all.
Result<std::vector<job::JobType>> ParseJobTypes(const httplib::Request& req) {
  std::vector<job::JobType> types;
  const std::size_t count = req.get_param_value_count("job_type");
  for (std::size_t i = 0; i < count; ++i) {
    const std::string value = req.get_param_value("job_type", i);
    for (std::string_view name : SplitString(value, ',')) {
      Result<job::JobType> type = job::ParseJobType(TrimWhitespace(name));
      if (!type.ok()) {
        std::vector<std::string_view> valid;
        for (job::JobType known : job::kAllJobTypes) {
          valid.push_back(job::ToString(known));
        }
        return Error::InvalidArgument("Invalid job_type: '{}' (valid: {})", name, JoinComma(valid));
      }
      types.push_back(*type);
    }
  }
  return types;
}

json JobSummaries(const std::vector<job::Job>& jobs) {
  json items = json::array();
  for (const job::Job& job : jobs) {
    items.push_back({{"job_type", job::ToString(job.type)},
                     {"id", job.id},
                     {"status", job::ToString(job.status)}});
  }
  return {{"jobs", std::move(items)}};
}

}  // namespace

ApiServer::ApiServer(ApiOptions options, Dependencies& deps)
    : options_(std::move(options)), deps_(deps), server_(std::make_unique<httplib::Server>()) {}

ApiServer::~ApiServer() { Stop(); }

Result<std::unique_ptr<ApiServer>> ApiServer::Start(ApiOptions options, Dependencies& deps) {
  if (options.admin_enabled && (!options.admin_token || options.admin_token->empty())) {
    return Error::InvalidArgument(
        "--admin-enabled needs --admin-token or MADARA_ORCHESTRATOR_ADMIN_TOKEN_FILE");
  }
  if (options.port < 0 || options.port > 65535) {
    return Error::InvalidArgument("invalid HTTP port {} (expected 0..65535)", options.port);
  }
  std::unique_ptr<ApiServer> api(new ApiServer(std::move(options), deps));
  api->RegisterRoutes();

  const std::string& host = api->options_.host;
  if (api->options_.port == 0) {
    api->port_ = api->server_->bind_to_any_port(host);
  } else if (api->server_->bind_to_port(host, api->options_.port)) {
    api->port_ = api->options_.port;
  }
  if (api->port_ < 0) {
    return Error::Unavailable(
        "cannot listen on {}:{}: the port is in use or the host is not an address of this "
        "machine",
        host, api->options_.port);
  }
  ApiServer* raw = api.get();
  api->listener_ = std::thread([raw] {
    raw->server_->listen_after_bind();
    raw->listener_done_ = true;
  });
  spdlog::info("HTTP API listening on {}:{}{}", host, api->port_,
               api->options_.admin_enabled ? " (admin routes enabled)" : "");
  return api;
}

void ApiServer::Stop() {
  std::lock_guard lock(stop_mutex_);
  if (stopped_) {
    return;
  }
  stopped_ = true;
  if (!listener_.joinable()) {
    return;
  }
  // httplib's stop() does nothing until the accept loop runs; it starts right after Start.
  while (!server_->is_running() && !listener_done_) {
    std::this_thread::yield();
  }
  server_->stop();
  listener_.join();
}

void ApiServer::RegisterRoutes() {
  httplib::Server& server = *server_;

  // Only SO_REUSEADDR: httplib's default also sets SO_REUSEPORT, with which a second
  // orchestrator on the same port would silently share (and steal) this one's requests.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });

  server.Get("/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("UP", "text/plain");
  });

  for (const std::string_view base : {"", "/api/v1"}) {
    const std::string prefix(base);
    server.Get(prefix + "/jobs", [this](const httplib::Request& req, httplib::Response& res) {
      HandleJobsByStatus(req, res);
    });
    server.Get(prefix + R"(/jobs/block/([^/]+)/status)",
               [this](const httplib::Request& req, httplib::Response& res) {
                 HandleJobsByBlock(req, res);
               });
    const std::pair<std::string_view, JobAction> actions[] = {
        {"process", JobAction::kProcess},
        {"verify", JobAction::kVerify},
        {"retry", JobAction::kRetry},
    };
    for (const auto& [path, action] : actions) {
      server.Get(prefix + R"(/jobs/([^/]+)/)" + std::string(path),
                 [this, job_action = action](const httplib::Request& req, httplib::Response& res) {
                   HandleJobAction(job_action, req, res);
                 });
    }
  }

  server.Get("/metrics", [this](const httplib::Request& req, httplib::Response& res) {
    HandleMetrics(req, res);
  });
  server.Get("/v1/status", [this](const httplib::Request& req, httplib::Response& res) {
    HandleStatus(req, res);
  });

  if (options_.admin_enabled) {
    const std::pair<std::string_view, BulkAction> bulk[] = {
        {"/admin/jobs/retry/failed", BulkAction::kRetryFailed},
        {"/admin/jobs/reverify/verification-timeout", BulkAction::kReverifyTimedOut},
        {"/admin/jobs/requeue/pending-verification", BulkAction::kRequeuePendingVerification},
        {"/admin/jobs/requeue/created", BulkAction::kRequeueCreated},
    };
    for (const auto& [path, action] : bulk) {
      server.Post(std::string(path), [this, bulk_action = action](const httplib::Request& req,
                                                                  httplib::Response& res) {
        if (Authorize(req, res)) {
          HandleBulkAction(bulk_action, req, res);
        }
      });
    }
  }

  // httplib calls this for every status >= 400; routes have already written their own body.
  server.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        const int status = res.status;
        ReplyFailure(res, status,
                     status == 404 ? fmt::format("Not found: {} {}", req.method, req.path)
                                   : fmt::format("HTTP error {}", status));
        return httplib::Server::HandlerResponse::Handled;
      }));
  server.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr error) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(std::move(error));
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        spdlog::error("HTTP {} {}: {}", req.method, req.path, what);
        ReplyFailure(res, 500, "internal error");
      });
  // Runs for every response, after the error handler and before anything is sent, so that a
  // client that got its answer also sees it counted.
  server.set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    const std::string given = req.get_header_value(std::string(kTraceIdHeader));
    const std::string trace_id = IsTraceId(given) ? given : NewTraceId();
    res.set_header(std::string(kTraceIdHeader), trace_id);
    spdlog::debug("HTTP {} {} -> {} (trace {})", req.method, req.path, res.status, trace_id);
    CountResponse(res.status);
  });
}

void ApiServer::CountResponse(int status) {
  deps_.metrics
      .GetCounter("orch_api_requests_total", "HTTP API requests answered, by status code",
                  {{"code", std::to_string(status)}})
      .Increment();
}

void ApiServer::HandleJobAction(JobAction action, const httplib::Request& req,
                                httplib::Response& res) {
  const std::string id = req.matches[1].str();
  if (!IsUuid(id)) {
    ReplyFailure(res, 400, fmt::format("Invalid job id: {}", id));
    return;
  }
  Result<bool> priority = ParsePriority(req);
  if (!priority.ok()) {
    ReplyError(res, priority.error());
    return;
  }

  std::string_view verb;
  std::string_view hint;
  Result<job::Job> done = Error::Internal("unreachable");
  switch (action) {
    case JobAction::kProcess:
      verb = "processing";
      done = deps_.jobs.QueueForProcessing(id);
      break;
    case JobAction::kVerify:
      verb = "verification";
      hint =
          "only jobs in PendingVerification, VerificationFailed, VerificationTimeout or Failed "
          "can be verified again";
      done = deps_.jobs.QueueForVerification(id, /*immediately=*/*priority);
      break;
    case JobAction::kRetry:
      verb = "retry";
      hint = "only Failed jobs can be retried";
      done = deps_.jobs.RetryJob(id);
      break;
  }
  if (done.ok()) {
    ReplySuccess(res, std::nullopt,
                 fmt::format("Job with id {} queued for {} {}", id,
                             *priority ? "PRIORITY" : "normal", verb));
    return;
  }

  const Error& error = done.error();
  if (error.code() == ErrorCode::kNotFound) {
    ReplyFailure(res, 404, fmt::format("Job not found: {}", id));
    return;
  }
  if (error.code() == ErrorCode::kFailedPrecondition && !hint.empty()) {
    // Say what state the job is in, unless it was refused for another reason (no handler
    // configured for its type).
    Result<job::Job> current = deps_.store.GetJob(id);
    const job::JobEvent event =
        action == JobAction::kRetry ? job::JobEvent::kManualRetry : job::JobEvent::kManualVerify;
    if (current.ok() && !job::NextStatus(current->status, event).ok()) {
      ReplyFailure(res, 409,
                   fmt::format("Cannot queue job {} for {}: its status is {}; {}", id, verb,
                               job::ToString(current->status), hint));
      return;
    }
  }
  spdlog::warn("HTTP {} {}: {}", req.method, req.path, error.ToString());
  ReplyError(res, error);
}

void ApiServer::HandleJobsByStatus(const httplib::Request& req, httplib::Response& res) {
  std::vector<std::string_view> valid;
  for (JobStatus status : job::kAllJobStatuses) {
    valid.push_back(job::ToString(status));
  }
  if (!req.has_param("status")) {
    ReplyFailure(res, 400,
                 fmt::format("Missing query parameter status (valid: {})", JoinComma(valid)));
    return;
  }
  const std::string text = req.get_param_value("status");
  Result<JobStatus> status = job::ParseJobStatus(text);
  if (!status.ok()) {
    ReplyFailure(res, 400, fmt::format("Invalid status: '{}' (valid: {})", text, JoinComma(valid)));
    return;
  }
  Result<std::vector<job::Job>> jobs =
      deps_.store.ListJobs({.statuses = {*status}, .limit = kMaxJobsListed});
  if (!jobs.ok()) {
    ReplyError(res, jobs.error());
    return;
  }
  ReplySuccess(res, JobSummaries(*jobs));
}

void ApiServer::HandleJobsByBlock(const httplib::Request& req, httplib::Response& res) {
  Result<std::uint64_t> block = ParseBlockNumber(req.matches[1].str());
  if (!block.ok()) {
    ReplyError(res, block.error());
    return;
  }
  Result<std::vector<job::Job>> jobs = deps_.store.ListJobs(
      {.min_internal_id = *block, .max_internal_id = *block, .limit = kMaxJobsListed});
  if (!jobs.ok()) {
    ReplyError(res, jobs.error());
    return;
  }
  // A StateTransition settling several blocks is stored under the first of them.
  Result<std::optional<job::Job>> settlement = engine::FindSettlementOf(deps_.store, *block);
  if (!settlement.ok()) {
    ReplyError(res, settlement.error());
    return;
  }
  if (*settlement && (*settlement)->internal_id != *block) {
    jobs->push_back(std::move(**settlement));
  }
  ReplySuccess(res, JobSummaries(*jobs));
}

void ApiServer::HandleMetrics(const httplib::Request& /*req*/, httplib::Response& res) {
  res.set_content(metrics::RenderPrometheusText(deps_.metrics),
                  std::string(metrics::kPrometheusTextContentType));
}

void ApiServer::HandleStatus(const httplib::Request& req, httplib::Response& res) {
  Result<json> report = deps_.status.Report();
  if (!report.ok()) {
    spdlog::warn("HTTP {} {}: {}", req.method, req.path, report.error().ToString());
    ReplyError(res, report.error());
    return;
  }
  ReplyJson(res, 200, *report);
}

bool ApiServer::Authorize(const httplib::Request& req, httplib::Response& res) const {
  const std::string header = req.get_header_value("Authorization");
  const std::string_view value = header;
  if (value.starts_with(kBearerPrefix) &&
      ConstantTimeEquals(value.substr(kBearerPrefix.size()), *options_.admin_token)) {
    return true;
  }
  spdlog::warn("HTTP {} {}: refused, {} admin token", req.method, req.path,
               header.empty() ? "no" : "wrong");
  res.set_header("WWW-Authenticate", "Bearer");
  ReplyFailure(res, 401,
               header.empty() ? "Missing admin token: send 'Authorization: Bearer <token>'"
                              : "Invalid admin token");
  return false;
}

void ApiServer::HandleBulkAction(BulkAction action, const httplib::Request& req,
                                 httplib::Response& res) {
  Result<std::vector<job::JobType>> types = ParseJobTypes(req);
  if (!types.ok()) {
    ReplyError(res, types.error());
    return;
  }
  JobStatus status = JobStatus::kFailed;
  switch (action) {
    case BulkAction::kRetryFailed:
      status = JobStatus::kFailed;
      break;
    case BulkAction::kReverifyTimedOut:
      status = JobStatus::kVerificationTimeout;
      break;
    case BulkAction::kRequeuePendingVerification:
      status = JobStatus::kPendingVerification;
      break;
    case BulkAction::kRequeueCreated:
      status = JobStatus::kCreated;
      break;
  }
  const TimePoint started = deps_.clock.Now();
  Result<std::vector<job::Job>> jobs =
      deps_.store.ListJobs({.types = *types, .statuses = {status}, .limit = kMaxJobsPerBulkAction});
  if (!jobs.ok()) {
    ReplyError(res, jobs.error());
    return;
  }

  json succeeded = json::array();
  json failed = json::array();
  for (const job::Job& job : *jobs) {
    Result<job::Job> done = Error::Internal("unreachable");
    switch (action) {
      case BulkAction::kRetryFailed:
        done = deps_.jobs.RetryJob(job.id);
        break;
      case BulkAction::kReverifyTimedOut:
      case BulkAction::kRequeuePendingVerification:
        done = deps_.jobs.QueueForVerification(job.id, /*immediately=*/true);
        break;
      case BulkAction::kRequeueCreated:
        done = deps_.jobs.QueueForProcessing(job.id);
        break;
    }
    if (done.ok()) {
      succeeded.push_back(job.id);
    } else {
      spdlog::warn("HTTP {}: {} {} ({}): {}", req.path, job::ToString(job.type), job.internal_id,
                   job.id, done.error().ToString());
      failed.push_back(job.id);
    }
  }
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(deps_.clock.Now() - started);
  spdlog::info("HTTP {}: {} {} jobs: {} done, {} failed in {} ms", req.path, jobs->size(),
               job::ToString(status), succeeded.size(), failed.size(), elapsed.count());

  std::optional<std::string> message;
  if (jobs->size() == kMaxJobsPerBulkAction) {
    message =
        fmt::format("Acted on the first {} {} jobs (lowest internal ids first); more may remain",
                    kMaxJobsPerBulkAction, job::ToString(status));
  }
  json data = {{"success_count", succeeded.size()},
               {"successful_job_ids", std::move(succeeded)},
               {"failed_count", failed.size()},
               {"failed_job_ids", std::move(failed)}};
  ReplySuccess(res, std::move(data), std::move(message));
}

}  // namespace orch::api
