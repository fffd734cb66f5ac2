#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "orch/common/result.h"
#include "orch/crypto/felt.h"
#include "orch/crypto/u256.h"

// Starknet's stateless compression of a felt sequence (OS >= 0.13.3; protocols.md §7.3), byte for
// byte the algorithm of cairo-lang's data_availability/compression.py, whose output the OS checks
// with compression.cairo. The OS runs it over the state-diff encoding (§7.2) before the felts go
// to blobs or calldata.
//
// Stream layout:
//   felt 0          header: [version 0, data length, |b252|, |b125|, |b83|, |b62|, |b31|, |b15|,
//                   n_repeating], 20 bits each, the first element least significant
//   unique values   each distinct value once, in order of first appearance, grouped by the
//                   smallest bit bucket that holds it (buckets in the order 252, 125, 83, 62, 31,
//                   15; 0 goes to 15), packed floor(251 / bits) per felt; 252-bit values raw
//   pointers        per repeated occurrence, the index of its value in the unique values above,
//                   packed in base n_unique
//   bucket indices  per element, 0..5 for its bucket (first occurrence) or 6 (repeat), base 7
// A packed felt holds sum(e_i * bound^i), the first element least significant.
//
// Thread-safe: pure functions.
namespace orch::starknet {

/// The longest sequence the header can describe: lengths are 20-bit fields.
inline constexpr std::size_t kMaxStatelessCompressionInput = (std::size_t{1} << 20) - 1;

/// Compresses `data` exactly as cairo-lang's compress() does. O(n).
/// Errors: kInvalidArgument (more than kMaxStatelessCompressionInput felts).
Result<std::vector<crypto::Felt>> CompressStateless(std::span<const crypto::Felt> data);

/// A decompressed sequence and how many felts of the input its compressed stream occupied.
struct StatelessDecompression {
  std::vector<crypto::Felt> data;
  std::size_t consumed = 0;
};

/// Decompresses the stream at the start of `felts` and ignores what follows it, as the OS's
/// decompressor does (it returns the end of the stream). This is the form for blobs, which the
/// OS zero-pads to 4096 felts; whether the rest must be zero is the caller's business.
///
/// Strict, so that a stream the compressor cannot produce is an error rather than wrong data:
/// version 0; the header's counts consistent (unique + repeating = data length, no pointers
/// without unique values) and checked against the available felts before anything is
/// allocated; every packed felt below bound^k for its k elements (a value too wide for its
/// bucket, a pointer >= n_unique, a bucket index >= 7 or non-zero unused high bits all fail
/// this); each bucket index used exactly as often as the header's count for that bucket (this is
/// stricter than compression.py, which would read into the next bucket). It does not check
/// that unique values are distinct or in their smallest bucket: the OS does not either.
/// Errors: kInvalidArgument naming the problem and the felt index where it is.
Result<StatelessDecompression> DecompressStatelessPrefix(std::span<const crypto::Felt> felts);

/// Decompresses a whole stream: as DecompressStatelessPrefix, and felts after the end of the
/// stream are an error.
/// Errors: kInvalidArgument (as DecompressStatelessPrefix, or trailing felts).
Result<std::vector<crypto::Felt>> DecompressStateless(std::span<const crypto::Felt> compressed);

namespace internal {

/// How many elements below `bound` one felt holds: cairo-lang's get_n_elms_per_felt,
/// 251 // ceil(log2(bound)); 251 for bound <= 1 and 1 for bound > 2^251. Note ceil(log2(2^k)) = k:
/// ilog2(bound) + 1 would be wrong exactly when bound is a power of two.
std::size_t ElementsPerFelt(const crypto::U256& bound);

}  // namespace internal

}  // namespace orch::starknet
