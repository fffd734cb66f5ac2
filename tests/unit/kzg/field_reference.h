#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>

#include "orch/kzg/blob.h"

// Test-only arithmetic in F_r, written the obvious way (blst with explicit Montgomery
// conversions, Horner's rule), to check the library's transform against the definition.
namespace orch::kzg::test_support {

/// The BLS12-381 modulus minus one, the largest canonical value.
FieldBytes ModulusMinusOne();
/// The modulus itself, the smallest non-canonical value.
FieldBytes Modulus();
FieldBytes FromUint64(std::uint64_t value);

/// A uniformly random canonical value.
FieldBytes RandomScalar(std::mt19937_64& random);
/// A random value below 2^252, like a Stark felt.
FieldBytes RandomFelt(std::mt19937_64& random);

/// w^k for the primitive 4096th root of unity w = 7^((r-1)/4096).
FieldBytes RootOfUnityPower(std::size_t k);
/// Reverses the low 12 bits of `index`.
std::size_t BitReverse12(std::size_t index);

/// f(x) = sum coefficients[j] x^j mod r.
FieldBytes EvaluatePolynomial(std::span<const FieldBytes> coefficients, const FieldBytes& x);
/// x^exponent mod r.
FieldBytes Power(const FieldBytes& x, std::uint64_t exponent);

}  // namespace orch::kzg::test_support
