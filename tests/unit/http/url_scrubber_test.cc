#include "orch/http/url_scrubber.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace orch::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(UrlScrubberTest, MasksTheUrlAndEachSecretPartWhereverItAppears) {
  const UrlScrubber scrubber("https://user:pa55word@node.example.com:8545/v3/KEY123?token=abc");
  const std::string scrubbed = scrubber.Scrub(
      "POST https://user:pa55word@node.example.com:8545/v3/KEY123?token=abc failed; the node "
      "said: unknown key /v3/KEY123, query token=abc, password pa55word");
  for (const char* secret : {"pa55word", "KEY123", "token=abc"}) {
    EXPECT_THAT(scrubbed, Not(HasSubstr(secret))) << scrubbed;
  }
  EXPECT_THAT(scrubbed, HasSubstr("<node url>"));
  EXPECT_THAT(scrubbed, HasSubstr("failed; the node said"));
}

TEST(UrlScrubberTest, LeavesTextWithoutSecretsAlone) {
  const UrlScrubber scrubber("http://127.0.0.1:8545");
  EXPECT_EQ(scrubber.Scrub("connection refused / timed out"), "connection refused / timed out");
}

}  // namespace
}  // namespace orch::http
