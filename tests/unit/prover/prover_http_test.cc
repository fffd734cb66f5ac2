#include "orch/clients/prover/prover_http.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/fakes/fake_http_client.h"

#include "orch/clients/prover/multipart_form.h"

namespace orch::prover {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

struct AnswerCase {
  int status;
  std::string body;
  bool infrastructure;
};

TEST(IsInfrastructureAnswerTest, TellsGatewaysFromTheProver) {
  const std::vector<AnswerCase> cases = {
      {500, R"({"message": "internal"})", true},
      {502, "", true},
      {503, "busy", true},
      {504, "", true},
      {429, R"({"message": "slow down"})", true},
      {404, "404 page not found", true},
      {404, "", true},
      {404, "Not Found", true},
      {400, "<html><body>Bad Request</body></html>", true},
      {403, "<!DOCTYPE html><p>blocked</p>", true},
      {400, R"({"0":"4","1":"0","2":"4"})", true},
      {404, R"({"message": "Atlantic query not found"})", false},
      {404, "query not found", false},
      {404, "no such job", false},
      {400, R"({"message": "invalid layout"})", false},
      {401, R"({"message": "Unauthorized"})", false},
      {409, "conflict", false},
  };
  for (const AnswerCase& answer : cases) {
    EXPECT_EQ(IsInfrastructureAnswer(answer.status, answer.body), answer.infrastructure)
        << answer.status << " " << answer.body;
  }
}

class ProverHttpTest : public ::testing::Test {
 protected:
  ProverRetryOptions Options() {
    ProverRetryOptions options;
    options.sleep = [this](std::chrono::milliseconds delay) { sleeps_.push_back(delay); };
    return options;
  }
  http::HttpRequest Request() {
    return http::HttpRequest{.method = "GET", .url = "http://prover/x", .headers = {}, .body = {}};
  }

  http::FakeHttpClient http_;
  std::vector<std::chrono::milliseconds> sleeps_;
};

TEST_F(ProverHttpTest, TransientTransportErrorsAreRetriedAndPermanentOnesAreNot) {
  ProverHttp prover(http_, Options(), "");
  http_.PushError(Error::Timeout("slow"));
  http_.PushError(Error::Unavailable("refused"));
  http_.PushResponse(200, "{}");
  auto answer = prover.Send(Request(), "test: GET /x");
  ASSERT_TRUE(answer.ok()) << answer.error().ToString();
  EXPECT_EQ(answer->status, 200);
  EXPECT_THAT(sleeps_, ElementsAre(2000ms, 4000ms));

  http_.PushError(Error::InvalidArgument("bad url"));
  auto refused = prover.Send(Request(), "test: GET /x");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(refused.error().message(), HasSubstr("test: GET /x: bad url"));
  EXPECT_EQ(sleeps_.size(), 2u);
}

TEST_F(ProverHttpTest, TheProversOwnRefusalComesBackForTheCallerToJudge) {
  ProverHttp prover(http_, Options(), "");
  http_.PushResponse(400, R"({"message": "invalid layout"})");
  auto answer = prover.Send(Request(), "test");
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->status, 400);
  const Error refused = prover.Refused("test", *answer);
  EXPECT_EQ(refused.code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(refused.transient());
  EXPECT_EQ(refused.message(), "test: refused with HTTP 400: invalid layout");
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(ProverHttpTest, TheSecretIsMaskedEvenWhereTheBodyIsCut) {
  const std::string secret = "s3cr3t-key-0123456789";
  ProverRetryOptions once = Options();
  once.budget = 0ms;
  ProverHttp prover(http_, once, secret);
  // The secret straddles the 200-character cut of quoted bodies.
  http_.PushResponse(503, std::string(190, 'x') + secret);
  auto failed = prover.Send(Request(), "test");
  ASSERT_FALSE(failed.ok());
  EXPECT_THAT(failed.error().message(), Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(failed.error().message(), HasSubstr("***"));
  EXPECT_EQ(prover.Mask("key=" + secret + "," + secret), "key=***,***");
}

TEST(ProverUrlTest, PercentEncodesAndJoins) {
  EXPECT_EQ(PercentEncode("0xAb-_.~"), "0xAb-_.~");
  EXPECT_EQ(PercentEncode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
  EXPECT_EQ(JoinUrl("https://host/v1/gateway/", "/add_job"), "https://host/v1/gateway/add_job");
  EXPECT_EQ(JoinUrl("https://host", "/x"), "https://host/x");
}

TEST(MultipartFormTest, EncodesPartsInOrderWithABoundaryFoundInNoPart) {
  MultipartForm form;
  form.AddField("a", "1");
  form.AddFile("f", "f.bin", "application/octet-stream", std::string("\0\r\n--x", 6));
  const MultipartForm::Encoded encoded = form.Encode();
  const std::string prefix = "multipart/form-data; boundary=";
  ASSERT_TRUE(encoded.content_type.starts_with(prefix));
  const std::string boundary = encoded.content_type.substr(prefix.size());
  EXPECT_EQ(encoded.body,
            "--" + boundary + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--" +
                boundary +
                "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.bin\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n" +
                std::string("\0\r\n--x", 6) + "\r\n--" + boundary + "--\r\n");
  EXPECT_NE(form.Encode().content_type, encoded.content_type);  // random per body
}

}  // namespace
}  // namespace orch::prover
