#include "orch/cli/setup_command.h"

#include <spdlog/spdlog.h>

#include "orch/common/url.h"
#include "orch/engine/queue_layout.h"
#include "orch/store/schema.h"

namespace orch::cli {

Result<void> RunSetup(const CommonOptions& options) {
  ORCH_ASSIGN_OR_RETURN(const app::BackendUrls urls, ResolveBackendUrls(options));
  ORCH_ASSIGN_OR_RETURN(auto database, app::OpenDatabase(urls.database_url));
  Result<int> applied = store::ApplyMigrations(*database);
  if (!applied.ok()) {
    return applied.error().WithContext(RedactUrl(urls.database_url));
  }
  ORCH_ASSIGN_OR_RETURN(int version, store::SchemaVersion(*database));
  database.reset();
  // Opening every backend checks the storage and alert URLs and creates the artifact directory.
  ORCH_ASSIGN_OR_RETURN(const engine::Layer layer, engine::ParseLayer(options.layer));
  ORCH_ASSIGN_OR_RETURN(const engine::QueueLayout layout, engine::QueueLayout::Create(layer, {}));
  SystemClock clock;
  ORCH_ASSIGN_OR_RETURN(auto backends, app::Backends::Open(urls, clock));
  for (const queue::QueueConfig& config : layout.Configs()) {
    ORCH_RETURN_IF_ERROR(backends->queue().CreateQueue(config));
  }
  spdlog::info(
      "setup complete: database {} at schema version {} ({} migration(s) applied); "
      "artifacts at {}",
      RedactUrl(urls.database_url), version, *applied, RedactUrl(urls.storage_url));
  return Ok();
}

}  // namespace orch::cli
