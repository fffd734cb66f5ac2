#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "orch/common/result.h"

namespace orch::aws {

/// AWS credentials. The secret and the session token are secrets: never log them.
struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty unless temporary credentials
};

/// Where and as whom to call AWS. Immutable once loaded; thread-safe to share.
struct AwsConfig {
  AwsCredentials credentials;
  std::string region;
  /// AWS_ENDPOINT_URL: one endpoint for every service (emulators); empty = AWS itself.
  std::string endpoint_url;
  /// AWS_ENDPOINT_URL_<SERVICE> overrides, keyed by the lower-case service id ("sqs", "s3",
  /// "sns", "eventbridge", "scheduler").
  std::map<std::string, std::string, std::less<>> service_endpoints;

  /// The endpoint for `service_id` (e.g. "sqs"): its override, else endpoint_url, else the
  /// public https://<host_prefix>.<region>.amazonaws.com.
  std::string EndpointFor(std::string_view service_id, std::string_view host_prefix) const;
};

/// Reads the value of an environment variable, nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

/// The process environment.
std::optional<std::string> ProcessEnv(std::string_view name);

/// Loads the configuration the way the AWS SDKs do, from AWS_ACCESS_KEY_ID,
/// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (each also as <NAME>_FILE: a file holding the
/// value, which wins), AWS_REGION, else AWS_DEFAULT_REGION, AWS_ENDPOINT_URL and
/// AWS_ENDPOINT_URL_{SQS,S3,SNS,EVENTBRIDGE,SCHEDULER}.
/// Errors: kInvalidArgument naming the missing or unreadable variable (never its value).
Result<AwsConfig> LoadAwsConfig(const EnvLookup& env);

}  // namespace orch::aws
