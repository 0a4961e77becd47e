package assets

import (
	"embed"
	"io/fs"
)

//go:embed demo/README.md demo/rules
var demo embed.FS

// DemoRules returns the rules folder of the demo workspace at its root:
// rules.toml and the keyword lists it names (see demo/README.md). The
// feature bank's list is not here: the demo writes it when it runs, from
// the PDQ hashes of pictures it has just generated, so it always matches
// them.
func DemoRules() fs.FS {
	sub, err := fs.Sub(demo, "demo/rules")
	if err != nil {
		panic(err) // programmer error: the embed pattern names this folder
	}
	return sub
}
