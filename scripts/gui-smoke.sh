#!/usr/bin/env bash
# Opens the real workstation window on a fresh demo workspace under Xvfb,
# checks the window comes up, and saves a screenshot.
#   scripts/gui-smoke.sh BIN WORKDIR
set -euo pipefail
bin="$1"; work="$2"
mkdir -p "$work"
"$bin" demo --workspace "$work/ws" > /dev/null 2>&1
export DISPLAY=:97
Xvfb "$DISPLAY" -screen 0 1280x800x24 -nolisten tcp -noreset > "$work/xvfb.log" 2>&1 &
xvfb=$!
trap 'kill $gui $xvfb 2>/dev/null; wait 2>/dev/null; true' EXIT
gui=""
for i in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
LANG=zh_CN.UTF-8 "$bin" gui --workspace "$work/ws" > "$work/gui.log" 2>&1 &
gui=$!
for i in $(seq 150); do
  if xwininfo -root -tree 2>/dev/null | grep -q 'SynthReview'; then break; fi
  if ! kill -0 "$gui" 2>/dev/null; then echo "the GUI exited:"; cat "$work/gui.log"; exit 1; fi
  sleep 0.2
done
if ! xwininfo -root -tree | grep -q 'SynthReview'; then echo "no SynthReview window after 30 s"; cat "$work/gui.log"; exit 1; fi
sleep 2
import -window root "$work/screen.png"
colours=$(convert "$work/screen.png" -format '%k' info:)
if [ "$colours" -lt 8 ]; then echo "the window looks blank ($colours colours)"; exit 1; fi
echo "  window up, screenshot $work/screen.png ($colours colours)"
