#include "orch/objects/object_key.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace orch::objects {
namespace {

TEST(ValidateObjectKeyTest, AcceptsWellFormedKeys) {
  const std::vector<std::string> keys = {
      "a",
      "jobs/42/cairo_pie.zip",
      "blobs/0x1a2b/blob-1.txt",
      ".hidden",
      "a/.b/c..d/...",
      "with space/and-dash_and.dot",
      "données/ñandú",
      std::string(kMaxObjectKeyBytes, 'k'),
  };
  for (const std::string& key : keys) {
    EXPECT_TRUE(ValidateObjectKey(key).ok()) << key;
  }
}

struct InvalidKey {
  std::string key;
  std::string reason;  // expected in the message
};

TEST(ValidateObjectKeyTest, RejectsMalformedKeysSayingWhy) {
  const std::vector<InvalidKey> cases = {
      {"", "empty"},
      {std::string(kMaxObjectKeyBytes + 1, 'k'), "longer than 1024 bytes"},
      {"/abs", "starts with '/'"},
      {"a//b", "empty segment"},
      {"a/", "empty segment"},
      {".", "'.' segment"},
      {"a/./b", "'.' segment"},
      {"..", "'..' segment"},
      {"../x", "'..' segment"},
      {"a/../../x", "'..' segment"},
      {"a\\b", "backslash"},
      {"..\\x", "backslash"},
      {std::string("nul\0byte", 8), "control character at byte 3"},
      {"new\nline", "control character"},
      {"tab\there", "control character"},
      {"del\x7f", "control character"},
  };
  for (const InvalidKey& invalid : cases) {
    const Result<void> result = ValidateObjectKey(invalid.key);
    ASSERT_FALSE(result.ok()) << invalid.key;
    EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(result.error().message().find(invalid.reason), std::string::npos)
        << result.error().message();
  }
}

TEST(ValidateObjectKeyTest, MessageShowsTheKeyEscapedAndShortened) {
  EXPECT_NE(ValidateObjectKey("jobs//1").error().message().find("'jobs//1'"), std::string::npos);
  const std::string newline_message = ValidateObjectKey("a\nb").error().message();
  EXPECT_NE(newline_message.find("'a\\x0ab'"), std::string::npos) << newline_message;
  EXPECT_EQ(newline_message.find('\n'), std::string::npos);
  const std::string long_message =
      ValidateObjectKey(std::string(kMaxObjectKeyBytes + 1, 'k')).error().message();
  EXPECT_NE(long_message.find("(1025 bytes)"), std::string::npos) << long_message;
  EXPECT_LT(long_message.size(), 200U);
}

TEST(ValidateObjectKeyPrefixTest, AcceptsPrefixes) {
  for (const char* prefix : {"", "jobs", "jobs/", "jobs/4", "jobs/42/", "a/.", "a/..", "."}) {
    EXPECT_TRUE(ValidateObjectKeyPrefix(prefix).ok()) << prefix;
  }
}

TEST(ValidateObjectKeyPrefixTest, RejectsPrefixesThatCannotStartAKey) {
  for (const char* prefix : {"/", "/jobs", "../", "a/../", "./", "a//", "a\\", "a\n"}) {
    const Result<void> result = ValidateObjectKeyPrefix(prefix);
    ASSERT_FALSE(result.ok()) << prefix;
    EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace orch::objects
