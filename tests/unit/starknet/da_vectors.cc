#include "tests/unit/starknet/da_vectors.h"

#include <fmt/format.h>

#include <string>

#include "tests/support/testdata.h"

#include "orch/kzg/blob_transform.h"
#include "orch/starknet/state_update_json.h"

namespace orch::starknet::test_support {

using orch::test_support::ReadTestdata;

Result<DaVector> ReadDaVector(std::uint64_t block) {
  ORCH_ASSIGN_OR_RETURN(const std::string update_text,
                        ReadTestdata(fmt::format("da/state_update/{}.json", block)));
  ORCH_ASSIGN_OR_RETURN(const std::string nonce_text,
                        ReadTestdata(fmt::format("da/nonces/{}.json", block)));
  ORCH_ASSIGN_OR_RETURN(const std::string blob_text,
                        ReadTestdata(fmt::format("da/blob/{}.hex", block)));
  ORCH_ASSIGN_OR_RETURN(StateUpdate update, ParseStateUpdateJson(update_text));
  ORCH_ASSIGN_OR_RETURN(TableNonceSource nonces, TableNonceSource::FromJson(block, nonce_text));
  ORCH_ASSIGN_OR_RETURN(kzg::Blob blob, kzg::Blob::FromHex(blob_text));
  return DaVector{block, std::move(update), std::move(nonces), std::move(blob)};
}

Result<std::vector<crypto::Felt>> ReadBlobFelts(std::string_view relative) {
  ORCH_ASSIGN_OR_RETURN(const std::string hex, ReadTestdata(relative));
  ORCH_ASSIGN_OR_RETURN(const kzg::Blob blob, kzg::Blob::FromHex(hex));
  ORCH_ASSIGN_OR_RETURN(const std::vector<kzg::FieldBytes> coefficients, kzg::BlobToFelts(blob));
  std::vector<crypto::Felt> felts;
  felts.reserve(coefficients.size());
  for (const kzg::FieldBytes& bytes : coefficients) {
    ORCH_ASSIGN_OR_RETURN(const crypto::Felt felt, crypto::Felt::FromBytesBe(bytes));
    felts.push_back(felt);
  }
  return felts;
}

}  // namespace orch::starknet::test_support
