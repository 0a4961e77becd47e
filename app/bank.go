package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"synthreview/review"
	"synthreview/review/rules"
	"synthreview/store"
	"synthreview/store/rulefile"
)

// cmdBank runs the feature-library workflow (DSP Art. 10): a reviewer
// proposes an entry (from an item's PDQ hash), a manager who is not the
// proposer approves it, and publishing writes the bank's next version into
// the rules folder — a change that, like any other, waits for a manager to
// approve the new rules version.
func cmdBank(ctx context.Context, c *cli, args []string) error {
	if len(args) == 0 {
		return usageError{"say propose, approve, reject or publish"}
	}
	sub := args[0]
	fl := c.flags("bank " + sub)
	ws := c.workspaceFlag(fl)
	as := fl.String("as", "", "acting user")
	bank := fl.String("bank", "", "bank name (as in rules.toml)")
	item := fl.Int64("item", 0, "item whose PDQ hash is proposed")
	hash := fl.String("hash", "", "PDQ hash (64 hex digits) instead of --item")
	category := fl.String("category", "", "category of the entry (a reason code)")
	reason := fl.String("reason", "", "why")
	remove := fl.String("remove", "", "propose removing this entry id instead of adding")
	pos, err := parse(fl, args[1:])
	if err != nil {
		return err
	}
	w, err := OpenWorkspace(ctx, c.dir(ws), false)
	if err != nil {
		return err
	}
	defer w.Close()
	actor, err := c.signIn(ctx, w, newPasswords(c.io.In, c.io.Err), *as)
	if err != nil {
		return err
	}
	switch sub {
	case "propose":
		if err := review.Require(actor, review.ActClaim); err != nil {
			return err
		}
		p, err := w.proposal(ctx, actor.Name, *bank, *item, *hash, *category, *reason, *remove)
		if err != nil {
			return err
		}
		p, err = w.DB.ProposeBankEntry(ctx, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.io.Out, "proposal %d: %s %s in bank %s, waiting for a manager\n", p.ID, p.Action, p.EntryID, p.Bank)
		return nil
	case "approve", "reject":
		if err := review.Require(actor, review.ActApproveRules); err != nil {
			return err
		}
		if len(pos) != 1 {
			return usageError{"name one proposal number"}
		}
		id, err := strconv.ParseInt(pos[0], 10, 64)
		if err != nil {
			return usageError{"a proposal number, e.g. 3"}
		}
		if err := w.DB.DecideBankProposal(ctx, actor.Name, id, sub == "approve"); err != nil {
			return err
		}
		fmt.Fprintf(c.io.Out, "proposal %d %sd\n", id, strings.TrimSuffix(sub, "e"))
		return nil
	case "publish":
		if err := review.Require(actor, review.ActApproveRules); err != nil {
			return err
		}
		return w.publishBank(ctx, c, actor.Name, *bank)
	}
	return usageError{fmt.Sprintf("unknown bank command %q", sub)}
}

// proposal builds a proposal from the flags.
func (w *Workspace) proposal(ctx context.Context, actor, bank string, item int64, hash, category, reason, remove string) (store.BankProposal, error) {
	p := store.BankProposal{Bank: bank, ProposedBy: actor, Reason: reason}
	if bank == "" {
		return p, usageError{"--bank names the bank"}
	}
	if remove != "" {
		p.Action, p.EntryID = rules.ProposeRemove, remove
		return p, nil
	}
	p.Action, p.Category = rules.ProposeAdd, category
	if _, ok := review.LookupReason(category); !ok {
		return p, usageError{fmt.Sprintf("--category %q is not a reason code", category)}
	}
	switch {
	case item != 0:
		it, err := w.DB.Item(ctx, item)
		if err != nil {
			return p, err
		}
		rep, err := w.DB.ScanReport(ctx, item)
		if err != nil {
			return p, err
		}
		var r struct {
			PDQ *struct{ Hash string } `json:"pdq"`
		}
		if err := json.Unmarshal([]byte(rep), &r); err != nil || r.PDQ == nil {
			return p, review.Errorf(review.EINVALID, "item %d has no PDQ hash (not an image, or scanned without pixels)", item)
		}
		p.Hash, p.ProduceID, p.Source = r.PDQ.Hash, it.ProduceID, "item:"+strconv.FormatInt(item, 10)
	case hash != "":
		p.Hash, p.Source = strings.ToLower(hash), "manual"
	default:
		return p, usageError{"give --item ID or --hash HEX"}
	}
	if _, err := rules.ParseHash(p.Hash); err != nil {
		return p, review.Errorf(review.EINVALID, "PDQ hash %q: %v", p.Hash, err)
	}
	p.EntryID = "pdq-" + p.Hash[:16]
	return p, nil
}

// bankVersionLine matches a bank's version line in rules.toml.
var bankVersionLine = regexp.MustCompile(`^(\s*version\s*=\s*)(\d+)(.*)$`)

// publishBank applies the approved proposals to the bank, writes its list
// file and the new version into rules.toml, and marks them published.
func (w *Workspace) publishBank(ctx context.Context, c *cli, actor, name string) error {
	dir := filepath.Join(w.Dir, rulesDir)
	rulesPath := filepath.Join(dir, "rules.toml")
	rs, err := rulefile.Load(rulesPath)
	if err != nil {
		return err
	}
	b, ok := rs.Bank(name)
	if !ok {
		return review.Errorf(review.ENOTFOUND, "rules.toml has no bank %q", name)
	}
	props, err := w.DB.ApprovedBankProposals(ctx, name)
	if err != nil {
		return err
	}
	var list []rules.Proposal
	var ids []int64
	for _, p := range props {
		rp := rules.Proposal{ID: strconv.FormatInt(p.ID, 10), Bank: p.Bank, Action: p.Action, Reason: p.Reason,
			ProduceID: p.ProduceID, ProposedBy: p.ProposedBy, ProposedAt: p.ProposedAt, ApprovedBy: p.DecidedBy, ApprovedAt: p.DecidedAt,
			Entry: rules.BankEntry{ID: p.EntryID, Category: p.Category, Source: p.Source}}
		if p.Action == rules.ProposeAdd {
			if rp.Entry.Hash, err = rules.ParseHash(p.Hash); err != nil {
				return err
			}
		}
		list = append(list, rp)
		ids = append(ids, p.ID)
	}
	next, err := b.Publish(list)
	if err != nil {
		return err
	}
	var meta struct {
		Banks []struct{ Name, Path string } `toml:"banks"`
	}
	if _, err := toml.DecodeFile(rulesPath, &meta); err != nil {
		return err
	}
	var listPath string
	for _, mb := range meta.Banks {
		if mb.Name == name {
			listPath = filepath.Join(dir, filepath.FromSlash(mb.Path))
		}
	}
	body, err := rulefile.FormatBankList(next.Name, next.Version, next.Entries())
	if err != nil {
		return err
	}
	text, err := os.ReadFile(rulesPath)
	if err != nil {
		return err
	}
	updated, err := setBankVersion(string(text), name, next.Version)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(listPath, body); err != nil {
		return err
	}
	if err := writeFileAtomic(rulesPath, []byte(updated)); err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	if err := w.DB.MarkBankPublished(ctx, actor, name, ids, next.Version, hex.EncodeToString(sum[:])); err != nil {
		return err
	}
	fmt.Fprintf(c.io.Out, "published bank %s version %d (%d proposals); the rules folder changed: approve it with `synthreview rules approve`\n",
		name, next.Version, len(ids))
	return nil
}

// setBankVersion rewrites the version line of the [[banks]] block named
// name, keeping every other line (and comment) of rules.toml as it is.
func setBankVersion(text, name string, v int) (string, error) {
	lines := strings.Split(text, "\n")
	inBank, found := false, false
	for i, ln := range lines {
		t := strings.TrimSpace(ln)
		if strings.HasPrefix(t, "[") {
			inBank = false
			if t == "[[banks]]" {
				// Is this block the one? Look ahead to its name line.
				for _, l2 := range lines[i+1:] {
					t2 := strings.TrimSpace(l2)
					if strings.HasPrefix(t2, "[") {
						break
					}
					if strings.HasPrefix(t2, "name") && strings.Contains(t2, strconv.Quote(name)) {
						inBank = true
						break
					}
				}
			}
			continue
		}
		if inBank {
			if m := bankVersionLine.FindStringSubmatch(ln); m != nil {
				lines[i] = m[1] + strconv.Itoa(v) + m[3]
				found = true
			}
		}
	}
	if !found {
		return "", review.Errorf(review.EINVALID, "rules.toml: bank %q has no version line to update", name)
	}
	return strings.Join(lines, "\n"), nil
}

func writeFileAtomic(p string, data []byte) error {
	tmp := p + ".new"
	if err := os.WriteFile(tmp, data, 0o640); err != nil {
		return err
	}
	f, err := os.Open(tmp)
	if err == nil {
		_ = f.Sync()
		f.Close()
	}
	return os.Rename(tmp, p)
}
