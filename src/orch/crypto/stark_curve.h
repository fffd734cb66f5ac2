#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "orch/common/result.h"
#include "orch/crypto/felt.h"
#include "orch/crypto/u256.h"

namespace orch::crypto {

// StarkWare's STARK-friendly curve y^2 = x^3 + α·x + β over F_P, of prime order (cofactor 1).
inline constexpr Felt kStarkCurveAlpha = Felt::FromUint64(1);
inline constexpr Felt kStarkCurveBeta =
    Felt::FromHexLiteral("0x6f21413efbe40de150e596d72f7a8c5609ad26c15c915c1f4cdfcb99cee9e89");
/// The number of points, n (the ECDSA scalar modulus).
inline constexpr U256 kStarkCurveOrder =
    U256::FromHexLiteral("0x800000000000010ffffffffffffffffb781126dcae7b2321e66a241adc64d2f");

/// A finite point of the Stark curve. Every factory checks the curve equation, so an
/// AffinePoint is always on the curve; the point at infinity has no affine form (see
/// JacobianPoint). A plain value: thread-compatible.
class AffinePoint {
 public:
  /// Fails when (x, y) is not on the curve.
  static Result<AffinePoint> FromCoordinates(const Felt& x, const Felt& y);
  /// The point with this x and an even y (its negation is the only other one); fails when no
  /// point has this x.
  static Result<AffinePoint> FromX(const Felt& x);
  /// A compile-time constant; coordinates off the curve do not compile.
  static consteval AffinePoint FromLiteral(std::string_view x, std::string_view y);

  /// The generator G used for Stark keys and ECDSA.
  static consteval AffinePoint Generator() {
    return FromLiteral("0x1ef15c18599971b7beced415a40f0c7deacfd9b0d1819e03d723d8bc943cfca",
                       "0x5668060aa49730b7be4801df46ec62de53ecd11abe43a32873000c36e8dc1f");
  }

  static constexpr bool IsOnCurve(const Felt& x, const Felt& y) {
    return y.Square() == (x.Square() + kStarkCurveAlpha) * x + kStarkCurveBeta;
  }

  const Felt& x() const { return x_; }
  const Felt& y() const { return y_; }
  AffinePoint Negate() const { return AffinePoint(x_, -y_); }

  friend bool operator==(const AffinePoint& a, const AffinePoint& b) = default;

 private:
  friend class JacobianPoint;

  constexpr AffinePoint(const Felt& x, const Felt& y) : x_(x), y_(y) {}

  Felt x_;
  Felt y_;
};

/// A Stark-curve point in Jacobian coordinates (x = X/Z^2, y = Y/Z^3), where Z = 0 is the point
/// at infinity. Sums and multiples need no inversion until ToAffine. The formulas are the
/// explicit-formulas database's dbl-2007-bl, add-2007-bl and madd-2007-bl; the exceptional
/// cases (adding a point to itself or to its negation, infinity) are handled.
/// A plain value: thread-compatible. Not constant-time.
class JacobianPoint {
 public:
  /// The point at infinity.
  JacobianPoint() = default;
  explicit JacobianPoint(const AffinePoint& point) : x_(point.x_), y_(point.y_), z_(Felt::One()) {}

  bool IsInfinity() const { return z_.IsZero(); }

  JacobianPoint Double() const;
  JacobianPoint Add(const JacobianPoint& other) const;
  /// this + other with other in affine form: cheaper than Add.
  JacobianPoint AddAffine(const AffinePoint& other) const;
  JacobianPoint Negate() const;

  /// nullopt for the point at infinity.
  std::optional<AffinePoint> ToAffine() const;
  /// Converts many points with a single inversion (Montgomery's trick). None may be infinity
  /// (checked).
  static std::vector<AffinePoint> BatchToAffine(std::span<const JacobianPoint> points);

  /// Whether both represent the same point (Jacobian coordinates are not unique).
  friend bool operator==(const JacobianPoint& a, const JacobianPoint& b);

 private:
  JacobianPoint(const Felt& x, const Felt& y, const Felt& z) : x_(x), y_(y), z_(z) {}

  Felt x_ = Felt::One();
  Felt y_ = Felt::One();
  Felt z_;
};

/// scalar·point for any point and any 256-bit scalar (4-bit fixed windows). For multiples of a
/// point known in advance, FixedBaseTable is several times faster.
JacobianPoint Multiply(const AffinePoint& point, const U256& scalar);

consteval AffinePoint AffinePoint::FromLiteral(std::string_view x, std::string_view y) {
  const Felt x_felt = Felt::FromHexLiteral(x);
  const Felt y_felt = Felt::FromHexLiteral(y);
  if (!IsOnCurve(x_felt, y_felt)) {
    throw "the point is not on the Stark curve";
  }
  return AffinePoint(x_felt, y_felt);
}

}  // namespace orch::crypto
