// Package imports reads the files that carry registries from the provider's
// systems of record — the provider profile, services and their security
// assessments, real-name status and consent records — as JSON (an array of
// objects, or for the provider one object) or CSV (a header row naming the
// columns). Every file is hostile: size and record limits, strict columns,
// UTF-8 only, and an error that names the record and the field.
// docs/imports.md documents the formats.
package imports

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"synthreview/marking"
	"synthreview/review"
)

// Limits on one imported file.
const (
	MaxFileBytes = 64 << 20
	MaxRecords   = 1_000_000
)

// Columns lists the accepted fields per kind; the first ones are required.
var Columns = map[string]struct{ Required, Optional []string }{
	"services":    {[]string{"name", "category"}, []string{"algorithm_filing", "model"}},
	"assessments": {[]string{"id", "service", "date", "status"}, []string{"model", "scope"}},
	"realname":    {[]string{"user_id", "method", "result", "verified_at"}, []string{"id_number", "masked_id", "id_hash"}},
	"consent": {[]string{"id", "subject_id", "scope", "granted_at"}, []string{"subject_name", "notice_version", "channel",
		"expires_at", "evidence_sha256", "evidence_file", "withdrawn_at"}},
}

// Batch is a parsed file: the records, and for consent records the evidence
// files (relative to the imported file) that the caller stores by hash.
type Batch struct {
	review.ImportBatch
	EvidenceFiles map[string]string // consent id → evidence file path as written in the file
}

// Parse reads one file of the given kind. personalKey keys the hash of any
// raw identifier (which is then dropped: only a masked form is kept).
func Parse(kind, name string, data []byte, personalKey []byte) (Batch, error) {
	b := Batch{ImportBatch: review.ImportBatch{Kind: kind, FileName: name}, EvidenceFiles: map[string]string{}}
	if len(data) > MaxFileBytes {
		return b, review.Errorf(review.EINVALID, "%s is larger than %d bytes", name, MaxFileBytes)
	}
	if !utf8.Valid(data) {
		return b, review.Errorf(review.EINVALID, "%s is not valid UTF-8", name)
	}
	sum := sha256.Sum256(data)
	b.FileSHA256 = hex.EncodeToString(sum[:])
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if kind == "provider" {
		p, err := parseProvider(name, data)
		b.Provider = p
		return b, err
	}
	cols, ok := Columns[kind]
	if !ok {
		return b, review.Errorf(review.EINVALID, "unknown import kind %q (one of %s)", kind, strings.Join(review.ImportKinds, ", "))
	}
	recs, err := records(name, data, cols.Required, cols.Optional)
	if err != nil {
		return b, err
	}
	for i, r := range recs {
		where := fmt.Sprintf("%s record %d", name, i+1)
		if err := b.add(kind, where, r, personalKey); err != nil {
			return b, err
		}
	}
	return b, nil
}

func parseProvider(name string, data []byte) (*review.Provider, error) {
	var in struct {
		Name          string `json:"name"`
		USCC          string `json:"uscc"`
		ProducerCodes []struct {
			Code    string `json:"code"`
			Service string `json:"service"`
			Note    string `json:"note"`
		} `json:"producer_codes"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return nil, review.Errorf(review.EINVALID, "%s: not a provider profile: %v", name, err)
	}
	if strings.TrimSpace(in.Name) == "" {
		return nil, review.Errorf(review.EINVALID, "%s: provider name is empty", name)
	}
	if err := marking.CheckUSCC(in.USCC); err != nil {
		return nil, review.Errorf(review.EINVALID, "%s: unified social credit code %q: %v", name, in.USCC, err)
	}
	p := &review.Provider{Name: in.Name, USCC: in.USCC}
	for i, c := range in.ProducerCodes {
		if err := marking.CheckProducerCode(c.Code); err != nil {
			return nil, review.Errorf(review.EINVALID, "%s: producer_codes[%d] %q: %v", name, i, c.Code, err)
		}
		if !strings.Contains(c.Code, in.USCC) {
			return nil, review.Errorf(review.EINVALID, "%s: producer_codes[%d] %q does not contain the provider's code %s", name, i, c.Code, in.USCC)
		}
		p.ProducerCodes = append(p.ProducerCodes, review.ProducerCode{Code: c.Code, Service: c.Service, Note: c.Note})
	}
	return p, nil
}

// records decodes JSON (an array of flat objects with string values) or
// CSV into maps, checking the columns.
func records(name string, data []byte, required, optional []string) ([]map[string]string, error) {
	known := append(slices.Clone(required), optional...)
	check := func(where string, keys []string) error {
		for _, k := range keys {
			if !slices.Contains(known, k) {
				return review.Errorf(review.EINVALID, "%s: unknown field %q (known: %s)", where, k, strings.Join(known, ", "))
			}
		}
		for _, k := range required {
			if !slices.Contains(keys, k) {
				return review.Errorf(review.EINVALID, "%s: missing field %q", where, k)
			}
		}
		return nil
	}
	trim := bytes.TrimSpace(data)
	var out []map[string]string
	if len(trim) > 0 && trim[0] == '[' {
		var raw []map[string]any
		if err := json.Unmarshal(trim, &raw); err != nil {
			return nil, review.Errorf(review.EINVALID, "%s: not a JSON array of records: %v", name, err)
		}
		if len(raw) > MaxRecords {
			return nil, review.Errorf(review.EINVALID, "%s: more than %d records", name, MaxRecords)
		}
		for i, r := range raw {
			where := fmt.Sprintf("%s record %d", name, i+1)
			m := map[string]string{}
			var keys []string
			for k, v := range r {
				switch v := v.(type) {
				case string:
					m[k] = v
				case nil:
					m[k] = ""
				default:
					return nil, review.Errorf(review.EINVALID, "%s: field %q must be a string", where, k)
				}
				keys = append(keys, k)
			}
			if err := check(where, keys); err != nil {
				return nil, err
			}
			out = append(out, m)
		}
		return out, nil
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = 0
	header, err := cr.Read()
	if err != nil {
		return nil, review.Errorf(review.EINVALID, "%s: not JSON and no CSV header row: %v", name, err)
	}
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	if err := check(name+" header", header); err != nil {
		return nil, err
	}
	for {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, review.Errorf(review.EINVALID, "%s: %v", name, err)
		}
		if len(out) >= MaxRecords {
			return nil, review.Errorf(review.EINVALID, "%s: more than %d records", name, MaxRecords)
		}
		m := map[string]string{}
		for i, v := range row {
			m[header[i]] = strings.TrimSpace(v)
		}
		out = append(out, m)
	}
	return out, nil
}

// parseTime accepts RFC 3339 or a date (YYYY-MM-DD, taken as UTC midnight).
func parseTime(where, field, v string, required bool) (time.Time, error) {
	if v == "" && !required {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t, nil
	}
	return time.Time{}, review.Errorf(review.EINVALID, "%s: %s %q is not a date (YYYY-MM-DD) or an RFC 3339 time", where, field, v)
}

func (b *Batch) add(kind, where string, r map[string]string, key []byte) error {
	wrap := func(err error) error {
		return review.Errorf(review.ErrorCode(err), "%s: %s", where, review.ErrorMessage(err))
	}
	switch kind {
	case "services":
		s := review.Service{Name: r["name"], Category: review.Category(r["category"]), Filing: r["algorithm_filing"], Model: r["model"]}
		if err := s.Validate(); err != nil {
			return wrap(err)
		}
		b.Services = append(b.Services, s)
	case "assessments":
		d, err := parseTime(where, "date", r["date"], true)
		if err != nil {
			return err
		}
		a := review.Assessment{ID: r["id"], Service: r["service"], Model: r["model"], Scope: r["scope"], Date: d, Status: r["status"]}
		if err := a.Validate(); err != nil {
			return wrap(err)
		}
		b.Assessments = append(b.Assessments, a)
	case "realname":
		at, err := parseTime(where, "verified_at", r["verified_at"], true)
		if err != nil {
			return err
		}
		rn := review.RealName{UserID: r["user_id"], Method: r["method"], Result: r["result"], VerifiedAt: at,
			MaskedID: r["masked_id"], IDHash: r["id_hash"]}
		if raw := r["id_number"]; raw != "" {
			// The raw identifier is hashed and masked here and goes no further.
			rn.IDHash = review.PersonalHash(key, "id_number", raw)
			rn.MaskedID = review.Mask(raw, 4)
		}
		if err := rn.Validate(); err != nil {
			return wrap(err)
		}
		b.RealNames = append(b.RealNames, rn)
	case "consent":
		var err error
		c := review.Consent{ID: r["id"], SubjectID: r["subject_id"], SubjectName: r["subject_name"], Scope: r["scope"],
			NoticeVersion: r["notice_version"], Channel: r["channel"], EvidenceSHA256: strings.ToLower(r["evidence_sha256"])}
		if c.GrantedAt, err = parseTime(where, "granted_at", r["granted_at"], true); err != nil {
			return err
		}
		if c.ExpiresAt, err = parseTime(where, "expires_at", r["expires_at"], false); err != nil {
			return err
		}
		if c.WithdrawnAt, err = parseTime(where, "withdrawn_at", r["withdrawn_at"], false); err != nil {
			return err
		}
		if c.EvidenceSHA256 != "" {
			if _, err := hex.DecodeString(c.EvidenceSHA256); err != nil || len(c.EvidenceSHA256) != 64 {
				return review.Errorf(review.EINVALID, "%s: evidence_sha256 must be 64 hex digits", where)
			}
		}
		if f := r["evidence_file"]; f != "" {
			if strings.Contains(f, "..") || strings.HasPrefix(f, "/") {
				return review.Errorf(review.EINVALID, "%s: evidence_file %q must be a path inside the import folder", where, f)
			}
			b.EvidenceFiles[c.ID] = f
		}
		if err := c.Validate(); err != nil {
			return wrap(err)
		}
		b.Consents = append(b.Consents, c)
	}
	return nil
}
