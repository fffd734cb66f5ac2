#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "orch/common/result.h"
#include "orch/common/strings.h"
#include "orch/common/url.h"

namespace orch::http {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string url;     // may carry credentials: never log it without RedactUrlForMessage
  HttpHeaders headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};  // for the whole exchange, connect included
};

struct HttpResponse {
  int status = 0;
  std::string body;
  HttpHeaders headers;  // as received, in order; names keep the server's case
};

/// Sends one HTTP request and waits for the whole response.
///
/// Contract for every implementation:
///  - Any answer from the server, whatever its status, is a successful Result: callers judge
///    the status (a 503 is theirs to retry, a 404 theirs to report).
///  - Redirects are not followed; a 3xx comes back as it is.
///  - The call blocks for at most about `request.timeout`.
///  - Error messages show URLs only through RedactUrlForMessage: no password, no query.
/// Errors: kInvalidArgument (malformed or non-http(s) URL, bad method, a header with CR/LF,
/// a timeout that is not positive; permanent), kUnavailable (DNS failure, connection refused
/// or reset, TLS failure; transient), kTimeout (the deadline passed; transient), kInternal.
/// Implementations are thread-safe.
class HttpClient {
 public:
  virtual ~HttpClient() = default;

  /// Sends `request` and returns the response, whatever its status.
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

/// The value of the first header named `name` (compared case-insensitively), or nullopt.
inline std::optional<std::string_view> FindHeader(const HttpHeaders& headers,
                                                  std::string_view name) {
  const std::string wanted = ToLower(name);
  for (const auto& [key, value] : headers) {
    if (ToLower(key) == wanted) {
      return std::string_view(value);
    }
  }
  return std::nullopt;
}

/// `url` as error messages and logs may show it: the password replaced by "***" (RedactUrl)
/// and the query, where APIs put tokens, replaced by "?***".
inline std::string RedactUrlForMessage(std::string_view url) {
  std::string redacted = RedactUrl(url);
  if (const auto question = redacted.find('?'); question != std::string::npos) {
    redacted.resize(question);
    redacted += "?***";
  }
  return redacted;
}

}  // namespace orch::http
