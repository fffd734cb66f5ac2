#include "orch/common/uuid.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace orch {
namespace {

std::uint64_t MillisOf(const std::string& uuid) {
  std::string hex = uuid.substr(0, 8) + uuid.substr(9, 4);
  return std::stoull(hex, nullptr, 16);
}

TEST(UuidTest, ARandomUuidIsVersion4) {
  const std::string uuid = NewUuid();
  EXPECT_TRUE(IsUuid(uuid)) << uuid;
  EXPECT_EQ(uuid[14], '4') << uuid;
  EXPECT_NE(NewUuid(), uuid);
}

TEST(UuidTest, ATimeOrderedUuidIsVersion7AndCarriesItsMilliseconds) {
  const TimePoint now = FromUnixMillis(1'764'384'000'123);
  const std::string uuid = NewTimeOrderedUuid(now);
  EXPECT_TRUE(IsUuid(uuid)) << uuid;
  EXPECT_EQ(uuid[14], '7') << uuid;
  EXPECT_NE(std::string("89ab").find(uuid[19]), std::string::npos) << "RFC 4122 variant: " << uuid;
  EXPECT_EQ(MillisOf(uuid), 1'764'384'000'123u) << uuid;
}

TEST(UuidTest, TimeOrderedUuidsSortByTimeAndDifferWithinAMillisecond) {
  std::set<std::string> same_millisecond;
  for (int i = 0; i < 1000; ++i) {
    same_millisecond.insert(NewTimeOrderedUuid(FromUnixMillis(5'000)));
  }
  EXPECT_EQ(same_millisecond.size(), 1000u);
  const std::string earlier = NewTimeOrderedUuid(FromUnixMillis(5'000));
  const std::string later = NewTimeOrderedUuid(FromUnixMillis(5'001));
  const std::string much_later = NewTimeOrderedUuid(FromUnixMillis(1'000'000'000'000));
  EXPECT_LT(earlier, later);
  EXPECT_LT(later, much_later);
}

}  // namespace
}  // namespace orch
