package app_test

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"synthreview/app"
	"synthreview/review"
)

func TestSettings(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "ws")
	if r := run(t, "", "demo", "--workspace", ws); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	set := func(user, key, value string) result {
		return run(t, "synthreview-demo\n", "settings", "set", "--workspace", ws, "--as", user, key, value)
	}
	if r := set("admin", review.ComplaintDaysKey, "10"); r.code != 0 || !strings.Contains(r.out, "= 10") {
		t.Fatalf("set complaint days: %+v", r)
	}
	if r := set("admin", "time_zone", "Asia/Shanghai"); r.code != 0 {
		t.Fatalf("set time zone: %+v", r)
	}
	for _, bad := range []struct{ user, key, value string }{
		{"reviewer1", review.ComplaintDaysKey, "10"},    // not an admin
		{"admin", review.ComplaintDaysKey, "0"},         // out of range
		{"admin", review.RetentionSetting, "30"},        // under the 180-day floor
		{"admin", "time_zone", "Mars/Olympus_Mons"},     // unknown zone
		{"admin", "theme", "dark"},                      // no such setting
		{"admin", review.ComplaintDaysKey, "1\x00\xff"}, // hostile text
	} {
		if r := set(bad.user, bad.key, bad.value); r.code == 0 {
			t.Errorf("%s set %s=%q: accepted", bad.user, bad.key, bad.value)
		}
	}
	r := run(t, "", "settings", "show", "--workspace", ws)
	if r.code != 0 || !strings.Contains(r.out, "Asia/Shanghai") || !regexp.MustCompile(`complaints\.reply_days +10 `).MatchString(r.out) {
		t.Fatalf("show: %+v", r)
	}
	// Quality control's settings are the trainers' (issue 11).
	if r := set("trainer", review.HiddenGoldPercentKey, "12.5"); r.code != 0 || !strings.Contains(r.out, "= 12.5") {
		t.Fatalf("trainer sets the hidden gold share: %+v", r)
	}
	for _, bad := range []struct{ user, key, value string }{
		{"admin", review.HiddenGoldPercentKey, "10"},    // not a trainer
		{"reviewer1", review.HiddenGoldPercentKey, "0"}, // a reviewer turning off their own checks
		{"trainer", review.CalibrationPercentKey, "51"}, // at least half the claims stay live work
		{"trainer", review.HiddenGoldWindowKey, "0"},    // no window
		{"trainer", review.HiddenGoldMinKey, ""},        // empty
	} {
		if r := set(bad.user, bad.key, bad.value); r.code == 0 {
			t.Errorf("%s set %s=%q: accepted", bad.user, bad.key, bad.value)
		}
	}
	if r := run(t, "", "settings", "show", "--workspace", ws); !regexp.MustCompile(`quality\.hidden_gold_percent +12\.5 `).MatchString(r.out) {
		t.Errorf("show after setting the hidden gold share:\n%s", r.out)
	}
	w, err := app.OpenWorkspace(context.Background(), ws, true)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if days, err := w.DB.ComplaintDays(context.Background()); err != nil || days != 10 {
		t.Errorf("the complaint time limit in force is %d (%v), want 10", days, err)
	}
	if _, _, err := w.DB.Verify(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
}
