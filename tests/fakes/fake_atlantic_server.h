#pragma once

#include <fmt/format.h>
#include <httplib.h>

#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tests/fakes/fake_prover_faults.h"
#include "tests/support/local_http_server.h"

#include "orch/common/result.h"

namespace orch::testing {

/// Herodotus' Atlantic API on loopback, as protocols.md §1 documents it, for the Atlantic
/// client's tests: dedup lookup, multipart query submission (parsed part by part, in order),
/// query status, and the artifact bucket's proof.json (served from the same address, so the
/// test uses url() as service and artifacts base URL).
///
/// The api-key header must carry `api_key` on the lookup and the submission (401 otherwise).
/// A query's status moves RECEIVED → IN_PROGRESS → DONE, one step after each status poll,
/// unless the test fixes it with SetStatus; with an on-done hook (SetOnDone), a query turns DONE
/// only once the hook has succeeded, as real Atlantic reports DONE once the fact is valid on L1.
/// Every request is recorded; faults queued with faults().Push answer the next requests instead
/// (ProverFault), and InjectFault aims one at the nth request of a route. Thread-safe.
class FakeAtlanticServer {
 public:
  struct Part {
    std::string name;
    std::string filename;
    std::string content_type;
    std::string content;
  };
  struct RecordedRequest {
    std::string method;
    std::string path;
    std::multimap<std::string, std::string> params;
    std::optional<std::string> api_key;  // the api-key header, when sent
    std::vector<Part> parts;             // multipart requests, in wire order
  };

  /// The routes InjectFault can aim at.
  enum class Route { kDedupLookup, kSubmit, kStatus, kProof };

  /// Runs when a query is about to turn DONE, with its pieFile (empty when it has none), e.g.
  /// to register the proven fact on chain. An error leaves the query IN_PROGRESS until the
  /// next poll. Calls are serialised (one sender, one nonce sequence) and made outside the
  /// server's lock, so other requests are answered meanwhile.
  using DoneHook = std::function<Result<void>(const std::string& pie_zip)>;

  explicit FakeAtlanticServer(std::string api_key)
      : api_key_(std::move(api_key)),
        server_([this](httplib::Server& server) { Routes(server); }) {}

  /// The server's base URL (no trailing slash).
  std::string url() const { return server_.url(""); }
  ProverFaultQueue& faults() { return faults_; }

  /// Answers the `nth` request (from 1) to `route` with `fault`, before faults() is consulted:
  /// for faults at known points of a run whose requests to different routes interleave.
  void InjectFault(Route route, std::size_t nth, ProverFault fault) {
    std::lock_guard lock(mutex_);
    injected_[{route, nth}] = fault;
  }

  /// Installs the on-done hook; queries then wait for it before they turn DONE.
  void SetOnDone(DoneHook hook) {
    std::lock_guard lock(mutex_);
    on_done_ = std::move(hook);
  }

  /// Fixes the status of query `id` (no more automatic progress); `error_reason` for FAILED.
  void SetStatus(const std::string& id, std::string status, std::string error_reason = {}) {
    std::lock_guard lock(mutex_);
    Query& query = queries_[id];
    query.status = std::move(status);
    query.error_reason = std::move(error_reason);
    query.fixed = true;
  }

  /// What GET {artifacts}/queries/{id}/proof.json answers.
  void SetProof(const std::string& id, std::string proof) {
    std::lock_guard lock(mutex_);
    proofs_[id] = std::move(proof);
  }

  std::vector<RecordedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

  /// The dedup id of every query created, in creation order.
  std::vector<std::string> dedup_ids() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> ids;
    for (const std::string& id : order_) {
      ids.push_back(queries_.at(id).dedup_id);
    }
    return ids;
  }

  /// The recorded requests with this method and path.
  std::vector<RecordedRequest> requests(const std::string& method, const std::string& path) const {
    std::vector<RecordedRequest> matching;
    for (RecordedRequest& request : requests()) {
      if (request.method == method && request.path == path) {
        matching.push_back(std::move(request));
      }
    }
    return matching;
  }

 private:
  using json = nlohmann::json;

  struct Query {
    std::string dedup_id;
    std::string pie_zip;
    std::string status = "RECEIVED";
    std::string error_reason;
    bool fixed = false;
  };

  void Routes(httplib::Server& server) {
    server.Get("/atlantic-query-by-dedup-id", [this](const httplib::Request& request,
                                                     httplib::Response& response) {
      if (!Begin(Route::kDedupLookup, request, {}, response) || !Authorized(request, response)) {
        return;
      }
      std::lock_guard lock(mutex_);
      const std::string dedup_id = request.get_param_value("dedupId");
      // The latest query with this dedup id, as a resubmission supersedes a failure.
      for (auto it = order_.rbegin(); it != order_.rend(); ++it) {
        if (queries_[*it].dedup_id == dedup_id) {
          Reply(response, 200, json{{"atlanticQuery", QueryJson(*it)}});
          return;
        }
      }
      Reply(response, 404, json{{"message", "Atlantic query not found"}});
    });
    server.Post(
        "/atlantic-query", [this](const httplib::Request& request, httplib::Response& response,
                                  const httplib::ContentReader& reader) {
          std::vector<Part> parts;
          if (request.is_multipart_form_data()) {
            reader(
                [&](const httplib::MultipartFormData& header) {
                  parts.push_back(Part{header.name, header.filename, header.content_type, {}});
                  return true;
                },
                [&](const char* data, std::size_t length) {
                  parts.back().content.append(data, length);
                  return true;
                });
          } else {
            reader([](const char*, std::size_t) { return true; });
          }
          if (!Begin(Route::kSubmit, request, parts, response) || !Authorized(request, response)) {
            return;
          }
          Query query;
          for (const Part& part : parts) {
            if (part.name == "dedupId") {
              query.dedup_id = part.content;
            } else if (part.name == "pieFile") {
              query.pie_zip = part.content;
            }
          }
          std::lock_guard lock(mutex_);
          const std::string id = fmt::format("01JXMTC7TZMSNDTJ8821{:06d}", order_.size() + 1);
          queries_[id] = std::move(query);
          order_.push_back(id);
          Reply(response, 200, json{{"atlanticQueryId", id}});
        });
    server.Get("/atlantic-query/([^/]+)",
               [this](const httplib::Request& request, httplib::Response& response) {
                 if (!Begin(Route::kStatus, request, {}, response)) {
                   return;
                 }
                 const std::string id = request.matches[1];
                 DoneHook on_done;
                 std::string pie_zip;
                 {
                   std::lock_guard lock(mutex_);
                   const auto it = queries_.find(id);
                   if (it == queries_.end()) {
                     Reply(response, 404, json{{"message", "Atlantic query " + id + " not found"}});
                     return;
                   }
                   Reply(response, 200,
                         json{{"atlanticQuery", QueryJson(id)}, {"metadataUrls", json::array()}});
                   Query& query = it->second;
                   if (query.fixed || query.status == "DONE") {
                     return;
                   }
                   if (query.status == "RECEIVED" || !on_done_) {
                     query.status = query.status == "RECEIVED" ? "IN_PROGRESS" : "DONE";
                     return;
                   }
                   on_done = on_done_;
                   pie_zip = query.pie_zip;
                 }
                 std::lock_guard done_lock(done_mutex_);
                 if (on_done(pie_zip).ok()) {
                   std::lock_guard lock(mutex_);
                   Query& query = queries_[id];
                   if (!query.fixed) {
                     query.status = "DONE";
                   }
                 }
               });
    server.Get("/queries/([^/]+)/proof.json", [this](const httplib::Request& request,
                                                     httplib::Response& response) {
      if (!Begin(Route::kProof, request, {}, response)) {
        return;
      }
      std::lock_guard lock(mutex_);
      const auto it = proofs_.find(request.matches[1]);
      if (it == proofs_.end()) {
        response.status = 404;
        response.set_content(
            "<?xml version='1.0' encoding='UTF-8'?><Error><Code>NoSuchKey</Code></Error>",
            "application/xml");
        return;
      }
      response.set_content(it->second, "application/json");
    });
  }

  // Records the request and serves an injected or queued fault; false when the fault answered.
  bool Begin(Route route, const httplib::Request& request, std::vector<Part> parts,
             httplib::Response& response) {
    std::optional<ProverFault> fault;
    {
      std::lock_guard lock(mutex_);
      const auto injected = injected_.find({route, ++route_requests_[route]});
      if (injected != injected_.end()) {
        fault = injected->second;
      }
      requests_.push_back(RecordedRequest{
          request.method, request.path,
          std::multimap<std::string, std::string>(request.params.begin(), request.params.end()),
          request.has_header("api-key")
              ? std::optional<std::string>(request.get_header_value("api-key"))
              : std::nullopt,
          std::move(parts)});
    }
    if (!fault.has_value()) {
      fault = faults_.Next();
    }
    return !fault.has_value() || !ServeFault(*fault, request, response);
  }

  bool Authorized(const httplib::Request& request, httplib::Response& response) const {
    if (request.get_header_value("api-key") == api_key_) {
      return true;
    }
    Reply(response, 401, json{{"message", "Unauthorized: invalid API key"}});
    return false;
  }

  // Needs mutex_.
  json QueryJson(const std::string& id) {
    const Query& query = queries_[id];
    json object = {{"id", id},
                   {"dedupId", query.dedup_id},
                   {"status", query.status},
                   {"steps", json::array({"TRACE_GENERATION", "PROOF_GENERATION"})},
                   {"submittedByClient", "test-client"},
                   {"projectId", "test-project"},
                   {"createdAt", "2025-06-01T00:00:00.000Z"},
                   {"isJobSizeValid", true}};
    if (!query.error_reason.empty()) {
      object["errorReason"] = query.error_reason;
    }
    return object;
  }

  static void Reply(httplib::Response& response, int status, const json& body) {
    response.status = status;
    response.set_content(body.dump(), "application/json");
  }

  const std::string api_key_;
  mutable std::mutex mutex_;
  std::map<std::string, Query> queries_;       // guarded by mutex_
  std::vector<std::string> order_;             // query ids by creation; guarded by mutex_
  std::map<std::string, std::string> proofs_;  // guarded by mutex_
  std::vector<RecordedRequest> requests_;      // guarded by mutex_
  std::map<std::pair<Route, std::size_t>, ProverFault> injected_;  // guarded by mutex_
  std::map<Route, std::size_t> route_requests_;                    // guarded by mutex_
  DoneHook on_done_;                                               // guarded by mutex_
  std::mutex done_mutex_;  // serialises on_done_ calls; taken before mutex_, never inside it
  ProverFaultQueue faults_;
  LocalHttpServer server_;  // last: it serves until destroyed, and uses the members above
};

}  // namespace orch::testing
