#include "orch/metrics/metrics.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <variant>

#include "orch/common/check.h"

namespace orch::metrics {
namespace {

static_assert(std::atomic<double>::is_always_lock_free,
              "recording must not take a lock; pick another representation on this platform");
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

// Relaxed throughout: each value is an independent statistic and nothing is published
// through it, so ordering against other memory buys nothing and costs fences on the hot path.
constexpr auto kRelaxed = std::memory_order_relaxed;

class AtomicCounter final : public Counter {
 public:
  void Increment(double by) override {
    ORCH_CHECK(by >= 0, "counter increment {} is negative or NaN", by);
    value_.fetch_add(by, kRelaxed);
  }

  double Read() const { return value_.load(kRelaxed); }

 private:
  std::atomic<double> value_{0};
};

class AtomicGauge final : public Gauge {
 public:
  void Set(double value) override { value_.store(value, kRelaxed); }
  void Add(double delta) override { value_.fetch_add(delta, kRelaxed); }

  double Read() const { return value_.load(kRelaxed); }

 private:
  std::atomic<double> value_{0};
};

// Counts per bucket (not cumulative), so that Observe touches one bucket; the count is their
// total, which keeps _count equal to the +Inf bucket in every snapshot.
class AtomicHistogram final : public Histogram {
 public:
  explicit AtomicHistogram(std::vector<double> bounds)
      : bounds_(std::move(bounds)), counts_(bounds_.size() + 1) {}

  void Observe(double value) override {
    // lower_bound finds the first bound >= value, i.e. the first bucket whose le admits it;
    // NaN compares false with everything, so it is sent to +Inf explicitly.
    const std::size_t bucket =
        std::isnan(value)
            ? bounds_.size()
            : static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) -
                                       bounds_.begin());
    counts_[bucket].fetch_add(1, kRelaxed);
    sum_.fetch_add(value, kRelaxed);
  }

  void ReadInto(SeriesSnapshot& snapshot) const {
    std::uint64_t total = 0;
    snapshot.cumulative_counts.reserve(counts_.size());
    for (const auto& count : counts_) {
      total += count.load(kRelaxed);
      snapshot.cumulative_counts.push_back(total);
    }
    snapshot.count = total;
    snapshot.sum = sum_.load(kRelaxed);
  }

 private:
  const std::vector<double> bounds_;
  std::vector<std::atomic<std::uint64_t>> counts_;  // one per bound, then +Inf
  std::atomic<double> sum_{0};
};

// One alternative per kind; a family's kind fixes which one its series hold. Boxed because the
// atomics inside can be neither moved nor copied into the variant.
using Series = std::variant<std::unique_ptr<AtomicCounter>, std::unique_ptr<AtomicGauge>,
                            std::unique_ptr<AtomicHistogram>>;

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

bool IsValidMetricName(std::string_view name) {
  if (name.empty() || IsAsciiDigit(name.front())) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return IsAsciiLetter(c) || IsAsciiDigit(c) || c == '_' || c == ':';
  });
}

bool IsValidLabelName(std::string_view name) {
  if (name.empty() || IsAsciiDigit(name.front())) {
    return false;
  }
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return IsAsciiLetter(c) || IsAsciiDigit(c) || c == '_'; });
}

Labels NormalizeLabels(std::string_view metric, const Labels& labels, MetricKind kind) {
  Labels sorted = labels;
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const std::string& label = sorted[i].first;
    ORCH_CHECK(IsValidLabelName(label), "metric {}: invalid label name '{}'", metric, label);
    ORCH_CHECK(!label.starts_with("__"), "metric {}: label name '{}' is reserved", metric, label);
    ORCH_CHECK(kind != MetricKind::kHistogram || label != "le",
               "histogram {}: label name 'le' is reserved for buckets", metric);
    ORCH_CHECK(i == 0 || sorted[i - 1].first != label, "metric {}: label '{}' given twice", metric,
               label);
  }
  return sorted;
}

std::vector<double> NormalizeBounds(std::string_view metric, std::vector<double> bounds) {
  if (!bounds.empty() && bounds.back() == std::numeric_limits<double>::infinity()) {
    bounds.pop_back();
  }
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    ORCH_CHECK(!std::isnan(bounds[i]), "histogram {}: bucket bound {} is NaN", metric, i);
    ORCH_CHECK(i == 0 || bounds[i - 1] < bounds[i],
               "histogram {}: bucket bounds must be strictly increasing ({} then {})", metric,
               bounds[i - 1], bounds[i]);
  }
  return bounds;
}

template <typename T, typename... Args>
T& FindOrCreateSeries(std::map<Labels, Series>& series, Labels labels, Args&&... args) {
  auto [it, inserted] = series.try_emplace(std::move(labels));
  if (inserted) {
    it->second = std::make_unique<T>(std::forward<Args>(args)...);
  }
  return *std::get<std::unique_ptr<T>>(it->second);
}

}  // namespace

struct MetricsRegistry::Family {
  std::string name;
  std::string help;
  MetricKind kind;
  std::vector<double> bucket_bounds;
  std::map<Labels, Series> series;
};

std::string_view ToString(MetricKind kind) {
  switch (kind) {
    case MetricKind::kCounter:
      return "counter";
    case MetricKind::kGauge:
      return "gauge";
    case MetricKind::kHistogram:
      return "histogram";
  }
  return "unknown";
}

std::vector<double> DefaultLatencyBucketsSeconds() {
  return {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600};
}

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Family& MetricsRegistry::FindOrCreateFamilyLocked(
    std::string_view name, std::string_view help, MetricKind kind,
    std::vector<double> bucket_bounds) {
  ORCH_CHECK(IsValidMetricName(name), "invalid metric name '{}'", name);
  auto it = families_.find(name);
  if (it == families_.end()) {
    auto family = std::make_unique<Family>(Family{.name = std::string(name),
                                                  .help = std::string(help),
                                                  .kind = kind,
                                                  .bucket_bounds = std::move(bucket_bounds)});
    it = families_.emplace(std::string(name), std::move(family)).first;
    return *it->second;
  }
  Family& family = *it->second;
  ORCH_CHECK(family.kind == kind, "metric {} is a {}, not a {}", name, ToString(family.kind),
             ToString(kind));
  ORCH_CHECK(family.help == help, "metric {} registered with help '{}', now asked with '{}'", name,
             family.help, help);
  ORCH_CHECK(family.bucket_bounds == bucket_bounds,
             "histogram {} registered with buckets [{}], now asked with [{}]", name,
             fmt::join(family.bucket_bounds, ", "), fmt::join(bucket_bounds, ", "));
  return family;
}

Counter& MetricsRegistry::GetCounter(std::string_view name, std::string_view help,
                                     const Labels& labels) {
  Labels sorted = NormalizeLabels(name, labels, MetricKind::kCounter);
  std::lock_guard lock(mu_);
  Family& family = FindOrCreateFamilyLocked(name, help, MetricKind::kCounter, {});
  return FindOrCreateSeries<AtomicCounter>(family.series, std::move(sorted));
}

Gauge& MetricsRegistry::GetGauge(std::string_view name, std::string_view help,
                                 const Labels& labels) {
  Labels sorted = NormalizeLabels(name, labels, MetricKind::kGauge);
  std::lock_guard lock(mu_);
  Family& family = FindOrCreateFamilyLocked(name, help, MetricKind::kGauge, {});
  return FindOrCreateSeries<AtomicGauge>(family.series, std::move(sorted));
}

Histogram& MetricsRegistry::GetHistogram(std::string_view name, std::string_view help,
                                         std::vector<double> bucket_bounds, const Labels& labels) {
  Labels sorted = NormalizeLabels(name, labels, MetricKind::kHistogram);
  std::vector<double> bounds = NormalizeBounds(name, std::move(bucket_bounds));
  std::lock_guard lock(mu_);
  Family& family = FindOrCreateFamilyLocked(name, help, MetricKind::kHistogram, bounds);
  return FindOrCreateSeries<AtomicHistogram>(family.series, std::move(sorted), std::move(bounds));
}

void MetricsRegistry::AddCollector(std::function<void()> collect) {
  ORCH_CHECK(collect != nullptr, "empty collector");
  std::lock_guard lock(mu_);
  collectors_.push_back(std::make_unique<std::function<void()>>(std::move(collect)));
}

std::vector<FamilySnapshot> MetricsRegistry::Snapshot() {
  std::lock_guard collect_lock(collect_mu_);
  std::vector<const std::function<void()>*> collectors;
  {
    std::lock_guard lock(mu_);
    collectors.reserve(collectors_.size());
    for (const auto& collector : collectors_) {
      collectors.push_back(collector.get());
    }
  }
  // Without mu_: collectors call Get* (which takes it) to reach the gauges they set.
  for (const auto* collector : collectors) {
    (*collector)();
  }

  std::lock_guard lock(mu_);
  std::vector<FamilySnapshot> families;
  families.reserve(families_.size());
  for (const auto& [name, family] : families_) {
    FamilySnapshot& out =
        families.emplace_back(FamilySnapshot{.name = family->name,
                                             .help = family->help,
                                             .kind = family->kind,
                                             .bucket_bounds = family->bucket_bounds});
    out.series.reserve(family->series.size());
    for (const auto& [labels, series] : family->series) {
      SeriesSnapshot& snapshot = out.series.emplace_back(SeriesSnapshot{.labels = labels});
      if (const auto* counter = std::get_if<std::unique_ptr<AtomicCounter>>(&series)) {
        snapshot.value = (*counter)->Read();
      } else if (const auto* gauge = std::get_if<std::unique_ptr<AtomicGauge>>(&series)) {
        snapshot.value = (*gauge)->Read();
      } else {
        std::get<std::unique_ptr<AtomicHistogram>>(series)->ReadInto(snapshot);
      }
    }
  }
  return families;
}

}  // namespace orch::metrics
