#include "orch/queue/sqs/sqs_queue.h"

#include <algorithm>
#include <charconv>

#include "orch/common/strings.h"

namespace orch::queue {
namespace {

using nlohmann::json;

constexpr std::string_view kTargetPrefix = "AmazonSQS";
constexpr std::string_view kJsonVersion = "1.0";
constexpr std::int64_t kMaxDelaySeconds = 900;
constexpr std::int64_t kMaxVisibilitySeconds = 43'200;
constexpr std::uint32_t kMaxMessagesPerReceive = 10;
constexpr std::uint32_t kMaxReceiveCount = 1000;
constexpr std::size_t kMaxAnswerInMessage = 200;

// Both names: AttributeNames is deprecated but older SQS-compatible servers know only it.
const json& SystemAttributeNames() {
  static const json names = json::array({"ApproximateReceiveCount", "SentTimestamp"});
  return names;
}

// SQS takes whole seconds; rounding up keeps a message invisible at least as long as asked.
std::int64_t CeilSeconds(std::chrono::milliseconds duration) {
  return duration <= std::chrono::milliseconds::zero() ? 0 : (duration.count() + 999) / 1000;
}

std::string Excerpt(const json& answer) {
  std::string text = answer.dump();
  if (text.size() > kMaxAnswerInMessage) {
    text.resize(kMaxAnswerInMessage);
    text += "...";
  }
  return text;
}

Result<std::string> StringField(const json& object, std::string_view key,
                                std::string_view operation) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) {
    return Error::DataLoss("SQS {}: the answer has no string {}: {}", operation, key,
                           Excerpt(object));
  }
  return it->get<std::string>();
}

Result<std::uint64_t> NumberField(const json& object, std::string_view key,
                                  std::string_view operation) {
  ORCH_ASSIGN_OR_RETURN(const std::string text, StringField(object, key, operation));
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return Error::DataLoss("SQS {}: {} is not a whole number: '{}'", operation, key, text);
  }
  return value;
}

Result<const json*> ObjectField(const json& object, std::string_view key,
                                std::string_view operation) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_object()) {
    return Error::DataLoss("SQS {}: the answer has no object {}: {}", operation, key,
                           Excerpt(object));
  }
  return &*it;
}

Result<Message> ParseMessage(const json& item) {
  constexpr std::string_view kOperation = "ReceiveMessage";
  if (!item.is_object()) {
    return Error::DataLoss("SQS {}: a message is not an object: {}", kOperation, Excerpt(item));
  }
  Message message;
  ORCH_ASSIGN_OR_RETURN(message.id, StringField(item, "MessageId", kOperation));
  ORCH_ASSIGN_OR_RETURN(message.receipt, StringField(item, "ReceiptHandle", kOperation));
  ORCH_ASSIGN_OR_RETURN(message.body, StringField(item, "Body", kOperation));
  ORCH_ASSIGN_OR_RETURN(const json* attributes, ObjectField(item, "Attributes", kOperation));
  ORCH_ASSIGN_OR_RETURN(const std::uint64_t count,
                        NumberField(*attributes, "ApproximateReceiveCount", kOperation));
  ORCH_ASSIGN_OR_RETURN(const std::uint64_t sent,
                        NumberField(*attributes, "SentTimestamp", kOperation));
  message.receive_count = static_cast<std::uint32_t>(count);
  message.sent_at = FromUnixMillis(static_cast<std::int64_t>(sent));
  return message;
}

Result<std::vector<Message>> ParseMessages(const json& answer) {
  std::vector<Message> messages;
  const auto list = answer.find("Messages");
  if (list == answer.end()) {
    return messages;
  }
  if (!list->is_array()) {
    return Error::DataLoss("SQS ReceiveMessage: Messages is not a list: {}", Excerpt(answer));
  }
  for (const json& item : *list) {
    ORCH_ASSIGN_OR_RETURN(Message message, ParseMessage(item));
    messages.push_back(std::move(message));
  }
  return messages;
}

// AwsClient reports the AWS error code only inside its message, "<service> <operation>:
// <Code>: <message> (HTTP <status>)", so the code is read back from there.
std::string_view AwsCode(const Error& error, std::string_view prefix) {
  std::string_view text = error.message();
  if (!text.starts_with(prefix)) {
    return {};
  }
  text.remove_prefix(prefix.size());
  return text.substr(0, text.find_first_of(": "));
}

// What SQS answers for a receipt of an earlier delivery: ReceiptHandleIsInvalid,
// MessageNotInflight (ChangeMessageVisibility on a message no longer in flight), or
// InvalidParameterValue "...ReceiptHandle is invalid. Reason: The receipt handle has expired".
bool IsStaleReceipt(const Error& error, std::string_view prefix) {
  if (error.code() != ErrorCode::kInvalidArgument) {
    return false;
  }
  const std::string_view code = AwsCode(error, prefix);
  if (code == "ReceiptHandleIsInvalid" || code == "MessageNotInflight") {
    return true;
  }
  const std::string message = ToLower(error.message());
  return code == "InvalidParameterValue" && (message.find("receipthandle") != std::string::npos ||
                                             message.find("receipt handle") != std::string::npos);
}

Error QueueNotFound(std::string_view queue, const Error& cause) {
  return Error::NotFound("SQS queue {} does not exist: run `orchestrator setup` first ({})", queue,
                         cause.message());
}

}  // namespace

SqsQueue::SqsQueue(const aws::AwsClient& client, const Clock& clock, SqsQueueOptions options)
    : client_(client), clock_(clock), options_(std::move(options)) {
  ORCH_CHECK(client_.service().signing_name == "sqs", "SqsQueue needs an SQS client, not {}",
             client_.service().display);
  ORCH_CHECK(options_.max_long_poll.count() >= 1 && options_.max_long_poll.count() <= 20,
             "max_long_poll must be 1 to 20 s");
  ORCH_CHECK(!options_.orchestrator_version.empty(), "SQS refuses empty message attributes");
}

Result<json> SqsQueue::Call(std::string_view operation, const json& body,
                            std::chrono::milliseconds extra_timeout) const {
  return client_.CallJson(kTargetPrefix, kJsonVersion, operation, body, extra_timeout);
}

Result<SqsQueue::ResolvedUrl> SqsQueue::ResolveUrl(std::string_view queue, bool refresh) {
  if (!refresh) {
    std::lock_guard lock(urls_mutex_);
    if (const auto it = urls_.find(queue); it != urls_.end()) {
      return ResolvedUrl{.url = it->second, .from_cache = true};
    }
  }
  Result<json> answer = Call("GetQueueUrl", {{"QueueName", queue}});
  if (!answer.ok()) {
    if (answer.error().code() != ErrorCode::kNotFound) {
      return std::move(answer).error();
    }
    std::lock_guard lock(urls_mutex_);
    if (const auto it = urls_.find(queue); it != urls_.end()) {
      urls_.erase(it);
    }
    return QueueNotFound(queue, answer.error());
  }
  ORCH_ASSIGN_OR_RETURN(std::string url, StringField(*answer, "QueueUrl", "GetQueueUrl"));
  std::lock_guard lock(urls_mutex_);
  urls_.insert_or_assign(std::string(queue), url);
  return ResolvedUrl{.url = std::move(url), .from_cache = false};
}

Result<json> SqsQueue::CallOnQueue(std::string_view queue, std::string_view operation, json body,
                                   std::chrono::milliseconds extra_timeout) {
  ORCH_ASSIGN_OR_RETURN(ResolvedUrl resolved, ResolveUrl(queue, /*refresh=*/false));
  body["QueueUrl"] = resolved.url;
  Result<json> answer = Call(operation, body, extra_timeout);
  if (!answer.ok() && answer.error().code() == ErrorCode::kNotFound && resolved.from_cache) {
    ORCH_ASSIGN_OR_RETURN(resolved, ResolveUrl(queue, /*refresh=*/true));
    body["QueueUrl"] = resolved.url;
    answer = Call(operation, body, extra_timeout);
  }
  if (!answer.ok() && answer.error().code() == ErrorCode::kNotFound) {
    return QueueNotFound(queue, answer.error());
  }
  return answer;
}

Result<std::string> SqsQueue::QueueArn(std::string_view queue) {
  ORCH_ASSIGN_OR_RETURN(
      const json answer,
      CallOnQueue(queue, "GetQueueAttributes", {{"AttributeNames", json::array({"QueueArn"})}}));
  ORCH_ASSIGN_OR_RETURN(const json* attributes,
                        ObjectField(answer, "Attributes", "GetQueueAttributes"));
  return StringField(*attributes, "QueueArn", "GetQueueAttributes");
}

Result<void> SqsQueue::SetQueuePolicy(std::string_view queue, std::string_view policy) {
  ORCH_RETURN_IF_ERROR(
      CallOnQueue(queue, "SetQueueAttributes", {{"Attributes", {{"Policy", policy}}}}));
  return Ok();
}

Result<void> SqsQueue::CreateQueue(const QueueConfig& config) {
  ORCH_RETURN_IF_ERROR(ValidateQueueConfig(config));
  const std::int64_t visibility = CeilSeconds(config.visibility_timeout);
  if (visibility > kMaxVisibilitySeconds) {
    return Error::InvalidArgument(
        "queue {}: SQS allows visibility timeouts up to {} s (12 h), not {} s", config.name,
        kMaxVisibilitySeconds, visibility);
  }
  // An empty RedrivePolicy removes a dead-letter queue configured earlier.
  json attributes = {{"VisibilityTimeout", std::to_string(visibility)}, {"RedrivePolicy", ""}};
  if (config.dead_letter_queue) {
    if (config.max_receive_count > kMaxReceiveCount) {
      return Error::InvalidArgument("queue {}: SQS allows max_receive_count up to {}, not {}",
                                    config.name, kMaxReceiveCount, config.max_receive_count);
    }
    Result<std::string> arn = QueueArn(*config.dead_letter_queue);
    if (!arn.ok()) {
      if (arn.error().code() == ErrorCode::kNotFound) {
        return Error::NotFound(
            "the dead-letter queue {} of queue {} does not exist: create it first",
            *config.dead_letter_queue, config.name);
      }
      return std::move(arn).error();
    }
    attributes["RedrivePolicy"] =
        json{{"deadLetterTargetArn", *arn},
             {"maxReceiveCount", std::to_string(config.max_receive_count)}}
            .dump();
  }
  // CreateQueue fails on an existing queue whose attributes differ from those given, so the
  // queue is created bare (idempotent) and configured in a second call, which also updates it.
  ORCH_ASSIGN_OR_RETURN(const json created, Call("CreateQueue", {{"QueueName", config.name}}));
  ORCH_ASSIGN_OR_RETURN(std::string url, StringField(created, "QueueUrl", "CreateQueue"));
  ORCH_RETURN_IF_ERROR(Call("SetQueueAttributes", {{"QueueUrl", url}, {"Attributes", attributes}}));
  std::lock_guard lock(urls_mutex_);
  urls_.insert_or_assign(config.name, std::move(url));
  return Ok();
}

Result<std::string> SqsQueue::Send(std::string_view queue, std::string_view body,
                                   std::chrono::milliseconds delay) {
  json request = {{"MessageBody", body},
                  {"DelaySeconds", std::min(CeilSeconds(delay), kMaxDelaySeconds)},
                  {"MessageAttributes",
                   {{"OrchestratorVersion",
                     {{"DataType", "String"}, {"StringValue", options_.orchestrator_version}}}}}};
  // The JSON protocol carries text only; serialising invalid UTF-8 would throw.
  try {
    (void)request["MessageBody"].dump();
  } catch (const json::exception&) {
    return Error::InvalidArgument("SQS SendMessage to {}: the message body is not valid UTF-8",
                                  queue);
  }
  ORCH_ASSIGN_OR_RETURN(const json answer, CallOnQueue(queue, "SendMessage", std::move(request)));
  return StringField(answer, "MessageId", "SendMessage");
}

Result<std::vector<Message>> SqsQueue::Receive(std::string_view queue, std::uint32_t max_messages,
                                               std::chrono::milliseconds wait) {
  if (max_messages == 0) {
    ORCH_RETURN_IF_ERROR(ResolveUrl(queue, /*refresh=*/false));
    return std::vector<Message>();
  }
  const TimePoint deadline = clock_.Now() + std::max(wait, std::chrono::milliseconds::zero());
  while (true) {
    const std::int64_t wait_seconds = std::min(CeilSeconds(deadline - clock_.Now()),
                                               std::int64_t{options_.max_long_poll.count()});
    const json request = {{"MaxNumberOfMessages", std::min(max_messages, kMaxMessagesPerReceive)},
                          {"WaitTimeSeconds", wait_seconds},
                          {"AttributeNames", SystemAttributeNames()},
                          {"MessageSystemAttributeNames", SystemAttributeNames()}};
    ORCH_ASSIGN_OR_RETURN(const json answer, CallOnQueue(queue, "ReceiveMessage", request,
                                                         std::chrono::seconds(wait_seconds)));
    ORCH_ASSIGN_OR_RETURN(std::vector<Message> messages, ParseMessages(answer));
    // A long poll may end early and empty when another consumer took the message that woke
    // it; then it polls again for the rest of the wait.
    if (!messages.empty() || wait_seconds == 0 || clock_.Now() >= deadline) {
      return messages;
    }
  }
}

Result<void> SqsQueue::CallWithReceipt(std::string_view queue, std::string_view operation,
                                       json body) {
  Result<json> answer = CallOnQueue(queue, operation, std::move(body));
  if (answer.ok() || IsStaleReceipt(answer.error(),
                                    fmt::format("{} {}: ", client_.service().display, operation))) {
    return Ok();
  }
  return std::move(answer).error();
}

Result<void> SqsQueue::Ack(std::string_view queue, std::string_view receipt) {
  return CallWithReceipt(queue, "DeleteMessage", {{"ReceiptHandle", receipt}});
}

Result<void> SqsQueue::Nack(std::string_view queue, std::string_view receipt,
                            std::chrono::milliseconds delay) {
  return CallWithReceipt(
      queue, "ChangeMessageVisibility",
      {{"ReceiptHandle", receipt},
       {"VisibilityTimeout", std::min(CeilSeconds(delay), kMaxVisibilitySeconds)}});
}

Result<std::uint64_t> SqsQueue::ApproximateNumberOfMessages(std::string_view queue) {
  ORCH_ASSIGN_OR_RETURN(
      const json answer,
      CallOnQueue(queue, "GetQueueAttributes",
                  {{"AttributeNames", json::array({"ApproximateNumberOfMessages"})}}));
  ORCH_ASSIGN_OR_RETURN(const json* attributes,
                        ObjectField(answer, "Attributes", "GetQueueAttributes"));
  return NumberField(*attributes, "ApproximateNumberOfMessages", "GetQueueAttributes");
}

Result<std::optional<std::chrono::milliseconds>> SqsQueue::ApproximateAgeOfOldestMessage(
    std::string_view queue) {
  ORCH_RETURN_IF_ERROR(ResolveUrl(queue, /*refresh=*/false));
  return Error::FailedPrecondition(
      "SQS queue {}: SQS does not report the age of the oldest message as a queue attribute (it "
      "is the CloudWatch metric ApproximateAgeOfOldestMessage)",
      queue);
}

}  // namespace orch::queue
