#pragma once

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "orch/clients/madara/http_madara_client.h"
#include "orch/common/result.h"
#include "orch/crypto/felt.h"

// What the two clients of a Madara node (JSON-RPC and feeder gateway) share: the retry loop and
// the readers of answer fields, so that both retry alike and word their errors alike. Internal
// to the clients. Stateless functions: thread-safe.
namespace orch::madara::internal {

/// Stops the process unless `options` are sane; `name` names the options struct in the message.
void CheckOptions(const HttpMadaraClientOptions& options, std::string_view name);

/// Waits `delay` through options.sleep, or really sleeps when it is empty.
void Sleep(const HttpMadaraClientOptions& options, std::chrono::milliseconds delay);

/// Calls `attempt` (which returns some Result) until it succeeds, fails with a permanent error
/// or has been tried options.max_attempts times, waiting with doubling backoff in between.
/// Returns the last attempt's result.
template <typename Attempt>
auto WithRetries(const HttpMadaraClientOptions& options, const Attempt& attempt) {
  auto result = attempt();
  std::chrono::milliseconds backoff = options.initial_backoff;
  for (int tried = 1; !result.ok() && result.error().transient() && tried < options.max_attempts;
       ++tried) {
    Sleep(options, std::min(backoff, options.max_backoff));
    backoff *= 2;
    result = attempt();
  }
  return result;
}

/// `text` cut to a length fit for an error message (node text may be huge).
std::string Truncate(std::string_view text);

/// kDataLoss "<what>: malformed answer: field '<field>': <why>".
Error Malformed(std::string_view what, std::string_view field, std::string_view why);

/// The member `name` of `object`; nullptr when it is absent or null, or `object` is no object.
const nlohmann::json* Find(const nlohmann::json& object, std::string_view name);

/// `value` as a "0x"-prefixed hex felt.
/// Errors: kDataLoss (Malformed naming `field`).
Result<crypto::Felt> FeltField(std::string_view what, std::string_view field,
                               const nlohmann::json& value);

}  // namespace orch::madara::internal
