#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "orch/app/pipeline_settings.h"
#include "orch/clients/ethereum/http_ethereum_rpc.h"
#include "orch/clients/settlement/ethereum/core_contract.h"
#include "orch/common/result.h"
#include "orch/devnet/anvil_process.h"
#include "orch/devnet/madara_standin.h"
#include "orch/http/curl_http_client.h"

// A complete local stack around one orchestrator: the services it calls, made from a directory of
// blocks (docs/devnet.md). Used by `orchestrator devnet` and by the end-to-end tests, which run
// the real `orchestrator run` binary against it.
namespace orch::devnet {

struct DevnetStackOptions {
  /// One folder per block, named by its number: state_update.json, optional nonces.json and
  /// block.json (as MadaraStandin reads them), optional program_output.txt (the block's OS
  /// output; derived from the state update when absent), optional cairo_pie.zip (a stand-in PIE
  /// over the output when absent).
  std::filesystem::path blocks_dir;
  /// Holds the SNOS fixtures (and whatever the caller puts there); must exist.
  std::filesystem::path work_dir;
  std::string chain_id = "MADARA_DEVNET";
  /// Anvil: 0 mines a block per transaction.
  int block_time_seconds = 0;
  /// The Starknet version of blocks whose block.json names none.
  std::string default_starknet_version = "0.13.2";
};

/// An Atlantic service for `orchestrator run` to prove with instead of the mock prover (in the
/// tests, a fake one serving its API and its artifacts from one address).
struct AtlanticService {
  std::string url;
  std::string api_key;
};

/// The running stack: a Madara stand-in serving the blocks, Anvil with the core contract and
/// the mock verifier deployed at the state before the first block, and the fixture directory the
/// fixture SNOS runner reads (each block's PIE and OS output). Everything stops with the object.
/// Not thread-safe (owned by one caller).
class DevnetStack {
 public:
  /// Loads and checks the blocks, starts the services, derives what is missing, deploys the
  /// contracts. Progress lines go to `progress`.
  /// Errors: kInvalidArgument naming the block and file at fault; the services' when they do
  /// not start (kNotFound for a missing Anvil binary).
  static Result<std::unique_ptr<DevnetStack>> Start(const DevnetStackOptions& options,
                                                    std::ostream& progress);
  ~DevnetStack();

  std::uint64_t first_block() const { return first_block_; }
  std::uint64_t last_block() const { return last_block_; }
  const std::string& madara_url() const { return madara_url_; }
  const std::string& ethereum_url() const { return anvil_->url(); }
  const eth::Address& core_contract() const { return core_contract_; }
  const eth::Address& verifier() const { return verifier_; }
  const std::filesystem::path& snos_fixture_dir() const { return fixture_dir_; }
  /// The OS output each block settles with (given or derived), in block order.
  const std::vector<std::vector<crypto::Felt>>& outputs() const { return outputs_; }

  /// The pipeline an orchestrator runs against this stack: fixture SNOS runner, mock prover
  /// registering facts on the verifier (Anvil's second key), settlement from Anvil's first key
  /// with one confirmation, verification polls every `poll`.
  app::PipelineSettings PipelineSettings(std::chrono::milliseconds poll) const;
  /// The same as `orchestrator run` flags (the keys are Anvil's public development keys). With
  /// `atlantic`, the blocks are proven there instead, and a proof counts as done once its fact
  /// is valid on the verifier: the service must register it, from a key other than the
  /// settlement key (Anvil's second key is free then).
  std::vector<std::string> RunFlags(
      const std::optional<AtlanticService>& atlantic = std::nullopt) const;

  /// Stops Anvil (it saves its chain) and starts it again on the same port from the saved
  /// chain, as a node operator's restart. Errors: Anvil's.
  Result<void> RestartAnvil();

  /// What the core contract holds now.
  Result<settlement::CoreContractState> ContractState();

  MadaraStandin& standin() { return *standin_; }
  AnvilProcess& anvil() { return *anvil_; }

 private:
  DevnetStack() = default;

  std::uint64_t first_block_ = 0;
  std::uint64_t last_block_ = 0;
  std::string madara_url_;
  eth::Address core_contract_;
  eth::Address verifier_;
  std::filesystem::path fixture_dir_;
  std::filesystem::path anvil_state_file_;
  int block_time_seconds_ = 0;
  std::vector<std::vector<crypto::Felt>> outputs_;
  http::CurlHttpClient http_;
  std::unique_ptr<MadaraStandin> standin_;
  std::optional<AnvilProcess> anvil_;
  std::unique_ptr<ethereum::HttpEthereumRpc> rpc_;
};

}  // namespace orch::devnet
