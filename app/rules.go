package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing/fstest"

	"synthreview/app/intake"
	"synthreview/marking"
	"synthreview/review"
	"synthreview/review/rules"
	"synthreview/store/rulefile"
)

// rulesDir is the workspace folder holding rules.toml and the keyword and
// feature-bank lists it names (docs/rules.md).
const rulesDir = "rules"

// Limits on the rules folder bundled into objects/.
const (
	maxRulesFiles = 1000
	maxRulesBytes = 256 << 20
)

// bundleRules reads every file of the rules folder into one JSON object
// {relative name: content}, the unit a rules version is kept as.
func bundleRules(dir string) ([]byte, error) {
	files := map[string]string{}
	total := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if len(files) >= maxRulesFiles {
			return fmt.Errorf("more than %d files in %s", maxRulesFiles, dir)
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		b, err := io.ReadAll(io.LimitReader(f, int64(maxRulesBytes-total+1)))
		f.Close()
		if err != nil {
			return err
		}
		total += len(b)
		if total > maxRulesBytes {
			return fmt.Errorf("%s holds more than %d bytes", dir, maxRulesBytes)
		}
		files[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return json.Marshal(files)
}

// loadBundle loads a rules version kept in objects/.
func (w *Workspace) loadBundle(sum string) (*rules.RuleSet, error) {
	b, err := os.ReadFile(w.Objects.Path(sum))
	if err != nil {
		return nil, fmt.Errorf("rules bundle %s: %w", sum, err)
	}
	var files map[string]string
	if err := json.Unmarshal(b, &files); err != nil {
		return nil, fmt.Errorf("rules bundle %s: %w", sum, err)
	}
	fsys := fstest.MapFS{}
	for name, content := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(content), Mode: 0o444}
	}
	return rulefile.LoadFS(fsys, "rules.toml")
}

// ruleSet returns the rules intake applies: the approved version of the
// workspace's rules folder, or the built-in rules when none was ever
// approved. A changed folder is recorded as pending (with its bundle kept)
// and waits for a manager's approval; a folder that does not parse is
// reported in the returned note and the approved version stays in force.
func (w *Workspace) ruleSet(ctx context.Context) (rs *rules.RuleSet, note string, err error) {
	dir := filepath.Join(w.Dir, rulesDir)
	if _, err := os.Stat(filepath.Join(dir, "rules.toml")); err == nil {
		cur, lerr := rulefile.Load(filepath.Join(dir, "rules.toml"))
		if lerr != nil {
			note = fmt.Sprintf("rules folder not used: %v", lerr)
		} else {
			bundle, err := bundleRules(dir)
			if err != nil {
				return nil, "", err
			}
			sum, err := w.Objects.PutBytes(bundle)
			if err != nil {
				return nil, "", err
			}
			rec, err := w.DB.NoteRuleSet(ctx, cur.Version, sum)
			if err != nil {
				return nil, "", err
			}
			if rec.Status == "approved" {
				return cur, "", nil
			}
			note = fmt.Sprintf("rules version %s is pending a manager's approval (synthreview rules approve)", cur.Version)
		}
	}
	approved, err := w.DB.ApprovedRuleSet(ctx)
	switch {
	case err == nil:
		rs, err := w.loadBundle(approved.Bundle)
		return rs, note, err
	case review.ErrorCode(err) == review.ENOTFOUND:
		return rules.DefaultRuleSet(nil, nil), note, nil
	}
	return nil, note, err
}

// workspaceRules is the rule engine of a workspace, with the registries
// filling what only they know.
type workspaceRules struct {
	w   *Workspace
	eng *rules.Engine
}

var _ intake.Rules = workspaceRules{}

func (w *Workspace) rules(ctx context.Context) (workspaceRules, string, error) {
	rs, note, err := w.ruleSet(ctx)
	if err != nil {
		return workspaceRules{}, note, err
	}
	return workspaceRules{w: w, eng: rules.NewEngine(rs)}, note, nil
}

// maxTextOutput bounds how much of a text output the keyword rules read.
const maxTextOutput = 4 << 20

func (r workspaceRules) Evaluate(ctx context.Context, g review.Generation, rep marking.Report) ([]review.RuleHit, string, int, bool, string) {
	in := rules.FromIntake(g, rep)
	in.Now = r.w.Now()
	for i := range in.Consents {
		if c, err := r.w.DB.Consent(ctx, in.Consents[i].ID); err == nil {
			in.Consents[i].Record = &c
		}
	}
	if rn, err := r.w.DB.RealNameOf(ctx, in.UserID); err == nil {
		in.RealName = &rn
	}
	if a, err := r.w.DB.AssessmentFor(ctx, in.Service, in.Model); err == nil {
		in.Assessment.Record = &rules.Assessment{ID: a.ID, Scope: a.Scope, AssessedAt: a.Date, Passed: a.Status == "passed"}
	}
	if rep.PDQ != nil {
		if h, err := rules.ParseHash(rep.PDQ.Hash); err == nil {
			in.PDQ = []rules.Hash{h}
		}
	}
	if rep.Format == "text" && rep.SHA256 != "" {
		if f, err := os.Open(r.w.Objects.Path(rep.SHA256)); err == nil {
			b, _ := io.ReadAll(io.LimitReader(f, maxTextOutput))
			f.Close()
			in.TextOutput = string(b)
		}
	}
	hits, d := r.eng.Judge(in)
	return hits, d.Queue, d.Priority, d.Outcome == rules.Clear, d.RuleSetVersion
}

func cmdRules(ctx context.Context, c *cli, args []string) error {
	if len(args) == 0 {
		return usageError{"say status or approve"}
	}
	sub := args[0]
	fl := c.flags("rules " + sub)
	ws := c.workspaceFlag(fl)
	as := fl.String("as", "", "manager approving")
	if _, err := parse(fl, args[1:]); err != nil {
		return err
	}
	w, err := OpenWorkspace(ctx, c.dir(ws), false)
	if err != nil {
		return err
	}
	defer w.Close()
	rs, note, err := w.ruleSet(ctx)
	if err != nil {
		return err
	}
	switch sub {
	case "status":
		fmt.Fprintf(c.io.Out, "rules in force: %s %s (%d rules, sampling %.0f %%)\n", rs.Name, rs.Version, len(rs.Rules), 100*rs.Sampling.Rate)
		ids := make([]string, 0, len(rs.Rules))
		for _, r := range rs.Rules {
			if r.Enabled {
				ids = append(ids, r.ID)
			}
		}
		sort.Strings(ids)
		fmt.Fprintf(c.io.Out, "enabled: %v\n", ids)
		if note != "" {
			fmt.Fprintln(c.io.Out, note)
		}
		return nil
	case "approve":
		actor, err := c.signIn(ctx, w, newPasswords(c.io.In, c.io.Err), *as)
		if err != nil {
			return err
		}
		if err := review.Require(actor, review.ActApproveRules); err != nil {
			return err
		}
		cur, err := rulefile.Load(filepath.Join(w.Dir, rulesDir, "rules.toml"))
		if errors.Is(err, fs.ErrNotExist) {
			return review.Errorf(review.ENOTFOUND, "%s has no rules folder to approve", w.Dir)
		} else if err != nil {
			return err
		}
		if err := w.DB.ApproveRuleSet(ctx, actor.Name, cur.Version); err != nil {
			return err
		}
		fmt.Fprintf(c.io.Out, "approved rules version %s\n", cur.Version)
		return nil
	}
	return usageError{fmt.Sprintf("unknown rules command %q", sub)}
}
