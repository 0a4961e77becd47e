package c2pa

import (
	"errors"
	"fmt"
	"strings"

	"github.com/fxamacker/cbor/v2"
)

// decMode decodes every CBOR structure of a manifest. The limits bound the
// work and memory a hostile store can ask for; byte and text strings are
// bounded by the input itself because the decoder checks well-formedness
// (every declared length against the bytes present) before allocating.
var decMode = func() cbor.DecMode {
	dm, err := cbor.DecOptions{
		MaxNestedLevels:  32,
		MaxArrayElements: 65536,
		MaxMapPairs:      65536,
		IndefLength:      cbor.IndefLengthAllowed,
		DupMapKey:        cbor.DupMapKeyQuiet,
		TagsMd:           cbor.TagsAllowed,
	}.DecMode()
	if err != nil {
		panic(err) // programmer error: fixed options
	}
	return dm
}()

// hashedURI is a C2PA hashed URI: a JUMBF URI plus the hash of the box it
// names (C2PA spec §8.3).
type hashedURI struct {
	URL  string `cbor:"url"`
	Alg  string `cbor:"alg"`
	Hash []byte `cbor:"hash"`
}

// claimCBOR holds the fields of a claim (c2pa.claim, version 1) and a claim
// v2 (c2pa.claim.v2) that the report needs.
type claimCBOR struct {
	ClaimGenerator     string          `cbor:"claim_generator"`
	ClaimGeneratorInfo cbor.RawMessage `cbor:"claim_generator_info"` // v1: array of maps; v2: one map
	Signature          string          `cbor:"signature"`
	Assertions         []hashedURI     `cbor:"assertions"`         // v1
	CreatedAssertions  []hashedURI     `cbor:"created_assertions"` // v2
	GatheredAssertions []hashedURI     `cbor:"gathered_assertions"`
	Alg                string          `cbor:"alg"`
	Title              string          `cbor:"dc:title"`
	Format             string          `cbor:"dc:format"`
	InstanceID         string          `cbor:"instanceID"`
}

type generatorInfo struct {
	Name    string `cbor:"name"`
	Version string `cbor:"version"`
}

type actionsCBOR struct {
	Actions []actionCBOR `cbor:"actions"`
}

type actionCBOR struct {
	Action            string `cbor:"action"`
	DigitalSourceType string `cbor:"digitalSourceType"`
}

type ingredientCBOR struct {
	DCTitle string `cbor:"dc:title"`
	Title   string `cbor:"title"`
}

// manifest is the active manifest of a store.
type manifest struct {
	store      *superbox
	box        *superbox
	label      string
	claimLabel string // "c2pa.claim" or "c2pa.claim.v2"
	claimBytes []byte
	claim      claimCBOR
	sigBytes   []byte
}

// activeManifest parses the store and returns its last manifest, which C2PA
// defines as the active one.
func activeManifest(storeBytes []byte) (*manifest, error) {
	store, err := parseJUMBF(storeBytes)
	if err != nil {
		return nil, err
	}
	if store.typeUUID != uuidStore || store.label != "c2pa" {
		return nil, fmt.Errorf("%w: root superbox is not a C2PA manifest store (label %q)", errJUMBF, store.label)
	}
	var last *superbox
	for _, c := range store.children {
		if c.typeUUID == uuidManifest || c.typeUUID == uuidUpdate {
			last = c
		}
	}
	if last == nil {
		return nil, errors.New("manifest store holds no manifest")
	}
	m := &manifest{store: store, box: last, label: last.label}
	claimBox := last.child("c2pa.claim.v2")
	m.claimLabel = "c2pa.claim.v2"
	if claimBox == nil {
		claimBox = last.child("c2pa.claim")
		m.claimLabel = "c2pa.claim"
	}
	if claimBox == nil {
		return nil, fmt.Errorf("manifest %q has no claim box", m.label)
	}
	cb, ok := claimBox.firstContent("cbor")
	if !ok {
		return nil, fmt.Errorf("manifest %q: claim box has no CBOR content", m.label)
	}
	m.claimBytes = cb
	if err := decMode.Unmarshal(cb, &m.claim); err != nil {
		return nil, fmt.Errorf("manifest %q: claim CBOR: %w", m.label, err)
	}
	if sigBox := last.child("c2pa.signature"); sigBox != nil {
		m.sigBytes, _ = sigBox.firstContent("cbor")
	}
	return m, nil
}

// generator renders the claim generator: the v1 string, else the v2
// claim_generator_info name and version.
func (m *manifest) generator() string {
	if m.claim.ClaimGenerator != "" {
		return m.claim.ClaimGenerator
	}
	if len(m.claim.ClaimGeneratorInfo) == 0 {
		return ""
	}
	var infos []generatorInfo
	var one generatorInfo
	if decMode.Unmarshal(m.claim.ClaimGeneratorInfo, &one) == nil && one.Name != "" {
		infos = []generatorInfo{one}
	} else if decMode.Unmarshal(m.claim.ClaimGeneratorInfo, &infos) != nil {
		return ""
	}
	var parts []string
	for _, g := range infos {
		if g.Name == "" {
			continue
		}
		if g.Version != "" {
			parts = append(parts, g.Name+"/"+g.Version)
		} else {
			parts = append(parts, g.Name)
		}
	}
	return strings.Join(parts, " ")
}

// assertionRefs returns the claim's hashed URIs to assertions (v1
// `assertions`, v2 `created_assertions` and `gathered_assertions`).
func (m *manifest) assertionRefs() []hashedURI {
	refs := append([]hashedURI(nil), m.claim.Assertions...)
	refs = append(refs, m.claim.CreatedAssertions...)
	return append(refs, m.claim.GatheredAssertions...)
}

// assertions returns the assertion superboxes of the manifest.
func (m *manifest) assertions() []*superbox {
	if as := m.box.child("c2pa.assertions"); as != nil {
		return as.children
	}
	return nil
}

// baseLabel strips a C2PA multiple-instance suffix ("__2") from a label.
func baseLabel(l string) string {
	if i := strings.LastIndex(l, "__"); i > 0 {
		return l[:i]
	}
	return l
}

// resolve finds the superbox a JUMBF URI names: "self#jumbf=" followed by a
// path relative to this manifest ("c2pa.assertions/c2pa.actions") or an
// absolute one ("/c2pa/<manifest label>/c2pa.assertions/…").
func (m *manifest) resolve(uri string) *superbox {
	const prefix = "self#jumbf="
	if !strings.HasPrefix(uri, prefix) {
		return nil
	}
	path := uri[len(prefix):]
	cur := m.box
	if strings.HasPrefix(path, "/") {
		parts := strings.SplitN(strings.TrimPrefix(path, "/"), "/", 3)
		if len(parts) < 2 || parts[0] != m.store.label {
			return nil
		}
		cur = m.store.child(parts[1])
		if cur == nil || len(parts) == 2 {
			return cur
		}
		path = parts[2]
	}
	for _, seg := range strings.Split(path, "/") {
		if seg == "" {
			continue
		}
		cur = cur.child(seg)
		if cur == nil {
			return nil
		}
	}
	return cur
}

// content returns an assertion's facts: action names, digital source type
// (first c2pa.created/c2pa.opened action's, else the first seen anywhere) and
// ingredient titles. Undecodable assertions are reported in problems.
func (m *manifest) content() (actions []string, dst string, ingredients []string, problems []string) {
	var anyDST string
	for _, a := range m.assertions() {
		switch baseLabel(a.label) {
		case "c2pa.actions", "c2pa.actions.v2":
			b, ok := a.firstContent("cbor")
			if !ok {
				problems = append(problems, fmt.Sprintf("assertion %q has no CBOR content", a.label))
				continue
			}
			var ac actionsCBOR
			if err := decMode.Unmarshal(b, &ac); err != nil {
				problems = append(problems, fmt.Sprintf("assertion %q cannot be decoded: %v", a.label, err))
				continue
			}
			for _, act := range ac.Actions {
				actions = append(actions, act.Action)
				if act.DigitalSourceType == "" {
					continue
				}
				if dst == "" && (act.Action == "c2pa.created" || act.Action == "c2pa.opened") {
					dst = act.DigitalSourceType
				}
				if anyDST == "" {
					anyDST = act.DigitalSourceType
				}
			}
		case "c2pa.ingredient", "c2pa.ingredient.v2", "c2pa.ingredient.v3":
			var ing ingredientCBOR
			if b, ok := a.firstContent("cbor"); ok && decMode.Unmarshal(b, &ing) == nil {
				t := ing.DCTitle
				if t == "" {
					t = ing.Title
				}
				if t != "" {
					ingredients = append(ingredients, t)
				}
			}
		}
	}
	if dst == "" {
		dst = anyDST
	}
	return actions, dst, ingredients, problems
}
