#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orch/common/result.h"
#include "orch/kzg/blob.h"

namespace orch::kzg {

inline constexpr std::size_t kBytesPerG1Point = 48;
/// EIP-7594: cell proofs per blob (the blob extended to 8192 evaluations, 64 per cell).
inline constexpr std::size_t kCellsPerExtendedBlob = 128;

/// The environment variable naming the trusted setup file when no path is passed.
inline constexpr std::string_view kTrustedSetupEnv = "ORCH_KZG_TRUSTED_SETUP";

/// A KZG commitment to a blob: a compressed BLS12-381 G1 point.
struct Commitment {
  std::array<std::uint8_t, kBytesPerG1Point> bytes{};

  /// Parses 96 hex digits, with or without "0x". Errors: kInvalidArgument. Whether the bytes
  /// are a point on the curve is checked by the functions that use it.
  static Result<Commitment> FromHex(std::string_view text);
  std::string ToHex() const;
  friend bool operator==(const Commitment&, const Commitment&) = default;
};

/// A KZG proof (blob proof, point-evaluation proof or cell proof): a compressed G1 point.
struct Proof {
  std::array<std::uint8_t, kBytesPerG1Point> bytes{};

  /// Parses 96 hex digits, with or without "0x". Errors: kInvalidArgument.
  static Result<Proof> FromHex(std::string_view text);
  std::string ToHex() const;
  friend bool operator==(const Proof&, const Proof&) = default;
};

/// The answer of ComputeKzgProof: the proof that the blob's polynomial p has p(z) = y.
struct EvaluationProof {
  Proof proof;
  FieldBytes y{};
};

/// The trusted setup file to use: `explicit_path` if given, else $ORCH_KZG_TRUSTED_SETUP if set
/// and not empty, else the mainnet setup of the c-kzg package this binary was built against.
std::filesystem::path ResolveTrustedSetupPath(
    const std::optional<std::filesystem::path>& explicit_path);

/// KZG commitments and proofs over BLS12-381 (EIP-4844 and EIP-7594), computed by c-kzg-4844
/// with one loaded trusted setup (the c-kzg text format: 4096 G1 Lagrange points, 65 G2 points,
/// 4096 G1 monomial points).
///
/// Loading parses and checks about 8,000 curve points (about 2 s), so a process loads each
/// setup once: use Shared(). Load() exists for tests and tools that need a private instance.
///
/// Errors of the operations: kInvalidArgument for inputs that are not what they claim (a blob
/// word or a scalar not below r, bytes that are not a compressed G1 point; the message says
/// which), kInternal if c-kzg fails otherwise (out of memory). A proof that does not verify is
/// a value (false), not an error.
///
/// Thread-safe: immutable after loading; c-kzg keeps no state between calls.
class Kzg {
 public:
  /// Loads the trusted setup at `trusted_setup`.
  /// Errors: kNotFound (no such file), kUnavailable (cannot be read), kDataLoss (not a valid
  /// trusted setup).
  static Result<std::unique_ptr<Kzg>> Load(const std::filesystem::path& trusted_setup);

  /// The process-wide instance for ResolveTrustedSetupPath(trusted_setup), loaded on first use.
  /// Callers asking for a setup that is being loaded wait for it; a failed load is not
  /// remembered, so the next call tries again. The instance lives until the process exits.
  /// Errors: as Load.
  static Result<const Kzg*> Shared(
      const std::optional<std::filesystem::path>& trusted_setup = std::nullopt);

  ~Kzg();
  Kzg(const Kzg&) = delete;
  Kzg& operator=(const Kzg&) = delete;

  /// The commitment to the blob's polynomial (c-kzg blob_to_kzg_commitment).
  Result<Commitment> BlobToCommitment(const Blob& blob) const;

  /// The blob proof of the EIP-4844 network sidecar (compute_blob_kzg_proof): a proof of the
  /// evaluation at a challenge derived from the blob and `commitment`.
  Result<Proof> ComputeBlobProof(const Blob& blob, const Commitment& commitment) const;

  /// Whether `proof` is the blob proof of `blob` under `commitment`.
  Result<bool> VerifyBlobProof(const Blob& blob, const Commitment& commitment,
                               const Proof& proof) const;

  /// The point-evaluation proof at `z` (compute_kzg_proof): y = p(z) and its proof, as the
  /// Starknet core contract's updateStateKzgDA expects. `z` must be canonical.
  Result<EvaluationProof> ComputeKzgProof(const Blob& blob, const FieldBytes& z) const;

  /// Whether `proof` shows that the polynomial committed to by `commitment` has p(z) = y.
  Result<bool> VerifyKzgProof(const Commitment& commitment, const FieldBytes& z,
                              const FieldBytes& y, const Proof& proof) const;

  /// The 128 cell proofs of the EIP-7594 (PeerDAS) sidecar, in cell order
  /// (compute_cells_and_kzg_proofs).
  Result<std::vector<Proof>> ComputeCellProofs(const Blob& blob) const;

 private:
  struct Settings;

  explicit Kzg(std::unique_ptr<Settings> settings);

  std::unique_ptr<Settings> settings_;
};

}  // namespace orch::kzg
