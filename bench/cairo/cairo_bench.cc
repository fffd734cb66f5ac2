// Cairo PIE reading and fact computation on the real SNOS PIE of Sepolia block 924016
// (../shared/testdata, or $ORCHESTRATOR_TESTDATA): parse time, the RSS high-water mark a parse
// adds, and the program hash of the 0.14 OS program (15318 words, one Pedersen hash each).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/support/testdata.h"

#include "orch/cairo/cairo_pie.h"
#include "orch/cairo/fact.h"
#include "orch/cairo/program_hash.h"

namespace orch::cairo {
namespace {

std::filesystem::path SepoliaPie() { return test_support::TestdataPath("pie/sepolia_924016.zip"); }

long MaxRssKib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // KiB on Linux
}

// How much one parse raises the process's RSS high-water mark. Measured once, before any
// benchmark runs, so that nothing else has raised the mark yet.
struct ParsePeak {
  long before_kib = 0;
  long after_kib = 0;
};
ParsePeak g_parse_peak;

void MeasureParsePeak() {
  g_parse_peak.before_kib = MaxRssKib();
  const Result<CairoPie> pie = CairoPie::ReadFile(SepoliaPie());
  g_parse_peak.after_kib = MaxRssKib();
  if (!pie.ok()) {
    std::fprintf(stderr, "%s\n", pie.error().ToString().c_str());
    std::exit(1);
  }
  std::printf("sepolia_924016 parse: RSS high-water mark %ld KiB -> %ld KiB (+%ld KiB)\n",
              g_parse_peak.before_kib, g_parse_peak.after_kib,
              g_parse_peak.after_kib - g_parse_peak.before_kib);
}

void AddPeakCounters(benchmark::State& state) {
  state.counters["peak_rss_growth_KiB"] =
      static_cast<double>(g_parse_peak.after_kib - g_parse_peak.before_kib);
  state.counters["max_rss_KiB"] = static_cast<double>(g_parse_peak.after_kib);
}

void BM_ReadPieFile(benchmark::State& state) {
  const std::filesystem::path path = SepoliaPie();
  std::size_t cells = 0;
  for (auto _ : state) {
    Result<CairoPie> pie = CairoPie::ReadFile(path);
    if (!pie.ok()) {
      state.SkipWithError(pie.error().ToString().c_str());
      return;
    }
    cells = pie->memory().cells().size();
    benchmark::DoNotOptimize(pie);
  }
  state.counters["cells"] = static_cast<double>(cells);
  state.counters["cells_per_s"] =
      benchmark::Counter(static_cast<double>(cells), benchmark::Counter::kIsIterationInvariantRate);
  AddPeakCounters(state);
}
BENCHMARK(BM_ReadPieFile)->Unit(benchmark::kMillisecond);

void BM_ReadPieBytes(benchmark::State& state) {
  std::ifstream file(SepoliaPie(), std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(file), {}};
  const std::span<const std::uint8_t> zip(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                          bytes.size());
  for (auto _ : state) {
    Result<CairoPie> pie = CairoPie::ReadBytes(zip);
    if (!pie.ok()) {
      state.SkipWithError(pie.error().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(pie);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_ReadPieBytes)->Unit(benchmark::kMillisecond);

void BM_ProgramHashOs(benchmark::State& state) {
  const Result<CairoPie> pie = CairoPie::ReadFile(SepoliaPie());
  if (!pie.ok()) {
    state.SkipWithError(pie.error().ToString().c_str());
    return;
  }
  const StrippedProgram& program = pie->metadata().program;
  benchmark::DoNotOptimize(ComputeProgramHash(program));  // builds the Pedersen tables
  for (auto _ : state) {
    benchmark::DoNotOptimize(ComputeProgramHash(program));
  }
  state.counters["words"] = static_cast<double>(program.data.size());
  state.counters["hashes_per_s"] =
      benchmark::Counter(static_cast<double>(program.data.size() + program.builtins.size() + 4),
                         benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ProgramHashOs)->Unit(benchmark::kMillisecond);

// Everything the SNOS job does with a PIE: read it and compute its fact.
void BM_ReadPieAndFact(benchmark::State& state) {
  const std::filesystem::path path = SepoliaPie();
  for (auto _ : state) {
    const Result<CairoPie> pie = CairoPie::ReadFile(path);
    if (!pie.ok()) {
      state.SkipWithError(pie.error().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(ComputeFactInfo(*pie));
  }
}
BENCHMARK(BM_ReadPieAndFact)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace orch::cairo

int main(int argc, char** argv) {
  orch::cairo::MeasureParsePeak();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
