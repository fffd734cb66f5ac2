#include "orch/common/url.h"

#include <gtest/gtest.h>

namespace orch {
namespace {

TEST(UrlTest, ParsesTheBackendForms) {
  auto sqlite = Url::Parse("sqlite:///var/lib/orch/orch.db");
  ASSERT_TRUE(sqlite.ok());
  EXPECT_EQ(sqlite->scheme(), "sqlite");
  EXPECT_TRUE(sqlite->has_authority());
  EXPECT_EQ(sqlite->host(), "");
  EXPECT_EQ(sqlite->path(), "/var/lib/orch/orch.db");

  auto postgres = Url::Parse("postgresql://orch:s%40cret@db.internal:5433/orch?sslmode=require");
  ASSERT_TRUE(postgres.ok());
  EXPECT_EQ(postgres->scheme(), "postgresql");
  EXPECT_EQ(postgres->user(), "orch");
  EXPECT_EQ(postgres->password(), "s@cret");
  EXPECT_EQ(postgres->host(), "db.internal");
  EXPECT_EQ(postgres->port(), 5433);
  EXPECT_EQ(postgres->path(), "/orch");
  EXPECT_EQ(postgres->query(), "sslmode=require");
  EXPECT_EQ(postgres->redacted(), "postgresql://orch:***@db.internal:5433/orch?sslmode=require");

  auto log = Url::Parse("log:");
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->scheme(), "log");
  EXPECT_FALSE(log->has_authority());

  auto ipv6 = Url::Parse("http://[::1]:8080/hook");
  ASSERT_TRUE(ipv6.ok());
  EXPECT_EQ(ipv6->host(), "::1");
  EXPECT_EQ(ipv6->port(), 8080);

  auto upper = Url::Parse("SQLite:///x.db");
  ASSERT_TRUE(upper.ok());
  EXPECT_EQ(upper->scheme(), "sqlite");
}

TEST(UrlTest, RejectsUnclearInput) {
  for (const char* bad : {"", "orch.db", "/abs/path.db", ":nothing", "1sqlite:///x",
                          "http://host:0/", "http://host:70000/", "http://host:port/",
                          "file:///a b", "http://host/#frag", "file:///bad%zz", "http://[::1/"}) {
    auto parsed = Url::Parse(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidArgument);
      EXPECT_NE(parsed.error().message().find("malformed URL"), std::string::npos);
    }
  }
}

TEST(UrlTest, ErrorsAndRedactionNeverShowThePassword) {
  EXPECT_EQ(RedactUrl("postgresql://u:hunter2@h/db"), "postgresql://u:***@h/db");
  EXPECT_EQ(RedactUrl("postgresql://u@h/db"), "postgresql://u@h/db");
  EXPECT_EQ(RedactUrl("not a url"), "not a url");
  auto bad = Url::Parse("postgresql://u:hunter2@h:99999/db");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message().find("hunter2"), std::string::npos) << bad.error().message();
}

}  // namespace
}  // namespace orch
