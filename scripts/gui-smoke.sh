#!/usr/bin/env bash
# Opens the real workstation window on a fresh demo workspace under Xvfb and
# works it with the keyboard, as a reviewer would (xdotool): the window must
# come up in Chinese, reviewer1 signs in, N claims an item, A approves it,
# and the approval's file must appear in outbox/. Saves screenshots.
#   scripts/gui-smoke.sh BIN WORKDIR
set -euo pipefail
bin="$1"; work="$2"
mkdir -p "$work"
"$bin" demo --workspace "$work/ws" > /dev/null 2>&1
# The check counts the outbox file of a live approval: no claim may serve
# hidden gold (two of the demo's live gold items were cleared by the rules).
echo synthreview-demo | "$bin" settings set --workspace "$work/ws" --as trainer quality.hidden_gold_percent 0 > "$work/settings.log" 2>&1 || { cat "$work/settings.log"; exit 1; }
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_CACHE_HOME="$work/home/.cache"
mkdir -p "$HOME"
: > "$work/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -noreset 3>>"$work/display" > "$work/xvfb.log" 2>&1 &
xvfb=$!
gui=""
trap 'kill $gui $xvfb 2>/dev/null; wait 2>/dev/null; true' EXIT
for i in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
export DISPLAY=":$(head -1 "$work/display")"
for i in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 "$bin" gui --workspace "$work/ws" > "$work/gui.log" 2>&1 &
gui=$!
win=""
for i in $(seq 150); do
  win=$(xdotool search --name 'SynthReview' 2>/dev/null | head -1 || true)
  [ -n "$win" ] && break
  if ! kill -0 "$gui" 2>/dev/null; then echo "the GUI exited:"; cat "$work/gui.log"; exit 1; fi
  sleep 0.2
done
if [ -z "$win" ]; then echo "no SynthReview window after 30 s"; cat "$work/gui.log"; exit 1; fi
sleep 2
import -window root "$work/signin.png"
colours=$(convert "$work/signin.png" -format '%k' info:)
if [ "$colours" -lt 8 ]; then echo "the window looks blank ($colours colours)"; exit 1; fi
echo "  window up, sign-in screen $work/signin.png ($colours colours)"

state() { # state NAME: how many items are in that state now
  LANG=en_US.UTF-8 "$bin" status --workspace "$work/ws" --json 2>/dev/null | python3 -c "import json,sys; print(json.load(sys.stdin)['by_state'].get('$1', 0))"
}
wait_for() { # wait_for DESCRIPTION COMMAND...: up to 20 s
  local what=$1; shift
  for i in $(seq 100); do "$@" && return 0; sleep 0.2; done
  echo "  $what: not after 20 s"; import -window root "$work/failed.png"; cat "$work/gui.log"; exit 1
}
xdotool windowfocus --sync "$win" 2>/dev/null || true
xdotool type --delay 20 reviewer1
xdotool key Tab
xdotool type --delay 20 synthreview-demo
xdotool key Return
approved=$(state approved)
sleep 1
xdotool key n
wait_for "N claims an item" test "$(state in_review)" = 1
sleep 1
import -window root "$work/desk.png"
echo "  signed in as reviewer1 and claimed an item with N ($work/desk.png)"
before=$(ls "$work/ws/outbox" | grep -c '\.json$' || true)
xdotool key a
wait_for "A approves it" test "$(state approved)" = $((approved + 1))
outbox_grew() { [ "$(ls "$work/ws/outbox" | grep -c '\.json$' || true)" -gt "$before" ]; }
wait_for "its file in outbox/" outbox_grew
echo "  A approved it and its file is in outbox/ ($(ls "$work/ws/outbox" | grep '\.json$' | tail -1))"
