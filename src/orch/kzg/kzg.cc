#include "orch/kzg/kzg.h"

#include <ckzg.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <system_error>
#include <utility>

#include "orch/kzg/hex.h"

namespace orch::kzg {
namespace {

namespace fs = std::filesystem;

// The MSM window c-kzg precomputes for cell proofs. Each extra bit doubles the tables
// (8 bits: 96 MiB) and the loading time; 0 keeps the process small and loading at about 2 s.
constexpr std::uint64_t kPrecompute = 0;

// The blob is passed to c-kzg in place: its Blob is a struct holding the same byte array.
static_assert(sizeof(::Blob) == kBytesPerBlob && alignof(::Blob) == 1);
static_assert(sizeof(::Bytes48) == kBytesPerG1Point && sizeof(::Bytes32) == kBytesPerFieldElement);
static_assert(kCellsPerExtendedBlob == CELLS_PER_EXT_BLOB);

const ::Blob* ToC(const Blob& blob) { return reinterpret_cast<const ::Blob*>(blob.bytes.data()); }

::Bytes48 ToC(const std::array<std::uint8_t, kBytesPerG1Point>& bytes) {
  ::Bytes48 out;
  std::memcpy(out.bytes, bytes.data(), bytes.size());
  return out;
}

::Bytes32 ToC(const FieldBytes& bytes) {
  ::Bytes32 out;
  std::memcpy(out.bytes, bytes.data(), bytes.size());
  return out;
}

std::array<std::uint8_t, kBytesPerG1Point> FromC(const ::Bytes48& bytes) {
  std::array<std::uint8_t, kBytesPerG1Point> out;
  std::memcpy(out.data(), bytes.bytes, out.size());
  return out;
}

// The inputs of one c-kzg call, for explaining a C_KZG_BADARGS: c-kzg only says that some
// argument is invalid, so each one is checked again here and the first bad one is named.
struct Inputs {
  const Blob* blob = nullptr;
  const Commitment* commitment = nullptr;
  const FieldBytes* z = nullptr;
  const FieldBytes* y = nullptr;
  const Proof* proof = nullptr;
};

bool IsG1Point(const std::array<std::uint8_t, kBytesPerG1Point>& bytes) {
  const ::Bytes48 compressed = ToC(bytes);
  g1_t point;
  return bytes_to_kzg_commitment(&point, &compressed) == C_KZG_OK;
}

Error Explain(C_KZG_RET ret, std::string_view operation, const Inputs& inputs) {
  if (ret == C_KZG_MALLOC) {
    return Error::Internal("{}: c-kzg could not allocate memory", operation);
  }
  if (ret != C_KZG_BADARGS) {
    return Error::Internal("{}: c-kzg failed with code {}", operation, static_cast<int>(ret));
  }
  if (inputs.blob != nullptr) {
    if (Result<void> words = CheckBlobWords(*inputs.blob); !words.ok()) {
      return words.error().WithContext(operation);
    }
  }
  if (inputs.commitment != nullptr && !IsG1Point(inputs.commitment->bytes)) {
    return Error::InvalidArgument("{}: commitment {} is not a compressed G1 point", operation,
                                  inputs.commitment->ToHex());
  }
  for (const auto& [value, name] : {std::pair{inputs.z, "z"}, std::pair{inputs.y, "y"}}) {
    if (value != nullptr && !IsCanonical(*value)) {
      return Error::InvalidArgument("{}: {} = {} is not below the BLS12-381 modulus r", operation,
                                    name, ToHex(*value));
    }
  }
  if (inputs.proof != nullptr && !IsG1Point(inputs.proof->bytes)) {
    return Error::InvalidArgument("{}: proof {} is not a compressed G1 point", operation,
                                  inputs.proof->ToHex());
  }
  return Error::Internal("{}: c-kzg rejected the arguments for a reason not known here", operation);
}

}  // namespace

struct Kzg::Settings {
  KZGSettings c{};

  Settings() = default;
  ~Settings() { free_trusted_setup(&c); }
  Settings(const Settings&) = delete;
  Settings& operator=(const Settings&) = delete;
};

Result<Commitment> Commitment::FromHex(std::string_view text) {
  Commitment commitment;
  ORCH_RETURN_IF_ERROR(ParseHexBytes(text, commitment.bytes, "commitment"));
  return commitment;
}

std::string Commitment::ToHex() const { return kzg::ToHex(bytes); }

Result<Proof> Proof::FromHex(std::string_view text) {
  Proof proof;
  ORCH_RETURN_IF_ERROR(ParseHexBytes(text, proof.bytes, "proof"));
  return proof;
}

std::string Proof::ToHex() const { return kzg::ToHex(bytes); }

fs::path ResolveTrustedSetupPath(const std::optional<fs::path>& explicit_path) {
  if (explicit_path.has_value()) {
    return *explicit_path;
  }
  // getenv races only with setenv, which the orchestrator calls only at startup (.env files).
  const char* from_env = std::getenv(std::string(kTrustedSetupEnv).c_str());
  if (from_env != nullptr && *from_env != '\0') {
    return from_env;
  }
  return ORCH_KZG_DEFAULT_TRUSTED_SETUP;
}

Kzg::Kzg(std::unique_ptr<Settings> settings) : settings_(std::move(settings)) {}

Kzg::~Kzg() = default;

Result<std::unique_ptr<Kzg>> Kzg::Load(const fs::path& trusted_setup) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(trusted_setup.c_str(), "r"),
                                                       &std::fclose);
  if (file == nullptr) {
    const int error_number = errno;
    const std::string reason = std::error_code(error_number, std::generic_category()).message();
    if (error_number == ENOENT) {
      return Error::NotFound(
          "KZG trusted setup {} not found ({}); pass its path, set {}, or run "
          "scripts/install-deps.sh to install the one of the c-kzg package",
          trusted_setup.string(), reason, kTrustedSetupEnv);
    }
    return Error::Unavailable("cannot read the KZG trusted setup {}: {}", trusted_setup.string(),
                              reason);
  }
  auto settings = std::make_unique<Settings>();
  const C_KZG_RET ret = load_trusted_setup_file(&settings->c, file.get(), kPrecompute);
  if (ret != C_KZG_OK) {
    // c-kzg leaves the settings empty on failure (freed and nulled, or never filled), so
    // ~Settings is safe either way.
    if (ret == C_KZG_BADARGS) {
      return Error::DataLoss(
          "{} is not a valid KZG trusted setup (expected the c-kzg text format: 4096 G1 "
          "Lagrange points, 65 G2 points, 4096 G1 monomial points)",
          trusted_setup.string());
    }
    return Error::Internal("loading the KZG trusted setup {} failed with c-kzg code {}",
                           trusted_setup.string(), static_cast<int>(ret));
  }
  return std::unique_ptr<Kzg>(new Kzg(std::move(settings)));
}

Result<const Kzg*> Kzg::Shared(const std::optional<fs::path>& trusted_setup) {
  // Never destroyed, so that no thread still running at exit can see a freed setup.
  static auto* const mutex = new std::mutex;
  static auto* const loaded = new std::map<fs::path, std::unique_ptr<Kzg>>;

  fs::path path = ResolveTrustedSetupPath(trusted_setup);
  std::error_code ignored;
  if (fs::path canonical = fs::weakly_canonical(path, ignored); !ignored) {
    path = std::move(canonical);
  }
  // Held while loading: concurrent callers want the same setup and would only load it twice.
  std::lock_guard lock(*mutex);
  if (auto it = loaded->find(path); it != loaded->end()) {
    return it->second.get();
  }
  ORCH_ASSIGN_OR_RETURN(std::unique_ptr<Kzg> kzg, Load(path));
  const Kzg* result = kzg.get();
  loaded->emplace(std::move(path), std::move(kzg));
  return result;
}

Result<Commitment> Kzg::BlobToCommitment(const Blob& blob) const {
  ::Bytes48 out;
  const C_KZG_RET ret = blob_to_kzg_commitment(&out, ToC(blob), &settings_->c);
  if (ret != C_KZG_OK) {
    return Explain(ret, "KZG commitment", {.blob = &blob});
  }
  return Commitment{FromC(out)};
}

Result<Proof> Kzg::ComputeBlobProof(const Blob& blob, const Commitment& commitment) const {
  const ::Bytes48 c_commitment = ToC(commitment.bytes);
  ::Bytes48 out;
  const C_KZG_RET ret = compute_blob_kzg_proof(&out, ToC(blob), &c_commitment, &settings_->c);
  if (ret != C_KZG_OK) {
    return Explain(ret, "KZG blob proof", {.blob = &blob, .commitment = &commitment});
  }
  return Proof{FromC(out)};
}

Result<bool> Kzg::VerifyBlobProof(const Blob& blob, const Commitment& commitment,
                                  const Proof& proof) const {
  const ::Bytes48 c_commitment = ToC(commitment.bytes);
  const ::Bytes48 c_proof = ToC(proof.bytes);
  bool valid = false;
  const C_KZG_RET ret =
      verify_blob_kzg_proof(&valid, ToC(blob), &c_commitment, &c_proof, &settings_->c);
  if (ret != C_KZG_OK) {
    return Explain(ret, "KZG blob proof verification",
                   {.blob = &blob, .commitment = &commitment, .proof = &proof});
  }
  return valid;
}

Result<EvaluationProof> Kzg::ComputeKzgProof(const Blob& blob, const FieldBytes& z) const {
  const ::Bytes32 c_z = ToC(z);
  ::Bytes48 proof;
  ::Bytes32 y;
  const C_KZG_RET ret = compute_kzg_proof(&proof, &y, ToC(blob), &c_z, &settings_->c);
  if (ret != C_KZG_OK) {
    return Explain(ret, "KZG point-evaluation proof", {.blob = &blob, .z = &z});
  }
  EvaluationProof result{.proof = Proof{FromC(proof)}};
  std::memcpy(result.y.data(), y.bytes, result.y.size());
  return result;
}

Result<bool> Kzg::VerifyKzgProof(const Commitment& commitment, const FieldBytes& z,
                                 const FieldBytes& y, const Proof& proof) const {
  const ::Bytes48 c_commitment = ToC(commitment.bytes);
  const ::Bytes32 c_z = ToC(z);
  const ::Bytes32 c_y = ToC(y);
  const ::Bytes48 c_proof = ToC(proof.bytes);
  bool valid = false;
  const C_KZG_RET ret =
      verify_kzg_proof(&valid, &c_commitment, &c_z, &c_y, &c_proof, &settings_->c);
  if (ret != C_KZG_OK) {
    return Explain(ret, "KZG point-evaluation proof verification",
                   {.commitment = &commitment, .z = &z, .y = &y, .proof = &proof});
  }
  return valid;
}

Result<std::vector<Proof>> Kzg::ComputeCellProofs(const Blob& blob) const {
  std::vector<::KZGProof> proofs(kCellsPerExtendedBlob);
  // Cells are not asked for (nullptr): the sidecar carries the blob, from which anyone can
  // recompute them.
  const C_KZG_RET ret =
      compute_cells_and_kzg_proofs(nullptr, proofs.data(), ToC(blob), &settings_->c);
  if (ret != C_KZG_OK) {
    return Explain(ret, "KZG cell proofs", {.blob = &blob});
  }
  std::vector<Proof> result;
  result.reserve(proofs.size());
  for (const ::KZGProof& proof : proofs) {
    result.push_back(Proof{FromC(proof)});
  }
  return result;
}

}  // namespace orch::kzg
