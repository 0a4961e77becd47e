#!/usr/bin/env bash
# Sets up what is missing, builds SynthReview, creates the demo workspace (once)
# and opens the workstation on it.
#   WORKSPACE=DIR scripts/run-demo.sh   to choose where the demo lives
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh run
. scripts/goenv.sh
echo "==> building SynthReview (the first build of Fyne's cgo parts takes a few minutes)"
mkdir -p bin
go build -o bin/synthreview .
ws="${WORKSPACE:-${XDG_DATA_HOME:-$HOME/.local/share}/synthreview-demo}"
if [ ! -f "$ws/synthreview.db" ]; then
  echo "==> creating the demo workspace in $ws"
  bin/synthreview demo --workspace "$ws"
fi
echo "==> opening the workstation on $ws"
echo "    sign in as reviewer1 (or manager, trainer, senior1, reviewer2, admin), password synthreview-demo;"
echo "    press N for the first item, ? for every key"
exec bin/synthreview gui --workspace "$ws"
