// The backend options of `setup` and `run`: the URL forms, the reference's AWS flags as
// shorthands for them, names with --aws-prefix, and contradictions refused with the options
// named.
#include "orch/cli/common_options.h"

#include <gtest/gtest.h>

namespace orch::cli {
namespace {

CommonOptions WithDatabase() {
  CommonOptions options;
  options.database_url = "postgresql://orch@127.0.0.1/orch";
  options.storage_url = "file:///var/lib/orch/artifacts";
  return options;
}

TEST(ResolveBackendUrlsTest, ReferenceFlagsBecomeTheAwsUrlsWithTheReferenceNames) {
  CommonOptions options = WithDatabase();
  options.storage_url.clear();
  options.aws = options.aws_s3 = options.aws_sqs = options.aws_sns = true;
  Result<app::BackendUrls> urls = ResolveBackendUrls(options);
  ASSERT_TRUE(urls.ok()) << urls.error().ToString();
  EXPECT_EQ(urls->database_url, "postgresql://orch@127.0.0.1/orch");
  EXPECT_EQ(urls->queue_url, "sqs:");
  EXPECT_EQ(urls->storage_url, "s3://mo-bucket");
  EXPECT_EQ(urls->alert_url, "sns://alerts");

  options.aws_prefix = "prod";
  urls = ResolveBackendUrls(options);
  ASSERT_TRUE(urls.ok());
  EXPECT_EQ(urls->storage_url, "s3://prod-mo-bucket");
  EXPECT_EQ(urls->alert_url, "sns://prod-alerts");
}

TEST(ResolveBackendUrlsTest, ArnsAreUsedAsTheyAreWithoutThePrefix) {
  CommonOptions options = WithDatabase();
  options.storage_url.clear();
  options.aws_s3 = options.aws_sns = true;
  options.aws_prefix = "prod";
  options.bucket_identifier = "arn:aws:s3:::shared-artifacts";
  options.topic_identifier = "arn:aws:sns:eu-west-1:123456789012:ops";
  const Result<app::BackendUrls> urls = ResolveBackendUrls(options);
  ASSERT_TRUE(urls.ok()) << urls.error().ToString();
  EXPECT_EQ(urls->storage_url, "s3://shared-artifacts");
  EXPECT_EQ(urls->alert_url, "sns://arn:aws:sns:eu-west-1:123456789012:ops");
}

TEST(ResolveBackendUrlsTest, AwsBackendsMixWithTheEmbeddedOnes) {
  CommonOptions options = WithDatabase();
  options.aws_sqs = true;  // queues in SQS; artifacts stay in the directory, alerts in the log
  const Result<app::BackendUrls> urls = ResolveBackendUrls(options);
  ASSERT_TRUE(urls.ok());
  EXPECT_EQ(urls->queue_url, "sqs:");
  EXPECT_EQ(urls->storage_url, "file:///var/lib/orch/artifacts");
  EXPECT_EQ(urls->alert_url, "log:");

  CommonOptions by_url = WithDatabase();
  by_url.storage_url = "s3://bucket/artifacts";
  by_url.alert_url = "https://hooks.example/orch";
  const Result<app::BackendUrls> mixed = ResolveBackendUrls(by_url);
  ASSERT_TRUE(mixed.ok());
  EXPECT_EQ(mixed->queue_url, "");  // in the database
  EXPECT_EQ(mixed->storage_url, "s3://bucket/artifacts");
  EXPECT_EQ(mixed->alert_url, "https://hooks.example/orch");
}

TEST(ResolveBackendUrlsTest, AShorthandAndAUrlForOneBackendAreRefusedNamingBoth) {
  CommonOptions options = WithDatabase();
  options.aws_s3 = true;  // storage_url is set too
  Result<app::BackendUrls> urls = ResolveBackendUrls(options);
  ASSERT_FALSE(urls.ok());
  EXPECT_EQ(urls.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(urls.error().message().find("--aws-s3 and --storage-url"), std::string::npos);

  options = WithDatabase();
  options.aws_sqs = true;
  options.queue_url = "sqs:";
  urls = ResolveBackendUrls(options);
  ASSERT_FALSE(urls.ok());
  EXPECT_NE(urls.error().message().find("--aws-sqs and --queue-url"), std::string::npos);
}

TEST(ResolveBackendUrlsTest, AwsAloneNamesNoServiceAndIsRefused) {
  CommonOptions options = WithDatabase();
  options.aws = true;
  const Result<app::BackendUrls> urls = ResolveBackendUrls(options);
  ASSERT_FALSE(urls.ok());
  EXPECT_NE(urls.error().message().find("--aws-s3"), std::string::npos);
}

TEST(QueueLayoutOptionsFromTest, PrefixAndTemplateNameTheQueuesAsTheReferenceDoes) {
  CommonOptions options;
  Result<engine::QueueLayout::Options> layout = QueueLayoutOptionsFrom(options);
  ASSERT_TRUE(layout.ok());
  EXPECT_EQ(layout->name_template, "mo_{}_queue");
  options.aws_prefix = "prod";
  layout = QueueLayoutOptionsFrom(options);
  ASSERT_TRUE(layout.ok());
  EXPECT_EQ(layout->name_template, "prod_mo_{}_queue");
  const Result<engine::QueueLayout> queues =
      engine::QueueLayout::Create(engine::Layer::kL2, *layout);
  ASSERT_TRUE(queues.ok());
  EXPECT_EQ(queues->TriggerQueue(), "prod_mo_worker_trigger_queue");

  options.queue_identifier = "no_placeholder";
  layout = QueueLayoutOptionsFrom(options);
  ASSERT_FALSE(layout.ok());
  EXPECT_NE(layout.error().message().find("--queue-identifier"), std::string::npos);
}

}  // namespace
}  // namespace orch::cli
