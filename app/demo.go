package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"synthreview/app/imports"
	"synthreview/marking/label"
	"synthreview/review"
)

// DemoPassword is the password of every demo account (design.md); nothing
// else ships with a known password.
const DemoPassword = "synthreview-demo"

// DemoProducer is a valid fictional producer code (requirements.md §3.3).
const DemoProducer = "001191110108MA01ABCD5T10007"

// demoAccounts are the demo workspace's accounts.
var demoAccounts = []struct {
	name string
	role review.Role
}{
	{"admin", review.RoleAdmin}, {"manager", review.RoleManager}, {"trainer", review.RoleTrainer},
	{"senior1", review.RoleSenior}, {"reviewer1", review.RoleReviewer}, {"reviewer2", review.RoleReviewer},
}

// demoService is one generation service of the demo provider.
type demoService struct {
	name, category, filing, model, format string
	count                                 int
}

var demoServices = []demoService{
	{"Huahui ImageGen", "image_generation", "网信算备110108000000000000001号", "hh-img-3", "png", 20},
	{"Huahui PhotoEdit", "image_edit", "网信算备110108000000000000002号", "hh-edit-1", "jpeg", 6},
	{"FaceStudio", "face_swap", "网信算备110108000000000000003号", "fs-2.1", "png", 12},
	{"XiaoHua Chat", "text_dialogue", "网信算备110108000000000000004号", "xh-chat-7b", "text", 10},
	{"VoiceCraft TTS", "speech_synthesis", "网信算备110108000000000000005号", "vc-tts-2", "wav", 6},
	{"VoiceCraft Clone", "voice_clone", "网信算备110108000000000000006号", "vc-clone-1", "wav", 6},
}

var demoPrompts = []string{
	"一只在雪山下奔跑的橘猫，水彩风格", "城市夜景，霓虹灯，赛博朋克", "把照片里的人换成电影海报主角",
	"写一段关于春节的祝福语", "给我讲一个关于月亮的童话", "产品宣传图：白色背景上的保温杯",
	"用温柔的女声朗读天气预报", "模仿我的声音说生日快乐", "古风山水画，远山近水，小舟",
	"Summer beach at sunset, film photo", "把背景换成故宫", "生成一张团队合影的头像",
}

// Demo creates a workspace in dir filled with demo content: the six
// accounts, services, users with real-name records, consent records, 60
// items across the service categories with real files scanned by marking,
// decisions, complaints and an appeal. Until intake exists (issue 7) items
// are written through the store.
func Demo(ctx context.Context, dir string, progress func(string)) error {
	w, err := CreateWorkspace(ctx, dir)
	if err != nil {
		return err
	}
	defer w.Close()
	now := w.Now().UTC()
	acc := w.Accounts()
	accounts := map[string]review.Account{}
	for i, a := range demoAccounts {
		var got review.Account
		if i == 0 {
			got, err = acc.Bootstrap(ctx, a.name, DemoPassword)
		} else {
			got, err = acc.Add(ctx, accounts["admin"], a.name, a.role, DemoPassword)
		}
		if err != nil {
			return fmt.Errorf("demo account %s: %w", a.name, err)
		}
		accounts[a.name] = got
	}
	progress("accounts: admin, manager, trainer, senior1, reviewer1, reviewer2 (password " + DemoPassword + ")")
	rng := rand.New(rand.NewPCG(20251128, 1))

	// Platform users and their real-name status (DSP Art. 9).
	for i := 1; i <= 12; i++ {
		id := fmt.Sprintf("u-%d", 10290+i)
		if err := w.DB.PutPlatformUser(ctx, "system", id, fmt.Sprintf("演示用户%d", i), fmt.Sprintf("1380013%04d", 8000+i)); err != nil {
			return err
		}
		result := "verified"
		switch i % 6 {
		case 4:
			result = "pending"
		case 5:
			result = "failed"
		}
		idNumber := fmt.Sprintf("11010519900101%04d", 1000+i)
		rn := review.RealName{UserID: id, Method: review.RealNameMethods[i%2], Result: result,
			VerifiedAt: now.Add(-time.Duration(30+i) * 24 * time.Hour), MaskedID: review.Mask(idNumber, 4),
			IDHash: review.PersonalHash(w.DB.PersonalKey, "id_number", idNumber)}
		if err := w.DB.PutRealName(ctx, "system", rn); err != nil {
			return err
		}
	}
	// Consent records for face and voice work (DSP Art. 14).
	for i := 1; i <= 10; i++ {
		c := review.Consent{ID: fmt.Sprintf("CN-2025-%04d", 40+i), SubjectID: fmt.Sprintf("s-%d", 880+i),
			SubjectName: fmt.Sprintf("被编辑人%d", i), Scope: "face", NoticeVersion: "notice-v3", Channel: "app",
			GrantedAt: now.Add(-60 * 24 * time.Hour), EvidenceSHA256: fmt.Sprintf("%064x", 0xC0+i)}
		if i > 6 {
			c.Scope = "voice"
		}
		switch i {
		case 5:
			c.WithdrawnAt = now.Add(-5 * 24 * time.Hour) // withdrawn: dependent items need review again
		case 6:
			c.ExpiresAt = now.Add(-10 * 24 * time.Hour) // expired
		}
		if err := w.DB.PutConsent(ctx, "system", c); err != nil {
			return err
		}
	}
	progress("platform users, real-name records and consent records")
	// Services and their security assessments arrive as the provider's
	// systems of record would send them: files through the import path.
	// VoiceCraft Clone has no assessment on record (a DSP Art. 15 hit).
	var svcCSV, asCSV strings.Builder
	svcCSV.WriteString("name,category,algorithm_filing,model\n")
	asCSV.WriteString("id,service,model,date,scope,status\n")
	for i, svc := range demoServices {
		fmt.Fprintf(&svcCSV, "%s,%s,%s,%s\n", svc.name, svc.category, svc.filing, svc.model)
		if svc.name != "VoiceCraft Clone" {
			fmt.Fprintf(&asCSV, "%s,%s,%s,2025-06-%02d,%s,passed\n", demoAssessmentID(svc), svc.name, svc.model, 10+i, svc.category)
		}
	}
	for _, f := range []struct{ kind, name, data string }{
		{"services", "services.csv", svcCSV.String()}, {"assessments", "assessments.csv", asCSV.String()},
		{"provider", "provider.json", `{"name":"示例智能科技有限公司","uscc":"91110108MA01ABCD5T","producer_codes":[{"code":"` + DemoProducer + `","service":"all"}]}`},
	} {
		b, err := imports.Parse(f.kind, f.name, []byte(f.data), w.DB.PersonalKey)
		if err != nil {
			return fmt.Errorf("demo %s: %w", f.name, err)
		}
		if _, err := w.DB.Import(ctx, "admin", b.ImportBatch); err != nil {
			return fmt.Errorf("demo %s: %w", f.name, err)
		}
	}
	progress("provider profile, services and security assessments imported")

	// Outputs reach the workspace as they would from a generation service:
	// through the inbox and the intake path.
	x, err := w.newIntake(ctx, nil)
	if err != nil {
		return err
	}
	n := 0
	for _, svc := range demoServices {
		for k := 0; k < svc.count; k++ {
			n++
			if err := demoDelivery(x.Inbox.Dir, rng, svc, k, n, now); err != nil {
				return fmt.Errorf("demo item %d (%s): %w", n, svc.name, err)
			}
		}
	}
	x.Settle = time.Nanosecond // the files above are complete
	r, err := x.RunOnce(ctx)
	if err != nil {
		return err
	}
	if r.Taken != n {
		return fmt.Errorf("demo intake took %d of %d deliveries (%d rejected)", r.Taken, n, r.Rejected)
	}
	progress(fmt.Sprintf("%d items delivered to the inbox, scanned and queued", n))

	// Work: reviewers decide some items, one escalation, one hold.
	q := review.Queue{Store: w.DB}
	decide := func(who string, d review.Decision) error {
		it, err := q.Next(ctx, accounts[who], review.QueueLive)
		if err != nil {
			return err
		}
		_, err = q.Decide(ctx, accounts[who], it.ID, d)
		return err
	}
	plan := []struct {
		who string
		d   review.Decision
	}{
		{"reviewer1", review.Decision{Outcome: review.OutcomeApprove}},
		{"reviewer1", review.Decision{Outcome: review.OutcomeApprove}},
		{"reviewer2", review.Decision{Outcome: review.OutcomeReject, Reasons: []string{"implicit-label-missing"}, Note: "无隐式标识"}},
		{"reviewer1", review.Decision{Outcome: review.OutcomeApprove}},
		{"reviewer2", review.Decision{Outcome: review.OutcomeReject, Reasons: []string{"risk-a1g"}, Sanction: review.SanctionWarn, Note: "虚假信息"}},
		{"reviewer1", review.Decision{Outcome: review.OutcomeEscalate, Note: "疑似未获授权的人脸，请资深审核员判断"}},
		{"reviewer2", review.Decision{Outcome: review.OutcomeHold, Note: "等待用户补充授权材料"}},
		{"reviewer1", review.Decision{Outcome: review.OutcomeApprove}},
	}
	for _, p := range plan {
		if err := decide(p.who, p.d); err != nil {
			return fmt.Errorf("demo decision: %w", err)
		}
	}
	if err := w.syncOutbox(ctx); err != nil {
		return err
	}
	progress(fmt.Sprintf("%d decisions, their actions written to outbox/", len(plan)))

	// Complaints (DSP Art. 12), one overdue, and an appeal.
	complaints := []review.Complaint{
		{Kind: "complaint", Channel: "app", Contact: "13800138000", ReporterID: "u-10301", Category: "risk-a4b",
			ItemID: 3, Text: "这张图用了我的照片，我没有同意。", ReceivedAt: now.Add(-2 * 24 * time.Hour)},
		{Kind: "complaint", Channel: "email", Contact: "someone@example.com", Category: "explicit-label-missing",
			ItemID: 21, Text: "图片没有标注是AI生成的。", ReceivedAt: now.Add(-20 * 24 * time.Hour)},
		{Kind: "complaint", Channel: "web", Contact: "13900139000", ReporterID: "u-10295", Category: "risk-a1g",
			ItemID: 45, Text: "对话内容包含不实信息。", ReceivedAt: now.Add(-1 * 24 * time.Hour), Status: "in_progress"},
		{Kind: "appeal", Channel: "app", Contact: "13700137000", ReporterID: "u-10293", Category: "implicit-label-missing",
			ItemID: 3, Text: "我的图片被错误下架，请复核。", ReceivedAt: now.Add(-3 * 24 * time.Hour)},
		{Kind: "complaint", Channel: "regulator", Contact: "", Category: "other",
			Text: "监管转办：请核查某换脸内容的授权情况。", ReceivedAt: now.Add(-8 * 24 * time.Hour), Status: "answered",
			Reply: "已核查，相关内容已下架并向用户发出警示。"},
	}
	for _, c := range complaints {
		c.DueAt = c.ReceivedAt.Add(review.DefaultComplaintDays * 24 * time.Hour)
		if _, err := w.DB.RecordComplaint(ctx, "reviewer1", c); err != nil {
			return fmt.Errorf("demo complaint: %w", err)
		}
	}
	progress(fmt.Sprintf("%d complaints and appeals", len(complaints)))
	if _, err := w.Checkpoint(ctx, "system"); err != nil {
		return err
	}
	return nil
}

// demoAssessmentID is the security assessment a demo service cites.
func demoAssessmentID(svc demoService) string {
	for i, s := range demoServices {
		if s.name == svc.name {
			return fmt.Sprintf("SA-2025-%03d", 10+i)
		}
	}
	return ""
}

// demoDelivery writes one output and its sidecar into the inbox, as a
// generation service would (output first, sidecar last).
func demoDelivery(inboxDir string, rng *rand.Rand, svc demoService, k, n int, now time.Time) error {
	prefix := map[string]string{"png": "IMG", "jpeg": "IMG", "text": "TXT", "wav": "AUD"}[svc.format]
	produceID := fmt.Sprintf("%s%s%05d", prefix, now.Format("20060102"), n)
	data, err := demoMedia(rng, svc.format, n)
	if err != nil {
		return err
	}
	// Most outputs carry a valid label; some none, some a broken one.
	fields := label.Fields{Label: "1", ContentProducer: DemoProducer, ProduceID: produceID,
		ContentPropagator: DemoProducer, PropagateID: produceID}
	switch {
	case k%5 == 3: // unlabelled: the label was never written or was stripped
	case k%7 == 5:
		fields.ContentProducer = "001191110108MA0000000X10001" // check characters wrong
		data, err = writeDemoLabel(svc.format, data, fields)
	default:
		data, err = writeDemoLabel(svc.format, data, fields)
	}
	if err != nil {
		return err
	}
	if svc.format == "text" && k%3 != 1 {
		data = append([]byte("【AI生成】"), data...)
	}
	ext := map[string]string{"png": ".png", "jpeg": ".jpg", "text": ".txt", "wav": ".wav"}[svc.format]
	out := produceID + ext
	sum := sha256.Sum256(data)
	type input struct {
		Kind      string `json:"kind"`
		Subject   string `json:"subject,omitempty"`
		ConsentID string `json:"consent_id,omitempty"`
	}
	var inputs []input
	if review.Category(svc.category).Biometric() {
		// Consent ids 41..50: every fourth job names none; some name the
		// withdrawn (45) or the expired (46) record.
		in := input{Kind: map[bool]string{true: "face", false: "voice"}[svc.category == "face_swap"], Subject: fmt.Sprintf("s-%d", 881+k%10)}
		if k%4 != 2 {
			in.ConsentID = fmt.Sprintf("CN-2025-%04d", 41+k%10)
		}
		inputs = append(inputs, in)
	}
	created := now.Add(-time.Duration(70-n) * 3 * time.Hour).In(time.FixedZone("CST", 8*3600))
	sidecar := map[string]any{
		"schema":     review.GenerationSchema,
		"produce_id": produceID,
		"created_at": created.Format(time.RFC3339),
		"service": map[string]string{"name": svc.name, "category": svc.category, "algorithm_filing": svc.filing,
			"model": svc.model, "assessment_id": demoAssessmentID(svc)},
		"user":                   map[string]string{"id": fmt.Sprintf("u-%d", 10291+rng.IntN(12))},
		"prompt":                 demoPrompts[n%len(demoPrompts)],
		"inputs":                 inputs,
		"output":                 map[string]string{"file": out, "sha256": hex.EncodeToString(sum[:])},
		"unlabelled_copy_issued": false,
	}
	body, err := json.MarshalIndent(sidecar, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(inboxDir, out), data, 0o640); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(inboxDir, produceID+".json"), body, 0o640)
}

func writeDemoLabel(format string, data []byte, f label.Fields) ([]byte, error) {
	switch format {
	case "png":
		return label.WritePNG(data, f)
	case "jpeg":
		return label.WriteJPEG(data, f)
	case "wav":
		return label.WriteWAV(data, f)
	}
	return data, nil // text: the implicit label carrier for text is unsettled (requirements.md §6 Q7)
}

// demoMedia makes a small, deterministic file of the format.
func demoMedia(rng *rand.Rand, format string, n int) ([]byte, error) {
	var buf bytes.Buffer
	switch format {
	case "png", "jpeg":
		img := demoImage(rng, 320, 240)
		if format == "png" {
			if err := png.Encode(&buf, img); err != nil {
				return nil, err
			}
		} else if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
			return nil, err
		}
	case "wav":
		return demoWAV(rng, 8000, 4000), nil
	case "text":
		lines := []string{"您好！我是小华，很高兴为您服务。", "春节快乐，万事如意，阖家幸福！",
			"月亮上住着一只玉兔，它每天晚上都会看着地球上的孩子们入睡。", "根据您的描述，建议多喝水、注意休息。"}
		buf.WriteString(lines[n%len(lines)])
		buf.WriteString("\n")
	}
	return buf.Bytes(), nil
}

func demoImage(rng *rand.Rand, w, h int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	c1 := color.NRGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
	c2 := color.NRGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
	type disc struct {
		x, y, r float64
		c       color.NRGBA
	}
	var discs []disc
	for i := 0; i < 5; i++ {
		discs = append(discs, disc{rng.Float64() * float64(w), rng.Float64() * float64(h), 15 + rng.Float64()*50,
			color.NRGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}})
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			t := float64(x+y) / float64(w+h)
			c := color.NRGBA{lerp(c1.R, c2.R, t), lerp(c1.G, c2.G, t), lerp(c1.B, c2.B, t), 255}
			for _, d := range discs {
				if math.Hypot(float64(x)-d.x, float64(y)-d.y) < d.r {
					c = d.c
				}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

func lerp(a, b uint8, t float64) uint8 { return uint8(float64(a)*(1-t) + float64(b)*t) }

// demoWAV is a short 16-bit mono PCM tone.
func demoWAV(rng *rand.Rand, rate, samples int) []byte {
	f := 220 + rng.Float64()*440
	var pcm bytes.Buffer
	for i := 0; i < samples; i++ {
		v := int16(8000 * math.Sin(2*math.Pi*f*float64(i)/float64(rate)))
		_ = binary.Write(&pcm, binary.LittleEndian, v)
	}
	var b bytes.Buffer
	b.WriteString("RIFF")
	_ = binary.Write(&b, binary.LittleEndian, uint32(36+pcm.Len()))
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(1), uint32(rate), uint32(rate * 2), uint16(2), uint16(16)} {
		_ = binary.Write(&b, binary.LittleEndian, v)
	}
	b.WriteString("data")
	_ = binary.Write(&b, binary.LittleEndian, uint32(pcm.Len()))
	b.Write(pcm.Bytes())
	return b.Bytes()
}

func cmdDemo(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("demo")
	ws := c.workspaceFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	dir := c.dir(ws)
	fmt.Fprintf(c.io.Err, "creating demo workspace in %s\n", dir)
	if err := Demo(ctx, dir, func(s string) { fmt.Fprintln(c.io.Err, "  "+s) }); err != nil {
		return err
	}
	fmt.Fprintf(c.io.Out, "demo workspace ready: %s\nsign in as admin, manager, trainer, senior1, reviewer1 or reviewer2 with the password %s\n", dir, DemoPassword)
	return nil
}
