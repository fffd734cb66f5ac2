#include "orch/crypto/stark_curve.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "orch/crypto/fixed_base_table.h"

namespace orch::crypto {
namespace {

constexpr AffinePoint kGenerator = AffinePoint::Generator();

U256 RandomScalar(std::mt19937_64& rng) {
  return U256(U256::Limbs{rng(), rng(), rng(), rng()}) % kStarkCurveOrder;
}

TEST(StarkCurveTest, ValidatesCoordinates) {
  EXPECT_TRUE(AffinePoint::FromCoordinates(kGenerator.x(), kGenerator.y()).ok());
  const auto off_curve = AffinePoint::FromCoordinates(kGenerator.x(), kGenerator.y() + Felt::One());
  ASSERT_FALSE(off_curve.ok());
  EXPECT_EQ(off_curve.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(off_curve.error().message().find("is not a point of the Stark curve"),
            std::string::npos);
}

TEST(StarkCurveTest, RecoversAPointFromItsX) {
  const AffinePoint point = AffinePoint::FromX(kGenerator.x()).value();
  EXPECT_TRUE(point == kGenerator || point == kGenerator.Negate());
  EXPECT_FALSE(point.y().ToU256().Bit(0));

  // About half of all x have no point; find one among the first few integers.
  bool found_missing = false;
  for (std::uint64_t x = 0; x < 20 && !found_missing; ++x) {
    const auto result = AffinePoint::FromX(Felt::FromUint64(x));
    if (!result.ok()) {
      found_missing = true;
      EXPECT_NE(result.error().message().find("no point of the Stark curve has x"),
                std::string::npos);
    }
  }
  EXPECT_TRUE(found_missing);
}

TEST(StarkCurveTest, GroupLaw) {
  const JacobianPoint g(kGenerator);
  EXPECT_EQ(g.Double(), g.Add(g));
  EXPECT_EQ(g.Double(), g.AddAffine(kGenerator));
  EXPECT_TRUE(g.Add(g.Negate()).IsInfinity());
  EXPECT_TRUE(g.AddAffine(kGenerator.Negate()).IsInfinity());
  EXPECT_EQ(JacobianPoint().Add(g), g);
  EXPECT_EQ(g.Add(JacobianPoint()), g);
  EXPECT_EQ(JacobianPoint().AddAffine(kGenerator), g);
  EXPECT_TRUE(JacobianPoint().Double().IsInfinity());
  EXPECT_FALSE(JacobianPoint().ToAffine().has_value());
  const JacobianPoint three = g.Double().Add(g);
  EXPECT_EQ(three, g.Add(g.Double()));
  EXPECT_EQ(three.ToAffine().value(), Multiply(kGenerator, U256(3)).ToAffine().value());
}

TEST(StarkCurveTest, TheGeneratorHasOrderN) {
  EXPECT_TRUE(Multiply(kGenerator, kStarkCurveOrder).IsInfinity());
  EXPECT_EQ(Multiply(kGenerator, kStarkCurveOrder - U256(1)).ToAffine().value(),
            kGenerator.Negate());
  EXPECT_EQ(Multiply(kGenerator, kStarkCurveOrder + U256(1)).ToAffine().value(), kGenerator);
  EXPECT_TRUE(Multiply(kGenerator, U256()).IsInfinity());
}

TEST(StarkCurveTest, MultiplyMatchesRepeatedAddition) {
  JacobianPoint sum;
  for (std::uint64_t k = 1; k <= 40; ++k) {
    sum = sum.AddAffine(kGenerator);
    EXPECT_EQ(Multiply(kGenerator, U256(k)), sum) << k;
  }
}

TEST(StarkCurveTest, MultiplicationDistributes) {
  std::mt19937_64 rng(0x5eedc0de);
  for (int i = 0; i < 20; ++i) {
    const U256 a = RandomScalar(rng);
    const U256 b = RandomScalar(rng);
    const U256 sum = (a + b) % kStarkCurveOrder;
    EXPECT_EQ(Multiply(kGenerator, a).Add(Multiply(kGenerator, b)), Multiply(kGenerator, sum));
  }
}

TEST(StarkCurveTest, BatchToAffineMatchesToAffine) {
  std::vector<JacobianPoint> points;
  JacobianPoint point(kGenerator);
  for (int i = 0; i < 10; ++i) {
    points.push_back(point);
    point = point.Double().AddAffine(kGenerator);
  }
  const std::vector<AffinePoint> affine = JacobianPoint::BatchToAffine(points);
  ASSERT_EQ(affine.size(), points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    EXPECT_EQ(affine[i], points[i].ToAffine().value());
  }
  EXPECT_TRUE(JacobianPoint::BatchToAffine({}).empty());
}

TEST(FixedBaseTableTest, MatchesVariableBaseMultiplication) {
  const AffinePoint base = Multiply(kGenerator, U256(12345)).ToAffine().value();
  const FixedBaseTable table(base, 252);
  std::mt19937_64 rng(0x5eedf1b7);
  for (int i = 0; i < 50; ++i) {
    const U256 scalar = RandomScalar(rng);
    EXPECT_EQ(table.MultiplyAdd({}, scalar), Multiply(base, scalar));
  }
  EXPECT_TRUE(table.MultiplyAdd({}, U256()).IsInfinity());
  EXPECT_EQ(table.MultiplyAdd(JacobianPoint(kGenerator), U256(1)),
            JacobianPoint(kGenerator).AddAffine(base));

  const FixedBaseTable narrow(base, 4);
  for (std::uint64_t k = 0; k < 16; ++k) {
    EXPECT_EQ(narrow.MultiplyAdd({}, U256(k)), Multiply(base, U256(k)));
  }
}

}  // namespace
}  // namespace orch::crypto
