#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "orch/common/result.h"

namespace orch::job {

// The job metadata, field for field as the reference implementation stores it
// (spec/upstream-behaviour.md §1.2), so that tooling written for either reads both. Timestamps
// in CommonMetadata are Unix seconds; absent optionals serialise as null unless noted.

/// Counters and timestamps every job type carries.
struct CommonMetadata {
  std::uint64_t process_attempt_no = 0;
  std::uint64_t process_retry_attempt_no = 0;
  std::uint64_t verification_attempt_no = 0;
  std::uint64_t verification_retry_attempt_no = 0;
  std::optional<std::int64_t> process_started_at;
  std::optional<std::int64_t> process_completed_at;
  std::optional<std::int64_t> verification_started_at;
  std::optional<std::int64_t> verification_completed_at;
  std::optional<std::string> failure_reason;
  std::vector<std::string> previous_failure_reasons;  // oldest first
  std::string orchestrator_version;

  /// Makes `reason` the current failure, moving the previous one (if any) into the history.
  void RecordFailure(std::string reason);

  bool operator==(const CommonMetadata&) const = default;
};

/// SnosRun: one Starknet OS run over blocks start_block..=end_block.
struct SnosMetadata {
  std::uint64_t snos_batch_index = 0;
  std::uint64_t start_block = 0;
  std::uint64_t end_block = 0;
  std::uint64_t num_blocks = 0;
  bool full_output = false;
  std::optional<std::string> cairo_pie_path;
  std::optional<std::string> on_chain_data_path;
  std::optional<std::string> snos_output_path;
  std::optional<std::string> program_output_path;
  std::optional<std::string> snos_fact;  // 0x-hex, set by the job
  std::optional<std::uint64_t> snos_n_steps;

  bool operator==(const SnosMetadata&) const = default;
};

/// Where a proving job reads its input: externally tagged, {"CairoPie": key} or {"Proof": key}.
struct ProvingInputPath {
  enum class Kind { kCairoPie, kProof };
  Kind kind = Kind::kCairoPie;
  std::string key;

  bool operator==(const ProvingInputPath&) const = default;
};

/// ProofCreation and ProofRegistration.
struct ProvingMetadata {
  std::uint64_t block_number = 0;
  std::optional<ProvingInputPath> input_path;
  std::optional<std::string> ensure_on_chain_registration;
  std::optional<std::string> download_proof;
  std::optional<std::uint64_t> n_steps;
  std::optional<std::string> bucket_id;           // omitted from JSON when absent
  std::optional<std::uint64_t> bucket_job_index;  // omitted from JSON when absent

  bool operator==(const ProvingMetadata&) const = default;
};

/// DataSubmission.
struct DaMetadata {
  std::uint64_t block_number = 0;
  std::optional<std::string> blob_data_path;
  std::optional<std::string> tx_hash;
  // Set by the job; not in the reference (which stores one blob and never reads it back): the
  // number of blobs at blob_data_path and the Starknet version that picked their encoding.
  std::optional<std::uint64_t> blob_count;
  std::optional<std::string> starknet_version;

  bool operator==(const DaMetadata&) const = default;
};

/// Aggregator (L2 with batching).
struct AggregatorMetadata {
  std::uint64_t batch_num = 0;
  std::optional<std::string> bucket_id;  // omitted from JSON when absent
  std::optional<std::string> ensure_on_chain_registration;
  std::optional<std::string> download_proof;
  std::optional<std::string> blob_data_path;
  std::optional<std::string> da_segment_path;
  std::optional<std::string> cairo_pie_path;
  std::optional<std::string> snos_output_path;
  std::optional<std::string> program_output_path;
  std::optional<std::string> aggregator_query_id;

  bool operator==(const AggregatorMetadata&) const = default;
};

/// One attempt at sending a settlement transaction.
struct TxAttempt {
  std::uint64_t attempt_no = 0;
  std::string tx_hash;
  std::uint64_t nonce = 0;
  std::string gas_multiplier;  // "2.20" style
  // Finalized | Replaced | TimedOut | RejectedUnderpriced | SubmissionFailed, and ours: Signed
  // (recorded, maybe not sent yet), Submitted (sent, not mined), Mined (awaiting confirmations).
  std::string status;
  std::optional<std::string> error;
  // Ours, so that an attempt can be rebuilt byte for byte after a restart: its fees (decimal
  // wei) and when it was sent (Unix milliseconds).
  std::optional<std::string> max_fee_per_gas;
  std::optional<std::string> max_priority_fee_per_gas;
  std::optional<std::string> max_fee_per_blob_gas;
  std::optional<std::int64_t> submitted_at_ms;

  bool operator==(const TxAttempt&) const = default;
};

/// What a state transition settles: internally tagged {"type": "Batch"|"Block", ...}.
struct SettlementContext {
  enum class Kind { kBatch, kBlock };
  Kind kind = Kind::kBlock;
  std::uint64_t to_settle = 0;
  std::optional<std::uint64_t> last_failed;

  bool operator==(const SettlementContext&) const = default;
};

/// StateTransition.
struct StateUpdateMetadata {
  std::optional<std::string> snos_output_path;
  std::optional<std::string> program_output_path;
  std::optional<std::string> blob_data_path;
  std::optional<std::string> da_segment_path;
  std::optional<std::string> tx_hash;
  std::optional<std::uint64_t> tx_nonce;
  std::vector<TxAttempt> tx_attempts;
  SettlementContext context;
  std::optional<std::string> storage_artifacts_tagged_at;  // RFC 3339
  // Ours: when the fee cap last held the transaction back and an alert went out (Unix ms).
  std::optional<std::int64_t> fee_cap_alerted_at_ms;

  bool operator==(const StateUpdateMetadata&) const = default;
};

/// The type-specific part; serialised with a "type" tag: Snos, Proving, Da, Aggregator,
/// StateUpdate.
using SpecificMetadata = std::variant<SnosMetadata, ProvingMetadata, DaMetadata, AggregatorMetadata,
                                      StateUpdateMetadata>;

struct JobMetadata {
  CommonMetadata common;
  SpecificMetadata specific;

  bool operator==(const JobMetadata&) const = default;
};

/// {"common": {...}, "specific": {"type": ..., ...}}.
nlohmann::json ToJson(const JobMetadata& metadata);
/// Parses the stored form. Missing required fields or wrong types are kDataLoss, naming the
/// field, because stored metadata that does not parse means the row is corrupt.
Result<JobMetadata> ParseJobMetadata(const nlohmann::json& json);

}  // namespace orch::job
