package report

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"

	"synthreview/assets"
	"synthreview/review"
)

// words words the pages in one language: codes (category., outcome.,
// reason., state., …) exactly as the screens do, from the shipped
// translation files, and the report's own headings from labels below.
type words struct {
	zh bool
	tr map[string]string
}

// normLang maps the accepted language tags to "zh" or "en".
func normLang(lang string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(lang)) {
	case "zh", "zh-cn", "zh-hans", "zh_cn":
		return "zh", nil
	case "en", "en-us", "en-gb", "":
		return "en", nil
	}
	return "", review.Errorf(review.EINVALID, "unknown report language %q: use zh or en", lang)
}

// loadWords reads every translation file of the language: "en.json" and
// "*.en.json", or "zh-CN.json" and "*.zh-CN.json".
func loadWords(lang string) (*words, error) {
	w := &words{zh: lang == "zh", tr: map[string]string{}}
	suffix := "en.json"
	if w.zh {
		suffix = "zh-CN.json"
	}
	fsys := assets.Translations()
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, fmt.Errorf("list translations: %w", err)
	}
	for _, name := range names {
		if name != suffix && !strings.HasSuffix(name, "."+suffix) {
			continue
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read translations %s: %w", name, err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("read translations %s: %w", name, err)
		}
		for k, v := range m {
			w.tr[k] = v
		}
	}
	return w, nil
}

// code words a domain code: prefix "category." and code "face_swap" give
// the screens' wording, or the code itself when there is none.
func (w *words) code(prefix, code string) string {
	if code == "" {
		return ""
	}
	if s, ok := w.tr[prefix+code]; ok {
		return s
	}
	return code
}

// L words one of the report's own labels.
func (w *words) L(key string) string {
	l, ok := labels[key]
	if !ok {
		return key
	}
	if w.zh {
		return l[0]
	}
	return l[1]
}

// opt words a code with one of the report's labels, prefix+code, or gives
// the code itself when there is no such label.
func (w *words) opt(prefix, code string) string {
	if _, ok := labels[prefix+code]; ok {
		return w.L(prefix + code)
	}
	return code
}

// F words a label with fmt verbs.
func (w *words) F(key string, args ...any) string { return fmt.Sprintf(w.L(key), args...) }

// labels are the report's headings and phrases: {Chinese, English}.
var labels = map[string][2]string{
	"title":                {"审核审计包", "Audit package"},
	"subtitle":             {"人工智能生成合成内容审核记录", "Review records of AI-generated and synthetic content"},
	"header":               {"审核审计包", "Audit package"},
	"page":                 {"第 %d 页，共 %d 页", "Page %d of %d"},
	"company":              {"服务提供者", "Provider"},
	"uscc":                 {"统一社会信用代码", "Unified social credit code"},
	"period":               {"期间", "Period"},
	"period.value":         {"%s 至 %s（含首尾两日，%s）", "%s to %s (both days included, %s)"},
	"exported.by":          {"导出人", "Exported by"},
	"exported.at":          {"导出时间", "Exported at"},
	"workspace":            {"工作区", "Workspace"},
	"head":                 {"导出前的哈希链头", "Chain head before export"},
	"head.seq":             {"序号 %d", "seq %d"},
	"head.note":            {"本次导出本身记录为其后的一条审计事件，该事件载有本文件的 SHA-256 值。", "The export itself is recorded afterwards as an audit event that holds this file's SHA-256."},
	"sign.note":            {"本文件以 CMS 分离式签名（SHA-256）签署，覆盖全部内容；附件 manifest.json 以机器可读形式列出本文件所含的全部记录及每个原件和标识副本的 SHA-256。可用 synthreview verify 或 pdfsig 核验。", "This file carries a CMS detached signature (SHA-256) over the whole document; the attachment manifest.json lists everything in it in machine-readable form, with the SHA-256 of every original and labelled copy. Check it with synthreview verify or pdfsig."},
	"services":             {"生成合成服务及算法备案", "Generation services and algorithm filings"},
	"col.service":          {"服务", "Service"},
	"col.category":         {"类别", "Category"},
	"col.filing":           {"算法备案号", "Algorithm filing"},
	"col.model":            {"模型", "Model"},
	"none":                 {"无", "none"},
	"contents":             {"目录", "Contents"},
	"sec.summary":          {"概要", "Summary"},
	"sec.evidence":         {"逐条证据", "Evidence per item"},
	"sec.complaints":       {"投诉登记", "Complaint register"},
	"sec.consents":         {"同意记录登记", "Consent register"},
	"sec.events":           {"本期审计事件", "Audit events of the period"},
	"sec.after":            {"期后事件（至链头）", "Events after the period, up to the head"},
	"sec.checkpoints":      {"签名检查点", "Signed checkpoints"},
	"fig.items":            {"范围内条目", "Items in scope"},
	"fig.decisions":        {"审核决定（在线工作）", "Decisions (live work)"},
	"fig.routed":           {"送人工审核", "Routed to a reviewer"},
	"fig.cleared":          {"机器放行", "Cleared by machine"},
	"fig.sampling":         {"抽检比例", "Sampling rate"},
	"fig.complaints":       {"投诉与申诉", "Complaints and appeals"},
	"fig.consents":         {"同意记录", "Consent records"},
	"fig.events":           {"本期审计事件", "Audit events in the period"},
	"chart.category":       {"按服务类别的内容量", "Volume by service category"},
	"chart.outcome":        {"按结果的审核决定", "Decisions by outcome"},
	"chart.reason":         {"按理由代码的审核决定", "Decisions by reason code"},
	"chart.labels":         {"标识合规率", "Label compliance"},
	"chart.rulehits":       {"按规则及规则集版本的命中", "Rule hits by rule and rule-set version"},
	"chart.complaints":     {"投诉处理及时限", "Complaint handling and time limit"},
	"chart.consents":       {"按状态的同意记录", "Consent records by state"},
	"label.implicit":       {"隐式标识合规", "Conforming implicit label"},
	"label.explicit":       {"显式标识（应标注者）", "Visible label (where required)"},
	"label.watermark":      {"检出水印", "Watermark detected"},
	"label.of":             {"%d / %d", "%d of %d"},
	"complaints.received":  {"收到", "Received"},
	"complaints.ontime":    {"期限内答复", "Answered on time"},
	"complaints.late":      {"超期答复", "Answered late"},
	"complaints.open":      {"未结", "Open"},
	"complaints.overdue":   {"未结且已超期", "Open and overdue"},
	"complaints.rate":      {"期限内答复率", "Answered within the time limit"},
	"consent.valid":        {"有效", "Valid"},
	"consent.expired":      {"已过期", "Expired"},
	"consent.withdrawn":    {"已撤回", "Withdrawn"},
	"practice":             {"练习性审核（培训、隐藏金标、校准）单独统计，不计入以上数字：%s。", "Practice reviews (training, hidden gold, calibration) are reported apart and not counted above: %s."},
	"practice.none":        {"本期无", "none in this period"},
	"practice.training":    {"培训", "training"},
	"practice.gold":        {"隐藏金标", "hidden gold"},
	"practice.calibration": {"校准", "calibration"},
	"sampling.all":         {"证据页：范围内全部 %d 条。", "Evidence pages: all %d items in scope."},
	"sampling.sample":      {"证据页：从范围内 %d 条中抽取 %d 条。%s", "Evidence pages: a sample of %d of the %d items in scope. %s"},
	"col.rule":             {"规则", "Rule"},
	"col.version":          {"版本", "Version"},
	"col.severity":         {"级别", "Severity"},
	"col.hits":             {"命中", "Hits"},
	"col.evidence":         {"依据", "Evidence"},
	"col.count":            {"数量", "Count"},
	"item":                 {"条目 %d", "Item %d"},
	"thumb.harmful":        {"已模糊处理：标记为有害", "blurred: flagged harmful"},
	"thumb.none":           {"无缩略图", "no thumbnail"},
	"thumb.bad":            {"缩略图无法读取", "thumbnail unreadable"},
	"f.produceid":          {"ProduceID", "ProduceID"},
	"f.category":           {"类别", "Category"},
	"f.service":            {"服务", "Service"},
	"f.model":              {"模型", "Model"},
	"f.filing":             {"算法备案号", "Algorithm filing"},
	"f.format":             {"格式", "Format"},
	"f.size":               {"大小", "Size"},
	"f.created":            {"生成时间", "Generated"},
	"f.received":           {"接收时间", "Received"},
	"f.state":              {"状态", "State"},
	"f.labelstate":         {"隐式标识", "Implicit label"},
	"f.verdict":            {"标识结论", "Label verdict"},
	"f.sha":                {"原件 SHA-256", "Original SHA-256"},
	"f.user":               {"平台用户", "Platform user"},
	"marks":                {"标识与检查结果", "Marks and findings"},
	"marks.implicit":       {"隐式标识", "Implicit label"},
	"marks.explicit":       {"显式标识", "Visible label"},
	"marks.watermark":      {"水印", "Watermark"},
	"marks.c2pa":           {"C2PA 清单", "C2PA manifest"},
	"marks.iptc":           {"IPTC 数字来源类型", "IPTC digital source type"},
	"marks.none":           {"未发现", "none found"},
	"marks.bad":            {"扫描报告无法读取", "scan report unreadable"},
	"marks.noscan":         {"无扫描报告", "no scan report"},
	"marks.scanerror":      {"扫描出错：%s", "scan error: %s"},
	"wm.detected":          {"检出，载荷 %s，置信度 %.2f", "detected, payload %s, confidence %.2f"},
	"wm.none":              {"未检出", "not detected"},
	"explicit.item":        {"“%s”，字高占短边 %.1f%%", "“%s”, text height %.1f%% of the shorter side"},
	"c2pa.item":            {"存在；签名%s；内容绑定%s；签名者 %s", "present; signature %s; binding %s; signer %s"},
	"c2pa.valid":           {"有效", "valid"},
	"c2pa.invalid":         {"无效", "invalid"},
	"c2pa.unknown":         {"未知", "unknown"},
	"findings":             {"检查发现", "Findings"},
	"findings.none":        {"无", "none"},
	"rulehits":             {"规则命中", "Rule hits"},
	"rulehits.none":        {"无规则命中", "no rule hits"},
	"decisions":            {"审核决定记录", "Decision history"},
	"decisions.none":       {"尚无决定", "no decisions"},
	"col.time":             {"时间", "Time"},
	"col.reviewer":         {"审核员", "Reviewer"},
	"col.outcome":          {"结果", "Outcome"},
	"col.reasons":          {"理由", "Reasons"},
	"col.sanction":         {"处置", "Sanction"},
	"col.undone":           {"撤回", "Undone"},
	"copies":               {"标识副本", "Labelled copies"},
	"copies.none":          {"无", "none"},
	"col.sha":              {"SHA-256", "SHA-256"},
	"col.marks":            {"写入的标识", "Marks written"},
	"col.format":           {"格式", "Format"},
	"col.id":               {"编号", "ID"},
	"col.kind":             {"类型", "Kind"},
	"col.channel":          {"渠道", "Channel"},
	"col.contact":          {"联系方式（已遮蔽）", "Contact (masked)"},
	"col.item":             {"相关内容", "Item"},
	"col.received":         {"收到", "Received"},
	"col.due":              {"答复期限", "Due"},
	"col.status":           {"状态", "Status"},
	"col.subject":          {"主体", "Subject"},
	"col.name":             {"姓名（已遮蔽）", "Name (masked)"},
	"col.scope":            {"范围", "Scope"},
	"col.notice":           {"告知书版本", "Notice"},
	"col.granted":          {"同意时间", "Granted"},
	"col.expires":          {"到期", "Expires"},
	"col.withdrawn":        {"撤回", "Withdrawn"},
	"col.state":            {"状态", "State"},
	"col.seq":              {"序号", "Seq"},
	"col.actor":            {"操作者", "Actor"},
	"col.event":            {"事件", "Kind"},
	"col.object":           {"对象", "Subject"},
	"col.payload":          {"内容（节选）", "Payload (abridged)"},
	"col.hash":             {"哈希", "Hash"},
	"col.head":             {"签名的链头", "Signed head"},
	"col.cert":             {"证书 SHA-256", "Certificate SHA-256"},
	"complaints.none":      {"本期无投诉。", "No complaints in the period."},
	"consents.none":        {"无同意记录。", "No consent records."},
	"events.none":          {"本期无事件。", "No events in the period."},
	"after.none":           {"期后无事件。", "No events after the period."},
	"checkpoints.none":     {"无签名检查点。", "No signed checkpoints."},
	"events.note":          {"哈希为对每行其余各列的 SHA-256（规范编码见 docs/audit-log.md）；完整内容见附件 manifest.json。", "Each hash is the SHA-256 of the row's other columns (canonical encoding in docs/audit-log.md); full payloads are in the attachment manifest.json."},
	"checkpoints.note":     {"检查点是以工作区密钥（ECDSA P-256）对链头所作的签名，签名覆盖文本 synthreview-checkpoint-v1\\n<序号>\\n<哈希>\\n。", "A checkpoint is a signature over the chain head with the workspace key (ECDSA P-256), over the text synthreview-checkpoint-v1\\n<seq>\\n<hash>\\n."},
	"overdue":              {"已超期", "overdue"},
	"col.code":             {"代码", "Code"},
	"col.explain":          {"说明", "Explanation"},
	"kind.complaint":       {"投诉", "Complaint"},
	"kind.appeal":          {"申诉", "Appeal"},
	"channel.web":          {"网页", "Web"},
	"channel.app":          {"应用", "App"},
	"channel.email":        {"电子邮件", "Email"},
	"channel.phone":        {"电话", "Phone"},
	"channel.regulator":    {"监管转办", "Regulator"},
	"scope.face":           {"人脸", "Face"},
	"scope.voice":          {"声音", "Voice"},
	"scope.face+voice":     {"人脸+声音", "Face+voice"},
	"yes":                  {"是", "yes"},
	"no":                   {"否", "no"},
	"bytes":                {"%s 字节", "%s bytes"},

	// The reviewer assessment (issue 11).
	"as.title":            {"审核员考核报告", "Reviewer assessment"},
	"as.title.team":       {"审核团队考核报告", "Team assessment"},
	"as.subtitle":         {"人工智能生成合成内容审核人员培训与考核记录", "Training and assessment record of reviewers of AI-generated and synthetic content"},
	"as.team":             {"全体审核员（%d 人）", "all reviewers (%d)"},
	"as.who":              {"审核员", "Reviewer"},
	"as.who.team":         {"考核对象", "Assessed"},
	"as.period":           {"培训期间", "Training period"},
	"as.asof":             {"统计截至", "Figures as of"},
	"as.accuracy":         {"准确率", "Accuracy"},
	"as.accuracy.of":      {"金标题答对 %d 题，共 %d 题", "%d of %d gold items answered correctly"},
	"as.nosessions":       {"尚无培训记录", "no training sessions"},
	"as.sign.note":        {"本文件以 CMS 分离式签名（SHA-256）签署，覆盖全部内容；附件 manifest.json 以机器可读形式列出本文件的全部数字、培训记录、认证记录及证明链头的审计事件。可用 synthreview verify 或 pdfsig 核验。", "This file carries a CMS detached signature (SHA-256) over the whole document; the attachment manifest.json lists every figure, session and certification in it in machine-readable form, with the audit events that prove the chain head. Check it with synthreview verify or pdfsig."},
	"as.sec.results":      {"考核结果", "Results"},
	"as.fig.answered":     {"已答金标题", "Gold items answered"},
	"as.fig.correct":      {"答对", "Answered correctly"},
	"as.fig.took":         {"平均每题用时", "Average time per item"},
	"as.fig.sessions":     {"培训场次", "Sessions"},
	"as.fig.certified":    {"有效认证", "Certifications in force"},
	"as.apart":            {"培训与考核在金标题上进行，不触及在线内容，也不计入审计包的在线工作统计。", "Training and assessment use gold items only: they never touch live items and are not counted in the audit package's live work."},
	"as.by.category":      {"按服务类别的结果", "Results by service category"},
	"as.by.reason":        {"按理由代码的结果", "Results by reason code"},
	"as.by.reason.note":   {"按金标题应引用的理由代码统计：应引用该代码的题目中答对的比例。", "Per reason code the gold item's expected decision cites: how many of those items were answered correctly."},
	"as.confusion":        {"决定混淆矩阵", "Confusion matrix of decisions"},
	"as.confusion.note":   {"行为金标题的正确决定，列为审核员给出的决定，单元格为题数；对角线为一致。", "Rows are the gold items' expected decisions, columns the decisions given, cells count items; the diagonal is agreement."},
	"as.confusion.corner": {"正确决定 \\ 给出决定", "Expected \\ given"},
	"as.col.total":        {"合计", "Total"},
	"as.col.agree":        {"一致率", "Agreement"},
	"as.trend":            {"每日准确率", "Accuracy per day"},
	"as.trend.note":       {"每日答题的准确率，%s 至 %s。", "Accuracy of each day's answers, %s to %s."},
	"as.col.reason":       {"理由", "Reason"},
	"as.col.answered":     {"已答", "Answered"},
	"as.col.correct":      {"答对", "Correct"},
	"as.col.took":         {"平均每题用时", "Avg time per item"},
	"as.col.started":      {"开始时间", "Started"},
	"as.col.set":          {"金标集", "Gold set"},
	"as.set.id":           {"金标集 %d", "set %d"},
	"as.open":             {"（未完成）", "(not finished)"},
	"as.kind.training":    {"培训", "training"},
	"as.kind.hidden_gold": {"隐藏金标", "hidden gold"},
	"as.kind.calibration": {"校准", "calibration"},
	"as.seconds":          {"%.1f 秒", "%.1f s"},
	"as.sec.sessions":     {"培训记录", "Training sessions"},
	"as.sec.certs":        {"上岗认证记录", "Certification history"},
	"as.certs.none":       {"尚无认证记录。", "No certifications."},
	"as.col.queue":        {"队列", "Queue"},
	"as.col.certby":       {"认证人", "Certified by"},
	"as.col.certat":       {"认证时间", "Certified at"},
	"as.col.items":        {"题数", "Items"},
	"as.cert.inforce":     {"有效", "in force"},
	"as.cert.revoked":     {"已于 %s 撤销", "revoked %s"},
	"as.cert.revokedby":   {"已于 %s 由 %s 撤销", "revoked %s by %s"},
	"as.col.gate":         {"所达要求", "Requirement met"},
	"as.gate.value":       {"不低于 %s，%d 题", "at least %s over %d items"},
	"as.kinds":            {"单独统计（不计入上述结果）：%s。", "Reported apart, not counted above: %s."},
	"as.sep":              {"；", "; "},
	"as.gates":            {"各队列的认证要求", "Certification requirements per queue"},
	"as.gates.none":       {"未设认证要求：各队列无须认证即可审核。", "No requirements set: every queue may be worked without certification."},
	"as.col.minacc":       {"最低准确率", "Minimum accuracy"},
	"as.col.minitems":     {"最少题数", "Minimum items"},
	"as.col.setby":        {"设定人", "Set by"},
	"as.col.setat":        {"设定时间", "Set at"},
	"as.sec.reviewers":    {"按审核员", "By reviewer"},
	"as.col.certified":    {"有效认证队列", "Certified queues"},
	"as.sec.chain":        {"哈希链头证明", "Chain head"},
	"as.chain.note":       {"以下审计事件从导出时所作的签名检查点起，连续链接到封面所列的链头；检查点的签名见下一节。", "The audit events below run from the signed checkpoint made at export to the head the cover names, each linked to the one before; the checkpoints' signatures follow."},
}
