#include "orch/cli/common_options.h"

#include <filesystem>

namespace orch::cli {
namespace {

constexpr std::string_view kS3ArnPrefix = "arn:aws:s3:::";

// The AWS shorthand `flag` fills `url` unless the URL option was given too: then one of the
// two must go.
Result<void> ApplyShorthand(bool flag, std::string_view flag_name, std::string_view url_option,
                            std::string& url, std::string value) {
  if (!flag) {
    return Ok();
  }
  if (!url.empty()) {
    return Error::InvalidArgument("{} and {} both choose the same backend: keep one", flag_name,
                                  url_option);
  }
  url = std::move(value);
  return Ok();
}

}  // namespace

Result<app::BackendUrls> ResolveBackendUrls(const CommonOptions& options) {
  if (options.mongodb) {
    return Error::InvalidArgument(
        "--mongodb: MongoDB is not supported; use PostgreSQL (--database-url "
        "postgresql://user@host/db) to share jobs between instances, or the default SQLite "
        "file for one");
  }
  const bool any_aws_service = options.aws_s3 || options.aws_sqs || options.aws_sns;
  if (options.aws && !any_aws_service) {
    return Error::InvalidArgument(
        "--aws: name the services to use: --aws-s3 (artifacts), --aws-sqs (queues), --aws-sns "
        "(alerts)");
  }
  app::BackendUrls urls{options.database_url, options.queue_url, options.storage_url,
                        options.alert_url == "log:" && options.aws_sns ? "" : options.alert_url};
  const std::string prefix = options.aws_prefix;
  std::string bucket = options.bucket_identifier;
  if (bucket.starts_with(kS3ArnPrefix)) {
    bucket.erase(0, kS3ArnPrefix.size());
  } else if (!prefix.empty()) {
    bucket = prefix + "-" + bucket;
  }
  std::string topic = options.topic_identifier;
  if (!topic.starts_with("arn:") && !prefix.empty()) {
    topic = prefix + "-" + topic;
  }
  ORCH_RETURN_IF_ERROR(
      ApplyShorthand(options.aws_sqs, "--aws-sqs", "--queue-url", urls.queue_url, "sqs:"));
  ORCH_RETURN_IF_ERROR(ApplyShorthand(options.aws_s3, "--aws-s3", "--storage-url", urls.storage_url,
                                      "s3://" + bucket));
  ORCH_RETURN_IF_ERROR(ApplyShorthand(options.aws_sns, "--aws-sns", "--alert-url", urls.alert_url,
                                      "sns://" + topic));
  if (!urls.database_url.empty() && !urls.storage_url.empty()) {
    return urls;
  }
  if (options.data_dir.empty()) {
    return Error::InvalidArgument("--data-dir must not be empty");
  }
  std::error_code error;
  const std::filesystem::path data_dir = std::filesystem::absolute(options.data_dir, error);
  if (!error) {
    std::filesystem::create_directories(data_dir, error);
  }
  if (error) {
    return Error::Unavailable("--data-dir {}: cannot create it: {}", options.data_dir,
                              error.message());
  }
  if (urls.database_url.empty()) {
    urls.database_url = "sqlite://" + (data_dir / "orchestrator.db").string();
  }
  if (urls.storage_url.empty()) {
    urls.storage_url = "file://" + (data_dir / "artifacts").string();
  }
  return urls;
}

Result<engine::QueueLayout::Options> QueueLayoutOptionsFrom(const CommonOptions& options) {
  engine::QueueLayout::Options layout;
  if (options.queue_identifier.find("{}") == std::string::npos) {
    return Error::InvalidArgument(
        "--queue-identifier '{}' must contain {{}}, where the queue type goes (default "
        "mo_{{}}_queue)",
        options.queue_identifier);
  }
  layout.name_template = options.aws_prefix.empty()
                             ? options.queue_identifier
                             : options.aws_prefix + "_" + options.queue_identifier;
  return layout;
}

}  // namespace orch::cli
