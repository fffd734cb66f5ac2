#include "orch/cli/cli.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "orch/cli/env_file.h"
#include "orch/cli/run_command.h"
#include "orch/cli/setup_command.h"
#include "orch/cli/tool_command.h"
#include "orch/common/logging.h"

namespace orch::cli {
namespace {

void AddCommonOptions(CLI::App& command, CommonOptions& options) {
  command
      .add_option("--data-dir", options.data_dir,
                  "Directory for the embedded defaults (SQLite file and artifacts)")
      ->envname("MADARA_ORCHESTRATOR_DATA_DIR")
      ->capture_default_str();
  command
      .add_option("--database-url", options.database_url,
                  "Jobs, locks and queues: sqlite:///abs/path.db or postgresql://user@host/db "
                  "(default: sqlite under --data-dir)")
      ->envname("MADARA_ORCHESTRATOR_DATABASE_URL");
  command
      .add_option("--storage-url", options.storage_url,
                  "Artifacts: file:///abs/dir (default: artifacts/ under --data-dir)")
      ->envname("MADARA_ORCHESTRATOR_STORAGE_URL");
  command
      .add_option("--alert-url", options.alert_url,
                  "Alerts: log: or an http(s):// webhook receiving JSON POSTs")
      ->envname("MADARA_ORCHESTRATOR_ALERT_URL")
      ->capture_default_str();
  command.add_option("--layer", options.layer, "Settlement layer: l2 (Ethereum) or l3 (Starknet)")
      ->envname("MADARA_ORCHESTRATOR_LAYER")
      ->capture_default_str();
  command.add_flag("--mongodb", options.mongodb,
                   "Not supported (the reference's database); use --database-url postgresql://");
}

void AddRunOptions(CLI::App& command, RunOptions& options, std::uint64_t& max_block) {
  AddCommonOptions(command, options.common);
  command.add_option("--host", options.host, "Operator API address")
      ->envname("MADARA_ORCHESTRATOR_HOST")
      ->capture_default_str();
  command.add_option("--port", options.port, "Operator API port (0: any free port)")
      ->envname("MADARA_ORCHESTRATOR_PORT")
      ->capture_default_str();
  command.add_flag("--admin-enabled", options.admin_enabled, "Serve the /admin routes")
      ->envname("MADARA_ORCHESTRATOR_ADMIN_ENABLED");
  command
      .add_option(
          "--admin-token", options.admin_token,
          "Bearer token the /admin routes require (or MADARA_ORCHESTRATOR_ADMIN_TOKEN_FILE)")
      ->envname("MADARA_ORCHESTRATOR_ADMIN_TOKEN");
  command.add_option("--min-block-to-process", options.min_block, "First block to settle")
      ->envname("MADARA_ORCHESTRATOR_MIN_BLOCK_NO_TO_PROCESS")
      ->capture_default_str();
  command.add_option("--max-block-to-process", max_block, "Last block to settle (default: none)")
      ->envname("MADARA_ORCHESTRATOR_MAX_BLOCK_NO_TO_PROCESS");
  command
      .add_option("--snos-job-buffer-size", options.snos_job_buffer_size,
                  "How many blocks SNOS may run ahead of settlement")
      ->envname("MADARA_ORCHESTRATOR_SNOS_JOB_BUFFER_SIZE")
      ->capture_default_str();
  command
      .add_option("--trigger-interval-seconds", options.trigger_interval_seconds,
                  "Trigger tick (they also run whenever a job completes)")
      ->envname("MADARA_ORCHESTRATOR_TRIGGER_INTERVAL_SECONDS")
      ->capture_default_str();
  command
      .add_option("--graceful-shutdown-timeout", options.graceful_shutdown_timeout_seconds,
                  "Seconds in-flight work gets to finish on SIGTERM/SIGINT")
      ->envname("MADARA_ORCHESTRATOR_GRACEFUL_SHUTDOWN_TIMEOUT")
      ->capture_default_str();
  command.add_option("--madara-rpc-url", options.madara_rpc_url, "Madara JSON-RPC endpoint")
      ->envname("MADARA_ORCHESTRATOR_MADARA_RPC_URL");

  // Unlike the reference (where only the environment variables took effect), each flag and
  // its variable both work.
  const struct {
    const char* flag;
    int* value;
    const char* env;
    const char* help;
  } numbers[] = {
      {"--max-concurrent-snos-jobs", &options.max_concurrent_snos_jobs,
       "MADARA_ORCHESTRATOR_MAX_CONCURRENT_SNOS_JOBS", "SnosRun consumers"},
      {"--max-concurrent-proving-jobs", &options.max_concurrent_proving_jobs,
       "MADARA_ORCHESTRATOR_MAX_CONCURRENT_PROVING_JOBS",
       "ProofCreation (and ProofRegistration) consumers"},
      {"--max-concurrent-data-submission-jobs", &options.max_concurrent_data_submission_jobs,
       "MADARA_ORCHESTRATOR_MAX_CONCURRENT_DATA_SUBMISSION_JOBS", "DataSubmission consumers"},
      {"--max-concurrent-state-transition-jobs", &options.max_concurrent_state_transition_jobs,
       "MADARA_ORCHESTRATOR_MAX_CONCURRENT_STATE_TRANSITION_JOBS", "StateTransition consumers"},
      {"--snos-job-timeout-seconds", &options.snos_job_timeout_seconds,
       "MADARA_ORCHESTRATOR_SNOS_JOB_TIMEOUT_SECONDS", "SnosRun processing lease"},
      {"--proving-job-timeout-seconds", &options.proving_job_timeout_seconds,
       "MADARA_ORCHESTRATOR_PROVING_JOB_TIMEOUT_SECONDS", "ProofCreation processing lease"},
      {"--proof-registration-timeout-seconds", &options.proof_registration_timeout_seconds,
       "MADARA_ORCHESTRATOR_PROOF_REGISTRATION_TIMEOUT_SECONDS",
       "ProofRegistration processing lease"},
      {"--data-submission-timeout-seconds", &options.data_submission_timeout_seconds,
       "MADARA_ORCHESTRATOR_DATA_SUBMISSION_TIMEOUT_SECONDS", "DataSubmission processing lease"},
      {"--state-transition-timeout-seconds", &options.state_transition_timeout_seconds,
       "MADARA_ORCHESTRATOR_STATE_TRANSITION_TIMEOUT_SECONDS", "StateTransition processing lease"},
      {"--ethereum-max-fee-bumps", &options.ethereum_max_fee_bumps,
       "MADARA_ORCHESTRATOR_ETHEREUM_MAX_FEE_BUMPS",
       "Replacements of a settlement transaction at the same nonce (fees x2.1 each)"},
      {"--ethereum-tx-confirmation-timeout-secs", &options.ethereum_tx_confirmation_timeout_secs,
       "MADARA_ORCHESTRATOR_ETHEREUM_TX_CONFIRMATION_TIMEOUT_SECS",
       "A settlement transaction not mined this long is replaced"},
      {"--ethereum-confirmations", &options.ethereum_confirmations,
       "MADARA_ORCHESTRATOR_ETHEREUM_CONFIRMATIONS",
       "Blocks on top of a settlement transaction before it counts as final"},
  };
  for (const auto& number : numbers) {
    command.add_option(number.flag, *number.value, number.help)
        ->envname(number.env)
        ->capture_default_str();
  }
  command
      .add_option("--retry-policy", options.retry_policies,
                  "Transient-error backoff of a job type: TYPE=BASE_MS,CAP_MS,MAX_ATTEMPTS "
                  "(TYPE: snos, proving, proof-registration, data-submission, state-transition); "
                  "repeatable")
      ->envname("MADARA_ORCHESTRATOR_RETRY_POLICY")
      ->delimiter(';');

  command
      .add_flag("--settle-on-ethereum", options.settle_on_ethereum,
                "Settle on Ethereum: updateStateKzgDA with the blobs on the core contract")
      ->envname("MADARA_ORCHESTRATOR_SETTLE_ON_ETHEREUM");
  command
      .add_option("--ethereum-rpc-url", options.ethereum_rpc_url,
                  "Ethereum JSON-RPC endpoint for settlement (a secret: only its host is "
                  "logged; or MADARA_ORCHESTRATOR_ETHEREUM_SETTLEMENT_RPC_URL_FILE)")
      ->envname("MADARA_ORCHESTRATOR_ETHEREUM_SETTLEMENT_RPC_URL");
  command
      .add_option("--ethereum-private-key", options.ethereum_private_key,
                  "Key that signs the settlement transactions, hex (or "
                  "MADARA_ORCHESTRATOR_ETHEREUM_PRIVATE_KEY_FILE)")
      ->envname("MADARA_ORCHESTRATOR_ETHEREUM_PRIVATE_KEY");
  command
      .add_option("--l1-core-contract-address", options.l1_core_contract_address,
                  "Starknet core contract on Ethereum")
      ->envname("MADARA_ORCHESTRATOR_L1_CORE_CONTRACT_ADDRESS");
  command
      .add_option("--ethereum-l2-state-update-max-fee-wei",
                  options.ethereum_l2_state_update_max_fee_wei,
                  "Most a settlement transaction may cost (gas limit x max fee + blob gas x max "
                  "blob fee); above it the job waits and alerts instead of sending")
      ->envname("MADARA_ORCHESTRATOR_ETHEREUM_L2_STATE_UPDATE_MAX_FEE_WEI")
      ->capture_default_str();
  command
      .add_flag("--disable-peerdas", options.disable_peerdas,
                "Send EIP-4844 blob sidecars (one blob proof per blob) instead of EIP-7594 cell "
                "proofs")
      ->envname("MADARA_ORCHESTRATOR_ETHEREUM_DISABLE_PEERDAS");
}

}  // namespace

int RunCli(int argc, char** argv) {
  // Like the reference, a .env file in the working directory fills unset variables.
  if (Result<void> loaded = LoadEnvFile(".env"); !loaded.ok()) {
    std::cerr << "error: " << loaded.error().message() << "\n";
    return 2;
  }
  CLI::App app{
      "Madara Orchestrator: takes every block of a Starknet appchain through "
      "SNOS, proving, data availability and settlement."};
  app.set_version_flag("--version", std::string(ORCH_VERSION));
  app.require_subcommand(1);

  CommonOptions setup_options;
  CLI::App* setup = app.add_subcommand(
      "setup", "Create or upgrade the database schema and the artifact directory");
  AddCommonOptions(*setup, setup_options);

  RunOptions run_options;
  std::uint64_t max_block = 0;
  CLI::App* run = app.add_subcommand("run", "Run the orchestrator service");
  AddRunOptions(*run, run_options, max_block);

  const ToolCommand tool(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every usage error exits 2, as documented.
    return app.exit(e) == 0 ? 0 : 2;
  }

  Result<LogSettings> log_settings = LogSettingsFromEnvironment(&ProcessEnvironment);
  if (!log_settings.ok()) {
    std::cerr << "error: " << log_settings.error().message() << "\n";
    return 2;
  }
  InitLogging(*log_settings);

  Result<void> result = Ok();
  if (tool.parsed()) {
    result = tool.Run(std::cin, std::cout);
  } else if (setup->parsed()) {
    result = RunSetup(setup_options);
  } else {
    if (run->count("--max-block-to-process") > 0) {
      run_options.max_block = max_block;
    }
    // Secrets may come from files named by <VARIABLE>_FILE.
    const struct {
      std::string* value;
      const char* file_variable;
    } secrets[] = {
        {&run_options.admin_token, "MADARA_ORCHESTRATOR_ADMIN_TOKEN_FILE"},
        {&run_options.ethereum_private_key, "MADARA_ORCHESTRATOR_ETHEREUM_PRIVATE_KEY_FILE"},
        {&run_options.ethereum_rpc_url, "MADARA_ORCHESTRATOR_ETHEREUM_SETTLEMENT_RPC_URL_FILE"},
    };
    for (const auto& secret : secrets) {
      Result<std::string> read = ReadSecret(*secret.value, secret.file_variable);
      if (!read.ok()) {
        result = read.error();
        break;
      }
      *secret.value = *read;
    }
    if (result.ok()) {
      result = RunServer(run_options);
    }
  }
  if (!result.ok()) {
    std::cerr << "error: " << result.error().message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace orch::cli
