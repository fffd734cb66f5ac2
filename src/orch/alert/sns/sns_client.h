#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include "orch/aws/aws_client.h"
#include "orch/common/result.h"

namespace orch::alert {

/// The SNS calls the orchestrator makes: the alert topic's setup (CreateTopic), its preflight
/// (ListTopics to resolve a name, GetTopicAttributes) and Publish. SNS speaks the query
/// protocol (API version 2010-03-31): form-encoded POSTs answered with XML such as
/// <CreateTopicResponse><CreateTopicResult><TopicArn>…; errors are <ErrorResponse>s that the
/// AwsClient classifies (a missing topic is Code NotFound, HTTP 404 → kNotFound).
///
/// Errors of every method: those of AwsClient::Send; kDataLoss for an answer without the
/// element the operation documents. Thread-safe; `sns` must outlive this.
class SnsClient {
 public:
  /// `sns` calls aws::SnsService().
  explicit SnsClient(const aws::AwsClient& sns) : sns_(sns) {}

  /// CreateTopic(Name) → the TopicArn. Idempotent: for an existing topic with the same
  /// (default) attributes SNS returns its ARN.
  Result<std::string> CreateTopic(std::string_view name) const;

  /// The ARN of the topic `name_or_arn`: a string starting with "arn:" is returned as it is;
  /// otherwise ListTopics is read page by page (NextToken) for the ARN whose last part is the
  /// name. Errors: kInvalidArgument (empty name), kNotFound (no such topic in the region).
  Result<std::string> ResolveTopicArn(std::string_view name_or_arn) const;

  /// GetTopicAttributes(TopicArn) → its attributes (TopicArn, Owner, DisplayName, ...): the
  /// preflight check that the topic exists and we may use it. Errors: kNotFound.
  Result<std::map<std::string, std::string, std::less<>>> GetTopicAttributes(
      std::string_view topic_arn) const;

  /// Publish(TopicArn, Message[, Subject]) → the MessageId. `subject` is left out when empty;
  /// the caller makes both fit SNS's rules (see SnsSubject, SnsMessage). `timeout` bounds each
  /// attempt (zero: the AwsClient's). Errors: kNotFound (no such topic), kInvalidArgument.
  Result<std::string> Publish(std::string_view topic_arn, std::string_view subject,
                              std::string_view message,
                              std::chrono::milliseconds timeout = {}) const;

 private:
  // One query-protocol call; returns the XML answer.
  Result<std::string> Call(std::string_view operation, const aws::QueryParams& params,
                           std::chrono::milliseconds timeout = {}) const;

  const aws::AwsClient& sns_;
};

}  // namespace orch::alert
