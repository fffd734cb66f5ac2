#pragma once

// Runs a JavaScript test oracle (tests/oracles/*.mjs) with Node.js: JSON requests in, one JSON
// answer per request out, all in one node process. The oracles use npm packages installed in
// the repository's node_modules by scripts/install-deps.sh.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "orch/common/result.h"

namespace orch::testing {

/// ORCH_NODE if set, else the first executable `node` on PATH.
/// Errors: kNotFound with what to install.
Result<std::string> FindNode();

/// Runs `node <repo>/tests/oracles/<script> <arguments...>` with `requests` as JSON lines on
/// standard input; returns the JSON lines it prints, one per request.
/// Errors: kNotFound (no node), kUnavailable (node failed: its stderr is in the message),
/// kInternal (a wrong number of answers or one that is not JSON).
Result<std::vector<nlohmann::json>> RunNodeOracle(const std::string& script,
                                                  const std::vector<std::string>& arguments,
                                                  const std::vector<nlohmann::json>& requests);

}  // namespace orch::testing
