#!/usr/bin/env bash
# desk-screenshots.sh — the README's screenshots of the workstation, made
# from a fresh demo workspace under Xvfb by driving the real window with the
# keyboard (xdotool), in Chinese and in English.
#
#   scripts/desk-screenshots.sh BIN [OUT]     (OUT defaults to docs/screenshots)
#
# Writes OUT/NAME-{zh,en}.png for reviewer1's screens (signin, desk,
# revealed, reject, keys, queues, training, scores, lock), the manager's
# (dashboard, complaints, consents, realnames, export) and the trainer's
# (goldsets, quality: the scores screen's hidden gold and calibration). Needs Xvfb, xdotool, xdpyinfo
# and import (imagemagick). Look at every picture before committing it.
set -euo pipefail
bin=${1:?usage: desk-screenshots.sh BIN [OUT]}
out=${2:-docs/screenshots}
mkdir -p "$out"
work=$(mktemp -d)
xvfb="" gui=""
cleanup() { kill $gui $xvfb 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# session LOCALE SUFFIX USER STEP...: opens the window on the demo workspace
# (made once per language), signs USER in and runs the steps:
#   key:KEYS   xdotool key KEYS, then a pause
#   wait:S     sleep S seconds
#   scroll:N   N wheel steps down over the middle of the window
#   shot:NAME  screenshot to OUT/NAME-SUFFIX.png
#   login:NAME screenshot of the sign-in form with the name typed
session() {
	local locale=$1 sfx=$2 user=$3 win="" i st
	shift 3
	rm -rf "$work/home"
	export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_CACHE_HOME="$work/home/.cache"
	mkdir -p "$HOME"
	: >"$work/display"
	Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -noreset 3>>"$work/display" >/dev/null 2>&1 &
	xvfb=$!
	for i in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
	export DISPLAY=":$(head -1 "$work/display")"
	for i in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
	LANG=$locale LC_ALL=$locale "$bin" gui --workspace "$work/ws-$sfx" >"$work/gui.log" 2>&1 &
	gui=$!
	for i in $(seq 150); do
		win=$(xdotool search --name 'SynthReview' 2>/dev/null | head -1 || true)
		[ -n "$win" ] && break
		sleep 0.2
	done
	[ -n "$win" ] || { echo "no window"; cat "$work/gui.log"; exit 1; }
	sleep 2
	xdotool windowfocus --sync "$win" 2>/dev/null || true
	xdotool type --delay 20 "$user"
	for st in "$@"; do
		case $st in
		login:*) import -window root "$out/${st#login:}-$sfx.png" ;;
		esac
	done
	xdotool key Tab
	xdotool type --delay 20 synthreview-demo
	xdotool key Return
	sleep 2
	for st in "$@"; do
		case $st in
		key:*) xdotool key ${st#key:}; sleep 1.5 ;;
		wait:*) sleep "${st#wait:}" ;;
		scroll:*) xdotool mousemove 640 500 click --repeat "${st#scroll:}" 5; sleep 1.5 ;;
		shot:*) import -window root "$out/${st#shot:}-$sfx.png"; echo "  $out/${st#shot:}-$sfx.png" ;;
		esac
	done
	kill $gui $xvfb 2>/dev/null || true
	wait 2>/dev/null || true
	gui="" xvfb=""
}

for lang in zh en; do
	locale=zh_CN.UTF-8
	[ $lang = en ] && locale=en_US.UTF-8
	LANG=en_US.UTF-8 "$bin" demo --workspace "$work/ws-$lang" >/dev/null 2>&1
	session $locale $lang reviewer1 login:signin key:n shot:desk key:v shot:revealed key:r shot:reject \
		key:Escape key:question shot:keys key:Escape key:ctrl+2 shot:queues \
		key:ctrl+6 key:n wait:1 key:r key:Return wait:1 shot:training key:ctrl+7 wait:1 shot:scores key:ctrl+1 key:ctrl+l shot:lock
	# The manager's tabs: dashboard, review, queues, complaints, consents,
	# real names, personal data, export, intake errors, training, scores,
	# summary.
	session $locale $lang manager wait:2 shot:dashboard key:ctrl+4 key:Down shot:complaints \
		key:ctrl+5 shot:consents key:ctrl+6 shot:realnames key:ctrl+8 shot:export
	# The trainer's: training, gold sets, scores, summary.
	session $locale $lang trainer key:ctrl+2 wait:1 key:Down wait:1 shot:goldsets key:ctrl+3 wait:2 scroll:40 shot:quality
done
