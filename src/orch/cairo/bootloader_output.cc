#include "orch/cairo/bootloader_output.h"

#include <optional>
#include <string_view>

#include "orch/cairo/fact.h"
#include "orch/cairo/fact_topology.h"
#include "orch/cairo/output_merkle_root.h"

namespace orch::cairo {
namespace {

using crypto::Felt;

// Size word and program hash word in front of each task's output.
constexpr std::uint64_t kTaskHeaderWords = 2;
// OS output header word holding the number of blobs (after z at word 10).
constexpr std::uint64_t kBlobCountWord = 11;
// Per blob: a commitment and an evaluation, each two limbs.
constexpr std::uint64_t kWordsPerBlob = 4;

// Reads output[index] as a count or size. Every index is checked against the output's length
// and every value against the words that remain, so sums of them cannot overflow.
Result<std::uint64_t> ReadWord(std::span<const Felt> output, std::uint64_t index,
                               std::string_view what) {
  if (index >= output.size()) {
    return Error::InvalidArgument("{} would be word {}, past the end of the {}-word output", what,
                                  index, output.size());
  }
  const std::optional<std::uint64_t> value = output[index].ToU256().ToUint64();
  if (!value.has_value() || *value > output.size()) {
    return Error::InvalidArgument("{} (word {}) is {}, more than the output's {} words", what,
                                  index, output[index].ToHex(), output.size());
  }
  return *value;
}

// Walks the tasks at the start of `output`; returns the index of the first word after them.
// `visit(program_hash, task_output)` is called for each task.
template <typename Visit>
Result<std::uint64_t> WalkTasks(std::span<const Felt> output, Visit visit) {
  ORCH_ASSIGN_OR_RETURN(const std::uint64_t n_tasks, ReadWord(output, 0, "the task count"));
  std::uint64_t position = 1;
  for (std::uint64_t task = 0; task < n_tasks; ++task) {
    ORCH_ASSIGN_OR_RETURN(const std::uint64_t size,
                          ReadWord(output, position, fmt::format("task {}'s size", task)));
    if (size < kTaskHeaderWords) {
      return Error::InvalidArgument(
          "task {}'s size (word {}) is {}, below the {} words of its own header", task, position,
          size, kTaskHeaderWords);
    }
    if (size > output.size() - position) {
      return Error::InvalidArgument(
          "task {} (word {}) has {} words, past the end of the {}-word output", task, position,
          size, output.size());
    }
    visit(output[position + 1],
          output.subspan(position + kTaskHeaderWords, size - kTaskHeaderWords));
    position += size;
  }
  return position;
}

}  // namespace

Result<std::vector<BootloaderTask>> ParseBootloaderOutput(std::span<const Felt> output) {
  std::vector<BootloaderTask> tasks;
  ORCH_ASSIGN_OR_RETURN(
      const std::uint64_t end,
      WalkTasks(output, [&](const Felt& program_hash, std::span<const Felt> task_output) {
        tasks.push_back({.program_hash = program_hash,
                         .output = std::vector<Felt>(task_output.begin(), task_output.end())});
      }));
  if (end != output.size()) {
    return Error::InvalidArgument("the tasks end at word {}, but the output has {} words", end,
                                  output.size());
  }
  return tasks;
}

crypto::U256 ComputeTaskFact(const BootloaderTask& task) {
  // The default topology always matches its own output, so the root cannot fail.
  const Result<crypto::U256> root =
      ComputeOutputMerkleRoot(task.output, DefaultFactTopology(task.output.size()));
  return ComputeFact(task.program_hash, *root);
}

Result<std::vector<Felt>> ExtractAggregatorSettlementOutput(std::span<const Felt> output) {
  ORCH_ASSIGN_OR_RETURN(const std::uint64_t start, WalkTasks(output, [](const Felt&, auto) {}));
  // Each ReadWord bounds its value by the output's length, so these sums stay far from 2^64.
  ORCH_ASSIGN_OR_RETURN(const std::uint64_t n_blobs,
                        ReadWord(output, start + kBlobCountWord, "the blob count"));
  const std::uint64_t l2_to_l1 = start + kBlobCountWord + kWordsPerBlob * n_blobs + 1;
  ORCH_ASSIGN_OR_RETURN(const std::uint64_t n_l2_to_l1,
                        ReadWord(output, l2_to_l1, "the L2→L1 message segment length"));
  const std::uint64_t l1_to_l2 = l2_to_l1 + n_l2_to_l1 + 1;
  ORCH_ASSIGN_OR_RETURN(const std::uint64_t n_l1_to_l2,
                        ReadWord(output, l1_to_l2, "the L1→L2 message segment length"));
  const std::uint64_t last = l1_to_l2 + n_l1_to_l2;
  if (last >= output.size()) {
    return Error::InvalidArgument(
        "the L1→L2 messages end at word {}, past the end of the {}-word output", last,
        output.size());
  }
  return std::vector<Felt>(output.begin() + static_cast<std::ptrdiff_t>(start),
                           output.begin() + static_cast<std::ptrdiff_t>(last) + 1);
}

}  // namespace orch::cairo
