#!/usr/bin/env bash
# browser.sh: make sure Debian's Chromium and a CJK font are installed for
# the back office's browser tests, and print the browser's path.
#
# Installs the packages `chromium` and `fonts-wqy-microhei` with apt-get when
# they are missing and we are root; otherwise says exactly what to install
# and fails. The browser tests run this themselves, so `make test` on a
# fresh clone needs nothing else.
set -euo pipefail

say() { echo "browser: $*" >&2; }

find_chromium() {
	local c
	for c in chromium chromium-browser; do
		if command -v "$c" >/dev/null 2>&1; then
			command -v "$c"
			return 0
		fi
	done
	return 1
}

font_installed() { [ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; }

missing=()
find_chromium >/dev/null || missing+=(chromium)
font_installed || missing+=(fonts-wqy-microhei)

if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		say "missing: ${missing[*]}"
		say "install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
		exit 1
	fi
	say "installing ${missing[*]} (apt-get)"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

path=$(find_chromium) || { say "chromium is still missing after apt-get install"; exit 1; }
echo "$path"
