package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/jpeg"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"synthreview/review"
)

// Build lays out the unsigned audit package of a in lang ("zh" or "en"):
// the cover, the summaries and charts, an evidence page per item, the
// complaint and consent registers, the events of the period and after it
// with their hashes, and the signed checkpoints, with the JSON manifest
// (ManifestName) attached. Sign it before handing it out.
//
// Build first checks what it is given the way Verify will check the
// package: every event hash, the chain from the period to a.Head and the
// checkpoints; a package that would fail Verify is refused with EINVALID
// naming the first problem. An unknown lang is EINVALID too. Build stops
// with ctx's error when ctx is cancelled. progress, when not nil, is called
// as the work advances (whole percents), from Build's goroutine.
func Build(ctx context.Context, a Audit, lang string, progress func(done, total int)) ([]byte, error) {
	lang, err := normLang(lang)
	if err != nil {
		return nil, err
	}
	if a.Zone == nil {
		a.Zone = time.UTC
	}
	m := newManifest(&a, lang)
	if _, err := checkEventHashes(&m); err != nil {
		return nil, review.Errorf(review.EINVALID, "audit log: %v", err)
	}
	l := listEvents(&m)
	if err := checkChain(&m, l); err != nil {
		return nil, review.Errorf(review.EINVALID, "audit log: %v", err)
	}
	if err := checkCheckpoints(&m, l); err != nil {
		return nil, review.Errorf(review.EINVALID, "audit log: %v", err)
	}
	return render(ctx, &a, &m, lang, progress)
}

// render lays out the pages and attaches m, without checking m.
func render(ctx context.Context, a *Audit, m *Manifest, lang string, progress func(done, total int)) ([]byte, error) {
	if a.Zone == nil {
		a.Zone = time.UTC
	}
	d, manifest, err := startDoc(lang, m)
	if err != nil {
		return nil, err
	}
	w := d.w
	r := &renderer{doc: d, a: a, m: m, ctx: ctx, progress: progress}
	r.total = 6 + len(a.Items) + len(a.Complaints) + len(a.Consents) + len(m.Events) + len(m.After) + len(m.Checkpoints)
	info := docInfo{title: w.L("title") + " " + a.Provider.Name + " " + r.period(),
		header: w.L("header") + " · " + a.Provider.Name + " · " + r.period(), author: a.ExportedBy, at: a.ExportedAt,
		manifest: manifest, attachment: "SynthReview " + ManifestSchema, what: "the audit package"}
	steps := []func(){r.cover, r.summary, r.evidence, r.complaints, r.consents, r.events, r.checkpoints, d.footers}
	out, err := d.layOut(ctx, info, steps, nil)
	if err != nil {
		return nil, err
	}
	r.tick(4)
	return out, nil
}

// startDoc loads the words of lang, encodes the manifest to attach and
// starts a document: what the audit package and the assessment begin
// with.
func startDoc(lang string, manifest any) (*doc, []byte, error) {
	w, err := loadWords(lang)
	if err != nil {
		return nil, nil, err
	}
	b, err := json.Marshal(manifest)
	if err != nil {
		return nil, nil, fmt.Errorf("encode manifest: %w", err)
	}
	d, err := newDoc(w)
	if err != nil {
		return nil, nil, err
	}
	return d, b, nil
}

// docInfo is what a document says of itself: the PDF information, the
// running header and the attached manifest.
type docInfo struct {
	title, header, author string
	at                    time.Time // creation and modification date
	manifest              []byte    // attached as ManifestName
	attachment            string    // the attachment's description
	what                  string    // "the audit package": names the document in errors
}

// layOut sets the document's information and attachment, runs the steps
// in order (each, when set, after every step), stopping with ctx's error
// or the first layout error, and writes the PDF.
func (d *doc) layOut(ctx context.Context, info docInfo, steps []func(), each func()) ([]byte, error) {
	d.header = info.header
	d.f.SetTitle(info.title, true)
	d.f.SetAuthor(info.author, true)
	d.f.SetCreator("SynthReview", true)
	d.f.SetProducer("SynthReview (go-pdf/fpdf)", true)
	d.f.SetLang(map[bool]string{true: "zh-CN", false: "en"}[d.w.zh])
	d.f.SetCreationDate(info.at)
	d.f.SetModificationDate(info.at)
	d.f.SetAttachments([]fpdf.Attachment{{Content: info.manifest, Filename: ManifestName, Description: info.attachment}})
	for _, step := range steps {
		step()
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := d.f.Error(); err != nil {
			return nil, fmt.Errorf("lay out %s: %w", info.what, err)
		}
		if each != nil {
			each()
		}
	}
	var buf bytes.Buffer
	if err := d.f.Output(&buf); err != nil {
		return nil, fmt.Errorf("write %s: %w", info.what, err)
	}
	return buf.Bytes(), nil
}

// renderer lays out one audit package.
type renderer struct {
	*doc
	a        *Audit
	m        *Manifest
	ctx      context.Context
	progress func(done, total int)
	done     int
	total    int
	lastPct  int
	stopped  bool
}

// tick advances the progress by n and reports whether to stop (ctx done).
func (r *renderer) tick(n int) bool {
	r.done += n
	if r.done%32 == 0 || n > 1 {
		if r.ctx.Err() != nil {
			r.stopped = true
		}
	}
	if r.progress != nil && r.total > 0 {
		if p := r.done * 100 / r.total; p != r.lastPct || r.done >= r.total {
			r.lastPct = p
			r.progress(min(r.done, r.total), r.total)
		}
	}
	return r.stopped
}

func (r *renderer) period() string {
	return r.day(r.a.From) + " – " + r.day(r.a.To)
}

// local writes t in the workspace's zone, to the minute or the second.
func (r *renderer) local(t time.Time, seconds bool) string {
	if t.IsZero() {
		return "–"
	}
	if seconds {
		return t.In(r.a.Zone).Format("2006-01-02 15:04:05")
	}
	return t.In(r.a.Zone).Format("2006-01-02 15:04")
}

func (r *renderer) day(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.In(r.a.Zone).Format(dateFormat)
}

func (r *renderer) zoneName() string {
	name := r.a.Zone.String()
	_, off := r.a.ExportedAt.In(r.a.Zone).Zone()
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	utc := fmt.Sprintf("UTC%s%02d:%02d", sign, off/3600, off%3600/60)
	if name == "" || name == "Local" || strings.HasPrefix(name, "UTC") {
		return utc
	}
	return name + ", " + utc
}

func (r *renderer) cover() {
	d, w, a := r.doc, r.w, r.a
	d.coverTitle(w.L("title"), w.L("subtitle"))
	name := a.Provider.Name
	if name == "" {
		name = "–"
	}
	d.paraAt(marginL, contentW, name, true, sizeH1, colText)
	d.y += 3
	pairs := [][2]string{
		{w.L("uscc"), orDash(a.Provider.USCC)},
		{w.L("period"), w.F("period.value", r.day(a.From), r.day(a.To), r.zoneName())},
		{w.L("exported.by"), orDash(a.ExportedBy)},
		{w.L("exported.at"), r.local(a.ExportedAt, true)},
		{w.L("workspace"), orDash(a.Workspace)},
		{w.L("head"), w.F("head.seq", a.Head.Seq) + "\n" + orDash(a.Head.Hash)},
	}
	d.kv(marginL, contentW, 46, pairs, sizeBody)
	d.y += 1
	d.paraAt(marginL+46, contentW-46, w.L("head.note"), false, sizeTable, colMuted)
	d.y += 6
	d.h2(w.L("services"), 12)
	if len(a.Services) == 0 {
		d.para(w.L("none"), false, sizeBody, colMuted)
	} else {
		cols := []column{{title: w.L("col.service"), width: 44}, {title: w.L("col.category"), width: 34},
			{title: w.L("col.filing"), width: 64}, {title: w.L("col.model"), width: 36}}
		d.table(cols, len(a.Services), sizeTable, func(i int) []string {
			s := a.Services[i]
			return []string{s.Name, w.code("category.", string(s.Category)), s.Filing, s.Model}
		}, nil)
	}
	d.y += 4
	d.noteBox(w.L("sign.note"))
	r.tick(1)
}

// coverTitle starts the cover: a new page, the outline entry, the title
// beside its bar and the subtitle under it.
func (d *doc) coverTitle(title, subtitle string) {
	d.newPage()
	d.f.SetFont(faceFamily[faceLatin], "", sizeBody)
	d.f.Bookmark(title, 0, -1)
	d.y = 34
	d.setFill(colBar)
	d.f.Rect(marginL, d.y, 3, 24, "F")
	d.text(marginL+7, d.y, title, true, sizeTitle, colText)
	d.y += lineH(sizeTitle) + 1
	d.text(marginL+7, d.y, subtitle, false, sizeH2, colMuted)
	d.y += 22
}

// noteBox draws s in a shaded box across the page (the cover's note on
// the signature).
func (d *doc) noteBox(s string) {
	d.ensure(20)
	d.setFill(colHeadFill)
	lines := d.fonts.wrap(s, false, sizeTable, contentW-8, 0)
	h := float64(len(lines))*lineH(sizeTable) + 6
	d.f.Rect(marginL, d.y, contentW, h, "F")
	for i, line := range lines {
		d.text(marginL+4, d.y+3+float64(i)*lineH(sizeTable), line, false, sizeTable, colText)
	}
	d.y += h
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "–"
	}
	return s
}

func (r *renderer) summary() {
	d, w, a, s := r.doc, r.w, r.a, r.a.Summary
	d.h1(w.L("sec.summary"), true)
	decisions := 0
	for _, n := range s.DecisionsByOutcome {
		decisions += n
	}
	items := 0
	for _, n := range s.ItemsByCategory {
		items += n
	}
	consents := 0
	for _, n := range s.ConsentsByState {
		consents += n
	}
	d.kvGrid([][2]string{
		{w.L("fig.items"), itoa(items)},
		{w.L("fig.decisions"), itoa(decisions)},
		{w.L("fig.routed"), itoa(s.Routed)},
		{w.L("fig.cleared"), itoa(s.Cleared)},
		{w.L("fig.sampling"), strconv.FormatFloat(100*s.SamplingRate, 'f', 1, 64) + "%"},
		{w.L("fig.complaints"), itoa(s.Complaints.Received)},
		{w.L("fig.consents"), itoa(consents)},
		{w.L("fig.events"), itoa(len(a.Events))},
	}, sizeBody)
	d.y += 2
	d.para(r.practiceLine(), false, sizeTable, colMuted)
	if a.Sampled {
		d.para(w.F("sampling.sample", len(a.Items), a.ItemsTotal, a.SampleNote), false, sizeTable, colMuted)
	} else {
		d.para(w.F("sampling.all", len(a.Items)), false, sizeTable, colMuted)
	}

	var bs []bar
	for _, c := range review.Categories {
		if n := s.ItemsByCategory[c]; n > 0 {
			bs = append(bs, bar{w.code("category.", string(c)), float64(n), itoa(n)})
		}
	}
	for c, n := range s.ItemsByCategory { // codes outside the known list
		if !c.Valid() && n > 0 {
			bs = append(bs, bar{string(c), float64(n), itoa(n)})
		}
	}
	r.chart(w.L("chart.category"), bs, 0)

	bs = nil
	for _, o := range review.Outcomes {
		if n := s.DecisionsByOutcome[o]; n > 0 {
			bs = append(bs, bar{w.code("outcome.", string(o)), float64(n), itoa(n)})
		}
	}
	r.chart(w.L("chart.outcome"), bs, 0)

	bs = nil
	codes := make([]string, 0, len(s.DecisionsByReason))
	for c := range s.DecisionsByReason {
		codes = append(codes, c)
	}
	slices.SortFunc(codes, func(x, y string) int {
		if c := s.DecisionsByReason[y] - s.DecisionsByReason[x]; c != 0 {
			return c
		}
		return strings.Compare(x, y)
	})
	for _, c := range codes {
		bs = append(bs, bar{w.code("reason.", c), float64(s.DecisionsByReason[c]), itoa(s.DecisionsByReason[c])})
	}
	r.chart(w.L("chart.reason"), bs, 0)

	lc := s.Labels
	r.chart(w.L("chart.labels"), []bar{
		{w.L("label.implicit"), ratio(lc.Implicit, lc.Total), pct(lc.Implicit, lc.Total) + "  (" + w.F("label.of", lc.Implicit, lc.Total) + ")"},
		{w.L("label.explicit"), ratio(lc.Explicit, lc.ExplicitRequired), pct(lc.Explicit, lc.ExplicitRequired) + "  (" + w.F("label.of", lc.Explicit, lc.ExplicitRequired) + ")"},
		{w.L("label.watermark"), ratio(lc.Watermark, lc.Total), pct(lc.Watermark, lc.Total) + "  (" + w.F("label.of", lc.Watermark, lc.Total) + ")"},
	}, 1)

	d.h2(w.L("chart.rulehits"), 14)
	if len(s.RuleHits) == 0 {
		d.para(w.L("rulehits.none"), false, sizeTable, colMuted)
	} else {
		hits := slices.Clone(s.RuleHits)
		slices.SortStableFunc(hits, func(x, y RuleCount) int { return y.Hits - x.Hits })
		cols := []column{{title: w.L("col.rule"), width: 70}, {title: w.L("col.version"), width: 40},
			{title: w.L("col.severity"), width: 38}, {title: w.L("col.hits"), width: 30, right: true}}
		d.table(cols, len(hits), sizeTable, func(i int) []string {
			h := hits[i]
			return []string{h.RuleID, h.Version, r.severity(h.Severity), itoa(h.Hits)}
		}, nil)
	}

	cc := s.Complaints
	r.chart(w.L("chart.complaints"), []bar{
		{w.L("complaints.received"), float64(cc.Received), itoa(cc.Received)},
		{w.L("complaints.ontime"), float64(cc.OnTime), itoa(cc.OnTime)},
		{w.L("complaints.late"), float64(cc.Late), itoa(cc.Late)},
		{w.L("complaints.open"), float64(cc.Open), itoa(cc.Open)},
		{w.L("complaints.overdue"), float64(cc.Overdue), itoa(cc.Overdue)},
	}, 0)
	d.kv(marginL, contentW, 62, [][2]string{{w.L("complaints.rate"), pct(cc.OnTime, cc.OnTime+cc.Late)}}, sizeTable)

	bs = nil
	for _, st := range []string{"valid", "expired", "withdrawn"} {
		bs = append(bs, bar{w.L("consent." + st), float64(s.ConsentsByState[st]), itoa(s.ConsentsByState[st])})
	}
	r.chart(w.L("chart.consents"), bs, 0)
	r.tick(1)
}

func ratio(part, whole int) float64 {
	if whole <= 0 {
		return 0
	}
	return float64(part) / float64(whole)
}

func (r *renderer) chart(title string, bs []bar, full float64) {
	r.h2(title, math.Min(float64(len(bs)), 3)*6+4)
	if len(bs) == 0 {
		r.para(r.w.L("none"), false, sizeTable, colMuted)
		return
	}
	r.bars(bs, full)
}

func (r *renderer) practiceLine() string {
	w, p := r.w, r.a.Summary.Practice
	var parts []string
	for _, k := range []string{"training", "gold", "calibration"} {
		if n := p[k]; n > 0 {
			parts = append(parts, w.L("practice."+k)+" "+itoa(n))
		}
	}
	for k, n := range p {
		if k != "training" && k != "gold" && k != "calibration" && n > 0 {
			parts = append(parts, k+" "+itoa(n))
		}
	}
	if len(parts) == 0 {
		return w.F("practice", w.L("practice.none"))
	}
	sep := ", "
	if w.zh {
		sep = "，"
	}
	return w.F("practice", strings.Join(parts, sep))
}

func (r *renderer) severity(s string) string {
	if t, ok := r.w.tr["severity."+s]; ok {
		return t
	}
	return s
}

func (r *renderer) reasons(codes []string) string {
	words := make([]string, len(codes))
	for i, c := range codes {
		words[i] = r.w.code("reason.", c)
	}
	sep := "; "
	if r.w.zh {
		sep = "；"
	}
	return strings.Join(words, sep)
}

func (r *renderer) evidence() {
	d, w := r.doc, r.w
	d.h1(w.L("sec.evidence"), true)
	if r.a.Sampled {
		d.para(w.F("sampling.sample", len(r.a.Items), r.a.ItemsTotal, r.a.SampleNote), false, sizeBody, colText)
	} else {
		d.para(w.F("sampling.all", len(r.a.Items)), false, sizeBody, colText)
	}
	for i := range r.a.Items {
		r.item(i, &r.a.Items[i])
		if r.tick(1) {
			return
		}
	}
}

// The thumbnail box on an evidence page, in millimetres.
const thumbBox = 56.0

// Thumbnails are small JPEGs (AuditItem); larger ones are refused, so one
// bad item cannot swell the package.
const (
	maxThumbSide  = 1024
	maxThumbBytes = 1 << 20
)

func (r *renderer) item(idx int, it *AuditItem) {
	d, w, item := r.doc, r.w, it.Item
	if idx > 0 || !d.room(thumbBox+40) {
		d.newPage()
	} else {
		d.y += 4
	}
	title := w.F("item", item.ID) + " · " + item.ProduceID
	d.f.SetFont(faceFamily[faceLatin], "", sizeBody)
	d.f.Bookmark(title, 1, -1)
	d.text(marginL, d.y, d.fonts.ellipsize(title, true, sizeH1, contentW), true, sizeH1, colText)
	d.y += lineH(sizeH1) + 2
	top := d.y
	r.thumbnail(idx, it, marginL, top)
	thumbBottom := d.y

	d.y = top
	x := marginL + thumbBox + 6
	pairs := [][2]string{
		{w.L("f.produceid"), item.ProduceID},
		{w.L("f.category"), w.code("category.", string(item.Category))},
		{w.L("f.service"), orDash(item.Service)},
		{w.L("f.model"), orDash(item.Model)},
		{w.L("f.filing"), orDash(item.Filing)},
		{w.L("f.format"), orDash(item.Format)},
		{w.L("f.size"), w.F("bytes", itoa(int(item.Size)))},
		{w.L("f.user"), orDash(item.UserID)},
		{w.L("f.created"), r.local(item.CreatedAt, true)},
		{w.L("f.received"), r.local(item.ReceivedAt, true)},
		{w.L("f.state"), w.code("state.", string(item.State))},
		{w.L("f.labelstate"), w.code("labelstate.", item.LabelState)},
		{w.L("f.verdict"), w.code("verdict.", item.Verdict)},
		{w.L("f.sha"), item.ObjectSHA256},
	}
	d.kv(x, contentW-thumbBox-6, 30, pairs, sizeTable)
	d.y = math.Max(d.y, thumbBottom) + 2

	r.marks(it.Scan)

	d.h2(w.L("rulehits"), 10)
	if len(it.RuleHits) == 0 {
		d.para(w.L("rulehits.none"), false, sizeTable, colMuted)
	} else {
		cols := []column{{title: w.L("col.rule"), width: 48}, {title: w.L("col.version"), width: 26},
			{title: w.L("col.severity"), width: 20}, {title: w.L("col.evidence"), width: 84, max: 3}}
		d.table(cols, len(it.RuleHits), sizeTable, func(i int) []string {
			h := it.RuleHits[i]
			return []string{h.RuleID, h.RuleVersion, r.severity(h.Severity), abbrev(h.Evidence, 240)}
		}, nil)
	}

	d.h2(w.L("decisions"), 10)
	if len(it.Decisions) == 0 {
		d.para(w.L("decisions.none"), false, sizeTable, colMuted)
	} else {
		cols := []column{{title: w.L("col.time"), width: 28}, {title: w.L("col.reviewer"), width: 24},
			{title: w.L("col.outcome"), width: 26}, {title: w.L("col.reasons"), width: 54},
			{title: w.L("col.sanction"), width: 20}, {title: w.L("col.undone"), width: 26}}
		d.table(cols, len(it.Decisions), sizeTable, func(i int) []string {
			dc := it.Decisions[i]
			undone := ""
			if !dc.UndoneAt.IsZero() {
				undone = r.local(dc.UndoneAt, false)
			}
			return []string{r.local(dc.At, false), dc.Actor, w.code("outcome.", string(dc.Outcome)),
				r.reasons(dc.Reasons), w.code("sanction.", string(dc.Sanction)), undone}
		}, nil)
	}

	d.h2(w.L("copies"), 10)
	if len(it.Copies) == 0 {
		d.para(w.L("copies.none"), false, sizeTable, colMuted)
	} else {
		cols := []column{{title: w.L("col.sha"), width: 102}, {title: w.L("col.format"), width: 14},
			{title: w.L("col.marks"), width: 34}, {title: w.L("col.time"), width: 28}}
		d.table(cols, len(it.Copies), sizeTable, func(i int) []string {
			c := it.Copies[i]
			return []string{c.SHA256, c.Format, strings.Join(c.Marks, ", "), r.local(c.At, false)}
		}, nil)
	}
}

// thumbnail draws the item's thumbnail in its box at (x, y) and a caption
// under it, and leaves the cursor below the caption.
func (r *renderer) thumbnail(idx int, it *AuditItem, x, y float64) {
	d, w := r.doc, r.w
	d.setFill(colThumbBack)
	d.f.Rect(x, y, thumbBox, thumbBox, "F")
	caption, capColor := "", colMuted
	switch {
	case len(it.Thumbnail) == 0:
		caption = w.L("thumb.none")
	default:
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(it.Thumbnail))
		if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxThumbSide || cfg.Height > maxThumbSide ||
			len(it.Thumbnail) > maxThumbBytes {
			caption = w.L("thumb.bad")
			break
		}
		// fpdf embeds the JPEG as it is (DCTDecode) without decoding it:
		// decode it once here, so a truncated one is not embedded broken.
		if _, err := jpeg.Decode(bytes.NewReader(it.Thumbnail)); err != nil {
			caption = w.L("thumb.bad")
			break
		}
		name := "thumb" + strconv.Itoa(idx)
		d.f.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "JPEG"}, bytes.NewReader(it.Thumbnail))
		if d.f.Err() {
			// fpdf's error is sticky: a JPEG it cannot embed would spoil the
			// whole document, so such thumbnails are refused above; this
			// reports anything that slipped through.
			return
		}
		iw, ih := float64(cfg.Width), float64(cfg.Height)
		s := math.Min((thumbBox-2)/iw, (thumbBox-2)/ih)
		dw, dh := iw*s, ih*s
		d.f.ImageOptions(name, x+(thumbBox-dw)/2, y+(thumbBox-dh)/2, dw, dh, false, fpdf.ImageOptions{ImageType: "JPEG"}, 0, "")
		if it.Harmful {
			caption, capColor = w.L("thumb.harmful"), colWarn
		}
	}
	d.y = y + thumbBox + 1
	if caption != "" {
		for _, line := range d.fonts.wrap(caption, it.Harmful, sizeTable, thumbBox, 2) {
			d.text(x, d.y, line, it.Harmful, sizeTable, capColor)
			d.y += lineH(sizeTable)
		}
	}
}

func (r *renderer) complaints() {
	d, w, a := r.doc, r.w, r.a
	d.h1(w.L("sec.complaints"), true)
	if len(a.Complaints) == 0 {
		d.para(w.L("complaints.none"), false, sizeBody, colMuted)
		return
	}
	cols := []column{{title: w.L("col.id"), width: 9, right: true}, {title: w.L("col.kind"), width: 16},
		{title: w.L("col.channel"), width: 15}, {title: w.L("col.category"), width: 31},
		{title: w.L("col.item"), width: 29}, {title: w.L("col.contact"), width: 22},
		{title: w.L("col.received"), width: 19}, {title: w.L("col.due"), width: 19},
		{title: w.L("col.status"), width: 18}}
	d.table(cols, len(a.Complaints), sizeTable, func(i int) []string {
		c := a.Complaints[i]
		item := c.ProduceID
		if item == "" && c.ItemID != 0 {
			item = "item:" + strconv.FormatInt(c.ItemID, 10)
		}
		status := w.code("complaint.status.", c.Status)
		if complaintOverdue(c, a.ExportedAt) {
			status += " · " + w.L("overdue")
		}
		return []string{strconv.FormatInt(c.ID, 10), w.opt("kind.", c.Kind), w.opt("channel.", c.Channel), w.code("reason.", c.Category), item,
			maskIfClear(c.Contact, 3), r.local(c.ReceivedAt, false), r.local(c.DueAt, false), status}
	}, func() bool { return r.tick(1) })
}

func (r *renderer) consents() {
	d, w, a := r.doc, r.w, r.a
	d.h1(w.L("sec.consents"), false)
	if len(a.Consents) == 0 {
		d.para(w.L("consents.none"), false, sizeBody, colMuted)
		return
	}
	cols := []column{{title: w.L("col.id"), width: 22}, {title: w.L("col.subject"), width: 18},
		{title: w.L("col.name"), width: 17}, {title: w.L("col.scope"), width: 17},
		{title: w.L("col.notice"), width: 15}, {title: w.L("col.granted"), width: 18},
		{title: w.L("col.expires"), width: 18}, {title: w.L("col.withdrawn"), width: 18},
		{title: w.L("col.state"), width: 14}, {title: w.L("col.sha"), width: 21}}
	d.table(cols, len(a.Consents), sizeTable, func(i int) []string {
		c := a.Consents[i]
		sha := c.EvidenceSHA256
		if len(sha) > 10 {
			sha = sha[:10] + "…"
		}
		return []string{c.ID, c.SubjectID, maskIfClear(c.SubjectName, 1), w.opt("scope.", c.Scope), c.NoticeVersion,
			r.day(c.GrantedAt), r.day(c.ExpiresAt), r.day(c.WithdrawnAt),
			w.L("consent." + consentState(c, a.ExportedAt)), sha}
	}, func() bool { return r.tick(1) })
}

func (r *renderer) events() {
	d, w := r.doc, r.w
	d.h1(w.L("sec.events"), true)
	d.para(w.L("events.note"), false, sizeTable, colMuted)
	d.y += 2
	r.eventTable(r.m.Events, w.L("events.none"))
	if r.stopped {
		return
	}
	d.h2(w.L("sec.after"), 16)
	r.eventTable(r.m.After, w.L("after.none"))
}

func (r *renderer) eventCols() []column {
	w := r.w
	return []column{{title: w.L("col.seq"), width: 11, right: true}, {title: w.L("col.time") + " (UTC)", width: 20},
		{title: w.L("col.actor"), width: 18}, {title: w.L("col.event"), width: 25},
		{title: w.L("col.object"), width: 22}, {title: w.L("col.payload"), width: 36, max: 2},
		{title: w.L("col.hash"), width: 46, max: 3}}
}

// eventTime writes a stored event time ("2025-11-28T01:15:00.123Z") as
// "2025-11-28 01:15:00.123", so that it wraps between date and time.
func eventTime(at string) string {
	return strings.TrimSuffix(strings.Replace(at, "T", " ", 1), "Z")
}

func (r *renderer) eventTable(evs []ManifestEvent, none string) {
	if len(evs) == 0 {
		r.para(none, false, sizeTable, colMuted)
		return
	}
	r.table(r.eventCols(), len(evs), sizeSmall, func(i int) []string {
		e := evs[i]
		return []string{strconv.FormatInt(e.Seq, 10), eventTime(e.At), e.Actor, e.Kind, e.Subject,
			abbrev(e.Payload, 90), e.Hash}
	}, func() bool { return r.tick(1) })
}

func (r *renderer) checkpoints() {
	d, w := r.doc, r.w
	d.h1(w.L("sec.checkpoints"), false)
	d.para(w.L("checkpoints.note"), false, sizeTable, colMuted)
	d.y += 2
	if len(r.m.Checkpoints) == 0 {
		d.para(w.L("checkpoints.none"), false, sizeBody, colMuted)
		return
	}
	cols := []column{{title: w.L("col.seq"), width: 11, right: true}, {title: w.L("col.time") + " (UTC)", width: 20},
		{title: w.L("col.actor"), width: 16}, {title: w.L("col.head"), width: 46, max: 3},
		{title: w.L("col.cert"), width: 44, max: 3}, {title: w.L("col.hash"), width: 41, max: 3}}
	d.table(cols, len(r.m.Checkpoints), sizeSmall, func(i int) []string {
		c := r.m.Checkpoints[i]
		var p checkpointPayload
		head := "?"
		if json.Unmarshal([]byte(c.Event.Payload), &p) == nil {
			head = w.F("head.seq", p.HeadSeq) + " " + p.HeadHash
		}
		return []string{strconv.FormatInt(c.Event.Seq, 10), eventTime(c.Event.At), c.Event.Actor, head, p.CertSHA256, c.Event.Hash}
	}, func() bool { return r.tick(1) })
}
