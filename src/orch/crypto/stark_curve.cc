#include "orch/crypto/stark_curve.h"

#include <algorithm>
#include <array>

#include "orch/common/check.h"

namespace orch::crypto {
namespace {

constexpr unsigned kWindowBits = 4;
constexpr unsigned kWindowSize = 1U << kWindowBits;

}  // namespace

Result<AffinePoint> AffinePoint::FromCoordinates(const Felt& x, const Felt& y) {
  if (!IsOnCurve(x, y)) {
    return Error::InvalidArgument("({}, {}) is not a point of the Stark curve", x.ToHex(),
                                  y.ToHex());
  }
  return AffinePoint(x, y);
}

Result<AffinePoint> AffinePoint::FromX(const Felt& x) {
  const std::optional<Felt> y = ((x.Square() + kStarkCurveAlpha) * x + kStarkCurveBeta).Sqrt();
  if (!y) {
    return Error::InvalidArgument("no point of the Stark curve has x = {}", x.ToHex());
  }
  const bool odd = y->ToU256().Bit(0);
  return AffinePoint(x, odd ? -*y : *y);
}

JacobianPoint JacobianPoint::Double() const {
  if (IsInfinity()) {
    return *this;
  }
  const Felt xx = x_.Square();
  const Felt yy = y_.Square();
  const Felt yyyy = yy.Square();
  const Felt zz = z_.Square();
  const Felt s = ((x_ + yy).Square() - xx - yyyy).Double();
  const Felt m = xx.Double() + xx + kStarkCurveAlpha * zz.Square();
  const Felt x3 = m.Square() - s.Double();
  const Felt y3 = m * (s - x3) - yyyy.Double().Double().Double();
  const Felt z3 = (y_ + z_).Square() - yy - zz;
  return JacobianPoint(x3, y3, z3);
}

JacobianPoint JacobianPoint::Add(const JacobianPoint& other) const {
  if (IsInfinity()) {
    return other;
  }
  if (other.IsInfinity()) {
    return *this;
  }
  const Felt z1z1 = z_.Square();
  const Felt z2z2 = other.z_.Square();
  const Felt u1 = x_ * z2z2;
  const Felt u2 = other.x_ * z1z1;
  const Felt s1 = y_ * other.z_ * z2z2;
  const Felt s2 = other.y_ * z_ * z1z1;
  const Felt h = u2 - u1;
  const Felt r = (s2 - s1).Double();
  if (h.IsZero()) {
    return r.IsZero() ? Double() : JacobianPoint();
  }
  const Felt i = h.Double().Square();
  const Felt j = h * i;
  const Felt v = u1 * i;
  const Felt x3 = r.Square() - j - v.Double();
  const Felt y3 = r * (v - x3) - (s1 * j).Double();
  const Felt z3 = ((z_ + other.z_).Square() - z1z1 - z2z2) * h;
  return JacobianPoint(x3, y3, z3);
}

JacobianPoint JacobianPoint::AddAffine(const AffinePoint& other) const {
  if (IsInfinity()) {
    return JacobianPoint(other);
  }
  const Felt z1z1 = z_.Square();
  const Felt u2 = other.x_ * z1z1;
  const Felt s2 = other.y_ * z_ * z1z1;
  const Felt h = u2 - x_;
  const Felt r = (s2 - y_).Double();
  if (h.IsZero()) {
    return r.IsZero() ? Double() : JacobianPoint();
  }
  const Felt hh = h.Square();
  const Felt i = hh.Double().Double();
  const Felt j = h * i;
  const Felt v = x_ * i;
  const Felt x3 = r.Square() - j - v.Double();
  const Felt y3 = r * (v - x3) - (y_ * j).Double();
  const Felt z3 = (z_ + h).Square() - z1z1 - hh;
  return JacobianPoint(x3, y3, z3);
}

JacobianPoint JacobianPoint::Negate() const { return JacobianPoint(x_, -y_, z_); }

std::optional<AffinePoint> JacobianPoint::ToAffine() const {
  if (IsInfinity()) {
    return std::nullopt;
  }
  const Felt z_inverse = z_.Inverse();
  const Felt z_inverse_squared = z_inverse.Square();
  return AffinePoint(x_ * z_inverse_squared, y_ * z_inverse_squared * z_inverse);
}

std::vector<AffinePoint> JacobianPoint::BatchToAffine(std::span<const JacobianPoint> points) {
  if (points.empty()) {
    return {};
  }
  // prefix[i] = z_0 · ... · z_i; one inversion of the full product, then peel it back.
  std::vector<Felt> prefix(points.size());
  Felt product = Felt::One();
  for (std::size_t i = 0; i < points.size(); ++i) {
    ORCH_CHECK(!points[i].IsInfinity(), "BatchToAffine on the point at infinity");
    product *= points[i].z_;
    prefix[i] = product;
  }
  std::vector<AffinePoint> affine;
  affine.reserve(points.size());
  Felt inverse = product.Inverse();  // (z_0 · ... · z_i)^-1 at step i
  for (std::size_t i = points.size(); i-- > 0;) {
    const Felt z_inverse = i == 0 ? inverse : inverse * prefix[i - 1];
    inverse *= points[i].z_;
    const Felt z_inverse_squared = z_inverse.Square();
    affine.push_back(AffinePoint(points[i].x_ * z_inverse_squared,
                                 points[i].y_ * z_inverse_squared * z_inverse));
  }
  std::reverse(affine.begin(), affine.end());
  return affine;
}

bool operator==(const JacobianPoint& a, const JacobianPoint& b) {
  if (a.IsInfinity() || b.IsInfinity()) {
    return a.IsInfinity() == b.IsInfinity();
  }
  const Felt a_zz = a.z_.Square();
  const Felt b_zz = b.z_.Square();
  return a.x_ * b_zz == b.x_ * a_zz && a.y_ * b_zz * b.z_ == b.y_ * a_zz * a.z_;
}

JacobianPoint Multiply(const AffinePoint& point, const U256& scalar) {
  // multiples[d] = d·point for each 4-bit digit d.
  std::array<JacobianPoint, kWindowSize> multiples;
  multiples[1] = JacobianPoint(point);
  for (unsigned d = 2; d < kWindowSize; ++d) {
    multiples[d] = multiples[d - 1].AddAffine(point);
  }
  JacobianPoint result;
  const unsigned windows = (scalar.BitLength() + kWindowBits - 1) / kWindowBits;
  for (unsigned w = windows; w-- > 0;) {
    for (unsigned i = 0; i < kWindowBits; ++i) {
      result = result.Double();
    }
    const unsigned bit = w * kWindowBits;
    const auto digit =
        static_cast<unsigned>((scalar.limbs()[bit / 64] >> (bit % 64)) & (kWindowSize - 1));
    if (digit != 0) {
      result = result.Add(multiples[digit]);
    }
  }
  return result;
}

}  // namespace orch::crypto
