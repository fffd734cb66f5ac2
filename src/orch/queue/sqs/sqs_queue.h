#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "orch/aws/aws_client.h"
#include "orch/common/clock.h"
#include "orch/queue/queue.h"

namespace orch::queue {

struct SqsQueueOptions {
  /// The longest WaitTimeSeconds of one ReceiveMessage (SQS allows 20); longer waits loop.
  std::chrono::seconds max_long_poll{20};
  /// Sent with every message as the String attribute OrchestratorVersion, as the reference
  /// orchestrator does (its consumers re-queue messages of other versions).
  std::string orchestrator_version = "0.1.0";
};

/// Queue on Amazon SQS (standard queues, JSON protocol) through an AwsClient made with
/// aws::SqsService(). Queue names are the physical SQS names; each is resolved once to its
/// QueueUrl with GetQueueUrl and cached. The URL is an opaque id sent in request bodies, never
/// an address: requests go to the client's endpoint. A cached URL that SQS no longer knows
/// (the queue was deleted and created again) is resolved again, once per call.
///
/// Where SQS differs from the SQL queues:
///  - SQS counts in whole seconds: delays, nack delays and visibility timeouts round up to the
///    next second. Delays above SQS's 900 s maximum are cut to 900 s (the message comes early,
///    which at-least-once consumers handle; refusing the send could lose it). Nack delays are
///    cut to 43,200 s; a visibility timeout above 43,200 s is refused.
///  - Receive waits in whole seconds too: a `wait` that is not a whole number of seconds waits
///    up to one second longer when nothing arrives, rather than polling. A wait of 0 is a short
///    poll, which on AWS may miss messages (it samples a subset of servers).
///  - At most 10 messages come back per Receive (SQS's limit).
///  - Bodies follow SQS's rules: non-empty Unicode text of at most the queue's maximum size
///    (256 KiB by default); others are refused with kInvalidArgument.
///  - SQS has no age of the oldest message as a queue attribute (it is a CloudWatch metric),
///    so ApproximateAgeOfOldestMessage answers kFailedPrecondition for existing queues.
///  - Redrive to the dead-letter queue is SQS's own: the message moves instead of its
///    (max_receive_count + 1)-th delivery, and keeps its receive count.
/// A stale receipt (ReceiptHandleIsInvalid, MessageNotInflight, an expired handle) changes
/// nothing and is not an error, as the Queue contract says. Nothing here wakes a waiting
/// Receive: SQS's long poll returns as soon as a message is visible.
/// Errors: as Queue, plus kDataLoss for an answer that does not have the documented shape;
/// throttling and 5xx answers are retried by the AwsClient, then kUnavailable (transient).
/// Thread-safe (the AwsClient is, with a thread-safe HttpClient).
class SqsQueue final : public Queue {
 public:
  /// `client` must be made with aws::SqsService(); `clock` bounds Receive's total wait.
  SqsQueue(const aws::AwsClient& client, const Clock& clock, SqsQueueOptions options = {});

  // Queue
  Result<void> CreateQueue(const QueueConfig& config) override;
  Result<std::string> Send(std::string_view queue, std::string_view body,
                           std::chrono::milliseconds delay) override;
  Result<std::vector<Message>> Receive(std::string_view queue, std::uint32_t max_messages,
                                       std::chrono::milliseconds wait) override;
  Result<void> Ack(std::string_view queue, std::string_view receipt) override;
  Result<void> Nack(std::string_view queue, std::string_view receipt,
                    std::chrono::milliseconds delay) override;
  Result<std::uint64_t> ApproximateNumberOfMessages(std::string_view queue) override;
  /// Errors: kNotFound for an unknown queue, else kFailedPrecondition (see the class comment).
  Result<std::optional<std::chrono::milliseconds>> ApproximateAgeOfOldestMessage(
      std::string_view queue) override;

  /// The queue's ARN (what EventBridge targets and redrive policies name).
  /// Errors: kNotFound (no such queue).
  Result<std::string> QueueArn(std::string_view queue);

  /// Replaces the queue's access policy (a JSON policy document), e.g. to let EventBridge
  /// rules send to it. Errors: kNotFound, kInvalidArgument (SQS refuses the policy).
  Result<void> SetQueuePolicy(std::string_view queue, std::string_view policy);

 private:
  struct ResolvedUrl {
    std::string url;
    bool from_cache = false;
  };

  Result<nlohmann::json> Call(std::string_view operation, const nlohmann::json& body,
                              std::chrono::milliseconds extra_timeout = {}) const;
  /// The queue's URL, from the cache unless `refresh`. kNotFound says to run setup.
  Result<ResolvedUrl> ResolveUrl(std::string_view queue, bool refresh);
  /// Calls `operation` with `body` plus the queue's QueueUrl; re-resolves a cached URL once.
  Result<nlohmann::json> CallOnQueue(std::string_view queue, std::string_view operation,
                                     nlohmann::json body,
                                     std::chrono::milliseconds extra_timeout = {});
  /// CallOnQueue for Ack and Nack: an answer saying the receipt is stale is success.
  Result<void> CallWithReceipt(std::string_view queue, std::string_view operation,
                               nlohmann::json body);

  const aws::AwsClient& client_;
  const Clock& clock_;
  const SqsQueueOptions options_;
  std::mutex urls_mutex_;
  std::map<std::string, std::string, std::less<>> urls_;  // guarded by urls_mutex_
};

}  // namespace orch::queue
