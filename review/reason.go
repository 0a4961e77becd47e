package review

// Reason is a reason code a decision rests on. Its wording, in Chinese and
// English, lives in assets/translations as "reason.<Code>", so screens and
// PDF reports word it alike; the articles are data here because they are
// facts of the law (requirements.md), not wording.
type Reason struct {
	Code     string
	Group    string   // "label", "law", "consent", or a GB/T 45654 Appendix A group "a1".."a5"
	Articles []string // the provisions it rests on, in requirements.md's short names
}

// Reasons are the built-in reason codes. The content-risk codes follow the
// 31 risks in 5 groups of GB/T 45654-2025 Appendix A. UNCONFIRMED: the list
// is taken from TC260-003-2024 Appendix A, from which GB/T 45654 derives; the
// published GB/T text was not re-checked (no copy could be consulted).
var Reasons = []Reason{
	{"prohibited-content", "law", []string{"DSP 6", "GAIM 14"}},
	{"false-news", "law", []string{"DSP 6"}},
	{"rumour", "law", []string{"DSP 11"}},
	{"implicit-label-missing", "label", []string{"DSP 16", "LM 5", "GB 45438 §6"}},
	{"implicit-label-nonconforming", "label", []string{"LM 11", "GB 45438 Annex E"}},
	{"explicit-label-missing", "label", []string{"DSP 17", "LM 4"}},
	{"explicit-label-too-small", "label", []string{"LM 4", "GB 45438 §5.2"}},
	{"label-stripped-or-forged", "label", []string{"LM 10", "DSP 18"}},
	{"consent-missing", "consent", []string{"DSP 14", "PIPL 29"}},
	{"real-name-unverified", "law", []string{"DSP 9"}},
	{"unassessed-model", "law", []string{"DSP 15"}},
	{"personal-information", "law", []string{"PIPL 28", "GAIM 11"}},
	{"unlabelled-copy-unlogged", "label", []string{"LM 9"}},
	{"risk-a1a", "a1", []string{"GB/T 45654 A.1 a)", "DSP 6"}},
	{"risk-a1b", "a1", []string{"GB/T 45654 A.1 b)", "DSP 6"}},
	{"risk-a1c", "a1", []string{"GB/T 45654 A.1 c)", "DSP 6"}},
	{"risk-a1d", "a1", []string{"GB/T 45654 A.1 d)", "DSP 6"}},
	{"risk-a1e", "a1", []string{"GB/T 45654 A.1 e)", "DSP 6"}},
	{"risk-a1f", "a1", []string{"GB/T 45654 A.1 f)", "DSP 6"}},
	{"risk-a1g", "a1", []string{"GB/T 45654 A.1 g)", "DSP 6"}},
	{"risk-a1h", "a1", []string{"GB/T 45654 A.1 h)", "DSP 6"}},
	{"risk-a2a", "a2", []string{"GB/T 45654 A.2 a)"}},
	{"risk-a2b", "a2", []string{"GB/T 45654 A.2 b)"}},
	{"risk-a2c", "a2", []string{"GB/T 45654 A.2 c)"}},
	{"risk-a2d", "a2", []string{"GB/T 45654 A.2 d)"}},
	{"risk-a2e", "a2", []string{"GB/T 45654 A.2 e)"}},
	{"risk-a2f", "a2", []string{"GB/T 45654 A.2 f)"}},
	{"risk-a2g", "a2", []string{"GB/T 45654 A.2 g)"}},
	{"risk-a2h", "a2", []string{"GB/T 45654 A.2 h)"}},
	{"risk-a2i", "a2", []string{"GB/T 45654 A.2 i)"}},
	{"risk-a3a", "a3", []string{"GB/T 45654 A.3 a)"}},
	{"risk-a3b", "a3", []string{"GB/T 45654 A.3 b)"}},
	{"risk-a3c", "a3", []string{"GB/T 45654 A.3 c)"}},
	{"risk-a3d", "a3", []string{"GB/T 45654 A.3 d)"}},
	{"risk-a3e", "a3", []string{"GB/T 45654 A.3 e)"}},
	{"risk-a4a", "a4", []string{"GB/T 45654 A.4 a)"}},
	{"risk-a4b", "a4", []string{"GB/T 45654 A.4 b)"}},
	{"risk-a4c", "a4", []string{"GB/T 45654 A.4 c)"}},
	{"risk-a4d", "a4", []string{"GB/T 45654 A.4 d)"}},
	{"risk-a4e", "a4", []string{"GB/T 45654 A.4 e)", "PIPL 28"}},
	{"risk-a4f", "a4", []string{"GB/T 45654 A.4 f)", "PIPL 28"}},
	{"risk-a4g", "a4", []string{"GB/T 45654 A.4 g)"}},
	{"risk-a5a", "a5", []string{"GB/T 45654 A.5 a)"}},
	{"risk-a5b", "a5", []string{"GB/T 45654 A.5 b)"}},
}

// LookupReason returns the reason with the given code.
func LookupReason(code string) (Reason, bool) {
	for _, r := range Reasons {
		if r.Code == code {
			return r, true
		}
	}
	return Reason{}, false
}
