#include "orch/crypto/pedersen.h"

#include <vector>

#include "orch/common/check.h"
#include "orch/crypto/fixed_base_table.h"
#include "orch/crypto/stark_curve.h"

namespace orch::crypto {
namespace {

// The five constant points of StarkWare's Pedersen hash, derived from the digits of π
// ("nothing up my sleeve"). Several public copies of them are wrong; these are checked against
// the reference vectors in pedersen_test and against @scure/starknet in the oracle test.
constexpr AffinePoint kShiftPoint =
    AffinePoint::FromLiteral("0x49ee3eba8c1600700ee1b87eb599f16716b0b1022947733551fde4050ca6804",
                             "0x3ca0cfe4b3bc6ddf346d49d06ea0ed34e621062c0e056c1d0405d266e10268a");
constexpr AffinePoint kP1 =
    AffinePoint::FromLiteral("0x234287dcbaffe7f969c748655fca9e58fa8120b6d56eb0c1080d17957ebe47b",
                             "0x3b056f100f96fb21e889527d41f4e39940135dd7a6c94cc6ed0268ee89e5615");
constexpr AffinePoint kP2 =
    AffinePoint::FromLiteral("0x4fa56f376c83db33f9dab2656558f3399099ec1de5e3018b7a6932dba8aa378",
                             "0x3fa0984c931c9e38113e0c0e47e4401562761f92a7a23b45168f4e80ff5b54d");
constexpr AffinePoint kP3 =
    AffinePoint::FromLiteral("0x4ba4cc166be8dec764910f75b45f74b40c690c74709e90f3aa372f0bd2d6997",
                             "0x40301cf5c1751f4b971e46c4ede85fcac5c59a5ce5ae7c48151f27b24b219c");
constexpr AffinePoint kP4 =
    AffinePoint::FromLiteral("0x54302dcb0e6cc1c6e44cca8f61a63bb2ca65048d53fb325d36ff12c49a58202",
                             "0x1b77b3e37d13504b348046268d8ae25ce98ad783c25561a879dcc77e99c2426");

constexpr unsigned kLowBits = 248;
constexpr U256 kLowMask = U256(U256::Limbs{~0ULL, ~0ULL, ~0ULL, ~0ULL >> 8});
// Felts are below P < 9·2^248, so the bits above the low 248 are a number from 0 to 8.
constexpr std::size_t kHighValues = 9;

// kShiftPoint + i·kP2 + j·kP4 at i·kHighValues + j: the shift point and the high bits of both
// inputs in one lookup.
std::vector<AffinePoint> BuildHighTable() {
  std::vector<JacobianPoint> points;
  points.reserve(kHighValues * kHighValues);
  JacobianPoint row(kShiftPoint);
  for (std::size_t i = 0; i < kHighValues; ++i) {
    JacobianPoint point = row;
    for (std::size_t j = 0; j < kHighValues; ++j) {
      points.push_back(point);
      point = point.AddAffine(kP4);
    }
    row = row.AddAffine(kP2);
  }
  return JacobianPoint::BatchToAffine(points);
}

struct PedersenTables {
  FixedBaseTable a_low{kP1, kLowBits};
  FixedBaseTable b_low{kP3, kLowBits};
  std::vector<AffinePoint> high = BuildHighTable();
};

const PedersenTables& Tables() {
  static const PedersenTables tables;  // built once; C++ makes the initialization thread-safe
  return tables;
}

std::size_t HighBits(const U256& value) {
  const std::size_t high = static_cast<std::size_t>(value.limbs()[3] >> (kLowBits - 192));
  ORCH_CHECK(high < kHighValues, "felt above 9·2^248");
  return high;
}

}  // namespace

Felt PedersenHash(const Felt& a, const Felt& b) {
  const PedersenTables& tables = Tables();
  const U256 a_value = a.ToU256();
  const U256 b_value = b.ToU256();
  JacobianPoint sum(tables.high[HighBits(a_value) * kHighValues + HighBits(b_value)]);
  sum = tables.a_low.MultiplyAdd(sum, a_value & kLowMask);
  sum = tables.b_low.MultiplyAdd(sum, b_value & kLowMask);
  const std::optional<AffinePoint> point = sum.ToAffine();
  // Reaching infinity would reveal a discrete-log relation between the constant points.
  ORCH_CHECK(point.has_value(), "Pedersen sum at infinity for {} and {}", a.ToHex(), b.ToHex());
  return point->x();
}

Felt PedersenHashOnElements(std::span<const Felt> elements) {
  Felt hash;
  for (const Felt& element : elements) {
    hash = PedersenHash(hash, element);
  }
  return PedersenHash(hash, Felt::FromUint64(elements.size()));
}

}  // namespace orch::crypto
