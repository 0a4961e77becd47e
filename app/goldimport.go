package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"synthreview/marking"
	"synthreview/review"
)

// This file makes gold of imported files (issue 11, item 1: gold sets are
// made "from any item or imported files"): a trainer's file — a known
// deepfake, a file made to exercise a rule — is stored, scanned and judged
// by the rules in force exactly as intake would, then kept as a training
// file beside the gold item, never as live work.

// goldImporter is the workspace's review.GoldImporter.
type goldImporter struct{ w *Workspace }

var _ review.GoldImporter = goldImporter{}

// GoldImporter returns the workspace's importer of gold files (trainers).
func (w *Workspace) GoldImporter() review.GoldImporter { return goldImporter{w: w} }

// ImportGold stores f, scans it with intake's detectors, judges it with
// the rules in force and makes a gold item of it in set setID expecting
// g's decision. EFORBIDDEN unless actor builds gold; EINVALID, naming the
// file, for an empty or oversize file or sidecar, a sidecar that does not
// parse or is not the file's, or no service category.
func (gi goldImporter) ImportGold(ctx context.Context, actor review.Account, setID int64, f review.GoldFile, g review.GoldItem) (review.GoldItem, error) {
	added, _, err := gi.importGold(ctx, actor, setID, f, g)
	return added, err
}

// importGold is ImportGold, returning the training file stored too (the
// command line prints its verdict).
func (gi goldImporter) importGold(ctx context.Context, actor review.Account, setID int64, f review.GoldFile,
	g review.GoldItem) (review.GoldItem, review.TrainingFile, error) {
	if err := review.Require(actor, review.ActBuildGold); err != nil {
		return review.GoldItem{}, review.TrainingFile{}, err
	}
	name, gen, hasSidecar, err := checkGoldFile(f)
	if err != nil {
		return review.GoldItem{}, review.TrainingFile{}, err
	}
	// What AddFileGold would refuse is refused before the file is stored:
	// an unknown set, a set of another category, a decision that breaks
	// the rules of gold items.
	set, err := gi.w.DB.GoldSet(ctx, setID)
	if err != nil {
		return review.GoldItem{}, review.TrainingFile{}, err
	}
	if set.Category != "" && string(set.Category) != gen.Service.Category {
		return review.GoldItem{}, review.TrainingFile{}, review.Errorf(review.EINVALID, "gold set %q is for %s items; %s is %s",
			set.Name, set.Category, name, gen.Service.Category)
	}
	if err := (review.GoldItem{Expected: g.Expected, Reasons: g.Reasons, Explanation: strings.TrimSpace(g.Explanation)}).Validate(); err != nil {
		return review.GoldItem{}, review.TrainingFile{}, err
	}
	// The scan options and the rules in force, as intake has them.
	x, err := gi.w.newIntake(ctx, nil)
	if err != nil {
		return review.GoldItem{}, review.TrainingFile{}, err
	}
	sum, n, err := gi.w.Objects.Put(bytes.NewReader(f.Data), review.MaxMedia)
	if err != nil {
		return review.GoldItem{}, review.TrainingFile{}, fmt.Errorf("store %s: %w", name, err)
	}
	rep := marking.ScanFile(gi.w.Objects.Path(sum), x.ScanOptions)
	rep.Path = name
	if !hasSidecar {
		gen.ProduceID = labelProduceID(rep)
	}
	var hits []review.RuleHit
	if x.Rules != nil {
		hits, _, _, _, _ = x.Rules.Evaluate(ctx, gen, rep)
	}
	scan, err := json.Marshal(rep)
	if err != nil {
		return review.GoldItem{}, review.TrainingFile{}, fmt.Errorf("scan report of %s: %w", name, err)
	}
	sidecar := "{}"
	if hasSidecar {
		kept := gen
		kept.Prompt = "" // personal data may be in the prompt: as intake, it is not kept with the record
		b, err := json.Marshal(kept)
		if err != nil {
			return review.GoldItem{}, review.TrainingFile{}, fmt.Errorf("sidecar of %s: %w", name, err)
		}
		sidecar = string(b)
	}
	file := review.TrainingFile{Name: name, ProduceID: gen.ProduceID, Format: rep.Format, ObjectSHA256: sum, Size: n,
		Category: review.Category(gen.Service.Category), Service: gen.Service.Name, Model: gen.Service.Model,
		LabelState: rep.LabelState, Verdict: rep.Verdict, Scan: string(scan), RuleHits: hits, Sidecar: sidecar}
	added, err := gi.w.Training().AddFileGold(ctx, actor, setID, file, g)
	return added, file, err
}

// checkGoldFile bounds a file to import and reads its generation record:
// the sidecar when one came with it, otherwise a record holding only the
// category given (the rules judge what they can without one).
func checkGoldFile(f review.GoldFile) (name string, gen review.Generation, hasSidecar bool, err error) {
	name = filepath.Base(f.Name)
	if strings.TrimSpace(f.Name) == "" || name == "." || name == ".." {
		return "", gen, false, review.Errorf(review.EINVALID, "the file to import has no name")
	}
	switch {
	case len(f.Data) == 0:
		return "", gen, false, review.Errorf(review.EINVALID, "%s is empty", name)
	case len(f.Data) > review.MaxMedia:
		return "", gen, false, review.Errorf(review.EINVALID, "%s is %d bytes, over the %d-byte limit", name, len(f.Data), review.MaxMedia)
	case len(f.Sidecar) > review.MaxSidecarBytes:
		return "", gen, false, review.Errorf(review.EINVALID, "%s: its sidecar is %d bytes, over the %d-byte limit",
			name, len(f.Sidecar), review.MaxSidecarBytes)
	case f.Category != "" && !f.Category.Valid():
		return "", gen, false, review.Errorf(review.EINVALID, "%s: unknown service category %q", name, f.Category)
	}
	if len(f.Sidecar) == 0 {
		if f.Category == "" {
			return "", gen, false, review.Errorf(review.EINVALID, "%s has no sidecar: give its service category", name)
		}
		gen.Service.Category = string(f.Category)
		return name, gen, false, nil
	}
	gen, err = review.ParseGeneration(f.Sidecar)
	if err != nil {
		return "", gen, false, review.Errorf(review.EINVALID, "%s: %s", name, review.ErrorMessage(err))
	}
	if f.Category != "" && string(f.Category) != gen.Service.Category {
		return "", gen, false, review.Errorf(review.EINVALID, "%s: its sidecar says service category %s, not %s",
			name, gen.Service.Category, f.Category)
	}
	if sum := sha256.Sum256(f.Data); gen.Output.SHA256 != "" && !strings.EqualFold(gen.Output.SHA256, hex.EncodeToString(sum[:])) {
		return "", gen, false, review.Errorf(review.EINVALID, "%s has SHA-256 %x; its sidecar is for %s", name, sum, gen.Output.SHA256)
	}
	return name, gen, true, nil
}

// labelProduceID is the ProduceID the file's implicit label gives, when
// one of its labels holds a well-formed one; "" otherwise.
func labelProduceID(rep marking.Report) string {
	for _, im := range rep.Implicit {
		if id := im.Fields["ProduceID"]; review.ValidateProduceID(id) == nil {
			return id
		}
	}
	return ""
}

// cmdGold makes gold of an imported file:
//
//	gold import --as TRAINER --set ID_OR_NAME --expected OUTCOME [--reasons a,b]
//	    --explanation TEXT [--sidecar FILE.json] [--category CAT] FILE
func cmdGold(ctx context.Context, c *cli, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		return usageError{"say import"}
	}
	fl := c.flags("gold import")
	ws := c.workspaceFlag(fl)
	as := fl.String("as", "", "trainer acting")
	setRef := fl.String("set", "", "the gold set, by number or name")
	expected := fl.String("expected", "", "the expected decision: approve, approve_relabel, reject or escalate")
	reasons := fl.String("reasons", "", "reason codes, comma-separated (a rejection needs at least one)")
	explanation := fl.String("explanation", "", "what trainees read after answering: which marks and rules matter")
	sidecarPath := fl.String("sidecar", "", "the file's generation record (the inbox's sidecar JSON), if any")
	category := fl.String("category", "", "the service category, when no sidecar names it")
	pos, err := parse(fl, args[1:])
	if err != nil {
		return err
	}
	switch {
	case len(pos) != 1:
		return usageError{"name exactly one file to import"}
	case strings.TrimSpace(*setRef) == "":
		return usageError{"--set names the gold set, by number or name"}
	case *expected == "":
		return usageError{"--expected gives the decision trainees must reach"}
	}
	data, err := readBoundedFile(pos[0], review.MaxMedia)
	if err != nil {
		return err
	}
	var sidecar []byte
	if *sidecarPath != "" {
		if sidecar, err = readBoundedFile(*sidecarPath, review.MaxSidecarBytes); err != nil {
			return err
		}
	}
	w, actor, err := c.actAs(ctx, newPasswords(c.io.In, c.io.Err), c.dir(ws), *as, review.ActBuildGold)
	if err != nil {
		return err
	}
	defer w.Close()
	set, err := findGoldSet(ctx, w.Training(), actor, *setRef)
	if err != nil {
		return err
	}
	g := review.GoldItem{Expected: review.Outcome(*expected), Explanation: *explanation}
	for _, r := range strings.Split(*reasons, ",") {
		if r = strings.TrimSpace(r); r != "" {
			g.Reasons = append(g.Reasons, r)
		}
	}
	added, file, err := goldImporter{w: w}.importGold(ctx, actor, set.ID,
		review.GoldFile{Name: filepath.Base(pos[0]), Data: data, Sidecar: sidecar, Category: review.Category(*category)}, g)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.io.Out, "gold item %d (%s) added to %q, now version %d; scan verdict %s\n",
		added.ID, added.ProduceID, set.Name, added.AddedVersion, file.Verdict)
	return nil
}

// findGoldSet finds a gold set by its number or its name.
func findGoldSet(ctx context.Context, tr review.Training, actor review.Account, ref string) (review.GoldSet, error) {
	sets, err := tr.GoldSets(ctx, actor)
	if err != nil {
		return review.GoldSet{}, err
	}
	ref = strings.TrimSpace(ref)
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		for _, s := range sets {
			if s.ID == id {
				return s, nil
			}
		}
	}
	var found []review.GoldSet
	for _, s := range sets {
		if s.Name == ref {
			found = append(found, s)
		}
	}
	switch len(found) {
	case 0:
		return review.GoldSet{}, review.Errorf(review.ENOTFOUND, "no gold set numbered or named %q", ref)
	case 1:
		return found[0], nil
	}
	return review.GoldSet{}, review.Errorf(review.EINVALID, "%d gold sets are named %q: give its number", len(found), ref)
}
