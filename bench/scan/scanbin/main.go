// Command scanbin runs `synthreview scan` without the GUI (no cgo), for the
// benchmark in bench/scan/run.sh.
package main

import (
	"context"
	"os"

	"synthreview/app/scancmd"
)

func main() {
	os.Exit(scancmd.Run(context.Background(), os.Args[1:], os.Stdout, os.Stderr, nil))
}
