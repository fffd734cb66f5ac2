#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "orch/common/result.h"

namespace orch {

/// A parsed backend URL (`scheme://[user[:password]@]host[:port]/path[?query]` or the opaque
/// form `scheme:rest`). Parsing is strict: anything unclear is rejected rather than guessed.
/// Immutable after construction; thread-safe to share.
class Url {
 public:
  /// Parses `text`. Errors (kInvalidArgument): no scheme, a bad port, a fragment, bad percent
  /// escapes, control characters. The error message shows the URL with its password redacted.
  static Result<Url> Parse(std::string_view text);

  const std::string& scheme() const { return scheme_; }  // lower case, without ':'
  bool has_authority() const { return has_authority_; }  // "//" followed the scheme
  const std::string& user() const { return user_; }
  const std::optional<std::string>& password() const { return password_; }
  const std::string& host() const { return host_; }
  std::optional<std::uint16_t> port() const { return port_; }
  const std::string& path() const { return path_; }    // percent-decoded
  const std::string& query() const { return query_; }  // raw, without '?'

  /// The original text with the password replaced by "***": safe for logs and errors.
  const std::string& redacted() const { return redacted_; }
  /// The original text, password included. Hand it only to the client library.
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::string redacted_;
  std::string scheme_;
  bool has_authority_ = false;
  std::string user_;
  std::optional<std::string> password_;
  std::string host_;
  std::optional<std::uint16_t> port_;
  std::string path_;
  std::string query_;
};

/// Returns `text` with any URL password replaced by "***", without failing on bad URLs: for
/// log lines and error messages about text that may not have parsed.
std::string RedactUrl(std::string_view text);

/// scheme://host[:port]: what identifies a service's URL without its credentials (providers
/// put API keys in the userinfo, the path or the query), for startup lines and messages.
/// "<unparsable URL>" when `text` does not parse.
std::string OriginOf(std::string_view text);

}  // namespace orch
