#!/usr/bin/env bash
# A stand-in for the SNOS command sidecar (docs/snos.md) for the CommandSnosRunner tests.
# FAKE_SNOS_MODE picks the behaviour; when FAKE_SNOS_RECORD_DIR is set, the arguments (one per
# line), the environment and the pid are written there first (the output directory is removed
# after the run, so the record goes elsewhere).
set -u

output_dir=""
start_block=""
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --output-dir) output_dir="${args[i + 1]}" ;;
    --start-block) start_block="${args[i + 1]}" ;;
  esac
done

if [[ -n "${FAKE_SNOS_RECORD_DIR:-}" ]]; then
  record="${FAKE_SNOS_RECORD_DIR}"
  printf '%s\n' "$@" >"${record}/args"
  env >"${record}/env"
  echo $$ >"${record}/pid"
fi

write_pie() { printf 'PK\003\004fake cairo pie' >"${output_dir}/cairo_pie.zip"; }

case "${FAKE_SNOS_MODE:-ok}" in
  ok)
    # The output names the block, so that concurrent runs can be told apart.
    write_pie
    printf '["0x%x", "0x1", "0x2"]' "${start_block}" >"${output_dir}/os_output.json"
    ;;
  number-element)
    write_pie
    echo '["0x1", "0x2", 3]' >"${output_dir}/os_output.json"
    ;;
  bad-felt)
    write_pie
    echo '["0x1", "0xzz"]' >"${output_dir}/os_output.json"
    ;;
  not-json)
    write_pie
    echo 'not json' >"${output_dir}/os_output.json"
    ;;
  not-zip)
    echo 'not a zip' >"${output_dir}/cairo_pie.zip"
    echo '["0x1"]' >"${output_dir}/os_output.json"
    ;;
  no-os-output)
    write_pie
    ;;
  no-output) ;;
  retry)
    echo "starknet_getStorageProof: connection reset by peer" >&2
    exit 75
    ;;
  fail)
    # A long log, the RPC URL (with its key) echoed, and the cause at the end.
    for ((line = 0; line < 200; line++)); do
      echo "early log line ${line}: executing transactions of block ${start_block}" >&2
    done
    echo "rpc client: cannot use ${SNOS_RPC_URL}" >&2
    echo "Error: OS execution error: Unknown opcode at pc 1234" >&2
    exit 1
    ;;
  flood)
    # Far more stderr than is kept, the RPC URL all through it.
    for ((line = 0; line < 4000; line++)); do
      echo "log line ${line}: asked ${SNOS_RPC_URL} for block ${start_block}" >&2
    done
    echo "Error: OS execution error: the last words" >&2
    exit 1
    ;;
  kill-self)
    kill -KILL $$
    ;;
  sleep)
    # A child in the same process group, then a wait that SIGTERM ends.
    sleep 60 &
    [[ -n "${FAKE_SNOS_RECORD_DIR:-}" ]] && echo $! >"${FAKE_SNOS_RECORD_DIR}/child_pid"
    echo "waiting for the node" >&2
    wait
    ;;
  ignore-term)
    trap '' TERM
    sleep 60 &
    [[ -n "${FAKE_SNOS_RECORD_DIR:-}" ]] && echo $! >"${FAKE_SNOS_RECORD_DIR}/child_pid"
    while true; do wait; done
    ;;
  *)
    echo "fake_snos_sidecar: unknown FAKE_SNOS_MODE ${FAKE_SNOS_MODE}" >&2
    exit 2
    ;;
esac
