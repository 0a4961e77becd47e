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
	"image/draw"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"synthreview/app/imports"
	"synthreview/app/intake"
	"synthreview/assets"
	"synthreview/marking/label"
	"synthreview/marking/pdq"
	"synthreview/marking/raster"
	"synthreview/marking/visible"
	"synthreview/review"
	"synthreview/review/rules"
	"synthreview/store/rulefile"
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
// accounts, services, users with real-name records, consent records, the
// demo's rules (keyword lists and a feature bank, approved by the manager),
// 60 items across the service categories delivered through the inbox and
// intake, decisions, complaints and an appeal, and training: gold sets for
// both queues, certification gates, finished sessions of reviewer1,
// reviewer2 and senior1, who are certified so their queues stay workable
// (a reviewer added later must train first). The outputs are built so
// that the review desk has every kind of evidence to show: keyword hits in
// prompts, feature-library matches (one a near copy), visible labels (one
// too small). Every file is generated from a seeded source, so two runs
// deliver the same files (item numbers follow intake's order, which may
// differ).
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
	if err := demoRegistries(ctx, w, now); err != nil {
		return err
	}
	progress("provider profile, services, security assessments, platform users, real-name and consent records")

	// Every output is made first: the feature bank holds the PDQ hashes of
	// some of them, and the rules must be approved before intake runs.
	outs, entries, err := demoOutputs(rng, now)
	if err != nil {
		return err
	}
	// The live queue's gold items are made of outputs delivered after the
	// demo's decisions, so none is decided by them (which items those
	// decisions take follows intake's order). The escalation queue's are
	// routed there, where the demo decides nothing.
	for i := range outs {
		outs[i].late = outs[i].late || demoIsLiveGold(outs[i].key)
	}
	version, err := w.demoRules(ctx, accounts["manager"], entries)
	if err != nil {
		return fmt.Errorf("demo rules: %w", err)
	}
	progress(fmt.Sprintf("rules %s (keyword lists, feature bank of %d pictures) written to rules/ and approved by manager", version, len(entries)))

	// Outputs reach the workspace as they would from a generation service:
	// through the inbox and the intake path, in two batches.
	x, err := w.newIntake(ctx, nil)
	if err != nil {
		return err
	}
	x.Settle = time.Nanosecond // the files written are complete
	first, err := demoIntake(ctx, x, outs, false)
	if err != nil {
		return err
	}
	progress(fmt.Sprintf("%d items delivered to the inbox, scanned and routed by the rules", first))

	// Work: reviewers decide some items, one escalation, one hold.
	decided, err := demoDecisions(ctx, w, accounts)
	if err != nil {
		return err
	}
	if err := w.syncOutbox(ctx); err != nil {
		return err
	}
	progress(fmt.Sprintf("%d decisions, their actions written to outbox/", len(decided)))

	// The second batch arrives after those decisions, so what it shows
	// (keyword and feature-library hits, a too-small label) still waits.
	later, err := demoIntake(ctx, x, outs, true)
	if err != nil {
		return err
	}
	if err := w.syncOutbox(ctx); err != nil {
		return err
	}
	progress(fmt.Sprintf("%d more items delivered later, scanned and routed by the rules", later))

	// Complaints (DSP Art. 12), one overdue, and an appeal.
	n, err := demoComplaints(ctx, w, outs, decided, now)
	if err != nil {
		return err
	}
	progress(fmt.Sprintf("%d complaints and appeals", n))

	// Training (issue 11): gold sets, gates, finished sessions and the
	// certifications that keep the demo's queues workable.
	trained, err := demoTraining(ctx, w, accounts, outs, decided, now)
	if err != nil {
		return fmt.Errorf("demo training: %w", err)
	}
	progress(trained)
	calibrated, err := demoCalibration(ctx, w, accounts, decided)
	if err != nil {
		return fmt.Errorf("demo calibration: %w", err)
	}
	progress(calibrated)
	summary, err := demoQueueSummary(ctx, w)
	if err != nil {
		return err
	}
	progress(summary)
	if _, err := w.Checkpoint(ctx, "system"); err != nil {
		return err
	}
	return nil
}

// demoRegistries records the platform users, their real-name status and
// the consents, and imports the provider profile, services and security
// assessments.
func demoRegistries(ctx context.Context, w *Workspace, now time.Time) error {
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
	return nil
}

// demoBank is the feature bank of the demo's rules (assets/demo/rules).
const demoBank = "known-harm"

// demoRules writes the demo's rules folder into the workspace, with the
// feature bank's list made of entries, and approves it as manager would
// with `synthreview rules approve`: the folder is first recorded as a
// pending version (its bundle kept in objects/), then approved. It returns
// the approved version.
func (w *Workspace) demoRules(ctx context.Context, manager review.Account, entries []rules.BankEntry) (string, error) {
	dir := filepath.Join(w.Dir, rulesDir)
	if err := os.CopyFS(dir, assets.DemoRules()); err != nil {
		return "", err
	}
	list, err := rulefile.FormatBankList(demoBank, 1, entries)
	if err != nil {
		return "", err
	}
	list = append([]byte("# Written by `synthreview demo`: PDQ hashes of pictures it generated, so their re-uploads match.\n"), list...)
	if err := os.MkdirAll(filepath.Join(dir, "banks"), 0o750); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "banks", demoBank+".tsv"), list, 0o640); err != nil {
		return "", err
	}
	cur, err := rulefile.Load(filepath.Join(dir, "rules.toml"))
	if err != nil {
		return "", err
	}
	if _, _, err := w.ruleSet(ctx); err != nil { // records the version as pending
		return "", err
	}
	if err := review.Require(manager, review.ActApproveRules); err != nil {
		return "", err
	}
	if err := w.DB.ApproveRuleSet(ctx, manager.Name, cur.Version); err != nil {
		return "", err
	}
	return cur.Version, nil
}

// demoIntake writes the outputs of one batch (the late ones or the others)
// into the inbox and takes them in. It returns how many were taken.
func demoIntake(ctx context.Context, x *intake.Intake, outs []demoOutput, late bool) (int, error) {
	n := 0
	for _, o := range outs {
		if o.late != late {
			continue
		}
		if err := o.write(x.Inbox.Dir); err != nil {
			return 0, fmt.Errorf("demo item %s: %w", o.produceID, err)
		}
		n++
	}
	r, err := x.RunOnce(ctx)
	if err != nil {
		return 0, err
	}
	if r.Taken != n {
		return 0, fmt.Errorf("demo intake took %d of %d deliveries (%d rejected)", r.Taken, n, r.Rejected)
	}
	return n, nil
}

// demoDecided is one decision of the demo's plan and the item it was on.
type demoDecided struct {
	item review.Item
	who  string
	d    review.Decision
}

// demoDecisions has reviewers take the next items of the live queue and
// decide them: approvals, rejections, one escalation, one hold.
func demoDecisions(ctx context.Context, w *Workspace, accounts map[string]review.Account) ([]demoDecided, error) {
	q := review.Queue{Store: w.DB}
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
	var out []demoDecided
	for _, p := range plan {
		it, err := q.Next(ctx, accounts[p.who], review.QueueLive)
		if err != nil {
			return nil, fmt.Errorf("demo decision: %w", err)
		}
		if _, err := q.Decide(ctx, accounts[p.who], it.ID, p.d); err != nil {
			return nil, fmt.Errorf("demo decision: %w", err)
		}
		out = append(out, demoDecided{item: it, who: p.who, d: p.d})
	}
	return out, nil
}

// demoComplaints records complaints (DSP Art. 12), one overdue, and an
// appeal against the demo's rejection for a missing implicit label. It
// returns how many it recorded.
func demoComplaints(ctx context.Context, w *Workspace, outs []demoOutput, decided []demoDecided, now time.Time) (int, error) {
	item := func(service string, k int) (int64, error) {
		for _, o := range outs {
			if o.key == (demoKey{service, k}) {
				it, err := w.DB.ItemByProduceID(ctx, o.produceID)
				return it.ID, err
			}
		}
		return 0, fmt.Errorf("demo has no output %d of %s", k, service)
	}
	var ids [3]int64
	for i, k := range []demoKey{{"FaceStudio", 2}, {"Huahui ImageGen", 2}, {"XiaoHua Chat", 7}} {
		id, err := item(k.service, k.k)
		if err != nil {
			return 0, err
		}
		ids[i] = id
	}
	var appealed int64
	for _, d := range decided {
		if d.d.Outcome == review.OutcomeReject && slices.Contains(d.d.Reasons, "implicit-label-missing") {
			appealed = d.item.ID
		}
	}
	complaints := []review.Complaint{
		{Kind: "complaint", Channel: "app", Contact: "13800138000", ReporterID: "u-10301", Category: "risk-a4b",
			ItemID: ids[0], Text: "这张图用了我的照片，我没有同意。", ReceivedAt: now.Add(-2 * 24 * time.Hour)},
		{Kind: "complaint", Channel: "email", Contact: "someone@example.com", Category: "explicit-label-missing",
			ItemID: ids[1], Text: "图片没有标注是AI生成的。", ReceivedAt: now.Add(-20 * 24 * time.Hour)},
		{Kind: "complaint", Channel: "web", Contact: "13900139000", ReporterID: "u-10295", Category: "risk-a1g",
			ItemID: ids[2], Text: "对话内容包含不实信息。", ReceivedAt: now.Add(-1 * 24 * time.Hour), Status: "in_progress"},
		{Kind: "complaint", Channel: "regulator", Contact: "", Category: "other",
			Text: "监管转办：请核查某换脸内容的授权情况。", ReceivedAt: now.Add(-8 * 24 * time.Hour), Status: "answered",
			Reply: "已核查，相关内容已下架并向用户发出警示。"},
	}
	if appealed != 0 {
		complaints = append(complaints, review.Complaint{Kind: "appeal", Channel: "app", Contact: "13700137000", ReporterID: "u-10293",
			Category: "implicit-label-missing", ItemID: appealed, Text: "我的内容被错误下架，请复核。", ReceivedAt: now.Add(-3 * 24 * time.Hour)})
	}
	for _, c := range complaints {
		c.DueAt = c.ReceivedAt.Add(review.DefaultComplaintDays * 24 * time.Hour)
		if _, err := w.DB.RecordComplaint(ctx, "reviewer1", c); err != nil {
			return 0, fmt.Errorf("demo complaint: %w", err)
		}
	}
	return len(complaints), nil
}

// demoGold is one gold item of the demo: an output, the decision a
// trained reviewer makes on it and why, in the trainer's words.
type demoGold struct {
	key         demoKey
	expected    review.Outcome
	reasons     []string
	explanation string
}

// demoLiveGold is the live queue's gold set: two approvals, four items to
// approve and relabel, eight rejections (feature-library matches, one a
// near copy; keyword hits in prompts; a visible label too small). Items the
// demo's own decisions take are left out, so no gold item contradicts a
// decision on record.
var demoLiveGold = []demoGold{
	{demoKey{"Huahui ImageGen", 0}, review.OutcomeApprove, nil,
		"隐式标识有效（内容制作者编码校验通过），画面上的“AI生成”显式标识高度约为短边的6%，达到GB 45438 §5.2要求的5%；没有任何规则命中。标识齐全、内容无风险，应直接通过。"},
	{demoKey{"FaceStudio", 0}, review.OutcomeApprove, nil,
		"换脸内容：生成所依据的单独同意CN-2025-0041范围为人脸、在有效期内且未撤回（DSP 14、PIPL 29）；隐式标识有效，显式标识清晰。各项要求均已满足，应通过。"},
	{demoKey{"Huahui PhotoEdit", 3}, review.OutcomeApproveRelabel, nil,
		"文件里没有隐式标识（元数据），但画面已有显式标识，内容本身无风险。缺少的隐式标识可以由系统在副本上补写（LM 5），应选“通过并补标”，不要驳回：驳回会下架本可合规发布的内容。"},
	{demoKey{"Huahui PhotoEdit", 5}, review.OutcomeApproveRelabel, nil,
		"隐式标识存在，但内容制作者编码的校验位不对（GB 45438附录E），属于不合规的标识。补标会写入正确的隐式标识，原标识作为证据保留，应选“通过并补标”。"},
	{demoKey{"FaceStudio", 11}, review.OutcomeApproveRelabel, nil,
		"换脸内容的单独同意CN-2025-0042有效，隐式标识有效，但画面上没有显式标识，而换脸内容必须显著标识（DSP 17）。系统可在副本上补写“AI生成”角标，应选“通过并补标”。"},
	{demoKey{"FaceStudio", 3}, review.OutcomeApproveRelabel, nil,
		"换脸内容的单独同意CN-2025-0044有效，显式标识清晰，只缺隐式标识。补写隐式标识即可合规，应选“通过并补标”。"},
	{demoKey{"Huahui ImageGen", 4}, review.OutcomeReject, []string{"risk-a1g"},
		"特征库命中kh-0001（距离0）：这张图此前已因虚假信息被驳回。提示词要求“新闻现场照片”，用生成图冒充真实的新闻现场，属于传播虚假有害信息（GB/T 45654 A.1 g），应驳回，原因码risk-a1g。"},
	{demoKey{"Huahui ImageGen", 1}, review.OutcomeReject, []string{"risk-a1h"},
		"提示词命中关键词“刷单返利”：这是刷单诈骗的招聘广告，属于法律、行政法规禁止的内容（GB/T 45654 A.1 h），应驳回，原因码risk-a1h。"},
	{demoKey{"Huahui ImageGen", 9}, review.OutcomeReject, []string{"risk-a3a"},
		"特征库命中kh-0002：提示词要求“原样复刻”知名动画工作室的角色海报，侵犯他人知识产权（GB/T 45654 A.3 a），应驳回，原因码risk-a3a。"},
	{demoKey{"Huahui ImageGen", 6}, review.OutcomeReject, []string{"risk-a3a"},
		"提示词命中关键词（counterfeit logo）：画面是带仿冒名牌标志的商品图，侵犯他人商标权（GB/T 45654 A.3 a）。标识齐全也不能通过，应驳回，原因码risk-a3a。"},
	{demoKey{"Huahui ImageGen", 11}, review.OutcomeReject, []string{"explicit-label-too-small"},
		"显式标识文字高度只有短边的约3%，低于GB 45438 §5.2要求的5%，起不到显著提示的作用。本图无法自动补写合格的角标，应驳回，原因码explicit-label-too-small。"},
	{demoKey{"Huahui PhotoEdit", 4}, review.OutcomeReject, []string{"risk-a1g"},
		"特征库近似命中kh-0001（PDQ距离大于0）：这是已驳回的虚假新闻图裁边、压缩后重新上传。近似副本与原图同样处理，应驳回，原因码risk-a1g。"},
	{demoKey{"VoiceCraft TTS", 1}, review.OutcomeReject, []string{"risk-a3e"},
		"语音合成朗读的是提示词里的广告词：投资俱乐部“每月保证30%收益”，属于承诺高收益的违法金融广告（GB/T 45654 A.3 e）。声音本身听不出问题，要看提示词，应驳回，原因码risk-a3e。"},
	{demoKey{"Huahui PhotoEdit", 2}, review.OutcomeReject, []string{"risk-a1h"},
		"提示词命中关键词“代办假证”：把照片改成毕业证书并附上联系方式，是伪造证件的广告，属于法律、行政法规禁止的内容（GB/T 45654 A.1 h），应驳回，原因码risk-a1h。"},
}

// demoEscalationGold is the escalation queue's gold set: face and voice
// edits whose consent does not hold, two from a model without a security
// assessment.
var demoEscalationGold = []demoGold{
	{demoKey{"FaceStudio", 2}, review.OutcomeReject, []string{"consent-missing"},
		"换脸内容没有引用任何被编辑人的同意记录。编辑他人人脸必须取得单独同意（DSP 14、PIPL 29），缺少同意应驳回，原因码consent-missing。"},
	{demoKey{"FaceStudio", 4}, review.OutcomeReject, []string{"consent-missing"},
		"所引用的同意CN-2025-0045在生成之前已被撤回。撤回后不得再使用其人脸，等同于没有同意，应驳回，原因码consent-missing。"},
	{demoKey{"FaceStudio", 5}, review.OutcomeReject, []string{"consent-missing"},
		"所引用的同意CN-2025-0046在生成之前已经过期。过期的同意不能作为依据，应驳回，原因码consent-missing。"},
	{demoKey{"FaceStudio", 7}, review.OutcomeReject, []string{"consent-missing"},
		"所引用的同意CN-2025-0048范围只有声音，不包括人脸。同意必须覆盖实际编辑的生物特征，应驳回，原因码consent-missing。"},
	{demoKey{"VoiceCraft Clone", 0}, review.OutcomeReject, []string{"consent-missing", "unassessed-model"},
		"两个问题都要写上：同意CN-2025-0041的范围是人脸，不覆盖声音克隆（consent-missing）；VoiceCraft Clone的模型没有安全评估记录（DSP 15，unassessed-model）。应驳回并引用这两个原因码。"},
	{demoKey{"VoiceCraft Clone", 2}, review.OutcomeReject, []string{"unassessed-model", "consent-missing"},
		"声音克隆所用的模型没有安全评估记录（DSP 15，unassessed-model），而且没有引用任何被克隆人的同意（consent-missing）。两个原因码都要引用，应驳回。"},
}

// demoIsLiveGold reports whether an output is the source of a gold item
// of the live queue.
func demoIsLiveGold(k demoKey) bool {
	return slices.ContainsFunc(demoLiveGold, func(g demoGold) bool { return g.key == k })
}

// Gates of the demo, kept small so the demo stays quick to reach.
var demoGates = []review.Gate{
	{Queue: review.QueueLive, MinAccuracy: 90, MinItems: 10},
	{Queue: review.QueueEscalation, MinAccuracy: 90, MinItems: 5},
}

// demoSitting is one finished training session of the demo: who, on which
// queue's set, how many days ago, how many items answered, and the
// mistakes made (by index in the set's list; every other answer is
// right).
type demoSitting struct {
	who     string
	queue   string
	daysAgo int
	items   int
	wrong   map[int]review.Decision
}

// demoSittings: reviewer1 37 of 40 (92.5 %) over three days, reviewer2 38
// of 42 (90.5 %), senior1 13 of 14 on live and 11 of 12 on escalation,
// the manager 14 of 14 and 6 of 6.
// The mistakes are the usual ones: rejecting what relabelling fixes,
// missing a label too small or a re-upload, citing the wrong or too few
// codes.
var demoSittings = []demoSitting{
	{"reviewer1", review.QueueLive, 9, 14, map[int]review.Decision{
		2:  {Outcome: review.OutcomeReject, Reasons: []string{"implicit-label-missing"}, Note: "无隐式标识"},
		10: {Outcome: review.OutcomeApprove}}},
	{"reviewer2", review.QueueLive, 8, 14, map[int]review.Decision{
		2:  {Outcome: review.OutcomeReject, Reasons: []string{"implicit-label-missing"}},
		11: {Outcome: review.OutcomeApprove}}},
	{"senior1", review.QueueLive, 7, 14, map[int]review.Decision{
		3: {Outcome: review.OutcomeReject, Reasons: []string{"implicit-label-nonconforming"}}}},
	{"senior1", review.QueueEscalation, 7, 6, map[int]review.Decision{
		4: {Outcome: review.OutcomeReject, Reasons: []string{"consent-missing"}}}},
	{"reviewer1", review.QueueLive, 6, 14, map[int]review.Decision{
		12: {Outcome: review.OutcomeApprove}}},
	{"reviewer2", review.QueueLive, 5, 14, map[int]review.Decision{
		7: {Outcome: review.OutcomeReject, Reasons: []string{"risk-a1g"}}}},
	{"senior1", review.QueueEscalation, 3, 6, nil},
	{"reviewer1", review.QueueLive, 2, 12, nil},
	{"reviewer2", review.QueueLive, 1, 14, map[int]review.Decision{
		10: {Outcome: review.OutcomeApproveRelabel}}},
	// The manager decides appeals too (issue 9), so is trained and
	// certified like anyone who decides (gates have no role exemption).
	{"manager", review.QueueLive, 4, 14, nil},
	{"manager", review.QueueEscalation, 4, 6, nil},
}

// demoCertified are the certifications the demo gives, after the
// sittings.
var demoCertified = []struct{ who, queue string }{
	{"reviewer1", review.QueueLive}, {"reviewer2", review.QueueLive},
	{"senior1", review.QueueLive}, {"senior1", review.QueueEscalation},
	{"manager", review.QueueLive}, {"manager", review.QueueEscalation},
}

// demoTraining builds the demo's gold sets (as trainer), sets the gates,
// has reviewer1, reviewer2 and senior1 sit their sessions on the days
// before now, and certifies them. The service's clock is moved to each
// sitting, so scores have a trend; the events are written when the demo
// runs. It returns the progress line.
func demoTraining(ctx context.Context, w *Workspace, accounts map[string]review.Account, outs []demoOutput,
	decided []demoDecided, now time.Time) (string, error) {
	clock := now.Add(-12 * 24 * time.Hour)
	tr := review.Training{Store: w.DB, Now: func() time.Time { return clock }}
	trainer := accounts["trainer"]
	sets, golds, err := demoGoldSets(ctx, w, tr, trainer, outs, decided)
	if err != nil {
		return "", err
	}
	for _, g := range demoGates {
		if err := tr.SetGate(ctx, trainer, g); err != nil {
			return "", err
		}
	}
	for _, st := range demoSittings {
		clock = now.Add(-time.Duration(st.daysAgo)*24*time.Hour - 3*time.Hour)
		if err := demoSit(ctx, tr, &clock, accounts[st.who], sets[st.queue], golds[st.queue], st); err != nil {
			return "", fmt.Errorf("%s's session: %w", st.who, err)
		}
	}
	clock = now.Add(-time.Hour)
	for _, c := range demoCertified {
		if _, err := tr.Certify(ctx, trainer, c.who, c.queue); err != nil {
			return "", err
		}
	}
	acc := map[string]string{}
	for _, who := range []string{"reviewer1", "reviewer2"} {
		sc, err := tr.Scores(ctx, trainer, who)
		if err != nil {
			return "", err
		}
		acc[who] = fmt.Sprintf("%d of %d, %.1f %%", sc.Overall.Correct, sc.Overall.Total, sc.Overall.Percent())
	}
	return fmt.Sprintf("gold sets for the live (%d items) and escalation (%d) queues, gates of 90 %% over %d and %d items, "+
		"finished training sessions of reviewer1 (%s), reviewer2 (%s), senior1 and the manager; reviewer1 and reviewer2 certified for the live queue, senior1 and the manager for both",
		len(golds[review.QueueLive]), len(golds[review.QueueEscalation]), demoGates[0].MinItems, demoGates[1].MinItems,
		acc["reviewer1"], acc["reviewer2"]), nil
}

// demoCalibration samples the demo's live decisions for a blind second
// review (issue 11, calibration) and has the other reviewer give it
// through the desk, as a claim like any other: reviewer2 reviews
// reviewer1's decisions and reviewer1 reviewer2's, disagreeing twice. No
// sample is left waiting, so the demo's first claims are live items.
func demoCalibration(ctx context.Context, w *Workspace, accounts map[string]review.Account, decided []demoDecided) (string, error) {
	desk := w.Desk()
	desk.Quality.Rand = func() float64 { return 0.9999 } // no hidden gold here
	second := map[string]string{"reviewer1": "reviewer2", "reviewer2": "reviewer1"}
	// The second review of each decision, in the order the samples are
	// served (oldest first per reviewer); two disagree.
	answers := map[string][]review.Decision{
		"reviewer2": { // on reviewer1's approve, approve, approve, escalate, approve
			{Outcome: review.OutcomeApprove},
			{Outcome: review.OutcomeApprove},
			{Outcome: review.OutcomeReject, Reasons: []string{"implicit-label-missing"}, Note: "元数据中未见隐式标识"},
			{Outcome: review.OutcomeEscalate, Note: "同意升级：人脸授权存疑"},
			{Outcome: review.OutcomeApprove},
		},
		"reviewer1": { // on reviewer2's reject, reject
			{Outcome: review.OutcomeReject, Reasons: []string{"implicit-label-missing"}, Note: "无隐式标识"},
			{Outcome: review.OutcomeApprove},
		},
	}
	want := map[string]int{}
	for _, d := range decided {
		if d.d.Outcome == review.OutcomeHold || d.d.Outcome == review.OutcomeSkip {
			continue
		}
		if err := w.DB.SampleCalibration(ctx, d.item.ID, review.QueueLive); err != nil {
			return "", err
		}
		want[second[d.who]]++
	}
	n := 0
	for _, who := range []string{"reviewer2", "reviewer1"} {
		if want[who] != len(answers[who]) {
			return "", fmt.Errorf("%s has %d samples to review, the plan %d", who, want[who], len(answers[who]))
		}
		for _, d := range answers[who] {
			it, err := desk.Next(ctx, accounts[who], review.QueueLive)
			if err != nil {
				return "", err
			}
			if review.ShadowClaimID(it.ID) == 0 {
				return "", fmt.Errorf("%s was given live item %s instead of a calibration sample", who, it.ProduceID)
			}
			if _, err := desk.Decide(ctx, accounts[who], it.ID, d); err != nil {
				return "", err
			}
			n++
		}
	}
	a, err := w.Quality().Agreement(ctx, accounts["manager"], time.Time{})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d live decisions reviewed again, blind, by the other reviewer: %d of %d agree, Cohen's kappa %.2f",
		n, a.Overall.Agreed, a.Overall.N, a.Overall.Kappa), nil
}

// demoGoldSets has trainer build the live and the escalation gold sets.
// It returns the sets and their items (in list order) by queue.
func demoGoldSets(ctx context.Context, w *Workspace, tr review.Training, trainer review.Account, outs []demoOutput,
	decided []demoDecided) (map[string]review.GoldSet, map[string][]review.GoldItem, error) {
	taken := map[int64]bool{}
	for _, d := range decided {
		taken[d.item.ID] = true
	}
	sets := map[string]review.GoldSet{}
	golds := map[string][]review.GoldItem{}
	for _, s := range []struct {
		queue, name string
		gold        []demoGold
	}{
		{review.QueueLive, "实时队列：标识与内容风险", demoLiveGold},
		{review.QueueEscalation, "升级队列：人脸与声音的单独同意", demoEscalationGold},
	} {
		set, err := tr.CreateGoldSet(ctx, trainer, s.name, s.queue, "")
		if err != nil {
			return nil, nil, err
		}
		for _, g := range s.gold {
			i := slices.IndexFunc(outs, func(o demoOutput) bool { return o.key == g.key })
			if i < 0 {
				return nil, nil, fmt.Errorf("gold: the demo has no output %d of %s", g.key.k, g.key.service)
			}
			it, err := w.DB.ItemByProduceID(ctx, outs[i].produceID)
			if err != nil {
				return nil, nil, err
			}
			if taken[it.ID] {
				return nil, nil, fmt.Errorf("gold item %s is one the demo's own decisions took", it.ProduceID)
			}
			gi, err := tr.AddGold(ctx, trainer, set.ID, review.GoldItem{ItemID: it.ID, Expected: g.expected,
				Reasons: g.reasons, Explanation: g.explanation})
			if err != nil {
				return nil, nil, fmt.Errorf("gold item %s: %w", it.ProduceID, err)
			}
			golds[s.queue] = append(golds[s.queue], gi)
		}
		sets[s.queue] = set
	}
	return sets, golds, nil
}

// demoSit is one sitting: who answers the first st.items gold items the
// session serves, rightly except for st.wrong, taking 20 to 90 seconds an
// item, and finishes.
func demoSit(ctx context.Context, tr review.Training, clock *time.Time, who review.Account, set review.GoldSet,
	golds []review.GoldItem, st demoSitting) error {
	s, err := tr.StartSession(ctx, who, set.ID)
	if err != nil {
		return err
	}
	for n := 0; n < st.items; n++ {
		g, _, err := tr.NextGold(ctx, who, s.ID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(golds, func(x review.GoldItem) bool { return x.ID == g.ID })
		if i < 0 {
			return fmt.Errorf("session served gold %d, which is not in the set", g.ID)
		}
		d := review.Decision{Outcome: golds[i].Expected, Reasons: golds[i].Reasons}
		if wrong, ok := st.wrong[i]; ok {
			d = wrong
		}
		took := time.Duration(20+(i*17+n*7+st.daysAgo*5)%70) * time.Second
		*clock = clock.Add(took)
		if _, err := tr.Answer(ctx, who, s.ID, g.ID, d, took); err != nil {
			return err
		}
		*clock = clock.Add(8 * time.Second) // reading the feedback
	}
	_, err = tr.FinishSession(ctx, who, s.ID)
	return err
}

// demoQueueSummary says what waits in the queues, read from the store.
func demoQueueSummary(ctx context.Context, w *Workspace) (string, error) {
	counts, err := w.DB.QueueCounts(ctx)
	if err != nil {
		return "", err
	}
	waiting := map[string]int{}
	for _, c := range counts {
		waiting[c.Queue] = c.Waiting
	}
	with := map[string]int{}
	for _, rule := range []string{"keyword", "feature-bank", "explicit-label"} {
		n, err := w.DB.QueueTotal(ctx, review.QueueFilter{Queue: review.QueueLive, RuleID: rule})
		if err != nil {
			return "", err
		}
		with[rule] = n
	}
	return fmt.Sprintf("waiting: %d in the live queue (%d with keyword hits, %d feature-library matches, %d explicit-label hits), %d in the escalation queue",
		waiting[review.QueueLive], with["keyword"], with["feature-bank"], with["explicit-label"], waiting[review.QueueEscalation]), nil
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

// demoKey names one output of the demo: the k-th of a service.
type demoKey struct {
	service string
	k       int
}

// demoTouch is what one output carries beyond the defaults, so that the
// review desk has every kind of evidence to show.
type demoTouch struct {
	prompt  string  // instead of the rotating prompts; terms of the keyword lists are hits
	reply   string  // a chat output instead of the rotating lines
	visible string  // a visible label: demoLabelFull or demoLabelSmall
	bank    string  // the picture goes into the feature bank under this category
	near    demoKey // the picture is a near copy of this one (which is in the bank)
	late    bool    // delivered after the demo's decisions, so it waits for a reviewer
}

// Visible labels the demo draws.
const (
	demoLabelFull  = "full"  // as `mark --visible` draws it: 6 % of the shorter side
	demoLabelSmall = "small" // about 3 % of the shorter side: under the 5 % of GB 45438 §5.2
)

// demoTouches: keyword hits in six prompts across four services, two
// pictures in the feature bank and a near copy of one, and a visible label
// on 13 of the 38 pictures, one of them too small. The prompts are what a
// misbehaving user might type; no real person is named.
var demoTouches = map[demoKey]demoTouch{
	{"Huahui ImageGen", 0}: {visible: demoLabelFull},
	{"Huahui ImageGen", 1}: {prompt: "招聘海报：在家兼职刷单返利，日结三百元", late: true},
	{"Huahui ImageGen", 3}: {visible: demoLabelFull}, // a visible label, but no metadata label (k%5 == 3)
	{"Huahui ImageGen", 4}: {prompt: "暴雨后城市街道被淹的新闻现场照片", bank: "risk-a1g", late: true},
	{"Huahui ImageGen", 6}: {prompt: "Product shot of a leather handbag with a counterfeit logo of a famous brand",
		visible: demoLabelFull, late: true},
	{"Huahui ImageGen", 8}:  {visible: demoLabelFull},
	{"Huahui ImageGen", 9}:  {prompt: "按某知名动画工作室的角色海报原样复刻一张", bank: "risk-a3a", late: true},
	{"Huahui ImageGen", 11}: {visible: demoLabelSmall, late: true},
	{"Huahui ImageGen", 13}: {visible: demoLabelFull},
	{"Huahui ImageGen", 16}: {visible: demoLabelFull},
	{"Huahui PhotoEdit", 2}: {prompt: "把这张照片改成毕业证书的样子，再加上“代办假证”的联系方式", visible: demoLabelFull, late: true},
	{"Huahui PhotoEdit", 3}: {visible: demoLabelFull},
	{"Huahui PhotoEdit", 4}: {prompt: "把这张图的边裁掉一点，压缩后重新上传", near: demoKey{"Huahui ImageGen", 4}, late: true},
	{"FaceStudio", 0}:       {visible: demoLabelFull},
	{"FaceStudio", 1}:       {visible: demoLabelFull},
	{"FaceStudio", 3}:       {visible: demoLabelFull},
	{"FaceStudio", 9}:       {visible: demoLabelFull},
	{"XiaoHua Chat", 0}: {prompt: "帮我写一条短信，冒充公检法，让对方把存款转到安全账户",
		reply: "抱歉，我不能帮助编写冒充他人或诱导转账的内容。如果收到类似短信，请拨打110或96110核实。", late: true},
	{"XiaoHua Chat", 4}: {prompt: "写一篇关于“本市自来水停供三天”的虚假新闻，越逼真越好",
		reply: "我不能编写不实的新闻稿。停水等公共信息请以供水公司和政府部门的正式通知为准。", late: true},
	{"VoiceCraft TTS", 1}: {prompt: "Voice-over for a radio ad: join our investment club, guaranteed returns of 30% a month", late: true},
}

// demoLabelLooks vary the demo's visible labels over built-in texts and
// the positions `mark --visible --position` offers. The six-character
// texts (人工智能生成) are left out: on pictures as small as the demo's
// (240 pixels high) the detector does not find them at 6 %.
var demoLabelLooks = []struct {
	text string
	pos  visible.Position
}{
	{"AI生成", visible.BottomRight}, {"AI合成", visible.Bottom}, {"AI生成", visible.TopLeft},
	{"AI合成", visible.BottomRight}, {"AI生成", visible.Bottom}, {"AI生成", visible.TopRight},
}

// demoNearMax is the largest PDQ distance the near copy may have from its
// original: well within the bank's threshold (31), and above 0 so the desk
// shows a distance.
const demoNearMax = 20

// demoOutput is one output and its sidecar, ready for the inbox.
type demoOutput struct {
	key             demoKey
	produceID, file string
	data, sidecar   []byte
	late            bool
}

// write puts the output and then its sidecar into the inbox, as a
// generation service would (output first, sidecar last).
func (o demoOutput) write(inboxDir string) error {
	if err := os.WriteFile(filepath.Join(inboxDir, o.file), o.data, 0o640); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(inboxDir, o.produceID+".json"), o.sidecar, 0o640)
}

// demoOutputs makes every output of the demo, in service order, and the
// feature-bank entries of the pictures demoTouches puts in the bank.
func demoOutputs(rng *rand.Rand, now time.Time) ([]demoOutput, []rules.BankEntry, error) {
	var outs []demoOutput
	var entries []rules.BankEntry
	pictures := map[demoKey]image.Image{}
	n, looks := 0, 0
	for _, svc := range demoServices {
		for k := 0; k < svc.count; k++ {
			n++
			key := demoKey{svc.name, k}
			t := demoTouches[key]
			var look visible.Position
			text := ""
			if t.visible != "" {
				text, look = demoLabelLooks[looks%len(demoLabelLooks)].text, demoLabelLooks[looks%len(demoLabelLooks)].pos
				looks++
			}
			o, pic, err := demoOutputOf(rng, svc, key, n, now, t, pictures, text, look)
			if err != nil {
				return nil, nil, fmt.Errorf("demo item %d (%s): %w", n, svc.name, err)
			}
			if pic != nil {
				pictures[key] = pic
			}
			if t.bank != "" {
				h, err := demoPDQ(o.data)
				if err != nil {
					return nil, nil, fmt.Errorf("demo item %d (%s): %w", n, svc.name, err)
				}
				entries = append(entries, rules.BankEntry{ID: fmt.Sprintf("kh-%04d", len(entries)+1), Hash: h, Category: t.bank,
					Source: "演示：此前上传时已驳回", Version: 1})
			}
			outs = append(outs, o)
		}
	}
	return outs, entries, nil
}

// demoOutputOf makes one output with its sidecar, and returns the picture
// it holds (nil for other formats).
func demoOutputOf(rng *rand.Rand, svc demoService, key demoKey, n int, now time.Time, t demoTouch,
	pictures map[demoKey]image.Image, labelText string, pos visible.Position) (demoOutput, image.Image, error) {
	prefix := map[string]string{"png": "IMG", "jpeg": "IMG", "text": "TXT", "wav": "AUD"}[svc.format]
	produceID := fmt.Sprintf("%s%s%05d", prefix, now.Format("20060102"), n)
	var data []byte
	var pic image.Image
	var err error
	switch svc.format {
	case "png", "jpeg":
		pic = demoImage(rng, 320, 240)
		if t.near != (demoKey{}) {
			src, ok := pictures[t.near]
			if !ok {
				return demoOutput{}, nil, fmt.Errorf("near copy of %v, which is not made yet", t.near)
			}
			if pic, err = demoNearCopy(src, svc.format); err != nil {
				return demoOutput{}, nil, err
			}
		}
		switch t.visible {
		case demoLabelFull:
			pic, _, err = visible.Draw(pic, labelText, visible.Options{Position: pos})
		case demoLabelSmall:
			pic, err = demoSmallLabel(pic, labelText)
		}
		if err != nil {
			return demoOutput{}, nil, fmt.Errorf("visible label: %w", err)
		}
		data, err = demoEncode(pic, svc.format)
	case "wav":
		data = demoWAV(rng, 8000, 4000)
	case "text":
		lines := []string{"您好！我是小华，很高兴为您服务。", "春节快乐，万事如意，阖家幸福！",
			"月亮上住着一只玉兔，它每天晚上都会看着地球上的孩子们入睡。", "根据您的描述，建议多喝水、注意休息。"}
		reply := lines[n%len(lines)]
		if t.reply != "" {
			reply = t.reply
		}
		data = []byte(reply + "\n")
	}
	if err != nil {
		return demoOutput{}, nil, err
	}
	// Most outputs carry a valid label; some none, some a broken one.
	k := key.k
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
		return demoOutput{}, nil, err
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
	prompt := demoPrompts[n%len(demoPrompts)]
	if t.prompt != "" {
		prompt = t.prompt
	}
	created := now.Add(-time.Duration(70-n) * 3 * time.Hour).In(time.FixedZone("CST", 8*3600))
	sidecar := map[string]any{
		"schema":     review.GenerationSchema,
		"produce_id": produceID,
		"created_at": created.Format(time.RFC3339),
		"service": map[string]string{"name": svc.name, "category": svc.category, "algorithm_filing": svc.filing,
			"model": svc.model, "assessment_id": demoAssessmentID(svc)},
		"user":                   map[string]string{"id": fmt.Sprintf("u-%d", 10291+rng.IntN(12))},
		"prompt":                 prompt,
		"inputs":                 inputs,
		"output":                 map[string]string{"file": out, "sha256": hex.EncodeToString(sum[:])},
		"unlabelled_copy_issued": false,
	}
	body, err := json.MarshalIndent(sidecar, "", "  ")
	if err != nil {
		return demoOutput{}, nil, err
	}
	return demoOutput{key: key, produceID: produceID, file: out, data: data, sidecar: body, late: t.late}, pic, nil
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

// demoEncode writes a picture as PNG or as JPEG at quality 85.
func demoEncode(img image.Image, format string) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	if format == "png" {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	}
	return buf.Bytes(), err
}

// demoPDQ is the PDQ hash intake's scan computes for an encoded picture:
// of its decoded pixels (metadata does not count).
func demoPDQ(data []byte) (rules.Hash, error) {
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return rules.Hash{}, err
	}
	h, q := pdq.Hash(raster.FromImage(img))
	if q < 0 {
		return rules.Hash{}, fmt.Errorf("picture too small for a PDQ hash")
	}
	return rules.ParseHash(h.Hex())
}

// demoNearCopy returns src cropped by a few pixels at the top and left and
// scaled back to its size, as a re-upload that was trimmed and
// re-compressed would be: a different file, whose PDQ hash (once encoded
// in format) differs from src's by a little. It tries crops of 2, 3, …
// pixels until the distance is within (0, demoNearMax].
func demoNearCopy(src image.Image, format string) (image.Image, error) {
	orig, err := demoEncode(src, "png")
	if err != nil {
		return nil, err
	}
	want, err := demoPDQ(orig)
	if err != nil {
		return nil, err
	}
	b := src.Bounds()
	for s := 2; s <= 8; s++ {
		img := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				img.Set(x, y, src.At(b.Min.X+s+x*(b.Dx()-s)/b.Dx(), b.Min.Y+s+y*(b.Dy()-s)/b.Dy()))
			}
		}
		data, err := demoEncode(img, format)
		if err != nil {
			return nil, err
		}
		h, err := demoPDQ(data)
		if err != nil {
			return nil, err
		}
		if d := rules.Distance(want, h); d > 0 && d <= demoNearMax {
			return img, nil
		}
	}
	return nil, fmt.Errorf("no near copy within PDQ distance %d", demoNearMax)
}

// demoSmallLabel draws the label as `mark --visible` does, but onto the
// bottom-right quarter of the picture, pasted back: the text comes out at
// about 3 % of the shorter side, under the 5 % GB 45438 §5.2 asks for
// (Draw itself draws no smaller than 6 %), so the desk marks it too small.
func demoSmallLabel(img image.Image, text string) (image.Image, error) {
	b := img.Bounds()
	corner := image.Rect(b.Max.X-b.Dx()/2, b.Max.Y-b.Dy()/2, b.Max.X, b.Max.Y)
	part := image.NewNRGBA(image.Rect(0, 0, corner.Dx(), corner.Dy()))
	draw.Draw(part, part.Bounds(), img, corner.Min, draw.Src)
	drawn, _, err := visible.Draw(part, text, visible.Options{Position: visible.BottomRight})
	if err != nil {
		return nil, err
	}
	out := image.NewNRGBA(b)
	draw.Draw(out, b, img, b.Min, draw.Src)
	draw.Draw(out, corner, drawn, image.Point{}, draw.Src)
	return out, nil
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
