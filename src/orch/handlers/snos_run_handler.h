#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "orch/cairo/cairo_pie.h"
#include "orch/clients/madara/madara_client.h"
#include "orch/clients/snos/snos_runner.h"
#include "orch/engine/job_handler.h"
#include "orch/objects/object_store.h"

namespace orch::handlers {

struct SnosRunOptions {
  /// The node the OS reads (--rpc-for-snos); handed to the runner, never logged.
  std::string rpc_url;
  std::string layout = "all_cairo";
  snos::ChainConfig chain;
  /// The per-block pipeline settles each OS output directly (no aggregator), so the OS writes
  /// the state diff into blobs (use_kzg_da) and the partial, compressed format.
  bool full_output = false;
  bool use_kzg_da = true;
  std::optional<std::string> versioned_constants_path;
  std::vector<crypto::Felt> da_public_keys;
  cairo::PieLimits pie_limits;
  engine::HandlerLimits limits{.max_process_attempts = 1,
                               .max_verification_attempts = 1,
                               .verification_polling_delay = std::chrono::seconds(1)};
};

/// SnosRun for one block (internal id = block number = SNOS batch index): runs the Starknet OS
/// through the configured SnosRunner and stores what the later stages read, at the reference's
/// keys: `<block>/cairo_pie.zip`, `<block>/snos_output.json` (JSON array of 0x-hex felts) and
/// `<block>/program_output.txt` (bincode). Records the fact (snos_fact) and the PIE's n_steps.
///
/// Before running, the SNOS RPC must answer starknet_chainId (else a transient error: the
/// engine retries with backoff). The runner's output is checked before anything is stored, so
/// that a wrong run fails here and not on L1: the PIE parses, its output segment equals the OS
/// output word for word, the output names exactly this block (new block number N, previous
/// N - 1) and has the requested use_kzg_da and full_output flags. Fact (upstream §3.1): with
/// use_kzg_da the keccak fact of the PIE (program hash, output Merkle root), which is what the
/// core contract asks the verifier about; without, the Poseidon "L2 fact".
///
/// Errors of Process: the runner's (transient or permanent, as it says), kDataLoss (permanent)
/// for output that fails the checks, the object store's (transient). Verify finds the three
/// objects (Rejected naming a missing one, which makes the engine run the OS again).
/// Thread-safe when the runner, the client and the store are.
class SnosRunHandler final : public engine::JobHandler {
 public:
  SnosRunHandler(snos::SnosRunner& runner, madara::MadaraClient& snos_rpc,
                 objects::ObjectStore& store, SnosRunOptions options);

  job::JobType type() const override;
  engine::HandlerLimits limits() const override;
  Result<job::SpecificMetadata> CreateMetadata(std::uint64_t internal_id) override;
  Result<job::ExternalId> Process(job::Job& job) override;
  Result<engine::Verification> Verify(job::Job& job) override;

  static std::string CairoPieKey(std::uint64_t block_number);
  static std::string SnosOutputKey(std::uint64_t block_number);
  static std::string ProgramOutputKey(std::uint64_t block_number);

 private:
  snos::SnosRunner& runner_;
  madara::MadaraClient& snos_rpc_;
  objects::ObjectStore& store_;
  const SnosRunOptions options_;
};

}  // namespace orch::handlers
