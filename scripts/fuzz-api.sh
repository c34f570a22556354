#!/usr/bin/env bash
# Schemathesis (from PyPI) against kfq's own OpenAPI document, for a bounded time, as a signed-in
# province user on a fresh database: every operation, generated inputs valid and invalid.
# Passes only with zero 5xx and zero answers that break the schema; prints the inputs tried.
#   ./scripts/fuzz-api.sh [SECONDS]      (default 120; needs target/debug/kfq, built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
budget="${1:-120}"
work="$(mktemp -d)"
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==4.32.5"
[ -x target/debug/kfq ] || cargo build --quiet -p kfq
kfq=target/debug/kfq
export KFQ_DATABASE_URL="sqlite://$work/kfq.db"
# The fuzzer is one address sending thousands of requests: its limits are not under test.
export KFQ_RATE_API=0 KFQ_RATE_SIGN_IN=0

cat > "$work/开发区.csv" <<'CSV'
开发区名称,所属市,级别
吕梁经济技术开发区,141100,省级
中北高新区,140100,省级
CSV
cat > "$work/项目.csv" <<'CSV'
项目编号,项目名称,所属开发区,项目类别,总投资（万元）,签约日期,开工日期
LL-1,吕梁经开区氢能项目,吕梁经济技术开发区,产业类,50000,2024-01-10,2024-03-01
TY-1,太原半导体项目,中北高新区,产业类,80000,2024-01-05,
CSV
cat > "$work/活动.csv" <<'CSV'
活动,日期,主会场
2024-1,2024-02-23,太原
CSV
cat > "$work/三个一批.csv" <<'CSV'
活动,批次,项目编号
2024-1,签约,LL-1
CSV
"$kfq" import "$work/开发区.csv" "$work/项目.csv" "$work/活动.csv" "$work/三个一批.csv" >/dev/null
echo "Fuzz-test-2024" | "$kfq" user add --username fuzz --role province --region 140000 --password-stdin >/dev/null
token="$("$kfq" token create --username fuzz | awk '{print $NF}')"

"$kfq" serve --addr 127.0.0.1:0 2>"$work/server.log" &
server=$!
for _ in $(seq 100); do
    addr="$(grep -o 'http://[0-9.:]*' "$work/server.log" | head -1 || true)"
    [ -n "$addr" ] && break
    sleep 0.2
done
[ -n "$addr" ] || { cat "$work/server.log"; echo "fuzz-api: the server did not start"; exit 1; }

status=0
"$work/venv/bin/st" run "$addr/api/v1/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
    --max-time "$budget" --seed 20261123 --workers 1 --no-color \
    >"$work/st.log" 2>&1 || status=$?
tail -25 "$work/st.log"
tried="$(grep -A1 '^Test cases:' "$work/st.log" | tail -1 | grep -o '[0-9]*' | head -1 || true)"
if [ "$status" -eq 0 ]; then
    echo "fuzz-api: ${tried:-?} generated inputs, 0 answers 5xx, 0 breaking the schema"
    echo "# pass 1"
else
    echo "fuzz-api: ${tried:-?} generated inputs; failures above (schemathesis exit ${status})"
    echo "# fail 1"
fi
exit "$status"
