#include "orch/cli/common_options.h"

#include <filesystem>

namespace orch::cli {

Result<app::BackendUrls> ResolveBackendUrls(const CommonOptions& options) {
  if (options.mongodb) {
    return Error::InvalidArgument(
        "--mongodb: MongoDB is not supported; use PostgreSQL (--database-url "
        "postgresql://user@host/db) to share jobs between instances, or the default SQLite "
        "file for one");
  }
  app::BackendUrls urls{options.database_url, options.storage_url, options.alert_url};
  if (!urls.database_url.empty() && !urls.storage_url.empty()) {
    return urls;
  }
  if (options.data_dir.empty()) {
    return Error::InvalidArgument("--data-dir must not be empty");
  }
  std::error_code error;
  const std::filesystem::path data_dir = std::filesystem::absolute(options.data_dir, error);
  if (!error) {
    std::filesystem::create_directories(data_dir, error);
  }
  if (error) {
    return Error::Unavailable("--data-dir {}: cannot create it: {}", options.data_dir,
                              error.message());
  }
  if (urls.database_url.empty()) {
    urls.database_url = "sqlite://" + (data_dir / "orchestrator.db").string();
  }
  if (urls.storage_url.empty()) {
    urls.storage_url = "file://" + (data_dir / "artifacts").string();
  }
  return urls;
}

}  // namespace orch::cli
