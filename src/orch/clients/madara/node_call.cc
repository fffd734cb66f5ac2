#include "orch/clients/madara/node_call.h"

#include <fmt/format.h>

#include <thread>

#include "orch/common/check.h"

namespace orch::madara::internal {

namespace {
constexpr std::size_t kMaxQuoted = 200;  // node text in messages, at most
}  // namespace

void CheckOptions(const HttpMadaraClientOptions& options, std::string_view name) {
  ORCH_CHECK(options.max_attempts >= 1, "{}.max_attempts must be >= 1", name);
  ORCH_CHECK(options.request_timeout.count() > 0, "{}.request_timeout must be positive", name);
  ORCH_CHECK(options.initial_backoff.count() >= 0 && options.max_backoff.count() >= 0,
             "{} backoffs must not be negative", name);
}

void Sleep(const HttpMadaraClientOptions& options, std::chrono::milliseconds delay) {
  if (options.sleep) {
    options.sleep(delay);
  } else {
    std::this_thread::sleep_for(delay);
  }
}

std::string Truncate(std::string_view text) {
  return text.size() <= kMaxQuoted ? std::string(text)
                                   : fmt::format("{}…", text.substr(0, kMaxQuoted));
}

Error Malformed(std::string_view what, std::string_view field, std::string_view why) {
  return Error::DataLoss("{}: malformed answer: field '{}': {}", what, field, why);
}

const nlohmann::json* Find(const nlohmann::json& object, std::string_view name) {
  if (!object.is_object()) {
    return nullptr;
  }
  const auto it = object.find(name);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

Result<crypto::Felt> FeltField(std::string_view what, std::string_view field,
                               const nlohmann::json& value) {
  if (!value.is_string() || !value.get_ref<const std::string&>().starts_with("0x")) {
    return Malformed(what, field,
                     fmt::format("{} is not a 0x-prefixed felt", Truncate(value.dump())));
  }
  auto felt = crypto::Felt::FromHex(value.get_ref<const std::string&>());
  if (!felt.ok()) {
    return Malformed(what, field, felt.error().message());
  }
  return *felt;
}

}  // namespace orch::madara::internal
