#pragma once

// The behaviour every ObjectStore backend must have. A backend's test file includes this header
// once and instantiates the suite with its harness:
//
//   INSTANTIATE_TEST_SUITE_P(Fs, ObjectStoreContractTest,
//                            ::testing::Values(ObjectStoreBackend{"fs", &MakeFsHarness}),
//                            ObjectStoreBackendName);

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "orch/objects/object_store.h"

namespace orch::objects {

/// A store under test together with what it needs (a temporary directory, a server); a fresh,
/// empty one for every test, released when the test ends.
class ObjectStoreHarness {
 public:
  virtual ~ObjectStoreHarness() = default;
  virtual ObjectStore& store() = 0;
};

struct ObjectStoreBackend {
  std::string name;  // the test name suffix: letters, digits and '_' only
  std::function<std::unique_ptr<ObjectStoreHarness>()> make;
};

// Shows the backend by name in test listings (gtest would dump its bytes).
inline void PrintTo(const ObjectStoreBackend& backend, std::ostream* out) { *out << backend.name; }

inline std::string ObjectStoreBackendName(
    const ::testing::TestParamInfo<ObjectStoreBackend>& info) {
  return info.param.name;
}

class ObjectStoreContractTest : public ::testing::TestWithParam<ObjectStoreBackend> {
 protected:
  void SetUp() override {
    harness_ = GetParam().make();
    ASSERT_NE(harness_, nullptr);
  }

  ObjectStore& store() { return harness_->store(); }

  void PutOrFail(std::string_view key, std::string_view bytes) {
    const Result<void> put = store().Put(key, bytes);
    ASSERT_TRUE(put.ok()) << put.error().ToString();
  }

  std::vector<std::string> ListOrFail(std::string_view prefix) {
    Result<std::vector<std::string>> keys = store().List(prefix);
    EXPECT_TRUE(keys.ok()) << keys.error().ToString();
    return keys.ok() ? *keys : std::vector<std::string>{};
  }

 private:
  std::unique_ptr<ObjectStoreHarness> harness_;
};

// Every byte value, NULs included, in a pattern that shows truncation and reordering.
inline std::string AllByteValues() {
  std::string bytes;
  for (int round = 0; round < 4; ++round) {
    for (int value = 0; value < 256; ++value) {
      bytes += static_cast<char>(value);
    }
  }
  return bytes;
}

TEST_P(ObjectStoreContractTest, PutThenGetReturnsTheBytes) {
  PutOrFail("jobs/1/cairo_pie.zip", "pie");
  Result<std::string> bytes = store().Get("jobs/1/cairo_pie.zip");
  ASSERT_TRUE(bytes.ok()) << bytes.error().ToString();
  EXPECT_EQ(*bytes, "pie");
}

TEST_P(ObjectStoreContractTest, BinaryBytesWithNulsRoundTrip) {
  const std::string bytes = AllByteValues();
  PutOrFail("blob.bin", bytes);
  Result<std::string> read = store().Get("blob.bin");
  ASSERT_TRUE(read.ok()) << read.error().ToString();
  EXPECT_EQ(read->size(), bytes.size());
  EXPECT_EQ(*read, bytes);
}

TEST_P(ObjectStoreContractTest, EmptyAndLargeObjectsRoundTrip) {
  const std::string large(3 * 1024 * 1024 + 7, 'x');
  PutOrFail("empty", "");
  PutOrFail("large", large);
  Result<std::string> empty = store().Get("empty");
  ASSERT_TRUE(empty.ok()) << empty.error().ToString();
  EXPECT_EQ(*empty, "");
  Result<std::string> read = store().Get("large");
  ASSERT_TRUE(read.ok()) << read.error().ToString();
  EXPECT_EQ(*read, large);
}

TEST_P(ObjectStoreContractTest, PutOverwrites) {
  PutOrFail("proof.json", "a much longer first version");
  PutOrFail("proof.json", "second");
  Result<std::string> bytes = store().Get("proof.json");
  ASSERT_TRUE(bytes.ok()) << bytes.error().ToString();
  EXPECT_EQ(*bytes, "second");
  EXPECT_EQ(ListOrFail(""), std::vector<std::string>{"proof.json"});
}

TEST_P(ObjectStoreContractTest, KeysAreCaseSensitiveAndMayHoldUnicode) {
  PutOrFail("Key", "upper");
  PutOrFail("key", "lower");
  PutOrFail("données/ñandú.json", "unicode");
  EXPECT_EQ(*store().Get("Key"), "upper");
  EXPECT_EQ(*store().Get("key"), "lower");
  EXPECT_EQ(*store().Get("données/ñandú.json"), "unicode");
}

TEST_P(ObjectStoreContractTest, GetOfMissingKeyIsNotFound) {
  Result<std::string> bytes = store().Get("jobs/404/missing");
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.error().code(), ErrorCode::kNotFound);
}

TEST_P(ObjectStoreContractTest, ExistsFollowsPutAndDelete) {
  Result<bool> before = store().Exists("a/b");
  ASSERT_TRUE(before.ok()) << before.error().ToString();
  EXPECT_FALSE(*before);
  PutOrFail("a/b", "x");
  EXPECT_TRUE(*store().Exists("a/b"));
  // A prefix of a key is not an object.
  EXPECT_FALSE(*store().Exists("a"));
  ASSERT_TRUE(store().Delete("a/b").ok());
  EXPECT_FALSE(*store().Exists("a/b"));
}

TEST_P(ObjectStoreContractTest, DeleteIsIdempotent) {
  EXPECT_TRUE(store().Delete("never/stored").ok());
  PutOrFail("once", "x");
  EXPECT_TRUE(store().Delete("once").ok());
  EXPECT_TRUE(store().Delete("once").ok());
  Result<std::string> bytes = store().Get("once");
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.error().code(), ErrorCode::kNotFound);
}

TEST_P(ObjectStoreContractTest, ListReturnsKeysWithPrefixSorted) {
  for (const char* key : {"jobs/2/b", "jobs/10/a", "other/x", "jobs/1/b", "jobs/1/a", "jobsx"}) {
    PutOrFail(key, key);
  }
  EXPECT_EQ(ListOrFail("jobs/"),
            (std::vector<std::string>{"jobs/1/a", "jobs/1/b", "jobs/10/a", "jobs/2/b"}));
  // A plain string prefix, not a directory: "jobs/1" also matches "jobs/10/...".
  EXPECT_EQ(ListOrFail("jobs/1"), (std::vector<std::string>{"jobs/1/a", "jobs/1/b", "jobs/10/a"}));
  EXPECT_EQ(ListOrFail("jobs"),
            (std::vector<std::string>{"jobs/1/a", "jobs/1/b", "jobs/10/a", "jobs/2/b", "jobsx"}));
  EXPECT_EQ(ListOrFail("jobs/1/a"), std::vector<std::string>{"jobs/1/a"});
  EXPECT_EQ(ListOrFail("nothing/"), std::vector<std::string>{});
  EXPECT_EQ(ListOrFail(""), (std::vector<std::string>{"jobs/1/a", "jobs/1/b", "jobs/10/a",
                                                      "jobs/2/b", "jobsx", "other/x"}));
}

TEST_P(ObjectStoreContractTest, ListOmitsDeletedKeys) {
  PutOrFail("p/a", "1");
  PutOrFail("p/b", "2");
  ASSERT_TRUE(store().Delete("p/a").ok());
  EXPECT_EQ(ListOrFail("p/"), std::vector<std::string>{"p/b"});
}

TEST_P(ObjectStoreContractTest, InvalidKeysAreRejected) {
  const std::vector<std::string> keys = {"../x", "/abs", "a//b",   "a/./b",
                                         "",     "a\\b", "a/../b", "a/",
                                         ".",    "..",   "x\ny",   std::string("nul\0byte", 8)};
  for (const std::string& key : keys) {
    SCOPED_TRACE("key: " + key);
    const Result<void> put = store().Put(key, "x");
    ASSERT_FALSE(put.ok());
    EXPECT_EQ(put.error().code(), ErrorCode::kInvalidArgument);
    const Result<std::string> get = store().Get(key);
    ASSERT_FALSE(get.ok());
    EXPECT_EQ(get.error().code(), ErrorCode::kInvalidArgument);
    const Result<bool> exists = store().Exists(key);
    ASSERT_FALSE(exists.ok());
    EXPECT_EQ(exists.error().code(), ErrorCode::kInvalidArgument);
    const Result<void> deleted = store().Delete(key);
    ASSERT_FALSE(deleted.ok());
    EXPECT_EQ(deleted.error().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(ListOrFail(""), std::vector<std::string>{});
}

TEST_P(ObjectStoreContractTest, InvalidPrefixesAreRejected) {
  for (const char* prefix : {"../", "/abs", "a//", "a/../", "a\\"}) {
    SCOPED_TRACE(std::string("prefix: ") + prefix);
    const Result<std::vector<std::string>> keys = store().List(prefix);
    ASSERT_FALSE(keys.ok());
    EXPECT_EQ(keys.error().code(), ErrorCode::kInvalidArgument);
  }
}

// Atomic replacement under concurrent readers. A suite of its own so that a backend (an
// emulator) known not to replace atomically is left out of it by name, rather than skipped.
class ObjectStoreOverwriteContractTest : public ObjectStoreContractTest {};

TEST_P(ObjectStoreOverwriteContractTest, ReadersSeeWholeObjectsWhileTheyAreOverwritten) {
  const std::string small(10'000, 'a');
  const std::string big(300'000, 'b');
  PutOrFail("contended", small);
  constexpr int kWrites = 40;
  constexpr int kReadsPerReader = 200;
  std::vector<std::string> torn;
  std::mutex torn_mutex;
  std::thread writer([&] {
    for (int i = 0; i < kWrites; ++i) {
      EXPECT_TRUE(store().Put("contended", i % 2 == 0 ? big : small).ok());
    }
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      for (int i = 0; i < kReadsPerReader; ++i) {
        Result<std::string> bytes = store().Get("contended");
        if (!bytes.ok() || (*bytes != small && *bytes != big)) {
          std::lock_guard lock(torn_mutex);
          torn.push_back(bytes.ok() ? std::to_string(bytes->size()) + " bytes"
                                    : bytes.error().ToString());
        }
      }
    });
  }
  writer.join();
  for (std::thread& reader : readers) {
    reader.join();
  }
  EXPECT_TRUE(torn.empty()) << "first bad read: " << torn.front();
}

}  // namespace orch::objects
