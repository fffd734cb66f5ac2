#include "tests/support/anvil_process.h"

#include <gtest/gtest.h>

#include "orch/http/curl_http_client.h"

namespace orch::test_support {
namespace {

Result<http::HttpResponse> ChainId(const std::string& url) {
  http::CurlHttpClient client;
  return client.Send({.method = "POST",
                      .url = url,
                      .headers = {{"Content-Type", "application/json"}},
                      .body = R"({"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]})",
                      .timeout = std::chrono::milliseconds(2000)});
}

TEST(AnvilProcessTest, StartsAPrivateNodeAndKillsIt) {
  Result<AnvilProcess> anvil = AnvilProcess::Start();
  ASSERT_TRUE(anvil.ok()) << anvil.error().ToString();
  const Result<http::HttpResponse> answer = ChainId(anvil->url());
  ASSERT_TRUE(answer.ok()) << answer.error().ToString();
  EXPECT_NE(answer->body.find("\"0x7a69\""), std::string::npos) << answer->body;  // 31337

  anvil->Kill();
  const Result<http::HttpResponse> after = ChainId(anvil->url());
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().code(), ErrorCode::kUnavailable);
}

TEST(AnvilProcessTest, TwoNodesRunSideBySide) {
  Result<AnvilProcess> first = AnvilProcess::Start();
  Result<AnvilProcess> second = AnvilProcess::Start();
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_NE(first->port(), second->port());
  EXPECT_TRUE(ChainId(second->url()).ok());
}

}  // namespace
}  // namespace orch::test_support
