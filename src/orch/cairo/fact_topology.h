#pragma once

#include <cstdint>
#include <vector>

#include "orch/cairo/cairo_pie.h"
#include "orch/common/result.h"

namespace orch::cairo {

/// How the program output is split into pages and how the pages form the output Merkle tree
/// (protocols spec §4.2).
struct FactTopology {
  /// Flat (n_pages, n_nodes) pairs, consumed in order by ComputeOutputMerkleRoot.
  std::vector<std::uint64_t> tree_structure;
  /// Words per page; page 0 first. They add up to the output size.
  std::vector<std::uint64_t> page_sizes;

  friend bool operator==(const FactTopology&, const FactTopology&) = default;
};

/// The topology of a single page holding all `output_size` words: structure [1, 0].
FactTopology DefaultFactTopology(std::uint64_t output_size);

/// The topology the output builtin's additional data describes for an output of `output_size`
/// words. Without a gps_fact_topology attribute there must be no pages and the default topology
/// applies. Otherwise the attribute must be a non-empty, even-length list of at most 10 values
/// below 2^31, page ids must run 1, 2, 3..., page 1 must start inside the output, each later
/// page where the previous one ends, every size must be positive and below `output_size`, and
/// the last page must end at `output_size`.
/// Errors: kInvalidArgument saying which rule failed (page ids, starts and sizes named).
Result<FactTopology> ComputeFactTopology(const OutputBuiltinData& output_builtin,
                                         std::uint64_t output_size);

}  // namespace orch::cairo
