#include "orch/eth/rlp.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>

namespace orch::eth {
namespace {

RlpItem Text(std::string_view text) { return RlpItem::String(Bytes(text.begin(), text.end())); }

std::string Encoded(const RlpItem& item) { return ToHex(EncodeRlp(item)); }

Bytes Hex(std::string_view text) { return *FromHex(text); }

// Decodes `hex`, expecting an error whose message contains `needle`.
void ExpectRejected(std::string_view hex, std::string_view needle) {
  const Result<RlpItem> item = DecodeRlp(Hex(hex));
  ASSERT_FALSE(item.ok()) << hex << " was accepted";
  EXPECT_EQ(item.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(item.error().message().find(needle), std::string::npos)
      << hex << ": " << item.error().message();
}

TEST(RlpTest, EncodesTheSpecExamples) {
  EXPECT_EQ(Encoded(Text("dog")), "0x83646f67");
  EXPECT_EQ(Encoded(RlpItem::List({Text("cat"), Text("dog")})), "0xc88363617483646f67");
  EXPECT_EQ(Encoded(RlpItem()), "0x80");
  EXPECT_EQ(Encoded(RlpItem::List({})), "0xc0");
  EXPECT_EQ(Encoded(RlpItem::Uint(0)), "0x80");
  EXPECT_EQ(Encoded(RlpItem::String(Bytes{0x00})), "0x00");
  EXPECT_EQ(Encoded(RlpItem::Uint(15)), "0x0f");
  EXPECT_EQ(Encoded(RlpItem::Uint(1024)), "0x820400");
  EXPECT_EQ(Encoded(RlpItem::Uint(0x80)), "0x8180");
  // The set-theoretic representation of three.
  const RlpItem empty = RlpItem::List({});
  EXPECT_EQ(Encoded(RlpItem::List(
                {empty, RlpItem::List({empty}), RlpItem::List({empty, RlpItem::List({empty})})})),
            "0xc7c0c1c0c3c0c1c0");
  EXPECT_EQ(Encoded(Text("Lorem ipsum dolor sit amet, consectetur adipisicing elit")),
            "0xb8384c6f72656d20697073756d20646f6c6f722073697420616d65742c20636f6e7365637465747572"
            "206164697069736963696e6720656c6974");
  EXPECT_EQ(Encoded(RlpItem::List({RlpItem::Uint(1), Text("dog"), RlpItem::List({})})),
            "0xc60183646f67c0");
}

TEST(RlpTest, UsesTheLongFormFrom56Bytes) {
  EXPECT_EQ(EncodeRlp(RlpItem::String(Bytes(55, 0xaa)))[0], 0x80 + 55);
  const Bytes long_string = EncodeRlp(RlpItem::String(Bytes(56, 0xaa)));
  EXPECT_EQ(long_string[0], 0xb8);
  EXPECT_EQ(long_string[1], 56);
  const Bytes kilobytes = EncodeRlp(RlpItem::String(Bytes(1024, 0xaa)));
  EXPECT_EQ(ToHex(std::span(kilobytes).first(3)), "0xb90400");
  const Bytes list_55 = EncodeRlp(RlpItem::List({RlpItem::String(Bytes(54, 1))}));
  EXPECT_EQ(list_55[0], 0xc0 + 55);
  const Bytes list_56 = EncodeRlp(RlpItem::List({RlpItem::String(Bytes(55, 1))}));
  EXPECT_EQ(ToHex(std::span(list_56).first(2)), "0xf838");
}

TEST(RlpTest, EncodesWordsMinimally) {
  Word word{};
  word[30] = 0x01;
  word[31] = 0x02;
  EXPECT_EQ(Encoded(RlpItem::Uint(word)), "0x820102");
  EXPECT_EQ(Encoded(RlpItem::Uint(Word{})), "0x80");
}

TEST(RlpTest, RoundTripsAndKeepsOffsets) {
  const RlpItem item = RlpItem::List(
      {RlpItem::Uint(1), Text("dog"), RlpItem::List({RlpItem::String(Bytes(100, 7))})});
  const Result<RlpItem> decoded = DecodeRlp(EncodeRlp(item));
  ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
  EXPECT_EQ(*decoded, item);
  EXPECT_EQ(decoded->items()[0].offset(), 2u);
  EXPECT_EQ(decoded->items()[1].offset(), 3u);
  EXPECT_EQ(decoded->items()[2].offset(), 7u);
  EXPECT_EQ(*decoded->items()[0].ToUint64(), 1u);
}

TEST(RlpTest, RoundTripsRandomItems) {
  std::mt19937_64 random(/*seed=*/42);
  const auto make = [&random](auto&& self, int depth) -> RlpItem {
    if (depth < 4 && random() % 3 == 0) {
      std::vector<RlpItem> items(random() % 6);
      for (RlpItem& child : items) {
        child = self(self, depth + 1);
      }
      return RlpItem::List(std::move(items));
    }
    Bytes bytes(random() % 3 == 0 ? random() % 300 : random() % 3);
    for (std::uint8_t& byte : bytes) {
      byte = static_cast<std::uint8_t>(random());
    }
    return RlpItem::String(std::move(bytes));
  };
  for (int i = 0; i < 500; ++i) {
    const RlpItem item = make(make, 0);
    const Result<RlpItem> decoded = DecodeRlp(EncodeRlp(item));
    ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
    EXPECT_EQ(*decoded, item);
  }
}

TEST(RlpTest, RejectsNonCanonicalEncodingsWithOffsets) {
  ExpectRejected("", "empty input");
  ExpectRejected("8100", "single byte 0x00 at offset 0 must be encoded as itself");
  ExpectRejected("c3018105", "single byte 0x05 at offset 2");
  ExpectRejected("b803646f67", "string of 3 bytes at offset 0 uses the long form");
  ExpectRejected("f803010203", "list of 3 bytes at offset 0 uses the long form");
  ExpectRejected("b90038" + std::string(112, 'a'), "length at offset 0 has a leading zero byte");
  ExpectRejected("83646f", "string of 3 bytes at offset 0 runs past the end");
  ExpectRejected("b9ffff", "runs past the end");
  ExpectRejected("bf", "string length at offset 0 runs past the end");
  ExpectRejected("bfffffffffffffffff00", "runs past the end");
  ExpectRejected("83646f6701", "1 trailing bytes after the item at offset 4");
  ExpectRejected("c2830102", "string of 3 bytes at offset 1 runs past the end");
  ExpectRejected("c0c0", "trailing bytes after the item at offset 1");
}

TEST(RlpTest, RejectsDeepNesting) {
  RlpItem item = RlpItem::List({});
  for (std::size_t i = 0; i < kMaxRlpDepth + 5; ++i) {
    item = RlpItem::List({std::move(item)});
  }
  const Result<RlpItem> decoded = DecodeRlp(EncodeRlp(item));
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().message().find("nested deeper than 1024"), std::string::npos);
}

TEST(RlpTest, SurvivesRandomGarbage) {
  std::mt19937_64 random(/*seed=*/7);
  const Bytes valid = EncodeRlp(RlpItem::List(
      {RlpItem::Uint(123456), RlpItem::String(Bytes(70, 3)), RlpItem::List({RlpItem()})}));
  for (int i = 0; i < 20000; ++i) {
    Bytes input = valid;
    if (i % 2 == 0) {
      input[random() % input.size()] = static_cast<std::uint8_t>(random());
      input.resize(random() % (input.size() + 1));
    } else {
      input.resize(random() % 16);
      for (std::uint8_t& byte : input) {
        byte = static_cast<std::uint8_t>(random());
      }
    }
    const Result<RlpItem> decoded = DecodeRlp(input);
    if (decoded.ok()) {
      EXPECT_EQ(EncodeRlp(*decoded), input) << "accepted a non-canonical " << ToHex(input);
    }
  }
}

TEST(RlpTest, ConvertsIntegersStrictly) {
  EXPECT_EQ(*DecodeRlp(Hex("820400"))->ToUint64(), 1024u);
  EXPECT_EQ(*DecodeRlp(Hex("80"))->ToUint64(), 0u);
  const Result<std::uint64_t> leading_zero = DecodeRlp(Hex("c3820001"))->items()[0].ToUint64();
  ASSERT_FALSE(leading_zero.ok());
  EXPECT_EQ(leading_zero.error().message(), "RLP: integer at offset 1 has a leading zero byte");
  EXPECT_FALSE(DecodeRlp(Hex("00"))->ToUint64().ok());
  EXPECT_FALSE(DecodeRlp(Hex("89010203040506070809"))->ToUint64().ok());
  EXPECT_TRUE(DecodeRlp(Hex("89010203040506070809"))->ToWord().ok());
  EXPECT_FALSE(DecodeRlp(Hex("c0"))->ToWord().ok());
  EXPECT_FALSE(RlpItem::String(Bytes(33, 1)).ToWord().ok());
}

}  // namespace
}  // namespace orch::eth
