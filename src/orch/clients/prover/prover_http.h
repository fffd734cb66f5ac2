#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "orch/common/result.h"
#include "orch/http/http_client.h"

// What the Atlantic and SHARP clients share: the retry schedule of both APIs, the test that
// tells a load balancer's answer from the prover's own (protocols.md §1.8, §2.2), and the
// small text helpers for URLs and messages.
namespace orch::prover {

/// Exponential backoff bounded by elapsed time, as upstream: waits of base, 2·base, 4·base…
/// after each retryable failure, and no further attempt once the next wait would end more than
/// `budget` after the first attempt began. With the defaults: 6 attempts, 62 s of waiting.
struct ProverRetryOptions {
  std::chrono::milliseconds base{2000};
  std::chrono::milliseconds budget{120000};
  /// Waits between attempts. Empty means std::this_thread::sleep_for; tests pass a function
  /// that never really sleeps (the budget counts the requested waits, not the time the
  /// function took). Called from every thread that uses the client: must be thread-safe.
  std::function<void(std::chrono::milliseconds)> sleep;
};

/// Whether an HTTP answer with `status` and `body` comes from the infrastructure in front of the
/// prover (load balancer, proxy, gateway) or reports an overload, rather than from the prover's
/// application: any 5xx and 429; a body naming a gateway error ("404 page not found",
/// "502 Bad Gateway", "503 Service Unavailable", "504 Gateway Timeout") or made of HTML; nginx's
/// `{"0":` artefact; a 404 whose body is not JSON and names none of bucket, query, job, error,
/// message. Only for non-2xx answers.
bool IsInfrastructureAnswer(int status, std::string_view body);

/// Sends requests to one prover service: retries as ProverRetryOptions says while the outcome
/// is a transient transport error or an infrastructure answer, and keeps a secret (an API key)
/// out of every message and log line it builds, by masking it wherever it appears (a server
/// may echo a header in its error page).
/// Immutable after construction: thread-safe. `http` must outlive this object.
class ProverHttp {
 public:
  /// `secret` empty: nothing to mask.
  ProverHttp(http::HttpClient& http, ProverRetryOptions options, std::string secret);

  /// Returns the first answer that is not an infrastructure answer (2xx or the prover's own
  /// refusal, for the caller to judge), or the last failure as a transient error: kUnavailable
  /// for an answer (with its status and the start of its body), the transport's own code
  /// otherwise. A permanent transport error (kInvalidArgument, kInternal) comes back at once.
  /// `what` (e.g. "atlantic: GET /atlantic-query/ID") starts every message. With `retry` false
  /// there is one attempt.
  Result<http::HttpResponse> Send(const http::HttpRequest& request, std::string_view what,
                                  bool retry = true) const;

  /// The error for a non-2xx answer that Send returned (the prover refused): permanent
  /// kInvalidArgument naming the status and the prover's message (the "message", "error" or
  /// "detail" field of a JSON body, else the start of the body).
  Error Refused(std::string_view what, const http::HttpResponse& response) const;

  /// Send, then a non-2xx answer as Refused: the response of a request that succeeded.
  /// `retry` as Send's.
  Result<http::HttpResponse> SendExpectingSuccess(const http::HttpRequest& request,
                                                  std::string_view what, bool retry = true) const;

  /// Runs `attempt` again, on Send's schedule, while it fails with a transient error: for a
  /// step of several requests that must be repeated as a whole, each sent with `retry` false
  /// (Atlantic looks its dedup id up again before every new submission). Returns the first
  /// success or permanent error, or the last transient error once the budget is spent.
  Result<std::string> Retry(const std::function<Result<std::string>()>& attempt) const;

  /// `text` with the secret replaced by "***".
  std::string Mask(std::string text) const;

 private:
  // The schedule of Send and Retry: calls `attempt` until it returns no failure to retry (it
  // keeps its outcome itself), then returns nothing; once `retry` is false or the next wait
  // would pass the budget, returns the last failure instead, saying how many attempts it took.
  std::optional<Error> RunAttempts(bool retry,
                                   const std::function<std::optional<Error>()>& attempt) const;

  http::HttpClient& http_;
  const ProverRetryOptions options_;
  const std::string secret_;
};

/// `text` cut to a length fit for a message, on one line.
std::string TruncateForMessage(std::string_view text);

/// `text` percent-encoded for a URL query value or path segment (RFC 3986 unreserved
/// characters stay as they are).
std::string PercentEncode(std::string_view text);

/// `base` without trailing slashes, then `path` (which starts with '/').
std::string JoinUrl(std::string_view base, std::string_view path);

/// Whether an HTTP status is 2xx.
inline bool IsSuccess(int status) { return status >= 200 && status < 300; }

/// `body` as a JSON object. Errors: kDataLoss naming `what` and quoting the (shortened) body.
Result<nlohmann::json> ParseJsonObject(std::string_view what, const std::string& body);

}  // namespace orch::prover
