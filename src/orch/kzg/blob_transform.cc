#include "orch/kzg/blob_transform.h"

#include <blst.h>

#include <algorithm>
#include <cstdint>
#include <utility>

namespace orch::kzg {
namespace {

constexpr std::size_t kN = kFieldElementsPerBlob;

// w = 7^((r-1)/4096) mod r, the orchestrator's GENERATOR and c-kzg's SCALE2_ROOT_OF_UNITY[12],
// as little-endian 64-bit limbs.
constexpr std::uint64_t kRootOfUnity[4] = {0xe206da11a5d36306, 0x0ad1347b378fbf96,
                                           0xfc3e8acfe0f8245f, 0x564c0a11a0f704f4};

// The twiddle factors, in blst's Montgomery form.
struct Domain {
  std::vector<blst_fr> powers;          // w^k for k < N/2
  std::vector<blst_fr> inverse_powers;  // w^-k for k < N/2
  blst_fr inverse_n;                    // 1/N
};

Domain MakeDomain() {
  blst_fr root;
  blst_fr_from_uint64(&root, kRootOfUnity);
  blst_fr inverse_root;
  blst_fr_inverse(&inverse_root, &root);
  const std::uint64_t one[4] = {1, 0, 0, 0};
  const std::uint64_t n[4] = {kN, 0, 0, 0};

  Domain domain{.powers = std::vector<blst_fr>(kN / 2),
                .inverse_powers = std::vector<blst_fr>(kN / 2)};
  blst_fr_from_uint64(&domain.powers[0], one);
  domain.inverse_powers[0] = domain.powers[0];
  for (std::size_t k = 1; k < kN / 2; ++k) {
    blst_fr_mul(&domain.powers[k], &domain.powers[k - 1], &root);
    blst_fr_mul(&domain.inverse_powers[k], &domain.inverse_powers[k - 1], &inverse_root);
  }
  blst_fr n_fr;
  blst_fr_from_uint64(&n_fr, n);
  blst_fr_inverse(&domain.inverse_n, &n_fr);
  return domain;
}

const Domain& GetDomain() {
  static const Domain domain = MakeDomain();
  return domain;
}

// Values enter and leave the transform as raw limbs, without the conversion to and from
// Montgomery form: blst reads limbs x as the field element x/R, and since the transform is
// linear with Montgomery-form twiddles, it returns limbs y that read as y/R, i.e. raw limbs y
// hold the wanted result. This saves two multiplications per value.
blst_fr LoadRaw(const std::uint8_t* big_endian) {
  blst_fr value;
  for (std::size_t limb = 0; limb < 4; ++limb) {
    std::uint64_t word = 0;
    for (std::size_t i = 0; i < 8; ++i) {
      word = (word << 8) | big_endian[(3 - limb) * 8 + i];
    }
    value.l[limb] = word;
  }
  return value;
}

void StoreRaw(const blst_fr& value, std::uint8_t* big_endian) {
  for (std::size_t limb = 0; limb < 4; ++limb) {
    std::uint64_t word = value.l[limb];
    for (std::size_t i = 8; i-- > 0;) {
      big_endian[(3 - limb) * 8 + i] = static_cast<std::uint8_t>(word);
      word >>= 8;
    }
  }
}

// Decimation in frequency: coefficients in natural order in, a[i] = f(w^bitrev(i)) out.
void ForwardNtt(std::vector<blst_fr>& a, const Domain& domain) {
  for (std::size_t half = kN / 2, stride = 1; half >= 1; half /= 2, stride *= 2) {
    for (std::size_t start = 0; start < kN; start += 2 * half) {
      for (std::size_t j = 0; j < half; ++j) {
        blst_fr& u = a[start + j];
        blst_fr& v = a[start + j + half];
        blst_fr difference;
        blst_fr_sub(&difference, &u, &v);
        blst_fr_add(&u, &u, &v);
        if (j == 0) {
          v = difference;
        } else {
          blst_fr_mul(&v, &difference, &domain.powers[j * stride]);
        }
      }
    }
  }
}

// Decimation in time with w^-1: a[i] = f(w^bitrev(i)) in, coefficients in natural order out.
void InverseNtt(std::vector<blst_fr>& a, const Domain& domain) {
  for (std::size_t half = 1, stride = kN / 2; half < kN; half *= 2, stride /= 2) {
    for (std::size_t start = 0; start < kN; start += 2 * half) {
      for (std::size_t j = 0; j < half; ++j) {
        blst_fr& u = a[start + j];
        blst_fr& v = a[start + j + half];
        blst_fr twisted = v;
        if (j != 0) {
          blst_fr_mul(&twisted, &v, &domain.inverse_powers[j * stride]);
        }
        blst_fr_sub(&v, &u, &twisted);
        blst_fr_add(&u, &u, &twisted);
      }
    }
  }
  for (blst_fr& value : a) {
    blst_fr_mul(&value, &value, &domain.inverse_n);
  }
}

// `first_index` is the position of coefficients[0] in the caller's input, for error messages.
Result<Blob> TransformChunk(std::span<const FieldBytes> coefficients, std::size_t first_index) {
  std::vector<blst_fr> values(kN, blst_fr{});
  for (std::size_t i = 0; i < coefficients.size(); ++i) {
    if (!IsCanonical(coefficients[i])) {
      return Error::InvalidArgument("felt {} is not below the BLS12-381 modulus r",
                                    first_index + i);
    }
    values[i] = LoadRaw(coefficients[i].data());
  }
  ForwardNtt(values, GetDomain());
  Blob blob;
  for (std::size_t i = 0; i < kN; ++i) {
    StoreRaw(values[i], blob.bytes.data() + i * kBytesPerFieldElement);
  }
  return blob;
}

}  // namespace

Result<Blob> FeltsToBlob(std::span<const FieldBytes> coefficients) {
  if (coefficients.size() > kN) {
    return Error::InvalidArgument("a blob holds at most {} felts, got {}", kN, coefficients.size());
  }
  return TransformChunk(coefficients, 0);
}

Result<std::vector<Blob>> FeltsToBlobs(std::span<const FieldBytes> felts) {
  std::vector<Blob> blobs;
  blobs.reserve((felts.size() + kN - 1) / kN);
  for (std::size_t start = 0; start < felts.size(); start += kN) {
    const std::span<const FieldBytes> chunk =
        felts.subspan(start, std::min(kN, felts.size() - start));
    ORCH_ASSIGN_OR_RETURN(Blob blob, TransformChunk(chunk, start));
    blobs.push_back(std::move(blob));
  }
  return blobs;
}

Result<std::vector<FieldBytes>> BlobToFelts(const Blob& blob) {
  ORCH_RETURN_IF_ERROR(CheckBlobWords(blob));
  std::vector<blst_fr> values(kN);
  for (std::size_t i = 0; i < kN; ++i) {
    values[i] = LoadRaw(blob.bytes.data() + i * kBytesPerFieldElement);
  }
  InverseNtt(values, GetDomain());
  std::vector<FieldBytes> felts(kN);
  for (std::size_t i = 0; i < kN; ++i) {
    StoreRaw(values[i], felts[i].data());
  }
  return felts;
}

Result<std::vector<FieldBytes>> BlobsToFelts(std::span<const Blob> blobs) {
  std::vector<FieldBytes> felts;
  felts.reserve(blobs.size() * kN);
  for (std::size_t k = 0; k < blobs.size(); ++k) {
    Result<std::vector<FieldBytes>> chunk = BlobToFelts(blobs[k]);
    if (!chunk.ok()) {
      return chunk.error().WithContext(fmt::format("blob {}", k));
    }
    felts.insert(felts.end(), chunk->begin(), chunk->end());
  }
  return felts;
}

}  // namespace orch::kzg
