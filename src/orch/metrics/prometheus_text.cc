#include "orch/metrics/prometheus_text.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <iterator>
#include <type_traits>

namespace orch::metrics {
namespace {

// HELP text escapes only backslash and newline; label values also escape the double quote
// that would end them.
void AppendEscaped(std::string& out, std::string_view text, bool escape_quote) {
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && escape_quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

void AppendLabel(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += "=\"";
  AppendEscaped(out, value, /*escape_quote=*/true);
  out += '"';
}

// `le`, when given, is appended after the series' own labels, where Prometheus clients put it.
void AppendLabels(std::string& out, const Labels& labels, std::string_view le = {}) {
  if (labels.empty() && le.empty()) {
    return;
  }
  out += '{';
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) {
      out += ',';
    }
    first = false;
    AppendLabel(out, name, value);
  }
  if (!le.empty()) {
    if (!first) {
      out += ',';
    }
    AppendLabel(out, "le", le);
  }
  out += '}';
}

template <typename Value>
void AppendSample(std::string& out, std::string_view name, std::string_view suffix,
                  const Labels& labels, Value value, std::string_view le = {}) {
  out += name;
  out += suffix;
  AppendLabels(out, labels, le);
  out += ' ';
  if constexpr (std::is_floating_point_v<Value>) {
    out += FormatPrometheusNumber(value);
  } else {
    fmt::format_to(std::back_inserter(out), "{}", value);
  }
  out += '\n';
}

void AppendFamily(std::string& out, const FamilySnapshot& family) {
  out += "# HELP ";
  out += family.name;
  out += ' ';
  AppendEscaped(out, family.help, /*escape_quote=*/false);
  out += "\n# TYPE ";
  out += family.name;
  out += ' ';
  out += ToString(family.kind);
  out += '\n';
  for (const SeriesSnapshot& series : family.series) {
    if (family.kind != MetricKind::kHistogram) {
      AppendSample(out, family.name, "", series.labels, series.value);
      continue;
    }
    for (std::size_t i = 0; i < series.cumulative_counts.size(); ++i) {
      const std::string le = i < family.bucket_bounds.size()
                                 ? FormatPrometheusNumber(family.bucket_bounds[i])
                                 : std::string("+Inf");
      AppendSample(out, family.name, "_bucket", series.labels, series.cumulative_counts[i], le);
    }
    AppendSample(out, family.name, "_sum", series.labels, series.sum);
    AppendSample(out, family.name, "_count", series.labels, series.count);
  }
}

}  // namespace

std::string FormatPrometheusNumber(double value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  // fmt's default for double is the shortest representation that round-trips, without a
  // trailing ".0" for integers: exactly what Prometheus parsers accept.
  return fmt::format("{}", value);
}

std::string RenderPrometheusText(std::span<const FamilySnapshot> families) {
  std::string out;
  for (const FamilySnapshot& family : families) {
    AppendFamily(out, family);
  }
  return out;
}

std::string RenderPrometheusText(MetricsRegistry& registry) {
  const std::vector<FamilySnapshot> families = registry.Snapshot();
  return RenderPrometheusText(families);
}

}  // namespace orch::metrics
