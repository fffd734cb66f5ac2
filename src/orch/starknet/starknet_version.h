#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "orch/common/result.h"

namespace orch::starknet {

/// A Starknet protocol version such as 0.13.2 or 0.13.2.1: three or four decimal components,
/// compared numerically component by component (a missing fourth component is 0, so 0.13.2
/// and 0.13.2.0 are the same version).
///
/// The version decides the data-availability layout (upstream-behaviour.md §11.1–§11.2): the DA
/// word changes at 0.13.3, stateless compression starts at 0.13.3, aliases (stateful
/// compression) at 0.13.4 and migrated compiled classes at 0.14.1. A plain value.
class StarknetVersion {
 public:
  /// Components beyond the ones given are 0.
  constexpr StarknetVersion(std::uint32_t major, std::uint32_t minor, std::uint32_t patch,
                            std::uint32_t build = 0)
      : parts_{major, minor, patch, build} {}

  /// Parses "MAJOR.MINOR.PATCH" or "MAJOR.MINOR.PATCH.BUILD": decimal components without
  /// signs, spaces or leading zeros. Any well-formed version up to the newest known one is
  /// accepted (older ones, e.g. 0.13.1, select the legacy encodings as 0.13.2 does); a newer
  /// one is rejected, because its encoding is unknown and guessing would publish wrong bytes.
  /// Errors: kInvalidArgument (malformed, or newer than Newest(); the message lists
  /// KnownVersions()).
  static Result<StarknetVersion> Parse(std::string_view text);

  /// The versions whose DA encodings this code knows, oldest first (those of the reference
  /// orchestrator's config).
  static std::span<const StarknetVersion> KnownVersions();
  /// The last of KnownVersions().
  static StarknetVersion Newest();

  /// "0.13.2", with the fourth component only when it is not 0 ("0.13.2.1").
  std::string ToString() const;

  friend constexpr bool operator==(const StarknetVersion&, const StarknetVersion&) = default;
  friend constexpr std::strong_ordering operator<=>(const StarknetVersion&,
                                                    const StarknetVersion&) = default;

 private:
  std::array<std::uint32_t, 4> parts_;
};

/// The first version with the packed DA word and stateless compression.
inline constexpr StarknetVersion kVersion0_13_3{0, 13, 3};
/// The first version with aliases (stateful compression through contract 0x2).
inline constexpr StarknetVersion kVersion0_13_4{0, 13, 4};

}  // namespace orch::starknet
