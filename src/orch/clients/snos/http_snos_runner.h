#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "orch/clients/snos/snos_runner.h"
#include "orch/common/result.h"
#include "orch/http/http_client.h"
#include "orch/http/url_scrubber.h"

namespace orch::snos {

struct HttpSnosRunnerOptions {
  /// The sidecar service, e.g. "http://snos-sidecar:8080". May carry credentials (userinfo,
  /// path or query): never shown in messages.
  std::string base_url;
  /// Per run: the whole exchange, the OS run included.
  std::chrono::milliseconds timeout{std::chrono::hours(1)};
  /// How much of the end of the sidecar's error text a message quotes.
  std::size_t max_error_bytes = 4096;
};

/// SnosRunner over a sidecar HTTP service (docs/snos.md, "HTTP sidecar"): one
/// `POST <base_url>/run` per request with the request as JSON (the RPC URL included, and the
/// versioned-constants file's content rather than its path, which the service could not read);
/// the answer is `{"cairo_pie_zip_base64": "…", "os_output": ["0x…", …]}`.
///
/// Errors: kInvalidArgument (bad request, or HTTP 400 / 422 without an error body);
/// kFailedPrecondition (an unreadable versioned-constants file; an error body with
/// "retryable": false, e.g. an OS execution error; any other 3xx or 4xx); kUnavailable (an
/// error body with "retryable": true, HTTP 429 or 5xx, connection failures; transient);
/// kTimeout (transient); kDataLoss (a 2xx answer that is not the documented JSON, naming the
/// field and the element at fault). The error body `{"error": "…", "retryable": bool}`
/// decides the class whatever the status. Messages quote the end of the service's error text
/// with both the base URL and the RPC URL (and their secret parts) masked.
///
/// Thread-safe: immutable after construction; `http` must be thread-safe (every HttpClient
/// is) and outlive this object.
class HttpSnosRunner final : public SnosRunner {
 public:
  /// The options must be sane: a base URL, a positive timeout and max_error_bytes.
  HttpSnosRunner(http::HttpClient& http, HttpSnosRunnerOptions options);

  // SnosRunner
  Result<SnosResult> Run(const SnosRequest& request) override;
  /// "http:<scheme>://<host>[:<port>]": no userinfo, path or query.
  std::string Describe() const override;

 private:
  // The error for a non-2xx answer.
  Error ErrorForStatus(const http::HttpResponse& response, const http::UrlScrubber& rpc_scrubber,
                       std::string_view context) const;

  http::HttpClient& http_;
  const HttpSnosRunnerOptions options_;
  const std::string run_url_;
  const http::UrlScrubber base_scrubber_;
};

}  // namespace orch::snos
