// Command synthreview is the SynthReview workstation: with no arguments it
// opens the GUI; with a command it runs headless (see `synthreview help`).
package main

import (
	"os"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"synthreview/app"
)

// appID must equal [Details] ID in FyneApp.toml.
const appID = "cn.synthreview.workstation"

func main() {
	os.Exit(app.Main(os.Args[1:], func() fyne.App { return fyneapp.NewWithID(appID) }))
}
