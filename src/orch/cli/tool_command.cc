#include "orch/cli/tool_command.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "orch/cli/starknet_tools.h"
#include "orch/cli/tool_input.h"
#include "orch/common/strings.h"
#include "orch/crypto/felt.h"
#include "orch/crypto/pedersen.h"
#include "orch/crypto/poseidon.h"
#include "orch/crypto/u256.h"
#include "orch/eth/blob_sidecar.h"
#include "orch/eth/bytes.h"
#include "orch/eth/keccak.h"
#include "orch/kzg/blob.h"
#include "orch/kzg/blob_transform.h"
#include "orch/kzg/hex.h"
#include "orch/kzg/kzg.h"

namespace orch::cli {
namespace {

namespace fs = std::filesystem;
using crypto::Felt;

constexpr std::string_view kFeltForms =
    "hex with 0x or decimal, below the Stark prime P = 2^251 + 17*2^192 + 1";
// starknet_keccak keeps the low 250 bits: the top 6 bits of the first byte are cleared.
constexpr std::uint8_t kStarknetKeccakFirstByteMask = 0x03;

struct KeccakOptions {
  std::string hex;
  std::string text;
  std::string file;
  bool starknet = false;
};

struct PedersenOptions {
  std::vector<std::string> felts;
  bool on_elements = false;
};

struct PoseidonOptions {
  std::vector<std::string> felts;
  bool pair = false;
  bool single = false;
};

struct BlobFromFeltsOptions {
  std::string felts_file;
  std::string out_dir;
};

struct BlobToFeltsOptions {
  std::vector<std::string> blob_files;
  bool json = false;
  bool trim_zeros = false;
};

struct KzgOptions {
  std::string blob_file;
  std::string z;
  std::string trusted_setup;
};

// A felt in either form; `what` names it in errors ("pedersen argument 2").
Result<Felt> ParseFelt(std::string_view text, std::string_view what) {
  const std::string_view trimmed = TrimWhitespace(text);
  Result<Felt> felt = Felt::Parse(trimmed);
  if (felt.ok()) {
    return felt;
  }
  // Felt::Parse reads text without "0x" as decimal; say so when it looks like hex.
  const bool looks_like_hex =
      !trimmed.empty() && !trimmed.starts_with("0x") && !trimmed.starts_with("0X") &&
      std::ranges::all_of(trimmed, [](char c) { return eth::HexDigitValue(c) >= 0; });
  return Error::InvalidArgument("{}: {}{}", what, felt.error().message(),
                                looks_like_hex ? " (hex needs the 0x prefix)" : "");
}

Result<std::vector<Felt>> ParseFeltArguments(const std::vector<std::string>& texts,
                                             std::string_view tool) {
  std::vector<Felt> felts;
  felts.reserve(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    ORCH_ASSIGN_OR_RETURN(Felt felt,
                          ParseFelt(texts[i], fmt::format("{} argument {}", tool, i + 1)));
    felts.push_back(felt);
  }
  return felts;
}

// Felts one per line (blank lines ignored), or a JSON array of strings (hex or decimal) and
// small non-negative integers.
Result<std::vector<kzg::FieldBytes>> ParseFeltList(std::string_view content,
                                                   std::string_view source) {
  std::vector<kzg::FieldBytes> felts;
  const std::string_view trimmed = TrimWhitespace(content);
  if (trimmed.starts_with('[')) {
    const nlohmann::json array =
        nlohmann::json::parse(trimmed, /*cb=*/nullptr, /*allow_exceptions=*/false);
    if (array.is_discarded() || !array.is_array()) {
      return Error::InvalidArgument("{}: starts with '[' but is not a valid JSON array", source);
    }
    felts.reserve(array.size());
    for (std::size_t i = 0; i < array.size(); ++i) {
      const nlohmann::json& element = array[i];
      const std::string what = fmt::format("{}: element {}", source, i);
      if (element.is_number_unsigned()) {
        felts.push_back(Felt::FromUint64(element.get<std::uint64_t>()).ToBytesBe());
      } else if (element.is_string()) {
        ORCH_ASSIGN_OR_RETURN(const Felt felt, ParseFelt(element.get<std::string>(), what));
        felts.push_back(felt.ToBytesBe());
      } else {
        return Error::InvalidArgument("{}: a felt must be a string ({}), got {}", what, kFeltForms,
                                      element.dump());
      }
    }
    return felts;
  }
  const std::vector<std::string_view> lines = SplitString(content, '\n');
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = TrimWhitespace(lines[i]);
    if (line.empty()) {
      continue;
    }
    ORCH_ASSIGN_OR_RETURN(const Felt felt,
                          ParseFelt(line, fmt::format("{} line {}", source, i + 1)));
    felts.push_back(felt.ToBytesBe());
  }
  return felts;
}

std::string FlagAndPath(std::string_view flag, const std::string& path) {
  return fmt::format("{} {}", flag, path);
}

// The one blob in `path`: hex, with or without 0x, surrounding whitespace ignored.
Result<kzg::Blob> ReadBlob(const std::string& path, std::istream& in) {
  ORCH_ASSIGN_OR_RETURN(const std::string content, ReadToolInput("--blob", path, in));
  Result<kzg::Blob> blob = kzg::Blob::FromHex(content);
  if (!blob.ok()) {
    return blob.error().WithContext(FlagAndPath("--blob", path));
  }
  return blob;
}

// z as hex with 0x or as decimal, below the BLS12-381 modulus r.
Result<kzg::FieldBytes> ParseZ(std::string_view text) {
  const std::string_view trimmed = TrimWhitespace(text);
  if (trimmed.starts_with("0x") || trimmed.starts_with("0X")) {
    return kzg::ParseFieldHex(trimmed, "--z");
  }
  Result<crypto::U256> value = crypto::U256::FromDecimal(trimmed);
  if (!value.ok()) {
    return Error::InvalidArgument("--z: {} (hex needs the 0x prefix)", value.error().message());
  }
  const kzg::FieldBytes bytes = value->ToBytesBe();
  if (!kzg::IsCanonical(bytes)) {
    return Error::InvalidArgument("--z {} is not below the BLS12-381 modulus r", trimmed);
  }
  return bytes;
}

Result<const kzg::Kzg*> LoadKzg(const std::string& trusted_setup) {
  std::optional<fs::path> path;
  if (!trusted_setup.empty()) {
    path = trusted_setup;
  }
  return kzg::Kzg::Shared(path);
}

Result<void> RunKeccak(const KeccakOptions& options, const CLI::App& command, std::istream& in,
                       std::ostream& out) {
  const std::size_t inputs =
      command.count("--hex") + command.count("--text") + command.count("--file");
  if (inputs != 1) {
    return Error::InvalidArgument(
        "keccak: give exactly one input: --hex, --text or --file (got {})", inputs);
  }
  eth::Bytes data;
  if (command.count("--hex") > 0) {
    Result<eth::Bytes> bytes = eth::FromHex(TrimWhitespace(options.hex));
    if (!bytes.ok()) {
      return Error::InvalidArgument("--hex: {}", bytes.error().message());
    }
    data = *std::move(bytes);
  } else if (command.count("--text") > 0) {
    data.assign(options.text.begin(), options.text.end());
  } else {
    ORCH_ASSIGN_OR_RETURN(const std::string content, ReadToolInput("--file", options.file, in));
    data.assign(content.begin(), content.end());
  }
  eth::Hash32 hash = eth::Keccak256(data);
  if (options.starknet) {
    hash[0] &= kStarknetKeccakFirstByteMask;
    ORCH_ASSIGN_OR_RETURN(const Felt felt, Felt::FromBytesBe(hash));
    out << felt.ToHex() << "\n";
  } else {
    out << eth::ToHex(hash) << "\n";
  }
  return Ok();
}

Result<void> RunPedersen(const PedersenOptions& options, std::ostream& out) {
  if (!options.on_elements && options.felts.size() != 2) {
    return Error::InvalidArgument(
        "pedersen takes two felts A B, got {} (use --on-elements to hash a list)",
        options.felts.size());
  }
  ORCH_ASSIGN_OR_RETURN(const std::vector<Felt> felts,
                        ParseFeltArguments(options.felts, "pedersen"));
  const Felt hash = options.on_elements ? crypto::PedersenHashOnElements(felts)
                                        : crypto::PedersenHash(felts[0], felts[1]);
  out << hash.ToHex() << "\n";
  return Ok();
}

Result<void> RunPoseidon(const PoseidonOptions& options, std::ostream& out) {
  if (options.pair && options.single) {
    return Error::InvalidArgument("poseidon: --pair and --single exclude each other");
  }
  if (options.pair && options.felts.size() != 2) {
    return Error::InvalidArgument("poseidon --pair takes two felts A B, got {}",
                                  options.felts.size());
  }
  if (options.single && options.felts.size() != 1) {
    return Error::InvalidArgument("poseidon --single takes one felt, got {}", options.felts.size());
  }
  ORCH_ASSIGN_OR_RETURN(const std::vector<Felt> felts,
                        ParseFeltArguments(options.felts, "poseidon"));
  Felt hash;
  if (options.pair) {
    hash = crypto::PoseidonHash(felts[0], felts[1]);
  } else if (options.single) {
    hash = crypto::PoseidonHashSingle(felts[0]);
  } else {
    hash = crypto::PoseidonHashMany(felts);
  }
  out << hash.ToHex() << "\n";
  return Ok();
}

Result<void> WriteFile(const fs::path& path, std::string_view content) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (file) {
    file << content;
    file.close();
  }
  if (!file) {
    return Error::Unavailable("--out: cannot write {}", path.string());
  }
  return Ok();
}

Result<void> RunBlobFromFelts(const BlobFromFeltsOptions& options, std::istream& in,
                              std::ostream& out) {
  const std::string source = FlagAndPath("--felts", options.felts_file);
  ORCH_ASSIGN_OR_RETURN(const std::string content,
                        ReadToolInput("--felts", options.felts_file, in));
  ORCH_ASSIGN_OR_RETURN(const std::vector<kzg::FieldBytes> felts, ParseFeltList(content, source));
  if (felts.empty()) {
    return Error::InvalidArgument("{}: no felts", source);
  }
  Result<std::vector<kzg::Blob>> blobs = kzg::FeltsToBlobs(felts);
  if (!blobs.ok()) {
    return blobs.error().WithContext(source);
  }
  if (options.out_dir.empty()) {
    for (const kzg::Blob& blob : *blobs) {
      out << blob.ToHex() << "\n";
    }
    return Ok();
  }
  const fs::path dir(options.out_dir);
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) {
    return Error::Unavailable("--out {}: cannot create the directory: {}", options.out_dir,
                              error.message());
  }
  for (std::size_t i = 0; i < blobs->size(); ++i) {
    const fs::path path = dir / fmt::format("blob-{}.hex", i);
    ORCH_RETURN_IF_ERROR(WriteFile(path, (*blobs)[i].ToHex() + "\n"));
    out << path.string() << "\n";
  }
  return Ok();
}

Result<void> RunBlobToFelts(const BlobToFeltsOptions& options, std::istream& in,
                            std::ostream& out) {
  std::vector<kzg::Blob> blobs;
  for (const std::string& path : options.blob_files) {
    const std::string source = FlagAndPath("--blob", path);
    ORCH_ASSIGN_OR_RETURN(const std::string content, ReadToolInput("--blob", path, in));
    // One blob, or several separated by whitespace (as blob-from-felts prints them).
    std::vector<std::string_view> tokens;
    std::string_view rest = content;
    while (true) {
      const std::size_t begin = rest.find_first_not_of(" \t\r\n\v\f");
      if (begin == std::string_view::npos) {
        break;
      }
      rest.remove_prefix(begin);
      const std::size_t end = std::min(rest.find_first_of(" \t\r\n\v\f"), rest.size());
      tokens.push_back(rest.substr(0, end));
      rest.remove_prefix(end);
    }
    if (tokens.empty()) {
      return Error::InvalidArgument("{}: empty, expected a blob in hex", source);
    }
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      Result<kzg::Blob> blob = kzg::Blob::FromHex(tokens[i]);
      if (!blob.ok()) {
        return blob.error().WithContext(
            tokens.size() == 1 ? source : fmt::format("{}: blob {}", source, i + 1));
      }
      blobs.push_back(*std::move(blob));
    }
  }
  ORCH_ASSIGN_OR_RETURN(std::vector<kzg::FieldBytes> felts, kzg::BlobsToFelts(blobs));
  if (options.trim_zeros) {
    while (!felts.empty() &&
           std::ranges::all_of(felts.back(), [](std::uint8_t b) { return b == 0; })) {
      felts.pop_back();
    }
  }
  if (options.json) {
    out << "[";
    for (std::size_t i = 0; i < felts.size(); ++i) {
      out << (i == 0 ? "\"" : ", \"") << crypto::U256::FromWord(felts[i]).ToHex() << "\"";
    }
    out << "]\n";
  } else {
    for (const kzg::FieldBytes& felt : felts) {
      out << crypto::U256::FromWord(felt).ToHex() << "\n";
    }
  }
  return Ok();
}

Result<void> RunKzgCommit(const KzgOptions& options, std::istream& in, std::ostream& out) {
  ORCH_ASSIGN_OR_RETURN(const kzg::Blob blob, ReadBlob(options.blob_file, in));
  ORCH_ASSIGN_OR_RETURN(const kzg::Kzg* kzg, LoadKzg(options.trusted_setup));
  ORCH_ASSIGN_OR_RETURN(const kzg::Commitment commitment, kzg->BlobToCommitment(blob));
  out << fmt::format(R"({{"commitment": "{}", "versioned_hash": "{}"}})", commitment.ToHex(),
                     eth::ToHex(eth::VersionedHash(commitment.bytes)))
      << "\n";
  return Ok();
}

Result<void> RunKzgProof(const KzgOptions& options, std::istream& in, std::ostream& out) {
  ORCH_ASSIGN_OR_RETURN(const kzg::FieldBytes z, ParseZ(options.z));
  ORCH_ASSIGN_OR_RETURN(const kzg::Blob blob, ReadBlob(options.blob_file, in));
  ORCH_ASSIGN_OR_RETURN(const kzg::Kzg* kzg, LoadKzg(options.trusted_setup));
  ORCH_ASSIGN_OR_RETURN(const kzg::Commitment commitment, kzg->BlobToCommitment(blob));
  ORCH_ASSIGN_OR_RETURN(const kzg::EvaluationProof evaluation, kzg->ComputeKzgProof(blob, z));
  out << fmt::format(R"({{"commitment": "{}", "proof": "{}", "y": "{}"}})", commitment.ToHex(),
                     evaluation.proof.ToHex(), kzg::ToHex(evaluation.y))
      << "\n";
  return Ok();
}

void AddTrustedSetupOption(CLI::App& command, std::string& trusted_setup) {
  command
      .add_option("--trusted-setup", trusted_setup,
                  "KZG trusted setup in the c-kzg text format (default: "
                  "$ORCH_KZG_TRUSTED_SETUP, else the mainnet setup of the c-kzg package)")
      ->type_name("FILE");
}

}  // namespace

struct ToolCommand::Options {
  CLI::App* keccak = nullptr;
  CLI::App* pedersen = nullptr;
  CLI::App* poseidon = nullptr;
  CLI::App* blob_from_felts = nullptr;
  CLI::App* blob_to_felts = nullptr;
  CLI::App* kzg_commit = nullptr;
  CLI::App* kzg_proof = nullptr;

  KeccakOptions keccak_options;
  PedersenOptions pedersen_options;
  PoseidonOptions poseidon_options;
  BlobFromFeltsOptions blob_from_felts_options;
  BlobToFeltsOptions blob_to_felts_options;
  KzgOptions kzg_commit_options;
  KzgOptions kzg_proof_options;

  std::unique_ptr<StarknetTools> starknet_tools;
};

ToolCommand::ToolCommand(CLI::App& app) : options_(std::make_unique<Options>()) {
  command_ = app.add_subcommand(
      "tool",
      "Offline helpers: hashes, the felts <-> blob transform, KZG, and Starknet data formats "
      "(no database, no network)");
  command_->require_subcommand(1);
  command_->footer(
      "Results go to standard output: hex with 0x (felts without leading zeros), or one line "
      "of JSON. FILE may be - for standard input. Bad input: one `error:` line, exit code 1.");
  Options& o = *options_;

  o.keccak = command_->add_subcommand(
      "keccak",
      "Keccak-256 (Ethereum's, not SHA3-256) of bytes given by exactly one of --hex, --text, "
      "--file; prints 0x and 64 hex digits");
  o.keccak->add_option("--hex", o.keccak_options.hex, "Input: bytes in hex (0x optional)")
      ->type_name("HEX");
  o.keccak->add_option("--text", o.keccak_options.text, "Input: the bytes of STRING")
      ->type_name("STRING");
  o.keccak->add_option("--file", o.keccak_options.file, "Input: the raw bytes of FILE (- stdin)")
      ->type_name("FILE");
  o.keccak->add_flag("--starknet", o.keccak_options.starknet,
                     "Print starknet_keccak instead: the hash's low 250 bits as a felt (entry "
                     "point selectors: --text transfer)");

  o.pedersen = command_->add_subcommand(
      "pedersen",
      "Starknet Pedersen hash of two felts A B, or with --on-elements compute_hash_on_elements "
      "of any number of felts (h = H(...H(H(0, x1), x2)..., n))");
  o.pedersen->add_option("felts", o.pedersen_options.felts, "Felts: hex with 0x or decimal")
      ->type_name("FELT");
  o.pedersen->add_flag("--on-elements", o.pedersen_options.on_elements,
                       "Hash the list of felts (PedersenHashOnElements) instead of a pair");

  o.poseidon = command_->add_subcommand(
      "poseidon",
      "Starknet Poseidon hash. Default: poseidon_hash_many of the felts (Cairo's "
      "poseidon_hash_span, padded with 1; also for one felt or none). --pair A B: "
      "poseidon_hash(A, B). --single X: poseidon_hash_single(X)");
  o.poseidon->add_option("felts", o.poseidon_options.felts, "Felts: hex with 0x or decimal")
      ->type_name("FELT");
  o.poseidon->add_flag("--pair", o.poseidon_options.pair,
                       "Hash exactly two felts with poseidon_hash (permute([A, B, 2])[0])");
  o.poseidon->add_flag("--single", o.poseidon_options.single,
                       "Hash exactly one felt with poseidon_hash_single (permute([X, 0, 1])[0])");

  o.blob_from_felts = command_->add_subcommand(
      "blob-from-felts",
      "EIP-4844 blobs of a list of felts (data-availability encoding: 4096 felts per blob as "
      "polynomial coefficients, evaluated at the roots of unity in bit-reversed order); prints "
      "one blob per line (0x and 262144 hex digits)");
  o.blob_from_felts
      ->add_option("--felts", o.blob_from_felts_options.felts_file,
                   "FILE with the felts: one per line (hex with 0x or decimal), or a JSON array "
                   "of such strings; - for stdin")
      ->type_name("FILE")
      ->required();
  o.blob_from_felts
      ->add_option(
          "--out", o.blob_from_felts_options.out_dir,
          "Write the blobs to DIR/blob-0.hex, DIR/blob-1.hex, ... (created if missing) and print "
          "their paths instead")
      ->type_name("DIR");

  o.blob_to_felts = command_->add_subcommand(
      "blob-to-felts",
      "The felts a blob encodes (inverse of blob-from-felts): 4096 per blob, one per line in hex");
  o.blob_to_felts
      ->add_option("--blob", o.blob_to_felts_options.blob_files,
                   "FILE with a blob in hex (0x optional, surrounding whitespace ignored), or "
                   "several separated by whitespace; - for stdin; repeatable")
      ->type_name("FILE")
      ->required();
  o.blob_to_felts->add_flag("--json", o.blob_to_felts_options.json,
                            "Print a JSON array of hex strings instead");
  o.blob_to_felts->add_flag("--trim-zeros", o.blob_to_felts_options.trim_zeros,
                            "Drop the zero felts at the end (the padding of the last blob; also "
                            "drops zeros that were part of the data)");

  o.kzg_commit = command_->add_subcommand(
      "kzg-commit",
      "KZG commitment of a blob and its EIP-4844 versioned hash (0x01 || sha256(commitment)[1:]); "
      R"(prints {"commitment": "0x...", "versioned_hash": "0x01..."})");
  o.kzg_commit
      ->add_option("--blob", o.kzg_commit_options.blob_file,
                   "FILE with the blob in hex (0x optional, surrounding whitespace ignored); - "
                   "for stdin")
      ->type_name("FILE")
      ->required();
  AddTrustedSetupOption(*o.kzg_commit, o.kzg_commit_options.trusted_setup);

  o.kzg_proof = command_->add_subcommand(
      "kzg-proof",
      "KZG point-evaluation proof of a blob at z, as updateStateKzgDA takes it: y = p(z), the "
      R"(proof and the commitment; prints {"commitment": "0x...", "proof": "0x...", "y": "0x..."})");
  o.kzg_proof
      ->add_option("--blob", o.kzg_proof_options.blob_file,
                   "FILE with the blob in hex (0x optional, surrounding whitespace ignored); - "
                   "for stdin")
      ->type_name("FILE")
      ->required();
  o.kzg_proof
      ->add_option("--z", o.kzg_proof_options.z,
                   "Evaluation point: hex with 0x or decimal, below the BLS12-381 modulus r")
      ->type_name("Z")
      ->required();
  AddTrustedSetupOption(*o.kzg_proof, o.kzg_proof_options.trusted_setup);

  o.starknet_tools = std::make_unique<StarknetTools>(*command_);
}

ToolCommand::~ToolCommand() = default;

bool ToolCommand::parsed() const { return command_->parsed(); }

Result<void> ToolCommand::Run(std::istream& in, std::ostream& out) const {
  const Options& o = *options_;
  if (o.keccak->parsed()) {
    return RunKeccak(o.keccak_options, *o.keccak, in, out);
  }
  if (o.pedersen->parsed()) {
    return RunPedersen(o.pedersen_options, out);
  }
  if (o.poseidon->parsed()) {
    return RunPoseidon(o.poseidon_options, out);
  }
  if (o.blob_from_felts->parsed()) {
    return RunBlobFromFelts(o.blob_from_felts_options, in, out);
  }
  if (o.blob_to_felts->parsed()) {
    return RunBlobToFelts(o.blob_to_felts_options, in, out);
  }
  if (o.kzg_commit->parsed()) {
    return RunKzgCommit(o.kzg_commit_options, in, out);
  }
  if (o.kzg_proof->parsed()) {
    return RunKzgProof(o.kzg_proof_options, in, out);
  }
  if (o.starknet_tools->parsed()) {
    return o.starknet_tools->Run(in, out);
  }
  return Error::InvalidArgument("tool: no tool given (see orchestrator tool --help)");
}

}  // namespace orch::cli
