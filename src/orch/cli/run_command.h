#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "orch/cli/common_options.h"

namespace orch::cli {

/// Options of `orchestrator run` (docs/configuration.md).
struct RunOptions {
  CommonOptions common;
  std::string host = "127.0.0.1";
  int port = 3000;
  bool admin_enabled = false;
  std::string admin_token;  // or MADARA_ORCHESTRATOR_ADMIN_TOKEN_FILE
  std::uint64_t min_block = 0;
  std::optional<std::uint64_t> max_block;
  std::uint64_t snos_job_buffer_size = 50;
  int trigger_interval_seconds = 10;
  int graceful_shutdown_timeout_seconds = 120;
  std::string madara_rpc_url;
  // Consumers per job type (each for its processing and its verification queue).
  int max_concurrent_snos_jobs = 5;
  int max_concurrent_proving_jobs = 10;  // ProofCreation and ProofRegistration
  int max_concurrent_data_submission_jobs = 5;
  int max_concurrent_state_transition_jobs = 1;  // settlement is one block at a time anyway
  // Processing leases: a holder silent for longer is presumed dead and its job handed over.
  int snos_job_timeout_seconds = 300;
  int proving_job_timeout_seconds = 300;
  int proof_registration_timeout_seconds = 300;
  int data_submission_timeout_seconds = 300;
  int state_transition_timeout_seconds = 300;
  // Transient-error backoff per job type: "TYPE=BASE_MS,CAP_MS,MAX_ATTEMPTS".
  std::vector<std::string> retry_policies;
  // Settlement on Ethereum (the reference's flags and defaults; confirmations are ours).
  bool settle_on_ethereum = false;
  std::string ethereum_rpc_url;      // or MADARA_ORCHESTRATOR_ETHEREUM_SETTLEMENT_RPC_URL_FILE
  std::string ethereum_private_key;  // or MADARA_ORCHESTRATOR_ETHEREUM_PRIVATE_KEY_FILE
  std::string l1_core_contract_address;
  int ethereum_max_fee_bumps = 2;
  std::string ethereum_l2_state_update_max_fee_wei = "10000000000000000";  // 0.01 ETH
  int ethereum_tx_confirmation_timeout_secs = 300;
  int ethereum_confirmations = 3;
  bool disable_peerdas = false;
};

/// `orchestrator run`: opens the backends, checks the schema (refusing a database older or
/// newer than this binary), ensures the queues of the layer, serves the operator API and
/// metrics, and runs until SIGTERM or SIGINT, then shuts down within the graceful timeout.
/// Without the clients the job handlers need (which arrive in later releases), the engine
/// stays idle and says which configuration is missing; it never pretends to process blocks.
Result<void> RunServer(const RunOptions& options);

}  // namespace orch::cli
