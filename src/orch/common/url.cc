#include "orch/common/url.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>

namespace orch {
namespace {

bool IsSchemeChar(char c, bool first) {
  if (std::isalpha(static_cast<unsigned char>(c)) != 0) {
    return true;
  }
  return !first &&
         (std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '-' || c == '.');
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> PercentDecode(std::string_view text) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      decoded += text[i];
      continue;
    }
    if (i + 2 >= text.size()) {
      return std::nullopt;
    }
    const int high = HexValue(text[i + 1]);
    const int low = HexValue(text[i + 2]);
    if (high < 0 || low < 0) {
      return std::nullopt;
    }
    decoded += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return decoded;
}

}  // namespace

std::string RedactUrl(std::string_view text) {
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) {
    return std::string(text);
  }
  const std::size_t authority_start = scheme_end + 3;
  const std::size_t authority_end = text.find_first_of("/?#", authority_start);
  const std::string_view authority = text.substr(
      authority_start, authority_end == std::string_view::npos ? std::string_view::npos
                                                               : authority_end - authority_start);
  const std::size_t at = authority.rfind('@');
  if (at == std::string_view::npos) {
    return std::string(text);
  }
  const std::size_t colon = authority.substr(0, at).find(':');
  if (colon == std::string_view::npos) {
    return std::string(text);
  }
  std::string redacted(text.substr(0, authority_start + colon + 1));
  redacted += "***";
  redacted += text.substr(authority_start + at);
  return redacted;
}

Result<Url> Url::Parse(std::string_view text) {
  Url url;
  url.text_ = std::string(text);
  url.redacted_ = RedactUrl(text);
  const auto fail = [&](std::string_view why) {
    return Error::InvalidArgument("malformed URL '{}': {}", url.redacted_, why);
  };

  for (char c : text) {
    if (std::iscntrl(static_cast<unsigned char>(c)) != 0 || c == ' ') {
      return fail("it contains spaces or control characters");
    }
  }
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return fail("it has no scheme (expected e.g. sqlite:///path/orch.db)");
  }
  for (std::size_t i = 0; i < colon; ++i) {
    if (!IsSchemeChar(text[i], i == 0)) {
      return fail("the scheme has characters other than letters, digits, '+', '-' and '.'");
    }
  }
  for (char c : text.substr(0, colon)) {
    url.scheme_ += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (text.find('#') != std::string_view::npos) {
    return fail("fragments ('#') are not allowed");
  }

  std::string_view rest = text.substr(colon + 1);
  if (const auto question = rest.find('?'); question != std::string_view::npos) {
    url.query_ = std::string(rest.substr(question + 1));
    rest = rest.substr(0, question);
  }

  if (rest.starts_with("//")) {
    url.has_authority_ = true;
    rest.remove_prefix(2);
    const std::size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
      const std::string_view userinfo = authority.substr(0, at);
      authority = authority.substr(at + 1);
      const auto user_end = userinfo.find(':');
      auto user = PercentDecode(userinfo.substr(0, user_end));
      if (!user) {
        return fail("bad percent escape in the user name");
      }
      url.user_ = *user;
      if (user_end != std::string_view::npos) {
        auto password = PercentDecode(userinfo.substr(user_end + 1));
        if (!password) {
          return fail("bad percent escape in the password");
        }
        url.password_ = *password;
      }
    }
    std::string_view host = authority;
    if (host.starts_with('[')) {
      const auto close = host.find(']');
      if (close == std::string_view::npos) {
        return fail("unterminated IPv6 address");
      }
      url.host_ = std::string(host.substr(1, close - 1));
      host = host.substr(close + 1);
      if (!host.empty() && !host.starts_with(':')) {
        return fail("unexpected text after the IPv6 address");
      }
    } else {
      const auto port_colon = host.find(':');
      url.host_ = std::string(host.substr(0, port_colon));
      host = port_colon == std::string_view::npos ? std::string_view() : host.substr(port_colon);
    }
    if (!host.empty()) {
      const std::string_view port_text = host.substr(1);
      unsigned port = 0;
      const auto [end, ec] =
          std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
      if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
          port == 0 || port > 65535) {
        return fail("the port must be a number from 1 to 65535");
      }
      url.port_ = static_cast<std::uint16_t>(port);
    }
  }
  auto path = PercentDecode(rest);
  if (!path) {
    return fail("bad percent escape in the path");
  }
  url.path_ = *path;
  return url;
}

std::string OriginOf(std::string_view text) {
  const Result<Url> url = Url::Parse(text);
  if (!url.ok()) {
    return "<unparsable URL>";
  }
  return url->port() ? fmt::format("{}://{}:{}", url->scheme(), url->host(), *url->port())
                     : fmt::format("{}://{}", url->scheme(), url->host());
}

}  // namespace orch
