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
  std::uint64_t max_blocks_per_settlement = 10;
  int trigger_interval_seconds = 10;
  int block_poll_interval_ms = 1000;
  int graceful_shutdown_timeout_seconds = 120;
  std::string madara_rpc_url;
  // Consumers per job type (each for its processing and its verification queue).
  int max_concurrent_snos_jobs = 5;
  int max_concurrent_proving_jobs = 10;  // ProofCreation and ProofRegistration
  int max_concurrent_data_submission_jobs = 5;
  int max_concurrent_state_transition_jobs = 1;  // one settlement is in flight anyway
  // Processing leases: a holder silent for longer is presumed dead and its job handed over.
  int snos_job_timeout_seconds = 300;
  int proving_job_timeout_seconds = 300;
  int proof_registration_timeout_seconds = 300;
  int data_submission_timeout_seconds = 300;
  int state_transition_timeout_seconds = 300;
  // Transient-error backoff per job type: "TYPE=BASE_MS,CAP_MS,MAX_ATTEMPTS".
  std::vector<std::string> retry_policies;
  // Replaces every handler's delay between verification polls (0: the handlers' own, minutes
  // for the provers as in the reference). For devnets and tests with instant services.
  int verification_poll_ms = 0;
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
  // Data availability: blobs in the settlement transaction (the only kind this release has).
  bool da_on_ethereum = false;
  // SNOS (docs/snos.md).
  std::string rpc_for_snos;               // default: --madara-rpc-url
  std::string snos_runner;                // command:<program> | http:<url> | fixture:<dir>
  int snos_runner_timeout_seconds = 240;  // below the SnosRun lease (--snos-job-timeout-seconds)
  std::string snos_layout_name = "all_cairo";
  bool snos_full_output = false;
  std::string versioned_constants;
  std::string da_public_keys;  // comma-separated felts
  // Fee tokens: from the feeder gateway at startup unless given.
  std::string madara_feeder_gateway_url;  // default: --madara-rpc-url
  std::string strk_fee_token_address;
  std::string eth_fee_token_address;
  // Provers (docs/provers.md).
  std::string prover;  // atlantic | sharp | mock
  bool store_audit_artifacts = false;
  std::string mock_verifier_address;
  std::string mock_prover_private_key;  // or MADARA_ORCHESTRATOR_MOCK_PROVER_PRIVATE_KEY_FILE
  std::string atlantic_api_key;         // or MADARA_ORCHESTRATOR_ATLANTIC_API_KEY_FILE
  std::string atlantic_service_url = "https://atlantic.api.herodotus.cloud";
  std::string atlantic_artifacts_base_url = "https://storage.googleapis.com/hero-atlantic-bucket";
  std::string atlantic_network = "TESTNET";
  std::string atlantic_cairo_vm = "rust";
  std::string atlantic_sharp_prover = "stone";
  std::string atlantic_result = "proof-generation";
  std::string atlantic_settlement_layer = "ethereum";
  std::string atlantic_mock_fact_hash = "false";
  std::string atlantic_rpc_node_url;  // for the isValid check of finished proofs
  std::string atlantic_verifier_contract_address;
  int atlantic_request_timeout_seconds = 120;  // per HTTP request; a submission uploads the PIE
  std::string prover_layout_name = "dynamic";
  std::string cairo_verifier_program_hash;
  std::string sharp_url;
  std::string sharp_customer_id;
  std::string sharp_user_crt_file;
  std::string sharp_user_key_file;
  std::string sharp_server_crt_file;
};

/// `orchestrator run`: opens the backends, checks the schema (refusing a database older or
/// newer than this binary), ensures the queues of the layer, serves the operator API and
/// metrics, and runs until SIGTERM or SIGINT, then shuts down within the graceful timeout.
/// With --madara-rpc-url it runs the per-block pipeline: it checks every configured service
/// first (one line per failed check, then exit 1) and then processes blocks. Without it, the
/// engine stays idle and says what is missing; it never pretends to process blocks.
Result<void> RunServer(const RunOptions& options);

}  // namespace orch::cli
