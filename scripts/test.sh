#!/usr/bin/env bash
# The whole test suite, as CI runs it: every test on SQLite and, against a real PostgreSQL
# server, on PostgreSQL. PostgreSQL tests fail (they never skip) when no server answers.
set -euo pipefail
cd "$(dirname "$0")/.."

export KFQ_TEST_POSTGRES="${KFQ_TEST_POSTGRES:-postgres://root@127.0.0.1:5432/test}"
scripts/ensure-postgres.sh

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
cargo test --workspace 2>&1 | tee "$log" || status=$?

# One closing line for the whole run, summed over every test binary.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
exit "$status"
