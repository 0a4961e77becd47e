package app

import (
	"context"
	"testing"
	"time"
)

// TestReportDaysFollowTheWorkspaceZone: the dashboard's days and the
// training trend's days start at midnight in the workspace's time_zone
// setting, read at each refresh, not in the machine's zone.
func TestReportDaysFollowTheWorkspaceZone(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the demo workspace")
	}
	ctx := context.Background()
	w, signIn := openDemo(t)
	manager, trainer := signIn("manager"), signIn("trainer")
	dash, tr := w.Dashboards(), w.Training()
	// Kiritimati is UTC+14 and Pago Pago UTC-11: a midnight of one is
	// 1 a.m. or 11 p.m. in the other, so only the zone in force passes.
	for _, zone := range []string{"Pacific/Kiritimati", "Pacific/Pago_Pago"} {
		if err := w.DB.SetMeta(ctx, "admin", metaTimeZone, zone); err != nil {
			t.Fatal(err)
		}
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		d, err := dash.Read(ctx, manager, 7)
		if err != nil {
			t.Fatal(err)
		}
		if s := d.Since.In(loc); s.Hour() != 0 || s.Minute() != 0 {
			t.Errorf("%s: the dashboard's first day starts at %s there, not at midnight", zone, s.Format(time.DateTime))
		}
		sc, err := tr.Scores(ctx, trainer, "reviewer1")
		if err != nil {
			t.Fatal(err)
		}
		if len(sc.Trend) == 0 {
			t.Fatal("reviewer1 has no trend")
		}
		for _, p := range sc.Trend {
			if d := p.Day.In(loc); d.Hour() != 0 || d.Minute() != 0 {
				t.Errorf("%s: a trend day starts at %s there", zone, d.Format(time.DateTime))
			}
		}
	}
}
