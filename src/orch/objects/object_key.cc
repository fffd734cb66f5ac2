#include "orch/objects/object_key.h"

#include <string>

#include "orch/common/strings.h"

namespace orch::objects {
namespace {

// Long keys are cut in messages so that one bad key cannot flood a log line.
constexpr std::size_t kShownKeyBytes = 80;

bool IsControl(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7f;
}

// The key as an error message shows it: quoted, control characters and backslashes escaped
// (a key with a newline must not break the log line), shortened if long.
std::string QuoteKey(std::string_view key) {
  std::string quoted = "'";
  for (char c : key.substr(0, kShownKeyBytes)) {
    if (c == '\\') {
      quoted += "\\\\";
    } else if (IsControl(c)) {
      quoted += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      quoted += c;
    }
  }
  quoted += '\'';
  if (key.size() > kShownKeyBytes) {
    quoted += fmt::format("... ({} bytes)", key.size());
  }
  return quoted;
}

Error InvalidKey(std::string_view kind, std::string_view key, std::string_view why) {
  return Error::InvalidArgument("invalid object {} {}: {}", kind, QuoteKey(key), why);
}

// The rules shared by keys and prefixes: length and characters.
Result<void> ValidateBytes(std::string_view kind, std::string_view text) {
  if (text.size() > kMaxObjectKeyBytes) {
    return InvalidKey(kind, text, fmt::format("longer than {} bytes", kMaxObjectKeyBytes));
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\') {
      return InvalidKey(kind, text, fmt::format("it contains a backslash at byte {} (use '/')", i));
    }
    if (IsControl(text[i])) {
      return InvalidKey(kind, text,
                        fmt::format("it contains a NUL or control character at byte {}", i));
    }
  }
  if (text.starts_with('/')) {
    return InvalidKey(kind, text, "it starts with '/' (keys are relative)");
  }
  return Ok();
}

Result<void> ValidateSegment(std::string_view kind, std::string_view text,
                             std::string_view segment) {
  if (segment.empty()) {
    return InvalidKey(kind, text, "it has an empty segment ('//' or a trailing '/')");
  }
  if (segment == "." || segment == "..") {
    return InvalidKey(kind, text, fmt::format("it has a '{}' segment", segment));
  }
  return Ok();
}

}  // namespace

Result<void> ValidateObjectKey(std::string_view key) {
  if (key.empty()) {
    return InvalidKey("key", key, "it is empty");
  }
  ORCH_RETURN_IF_ERROR(ValidateBytes("key", key));
  for (std::string_view segment : SplitString(key, '/')) {
    ORCH_RETURN_IF_ERROR(ValidateSegment("key", key, segment));
  }
  return Ok();
}

Result<void> ValidateObjectKeyPrefix(std::string_view prefix) {
  ORCH_RETURN_IF_ERROR(ValidateBytes("key prefix", prefix));
  const std::size_t last_slash = prefix.rfind('/');
  if (last_slash == std::string_view::npos) {
    return Ok();
  }
  for (std::string_view segment : SplitString(prefix.substr(0, last_slash), '/')) {
    ORCH_RETURN_IF_ERROR(ValidateSegment("key prefix", prefix, segment));
  }
  return Ok();
}

}  // namespace orch::objects
