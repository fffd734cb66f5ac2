#include "orch/common/result.h"

#include <gtest/gtest.h>

#include <memory>

namespace orch {
namespace {

Result<int> Half(int value) {
  if (value % 2 != 0) {
    return Error::InvalidArgument("{} is odd", value);
  }
  return value / 2;
}

Result<int> Quarter(int value) {
  ORCH_ASSIGN_OR_RETURN(int half, Half(value));
  return Half(half);
}

Result<void> CheckEven(int value) {
  ORCH_RETURN_IF_ERROR(Half(value));
  return Ok();
}

TEST(ResultTest, CarriesAValueOrAnError) {
  EXPECT_EQ(*Quarter(8), 2);
  const Result<int> odd = Quarter(6);
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(odd.error().message(), "3 is odd");
  EXPECT_TRUE(CheckEven(2).ok());
  EXPECT_FALSE(CheckEven(3).ok());
}

TEST(ResultTest, HoldsMoveOnlyValues) {
  Result<std::unique_ptr<int>> boxed = std::make_unique<int>(5);
  ASSERT_TRUE(boxed.ok());
  std::unique_ptr<int> taken = std::move(boxed).value();
  EXPECT_EQ(*taken, 5);
}

TEST(ErrorTest, TransienceFollowsTheCodeUnlessOverridden) {
  EXPECT_TRUE(Error::Unavailable("down").transient());
  EXPECT_TRUE(Error::Timeout("slow").transient());
  EXPECT_TRUE(Error::Conflict("raced").transient());
  EXPECT_FALSE(Error::InvalidArgument("bad").transient());
  EXPECT_FALSE(Error::DataLoss("corrupt").transient());
  EXPECT_TRUE(Error::Internal("http 503").WithTransient(true).transient());
  const Error wrapped = Error::Unavailable("refused").WithContext("postgres");
  EXPECT_EQ(wrapped.message(), "postgres: refused");
  EXPECT_TRUE(wrapped.transient());
  EXPECT_EQ(wrapped.ToString(), "unavailable: postgres: refused");
}

TEST(ResultDeathTest, ValueOfAnErrorStopsTheProcess) {
  const Result<int> odd = Half(3);
  EXPECT_DEATH((void)odd.value(), "value\\(\\) on an error");
}

}  // namespace
}  // namespace orch
