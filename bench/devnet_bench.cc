// End to end on the devnet (docs/devnet.md): the committed chain of devnet/chain settled on
// Anvil (a block per transaction) through the whole pipeline, with the Madara stand-in, fixture
// SNOS and the mock prover. Reports blocks settled per minute and the orchestrator's own CPU
// time per block (this process, stand-in included; Anvil excluded).
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <filesystem>
#include <sstream>

#include "orch/devnet/devnet.h"

namespace {

namespace fs = std::filesystem;

void BM_DevnetSettlesTheCommittedChain(benchmark::State& state) {
  spdlog::set_level(spdlog::level::warn);
  for (auto _ : state) {
    std::string pattern = (fs::temp_directory_path() / "orch-devnet-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      state.SkipWithError("no temporary directory");
      return;
    }
    std::ostringstream progress;
    const auto summary = orch::devnet::RunDevnet(
        {.stack = {.blocks_dir = fs::path(ORCH_PROJECT_SOURCE_DIR) / "devnet" / "chain",
                   .work_dir = pattern},
         .poll = std::chrono::milliseconds(state.range(0))},
        progress);
    fs::remove_all(pattern);
    if (!summary.ok() || !summary->settled) {
      state.SkipWithError(summary.ok() ? summary->failure.c_str()
                                       : summary.error().message().c_str());
      return;
    }
    const double blocks = static_cast<double>(summary->transactions.size());
    state.SetIterationTime(summary->seconds);
    state.counters["blocks"] = blocks;
    state.counters["blocks_per_minute"] = blocks * 60.0 / summary->seconds;
    state.counters["ms_per_block"] = summary->seconds * 1000.0 / blocks;
    state.counters["cpu_ms_per_block"] = summary->cpu_seconds * 1000.0 / blocks;
  }
}
// The argument is the verification poll interval in milliseconds.
BENCHMARK(BM_DevnetSettlesTheCommittedChain)
    ->Arg(100)
    ->Arg(20)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
