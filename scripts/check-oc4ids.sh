#!/usr/bin/env bash
# The demo's projects exported as OC4IDS (`kfq export --format oc4ids`) and validated with
# Python's jsonschema (from PyPI, with its date-time and URI checks) against the rules in
# docs/oc4ids/project-package.schema.json — or against the published project package schema
# when KFQ_OC4IDS_SCHEMA names its file. Prints "# pass 1" or "# fail 1" for the closing count.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
schema="${KFQ_OC4IDS_SCHEMA:-docs/oc4ids/project-package.schema.json}"

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "jsonschema[format-nongpl]==4.26.0"
[ -x target/debug/kfq ] || cargo build --quiet -p kfq
export KFQ_DATABASE_URL="sqlite://$work/kfq.db"
target/debug/kfq demo >/dev/null
target/debug/kfq export --format oc4ids -o "$work/projects.json" 2>"$work/export.log"
cat "$work/export.log"

if "$work/venv/bin/python" - "$schema" "$work/projects.json" <<'PY'
import json, sys
from collections import Counter
from jsonschema import Draft4Validator, FormatChecker

schema = json.load(open(sys.argv[1]))
data = json.load(open(sys.argv[2]))
errors = list(Draft4Validator(schema, format_checker=FormatChecker()).iter_errors(data))
for e in errors[:20]:
    print("oc4ids:", "/".join(str(p) for p in e.absolute_path), e.message)
statuses = Counter(p.get("status") for p in data["projects"])
print(f"oc4ids: {len(data['projects'])} projects {dict(statuses)}, {len(errors)} errors")
# Every status a project of the demo can be in must be there to be checked.
missing = {"identification", "preparation", "implementation", "maintenance"} - set(statuses)
if missing:
    print("oc4ids: no project in", sorted(missing))
sys.exit(1 if errors or missing else 0)
PY
then
    echo "# pass 1"
else
    echo "# fail 1"
    exit 1
fi
