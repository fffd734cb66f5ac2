// Differential test of the SigV4 signer against the AWS SDK for JavaScript's signer
// (@smithy/signature-v4, tests/oracles/sigv4_oracle.mjs) on random requests from a fixed
// seed: methods, services (S3 signs paths as sent, the others normalise and re-encode them),
// paths and query values with reserved, unicode and percent characters, odd header spacing,
// session tokens, bodies. A missing node or npm package fails the test: it never skips.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "tests/support/node_oracle.h"

#include "orch/aws/sigv4_signer.h"

namespace orch::aws {
namespace {

using nlohmann::json;

constexpr int kCases = 1500;
constexpr std::uint64_t kSeed = 0x5167'0000'0008;

class RequestGenerator {
 public:
  explicit RequestGenerator(std::uint64_t seed) : random_(seed) {}

  std::size_t Below(std::size_t bound) {
    return std::uniform_int_distribution<std::size_t>(0, bound - 1)(random_);
  }

  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Below(items.size())];
  }

  // Text drawn from letters, reserved characters, spaces, '%', '+', '~' and multi-byte UTF-8.
  std::string Text(std::size_t max_length) {
    static const std::vector<std::string> kPieces = {"a",
                                                     "Z",
                                                     "0",
                                                     "9",
                                                     "-",
                                                     "_",
                                                     ".",
                                                     "~",
                                                     " ",
                                                     "+",
                                                     "%",
                                                     "=",
                                                     "&",
                                                     "/",
                                                     "?",
                                                     "*",
                                                     "!",
                                                     "'",
                                                     "(",
                                                     ")",
                                                     ",",
                                                     ";",
                                                     ":",
                                                     "@",
                                                     "$",
                                                     "\xc3\xa9",
                                                     "\xe2\x82\xac",
                                                     "\xf0\x9f\x9a\x80",
                                                     "x"};
    std::string text;
    const std::size_t length = Below(max_length + 1);
    for (std::size_t i = 0; i < length; ++i) {
      text += Pick(kPieces);
    }
    return text;
  }

  std::string Word(std::size_t max_length) {
    static const std::string kLetters = "abcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string word;
    const std::size_t length = 1 + Below(max_length);
    for (std::size_t i = 0; i < length; ++i) {
      word += kLetters[Below(kLetters.size())];
    }
    return word;
  }

  std::mt19937_64& random() { return random_; }

 private:
  std::mt19937_64 random_;
};

struct Case {
  http::HttpRequest request;
  AwsCredentials credentials;
  SigningScope scope;
  TimePoint time;
  json oracle_request;
};

Case MakeCase(RequestGenerator& generator) {
  Case c;
  static const std::vector<std::string> kServices = {"s3", "sqs", "sns", "events", "scheduler"};
  static const std::vector<std::string> kRegions = {"us-east-1", "eu-west-3", "ap-southeast-2"};
  static const std::vector<std::string> kMethods = {"GET", "PUT", "POST", "DELETE", "HEAD"};
  c.scope = {generator.Pick(kRegions), generator.Pick(kServices)};
  c.credentials = {"AKID" + generator.Word(16), generator.Text(40) + "/K7MDENG",
                   generator.Below(3) == 0 ? "token/" + generator.Word(60) + "==" : ""};
  c.time = TimePoint(std::chrono::milliseconds(
      1'600'000'000'000 + static_cast<std::int64_t>(generator.Below(400'000'000) * 1000)));

  // The path: segments of random text, percent-encoded as on the wire (sometimes with '.' and
  // '..' segments, doubled and trailing slashes, which only non-S3 services normalise).
  std::string path;
  const std::size_t segments = generator.Below(5);
  for (std::size_t i = 0; i < segments; ++i) {
    const std::size_t kind = generator.Below(10);
    std::string segment = kind == 0   ? "."
                          : kind == 1 ? ".."
                          : kind == 2 ? ""
                                      : UriEncode(generator.Text(12));
    // Keys keep '/' inside S3 segments; encode it only sometimes.
    path += "/" + segment;
  }
  if (path.empty() || generator.Below(4) == 0) {
    path += "/";
  }
  // The SDK's S3 client never sends '.' or '..' path segments as such; keep S3 paths plain.
  if (c.scope.service == "s3") {
    path = "/" + generator.Word(10) + "/" + UriEncode(generator.Text(20));
  }

  json query = json::object();
  std::string wire_query;
  const std::size_t parameters = generator.Below(4);
  for (std::size_t i = 0; i < parameters; ++i) {
    const std::string key = generator.Below(2) == 0 ? generator.Word(8) : generator.Text(6);
    if (key.empty() || query.contains(key)) {
      continue;
    }
    const std::string value = generator.Text(10);
    query[key] = value;
    wire_query += (wire_query.empty() ? "" : "&") + UriEncode(key) + "=" + UriEncode(value);
  }

  const std::string host = generator.Below(2) == 0
                               ? "127.0.0.1:" + std::to_string(1024 + generator.Below(60000))
                               : c.scope.service + "." + c.scope.region + ".amazonaws.com";
  c.request.method = generator.Pick(kMethods);
  c.request.url = "http://" + host + path + (wire_query.empty() ? "" : "?" + wire_query);
  json headers = json::object();
  headers["host"] = host;
  const auto add_header = [&](const std::string& name, const std::string& value) {
    c.request.headers.emplace_back(name, value);
    headers[name] = value;
  };
  if (generator.Below(2) == 0) {
    add_header("content-type", "application/x-amz-json-1." + std::to_string(generator.Below(2)));
  }
  if (generator.Below(2) == 0) {
    add_header("x-amz-target", "AmazonSQS." + generator.Word(12));
  }
  if (generator.Below(3) == 0) {
    // Leading, trailing and repeated inner spaces are trimmed and collapsed when signed.
    add_header("x-amz-meta-" + generator.Word(6), "  a  b   c ");
  }
  if (generator.Below(3) == 0) {
    add_header("user-agent", "orchestrator/" + generator.Word(4));  // never signed
  }
  c.request.body = generator.Below(3) == 0 ? "" : generator.Text(200);

  c.oracle_request = {
      {"method", c.request.method},
      {"protocol", "http:"},
      {"hostname", host.substr(0, host.find(':'))},
      {"path", path},
      {"query", query},
      {"headers", headers},
      {"body", c.request.body},
      {"access_key_id", c.credentials.access_key_id},
      {"secret_access_key", c.credentials.secret_access_key},
      {"session_token", c.credentials.session_token},
      {"region", c.scope.region},
      {"service", c.scope.service},
      {"time_ms", c.time.time_since_epoch().count()},
  };
  if (const std::size_t colon = host.find(':'); colon != std::string::npos) {
    c.oracle_request["port"] = std::stoi(host.substr(colon + 1));
  }
  return c;
}

TEST(SigV4OracleTest, AgreesWithTheAwsJavaScriptSdkOnRandomRequests) {
  RequestGenerator generator(kSeed);
  std::vector<Case> cases;
  std::vector<json> requests;
  for (int i = 0; i < kCases; ++i) {
    cases.push_back(MakeCase(generator));
    requests.push_back(cases.back().oracle_request);
  }
  Result<std::vector<json>> answers = testing::RunNodeOracle("sigv4_oracle.mjs", {}, requests);
  ASSERT_TRUE(answers.ok()) << answers.error().ToString();

  int services_seen_with_query = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    Case& c = cases[i];
    const json& answer = (*answers)[i];
    ASSERT_FALSE(answer.contains("error")) << answer.dump() << "\nfor " << requests[i].dump();
    ASSERT_TRUE(SignRequest(c.request, c.credentials, c.scope, c.time).ok());
    const auto ours = http::FindHeader(c.request.headers, "authorization");
    ASSERT_TRUE(ours.has_value());
    EXPECT_EQ(*ours, answer["authorization"].get<std::string>())
        << "request " << i << ": " << requests[i].dump() << "\ncanonical request:\n"
        << *CanonicalRequest(c.request, c.scope.service);
    if (!requests[i]["query"].empty()) {
      ++services_seen_with_query;
    }
    if (::testing::Test::HasFailure()) {
      return;  // one diagnosed mismatch is enough
    }
  }
  EXPECT_GT(services_seen_with_query, kCases / 3);
}

}  // namespace
}  // namespace orch::aws
