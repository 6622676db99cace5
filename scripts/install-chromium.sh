#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (/usr/bin/chromium); Playwright's own browsers are never
# downloaded. A CJK font is installed too, so screenshots of the Chinese UI are readable.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || missing+=(fonts-wqy-microhei)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "== installing from Debian: ${missing[*]}"
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
test -x /usr/bin/chromium
