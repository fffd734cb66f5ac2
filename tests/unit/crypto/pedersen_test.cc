#include "orch/crypto/pedersen.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace orch::crypto {
namespace {

Felt F(std::string_view hex) { return Felt::FromHex(hex).value(); }

// Vectors from the protocols spec, Appendix A.1, and local-services §6 (@scure/starknet and
// starknet.js agree on them).
TEST(PedersenTest, ReferenceVectors) {
  EXPECT_EQ(PedersenHash(F("0x3d937c035c878245caf64531a5756109c53068da139362728feb561405371cb"),
                         F("0x208a0a10250e382e1e4bbe2880906c2791bf6275695e02fbbc6aeff9cd8b31a"))
                .ToHex(),
            "0x30e480bed5fe53fa909cc0f8c4d99b8f9f2c016be4c41e13a4848797979c662");
  EXPECT_EQ(PedersenHash(Felt(), Felt()).ToHex(),
            "0x49ee3eba8c1600700ee1b87eb599f16716b0b1022947733551fde4050ca6804");
  EXPECT_EQ(PedersenHash(Felt::FromUint64(1), Felt::FromUint64(2)).ToHex(),
            "0x5bb9440e27889a364bcb678b1f679ecd1347acdedcbf36e83494f857cc58026");
}

TEST(PedersenTest, HashOnElementsVectors) {
  const std::vector<Felt> one_two_three = {Felt::FromUint64(1), Felt::FromUint64(2),
                                           Felt::FromUint64(3)};
  EXPECT_EQ(PedersenHashOnElements(one_two_three).ToHex(),
            "0xf9d95fbf356fbeda26538c92f7040abe51bf142350f73c9ee5ba7c660bae71");
  const std::vector<Felt> spec = {Felt::FromUint64(123782376), Felt::FromUint64(213984),
                                  Felt::FromUint64(128763521321)};
  EXPECT_EQ(PedersenHashOnElements(spec).ToHex(),
            "0x7b422405da6571242dfc245a43de3b0fe695e7021c148b918cd9cdb462cac59");
  // [] -> pedersen(0, 0), the shift point's x.
  EXPECT_EQ(PedersenHashOnElements({}).ToHex(),
            "0x49ee3eba8c1600700ee1b87eb599f16716b0b1022947733551fde4050ca6804");
}

// Spec §6.4: the Starknet OS config hash of Sepolia (0.14.x), which equals word 7 of the
// program output of sepolia_924016.
TEST(PedersenTest, SepoliaOsConfigHash) {
  const std::vector<Felt> config = {
      Felt::FromShortString("StarknetOsConfig3").value(),
      Felt::FromShortString("SN_SEPOLIA").value(),
      F("0x04718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d"),  // STRK
  };
  EXPECT_EQ(PedersenHashOnElements(config).ToHex(),
            "0x1b9900f77ff5923183a7795fcfbb54ed76917bc1ddd4160cc77fa96e36cf8c5");
}

TEST(PedersenTest, HighBitsOfBothInputsMatter) {
  // a and b at and above bit 248 go through the second pair of points.
  const Felt high = F("0x800000000000000000000000000000000000000000000000000000000000000");
  EXPECT_NE(PedersenHash(high, Felt()), PedersenHash(Felt(), high));
  EXPECT_NE(PedersenHash(high, Felt()), PedersenHash(Felt(), Felt()));
  EXPECT_NE(PedersenHash(Felt::Max(), Felt::Max()), PedersenHash(Felt::Max(), Felt()));
}

TEST(PedersenTest, ConcurrentFirstUseIsSafe) {
  // Each gtest case runs in its own process under ctest, so the tables are built here, by
  // whichever thread comes first.
  const Felt expected = F("0x5bb9440e27889a364bcb678b1f679ecd1347acdedcbf36e83494f857cc58026");
  std::vector<Felt> results(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back(
        [&results, i] { results[i] = PedersenHash(Felt::FromUint64(1), Felt::FromUint64(2)); });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  for (const Felt& result : results) {
    EXPECT_EQ(result, expected);
  }
}

}  // namespace
}  // namespace orch::crypto
