#!/usr/bin/env bash
# Makes sure LibreOffice (headless: it turns bulletins into PDF and writes the tests' old-format
# .xls ledgers), poppler's pdftotext/pdftoppm (the tests read the PDFs and render their pages)
# and the CJK fonts the documents embed are installed, from Debian's packages.
set -euo pipefail
if command -v soffice >/dev/null && command -v pdftoppm >/dev/null && [ -d /usr/share/fonts/opentype/noto ]; then
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing LibreOffice (headless), poppler-utils and CJK fonts from Debian's packages…" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
  libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-noto-cjk >/dev/null
