#pragma once

#include <memory>
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
/// Connections, TLS sessions and DNS answers are shared by every call of one client (a libcurl
/// share with locks), so a request to a host already spoken to skips the TCP and TLS
/// handshakes. A pooled connection the server has closed is noticed by libcurl and replaced;
/// each call still uses its own easy handle, so calls stay independent.
/// Signals are disabled (CURLOPT_NOSIGNAL), as required in a multi-threaded process.
/// With TlsOptions, every https request uses their files; a file that cannot be read or used
/// fails the request with kInvalidArgument (permanent: a configuration error).
/// Thread-safe: the options are immutable after construction and the shared pool is guarded
/// by the share's locks.
class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(std::optional<TlsOptions> tls = std::nullopt);
  /// Closes the pooled connections; no call may be in flight.
  ~CurlHttpClient() override;

  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  // HttpClient
  Result<HttpResponse> Send(const HttpRequest& request) override;

 private:
  class ConnectionShare;

  const std::optional<TlsOptions> tls_;
  // Null when libcurl could not set one up: every call then opens its own connection.
  const std::unique_ptr<ConnectionShare> share_;
};

}  // namespace orch::http
