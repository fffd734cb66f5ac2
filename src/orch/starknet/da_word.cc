#include "orch/starknet/da_word.h"

#include <optional>

#include "orch/crypto/u256.h"

namespace orch::starknet {

using crypto::Felt;
using crypto::U256;

namespace {

// Counts below this fit the small (8-bit) count field of the packed word.
constexpr std::uint64_t kSmallUpdateCountBound = 256;
constexpr unsigned kSmallCountBits = 8;
constexpr unsigned kLargeCountBits = 64;
constexpr unsigned kNonceBits = 64;
// The packed word starts with the class flag and the small flag.
constexpr unsigned kPackedFlagBits = 2;
// The legacy word: count in bits 0-63, nonce in bits 64-127, class flag at bit 128.
constexpr unsigned kLegacyNonceShift = 64;
constexpr unsigned kLegacyClassFlagBit = 128;

U256 LowBits(const U256& value, unsigned bits) { return value & ((U256(1) << bits) - U256(1)); }

Result<DaWordFields> DecodeLegacyDaWord(const U256& word) {
  if (word.BitLength() > kLegacyClassFlagBit + 1) {
    return Error::InvalidArgument(
        "DA word {} has bits set above the class flag (bit {}) of the <= 0.13.2 layout",
        word.ToHex(), kLegacyClassFlagBit);
  }
  return DaWordFields{.class_updated = word.Bit(kLegacyClassFlagBit),
                      .nonce = *Felt::FromU256(LowBits(word >> kLegacyNonceShift, kNonceBits)),
                      .n_updates = *LowBits(word, kLegacyNonceShift).ToUint64()};
}

Result<DaWordFields> DecodePackedDaWord(const U256& word) {
  const bool small = word.Bit(1);
  const unsigned count_bits = small ? kSmallCountBits : kLargeCountBits;
  const unsigned nonce_shift = kPackedFlagBits + count_bits;
  if (word.BitLength() > nonce_shift + kNonceBits) {
    return Error::InvalidArgument(
        "DA word {} has bits set above the nonce field (bit {}) of the {} layout", word.ToHex(),
        nonce_shift + kNonceBits - 1, small ? "small" : "large");
  }
  const std::uint64_t n_updates = *LowBits(word >> kPackedFlagBits, count_bits).ToUint64();
  if (!small && n_updates < kSmallUpdateCountBound) {
    return Error::InvalidArgument(
        "DA word {} is in the large layout with {} updates, which the OS writes in the small "
        "layout",
        word.ToHex(), n_updates);
  }
  return DaWordFields{.class_updated = word.Bit(0),
                      .nonce = *Felt::FromU256(word >> nonce_shift),
                      .n_updates = n_updates};
}

}  // namespace

Result<Felt> EncodeDaWord(const StarknetVersion& version, bool class_updated, const Felt& nonce,
                          std::uint64_t n_updates) {
  const std::optional<std::uint64_t> small_nonce = nonce.ToU256().ToUint64();
  if (!small_nonce.has_value()) {
    return Error::InvalidArgument("nonce {} does not fit the DA word (it must be below 2^64)",
                                  nonce.ToHex());
  }
  const U256 nonce_value(*small_nonce);
  const U256 count(n_updates);
  const U256 class_flag(class_updated ? 1 : 0);
  U256 word;
  if (version < kVersion0_13_3) {
    word = (class_flag << kLegacyClassFlagBit) | (nonce_value << kLegacyNonceShift) | count;
  } else {
    const bool small = n_updates < kSmallUpdateCountBound;
    const unsigned count_bits = small ? kSmallCountBits : kLargeCountBits;
    const U256 small_flag(small ? 1 : 0);
    word =
        (((nonce_value << count_bits) | count) << kPackedFlagBits) | (small_flag << 1) | class_flag;
  }
  // At most 2^130: always a felt.
  return *Felt::FromU256(word);
}

Result<DaWordFields> DecodeDaWord(const StarknetVersion& version, const Felt& word) {
  if (version < kVersion0_13_3) {
    return DecodeLegacyDaWord(word.ToU256());
  }
  return DecodePackedDaWord(word.ToU256());
}

}  // namespace orch::starknet
