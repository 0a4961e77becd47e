#!/usr/bin/env bash
# Installs what SynthReview needs on Debian/Ubuntu, only what is missing.
#   scripts/deps.sh run    packages to build and run the workstation
#   scripts/deps.sh test   the above plus the tools the tests use
set -euo pipefail
want=(gcc libc6-dev pkg-config libgl-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev)
if [ "${1:-run}" = test ]; then
  want+=(xvfb xauth x11-utils xdotool imagemagick poppler-utils libimage-exiftool-perl sqlite3 ffmpeg)
fi
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
if ! command -v go >/dev/null 2>&1 && [ ! -x /usr/local/go/bin/go ]; then
  missing+=(golang-go)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "==> Debian packages: all present"
fi
