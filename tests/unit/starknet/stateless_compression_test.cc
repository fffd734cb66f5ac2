#include "orch/starknet/stateless_compression.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "tests/unit/starknet/da_vectors.h"

#include "orch/kzg/blob.h"
#include "orch/kzg/blob_transform.h"
#include "orch/starknet/starknet_version.h"
#include "orch/starknet/state_diff_decoding.h"
#include "orch/starknet/state_diff_encoding.h"

namespace orch::starknet {
namespace {

using crypto::Felt;
using crypto::U256;
using ::testing::HasSubstr;
using ::testing::StartsWith;

U256 Pow2(unsigned k) { return U256(1) << k; }
Felt F(std::uint64_t value) { return Felt::FromUint64(value); }
Felt F(const U256& value) { return Felt::FromU256(value).value(); }
U256 U(std::uint64_t value) { return U256(value); }

// The header felt: fields of 20 bits, [version, data length, |b252|, |b125|, |b83|, |b62|,
// |b31|, |b15|, n_repeating], field i at bit 20·i.
Felt Header(std::uint64_t length, std::array<std::uint64_t, 6> buckets, std::uint64_t repeats) {
  U256 packed = U(length) << 20;
  for (unsigned i = 0; i < 6; ++i) {
    packed = packed | (U(buckets[i]) << (40 + 20 * i));
  }
  return F(packed | (U(repeats) << 160));
}

// Round trip through both decompressors.
void ExpectRoundTrip(const std::vector<Felt>& data) {
  const Result<std::vector<Felt>> compressed = CompressStateless(data);
  ASSERT_TRUE(compressed.ok()) << compressed.error().ToString();
  const Result<std::vector<Felt>> decompressed = DecompressStateless(*compressed);
  ASSERT_TRUE(decompressed.ok()) << decompressed.error().ToString();
  EXPECT_TRUE(*decompressed == data) << "round trip of " << data.size() << " felts differs";
  std::vector<Felt> padded = *compressed;
  padded.resize(padded.size() + 5);
  const Result<StatelessDecompression> prefix = DecompressStatelessPrefix(padded);
  ASSERT_TRUE(prefix.ok()) << prefix.error().ToString();
  EXPECT_EQ(prefix->consumed, compressed->size());
  EXPECT_TRUE(prefix->data == data);
}

std::string DecompressError(const std::vector<Felt>& compressed) {
  const Result<std::vector<Felt>> result = DecompressStateless(compressed);
  return result.ok() ? "<no error>" : result.error().message();
}

// --- packing capacity ---------------------------------------------------------------------

TEST(StatelessCompressionTest, ElementsPerFeltIsFloor251OverCeilLog2) {
  // Bit buckets (2^bits): 251 // bits. Powers of two are where ilog2(bound) + 1 goes wrong.
  const std::vector<std::pair<U256, std::size_t>> cases = {
      {U(0), 251},
      {U(1), 251},  // bound <= 1
      {U(2), 251},  // ceil(log2 2) = 1
      {U(3), 125},
      {U(4), 125},  // 2 bits (not 3 for 4)
      {U(5), 83},
      {U(7), 83},
      {U(8), 83},    // 3 bits (not 4 for 8); 7: bucket indices
      {U(128), 35},  // 7 bits (8 would give 31)
      {U(129), 31},  // 8 bits
      {Pow2(15), 16},
      {Pow2(20), 12},
      {Pow2(31), 8},
      {Pow2(62), 4},
      {Pow2(83), 3},
      {Pow2(125), 2},
      {Pow2(126), 1},
      {Pow2(251), 1},         // 251 bits
      {Pow2(251) + U(1), 1},  // above 2^251: one per felt
      {Pow2(252), 1},
  };
  for (const auto& [bound, expected] : cases) {
    EXPECT_EQ(internal::ElementsPerFelt(bound), expected) << bound.ToHex();
  }
}

// --- hand-derived streams -----------------------------------------------------------------

TEST(StatelessCompressionTest, EmptyInputIsASingleZeroHeader) {
  // header [0, 0, 0,0,0,0,0,0, 0] packs to 0; no values, pointers or bucket indices.
  const std::vector<Felt> expected = {F(0)};
  EXPECT_EQ(*CompressStateless({}), expected);
  const Result<std::vector<Felt>> data = DecompressStateless(expected);
  ASSERT_TRUE(data.ok()) << data.error().ToString();
  EXPECT_TRUE(data->empty());
}

TEST(StatelessCompressionTest, OneSmallValue) {
  // [5]: header [0, 1, 0,0,0,0,0, |b15| = 1, 0] = 1·2^20 + 1·2^140 (|b15| is field 7);
  // b15 = [5] -> felt 5; no repeats -> no pointer felts; bucket indices [5] -> 5.
  const std::vector<Felt> expected = {F(Pow2(20) | Pow2(140)), F(5), F(5)};
  EXPECT_EQ(expected[0], Header(1, {0, 0, 0, 0, 0, 1}, 0));
  EXPECT_EQ(*CompressStateless(std::vector<Felt>{F(5)}), expected);
  EXPECT_EQ(*DecompressStateless(expected), std::vector<Felt>{F(5)});
}

TEST(StatelessCompressionTest, ZeroGoesToThe15BitBucket) {
  // bit_length(0) = 0 <= 15: same header as one small value, value felt 0, bucket index 5.
  const std::vector<Felt> expected = {F(Pow2(20) | Pow2(140)), F(0), F(5)};
  EXPECT_EQ(*CompressStateless(std::vector<Felt>{F(0)}), expected);
  EXPECT_EQ(*DecompressStateless(expected), std::vector<Felt>{F(0)});
}

TEST(StatelessCompressionTest, ARepeatRecordsAPointer) {
  // [7, 7]: header [0, 2, 0,0,0,0,0, 1, n_repeating 1] = 2·2^20 + 2^140 + 2^160;
  // b15 = [7]; pointers [0] with bound n_unique = 1 (251 per felt) -> 0;
  // bucket indices [5, 6] -> 5 + 6·7 = 47.
  const std::vector<Felt> expected = {F((U(2) << 20) | Pow2(140) | Pow2(160)), F(7), F(0), F(47)};
  EXPECT_EQ(*CompressStateless(std::vector<Felt>{F(7), F(7)}), expected);
  EXPECT_EQ(*DecompressStateless(expected), (std::vector<Felt>{F(7), F(7)}));
}

TEST(StatelessCompressionTest, PointersIndexTheBucketsInStreamOrder) {
  // [2^200, 5, 2^200, 5]: b252 = [2^200], b15 = [5]; unique values in stream order
  // [2^200, 5], so the pointers are [0, 1], bound n_unique = 2 (251 per felt): 0 + 1·2 = 2.
  // Header [0, 4, 1,0,0,0,0,1, 2]; bucket indices [0, 5, 6, 6] -> 0 + 5·7 + 6·49 + 6·343 = 2387.
  const std::vector<Felt> data = {F(Pow2(200)), F(5), F(Pow2(200)), F(5)};
  const std::vector<Felt> expected = {F((U(4) << 20) | Pow2(40) | Pow2(140) | (U(2) << 160)),
                                      F(Pow2(200)), F(5), F(2), F(2387)};
  EXPECT_EQ(*CompressStateless(data), expected);
  EXPECT_EQ(*DecompressStateless(expected), data);
}

TEST(StatelessCompressionTest, EachBucketBoundary) {
  // Values with bit lengths exactly at each bucket edge: 2^k - 1 has k bits, 2^k has k + 1.
  const Felt max = Felt::Max();  // P - 1: 252 bits
  const std::vector<Felt> data = {
      F(Pow2(15) - U(1)),   // 15 bits -> b15  (index 5)
      F(Pow2(15)),          // 16 bits -> b31  (index 4)
      F(Pow2(31) - U(1)),   // 31 bits -> b31
      F(Pow2(31)),          // 32 bits -> b62  (index 3)
      F(Pow2(62) - U(1)),   // 62 bits -> b62
      F(Pow2(62)),          // 63 bits -> b83  (index 2)
      F(Pow2(83) - U(1)),   // 83 bits -> b83
      F(Pow2(83)),          // 84 bits -> b125 (index 1)
      F(Pow2(125) - U(1)),  // 125 bits -> b125
      F(Pow2(125)),         // 126 bits -> b252 (index 0)
      max,                  // 252 bits -> b252
  };
  // Header [0, 11, |b252| 2, |b125| 2, |b83| 2, |b62| 2, |b31| 2, |b15| 1, 0].
  // Each bucket keeps first-appearance order; two values share a felt, the first one low:
  //   b252 raw (1 per felt):      2^125, P - 1
  //   b125 (2 per felt):          2^83 + (2^125 - 1)·2^125
  //   b83  (3 per felt):          2^62 + (2^83 - 1)·2^83
  //   b62  (4 per felt):          2^31 + (2^62 - 1)·2^62
  //   b31  (8 per felt):          2^15 + (2^31 - 1)·2^31
  //   b15  (16 per felt):         2^15 - 1
  // Bucket indices [5,4,4,3,3,2,2,1,1,0,0] in base 7, the first one least significant.
  U256 indices;
  for (const std::uint64_t index : {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5}) {  // most significant first
    indices = indices * U(7) + U(index);
  }
  const std::vector<Felt> expected = {
      Header(11, {2, 2, 2, 2, 2, 1}, 0),
      F(Pow2(125)),
      max,
      F(Pow2(83) | ((Pow2(125) - U(1)) << 125)),
      F(Pow2(62) | ((Pow2(83) - U(1)) << 83)),
      F(Pow2(31) | ((Pow2(62) - U(1)) << 62)),
      F(Pow2(15) | ((Pow2(31) - U(1)) << 31)),
      F(Pow2(15) - U(1)),
      F(indices),
  };
  EXPECT_EQ(*CompressStateless(data), expected);
  EXPECT_EQ(*DecompressStateless(expected), data);
}

TEST(StatelessCompressionTest, BucketsFillFeltsBeforeStartingANewOne) {
  // 17 distinct 15-bit values 1..17: 16 per felt, so felts sum(i·2^(15(i-1))) for i = 1..16,
  // then 17. 3 distinct 125-bit values: 2 per felt. 83 + 1 bucket indices: 83 per felt.
  std::vector<Felt> data;
  U256 first_b15;
  for (unsigned i = 1; i <= 17; ++i) {
    data.push_back(F(i));
    if (i <= 16) {
      first_b15 = first_b15 | (U(i) << (15 * (i - 1)));
    }
  }
  const U256 a = Pow2(124), b = Pow2(124) + U(1), c = Pow2(124) + U(2);
  for (const U256& value : {a, b, c}) {
    data.push_back(F(value));
  }
  // Pad to 84 elements with repeats of 1 (pointer 3: b125 comes first in stream order).
  while (data.size() < 84) {
    data.push_back(F(1));
  }
  const std::size_t repeats = 84 - 20;
  U256 pointers;  // 64 pointers of value 3, base n_unique = 20 (5 bits: 50 per felt)
  for (std::size_t i = 0; i < 50; ++i) {
    pointers = pointers * U(20) + U(3);
  }
  U256 pointers_rest;
  for (std::size_t i = 50; i < repeats; ++i) {
    pointers_rest = pointers_rest * U(20) + U(3);
  }
  // Indices: 17 × 5, 3 × 1, then 63 × 6 fill the first felt; the 84th (6) is alone.
  U256 indices;
  for (std::size_t i = 83; i-- > 0;) {
    indices = indices * U(7) + U(i < 17 ? 5 : i < 20 ? 1 : 6);
  }
  const std::vector<Felt> expected = {
      Header(84, {0, 3, 0, 0, 0, 17}, repeats),
      F(a | (b << 125)),
      F(c),
      F(first_b15),
      F(17),
      F(pointers),
      F(pointers_rest),
      F(indices),
      F(6),
  };
  EXPECT_EQ(*CompressStateless(data), expected);
  EXPECT_EQ(*DecompressStateless(expected), data);
}

TEST(StatelessCompressionTest, PointerPackingUsesCeilLog2OfAPowerOfTwoUniqueCount) {
  // 128 unique values 0..127 (all b15), then repeats of 0..35: pointers 0..35 with bound 128.
  // ceil(log2 128) = 7 bits -> 35 pointers per felt (ilog2(128) + 1 = 8 would give 31).
  std::vector<Felt> data;
  for (std::uint64_t i = 0; i < 128; ++i) {
    data.push_back(F(i));
  }
  for (std::uint64_t i = 0; i < 36; ++i) {
    data.push_back(F(i));
  }
  U256 first;  // sum(i·128^i) = sum(i << 7i) for i < 35
  for (unsigned i = 0; i < 35; ++i) {
    first = first | (U(i) << (7 * i));
  }
  const std::vector<Felt> compressed = *CompressStateless(data);
  // header, 128 / 16 = 8 value felts, 2 pointer felts, ceil(164 / 83) = 2 index felts.
  ASSERT_EQ(compressed.size(), 1u + 8 + 2 + 2);
  EXPECT_EQ(compressed[0], Header(164, {0, 0, 0, 0, 0, 128}, 36));
  EXPECT_EQ(compressed[9], F(first));
  EXPECT_EQ(compressed[10], F(35));
  EXPECT_EQ(*DecompressStateless(compressed), data);
}

// --- round trips --------------------------------------------------------------------------

// Random felts: each element is, with probability `repeat_ratio`, a copy of an earlier one,
// else a fresh value whose bit length is drawn from `bit_lengths`.
std::vector<Felt> RandomData(std::size_t count, std::uint64_t seed,
                             const std::vector<unsigned>& bit_lengths, double repeat_ratio) {
  std::mt19937_64 random(seed);
  std::bernoulli_distribution repeat(repeat_ratio);
  std::vector<Felt> data;
  data.reserve(count);
  while (data.size() < count) {
    if (!data.empty() && repeat(random)) {
      data.push_back(data[random() % data.size()]);
      continue;
    }
    const unsigned bits = bit_lengths[random() % bit_lengths.size()];
    const U256 random_bits(U256::Limbs{random(), random(), random(), random()});
    U256 value;  // exactly `bits` bits
    if (bits == 252) {
      value = Pow2(251) | (random_bits >> 64);  // below 2^251 + 2^192 < P
    } else if (bits > 0) {
      value = (random_bits >> (256 - bits)) | Pow2(bits - 1);
    }
    data.push_back(F(value));
  }
  return data;
}

TEST(StatelessCompressionTest, RoundTripsRandomMixes) {
  const std::vector<unsigned> all = {0,  1,  8,  15,  16,  30,  31,  32,  62,  63,
                                     64, 83, 84, 100, 125, 126, 200, 250, 251, 252};
  const std::vector<unsigned> state_diff = {1, 8, 16, 64, 128, 251, 251, 251};
  std::uint64_t seed = 1;
  for (const double repeat_ratio : {0.0, 0.1, 0.5, 0.9}) {
    for (const std::size_t count : {1u, 2u, 15u, 83u, 84u, 1000u, 24576u}) {
      SCOPED_TRACE(testing::Message() << "ratio " << repeat_ratio << " count " << count);
      ExpectRoundTrip(RandomData(count, seed++, all, repeat_ratio));
      ExpectRoundTrip(RandomData(count, seed++, state_diff, repeat_ratio));
    }
  }
}

TEST(StatelessCompressionTest, RoundTripsEveryValueInOneBucket) {
  for (const unsigned bits : {0u, 15u, 31u, 62u, 83u, 125u, 251u, 252u}) {
    SCOPED_TRACE(bits);
    ExpectRoundTrip(RandomData(5000, bits, {bits}, 0.0));
  }
}

TEST(StatelessCompressionTest, AllRepeatsOfOneValue) {
  const std::vector<Felt> data(100000, Felt::Max());
  const std::vector<Felt> compressed = *CompressStateless(data);
  // header, one raw value, ceil(99999 / 251) zero pointer felts (bound 1), ceil(100000 / 83).
  EXPECT_EQ(compressed.size(), 1u + 1 + 399 + 1205);
  EXPECT_EQ(compressed[2], F(0));
  ExpectRoundTrip(data);
}

TEST(StatelessCompressionTest, LongestInputRoundTripsAndOneMoreIsRejected) {
  const std::vector<Felt> longest =
      RandomData(kMaxStatelessCompressionInput, 7, {8, 31, 64, 125, 251}, 0.3);
  ExpectRoundTrip(longest);

  const std::vector<Felt> zeros(kMaxStatelessCompressionInput, F(0));
  ExpectRoundTrip(zeros);
  const std::vector<Felt> too_long(kMaxStatelessCompressionInput + 1, F(0));
  const Result<std::vector<Felt>> result = CompressStateless(too_long);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(result.error().message(), HasSubstr("cannot compress 1048576 felts"));
}

// --- malformed streams ----------------------------------------------------------------------

TEST(StatelessCompressionTest, RejectsAnUnknownVersion) {
  EXPECT_THAT(DecompressError({F(1)}), HasSubstr("felt 0: unsupported stateless compression "
                                                 "version 1"));
}

TEST(StatelessCompressionTest, RejectsAnEmptyInput) {
  EXPECT_THAT(DecompressError({}), HasSubstr("no header"));
}

TEST(StatelessCompressionTest, RejectsNonZeroHighBitsInTheHeader) {
  EXPECT_THAT(DecompressError({F(Pow2(180))}), HasSubstr("felt 0: header fields do not fit"));
}

TEST(StatelessCompressionTest, RejectsHeaderCountsLargerThanTheData) {
  // One value declared, no value or index felt present.
  EXPECT_THAT(DecompressError({Header(1, {0, 0, 0, 0, 0, 1}, 0)}),
              HasSubstr("truncated stream: the header (felt 0) describes 1 values in 3 felts, "
                        "only 1 are available"));
  // The largest counts a header can hold: rejected before allocating anything.
  const std::uint64_t max = (1 << 20) - 1;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THAT(DecompressError({Header(max, {max, 0, 0, 0, 0, 0}, 0)}),
              HasSubstr("truncated stream"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));
}

TEST(StatelessCompressionTest, RejectsAnInconsistentHeader) {
  EXPECT_THAT(DecompressError({Header(3, {0, 0, 0, 0, 0, 1}, 1), F(5), F(0), F(5 + 6 * 7)}),
              HasSubstr("felt 0: inconsistent header: 1 unique and 1 repeated values, but a "
                        "data length of 3"));
  EXPECT_THAT(DecompressError({Header(1, {0, 0, 0, 0, 0, 0}, 1), F(0), F(6)}),
              HasSubstr("1 repeated values but no unique value"));
}

TEST(StatelessCompressionTest, RejectsTruncatedStreams) {
  std::vector<Felt> compressed = *CompressStateless(RandomData(500, 3, {15, 64, 251}, 0.3));
  while (compressed.size() > 1) {
    compressed.pop_back();
    EXPECT_THAT(DecompressError(compressed), HasSubstr("truncated stream"));
  }
}

TEST(StatelessCompressionTest, RejectsAPointerOutOfRange) {
  // [3, 4, 4]: b15 = [3, 4] -> 3 + 4·2^15; pointer [1] (bound 2); indices [5, 5, 6] -> 334.
  std::vector<Felt> compressed = {Header(3, {0, 0, 0, 0, 0, 2}, 1), F(3 + (4 << 15)), F(1),
                                  F(5 + 5 * 7 + 6 * 49)};
  EXPECT_EQ(*CompressStateless(std::vector<Felt>{F(3), F(4), F(4)}), compressed);
  compressed[2] = F(2);  // points past the two unique values
  EXPECT_THAT(DecompressError(compressed),
              HasSubstr("felt 2: repeated-value pointers do not fit: the felt is not below 2^1"));
}

TEST(StatelessCompressionTest, RejectsABucketIndexAbove6) {
  std::vector<Felt> compressed = *CompressStateless(std::vector<Felt>{F(5)});
  compressed[2] = F(7);
  EXPECT_THAT(DecompressError(compressed),
              HasSubstr("felt 2: bucket indices do not fit: the felt is not below 7^1"));
}

TEST(StatelessCompressionTest, RejectsABucketIndexUsedMoreOftenThanItsCount) {
  // One unique b15 value declared, but its element says "repeat" (6), then "b31" (4).
  std::vector<Felt> compressed = *CompressStateless(std::vector<Felt>{F(5)});
  compressed[2] = F(6);
  EXPECT_THAT(DecompressError(compressed),
              HasSubstr("felt 2: element 0 has bucket index 6, which the header (felt 0) "
                        "allows only 0 times"));
  compressed[2] = F(4);
  EXPECT_THAT(DecompressError(compressed), HasSubstr("bucket index 4"));
}

TEST(StatelessCompressionTest, RejectsAValueTooWideForItsBucket) {
  std::vector<Felt> compressed = *CompressStateless(std::vector<Felt>{F(5)});
  compressed[1] = F(Pow2(15));  // 16 bits in the 15-bit bucket
  EXPECT_THAT(DecompressError(compressed),
              HasSubstr("felt 1: unique values do not fit: 1 elements of 15 bits, but the felt "
                        "has 16 bits"));
}

TEST(StatelessCompressionTest, RejectsNonZeroUnusedBits) {
  // Two 125-bit values fill a felt's low 250 bits; a single one leaves 126 bits unused.
  std::vector<Felt> compressed = *CompressStateless(std::vector<Felt>{F(Pow2(100))});
  ASSERT_EQ(compressed[1], F(Pow2(100)));
  compressed[1] = F(Pow2(100) | Pow2(125));
  EXPECT_THAT(DecompressError(compressed), HasSubstr("felt 1: unique values do not fit"));
  // Unused digits of the bucket-index felt.
  compressed = *CompressStateless(std::vector<Felt>{F(5)});
  compressed[2] = F(5 + 7 * 3);
  EXPECT_THAT(DecompressError(compressed), HasSubstr("felt 2: bucket indices do not fit"));
}

TEST(StatelessCompressionTest, TrailingDataIsAnErrorUnlessDecodingAPrefix) {
  std::vector<Felt> stream = *CompressStateless(std::vector<Felt>{F(9), F(9)});
  const std::size_t length = stream.size();
  stream.push_back(F(0));
  stream.push_back(F(1));
  EXPECT_THAT(DecompressError(stream),
              HasSubstr(fmt::format("felt {}: 2 felts of trailing data", length)));
  const Result<StatelessDecompression> prefix = DecompressStatelessPrefix(stream);
  ASSERT_TRUE(prefix.ok()) << prefix.error().ToString();
  EXPECT_EQ(prefix->consumed, length);
  EXPECT_EQ(prefix->data, (std::vector<Felt>{F(9), F(9)}));
}

// --- real data ------------------------------------------------------------------------------

// The DA word of the uncompressed encodings that the real blobs hold.
constexpr StarknetVersion kLegacyVersion{0, 13, 2};

// What the real blobs hold. None is stateless-compressed: every one is the uncompressed
// <= 0.13.2 encoding (the 6806848 settlement blob too: that appchain ran a 0.13.2 OS, whose
// output already has the 10-word header). Its first felt, n_contracts, reads as a header of
// version n_contracts, which the decompressor rejects. The test then re-encodes each diff the
// way a >= 0.13.3 OS does before compressing (new DA words) and runs it through compression,
// a blob and the prefix decompressor.
struct RealBlob {
  std::string file;
  std::size_t n_contracts;
  std::size_t encoding_length;
};

TEST(StatelessCompressionTest, RealBlobsAreUncompressed0_13_2DiffsThatRoundTrip) {
  const std::vector<RealBlob> blobs = {
      {"settlement/6806848/blob.hex", 31, 317},
      {"da/blob/639404.hex", 429, 4005},
      {"da/blob/640644.hex", 377, 3505},
      {"kzg/651053/blob_data.txt", 300, 2702},
      {"kzg/651054/blob_data.txt", 265, 2611},
      {"kzg/blob_proof_20462788/blob.hex", 146, 1285},
      {"kzg/blob_proof_20462818/blob.hex", 281, 3784},
  };
  for (const RealBlob& real : blobs) {
    SCOPED_TRACE(real.file);
    const Result<std::vector<Felt>> read = test_support::ReadBlobFelts(real.file);
    ASSERT_TRUE(read.ok()) << read.error().ToString();
    const std::vector<Felt>& felts = *read;
    ASSERT_EQ(felts.size(), kzg::kFieldElementsPerBlob);

    const Result<StatelessDecompression> as_compressed = DecompressStatelessPrefix(felts);
    ASSERT_FALSE(as_compressed.ok());
    EXPECT_THAT(as_compressed.error().message(),
                StartsWith(fmt::format("felt 0: unsupported stateless compression version {}",
                                       real.n_contracts)));

    const Result<DecodedDaStateDiff> parsed = DecodeDaStateDiff(felts, kLegacyVersion);
    ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
    const DaStateDiff& diff = parsed->diff;
    const std::size_t length = parsed->consumed;
    EXPECT_EQ(diff.contracts.size(), real.n_contracts);
    ASSERT_EQ(length, real.encoding_length);
    for (std::size_t i = length; i < felts.size(); ++i) {
      ASSERT_EQ(felts[i], F(0)) << "non-zero felt " << i << " after the state diff";
    }
    const std::vector<Felt> legacy(felts.begin(), felts.begin() + length);
    EXPECT_EQ(SerializeDaStateDiff(diff, kLegacyVersion).value(), legacy);
    ExpectRoundTrip(legacy);
    ExpectRoundTrip(felts);

    // As a >= 0.13.3 OS would publish it: new DA words, compressed, in a zero-padded blob.
    const std::vector<Felt> modern = SerializeDaStateDiff(diff, kVersion0_13_3).value();
    const std::vector<Felt> compressed = *CompressStateless(modern);
    EXPECT_LT(compressed.size(), modern.size());
    std::vector<kzg::FieldBytes> words;
    for (const Felt& felt : compressed) {
      words.push_back(felt.ToBytesBe());
    }
    const Result<kzg::Blob> blob = kzg::FeltsToBlob(words);
    ASSERT_TRUE(blob.ok()) << blob.error().ToString();
    std::vector<Felt> published;
    for (const kzg::FieldBytes& bytes : *kzg::BlobToFelts(*blob)) {
      published.push_back(*Felt::FromBytesBe(bytes));
    }
    const Result<StatelessDecompression> decoded = DecompressStatelessPrefix(published);
    ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
    EXPECT_EQ(decoded->consumed, compressed.size());
    ASSERT_EQ(decoded->data, modern);
    const Result<DecodedDaStateDiff> reparsed = DecodeDaStateDiff(decoded->data, kVersion0_13_3);
    ASSERT_TRUE(reparsed.ok()) << reparsed.error().ToString();
    EXPECT_EQ(reparsed->consumed, modern.size());
    EXPECT_EQ(reparsed->diff, diff);
    EXPECT_EQ(*CompressStateless(decoded->data), compressed);
  }
}

}  // namespace
}  // namespace orch::starknet
