#include "orch/cairo/output_merkle_root.h"

#include <cstdint>
#include <vector>

#include "orch/eth/keccak.h"

namespace orch::cairo {
namespace {

using crypto::Felt;
using crypto::U256;

struct Node {
  U256 hash;
  // Number of output words up to and including this node's last page.
  std::uint64_t end = 0;
};

U256 HashWords(std::span<const Felt> words) {
  std::vector<std::uint8_t> bytes;
  bytes.reserve(words.size() * 32);
  for (const Felt& word : words) {
    const auto word_bytes = word.ToBytesBe();
    bytes.insert(bytes.end(), word_bytes.begin(), word_bytes.end());
  }
  return U256::FromWord(eth::Keccak256(bytes));
}

U256 HashChildren(std::span<const Node> children) {
  std::vector<std::uint8_t> bytes;
  bytes.reserve(children.size() * 64);
  for (const Node& child : children) {
    const auto hash = child.hash.ToBytesBe();
    const auto end = U256(child.end).ToBytesBe();
    bytes.insert(bytes.end(), hash.begin(), hash.end());
    bytes.insert(bytes.end(), end.begin(), end.end());
  }
  // The +1 (wrapping) tells inner nodes from leaves.
  return U256::FromWord(eth::Keccak256(bytes)) + U256(1);
}

}  // namespace

Result<U256> ComputeOutputMerkleRoot(std::span<const Felt> output, const FactTopology& topology) {
  const std::vector<std::uint64_t>& structure = topology.tree_structure;
  if (structure.size() % 2 != 0) {
    return Error::InvalidArgument("tree structure has an odd number ({}) of values",
                                  structure.size());
  }
  std::vector<Node> stack;
  std::size_t next_page = 0;
  std::uint64_t end = 0;
  for (std::size_t pair = 0; pair < structure.size(); pair += 2) {
    const std::uint64_t n_pages = structure[pair];
    const std::uint64_t n_nodes = structure[pair + 1];
    if (n_pages > topology.page_sizes.size() - next_page) {
      return Error::InvalidArgument("tree structure asks for {} more pages, only {} remain",
                                    n_pages, topology.page_sizes.size() - next_page);
    }
    for (std::uint64_t i = 0; i < n_pages; ++i, ++next_page) {
      const std::uint64_t size = topology.page_sizes[next_page];
      if (size > output.size() - end) {
        return Error::InvalidArgument("page {} of {} words goes past the end of the {}-word output",
                                      next_page, size, output.size());
      }
      stack.push_back({.hash = HashWords(output.subspan(end, size)), .end = end + size});
      end += size;
    }
    if (n_nodes > stack.size()) {
      return Error::InvalidArgument("tree structure joins {} nodes, only {} are on the stack",
                                    n_nodes, stack.size());
    }
    if (n_nodes > 0) {
      const auto first_child = stack.end() - static_cast<std::ptrdiff_t>(n_nodes);
      const Node parent{.hash = HashChildren(std::span(first_child, stack.end())),
                        .end = stack.back().end};
      stack.erase(first_child, stack.end());
      stack.push_back(parent);
    }
  }
  if (next_page != topology.page_sizes.size()) {
    return Error::InvalidArgument("tree structure uses {} of the {} pages", next_page,
                                  topology.page_sizes.size());
  }
  if (stack.size() != 1) {
    return Error::InvalidArgument("tree structure leaves {} roots, expected 1", stack.size());
  }
  if (stack[0].end != output.size()) {
    return Error::InvalidArgument("pages cover {} words of the {}-word output", stack[0].end,
                                  output.size());
  }
  return stack[0].hash;
}

}  // namespace orch::cairo
