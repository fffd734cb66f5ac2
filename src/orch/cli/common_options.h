#pragma once

#include <string>

#include "orch/app/backends.h"
#include "orch/common/result.h"

namespace orch::cli {

/// Options shared by `setup` and `run` (docs/configuration.md).
struct CommonOptions {
  std::string data_dir = "./orchestrator-data";
  std::string database_url;  // empty: sqlite:// under data_dir
  std::string storage_url;   // empty: file:// under data_dir
  std::string alert_url = "log:";
  std::string layer = "l2";  // decides the queues: l2 or l3
  bool mongodb = false;      // the reference's flag, refused with a pointer to PostgreSQL
};

/// Fills in the embedded defaults under data_dir (creating it when a default uses it) and
/// rejects contradictions. Errors: kInvalidArgument naming the option, kUnavailable when the
/// data directory cannot be created.
Result<app::BackendUrls> ResolveBackendUrls(const CommonOptions& options);

}  // namespace orch::cli
