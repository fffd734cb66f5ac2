#include "orch/handlers/data_submission_handler.h"

#include <fmt/format.h>

#include <optional>
#include <span>
#include <vector>

#include "orch/kzg/blob.h"
#include "orch/kzg/blob_transform.h"
#include "orch/starknet/da_encoder.h"
#include "orch/starknet/state_diff_decoding.h"
#include "orch/starknet/stateless_compression.h"

namespace orch::handlers {
namespace {

using crypto::Felt;

// The node's nonces and the alias contract's storage at the block being encoded.
class NodeNonceSource final : public starknet::NonceSource {
 public:
  explicit NodeNonceSource(madara::MadaraClient& madara) : madara_(madara) {}

  Result<Felt> GetNonce(std::uint64_t block_number, const Felt& contract_address) override {
    return madara_.GetNonce(block_number, contract_address);
  }

 private:
  madara::MadaraClient& madara_;
};

class NodeAliasSource final : public starknet::AliasSource {
 public:
  NodeAliasSource(madara::MadaraClient& madara, std::uint64_t block_number)
      : madara_(madara), block_number_(block_number) {}

  Result<std::vector<std::optional<Felt>>> GetAliases(std::span<const Felt> keys) override {
    std::vector<std::optional<Felt>> aliases;
    aliases.reserve(keys.size());
    for (const Felt& key : keys) {
      ORCH_ASSIGN_OR_RETURN(
          const Felt alias,
          madara_.GetStorageAt(block_number_, starknet::kAliasContractAddress, key));
      aliases.push_back(alias.IsZero() ? std::nullopt : std::optional(alias));
    }
    return aliases;
  }

 private:
  madara::MadaraClient& madara_;
  std::uint64_t block_number_;
};

job::DaMetadata* DaMetadataOf(job::Job& job) {
  return std::get_if<job::DaMetadata>(&job.metadata.specific);
}

// Whether the stored felts are a DA encoding of `version`: what the OS would accept.
Result<void> CheckDecodable(std::span<const Felt> felts, const starknet::StarknetVersion& version) {
  if (version < starknet::kVersion0_13_3) {
    ORCH_RETURN_IF_ERROR(starknet::DecodeDaStateDiff(felts, version));
    return Ok();
  }
  ORCH_ASSIGN_OR_RETURN(const starknet::StatelessDecompression plain,
                        starknet::DecompressStatelessPrefix(felts));
  ORCH_RETURN_IF_ERROR(starknet::DecodeDaStateDiff(plain.data, version));
  return Ok();
}

}  // namespace

DataSubmissionHandler::DataSubmissionHandler(madara::MadaraClient& madara,
                                             objects::ObjectStore& store,
                                             DataSubmissionOptions options)
    : madara_(madara), store_(store), options_(options) {}

job::JobType DataSubmissionHandler::type() const { return job::JobType::kDataSubmission; }

engine::HandlerLimits DataSubmissionHandler::limits() const { return options_.limits; }

std::string DataSubmissionHandler::BlobDataKey(std::uint64_t block_number) {
  return fmt::format("{}/blob_data.txt", block_number);
}

Result<job::SpecificMetadata> DataSubmissionHandler::CreateMetadata(std::uint64_t internal_id) {
  return job::DaMetadata{.block_number = internal_id, .blob_data_path = BlobDataKey(internal_id)};
}

Result<BlockBlobs> EncodeBlockBlobs(madara::MadaraClient& madara, std::uint64_t block) {
  ORCH_ASSIGN_OR_RETURN(const madara::BlockStateUpdate state, madara.GetStateUpdate(block));
  NodeNonceSource nonces(madara);
  NodeAliasSource aliases(madara, block);
  Result<std::vector<Felt>> felts = starknet::EncodeStateDiffForDa(
      state.update.state_diff, state.version, block, nonces, aliases);
  if (!felts.ok()) {
    return felts.error().WithContext(fmt::format(
        "encoding the state diff of block {} (Starknet {})", block, state.version.ToString()));
  }
  std::vector<kzg::FieldBytes> coefficients;
  coefficients.reserve(felts->size());
  for (const Felt& felt : *felts) {
    coefficients.push_back(felt.ToBytesBe());
  }
  ORCH_ASSIGN_OR_RETURN(std::vector<kzg::Blob> blobs, kzg::FeltsToBlobs(coefficients));
  return BlockBlobs{
      .blobs = std::move(blobs), .version = state.version, .felt_count = felts->size()};
}

Result<job::ExternalId> DataSubmissionHandler::Process(job::Job& job) {
  job::DaMetadata* metadata = DaMetadataOf(job);
  if (metadata == nullptr || !metadata->blob_data_path) {
    return Error::FailedPrecondition("DataSubmission job {} has no Da metadata with a blob path",
                                     job.id);
  }
  const std::uint64_t block = metadata->block_number;
  ORCH_ASSIGN_OR_RETURN(const BlockBlobs encoded, EncodeBlockBlobs(madara_, block));
  if (encoded.blobs.size() > options_.max_blobs_per_transaction) {
    return Error::FailedPrecondition(
        "block {} needs {} blobs ({} felts), more than the {} one transaction carries", block,
        encoded.blobs.size(), encoded.felt_count, options_.max_blobs_per_transaction);
  }
  std::string bytes;
  bytes.reserve(encoded.blobs.size() * kzg::kBytesPerBlob);
  for (const kzg::Blob& blob : encoded.blobs) {
    bytes.append(reinterpret_cast<const char*>(blob.bytes.data()), blob.bytes.size());
  }
  ORCH_RETURN_IF_ERROR(store_.Put(*metadata->blob_data_path, bytes));
  metadata->blob_count = encoded.blobs.size();
  metadata->starknet_version = encoded.version.ToString();
  return job::ExternalId(*metadata->blob_data_path);
}

Result<engine::Verification> DataSubmissionHandler::Verify(job::Job& job) {
  const job::DaMetadata* metadata = DaMetadataOf(job);
  if (metadata == nullptr || !metadata->blob_data_path || !metadata->blob_count ||
      !metadata->starknet_version) {
    return engine::Verification::Rejected("the job recorded no blobs");
  }
  ORCH_ASSIGN_OR_RETURN(const bool exists, store_.Exists(*metadata->blob_data_path));
  if (!exists) {
    return engine::Verification::Rejected(
        fmt::format("{} is missing from the object store", *metadata->blob_data_path));
  }
  ORCH_ASSIGN_OR_RETURN(const std::string bytes, store_.Get(*metadata->blob_data_path));
  if (bytes.size() != *metadata->blob_count * kzg::kBytesPerBlob) {
    return engine::Verification::Rejected(fmt::format(
        "{} holds {} bytes, not the {} of {} blobs", *metadata->blob_data_path, bytes.size(),
        *metadata->blob_count * kzg::kBytesPerBlob, *metadata->blob_count));
  }
  Result<starknet::StarknetVersion> version =
      starknet::StarknetVersion::Parse(*metadata->starknet_version);
  if (!version.ok()) {
    return engine::Verification::Rejected(version.error().message());
  }
  std::vector<Felt> felts;
  felts.reserve(*metadata->blob_count * kzg::kFieldElementsPerBlob);
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  for (std::uint64_t i = 0; i < *metadata->blob_count; ++i) {
    Result<kzg::Blob> blob =
        kzg::Blob::FromBytes(std::span(data + i * kzg::kBytesPerBlob, kzg::kBytesPerBlob));
    Result<std::vector<kzg::FieldBytes>> words =
        blob.ok() ? kzg::BlobToFelts(*blob) : Result<std::vector<kzg::FieldBytes>>(blob.error());
    if (!words.ok()) {
      return engine::Verification::Rejected(
          fmt::format("blob {} of {}: {}", i, *metadata->blob_data_path, words.error().message()));
    }
    for (const kzg::FieldBytes& word : *words) {
      Result<Felt> felt = Felt::FromBytesBe(word);
      if (!felt.ok()) {
        return engine::Verification::Rejected(fmt::format(
            "blob {} of {} holds a value that is not a felt", i, *metadata->blob_data_path));
      }
      felts.push_back(*felt);
    }
  }
  if (Result<void> decodable = CheckDecodable(felts, *version); !decodable.ok()) {
    return engine::Verification::Rejected(fmt::format(
        "the blobs at {} do not decode as a Starknet {} DA encoding: {}", *metadata->blob_data_path,
        *metadata->starknet_version, decodable.error().message()));
  }
  return engine::Verification::Verified();
}

}  // namespace orch::handlers
