#include "orch/http/url_scrubber.h"

#include <algorithm>
#include <string_view>

#include "orch/common/url.h"
#include "orch/http/http_client.h"

namespace orch::http {

UrlScrubber::UrlScrubber(const std::string& url)
    : secrets_{url, RedactUrlForMessage(url), RedactUrl(url)} {
  if (const Result<Url> parsed = Url::Parse(url); parsed.ok()) {
    if (parsed->password().has_value()) {
      secrets_.push_back(*parsed->password());
    }
    if (parsed->path().size() > 1) {
      secrets_.push_back(parsed->path());
    }
    secrets_.push_back(parsed->query());
  }
  // Shorter strings would mask ordinary text ("/", one letter).
  std::erase_if(secrets_, [](const std::string& secret) { return secret.size() < 2; });
  std::ranges::sort(secrets_,
                    [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string UrlScrubber::Scrub(std::string text) const {
  constexpr std::string_view kMask = "<node url>";
  for (const std::string& secret : secrets_) {
    for (auto at = text.find(secret); at != std::string::npos;
         at = text.find(secret, at + kMask.size())) {
      text.replace(at, secret.size(), kMask);
    }
  }
  return text;
}

}  // namespace orch::http
