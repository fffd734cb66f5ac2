// Differential tests: the Stark primitives against @scure/starknet (an independent JavaScript
// implementation), run with node through tests/oracles/starknet_oracle.mjs. Inputs come from
// a fixed seed, so a failure reproduces; every primitive gets at least 1,000 random inputs
// plus edge values (0, 1, P - 1, the 2^248 split of Pedersen, the 2^251 bound of ECDSA).
//
// These tests need node (ORCH_NODE, or node on PATH) and the npm package in the source tree's
// node_modules; without them they fail with that message instead of skipping.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "tests/support/node_oracle.h"

#include "orch/crypto/pedersen.h"
#include "orch/crypto/poseidon.h"
#include "orch/crypto/stark_ecdsa.h"

namespace orch::crypto {
namespace {

using nlohmann::json;

constexpr std::uint64_t kSeed = 0x5eed0004;
constexpr int kRandomCases = 1000;
constexpr std::size_t kMaxListLength = 20;
constexpr int kMaxReportedMismatches = 5;

Felt F(std::string_view hex) { return Felt::FromHex(hex).value(); }
Felt FromJson(const json& value) { return Felt::FromHex(value.get<std::string>()).value(); }

const U256 kEcdsaBound = U256(1) << 251;

std::vector<Felt> EdgeFelts() {
  const auto power = [](unsigned bits) { return Felt::FromU256(U256(1) << bits).value(); };
  return {Felt(),
          Felt::One(),
          Felt::FromUint64(2),
          Felt::Max(),
          Felt::Max() - Felt::One(),
          power(64) - Felt::One(),
          power(128),
          power(192),
          power(248) - Felt::One(),  // every low bit of Pedersen's 248-bit split
          power(248),                // the first high bit
          power(251) - Felt::One(),
          power(251),
          F("0x7ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")};
}

// Random felts of every size: mostly full width, some small, some with long runs of ones.
class RandomFelts {
 public:
  explicit RandomFelts(std::uint64_t seed) : rng_(seed) {}

  Felt Next() {
    switch (rng_() % 8) {
      case 0:
        return Felt::FromUint64(rng_() >> (rng_() % 64));
      case 1:
        return Below(U256(1) << static_cast<unsigned>(rng_() % 251 + 1));
      default:
        return Below(Felt::Modulus());
    }
  }

  // Uniform in [0, bound) for bound <= P.
  Felt Below(const U256& bound) {
    const unsigned bits = (bound - U256(1)).BitLength();
    while (true) {
      const U256 value =
          U256(U256::Limbs{rng_(), rng_(), rng_(), rng_()}) >> static_cast<unsigned>(256 - bits);
      if (value < bound) {
        return Felt::FromU256(value).value();
      }
    }
  }

  std::size_t Length() { return static_cast<std::size_t>(rng_() % (kMaxListLength + 1)); }

 private:
  std::mt19937_64 rng_;
};

json HexList(std::span<const Felt> values) {
  json list = json::array();
  for (const Felt& value : values) {
    list.push_back(value.ToHex());
  }
  return list;
}

std::vector<Felt> FeltList(const json& list) {
  std::vector<Felt> values;
  for (const json& value : list) {
    values.push_back(FromJson(value));
  }
  return values;
}

// Runs one oracle op over all requests. Records a test failure and returns nothing when node,
// the script or the npm package (@scure/starknet) is missing or fails.
std::vector<json> RunOracle(const std::string& op, const std::vector<json>& requests) {
  Result<std::vector<json>> answers = testing::RunNodeOracle("starknet_oracle.mjs", {op}, requests);
  if (!answers.ok()) {
    ADD_FAILURE() << answers.error().ToString();
    return {};
  }
  return std::move(answers).value();
}

// Errors compare equal whatever their wording: both sides must refuse the same inputs.
json Normalize(const json& answer) {
  return answer.contains("error") ? json{{"error", true}} : answer;
}

// Runs `ours` and the oracle on every request and compares the answers.
void ExpectAgreement(const std::string& op, const std::vector<json>& requests,
                     const std::function<json(const json&)>& ours) {
  const std::vector<json> oracle = RunOracle(op, requests);
  ASSERT_EQ(oracle.size(), requests.size());
  int mismatches = 0;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const json expected = Normalize(oracle[i]);
    const json actual = Normalize(ours(requests[i]));
    if (expected != actual && ++mismatches <= kMaxReportedMismatches) {
      ADD_FAILURE() << op << " request " << requests[i].dump() << "\n  ours:   " << actual.dump()
                    << "\n  oracle: " << expected.dump();
    }
  }
  EXPECT_EQ(mismatches, 0) << "of " << requests.size() << " requests";
}

json Failed() { return json{{"error", true}}; }

TEST(StarknetOracleTest, Pedersen) {
  RandomFelts random(kSeed);
  std::vector<json> requests;
  for (const Felt& a : EdgeFelts()) {
    for (const Felt& b : EdgeFelts()) {
      requests.push_back({{"a", a.ToHex()}, {"b", b.ToHex()}});
    }
  }
  for (int i = 0; i < kRandomCases; ++i) {
    requests.push_back({{"a", random.Next().ToHex()}, {"b", random.Next().ToHex()}});
  }
  ExpectAgreement("pedersen", requests, [](const json& request) {
    return json{{"hash", PedersenHash(FromJson(request["a"]), FromJson(request["b"])).ToHex()}};
  });
}

TEST(StarknetOracleTest, PedersenHashOnElements) {
  // Lists of every length from 0 to 20, over 2,500 random elements in all: fewer lists than
  // kRandomCases because the oracle needs about a millisecond per Pedersen hash.
  constexpr int kLists = 250;
  RandomFelts random(kSeed + 1);
  std::vector<json> requests;
  requests.push_back({{"values", HexList(EdgeFelts())}});
  for (int i = 0; i < kLists; ++i) {
    std::vector<Felt> values(static_cast<std::size_t>(i) % (kMaxListLength + 1));
    for (Felt& value : values) {
      value = random.Next();
    }
    requests.push_back({{"values", HexList(values)}});
  }
  ExpectAgreement("pedersen_on_elements", requests, [](const json& request) {
    return json{{"hash", PedersenHashOnElements(FeltList(request["values"])).ToHex()}};
  });
}

TEST(StarknetOracleTest, PoseidonHash) {
  RandomFelts random(kSeed + 2);
  std::vector<json> requests;
  for (const Felt& a : EdgeFelts()) {
    for (const Felt& b : EdgeFelts()) {
      requests.push_back({{"a", a.ToHex()}, {"b", b.ToHex()}});
    }
  }
  for (int i = 0; i < kRandomCases; ++i) {
    requests.push_back({{"a", random.Next().ToHex()}, {"b", random.Next().ToHex()}});
  }
  ExpectAgreement("poseidon", requests, [](const json& request) {
    return json{{"hash", PoseidonHash(FromJson(request["a"]), FromJson(request["b"])).ToHex()}};
  });
}

TEST(StarknetOracleTest, PoseidonHashSingle) {
  RandomFelts random(kSeed + 3);
  std::vector<json> requests;
  for (const Felt& x : EdgeFelts()) {
    requests.push_back({{"x", x.ToHex()}});
  }
  for (int i = 0; i < kRandomCases; ++i) {
    requests.push_back({{"x", random.Next().ToHex()}});
  }
  ExpectAgreement("poseidon_single", requests, [](const json& request) {
    return json{{"hash", PoseidonHashSingle(FromJson(request["x"])).ToHex()}};
  });
}

TEST(StarknetOracleTest, PoseidonHashMany) {
  RandomFelts random(kSeed + 4);
  std::vector<json> requests;
  requests.push_back({{"values", HexList(EdgeFelts())}});
  for (int i = 0; i < kRandomCases; ++i) {
    std::vector<Felt> values(random.Length());
    for (Felt& value : values) {
      value = random.Next();
    }
    requests.push_back({{"values", HexList(values)}});
  }
  ExpectAgreement("poseidon_many", requests, [](const json& request) {
    return json{{"hash", PoseidonHashMany(FeltList(request["values"])).ToHex()}};
  });
}

TEST(StarknetOracleTest, PoseidonPermute) {
  RandomFelts random(kSeed + 5);
  std::vector<json> requests;
  const std::vector<Felt> edges = EdgeFelts();
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const std::array<Felt, 3> state = {edges[i], edges[(i + 1) % edges.size()],
                                       edges[(i + 5) % edges.size()]};
    requests.push_back({{"state", HexList(state)}});
  }
  for (int i = 0; i < kRandomCases; ++i) {
    const std::array<Felt, 3> state = {random.Next(), random.Next(), random.Next()};
    requests.push_back({{"state", HexList(state)}});
  }
  ExpectAgreement("poseidon_permute", requests, [](const json& request) {
    const std::vector<Felt> values = FeltList(request["state"]);
    std::array<Felt, 3> state = {values[0], values[1], values[2]};
    PoseidonPermute(state);
    return json{{"state", HexList(state)}};
  });
}

std::vector<Felt> EdgeKeys() {
  const Felt n = Felt::FromU256(kStarkCurveOrder).value();
  return {Felt::One(),
          Felt::FromUint64(2),
          n - Felt::One(),
          n - Felt::FromUint64(2),
          Felt::FromU256(kEcdsaBound).value(),
          F("0x1234567890987654321")};
}

TEST(StarknetOracleTest, PublicKeys) {
  RandomFelts random(kSeed + 6);
  std::vector<json> requests;
  for (const Felt& key : EdgeKeys()) {
    requests.push_back({{"key", key.ToHex()}});
  }
  for (int i = 0; i < kRandomCases; ++i) {
    requests.push_back({{"key", (random.Below(kStarkCurveOrder - U256(1)) + Felt::One()).ToHex()}});
  }
  ExpectAgreement("public_key", requests, [](const json& request) {
    const Felt key = FromJson(request["key"]);
    const auto point = GetPublicKey(key);
    if (!point.ok()) {
      return Failed();
    }
    return json{{"stark_key", GetStarkKey(key)->ToHex()},
                {"x", point->x().ToHex()},
                {"y", point->y().ToHex()}};
  });
}

TEST(StarknetOracleTest, Sign) {
  RandomFelts random(kSeed + 7);
  std::vector<json> requests;
  const Felt n = Felt::FromU256(kStarkCurveOrder).value();
  const Felt bound = Felt::FromU256(kEcdsaBound).value();
  const std::vector<Felt> edge_hashes = {
      Felt(),
      Felt::One(),
      bound - Felt::One(),
      F("0x100000000000000000000000000000000000000000000000000000000000000"),  // 63 hex digits
      F("0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),   // 62 hex digits
      bound,  // both sides must refuse hashes >= 2^251
      Felt::Max()};
  for (const Felt& key : EdgeKeys()) {
    for (const Felt& hash : edge_hashes) {
      requests.push_back({{"key", key.ToHex()}, {"hash", hash.ToHex()}});
    }
  }
  // Keys outside [1, n) are refused by both.
  for (const Felt& key : {Felt(), n, Felt::Max()}) {
    requests.push_back({{"key", key.ToHex()}, {"hash", "0x1"}});
  }
  for (int i = 0; i < kRandomCases; ++i) {
    const Felt key = random.Below(kStarkCurveOrder - U256(1)) + Felt::One();
    // Hashes of every length, so that both of @scure/starknet's bits2int paths run.
    const Felt hash = random.Below(U256(1) << static_cast<unsigned>(i % 251 + 1));
    requests.push_back({{"key", key.ToHex()}, {"hash", hash.ToHex()}});
  }
  ExpectAgreement("sign", requests, [](const json& request) {
    const auto signature = Sign(FromJson(request["key"]), FromJson(request["hash"]));
    if (!signature.ok()) {
      return Failed();
    }
    return json{{"r", signature->r.ToHex()}, {"s", signature->s.ToHex()}};
  });
}

TEST(StarknetOracleTest, Verify) {
  RandomFelts random(kSeed + 8);
  std::vector<json> requests;
  const Felt bound = Felt::FromU256(kEcdsaBound).value();
  for (int i = 0; i < kRandomCases; ++i) {
    const Felt key = random.Below(kStarkCurveOrder - U256(1)) + Felt::One();
    Felt hash = random.Below(kEcdsaBound);
    const Felt stark_key = GetStarkKey(key).value();
    StarkSignature signature = Sign(key, hash).value();
    Felt verifying_key = stark_key;
    switch (i % 6) {
      case 0:  // valid
        break;
      case 1:
        hash = hash + Felt::One() == bound ? Felt() : hash + Felt::One();
        break;
      case 2:
        signature.r = signature.r == bound - Felt::One() ? Felt::One() : signature.r + Felt::One();
        break;
      case 3:
        signature.s = random.Below(kStarkCurveOrder - U256(1)) + Felt::One();
        break;
      case 4:
        verifying_key = GetStarkKey(key + Felt::One() == Felt::FromU256(kStarkCurveOrder).value()
                                        ? Felt::One()
                                        : key + Felt::One())
                            .value();
        break;
      default:  // out of range: both refuse
        signature.r = i % 2 == 0 ? bound : Felt();
        break;
    }
    requests.push_back({{"stark_key", verifying_key.ToHex()},
                        {"hash", hash.ToHex()},
                        {"r", signature.r.ToHex()},
                        {"s", signature.s.ToHex()}});
  }
  ExpectAgreement("verify", requests, [](const json& request) {
    const auto valid = VerifyWithStarkKey(FromJson(request["stark_key"]), FromJson(request["hash"]),
                                          {FromJson(request["r"]), FromJson(request["s"])});
    if (!valid.ok()) {
      return Failed();
    }
    return json{{"valid", *valid}};
  });
}

}  // namespace
}  // namespace orch::crypto
