#!/usr/bin/env bash
# Runs the whole test suite of a build directory with ctest. Starts the test services
# (scripts/test-services.sh) for the run unless ORCH_TEST_POSTGRES_URL is already set.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build/release}

if [ -z "${ORCH_TEST_POSTGRES_URL:-}" ]; then
  services_dir=$(mktemp -d /tmp/orch-services-XXXXXX)
  trap 'scripts/test-services.sh stop "$services_dir"; rm -rf "$services_dir"' EXIT
  # Assigned first so that a failed start stops the script (eval "$(...)" would hide it).
  services_env=$(scripts/test-services.sh start "$services_dir")
  eval "$services_env"
fi

ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" --timeout 600
