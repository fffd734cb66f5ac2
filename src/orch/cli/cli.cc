#include "orch/cli/cli.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "orch/cli/devnet_command.h"
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
      .add_option("--queue-url", options.queue_url,
                  "Queues: sqs: for Amazon SQS (default: tables in the --database-url database)")
      ->envname("MADARA_ORCHESTRATOR_QUEUE_URL");
  command
      .add_option("--storage-url", options.storage_url,
                  "Artifacts: file:///abs/dir or s3://bucket[/prefix] (default: artifacts/ under "
                  "--data-dir)")
      ->envname("MADARA_ORCHESTRATOR_STORAGE_URL");
  command
      .add_option("--alert-url", options.alert_url,
                  "Alerts: log:, an http(s):// webhook receiving JSON POSTs, or sns://<topic name "
                  "or ARN>")
      ->envname("MADARA_ORCHESTRATOR_ALERT_URL")
      ->capture_default_str();
  // The reference's AWS flags; AWS credentials, region and endpoints come from the AWS_*
  // variables (docs/aws.md).
  command.add_flag("--aws", options.aws, "Use AWS for the services named by --aws-s3/-sqs/-sns");
  command.add_flag("--aws-s3", options.aws_s3, "Artifacts in S3 (bucket: --bucket-identifier)");
  command.add_flag("--aws-sqs", options.aws_sqs, "Queues in SQS (names: --queue-identifier)");
  command.add_flag("--aws-sns", options.aws_sns, "Alerts to SNS (topic: --topic-identifier)");
  command
      .add_option("--aws-prefix", options.aws_prefix,
                  "Prefix of every AWS resource name (<prefix>_mo_{}_queue, <prefix>-mo-bucket, "
                  "<prefix>-alerts)")
      ->envname("MADARA_ORCHESTRATOR_AWS_PREFIX");
  command
      .add_option("--bucket-identifier", options.bucket_identifier,
                  "S3 bucket name or arn:aws:s3:::name")
      ->envname("MADARA_ORCHESTRATOR_AWS_S3_BUCKET_IDENTIFIER")
      ->capture_default_str();
  command
      .add_option("--queue-identifier", options.queue_identifier,
                  "Queue name template; {} is the queue type")
      ->envname("MADARA_ORCHESTRATOR_AWS_SQS_QUEUE_IDENTIFIER")
      ->capture_default_str();
  command.add_option("--topic-identifier", options.topic_identifier, "SNS topic name or ARN")
      ->envname("MADARA_ORCHESTRATOR_AWS_SNS_TOPIC_IDENTIFIER")
      ->capture_default_str();
  command.add_option("--layer", options.layer, "Settlement layer: l2 (Ethereum) or l3 (Starknet)")
      ->envname("MADARA_ORCHESTRATOR_LAYER")
      ->capture_default_str();
  command.add_flag("--mongodb", options.mongodb,
                   "Not supported (the reference's database); use --database-url postgresql://");
}

void AddSetupOptions(CLI::App& command, SetupOptions& options) {
  AddCommonOptions(command, options.common);
  command
      .add_option("--storage-expiration-days", options.storage_expiration_days,
                  "S3 lifecycle: settled artifacts expire after this many days")
      ->envname("MADARA_ORCHESTRATOR_STORAGE_EXPIRATION_DAYS")
      ->capture_default_str();
  command.add_flag("--aws-event-bridge", options.aws_event_bridge,
                   "Schedule the worker triggers on AWS EventBridge (into worker_trigger in SQS)");
  command
      .add_option("--event-bridge-type", options.event_bridge_type,
                  "rule (EventBridge rules) or schedule (EventBridge Scheduler)")
      ->envname("MADARA_ORCHESTRATOR_EVENT_BRIDGE_TYPE");
  command
      .add_option("--interval-seconds", options.interval_seconds,
                  "How often each trigger fires (whole minutes)")
      ->envname("MADARA_ORCHESTRATOR_EVENT_BRIDGE_INTERVAL_SECONDS")
      ->capture_default_str();
  command
      .add_option("--event-bridge-role-arn", options.event_bridge_role_arn,
                  "IAM role EventBridge Scheduler assumes to send to worker_trigger (schedule)")
      ->envname("MADARA_ORCHESTRATOR_EVENT_BRIDGE_ROLE_ARN");
  command.add_flag("--dry-run", options.dry_run, "Print the plan and change nothing");
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
      .add_option("--max-blocks-per-settlement", options.max_blocks_per_settlement,
                  "Most consecutive blocks one StateTransition settles (where its settlement "
                  "client can settle several)")
      ->envname("MADARA_ORCHESTRATOR_MAX_BLOCKS_PER_SETTLEMENT")
      ->capture_default_str();
  command
      .add_option("--trigger-interval-seconds", options.trigger_interval_seconds,
                  "Trigger tick (they also run whenever a job completes)")
      ->envname("MADARA_ORCHESTRATOR_TRIGGER_INTERVAL_SECONDS")
      ->capture_default_str();
  command
      .add_option("--block-poll-interval-ms", options.block_poll_interval_ms,
                  "How often the Madara node is asked for its newest block: a new block starts "
                  "within this interval")
      ->envname("MADARA_ORCHESTRATOR_BLOCK_POLL_INTERVAL_MS")
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
  command
      .add_flag("--da-on-ethereum", options.da_on_ethereum,
                "Data availability in blobs of the settlement transaction (the default with "
                "--settle-on-ethereum)")
      ->envname("MADARA_ORCHESTRATOR_DA_ON_ETHEREUM");

  // The pipeline's services: SNOS and the prover (docs/snos.md, docs/provers.md).
  const struct {
    const char* flag;
    std::string* value;
    const char* env;
    const char* help;
  } texts[] = {
      {"--rpc-for-snos", &options.rpc_for_snos, "MADARA_ORCHESTRATOR_RPC_FOR_SNOS",
       "Node the Starknet OS reads (default: --madara-rpc-url)"},
      {"--snos-runner", &options.snos_runner, "MADARA_ORCHESTRATOR_SNOS_RUNNER",
       "Where the Starknet OS runs: command:<program> | http:<url> | fixture:<dir>"},
      {"--snos-layout-name", &options.snos_layout_name, "MADARA_ORCHESTRATOR_SNOS_LAYOUT_NAME",
       "Cairo layout of the OS run"},
      {"--versioned-constants", &options.versioned_constants,
       "MADARA_ORCHESTRATOR_VERSIONED_CONSTANTS_PATH", "Versioned-constants override for SNOS"},
      {"--da-public-keys", &options.da_public_keys, "MADARA_ORCHESTRATOR_DA_PUBLIC_KEYS",
       "DA encryption public keys, comma-separated felts"},
      {"--madara-feeder-gateway-url", &options.madara_feeder_gateway_url,
       "MADARA_ORCHESTRATOR_MADARA_FEEDER_GATEWAY_URL",
       "Madara's feeder gateway, for the fee tokens (default: --madara-rpc-url)"},
      {"--strk-fee-token-address", &options.strk_fee_token_address,
       "MADARA_ORCHESTRATOR_STRK_FEE_TOKEN_ADDRESS",
       "STRK fee token of the chain, for SNOS (default: from the feeder gateway)"},
      {"--eth-fee-token-address", &options.eth_fee_token_address,
       "MADARA_ORCHESTRATOR_ETH_FEE_TOKEN_ADDRESS",
       "ETH fee token of the chain, for SNOS (default: from the feeder gateway)"},
      {"--prover", &options.prover, "MADARA_ORCHESTRATOR_PROVER", "atlantic | sharp | mock"},
      {"--mock-verifier-address", &options.mock_verifier_address,
       "MADARA_ORCHESTRATOR_MOCK_VERIFIER_ADDRESS",
       "Mock prover: register each fact on this MockGpsVerifier (settlement node)"},
      {"--mock-prover-private-key", &options.mock_prover_private_key,
       "MADARA_ORCHESTRATOR_MOCK_PROVER_PRIVATE_KEY",
       "Mock prover: key that sends registerFact, not the settlement key (or _FILE)"},
      {"--atlantic-api-key", &options.atlantic_api_key, "MADARA_ORCHESTRATOR_ATLANTIC_API_KEY",
       "Atlantic API key (or MADARA_ORCHESTRATOR_ATLANTIC_API_KEY_FILE)"},
      {"--atlantic-service-url", &options.atlantic_service_url,
       "MADARA_ORCHESTRATOR_ATLANTIC_SERVICE_URL", "Atlantic API"},
      {"--atlantic-artifacts-base-url", &options.atlantic_artifacts_base_url,
       "MADARA_ORCHESTRATOR_ATLANTIC_ARTIFACTS_BASE_URL", "Where Atlantic publishes proofs"},
      {"--atlantic-network", &options.atlantic_network, "MADARA_ORCHESTRATOR_ATLANTIC_NETWORK",
       "MAINNET | TESTNET"},
      {"--atlantic-verifier-cairo-vm", &options.atlantic_cairo_vm,
       "MADARA_ORCHESTRATOR_ATLANTIC_CAIRO_VM", "rust | python"},
      {"--atlantic-sharp-prover", &options.atlantic_sharp_prover,
       "MADARA_ORCHESTRATOR_ATLANTIC_SHARP_PROVER", "stone | stwo"},
      {"--atlantic-verifier-result", &options.atlantic_result,
       "MADARA_ORCHESTRATOR_ATLANTIC_RESULT", "Atlantic result step, e.g. proof-generation"},
      {"--atlantic-settlement-layer", &options.atlantic_settlement_layer,
       "MADARA_ORCHESTRATOR_ATLANTIC_SETTLEMENT_LAYER", "ethereum | starknet"},
      {"--atlantic-mock-fact-hash", &options.atlantic_mock_fact_hash,
       "MADARA_ORCHESTRATOR_ATLANTIC_MOCK_FACT_HASH",
       "true: Atlantic mocks facts and no on-chain check is made"},
      {"--atlantic-rpc-node-url", &options.atlantic_rpc_node_url,
       "MADARA_ORCHESTRATOR_ATLANTIC_RPC_NODE_URL",
       "Ethereum node for the isValid check of proven facts (default: the settlement node)"},
      {"--atlantic-verifier-contract-address", &options.atlantic_verifier_contract_address,
       "MADARA_ORCHESTRATOR_ATLANTIC_VERIFIER_CONTRACT_ADDRESS",
       "Fact registry a proven fact must be valid on before the proof counts as done"},
      {"--prover-layout-name", &options.prover_layout_name,
       "MADARA_ORCHESTRATOR_PROVER_LAYOUT_NAME", "Layout sent to Atlantic (settlement starknet)"},
      {"--cairo-verifier-program-hash", &options.cairo_verifier_program_hash,
       "MADARA_ORCHESTRATOR_CAIRO_V0_VERIFIER_PROGRAM_HASH",
       "Cairo verifier program hash (Atlantic L2 verification, L3)"},
      {"--sharp-url", &options.sharp_url, "MADARA_ORCHESTRATOR_SHARP_URL",
       "SHARP gateway, prefix included (e.g. https://host:port/v1/gateway)"},
      {"--sharp-customer-id", &options.sharp_customer_id, "MADARA_ORCHESTRATOR_SHARP_CUSTOMER_ID",
       "SHARP customer id"},
      {"--sharp-user-crt-file", &options.sharp_user_crt_file,
       "MADARA_ORCHESTRATOR_SHARP_USER_CRT_FILE", "SHARP client certificate (PEM)"},
      {"--sharp-user-key-file", &options.sharp_user_key_file,
       "MADARA_ORCHESTRATOR_SHARP_USER_KEY_FILE", "SHARP client key (PEM)"},
      {"--sharp-server-crt-file", &options.sharp_server_crt_file,
       "MADARA_ORCHESTRATOR_SHARP_SERVER_CRT_FILE", "SHARP server certificate to trust (PEM)"},
  };
  for (const auto& text : texts) {
    command.add_option(text.flag, *text.value, text.help)->envname(text.env);
  }
  command
      .add_option("--atlantic-request-timeout-seconds", options.atlantic_request_timeout_seconds,
                  "Atlantic: an HTTP request taking longer is abandoned and retried")
      ->envname("MADARA_ORCHESTRATOR_ATLANTIC_REQUEST_TIMEOUT_SECONDS")
      ->capture_default_str();
  command
      .add_option("--verification-poll-ms", options.verification_poll_ms,
                  "Delay between verification polls of every job type (0: each handler's own)")
      ->envname("MADARA_ORCHESTRATOR_VERIFICATION_POLL_MS")
      ->capture_default_str();
  command
      .add_option("--snos-runner-timeout-seconds", options.snos_runner_timeout_seconds,
                  "A SNOS run taking longer is killed and retried")
      ->envname("MADARA_ORCHESTRATOR_SNOS_RUNNER_TIMEOUT_SECONDS")
      ->capture_default_str();
  command.add_flag("--snos-full-output", options.snos_full_output, "Full OS output (no DA)")
      ->envname("MADARA_ORCHESTRATOR_SNOS_FULL_OUTPUT");
  command
      .add_flag("--store-audit-artifacts", options.store_audit_artifacts,
                "Keep each block's proof at <block>/proof.json")
      ->envname("MADARA_ORCHESTRATOR_STORE_AUDIT_ARTIFACTS");
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

  SetupOptions setup_options;
  CLI::App* setup = app.add_subcommand(
      "setup",
      "Make sure the database schema, artifact storage and queues exist (with the AWS flags: "
      "the S3 bucket, SQS queues, EventBridge triggers and SNS topic); idempotent, resumable");
  AddSetupOptions(*setup, setup_options);

  RunOptions run_options;
  std::uint64_t max_block = 0;
  CLI::App* run = app.add_subcommand("run", "Run the orchestrator service");
  AddRunOptions(*run, run_options, max_block);

  DevnetCommandOptions devnet_options;
  CLI::App* devnet = app.add_subcommand(
      "devnet",
      "Settle a directory of blocks on a local stack: Anvil, a Madara stand-in, fixture SNOS, "
      "mock prover (docs/devnet.md)");
  devnet->add_option("--blocks", devnet_options.blocks_dir, "One folder per block (docs/devnet.md)")
      ->required();
  devnet->add_option("--work-dir", devnet_options.work_dir,
                     "Keep the database, artifacts and fixtures here (default: a temporary "
                     "directory, removed at the end)");
  devnet->add_option("--chain-id", devnet_options.chain_id, "The appchain's chain id")
      ->capture_default_str();
  devnet
      ->add_option("--default-starknet-version", devnet_options.default_starknet_version,
                   "Version of blocks whose block.json names none")
      ->capture_default_str();
  devnet
      ->add_option("--block-time", devnet_options.block_time_seconds,
                   "Anvil block time in seconds (0: a block per transaction)")
      ->capture_default_str();
  devnet
      ->add_option("--timeout-seconds", devnet_options.timeout_seconds,
                   "Give up when not settled by then")
      ->capture_default_str();
  devnet
      ->add_option("--poll-ms", devnet_options.poll_milliseconds,
                   "Verification poll interval of every stage")
      ->capture_default_str();

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
    result = RunSetup(setup_options, std::cout);
  } else if (devnet->parsed()) {
    Result<bool> settled = RunDevnetCommand(devnet_options, std::cout, std::cerr);
    if (settled.ok() && !*settled) {
      return 1;
    }
    if (!settled.ok()) {
      result = settled.error();
    }
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
        {&run_options.atlantic_api_key, "MADARA_ORCHESTRATOR_ATLANTIC_API_KEY_FILE"},
        {&run_options.mock_prover_private_key, "MADARA_ORCHESTRATOR_MOCK_PROVER_PRIVATE_KEY_FILE"},
        {&run_options.madara_rpc_url, "MADARA_ORCHESTRATOR_MADARA_RPC_URL_FILE"},
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
