package review

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"time"
	"unicode/utf8"
)

// GenerationSchema is the sidecar schema this version reads (design.md, "The
// inbox contract").
const GenerationSchema = "synthreview.generation/v1"

// MaxSidecarBytes bounds a sidecar file.
const MaxSidecarBytes = 1 << 20

// Generation is the generation record a provider's service writes beside
// each output (the sidecar). Unknown fields are ignored, so the service may
// add its own; the fields below are checked.
type Generation struct {
	Schema    string `json:"schema"`
	ProduceID string `json:"produce_id"`
	CreatedAt string `json:"created_at"`
	Service   struct {
		Name            string `json:"name"`
		Category        string `json:"category"`
		AlgorithmFiling string `json:"algorithm_filing"`
		Model           string `json:"model"`
		AssessmentID    string `json:"assessment_id"`
	} `json:"service"`
	User struct {
		ID string `json:"id"`
	} `json:"user"`
	Prompt string `json:"prompt"`
	Inputs []struct {
		Kind      string `json:"kind"`
		Subject   string `json:"subject"`
		ConsentID string `json:"consent_id"`
	} `json:"inputs"`
	Output struct {
		File   string `json:"file"`
		SHA256 string `json:"sha256"`
	} `json:"output"`
	UnlabelledCopyIssued bool `json:"unlabelled_copy_issued"`
}

// ParseGeneration decodes and validates a sidecar. The error says which
// field is wrong, for the intake error an admin reads.
func ParseGeneration(b []byte) (Generation, error) {
	var g Generation
	if len(b) > MaxSidecarBytes {
		return g, Errorf(EINVALID, "sidecar larger than %d bytes", MaxSidecarBytes)
	}
	if !utf8.Valid(b) {
		return g, Errorf(EINVALID, "sidecar is not valid UTF-8")
	}
	if err := json.Unmarshal(b, &g); err != nil {
		return g, Errorf(EINVALID, "sidecar is not valid JSON of the generation schema: %v", err)
	}
	return g, g.Validate()
}

// Created returns the generation time.
func (g Generation) Created() time.Time {
	t, _ := time.Parse(time.RFC3339Nano, g.CreatedAt)
	return t
}

// ConsentIDs lists the consent records the inputs name.
func (g Generation) ConsentIDs() []string {
	var ids []string
	for _, in := range g.Inputs {
		if in.ConsentID != "" {
			ids = append(ids, in.ConsentID)
		}
	}
	return ids
}

// Validate checks the schema's required fields.
func (g Generation) Validate() error {
	bad := func(f string, a ...any) error { return Errorf(EINVALID, "sidecar: "+f, a...) }
	if g.Schema != GenerationSchema {
		return bad("schema is %q, want %q", g.Schema, GenerationSchema)
	}
	if err := ValidateProduceID(g.ProduceID); err != nil {
		return bad("produce_id: %s", ErrorMessage(err))
	}
	if _, err := time.Parse(time.RFC3339Nano, g.CreatedAt); err != nil {
		return bad("created_at %q is not an RFC 3339 time", g.CreatedAt)
	}
	if !Category(g.Service.Category).Valid() {
		return bad("unknown service category %q (design.md lists the DSP Art. 17 categories)", g.Service.Category)
	}
	if strings.TrimSpace(g.Service.Name) == "" {
		return bad("service.name is empty")
	}
	if g.Output.File == "" || g.Output.File != path.Base(g.Output.File) || strings.ContainsAny(g.Output.File, `/\`) ||
		g.Output.File == "." || g.Output.File == ".." || strings.HasPrefix(g.Output.File, ".") {
		return bad("output.file %q must be a plain file name beside the sidecar", g.Output.File)
	}
	if strings.HasSuffix(strings.ToLower(g.Output.File), ".json") {
		return bad("output.file %q must not be a .json file", g.Output.File)
	}
	if g.Output.SHA256 != "" {
		if _, err := hex.DecodeString(g.Output.SHA256); err != nil || len(g.Output.SHA256) != 64 {
			return bad("output.sha256 must be 64 hex digits")
		}
	}
	for i, in := range g.Inputs {
		if in.ConsentID != "" {
			if err := ValidateProduceID(in.ConsentID); err != nil {
				return bad("inputs[%d].consent_id %q is malformed", i, in.ConsentID)
			}
		}
	}
	for name, v := range map[string]string{"prompt": g.Prompt, "user.id": g.User.ID, "service.model": g.Service.Model,
		"service.algorithm_filing": g.Service.AlgorithmFiling} {
		if len(v) > 64<<10 {
			return bad("%s is longer than 64 KiB", name)
		}
	}
	return nil
}

// String names the record for messages.
func (g Generation) String() string { return fmt.Sprintf("generation %s", g.ProduceID) }
