#include "orch/alert/sns/sns_alerter.h"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <utility>

#include "orch/common/strings.h"

namespace orch::alert {
namespace {

// SNS: "Subjects must be ... less than 100 characters long".
constexpr std::size_t kMaxSubjectChars = 99;
// SNS: a message is at most 256 KB (262,144 bytes) of UTF-8.
constexpr std::size_t kMaxMessageBytes = 256 * 1024;
constexpr std::string_view kEllipsis = "...";
constexpr std::string_view kTruncatedNote = "\n[truncated to fit SNS's 256 KiB]";

std::string_view SeverityTag(Alert::Severity severity) {
  return severity == Alert::Severity::kCritical ? "[CRITICAL]" : "[WARNING]";
}

// The length of the well-formed UTF-8 sequence starting at text[at], or 0 when the bytes there
// are not one (stray continuation bytes, overlong forms, surrogates, beyond U+10FFFF).
std::size_t Utf8SequenceLength(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[at + k]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) {
    return 1;
  }
  std::size_t length = 0;
  unsigned char min_second = 0x80;
  unsigned char max_second = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    min_second = lead == 0xE0 ? 0xA0 : 0x80;
    max_second = lead == 0xED ? 0x9F : 0xBF;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    min_second = lead == 0xF0 ? 0x90 : 0x80;
    max_second = lead == 0xF4 ? 0x8F : 0xBF;
  } else {
    return 0;
  }
  if (at + length > text.size() || byte(1) < min_second || byte(1) > max_second) {
    return 0;
  }
  for (std::size_t k = 2; k < length; ++k) {
    if ((byte(k) & 0xC0) != 0x80) {
      return 0;
    }
  }
  return length;
}

// Characters XML 1.0 (the query protocol's answers echo parameters) cannot carry.
bool IsUnsendable(std::string_view sequence) {
  if (sequence.size() == 1) {
    const auto c = static_cast<unsigned char>(sequence[0]);
    return (c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7F;
  }
  return sequence == "\xEF\xBF\xBE" || sequence == "\xEF\xBF\xBF";  // U+FFFE, U+FFFF
}

}  // namespace

std::string SnsSubject(const Alert& alert) {
  const std::string text = fmt::format("{} {}", SeverityTag(alert.severity), alert.subject);
  std::string subject;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t length = Utf8SequenceLength(text, at);
    const char c = text[at];
    if (length != 1) {
      subject += '?';
    } else if (c == '\n' || c == '\r' || c == '\t') {
      subject += ' ';
    } else {
      subject += c >= 0x20 && c < 0x7F ? c : '?';
    }
    at += length == 0 ? 1 : length;
  }
  subject = std::string(TrimWhitespace(subject));
  if (subject.size() > kMaxSubjectChars) {
    subject.resize(kMaxSubjectChars - kEllipsis.size());
    subject += kEllipsis;
  }
  return subject;
}

std::string SnsMessage(const Alert& alert) {
  std::string text = fmt::format("{} {}", SeverityTag(alert.severity), alert.subject);
  if (!alert.message.empty()) {
    text += "\n\n";
    text += alert.message;
  }
  std::string message;
  message.reserve(std::min(text.size(), kMaxMessageBytes));
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t length = Utf8SequenceLength(text, at);
    const std::string_view sequence =
        length == 0 ? std::string_view("?") : std::string_view(text).substr(at, length);
    const std::string_view kept = IsUnsendable(sequence) ? "?" : sequence;
    if (message.size() + kept.size() > kMaxMessageBytes - kTruncatedNote.size()) {
      message += kTruncatedNote;
      break;
    }
    message += kept;
    at += length == 0 ? 1 : length;
  }
  return message;
}

SnsAlerter::SnsAlerter(http::HttpClient& http, aws::AwsConfig config, const Clock& clock,
                       std::string topic_arn, DeliveryOptions options)
    : client_(http, std::move(config), aws::SnsService(), clock, {.max_attempts = 1}),
      sns_(client_),
      topic_arn_(std::move(topic_arn)),
      delivery_(
          "SNS topic " + topic_arn_,
          [this](const Alert& alert, std::chrono::milliseconds timeout) {
            return Publish(alert, timeout);
          },
          options) {}

SnsAlerter::~SnsAlerter() { Stop(); }

void SnsAlerter::Send(const Alert& alert) { delivery_.Push(alert); }

DeliveryAttempt SnsAlerter::Publish(const Alert& alert, std::chrono::milliseconds timeout) {
  const Result<std::string> published =
      sns_.Publish(topic_arn_, SnsSubject(alert), SnsMessage(alert), timeout);
  if (published.ok()) {
    return {DeliveryAttempt::Outcome::kDelivered, {}};
  }
  return {published.error().transient() ? DeliveryAttempt::Outcome::kRetryable
                                        : DeliveryAttempt::Outcome::kRejected,
          published.error().ToString()};
}

}  // namespace orch::alert
