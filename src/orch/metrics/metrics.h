#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orch::metrics {

/// Label (name, value) pairs that tell the series of one metric apart, e.g. {{"job_type",
/// "snos"}}. The order given does not matter: the registry sorts them by name.
using Labels = std::vector<std::pair<std::string, std::string>>;

/// A value that only goes up (jobs processed, errors seen). Implementations are thread-safe
/// and lock-free, so that recording costs the hot path next to nothing.
class Counter {
 public:
  virtual ~Counter() = default;

  /// Adds `by`, which must be >= 0 (a negative or NaN step is a programmer error and stops
  /// the process: a counter that goes down breaks rate() in every dashboard).
  virtual void Increment(double by = 1) = 0;
};

/// A value that goes up and down (queue depth, block lag). Implementations are thread-safe
/// and lock-free.
class Gauge {
 public:
  virtual ~Gauge() = default;

  /// Replaces the value.
  virtual void Set(double value) = 0;

  /// Adds `delta`, which may be negative.
  virtual void Add(double delta) = 0;
};

/// A distribution of observations (latencies, sizes) counted into fixed buckets, plus their
/// sum and count. Implementations are thread-safe and lock-free.
class Histogram {
 public:
  virtual ~Histogram() = default;

  /// Records one observation. NaN is counted only in the implicit +Inf bucket (and makes the
  /// sum NaN), as the Prometheus client libraries do.
  virtual void Observe(double value) = 0;
};

enum class MetricKind { kCounter, kGauge, kHistogram };

/// "counter", "gauge" or "histogram": the word the Prometheus TYPE line uses.
std::string_view ToString(MetricKind kind);

/// The bucket upper bounds, in seconds, for latencies from a millisecond (an RPC) to an hour
/// (a proof).
std::vector<double> DefaultLatencyBucketsSeconds();

/// The values of one series at the time of a Snapshot.
struct SeriesSnapshot {
  Labels labels;  // sorted by name
  /// Counters and gauges only.
  double value = 0;
  /// Histograms only: the number of observations <= each bucket bound, in the order of
  /// FamilySnapshot::bucket_bounds, followed by the implicit +Inf bucket (== count).
  std::vector<std::uint64_t> cumulative_counts;
  double sum = 0;
  std::uint64_t count = 0;
};

/// One metric name with every series registered under it.
struct FamilySnapshot {
  std::string name;
  std::string help;
  MetricKind kind = MetricKind::kCounter;
  std::vector<double> bucket_bounds;   // histograms only; without the implicit +Inf
  std::vector<SeriesSnapshot> series;  // sorted by labels
};

/// Owns every metric of the process and hands out references to them; exporters read it
/// through Snapshot(). One registry is created by the composition root and passed down by
/// reference; nothing here is global, so each test builds its own.
///
/// A metric is identified by its name and labels. Asking again for the same (name, labels)
/// returns the same object, and returned references stay valid for the registry's lifetime,
/// so callers look metrics up once (in a constructor) and keep the reference.
///
/// Programmer errors, which stop the process through ORCH_CHECK: a metric name outside
/// [a-zA-Z_:][a-zA-Z0-9_:]*, a label name outside [a-zA-Z_][a-zA-Z0-9_]* or starting with
/// "__" (reserved by Prometheus), the same label name twice, "le" as a histogram label,
/// bucket bounds that are not strictly increasing or contain NaN, and asking for an existing
/// name with a different kind, help text or bucket bounds.
///
/// Thread-safe. Registration and Snapshot take an internal mutex; recording through the
/// returned Counter/Gauge/Histogram never does.
class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  /// Returns the counter `name` with `labels`, creating it at 0 on first use.
  Counter& GetCounter(std::string_view name, std::string_view help, const Labels& labels = {});

  /// Returns the gauge `name` with `labels`, creating it at 0 on first use.
  Gauge& GetGauge(std::string_view name, std::string_view help, const Labels& labels = {});

  /// Returns the histogram `name` with `labels`, creating it empty on first use. The +Inf
  /// bucket is implicit; a trailing +Inf in `bucket_bounds` is accepted and dropped. Every
  /// series of one name must use the same bounds.
  Histogram& GetHistogram(std::string_view name, std::string_view help,
                          std::vector<double> bucket_bounds, const Labels& labels = {});

  /// Registers `collect` to run at the start of every Snapshot (so on every scrape). Meant
  /// for gauges that are cheap to read on demand, such as queue depth or block lag: the
  /// collector reads the source and Sets the gauge. Collectors run one at a time, in the
  /// order added, on the thread calling Snapshot, without the registry mutex held, so they
  /// may call Get*. They must not call Snapshot (or render) themselves: that deadlocks.
  void AddCollector(std::function<void()> collect);

  /// Runs the collectors, then returns every family sorted by name, each with its series
  /// sorted by labels. Each value is read atomically, but a snapshot is not one atomic cut:
  /// a histogram's sum and its buckets may disagree by the observations in flight.
  std::vector<FamilySnapshot> Snapshot();

 private:
  struct Family;

  Family& FindOrCreateFamilyLocked(std::string_view name, std::string_view help, MetricKind kind,
                                   std::vector<double> bucket_bounds);

  // Held while collectors run so that concurrent scrapes do not run them concurrently; taken
  // before mu_, never while holding it.
  std::mutex collect_mu_;
  std::mutex mu_;
  // Boxed so that the pointers handed to Snapshot stay valid while more are added.
  std::vector<std::unique_ptr<std::function<void()>>> collectors_;        // guarded by mu_
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;  // guarded by mu_
};

}  // namespace orch::metrics
