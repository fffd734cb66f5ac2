#include "orch/starknet/synthetic_chain.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/temp_dir.h"

#include "orch/kzg/blob.h"
#include "orch/kzg/blob_transform.h"
#include "orch/starknet/da_encoder.h"
#include "orch/starknet/state_diff_decoding.h"
#include "orch/starknet/state_diff_encoding.h"
#include "orch/starknet/state_update_json.h"
#include "orch/starknet/stateful_compression.h"
#include "orch/starknet/stateless_compression.h"

namespace orch::starknet {
namespace {

using crypto::Felt;
namespace fs = std::filesystem;

constexpr Felt kFeeToken =
    Felt::FromHexLiteral("0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d");

// The arguments devnet/README.md documents for devnet/chain.
SyntheticChainOptions DevnetOptions() {
  return {
      .first_block = 1,
      .block_count = 24,
      .versions = {StarknetVersion(0, 13, 2), StarknetVersion(0, 13, 3), StarknetVersion(0, 14, 0)},
      .seed = 1};
}

std::vector<SyntheticBlock> Generate(const SyntheticChainOptions& options) {
  Result<std::vector<SyntheticBlock>> blocks = GenerateSyntheticChain(options);
  EXPECT_TRUE(blocks.ok()) << blocks.error().ToString();
  return blocks.ok() ? *std::move(blocks) : std::vector<SyntheticBlock>{};
}

// Every file under `dir` (relative path -> content).
std::map<std::string, std::string> ReadTree(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) {
      std::ifstream in(entry.path(), std::ios::binary);
      files[fs::relative(entry.path(), dir).string()] =
          std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
  }
  return files;
}

std::map<std::string, std::string> WrittenTree(const std::vector<SyntheticBlock>& blocks) {
  test_support::TempDir dir;
  const Result<void> written = WriteSyntheticChain(blocks, dir.path());
  EXPECT_TRUE(written.ok()) << written.error().ToString();
  return ReadTree(dir.path());
}

// The storage of every contract after each block, as a node answers starknet_getStorageAt.
class ReplayedStorage {
 public:
  void Apply(const StateDiff& diff) {
    for (const ContractStorageDiff& contract : diff.storage_diffs) {
      for (const StorageEntry& entry : contract.storage_entries) {
        storage_[contract.address][entry.key] = entry.value;
      }
    }
  }
  std::map<Felt, Felt> Of(const Felt& contract) const {
    const auto found = storage_.find(contract);
    return found == storage_.end() ? std::map<Felt, Felt>{} : found->second;
  }

 private:
  std::map<Felt, std::map<Felt, Felt>> storage_;
};

// A nonce table that records which contracts the encoder asked for.
class RecordingNonceSource final : public NonceSource {
 public:
  explicit RecordingNonceSource(TableNonceSource table) : table_(std::move(table)) {}
  Result<Felt> GetNonce(std::uint64_t block_number, const Felt& address) override {
    asked.insert(address);
    return table_.GetNonce(block_number, address);
  }
  std::set<Felt> asked;

 private:
  TableNonceSource table_;
};

// An alias source that must not be asked.
class NoAliasSource final : public AliasSource {
 public:
  Result<std::vector<std::optional<Felt>>> GetAliases(std::span<const Felt>) override {
    return Error::Internal("no alias source here");
  }
};

std::vector<kzg::FieldBytes> Coefficients(const std::vector<Felt>& felts) {
  std::vector<kzg::FieldBytes> coefficients;
  for (const Felt& felt : felts) {
    coefficients.push_back(felt.ToBytesBe());
  }
  return coefficients;
}

TEST(SyntheticChainTest, TheSameSeedGivesTheSameBytes) {
  const std::vector<SyntheticBlock> first = Generate(DevnetOptions());
  const std::vector<SyntheticBlock> second = Generate(DevnetOptions());
  ASSERT_EQ(first.size(), 24u);
  EXPECT_EQ(first, second);
  EXPECT_EQ(WrittenTree(first), WrittenTree(second));

  SyntheticChainOptions other = DevnetOptions();
  other.seed = 2;
  const std::vector<SyntheticBlock> reseeded = Generate(other);
  ASSERT_EQ(reseeded.size(), 24u);
  EXPECT_NE(reseeded[0].state_update, first[0].state_update);
}

TEST(SyntheticChainTest, RootsAndHashesChain) {
  const std::vector<SyntheticBlock> blocks = Generate(DevnetOptions());
  ASSERT_EQ(blocks.size(), 24u);
  std::set<Felt> hashes;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    SCOPED_TRACE(i);
    const StateUpdate& update = blocks[i].state_update;
    EXPECT_EQ(blocks[i].block_number, 1 + i);
    ASSERT_TRUE(update.block_hash && update.old_root && update.new_root);
    EXPECT_TRUE(hashes.insert(*update.block_hash).second) << "a block hash repeats";
    EXPECT_FALSE(update.new_root->IsZero());
    if (i == 0) {
      EXPECT_TRUE(update.old_root->IsZero()) << "the state before the chain is empty";
      EXPECT_FALSE(blocks[i].parent_hash.IsZero()) << "block 0 is outside the chain";
    } else {
      EXPECT_EQ(*update.old_root, *blocks[i - 1].state_update.new_root);
      EXPECT_EQ(blocks[i].parent_hash, *blocks[i - 1].state_update.block_hash);
      EXPECT_EQ(blocks[i].timestamp, blocks[i - 1].timestamp + 6);
    }
  }

  SyntheticChainOptions from_genesis = DevnetOptions();
  from_genesis.first_block = 0;
  const std::vector<SyntheticBlock> genesis = Generate(from_genesis);
  ASSERT_FALSE(genesis.empty());
  EXPECT_TRUE(genesis[0].parent_hash.IsZero());
}

TEST(SyntheticChainTest, VersionsFollowTheSchedule) {
  const std::vector<SyntheticBlock> blocks = Generate(DevnetOptions());
  ASSERT_EQ(blocks.size(), 24u);
  for (const SyntheticBlock& block : blocks) {
    const StarknetVersion expected = block.block_number <= 8    ? StarknetVersion(0, 13, 2)
                                     : block.block_number <= 16 ? StarknetVersion(0, 13, 3)
                                                                : StarknetVersion(0, 14, 0);
    EXPECT_EQ(block.starknet_version, expected) << "block " << block.block_number;
  }

  // Uneven: 10 blocks over 3 versions are 4, 3 and 3 blocks.
  const std::vector<SyntheticBlock> uneven =
      Generate({.first_block = 100,
                .block_count = 10,
                .versions = {StarknetVersion(0, 13, 1), StarknetVersion(0, 13, 5),
                             StarknetVersion(0, 14, 1)},
                .seed = 3});
  ASSERT_EQ(uneven.size(), 10u);
  std::vector<std::string> versions;
  for (const SyntheticBlock& block : uneven) {
    versions.push_back(block.starknet_version.ToString());
  }
  EXPECT_EQ(versions, (std::vector<std::string>{"0.13.1", "0.13.1", "0.13.1", "0.13.1", "0.13.5",
                                                "0.13.5", "0.13.5", "0.14.1", "0.14.1", "0.14.1"}));
}

// What the pipeline does with each block: encode with the node's nonces and the alias contract's
// storage at the block, check it fits the blob, and that it decodes (CheckDecodable of
// data_submission_handler.cc) into the records the encoding was made of.
TEST(SyntheticChainTest, EveryBlockEncodesIntoOneBlobAndDecodesBack) {
  const std::vector<SyntheticBlock> blocks = Generate(DevnetOptions());
  ASSERT_EQ(blocks.size(), 24u);
  ReplayedStorage storage;
  std::size_t most_felts = 0;
  std::size_t fewest_felts = kSyntheticBlockMaxDaFelts;
  for (const SyntheticBlock& block : blocks) {
    SCOPED_TRACE(block.block_number);
    const StateDiff& diff = block.state_update.state_diff;
    storage.Apply(diff);
    TableNonceSource nonces(block.block_number, block.nonces);
    TableAliasSource aliases(storage.Of(kAliasContractAddress));
    const Result<std::vector<Felt>> felts =
        EncodeStateDiffForDa(diff, block.starknet_version, block.block_number, nonces, aliases);
    ASSERT_TRUE(felts.ok()) << felts.error().ToString();
    most_felts = std::max(most_felts, felts->size());
    fewest_felts = std::min(fewest_felts, felts->size());

    const Result<std::vector<kzg::Blob>> blobs = kzg::FeltsToBlobs(Coefficients(*felts));
    ASSERT_TRUE(blobs.ok()) << blobs.error().ToString();
    EXPECT_EQ(blobs->size(), 1u);

    DaStateDiff expected;
    std::vector<Felt> plain = *felts;
    if (block.starknet_version < kVersion0_13_3) {
      TableNonceSource lookups(block.block_number, block.nonces);
      expected = CollectLegacyDaStateDiff(diff, block.block_number, lookups).value();
    } else {
      expected = CollectDaStateDiff(diff).value();
      if (block.starknet_version >= kVersion0_13_4) {
        expected = ApplyAliases(expected, aliases).value();
      }
      const Result<StatelessDecompression> decompressed = DecompressStatelessPrefix(*felts);
      ASSERT_TRUE(decompressed.ok()) << decompressed.error().ToString();
      EXPECT_EQ(decompressed->consumed, felts->size());
      plain = decompressed->data;
    }
    const Result<DecodedDaStateDiff> decoded = DecodeDaStateDiff(plain, block.starknet_version);
    ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
    EXPECT_EQ(decoded->consumed, plain.size());
    EXPECT_EQ(decoded->diff, expected);
  }
  // The busy blocks are larger, and none comes near a blob.
  EXPECT_GT(most_felts, 2 * fewest_felts);
  EXPECT_LT(most_felts, kSyntheticBlockMaxDaFelts / 4);
}

// nonces.json holds exactly what the <= 0.13.2 encoding asks the node, with the right values.
TEST(SyntheticChainTest, NoncesAreTheLegacyLookupsAfterTheBlock) {
  const std::vector<SyntheticBlock> blocks = Generate(DevnetOptions());
  ASSERT_EQ(blocks.size(), 24u);
  std::map<Felt, Felt> nonce_after;
  std::size_t lookups = 0;
  for (const SyntheticBlock& block : blocks) {
    SCOPED_TRACE(block.block_number);
    for (const NonceUpdate& update : block.state_update.state_diff.nonces) {
      nonce_after[update.contract_address] = update.nonce;
    }
    // Every block as if it were 0.13.2, whatever its version.
    RecordingNonceSource nonces(TableNonceSource(block.block_number, block.nonces));
    const Result<std::vector<Felt>> felts =
        EncodeLegacyStateDiff(block.state_update.state_diff, block.block_number, nonces);
    ASSERT_TRUE(felts.ok()) << felts.error().ToString();
    std::set<Felt> table;
    for (const auto& [address, nonce] : block.nonces) {
      table.insert(address);
      const auto known = nonce_after.find(address);
      EXPECT_EQ(nonce, known == nonce_after.end() ? Felt() : known->second) << address.ToHex();
    }
    EXPECT_EQ(nonces.asked, table);
    lookups += table.size();
  }
  EXPECT_GT(lookups, blocks.size()) << "the legacy blocks should need lookups";
}

// From 0.13.4 the block allocates, in 0x2, an alias for every address and key the OS compresses,
// and the encoding uses them.
TEST(SyntheticChainTest, StatefulBlocksAllocateTheAliasesTheyUse) {
  const std::vector<SyntheticBlock> blocks = Generate(DevnetOptions());
  ASSERT_EQ(blocks.size(), 24u);
  ReplayedStorage storage;
  Felt next_alias = Felt::FromUint64(128);
  for (const SyntheticBlock& block : blocks) {
    SCOPED_TRACE(block.block_number);
    const StateDiff& diff = block.state_update.state_diff;
    const bool stateful = block.starknet_version >= kVersion0_13_4;
    std::map<Felt, Felt> allocated;
    for (const ContractStorageDiff& contract : diff.storage_diffs) {
      if (contract.address == kAliasContractAddress) {
        EXPECT_TRUE(stateful) << "0x2 is written before 0.13.4";
        for (const StorageEntry& entry : contract.storage_entries) {
          allocated.emplace(entry.key, entry.value);
        }
      }
    }
    storage.Apply(diff);
    if (!stateful) {
      continue;
    }
    // The counter moves past the block's aliases, which are new and consecutive.
    ASSERT_TRUE(allocated.contains(Felt())) << "the counter";
    std::set<Felt> values;
    for (const auto& [key, alias] : allocated) {
      if (!key.IsZero()) {
        EXPECT_TRUE(values.insert(alias).second);
      }
    }
    for (const Felt& alias : values) {
      EXPECT_EQ(alias, next_alias);
      next_alias = next_alias + Felt::One();
    }
    EXPECT_EQ(allocated.at(Felt()), next_alias);

    // Every address and every key of a compressed contract has an alias after the block.
    const std::map<Felt, Felt> registry = storage.Of(kAliasContractAddress);
    const auto has_alias = [&](const Felt& key) {
      return key < kMinValueForAlias || registry.contains(key);
    };
    for (const ContractStorageDiff& contract : diff.storage_diffs) {
      EXPECT_TRUE(has_alias(contract.address)) << contract.address.ToHex();
      if (contract.address > Felt::FromUint64(15)) {
        for (const StorageEntry& entry : contract.storage_entries) {
          EXPECT_TRUE(has_alias(entry.key)) << entry.key.ToHex();
        }
      }
    }
    for (const NonceUpdate& nonce : diff.nonces) {
      EXPECT_TRUE(has_alias(nonce.contract_address));
    }
    for (const DeployedContract& deployed : diff.deployed_contracts) {
      EXPECT_TRUE(has_alias(deployed.address));
    }

    // The aliases change the bytes: the same diff encoded without them differs.
    TableNonceSource nonces(block.block_number, block.nonces);
    TableAliasSource aliases(registry);
    const Result<std::vector<Felt>> with_aliases =
        EncodeStateDiffForDa(diff, block.starknet_version, block.block_number, nonces, aliases);
    ASSERT_TRUE(with_aliases.ok()) << with_aliases.error().ToString();
    NoAliasSource no_aliases;
    const Result<std::vector<Felt>> without =
        EncodeStateDiffForDa(diff, kVersion0_13_3, block.block_number, nonces, no_aliases);
    ASSERT_TRUE(without.ok()) << without.error().ToString();
    EXPECT_NE(*with_aliases, *without);
  }
  EXPECT_GT(next_alias, Felt::FromUint64(128 + 20)) << "the 0.14.0 blocks allocate aliases";
}

// The content the devnet relies on: a self-contained chain with every kind of change.
TEST(SyntheticChainTest, TheChainIsSelfContainedAndVaried) {
  const std::vector<SyntheticBlock> blocks = Generate(DevnetOptions());
  ASSERT_EQ(blocks.size(), 24u);
  std::set<Felt> declared;
  std::map<Felt, Felt> class_of;
  std::set<std::pair<Felt, Felt>> written;
  std::size_t overwrites = 0;
  std::size_t replaced = 0;
  std::size_t declared_later = 0;
  for (const SyntheticBlock& block : blocks) {
    SCOPED_TRACE(block.block_number);
    const StateDiff& diff = block.state_update.state_diff;
    EXPECT_FALSE(diff.deployed_contracts.empty());
    if (block.block_number > 1) {
      EXPECT_FALSE(diff.nonces.empty());
      declared_later += diff.declared_classes.size();
    }
    for (const DeclaredClass& declaration : diff.declared_classes) {
      EXPECT_TRUE(declared.insert(declaration.class_hash).second);
    }
    for (const DeployedContract& deployed : diff.deployed_contracts) {
      EXPECT_TRUE(declared.contains(deployed.class_hash));
      EXPECT_TRUE(class_of.emplace(deployed.address, deployed.class_hash).second);
    }
    for (const ReplacedClass& replacement : diff.replaced_classes) {
      EXPECT_TRUE(declared.contains(replacement.class_hash));
      ASSERT_TRUE(class_of.contains(replacement.contract_address));
      EXPECT_NE(class_of[replacement.contract_address], replacement.class_hash);
      class_of[replacement.contract_address] = replacement.class_hash;
      ++replaced;
    }
    for (const NonceUpdate& nonce : diff.nonces) {
      EXPECT_TRUE(class_of.contains(nonce.contract_address)) << "only accounts send";
    }
    bool writes_block_hash = false;
    for (const ContractStorageDiff& contract : diff.storage_diffs) {
      if (contract.address == Felt::FromUint64(1)) {
        writes_block_hash = true;
        ASSERT_EQ(contract.storage_entries.size(), 1u);
        const StorageEntry& entry = contract.storage_entries[0];
        EXPECT_EQ(entry.key, Felt::FromUint64(block.block_number - 10));
        EXPECT_EQ(entry.value, *blocks[block.block_number - 11].state_update.block_hash);
        continue;
      }
      if (contract.address == kAliasContractAddress) {
        continue;
      }
      EXPECT_TRUE(class_of.contains(contract.address)) << contract.address.ToHex();
      for (const StorageEntry& entry : contract.storage_entries) {
        const bool again = !written.insert({contract.address, entry.key}).second;
        overwrites += again && contract.address != kFeeToken ? 1 : 0;
      }
    }
    EXPECT_EQ(writes_block_hash, block.block_number >= 11);
  }
  EXPECT_GT(overwrites, 10u) << "applications' existing slots get new values";
  EXPECT_GE(replaced, 3u);
  EXPECT_GE(declared_later, 5u);
}

TEST(SyntheticChainTest, BadOptionsAreRefused) {
  const auto error_of = [](const SyntheticChainOptions& options) {
    const Result<std::vector<SyntheticBlock>> blocks = GenerateSyntheticChain(options);
    EXPECT_FALSE(blocks.ok());
    return blocks.ok() ? std::string() : blocks.error().ToString();
  };
  SyntheticChainOptions options = DevnetOptions();
  options.block_count = 0;
  EXPECT_NE(error_of(options).find("1 to 100000 blocks, not 0"), std::string::npos);
  options.block_count = kMaxSyntheticChainBlocks + 1;
  EXPECT_NE(error_of(options).find("not 100001"), std::string::npos);
  options = DevnetOptions();
  options.block_count = 2;
  EXPECT_NE(error_of(options).find("3 Starknet versions for 2 blocks"), std::string::npos);
  options = DevnetOptions();
  options.versions = {StarknetVersion(0, 14, 0), StarknetVersion(0, 13, 3)};
  EXPECT_NE(error_of(options).find("0.13.3 comes after 0.14.0"), std::string::npos);
  options = DevnetOptions();
  options.versions = {StarknetVersion(0, 99, 0)};
  EXPECT_NE(error_of(options).find("newer than the newest known version"), std::string::npos);
  options = DevnetOptions();
  options.first_block = UINT64_MAX;
  EXPECT_NE(error_of(options).find("2^64 - 1"), std::string::npos);
  options.block_count = 1;
  options.versions = {kVersion0_13_3};
  EXPECT_TRUE(GenerateSyntheticChain(options).ok());
}

TEST(SyntheticChainTest, WrittenFilesReadBackAndTheDirectoryMustBeEmpty) {
  const std::vector<SyntheticBlock> blocks =
      Generate({.first_block = 7, .block_count = 3, .versions = {kVersion0_13_4}, .seed = 5});
  ASSERT_EQ(blocks.size(), 3u);
  test_support::TempDir dir;
  const fs::path chain = fs::path(dir.path()) / "nested" / "chain";
  ASSERT_TRUE(WriteSyntheticChain(blocks, chain).ok());
  for (const SyntheticBlock& block : blocks) {
    const fs::path folder = chain / std::to_string(block.block_number);
    const auto read = [&](const char* name) {
      std::ifstream in(folder / name, std::ios::binary);
      return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    };
    const Result<StateUpdate> update = ParseStateUpdateJson(read("state_update.json"));
    ASSERT_TRUE(update.ok()) << update.error().ToString();
    EXPECT_EQ(*update, block.state_update);
    const Result<TableNonceSource> nonces =
        TableNonceSource::FromJson(block.block_number, read("nonces.json"));
    ASSERT_TRUE(nonces.ok()) << nonces.error().ToString();
    EXPECT_EQ(nonces->nonces(), block.nonces);
    const nlohmann::json header = nlohmann::json::parse(read("block.json"));
    EXPECT_EQ(header, (nlohmann::json{{"starknet_version", "0.13.4"},
                                      {"block_hash", block.state_update.block_hash->ToHex()},
                                      {"parent_hash", block.parent_hash.ToHex()},
                                      {"timestamp", block.timestamp}}));
  }

  const Result<void> again = WriteSyntheticChain(blocks, chain);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(again.error().message().find("not empty"), std::string::npos);
  const Result<void> onto_file = WriteSyntheticChain(blocks, chain / "7" / "block.json");
  ASSERT_FALSE(onto_file.ok());
  EXPECT_EQ(onto_file.error().code(), ErrorCode::kFailedPrecondition);
}

// devnet/chain in the source tree is what `orchestrator tool make-chain` writes with the
// arguments of devnet/README.md; regenerate it when the generator changes on purpose.
TEST(SyntheticChainTest, TheCommittedDevnetChainIsTheGeneratorsOutput) {
  const fs::path committed = fs::path(ORCH_SOURCE_DIR) / "devnet" / "chain";
  ASSERT_TRUE(fs::is_directory(committed)) << committed;
  const std::map<std::string, std::string> expected = WrittenTree(Generate(DevnetOptions()));
  ASSERT_EQ(expected.size(), 72u);
  const std::map<std::string, std::string> actual = ReadTree(committed);
  EXPECT_EQ(actual.size(), expected.size());
  for (const auto& [path, content] : expected) {
    const auto found = actual.find(path);
    ASSERT_NE(found, actual.end()) << path << " is missing from " << committed;
    EXPECT_EQ(found->second, content)
        << path << " differs; regenerate devnet/chain as devnet/README.md says";
  }
}

}  // namespace
}  // namespace orch::starknet
