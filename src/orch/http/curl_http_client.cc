#include "orch/http/curl_http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "orch/common/strings.h"
#include "orch/common/url.h"

namespace orch::http {
namespace {

// curl_global_init is not thread-safe in every libcurl build, and must run before any other
// libcurl call. A function-local static runs it exactly once, with concurrent first callers
// waiting for it. It is never undone: other threads may still be inside libcurl at exit.
CURLcode GlobalInit() {
  static const CURLcode kInitResult = curl_global_init(CURL_GLOBAL_DEFAULT);
  return kInitResult;
}

struct EasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;

struct HeaderListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using HeaderList = std::unique_ptr<curl_slist, HeaderListDeleter>;

// Filled by the libcurl callbacks, which run on the calling thread inside curl_easy_perform.
struct ResponseSink {
  HttpResponse response;
  bool out_of_memory = false;
};

// Callbacks must not throw through libcurl's C frames; returning a short count makes libcurl
// abort the transfer (CURLE_WRITE_ERROR) instead.
std::size_t WriteBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<ResponseSink*>(user);
  const std::size_t bytes = size * count;
  try {
    sink->response.body.append(data, bytes);
  } catch (const std::exception&) {
    sink->out_of_memory = true;
    return 0;
  }
  return bytes;
}

std::size_t WriteHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<ResponseSink*>(user);
  const std::size_t bytes = size * count;
  try {
    std::string_view line(data, bytes);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
      line.remove_suffix(1);
    }
    if (line.starts_with("HTTP/")) {
      // A new status line (e.g. after "100 Continue"): earlier headers were another response's.
      sink->response.headers.clear();
      return bytes;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return bytes;  // the blank line that ends the headers
    }
    sink->response.headers.emplace_back(std::string(line.substr(0, colon)),
                                        std::string(TrimWhitespace(line.substr(colon + 1))));
  } catch (const std::exception&) {
    sink->out_of_memory = true;
    return 0;
  }
  return bytes;
}

bool IsMethodChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
}

bool HasLineBreakOrNul(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

Result<void> ValidateRequest(const HttpRequest& request, std::string_view what) {
  if (request.method.empty() || std::find_if_not(request.method.begin(), request.method.end(),
                                                 IsMethodChar) != request.method.end()) {
    return Error::InvalidArgument("{}: bad HTTP method", what);
  }
  if (request.timeout.count() <= 0) {
    return Error::InvalidArgument("{}: the timeout must be positive, not {} ms", what,
                                  request.timeout.count());
  }
  for (const auto& [name, value] : request.headers) {
    if (name.empty() || HasLineBreakOrNul(name) ||
        name.find_first_of(": \t") != std::string::npos) {
      return Error::InvalidArgument("{}: bad header name '{}'", what, name);
    }
    // A line break would let a value inject headers of its own.
    if (HasLineBreakOrNul(value)) {
      return Error::InvalidArgument("{}: the value of header '{}' contains a line break", what,
                                    name);
    }
  }
  return Ok();
}

Result<HeaderList> BuildHeaderList(const HttpHeaders& headers, std::string_view what) {
  HeaderList list;
  const auto append = [&](const std::string& line) {
    curl_slist* extended = curl_slist_append(list.get(), line.c_str());
    if (extended == nullptr) {
      return false;
    }
    static_cast<void>(list.release());
    list.reset(extended);
    return true;
  };
  bool has_expect = false;
  for (const auto& [name, value] : headers) {
    has_expect = has_expect || ToLower(name) == "expect";
    // "Name;" is libcurl's spelling of a header with an empty value ("Name:" would remove it).
    if (!append(value.empty() ? name + ";" : name + ": " + value)) {
      return Error::Internal("{}: out of memory building headers", what);
    }
  }
  // libcurl would otherwise wait for "100 Continue" before sending larger bodies: one more
  // round trip for nothing, and some servers never answer it.
  if (!has_expect && !append("Expect:")) {
    return Error::Internal("{}: out of memory building headers", what);
  }
  return list;
}

// libcurl's error text names hosts and ports, not credentials, but nothing guarantees it; so
// any password or query of the URL is cut out before the text reaches a message.
std::string ScrubDetail(std::string detail, const std::string& url) {
  auto parsed = Url::Parse(url);
  if (!parsed.ok()) {
    return {};
  }
  std::vector<std::string> secrets;
  if (parsed->password().has_value() && !parsed->password()->empty()) {
    secrets.push_back(*parsed->password());
  }
  if (!parsed->query().empty()) {
    secrets.push_back(parsed->query());
  }
  constexpr std::string_view kMask = "***";
  for (const std::string& secret : secrets) {
    for (auto at = detail.find(secret); at != std::string::npos;
         at = detail.find(secret, at + kMask.size())) {
      detail.replace(at, secret.size(), kMask);
    }
  }
  return detail;
}

Error TransportError(CURLcode code, const HttpRequest& request, std::string_view what,
                     const char* error_buffer) {
  const std::string detail = ScrubDetail(error_buffer, request.url);
  const std::string reason = detail.empty()
                                 ? std::string(curl_easy_strerror(code))
                                 : fmt::format("{} ({})", curl_easy_strerror(code), detail);
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return Error::Timeout("{}: no complete answer within {} ms: {}", what,
                            request.timeout.count(), reason);
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_BAD_FUNCTION_ARGUMENT:
      return Error::InvalidArgument("{}: {} (only http and https URLs are supported)", what,
                                    reason);
    // Our own TLS files: no retry will make them readable.
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
      return Error::InvalidArgument("{}: {} (check the TLS certificate, key and CA files)", what,
                                    reason);
    case CURLE_OUT_OF_MEMORY:
    case CURLE_FAILED_INIT:
      return Error::Internal("{}: {}", what, reason);
    default:
      return Error::Unavailable("{}: {}", what, reason);
  }
}

Result<HttpResponse> SendWithCurl(const HttpRequest& request, const std::optional<TlsOptions>& tls,
                                  CURLSH* share) {
  const std::string what = fmt::format("{} {}", request.method, RedactUrlForMessage(request.url));
  ORCH_RETURN_IF_ERROR(ValidateRequest(request, what));
  if (const CURLcode init = GlobalInit(); init != CURLE_OK) {
    return Error::Internal("{}: libcurl failed to initialise: {}", what, curl_easy_strerror(init));
  }
  EasyHandle handle(curl_easy_init());
  if (handle == nullptr) {
    return Error::Internal("{}: curl_easy_init failed", what);
  }
  ORCH_ASSIGN_OR_RETURN(HeaderList headers, BuildHeaderList(request.headers, what));

  CURL* curl = handle.get();
  ResponseSink sink;
  char error_buffer[CURL_ERROR_SIZE] = {};
  CURLcode code = CURLE_OK;
  // Remembers the first failing option; the rest are then skipped by the short-circuit.
  const auto set = [&](CURLcode result) {
    if (code == CURLE_OK) {
      code = result;
    }
  };
  set(curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer));
  set(curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str()));
  set(curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https"));
  set(curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L));
  if (share != nullptr) {
    set(curl_easy_setopt(curl, CURLOPT_SHARE, share));
  }
  set(curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count())));
  set(curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get()));
  set(curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &WriteBody));
  set(curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink));
  set(curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &WriteHeader));
  set(curl_easy_setopt(curl, CURLOPT_HEADERDATA, &sink));
  if (tls.has_value()) {
    if (!tls->client_cert_file.empty()) {
      set(curl_easy_setopt(curl, CURLOPT_SSLCERT, tls->client_cert_file.c_str()));
    }
    if (!tls->client_key_file.empty()) {
      set(curl_easy_setopt(curl, CURLOPT_SSLKEY, tls->client_key_file.c_str()));
    }
    if (!tls->ca_file.empty()) {
      set(curl_easy_setopt(curl, CURLOPT_CAINFO, tls->ca_file.c_str()));
    }
  }

  const std::string& method = request.method;
  // POST, PUT and PATCH always send a body, if empty, so that servers see Content-Length: 0.
  const bool sends_body =
      !request.body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
  if (sends_body) {
    set(curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size())));
    set(curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data()));
  }
  if (method == "HEAD") {
    set(curl_easy_setopt(curl, CURLOPT_NOBODY, 1L));
  } else if (method == "GET" && !sends_body) {
    set(curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L));
  } else if (method != "POST") {
    set(curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str()));
  }
  if (code != CURLE_OK) {
    return TransportError(code, request, what, error_buffer);
  }

  code = curl_easy_perform(curl);
  if (sink.out_of_memory) {
    return Error::Internal("{}: out of memory reading the response", what);
  }
  if (code != CURLE_OK) {
    return TransportError(code, request, what, error_buffer);
  }
  long status = 0;
  if (curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK || status <= 0) {
    return Error::Internal("{}: libcurl reported no HTTP status", what);
  }
  sink.response.status = static_cast<int>(status);
  return std::move(sink.response);
}

}  // namespace

// A libcurl share of the connection pool, TLS sessions and DNS cache, with one mutex per kind
// of shared data (libcurl asks for the lock of the data it is about to touch).
class CurlHttpClient::ConnectionShare {
 public:
  static std::unique_ptr<ConnectionShare> Create() {
    if (GlobalInit() != CURLE_OK) {
      return nullptr;
    }
    CURLSH* handle = curl_share_init();
    if (handle == nullptr) {
      return nullptr;
    }
    auto share = std::unique_ptr<ConnectionShare>(new ConnectionShare(handle));
    for (const curl_lock_data data :
         {CURL_LOCK_DATA_CONNECT, CURL_LOCK_DATA_SSL_SESSION, CURL_LOCK_DATA_DNS}) {
      if (curl_share_setopt(handle, CURLSHOPT_SHARE, data) != CURLSHE_OK) {
        return nullptr;
      }
    }
    if (curl_share_setopt(handle, CURLSHOPT_LOCKFUNC, &Lock) != CURLSHE_OK ||
        curl_share_setopt(handle, CURLSHOPT_UNLOCKFUNC, &Unlock) != CURLSHE_OK ||
        curl_share_setopt(handle, CURLSHOPT_USERDATA, share.get()) != CURLSHE_OK) {
      return nullptr;
    }
    return share;
  }

  ~ConnectionShare() { curl_share_cleanup(handle_); }

  ConnectionShare(const ConnectionShare&) = delete;
  ConnectionShare& operator=(const ConnectionShare&) = delete;

  CURLSH* handle() const { return handle_; }

 private:
  explicit ConnectionShare(CURLSH* handle) : handle_(handle) {}

  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<ConnectionShare*>(user)->MutexOf(data).lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<ConnectionShare*>(user)->MutexOf(data).unlock();
  }
  std::mutex& MutexOf(curl_lock_data data) {
    const auto index = static_cast<std::size_t>(data);
    return mutexes_[index < mutexes_.size() ? index : 0];
  }

  CURLSH* const handle_;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> mutexes_;
};

CurlHttpClient::CurlHttpClient(std::optional<TlsOptions> tls)
    : tls_(std::move(tls)), share_(ConnectionShare::Create()) {}

CurlHttpClient::~CurlHttpClient() = default;

Result<HttpResponse> CurlHttpClient::Send(const HttpRequest& request) {
  try {
    return SendWithCurl(request, tls_, share_ != nullptr ? share_->handle() : nullptr);
  } catch (const std::exception& e) {
    return Error::Internal("{} {}: {}", request.method, RedactUrlForMessage(request.url), e.what());
  }
}

}  // namespace orch::http
