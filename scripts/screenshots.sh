#!/usr/bin/env bash
# screenshots.sh — screenshot the SynthReview main window under Xvfb, once in
# Chinese and once in English.
#
#   scripts/screenshots.sh BIN WORKSPACE    runs: BIN gui --workspace WORKSPACE
#   scripts/screenshots.sh BIN - [ARGS...]  runs: BIN ARGS... (e.g. the
#                                           internal/uipreview program)
#
# Writes $OUT/$NAME-zh.png and $OUT/$NAME-en.png (defaults: docs/screenshots,
# summary). Needs Xvfb, xwininfo (x11-utils) and import (imagemagick); no
# window manager, no network. Look at every picture before keeping it.
set -euo pipefail

if [ $# -lt 2 ]; then
	sed -n '2,12p' "$0" >&2
	exit 2
fi
BIN=$1
WS=$2
shift 2
OUT=${OUT:-docs/screenshots}
NAME=${NAME:-summary}
WAIT=${WAIT:-30}      # seconds to wait for the window to appear
SETTLE=${SETTLE:-2}   # seconds to let the first read and drawing finish

for tool in Xvfb xwininfo import; do
	command -v "$tool" >/dev/null || { echo "screenshots.sh: $tool is not installed" >&2; exit 1; }
done
[ -x "$BIN" ] || { echo "screenshots.sh: $BIN is not an executable" >&2; exit 1; }
if [ "$WS" = "-" ]; then
	ARGS=("$@")
else
	ARGS=(gui --workspace "$WS" "$@")
fi
mkdir -p "$OUT"

XVFB_PID=
APP_PID=
cleanup() {
	local pid
	for pid in $APP_PID $XVFB_PID; do
		if kill "$pid" 2>/dev/null; then
			wait "$pid" 2>/dev/null || true
		fi
	done
	APP_PID= XVFB_PID=
}
trap cleanup EXIT

shoot() { # shoot LANG SUFFIX
	local locale=$1 suffix=$2 id= i home disp=
	home=$(mktemp -d)
	: >"$home/display"
	# Xvfb picks a free display and writes its number to fd 3, so runs in
	# parallel (or a display still shutting down) do not collide; -noreset
	# keeps it from resetting when the probing xwininfo disconnects, which
	# would make the program's own connection fail.
	Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -noreset 3>>"$home/display" >/dev/null 2>&1 &
	XVFB_PID=$!
	for ((i = 0; i < 300; i++)); do
		disp=$(tr -dc 0-9 <"$home/display" || true)
		[ -n "$disp" ] && DISPLAY=":$disp" xwininfo -root >/dev/null 2>&1 && break
		kill -0 "$XVFB_PID" 2>/dev/null || { echo "screenshots.sh: Xvfb failed to start" >&2; exit 1; }
		sleep 0.1
	done
	[ -n "$disp" ] || { echo "screenshots.sh: Xvfb gave no display" >&2; exit 1; }
	# A fresh HOME keeps the language choice saved in the preferences of
	# earlier runs from overriding LANG.
	DISPLAY=":$disp" HOME="$home" XDG_CONFIG_HOME="$home/.config" \
		LANG="$locale" LC_ALL= LANGUAGE= "$BIN" "${ARGS[@]}" >"$home/app.log" 2>&1 &
	APP_PID=$!
	for ((i = 0; i < WAIT * 10; i++)); do
		id=$(DISPLAY=":$disp" xwininfo -root -tree 2>/dev/null |
			awk '/"SynthReview/ {print $1; exit}')
		[ -n "$id" ] && break
		kill -0 "$APP_PID" 2>/dev/null || { cat "$home/app.log" >&2; echo "screenshots.sh: $BIN exited" >&2; exit 1; }
		sleep 0.1
	done
	[ -n "$id" ] || { cat "$home/app.log" >&2; echo "screenshots.sh: no window after ${WAIT}s" >&2; exit 1; }
	sleep "$SETTLE"
	DISPLAY=":$disp" import -window "$id" "$OUT/$NAME-$suffix.png"
	echo "$OUT/$NAME-$suffix.png"
	cleanup
	rm -rf "$home"
}

shoot zh_CN.UTF-8 zh
shoot en_US.UTF-8 en
