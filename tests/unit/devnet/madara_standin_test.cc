#include "orch/devnet/madara_standin.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/temp_dir.h"
#include "tests/support/testdata.h"

#include "orch/clients/madara/feeder_gateway_client.h"
#include "orch/clients/madara/http_madara_client.h"
#include "orch/http/curl_http_client.h"
#include "orch/starknet/state_update_json.h"

namespace orch::devnet {
namespace {

using ::nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

using Felt = crypto::Felt;

void WriteFile(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string Testdata(std::string_view relative) {
  auto text = test_support::ReadTestdata(relative);
  EXPECT_TRUE(text.ok()) << text.error().ToString();
  return text.ok() ? *text : "";
}

// Blocks 178..180 made of recorded state updates (the real blocks 178, 631861 and 638353, so
// the roots do not chain, which the stand-in does not check).
constexpr std::string_view kUpdateFiles[] = {
    "da/state_update/178.json", "da/state_update/631861.json", "da/state_update/638353.json"};

class MadaraStandinTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 3; ++i) {
      WriteFile(Block(178 + i) / "state_update.json", Testdata(kUpdateFiles[i]));
    }
    WriteFile(Block(178) / "nonces.json", Testdata("da/nonces/178.json"));
    WriteFile(Block(179) / "nonces.json", Testdata("da/nonces/631861.json"));
    WriteFile(Block(180) / "nonces.json", R"([{"nonce": "1f", "address": "291"}])");
    WriteFile(Block(180) / "block.json", json{{"starknet_version", "0.13.3"},
                                              {"timestamp", 1700000180},
                                              {"block_hash", Hash(180).ToHex()},
                                              {"parent_hash", Hash(179).ToHex()}}
                                             .dump());
  }

  fs::path Block(std::uint64_t number) const {
    return fs::path(dir_.path()) / std::to_string(number);
  }

  // The block_hash of the recorded update of block `number`.
  Felt Hash(std::uint64_t number) const { return Root(number, "block_hash"); }

  // The felt at `key` of the recorded update of block `number`.
  static Felt Root(std::uint64_t number, std::string_view key) {
    const json update = json::parse(Testdata(kUpdateFiles[number - 178]));
    return Felt::FromHex(update.at(key).get<std::string>()).value();
  }

  MadaraStandinOptions Options() const {
    MadaraStandinOptions options;
    options.blocks_dir = dir_.path();
    options.default_version = starknet::StarknetVersion(0, 13, 2);
    options.core_contract_address = Felt::FromUint64(0xc0e);
    options.gps_statement_verifier_address = Felt::FromUint64(0x695);
    return options;
  }

  std::unique_ptr<MadaraStandin> Start(MadaraStandinOptions options) {
    auto standin = MadaraStandin::Start(std::move(options));
    EXPECT_TRUE(standin.ok()) << standin.error().ToString();
    return standin.ok() ? *std::move(standin) : nullptr;
  }

  madara::HttpMadaraClientOptions ClientOptions() {
    madara::HttpMadaraClientOptions options;
    options.request_timeout = 5000ms;
    options.max_attempts = 3;
    options.initial_backoff = 10ms;
    options.max_backoff = 20ms;
    options.sleep = [this](std::chrono::milliseconds delay) {
      std::lock_guard lock(mutex_);
      sleeps_.push_back(delay);
    };
    return options;
  }
  madara::HttpMadaraClient Client(const MadaraStandin& standin) {
    return madara::HttpMadaraClient(http_, standin.url(), ClientOptions());
  }

  // POSTs `body` as it is and returns the parsed answer.
  json Post(const MadaraStandin& standin, const std::string& body) {
    auto response = http_.Send(http::HttpRequest{.method = "POST",
                                                 .url = standin.url(),
                                                 .headers = {{"Content-Type", "application/json"}},
                                                 .body = body,
                                                 .timeout = 5000ms});
    EXPECT_TRUE(response.ok()) << response.error().ToString();
    EXPECT_EQ(response->status, 200);
    return json::parse(response->body);
  }
  json Call(const MadaraStandin& standin, std::string_view method, json params) {
    return Post(standin,
                json{{"jsonrpc", "2.0"}, {"id", 7}, {"method", method}, {"params", params}}.dump());
  }

  // The error code of a JSON-RPC answer.
  static int ErrorCodeOf(const json& answer) { return answer.at("error").at("code").get<int>(); }

  test_support::TempDir dir_;
  http::CurlHttpClient http_;
  std::mutex mutex_;
  std::vector<std::chrono::milliseconds> sleeps_;
};

TEST_F(MadaraStandinTest, StateUpdatesRoundTripWithTheirVersions) {
  auto standin = Start(Options());
  ASSERT_NE(standin, nullptr);
  EXPECT_EQ(standin->first_block(), 178u);
  EXPECT_EQ(standin->last_block(), 180u);
  auto client = Client(*standin);
  const starknet::StarknetVersion versions[] = {{0, 13, 2}, {0, 13, 2}, {0, 13, 3}};
  for (int i = 0; i < 3; ++i) {
    auto expected = starknet::ParseStateUpdateJson(Testdata(kUpdateFiles[i]));
    ASSERT_TRUE(expected.ok()) << expected.error().ToString();
    auto served = client.GetStateUpdate(178 + i);
    ASSERT_TRUE(served.ok()) << served.error().ToString();
    EXPECT_EQ(served->update, *expected) << "block " << 178 + i;
    EXPECT_EQ(served->version, versions[i]) << "block " << 178 + i;
  }
  // The stored JSON is served as it is, not re-encoded.
  EXPECT_EQ(Call(*standin, "starknet_getStateUpdate", {{{"block_number", 179}}})["result"],
            json::parse(Testdata(kUpdateFiles[1])));
}

TEST_F(MadaraStandinTest, HeadersChainAndTakeBlockJson) {
  auto standin = Start(Options());
  ASSERT_NE(standin, nullptr);
  const json header =
      Call(*standin, "starknet_getBlockWithTxHashes", {{{"block_number", 179}}})["result"];
  EXPECT_EQ(header["status"], "ACCEPTED_ON_L2");
  EXPECT_EQ(header["block_number"], 179);
  EXPECT_EQ(header["block_hash"], Hash(179).ToHex());
  EXPECT_EQ(header["parent_hash"], Hash(178).ToHex());
  EXPECT_EQ(header["new_root"], Root(179, "new_root").ToHex());
  EXPECT_EQ(header["timestamp"], 0);
  EXPECT_EQ(header["sequencer_address"], "0x0");
  EXPECT_EQ(header["starknet_version"], "0.13.2");
  EXPECT_EQ(header["transactions"], json::array());

  const json first =
      Call(*standin, "starknet_getBlockWithTxHashes", {{{"block_number", 178}}})["result"];
  EXPECT_EQ(first["parent_hash"], "0x0");  // its parent is not in the directory

  const json latest = Call(*standin, "starknet_getBlockWithTxHashes", {"latest"})["result"];
  EXPECT_EQ(latest["block_number"], 180);
  EXPECT_EQ(latest["timestamp"], 1700000180);
  EXPECT_EQ(latest["starknet_version"], "0.13.3");
  const json by_hash =
      Call(*standin, "starknet_getBlockWithTxHashes", {{{"block_hash", Hash(179).ToHex()}}});
  EXPECT_EQ(by_hash["result"]["block_number"], 179);
}

TEST_F(MadaraStandinTest, NoncesStorageAndClassesAreTheLatestUpToTheBlock) {
  auto standin = Start(Options());
  ASSERT_NE(standin, nullptr);
  auto client = Client(*standin);
  auto nonce = [&](std::uint64_t block, Felt address) {
    auto value = client.GetNonce(block, address);
    EXPECT_TRUE(value.ok()) << value.error().ToString();
    return value.ok() ? value->ToHex() : "";
  };
  // From the state diffs' nonces.
  const Felt account =
      Felt::FromHexLiteral("0x11a52a41f09a5e1826d30b971b9898360c57c3130b72ba4da14ef48ed7bf911");
  EXPECT_EQ(nonce(178, account), "0x0");
  EXPECT_EQ(nonce(179, account), "0x1752");
  EXPECT_EQ(nonce(180, account), "0x2330");
  const Felt early =
      Felt::FromHexLiteral("0x4fe5eea46caa0a1f344fafce82b39d66b552f00d3cd12e89073ef4b4ab37860");
  EXPECT_EQ(nonce(178, early), "0xd0");
  EXPECT_EQ(nonce(180, early), "0xd0");
  // From nonces.json (block 180: address 291 = 0x123).
  EXPECT_EQ(nonce(179, Felt::FromUint64(0x123)), "0x0");
  EXPECT_EQ(nonce(180, Felt::FromUint64(0x123)), "0x1f");

  const Felt contract =
      Felt::FromHexLiteral("0x76def79cc9a3a375779c163ad12996f99fbeb4acd68d7041529159bde897160");
  const Felt key =
      Felt::FromHexLiteral("0x3e9df762c67f04c3d19de6f877d7906e3a52e992c3f97013dc2450ab7851c9");
  auto storage = [&](std::uint64_t block, Felt slot) {
    auto value = client.GetStorageAt(block, contract, slot);
    EXPECT_TRUE(value.ok()) << value.error().ToString();
    return value.ok() ? value->ToHex() : "";
  };
  EXPECT_EQ(storage(178, key), "0x0");
  EXPECT_EQ(storage(179, key), "0x4c5492be9a3fedc1cae0");
  EXPECT_EQ(storage(180, key), "0x46c6481d389099dda881");
  EXPECT_EQ(storage(180, Felt::FromUint64(1)), "0x0");

  auto deployed = client.GetClassHashAt(
      178,
      Felt::FromHexLiteral("0x4220016ed41491dce777cc24efc06a1e88722c3e70506313f504573bce64627"));
  ASSERT_TRUE(deployed.ok()) << deployed.error().ToString();
  EXPECT_EQ(deployed->ToHex(), "0x29ed6994318833535323c098faa060a20120dc763c281dbe5fb9541a7eaf6c5");
  const Felt replaced_contract =
      Felt::FromHexLiteral("0x5c0973aa8038e018693eab2cfe568cd991ec684ce4796d12755080ba9bfbf96");
  auto replaced = client.GetClassHashAt(180, replaced_contract);
  ASSERT_TRUE(replaced.ok()) << replaced.error().ToString();
  EXPECT_EQ(replaced->ToHex(), "0x816dd0297efc55dc1e7559020a3a825e81ef734b558f03c83325d4da7e6253");
  auto before = client.GetClassHashAt(178, replaced_contract);
  ASSERT_FALSE(before.ok());
  EXPECT_EQ(before.error().code(), ErrorCode::kNotFound);
}

TEST_F(MadaraStandinTest, ChainIdAndReleasedBlocks) {
  MadaraStandinOptions options = Options();
  options.released_up_to = 178;
  auto standin = Start(options);
  ASSERT_NE(standin, nullptr);
  auto client = Client(*standin);

  auto chain_id = client.ChainId();
  ASSERT_TRUE(chain_id.ok()) << chain_id.error().ToString();
  EXPECT_EQ(chain_id->ToShortString().value(), "MADARA_DEVNET");

  EXPECT_EQ(client.LatestBlockNumber().value(), 178u);
  auto not_ready = client.GetStateUpdate(179);
  ASSERT_FALSE(not_ready.ok());
  EXPECT_EQ(not_ready.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(not_ready.error().transient());
  EXPECT_THAT(not_ready.error().message(), HasSubstr("block 179 is not ready"));
  auto nonce = client.GetNonce(179, Felt::FromUint64(1));
  ASSERT_FALSE(nonce.ok());
  EXPECT_EQ(nonce.error().code(), ErrorCode::kUnavailable);

  standin->SetReleasedUpTo(179);
  EXPECT_EQ(client.LatestBlockNumber().value(), 179u);
  EXPECT_TRUE(client.GetStateUpdate(179).ok());
  standin->SetReleasedUpTo(std::nullopt);
  EXPECT_EQ(client.LatestBlockNumber().value(), 180u);
  standin->SetReleasedUpTo(1000);
  EXPECT_EQ(client.LatestBlockNumber().value(), 180u);

  standin->SetReleasedUpTo(177);  // before the first block: none
  auto none = client.LatestBlockNumber();
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(none.error().transient());
  EXPECT_EQ(ErrorCodeOf(Call(*standin, "starknet_getStateUpdate", {"latest"})), 24);

  // Below the first block and past the last one: not found.
  standin->SetReleasedUpTo(std::nullopt);
  EXPECT_EQ(ErrorCodeOf(Call(*standin, "starknet_getStateUpdate", {{{"block_number", 177}}})), 24);
  EXPECT_EQ(ErrorCodeOf(Call(*standin, "starknet_getStateUpdate", {{{"block_number", 181}}})), 24);
  EXPECT_EQ(ErrorCodeOf(Call(*standin, "starknet_getStateUpdate", {{{"block_hash", "0x123"}}})),
            24);
}

TEST_F(MadaraStandinTest, FeederGatewayContractAddresses) {
  auto standin = Start(Options());
  ASSERT_NE(standin, nullptr);
  madara::FeederGatewayClient gateway(http_, standin->url(), ClientOptions());
  auto addresses = gateway.GetContractAddresses();
  ASSERT_TRUE(addresses.ok()) << addresses.error().ToString();
  const MadaraStandinOptions options = Options();
  EXPECT_EQ(addresses->starknet_core_contract, options.core_contract_address);
  EXPECT_EQ(addresses->gps_statement_verifier, options.gps_statement_verifier_address);
  EXPECT_EQ(addresses->eth_l2_token_address, options.eth_fee_token_address);
  EXPECT_EQ(addresses->strk_l2_token_address, options.strk_fee_token_address);

  standin->InjectFaults(StandinFault::kMalformedJson, 1);
  auto malformed = gateway.GetContractAddresses();
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(standin->RequestCounts().at("feeder_gateway/get_contract_addresses"), 2u);
}

TEST_F(MadaraStandinTest, InjectedFaultsAndGoingAway) {
  auto standin = Start(Options());
  ASSERT_NE(standin, nullptr);
  auto client = Client(*standin);

  standin->InjectFaults(StandinFault::kMalformedJson, 1);
  auto malformed = client.ChainId();
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().code(), ErrorCode::kDataLoss);
  EXPECT_FALSE(malformed.error().transient());

  standin->InjectFaults(StandinFault::kHttp503, 2);
  auto retried = client.LatestBlockNumber();
  ASSERT_TRUE(retried.ok()) << retried.error().ToString();
  EXPECT_EQ(*retried, 180u);
  {
    std::lock_guard lock(mutex_);
    EXPECT_THAT(sleeps_, ElementsAre(10ms, 20ms));
  }

  standin->InjectFaults(StandinFault::kHttp503, 3);
  auto exhausted = client.LatestBlockNumber();
  ASSERT_FALSE(exhausted.ok());
  EXPECT_EQ(exhausted.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(exhausted.error().message(), HasSubstr("HTTP 503"));

  const int port = standin->port();
  standin->StopListening();
  auto gone = client.LatestBlockNumber();
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(gone.error().transient());

  ASSERT_TRUE(standin->ResumeListening().ok());
  EXPECT_EQ(standin->port(), port);
  auto back = client.GetStateUpdate(180);
  ASSERT_TRUE(back.ok()) << back.error().ToString();

  const auto counts = standin->RequestCounts();
  EXPECT_EQ(counts.at("starknet_chainId"), 1u);
  EXPECT_EQ(counts.at("starknet_blockNumber"), 6u);  // 3 then 3; none reached it while gone
  EXPECT_EQ(counts.at("starknet_getBlockWithTxHashes"), 1u);
  EXPECT_EQ(counts.at("starknet_getStateUpdate"), 1u);
}

TEST_F(MadaraStandinTest, ServesConcurrentClients) {
  auto standin = Start(Options());
  ASSERT_NE(standin, nullptr);
  constexpr int kThreads = 4;
  constexpr int kRounds = 10;
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto client = Client(*standin);
      for (int i = 0; i < kRounds; ++i) {
        if (!client.GetStateUpdate(178 + static_cast<std::uint64_t>((t + i) % 3)).ok()) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(failures, 0);
  const auto counts = standin->RequestCounts();
  EXPECT_EQ(counts.at("starknet_getBlockWithTxHashes"), kThreads * kRounds);
  EXPECT_EQ(counts.at("starknet_getStateUpdate"), kThreads * kRounds);
}

TEST_F(MadaraStandinTest, JsonRpcEnvelopeAndErrors) {
  auto standin = Start(Options());
  ASSERT_NE(standin, nullptr);

  const json batch = Post(*standin, R"([
      {"jsonrpc": "2.0", "id": 1, "method": "starknet_blockNumber", "params": []},
      {"jsonrpc": "2.0", "id": "two", "method": "starknet_chainId"},
      {"jsonrpc": "2.0", "id": 3, "method": "starknet_nope", "params": []},
      {"jsonrpc": "2.0", "id": 4, "method": "starknet_getNonce", "params": [{"block_number": 180}]},
      {"jsonrpc": "2.0", "id": 5, "method": "starknet_getStorageAt", "params": ["0x1", 2, "latest"]},
      {"jsonrpc": "2.0", "id": 6, "method": "starknet_getStateUpdate", "params": ["pre_confirmed"]},
      {"jsonrpc": "2.0", "id": 7, "method": "starknet_getStateUpdate", "params": {"block_id": "latest"}},
      {"jsonrpc": "2.0", "id": 8}
    ])");
  ASSERT_TRUE(batch.is_array());
  ASSERT_EQ(batch.size(), 8u);
  EXPECT_EQ(batch[0], json::parse(R"({"jsonrpc": "2.0", "id": 1, "result": 180})"));
  EXPECT_EQ(batch[1]["id"], "two");
  EXPECT_EQ(batch[1]["result"], Felt::FromShortString("MADARA_DEVNET").value().ToHex());
  EXPECT_EQ(ErrorCodeOf(batch[2]), -32601);
  EXPECT_EQ(batch[2]["id"], 3);
  EXPECT_EQ(ErrorCodeOf(batch[3]), -32602);
  EXPECT_THAT(batch[3]["error"]["message"].get<std::string>(), HasSubstr("params[1]: missing"));
  EXPECT_EQ(ErrorCodeOf(batch[4]), -32602);
  EXPECT_THAT(batch[4]["error"]["message"].get<std::string>(), HasSubstr("params[1]"));
  EXPECT_EQ(ErrorCodeOf(batch[5]), -32602);
  EXPECT_EQ(ErrorCodeOf(batch[6]), -32602);
  EXPECT_EQ(ErrorCodeOf(batch[7]), -32600);

  EXPECT_EQ(ErrorCodeOf(Post(*standin, "{not json")), -32700);
  EXPECT_EQ(ErrorCodeOf(Post(*standin, "[]")), -32600);

  const auto counts = standin->RequestCounts();
  EXPECT_EQ(counts.at("starknet_blockNumber"), 1u);
  EXPECT_EQ(counts.at("starknet_nope"), 1u);
  EXPECT_EQ(counts.at("starknet_getStateUpdate"), 2u);
  EXPECT_EQ(counts.at("(invalid)"), 3u);  // the call without a method, then two bodies
}

// Each case breaks the directory of the fixture one way and names what the error must say.
struct BadDirectory {
  std::string name;
  std::function<void(const fs::path& dir)> breaks;
  std::string expected;
};

TEST_F(MadaraStandinTest, DirectoryErrorsNameTheFolderOrFile) {
  const std::vector<BadDirectory> cases = {
      {"non-numeric folder", [](const fs::path& dir) { fs::create_directory(dir / "latest"); },
       "folder 'latest' is not named by a block number"},
      {"leading zero", [](const fs::path& dir) { fs::create_directory(dir / "0181"); },
       "folder '0181' is not named by a block number"},
      {"a file", [](const fs::path& dir) { WriteFile(dir / "notes.txt", "x"); },
       "'notes.txt' is not a folder"},
      {"gap",
       [](const fs::path& dir) {
         fs::create_directory(dir / "182");
         WriteFile(dir / "182" / "state_update.json", "{}");
       },
       "blocks must be consecutive: found 180 then 182"},
      {"missing state update",
       [](const fs::path& dir) { fs::remove(dir / "179" / "state_update.json"); },
       "179: missing state_update.json"},
      {"invalid JSON",
       [](const fs::path& dir) {
         WriteFile(dir / "179" / "state_update.json", "{\"block_hash\":");
       },
       "179/state_update.json: not valid JSON"},
      {"bad value at a JSON path",
       [](const fs::path& dir) {
         json update = json::parse(Testdata(kUpdateFiles[1]));
         update["state_diff"]["storage_diffs"][0]["storage_entries"][0]["value"] = "0xzz";
         WriteFile(dir / "179" / "state_update.json", update.dump());
       },
       "179/state_update.json: state_diff.storage_diffs[0].storage_entries[0].value"},
      {"pending update",
       [](const fs::path& dir) {
         json update = json::parse(Testdata(kUpdateFiles[1]));
         update.erase("block_hash");
         update.erase("new_root");
         WriteFile(dir / "179" / "state_update.json", update.dump());
       },
       "179/state_update.json: no block_hash"},
      {"bad nonces",
       [](const fs::path& dir) {
         WriteFile(dir / "179" / "nonces.json", R"([{"nonce": "0x1", "address": "1"}])");
       },
       "179/nonces.json: [0].nonce"},
      {"unknown block.json key",
       [](const fs::path& dir) {
         WriteFile(dir / "179" / "block.json", R"({"version": "0.13.2"})");
       },
       "179/block.json: unknown key 'version'"},
      {"unknown version",
       [](const fs::path& dir) {
         WriteFile(dir / "179" / "block.json", R"({"starknet_version": "9.0.0"})");
       },
       "179/block.json: starknet_version"},
      {"block hash disagrees",
       [](const fs::path& dir) {
         WriteFile(dir / "179" / "block.json", R"({"block_hash": "0x1"})");
       },
       "179/block.json: block_hash 0x1 is not the block_hash"},
      {"parent hash disagrees",
       [](const fs::path& dir) {
         WriteFile(dir / "179" / "block.json", R"({"parent_hash": "0x1"})");
       },
       "179/block.json: parent_hash 0x1 is not the block_hash"},
      {"same hash twice",
       [](const fs::path& dir) {
         WriteFile(dir / "181" / "state_update.json", Testdata(kUpdateFiles[1]));
       },
       "block 181 has the block_hash"},
  };
  for (const BadDirectory& bad : cases) {
    test_support::TempDir dir;
    fs::copy(dir_.path(), dir.path(), fs::copy_options::recursive);
    bad.breaks(dir.path());
    MadaraStandinOptions options = Options();
    options.blocks_dir = dir.path();
    auto standin = MadaraStandin::Start(options);
    ASSERT_FALSE(standin.ok()) << bad.name;
    EXPECT_EQ(standin.error().code(), ErrorCode::kInvalidArgument) << bad.name;
    EXPECT_THAT(standin.error().message(), HasSubstr(bad.expected)) << bad.name;
  }
}

TEST_F(MadaraStandinTest, OptionErrors) {
  MadaraStandinOptions options = Options();
  options.default_version.reset();
  auto no_version = MadaraStandin::Start(options);
  ASSERT_FALSE(no_version.ok());
  EXPECT_THAT(no_version.error().message(), HasSubstr("178: no starknet_version"));

  options = Options();
  options.chain_id = std::string(32, 'A');
  auto long_chain_id = MadaraStandin::Start(options);
  ASSERT_FALSE(long_chain_id.ok());
  EXPECT_THAT(long_chain_id.error().message(), HasSubstr("chain id"));

  options = Options();
  options.blocks_dir = fs::path(dir_.path()) / "absent";
  auto absent = MadaraStandin::Start(options);
  ASSERT_FALSE(absent.ok());
  EXPECT_THAT(absent.error().message(), HasSubstr("not a directory"));

  test_support::TempDir empty;
  options.blocks_dir = empty.path();
  auto no_blocks = MadaraStandin::Start(options);
  ASSERT_FALSE(no_blocks.ok());
  EXPECT_THAT(no_blocks.error().message(), HasSubstr("no block folders"));
}

}  // namespace
}  // namespace orch::devnet
