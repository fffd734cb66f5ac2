#include "orch/aws/sigv4_signer.h"

#include <gtest/gtest.h>

namespace orch::aws {
namespace {

// 2015-08-30T12:36:00Z, the date of AWS's published SigV4 test suite.
const TimePoint kSuiteTime{std::chrono::seconds(1440938160)};
const AwsCredentials kSuiteCredentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                       ""};

std::string Authorization(const http::HttpRequest& request) {
  return std::string(http::FindHeader(request.headers, "authorization").value_or(""));
}

// "get-vanilla" from AWS's SigV4 test suite.
TEST(SigV4SignerTest, MatchesTheAwsTestSuiteGetVanilla) {
  http::HttpRequest request{.method = "GET", .url = "https://example.amazonaws.com/"};
  ASSERT_TRUE(SignRequest(request, kSuiteCredentials, {"us-east-1", "service"}, kSuiteTime).ok());
  EXPECT_EQ(Authorization(request),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  EXPECT_EQ(http::FindHeader(request.headers, "x-amz-date").value_or(""), "20150830T123600Z");
}

TEST(SigV4SignerTest, CanonicalRequestSortsQueryAndHeadersAndHashesTheBody) {
  http::HttpRequest request{.method = "POST",
                            .url = "http://127.0.0.1:4566/a%20b/./c/../d?b=2&a=1%2B&a=0",
                            .headers = {{"X-Amz-Target", " AmazonSQS.SendMessage "},
                                        {"Content-Type", "application/x-amz-json-1.0"},
                                        {"User-Agent", "curl"}},
                            .body = "{}"};
  ASSERT_TRUE(SignRequest(request, {"id", "secret", ""}, {"us-east-1", "sqs"}, kSuiteTime).ok());
  const Result<std::string> canonical = CanonicalRequest(request, "sqs");
  ASSERT_TRUE(canonical.ok());
  EXPECT_EQ(*canonical,
            "POST\n/a%2520b/d\na=0&a=1%2B&b=2\n"
            "content-type:application/x-amz-json-1.0\nhost:127.0.0.1:4566\n"
            "x-amz-date:20150830T123600Z\nx-amz-target:AmazonSQS.SendMessage\n\n"
            "content-type;host;x-amz-date;x-amz-target\n" +
                HexSha256("{}"));
}

TEST(SigV4SignerTest, S3SignsThePathAsSentAndAddsThePayloadHash) {
  http::HttpRequest request{
      .method = "PUT", .url = "http://127.0.0.1:4568/bucket/a%20b/./c", .body = "hello"};
  ASSERT_TRUE(SignRequest(request, {"id", "secret", ""}, {"us-east-1", "s3"}, kSuiteTime).ok());
  EXPECT_EQ(http::FindHeader(request.headers, "x-amz-content-sha256").value_or(""),
            HexSha256("hello"));
  const Result<std::string> canonical = CanonicalRequest(request, "s3");
  ASSERT_TRUE(canonical.ok());
  EXPECT_TRUE(canonical->starts_with("PUT\n/bucket/a%20b/./c\n\n")) << *canonical;
}

TEST(SigV4SignerTest, SessionTokenIsSentAndSigned) {
  http::HttpRequest request{.method = "GET", .url = "https://sns.us-east-1.amazonaws.com/"};
  ASSERT_TRUE(
      SignRequest(request, {"id", "secret", "the-token"}, {"us-east-1", "sns"}, kSuiteTime).ok());
  EXPECT_EQ(http::FindHeader(request.headers, "x-amz-security-token").value_or(""), "the-token");
  EXPECT_NE(Authorization(request).find("SignedHeaders=host;x-amz-date;x-amz-security-token"),
            std::string::npos)
      << Authorization(request);
}

TEST(SigV4SignerTest, SigningTwiceReplacesTheFirstSignature) {
  http::HttpRequest request{.method = "GET", .url = "https://example.amazonaws.com/"};
  ASSERT_TRUE(SignRequest(request, kSuiteCredentials, {"us-east-1", "service"}, kSuiteTime).ok());
  ASSERT_TRUE(SignRequest(request, kSuiteCredentials, {"us-east-1", "service"}, kSuiteTime).ok());
  int authorizations = 0;
  for (const auto& [name, value] : request.headers) {
    authorizations += name == "authorization" ? 1 : 0;
  }
  EXPECT_EQ(authorizations, 1);
  EXPECT_NE(Authorization(request).find("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d"),
            std::string::npos);
}

TEST(SigV4SignerTest, RejectsARelativeUrl) {
  http::HttpRequest request{.method = "GET", .url = "/no-host"};
  const Result<void> signed_request =
      SignRequest(request, kSuiteCredentials, {"us-east-1", "sqs"}, kSuiteTime);
  ASSERT_FALSE(signed_request.ok());
  EXPECT_EQ(signed_request.error().code(), ErrorCode::kInvalidArgument);
}

TEST(SigV4SignerTest, UriEncodeKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(UriEncode("aZ09-_.~"), "aZ09-_.~");
  EXPECT_EQ(UriEncode("a b+c/d*"), "a%20b%2Bc%2Fd%2A");
  EXPECT_EQ(UriEncode("\xc3\xa9"), "%C3%A9");
}

}  // namespace
}  // namespace orch::aws
