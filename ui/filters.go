package ui

import (
	"slices"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// anySelect is a list filter's drop-down: "any" first, then each value as
// word puts it. It starts at "any" without calling pick (the list reads
// its first page once, elsewhere); a choice calls pick with its value, the
// zero value for "any".
func anySelect[T ~string](values []T, word func(T) string, pick func(T)) *widget.Select {
	opts := []string{lang.L("filter.any")}
	for _, v := range values {
		opts = append(opts, word(v))
	}
	sel := widget.NewSelect(opts, func(s string) {
		var v T
		if i := slices.Index(opts, s); i > 0 {
			v = values[i-1]
		}
		pick(v)
	})
	sel.Selected = opts[0]
	return sel
}
