#pragma once

#include <httplib.h>

#include <deque>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/local_http_server.h"

namespace orch::testing {

/// A JSON-RPC node (Ethereum, Starknet) on loopback that answers each POST with the next
/// scripted reply and records the requests. Once the script is exhausted it answers HTTP 500.
/// Thread-safe.
class ScriptedJsonRpcNode {
 public:
  using json = nlohmann::json;
  using Reply = std::function<void(const json& request, httplib::Response& response)>;

  ScriptedJsonRpcNode()
      : server_([this](httplib::Server& server) {
          server.Post(".*", [this](const httplib::Request& request, httplib::Response& response) {
            Reply reply;
            const json body = json::parse(request.body, nullptr, false);
            {
              std::lock_guard lock(mutex_);
              bodies_.push_back(body);
              content_types_.push_back(request.get_header_value("Content-Type"));
              if (!script_.empty()) {
                reply = std::move(script_.front());
                script_.pop_front();
              }
            }
            if (!reply) {
              response.status = 500;
              response.set_content("script exhausted", "text/plain");
              return;
            }
            reply(body, response);
          });
        }) {}

  void Push(Reply reply) {
    std::lock_guard lock(mutex_);
    script_.push_back(std::move(reply));
  }
  void PushResult(json result) {
    Push([result](const json& request, httplib::Response& response) {
      response.set_content(
          json{{"jsonrpc", "2.0"}, {"id", request["id"]}, {"result", result}}.dump(),
          "application/json");
    });
  }
  void PushRpcError(int code, std::string message, std::optional<std::string> data = {}) {
    Push([=](const json& request, httplib::Response& response) {
      json error = {{"code", code}, {"message", message}};
      if (data.has_value()) {
        error["data"] = *data;
      }
      response.set_content(json{{"jsonrpc", "2.0"}, {"id", request["id"]}, {"error", error}}.dump(),
                           "application/json");
    });
  }
  void PushRaw(int status, std::string body) {
    Push([=](const json&, httplib::Response& response) {
      response.status = status;
      response.set_content(body, "application/json");
    });
  }

  std::vector<json> bodies() const {
    std::lock_guard lock(mutex_);
    return bodies_;
  }
  std::vector<std::string> content_types() const {
    std::lock_guard lock(mutex_);
    return content_types_;
  }
  std::string url(const std::string& path = "/") const { return server_.url(path); }
  int port() const { return server_.port(); }

 private:
  mutable std::mutex mutex_;
  std::deque<Reply> script_;
  std::vector<json> bodies_;
  std::vector<std::string> content_types_;
  LocalHttpServer server_;  // last: it serves until destroyed, using the members above
};

}  // namespace orch::testing
