// Package c2pa finds, parses and verifies C2PA manifest stores embedded in
// media files (JPEG APP11, PNG caBX, ISOBMFF uuid, RIFF C2PA, ID3 GEOB), in
// pure Go. It reports signature, content binding, timestamp and trust as
// separate facts, never one verdict (requirements.md §4).
//
// It takes bytes and returns reports: it must not import Fyne, database/sql,
// review, store, ui or app.
package c2pa

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"fmt"
	"strings"
	"time"
)

// Finding is one problem found while reading or verifying a manifest store.
// Codes extend the scan vocabulary of design.md (for example
// "c2pa-unverified", "c2pa-manifest-stripped").
type Finding struct {
	Code     string `json:"code"`
	Severity string `json:"severity"` // "error", "warning" or "info"
	Message  string `json:"message"`
}

// Report is the `c2pa` object of one `scan --json` line (design.md). The four
// validity facts are pointers: nil means "not known" and is printed as null.
type Report struct {
	Present           bool     `json:"present"`
	Location          string   `json:"location,omitempty"`
	ClaimGenerator    string   `json:"claim_generator,omitempty"`
	Actions           []string `json:"actions,omitempty"`
	DigitalSourceType string   `json:"digital_source_type,omitempty"`
	Signer            string   `json:"signer,omitempty"`
	SignatureValid    *bool    `json:"signature_valid"`
	BindingValid      *bool    `json:"binding_valid"`
	TimestampValid    *bool    `json:"timestamp_valid"`
	SignerTrusted     *bool    `json:"signer_trusted"`
	// RemoteReference is an XMP dcterms:provenance URL, when one is present.
	RemoteReference string `json:"remote_reference,omitempty"`

	// Details beyond design.md's keys (added, never renamed).
	ManifestLabel string   `json:"manifest_label,omitempty"` // label of the active manifest
	ClaimVersion  int      `json:"claim_version,omitempty"`  // 1 (c2pa.claim) or 2 (c2pa.claim.v2)
	Title         string   `json:"title,omitempty"`          // dc:title of the claim
	Ingredients   []string `json:"ingredients,omitempty"`    // titles of the ingredients
	SignatureAlg  string   `json:"signature_alg,omitempty"`  // ES256, PS256, …
	SignerIssuer  string   `json:"signer_issuer,omitempty"`  // issuer of the signing certificate
	TimestampTime string   `json:"timestamp_time,omitempty"` // RFC 3339 genTime of the time stamp
	TimestampTSA  string   `json:"timestamp_tsa,omitempty"`  // subject of the time-stamp authority
	Binding       string   `json:"binding,omitempty"`        // label of the hard-binding assertion

	Findings []Finding `json:"-"`
}

// Options tunes Inspect.
type Options struct {
	// TrustAnchors, when non-empty, are DER certificates an admin trusts;
	// without them SignerTrusted stays nil.
	TrustAnchors [][]byte
	// Now is the clock used to judge the signing certificate when the claim
	// has no valid time stamp; nil means time.Now.
	Now func() time.Time
}

// Finding codes this package emits (design.md's vocabulary, extended).
const (
	// CodeUnverified: a present manifest whose signature or binding is not
	// valid or could not be checked (design.md: warning).
	CodeUnverified = "c2pa-unverified"
	// CodeStripped: an XMP dcterms:provenance reference without an embedded
	// manifest store (warning).
	CodeStripped = "c2pa-manifest-stripped"
	// CodeCertificate: the signing certificate does not fit the C2PA
	// certificate profile (expired, wrong key usage); warning, and the
	// signature stays valid.
	CodeCertificate = "c2pa-certificate"
	// CodeTimestamp: a time stamp is present but does not verify (warning).
	CodeTimestamp = "c2pa-timestamp-invalid"
	// CodeUntrusted: trust anchors are configured and the signer does not
	// chain to them (warning).
	CodeUntrusted = "c2pa-untrusted"
	// CodeNotChecked: something could not be checked by this reader (info).
	CodeNotChecked = "c2pa-not-checked"
)

// Inspect looks for a C2PA manifest store in data, whose container format was
// sniffed by the caller ("jpeg", "png", "mp4", "webp", "wav", "mp3", …). It
// returns nil when the file carries no C2PA manifest and no provenance
// reference. It never panics on hostile input.
//
// The facts, each on its own (nil = unknown, printed null):
//   - SignatureValid: the COSE_Sign1 over the claim verifies with the key of
//     the leaf certificate in x5chain. Certificate-profile problems (expired,
//     key usage) are CodeCertificate findings and do not make it false.
//   - BindingValid: every hashed URI of the claim matches its assertion box,
//     and the hard binding (c2pa.hash.data; c2pa.hash.boxes for JPEG) matches
//     the file. A changed assertion makes the binding false, not the
//     signature. c2pa.hash.bmff* is not checked: nil, with a CodeNotChecked
//     info finding.
//   - TimestampValid: the RFC 3161 token in sigTst/sigTst2 has the right
//     message imprint and a TSA signature that verifies; nil without one.
//   - SignerTrusted: nil unless opts.TrustAnchors is set.
//
// Present is true when a C2PA carrier was found, even when its store cannot
// be read (then the facts are nil and a CodeUnverified finding says why). A
// present manifest whose signature or binding is not true always gets a
// CodeUnverified warning naming the failed fact and why. A dcterms:provenance
// reference with no store gives Present=false, RemoteReference and a
// CodeStripped warning.
func Inspect(data []byte, format string, opts Options) *Report {
	loc := locate(data, format)
	refs := findProvenance(data)
	if loc.store == nil && !loc.dedicated {
		if len(refs) == 0 {
			return nil
		}
		// requirements.md §4 "Remote": a reference only. With no store in the
		// file the manifest was stripped, or lives elsewhere.
		msg := fmt.Sprintf("manifest stripped or remote: XMP dcterms:provenance points to %q but the file holds no C2PA manifest store", refs[0])
		if strings.HasPrefix(refs[0], "self#jumbf=") {
			msg += "; the reference points inside this file, so the manifest was removed"
		} else {
			msg += "; a remote manifest is not fetched (offline), so nothing about it is verified"
		}
		return &Report{
			Present:         false,
			RemoteReference: refs[0],
			Findings:        []Finding{{Code: CodeStripped, Severity: "warning", Message: msg}},
		}
	}
	r := &Report{Present: true, Location: loc.location}
	if len(refs) > 0 {
		r.RemoteReference = refs[0]
	}
	if loc.store == nil {
		r.unverified(fmt.Sprintf("the C2PA manifest store in %s cannot be read: %v", loc.location, loc.err))
		return r
	}
	m, err := activeManifest(loc.store)
	if err != nil {
		r.unverified(fmt.Sprintf("the C2PA manifest store in %s cannot be read: %v", loc.location, err))
		return r
	}
	r.fill(m)
	r.verify(m, data, containerOf(data, format), opts)
	return r
}

// fill copies the descriptive facts of the active manifest.
func (r *Report) fill(m *manifest) {
	r.ManifestLabel = m.label
	r.ClaimVersion = 1
	if m.claimLabel == "c2pa.claim.v2" {
		r.ClaimVersion = 2
	}
	r.Title = m.claim.Title
	r.ClaimGenerator = m.generator()
	actions, dst, ingredients, problems := m.content()
	r.Actions, r.DigitalSourceType, r.Ingredients = actions, dst, ingredients
	for _, p := range problems {
		r.Findings = append(r.Findings, Finding{Code: CodeNotChecked, Severity: "info", Message: p})
	}
}

// verify establishes the four facts.
func (r *Report) verify(m *manifest, data []byte, container string, opts Options) {
	sigWhy, bindWhy := "", ""

	// Signature.
	var certs []*x509.Certificate
	var sig *coseSign1
	signTime := time.Now()
	if opts.Now != nil {
		signTime = opts.Now()
	}
	switch {
	case len(m.sigBytes) == 0:
		r.SignatureValid = ptr(false)
		sigWhy = "the manifest has no claim signature"
	default:
		var err error
		sig, err = parseCOSE(m.sigBytes)
		if err != nil {
			r.SignatureValid = ptr(false)
			sigWhy = "the claim signature cannot be read: " + err.Error()
			break
		}
		if certs, err = sig.chain(); err != nil {
			sigWhy = "the signer's certificate cannot be read: " + err.Error()
			r.SignatureValid = ptr(false)
			break
		}
		leaf := certs[0]
		r.Signer = signerName(leaf)
		r.SignerIssuer = leaf.Issuer.CommonName
		if r.SignerIssuer == "" {
			r.SignerIssuer = leaf.Issuer.String()
		}
		alg, err := sig.alg()
		if err != nil {
			// An algorithm we cannot check leaves the fact unknown.
			sigWhy = "the signature cannot be checked: " + err.Error()
			break
		}
		r.SignatureAlg = alg.name
		if err := sig.verifySignature(alg, leaf, m.claimBytes); err != nil {
			r.SignatureValid = ptr(false)
			sigWhy = err.Error() + ": the claim was changed after signing, or signed with another key"
		} else {
			r.SignatureValid = ptr(true)
		}
	}

	// Time stamp: checked only when the COSE structure was readable.
	if sig != nil {
		ts := sig.verifyTimestamp(m.claimBytes)
		if ts.present {
			r.TimestampValid = ptr(ts.valid)
			r.TimestampTSA = ts.tsa
			if !ts.genTime.IsZero() {
				r.TimestampTime = ts.genTime.UTC().Format(time.RFC3339)
			}
			if ts.valid {
				signTime = ts.genTime
			} else {
				r.Findings = append(r.Findings, Finding{Code: CodeTimestamp, Severity: "warning",
					Message: "the time stamp on the claim signature does not verify: " + ts.reason})
			}
		}
	}
	// Certificate profile and trust, at the time-stamped signing time when
	// there is a valid time stamp, else now.
	if len(certs) > 0 {
		for _, p := range checkSignerProfile(certs[0], signTime) {
			r.Findings = append(r.Findings, Finding{Code: CodeCertificate, Severity: "warning", Message: p})
		}
		if len(opts.TrustAnchors) > 0 {
			ok, why := checkTrust(certs, opts.TrustAnchors, signTime)
			r.SignerTrusted = ptr(ok)
			if !ok {
				r.Findings = append(r.Findings, Finding{Code: CodeUntrusted, Severity: "warning", Message: why})
			}
		}
	}

	// Binding: the hashed URIs of the claim must match the assertion boxes
	// (a changed assertion means the file no longer carries what was signed),
	// and the hard binding must match the asset.
	//
	// Choice: a hashed-URI mismatch (c2pa-rs: assertion.hashedURI.mismatch)
	// makes binding_valid false, not signature_valid: the signature over the
	// claim still holds mathematically, but the claim no longer binds the
	// assertions this file shows, so what the report displays is not what was
	// signed. A changed hard-binding assertion is caught here as well.
	b := r.checkBinding(m, data, container)
	r.Binding = b.label
	r.BindingValid = b.valid
	bindWhy = b.reason
	if b.infoMsg != "" {
		r.Findings = append(r.Findings, Finding{Code: CodeNotChecked, Severity: "info", Message: b.infoMsg})
	}

	var why []string
	if r.SignatureValid == nil || !*r.SignatureValid {
		state := "unknown"
		if r.SignatureValid != nil {
			state = "invalid"
		}
		why = append(why, fmt.Sprintf("signature %s (%s)", state, sigWhy))
	}
	if r.BindingValid == nil || !*r.BindingValid {
		state := "unknown"
		if r.BindingValid != nil {
			state = "broken"
		}
		why = append(why, fmt.Sprintf("content binding %s (%s)", state, bindWhy))
	}
	if len(why) > 0 {
		r.Findings = append(r.Findings, Finding{Code: CodeUnverified, Severity: "warning",
			Message: "C2PA manifest not verified: " + strings.Join(why, "; ")})
	}
}

// checkBinding verifies the claim's hashed URIs and its hard binding.
func (r *Report) checkBinding(m *manifest, data []byte, container string) bindingResult {
	var res bindingResult
	var hard *superbox
	refs := m.assertionRefs()
	if len(refs) == 0 {
		res.valid = ptr(false)
		res.reason = "the claim references no assertions"
		return res
	}
	// A hostile claim may name one big assertion thousands of times: hash
	// each box once per algorithm.
	type key struct {
		box *superbox
		alg crypto.Hash
	}
	sums := map[key][]byte{}
	for _, ref := range refs {
		box := m.resolve(ref.URL)
		if box == nil {
			res.valid = ptr(false)
			res.reason = fmt.Sprintf("the claim references %q, which the manifest does not contain", ref.URL)
			return res
		}
		alg := ref.Alg
		if alg == "" {
			alg = m.claim.Alg
		}
		h, ok := hashByName(alg)
		if !ok {
			res.valid = ptr(false)
			res.reason = fmt.Sprintf("the claim hashes %q with the unsupported algorithm %q", ref.URL, alg)
			return res
		}
		sum, seen := sums[key{box, h}]
		if !seen {
			hh := h.New()
			hh.Write(box.hashedBytes())
			sum = hh.Sum(nil)
			sums[key{box, h}] = sum
		}
		if !bytes.Equal(sum, ref.Hash) {
			res.valid = ptr(false)
			res.reason = fmt.Sprintf("assertion %q no longer matches the hash the signed claim holds for it", box.label)
			return res
		}
		switch baseLabel(box.label) {
		case "c2pa.hash.data", "c2pa.hash.boxes", "c2pa.hash.bmff", "c2pa.hash.bmff.v2", "c2pa.hash.bmff.v3", "c2pa.hash.collection.data":
			if hard == nil {
				hard = box
			}
		}
	}
	if hard == nil {
		res.valid = ptr(false)
		res.reason = "the claim has no hard binding (no c2pa.hash.data, c2pa.hash.boxes or c2pa.hash.bmff assertion)"
		return res
	}
	res.label = baseLabel(hard.label)
	payload, ok := hard.firstContent("cbor")
	if !ok {
		res.valid = ptr(false)
		res.reason = fmt.Sprintf("the hard-binding assertion %q has no CBOR content", hard.label)
		return res
	}
	switch res.label {
	case "c2pa.hash.data":
		ok, why := verifyDataHash(payload, m.claim.Alg, data)
		res.valid, res.reason = ptr(ok), why
	case "c2pa.hash.boxes":
		res.valid, res.reason = verifyBoxHash(payload, m.claim.Alg, data, container)
		if res.valid == nil {
			res.infoMsg = res.reason
		}
	default:
		res.reason = fmt.Sprintf("the %s hard binding is not verified by this reader", res.label)
		res.infoMsg = res.reason
	}
	return res
}

// unverified records a present but unreadable manifest.
func (r *Report) unverified(msg string) {
	r.Findings = append(r.Findings, Finding{Code: CodeUnverified, Severity: "warning",
		Message: "C2PA manifest not verified: " + msg})
}
