#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "orch/clients/prover/atlantic_client.h"
#include "orch/clients/prover/sharp_client.h"
#include "orch/clients/settlement/ethereum/transaction_manager.h"
#include "orch/engine/queue_layout.h"
#include "orch/eth/address.h"
#include "orch/eth/blob_sidecar.h"
#include "orch/eth/secp256k1.h"
#include "orch/handlers/snos_run_handler.h"
#include "orch/http/curl_http_client.h"

namespace orch::app {

/// Settlement on Ethereum (`--settle-on-ethereum` and its flags).
struct EthereumSettlementSettings {
  std::string rpc_url;  // a secret: it often carries an API key; log its origin only
  eth::PrivateKey key;
  eth::Address core_contract;
  eth::SidecarVersion sidecar_version = eth::SidecarVersion::kEip7594;
  /// chain_id is filled in from the node at startup.
  settlement::TransactionManagerOptions transactions;
};

/// Where the Starknet OS runs (`--snos-runner KIND:TARGET`, docs/snos.md).
struct SnosRunnerSettings {
  enum class Kind { kCommand, kHttp, kFixture };
  Kind kind = Kind::kCommand;
  std::string target;  // the program, the base URL (a secret) or the directory
  std::chrono::milliseconds timeout{std::chrono::hours(1)};
};

/// `--prover mock` (protocols.md §3.1).
struct MockProverSettings {
  /// Register each fact on this MockGpsVerifier (the settlement node), sent from `sender`.
  std::optional<eth::Address> verifier;
  std::optional<eth::PrivateKey> sender;
};

/// Where a prover's facts are checked on L1 (Atlantic's isValid check before it reports a
/// proof done): the verifier contract on an Ethereum node.
struct FactCheckSettings {
  std::string rpc_url;  // a secret
  eth::Address verifier;
};

struct ProverSettings {
  enum class Kind { kAtlantic, kSharp, kMock };
  Kind kind = Kind::kMock;
  MockProverSettings mock;
  /// fact_registry is set by the pipeline from atlantic_fact_check.
  prover::AtlanticClientOptions atlantic;
  std::optional<FactCheckSettings> atlantic_fact_check;
  prover::SharpClientOptions sharp;
  http::TlsOptions sharp_tls;
};

/// Everything the per-block pipeline needs beyond the backends: the services it calls and
/// how. Built by `orchestrator run` from its flags and by `orchestrator devnet`.
struct PipelineSettings {
  engine::Layer layer = engine::Layer::kL2;
  std::string madara_rpc_url;  // a secret (may carry a key)
  std::string snos_rpc_url;    // the node SNOS reads; a secret
  /// Madara's feeder gateway (the fee tokens come from it); a secret. Default: madara_rpc_url.
  std::string feeder_gateway_url;
  /// The chain's fee tokens for SNOS; asked from the feeder gateway at startup when unset.
  std::optional<crypto::Felt> strk_fee_token_address;
  std::optional<crypto::Felt> eth_fee_token_address;
  SnosRunnerSettings snos_runner;
  /// Layout, flags and DA keys of the OS run; the RPC URL, the chain id and the fee tokens are
  /// filled in at startup.
  handlers::SnosRunOptions snos;
  ProverSettings prover;
  /// Keep each block's proof (`<block>/proof.json`).
  bool store_audit_artifacts = false;
  std::optional<EthereumSettlementSettings> settlement;
  /// Replaces every handler's delay between verification polls (the reference's are minutes:
  /// a devnet with instant services wants milliseconds).
  std::optional<std::chrono::milliseconds> verification_polling_delay;
  /// The KZG trusted setup; the bundled one when unset.
  std::optional<std::filesystem::path> trusted_setup;
};

}  // namespace orch::app
