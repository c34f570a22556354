#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 for the tests: uses the one that is
# running, starts an installed one that is not, or installs Debian's PostgreSQL and lets the
# current user in without a password on the loopback address (a test machine's set-up).
set -euo pipefail

ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

if command -v pg_isready >/dev/null && ready; then
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

if ! command -v pg_ctlcluster >/dev/null; then
  echo "Installing PostgreSQL (Debian package postgresql) for the tests…" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
fi

version=$(ls /etc/postgresql | sort -V | tail -n 1)
hba="/etc/postgresql/$version/main/pg_hba.conf"
if ! $sudo grep -q "kfq tests" "$hba"; then
  printf '# kfq tests: trust local TCP connections\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n' \
    | $sudo tee /tmp/kfq-hba >/dev/null
  $sudo sh -c "cat '$hba' >> /tmp/kfq-hba && cp /tmp/kfq-hba '$hba'"
fi
$sudo pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null \
  || $sudo pg_ctlcluster --skip-systemctl-redirect "$version" main reload

for _ in $(seq 1 30); do ready && break; sleep 1; done
ready || { echo "PostgreSQL did not start on 127.0.0.1:5432" >&2; exit 1; }

user=$(id -un)
$sudo -u postgres psql -q -h 127.0.0.1 -d postgres -c "DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$user') THEN CREATE ROLE \"$user\" SUPERUSER LOGIN; END IF;
END \$\$;" 2>/dev/null || psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE ROLE \"$user\" SUPERUSER LOGIN" 2>/dev/null || true
psql -q -h 127.0.0.1 -d postgres -c "CREATE DATABASE test" 2>/dev/null || true
