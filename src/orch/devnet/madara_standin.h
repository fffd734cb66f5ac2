#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "orch/common/result.h"
#include "orch/crypto/felt.h"
#include "orch/starknet/starknet_version.h"

namespace httplib {
class Server;
}  // namespace httplib

// A Madara node for the devnet and for tests: it serves a chain recorded in a directory over
// the Starknet JSON-RPC methods and feeder-gateway endpoints the orchestrator calls
// (protocols.md §10), and lets its owner release blocks over time and inject faults.
namespace orch::devnet {

struct StandinChain;  // the loaded directory; defined in madara_standin.cc

struct MadaraStandinOptions {
  /// One folder per block, named by its decimal number, the numbers consecutive. Each holds
  /// state_update.json (a starknet_getStateUpdate result, or the whole JSON-RPC response, of a
  /// closed block), and optionally nonces.json (recorded starknet_getNonce answers, the format
  /// of TableNonceSource::FromJson) and block.json ({"starknet_version", "block_hash",
  /// "parent_hash", "timestamp"}, each optional). Entries whose name starts with '.' are ignored.
  std::filesystem::path blocks_dir;
  /// The version of blocks whose block.json does not give one. Without it every block must.
  std::optional<starknet::StarknetVersion> default_version;
  /// starknet_chainId, in ASCII (at most 31 characters).
  std::string chain_id = "MADARA_DEVNET";
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port
  /// Serves the blocks up to this one only, as a node that has not produced the others yet;
  /// nullopt serves them all. See MadaraStandin::SetReleasedUpTo.
  std::optional<std::uint64_t> released_up_to;
  /// The sequencer_address of every block header.
  crypto::Felt sequencer_address;
  /// The answer of GET /feeder_gateway/get_contract_addresses. The fee tokens default to the
  /// addresses Starknet (and Madara's devnet genesis) deploys them at.
  crypto::Felt core_contract_address;
  crypto::Felt gps_statement_verifier_address;
  crypto::Felt eth_fee_token_address = crypto::Felt::FromHexLiteral(
      "0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7");
  crypto::Felt strk_fee_token_address = crypto::Felt::FromHexLiteral(
      "0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d");
};

/// A fault the next responses carry (see MadaraStandin::InjectFaults).
enum class StandinFault {
  kMalformedJson,  // HTTP 200 with a truncated JSON body
  kHttp503,        // HTTP 503 Service Unavailable
};

/// Serves the chain of MadaraStandinOptions::blocks_dir over HTTP with cpp-httplib.
///
/// JSON-RPC 2.0 on POST (any path; single calls and batches): starknet_chainId,
/// starknet_blockNumber (the newest released block; error 32 "There are no blocks" before the
/// first), starknet_getBlockWithTxHashes (an ACCEPTED_ON_L2 header without transactions),
/// starknet_getStateUpdate (the stored JSON as it is), starknet_getNonce (the latest nonce up to
/// the block from the state diffs' nonces and nonces.json, else "0x0"), starknet_getStorageAt
/// (the latest value up to the block from the storage diffs, else "0x0"),
/// starknet_getClassHashAt (from deployed_contracts and replaced_classes up to the block, else
/// error 20 "Contract not found"). A block id is {"block_number"}, {"block_hash"} or "latest";
/// a block not released or not in the directory is error 24 "Block not found", an unknown
/// method -32601, bad params -32602. Feeder gateway: GET
/// /feeder_gateway/get_contract_addresses.
///
/// A block's version is block.json's starknet_version, else the default; its hash the state
/// update's block_hash (block.json's must agree); its parent the previous block's hash
/// (block.json's must agree; for the first block block.json's, else 0); its timestamp
/// block.json's, else 0; new_root the state update's.
///
/// Thread-safe: the chain is immutable after Start, the rest is guarded by mutexes.
class MadaraStandin {
 public:
  /// Loads and checks the blocks directory, then listens on options.host:options.port.
  /// Errors: kInvalidArgument naming the folder or file (not a folder, a name that is not a
  /// block number, numbers not consecutive, a missing state_update.json, invalid JSON, a value
  /// at a JSON path that is wrong, a pending state update, hashes that disagree, no version)
  /// or a bad option; kUnavailable when the port cannot be bound.
  static Result<std::unique_ptr<MadaraStandin>> Start(MadaraStandinOptions options);

  /// Stops listening; in-flight requests finish first.
  ~MadaraStandin();

  MadaraStandin(const MadaraStandin&) = delete;
  MadaraStandin& operator=(const MadaraStandin&) = delete;

  /// The port bound at Start; ResumeListening binds it again.
  int port() const { return port_; }
  /// "http://HOST:PORT/": the JSON-RPC URL, and the feeder gateway's base URL.
  std::string url() const;
  /// The lowest and highest block numbers of the directory.
  std::uint64_t first_block() const;
  std::uint64_t last_block() const;

  /// Serves the blocks up to `block` only (nullopt: all of them), so that blocks appear over
  /// time. A block below the first one releases none (starknet_blockNumber answers error 32).
  void SetReleasedUpTo(std::optional<std::uint64_t> block);

  /// Makes the next `count` (>= 0) HTTP responses (JSON-RPC and feeder gateway alike; a batch
  /// is one response) carry `fault`, after any faults already queued.
  void InjectFaults(StandinFault fault, int count);

  /// Stops listening, as a node that went away: connections are refused until ResumeListening.
  /// Waits for in-flight requests. Does nothing when not listening.
  void StopListening();
  /// Listens again on port(). Does nothing when listening.
  /// Errors: kUnavailable when the port has been taken meanwhile.
  Result<void> ResumeListening();

  /// The requests received per JSON-RPC method (each call of a batch counts) or feeder-gateway
  /// path ("feeder_gateway/get_contract_addresses"), including those answered with an injected
  /// fault; "(invalid)" counts bodies that are not JSON-RPC.
  std::map<std::string, std::uint64_t> RequestCounts() const;

 private:
  MadaraStandin(MadaraStandinOptions options, crypto::Felt chain_id,
                std::unique_ptr<const StandinChain> chain);

  // Binds `port` (0: any free one) and serves on a new thread: the port bound. Caller holds
  // lifecycle_mutex_.
  Result<int> Listen(int port);
  // Stops the server, if any. Caller holds lifecycle_mutex_.
  void StopLocked();
  void RegisterRoutes(httplib::Server& server);
  // The newest block served now, or nullopt when none is.
  std::optional<std::uint64_t> Tip() const;
  // Counts one request for each of `names` and takes the next injected fault, if any.
  std::optional<StandinFault> Record(const std::vector<std::string>& names);

  const MadaraStandinOptions options_;
  const crypto::Felt chain_id_;
  const std::unique_ptr<const StandinChain> chain_;
  int port_ = -1;  // set by Start before the object is shared, then constant

  mutable std::mutex mutex_;
  std::optional<std::uint64_t> released_up_to_;          // guarded by mutex_
  std::deque<StandinFault> faults_;                      // guarded by mutex_
  std::map<std::string, std::uint64_t> request_counts_;  // guarded by mutex_

  // Serializes starting and stopping the server (StopListening, ResumeListening, destructor).
  std::mutex lifecycle_mutex_;
  std::unique_ptr<httplib::Server> server_;  // guarded by lifecycle_mutex_; null when stopped
  std::thread listener_;                     // guarded by lifecycle_mutex_
  std::atomic<bool> listener_done_ = false;  // the listen loop of listener_ has returned
};

}  // namespace orch::devnet
