package app

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"synthreview/review"
	"synthreview/store"
	"synthreview/ui/report"
)

// This file is the workspace side of the signed reviewer assessment
// (issue 11): gathering a reviewer's (or the team's) scores, sessions and
// certifications through the training service, the chain head they are
// read at, and the `export --kind assessment` command. The PDF is
// ui/report's (BuildAssessment); it is signed and recorded like an audit
// package.

// AssessmentRequest is one assessment to export.
type AssessmentRequest struct {
	// Reviewer is the reviewer assessed; "" exports the team assessment.
	Reviewer string
	Lang     string // "zh" or "en"
	// Out is the file to write; "" writes
	// exports/assessment-REVIEWER-DAY.pdf (assessment-team-DAY.pdf) in the
	// workspace, with -2, -3 … when that exists.
	Out string
	// Progress, if set, is told how far the export is.
	Progress func(done, total int)
}

// AssessmentExported is what an assessment export wrote.
type AssessmentExported struct {
	Path, SHA256 string
	Reviewer     string       // "" for the team
	Overall      review.Ratio // the accuracy the assessment states
	Head         review.Event // the chain head the assessment proves
	Event        review.Event // the export.assessment event recorded after the file
}

// ExportAssessment writes the signed assessment of a reviewer, or of the
// team when req.Reviewer is "": it checks the actor's role (trainers and
// managers, review.ActExportAssess), signs the chain head, reads the
// scores, sessions, certifications and gates through the training
// service and the calibration report (all time) through quality control,
// reads the chain head after them, has ui/report lay out the PDF,
// signs it with the company certificate or the workspace key, writes it
// atomically and only then records the export.assessment event with the
// file's SHA-256. EFORBIDDEN for a role that may not export, ENOTFOUND for
// an unknown reviewer, EINVALID for a bad language or output path.
func (w *Workspace) ExportAssessment(ctx context.Context, actor review.Account, req AssessmentRequest) (AssessmentExported, error) {
	if err := review.Require(actor, review.ActExportAssess); err != nil {
		return AssessmentExported{}, err
	}
	return w.exportAssessment(ctx, actor, req, w.Training())
}

// exportAssessment is ExportAssessment with the training service to read.
func (w *Workspace) exportAssessment(ctx context.Context, actor review.Account, req AssessmentRequest, tr review.Trainer) (AssessmentExported, error) {
	var res AssessmentExported
	if err := review.Require(actor, review.ActExportAssess); err != nil {
		return res, err
	}
	if !slices.Contains(ExportLangs, req.Lang) {
		return res, review.Errorf(review.EINVALID, "the assessment's language must be zh or en, not %q", req.Lang)
	}
	if req.Reviewer != "" {
		if err := review.ValidateAccountName(req.Reviewer); err != nil {
			return res, err
		}
		if _, _, err := w.DB.AccountByName(ctx, req.Reviewer); review.ErrorCode(err) == review.ENOTFOUND {
			return res, review.Errorf(review.ENOTFOUND, "there is no account named %q", req.Reviewer)
		} else if err != nil {
			return res, err
		}
	}
	zone, err := w.Zone(ctx)
	if err != nil {
		return res, err
	}
	who := req.Reviewer
	if who == "" {
		who = "team"
	}
	out, err := w.exportPath(req.Out, fmt.Sprintf("assessment-%s-%s", who, w.Now().In(zone).Format(dateLayout)))
	if err != nil {
		return res, err
	}
	pm := &progressMeter{fn: req.Progress}
	if _, err := w.Checkpoint(ctx, actor.Name); err != nil {
		return res, fmt.Errorf("sign the chain head before the export: %w", err)
	}
	a, err := w.gatherAssessment(ctx, actor, tr, req.Reviewer, zone)
	if err != nil {
		return res, err
	}
	pm.phase(0, 300)(1, 1)
	pdf, err := report.BuildAssessment(ctx, a, req.Lang, pm.phase(300, 900))
	if err != nil {
		return res, err
	}
	sum, ev, err := w.signWriteRecord(ctx, actor.Name, pdf, signedExport{noun: "assessment",
		reason: "SynthReview reviewer assessment: " + who, out: out, kind: "export.assessment", payload: map[string]any{
			"reviewer": req.Reviewer, "team": req.Reviewer == "", "lang": req.Lang, "time_zone": zone.String(),
			"head_seq": a.Head.Seq, "head_hash": a.Head.Hash, "answered": a.Scores.Overall.Total,
			"correct": a.Scores.Overall.Correct, "sessions": len(a.Scores.Sessions),
		}})
	if sum != "" {
		res = AssessmentExported{Path: out, SHA256: sum, Reviewer: req.Reviewer, Overall: a.Scores.Overall, Head: a.Head, Event: ev}
	}
	if err != nil {
		return res, err
	}
	pm.phase(900, progressTotal)(1, 1)
	return res, nil
}

// gatherAssessment reads what an assessment shows: the figures through
// the training service (hidden gold accuracy among the scores, pauses
// among the certifications) and the calibration report through quality
// control first, then the chain head, so that the head covers every
// event the figures reflect.
func (w *Workspace) gatherAssessment(ctx context.Context, actor review.Account, tr review.Trainer, reviewer string,
	zone *time.Location) (report.Assessment, error) {
	now := w.Now()
	a := report.Assessment{Reviewer: reviewer, Zone: zone, ExportedBy: actor.Name, ExportedAt: now,
		Workspace: filepath.Base(filepath.Clean(w.Dir))}
	var err error
	if a.Scores, err = tr.Scores(ctx, actor, reviewer); err != nil {
		return a, fmt.Errorf("scores: %w", err)
	}
	if reviewer == "" {
		names, err := w.teamReviewers(ctx, a.Scores.Sessions)
		if err != nil {
			return a, err
		}
		for _, name := range names {
			s, err := tr.Scores(ctx, actor, name)
			if err != nil {
				return a, fmt.Errorf("scores of %s: %w", name, err)
			}
			a.Reviewers = append(a.Reviewers, s)
		}
	}
	if a.Certifications, err = tr.Certifications(ctx, actor, reviewer); err != nil {
		return a, fmt.Errorf("certifications: %w", err)
	}
	if a.Gates, err = tr.Gates(ctx, actor); err != nil {
		return a, fmt.Errorf("gates: %w", err)
	}
	if a.SessionTook, err = w.sessionTook(ctx, a.Scores.Sessions); err != nil {
		return a, err
	}
	// Calibration over every sample (all time, like the scores): the
	// pages state it so.
	if a.Agreement, err = w.Quality().Agreement(ctx, actor, time.Time{}); err != nil {
		return a, fmt.Errorf("calibration agreement: %w", err)
	}
	// Set names only label the sessions: a role that may not list the
	// sets gets their numbers.
	if a.Sets, err = tr.GoldSets(ctx, actor); err != nil && review.ErrorCode(err) != review.EFORBIDDEN {
		return a, fmt.Errorf("gold sets: %w", err)
	}
	if err := w.chainProof(ctx, &a); err != nil {
		return a, err
	}
	return a, nil
}

// sessionTook is the average time per answer of each session that has
// answers, from the answers as stored.
func (w *Workspace) sessionTook(ctx context.Context, sessions []review.TrainingSession) (map[int64]time.Duration, error) {
	out := make(map[int64]time.Duration, len(sessions))
	for _, s := range sessions {
		answers, err := w.DB.SessionAnswers(ctx, s.ID)
		if err != nil {
			return nil, fmt.Errorf("time per item of session %d: %w", s.ID, err)
		}
		if len(answers) == 0 {
			continue
		}
		var sum time.Duration
		for _, an := range answers {
			sum += an.Took
		}
		out[s.ID] = sum / time.Duration(len(answers))
	}
	return out, nil
}

// teamReviewers names the reviewers of a team assessment: every active
// reviewer and senior reviewer, and anyone else who trained.
func (w *Workspace) teamReviewers(ctx context.Context, sessions []review.TrainingSession) ([]string, error) {
	accts, err := w.DB.ListAccounts(ctx)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, ac := range accts {
		if !ac.Disabled && (ac.Role == review.RoleReviewer || ac.Role == review.RoleSenior) {
			names = append(names, ac.Name)
		}
	}
	for _, s := range sessions {
		if s.Reviewer != "" && !slices.Contains(names, s.Reviewer) {
			names = append(names, s.Reviewer)
		}
	}
	slices.Sort(names)
	return names, nil
}

// chainProof reads the chain head, the provider, and the events from the
// newest signed checkpoint (the one the export just made) up to the head,
// with that checkpoint and its certificate: what report.Verify checks. It
// reads them with the audit package's query over the few milliseconds
// from the checkpoint to now, picking no item.
func (w *Workspace) chainProof(ctx context.Context, a *report.Assessment) error {
	cps, err := w.DB.Checkpoints(ctx)
	if err != nil {
		return err
	}
	if len(cps) == 0 {
		return review.Errorf(review.EINTERNAL, "no signed checkpoint to prove the chain head")
	}
	from := cps[len(cps)-1].At
	to := w.Now()
	if !to.After(from) {
		to = from
	}
	d, err := w.DB.AuditData(ctx, store.AuditQuery{From: from, To: to.Add(time.Millisecond), AsOf: w.Now(),
		Pick: func(review.Event, []store.AuditFile) []int64 { return []int64{} }})
	if err != nil {
		return fmt.Errorf("chain head: %w", err)
	}
	a.Provider, a.Head = d.Provider, d.Head
	a.Events = append(append(a.Events, d.Events...), d.After...)
	if len(a.Events) == 0 {
		return review.Errorf(review.EINTERNAL, "no events from the checkpoint to the chain head")
	}
	var listed []review.Event
	for _, e := range d.Checkpoints {
		if e.Seq >= a.Events[0].Seq {
			listed = append(listed, e)
		}
	}
	a.Checkpoints, err = w.checkpointsWithCerts(listed)
	return err
}

// exportKindIs reports whether an export command line asks for kind: the
// assessment has flags of its own, so cmdExport hands such a command line
// over before parsing it.
func exportKindIs(args []string, kind string) bool {
	for i, a := range args {
		if a == "--" {
			return false
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "kind" {
			continue
		}
		if !hasVal && i+1 < len(args) {
			val = args[i+1]
		}
		return val == kind
	}
	return false
}

func cmdExportAssessment(ctx context.Context, c *cli, args []string) error {
	ec := c.exportCommand("assessment", "trainer or manager exporting", "assessment", "language of the assessment: zh or en")
	reviewer := ec.fl.String("reviewer", "", "the reviewer assessed (without it: the team assessment)")
	if err := ec.parse(args); err != nil {
		return err
	}
	w, actor, err := c.actAsExporter(ctx, c.dir(ec.ws), *ec.as, review.ActExportAssess, "only trainers and managers may export assessments")
	if err != nil {
		return err
	}
	defer w.Close()
	res, err := w.ExportAssessment(ctx, actor, AssessmentRequest{Reviewer: *reviewer, Lang: *ec.lang, Out: *ec.out,
		Progress: c.exportProgress()})
	if err != nil {
		return err
	}
	who := res.Reviewer
	if who == "" {
		who = "team"
	}
	acc := "no answers yet"
	if res.Overall.Total > 0 {
		acc = fmt.Sprintf("accuracy %.1f%% (%d of %d)", res.Overall.Percent(), res.Overall.Correct, res.Overall.Total)
	}
	fmt.Fprintf(c.io.Out, "wrote %s\nsha256 %s\n%s: %s\nchain head %d %s\nrecorded as event %d\n",
		res.Path, res.SHA256, who, acc, res.Head.Seq, res.Head.Hash, res.Event.Seq)
	return nil
}
