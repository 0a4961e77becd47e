package widgets

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

func TestBarChartBarsAreProportional(t *testing.T) {
	test.NewTempApp(t)
	c := NewBarChart([]Bar{
		{Label: "approved", Value: 700, Color: theme.ColorNameSuccess},
		{Label: "queued", Value: 350, Color: theme.ColorNamePrimary},
		{Label: "held", Value: 1, Color: theme.ColorNameWarning},
		{Label: "rejected", Value: 0, Color: theme.ColorNameError},
		{Label: "broken", Value: -5, Color: theme.ColorNameError},
	})
	w := test.NewTempWindow(t, c)
	w.Resize(fyne.NewSize(500, 300))

	full := c.rects[0].Size().Width
	if full < 100 {
		t.Fatalf("the largest bar is %.0f wide; it should fill the bar column", full)
	}
	if half := c.rects[1].Size().Width; half < full/2-1 || half > full/2+1 {
		t.Errorf("350 of 700 drew %.1f of %.1f, want half", half, full)
	}
	if w := c.rects[2].Size().Width; w < 2 || w > 3 {
		t.Errorf("a count of 1 drew %.1f wide, want a visible sliver (2)", w)
	}
	for i := 3; i < 5; i++ {
		if r := c.rects[i]; r.Visible() && r.Size().Width != 0 {
			t.Errorf("bar %d (value %d) is drawn %.1f wide, want nothing", i, c.bars[i].Value, r.Size().Width)
		}
	}
	if c.rects[0].Hidden || c.rects[2].Hidden {
		t.Error("a bar with a positive count is hidden")
	}
	// Bars start in one column whatever the label or value widths.
	d := fyne.CurrentApp().Driver()
	x0 := d.AbsolutePositionForObject(c.rects[0]).X
	for i, r := range c.rects {
		if r.Hidden {
			continue
		}
		if x := d.AbsolutePositionForObject(r).X; x != x0 {
			t.Errorf("bar %d starts at x=%.0f, bar 0 at x=%.0f", i, x, x0)
		}
	}
	if c.rects[0].FillColor != theme.Color(theme.ColorNameSuccess) {
		t.Error("bar colour does not follow the theme colour name")
	}
	test.AssertRendersToMarkup(t, "barchart.xml", w.Canvas())
}

func TestBarChartSetBarsReplacesRows(t *testing.T) {
	test.NewTempApp(t)
	c := NewBarChart([]Bar{{Label: "a", Value: 1}})
	c.SetBars([]Bar{{Label: "x", Value: 2}, {Label: "y", Value: 4}})
	if got := c.Bars(); len(got) != 2 || got[1].Label != "y" || got[1].Value != 4 {
		t.Errorf("Bars() = %+v after SetBars", got)
	}
	if n := len(c.rows.Objects); n != 6 {
		t.Errorf("%d objects for 2 rows, want 6 (label, bar, value each)", n)
	}
	c.SetBars([]Bar{{Label: "x", Value: 0, Text: "—"}})
	if got := test.WidgetRenderer(c).Objects()[0].(*fyne.Container).Objects[2].(*widget.Label).Text; got != "—" {
		t.Errorf("value label %q, want the Text override", got)
	}
	c.SetBars(nil)
	if n := len(c.rows.Objects); n != 0 || c.MinSize().Height != 0 {
		t.Errorf("an empty chart keeps %d objects, height %.0f", n, c.MinSize().Height)
	}
}
