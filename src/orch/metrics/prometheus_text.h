#pragma once

#include <span>
#include <string>
#include <string_view>

#include "orch/metrics/metrics.h"

namespace orch::metrics {

/// The Content-Type of RenderPrometheusText's output, for the /metrics handler.
inline constexpr std::string_view kPrometheusTextContentType =
    "text/plain; version=0.0.4; charset=utf-8";

/// Renders every metric of `registry` in the Prometheus text exposition format 0.0.4. Takes a
/// Snapshot, so the registry's collectors run first. Per family: one "# HELP" and one "# TYPE"
/// line, then one line per series (`name{a="x",b="y"} value`); histograms get cumulative
/// `name_bucket{...,le="bound"}` lines ending with le="+Inf", then `name_sum` and
/// `name_count`. Families come sorted by name and series by labels, so the output is
/// deterministic. Thread-safe, as the registry is.
std::string RenderPrometheusText(MetricsRegistry& registry);

/// Renders families already taken with MetricsRegistry::Snapshot, in the order given.
std::string RenderPrometheusText(std::span<const FamilySnapshot> families);

/// A sample value or bucket bound as the format writes it: the shortest decimal that reads
/// back to the same double ("3", "0.25", "1e+20"), or "NaN", "+Inf", "-Inf".
std::string FormatPrometheusNumber(double value);

}  // namespace orch::metrics
