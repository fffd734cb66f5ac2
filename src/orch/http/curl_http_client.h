#pragma once

#include <optional>
#include <string>
#include <utility>

#include "orch/http/http_client.h"

namespace orch::http {

/// TLS files for https URLs, all PEM; an empty name leaves libcurl's default.
struct TlsOptions {
  std::string client_cert_file;  // presented to servers that ask for one (mTLS)
  std::string client_key_file;   // the certificate's key, PKCS#8 or PKCS#1
  std::string ca_file;  // trusted instead of the system's store (e.g. a self-signed server)
};

/// HttpClient over libcurl, for http and https URLs only (so that a configured URL can never
/// make the orchestrator read local files or speak other protocols).
/// Each call uses its own easy handle: no connection reuse, which costs a TCP (and TLS)
/// handshake per request but keeps calls independent; the orchestrator's request rate is low.
/// Signals are disabled (CURLOPT_NOSIGNAL), as required in a multi-threaded process.
/// With TlsOptions, every https request uses their files; a file that cannot be read or used
/// fails the request with kInvalidArgument (permanent: a configuration error).
/// Thread-safe: immutable after construction.
class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(std::optional<TlsOptions> tls = std::nullopt) : tls_(std::move(tls)) {}

  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  // HttpClient
  Result<HttpResponse> Send(const HttpRequest& request) override;

 private:
  const std::optional<TlsOptions> tls_;
};

}  // namespace orch::http
