#include "orch/app/aws_services.h"

#include "orch/http/curl_http_client.h"

namespace orch::app {

AwsServices::AwsServices(const Clock& clock, aws::EnvLookup env)
    : clock_(clock), env_(std::move(env)), http_(std::make_unique<http::CurlHttpClient>()) {}

Result<const aws::AwsConfig*> AwsServices::Config() {
  if (!config_) {
    ORCH_ASSIGN_OR_RETURN(config_, aws::LoadAwsConfig(env_));
  }
  return &*config_;
}

Result<const aws::AwsClient*> AwsServices::Client(const aws::AwsService& service) {
  if (const auto it = clients_.find(service.id); it != clients_.end()) {
    return it->second.get();
  }
  ORCH_ASSIGN_OR_RETURN(const aws::AwsConfig* config, Config());
  auto client = std::make_unique<aws::AwsClient>(*http_, *config, service, clock_);
  const aws::AwsClient* pointer = client.get();
  clients_.emplace(service.id, std::move(client));
  return pointer;
}

bool IsSqsUrl(std::string_view url) { return url.starts_with("sqs:"); }

Result<std::unique_ptr<queue::SqsQueue>> OpenSqsQueue(std::string_view url, AwsServices& aws,
                                                      const Clock& clock) {
  if (url != "sqs:" && url != "sqs://") {
    return Error::InvalidArgument(
        "queue URL '{}': write sqs: alone; queue names come from --queue-identifier and "
        "--aws-prefix, the endpoint from AWS_ENDPOINT_URL_SQS or AWS_ENDPOINT_URL",
        url);
  }
  ORCH_ASSIGN_OR_RETURN(const aws::AwsClient* client, aws.Client(aws::SqsService()));
  return std::make_unique<queue::SqsQueue>(*client, clock);
}

Result<std::unique_ptr<objects::S3ObjectStore>> OpenS3Store(std::string_view url,
                                                            AwsServices& aws) {
  ORCH_ASSIGN_OR_RETURN(objects::S3Location location, objects::ParseS3Url(url));
  ORCH_ASSIGN_OR_RETURN(const aws::AwsConfig* config, aws.Config());
  ORCH_ASSIGN_OR_RETURN(const aws::AwsClient* client, aws.Client(aws::S3Service()));
  const bool custom_endpoint =
      !config->endpoint_url.empty() || config->service_endpoints.contains("s3");
  return objects::S3ObjectStore::Create(
      *client, {.location = std::move(location),
                .addressing = custom_endpoint ? objects::S3Addressing::kPathStyle
                                              : objects::S3Addressing::kVirtualHost});
}

Result<std::string> SnsTopicFromUrl(std::string_view url) {
  std::string_view topic = url;
  if (topic.starts_with("sns://")) {
    topic.remove_prefix(6);
  } else if (topic.starts_with("sns:")) {
    topic.remove_prefix(4);
  }
  if (topic.empty()) {
    return Error::InvalidArgument(
        "alert URL '{}' names no topic: write sns://<topic name> or sns://<topic ARN>", url);
  }
  return std::string(topic);
}

}  // namespace orch::app
