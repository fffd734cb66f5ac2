#include "orch/clients/snos/http_snos_runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/local_http_server.h"
#include "tests/support/temp_dir.h"

#include "orch/http/curl_http_client.h"

namespace orch::snos {
namespace {

using ::nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;
using namespace std::string_literals;

constexpr const char* kSecretRpcUrl =
    "https://user:hunter2@node.example:9545/v2/key-abc123?apikey=s3cr3t";
const std::string kPie =
    "PK\x03\x04"
    "a cairo pie \xff\x00 with binary bytes"s;

std::string Base64(std::string_view bytes) {
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string text;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t group = 0;
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    for (std::size_t j = 0; j < 3; ++j) {
      group = (group << 8) | (j < n ? static_cast<std::uint8_t>(bytes[i + j]) : 0u);
    }
    for (std::size_t j = 0; j < 4; ++j) {
      text += j <= n ? kAlphabet[(group >> (18 - 6 * j)) & 0x3f] : '=';
    }
  }
  return text;
}

SnosRequest Request(std::uint64_t block) {
  SnosRequest request;
  request.start_block = block;
  request.end_block = block;
  request.rpc_url = kSecretRpcUrl;
  request.chain = {.chain_id = "SN_SEPOLIA",
                   .strk_fee_token_address = crypto::Felt::FromUint64(0x57),
                   .eth_fee_token_address = crypto::Felt::FromUint64(0xe7),
                   .is_l3 = true};
  request.full_output = false;
  request.use_kzg_da = true;
  request.debug_mode = true;
  return request;
}

json GoodAnswer() {
  return {{"cairo_pie_zip_base64", Base64(kPie)}, {"os_output", {"0x1", "0x2", "0xabc"}}};
}

// A sidecar service on loopback: answers POST /run (and /prefix/run) with the reply the test
// sets, and records what it was sent.
class FakeSidecar {
 public:
  using Reply = std::function<void(httplib::Response&)>;

  FakeSidecar()
      : server_([this](httplib::Server& server) {
          const auto handle = [this](const httplib::Request& request, httplib::Response& response) {
            Reply reply;
            {
              std::lock_guard lock(mutex_);
              bodies_.push_back(request.body);
              targets_.push_back(request.target);
              reply = reply_;
            }
            reply(response);
          };
          server.Post("/run", handle);
          server.Post("/prefix/run", handle);
        }) {}

  void Answer(int status, const json& body) {
    SetReply([status, text = body.dump()](httplib::Response& response) {
      response.status = status;
      response.set_content(text, "application/json");
    });
  }
  void AnswerText(int status, std::string text) {
    SetReply([status, text = std::move(text)](httplib::Response& response) {
      response.status = status;
      response.set_content(text, "text/plain");
    });
  }
  void SetReply(Reply reply) {
    std::lock_guard lock(mutex_);
    reply_ = std::move(reply);
  }

  std::string url() const { return server_.url(""); }
  int port() const { return server_.port(); }
  json Body(std::size_t i) const {
    std::lock_guard lock(mutex_);
    return json::parse(bodies_.at(i));
  }
  std::size_t Count() const {
    std::lock_guard lock(mutex_);
    return bodies_.size();
  }
  std::string Target(std::size_t i) const {
    std::lock_guard lock(mutex_);
    return targets_.at(i);
  }

 private:
  mutable std::mutex mutex_;
  Reply reply_ = [](httplib::Response& response) { response.status = 500; };
  std::vector<std::string> bodies_;
  std::vector<std::string> targets_;
  testing::LocalHttpServer server_;  // last: stopped before the members its handler uses
};

class HttpSnosRunnerTest : public ::testing::Test {
 protected:
  HttpSnosRunner Runner(std::string base_url, std::chrono::milliseconds timeout = 5s) {
    return HttpSnosRunner(http_, {.base_url = std::move(base_url), .timeout = timeout});
  }
  HttpSnosRunner Runner() { return Runner(sidecar_.url()); }

  http::CurlHttpClient http_;
  FakeSidecar sidecar_;
};

TEST_F(HttpSnosRunnerTest, PostsTheRequestAsDocumentedJson) {
  sidecar_.Answer(200, GoodAnswer());
  SnosRequest request = Request(7);
  request.end_block = 9;
  request.da_public_keys = {crypto::Felt::FromUint64(1), crypto::Felt::FromUint64(0xabc)};

  auto result = Runner().Run(request);

  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(sidecar_.Target(0), "/run");
  EXPECT_EQ(sidecar_.Body(0), json::parse(R"({
    "start_block": 7, "end_block": 9,
    "rpc_url": "https://user:hunter2@node.example:9545/v2/key-abc123?apikey=s3cr3t",
    "layout": "all_cairo",
    "chain_config": {"chain_id": "SN_SEPOLIA", "strk_fee_token_address": "0x57",
                     "eth_fee_token_address": "0xe7", "is_l3": true},
    "os_hints_config": {"full_output": false, "use_kzg_da": true, "debug_mode": true},
    "da_public_keys": ["0x1", "0xabc"]})"));
}

TEST_F(HttpSnosRunnerTest, ReturnsTheDecodedPieAndTheOsOutput) {
  sidecar_.Answer(200, GoodAnswer());

  auto result = Runner().Run(Request(7));

  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->cairo_pie_zip, kPie);
  EXPECT_THAT(result->os_output,
              ElementsAre(crypto::Felt::FromUint64(1), crypto::Felt::FromUint64(2),
                          crypto::Felt::FromUint64(0xabc)));
}

TEST_F(HttpSnosRunnerTest, SendsTheVersionedConstantsContentNotItsPath) {
  test_support::TempDir dir;
  const std::string path = dir.File("versioned_constants.json");
  std::ofstream(path) << R"({"invoke_tx_max_n_steps": 10000000})";
  sidecar_.Answer(200, GoodAnswer());
  SnosRequest request = Request(7);
  request.versioned_constants_path = path;

  ASSERT_TRUE(Runner().Run(request).ok());

  EXPECT_EQ(sidecar_.Body(0).at("versioned_constants"),
            json::parse(R"({"invoke_tx_max_n_steps": 10000000})"));
  EXPECT_FALSE(sidecar_.Body(0).contains("versioned_constants_path"));
}

TEST_F(HttpSnosRunnerTest, AnUnreadableVersionedConstantsFileIsPermanentAndSendsNothing) {
  SnosRequest request = Request(7);
  request.versioned_constants_path = "/nonexistent/versioned_constants.json";

  auto result = Runner().Run(request);

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(result.error().transient());
  EXPECT_THAT(result.error().message(), HasSubstr("/nonexistent/versioned_constants.json"));
  EXPECT_EQ(sidecar_.Count(), 0u);
}

TEST_F(HttpSnosRunnerTest, KeepsTheBasePathAndQuery) {
  sidecar_.Answer(200, GoodAnswer());

  ASSERT_TRUE(Runner(sidecar_.url() + "/prefix/?token=abc").Run(Request(7)).ok());

  EXPECT_EQ(sidecar_.Target(0), "/prefix/run?token=abc");
}

TEST_F(HttpSnosRunnerTest, TheErrorBodyDecidesTheClassWhateverTheStatus) {
  struct Case {
    int status;
    bool retryable;
    ErrorCode code;
  };
  for (const Case& c :
       {Case{500, false, ErrorCode::kFailedPrecondition},
        Case{422, false, ErrorCode::kFailedPrecondition}, Case{422, true, ErrorCode::kUnavailable},
        Case{400, true, ErrorCode::kUnavailable}}) {
    sidecar_.Answer(c.status,
                    {{"error", "OS execution error: assert failed"}, {"retryable", c.retryable}});
    auto result = Runner().Run(Request(7));
    ASSERT_FALSE(result.ok()) << c.status;
    EXPECT_EQ(result.error().code(), c.code) << c.status;
    EXPECT_EQ(result.error().transient(), c.retryable) << c.status;
    EXPECT_THAT(result.error().message(), HasSubstr("HTTP " + std::to_string(c.status) +
                                                    ": OS execution error: assert failed"));
  }
}

TEST_F(HttpSnosRunnerTest, WithoutAnErrorBodyTheStatusDecides) {
  struct Case {
    int status;
    ErrorCode code;
    bool transient;
  };
  for (const Case& c :
       {Case{500, ErrorCode::kUnavailable, true}, Case{503, ErrorCode::kUnavailable, true},
        Case{429, ErrorCode::kUnavailable, true}, Case{408, ErrorCode::kUnavailable, true},
        Case{400, ErrorCode::kInvalidArgument, false},
        Case{422, ErrorCode::kInvalidArgument, false},
        Case{404, ErrorCode::kFailedPrecondition, false},
        Case{401, ErrorCode::kFailedPrecondition, false},
        Case{302, ErrorCode::kFailedPrecondition, false}}) {
    sidecar_.AnswerText(c.status, "the server's own words");
    auto result = Runner().Run(Request(7));
    ASSERT_FALSE(result.ok()) << c.status;
    EXPECT_EQ(result.error().code(), c.code) << c.status;
    EXPECT_EQ(result.error().transient(), c.transient) << c.status;
    EXPECT_THAT(result.error().message(), HasSubstr("the server's own words")) << c.status;
  }
}

TEST_F(HttpSnosRunnerTest, QuotesOnlyTheEndOfALongErrorText) {
  sidecar_.Answer(500, {{"error", std::string(10000, 'x') + " root cause: out of memory"},
                        {"retryable", true}});

  auto result = Runner().Run(Request(7));

  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error().message(), HasSubstr("root cause: out of memory"));
  EXPECT_LT(result.error().message().size(), 4096u + 200u);
}

TEST_F(HttpSnosRunnerTest, ConnectionRefusedIsTransient) {
  auto result =
      Runner("http://127.0.0.1:" + std::to_string(testing::ClosedLoopbackPort())).Run(Request(7));

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(result.error().transient());
}

TEST_F(HttpSnosRunnerTest, TimeoutIsTransient) {
  // Shared with the handler: the server, a fixture member, outlives this test body and may
  // still be waking the handler when the body ends.
  const auto gate = std::make_shared<testing::Gate>();
  sidecar_.SetReply([gate](httplib::Response& response) {
    gate->Wait();
    response.status = 500;
  });

  auto result = Runner(sidecar_.url(), 300ms).Run(Request(7));
  gate->Open();

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kTimeout);
  EXPECT_TRUE(result.error().transient());
}

TEST_F(HttpSnosRunnerTest, MalformedAnswersAreDataLossNamingTheField) {
  const auto answer = [](const char* field, json value) {
    json body = GoodAnswer();
    if (value.is_null()) {
      body.erase(field);
    } else {
      body[field] = std::move(value);
    }
    return body.dump();
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "not a JSON object"},
      {"[1, 2]", "not a JSON object"},
      {answer("cairo_pie_zip_base64", nullptr), "cairo_pie_zip_base64 is missing"},
      {answer("cairo_pie_zip_base64", 12), "cairo_pie_zip_base64 is missing or not a string"},
      {answer("cairo_pie_zip_base64", "abc"), "base64 of length 3"},
      {answer("cairo_pie_zip_base64", "ab!d"), "not base64 at offset 2"},
      {answer("cairo_pie_zip_base64", "a=bc"), "not base64 at offset 1"},
      {answer("cairo_pie_zip_base64", Base64("not a zip")), "not a Cairo PIE zip"},
      {answer("os_output", nullptr), "os_output is missing"},
      {answer("os_output", "0x1"), "os_output: a JSON string"},
      {answer("os_output", json::array()), "os_output: an empty array"},
      {answer("os_output", {"0x1", 2}), "os_output: element 1 is a number"},
      {answer("os_output", {"0x1", "0x2", "0xg"}), "os_output: element 2 (\"0xg\")"},
  };
  for (const auto& [body, expected] : cases) {
    sidecar_.AnswerText(200, body);
    auto result = Runner().Run(Request(7));
    ASSERT_FALSE(result.ok()) << body;
    EXPECT_EQ(result.error().code(), ErrorCode::kDataLoss) << body;
    EXPECT_FALSE(result.error().transient()) << body;
    EXPECT_THAT(result.error().message(), HasSubstr(expected)) << body;
  }
}

TEST_F(HttpSnosRunnerTest, NeitherUrlNorItsSecretsAppearInMessagesOrDescribe) {
  const std::string base =
      "http://sidecar-user:sidecar-pass@127.0.0.1:" + std::to_string(sidecar_.port()) +
      "/prefix?token=t0k3n";
  const std::vector<std::string> secrets = {"hunter2",      "key-abc123", "s3cr3t",
                                            "sidecar-pass", "t0k3n",      kSecretRpcUrl};
  const auto expect_clean = [&](const std::string& text) {
    for (const std::string& secret : secrets) {
      EXPECT_THAT(text, Not(HasSubstr(secret)));
    }
  };
  // The service echoes what it was sent, URLs included.
  sidecar_.SetReply([](httplib::Response& response) {
    response.status = 500;
    response.set_content(json{{"error", "cannot reach " + std::string(kSecretRpcUrl) +
                                            " (asked with token=t0k3n, sidecar-pass)"},
                              {"retryable", true}}
                             .dump(),
                         "application/json");
  });

  auto echoed = Runner(base).Run(Request(7));
  ASSERT_FALSE(echoed.ok());
  EXPECT_THAT(echoed.error().message(), HasSubstr("cannot reach <node url>"));
  expect_clean(echoed.error().message());

  const std::string closed = "http://sidecar-user:sidecar-pass@127.0.0.1:" +
                             std::to_string(testing::ClosedLoopbackPort()) + "/prefix?token=t0k3n";
  auto refused = Runner(closed).Run(Request(7));
  ASSERT_FALSE(refused.ok());
  expect_clean(refused.error().message());

  SnosRequest bad_rpc = Request(7);
  bad_rpc.rpc_url = "ftp://user:hunter2@node.example/key-abc123";
  auto invalid = Runner(base).Run(bad_rpc);
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().code(), ErrorCode::kInvalidArgument);
  expect_clean(invalid.error().message());

  const std::string described = Runner(base).Describe();
  EXPECT_EQ(described, "http:http://127.0.0.1:" + std::to_string(sidecar_.port()));
  expect_clean(described);
}

}  // namespace
}  // namespace orch::snos
