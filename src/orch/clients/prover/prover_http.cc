#include "orch/clients/prover/prover_http.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <thread>
#include <utility>

namespace orch::prover {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxQuoted = 200;  // characters of a server's text in a message

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

double Seconds(std::chrono::milliseconds duration) {
  return static_cast<double>(duration.count()) / 1000.0;
}

}  // namespace

bool IsInfrastructureAnswer(int status, std::string_view body) {
  // The prover answers with JSON; the bodies below are what load balancers, proxies and
  // gateways put in front of it send when the service behind them is down or being deployed.
  if (status >= 500 || status == 429) {
    return true;
  }
  constexpr std::array<std::string_view, 6> kGatewayMarks = {
      "404 page not found",  "502 Bad Gateway", "503 Service Unavailable",
      "504 Gateway Timeout", "<html",           "<!DOCTYPE"};
  for (const std::string_view mark : kGatewayMarks) {
    if (Contains(body, mark)) {
      return true;
    }
  }
  // nginx sometimes sends an error page serialised as a JSON object of characters.
  if (body.starts_with("{\"0\":") && Contains(body, "\"4\"") && Contains(body, "\"0\"")) {
    return true;
  }
  if (status == 404 && !json::accept(body)) {
    constexpr std::array<std::string_view, 5> kApplicationWords = {"bucket", "query", "job",
                                                                   "error", "message"};
    for (const std::string_view word : kApplicationWords) {
      if (Contains(body, word)) {
        return false;
      }
    }
    return true;
  }
  return false;
}

ProverHttp::ProverHttp(http::HttpClient& http, ProverRetryOptions options, std::string secret)
    : http_(http), options_(std::move(options)), secret_(std::move(secret)) {}

std::string ProverHttp::Mask(std::string text) const {
  if (secret_.empty()) {
    return text;
  }
  constexpr std::string_view kMask = "***";
  for (auto at = text.find(secret_); at != std::string::npos;
       at = text.find(secret_, at + kMask.size())) {
    text.replace(at, secret_.size(), kMask);
  }
  return text;
}

std::optional<Error> ProverHttp::RunAttempts(
    bool retry, const std::function<std::optional<Error>()>& attempt) const {
  // Time spent in attempts is measured; waits count as requested, so that a test's sleep
  // function, which returns at once, still exhausts the budget after the real schedule.
  std::chrono::milliseconds spent{0};
  std::chrono::milliseconds delay = options_.base;
  for (int attempts = 1;; ++attempts) {
    const auto started = std::chrono::steady_clock::now();
    std::optional<Error> failure = attempt();
    spent += std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    if (!failure) {
      return std::nullopt;
    }
    if (!retry || spent + delay > options_.budget) {
      if (attempts == 1) {
        return failure;
      }
      return Error(failure->code(),
                   fmt::format("{} (gave up after {} attempts in {:.0f} s)", failure->message(),
                               attempts, Seconds(spent)),
                   /*transient=*/true);
    }
    spdlog::warn("{}; retrying in {:.0f} s", failure->message(), Seconds(delay));
    if (options_.sleep) {
      options_.sleep(delay);
    } else {
      std::this_thread::sleep_for(delay);
    }
    spent += delay;
    delay *= 2;
  }
}

Result<http::HttpResponse> ProverHttp::Send(const http::HttpRequest& request, std::string_view what,
                                            bool retry) const {
  std::optional<Result<http::HttpResponse>> answer;
  std::optional<Error> gave_up = RunAttempts(retry, [&]() -> std::optional<Error> {
    Result<http::HttpResponse> outcome = http_.Send(request);
    if (outcome.ok()) {
      const int status = outcome->status;
      if (IsSuccess(status) || !IsInfrastructureAnswer(status, outcome->body)) {
        answer.emplace(std::move(outcome));
        return std::nullopt;
      }
    }
    // Masked before the body is cut, so that no part of the secret survives at the cut.
    Error failure =
        outcome.ok() ? Error(ErrorCode::kUnavailable,
                             fmt::format("{}: HTTP {}: {}", Mask(std::string(what)),
                                         outcome->status, TruncateForMessage(Mask(outcome->body))),
                             /*transient=*/true)
                     : Error(outcome.error().code(),
                             Mask(fmt::format("{}: {}", what, outcome.error().message())),
                             outcome.error().transient());
    if (!failure.transient()) {
      answer.emplace(std::move(failure));
      return std::nullopt;
    }
    return failure;
  });
  if (gave_up) {
    return std::move(*gave_up);
  }
  return std::move(*answer);
}

Result<std::string> ProverHttp::Retry(const std::function<Result<std::string>()>& attempt) const {
  std::optional<Result<std::string>> outcome;
  std::optional<Error> gave_up = RunAttempts(/*retry=*/true, [&]() -> std::optional<Error> {
    outcome.emplace(attempt());
    if (outcome->ok() || !outcome->error().transient()) {
      return std::nullopt;
    }
    return outcome->error();
  });
  if (gave_up) {
    return std::move(*gave_up);
  }
  return std::move(*outcome);
}

Result<http::HttpResponse> ProverHttp::SendExpectingSuccess(const http::HttpRequest& request,
                                                            std::string_view what,
                                                            bool retry) const {
  ORCH_ASSIGN_OR_RETURN(http::HttpResponse response, Send(request, what, retry));
  if (!IsSuccess(response.status)) {
    return Refused(what, response);
  }
  return response;
}

Error ProverHttp::Refused(std::string_view what, const http::HttpResponse& response) const {
  std::string reason;
  const json body = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_object()) {
    for (const char* field : {"message", "error", "detail"}) {
      const auto it = body.find(field);
      if (it != body.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
        reason = it->get<std::string>();
        break;
      }
    }
  }
  if (reason.empty()) {
    reason = response.body.empty() ? "(empty body)" : response.body;
  }
  return Error::InvalidArgument("{}: refused with HTTP {}: {}", Mask(std::string(what)),
                                response.status, TruncateForMessage(Mask(std::move(reason))));
}

std::string TruncateForMessage(std::string_view text) {
  std::string line = text.size() <= kMaxQuoted ? std::string(text)
                                               : fmt::format("{}…", text.substr(0, kMaxQuoted));
  std::replace_if(
      line.begin(), line.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  return line;
}

std::string PercentEncode(std::string_view text) {
  std::string encoded;
  encoded.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      encoded += c;
    } else {
      encoded += fmt::format("%{:02X}", byte);
    }
  }
  return encoded;
}

std::string JoinUrl(std::string_view base, std::string_view path) {
  while (base.ends_with('/')) {
    base.remove_suffix(1);
  }
  return fmt::format("{}{}", base, path);
}

Result<nlohmann::json> ParseJsonObject(std::string_view what, const std::string& body) {
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) {
    return Error::DataLoss("{}: malformed answer: not a JSON object: {}", what,
                           TruncateForMessage(body));
  }
  return parsed;
}

}  // namespace orch::prover
