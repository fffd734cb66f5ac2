#include "orch/cli/setup_command.h"

#include <fmt/format.h>

#include "orch/app/setup.h"

namespace orch::cli {

Result<void> RunSetup(const SetupOptions& options, std::ostream& out) {
  ORCH_ASSIGN_OR_RETURN(const engine::Layer layer, engine::ParseLayer(options.common.layer));
  app::SetupSettings settings;
  settings.layer = layer;
  ORCH_ASSIGN_OR_RETURN(settings.urls, ResolveBackendUrls(options.common));
  ORCH_ASSIGN_OR_RETURN(settings.queue_layout, QueueLayoutOptionsFrom(options.common));
  settings.storage_expiration_days = options.storage_expiration_days;
  settings.aws_prefix = options.common.aws_prefix;
  if (options.aws_event_bridge) {
    if (options.event_bridge_type == "rule") {
      settings.event_bridge = app::EventBridgeType::kRule;
    } else if (options.event_bridge_type == "schedule") {
      settings.event_bridge = app::EventBridgeType::kSchedule;
    } else {
      return Error::InvalidArgument(
          "--aws-event-bridge needs --event-bridge-type rule or schedule{}",
          options.event_bridge_type.empty()
              ? ""
              : fmt::format(" (not '{}')", options.event_bridge_type));
    }
  } else if (!options.event_bridge_type.empty()) {
    return Error::InvalidArgument("--event-bridge-type is given without --aws-event-bridge");
  }
  if (options.interval_seconds <= 0) {
    return Error::InvalidArgument("--interval-seconds must be positive");
  }
  settings.interval = std::chrono::seconds(options.interval_seconds);
  settings.scheduler_role_arn = options.event_bridge_role_arn;

  SystemClock clock;
  ORCH_ASSIGN_OR_RETURN(app::SetupPlan plan, app::SetupPlan::Create(std::move(settings), clock));
  if (options.dry_run) {
    const std::vector<std::string> steps = plan.Describe();
    out << fmt::format("setup plan ({} steps; --dry-run: nothing is changed):\n", steps.size());
    for (std::size_t i = 0; i < steps.size(); ++i) {
      out << fmt::format("[{}/{}] {}\n", i + 1, steps.size(), steps[i]);
    }
    return Ok();
  }
  ORCH_RETURN_IF_ERROR(plan.Apply(out));
  out << "setup complete\n";
  return Ok();
}

}  // namespace orch::cli
