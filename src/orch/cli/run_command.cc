#include "orch/cli/run_command.h"

#include "orch/store/schema.h"

namespace orch::cli {

Result<void> RunServer(const CommonOptions& options) {
  ORCH_ASSIGN_OR_RETURN(const app::BackendUrls urls, ResolveBackendUrls(options));
  SystemClock clock;
  ORCH_ASSIGN_OR_RETURN(auto backends, app::Backends::Open(urls, clock));
  ORCH_RETURN_IF_ERROR(store::CheckSchemaIsCurrent(backends->database()));
  return Error::FailedPrecondition(
      "the backends are ready, but this build has no job engine yet: `run` cannot process "
      "blocks (only `setup` is available)");
}

}  // namespace orch::cli
