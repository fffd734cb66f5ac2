#include "tests/unit/kzg/field_reference.h"

#include <blst.h>

namespace orch::kzg::test_support {
namespace {

blst_fr ToFr(const FieldBytes& value) {
  blst_scalar scalar;
  blst_scalar_from_bendian(&scalar, value.data());
  blst_fr result;
  blst_fr_from_scalar(&result, &scalar);
  return result;
}

FieldBytes FromFr(const blst_fr& value) {
  blst_scalar scalar;
  blst_scalar_from_fr(&scalar, &value);
  FieldBytes result;
  blst_bendian_from_scalar(result.data(), &scalar);
  return result;
}

FieldBytes PowerOfSeven(const FieldBytes& exponent_big_endian) {
  blst_fr result = ToFr(FromUint64(1));
  const blst_fr seven = ToFr(FromUint64(7));
  for (const std::uint8_t byte : exponent_big_endian) {
    for (int bit = 7; bit >= 0; --bit) {
      blst_fr_sqr(&result, &result);
      if (((byte >> bit) & 1) != 0) {
        blst_fr_mul(&result, &result, &seven);
      }
    }
  }
  return FromFr(result);
}

}  // namespace

FieldBytes Modulus() {
  return {0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8,
          0x08, 0x09, 0xa1, 0xd8, 0x05, 0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe,
          0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01};
}

FieldBytes ModulusMinusOne() {
  FieldBytes value = Modulus();
  value[31] = 0;
  return value;
}

FieldBytes FromUint64(std::uint64_t value) {
  FieldBytes result{};
  for (std::size_t i = 0; i < 8; ++i) {
    result[31 - i] = static_cast<std::uint8_t>(value >> (8 * i));
  }
  return result;
}

FieldBytes RandomScalar(std::mt19937_64& random) {
  while (true) {
    FieldBytes value;
    for (std::uint8_t& byte : value) {
      byte = static_cast<std::uint8_t>(random());
    }
    value[0] &= 0x7f;  // r < 2^255: keeps rejections below one in two
    if (IsCanonical(value)) {
      return value;
    }
  }
}

FieldBytes RandomFelt(std::mt19937_64& random) {
  FieldBytes value;
  for (std::uint8_t& byte : value) {
    byte = static_cast<std::uint8_t>(random());
  }
  value[0] &= 0x0f;
  return value;
}

FieldBytes RootOfUnityPower(std::size_t k) {
  // (r - 1) / 4096 = (r - 1) >> 12.
  FieldBytes exponent = ModulusMinusOne();
  for (int shift = 0; shift < 12; ++shift) {
    std::uint8_t carry = 0;
    for (std::uint8_t& byte : exponent) {
      const std::uint8_t next_carry = static_cast<std::uint8_t>(byte & 1);
      byte = static_cast<std::uint8_t>((byte >> 1) | (carry << 7));
      carry = next_carry;
    }
  }
  return Power(PowerOfSeven(exponent), k);
}

std::size_t BitReverse12(std::size_t index) {
  std::size_t reversed = 0;
  for (int bit = 0; bit < 12; ++bit) {
    reversed = (reversed << 1) | ((index >> bit) & 1);
  }
  return reversed;
}

FieldBytes EvaluatePolynomial(std::span<const FieldBytes> coefficients, const FieldBytes& x) {
  const blst_fr point = ToFr(x);
  blst_fr value{};
  for (auto it = coefficients.rbegin(); it != coefficients.rend(); ++it) {
    const blst_fr coefficient = ToFr(*it);
    blst_fr_mul(&value, &value, &point);
    blst_fr_add(&value, &value, &coefficient);
  }
  return FromFr(value);
}

FieldBytes Power(const FieldBytes& x, std::uint64_t exponent) {
  const blst_fr base = ToFr(x);
  blst_fr result = ToFr(FromUint64(1));
  for (int bit = 63; bit >= 0; --bit) {
    blst_fr_sqr(&result, &result);
    if (((exponent >> bit) & 1) != 0) {
      blst_fr_mul(&result, &result, &base);
    }
  }
  return FromFr(result);
}

}  // namespace orch::kzg::test_support
