package report

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/big"
	"testing"
	"time"

	"synthreview/review"
)

// The fixture's company: a Chinese name that pdftotext must give back.
const (
	fixtureCompany = "深圳市星河智能科技有限公司"
	fixtureUSCC    = "91440300MA5G8X2Q7K"
)

var cst = time.FixedZone("UTC+8", 8*3600)

// signer is a key with its self-signed certificate.
type signer struct {
	key  *ecdsa.PrivateKey
	cert *x509.Certificate
}

func newSigner(tb testing.TB, cn string) signer {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 100))
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: cn, Organization: []string{fixtureCompany}},
		NotBefore:             time.Now().Add(-24 * time.Hour),
		NotAfter:              time.Now().AddDate(5, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	return signer{key, cert}
}

func (s signer) certSHA256() string {
	h := sha256.Sum256(s.cert.Raw)
	return hex.EncodeToString(h[:])
}

// thumbnail draws a small JPEG: a gradient with a block, different per i.
func thumbnail(tb testing.TB, i, w, h int) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{uint8(40 + (x*180)/w), uint8(60 + (y*150)/h), uint8(90 + (i*37)%160), 255}
			if x > w/3 && x < w/3+w/4 && y > h/4 && y < h/4+h/3 {
				c = color.RGBA{uint8(230 - i*5%100), 200, 80, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 70}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

var fixtureCategories = []review.Category{"face_swap", "image_generation", "voice_clone", "text_dialogue", "face_edit", "video_generation"}

// scanJSON writes a scan report in the `scan --json` contract.
func scanJSON(i int, produceID string, verdict string) string {
	type m = map[string]any
	r := m{
		"path": produceID + ".jpg", "format": "jpeg", "sha256": fmt.Sprintf("%064x", i+1),
		"label_state": "confirmed", "verdict": verdict, "error": "",
		"iptc_digital_source_type": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
		"implicit": []m{{"carrier": "xmp", "location": "jpeg:APP1:XMP", "form": "inner",
			"namespace": "http://www.tc260.org.cn/ns/AIGC/1.0/",
			"fields": m{"Label": "1", "ContentProducer": "001191440300MA5G8X2Q7K00000", "ProduceID": produceID,
				"ReservedCode1": "", "ContentPropagator": "", "PropagateID": "", "ReservedCode2": ""}}},
		"explicit":  []m{{"text": "AI生成", "box": []int{12, 10, 80, 22}, "height_ratio": 0.061, "source": "template:default"}},
		"watermark": m{"detected": i%3 != 0, "payload": produceID, "payload_digest": "", "confidence": 0.97},
		"c2pa": m{"present": i%4 == 0, "location": "jpeg:APP11", "claim_generator": "FaceStudio/2.1",
			"actions": []string{"c2pa.created"}, "signer": "Xinghe AI CA", "signature_valid": true, "binding_valid": true,
			"timestamp_valid": nil, "signer_trusted": nil},
		"findings": []m{},
	}
	if verdict != "conforming" {
		r["findings"] = []m{
			{"code": "explicit-too-small", "severity": "warning", "message": "visible label too small"},
			{"code": "implicit-missing-field", "severity": "error", "message": "missing ReservedCode2"},
		}
	}
	b, _ := json.Marshal(r)
	return string(b)
}

// chainBuilder appends events with real hashes.
type chainBuilder struct {
	events []review.Event
	at     time.Time
}

func (c *chainBuilder) add(actor, kind, subject, payload string) review.Event {
	prev := review.GenesisHash
	if n := len(c.events); n > 0 {
		prev = c.events[n-1].Hash
	}
	seq := int64(len(c.events) + 1)
	c.at = c.at.Add(37*time.Minute + 123*time.Millisecond)
	e := review.Event{Seq: seq, At: c.at.UTC().Truncate(time.Millisecond), Actor: actor, Kind: kind, Subject: subject, Payload: payload, PrevHash: prev}
	e.Hash = review.EventHash(e.Seq, review.FormatTime(e.At), e.Actor, e.Kind, e.Subject, e.Payload, e.PrevHash)
	c.events = append(c.events, e)
	return e
}

// checkpoint appends an audit.checkpoint event signing the current head.
func (c *chainBuilder) checkpoint(tb testing.TB, s signer) Checkpoint {
	head := c.events[len(c.events)-1]
	h := sha256.Sum256(checkpointMessage(head.Seq, head.Hash))
	sig, err := ecdsa.SignASN1(rand.Reader, s.key, h[:])
	if err != nil {
		tb.Fatal(err)
	}
	p, _ := json.Marshal(checkpointPayload{HeadSeq: head.Seq, HeadHash: head.Hash,
		Signature: base64.StdEncoding.EncodeToString(sig), CertSHA256: s.certSHA256()})
	e := c.add("system", "audit.checkpoint", "chain", string(p))
	return Checkpoint{Event: e, Certificate: s.cert.Raw}
}

// fixture is a realistic audit of November 2025: 30 items with
// thumbnails, complaints, consents, 200 events in the period with a real
// hash chain and a signed checkpoint, and 10 events after it.
type fixture struct {
	audit     Audit
	workspace signer // signs checkpoints (and, in tests, the package)
}

func newFixture(tb testing.TB, nItems, nEvents int) fixture {
	tb.Helper()
	ws := newSigner(tb, "星河智能 audit signing")
	from := time.Date(2025, 11, 1, 0, 0, 0, 0, cst)
	to := time.Date(2025, 11, 30, 0, 0, 0, 0, cst)
	a := Audit{
		Provider: review.Provider{Name: fixtureCompany, USCC: fixtureUSCC},
		Services: []review.Service{
			{Name: "FaceStudio 换脸", Category: "face_swap", Filing: "网信算备440305000000000000001号", Model: "fs-2.1"},
			{Name: "星河绘图", Category: "image_generation", Filing: "网信算备440305000000000000002号", Model: "xh-draw-3"},
			{Name: "VoiceLab", Category: "voice_clone", Filing: "网信算备440305000000000000003号", Model: "vl-1.4"},
		},
		From: from, To: to, Zone: cst,
		ExportedBy: "manager", ExportedAt: time.Date(2025, 12, 2, 10, 30, 0, 0, cst),
		Workspace:  "xinghe-review",
		ItemsTotal: nItems,
	}

	cb := &chainBuilder{at: time.Date(2025, 10, 30, 8, 0, 0, 0, time.UTC)}
	for i := range 40 { // before the period
		cb.add("system", "item.received", fmt.Sprintf("item:%d", i+1), fmt.Sprintf(`{"produce_id":"IMG2025103%05d"}`, i))
	}
	cb.at = from.UTC()
	var cps []Checkpoint
	for i := 0; len(cb.events) < 40+nEvents; i++ {
		switch {
		case i == 59:
			cps = append(cps, cb.checkpoint(tb, ws))
		case i%3 == 0:
			cb.add("system", "item.received", fmt.Sprintf("item:%d", 41+i), fmt.Sprintf(`{"produce_id":"IMG202511%06d","category":"%s"}`, i, fixtureCategories[i%len(fixtureCategories)]))
		case i%3 == 1:
			cb.add("reviewer1", "item.claimed", fmt.Sprintf("item:%d", 40+i), `{"lease_minutes":15}`)
		default:
			cb.add("reviewer1", "item.decided", fmt.Sprintf("item:%d", 39+i), `{"outcome":"reject","reasons":["explicit-label-missing","risk-a1g"],"sanction":"warn"}`)
		}
	}
	a.Events = append(a.Events, cb.events[40:]...)
	cb.at = to.Add(24 * time.Hour).UTC()
	for i := range 10 {
		cb.add("manager", "item.decided", fmt.Sprintf("item:%d", 500+i), `{"outcome":"approve"}`)
	}
	a.After = append(a.After, cb.events[40+nEvents:]...)
	a.Head = cb.events[len(cb.events)-1]
	a.Checkpoints = cps

	thumbs := [4][]byte{thumbnail(tb, 1, 240, 180), thumbnail(tb, 2, 180, 240), thumbnail(tb, 3, 200, 200), thumbnail(tb, 4, 320, 160)}
	outcomes := []review.Outcome{"approve", "reject", "approve_relabel", "escalate", "approve"}
	states := map[review.Outcome]review.State{"approve": "approved", "reject": "rejected", "approve_relabel": "relabelled", "escalate": "escalated"}
	for i := range nItems {
		pid := fmt.Sprintf("IMG20251115%06d", i+1)
		cat := fixtureCategories[i%len(fixtureCategories)]
		out := outcomes[i%len(outcomes)]
		verdict := "conforming"
		if i%4 == 1 {
			verdict = "nonconforming"
		}
		at := from.Add(time.Duration(i)*13*time.Hour + 17*time.Minute)
		it := AuditItem{
			Item: review.Item{ID: int64(100 + i), ProduceID: pid, Format: "jpeg", ObjectSHA256: fmt.Sprintf("%064x", 0xabc000+i),
				Size: int64(180000 + i*1111), Category: cat, Service: a.Services[i%3].Name, Model: a.Services[i%3].Model,
				Filing: a.Services[i%3].Filing, UserID: fmt.Sprintf("u-%05d", 10000+i*7), CreatedAt: at.Add(-time.Minute),
				ReceivedAt: at, State: states[out], LabelState: "confirmed", Verdict: verdict},
			Thumbnail: thumbs[i%4],
			Harmful:   i%7 == 3,
			Scan:      scanJSON(i, pid, verdict),
			Decisions: []review.Decision{{ID: int64(i*2 + 1), ItemID: int64(100 + i), Actor: "reviewer1", Outcome: out, At: at.Add(2 * time.Hour)}},
		}
		if out == "reject" {
			it.Decisions[0].Reasons = []string{"explicit-label-missing", "risk-a1g"}
			it.Decisions[0].Sanction = "warn"
			it.RuleHits = []review.RuleHit{
				{RuleID: "explicit-label-required", RuleVersion: "2025.11.1", Severity: "error", Evidence: `{"category":"` + string(cat) + `","explicit":[]}`},
				{RuleID: "keyword-rumour", RuleVersion: "2025.11.1", Severity: "warning", Evidence: `{"span":[12,18],"text":"紧急通知"}`},
			}
		}
		if out == "escalate" {
			it.Decisions = append(it.Decisions, review.Decision{ID: int64(i*2 + 2), ItemID: int64(100 + i), Actor: "senior1", Outcome: "approve", At: at.Add(26 * time.Hour)})
			it.Decisions[0].UndoneAt = at.Add(3 * time.Hour)
		}
		if out == "approve_relabel" {
			it.Copies = []review.LabelledCopy{{SHA256: fmt.Sprintf("%064x", 0xdef000+i), Size: 190000, Format: "jpeg",
				Marks: []string{"implicit", "explicit", "watermark"}, DecisionID: int64(i*2 + 1), At: at.Add(2 * time.Hour)}}
		}
		if cat == "voice_clone" {
			it.Thumbnail = nil
			it.Item.Format = "wav"
		}
		a.Items = append(a.Items, it)
	}

	for i := range 6 {
		rec := from.Add(time.Duration(i*4) * 24 * time.Hour)
		status := []string{"answered", "closed", "open", "in_progress", "answered", "open"}[i]
		due := rec.Add(15 * 24 * time.Hour)
		if i == 5 {
			due = rec.Add(-time.Hour) // overdue at export
		}
		a.Complaints = append(a.Complaints, review.Complaint{ID: int64(i + 1), Kind: []string{"complaint", "appeal"}[i%2],
			Channel: []string{"web", "app", "email"}[i%3], Contact: review.Mask(fmt.Sprintf("1380013%04d", 8000+i), 3),
			Category: []string{"explicit-label-missing", "false-news", "consent-missing"}[i%3], ItemID: int64(100 + i),
			ProduceID: fmt.Sprintf("IMG20251115%06d", i+1), ReceivedAt: rec, DueAt: due, Status: status})
	}
	for i := range 8 {
		c := review.Consent{ID: fmt.Sprintf("CN-2025-%04d", 40+i), SubjectID: fmt.Sprintf("s-%03d", 880+i),
			SubjectName: review.Mask([]string{"张伟", "王芳", "李娜", "刘洋"}[i%4]+"华", 1), Scope: []string{"face", "voice", "face+voice"}[i%3],
			NoticeVersion: "v3", Channel: "app", GrantedAt: from.AddDate(0, -3, i), EvidenceSHA256: fmt.Sprintf("%064x", 0x77000+i)}
		switch i % 4 {
		case 1:
			c.ExpiresAt = from.AddDate(0, 0, 10)
		case 2:
			c.WithdrawnAt = from.AddDate(0, 0, 5)
		}
		a.Consents = append(a.Consents, c)
	}

	a.Summary = Summary{
		ItemsByCategory:    map[review.Category]int{},
		DecisionsByOutcome: map[review.Outcome]int{},
		DecisionsByReason:  map[string]int{},
		Routed:             nItems * 4 / 5, Cleared: nItems - nItems*4/5, SamplingRate: 0.1,
		Labels:          LabelCompliance{Total: nItems, Implicit: nItems * 3 / 4, ExplicitRequired: nItems * 2 / 3, Explicit: nItems / 2, Watermark: nItems * 2 / 3},
		RuleHits:        []RuleCount{{"explicit-label-required", "2025.11.1", "error", nItems / 5}, {"keyword-rumour", "2025.11.1", "warning", nItems / 5}, {"feature-bank-match", "2025.10.2", "critical", 1}},
		Complaints:      ComplaintCounts{Received: 6, OnTime: 2, Late: 1, Open: 3, Overdue: 1},
		ConsentsByState: map[string]int{"valid": 4, "expired": 2, "withdrawn": 2},
		Practice:        map[string]int{"training": 12, "gold": 3},
	}
	for _, it := range a.Items {
		a.Summary.ItemsByCategory[it.Item.Category]++
		for _, dc := range it.Decisions {
			a.Summary.DecisionsByOutcome[dc.Outcome]++
			for _, r := range dc.Reasons {
				a.Summary.DecisionsByReason[r]++
			}
		}
	}
	return fixture{audit: a, workspace: ws}
}

// signPackage signs pdf with s as the workspace would.
func signPackage(tb testing.TB, pdf []byte, s signer) []byte {
	tb.Helper()
	out, err := Sign(pdf, s.key, []*x509.Certificate{s.cert}, time.Now(), "SynthReview audit package")
	if err != nil {
		tb.Fatal(err)
	}
	return out
}
