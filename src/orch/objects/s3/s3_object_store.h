#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "orch/aws/aws_client.h"
#include "orch/common/result.h"
#include "orch/objects/object_store.h"

namespace orch::objects {

/// How a bucket appears in request URLs.
enum class S3Addressing {
  /// <endpoint>/<bucket>/<key>: works with every endpoint, emulators included.
  kPathStyle,
  /// <scheme>://<bucket>.<endpoint host>/<key>, e.g. https://b.s3.eu-west-1.amazonaws.com/k.
  /// With https, bucket names containing '.' do not match AWS's wildcard certificate.
  kVirtualHost,
};

/// Where a store's objects live: s3://<bucket>/<key_prefix>.
struct S3Location {
  std::string bucket;
  /// Prepended to every key as "<key_prefix>/": empty, or a valid object key (no leading or
  /// trailing '/').
  std::string key_prefix;
};

struct S3ObjectStoreOptions {
  S3Location location;
  S3Addressing addressing = S3Addressing::kPathStyle;
  /// Objects of at least this many bytes go up as multipart uploads.
  std::size_t multipart_threshold = std::size_t{16} << 20;
  /// Bytes per part (the last part may be smaller); at least 5 MiB, S3's minimum. Grown for
  /// objects that would otherwise need more than S3's 10,000 parts.
  std::size_t part_size = std::size_t{8} << 20;
  /// Parts of one upload sent at the same time.
  int max_parallel_parts = 4;
  /// Keys per ListObjectsV2 page (S3 answers at most 1000).
  int list_page_size = 1000;
  /// Per attempt, for requests that carry no large body.
  std::chrono::milliseconds request_timeout{30'000};
  /// Uploads get request_timeout plus their size at this rate, so that a large object on a
  /// slow link is not cut off while a dead connection still fails in bounded time.
  std::size_t min_transfer_bytes_per_second = std::size_t{1} << 20;
  /// Per attempt, for reading an object (whose size is not known in advance).
  std::chrono::milliseconds get_timeout{600'000};
};

/// What HeadObject tells about an object.
struct S3ObjectInfo {
  std::uint64_t size = 0;
  std::string etag;  // as S3 sends it, quotes included
};

/// S3 object tags: key → value.
using S3Tags = std::map<std::string, std::string, std::less<>>;

/// The bucket name in `identifier`: a plain name ("mo-bucket") or an ARN
/// ("arn:aws:s3:::mo-bucket"). Errors: kInvalidArgument (not a valid S3 bucket name: 3 to 63
/// characters, lower-case letters, digits, '.' and '-', starting and ending with a letter or
/// digit).
Result<std::string> ParseS3BucketName(std::string_view identifier);

/// The location in an "s3://<bucket>[/<key prefix>[/]]" URL (a trailing '/' is dropped).
/// Errors: kInvalidArgument (another scheme, a bad bucket name, a prefix that is not a valid
/// object key, a query or credentials in the URL).
Result<S3Location> ParseS3Url(std::string_view url);

/// ObjectStore on Amazon S3 or an S3-compatible service. Key "jobs/1/proof.json" of a store at
/// s3://mo-bucket/artifacts is the S3 object "artifacts/jobs/1/proof.json" of bucket
/// "mo-bucket"; every key segment is percent-encoded in request paths ('/' kept).
///
/// How the ObjectStore contract maps onto S3:
///  - Put is a single PutObject below multipart_threshold, else a multipart upload
///    (CreateMultipartUpload, UploadPart × n, CompleteMultipartUpload). S3 makes either
///    visible atomically, and only once complete; a failed multipart upload is aborted
///    (AbortMultipartUpload, best effort) so that its parts are not kept and billed. Every
///    request body is covered by the SigV4 payload hash, which S3 checks.
///  - Read-after-write: S3 is strongly consistent for PutObject, GetObject, HeadObject and
///    ListObjectsV2 (since December 2020).
///  - List pages through ListObjectsV2 with continuation tokens and sorts the keys itself:
///    S3 already answers in UTF-8 byte order, but S3-compatible services do not all do so.
///  - Delete is DeleteObject; S3 answers 204 for a missing key, and a 404 (a missing bucket)
///    also counts as deleted.
///  - Exists is HeadObject. A HEAD answer has no body, so a missing bucket cannot be told
///    from a missing key: both read as false. HeadBucket is the preflight for the bucket.
/// Errors name the object as s3://<bucket>/<S3 key> and come from aws::AwsClient (which
/// retries transient failures): kNotFound (NoSuchKey, NoSuchBucket), kInvalidArgument
/// (refused credentials or signature, other 4xx; permanent), kUnavailable (throttling such
/// as 503 SlowDown, 5xx, network; transient), kTimeout; kDataLoss for an answer that does not
/// parse.
///
/// Thread-safe: immutable after construction (the AwsClient is thread-safe); a multipart upload
/// runs its parts on threads of its own and joins them before returning.
class S3ObjectStore final : public ObjectStore {
 public:
  /// A store over `client` (an S3 client: aws::S3Service(); it must outlive the store).
  /// Errors: kInvalidArgument (bad bucket name, key prefix, part size or other option; an
  /// endpoint virtual-host addressing cannot put a bucket name into).
  static Result<std::unique_ptr<S3ObjectStore>> Create(const aws::AwsClient& client,
                                                       S3ObjectStoreOptions options);

  S3ObjectStore(const S3ObjectStore&) = delete;
  S3ObjectStore& operator=(const S3ObjectStore&) = delete;

  // ObjectStore
  Result<void> Put(std::string_view key, std::string_view bytes) override;
  Result<std::string> Get(std::string_view key) override;
  Result<bool> Exists(std::string_view key) override;
  Result<void> Delete(std::string_view key) override;
  Result<std::vector<std::string>> List(std::string_view prefix) override;

  /// Up to `length` bytes of the object from byte `offset` (fewer if the object ends first).
  /// Errors: kInvalidArgument (length 0, or `offset` at or past the end: InvalidRange),
  /// kNotFound, and those of Get.
  Result<std::string> GetRange(std::string_view key, std::uint64_t offset, std::uint64_t length);

  /// The object's size and ETag. Errors: kNotFound (no such object, or no such bucket),
  /// kDataLoss (no usable Content-Length), and those of Get.
  Result<S3ObjectInfo> Head(std::string_view key);

  /// Replaces the object's tags (PutObjectTagging). Errors: kNotFound for a missing object, so
  /// that callers expiring artifacts can count it as done; kInvalidArgument (S3 refuses the
  /// tags: at most 10, key ≤ 128 and value ≤ 256 characters).
  Result<void> PutTags(std::string_view key, const S3Tags& tags);

  /// The object's tags (GetObjectTagging). Errors: kNotFound, kDataLoss.
  Result<S3Tags> GetTags(std::string_view key);

  /// Creates the bucket, in the client's region (a LocationConstraint unless us-east-1).
  /// Idempotent: a bucket that already exists and that these credentials can reach is success.
  /// Errors: kAlreadyExists (the name belongs to someone else), and the common ones.
  Result<void> CreateBucket();

  /// Checks that the bucket exists and these credentials reach it (HeadBucket): the startup
  /// check. Errors: kNotFound (no such bucket), kInvalidArgument (access refused).
  Result<void> HeadBucket();

  /// Installs (or replaces) the lifecycle rule `rule_id`: objects tagged `tag_key`=`tag_value`
  /// expire `days` days after creation. Other rules of the bucket are kept: S3 replaces the
  /// whole lifecycle configuration on every write, so it is read, edited and written back.
  /// Errors: kInvalidArgument (empty id, days < 1), kDataLoss (the configuration read back is
  /// not a LifecycleConfiguration: a service without lifecycle support), the common ones.
  Result<void> PutLifecycleRule(std::string_view rule_id, std::string_view tag_key,
                                std::string_view tag_value, int days);

  const S3Location& location() const { return options_.location; }

 private:
  S3ObjectStore(const aws::AwsClient& client, S3ObjectStoreOptions options, std::string bucket_url);

  // The S3 key for a store key, and "s3://bucket/<S3 key>" for messages.
  Result<std::string> S3KeyFor(std::string_view key) const;
  std::string Describe(std::string_view s3_key) const;
  // Absolute request URLs; `query` is appended after '?' when not empty.
  std::string ObjectUrl(std::string_view s3_key, std::string_view query = {}) const;
  std::string BucketUrl(std::string_view query = {}) const;
  std::chrono::milliseconds UploadTimeout(std::size_t bytes) const;

  Result<void> PutSingle(const std::string& s3_key, std::string_view bytes);
  Result<void> PutMultipart(const std::string& s3_key, std::string_view bytes);
  Result<std::string> UploadPart(const std::string& s3_key, const std::string& upload_id,
                                 int part_number, std::string_view bytes);
  // Sends `request` as `operation`, adding "<what>: " to any error.
  Result<http::HttpResponse> Send(std::string_view operation, http::HttpRequest request,
                                  std::string_view what) const;

  const aws::AwsClient& client_;
  const S3ObjectStoreOptions options_;
  // <endpoint>/<bucket> or <scheme>://<bucket>.<host>, without a trailing '/'.
  const std::string bucket_url_;
};

}  // namespace orch::objects
