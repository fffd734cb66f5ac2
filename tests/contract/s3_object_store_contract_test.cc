// S3ObjectStore against the two S3 emulators scripts/test-services.sh starts: fauxqs (in
// memory) and s3rver (objects as files). Each test gets a bucket of its own, so that tests may
// run in parallel against one emulator. Without ORCH_TEST_FAUXQS_URL / ORCH_TEST_S3RVER_URL the
// tests fail (they never skip): run `eval "$(scripts/test-services.sh start)"` first.
//
// Where the emulators depart from S3 (each seen in a run here, and read in their sources):
//  - s3rver 3.7.1 overwrites an object in place (it truncates the object's file and streams the
//    new bytes into it), so a reader racing an overwrite gets mixed or short content. S3 and
//    fauxqs replace objects atomically. ObjectStoreOverwriteContractTest therefore runs on
//    fauxqs only.
//  - s3rver makes ListObjectsV2 continuation tokens with DES, which Node 17+ (OpenSSL 3) has
//    only with `node --openssl-legacy-provider`: without it every truncated listing is a 500
//    InternalError (ListFollowsContinuationTokens/s3rver fails).
//  - Listing order: s3rver walks its directory tree ("a/b", "a/d", "a-c") and fauxqs sorts by
//    String.localeCompare; S3 answers in UTF-8 byte order. S3ObjectStore sorts the keys itself,
//    so List is bytewise on all three. But both emulators then page by comparing with the last
//    key, so a listing longer than a page can lose keys on them ("a-c" on s3rver, "B" after
//    "a/d" on fauxqs, with one key per page); the pagination test uses keys where all orders
//    agree.
//  - s3rver answers AbortMultipartUpload with 405 MethodNotAllowed, so an aborted upload's parts
//    stay in its directory. Abort-on-failure is covered by the unit tests with a fake.
//  - s3rver returns tag values without XML escaping (a value "a&b <c>" came back as
//    "a&b<c></c>"); the tagging test uses plain values and the unit tests cover escaping.
//  - fauxqs 1.9.2 has no object tagging and no lifecycle API: PUT <key>?tagging is taken as a
//    PutObject and replaces the object with the tagging XML, and GET <bucket>?lifecycle answers
//    with a listing (PutLifecycleRule then fails with kDataLoss). Tagging is tested on s3rver
//    only; never point the storage-cleanup tagging at fauxqs. s3rver has no lifecycle API
//    either (501 NotImplemented).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "tests/contract/object_store_contract.h"

#include "orch/aws/aws_client.h"
#include "orch/aws/aws_config.h"
#include "orch/common/clock.h"
#include "orch/http/curl_http_client.h"
#include "orch/objects/s3/s3_object_store.h"

namespace orch::objects {
namespace {

struct Emulator {
  std::string name;  // test name suffix
  const char* url_variable;
  std::string access_key_id;  // s3rver accepts only its own; fauxqs anything
};

// Shows the emulator by name in test listings (gtest would dump its bytes).
void PrintTo(const Emulator& emulator, std::ostream* out) { *out << emulator.name; }

const Emulator kFauxqs{"fauxqs", "ORCH_TEST_FAUXQS_URL", "test"};
const Emulator kS3rver{"s3rver", "ORCH_TEST_S3RVER_URL", "S3RVER"};

std::string RandomHex(int digits) {
  static std::mutex mutex;
  static std::mt19937_64 random(std::random_device{}());
  std::lock_guard lock(mutex);
  std::string hex;
  for (int i = 0; i < digits; ++i) {
    hex += "0123456789abcdef"[random() % 16];
  }
  return hex;
}

// The emulator's URL, or a test failure naming the script that starts it.
std::optional<std::string> EmulatorUrl(const Emulator& emulator) {
  const char* url = std::getenv(emulator.url_variable);
  if (url == nullptr || *url == '\0') {
    ADD_FAILURE() << emulator.url_variable << " is not set: start the emulators with "
                  << "`eval \"$(scripts/test-services.sh start)\"` (and stop them with "
                  << "`scripts/test-services.sh stop`)";
    return std::nullopt;
  }
  return std::string(url);
}

aws::AwsConfig EmulatorConfig(const std::string& url, const std::string& access_key_id) {
  aws::AwsConfig config;
  config.credentials.access_key_id = access_key_id;
  config.credentials.secret_access_key = access_key_id;
  config.region = "us-east-1";
  config.endpoint_url = url;
  return config;
}

// An S3 client for one emulator and a fresh bucket on it, emptied and deleted at the end.
class EmulatorBucket {
 public:
  // Null (after a test failure) if the emulator is not configured or the bucket cannot be made.
  static std::unique_ptr<EmulatorBucket> Create(const Emulator& emulator) {
    const std::optional<std::string> url = EmulatorUrl(emulator);
    if (!url) {
      return nullptr;
    }
    auto bucket = std::unique_ptr<EmulatorBucket>(new EmulatorBucket(*url, emulator));
    const Result<void> created = bucket->root_store().CreateBucket();
    if (!created.ok()) {
      ADD_FAILURE() << "cannot create a bucket on " << emulator.name << " at " << *url << ": "
                    << created.error().ToString();
      return nullptr;
    }
    return bucket;
  }

  ~EmulatorBucket() {
    // Best effort, but visible: fauxqs keeps objects in memory for the whole test run.
    const Result<std::vector<std::string>> keys = root_store_->List("");
    EXPECT_TRUE(keys.ok()) << keys.error().ToString();
    for (const std::string& key : keys.ok() ? *keys : std::vector<std::string>{}) {
      const Result<void> deleted = root_store_->Delete(key);
      EXPECT_TRUE(deleted.ok()) << deleted.error().ToString();
    }
    http::HttpRequest request;
    request.method = "DELETE";
    request.url = client_->endpoint() + "/" + name_;
    const Result<http::HttpResponse> deleted = client_->Send("DeleteBucket", request);
    EXPECT_TRUE(deleted.ok()) << deleted.error().ToString();
  }

  const std::string& name() const { return name_; }
  const aws::AwsClient& client() const { return *client_; }
  const std::string& url() const { return url_; }
  // The store at the bucket's root (no key prefix), default options.
  S3ObjectStore& root_store() { return *root_store_; }

  // Another store on this bucket.
  std::unique_ptr<S3ObjectStore> MakeStore(S3ObjectStoreOptions options) {
    options.location.bucket = name_;
    auto store = S3ObjectStore::Create(*client_, std::move(options));
    EXPECT_TRUE(store.ok()) << store.error().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

 private:
  EmulatorBucket(std::string url, const Emulator& emulator)
      : url_(std::move(url)),
        name_("orch-test-" + RandomHex(12)),
        client_(std::make_unique<aws::AwsClient>(
            http_, EmulatorConfig(url_, emulator.access_key_id), aws::S3Service(), clock_)),
        root_store_(MakeStore({})) {}

  http::CurlHttpClient http_;
  SystemClock clock_;
  const std::string url_;
  const std::string name_;
  std::unique_ptr<aws::AwsClient> client_;
  std::unique_ptr<S3ObjectStore> root_store_;
};

class S3Harness final : public ObjectStoreHarness {
 public:
  S3Harness(std::unique_ptr<EmulatorBucket> bucket, std::unique_ptr<S3ObjectStore> store)
      : bucket_(std::move(bucket)), store_(std::move(store)) {}

  ObjectStore& store() override { return *store_; }

 private:
  std::unique_ptr<EmulatorBucket> bucket_;
  std::unique_ptr<S3ObjectStore> store_;  // the last member: released before the bucket
};

std::unique_ptr<ObjectStoreHarness> MakeHarness(const Emulator& emulator,
                                                const std::string& key_prefix) {
  std::unique_ptr<EmulatorBucket> bucket = EmulatorBucket::Create(emulator);
  if (!bucket) {
    return nullptr;
  }
  S3ObjectStoreOptions options;
  options.location.key_prefix = key_prefix;
  std::unique_ptr<S3ObjectStore> store = bucket->MakeStore(std::move(options));
  if (!store) {
    return nullptr;
  }
  return std::make_unique<S3Harness>(std::move(bucket), std::move(store));
}

INSTANTIATE_TEST_SUITE_P(
    S3, ObjectStoreContractTest,
    ::testing::Values(
        ObjectStoreBackend{"fauxqs", [] { return MakeHarness(kFauxqs, ""); }},
        ObjectStoreBackend{"fauxqs_prefixed", [] { return MakeHarness(kFauxqs, "mo/artifacts"); }},
        ObjectStoreBackend{"s3rver", [] { return MakeHarness(kS3rver, ""); }},
        ObjectStoreBackend{"s3rver_prefixed", [] { return MakeHarness(kS3rver, "mo/artifacts"); }}),
    ObjectStoreBackendName);

// Not s3rver: it overwrites objects in place (see the top of this file).
INSTANTIATE_TEST_SUITE_P(
    S3, ObjectStoreOverwriteContractTest,
    ::testing::Values(ObjectStoreBackend{"fauxqs", [] { return MakeHarness(kFauxqs, ""); }},
                      ObjectStoreBackend{"fauxqs_prefixed",
                                         [] { return MakeHarness(kFauxqs, "mo/artifacts"); }}),
    ObjectStoreBackendName);

// S3-specific behaviour, on both emulators.
class S3StoreTest : public ::testing::TestWithParam<Emulator> {
 protected:
  void SetUp() override {
    bucket_ = EmulatorBucket::Create(GetParam());
    ASSERT_NE(bucket_, nullptr);
  }

  S3ObjectStore& store() { return bucket_->root_store(); }
  EmulatorBucket& bucket() { return *bucket_; }

 private:
  std::unique_ptr<EmulatorBucket> bucket_;
};

std::string EmulatorName(const ::testing::TestParamInfo<Emulator>& info) { return info.param.name; }

std::string RandomBytes(std::size_t size) {
  std::mt19937_64 random(size);
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i + 8 <= size; i += 8) {
    const std::uint64_t word = random();
    std::memcpy(bytes.data() + i, &word, 8);
  }
  return bytes;
}

TEST_P(S3StoreTest, A50MiBObjectGoesUpInPartsAndReadsBackByteExact) {
  constexpr std::size_t kMiB = std::size_t{1} << 20;
  const std::string bytes = RandomBytes(50 * kMiB + 123);
  // Default options: 16 MiB threshold, 8 MiB parts, 4 at a time: 7 parts.
  const Result<void> put = store().Put("pies/1/cairo_pie.zip", bytes);
  ASSERT_TRUE(put.ok()) << put.error().ToString();

  const Result<S3ObjectInfo> info = store().Head("pies/1/cairo_pie.zip");
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->size, bytes.size());
  EXPECT_FALSE(info->etag.empty());

  const Result<std::string> read = store().Get("pies/1/cairo_pie.zip");
  ASSERT_TRUE(read.ok()) << read.error().ToString();
  ASSERT_EQ(read->size(), bytes.size());
  EXPECT_TRUE(*read == bytes) << "the object read back differs";

  // Across the boundary of parts 1 and 2, and past the end (the answer is then shorter).
  const Result<std::string> slice = store().GetRange("pies/1/cairo_pie.zip", 8 * kMiB - 100, 300);
  ASSERT_TRUE(slice.ok()) << slice.error().ToString();
  EXPECT_EQ(*slice, bytes.substr(8 * kMiB - 100, 300));
  const Result<std::string> tail = store().GetRange("pies/1/cairo_pie.zip", bytes.size() - 10, 50);
  ASSERT_TRUE(tail.ok()) << tail.error().ToString();
  EXPECT_EQ(*tail, bytes.substr(bytes.size() - 10));
  const Result<std::string> past = store().GetRange("pies/1/cairo_pie.zip", bytes.size(), 1);
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.error().code(), ErrorCode::kInvalidArgument) << past.error().ToString();
}

TEST_P(S3StoreTest, KeysThatNeedPercentEncodingRoundTripAndList) {
  const std::vector<std::string> keys = {
      "a b/with space.txt", "plus+sign",         "tilde~and-dash_dot.x", "percent%20literal",
      "eq=amp&q?hash#",     "ñandú/日本語.json", "paren()'!*star",       "colon:semi;comma,at@$"};
  for (const std::string& key : keys) {
    const Result<void> put = store().Put(key, "value of " + key);
    ASSERT_TRUE(put.ok()) << key << ": " << put.error().ToString();
  }
  for (const std::string& key : keys) {
    const Result<std::string> read = store().Get(key);
    ASSERT_TRUE(read.ok()) << key << ": " << read.error().ToString();
    EXPECT_EQ(*read, "value of " + key);
  }
  std::vector<std::string> sorted = keys;
  std::ranges::sort(sorted);
  const Result<std::vector<std::string>> listed = store().List("");
  ASSERT_TRUE(listed.ok()) << listed.error().ToString();
  EXPECT_EQ(*listed, sorted);
  const Result<std::vector<std::string>> plus = store().List("plus+");
  ASSERT_TRUE(plus.ok()) << plus.error().ToString();
  EXPECT_EQ(*plus, std::vector<std::string>{"plus+sign"});
}

TEST_P(S3StoreTest, ListFollowsContinuationTokens) {
  S3ObjectStoreOptions options;
  options.list_page_size = 2;
  std::unique_ptr<S3ObjectStore> paged = bucket().MakeStore(options);
  ASSERT_NE(paged, nullptr);
  // Keys whose bytewise order is also s3rver's directory-walk order (see the top comment).
  const std::vector<std::string> keys = {"k/1/a", "k/1/b", "k/2/a", "k/3", "k/4", "k/5", "kz"};
  for (const std::string& key : keys) {
    ASSERT_TRUE(paged->Put(key, key).ok());
  }
  const Result<std::vector<std::string>> listed = paged->List("k");
  ASSERT_TRUE(listed.ok()) << listed.error().ToString()
                           << (GetParam().name == kS3rver.name
                                   ? " (s3rver pages only under node --openssl-legacy-provider; "
                                     "see the top of this file)"
                                   : "");
  EXPECT_EQ(*listed, keys);
  const Result<std::vector<std::string>> under = paged->List("k/");
  ASSERT_TRUE(under.ok()) << under.error().ToString();
  EXPECT_EQ(*under, std::vector<std::string>(keys.begin(), keys.end() - 1));
}

TEST_P(S3StoreTest, HeadGivesSizeAndMissingKeysAreNotFound) {
  ASSERT_TRUE(store().Put("h", "12345").ok());
  const Result<S3ObjectInfo> info = store().Head("h");
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->size, 5U);
  const Result<S3ObjectInfo> missing = store().Head("nothing");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  const Result<std::string> range = store().GetRange("nothing", 0, 1);
  ASSERT_FALSE(range.ok());
  EXPECT_EQ(range.error().code(), ErrorCode::kNotFound);
}

TEST_P(S3StoreTest, CreateBucketTwiceSucceeds) {
  const Result<void> again = store().CreateBucket();
  EXPECT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_TRUE(store().HeadBucket().ok());
}

TEST_P(S3StoreTest, AnUnknownBucketIsNotFound) {
  S3ObjectStoreOptions options;
  options.location.bucket = "orch-missing-" + RandomHex(12);
  auto missing = S3ObjectStore::Create(bucket().client(), options);
  ASSERT_TRUE(missing.ok()) << missing.error().ToString();
  S3ObjectStore& store = **missing;

  const Result<void> head = store.HeadBucket();
  ASSERT_FALSE(head.ok());
  EXPECT_EQ(head.error().code(), ErrorCode::kNotFound) << head.error().ToString();
  const Result<std::string> get = store.Get("a/b");
  ASSERT_FALSE(get.ok());
  EXPECT_EQ(get.error().code(), ErrorCode::kNotFound) << get.error().ToString();
  EXPECT_NE(get.error().message().find("s3://" + options.location.bucket + "/a/b"),
            std::string::npos)
      << get.error().message();
  const Result<void> put = store.Put("a/b", "x");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code(), ErrorCode::kNotFound) << put.error().ToString();
  EXPECT_FALSE(put.error().transient());
  const Result<std::vector<std::string>> list = store.List("");
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().code(), ErrorCode::kNotFound) << list.error().ToString();
  // A HEAD answer has no body: a missing bucket reads as a missing key (documented).
  const Result<bool> exists = store.Exists("a/b");
  ASSERT_TRUE(exists.ok()) << exists.error().ToString();
  EXPECT_FALSE(*exists);
}

INSTANTIATE_TEST_SUITE_P(Emulators, S3StoreTest, ::testing::Values(kFauxqs, kS3rver), EmulatorName);

// Object tagging, on s3rver only: fauxqs would store the tagging XML as the object.
TEST(S3rverTest, TagsAreStoredAndAMissingObjectIsNotFound) {
  std::unique_ptr<EmulatorBucket> bucket = EmulatorBucket::Create(kS3rver);
  ASSERT_NE(bucket, nullptr);
  S3ObjectStore& store = bucket->root_store();
  ASSERT_TRUE(store.Put("artifacts/batch/1/cairo_pie.zip", "pie").ok());
  // Plain values: s3rver returns tag values without XML escaping ("a&b" comes back as is), so
  // escaping is covered by the unit tests.
  const S3Tags tags = {{"expire-after-settlement", "true"}, {"job", "42"}};
  const Result<void> tagged = store.PutTags("artifacts/batch/1/cairo_pie.zip", tags);
  ASSERT_TRUE(tagged.ok()) << tagged.error().ToString();
  const Result<S3Tags> read = store.GetTags("artifacts/batch/1/cairo_pie.zip");
  ASSERT_TRUE(read.ok()) << read.error().ToString();
  EXPECT_EQ(*read, tags);
  EXPECT_EQ(*store.Get("artifacts/batch/1/cairo_pie.zip"), "pie");

  const Result<void> missing = store.PutTags("artifacts/batch/2/cairo_pie.zip", tags);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound) << missing.error().ToString();
}

TEST(S3rverTest, AWrongAccessKeyIsAPermanentInvalidArgument) {
  std::unique_ptr<EmulatorBucket> bucket = EmulatorBucket::Create(kS3rver);
  ASSERT_NE(bucket, nullptr);
  ASSERT_TRUE(bucket->root_store().Put("k", "v").ok());
  http::CurlHttpClient http;
  SystemClock clock;
  aws::AwsConfig config = EmulatorConfig(bucket->url(), "NOT-S3RVER");
  config.credentials.secret_access_key = "very-secret-value";
  const aws::AwsClient client(http, config, aws::S3Service(), clock);
  S3ObjectStoreOptions options;
  options.location.bucket = bucket->name();
  auto store = S3ObjectStore::Create(client, options);
  ASSERT_TRUE(store.ok()) << store.error().ToString();

  const Result<std::string> get = (*store)->Get("k");
  ASSERT_FALSE(get.ok());
  EXPECT_EQ(get.error().code(), ErrorCode::kInvalidArgument) << get.error().ToString();
  EXPECT_FALSE(get.error().transient());
  EXPECT_NE(get.error().message().find("InvalidAccessKeyId"), std::string::npos)
      << get.error().message();
  EXPECT_EQ(get.error().message().find("very-secret-value"), std::string::npos);
  const Result<void> head = (*store)->HeadBucket();
  ASSERT_FALSE(head.ok());
  EXPECT_EQ(head.error().code(), ErrorCode::kInvalidArgument) << head.error().ToString();
}

}  // namespace
}  // namespace orch::objects
