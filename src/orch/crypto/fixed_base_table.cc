#include "orch/crypto/fixed_base_table.h"

#include "orch/common/check.h"

namespace orch::crypto {
namespace {

// Bits [first, first + count) of the scalar, count <= 64; bits above 255 read as zero.
std::uint64_t ExtractBits(const U256& scalar, unsigned first, unsigned count) {
  if (first >= 256) {
    return 0;
  }
  const auto& limbs = scalar.limbs();
  const unsigned limb = first / 64;
  const unsigned offset = first % 64;
  std::uint64_t bits = limbs[limb] >> offset;
  if (offset + count > 64 && limb + 1 < limbs.size()) {
    bits |= limbs[limb + 1] << (64 - offset);
  }
  return bits & ((1ULL << count) - 1);
}

}  // namespace

FixedBaseTable::FixedBaseTable(const AffinePoint& base, unsigned scalar_bits)
    : scalar_bits_(scalar_bits),
      // One bit more than the scalar has: the signed recoding can carry out of the top window.
      windows_((scalar_bits + 1 + kWindowBits - 1) / kWindowBits) {
  ORCH_CHECK(scalar_bits > 0 && scalar_bits <= 256, "bad scalar width {}", scalar_bits);
  std::vector<JacobianPoint> multiples;
  multiples.reserve(static_cast<std::size_t>(windows_) * kEntries);
  JacobianPoint window_base(base);  // 2^(10w)·base
  for (unsigned w = 0; w < windows_; ++w) {
    JacobianPoint multiple = window_base;
    for (unsigned d = 1; d <= kEntries; ++d) {
      multiples.push_back(multiple);
      if (d < kEntries) {
        multiple = multiple.Add(window_base);
      }
    }
    window_base = multiple.Double();  // 1024·2^(10w)·base = 2^(10(w+1))·base
  }
  points_ = JacobianPoint::BatchToAffine(multiples);
}

JacobianPoint FixedBaseTable::MultiplyAdd(const JacobianPoint& accumulator,
                                          const U256& scalar) const {
  ORCH_CHECK(scalar.BitLength() <= scalar_bits_, "scalar wider than {} bits", scalar_bits_);
  JacobianPoint result = accumulator;
  std::uint64_t carry = 0;
  for (unsigned w = 0; w < windows_; ++w) {
    const std::uint64_t value = ExtractBits(scalar, w * kWindowBits, kWindowBits) + carry;
    // Digits above 512 become negative with a carry into the next window.
    carry = value > kEntries ? 1 : 0;
    if (value == 0 || value == 2 * kEntries) {
      continue;
    }
    const std::size_t row = static_cast<std::size_t>(w) * kEntries;
    if (carry == 0) {
      result = result.AddAffine(points_[row + value - 1]);
    } else {
      result = result.AddAffine(points_[row + (2 * kEntries - value) - 1].Negate());
    }
  }
  ORCH_CHECK(carry == 0, "signed recoding overflowed the table");
  return result;
}

}  // namespace orch::crypto
