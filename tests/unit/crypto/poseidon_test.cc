#include "orch/crypto/poseidon.h"

#include <gtest/gtest.h>

#include <vector>

namespace orch::crypto {
namespace {

Felt F(std::string_view hex) { return Felt::FromHex(hex).value(); }

// Vectors from the protocols spec, Appendix A.2 (cairo-lang via starknet-crypto's tests), and
// local-services §6.
TEST(PoseidonTest, ReferenceVectors) {
  EXPECT_EQ(PoseidonHash(F("0xb662f9017fa7956fd70e26129b1833e10ad000fd37b4d9f4e0ce6884b7bbe"),
                         F("0x1fe356bf76102cdae1bfbdc173602ead228b12904c00dad9cf16e035468bea"))
                .ToHex(),
            "0x75540825a6ecc5dc7d7c2f5f868164182742227f1367d66c43ee51ec7937a81");

  const std::vector<Felt> three = {
      F("0x9bf52404586087391c5fbb42538692e7ca2149bac13c145ae4230a51a6fc47"),
      F("0x40304159ee9d2d611120fbd7c7fb8020cc8f7a599bfa108e0e085222b862c0"),
      F("0x46286e4f3c450761d960d6a151a9c0988f9e16f8a48d4c0a85817c009f806a")};
  EXPECT_EQ(PoseidonHashMany(three).ToHex(),
            "0x1ec38b38dc88bac7b0ed6ff6326f975a06a59ac601b417745fd412a5d38e4f7");

  const std::vector<Felt> four = {
      F("0xbdace8883922662601b2fd197bb660b081fcf383ede60725bd080d4b5f2fd3"),
      F("0x1eb1daaf3fdad326b959dec70ced23649cdf8786537cee0c5758a1a4229097"),
      F("0x869ca04071b779d6f940cdf33e62d51521e19223ab148ef571856ff3a44ff1"),
      F("0x533e6df8d7c4b634b1f27035c8676a7439c635e1fea356484de7f0de677930")};
  EXPECT_EQ(PoseidonHashMany(four).ToHex(),
            "0x2520b8f910174c3e650725baacad4efafaae7623c69a0b5513d75e500f36624");

  const std::vector<Felt> one_two_three = {Felt::FromUint64(1), Felt::FromUint64(2),
                                           Felt::FromUint64(3)};
  EXPECT_EQ(PoseidonHashMany(one_two_three).ToHex(),
            "0x2f0d8840bcf3bc629598d8a6cc80cb7c0d9e52d93dab244bbf9cd0dca0ad082");
}

TEST(PoseidonTest, PaddingRules) {
  const Felt x = Felt::FromUint64(42);
  const Felt y = Felt::FromUint64(43);
  // One element m: [m, 1] absorbed into the zero state, then one permutation. (Not the same as
  // PoseidonHashSingle, whose state is [m, 0, 1].)
  std::array<Felt, 3> state = {x, Felt::One(), Felt()};
  PoseidonPermute(state);
  EXPECT_EQ(PoseidonHashMany(std::vector<Felt>{x}), state[0]);
  state = {x, Felt(), Felt::One()};
  PoseidonPermute(state);
  EXPECT_EQ(PoseidonHashSingle(x), state[0]);
  state = {x, y, Felt::FromUint64(2)};
  PoseidonPermute(state);
  EXPECT_EQ(PoseidonHash(x, y), state[0]);
  // Empty input: [1, 0] absorbed.
  state = {Felt::One(), Felt(), Felt()};
  PoseidonPermute(state);
  EXPECT_EQ(PoseidonHashMany({}), state[0]);
}

// The resource-bound felt of an INVOKE v3 transaction: the resource name right-aligned in
// bytes 0..8, max_amount in bytes 8..16, max_price_per_unit in bytes 16..32.
Felt ResourceBound(std::string_view name, std::uint64_t max_amount, const U256& max_price) {
  const U256 name_value = Felt::FromShortString(name).value().ToU256();
  return Felt::FromU256((name_value << 192) | (U256(max_amount) << 128) | max_price).value();
}

// Spec §9.3: starknet-rust-accounts' raw_execution_v3_hash_matches_integration_vector.
TEST(PoseidonTest, InvokeV3TransactionHash) {
  const std::vector<Felt> bounds = {
      F("0x5f5e100"),  // tip
      ResourceBound("L1_GAS", 0x11170, U256(0x8d79883d20000)),
      ResourceBound("L2_GAS", 0x5f5e100, U256(0xba43b7400)),
      ResourceBound("L1_DATA", 0x2710, U256(0x62448724953354)),
  };
  const std::vector<Felt> calldata = {
      F("0x2"),
      F("0x3eaf27245e5a10286542e75c216d17432dd077984c86d37944ba7f5002d10d3"),
      F("0x3604cea1cdb094a73a31144f14a3e5861613c008e1e879939ebc4827d10cd50"),
      F("0x3"),
      F("0x2c54954f9d126e741de59d7791e24831e4181c8909c98aaaf7a73165e4dd9fe"),
      F("0x3d3da80997f8be5d16e9ae7ee6a4b5f7191d60765a1a6c219ab74269c85cf97"),
      F("0x0"),
      F("0x2a730fc5366a8932645ada40338487d5c272294d70a43dc2d53f03534f418ea"),
      F("0x1136789e1c76159d9b9eca06fcef05bdcf77f5d51bd4d9e09f2bc8d7520d8e6"),
      F("0x2"),
      F("0x6d9d9d30b00f9330494791b6a9dd5814"),
      F("0xbcea3baa836807afba45d75feffa4ea7"),
  };
  const std::vector<Felt> fields = {
      Felt::FromShortString("invoke").value(),
      Felt::FromUint64(3),
      F("0x4f4e29add19afa12c868ba1f4439099f225403ff9a71fe667eebb50e13518d3"),
      PoseidonHashMany(bounds),
      PoseidonHashMany({}),  // paymaster_data
      Felt::FromShortString("SN_SEPOLIA").value(),
      F("0x8a1032"),         // nonce
      Felt(),                // both data-availability modes L1
      PoseidonHashMany({}),  // account_deployment_data
      PoseidonHashMany(calldata),
  };
  EXPECT_EQ(PoseidonHashMany(fields).ToHex(),
            "0x7748c9b24cd7ae114fe8c827b31075c1430e0e5b1b712ccb0445022728d0c3c");
}

}  // namespace
}  // namespace orch::crypto
