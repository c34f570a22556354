#!/usr/bin/env bash
# `kfq bench` at a small scale, as CI runs it to keep it working: 10,000 synthetic projects over
# every province into a temporary SQLite file and a fresh PostgreSQL database, then the five
# dashboard questions timed on both, kfq next to plain SQL. It fails when any of kfq's answers
# differs from SQL's. The national figures are in BENCHMARKS.md (same command, --scale national).
set -euo pipefail
cd "$(dirname "$0")/.."
kfq="${KFQ_BIN:-target/debug/kfq}"
server="${KFQ_TEST_POSTGRES:-postgres://root@127.0.0.1:5432/test}"
name="kfq_bench_$$"
work="$(mktemp -d)"
cleanup() {
    rm -rf "$work"
    psql "$server" -q -c "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1 || true
}
trap cleanup EXIT
psql "$server" -q -c "CREATE DATABASE $name"
postgres="${server%/*}/$name"
status=0
"$kfq" --lang en --database "sqlite://$work/bench.db" gen --scale 10000 &&
    "$kfq" --lang en --database "$postgres" gen --scale 10000 &&
    "$kfq" --lang en --database "sqlite://$work/bench.db" bench --postgres "$postgres" \
        --runs 3 --as-of 2026-09-30 || status=$?
if [ "$status" -eq 0 ]; then echo "# pass 1"; else echo "# fail 1"; fi
exit "$status"
