#pragma once

#include <optional>
#include <string>
#include <vector>

#include "orch/app/pipeline_settings.h"
#include "orch/cli/run_command.h"
#include "orch/common/result.h"
#include "orch/engine/queue_layout.h"

namespace orch::cli {

/// The pipeline `orchestrator run` flags describe, or nullopt without --madara-rpc-url (the
/// engine then stays idle). `settlement` is what EthereumSettlementFrom made of the flags.
/// Errors: kInvalidArgument naming the flag: a pipeline flag without --madara-rpc-url, a URL
/// that is not http(s), a missing or malformed --snos-runner or --prover, a prover's missing
/// settings (Atlantic's API key, SHARP's URL, customer id and certificate files), an unknown
/// layout or enum value, a malformed felt, address or key (keys never quoted).
Result<std::optional<app::PipelineSettings>> PipelineSettingsFrom(
    const RunOptions& options, engine::Layer layer,
    const std::optional<app::EthereumSettlementSettings>& settlement);

/// The Cairo layouts SNOS and the provers accept (protocols.md §1.3).
const std::vector<std::string>& KnownLayouts();

}  // namespace orch::cli
