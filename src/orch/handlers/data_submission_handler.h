#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "orch/clients/madara/madara_client.h"
#include "orch/engine/job_handler.h"
#include "orch/kzg/blob.h"
#include "orch/objects/object_store.h"

namespace orch::handlers {

/// A block's state diff as blobs, and the version that chose the encoding.
struct BlockBlobs {
  std::vector<kzg::Blob> blobs;
  starknet::StarknetVersion version;
  std::size_t felt_count = 0;
};

/// What DataSubmission stores for `block`: its state update from `madara`, encoded for the
/// block's Starknet version (nonces and aliases from the node at that block), in blobs. The
/// devnet derives its OS outputs from the same function, so that both agree byte for byte.
/// Errors: the node's, and the encoder's (permanent), with the block and version as context.
Result<BlockBlobs> EncodeBlockBlobs(madara::MadaraClient& madara, std::uint64_t block);

struct DataSubmissionOptions {
  /// Blobs one settlement transaction carries (the reference's max_blob_per_txn).
  std::uint64_t max_blobs_per_transaction = 6;
  engine::HandlerLimits limits{.max_process_attempts = 3,
                               .max_verification_attempts = 3,
                               .verification_polling_delay = std::chrono::seconds(1)};
};

/// DataSubmission for one block: the block's state update, encoded for its Starknet version
/// (starknet::EncodeStateDiffForDa: nonces and aliases come from the node), transformed into
/// EIP-4844 blobs and stored raw (131072 bytes per blob, concatenated) at
/// `<block>/blob_data.txt`, the reference's key. The blobs travel later, in the StateTransition
/// transaction. Verify checks that the stored blobs are there, in the recorded number, and
/// decode back to a DA encoding.
///
/// Errors of Process: the node's (a block not ready yet is transient), kFailedPrecondition
/// (permanent) when the block needs more blobs than one transaction carries, encoding errors
/// (permanent), the object store's.
/// Thread-safe when the client and the store are.
class DataSubmissionHandler final : public engine::JobHandler {
 public:
  DataSubmissionHandler(madara::MadaraClient& madara, objects::ObjectStore& store,
                        DataSubmissionOptions options = {});

  job::JobType type() const override;
  engine::HandlerLimits limits() const override;
  Result<job::SpecificMetadata> CreateMetadata(std::uint64_t internal_id) override;
  Result<job::ExternalId> Process(job::Job& job) override;
  Result<engine::Verification> Verify(job::Job& job) override;

  /// The storage key of a block's blobs.
  static std::string BlobDataKey(std::uint64_t block_number);

 private:
  madara::MadaraClient& madara_;
  objects::ObjectStore& store_;
  DataSubmissionOptions options_;
};

}  // namespace orch::handlers
