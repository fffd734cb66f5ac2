#include "orch/cli/engine_settings.h"

#include <charconv>

#include "orch/common/strings.h"

namespace orch::cli {
namespace {

using job::JobType;
using std::chrono::milliseconds;
using std::chrono::seconds;

// --retry-policy names: the flag family's short names and the reference's job type names.
Result<std::vector<JobType>> PolicyTypes(std::string_view name) {
  if (name == "snos" || name == "SnosRun") return std::vector{JobType::kSnosRun};
  if (name == "proving") return std::vector{JobType::kProofCreation, JobType::kProofRegistration};
  if (name == "ProofCreation") return std::vector{JobType::kProofCreation};
  if (name == "proof-registration" || name == "ProofRegistration") {
    return std::vector{JobType::kProofRegistration};
  }
  if (name == "data-submission" || name == "DataSubmission") {
    return std::vector{JobType::kDataSubmission};
  }
  if (name == "state-transition" || name == "StateTransition") {
    return std::vector{JobType::kStateTransition};
  }
  return Error::InvalidArgument(
      "--retry-policy: unknown job type '{}' (use snos, proving, proof-registration, "
      "data-submission or state-transition)",
      name);
}

Result<std::uint64_t> PositiveNumber(std::string_view text, std::string_view policy,
                                     std::string_view what) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value == 0) {
    return Error::InvalidArgument("--retry-policy '{}': {} must be a positive integer, not '{}'",
                                  policy, what, text);
  }
  return value;
}

Result<void> ApplyRetryPolicy(std::string_view policy,
                              std::map<JobType, engine::LimitOverrides>& limits) {
  const auto equals = policy.find('=');
  const std::vector<std::string_view> parts = equals == std::string_view::npos
                                                  ? std::vector<std::string_view>()
                                                  : SplitString(policy.substr(equals + 1), ',');
  if (parts.size() != 3) {
    return Error::InvalidArgument(
        "--retry-policy '{}': expected TYPE=BASE_MS,CAP_MS,MAX_ATTEMPTS (e.g. "
        "proving=2000,120000,8)",
        policy);
  }
  ORCH_ASSIGN_OR_RETURN(auto types, PolicyTypes(policy.substr(0, equals)));
  ORCH_ASSIGN_OR_RETURN(std::uint64_t base, PositiveNumber(parts[0], policy, "BASE_MS"));
  ORCH_ASSIGN_OR_RETURN(std::uint64_t cap, PositiveNumber(parts[1], policy, "CAP_MS"));
  ORCH_ASSIGN_OR_RETURN(std::uint64_t attempts, PositiveNumber(parts[2], policy, "MAX_ATTEMPTS"));
  if (cap < base) {
    return Error::InvalidArgument("--retry-policy '{}': CAP_MS {} is below BASE_MS {}", policy, cap,
                                  base);
  }
  for (JobType type : types) {
    engine::LimitOverrides& overrides = limits[type];
    overrides.retry_base = milliseconds(base);
    overrides.retry_cap = milliseconds(cap);
    overrides.retry_max_attempts = attempts;
  }
  return Ok();
}

Result<void> RequirePositive(int value, std::string_view flag) {
  if (value <= 0) {
    return Error::InvalidArgument("{} must be positive, not {}", flag, value);
  }
  return Ok();
}

}  // namespace

Result<engine::EngineOptions> EngineOptionsFrom(const RunOptions& options, engine::Layer layer,
                                                std::string instance_id) {
  struct PerType {
    JobType type;
    int concurrency;
    std::string_view concurrency_flag;
    int timeout_seconds;
    std::string_view timeout_flag;
  };
  const PerType per_type[] = {
      {JobType::kSnosRun, options.max_concurrent_snos_jobs, "--max-concurrent-snos-jobs",
       options.snos_job_timeout_seconds, "--snos-job-timeout-seconds"},
      {JobType::kProofCreation, options.max_concurrent_proving_jobs,
       "--max-concurrent-proving-jobs", options.proving_job_timeout_seconds,
       "--proving-job-timeout-seconds"},
      {JobType::kProofRegistration, options.max_concurrent_proving_jobs,
       "--max-concurrent-proving-jobs", options.proof_registration_timeout_seconds,
       "--proof-registration-timeout-seconds"},
      {JobType::kDataSubmission, options.max_concurrent_data_submission_jobs,
       "--max-concurrent-data-submission-jobs", options.data_submission_timeout_seconds,
       "--data-submission-timeout-seconds"},
      {JobType::kStateTransition, options.max_concurrent_state_transition_jobs,
       "--max-concurrent-state-transition-jobs", options.state_transition_timeout_seconds,
       "--state-transition-timeout-seconds"},
  };
  ORCH_RETURN_IF_ERROR(
      RequirePositive(options.trigger_interval_seconds, "--trigger-interval-seconds"));
  ORCH_RETURN_IF_ERROR(RequirePositive(options.block_poll_interval_ms, "--block-poll-interval-ms"));
  if (options.snos_job_buffer_size == 0) {
    return Error::InvalidArgument("--snos-job-buffer-size must be positive");
  }
  if (options.max_blocks_per_settlement == 0) {
    return Error::InvalidArgument("--max-blocks-per-settlement must be positive");
  }
  engine::EngineOptions engine_options{
      .instance_id = std::move(instance_id),
      .trigger_interval = seconds(options.trigger_interval_seconds),
      .block_poll_interval = std::chrono::milliseconds(options.block_poll_interval_ms),
      .pipeline = {.min_block = options.min_block,
                   .max_block = options.max_block,
                   .snos_job_buffer_size = options.snos_job_buffer_size,
                   .max_blocks_per_settlement = options.max_blocks_per_settlement}};
  const std::vector<JobType> types = engine::PipelineJobTypes(layer);
  for (const PerType& entry : per_type) {
    if (std::find(types.begin(), types.end(), entry.type) == types.end()) {
      continue;
    }
    ORCH_RETURN_IF_ERROR(RequirePositive(entry.concurrency, entry.concurrency_flag));
    ORCH_RETURN_IF_ERROR(RequirePositive(entry.timeout_seconds, entry.timeout_flag));
    engine_options.concurrency[entry.type] = entry.concurrency;
    engine_options.limits[entry.type].lease_duration = seconds(entry.timeout_seconds);
  }
  for (const std::string& policy : options.retry_policies) {
    ORCH_RETURN_IF_ERROR(ApplyRetryPolicy(policy, engine_options.limits));
  }
  return engine_options;
}

std::string DescribeEngineOptions(const engine::EngineOptions& options, engine::Layer layer) {
  std::string text;
  for (JobType type : engine::PipelineJobTypes(layer)) {
    const auto concurrency = options.concurrency.find(type);
    text += fmt::format("\n  {}: {} consumers", job::ToString(type),
                        concurrency == options.concurrency.end() ? options.default_concurrency
                                                                 : concurrency->second);
    const auto limits = options.limits.find(type);
    if (limits == options.limits.end()) {
      continue;
    }
    if (limits->second.lease_duration) {
      text +=
          fmt::format(", lease {} s",
                      std::chrono::duration_cast<seconds>(*limits->second.lease_duration).count());
    }
    if (limits->second.retry_base) {
      text += fmt::format(", retry {}..{} ms x{}", limits->second.retry_base->count(),
                          limits->second.retry_cap->count(), *limits->second.retry_max_attempts);
    }
  }
  return text;
}

}  // namespace orch::cli
