#include "orch/cli/starknet_tools.h"

#include <CLI/CLI.hpp>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "orch/cairo/cairo_pie.h"
#include "orch/cairo/fact.h"
#include "orch/cairo/layout.h"
#include "orch/cli/tool_input.h"
#include "orch/common/strings.h"
#include "orch/eth/bytes.h"
#include "orch/kzg/blob_transform.h"
#include "orch/starknet/da_encoder.h"
#include "orch/starknet/os_output.h"
#include "orch/starknet/program_output_file.h"
#include "orch/starknet/state_update_json.h"
#include "orch/starknet/synthetic_chain.h"

namespace orch::cli {
namespace {

using crypto::Felt;
using nlohmann::json;

struct DaEncodeOptions {
  std::string state_update_file;
  std::string nonces_file;
  std::string aliases_file;
  std::string starknet_version;
  std::uint64_t block_number = 0;
  bool blobs = false;
};

struct ProgramOutputOptions {
  std::string file;
};

struct PieInfoOptions {
  std::string pie_file;
};

struct MakeChainOptions {
  std::string out_dir;
  std::uint64_t first_block = 0;
  std::uint64_t blocks = 0;
  std::string versions = "0.13.2,0.13.3,0.14.0";
  std::uint64_t seed = 0;
};

json HexArray(std::span<const Felt> felts) {
  json array = json::array();
  for (const Felt& felt : felts) {
    array.push_back(felt.ToHex());
  }
  return array;
}

json ToJson(const starknet::OsOutput& output) {
  json result;
  result["layout"] = starknet::ToString(output.layout);
  result["prev_state_root"] = output.prev_state_root.ToHex();
  result["new_state_root"] = output.new_state_root.ToHex();
  if (output.prev_block_number) {
    result["prev_block_number"] = output.prev_block_number->ToHex();
  }
  result["new_block_number"] = output.new_block_number.ToHex();
  if (output.prev_block_hash) {
    result["prev_block_hash"] = output.prev_block_hash->ToHex();
  }
  result["new_block_hash"] = output.new_block_hash.ToHex();
  if (output.os_program_hash) {
    result["os_program_hash"] = output.os_program_hash->ToHex();
  }
  result["config_hash"] = output.config_hash.ToHex();
  result["use_kzg_da"] = output.use_kzg_da;
  if (output.full_output) {
    result["full_output"] = *output.full_output;
  }
  if (output.kzg) {
    json commitments = json::array();
    for (const starknet::KzgCommitment& commitment : output.kzg->commitments) {
      commitments.push_back(eth::ToHex(commitment));
    }
    json y = json::array();
    for (const crypto::U256& value : output.kzg->y) {
      y.push_back(value.ToPaddedHex());
    }
    result["kzg"] = {{"z", output.kzg->z.ToHex()},
                     {"n_blobs", output.kzg->commitments.size()},
                     {"commitments", std::move(commitments)},
                     {"y", std::move(y)}};
  }
  json to_l1 = json::array();
  for (const starknet::MessageToL1& message : output.messages_to_l1) {
    to_l1.push_back({{"from_address", message.from_address.ToHex()},
                     {"to_address", message.to_address.ToHex()},
                     {"payload", HexArray(message.payload)}});
  }
  result["messages_to_l1"] = std::move(to_l1);
  json to_l2 = json::array();
  for (const starknet::MessageToL2& message : output.messages_to_l2) {
    to_l2.push_back({{"from_address", message.from_address.ToHex()},
                     {"to_address", message.to_address.ToHex()},
                     {"nonce", message.nonce.ToHex()},
                     {"selector", message.selector.ToHex()},
                     {"payload", HexArray(message.payload)}});
  }
  result["messages_to_l2"] = std::move(to_l2);
  if (output.full_state_diff) {
    json contracts = json::array();
    for (const starknet::FullContractChange& contract : output.full_state_diff->contracts) {
      json storage = json::array();
      for (const starknet::FullStorageChange& change : contract.storage) {
        storage.push_back({{"key", change.key.ToHex()},
                           {"prev_value", change.prev_value.ToHex()},
                           {"new_value", change.new_value.ToHex()}});
      }
      contracts.push_back({{"address", contract.address.ToHex()},
                           {"prev_nonce", contract.prev_nonce.ToHex()},
                           {"new_nonce", contract.new_nonce.ToHex()},
                           {"prev_class_hash", contract.prev_class_hash.ToHex()},
                           {"new_class_hash", contract.new_class_hash.ToHex()},
                           {"storage", std::move(storage)}});
    }
    json classes = json::array();
    for (const starknet::FullClassChange& change : output.full_state_diff->classes) {
      classes.push_back({{"class_hash", change.class_hash.ToHex()},
                         {"prev_compiled_class_hash", change.prev_compiled_class_hash.ToHex()},
                         {"new_compiled_class_hash", change.new_compiled_class_hash.ToHex()}});
    }
    result["state_diff"] = {{"contracts", std::move(contracts)}, {"classes", std::move(classes)}};
  }
  if (!output.da_words.empty()) {
    result["da_words"] = HexArray(output.da_words);
  }
  return result;
}

Result<void> RunProgramOutput(const ProgramOutputOptions& options, std::istream& in,
                              std::ostream& out) {
  ORCH_ASSIGN_OR_RETURN(const std::string content, ReadToolInput("--file", options.file, in));
  const starknet::ProgramOutputFormat format = starknet::DetectProgramOutputFormat(content);
  Result<std::vector<Felt>> words = starknet::ParseProgramOutput(content, format);
  if (!words.ok()) {
    return words.error().WithContext(
        fmt::format("--file {} (read as {})", options.file, starknet::ToString(format)));
  }
  Result<starknet::OsOutput> output = starknet::ParseOsOutput(*words);
  if (!output.ok()) {
    return output.error().WithContext(fmt::format("--file {}", options.file));
  }
  out << ToJson(*output).dump() << "\n";
  return Ok();
}

// Without --nonces nothing is known: the error says what to pass.
class NoNonceSource final : public starknet::NonceSource {
 public:
  Result<Felt> GetNonce(std::uint64_t, const Felt& address) override {
    return Error::NotFound(
        "contract {} has storage writes but no nonce in the state diff: pass --nonces FILE "
        "with the node's answers (starknet_getNonce)",
        address.ToHex());
  }
};

Result<std::map<Felt, Felt>> ParseAliases(std::string_view content, std::string_view file) {
  const json object = json::parse(content, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded() || !object.is_object()) {
    return Error::InvalidArgument(
        "--aliases {}: expected a JSON object mapping \"0x<key>\" to \"0x<alias>\"", file);
  }
  std::map<Felt, Felt> aliases;
  for (const auto& [key_text, alias_json] : object.items()) {
    Result<Felt> key = Felt::Parse(key_text);
    if (!key.ok() || !alias_json.is_string()) {
      return Error::InvalidArgument(
          "--aliases {}: entry \"{}\": expected \"0x<key>\": \"0x<alias>\"", file, key_text);
    }
    Result<Felt> alias = Felt::Parse(alias_json.get<std::string>());
    if (!alias.ok()) {
      return Error::InvalidArgument("--aliases {}: entry \"{}\": {}", file, key_text,
                                    alias.error().message());
    }
    aliases.emplace(*key, *alias);
  }
  return aliases;
}

Result<void> RunDaEncode(const DaEncodeOptions& options, std::istream& in, std::ostream& out) {
  Result<starknet::StarknetVersion> version =
      starknet::StarknetVersion::Parse(options.starknet_version);
  if (!version.ok()) {
    return version.error().WithContext("--starknet-version");
  }
  ORCH_ASSIGN_OR_RETURN(const std::string update_text,
                        ReadToolInput("--state-update", options.state_update_file, in));
  Result<starknet::StateUpdate> update = starknet::ParseStateUpdateJson(update_text);
  if (!update.ok()) {
    return update.error().WithContext(fmt::format("--state-update {}", options.state_update_file));
  }
  std::unique_ptr<starknet::NonceSource> nonces = std::make_unique<NoNonceSource>();
  if (!options.nonces_file.empty()) {
    ORCH_ASSIGN_OR_RETURN(const std::string nonce_text,
                          ReadToolInput("--nonces", options.nonces_file, in));
    Result<starknet::TableNonceSource> table =
        starknet::TableNonceSource::FromJson(options.block_number, nonce_text);
    if (!table.ok()) {
      return table.error().WithContext(fmt::format("--nonces {}", options.nonces_file));
    }
    nonces = std::make_unique<starknet::TableNonceSource>(std::move(table).value());
  }
  std::map<Felt, Felt> alias_table;
  if (!options.aliases_file.empty()) {
    ORCH_ASSIGN_OR_RETURN(const std::string alias_text,
                          ReadToolInput("--aliases", options.aliases_file, in));
    ORCH_ASSIGN_OR_RETURN(alias_table, ParseAliases(alias_text, options.aliases_file));
  }
  starknet::TableAliasSource aliases(std::move(alias_table));
  ORCH_ASSIGN_OR_RETURN(const std::vector<Felt> felts,
                        starknet::EncodeStateDiffForDa(update->state_diff, *version,
                                                       options.block_number, *nonces, aliases));
  if (!options.blobs) {
    out << json{{"felts", HexArray(felts)}}.dump() << "\n";
    return Ok();
  }
  std::vector<kzg::FieldBytes> coefficients;
  coefficients.reserve(felts.size());
  for (const Felt& felt : felts) {
    coefficients.push_back(felt.ToBytesBe());
  }
  ORCH_ASSIGN_OR_RETURN(const std::vector<kzg::Blob> blobs, kzg::FeltsToBlobs(coefficients));
  json hex_blobs = json::array();
  for (const kzg::Blob& blob : blobs) {
    hex_blobs.push_back(blob.ToHex().substr(2));
  }
  out << json{{"blobs", std::move(hex_blobs)}}.dump() << "\n";
  return Ok();
}

Result<void> RunPieInfo(const PieInfoOptions& options, std::istream& in, std::ostream& out) {
  ORCH_ASSIGN_OR_RETURN(const std::string bytes, ReadToolInput("--pie", options.pie_file, in));
  Result<cairo::CairoPie> pie = cairo::CairoPie::ReadBytes(
      std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  if (!pie.ok()) {
    return pie.error().WithContext(fmt::format("--pie {}", options.pie_file));
  }
  Result<cairo::FactInfo> fact = cairo::ComputeFactInfo(*pie);
  if (!fact.ok()) {
    return fact.error().WithContext(fmt::format("--pie {}", options.pie_file));
  }
  Result<std::string_view> layout = cairo::SmallestLayoutFor(pie->metadata().program.builtins);
  if (!layout.ok()) {
    return layout.error().WithContext(fmt::format("--pie {}", options.pie_file));
  }
  out << json{{"program_hash", fact->program_hash.ToHex()},
              {"fact", "0x" + fact->fact.ToPaddedHex().substr(2)},
              {"n_steps", pie->execution_resources().n_steps},
              {"layout", *layout},
              {"output", HexArray(fact->program_output)}}
             .dump()
      << "\n";
  return Ok();
}

Result<std::vector<starknet::StarknetVersion>> ParseVersionList(std::string_view text) {
  std::vector<starknet::StarknetVersion> versions;
  for (const std::string_view part : SplitString(text, ',')) {
    Result<starknet::StarknetVersion> version =
        starknet::StarknetVersion::Parse(TrimWhitespace(part));
    if (!version.ok()) {
      return version.error().WithContext(fmt::format("--versions '{}'", part));
    }
    versions.push_back(*version);
  }
  return versions;
}

Result<void> RunMakeChain(const MakeChainOptions& options, std::ostream& out) {
  if (options.out_dir.empty()) {
    return Error::InvalidArgument("--out: empty, expected a directory");
  }
  ORCH_ASSIGN_OR_RETURN(std::vector<starknet::StarknetVersion> versions,
                        ParseVersionList(options.versions));
  Result<std::vector<starknet::SyntheticBlock>> blocks =
      starknet::GenerateSyntheticChain({.first_block = options.first_block,
                                        .block_count = options.blocks,
                                        .versions = std::move(versions),
                                        .seed = options.seed});
  if (!blocks.ok()) {
    return blocks.error().WithContext("make-chain");
  }
  if (Result<void> written = starknet::WriteSyntheticChain(*blocks, options.out_dir);
      !written.ok()) {
    return written.error().WithContext("--out");
  }
  out << json{{"out", options.out_dir},
              {"first_block", blocks->front().block_number},
              {"last_block", blocks->back().block_number}}
             .dump()
      << "\n";
  return Ok();
}

}  // namespace

struct StarknetTools::Options {
  CLI::App* da_encode = nullptr;
  CLI::App* program_output = nullptr;
  CLI::App* pie_info = nullptr;
  CLI::App* make_chain = nullptr;

  DaEncodeOptions da_encode_options;
  ProgramOutputOptions program_output_options;
  PieInfoOptions pie_info_options;
  MakeChainOptions make_chain_options;
};

StarknetTools::StarknetTools(CLI::App& tool_command) : options_(std::make_unique<Options>()) {
  Options& o = *options_;
  o.da_encode = tool_command.add_subcommand(
      "da-encode",
      "The data-availability felts a Starknet OS of the given version publishes for a state "
      "update: <= 0.13.2 the uncompressed per-block encoding, 0.13.3 the new DA words and the "
      "stateless compression, >= 0.13.4 also the aliases of contract 0x2; prints "
      R"({"felts": ["0x..."]}, or with --blobs {"blobs": ["<262144 hex digits>"]})");
  o.da_encode
      ->add_option("--state-update", o.da_encode_options.state_update_file,
                   "FILE with the starknet_getStateUpdate result (with or without the JSON-RPC "
                   "envelope); - for stdin")
      ->type_name("FILE")
      ->required();
  o.da_encode
      ->add_option("--nonces", o.da_encode_options.nonces_file,
                   "FILE with the node's starknet_getNonce answers for contracts that wrote "
                   R"(storage without a nonce change (<= 0.13.2): [{"address": "<decimal>", )"
                   R"("nonce": "<hex without 0x>"}, ...])")
      ->type_name("FILE");
  o.da_encode
      ->add_option("--aliases", o.da_encode_options.aliases_file,
                   "FILE with the aliases of contract 0x2 that the state update does not "
                   "allocate itself (>= 0.13.4): "
                   R"({"0x<key>": "0x<alias>", ...})")
      ->type_name("FILE");
  o.da_encode
      ->add_option("--starknet-version", o.da_encode_options.starknet_version,
                   "Starknet version of the block, e.g. 0.13.2 (picks the encoding; an unknown "
                   "version is an error)")
      ->type_name("V")
      ->required();
  o.da_encode
      ->add_option("--block", o.da_encode_options.block_number,
                   "Block number the --nonces answers belong to (default 0)")
      ->type_name("N");
  o.da_encode->add_flag("--blobs", o.da_encode_options.blobs,
                        "Print the EIP-4844 blobs of the felts instead of the felts");

  o.program_output = tool_command.add_subcommand(
      "program-output",
      "The fields of a Starknet OS output (10-word header of 0.13.2+, or the legacy 0.13.1 "
      "layout): roots, block numbers and hashes, config hash, DA flags, KZG segment, messages, "
      "and the state diff when the output carries it; prints one line of JSON, felts as 0x-hex");
  o.program_output
      ->add_option("--file", o.program_output_options.file,
                   "FILE with the output: program_output.txt (bincode), snos_output.json (JSON "
                   "array of hex strings) or one decimal felt per line; - for stdin")
      ->type_name("FILE")
      ->required();

  o.pie_info = tool_command.add_subcommand(
      "pie-info",
      "Program hash, fact (keccak of program hash and output Merkle root), step count, the "
      "smallest standard layout with the program's builtins (PIEs do not record theirs) and "
      "the output of a Cairo PIE zip; prints one line of JSON");
  o.pie_info
      ->add_option("--pie", o.pie_info_options.pie_file, "FILE with the cairo_pie.zip; - for stdin")
      ->type_name("FILE")
      ->required();

  o.make_chain = tool_command.add_subcommand(
      "make-chain",
      "Writes a synthetic Starknet chain (made up from a seed, not a real chain's blocks) for the "
      "devnet's Madara stand-in and the tests: a folder per block with state_update.json, "
      "nonces.json and block.json; the same arguments give the same bytes. Prints "
      R"({"out": DIR, "first_block": N, "last_block": M})");
  o.make_chain
      ->add_option("--out", o.make_chain_options.out_dir,
                   "DIR to write the block folders into: created if missing, refused if not empty")
      ->type_name("DIR")
      ->required();
  o.make_chain
      ->add_option("--first-block", o.make_chain_options.first_block,
                   "Number of the first block (the state before it is empty)")
      ->type_name("N")
      ->required();
  o.make_chain
      ->add_option("--blocks", o.make_chain_options.blocks,
                   fmt::format("Number of blocks, 1 to {}", starknet::kMaxSyntheticChainBlocks))
      ->type_name("K")
      ->required();
  o.make_chain
      ->add_option("--versions", o.make_chain_options.versions,
                   "Starknet versions, comma-separated, oldest first, spread evenly over the "
                   "blocks in order (default 0.13.2,0.13.3,0.14.0: the three DA encodings)")
      ->type_name("V,...");
  o.make_chain
      ->add_option("--seed", o.make_chain_options.seed,
                   "Seed of the pseudo-random content, roots and hashes (default 0)")
      ->type_name("S");
}

StarknetTools::~StarknetTools() = default;

bool StarknetTools::parsed() const {
  return options_->da_encode->parsed() || options_->program_output->parsed() ||
         options_->pie_info->parsed() || options_->make_chain->parsed();
}

Result<void> StarknetTools::Run(std::istream& in, std::ostream& out) const {
  const Options& o = *options_;
  if (o.da_encode->parsed()) {
    return RunDaEncode(o.da_encode_options, in, out);
  }
  if (o.program_output->parsed()) {
    return RunProgramOutput(o.program_output_options, in, out);
  }
  if (o.pie_info->parsed()) {
    return RunPieInfo(o.pie_info_options, in, out);
  }
  if (o.make_chain->parsed()) {
    return RunMakeChain(o.make_chain_options, out);
  }
  return Error::InvalidArgument("tool: no Starknet tool given (see orchestrator tool --help)");
}

}  // namespace orch::cli
