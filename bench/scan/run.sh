#!/bin/sh
# Compares `synthreview scan --fast --json` with `exiftool -fast -j` over the
# same folder of labelled JPEG and PNG files (issue 3: target ≥ 10× faster).
# Usage: bench/scan/run.sh [N_FILES]   (default 2000)
# Needs: go, exiftool. Builds the scanner without cgo from bench/scan/scanbin.
set -eu
N=${1:-2000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

cd "$ROOT"
CGO_ENABLED=0 GOFLAGS=-mod=mod go build -o "$T/scan" ./bench/scan/scanbin
mkdir "$T/files"
# Copies of the labelled fixtures from several writers, half JPEG, half PNG,
# each made unique by a trailing byte so no tool can cache by content.
i=0
set -- testdata/labels/et_xmp.jpg testdata/labels/et_usercomment.jpg testdata/labels/pil_usercomment.jpg \
       testdata/labels/im_comment.jpg testdata/labels/et_xmp.png testdata/labels/pil_text.png \
       testdata/labels/pil_itxt_zip.png testdata/labels/im_text.png
while [ $i -lt "$N" ]; do
  for f in "$@"; do
    [ $i -ge "$N" ] && break
    ext=${f##*.}
    { cat "$f"; printf '%08d' $i; } > "$T/files/f$i.$ext"
    i=$((i+1))
  done
done
sync

timeit() { # prints elapsed seconds of "$@" (stdout discarded)
  s=$(date +%s.%N); "$@" > /dev/null 2>"$T/err" || true; e=$(date +%s.%N)
  echo "$e - $s" | bc -l
}
# Warm the page cache once for both tools.
cat "$T"/files/* > /dev/null
ours=$(timeit "$T/scan" --fast --json "$T/files")
et=$(timeit exiftool -fast -j -r "$T/files")
labels=$("$T/scan" --fast --json "$T/files" | grep -c '"verdict":"conforming"' || true)
etlabels=$(exiftool -fast -j -r "$T/files" 2>/dev/null | grep -c -E '"(Aigc|AIGC|UserComment|Comment)"' || true)
echo "files:               $N (JPEG and PNG, labelled)"
echo "machine:             $(nproc) cores, $(uname -sm)"
printf 'synthreview scan:    %.3f s (%d conforming labels)\n' "$ours" "$labels"
printf 'exiftool -fast -j:   %.3f s (%d label-bearing tags)\n' "$et" "$etlabels"
printf 'ratio:               %.1fx faster\n' "$(echo "$et / $ours" | bc -l)"
