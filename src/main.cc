#include "orch/cli/cli.h"

int main(int argc, char** argv) { return orch::cli::RunCli(argc, argv); }
