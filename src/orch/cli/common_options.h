#pragma once

#include <string>

#include "orch/app/backends.h"
#include "orch/common/result.h"
#include "orch/engine/queue_layout.h"

namespace orch::cli {

/// Options shared by `setup` and `run` (docs/configuration.md).
struct CommonOptions {
  std::string data_dir = "./orchestrator-data";
  std::string database_url;        // empty: sqlite:// under data_dir
  std::string queue_url;           // empty: the database's queue tables; sqs:
  std::string storage_url;         // empty: file:// under data_dir; s3://bucket/prefix
  std::string alert_url = "log:";  // log: | http(s)://webhook | sns://<topic name or ARN>
  std::string layer = "l2";        // decides the queues: l2 or l3
  bool mongodb = false;            // the reference's flag, refused with a pointer to PostgreSQL
  // The reference's AWS flags (docs/aws.md): shorthands for the sqs:, s3:// and sns:// URLs.
  bool aws = false;
  bool aws_s3 = false;
  bool aws_sqs = false;
  bool aws_sns = false;
  std::string aws_prefix;  // names become <prefix>_mo_{}_queue, <prefix>-mo-bucket, ...
  std::string bucket_identifier = "mo-bucket";  // a name or arn:aws:s3:::name
  std::string queue_identifier = "mo_{}_queue";
  std::string topic_identifier = "alerts";  // a name or an SNS topic ARN
};

/// Fills in the embedded defaults under data_dir (creating it when a default uses it), turns
/// the AWS shorthands into URLs and rejects contradictions. Errors: kInvalidArgument naming
/// the option, kUnavailable when the data directory cannot be created.
Result<app::BackendUrls> ResolveBackendUrls(const CommonOptions& options);

/// Queue names from --queue-identifier and --aws-prefix, as the reference names them.
/// Errors: kInvalidArgument (a template without "{}").
Result<engine::QueueLayout::Options> QueueLayoutOptionsFrom(const CommonOptions& options);

}  // namespace orch::cli
