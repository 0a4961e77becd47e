package assets

import (
	"embed"
	"io/fs"
)

//go:embed templates/*.json templates/README.md
var templates embed.FS

// Templates returns the built-in visible-label templates at its root:
// builtin.json lists the label texts SynthReview draws (marking/visible
// renders each with the shipped fonts into a detection template); PNG crops
// of other vendors' corner marks may sit beside it. A manager extends the
// bank with a folder of crops at run time, not by editing this folder.
func Templates() fs.FS {
	sub, err := fs.Sub(templates, "templates")
	if err != nil {
		panic(err) // programmer error: the embed pattern names this folder
	}
	return sub
}
