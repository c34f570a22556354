#!/usr/bin/env bash
# The whole test suite, as CI runs it: every Rust test on SQLite and, against a real PostgreSQL
# server, on PostgreSQL; then the browser tests in Debian's Chromium; then a minute of fuzzing the
# ledger reader, the small dashboard bench, the OC4IDS check and schemathesis on the API.
# PostgreSQL and browser tests fail (they never skip) when their server or browser is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

export KFQ_TEST_POSTGRES="${KFQ_TEST_POSTGRES:-postgres://root@127.0.0.1:5432/test}"
scripts/ensure-postgres.sh
scripts/ensure-browser.sh
scripts/ensure-office.sh

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
cargo test --workspace 2>&1 | tee "$log" || status=$?

# Browser tests drive the binary the Rust tests just built; screenshots go to screenshots/.
(cd e2e && npm ci --no-audit --no-fund --silent && KFQ_BIN=../target/debug/kfq node --test --test-concurrency=1) 2>&1 | tee -a "$log" \
  || status=$?

# The ledger reader's fuzz target for a minute: mutated and generated files through every step
# an import takes; any panic fails the run (its input is kept under target/fuzz-crashes/).
cargo run -q -p kfq-ledger --example fuzz_ledger -- "${KFQ_FUZZ_SECONDS:-60}" 2>&1 | tee -a "$log" || status=$?

# The dashboard bench at a small scale on both engines: kfq's answers must equal plain SQL's.
scripts/bench-small.sh 2>&1 | tee -a "$log" || status=$?

# The demo's projects as OC4IDS open data, validated against the standard's rules.
scripts/check-oc4ids.sh 2>&1 | tee -a "$log" || status=$?

# Schemathesis against the API's own OpenAPI document for two minutes: no 5xx, no answer that
# breaks the schema (it counts as one passed or failed test in the closing line).
scripts/fuzz-api.sh 120 2>&1 | tee -a "$log" || status=$?

# One closing line for the whole run, summed over every test binary and the browser tests.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     /^# pass / { p += $3 } /^# fail / { f += $3 }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
exit "$status"
