#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "orch/common/result.h"
#include "orch/crypto/felt.h"

// The Starknet OS run. There is no C++ Starknet OS: it runs in a sidecar (a program or an HTTP
// service, docs/snos.md) or, for devnets and tests, comes from a directory of precomputed outputs.
namespace orch::snos {

/// The chain the OS runs for (protocols.md §6.1 chain_config).
struct ChainConfig {
  std::string chain_id;  // ASCII, e.g. "SN_SEPOLIA"
  crypto::Felt strk_fee_token_address;
  crypto::Felt eth_fee_token_address;
  bool is_l3 = false;
};

/// One OS run over blocks start_block..=end_block.
struct SnosRequest {
  std::uint64_t start_block = 0;
  std::uint64_t end_block = 0;
  /// The node SNOS reads (bare URL; the runner appends its RPC version path). May carry a key:
  /// never put it in messages.
  std::string rpc_url;
  std::string layout = "all_cairo";
  ChainConfig chain;
  bool full_output = false;
  bool use_kzg_da = true;
  bool debug_mode = true;
  std::optional<std::string> versioned_constants_path;
  std::vector<crypto::Felt> da_public_keys;
};

/// What the run produced: the Cairo PIE zip and the raw OS output felts.
struct SnosResult {
  std::string cairo_pie_zip;
  std::vector<crypto::Felt> os_output;
};

/// Runs the Starknet OS.
/// Errors: transient (kUnavailable, kTimeout) when trying again may help (the runner could not
/// reach the node, timed out, crashed, asked to be retried); permanent (kFailedPrecondition for
/// an OS execution error, kInvalidArgument for a bad request, kDataLoss for output that is not
/// a PIE and a felt list) otherwise. Messages carry the runner's own words (e.g. the tail of its
/// stderr) but never the RPC URL.
/// Implementations are thread-safe: several SnosRun jobs may run at once.
class SnosRunner {
 public:
  virtual ~SnosRunner() = default;

  virtual Result<SnosResult> Run(const SnosRequest& request) = 0;

  /// For logs and startup lines, e.g. "command:/usr/local/bin/snos-sidecar" (no secrets).
  virtual std::string Describe() const = 0;
};

}  // namespace orch::snos
