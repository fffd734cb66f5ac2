#pragma once

#include <memory>
#include <string>
#include <vector>

#include "orch/app/backends.h"
#include "orch/app/pipeline_settings.h"
#include "orch/common/clock.h"
#include "orch/common/result.h"
#include "orch/engine/chain_head.h"
#include "orch/engine/handler_registry.h"

namespace orch::app {

class PipelineClients;

/// The per-block pipeline of one orchestrator process: the clients of the services it calls
/// (Madara, the SNOS runner, the prover, the settlement node) and the job handlers over them,
/// built once from PipelineSettings. The only place that knows the concrete client classes.
///
/// Use: Create (builds the clients; contacts nothing), Preflight (contacts every service and
/// learns the chain ids), then handlers() for the engine. Thread-safe after Preflight.
class Pipeline {
 public:
  /// Errors: kInvalidArgument for settings that cannot work together (e.g. L2 without
  /// settlement, a SNOS runner of an unknown kind), kNotFound / kDataLoss for a trusted setup
  /// that cannot be loaded.
  static Result<std::unique_ptr<Pipeline>> Create(PipelineSettings settings, Backends& backends,
                                                  const Clock& clock);
  ~Pipeline();

  /// Checks every configured service once: the Madara node and the SNOS RPC answer and agree
  /// on the chain id; the feeder gateway gives the fee tokens not configured; the SNOS
  /// runner's program or directory exists; the settlement node answers and the core contract
  /// is deployed there; the prover answers (the mock verifier is deployed). Then builds the
  /// handlers. Returns one line per failed check (empty: all passed, handlers() is ready).
  /// Call once.
  std::vector<std::string> Preflight();

  /// The handler of each job type of the layer (after a clean Preflight).
  const engine::HandlerRegistry& handlers() const { return handlers_; }
  /// The Madara node's latest block.
  engine::ChainHead& chain_head();

  /// Startup log lines: each service by kind and origin, never a secret.
  std::vector<std::string> Describe() const;

 private:
  Pipeline(PipelineSettings settings, Backends& backends, const Clock& clock);
  void BuildHandlers();

  PipelineSettings settings_;
  Backends& backends_;
  const Clock& clock_;
  std::unique_ptr<PipelineClients> clients_;
  engine::HandlerRegistry handlers_;
};

}  // namespace orch::app
