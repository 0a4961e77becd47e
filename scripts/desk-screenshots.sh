#!/usr/bin/env bash
# desk-screenshots.sh — the README's screenshots of the review workstation,
# made from a fresh demo workspace under Xvfb by driving the real window
# with the keyboard (xdotool), in Chinese and in English.
#
#   scripts/desk-screenshots.sh BIN [OUT]     (OUT defaults to docs/screenshots)
#
# Writes OUT/{signin,desk,reject,queues,keys,lock}-{zh,en}.png. Needs Xvfb,
# xdotool, xdpyinfo and import (imagemagick). Look at every picture before
# committing it.
set -euo pipefail
bin=${1:?usage: desk-screenshots.sh BIN [OUT]}
out=${2:-docs/screenshots}
mkdir -p "$out"
work=$(mktemp -d)
xvfb="" gui=""
cleanup() { kill $gui $xvfb 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

shoot_all() { # shoot_all LOCALE SUFFIX
	local locale=$1 sfx=$2 win="" i
	rm -rf "$work/ws" "$work/home"
	LANG=en_US.UTF-8 "$bin" demo --workspace "$work/ws" >/dev/null 2>&1
	export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_CACHE_HOME="$work/home/.cache"
	mkdir -p "$HOME"
	: >"$work/display"
	Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -noreset 3>>"$work/display" >/dev/null 2>&1 &
	xvfb=$!
	for i in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
	export DISPLAY=":$(head -1 "$work/display")"
	for i in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
	LANG=$locale LC_ALL=$locale "$bin" gui --workspace "$work/ws" >"$work/gui.log" 2>&1 &
	gui=$!
	for i in $(seq 150); do
		win=$(xdotool search --name 'SynthReview' 2>/dev/null | head -1 || true)
		[ -n "$win" ] && break
		sleep 0.2
	done
	[ -n "$win" ] || { echo "no window"; cat "$work/gui.log"; exit 1; }
	sleep 2
	xdotool windowfocus --sync "$win" 2>/dev/null || true
	xdotool type --delay 20 reviewer1
	import -window root "$out/signin-$sfx.png"
	xdotool key Tab
	xdotool type --delay 20 synthreview-demo
	xdotool key Return
	sleep 1.5
	xdotool key n
	sleep 2
	# SKIP items first, to show one with rule hits (demo order is fixed).
	for i in $(seq "${SKIP:-0}"); do xdotool key a; sleep 1; done
	import -window root "$out/desk-$sfx.png"
	xdotool key v
	sleep 1
	import -window root "$out/revealed-$sfx.png"
	xdotool key r
	sleep 1.5
	import -window root "$out/reject-$sfx.png"
	xdotool key Escape
	sleep 0.5
	xdotool key question
	sleep 1
	import -window root "$out/keys-$sfx.png"
	xdotool key Escape
	sleep 0.5
	xdotool key ctrl+2
	sleep 2
	import -window root "$out/queues-$sfx.png"
	xdotool key ctrl+1 ctrl+l
	sleep 1
	import -window root "$out/lock-$sfx.png"
	kill $gui $xvfb 2>/dev/null || true
	wait 2>/dev/null || true
	gui="" xvfb=""
	echo "  $out/{signin,desk,revealed,reject,keys,queues,lock}-$sfx.png"
}

shoot_all zh_CN.UTF-8 zh
shoot_all en_US.UTF-8 en
