#include "orch/starknet/state_update.h"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/testdata.h"

#include "orch/starknet/state_update_json.h"

namespace orch::starknet {
namespace {

using crypto::Felt;
using nlohmann::json;
using orch::test_support::ReadTestdata;

// The field modulus P: one more than the largest felt.
constexpr const char* kModulusHex =
    "0x800000000000011000000000000000000000000000000000000000000000001";

json ReadJson(const std::string& relative) {
  const Result<std::string> text = ReadTestdata(relative);
  EXPECT_TRUE(text.ok()) << text.error().ToString();
  return text.ok() ? json::parse(*text) : json();
}

Felt F(std::uint64_t value) { return Felt::FromUint64(value); }

TEST(StateUpdateJsonTest, ParsesTheMainnetUpdates) {
  for (const char* block : {"178", "631861", "638353", "640641"}) {
    SCOPED_TRACE(block);
    const json expected = ReadJson(fmt::format("da/state_update/{}.json", block));
    const Result<StateUpdate> update = StateUpdateFromJson(expected);
    ASSERT_TRUE(update.ok()) << update.error().ToString();

    const json& diff = expected["state_diff"];
    ASSERT_TRUE(update->block_hash.has_value());
    EXPECT_EQ(update->block_hash->ToHex(), expected["block_hash"]);
    EXPECT_EQ(update->old_root->ToHex(), expected["old_root"]);
    EXPECT_EQ(update->new_root->ToHex(), expected["new_root"]);
    EXPECT_EQ(update->state_diff.storage_diffs.size(), diff["storage_diffs"].size());
    EXPECT_EQ(update->state_diff.nonces.size(), diff["nonces"].size());
    EXPECT_EQ(update->state_diff.deployed_contracts.size(), diff["deployed_contracts"].size());
    EXPECT_EQ(update->state_diff.replaced_classes.size(), diff["replaced_classes"].size());
    EXPECT_EQ(update->state_diff.declared_classes.size(), diff["declared_classes"].size());
    EXPECT_TRUE(update->state_diff.migrated_compiled_classes.empty());

    // The serialised form is the node's answer again (same names, same hex form, same order).
    EXPECT_EQ(StateUpdateToJson(*update), expected);
  }
}

TEST(StateUpdateJsonTest, ReadsEveryField) {
  const Result<StateUpdate> update = ParseStateUpdateJson(R"({
    "block_hash": "0x1", "old_root": "0x2", "new_root": "0x3",
    "state_diff": {
      "storage_diffs": [{"address": "0x10", "storage_entries": [{"key": "0x11", "value": "0x12"}]}],
      "nonces": [{"contract_address": "0x20", "nonce": "0x21"}],
      "deployed_contracts": [{"address": "0x30", "class_hash": "0x31"}],
      "replaced_classes": [{"contract_address": "0x40", "class_hash": "0x41"}],
      "declared_classes": [{"class_hash": "0x50", "compiled_class_hash": "0x51"}],
      "deprecated_declared_classes": ["0x60"],
      "migrated_compiled_classes": [{"class_hash": "0x70", "compiled_class_hash": "0x71"}]
    }})");
  ASSERT_TRUE(update.ok()) << update.error().ToString();
  const StateUpdate expected{.block_hash = F(1),
                             .old_root = F(2),
                             .new_root = F(3),
                             .state_diff = {.storage_diffs = {{F(0x10), {{F(0x11), F(0x12)}}}},
                                            .nonces = {{F(0x20), F(0x21)}},
                                            .deployed_contracts = {{F(0x30), F(0x31)}},
                                            .replaced_classes = {{F(0x40), F(0x41)}},
                                            .declared_classes = {{F(0x50), F(0x51)}},
                                            .deprecated_declared_classes = {F(0x60)},
                                            .migrated_compiled_classes = {{F(0x70), F(0x71)}}}};
  EXPECT_EQ(*update, expected);
}

TEST(StateUpdateJsonTest, RoundTripsThroughText) {
  const StateUpdate update{
      .block_hash = Felt::Max(),
      .old_root = F(0),
      .new_root = F(3),
      .state_diff = {.storage_diffs = {{F(9), {{F(2), F(0)}, {F(1), Felt::Max()}}}, {F(1), {}}},
                     .nonces = {{F(0x20), F(0x21)}},
                     .deployed_contracts = {{F(0x30), F(0x31)}},
                     .replaced_classes = {{F(0x40), F(0x41)}},
                     .declared_classes = {{F(0x50), F(0x51)}},
                     .deprecated_declared_classes = {F(0x61), F(0x60)},
                     .migrated_compiled_classes = {{F(0x70), F(0x71)}}}};
  const std::string text = StateUpdateToJsonText(update);
  const Result<StateUpdate> parsed = ParseStateUpdateJson(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString() << "\n" << text;
  EXPECT_EQ(*parsed, update);
}

TEST(StateUpdateJsonTest, PendingUpdatesHaveNoBlockHashOrNewRoot) {
  const Result<StateUpdate> update = ParseStateUpdateJson(R"({"old_root": "0x5", "state_diff": {
      "storage_diffs": [], "nonces": [], "deployed_contracts": [], "replaced_classes": [],
      "declared_classes": [], "deprecated_declared_classes": []}})");
  ASSERT_TRUE(update.ok()) << update.error().ToString();
  EXPECT_FALSE(update->block_hash.has_value());
  EXPECT_FALSE(update->new_root.has_value());
  EXPECT_EQ(update->old_root, F(5));

  const json serialised = StateUpdateToJson(*update);
  EXPECT_FALSE(serialised.contains("block_hash"));
  EXPECT_FALSE(serialised.contains("new_root"));
  EXPECT_FALSE(serialised["state_diff"].contains("migrated_compiled_classes"));
  EXPECT_EQ(serialised["old_root"], "0x5");
}

TEST(StateUpdateJsonTest, AcceptsTheJsonRpcEnvelopeAndABareStateDiff) {
  const json result = ReadJson("da/state_update/178.json");
  const StateUpdate expected = *StateUpdateFromJson(result);

  const json envelope = {{"jsonrpc", "2.0"}, {"id", 1}, {"result", result}};
  const Result<StateUpdate> from_envelope = ParseStateUpdateJson(envelope.dump());
  ASSERT_TRUE(from_envelope.ok()) << from_envelope.error().ToString();
  EXPECT_EQ(*from_envelope, expected);

  const Result<StateUpdate> bare = StateUpdateFromJson(result["state_diff"]);
  ASSERT_TRUE(bare.ok()) << bare.error().ToString();
  EXPECT_EQ(bare->state_diff, expected.state_diff);
  EXPECT_FALSE(bare->block_hash.has_value());
}

TEST(StateUpdateJsonTest, AcceptsEitherSpellingOfTheContractAddress) {
  json result = ReadJson("da/state_update/178.json");
  const StateUpdate expected = *StateUpdateFromJson(result);
  json& nonce = result["state_diff"]["nonces"][0];
  nonce["address"] = nonce["contract_address"];
  nonce.erase("contract_address");
  json& deployed = result["state_diff"]["deployed_contracts"][0];
  deployed["contract_address"] = deployed["address"];
  deployed.erase("address");

  const Result<StateUpdate> update = StateUpdateFromJson(result);
  ASSERT_TRUE(update.ok()) << update.error().ToString();
  EXPECT_EQ(*update, expected);
}

TEST(StateUpdateJsonTest, RejectsAJsonRpcError) {
  const Result<StateUpdate> update = ParseStateUpdateJson(
      R"({"jsonrpc": "2.0", "id": 1, "error": {"code": 24, "message": "Block not found"}})");
  ASSERT_FALSE(update.ok());
  EXPECT_EQ(update.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(update.error().message().find("Block not found"), std::string::npos);
}

TEST(StateUpdateJsonTest, RejectsText) {
  const Result<StateUpdate> update = ParseStateUpdateJson("{\"block_hash\": ");
  ASSERT_FALSE(update.ok());
  EXPECT_EQ(update.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(update.error().message().find("not valid JSON"), std::string::npos);
}

struct BadValueCase {
  const char* name;
  std::function<void(json&)> mutate;
  const char* message;  // the expected error message starts with this (the JSON path first)
};

// Mutations of the mainnet update of block 631861, each of which must fail with its path.
TEST(StateUpdateJsonTest, NamesThePathOfEveryBadValue) {
  const json original = ReadJson("da/state_update/631861.json");
  const BadValueCase cases[] = {
      {"non-hex felt",
       [](json& j) { j["state_diff"]["storage_diffs"][4]["storage_entries"][1]["value"] = "0xzz"; },
       "state_diff.storage_diffs[4].storage_entries[1].value: '0xzz' is not a felt"},
      {"felt not below P",
       [](json& j) {
         j["state_diff"]["storage_diffs"][4]["storage_entries"][1]["key"] = kModulusHex;
       },
       "state_diff.storage_diffs[4].storage_entries[1].key: '0x8000"},
      {"felt with too many digits", [](json& j) { j["new_root"] = "0x" + std::string(65, '0'); },
       "new_root: '0x000"},
      {"felt without 0x", [](json& j) { j["state_diff"]["nonces"][2]["nonce"] = "45"; },
       "state_diff.nonces[2].nonce: '45' is not a felt"},
      {"empty felt", [](json& j) { j["state_diff"]["nonces"][2]["nonce"] = "0x"; },
       "state_diff.nonces[2].nonce: '0x' is not a felt"},
      {"felt as a number", [](json& j) { j["state_diff"]["nonces"][2]["nonce"] = 69; },
       "state_diff.nonces[2].nonce: expected a felt as a hex string, got number"},
      {"missing nonce", [](json& j) { j["state_diff"]["nonces"][2].erase("nonce"); },
       "state_diff.nonces[2]: missing key \"nonce\""},
      {"missing contract address",
       [](json& j) { j["state_diff"]["nonces"][2].erase("contract_address"); },
       "state_diff.nonces[2]: missing key \"contract_address\""},
      {"both address spellings",
       [](json& j) { j["state_diff"]["deployed_contracts"][1]["contract_address"] = "0x1"; },
       "state_diff.deployed_contracts[1]: has both"},
      {"entry not an object",
       [](json& j) { j["state_diff"]["storage_diffs"][0]["storage_entries"][0] = "0x1"; },
       "state_diff.storage_diffs[0].storage_entries[0]: expected an object, got string"},
      {"entries not an array",
       [](json& j) { j["state_diff"]["storage_diffs"][0]["storage_entries"] = json::object(); },
       "state_diff.storage_diffs[0].storage_entries: expected an array, got object"},
      {"missing storage entries",
       [](json& j) { j["state_diff"]["storage_diffs"][7].erase("storage_entries"); },
       "state_diff.storage_diffs[7]: missing key \"storage_entries\""},
      {"missing list", [](json& j) { j["state_diff"].erase("replaced_classes"); },
       "state_diff: missing key \"replaced_classes\""},
      {"bad deprecated class",
       [](json& j) {
         j["state_diff"]["deprecated_declared_classes"] = {"0x1", true};
       },
       "state_diff.deprecated_declared_classes[1]: expected a felt as a hex string, got boolean"},
      {"bad migrated class",
       [](json& j) {
         j["state_diff"]["migrated_compiled_classes"] = {{{"class_hash", "0x1"}}};
       },
       "state_diff.migrated_compiled_classes[0]: missing key \"compiled_class_hash\""},
      {"state diff not an object", [](json& j) { j["state_diff"] = json::array(); },
       "state_diff: expected an object, got array"},
      {"missing state diff", [](json& j) { j.erase("state_diff"); },
       "top level: missing key \"state_diff\""},
      {"block hash without new root", [](json& j) { j.erase("new_root"); },
       "top level: missing key \"new_root\""},
      {"block hash without old root", [](json& j) { j.erase("old_root"); },
       "top level: missing key \"old_root\""},
      {"new root without block hash", [](json& j) { j.erase("block_hash"); },
       "top level: missing key \"block_hash\""},
      {"repeated contract",
       [](json& j) { j["state_diff"]["nonces"].push_back(j["state_diff"]["nonces"][0]); },
       "state_diff: nonces has 0xdad8ec75fed95ae14af953652a34b091c22115cad72363a11740ed9d463bc5 "
       "more than once"},
      {"repeated key",
       [](json& j) {
         json& entries = j["state_diff"]["storage_diffs"][0]["storage_entries"];
         entries.push_back(entries[0]);
       },
       "state_diff: storage_entries of contract "
       "0x76def79cc9a3a375779c163ad12996f99fbeb4acd68d7041529159bde897160 has"},
      {"envelope path",
       [](json& j) {
         json result = j;
         result["state_diff"]["nonces"][2]["nonce"] = "0xg";
         j = {{"jsonrpc", "2.0"}, {"id", 1}, {"result", result}};
       },
       "result.state_diff.nonces[2].nonce: '0xg'"},
      {"envelope without result",
       [](json& j) {
         j = {{"jsonrpc", "2.0"}, {"id", 1}};
       },
       "top level: missing key \"result\""},
      {"not an object", [](json& j) { j = json::array(); },
       "top level: expected an object, got array"},
  };
  for (const BadValueCase& c : cases) {
    SCOPED_TRACE(c.name);
    json mutated = original;
    c.mutate(mutated);
    const Result<StateUpdate> update = StateUpdateFromJson(mutated);
    ASSERT_FALSE(update.ok());
    EXPECT_EQ(update.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_TRUE(update.error().message().starts_with(c.message)) << update.error().message();
  }
}

TEST(StateDiffTest, ValidateRejectsRepeatedKeys) {
  StateDiff diff{.declared_classes = {{F(1), F(2)}, {F(3), F(4)}}};
  EXPECT_TRUE(ValidateStateDiff(diff).ok());
  diff.declared_classes.push_back({F(1), F(5)});
  const Result<void> valid = ValidateStateDiff(diff);
  ASSERT_FALSE(valid.ok());
  EXPECT_EQ(valid.error().message(), "declared_classes has 0x1 more than once");
}

TEST(StateDiffTest, SortSortsEveryListNumerically) {
  // 0x10 > 0x9 numerically; as text "0x10" < "0x9".
  StateDiff diff{.storage_diffs = {{F(0x10), {{F(0x10), F(1)}, {F(0x9), F(2)}}}, {F(0x9), {}}},
                 .nonces = {{F(0x10), F(1)}, {F(0x9), F(1)}},
                 .deployed_contracts = {{F(0x10), F(1)}, {F(0x9), F(1)}},
                 .replaced_classes = {{F(0x10), F(1)}, {F(0x9), F(1)}},
                 .declared_classes = {{F(0x10), F(1)}, {F(0x9), F(1)}},
                 .deprecated_declared_classes = {Felt::Max(), F(0x9)},
                 .migrated_compiled_classes = {{F(0x10), F(1)}, {F(0x9), F(1)}}};
  SortStateDiff(diff);
  const StateDiff expected{
      .storage_diffs = {{F(0x9), {}}, {F(0x10), {{F(0x9), F(2)}, {F(0x10), F(1)}}}},
      .nonces = {{F(0x9), F(1)}, {F(0x10), F(1)}},
      .deployed_contracts = {{F(0x9), F(1)}, {F(0x10), F(1)}},
      .replaced_classes = {{F(0x9), F(1)}, {F(0x10), F(1)}},
      .declared_classes = {{F(0x9), F(1)}, {F(0x10), F(1)}},
      .deprecated_declared_classes = {F(0x9), Felt::Max()},
      .migrated_compiled_classes = {{F(0x9), F(1)}, {F(0x10), F(1)}}};
  EXPECT_EQ(diff, expected);
}

}  // namespace
}  // namespace orch::starknet
