#include "orch/cli/cli.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "orch/cli/run_command.h"
#include "orch/cli/setup_command.h"
#include "orch/common/logging.h"

namespace orch::cli {
namespace {

void AddCommonOptions(CLI::App& command, CommonOptions& options) {
  command
      .add_option("--data-dir", options.data_dir,
                  "Directory for the embedded defaults (SQLite file and artifacts)")
      ->envname("MADARA_ORCHESTRATOR_DATA_DIR")
      ->capture_default_str();
  command
      .add_option("--database-url", options.database_url,
                  "Jobs, locks and queues: sqlite:///abs/path.db or postgresql://user@host/db "
                  "(default: sqlite under --data-dir)")
      ->envname("MADARA_ORCHESTRATOR_DATABASE_URL");
  command
      .add_option("--storage-url", options.storage_url,
                  "Artifacts: file:///abs/dir (default: artifacts/ under --data-dir)")
      ->envname("MADARA_ORCHESTRATOR_STORAGE_URL");
  command
      .add_option("--alert-url", options.alert_url,
                  "Alerts: log: or an http(s):// webhook receiving JSON POSTs")
      ->envname("MADARA_ORCHESTRATOR_ALERT_URL")
      ->capture_default_str();
  command.add_flag("--mongodb", options.mongodb,
                   "Not supported (the reference's database); use --database-url postgresql://");
}

}  // namespace

int RunCli(int argc, char** argv) {
  CLI::App app{
      "Madara Orchestrator: takes every block of a Starknet appchain through "
      "SNOS, proving, data availability and settlement."};
  app.set_version_flag("--version", std::string(ORCH_VERSION));
  app.require_subcommand(1);

  CommonOptions setup_options;
  CLI::App* setup = app.add_subcommand(
      "setup", "Create or upgrade the database schema and the artifact directory");
  AddCommonOptions(*setup, setup_options);

  CommonOptions run_options;
  CLI::App* run = app.add_subcommand("run", "Run the orchestrator service");
  AddCommonOptions(*run, run_options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  Result<LogSettings> log_settings = LogSettingsFromEnvironment(&ProcessEnvironment);
  if (!log_settings.ok()) {
    std::cerr << "error: " << log_settings.error().message() << "\n";
    return 2;
  }
  InitLogging(*log_settings);

  Result<void> result = setup->parsed() ? RunSetup(setup_options) : RunServer(run_options);
  if (!result.ok()) {
    std::cerr << "error: " << result.error().message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace orch::cli
