#!/bin/sh
# Robustness and speed of the invisible watermark (issue 6).
#
#   bench/watermark/run.sh           the project's photos (testdata/photos)
#   bench/watermark/run.sh --full    also the full-size originals from the
#                                    Debian package mate-backgrounds, when
#                                    installed (apt-get install mate-backgrounds),
#                                    with its abstract and desktop wallpapers
#                                    (stripes, gradients) as extra unmarked
#                                    pictures
#   bench/watermark/run.sh --speed   also the 1920×1080 full-scan benchmark
#
# Prints, per attack, how many marked copies gave their payload back
# exactly (target: at least 9 in 10), the PSNR of the marked copies (target:
# at least 38 dB) and the false positives over unmarked photos, resized
# copies and random crops (target: none).
set -eu
cd "$(dirname "$0")/../.."
export GOFLAGS="${GOFLAGS:--mod=mod}"

full=0
speed=0
for a in "$@"; do
	case "$a" in
	--full) full=1 ;;
	--speed) speed=1 ;;
	*) echo "usage: $0 [--full] [--speed]" >&2; exit 2 ;;
	esac
done

echo "== project photos (testdata/photos, downscaled to ≤ 1024 px)"
go run ./bench/watermark/robust -photos testdata/photos -unmarked-crops 20

mate=/usr/share/backgrounds/mate/nature
if [ "$full" = 1 ]; then
	if [ -d "$mate" ]; then
		echo
		echo "== full-size photos from the installed mate-backgrounds package ($mate)"
		extra=""
		for d in /usr/share/backgrounds/mate/abstract /usr/share/backgrounds/mate/desktop; do
			[ -d "$d" ] && extra="$extra -unmarked $d"
		done
		# shellcheck disable=SC2086 # $extra is a list of flags
		go run ./bench/watermark/robust -photos "$mate" -max-side 0 -unmarked-crops 10 $extra
	else
		echo "mate-backgrounds is not installed: skipping the full-size run" >&2
	fi
fi

if [ "$speed" = 1 ]; then
	echo
	echo "== full scan of a 1920×1080 JPEG on one core"
	go test ./bench/watermark/ -run '^$' -bench 'FullScan|Stages' -cpu 1 -benchtime 30x
fi
