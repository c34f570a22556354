#!/usr/bin/env bash
# Makes the README's pictures of the bulletins from the demo data: one page of each, as kfq
# writes it to PDF and poppler renders it (docs/bulletin-*.png).
#   ./scripts/bulletin-pictures.sh        (needs LibreOffice and poppler: scripts/ensure-office.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build --quiet --release -p kfq
kfq=target/release/kfq
export KFQ_DATABASE_URL="sqlite://$work/kfq.db"
"$kfq" demo >/dev/null
"$kfq" report bulletin round 2024-4 --region 140000 -o "$work/round.pdf"
"$kfq" report monthly 2024-10 --region 140000 -o "$work/monthly.pdf"
"$kfq" report quarterly 2024-4 --region 140000 -o "$work/quarterly.pdf"
# page: the round's summary (1), the monthly chart and zones (2), the ranking's chart (2).
for doc in round:1 monthly:2 quarterly:2; do
    name="${doc%%:*}" page="${doc##*:}"
    pdftoppm -png -r 60 -f "$page" -l "$page" -singlefile "$work/$name.pdf" "docs/bulletin-$name"
done
ls -l docs/bulletin-*.png
