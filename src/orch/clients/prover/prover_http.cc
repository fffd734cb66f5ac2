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

Result<http::HttpResponse> ProverHttp::Send(const http::HttpRequest& request, std::string_view what,
                                            bool retry) const {
  // Time spent in requests is measured; waits count as requested, so that a test's sleep
  // function, which returns at once, still exhausts the budget after the real schedule.
  std::chrono::milliseconds spent{0};
  std::chrono::milliseconds delay = options_.base;
  for (int attempt = 1;; ++attempt) {
    const auto started = std::chrono::steady_clock::now();
    Result<http::HttpResponse> outcome = http_.Send(request);
    spent += std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    if (outcome.ok()) {
      const int status = outcome->status;
      if ((status >= 200 && status < 300) || !IsInfrastructureAnswer(status, outcome->body)) {
        return outcome;
      }
    }
    // Masked before the body is cut, so that no part of the secret survives at the cut.
    const Error failure =
        outcome.ok() ? Error(ErrorCode::kUnavailable,
                             fmt::format("{}: HTTP {}: {}", Mask(std::string(what)),
                                         outcome->status, TruncateForMessage(Mask(outcome->body))),
                             /*transient=*/true)
                     : Error(outcome.error().code(),
                             Mask(fmt::format("{}: {}", what, outcome.error().message())),
                             outcome.error().transient());
    if (!failure.transient()) {
      return failure;
    }
    if (!retry || spent + delay > options_.budget) {
      if (attempt == 1) {
        return failure;
      }
      return Error(failure.code(),
                   fmt::format("{} (gave up after {} attempts in {:.0f} s)", failure.message(),
                               attempt, Seconds(spent)),
                   /*transient=*/true);
    }
    spdlog::warn("{}; retrying in {:.0f} s", failure.message(), Seconds(delay));
    if (options_.sleep) {
      options_.sleep(delay);
    } else {
      std::this_thread::sleep_for(delay);
    }
    spent += delay;
    delay *= 2;
  }
}

Result<http::HttpResponse> ProverHttp::SendExpectingSuccess(const http::HttpRequest& request,
                                                            std::string_view what) const {
  ORCH_ASSIGN_OR_RETURN(http::HttpResponse response, Send(request, what));
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
