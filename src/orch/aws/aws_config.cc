#include "orch/aws/aws_config.h"

#include <array>
#include <cstdlib>

#include "orch/common/file.h"
#include "orch/common/strings.h"

namespace orch::aws {
namespace {

// The value of `name`, or of the file named by `name`_FILE (trimmed), which wins.
Result<std::optional<std::string>> SecretFromEnv(const EnvLookup& env, const std::string& name) {
  const std::string file_variable = name + "_FILE";
  if (const std::optional<std::string> path = env(file_variable); path && !path->empty()) {
    Result<std::string> contents = ReadFileContents(*path);
    if (!contents.ok()) {
      return Error::InvalidArgument("{}: cannot read {}: {}", file_variable, *path,
                                    contents.error().message());
    }
    std::string value(TrimWhitespace(*contents));
    if (value.empty()) {
      return Error::InvalidArgument("{}: the file {} is empty", file_variable, *path);
    }
    return std::optional<std::string>(std::move(value));
  }
  std::optional<std::string> value = env(name);
  if (value && value->empty()) {
    value.reset();
  }
  return value;
}

}  // namespace

std::optional<std::string> ProcessEnv(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) {
    return std::nullopt;
  }
  return std::string(value);
}

std::string AwsConfig::EndpointFor(std::string_view service_id,
                                   std::string_view host_prefix) const {
  if (const auto it = service_endpoints.find(service_id); it != service_endpoints.end()) {
    return it->second;
  }
  if (!endpoint_url.empty()) {
    return endpoint_url;
  }
  return "https://" + std::string(host_prefix) + "." + region + ".amazonaws.com";
}

Result<AwsConfig> LoadAwsConfig(const EnvLookup& env) {
  AwsConfig config;
  ORCH_ASSIGN_OR_RETURN(auto access_key_id, SecretFromEnv(env, "AWS_ACCESS_KEY_ID"));
  ORCH_ASSIGN_OR_RETURN(auto secret_access_key, SecretFromEnv(env, "AWS_SECRET_ACCESS_KEY"));
  ORCH_ASSIGN_OR_RETURN(auto session_token, SecretFromEnv(env, "AWS_SESSION_TOKEN"));
  if (!access_key_id || !secret_access_key) {
    return Error::InvalidArgument(
        "AWS credentials are missing: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or their "
        "_FILE variants){}",
        access_key_id ? " (AWS_SECRET_ACCESS_KEY is not set)" : "");
  }
  config.credentials = {*std::move(access_key_id), *std::move(secret_access_key),
                        session_token.value_or("")};
  std::optional<std::string> region = env("AWS_REGION");
  if (!region || region->empty()) {
    region = env("AWS_DEFAULT_REGION");
  }
  if (!region || region->empty()) {
    return Error::InvalidArgument("AWS region is missing: set AWS_REGION or AWS_DEFAULT_REGION");
  }
  config.region = *region;
  config.endpoint_url = env("AWS_ENDPOINT_URL").value_or("");
  struct ServiceOverride {
    std::string_view service;
    std::string_view variable;
  };
  constexpr std::array<ServiceOverride, 5> kOverrides = {{
      {"sqs", "AWS_ENDPOINT_URL_SQS"},
      {"s3", "AWS_ENDPOINT_URL_S3"},
      {"sns", "AWS_ENDPOINT_URL_SNS"},
      {"eventbridge", "AWS_ENDPOINT_URL_EVENTBRIDGE"},
      {"scheduler", "AWS_ENDPOINT_URL_SCHEDULER"},
  }};
  for (const auto& [service, variable] : kOverrides) {
    if (std::optional<std::string> endpoint = env(variable); endpoint && !endpoint->empty()) {
      config.service_endpoints.emplace(std::string(service), *endpoint);
    }
  }
  return config;
}

}  // namespace orch::aws
