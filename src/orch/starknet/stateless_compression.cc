#include "orch/starknet/stateless_compression.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

#include "orch/common/check.h"

namespace orch::starknet {
namespace {

using crypto::Felt;
using crypto::U256;

constexpr std::uint64_t kVersion = 0;
constexpr unsigned kMaxBitsPerFelt = 251;
constexpr unsigned kHeaderElementBits = 20;

// Bit widths of the unique-value buckets, in stream order: a bucket's index here is the bucket
// index written per element.
constexpr std::array<unsigned, 6> kBucketBits = {252, 125, 83, 62, 31, 15};
constexpr std::size_t kUniqueBuckets = kBucketBits.size();
constexpr std::uint8_t kRepeatingBucket = kUniqueBuckets;
constexpr std::uint64_t kTotalBuckets = kUniqueBuckets + 1;

// [version, data length, one length per unique bucket, number of repeats].
constexpr std::size_t kHeaderLength = 2 + kUniqueBuckets + 1;
constexpr std::size_t kHeaderDataLength = 1;
constexpr std::size_t kHeaderFirstBucket = 2;
constexpr std::size_t kHeaderRepeating = kHeaderFirstBucket + kUniqueBuckets;

// The smallest bucket that holds a value of `bit_length` bits (0 holds zero).
std::uint8_t BucketOf(unsigned bit_length) {
  for (std::size_t bucket = kUniqueBuckets; bucket-- > 0;) {
    if (bit_length <= kBucketBits[bucket]) {
      return static_cast<std::uint8_t>(bucket);
    }
  }
  ORCH_CHECK(false, "a felt has at most 252 bits, got {}", bit_length);
  return 0;
}

std::size_t ElementsPerFeltForBits(unsigned bits) {
  return internal::ElementsPerFelt(U256(1) << bits);
}

std::size_t DivCeil(std::size_t a, std::size_t b) { return (a + b - 1) / b; }

// The packing base is a power of two (header, bucket values) or a small integer (pointers:
// n_unique < 2^20; bucket indices: 7). Powers of two pack with shifts, small bases with
// Horner's rule; both give sum(e_i * bound^i).

void PackBits(std::span<const U256> elements, unsigned bits, std::vector<Felt>& out) {
  const std::size_t per_felt = ElementsPerFeltForBits(bits);
  for (std::size_t start = 0; start < elements.size(); start += per_felt) {
    const std::size_t end = std::min(elements.size(), start + per_felt);
    U256 packed;
    for (std::size_t i = start; i < end; ++i) {
      packed = packed | (elements[i] << static_cast<unsigned>((i - start) * bits));
    }
    out.push_back(Felt::FromU256(packed).value());
  }
}

// powers[t] = bound^t for t = 0 .. the largest t with bound^t < 2^64 (at least 1): a machine
// word holds that many base-`bound` digits, so packing and unpacking touch 256-bit numbers
// once per word instead of once per element.
std::vector<std::uint64_t> WordPowers(std::uint64_t bound) {
  std::vector<std::uint64_t> powers = {1, bound};
  while (bound > 1 && powers.back() <= std::numeric_limits<std::uint64_t>::max() / bound) {
    powers.push_back(powers.back() * bound);
  }
  return powers;
}

// `bound` >= 1 unless `elements` is empty (no pointers without unique values).
template <typename Element>
void PackSmall(std::span<const Element> elements, std::uint64_t bound, std::vector<Felt>& out) {
  if (elements.empty()) {
    return;
  }
  const std::size_t per_felt = internal::ElementsPerFelt(U256(bound));
  const std::vector<std::uint64_t> powers = WordPowers(bound);
  const std::size_t digits_per_word = powers.size() - 1;
  for (std::size_t start = 0; start < elements.size(); start += per_felt) {
    const std::size_t end = std::min(elements.size(), start + per_felt);
    // Horner's rule from the most significant element, a word of digits at a time.
    U256 packed;
    for (std::size_t top = end; top > start;) {
      const std::size_t t = std::min(digits_per_word, top - start);
      std::uint64_t word = 0;
      for (std::size_t i = top; i-- > top - t;) {
        word = word * bound + elements[i];
      }
      packed = packed * U256(powers[t]) + U256(word);
      top -= t;
    }
    out.push_back(Felt::FromU256(packed).value());
  }
}

struct Location {
  std::uint8_t bucket = 0;
  std::uint32_t index = 0;  // in the bucket
};

// The distinct values seen so far, per bucket in order of first appearance, and an index from
// value to location: open addressing with linear probing over a power-of-two table kept at most
// half full, whose slots hold 1 + (index << 3 | bucket), so the index costs 4 bytes a slot and
// the values are stored once. (A node-based std::unordered_map spent most of the compression
// time allocating and taking remainders.)
class UniqueValues {
 public:
  explicit UniqueValues(std::size_t max_values) {
    std::size_t capacity = 16;
    while (capacity < 2 * max_values) {
      capacity *= 2;
    }
    slots_.assign(capacity, 0);
    mask_ = capacity - 1;
  }

  // Where `value` was first seen; nullopt after adding it now, to `bucket`.
  std::optional<Location> FindOrAdd(const U256& value, std::uint8_t bucket) {
    for (std::size_t slot = Hash(value) & mask_;; slot = (slot + 1) & mask_) {
      if (slots_[slot] == 0) {
        const auto index = static_cast<std::uint32_t>(buckets_[bucket].size());
        buckets_[bucket].push_back(value);
        slots_[slot] = 1 + ((index << 3) | bucket);
        return std::nullopt;
      }
      const Location seen{static_cast<std::uint8_t>((slots_[slot] - 1) & 7),
                          (slots_[slot] - 1) >> 3};
      if (buckets_[seen.bucket][seen.index] == value) {
        return seen;
      }
    }
  }

  const std::vector<U256>& bucket(std::size_t bucket) const { return buckets_[bucket]; }

 private:
  static std::uint64_t Hash(const U256& value) {
    const auto& limbs = value.limbs();
    std::uint64_t h = limbs[0] ^ (limbs[1] * 0x9e3779b97f4a7c15ULL) ^
                      (limbs[2] * 0xc2b2ae3d27d4eb4fULL) ^ (limbs[3] * 0x165667b19e3779f9ULL);
    // murmur3's finaliser: small values (the common case) must spread over the low bits.
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
  }

  std::array<std::vector<U256>, kUniqueBuckets> buckets_;
  std::vector<std::uint32_t> slots_;
  std::size_t mask_ = 0;
};

// Reads packed felts in order. The caller has checked that the stream is long enough, so
// running past the end is a programmer error; what remains to check is each felt's content.
class PackedReader {
 public:
  explicit PackedReader(std::span<const Felt> felts) : felts_(felts) {}

  std::size_t position() const { return position_; }

  // Appends `count` elements of `bits` bits each.
  Result<void> UnpackBits(std::size_t count, unsigned bits, std::string_view what,
                          std::vector<U256>& out) {
    const std::size_t per_felt = ElementsPerFeltForBits(bits);
    const U256 mask = (U256(1) << bits) - U256(1);
    for (std::size_t done = 0; done < count; done += per_felt) {
      const std::size_t n = std::min(per_felt, count - done);
      const U256 packed = Next();
      if (packed.BitLength() > n * bits) {
        return Error::InvalidArgument(
            "felt {}: {} do not fit: {} elements of {} bits, but the felt has {} bits (a value "
            "too wide for its bucket, or non-zero unused high bits)",
            position_ - 1, what, n, bits, packed.BitLength());
      }
      for (std::size_t i = 0; i < n; ++i) {
        out.push_back((packed >> static_cast<unsigned>(i * bits)) & mask);
      }
    }
    return Ok();
  }

  // Appends `count` elements below `bound` (>= 1 unless count is 0: no unique values, no
  // pointers). One 256-by-64-bit division yields a word of digits.
  Result<void> UnpackSmall(std::size_t count, std::uint64_t bound, std::string_view what,
                           std::vector<std::uint32_t>& out) {
    if (count == 0) {
      return Ok();
    }
    ORCH_CHECK(bound >= 1 && bound <= std::numeric_limits<std::uint32_t>::max(),
               "bad packing bound {}", bound);
    const std::size_t per_felt = internal::ElementsPerFelt(U256(bound));
    const std::vector<std::uint64_t> powers = WordPowers(bound);
    const std::size_t digits_per_word = powers.size() - 1;
    for (std::size_t done = 0; done < count; done += per_felt) {
      const std::size_t n = std::min(per_felt, count - done);
      U256 rest = Next();
      for (std::size_t taken = 0; taken < n; taken += digits_per_word) {
        const std::size_t t = std::min(digits_per_word, n - taken);
        auto [quotient, word] = rest.DivModSmall(powers[t]);
        rest = quotient;
        for (std::size_t i = 0; i < t; ++i) {
          out.push_back(static_cast<std::uint32_t>(word % bound));
          word /= bound;
        }
      }
      if (!rest.IsZero()) {
        return Error::InvalidArgument(
            "felt {}: {} do not fit: the felt is not below {}^{} (an element >= {}, or non-zero "
            "unused high bits)",
            position_ - 1, what, bound, n, bound);
      }
    }
    return Ok();
  }

 private:
  U256 Next() {
    ORCH_CHECK(position_ < felts_.size(), "read past the checked stream length");
    return felts_[position_++].ToU256();
  }

  std::span<const Felt> felts_;
  std::size_t position_ = 0;
};

// The counts the header holds (the version aside).
struct Header {
  std::size_t data_length = 0;
  std::array<std::size_t, kUniqueBuckets> bucket_lengths{};
  std::size_t n_unique = 0;
  std::size_t n_repeating = 0;
};

Result<Header> ReadHeader(PackedReader& reader) {
  std::vector<U256> fields;
  ORCH_RETURN_IF_ERROR(
      reader.UnpackBits(kHeaderLength, kHeaderElementBits, "header fields", fields));
  // 20-bit fields: each fits in a uint64.
  const auto field = [&](std::size_t i) { return static_cast<std::size_t>(*fields[i].ToUint64()); };
  if (field(0) != kVersion) {
    return Error::InvalidArgument(
        "felt 0: unsupported stateless compression version {} (only {} exists; is the data "
        "compressed at all?)",
        field(0), kVersion);
  }
  Header header;
  header.data_length = field(kHeaderDataLength);
  for (std::size_t bucket = 0; bucket < kUniqueBuckets; ++bucket) {
    header.bucket_lengths[bucket] = field(kHeaderFirstBucket + bucket);
    header.n_unique += header.bucket_lengths[bucket];
  }
  header.n_repeating = field(kHeaderRepeating);
  if (header.n_unique + header.n_repeating != header.data_length) {
    return Error::InvalidArgument(
        "felt 0: inconsistent header: {} unique and {} repeated values, but a data length of {}",
        header.n_unique, header.n_repeating, header.data_length);
  }
  if (header.n_repeating > 0 && header.n_unique == 0) {
    return Error::InvalidArgument(
        "felt 0: inconsistent header: {} repeated values but no unique value to point to",
        header.n_repeating);
  }
  return header;
}

// The number of felts the stream described by `header` occupies, header included.
std::size_t StreamLength(const Header& header) {
  std::size_t length = 1;
  for (std::size_t bucket = 0; bucket < kUniqueBuckets; ++bucket) {
    length += DivCeil(header.bucket_lengths[bucket], ElementsPerFeltForBits(kBucketBits[bucket]));
  }
  length += DivCeil(header.n_repeating, internal::ElementsPerFelt(U256(header.n_unique)));
  length += DivCeil(header.data_length, internal::ElementsPerFelt(U256(kTotalBuckets)));
  return length;
}

}  // namespace

namespace internal {

std::size_t ElementsPerFelt(const U256& bound) {
  if (bound <= U256(1)) {
    return kMaxBitsPerFelt;
  }
  const unsigned bits = (bound - U256(1)).BitLength();  // ceil(log2(bound))
  if (bits > kMaxBitsPerFelt) {
    return 1;
  }
  return kMaxBitsPerFelt / bits;
}

}  // namespace internal

Result<std::vector<Felt>> CompressStateless(std::span<const Felt> data) {
  if (data.size() > kMaxStatelessCompressionInput) {
    return Error::InvalidArgument(
        "cannot compress {} felts: the header's 20-bit length fields allow at most {}", data.size(),
        kMaxStatelessCompressionInput);
  }
  UniqueValues unique(data.size());
  std::vector<Location> repeats;
  std::vector<std::uint8_t> bucket_per_element;
  bucket_per_element.reserve(data.size());
  for (const Felt& felt : data) {
    const U256 value = felt.ToU256();
    const std::uint8_t bucket = BucketOf(value.BitLength());
    if (const std::optional<Location> first = unique.FindOrAdd(value, bucket)) {
      repeats.push_back(*first);
      bucket_per_element.push_back(kRepeatingBucket);
    } else {
      bucket_per_element.push_back(bucket);
    }
  }

  Header header{.data_length = data.size(), .n_repeating = repeats.size()};
  // A pointer is an index into the concatenation of the buckets in stream order.
  std::array<std::uint32_t, kUniqueBuckets> offsets{};
  for (std::size_t bucket = 0; bucket < kUniqueBuckets; ++bucket) {
    offsets[bucket] = static_cast<std::uint32_t>(header.n_unique);
    header.bucket_lengths[bucket] = unique.bucket(bucket).size();
    header.n_unique += header.bucket_lengths[bucket];
  }
  std::vector<std::uint32_t> pointers;
  pointers.reserve(repeats.size());
  for (const Location& location : repeats) {
    pointers.push_back(offsets[location.bucket] + location.index);
  }

  std::vector<U256> header_fields = {U256(kVersion), U256(header.data_length)};
  for (const std::size_t length : header.bucket_lengths) {
    header_fields.emplace_back(length);
  }
  header_fields.emplace_back(header.n_repeating);

  std::vector<Felt> out;
  out.reserve(StreamLength(header));
  PackBits(header_fields, kHeaderElementBits, out);
  for (std::size_t bucket = 0; bucket < kUniqueBuckets; ++bucket) {
    PackBits(unique.bucket(bucket), kBucketBits[bucket], out);
  }
  PackSmall<std::uint32_t>(pointers, header.n_unique, out);
  PackSmall<std::uint8_t>(bucket_per_element, kTotalBuckets, out);
  return out;
}

Result<StatelessDecompression> DecompressStatelessPrefix(std::span<const Felt> felts) {
  if (felts.empty()) {
    return Error::InvalidArgument("felt 0: no header: the compressed stream is empty");
  }
  PackedReader reader(felts);
  ORCH_ASSIGN_OR_RETURN(const Header header, ReadHeader(reader));
  // Before allocating anything the header asks for: a hostile header must not cost memory.
  const std::size_t stream_length = StreamLength(header);
  if (stream_length > felts.size()) {
    return Error::InvalidArgument(
        "truncated stream: the header (felt 0) describes {} values in {} felts, only {} are "
        "available",
        header.data_length, stream_length, felts.size());
  }

  std::vector<U256> values;
  values.reserve(header.n_unique);
  for (std::size_t bucket = 0; bucket < kUniqueBuckets; ++bucket) {
    ORCH_RETURN_IF_ERROR(reader.UnpackBits(header.bucket_lengths[bucket], kBucketBits[bucket],
                                           "unique values", values));
  }
  std::vector<Felt> unique;
  unique.reserve(values.size());
  for (const U256& value : values) {
    // Below 2^125, or a raw felt of the 252-bit bucket: always a felt.
    unique.push_back(Felt::FromU256(value).value());
  }

  std::vector<std::uint32_t> pointers;
  pointers.reserve(header.n_repeating);
  ORCH_RETURN_IF_ERROR(
      reader.UnpackSmall(header.n_repeating, header.n_unique, "repeated-value pointers", pointers));

  const std::size_t indices_start = reader.position();
  std::vector<std::uint32_t> bucket_per_element;
  bucket_per_element.reserve(header.data_length);
  ORCH_RETURN_IF_ERROR(
      reader.UnpackSmall(header.data_length, kTotalBuckets, "bucket indices", bucket_per_element));

  // next[b]: the next unique value of bucket b (index into `unique`), or of the repeats.
  std::array<std::size_t, kTotalBuckets> next{};
  std::array<std::size_t, kTotalBuckets> end{};
  std::size_t offset = 0;
  for (std::size_t bucket = 0; bucket < kUniqueBuckets; ++bucket) {
    next[bucket] = offset;
    offset += header.bucket_lengths[bucket];
    end[bucket] = offset;
  }
  end[kRepeatingBucket] = header.n_repeating;

  StatelessDecompression result;
  result.data.reserve(header.data_length);
  const std::size_t per_felt = internal::ElementsPerFelt(U256(kTotalBuckets));
  for (std::size_t i = 0; i < bucket_per_element.size(); ++i) {
    const std::uint32_t bucket = bucket_per_element[i];
    // Counts add up to the data length (checked with the header), so no bucket overrunning
    // means every bucket is used exactly as often as the header says.
    if (next[bucket] == end[bucket]) {
      return Error::InvalidArgument(
          "felt {}: element {} has bucket index {}, which the header (felt 0) allows only {} "
          "times",
          indices_start + i / per_felt, i, bucket,
          bucket == kRepeatingBucket ? header.n_repeating : header.bucket_lengths[bucket]);
    }
    const std::size_t slot = next[bucket]++;
    result.data.push_back(bucket == kRepeatingBucket ? unique[pointers[slot]] : unique[slot]);
  }
  result.consumed = reader.position();
  return result;
}

Result<std::vector<Felt>> DecompressStateless(std::span<const Felt> compressed) {
  ORCH_ASSIGN_OR_RETURN(StatelessDecompression result, DecompressStatelessPrefix(compressed));
  if (result.consumed != compressed.size()) {
    return Error::InvalidArgument(
        "felt {}: {} felts of trailing data after the end of the compressed stream",
        result.consumed, compressed.size() - result.consumed);
  }
  return std::move(result.data);
}

}  // namespace orch::starknet
