#!/usr/bin/env bash
# Installs every Debian and npm package the project needs. Idempotent and quiet: when
# everything is present it only checks (a few seconds) and installs nothing.
#
# Debian packages come from apt (run as root, as on the project machines and in CI); npm
# packages are pinned by package-lock.json and installed with `npm ci`.
set -euo pipefail
cd "$(dirname "$0")/.."

debian_packages=(
  # toolchain (clang builds the demo binary: the quickest cold build, see CMakePresets.json)
  g++ clang cmake ninja-build ccache pkg-config make clang-format python3
  # libraries
  libsqlite3-dev sqlite3 libpqxx-dev libpq-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libcli11-dev libcurl4-openssl-dev libcpp-httplib-dev uuid-dev libssl-dev
  libcrypto++-dev libsecp256k1-dev libzip-dev libpugixml-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev postgresql
  # npm packages (Anvil, solc-js, c-kzg sources, test oracles) need Node.js
  nodejs npm
)

missing=()
for package in "${debian_packages[@]}"; do
  # nodejs/npm may come from elsewhere on a machine; a working command is enough.
  case "$package" in
    nodejs) command -v node >/dev/null && continue ;;
    npm) command -v npm >/dev/null && continue ;;
  esac
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# npm: reinstall only when the lock file changed since the last install.
if [ -f package-lock.json ]; then
  stamp=node_modules/.orch-lock.sha256
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "install-deps: npm ci"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
    mkdir -p node_modules
    echo "$want" >"$stamp"
  fi
fi
echo "install-deps: all dependencies present"
