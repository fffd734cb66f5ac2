#pragma once

#include <array>
#include <cstdint>

#include "orch/common/result.h"
#include "orch/kzg/blob.h"

// The real chain vectors in ../shared/testdata (see its MANIFEST.md). They are required: a
// missing directory is an error, never a skip.
namespace orch::kzg::test_support {

/// settlement/6806848: a Sepolia state update with one blob. The OS output holds z (word 10),
/// the blob's commitment (words 12 and 13: low and high 192 bits) and y = p(z) (words 14 and
/// 15: low and high 128 bits).
struct SettlementVector {
  Blob blob;
  FieldBytes z{};
  FieldBytes y{};
  std::array<std::uint8_t, 48> commitment{};
};
Result<SettlementVector> ReadSettlementVector();

}  // namespace orch::kzg::test_support
