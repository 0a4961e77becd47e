package widgets

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

func TestHashDiffCountsAndMarksDifferingBits(t *testing.T) {
	newWidgetTestApp(t)
	a := strings.Repeat("00", 32)
	b := "ff" + strings.Repeat("00", 30) + "01" // 9 bits differ: the first row's first 8 and the last
	h := NewHashDiff(a, b, "item", "entry")
	if d := h.Distance(); d != 9 {
		t.Fatalf("distance %d, want 9", d)
	}
	w := test.NewTempWindow(t, h)
	w.Resize(h.MinSize())
	img := h.draw(&h.a, &h.b)(16, 16)
	if img.At(0, 0) == img.At(8, 0) {
		t.Error("a differing bit looks like an equal one")
	}
	if img.At(15, 15) != img.At(0, 0) {
		t.Error("the last bit differs too and should be marked like the first")
	}
	if bad := NewHashDiff("zz", b, "item", "entry"); bad.Distance() != -1 {
		t.Error("a hash that does not parse must give -1")
	}
	test.NewTempWindow(t, NewHashDiff("", "", "", "")) // renders without a panic
}
