#include "orch/cairo/fact_topology.h"

#include <algorithm>

namespace orch::cairo {
namespace {

constexpr std::size_t kMaxTreeStructureLength = 10;
constexpr std::uint64_t kMaxTreeStructureValue = std::uint64_t{1} << 31;

Result<void> CheckTreeStructure(const std::vector<std::uint64_t>& structure) {
  if (structure.empty() || structure.size() % 2 != 0 ||
      structure.size() > kMaxTreeStructureLength) {
    return Error::InvalidArgument(
        "gps_fact_topology has {} values, expected a non-empty even number up to {}",
        structure.size(), kMaxTreeStructureLength);
  }
  if (std::ranges::any_of(structure, [](std::uint64_t v) { return v >= kMaxTreeStructureValue; })) {
    return Error::InvalidArgument("gps_fact_topology holds a value of 2^31 or more");
  }
  return Ok();
}

// Port of cairo-lang's get_page_sizes_from_page_dict (as the orchestrator's fact_topology.rs).
Result<std::vector<std::uint64_t>> PageSizes(const std::map<std::uint64_t, OutputPage>& pages,
                                             std::uint64_t output_size) {
  std::vector<std::uint64_t> sizes = {output_size};
  std::uint64_t expected_id = 1;
  std::uint64_t expected_start = 0;
  for (const auto& [id, page] : pages) {
    if (id != expected_id) {
      return Error::InvalidArgument("output page ids must run 1, 2, ...: found {}, expected {}", id,
                                    expected_id);
    }
    if (id == 1) {
      if (page.start == 0 || page.start >= output_size) {
        return Error::InvalidArgument(
            "output page 1 starts at {}, outside the output of {} words (page 0 must be non-empty)",
            page.start, output_size);
      }
      sizes[0] = page.start;
    } else if (page.start != expected_start) {
      return Error::InvalidArgument("output page {} starts at {}, expected {} where page {} ends",
                                    id, page.start, expected_start, id - 1);
    }
    if (page.size == 0 || page.size >= output_size) {
      return Error::InvalidArgument("output page {} has size {}, expected 1 to {}", id, page.size,
                                    output_size - 1);
    }
    // page.start and page.size are both below output_size: no overflow.
    expected_start = page.start + page.size;
    sizes.push_back(page.size);
    ++expected_id;
  }
  if (!pages.empty() && expected_start != output_size) {
    return Error::InvalidArgument("output pages end at {}, not at the output's end {}",
                                  expected_start, output_size);
  }
  return sizes;
}

}  // namespace

FactTopology DefaultFactTopology(std::uint64_t output_size) {
  return {.tree_structure = {1, 0}, .page_sizes = {output_size}};
}

Result<FactTopology> ComputeFactTopology(const OutputBuiltinData& output_builtin,
                                         std::uint64_t output_size) {
  if (!output_builtin.gps_fact_topology.has_value()) {
    if (!output_builtin.pages.empty()) {
      return Error::InvalidArgument(
          "the output has {} pages but no gps_fact_topology attribute to arrange them",
          output_builtin.pages.size());
    }
    return DefaultFactTopology(output_size);
  }
  ORCH_RETURN_IF_ERROR(CheckTreeStructure(*output_builtin.gps_fact_topology));
  ORCH_ASSIGN_OR_RETURN(std::vector<std::uint64_t> sizes,
                        PageSizes(output_builtin.pages, output_size));
  return FactTopology{.tree_structure = *output_builtin.gps_fact_topology,
                      .page_sizes = std::move(sizes)};
}

}  // namespace orch::cairo
