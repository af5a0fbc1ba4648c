#!/usr/bin/env bash
# The end-to-end suite drives Debian's Chromium through playwright-core (no browser downloads).
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  echo "ensure-chromium: installing Debian's chromium package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium >/dev/null
fi
