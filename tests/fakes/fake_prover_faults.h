#pragma once

#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

// Misbehaviours the fake prover servers (fake_atlantic_server.h, fake_sharp_server.h) can show
// instead of their real answer, for the retry and error tests of the prover clients.
namespace orch::testing {

enum class ProverFault {
  kServiceUnavailable,  // 503 with a gateway's text
  kSlow,                // the handler sleeps (longer than the client's timeout), then answers
  kMalformedJson,       // 200 with a body that is not JSON
  kLoadBalancer404,     // 404 "404 page not found", as Go load balancers answer for no backend
  kHtml502,             // 502 with nginx's HTML page
  kJsonBadRequest,      // 400 with a JSON message that echoes the request's api-key header
};

/// Faults queued for the next requests, whatever their route. Thread-safe.
class ProverFaultQueue {
 public:
  void Push(ProverFault fault, std::size_t times = 1) {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < times; ++i) {
      faults_.push_back(fault);
    }
  }

  std::optional<ProverFault> Next() {
    std::lock_guard lock(mutex_);
    if (faults_.empty()) {
      return std::nullopt;
    }
    const ProverFault fault = faults_.front();
    faults_.pop_front();
    return fault;
  }

 private:
  std::mutex mutex_;
  std::deque<ProverFault> faults_;
};

/// How long a kSlow handler sleeps; clients under test use a shorter request timeout.
inline constexpr std::chrono::milliseconds kSlowFaultDelay{1500};

/// Writes `fault`'s answer into `response`. Returns false when the handler should go on and
/// answer normally (kSlow, after its sleep).
inline bool ServeFault(ProverFault fault, const httplib::Request& request,
                       httplib::Response& response) {
  switch (fault) {
    case ProverFault::kServiceUnavailable:
      response.status = 503;
      response.set_content("503 Service Unavailable", "text/plain");
      return true;
    case ProverFault::kSlow:
      std::this_thread::sleep_for(kSlowFaultDelay);
      return false;
    case ProverFault::kMalformedJson:
      response.status = 200;
      response.set_content("{\"status\": ", "application/json");
      return true;
    case ProverFault::kLoadBalancer404:
      response.status = 404;
      response.set_content("404 page not found", "text/plain");
      return true;
    case ProverFault::kHtml502:
      response.status = 502;
      response.set_content(
          "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 "
          "Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
          "text/html");
      return true;
    case ProverFault::kJsonBadRequest:
      response.status = 400;
      response.set_content(nlohmann::json{{"message", "request refused for api-key " +
                                                          request.get_header_value("api-key")}}
                               .dump(),
                           "application/json");
      return true;
  }
  return false;
}

}  // namespace orch::testing
