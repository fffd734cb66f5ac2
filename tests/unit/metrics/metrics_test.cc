#include "orch/metrics/metrics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "orch/metrics/prometheus_text.h"

namespace orch::metrics {
namespace {

// The snapshot of the only family called `name`; fails the test if there is none.
FamilySnapshot FindFamily(MetricsRegistry& registry, std::string_view name) {
  for (FamilySnapshot& family : registry.Snapshot()) {
    if (family.name == name) {
      return family;
    }
  }
  ADD_FAILURE() << "no family " << name;
  return {};
}

TEST(MetricsRegistryTest, SameNameAndLabelsReturnTheSameObject) {
  MetricsRegistry registry;
  Counter& first = registry.GetCounter("jobs_total", "Jobs.", {{"type", "snos"}});
  Counter& again = registry.GetCounter("jobs_total", "Jobs.", {{"type", "snos"}});
  Counter& other = registry.GetCounter("jobs_total", "Jobs.", {{"type", "proving"}});
  EXPECT_EQ(&first, &again);
  EXPECT_NE(&first, &other);

  Gauge& gauge = registry.GetGauge("depth", "Depth.");
  EXPECT_EQ(&gauge, &registry.GetGauge("depth", "Depth."));
  Histogram& histogram = registry.GetHistogram("latency_seconds", "Latency.", {1, 2});
  EXPECT_EQ(&histogram, &registry.GetHistogram("latency_seconds", "Latency.", {1, 2}));
}

TEST(MetricsRegistryTest, LabelOrderDoesNotMatter) {
  MetricsRegistry registry;
  Counter& ab = registry.GetCounter("c", "C.", {{"a", "1"}, {"b", "2"}});
  Counter& ba = registry.GetCounter("c", "C.", {{"b", "2"}, {"a", "1"}});
  EXPECT_EQ(&ab, &ba);
  ba.Increment();

  const FamilySnapshot family = FindFamily(registry, "c");
  ASSERT_EQ(family.series.size(), 1U);
  const Labels expected = {{"a", "1"}, {"b", "2"}};
  EXPECT_EQ(family.series[0].labels, expected);
  EXPECT_EQ(family.series[0].value, 1);
}

TEST(MetricsRegistryTest, ConcurrentIncrementsSumExactly) {
  constexpr int kThreads = 8;
  constexpr int kIncrementsPerThread = 100'000;
  MetricsRegistry registry;
  Counter& counter = registry.GetCounter("hits_total", "Hits.");
  Gauge& gauge = registry.GetGauge("level", "Level.");
  Histogram& histogram = registry.GetHistogram("sizes", "Sizes.", {1});
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < kIncrementsPerThread; ++i) {
          counter.Increment();
          gauge.Add(2);
          histogram.Observe(1);
        }
      });
    }
  }
  constexpr double kTotal = double{kThreads} * kIncrementsPerThread;
  EXPECT_EQ(FindFamily(registry, "hits_total").series[0].value, kTotal);
  EXPECT_EQ(FindFamily(registry, "level").series[0].value, 2 * kTotal);
  const SeriesSnapshot sizes = FindFamily(registry, "sizes").series[0];
  EXPECT_EQ(sizes.count, kThreads * kIncrementsPerThread);
  EXPECT_EQ(sizes.sum, kTotal);
}

TEST(MetricsRegistryTest, GaugeSetsAndAdds) {
  MetricsRegistry registry;
  Gauge& gauge = registry.GetGauge("lag", "Lag.");
  gauge.Set(10);
  gauge.Add(-3.5);
  EXPECT_EQ(FindFamily(registry, "lag").series[0].value, 6.5);
}

TEST(MetricsRegistryTest, HistogramCountsCumulativelyWithSumAndCount) {
  MetricsRegistry registry;
  Histogram& histogram = registry.GetHistogram("latency_seconds", "Latency.", {0.1, 1, 10});
  for (const double value : {0.05, 0.1, 0.5, 1.0, 5.0, 50.0}) {
    histogram.Observe(value);
  }

  const FamilySnapshot family = FindFamily(registry, "latency_seconds");
  EXPECT_EQ(family.kind, MetricKind::kHistogram);
  EXPECT_EQ(family.bucket_bounds, (std::vector<double>{0.1, 1, 10}));
  ASSERT_EQ(family.series.size(), 1U);
  const SeriesSnapshot& series = family.series[0];
  // A value equal to a bound falls into that bound's bucket (le is "less than or equal").
  EXPECT_EQ(series.cumulative_counts, (std::vector<std::uint64_t>{2, 4, 5, 6}));
  EXPECT_EQ(series.count, 6U);
  EXPECT_DOUBLE_EQ(series.sum, 56.65);
}

TEST(MetricsRegistryTest, HistogramDropsATrailingInfBoundAndCountsNanInInf) {
  MetricsRegistry registry;
  Histogram& histogram =
      registry.GetHistogram("h", "H.", {1, std::numeric_limits<double>::infinity()});
  EXPECT_EQ(&histogram, &registry.GetHistogram("h", "H.", {1}));
  histogram.Observe(std::nan(""));

  const FamilySnapshot family = FindFamily(registry, "h");
  EXPECT_EQ(family.bucket_bounds, (std::vector<double>{1}));
  EXPECT_EQ(family.series[0].cumulative_counts, (std::vector<std::uint64_t>{0, 1}));
  EXPECT_TRUE(std::isnan(family.series[0].sum));
}

TEST(MetricsRegistryTest, DefaultLatencyBucketsAreIncreasing) {
  const std::vector<double> buckets = DefaultLatencyBucketsSeconds();
  ASSERT_EQ(buckets.size(), 17U);
  EXPECT_EQ(buckets.front(), 0.001);
  EXPECT_EQ(buckets.back(), 3600);
  EXPECT_TRUE(std::is_sorted(buckets.begin(), buckets.end()));
}

TEST(PrometheusTextTest, RendersASmallRegistryExactly) {
  MetricsRegistry registry;
  registry.GetCounter("jobs_total", "Jobs finished.", {{"type", "snos"}, {"status", "ok"}})
      .Increment(3);
  registry.GetCounter("jobs_total", "Jobs finished.", {{"status", "failed"}, {"type", "snos"}})
      .Increment();
  registry.GetGauge("block_lag", "Blocks behind the chain head.").Set(0.25);
  Histogram& latency =
      registry.GetHistogram("job_seconds", "Job latency.", {0.5, 1}, {{"type", "snos"}});
  latency.Observe(0.25);
  latency.Observe(2);

  EXPECT_EQ(RenderPrometheusText(registry),
            "# HELP block_lag Blocks behind the chain head.\n"
            "# TYPE block_lag gauge\n"
            "block_lag 0.25\n"
            "# HELP job_seconds Job latency.\n"
            "# TYPE job_seconds histogram\n"
            "job_seconds_bucket{type=\"snos\",le=\"0.5\"} 1\n"
            "job_seconds_bucket{type=\"snos\",le=\"1\"} 1\n"
            "job_seconds_bucket{type=\"snos\",le=\"+Inf\"} 2\n"
            "job_seconds_sum{type=\"snos\"} 2.25\n"
            "job_seconds_count{type=\"snos\"} 2\n"
            "# HELP jobs_total Jobs finished.\n"
            "# TYPE jobs_total counter\n"
            "jobs_total{status=\"failed\",type=\"snos\"} 1\n"
            "jobs_total{status=\"ok\",type=\"snos\"} 3\n");
}

TEST(PrometheusTextTest, EscapesLabelValuesAndHelp) {
  MetricsRegistry registry;
  registry.GetCounter("c", "Line one\nback\\slash \"quoted\"", {{"path", "C:\\tmp\n\"x\""}});
  EXPECT_EQ(RenderPrometheusText(registry),
            "# HELP c Line one\\nback\\\\slash \"quoted\"\n"
            "# TYPE c counter\n"
            "c{path=\"C:\\\\tmp\\n\\\"x\\\"\"} 0\n");
}

TEST(PrometheusTextTest, FormatsNumbers) {
  EXPECT_EQ(FormatPrometheusNumber(3), "3");
  EXPECT_EQ(FormatPrometheusNumber(0.25), "0.25");
  EXPECT_EQ(FormatPrometheusNumber(-1.5), "-1.5");
  EXPECT_EQ(FormatPrometheusNumber(0.1), "0.1");
  EXPECT_EQ(FormatPrometheusNumber(800'000), "800000");
  EXPECT_EQ(FormatPrometheusNumber(1e20), "1e+20");
  EXPECT_EQ(FormatPrometheusNumber(std::nan("")), "NaN");
  EXPECT_EQ(FormatPrometheusNumber(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatPrometheusNumber(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(PrometheusTextTest, CollectorsRunOnEveryRender) {
  MetricsRegistry registry;
  int depth = 0;
  registry.AddCollector([&] { registry.GetGauge("queue_depth", "Depth.").Set(++depth); });

  EXPECT_EQ(RenderPrometheusText(registry),
            "# HELP queue_depth Depth.\n# TYPE queue_depth gauge\nqueue_depth 1\n");
  EXPECT_EQ(RenderPrometheusText(registry),
            "# HELP queue_depth Depth.\n# TYPE queue_depth gauge\nqueue_depth 2\n");
}

TEST(MetricsRegistryDeathTest, KindMismatchStopsTheProcess) {
  MetricsRegistry registry;
  registry.GetCounter("things", "Things.");
  EXPECT_DEATH(registry.GetGauge("things", "Things."), "things is a counter, not a gauge");
}

TEST(MetricsRegistryDeathTest, ProgrammerErrorsStopTheProcess) {
  MetricsRegistry registry;
  registry.GetHistogram("h", "H.", {1, 2});
  EXPECT_DEATH(registry.GetHistogram("h", "H.", {1, 3}), "registered with buckets");
  EXPECT_DEATH(registry.GetHistogram("h", "Other.", {1, 2}), "registered with help");
  EXPECT_DEATH(registry.GetHistogram("u", "U.", {2, 1}), "strictly increasing");
  EXPECT_DEATH(registry.GetHistogram("u", "U.", {1}, {{"le", "1"}}), "reserved for buckets");
  EXPECT_DEATH(registry.GetCounter("1abc", "Bad."), "invalid metric name");
  EXPECT_DEATH(registry.GetCounter("c", "C.", {{"a-b", "x"}}), "invalid label name");
  EXPECT_DEATH(registry.GetCounter("c", "C.", {{"a", "x"}, {"a", "y"}}), "given twice");
  Counter& counter = registry.GetCounter("c", "C.");
  EXPECT_DEATH(counter.Increment(-1), "negative");
}

}  // namespace
}  // namespace orch::metrics
