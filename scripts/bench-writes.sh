#!/usr/bin/env bash
# Month-end submissions under load, as measured for BENCHMARKS.md: zone clerks PATCH their
# zones' monthly returns through the API (scripts/wrk/monthly-fill.lua) while, if asked, a
# provincial official reads a dashboard question at the same time. Not part of the tests: it
# needs a generated ledger and wrk (Debian's package), and it measures this machine.
#
#   scripts/bench-writes.sh /tmp/g/n2.db [zones=60] [seconds=10] [read-url-path]
#
# The ledger is a SQLite file made by `kfq --database sqlite:///tmp/g/n2.db gen --scale national`.
# One clerk account and API token per zone is created (once; later runs reuse them) and the
# server is started with the API rate limit off (KFQ_RATE_API=0), or wrk would measure the
# 429s. The month written is the one still open on the day of the run (KFQ_MONTH, the previous
# month by default: its deadline is the 10th).
set -euo pipefail
cd "$(dirname "$0")/.."
db="$1"; zones="${2:-60}"; seconds="${3:-10}"; read_path="${4:-}"
kfq="${KFQ_BIN:-target/release/kfq}"
month="${KFQ_MONTH:-$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m)}"
addr=127.0.0.1:18080
work="$(mktemp -d)"
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
python3 - "$db" "$zones" "$month" "$kfq" > "$work/targets.txt" <<'PY'
import calendar, sqlite3, subprocess, sys
db, n, month, kfq = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
year, m = (int(x) for x in month.split("-"))
first, last = f"{month}-01", f"{month}-{calendar.monthrange(year, m)[1]:02d}"
c = sqlite3.connect(db)
url = "sqlite://" + db
for zone, name in c.execute("SELECT id, name FROM zones ORDER BY id LIMIT ?", (n,)).fetchall():
    line = c.execute("""SELECT id FROM projects WHERE zone_id = ? AND started_on <= ?
        AND (producing_on IS NULL OR producing_on >= ?) AND (terminated_on IS NULL OR terminated_on >= ?)
        ORDER BY id LIMIT 1""", (zone, last, first, first)).fetchone()
    if not line:
        continue
    version = c.execute("SELECT version FROM monthly_returns WHERE zone_id = ? AND month = ?",
                        (zone, year * 100 + m)).fetchone()
    user = f"clerk{zone}"
    subprocess.run([kfq, "--database", url, "user", "add", "--username", user, "--role", "zone",
                    "--region", name, "--password-stdin"], input=b"Bench-Passw0rd!x",
                   capture_output=True)  # already there on a later run
    token = subprocess.run([kfq, "--database", url, "token", "create", "--username", user],
                           check=True, capture_output=True).stdout.decode().split()[-1]
    print(zone, line[0], version[0] if version else 0, token)
PY
KFQ_RATE_API=0 "$kfq" --database "sqlite://$db" serve --addr "$addr" > "$work/serve.log" 2>&1 &
server=$!
until curl -s -o /dev/null "http://$addr/login"; do sleep 1; done
# The first request loads the read model; wait for it before timing anything.
first="$(head -1 "$work/targets.txt")"
curl -s -o /dev/null -w "model loaded, first answer after %{time_total} s\n" \
    -H "Authorization: Bearer ${first##* }" "http://$addr/api/v1/monthly/${first%% *}/$month"
if [ -n "$read_path" ]; then
    echo 'Bench-Passw0rd!x' | "$kfq" --database "sqlite://$db" user add --username bench-reader \
        --role province --region 140000 --password-stdin > /dev/null 2>&1 || true
    reader="$("$kfq" --database "sqlite://$db" token create --username bench-reader | awk '{print $NF}' | tail -1)"
    wrk -t1 -c2 -d"${seconds}s" --latency -H "Authorization: Bearer $reader" \
        "http://$addr$read_path" > "$work/reads.txt" 2>&1 &
    reads=$!
fi
KFQ_TARGETS="$work/targets.txt" KFQ_MONTH="$month" KFQ_THREADS=2 \
    wrk -t2 -c4 -d"${seconds}s" --latency -s scripts/wrk/monthly-fill.lua "http://$addr"
if [ -n "$read_path" ]; then
    wait "$reads"
    echo "--- reads of $read_path meanwhile"
    cat "$work/reads.txt"
fi
