#include "orch/objects/s3/s3_object_store.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <mutex>
#include <optional>
#include <pugixml.hpp>
#include <thread>
#include <utility>

#include "orch/aws/sigv4_signer.h"
#include "orch/common/strings.h"
#include "orch/objects/object_key.h"

namespace orch::objects {
namespace {

constexpr std::string_view kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";
constexpr std::size_t kMinPartSize = std::size_t{5} << 20;
constexpr std::size_t kMaxSingleUpload = std::size_t{5} << 30;
constexpr std::size_t kMaxParts = 10'000;
constexpr int kMaxListPageSize = 1000;
constexpr std::size_t kMinBucketName = 3;
constexpr std::size_t kMaxBucketName = 63;
constexpr std::size_t kShownBodyBytes = 200;
constexpr std::string_view kArnPrefix = "arn:aws:s3:::";

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// "1.2.3.4": S3 refuses bucket names formatted as IP addresses.
bool LooksLikeIpv4(std::string_view text) {
  const std::vector<std::string_view> parts = SplitString(text, '.');
  return parts.size() == 4 && std::ranges::all_of(parts, [](std::string_view part) {
           return !part.empty() &&
                  std::ranges::all_of(part, [](char c) { return c >= '0' && c <= '9'; });
         });
}

Result<void> ValidateBucketName(std::string_view name) {
  const auto invalid = [&](std::string_view why) {
    return Error::InvalidArgument("invalid S3 bucket name '{}': {}", name, why);
  };
  if (name.size() < kMinBucketName || name.size() > kMaxBucketName) {
    return invalid("it must have 3 to 63 characters");
  }
  if (!std::ranges::all_of(name, [](char c) { return IsLowerAlnum(c) || c == '.' || c == '-'; })) {
    return invalid("only lower-case letters, digits, '.' and '-' are allowed");
  }
  if (!IsLowerAlnum(name.front()) || !IsLowerAlnum(name.back())) {
    return invalid("it must start and end with a letter or digit");
  }
  if (name.find("..") != std::string_view::npos) {
    return invalid("it must not contain '..'");
  }
  if (LooksLikeIpv4(name)) {
    return invalid("it must not be formatted as an IP address");
  }
  return Ok();
}

// Each '/'-separated segment percent-encoded, the separators kept: S3 keys go into the path as
// they are, and SigV4 signs that path unchanged for S3.
std::string EncodeKey(std::string_view key) {
  std::string encoded;
  encoded.reserve(key.size() + key.size() / 4);
  bool first = true;
  for (const std::string_view segment : SplitString(key, '/')) {
    if (!first) {
      encoded += '/';
    }
    first = false;
    encoded += aws::UriEncode(segment);
  }
  return encoded;
}

std::string Shorten(std::string_view text) {
  std::string shortened(text.substr(0, std::min(text.size(), kShownBodyBytes)));
  std::ranges::replace(shortened, '\n', ' ');
  return shortened;
}

Error MalformedAnswer(std::string_view what, std::string_view operation, std::string_view why,
                      std::string_view body) {
  return Error::DataLoss("{}: S3 {}: malformed answer: {}: '{}'", what, operation, why,
                         Shorten(body));
}

// Parses an XML answer whose root element must be `root`.
Result<pugi::xml_document> ParseAnswer(std::string_view body, std::string_view root,
                                       std::string_view what, std::string_view operation) {
  pugi::xml_document document;
  const pugi::xml_parse_result parsed = document.load_buffer(body.data(), body.size());
  if (!parsed) {
    return MalformedAnswer(what, operation, fmt::format("not XML ({})", parsed.description()),
                           body);
  }
  const std::string_view name = document.document_element().name();
  if (name != root) {
    return MalformedAnswer(what, operation,
                           fmt::format("expected <{}>, got <{}>", root, name.empty() ? "" : name),
                           body);
  }
  return document;
}

// The name of the root element of `body`, empty if it is not XML.
std::string RootElementName(std::string_view body) {
  pugi::xml_document document;
  if (!document.load_buffer(body.data(), body.size())) {
    return {};
  }
  return document.document_element().name();
}

struct StringWriter final : pugi::xml_writer {
  std::string text;
  void write(const void* data, std::size_t size) override {
    text.append(static_cast<const char*>(data), size);
  }
};

std::string ToXml(const pugi::xml_document& document) {
  StringWriter writer;
  document.save(writer, "", pugi::format_raw | pugi::format_no_declaration);
  return std::move(writer.text);
}

void AppendText(pugi::xml_node parent, const char* name, std::string_view text) {
  parent.append_child(name).text().set(std::string(text).c_str());
}

// Base64 of the MD5 of `body`: the Content-MD5 header S3 wants on configuration writes.
std::string ContentMd5(std::string_view body) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(body.data(), body.size(), digest.data(), &length, EVP_md5(), nullptr);
  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> encoded{};
  const int written = EVP_EncodeBlock(encoded.data(), digest.data(), static_cast<int>(length));
  return {reinterpret_cast<const char*>(encoded.data()), static_cast<std::size_t>(written)};
}

http::HttpRequest MakeRequest(std::string method, std::string url,
                              std::chrono::milliseconds timeout) {
  http::HttpRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  request.timeout = timeout;
  return request;
}

http::HttpRequest WithXmlBody(http::HttpRequest request, std::string xml) {
  request.headers.emplace_back("content-md5", ContentMd5(xml));
  request.headers.emplace_back("content-type", "application/xml");
  request.body = std::move(xml);
  return request;
}

std::optional<std::uint64_t> ParseUnsigned(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

// "scheme://authority" and the rest of an endpoint URL, for virtual-host addressing.
Result<std::string> VirtualHostBucketUrl(std::string_view endpoint, std::string_view bucket) {
  const std::size_t scheme_end = endpoint.find("://");
  const auto unusable = [&](std::string_view why) {
    return Error::InvalidArgument(
        "S3 endpoint '{}' cannot take virtual-host addressing ({}): use path-style addressing",
        RedactUrl(endpoint), why);
  };
  if (scheme_end == std::string_view::npos) {
    return unusable("not an absolute URL");
  }
  const std::string_view rest = endpoint.substr(scheme_end + 3);
  const std::string_view authority = rest.substr(0, rest.find('/'));
  const std::string_view host = authority.substr(0, authority.rfind(':'));
  if (authority.empty() || authority.find('@') != std::string_view::npos) {
    return unusable("no plain host");
  }
  if (host.starts_with('[') || LooksLikeIpv4(host)) {
    return unusable("its host is an IP address");
  }
  return fmt::format("{}://{}.{}", endpoint.substr(0, scheme_end), bucket, rest);
}

}  // namespace

Result<std::string> ParseS3BucketName(std::string_view identifier) {
  std::string_view name = identifier;
  if (name.starts_with(kArnPrefix)) {
    name.remove_prefix(kArnPrefix.size());
  } else if (name.starts_with("arn:")) {
    return Error::InvalidArgument("'{}' is not an S3 bucket ARN (arn:aws:s3:::<bucket>)",
                                  identifier);
  }
  ORCH_RETURN_IF_ERROR(ValidateBucketName(name));
  return std::string(name);
}

Result<S3Location> ParseS3Url(std::string_view url) {
  constexpr std::string_view kScheme = "s3://";
  if (!url.starts_with(kScheme)) {
    return Error::InvalidArgument("'{}' is not an s3://<bucket>/<prefix> URL", RedactUrl(url));
  }
  std::string_view rest = url.substr(kScheme.size());
  if (rest.find_first_of("?#%@") != std::string_view::npos) {
    return Error::InvalidArgument(
        "S3 URL '{}': write the bucket and key prefix plainly, without '?', '#', '%' or '@'",
        RedactUrl(url));
  }
  const std::size_t slash = rest.find('/');
  S3Location location;
  ORCH_ASSIGN_OR_RETURN(location.bucket, ParseS3BucketName(rest.substr(0, slash)));
  if (slash != std::string_view::npos) {
    std::string_view prefix = rest.substr(slash + 1);
    while (prefix.ends_with('/')) {
      prefix.remove_suffix(1);
    }
    if (!prefix.empty()) {
      const Result<void> valid = ValidateObjectKey(prefix);
      if (!valid.ok()) {
        return valid.error().WithContext(fmt::format("S3 URL '{}': key prefix", url));
      }
    }
    location.key_prefix = std::string(prefix);
  }
  return location;
}

Result<std::unique_ptr<S3ObjectStore>> S3ObjectStore::Create(const aws::AwsClient& client,
                                                             S3ObjectStoreOptions options) {
  ORCH_RETURN_IF_ERROR(ValidateBucketName(options.location.bucket));
  if (!options.location.key_prefix.empty()) {
    const Result<void> valid = ValidateObjectKey(options.location.key_prefix);
    if (!valid.ok()) {
      return valid.error().WithContext("S3 key prefix");
    }
  }
  if (options.part_size < kMinPartSize || options.part_size > kMaxSingleUpload) {
    return Error::InvalidArgument("S3 part size {} is outside S3's limits (5 MiB to 5 GiB)",
                                  options.part_size);
  }
  if (options.multipart_threshold == 0 || options.multipart_threshold > kMaxSingleUpload) {
    return Error::InvalidArgument(
        "S3 multipart threshold {} must be positive and at most 5 GiB (S3's single-upload limit)",
        options.multipart_threshold);
  }
  if (options.max_parallel_parts < 1 || options.list_page_size < 1 ||
      options.list_page_size > kMaxListPageSize) {
    return Error::InvalidArgument(
        "S3 options: parallel parts must be at least 1 (got {}) and the list page size 1 to "
        "1000 (got {})",
        options.max_parallel_parts, options.list_page_size);
  }
  if (options.request_timeout.count() <= 0 || options.get_timeout.count() <= 0 ||
      options.min_transfer_bytes_per_second == 0) {
    return Error::InvalidArgument("S3 options: timeouts and the transfer rate must be positive");
  }
  std::string bucket_url;
  if (options.addressing == S3Addressing::kVirtualHost) {
    ORCH_ASSIGN_OR_RETURN(bucket_url,
                          VirtualHostBucketUrl(client.endpoint(), options.location.bucket));
  } else {
    bucket_url = client.endpoint() + "/" + options.location.bucket;
  }
  return std::unique_ptr<S3ObjectStore>(
      new S3ObjectStore(client, std::move(options), std::move(bucket_url)));
}

S3ObjectStore::S3ObjectStore(const aws::AwsClient& client, S3ObjectStoreOptions options,
                             std::string bucket_url)
    : client_(client), options_(std::move(options)), bucket_url_(std::move(bucket_url)) {}

Result<std::string> S3ObjectStore::S3KeyFor(std::string_view key) const {
  ORCH_RETURN_IF_ERROR(ValidateObjectKey(key));
  const std::string& prefix = options_.location.key_prefix;
  std::string s3_key = prefix.empty() ? std::string(key) : fmt::format("{}/{}", prefix, key);
  if (s3_key.size() > kMaxObjectKeyBytes) {
    return Error::InvalidArgument(
        "object key '{}' is too long: {} bytes with the prefix, over S3's {}", Describe(s3_key),
        s3_key.size(), kMaxObjectKeyBytes);
  }
  return s3_key;
}

std::string S3ObjectStore::Describe(std::string_view s3_key) const {
  return fmt::format("s3://{}/{}", options_.location.bucket, s3_key);
}

std::string S3ObjectStore::ObjectUrl(std::string_view s3_key, std::string_view query) const {
  std::string url = bucket_url_ + "/" + EncodeKey(s3_key);
  if (!query.empty()) {
    url += '?';
    url += query;
  }
  return url;
}

std::string S3ObjectStore::BucketUrl(std::string_view query) const {
  // Virtual-host requests need a path, and "/" is the bucket's; path-style ones end at the name.
  std::string url = bucket_url_;
  if (options_.addressing == S3Addressing::kVirtualHost) {
    url += '/';
  }
  if (!query.empty()) {
    url += '?';
    url += query;
  }
  return url;
}

std::chrono::milliseconds S3ObjectStore::UploadTimeout(std::size_t bytes) const {
  return options_.request_timeout +
         std::chrono::milliseconds(bytes / options_.min_transfer_bytes_per_second * 1000);
}

Result<http::HttpResponse> S3ObjectStore::Send(std::string_view operation,
                                               http::HttpRequest request,
                                               std::string_view what) const {
  Result<http::HttpResponse> response = client_.Send(operation, std::move(request));
  if (!response.ok()) {
    return response.error().WithContext(what);
  }
  return response;
}

Result<void> S3ObjectStore::Put(std::string_view key, std::string_view bytes) {
  ORCH_ASSIGN_OR_RETURN(const std::string s3_key, S3KeyFor(key));
  if (bytes.size() >= options_.multipart_threshold) {
    return PutMultipart(s3_key, bytes);
  }
  return PutSingle(s3_key, bytes);
}

Result<void> S3ObjectStore::PutSingle(const std::string& s3_key, std::string_view bytes) {
  http::HttpRequest request = MakeRequest("PUT", ObjectUrl(s3_key), UploadTimeout(bytes.size()));
  // Some S3-compatible servers treat a body without a type as a form and refuse it.
  request.headers.emplace_back("content-type", "application/octet-stream");
  request.body = std::string(bytes);
  ORCH_RETURN_IF_ERROR(Send("PutObject", std::move(request), Describe(s3_key)));
  return Ok();
}

Result<std::string> S3ObjectStore::UploadPart(const std::string& s3_key,
                                              const std::string& upload_id, int part_number,
                                              std::string_view bytes) {
  http::HttpRequest request = MakeRequest(
      "PUT",
      ObjectUrl(s3_key,
                fmt::format("partNumber={}&uploadId={}", part_number, aws::UriEncode(upload_id))),
      UploadTimeout(bytes.size()));
  request.headers.emplace_back("content-type", "application/octet-stream");
  request.body = std::string(bytes);
  const std::string what = fmt::format("{} part {}", Describe(s3_key), part_number);
  ORCH_ASSIGN_OR_RETURN(const http::HttpResponse response,
                        Send("UploadPart", std::move(request), what));
  const std::optional<std::string_view> etag = http::FindHeader(response.headers, "etag");
  if (!etag || etag->empty()) {
    return MalformedAnswer(what, "UploadPart", "no ETag header", response.body);
  }
  return std::string(*etag);
}

Result<void> S3ObjectStore::PutMultipart(const std::string& s3_key, std::string_view bytes) {
  const std::string what = Describe(s3_key);
  http::HttpRequest create =
      MakeRequest("POST", ObjectUrl(s3_key, "uploads"), options_.request_timeout);
  create.headers.emplace_back("content-type", "application/octet-stream");
  ORCH_ASSIGN_OR_RETURN(const http::HttpResponse created,
                        Send("CreateMultipartUpload", std::move(create), what));
  ORCH_ASSIGN_OR_RETURN(
      const pugi::xml_document initiated,
      ParseAnswer(created.body, "InitiateMultipartUploadResult", what, "CreateMultipartUpload"));
  const std::string upload_id = initiated.document_element().child("UploadId").text().as_string();
  if (upload_id.empty()) {
    return MalformedAnswer(what, "CreateMultipartUpload", "no UploadId", created.body);
  }
  const std::string upload_query = "uploadId=" + aws::UriEncode(upload_id);

  const std::size_t part_size =
      std::max(options_.part_size, (bytes.size() + kMaxParts - 1) / kMaxParts);
  const std::size_t part_count = (bytes.size() + part_size - 1) / part_size;
  std::vector<std::string> etags(part_count);
  std::atomic<std::size_t> next_part = 0;
  std::atomic<bool> failed = false;
  std::mutex error_mutex;
  std::optional<Error> first_error;  // guarded by error_mutex
  const auto upload_parts = [&] {
    for (std::size_t index = next_part++; index < part_count && !failed; index = next_part++) {
      Result<std::string> etag = UploadPart(s3_key, upload_id, static_cast<int>(index + 1),
                                            bytes.substr(index * part_size, part_size));
      if (etag.ok()) {
        etags[index] = std::move(etag).value();
        continue;
      }
      std::lock_guard lock(error_mutex);
      if (!first_error) {
        first_error = std::move(etag).error();
      }
      failed = true;
    }
  };
  const std::size_t workers =
      std::min(part_count, static_cast<std::size_t>(options_.max_parallel_parts));
  {
    std::vector<std::jthread> threads;
    for (std::size_t i = 1; i < workers; ++i) {
      threads.emplace_back(upload_parts);
    }
    upload_parts();
  }

  Result<void> outcome = Ok();
  if (first_error) {
    outcome = std::move(*first_error);
  } else {
    pugi::xml_document complete;
    pugi::xml_node root = complete.append_child("CompleteMultipartUpload");
    root.append_attribute("xmlns").set_value(std::string(kS3Namespace).c_str());
    for (std::size_t i = 0; i < part_count; ++i) {
      pugi::xml_node part = root.append_child("Part");
      AppendText(part, "PartNumber", std::to_string(i + 1));
      AppendText(part, "ETag", etags[i]);
    }
    http::HttpRequest request =
        MakeRequest("POST", ObjectUrl(s3_key, upload_query), UploadTimeout(bytes.size()));
    request.headers.emplace_back("content-type", "application/xml");
    request.body = ToXml(complete);
    Result<http::HttpResponse> completed =
        Send("CompleteMultipartUpload", std::move(request), what);
    if (!completed.ok()) {
      outcome = std::move(completed).error();
    } else if (RootElementName(completed->body) == "Error") {
      // S3 can fail a completion after answering 200 (the answer is streamed while the parts
      // are assembled): it documents these as server-side errors to retry, hence status 500.
      http::HttpResponse failure = *completed;
      failure.status = 500;
      outcome =
          aws::AwsErrorFromResponse("S3", "CompleteMultipartUpload", failure).WithContext(what);
    } else {
      Result<pugi::xml_document> parsed = ParseAnswer(
          completed->body, "CompleteMultipartUploadResult", what, "CompleteMultipartUpload");
      if (!parsed.ok()) {
        outcome = std::move(parsed).error();
      }
    }
  }
  if (outcome.ok()) {
    return outcome;
  }
  // Parts of an unfinished upload are kept (and billed) until aborted. A failed abort leaves
  // them to the bucket's lifecycle rules; the upload's own error is what the caller needs.
  const Result<http::HttpResponse> aborted =
      Send("AbortMultipartUpload",
           MakeRequest("DELETE", ObjectUrl(s3_key, upload_query), options_.request_timeout), what);
  if (!aborted.ok()) {
    return Error(outcome.error().code(),
                 fmt::format("{}; aborting the upload failed too: {}", outcome.error().message(),
                             aborted.error().message()),
                 outcome.error().transient());
  }
  return outcome;
}

Result<std::string> S3ObjectStore::Get(std::string_view key) {
  ORCH_ASSIGN_OR_RETURN(const std::string s3_key, S3KeyFor(key));
  ORCH_ASSIGN_OR_RETURN(
      http::HttpResponse response,
      Send("GetObject", MakeRequest("GET", ObjectUrl(s3_key), options_.get_timeout),
           Describe(s3_key)));
  return std::move(response.body);
}

Result<std::string> S3ObjectStore::GetRange(std::string_view key, std::uint64_t offset,
                                            std::uint64_t length) {
  ORCH_ASSIGN_OR_RETURN(const std::string s3_key, S3KeyFor(key));
  if (length == 0) {
    return Error::InvalidArgument("{}: a ranged read needs a positive length", Describe(s3_key));
  }
  const std::uint64_t last = length - 1 > UINT64_MAX - offset ? UINT64_MAX : offset + (length - 1);
  http::HttpRequest request = MakeRequest("GET", ObjectUrl(s3_key), options_.get_timeout);
  request.headers.emplace_back("range", fmt::format("bytes={}-{}", offset, last));
  ORCH_ASSIGN_OR_RETURN(http::HttpResponse response,
                        Send("GetObject", std::move(request), Describe(s3_key)));
  if (response.status == 206) {
    return std::move(response.body);
  }
  // A server that ignores Range sends the whole object (200).
  if (offset >= response.body.size()) {
    return Error::InvalidArgument("{}: range starts at byte {}, past the object's {} bytes",
                                  Describe(s3_key), offset, response.body.size());
  }
  return response.body.substr(
      static_cast<std::size_t>(offset),
      static_cast<std::size_t>(std::min<std::uint64_t>(length, response.body.size() - offset)));
}

Result<S3ObjectInfo> S3ObjectStore::Head(std::string_view key) {
  ORCH_ASSIGN_OR_RETURN(const std::string s3_key, S3KeyFor(key));
  const std::string what = Describe(s3_key);
  ORCH_ASSIGN_OR_RETURN(
      const http::HttpResponse response,
      Send("HeadObject", MakeRequest("HEAD", ObjectUrl(s3_key), options_.request_timeout), what));
  const std::optional<std::string_view> length =
      http::FindHeader(response.headers, "content-length");
  const std::optional<std::uint64_t> size = length ? ParseUnsigned(*length) : std::nullopt;
  if (!size) {
    return MalformedAnswer(what, "HeadObject", "no valid Content-Length header",
                           length.value_or(""));
  }
  S3ObjectInfo info;
  info.size = *size;
  info.etag = std::string(http::FindHeader(response.headers, "etag").value_or(""));
  return info;
}

Result<bool> S3ObjectStore::Exists(std::string_view key) {
  ORCH_ASSIGN_OR_RETURN(const std::string s3_key, S3KeyFor(key));
  const Result<http::HttpResponse> response =
      Send("HeadObject", MakeRequest("HEAD", ObjectUrl(s3_key), options_.request_timeout),
           Describe(s3_key));
  if (response.ok()) {
    return true;
  }
  if (response.error().code() == ErrorCode::kNotFound) {
    return false;
  }
  return response.error();
}

Result<void> S3ObjectStore::Delete(std::string_view key) {
  ORCH_ASSIGN_OR_RETURN(const std::string s3_key, S3KeyFor(key));
  const Result<http::HttpResponse> response =
      Send("DeleteObject", MakeRequest("DELETE", ObjectUrl(s3_key), options_.request_timeout),
           Describe(s3_key));
  if (!response.ok() && response.error().code() != ErrorCode::kNotFound) {
    return response.error();
  }
  return Ok();
}

Result<std::vector<std::string>> S3ObjectStore::List(std::string_view prefix) {
  ORCH_RETURN_IF_ERROR(ValidateObjectKeyPrefix(prefix));
  const std::string& store_prefix = options_.location.key_prefix;
  const std::string s3_prefix =
      store_prefix.empty() ? std::string(prefix) : fmt::format("{}/{}", store_prefix, prefix);
  const std::size_t strip = store_prefix.empty() ? 0 : store_prefix.size() + 1;
  const std::string what = Describe(s3_prefix) + "*";
  std::vector<std::string> keys;
  std::string token;
  do {
    std::string query = fmt::format("list-type=2&max-keys={}&prefix={}", options_.list_page_size,
                                    aws::UriEncode(s3_prefix));
    if (!token.empty()) {
      query += "&continuation-token=" + aws::UriEncode(token);
    }
    ORCH_ASSIGN_OR_RETURN(
        const http::HttpResponse response,
        Send("ListObjectsV2", MakeRequest("GET", BucketUrl(query), options_.request_timeout),
             what));
    ORCH_ASSIGN_OR_RETURN(const pugi::xml_document document,
                          ParseAnswer(response.body, "ListBucketResult", what, "ListObjectsV2"));
    const pugi::xml_node result = document.document_element();
    for (const pugi::xml_node contents : result.children("Contents")) {
      const std::string_view s3_key = contents.child("Key").text().get();
      // S3 only lists keys with the prefix; anything else would be a server bug, not ours.
      if (s3_key.starts_with(s3_prefix)) {
        keys.emplace_back(s3_key.substr(strip));
      }
    }
    const bool truncated = std::string_view(result.child("IsTruncated").text().get()) == "true";
    std::string next = result.child("NextContinuationToken").text().get();
    if (truncated && (next.empty() || next == token)) {
      return MalformedAnswer(what, "ListObjectsV2", "truncated without a new NextContinuationToken",
                             response.body);
    }
    token = truncated ? std::move(next) : std::string();
  } while (!token.empty());
  std::ranges::sort(keys);
  return keys;
}

Result<void> S3ObjectStore::PutTags(std::string_view key, const S3Tags& tags) {
  ORCH_ASSIGN_OR_RETURN(const std::string s3_key, S3KeyFor(key));
  pugi::xml_document document;
  pugi::xml_node root = document.append_child("Tagging");
  root.append_attribute("xmlns").set_value(std::string(kS3Namespace).c_str());
  pugi::xml_node tag_set = root.append_child("TagSet");
  for (const auto& [tag_key, tag_value] : tags) {
    pugi::xml_node tag = tag_set.append_child("Tag");
    AppendText(tag, "Key", tag_key);
    AppendText(tag, "Value", tag_value);
  }
  ORCH_RETURN_IF_ERROR(
      Send("PutObjectTagging",
           WithXmlBody(MakeRequest("PUT", ObjectUrl(s3_key, "tagging"), options_.request_timeout),
                       ToXml(document)),
           Describe(s3_key)));
  return Ok();
}

Result<S3Tags> S3ObjectStore::GetTags(std::string_view key) {
  ORCH_ASSIGN_OR_RETURN(const std::string s3_key, S3KeyFor(key));
  const std::string what = Describe(s3_key);
  ORCH_ASSIGN_OR_RETURN(
      const http::HttpResponse response,
      Send("GetObjectTagging",
           MakeRequest("GET", ObjectUrl(s3_key, "tagging"), options_.request_timeout), what));
  ORCH_ASSIGN_OR_RETURN(const pugi::xml_document document,
                        ParseAnswer(response.body, "Tagging", what, "GetObjectTagging"));
  S3Tags tags;
  for (const pugi::xml_node tag : document.document_element().child("TagSet").children("Tag")) {
    tags.emplace(tag.child("Key").text().get(), tag.child("Value").text().get());
  }
  return tags;
}

Result<void> S3ObjectStore::HeadBucket() {
  ORCH_RETURN_IF_ERROR(Send("HeadBucket",
                            MakeRequest("HEAD", BucketUrl(), options_.request_timeout),
                            fmt::format("s3://{}", options_.location.bucket)));
  return Ok();
}

Result<void> S3ObjectStore::CreateBucket() {
  const std::string what = fmt::format("s3://{}", options_.location.bucket);
  http::HttpRequest request = MakeRequest("PUT", BucketUrl(), options_.request_timeout);
  // us-east-1 is the default location, and S3 refuses it as an explicit constraint.
  const std::string& region = client_.config().region;
  if (!region.empty() && region != "us-east-1") {
    pugi::xml_document document;
    pugi::xml_node root = document.append_child("CreateBucketConfiguration");
    root.append_attribute("xmlns").set_value(std::string(kS3Namespace).c_str());
    AppendText(root, "LocationConstraint", region);
    request.headers.emplace_back("content-type", "application/xml");
    request.body = ToXml(document);
  }
  const Result<http::HttpResponse> created = Send("CreateBucket", std::move(request), what);
  if (created.ok()) {
    return Ok();
  }
  if (created.error().code() != ErrorCode::kAlreadyExists) {
    return created.error();
  }
  // BucketAlreadyOwnedByYou and BucketAlreadyExists (another owner) come as the same code; only
  // a bucket these credentials can reach is ours.
  if (HeadBucket().ok()) {
    return Ok();
  }
  return created.error().WithContext("the bucket name is taken by another account");
}

Result<void> S3ObjectStore::PutLifecycleRule(std::string_view rule_id, std::string_view tag_key,
                                             std::string_view tag_value, int days) {
  const std::string what = fmt::format("s3://{}", options_.location.bucket);
  if (rule_id.empty() || tag_key.empty() || days < 1) {
    return Error::InvalidArgument(
        "{}: a lifecycle rule needs an id, a tag key and at least 1 day (got '{}', '{}', {})", what,
        rule_id, tag_key, days);
  }
  pugi::xml_document document;
  const Result<http::HttpResponse> current =
      Send("GetBucketLifecycleConfiguration",
           MakeRequest("GET", BucketUrl("lifecycle"), options_.request_timeout), what);
  if (current.ok()) {
    ORCH_ASSIGN_OR_RETURN(document, ParseAnswer(current->body, "LifecycleConfiguration", what,
                                                "GetBucketLifecycleConfiguration"));
  } else if (current.error().code() == ErrorCode::kNotFound) {
    pugi::xml_node root = document.append_child("LifecycleConfiguration");
    root.append_attribute("xmlns").set_value(std::string(kS3Namespace).c_str());
  } else {
    return current.error();
  }
  pugi::xml_node root = document.document_element();
  for (pugi::xml_node rule = root.child("Rule"); rule;) {
    const pugi::xml_node following = rule.next_sibling("Rule");
    if (std::string_view(rule.child("ID").text().get()) == rule_id) {
      root.remove_child(rule);
    }
    rule = following;
  }
  pugi::xml_node rule = root.append_child("Rule");
  AppendText(rule, "ID", rule_id);
  pugi::xml_node tag = rule.append_child("Filter").append_child("Tag");
  AppendText(tag, "Key", tag_key);
  AppendText(tag, "Value", tag_value);
  AppendText(rule, "Status", "Enabled");
  AppendText(rule.append_child("Expiration"), "Days", std::to_string(days));
  ORCH_RETURN_IF_ERROR(
      Send("PutBucketLifecycleConfiguration",
           WithXmlBody(MakeRequest("PUT", BucketUrl("lifecycle"), options_.request_timeout),
                       ToXml(document)),
           what));
  return Ok();
}

}  // namespace orch::objects
