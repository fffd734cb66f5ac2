#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "orch/aws/aws_client.h"
#include "orch/aws/aws_config.h"
#include "orch/common/clock.h"
#include "orch/common/result.h"
#include "orch/http/http_client.h"
#include "orch/objects/s3/s3_object_store.h"
#include "orch/queue/sqs/sqs_queue.h"

namespace orch::app {

/// The AWS side of the composition root: one HTTP client and one signed client per AWS
/// service, made on first use from the AWS_* environment (docs/aws.md), so that a process
/// without AWS backends never needs AWS variables. Used while composing (not thread-safe);
/// the clients it hands out are thread-safe and live as long as it does.
class AwsServices {
 public:
  explicit AwsServices(const Clock& clock, aws::EnvLookup env = aws::ProcessEnv);

  /// The client of `service`. Errors: kInvalidArgument (AWS credentials or region missing,
  /// naming the variable).
  Result<const aws::AwsClient*> Client(const aws::AwsService& service);

  /// The configuration, loaded on first use. Errors: as Client.
  Result<const aws::AwsConfig*> Config();

  http::HttpClient& http() { return *http_; }

 private:
  const Clock& clock_;
  const aws::EnvLookup env_;
  std::unique_ptr<http::HttpClient> http_;
  std::optional<aws::AwsConfig> config_;
  std::map<std::string, std::unique_ptr<aws::AwsClient>, std::less<>> clients_;
};

/// Whether `url` names SQS: "sqs:" or "sqs://" (queue names come from the queue layout).
bool IsSqsUrl(std::string_view url);

/// The SQS queue backend for `url`. Errors: kInvalidArgument (a host, path or query in the
/// URL; AWS configuration missing).
Result<std::unique_ptr<queue::SqsQueue>> OpenSqsQueue(std::string_view url, AwsServices& aws,
                                                      const Clock& clock);

/// The S3 store for an s3://bucket[/prefix] URL. Path-style addressing when an endpoint is
/// configured (emulators and S3-compatible services), virtual-host style on AWS itself.
/// Errors: kInvalidArgument (a bad bucket or prefix; AWS configuration missing).
Result<std::unique_ptr<objects::S3ObjectStore>> OpenS3Store(std::string_view url, AwsServices& aws);

/// The topic of an sns://<name or ARN> URL. Errors: kInvalidArgument (nothing after sns://).
Result<std::string> SnsTopicFromUrl(std::string_view url);

}  // namespace orch::app
