#include "orch/objects/s3/s3_object_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "tests/fakes/fake_clock.h"

#include "orch/aws/sigv4_signer.h"

namespace orch::objects {
namespace {

using http::HttpRequest;
using http::HttpResponse;

constexpr std::size_t kMiB = std::size_t{1} << 20;

// Answers each request with what a handler decides (by default 200, empty) and records it.
// Thread-safe: multipart uploads send parts from several threads.
class ScriptedHttp final : public http::HttpClient {
 public:
  using Handler = std::function<Result<HttpResponse>(const HttpRequest&)>;

  void SetHandler(Handler handler) {
    std::lock_guard lock(mutex_);
    handler_ = std::move(handler);
  }

  std::vector<HttpRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

  // HttpClient
  Result<HttpResponse> Send(const HttpRequest& request) override {
    Handler handler;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
      handler = handler_;
    }
    return handler ? handler(request) : HttpResponse{.status = 200, .body = {}, .headers = {}};
  }

 private:
  mutable std::mutex mutex_;
  Handler handler_;                    // guarded by mutex_
  std::vector<HttpRequest> requests_;  // guarded by mutex_
};

HttpResponse Answer(int status, std::string body = {}, http::HttpHeaders headers = {}) {
  return {.status = status, .body = std::move(body), .headers = std::move(headers)};
}

std::string S3Error(std::string_view code, std::string_view message) {
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{}</Code>"
      "<Message>{}</Message></Error>",
      code, message);
}

std::string Header(const HttpRequest& request, std::string_view name) {
  return std::string(http::FindHeader(request.headers, name).value_or(""));
}

// The URL's query, "" if none.
std::string Query(const HttpRequest& request) {
  const std::size_t question = request.url.find('?');
  return question == std::string::npos ? "" : request.url.substr(question + 1);
}

class S3ObjectStoreTest : public ::testing::Test {
 protected:
  S3ObjectStoreTest() { config_ = DefaultConfig(); }

  static aws::AwsConfig DefaultConfig() {
    aws::AwsConfig config;
    config.credentials = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
    config.region = "us-east-1";
    config.endpoint_url = "http://127.0.0.1:9000";
    return config;
  }

  // A store over a fresh client built from config_; retries sleep into sleeps_.
  S3ObjectStore& MakeStore(S3ObjectStoreOptions options) {
    if (options.location.bucket.empty()) {
      options.location.bucket = "mo-bucket";
    }
    aws::AwsClientOptions client_options;
    client_options.sleep = [this](std::chrono::milliseconds wait) { sleeps_.push_back(wait); };
    client_ =
        std::make_unique<aws::AwsClient>(http_, config_, aws::S3Service(), clock_, client_options);
    auto store = S3ObjectStore::Create(*client_, std::move(options));
    EXPECT_TRUE(store.ok()) << store.error().ToString();
    store_ = std::move(store).value();
    return *store_;
  }

  S3ObjectStore& MakeStore() { return MakeStore(S3ObjectStoreOptions{}); }

  ScriptedHttp http_;
  testing::FakeClock clock_;
  aws::AwsConfig config_;
  std::vector<std::chrono::milliseconds> sleeps_;
  std::unique_ptr<aws::AwsClient> client_;
  std::unique_ptr<S3ObjectStore> store_;
};

TEST_F(S3ObjectStoreTest, PathStyleUrlsEncodeEachKeySegment) {
  S3ObjectStore& store = MakeStore();
  ASSERT_TRUE(store.Put("a b/ñ+~x/file (1).json", "x").ok());
  ASSERT_TRUE(store.Put("plain/key.txt", "y").ok());
  const auto requests = http_.requests();
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].url,
            "http://127.0.0.1:9000/mo-bucket/a%20b/%C3%B1%2B~x/file%20%281%29.json");
  EXPECT_EQ(requests[1].url, "http://127.0.0.1:9000/mo-bucket/plain/key.txt");
  EXPECT_EQ(requests[0].body, "x");
  EXPECT_EQ(Header(requests[0], "content-type"), "application/octet-stream");
  // Signed, with the payload hash S3 checks.
  EXPECT_NE(Header(requests[0], "authorization"), "");
  EXPECT_EQ(Header(requests[0], "x-amz-content-sha256"), aws::HexSha256("x"));
}

TEST_F(S3ObjectStoreTest, TheKeyPrefixIsPrependedAndStrippedFromListings) {
  S3ObjectStoreOptions options;
  options.location.key_prefix = "orch/artifacts";
  S3ObjectStore& store = MakeStore(options);
  ASSERT_TRUE(store.Put("1/proof.json", "p").ok());
  http_.SetHandler([](const HttpRequest&) {
    return Answer(200,
                  "<ListBucketResult><IsTruncated>false</IsTruncated>"
                  "<Contents><Key>orch/artifacts/1/proof.json</Key></Contents>"
                  "<Contents><Key>orch/artifacts/1/cairo_pie.zip</Key></Contents>"
                  "</ListBucketResult>");
  });
  const Result<std::vector<std::string>> keys = store.List("1/");
  ASSERT_TRUE(keys.ok()) << keys.error().ToString();
  EXPECT_EQ(*keys, (std::vector<std::string>{"1/cairo_pie.zip", "1/proof.json"}));
  const auto requests = http_.requests();
  EXPECT_EQ(requests[0].url, "http://127.0.0.1:9000/mo-bucket/orch/artifacts/1/proof.json");
  EXPECT_EQ(requests[1].method, "GET");
  EXPECT_EQ(
      requests[1].url,
      "http://127.0.0.1:9000/mo-bucket?list-type=2&max-keys=1000&prefix=orch%2Fartifacts%2F1%2F");
}

TEST_F(S3ObjectStoreTest, VirtualHostUrlsPutTheBucketIntoTheHost) {
  config_.endpoint_url.clear();
  config_.region = "eu-west-1";
  S3ObjectStoreOptions options;
  options.addressing = S3Addressing::kVirtualHost;
  S3ObjectStore& store = MakeStore(options);
  ASSERT_TRUE(store.Put("jobs/1/a b", "x").ok());
  ASSERT_TRUE(store.HeadBucket().ok());
  http_.SetHandler([](const HttpRequest&) {
    return Answer(200, "<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>");
  });
  ASSERT_TRUE(store.List("").ok());
  const auto requests = http_.requests();
  EXPECT_EQ(requests[0].url, "https://mo-bucket.s3.eu-west-1.amazonaws.com/jobs/1/a%20b");
  EXPECT_EQ(Header(requests[0], "host"), "mo-bucket.s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(requests[1].method, "HEAD");
  EXPECT_EQ(requests[1].url, "https://mo-bucket.s3.eu-west-1.amazonaws.com/");
  EXPECT_EQ(requests[2].url,
            "https://mo-bucket.s3.eu-west-1.amazonaws.com/?list-type=2&max-keys=1000&prefix=");
}

TEST_F(S3ObjectStoreTest, VirtualHostWorksWithACustomEndpointButNotAnIpAddress) {
  config_.endpoint_url = "https://storage.example.com:8443";
  S3ObjectStoreOptions options;
  options.addressing = S3Addressing::kVirtualHost;
  ASSERT_TRUE(MakeStore(options).Put("k", "v").ok());
  EXPECT_EQ(http_.requests()[0].url, "https://mo-bucket.storage.example.com:8443/k");

  config_.endpoint_url = "http://127.0.0.1:9000";
  const aws::AwsClient client(http_, config_, aws::S3Service(), clock_);
  options.location.bucket = "mo-bucket";
  const auto store = S3ObjectStore::Create(client, options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(store.error().message().find("path-style"), std::string::npos);
}

TEST_F(S3ObjectStoreTest, ObjectOperationsUseTheRightMethodsAndHeaders) {
  S3ObjectStore& store = MakeStore();
  http_.SetHandler([](const HttpRequest& request) {
    if (request.method == "HEAD") {
      return Answer(200, "", {{"Content-Length", "1234"}, {"ETag", "\"abc\""}});
    }
    if (request.method == "DELETE") {
      return Answer(204);
    }
    if (http::FindHeader(request.headers, "range")) {
      return Answer(206, "slice");
    }
    return Answer(200, "whole");
  });
  EXPECT_EQ(*store.Get("k"), "whole");
  EXPECT_EQ(*store.GetRange("k", 5, 10), "slice");
  const Result<S3ObjectInfo> info = store.Head("k");
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->size, 1234U);
  EXPECT_EQ(info->etag, "\"abc\"");
  EXPECT_TRUE(*store.Exists("k"));
  EXPECT_TRUE(store.Delete("k").ok());
  const auto requests = http_.requests();
  ASSERT_EQ(requests.size(), 5U);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(Header(requests[1], "range"), "bytes=5-14");
  EXPECT_EQ(requests[2].method, "HEAD");
  EXPECT_EQ(requests[4].method, "DELETE");
  EXPECT_EQ(requests[4].url, "http://127.0.0.1:9000/mo-bucket/k");
}

TEST_F(S3ObjectStoreTest, ARangeIgnoredByTheServerIsCutLocally) {
  S3ObjectStore& store = MakeStore();
  http_.SetHandler([](const HttpRequest&) { return Answer(200, "0123456789"); });
  EXPECT_EQ(*store.GetRange("k", 3, 4), "3456");
  EXPECT_EQ(*store.GetRange("k", 8, 100), "89");
  const Result<std::string> past = store.GetRange("k", 10, 1);
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.error().code(), ErrorCode::kInvalidArgument);
  const Result<std::string> empty = store.GetRange("k", 0, 0);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(S3ObjectStoreTest, MissingObjectsAndRefusalsMapToErrorClasses) {
  S3ObjectStore& store = MakeStore();
  http_.SetHandler([](const HttpRequest& request) {
    if (request.method == "HEAD") {
      return Answer(404);
    }
    if (request.method == "DELETE") {
      return Answer(404, S3Error("NoSuchBucket", "The specified bucket does not exist"));
    }
    return Answer(404, S3Error("NoSuchKey", "The specified key does not exist."));
  });
  const Result<std::string> get = store.Get("jobs/9/proof.json");
  ASSERT_FALSE(get.ok());
  EXPECT_EQ(get.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(get.error().message().rfind("s3://mo-bucket/jobs/9/proof.json: ", 0), 0U)
      << get.error().message();
  EXPECT_FALSE(*store.Exists("jobs/9/proof.json"));
  EXPECT_TRUE(store.Delete("jobs/9/proof.json").ok());

  http_.SetHandler([](const HttpRequest&) {
    return Answer(403, S3Error("SignatureDoesNotMatch",
                               "The request signature we calculated does not match"));
  });
  const Result<void> put = store.Put("jobs/9/proof.json", "x");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(put.error().transient());
  EXPECT_NE(put.error().message().find("SignatureDoesNotMatch"), std::string::npos);
  EXPECT_EQ(put.error().message().find(config_.credentials.secret_access_key), std::string::npos);
  EXPECT_TRUE(sleeps_.empty()) << "permanent errors are not retried";
}

TEST_F(S3ObjectStoreTest, ThrottlingIsRetriedAndThenTransient) {
  S3ObjectStore& store = MakeStore();
  int calls = 0;
  http_.SetHandler([&calls](const HttpRequest&) {
    return ++calls < 3 ? Answer(503, S3Error("SlowDown", "Please reduce your request rate."))
                       : Answer(200, "bytes");
  });
  const Result<std::string> get = store.Get("k");
  ASSERT_TRUE(get.ok()) << get.error().ToString();
  EXPECT_EQ(*get, "bytes");
  EXPECT_EQ(sleeps_.size(), 2U);

  http_.SetHandler([](const HttpRequest&) {
    return Answer(503, S3Error("SlowDown", "Please reduce your request rate."));
  });
  const Result<void> put = store.Put("k", "v");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(put.error().transient());
  EXPECT_NE(put.error().message().find("SlowDown"), std::string::npos);
}

TEST_F(S3ObjectStoreTest, ListFollowsContinuationTokensAndSortsBytewise) {
  S3ObjectStore& store = MakeStore();
  http_.SetHandler([](const HttpRequest& request) {
    if (Query(request).find("continuation-token=") == std::string::npos) {
      return Answer(200,
                    "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                    "<IsTruncated>true</IsTruncated><NextContinuationToken>t/1+=</"
                    "NextContinuationToken><Contents><Key>b</Key></Contents>"
                    "<Contents><Key>Z</Key></Contents></ListBucketResult>");
    }
    return Answer(200,
                  "<ListBucketResult><IsTruncated>false</IsTruncated>"
                  "<Contents><Key>a &amp; b</Key></Contents></ListBucketResult>");
  });
  const Result<std::vector<std::string>> keys = store.List("");
  ASSERT_TRUE(keys.ok()) << keys.error().ToString();
  EXPECT_EQ(*keys, (std::vector<std::string>{"Z", "a & b", "b"}));
  const auto requests = http_.requests();
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_NE(Query(requests[1]).find("continuation-token=t%2F1%2B%3D"), std::string::npos)
      << requests[1].url;
}

TEST_F(S3ObjectStoreTest, MalformedAnswersAreClearDataLossErrors) {
  S3ObjectStore& store = MakeStore();
  http_.SetHandler([](const HttpRequest&) { return Answer(200, "<ListBucketResult><Contents"); });
  const Result<std::vector<std::string>> keys = store.List("jobs/");
  ASSERT_FALSE(keys.ok());
  EXPECT_EQ(keys.error().code(), ErrorCode::kDataLoss);
  EXPECT_NE(keys.error().message().find("s3://mo-bucket/jobs/*"), std::string::npos);
  EXPECT_NE(keys.error().message().find("malformed answer: not XML"), std::string::npos)
      << keys.error().message();

  http_.SetHandler([](const HttpRequest&) { return Answer(200, "<html>proxy page</html>"); });
  const Result<std::vector<std::string>> html = store.List("");
  ASSERT_FALSE(html.ok());
  EXPECT_NE(html.error().message().find("expected <ListBucketResult>, got <html>"),
            std::string::npos)
      << html.error().message();

  http_.SetHandler([](const HttpRequest&) {
    return Answer(200, "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>");
  });
  const Result<std::vector<std::string>> endless = store.List("");
  ASSERT_FALSE(endless.ok());
  EXPECT_NE(endless.error().message().find("NextContinuationToken"), std::string::npos);

  http_.SetHandler([](const HttpRequest&) { return Answer(200, "", {}); });
  const Result<S3ObjectInfo> head = store.Head("k");
  ASSERT_FALSE(head.ok());
  EXPECT_EQ(head.error().code(), ErrorCode::kDataLoss);
}

// A multipart server: CreateMultipartUpload, UploadPart (ETag "etag-<n>"), Complete, Abort.
// `fail_part` (0 = none) answers with `failure`.
ScriptedHttp::Handler MultipartServer(int fail_part, HttpResponse failure) {
  return [fail_part, failure](const HttpRequest& request) {
    const std::string query = Query(request);
    if (request.method == "POST" && query == "uploads") {
      return Answer(200,
                    "<InitiateMultipartUploadResult><Bucket>mo-bucket</Bucket><Key>big</Key>"
                    "<UploadId>up/1+x</UploadId></InitiateMultipartUploadResult>");
    }
    if (request.method == "PUT" && query.starts_with("partNumber=")) {
      const int part = std::stoi(query.substr(std::string_view("partNumber=").size()));
      if (part == fail_part) {
        return failure;
      }
      return Answer(200, "", {{"ETag", fmt::format("\"etag-{}\"", part)}});
    }
    if (request.method == "POST") {
      return Answer(200,
                    "<CompleteMultipartUploadResult><Key>big</Key><ETag>\"x-3\"</ETag>"
                    "</CompleteMultipartUploadResult>");
    }
    return Answer(request.method == "DELETE" ? 204 : 400);
  };
}

std::string PatternBytes(std::size_t size) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    bytes[i] = static_cast<char>((i * 131 + i / 4096) & 0xff);
  }
  return bytes;
}

TEST_F(S3ObjectStoreTest, LargeObjectsGoUpAsMultipartUploadsInOrder) {
  S3ObjectStoreOptions options;
  options.multipart_threshold = 10 * kMiB;
  options.part_size = 5 * kMiB;
  options.max_parallel_parts = 1;
  S3ObjectStore& store = MakeStore(options);
  http_.SetHandler(MultipartServer(0, {}));
  const std::string bytes = PatternBytes(12 * kMiB + 3);
  const Result<void> put = store.Put("big", bytes);
  ASSERT_TRUE(put.ok()) << put.error().ToString();

  const auto requests = http_.requests();
  ASSERT_EQ(requests.size(), 5U);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].url, "http://127.0.0.1:9000/mo-bucket/big?uploads");
  std::string uploaded;
  for (int part = 1; part <= 3; ++part) {
    const HttpRequest& request = requests[part];
    EXPECT_EQ(request.method, "PUT");
    EXPECT_EQ(Query(request), fmt::format("partNumber={}&uploadId=up%2F1%2Bx", part));
    uploaded += request.body;
  }
  EXPECT_EQ(requests[1].body.size(), 5 * kMiB);
  EXPECT_EQ(requests[3].body.size(), 2 * kMiB + 3);
  EXPECT_TRUE(uploaded == bytes) << "the parts do not add up to the object";
  EXPECT_EQ(requests[4].method, "POST");
  EXPECT_EQ(Query(requests[4]), "uploadId=up%2F1%2Bx");
  EXPECT_EQ(requests[4].body,
            "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Part><PartNumber>1</PartNumber><ETag>\"etag-1\"</ETag></Part>"
            "<Part><PartNumber>2</PartNumber><ETag>\"etag-2\"</ETag></Part>"
            "<Part><PartNumber>3</PartNumber><ETag>\"etag-3\"</ETag></Part>"
            "</CompleteMultipartUpload>");
}

TEST_F(S3ObjectStoreTest, PartsGoUpInParallelAndCompleteListsThemInOrder) {
  S3ObjectStoreOptions options;
  options.multipart_threshold = 5 * kMiB;
  options.part_size = 5 * kMiB;
  options.max_parallel_parts = 3;
  S3ObjectStore& store = MakeStore(options);
  http_.SetHandler(MultipartServer(0, {}));
  const std::string bytes = PatternBytes(15 * kMiB + 1);
  ASSERT_TRUE(store.Put("big", bytes).ok());
  const auto requests = http_.requests();
  ASSERT_EQ(requests.size(), 6U);  // create, 4 parts, complete
  std::vector<std::pair<int, std::string>> parts;
  for (const HttpRequest& request : requests) {
    if (request.method == "PUT") {
      parts.emplace_back(std::stoi(Query(request).substr(11)), request.body);
    }
  }
  std::ranges::sort(parts);
  std::string uploaded;
  for (const auto& [number, body] : parts) {
    uploaded += body;
  }
  EXPECT_TRUE(uploaded == bytes);
  EXPECT_NE(requests.back().body.find("<PartNumber>4</PartNumber><ETag>\"etag-4\"</ETag>"),
            std::string::npos);
}

TEST_F(S3ObjectStoreTest, AFailedPartAbortsTheUpload) {
  S3ObjectStoreOptions options;
  options.multipart_threshold = 5 * kMiB;
  options.part_size = 5 * kMiB;
  options.max_parallel_parts = 1;
  S3ObjectStore& store = MakeStore(options);
  http_.SetHandler(MultipartServer(2, Answer(400, S3Error("InvalidDigest", "bad digest"))));
  const Result<void> put = store.Put("big", PatternBytes(16 * kMiB));
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(put.error().message().find("s3://mo-bucket/big part 2"), std::string::npos)
      << put.error().message();

  const auto requests = http_.requests();
  ASSERT_EQ(requests.size(), 4U);  // create, part 1, part 2 (failed), abort: no part 3
  EXPECT_EQ(requests[3].method, "DELETE");
  EXPECT_EQ(requests[3].url, "http://127.0.0.1:9000/mo-bucket/big?uploadId=up%2F1%2Bx");
  EXPECT_TRUE(std::ranges::none_of(requests, [](const HttpRequest& request) {
    return request.method == "POST" && Query(request).starts_with("uploadId=");
  })) << "a failed upload must not be completed";
}

TEST_F(S3ObjectStoreTest, ACompletionThatFailsInsideA200IsAbortedAndTransient) {
  S3ObjectStoreOptions options;
  options.multipart_threshold = 5 * kMiB;
  options.part_size = 5 * kMiB;
  S3ObjectStore& store = MakeStore(options);
  const ScriptedHttp::Handler server = MultipartServer(0, {});
  http_.SetHandler([server](const HttpRequest& request) -> Result<HttpResponse> {
    if (request.method == "POST" && Query(request).starts_with("uploadId=")) {
      return Answer(200, S3Error("InternalError", "We encountered an internal error."));
    }
    return server(request);
  });
  const Result<void> put = store.Put("big", PatternBytes(6 * kMiB));
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(put.error().transient());
  EXPECT_NE(put.error().message().find("InternalError"), std::string::npos);
  EXPECT_EQ(http_.requests().back().method, "DELETE");
}

TEST_F(S3ObjectStoreTest, AMalformedUploadIdAnswerStopsBeforeAnyPart) {
  S3ObjectStoreOptions options;
  options.multipart_threshold = 5 * kMiB;
  options.part_size = 5 * kMiB;
  S3ObjectStore& store = MakeStore(options);
  http_.SetHandler([](const HttpRequest&) {
    return Answer(200, "<InitiateMultipartUploadResult></InitiateMultipartUploadResult>");
  });
  const Result<void> put = store.Put("big", PatternBytes(6 * kMiB));
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code(), ErrorCode::kDataLoss);
  EXPECT_NE(put.error().message().find("no UploadId"), std::string::npos);
  EXPECT_EQ(http_.requests().size(), 1U);
}

TEST_F(S3ObjectStoreTest, AFailedAbortIsReportedWithTheUploadError) {
  S3ObjectStoreOptions options;
  options.multipart_threshold = 5 * kMiB;
  options.part_size = 5 * kMiB;
  S3ObjectStore& store = MakeStore(options);
  const ScriptedHttp::Handler server =
      MultipartServer(1, Answer(400, S3Error("EntityTooSmall", "too small")));
  http_.SetHandler([server](const HttpRequest& request) -> Result<HttpResponse> {
    if (request.method == "DELETE") {
      return Answer(405, S3Error("MethodNotAllowed", "not allowed"));
    }
    return server(request);
  });
  const Result<void> put = store.Put("big", PatternBytes(6 * kMiB));
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(put.error().message().find("EntityTooSmall"), std::string::npos);
  EXPECT_NE(put.error().message().find("aborting the upload failed too"), std::string::npos)
      << put.error().message();
}

TEST_F(S3ObjectStoreTest, TagsAreSentAsEscapedXmlWithContentMd5) {
  S3ObjectStore& store = MakeStore();
  ASSERT_TRUE(store.PutTags("a/b", {{"expire-after-settlement", "true"}, {"x", "<&>"}}).ok());
  const HttpRequest request = http_.requests()[0];
  EXPECT_EQ(request.method, "PUT");
  EXPECT_EQ(request.url, "http://127.0.0.1:9000/mo-bucket/a/b?tagging");
  EXPECT_EQ(request.body,
            "<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet>"
            "<Tag><Key>expire-after-settlement</Key><Value>true</Value></Tag>"
            "<Tag><Key>x</Key><Value>&lt;&amp;&gt;</Value></Tag></TagSet></Tagging>");
  EXPECT_EQ(Header(request, "content-type"), "application/xml");
  EXPECT_EQ(Header(request, "content-md5").size(), 24U);

  http_.SetHandler([](const HttpRequest&) {
    return Answer(404, S3Error("NoSuchKey", "The specified key does not exist."));
  });
  const Result<void> missing = store.PutTags("a/c", {{"k", "v"}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);

  http_.SetHandler([](const HttpRequest&) {
    return Answer(200,
                  "<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>");
  });
  const Result<S3Tags> tags = store.GetTags("a/b");
  ASSERT_TRUE(tags.ok()) << tags.error().ToString();
  EXPECT_EQ(*tags, (S3Tags{{"k", "v"}}));
}

TEST_F(S3ObjectStoreTest, ContentMd5IsTheBase64OfTheBodyDigest) {
  S3ObjectStore& store = MakeStore();
  ASSERT_TRUE(store.PutTags("k", {}).ok());
  const HttpRequest request = http_.requests()[0];
  // md5 of the empty tag set document, as `printf %s BODY | openssl md5 -binary | base64` gives.
  EXPECT_EQ(request.body,
            "<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet/></Tagging>");
  EXPECT_EQ(Header(request, "content-md5"), "d4V7YZ7wngRS9pk+2mmhqg==");
}

TEST_F(S3ObjectStoreTest, CreateBucketOutsideUsEast1SendsALocationConstraint) {
  config_.region = "eu-west-1";
  S3ObjectStore& store = MakeStore();
  ASSERT_TRUE(store.CreateBucket().ok());
  const HttpRequest request = http_.requests()[0];
  EXPECT_EQ(request.method, "PUT");
  EXPECT_EQ(request.url, "http://127.0.0.1:9000/mo-bucket");
  EXPECT_EQ(request.body,
            "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>");
}

TEST_F(S3ObjectStoreTest, CreateBucketAcceptsABucketWeAlreadyOwn) {
  S3ObjectStore& store = MakeStore();
  http_.SetHandler([](const HttpRequest& request) {
    if (request.method == "PUT") {
      return Answer(409, S3Error("BucketAlreadyOwnedByYou", "Your previous request succeeded"));
    }
    return Answer(200);
  });
  ASSERT_TRUE(store.CreateBucket().ok());
  EXPECT_TRUE(http_.requests()[0].body.empty()) << "us-east-1 takes no LocationConstraint";

  http_.SetHandler([](const HttpRequest& request) {
    if (request.method == "PUT") {
      return Answer(409, S3Error("BucketAlreadyExists", "The requested bucket name is taken"));
    }
    return Answer(403);
  });
  const Result<void> taken = store.CreateBucket();
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(taken.error().message().find("taken by another account"), std::string::npos);
}

TEST_F(S3ObjectStoreTest, ALifecycleRuleIsMergedIntoTheBucketsRules) {
  S3ObjectStore& store = MakeStore();
  http_.SetHandler([](const HttpRequest& request) {
    if (request.method == "GET") {
      return Answer(200,
                    "<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                    "<Rule><ID>operators-rule</ID><Filter><Prefix>logs/</Prefix></Filter>"
                    "<Status>Enabled</Status><Expiration><Days>7</Days></Expiration></Rule>"
                    "<Rule><ID>expire-settled-artifacts</ID><Status>Disabled</Status></Rule>"
                    "</LifecycleConfiguration>");
    }
    return Answer(200);
  });
  ASSERT_TRUE(
      store.PutLifecycleRule("expire-settled-artifacts", "expire-after-settlement", "true", 30)
          .ok());
  const auto requests = http_.requests();
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_EQ(requests[0].url, "http://127.0.0.1:9000/mo-bucket?lifecycle");
  EXPECT_EQ(requests[1].method, "PUT");
  EXPECT_EQ(requests[1].url, "http://127.0.0.1:9000/mo-bucket?lifecycle");
  EXPECT_EQ(requests[1].body,
            "<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Rule><ID>operators-rule</ID><Filter><Prefix>logs/</Prefix></Filter>"
            "<Status>Enabled</Status><Expiration><Days>7</Days></Expiration></Rule>"
            "<Rule><ID>expire-settled-artifacts</ID><Filter><Tag><Key>expire-after-settlement"
            "</Key><Value>true</Value></Tag></Filter><Status>Enabled</Status>"
            "<Expiration><Days>30</Days></Expiration></Rule></LifecycleConfiguration>");
  EXPECT_FALSE(Header(requests[1], "content-md5").empty());
}

TEST_F(S3ObjectStoreTest, ALifecycleRuleStartsAConfigurationWhenThereIsNone) {
  S3ObjectStore& store = MakeStore();
  http_.SetHandler([](const HttpRequest& request) {
    if (request.method == "GET") {
      return Answer(404, S3Error("NoSuchLifecycleConfiguration", "none"));
    }
    return Answer(200);
  });
  ASSERT_TRUE(store.PutLifecycleRule("r", "k", "v", 1).ok());
  EXPECT_EQ(http_.requests()[1].body,
            "<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Rule>"
            "<ID>r</ID><Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter>"
            "<Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>"
            "</LifecycleConfiguration>");

  // A service without lifecycle support that answers GET ?lifecycle with a listing.
  http_.SetHandler([](const HttpRequest&) {
    return Answer(200, "<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>");
  });
  const Result<void> unsupported = store.PutLifecycleRule("r", "k", "v", 1);
  ASSERT_FALSE(unsupported.ok());
  EXPECT_EQ(unsupported.error().code(), ErrorCode::kDataLoss);
  EXPECT_NE(unsupported.error().message().find("expected <LifecycleConfiguration>"),
            std::string::npos);
  EXPECT_FALSE(store.PutLifecycleRule("r", "k", "v", 0).ok());
}

TEST_F(S3ObjectStoreTest, InvalidKeysAndOptionsAreRejectedWithoutARequest) {
  S3ObjectStoreOptions options;
  options.location.key_prefix = std::string(1000, 'p');
  S3ObjectStore& store = MakeStore(options);
  const Result<void> long_key = store.Put(std::string(30, 'k'), "x");
  ASSERT_FALSE(long_key.ok());
  EXPECT_EQ(long_key.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(store.Get("a//b").ok());
  EXPECT_TRUE(http_.requests().empty());

  const aws::AwsClient client(http_, config_, aws::S3Service(), clock_);
  const auto rejected = [&](S3ObjectStoreOptions bad) {
    if (bad.location.bucket.empty()) {
      bad.location.bucket = "mo-bucket";
    }
    const auto created = S3ObjectStore::Create(client, std::move(bad));
    return !created.ok() && created.error().code() == ErrorCode::kInvalidArgument;
  };
  EXPECT_TRUE(rejected({.location = {.bucket = "Mo_Bucket", .key_prefix = ""}}));
  EXPECT_TRUE(rejected({.location = {.bucket = "mo-bucket", .key_prefix = "/abs"}}));
  EXPECT_TRUE(rejected({.location = {.bucket = "mo-bucket", .key_prefix = "a/"}}));
  EXPECT_TRUE(rejected({.part_size = 4 * kMiB}));
  EXPECT_TRUE(rejected({.max_parallel_parts = 0}));
  EXPECT_TRUE(rejected({.list_page_size = 1001}));
}

TEST(S3UrlTest, BucketNamesAndArnsAreParsedStrictly) {
  EXPECT_EQ(*ParseS3BucketName("mo-bucket"), "mo-bucket");
  EXPECT_EQ(*ParseS3BucketName("arn:aws:s3:::madara-mo-bucket"), "madara-mo-bucket");
  EXPECT_EQ(*ParseS3BucketName("a.b-c1"), "a.b-c1");
  for (const char* bad : {"ab", "Mo-bucket", "-mo", "mo-", "a..b", "192.168.1.2", "mo_bucket",
                          "arn:aws:sqs:::x", "arn:aws:s3:::", std::string(64, 'a').c_str()}) {
    const Result<std::string> parsed = ParseS3BucketName(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
  }
}

TEST(S3UrlTest, S3UrlsGiveBucketAndPrefix) {
  const Result<S3Location> plain = ParseS3Url("s3://mo-bucket");
  ASSERT_TRUE(plain.ok()) << plain.error().ToString();
  EXPECT_EQ(plain->bucket, "mo-bucket");
  EXPECT_EQ(plain->key_prefix, "");
  const Result<S3Location> prefixed = ParseS3Url("s3://mo-bucket/orch/artifacts/");
  ASSERT_TRUE(prefixed.ok()) << prefixed.error().ToString();
  EXPECT_EQ(prefixed->bucket, "mo-bucket");
  EXPECT_EQ(prefixed->key_prefix, "orch/artifacts");
  EXPECT_EQ(ParseS3Url("s3://mo-bucket/")->key_prefix, "");
  for (const char* bad :
       {"file:///x", "s3:/mo-bucket", "s3://Mo/x", "s3://mo-bucket/a//b", "s3://mo-bucket/x?y",
        "s3://key:secret@mo-bucket/x", "s3://mo-bucket/a%20b", "s3://mo-bucket/../x"}) {
    EXPECT_FALSE(ParseS3Url(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace orch::objects
