#pragma once

#include <httplib.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "tests/fakes/fake_prover_faults.h"

namespace orch::testing {

/// Certificates and keys for a SHARP-like mTLS setup, made with the openssl command line:
/// a self-signed server certificate with CA:TRUE for 127.0.0.1 (as SHARP's, protocols.md §2.1),
/// a client CA, a client certificate it signed, and a "rogue" client certificate it did not.
struct SharpTlsFiles {
  std::string server_cert;
  std::string server_key;
  std::string client_ca_cert;
  std::string client_cert;
  std::string client_key;
  std::string rogue_client_cert;
  std::string rogue_client_key;

  /// Writes the files into `dir`; nullopt (after printing openssl's complaint) if a command
  /// failed.
  static std::optional<SharpTlsFiles> Generate(const std::string& dir) {
    const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2";
    const std::string log_file = dir + "/openssl.log";
    SharpTlsFiles files{dir + "/server.crt", dir + "/server.key", dir + "/client-ca.crt",
                        dir + "/client.crt", dir + "/client.key", dir + "/rogue.crt",
                        dir + "/rogue.key"};
    const std::vector<std::string> commands = {
        "openssl req -x509 " + ec + " -keyout " + files.server_key + " -out " + files.server_cert +
            " -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1"
            " -addext basicConstraints=critical,CA:TRUE",
        "openssl req -x509 " + ec + " -keyout " + dir + "/client-ca.key -out " +
            files.client_ca_cert + " -subj /CN=test-client-ca",
        "openssl req " + ec + " -keyout " + files.client_key + " -out " + dir +
            "/client.csr -subj /CN=orchestrator-test-client",
        "openssl x509 -req -days 2 -in " + dir + "/client.csr -CA " + files.client_ca_cert +
            " -CAkey " + dir + "/client-ca.key -CAcreateserial -out " + files.client_cert,
        "openssl req -x509 " + ec + " -keyout " + files.rogue_client_key + " -out " +
            files.rogue_client_cert + " -subj /CN=rogue-client",
    };
    for (const std::string& command : commands) {
      if (std::system((command + " 2>>" + log_file + " >/dev/null").c_str()) != 0) {
        std::cerr << "openssl failed: " << command << "\n" << std::ifstream(log_file).rdbuf();
        return std::nullopt;
      }
    }
    return files;
  }
};

/// StarkWare's SHARP gateway on loopback over HTTPS with client authentication, as
/// protocols.md §2 documents it, under the prefix /v1/gateway: add_job (base64 PIE decoded and
/// kept), get_status, get_proof, is_alive. Only clients whose certificate the client CA signed
/// get through the handshake. Every request must carry customer_id (400 otherwise).
///
/// get_status answers what SetStatus set for the key, else IN_PROGRESS for a key add_job
/// received, else UNKNOWN. Every request is recorded, with the client certificate's common
/// name; faults queued with faults().Push answer the next requests instead. Thread-safe.
class FakeSharpServer {
 public:
  struct RecordedRequest {
    std::string method;
    std::string path;  // without the /v1/gateway prefix, e.g. "/add_job"
    std::multimap<std::string, std::string> params;
    std::string body;
    std::string client_common_name;
  };

  static constexpr std::string_view kPrefix = "/v1/gateway";

  explicit FakeSharpServer(const SharpTlsFiles& files)
      : server_(files.server_cert.c_str(), files.server_key.c_str(), files.client_ca_cert.c_str()) {
    Routes();
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] {
      server_.listen_after_bind();
      finished_ = true;
    });
  }

  ~FakeSharpServer() {
    // stop() is a no-op until the listen loop has started; that start is imminent.
    while (!server_.is_running() && !finished_) {
      std::this_thread::yield();
    }
    server_.stop();
    thread_.join();
  }

  FakeSharpServer(const FakeSharpServer&) = delete;
  FakeSharpServer& operator=(const FakeSharpServer&) = delete;

  bool valid() const { return server_.is_valid() && port_ > 0; }
  /// The gateway URL, prefix included, as the orchestrator is configured with it.
  std::string url() const {
    return "https://127.0.0.1:" + std::to_string(port_) + std::string(kPrefix);
  }
  ProverFaultQueue& faults() { return faults_; }

  /// What get_status answers for `key` from now on.
  void SetStatus(const std::string& key, nlohmann::json status) {
    std::lock_guard lock(mutex_);
    statuses_[key] = std::move(status);
  }
  void SetProof(const std::string& key, std::string proof) {
    std::lock_guard lock(mutex_);
    proofs_[key] = std::move(proof);
  }
  /// The PIE add_job received for `key`, base64-decoded; nullopt if none (or not base64).
  std::optional<std::string> ReceivedPie(const std::string& key) const {
    std::lock_guard lock(mutex_);
    const auto it = pies_.find(key);
    return it == pies_.end() ? std::nullopt : it->second;
  }

  std::vector<RecordedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::vector<RecordedRequest> requests(const std::string& path) const {
    std::vector<RecordedRequest> matching;
    for (RecordedRequest& request : requests()) {
      if (request.path == path) {
        matching.push_back(std::move(request));
      }
    }
    return matching;
  }

  /// Standard padded base64, strictly: nullopt for anything else.
  static std::optional<std::string> DecodeBase64(std::string_view text) {
    constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (text.size() % 4 != 0) {
      return std::nullopt;
    }
    std::string out;
    for (std::size_t i = 0; i < text.size(); i += 4) {
      unsigned value = 0;
      int padding = 0;
      for (std::size_t j = 0; j < 4; ++j) {
        const char c = text[i + j];
        unsigned digit = 0;
        if (c == '=' && i + 4 == text.size() && j >= 2) {
          ++padding;
        } else {
          const std::size_t at = kAlphabet.find(c);
          if (at == std::string_view::npos || padding > 0) {
            return std::nullopt;
          }
          digit = static_cast<unsigned>(at);
        }
        value = (value << 6) | digit;
      }
      out += static_cast<char>((value >> 16) & 0xff);
      if (padding < 2) {
        out += static_cast<char>((value >> 8) & 0xff);
      }
      if (padding < 1) {
        out += static_cast<char>(value & 0xff);
      }
    }
    return out;
  }

 private:
  using json = nlohmann::json;

  void Routes() {
    const std::string prefix(kPrefix);
    server_.Post(prefix + "/add_job",
                 [this](const httplib::Request& request, httplib::Response& response) {
                   if (!Begin(request, response)) {
                     return;
                   }
                   const json body = json::parse(request.body, nullptr, false);
                   if (!body.is_object() || !body.contains("cairo_pie_encoded") ||
                       !body["cairo_pie_encoded"].is_string()) {
                     Reply(response, 400,
                           json{{"code", "INVALID_REQUEST"}, {"message", "no cairo_pie_encoded"}});
                     return;
                   }
                   std::lock_guard lock(mutex_);
                   pies_[request.get_param_value("cairo_job_key")] =
                       DecodeBase64(body["cairo_pie_encoded"].get<std::string>());
                   Reply(response, 200, json{{"code", "JOB_RECEIVED_SUCCESSFULLY"}});
                 });
    server_.Get(prefix + "/get_status", [this](const httplib::Request& request,
                                               httplib::Response& response) {
      if (!Begin(request, response)) {
        return;
      }
      std::lock_guard lock(mutex_);
      const std::string key = request.get_param_value("cairo_job_key");
      if (const auto it = statuses_.find(key); it != statuses_.end()) {
        Reply(response, 200, it->second);
      } else {
        Reply(response, 200, json{{"status", pies_.contains(key) ? "IN_PROGRESS" : "UNKNOWN"}});
      }
    });
    server_.Get(prefix + "/get_proof",
                [this](const httplib::Request& request, httplib::Response& response) {
                  if (!Begin(request, response)) {
                    return;
                  }
                  std::lock_guard lock(mutex_);
                  const auto it = proofs_.find(request.get_param_value("cairo_job_key"));
                  if (it == proofs_.end()) {
                    Reply(response, 400, json{{"code", "NO_PROOF"}, {"message", "no proof yet"}});
                    return;
                  }
                  response.set_content(it->second, "application/json");
                });
    server_.Get(prefix + "/is_alive",
                [this](const httplib::Request& request, httplib::Response& response) {
                  if (Begin(request, response)) {
                    response.set_content("alive", "text/plain");
                  }
                });
  }

  static std::string ClientCommonName(const httplib::Request& request) {
    if (request.ssl == nullptr) {
      return {};
    }
    X509* certificate = SSL_get1_peer_certificate(request.ssl);
    if (certificate == nullptr) {
      return {};
    }
    char name[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(certificate), NID_commonName, name,
                              sizeof(name));
    X509_free(certificate);
    return name;
  }

  // Records the request, then serves a queued fault or refuses a missing customer_id; false
  // when the request is answered already.
  bool Begin(const httplib::Request& request, httplib::Response& response) {
    std::string path = request.path;
    if (path.starts_with(kPrefix)) {
      path.erase(0, kPrefix.size());
    }
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(RecordedRequest{
          request.method, path,
          std::multimap<std::string, std::string>(request.params.begin(), request.params.end()),
          request.body, ClientCommonName(request)});
    }
    if (const std::optional<ProverFault> fault = faults_.Next();
        fault.has_value() && ServeFault(*fault, request, response)) {
      return false;
    }
    if (request.get_param_value("customer_id").empty()) {
      Reply(response, 400, json{{"code", "INVALID_REQUEST"}, {"message", "customer_id missing"}});
      return false;
    }
    return true;
  }

  static void Reply(httplib::Response& response, int status, const json& body) {
    response.status = status;
    response.set_content(body.dump(), "application/json");
  }

  mutable std::mutex mutex_;
  std::map<std::string, json> statuses_;                    // guarded by mutex_
  std::map<std::string, std::string> proofs_;               // guarded by mutex_
  std::map<std::string, std::optional<std::string>> pies_;  // guarded by mutex_
  std::vector<RecordedRequest> requests_;                   // guarded by mutex_
  ProverFaultQueue faults_;
  httplib::SSLServer server_;
  int port_ = -1;
  std::atomic<bool> finished_ = false;
  std::thread thread_;
};

}  // namespace orch::testing
