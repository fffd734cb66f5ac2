#include "orch/aws/sigv4_signer.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <utility>
#include <vector>

#include "orch/common/strings.h"
#include "orch/common/url.h"

namespace orch::aws {
namespace {

using Digest = std::array<unsigned char, SHA256_DIGEST_LENGTH>;

std::string ToHex(const unsigned char* bytes, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(size * 2, '0');
  for (std::size_t i = 0; i < size; ++i) {
    hex[2 * i] = kDigits[bytes[i] >> 4];
    hex[2 * i + 1] = kDigits[bytes[i] & 0xf];
  }
  return hex;
}

Digest HmacSha256(std::string_view key, std::string_view data) {
  Digest digest{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data(), &length);
  return digest;
}

std::string_view AsView(const Digest& digest) {
  return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

// Headers that proxies and HTTP libraries may add, drop or rewrite; the SDKs never sign them.
bool IsUnsignable(std::string_view lower_name) {
  static constexpr std::array<std::string_view, 14> kUnsignable = {
      "authorization", "cache-control",     "connection", "expect",    "from",
      "keep-alive",    "max-forwards",      "pragma",     "referer",   "te",
      "trailer",       "transfer-encoding", "upgrade",    "user-agent"};
  return std::ranges::find(kUnsignable, lower_name) != kUnsignable.end() ||
         lower_name == "x-amzn-trace-id";
}

// Trims and collapses runs of whitespace into one space, as SigV4 canonical headers want.
std::string CanonicalHeaderValue(std::string_view value) {
  value = TrimWhitespace(value);
  std::string collapsed;
  bool in_space = false;
  for (const char c : value) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      in_space = true;
      continue;
    }
    if (in_space) {
      collapsed += ' ';
      in_space = false;
    }
    collapsed += c;
  }
  return collapsed;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes a query component; '+' stays '+' (AWS query strings are not form-encoded).
std::string PercentDecode(std::string_view text) {
  std::string decoded;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
        HexValue(text[i + 2]) >= 0) {
      decoded += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      decoded += text[i];
    }
  }
  return decoded;
}

std::string CanonicalQuery(std::string_view raw_query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  if (!raw_query.empty()) {
    for (const std::string_view piece : SplitString(raw_query, '&')) {
      if (piece.empty()) {
        continue;
      }
      const std::size_t equals = piece.find('=');
      std::string key = UriEncode(PercentDecode(piece.substr(0, equals)));
      std::string value = equals == std::string_view::npos
                              ? ""
                              : UriEncode(PercentDecode(piece.substr(equals + 1)));
      if (ToLower(key) == "x-amz-signature") {
        continue;
      }
      pairs.emplace_back(std::move(key), std::move(value));
    }
  }
  std::ranges::sort(pairs);
  std::string canonical;
  for (const auto& [key, value] : pairs) {
    if (!canonical.empty()) {
      canonical += '&';
    }
    canonical += key + "=" + value;
  }
  return canonical;
}

// The path as SigV4 wants it: S3 signs the wire path as it is; every other service signs the
// path with '.' and '..' segments resolved and empty ones dropped, encoded once more.
std::string CanonicalPath(std::string_view path, std::string_view service) {
  if (path.empty()) {
    return "/";
  }
  if (service == "s3") {
    return std::string(path);
  }
  std::vector<std::string_view> segments;
  for (const std::string_view segment : SplitString(path, '/')) {
    if (segment.empty() || segment == ".") {
      continue;
    }
    if (segment == "..") {
      if (!segments.empty()) {
        segments.pop_back();
      }
      continue;
    }
    segments.push_back(segment);
  }
  std::string canonical = path.starts_with('/') ? "/" : "";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) {
      canonical += '/';
    }
    canonical += UriEncode(segments[i]);
  }
  if (!segments.empty() && path.ends_with('/')) {
    canonical += '/';
  }
  return canonical;
}

struct UrlParts {
  std::string host;  // with ":port" when the URL names one
  std::string path;  // raw, as on the wire
  std::string query;
};

Result<UrlParts> SplitUrl(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return Error::InvalidArgument("cannot sign a request to '{}': not an absolute URL",
                                  http::RedactUrlForMessage(url));
  }
  std::string_view rest = url.substr(scheme_end + 3);
  const std::size_t authority_end = rest.find_first_of("/?");
  UrlParts parts;
  std::string_view authority = rest.substr(0, authority_end);
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  if (authority.empty()) {
    return Error::InvalidArgument("cannot sign a request to '{}': no host",
                                  http::RedactUrlForMessage(url));
  }
  parts.host = ToLower(authority);
  // The SDKs leave default ports out of the host header.
  const std::string_view scheme = url.substr(0, scheme_end);
  if ((scheme == "http" && parts.host.ends_with(":80")) ||
      (scheme == "https" && parts.host.ends_with(":443"))) {
    parts.host.resize(parts.host.rfind(':'));
  }
  if (authority_end == std::string_view::npos) {
    parts.path = "/";
    return parts;
  }
  rest.remove_prefix(authority_end);
  const std::size_t question = rest.find('?');
  parts.path = std::string(rest.substr(0, question));
  if (parts.path.empty()) {
    parts.path = "/";
  }
  if (question != std::string_view::npos) {
    parts.query = std::string(rest.substr(question + 1));
  }
  return parts;
}

struct CanonicalForm {
  std::string request;
  std::string signed_headers;
};

Result<CanonicalForm> BuildCanonical(const http::HttpRequest& request, std::string_view service) {
  ORCH_ASSIGN_OR_RETURN(const UrlParts parts, SplitUrl(request.url));
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload_hash;
  for (const auto& [name, value] : request.headers) {
    std::string lower = ToLower(name);
    if (IsUnsignable(lower)) {
      continue;
    }
    if (lower == "x-amz-content-sha256") {
      payload_hash = value;
    }
    const auto same =
        std::ranges::find(headers, lower, &std::pair<std::string, std::string>::first);
    if (same != headers.end()) {
      same->second += "," + CanonicalHeaderValue(value);
    } else {
      headers.emplace_back(std::move(lower), CanonicalHeaderValue(value));
    }
  }
  std::ranges::sort(headers);
  CanonicalForm form;
  std::string canonical_headers;
  for (const auto& [name, value] : headers) {
    canonical_headers += name + ":" + value + "\n";
    if (!form.signed_headers.empty()) {
      form.signed_headers += ';';
    }
    form.signed_headers += name;
  }
  if (payload_hash.empty()) {
    payload_hash = HexSha256(request.body);
  }
  form.request = fmt::format("{}\n{}\n{}\n{}\n{}\n{}", request.method,
                             CanonicalPath(parts.path, service), CanonicalQuery(parts.query),
                             canonical_headers, form.signed_headers, payload_hash);
  return form;
}

void SetHeader(http::HttpHeaders& headers, std::string_view name, std::string value) {
  std::erase_if(headers, [&](const auto& header) { return ToLower(header.first) == name; });
  headers.emplace_back(std::string(name), std::move(value));
}

}  // namespace

std::string UriEncode(std::string_view text) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
        (byte >= '0' && byte <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
      encoded += c;
    } else {
      encoded += '%';
      encoded += kDigits[byte >> 4];
      encoded += kDigits[byte & 0xf];
    }
  }
  return encoded;
}

std::string HexSha256(std::string_view bytes) {
  Digest digest{};
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest.data());
  return ToHex(digest.data(), digest.size());
}

Result<std::string> CanonicalRequest(const http::HttpRequest& request, std::string_view service) {
  ORCH_ASSIGN_OR_RETURN(CanonicalForm form, BuildCanonical(request, service));
  return std::move(form.request);
}

Result<void> SignRequest(http::HttpRequest& request, const AwsCredentials& credentials,
                         const SigningScope& scope, TimePoint now) {
  ORCH_ASSIGN_OR_RETURN(const UrlParts parts, SplitUrl(request.url));
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  const std::string amz_date = fmt::format("{:%Y%m%dT%H%M%SZ}", utc);
  const std::string date = amz_date.substr(0, 8);

  SetHeader(request.headers, "host", parts.host);
  SetHeader(request.headers, "x-amz-date", amz_date);
  if (scope.service == "s3") {
    SetHeader(request.headers, "x-amz-content-sha256", HexSha256(request.body));
  }
  if (!credentials.session_token.empty()) {
    SetHeader(request.headers, "x-amz-security-token", credentials.session_token);
  }
  std::erase_if(request.headers,
                [](const auto& header) { return ToLower(header.first) == "authorization"; });

  ORCH_ASSIGN_OR_RETURN(const CanonicalForm form, BuildCanonical(request, scope.service));
  const std::string credential_scope =
      fmt::format("{}/{}/{}/aws4_request", date, scope.region, scope.service);
  const std::string string_to_sign = fmt::format("AWS4-HMAC-SHA256\n{}\n{}\n{}", amz_date,
                                                 credential_scope, HexSha256(form.request));
  const Digest date_key = HmacSha256("AWS4" + credentials.secret_access_key, date);
  const Digest region_key = HmacSha256(AsView(date_key), scope.region);
  const Digest service_key = HmacSha256(AsView(region_key), scope.service);
  const Digest signing_key = HmacSha256(AsView(service_key), "aws4_request");
  const Digest signature = HmacSha256(AsView(signing_key), string_to_sign);
  request.headers.emplace_back(
      "authorization",
      fmt::format("AWS4-HMAC-SHA256 Credential={}/{}, SignedHeaders={}, Signature={}",
                  credentials.access_key_id, credential_scope, form.signed_headers,
                  ToHex(signature.data(), signature.size())));
  return Ok();
}

}  // namespace orch::aws
