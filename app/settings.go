package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"synthreview/review"
)

// setting is one workspace setting an admin may change with `settings set`.
type setting struct {
	key   string
	about string
	// check validates a value and returns it in its stored form.
	check func(v string) (string, error)
	// act is what changing it needs; "" is review.ActSetRetention (admins).
	act review.Action
}

// qualityPercent and qualityCount are the checks of quality control's
// settings (review/quality.go).
func qualityPercent(key string) func(string) (string, error) {
	return func(v string) (string, error) {
		if strings.TrimSpace(v) == "" {
			return "", review.Errorf(review.EINVALID, "give a percentage")
		}
		p, err := review.ParseQualityPercent(key, v, 0)
		return fmt.Sprint(p), err
	}
}

func qualityCount(key string) func(string) (string, error) {
	return func(v string) (string, error) {
		if strings.TrimSpace(v) == "" {
			return "", review.Errorf(review.EINVALID, "give a whole number")
		}
		n, err := review.ParseQualityCount(key, v, 0, 1, review.MaxHiddenGoldWindow)
		return fmt.Sprint(n), err
	}
}

// settings are the workspace settings with a command. Each is kept in the
// workspace (meta table) and every change is an event.
var settings = []setting{
	{review.ComplaintDaysKey, "the published reply time limit for complaints, in days (DSP Art. 12; default 15)",
		func(v string) (string, error) {
			d, err := review.ParseComplaintDays(v)
			return fmt.Sprint(d), err
		}, ""},
	{review.RetentionSetting, "how long personal data is kept after a person's last processing, in days, at least 180 (PIPL Arts. 47, 55–56; default 3 years)",
		func(v string) (string, error) {
			r, err := review.ParseRetention(v)
			if err != nil {
				return "", err
			}
			if r.Default {
				return "", review.Errorf(review.EINVALID, "give a number of days")
			}
			return fmt.Sprint(r.Days), nil
		}, ""},
	{metaTimeZone, "the workspace's time zone for dates in packages and dashboards, an IANA name such as Asia/Shanghai (default: the machine's)",
		func(v string) (string, error) {
			v = strings.TrimSpace(v)
			if v == "" || strings.ContainsAny(v, " \t\r\n") || len(v) > 64 {
				return "", review.Errorf(review.EINVALID, "time zone %q: give an IANA name such as Asia/Shanghai", v)
			}
			if _, err := time.LoadLocation(v); err != nil {
				return "", review.Errorf(review.EINVALID, "time zone %q is unknown on this machine: %v", v, err)
			}
			return v, nil
		}, ""},
	// Quality control in live work (issue 11; GB/T 45654-2025 reviewer
	// assessment): set by trainers.
	{review.HiddenGoldPercentKey, "share of claims on a queue with gold that serve a hidden gold item, in percent, 0 to 50 (0 turns it off; default 5)",
		qualityPercent(review.HiddenGoldPercentKey), review.ActCertify},
	{review.CalibrationPercentKey, "share of live decisions sampled for a blind second review by another reviewer, in percent, 0 to 50 (0 turns it off; default 5)",
		qualityPercent(review.CalibrationPercentKey), review.ActCertify},
	{review.HiddenGoldWindowKey, "how many of a reviewer's latest hidden gold answers on a queue make the rolling accuracy (default 20)",
		qualityCount(review.HiddenGoldWindowKey), review.ActCertify},
	{review.HiddenGoldMinKey, "how many hidden gold answers the window needs before a reviewer under the gate is paused (default 10)",
		qualityCount(review.HiddenGoldMinKey), review.ActCertify},
}

// cmdSettings shows or changes the workspace settings:
//
//	settings show [--workspace DIR]
//	settings set --as USER KEY VALUE
func cmdSettings(ctx context.Context, c *cli, args []string) error {
	if len(args) == 0 || (args[0] != "show" && args[0] != "set") {
		return usageError{"say show or set"}
	}
	fl := c.flags("settings " + args[0])
	ws := c.workspaceFlag(fl)
	as := fl.String("as", "", "admin acting (set)")
	rest, err := parse(fl, args[1:])
	if err != nil {
		return err
	}
	if args[0] == "show" {
		if len(rest) != 0 {
			return usageError{"settings show takes no arguments"}
		}
		w, err := OpenWorkspace(ctx, c.dir(ws), true)
		if err != nil {
			return err
		}
		defer w.Close()
		for _, s := range settings {
			v, err := w.DB.Meta(ctx, s.key)
			if err != nil {
				return err
			}
			if v == "" {
				v = "(default)"
			}
			fmt.Fprintf(c.io.Out, "%-32s %-16s %s\n", s.key, v, s.about)
		}
		return nil
	}
	if len(rest) != 2 {
		return usageError{"settings set --as USER KEY VALUE (admins set the complaint, retention and time-zone settings; trainers the quality.* ones)"}
	}
	var found *setting
	for i := range settings {
		if settings[i].key == rest[0] {
			found = &settings[i]
		}
	}
	if found == nil {
		keys := make([]string, len(settings))
		for i, s := range settings {
			keys[i] = s.key
		}
		return usageError{fmt.Sprintf("unknown setting %q: one of %s", rest[0], strings.Join(keys, ", "))}
	}
	value, err := found.check(rest[1])
	if err != nil {
		return err
	}
	act := found.act
	if act == "" {
		act = review.ActSetRetention
	}
	w, actor, err := c.actAs(ctx, newPasswords(c.io.In, c.io.Err), c.dir(ws), *as, act)
	if err != nil {
		return err
	}
	defer w.Close()
	if err := w.DB.SetMeta(ctx, actor.Name, found.key, value); err != nil {
		return err
	}
	fmt.Fprintf(c.io.Out, "%s = %s\n", found.key, value)
	return nil
}
