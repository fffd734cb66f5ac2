#pragma once

#include "orch/http/http_client.h"

namespace orch::http {

/// HttpClient over libcurl, for http and https URLs only (so that a configured URL can never
/// make the orchestrator read local files or speak other protocols).
/// Each call uses its own easy handle: no connection reuse, which costs a TCP (and TLS)
/// handshake per request but keeps calls independent; the orchestrator's request rate is low.
/// Signals are disabled (CURLOPT_NOSIGNAL), as required in a multi-threaded process.
/// Thread-safe: holds no mutable state.
class CurlHttpClient final : public HttpClient {
 public:
  CurlHttpClient() = default;

  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  // HttpClient
  Result<HttpResponse> Send(const HttpRequest& request) override;
};

}  // namespace orch::http
