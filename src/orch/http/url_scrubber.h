#pragma once

#include <string>
#include <vector>

namespace orch::http {

/// Removes a node URL and its secret parts from text that is about to go into an error message
/// or a log line (a node's error body may echo the URL). API keys travel in the userinfo, the
/// path or the query, so each of those is masked wherever it appears, as is the whole URL in its
/// plain and redacted forms. Immutable after construction: thread-safe.
class UrlScrubber {
 public:
  explicit UrlScrubber(const std::string& url);

  /// `text` with every secret part replaced by "<node url>".
  std::string Scrub(std::string text) const;

 private:
  std::vector<std::string> secrets_;  // longest first, so that a whole URL goes before its parts
};

}  // namespace orch::http
