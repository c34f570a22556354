#!/usr/bin/env bash
# Makes sure Debian's Chromium (driven by playwright-core, which downloads no browser of its
# own) and a Chinese font for legible screenshots are installed.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -d /usr/share/fonts/opentype/noto ]; then
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing Chromium and CJK fonts (Debian packages chromium, fonts-noto-cjk) for the browser tests…" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
