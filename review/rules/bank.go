package rules

import (
	"encoding/hex"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Hash is a 256-bit PDQ perceptual hash, in the byte order of marking/pdq's
// Hash256 (convert with Hash(h)); distance is the Hamming distance.
type Hash [32]byte

// ParseHash reads 64 hex digits.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) != 64 {
		return h, fmt.Errorf("PDQ hash %q: want 64 hex digits, got %d characters", clip(s, 80), len(s))
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return h, fmt.Errorf("PDQ hash %q: not hex", clip(s, 80))
	}
	return h, nil
}

// String returns the 64 hex digits.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// Distance is the Hamming distance between two hashes (0–256).
func Distance(a, b Hash) int {
	return dist4(words(a), words(b))
}

func words(h Hash) [4]uint64 {
	var w [4]uint64
	for i := range w {
		for j := range 8 {
			w[i] = w[i]<<8 | uint64(h[i*8+j])
		}
	}
	return w
}

func dist4(a, b [4]uint64) int {
	return bits.OnesCount64(a[0]^b[0]) + bits.OnesCount64(a[1]^b[1]) +
		bits.OnesCount64(a[2]^b[2]) + bits.OnesCount64(a[3]^b[3])
}

// BankEntry is one known item of a feature library (DSP Art. 10, 特征库):
// its PDQ hash, the category (a reason code such as "risk-a1a"), the source
// it came from (a decision, a regulator notice, a shared list), and the bank
// version that added it.
type BankEntry struct {
	ID       string `json:"id"`
	Hash     Hash   `json:"-"`
	Category string `json:"category"`
	Source   string `json:"source"`
	Version  int    `json:"version"`
}

// Limits of a bank.
const (
	MaxBankEntries = 5_000_000
	MaxThreshold   = 128
	maxFieldBytes  = 256
)

// Bank is one published version of a feature bank: its entries and the
// distance within which an output counts as a match. A negative bank holds
// known false positives: an output within its threshold of a negative entry
// has its positive matches suppressed. A Bank is immutable and safe for
// concurrent queries.
type Bank struct {
	Name      string
	Version   int
	Threshold int
	Negative  bool
	entries   []BankEntry
	byID      map[string]int
	idx       *mih
}

// NewBank validates the entries and builds the index. IDs must be unique
// and non-empty; fields are bounded valid UTF-8 without tabs or newlines.
func NewBank(name string, version, threshold int, negative bool, entries []BankEntry) (*Bank, error) {
	switch {
	case name == "" || !utf8.ValidString(name) || len(name) > 64:
		return nil, fmt.Errorf("feature bank %q: name must be 1–64 bytes of UTF-8", clip(name, 80))
	case version < 1:
		return nil, fmt.Errorf("feature bank %s: version %d, must be ≥ 1", name, version)
	case threshold < 0 || threshold > MaxThreshold:
		return nil, fmt.Errorf("feature bank %s: threshold %d outside 0–%d", name, threshold, MaxThreshold)
	case len(entries) > MaxBankEntries:
		return nil, fmt.Errorf("feature bank %s: %d entries, more than the limit of %d", name, len(entries), MaxBankEntries)
	}
	b := &Bank{Name: name, Version: version, Threshold: threshold, Negative: negative,
		entries: slices.Clone(entries), byID: make(map[string]int, len(entries))}
	for i, e := range b.entries {
		if err := checkField("id", e.ID, true); err != nil {
			return nil, fmt.Errorf("feature bank %s entry %d: %w", name, i+1, err)
		}
		if err := checkField("category", e.Category, false); err != nil {
			return nil, fmt.Errorf("feature bank %s entry %s: %w", name, e.ID, err)
		}
		if err := checkField("source", e.Source, false); err != nil {
			return nil, fmt.Errorf("feature bank %s entry %s: %w", name, e.ID, err)
		}
		if _, dup := b.byID[e.ID]; dup {
			return nil, fmt.Errorf("feature bank %s: entry id %s appears twice", name, e.ID)
		}
		if e.Version <= 0 {
			b.entries[i].Version = version
		}
		b.byID[e.ID] = i
	}
	b.idx = newMIH(b.entries)
	return b, nil
}

func checkField(what, v string, required bool) error {
	switch {
	case required && v == "":
		return fmt.Errorf("%s is empty", what)
	case len(v) > maxFieldBytes:
		return fmt.Errorf("%s is %d bytes, more than %d", what, len(v), maxFieldBytes)
	case !utf8.ValidString(v):
		return fmt.Errorf("%s is not valid UTF-8", what)
	case strings.ContainsAny(v, "\t\r\n"):
		return fmt.Errorf("%s %q contains a tab or line break", what, clip(v, 80))
	}
	return nil
}

// Len returns the number of entries.
func (b *Bank) Len() int { return len(b.entries) }

// Entries returns a copy of the entries.
func (b *Bank) Entries() []BankEntry { return slices.Clone(b.entries) }

// Entry returns the entry with the given id.
func (b *Bank) Entry(id string) (BankEntry, bool) {
	i, ok := b.byID[id]
	if !ok {
		return BankEntry{}, false
	}
	return b.entries[i], true
}

// MemoryBytes estimates the heap the bank's index holds.
func (b *Bank) MemoryBytes() int { return b.idx.memoryBytes() + len(b.entries)*96 }

// BankMatch is one entry within a bank's threshold of a queried hash.
type BankMatch struct {
	Bank     string    `json:"bank"`
	Version  int       `json:"bank_version"`
	Entry    BankEntry `json:"entry"`
	Hash     string    `json:"entry_hash"`
	Distance int       `json:"distance"`
	// Threshold is the distance within which the query counted a match
	// (the bank's own, or the one QueryWithin was given), so the evidence
	// shows how close the match is against the line.
	Threshold int `json:"threshold"`
}

// Query returns the entries within the bank's threshold of h, nearest
// first (ties by id), at most limit of them (all when limit ≤ 0).
func (b *Bank) Query(h Hash, limit int) []BankMatch {
	return b.QueryWithin(h, b.Threshold, limit)
}

// QueryWithin is Query with another threshold (at most MaxThreshold).
func (b *Bank) QueryWithin(h Hash, threshold, limit int) []BankMatch {
	threshold = min(max(threshold, 0), MaxThreshold)
	found := b.idx.query(words(h), threshold)
	slices.SortFunc(found, func(x, y hit) int {
		if x.d != y.d {
			return x.d - y.d
		}
		return strings.Compare(b.entries[x.i].ID, b.entries[y.i].ID)
	})
	if limit > 0 && len(found) > limit {
		found = found[:limit]
	}
	out := make([]BankMatch, len(found))
	for j, f := range found {
		e := b.entries[f.i]
		out[j] = BankMatch{Bank: b.Name, Version: b.Version, Entry: e, Hash: e.Hash.String(), Distance: f.d, Threshold: threshold}
	}
	return out
}

// The multi-index hash (Norouzi, Punjani & Fleet, "Fast search in Hamming
// space with multi-index hashing", CVPR 2012): the 256 bits are cut into
// 16 chunks of 16 bits, each with an exact-match table (entries sorted by
// chunk value, with offsets for all 65,536 values). If two hashes are within
// distance t, at least one chunk differs in at most ⌊t/16⌋ bits, so probing
// every chunk value within that radius finds every candidate; each is then
// verified on all 256 bits. With t = 31 that is 17 probes per chunk.
const (
	mihChunks   = 16
	mihBits     = 16
	maxMIHRange = 2 // beyond ⌊t/16⌋ = 2 a linear scan is as fast
)

type mih struct {
	hashes [][4]uint64
	off    [mihChunks][]uint32 // off[c][v]..off[c][v+1] index ids[c]
	ids    [mihChunks][]uint32
}

type hit struct{ i, d int }

func chunk(w [4]uint64, c int) uint32 {
	return uint32(w[c/4] >> (48 - 16*(c%4)) & 0xFFFF)
}

func newMIH(entries []BankEntry) *mih {
	m := &mih{hashes: make([][4]uint64, len(entries))}
	for i, e := range entries {
		m.hashes[i] = words(e.Hash)
	}
	for c := range mihChunks {
		off := make([]uint32, 1<<mihBits+1)
		for _, w := range m.hashes {
			off[chunk(w, c)+1]++
		}
		for v := 1; v < len(off); v++ {
			off[v] += off[v-1]
		}
		ids := make([]uint32, len(m.hashes))
		fill := slices.Clone(off[:1<<mihBits])
		for i, w := range m.hashes {
			v := chunk(w, c)
			ids[fill[v]] = uint32(i)
			fill[v]++
		}
		m.off[c], m.ids[c] = off, ids
	}
	return m
}

func (m *mih) memoryBytes() int {
	n := 32 * len(m.hashes)
	for c := range mihChunks {
		n += 4*len(m.off[c]) + 4*len(m.ids[c])
	}
	return n
}

var (
	flipOnce  sync.Once
	flipMasks [maxMIHRange + 1][]uint32 // 16-bit masks with exactly r bits set
)

func masks(r int) [][]uint32 {
	flipOnce.Do(func() {
		for v := uint32(0); v < 1<<mihBits; v++ {
			if n := bits.OnesCount32(v); n <= maxMIHRange {
				flipMasks[n] = append(flipMasks[n], v)
			}
		}
	})
	return flipMasks[:r+1]
}

func (m *mih) query(q [4]uint64, t int) []hit {
	var out []hit
	r := t / mihChunks
	if r > maxMIHRange || len(m.hashes) < 4096 {
		for i, w := range m.hashes {
			if d := dist4(q, w); d <= t {
				out = append(out, hit{i, d})
			}
		}
		return out
	}
	seen := map[int]bool{}
	for c := range mihChunks {
		v := chunk(q, c)
		off, ids := m.off[c], m.ids[c]
		for _, ms := range masks(r) {
			for _, mask := range ms {
				p := v ^ mask
				for _, i := range ids[off[p]:off[p+1]] {
					if d := dist4(q, m.hashes[i]); d <= t && !seen[int(i)] {
						seen[int(i)] = true
						out = append(out, hit{int(i), d})
					}
				}
			}
		}
	}
	return out
}

// Proposal actions.
const (
	ProposeAdd    = "add"
	ProposeRemove = "remove"
)

// Proposal is a reviewer's proposed change to a bank (DSP Art. 10: the
// feature library has entry standards): add an entry from a decision, or
// remove one that proved a false positive. A manager approves it; Publish
// turns approved proposals into a new bank version. Role checks are the
// caller's (review.Require); this type enforces four eyes: the approver is
// not the proposer.
type Proposal struct {
	ID         string
	Bank       string
	Action     string    // ProposeAdd or ProposeRemove
	Entry      BankEntry // for remove, only Entry.ID counts
	Reason     string    // why, in the reviewer's words or a reason code
	ProduceID  string    // the item the proposal comes from, if any
	ProposedBy string
	ProposedAt time.Time
	ApprovedBy string
	ApprovedAt time.Time
}

// Validate checks a proposal as made.
func (p Proposal) Validate() error {
	switch {
	case p.ID == "":
		return fmt.Errorf("proposal: no id")
	case p.Action != ProposeAdd && p.Action != ProposeRemove:
		return fmt.Errorf("proposal %s: action must be add or remove, not %q", p.ID, clip(p.Action, 40))
	case p.Bank == "":
		return fmt.Errorf("proposal %s: no bank", p.ID)
	case p.ProposedBy == "" || p.ProposedAt.IsZero():
		return fmt.Errorf("proposal %s: proposer and time are required", p.ID)
	}
	if err := checkField("entry id", p.Entry.ID, true); err != nil {
		return fmt.Errorf("proposal %s: %w", p.ID, err)
	}
	if p.Action == ProposeAdd {
		if err := checkField("category", p.Entry.Category, true); err != nil {
			return fmt.Errorf("proposal %s: %w", p.ID, err)
		}
		if err := checkField("source", p.Entry.Source, false); err != nil {
			return fmt.Errorf("proposal %s: %w", p.ID, err)
		}
	}
	return nil
}

// Approve returns the proposal approved by manager at t. The proposer may
// not approve their own proposal.
func (p Proposal) Approve(manager string, at time.Time) (Proposal, error) {
	if err := p.Validate(); err != nil {
		return p, err
	}
	switch {
	case manager == "":
		return p, fmt.Errorf("proposal %s: no approver", p.ID)
	case manager == p.ProposedBy:
		return p, fmt.Errorf("proposal %s: %s proposed it and cannot approve it too", p.ID, manager)
	case p.ApprovedBy != "":
		return p, fmt.Errorf("proposal %s: already approved by %s", p.ID, p.ApprovedBy)
	case at.Before(p.ProposedAt):
		return p, fmt.Errorf("proposal %s: approval time is before the proposal", p.ID)
	}
	p.ApprovedBy, p.ApprovedAt = manager, at
	return p, nil
}

// Publish returns the next version of the bank with the approved proposals
// applied in order: added entries carry the new version; removed ones are
// gone. The receiver is unchanged. It fails, changing nothing, on an
// unapproved proposal, one for another bank, an add whose id exists, a
// remove whose id does not, or an empty list.
func (b *Bank) Publish(approved []Proposal) (*Bank, error) {
	if len(approved) == 0 {
		return nil, fmt.Errorf("feature bank %s: nothing to publish", b.Name)
	}
	next := b.Version + 1
	entries := slices.Clone(b.entries)
	pos := make(map[string]int, len(entries))
	for i, e := range entries {
		pos[e.ID] = i
	}
	drop := map[int]bool{}
	for _, p := range approved {
		if err := p.Validate(); err != nil {
			return nil, err
		}
		switch {
		case p.Bank != b.Name:
			return nil, fmt.Errorf("proposal %s is for bank %s, not %s", p.ID, p.Bank, b.Name)
		case p.ApprovedBy == "" || p.ApprovedBy == p.ProposedBy:
			return nil, fmt.Errorf("proposal %s is not approved by a second person", p.ID)
		}
		i, exists := pos[p.Entry.ID]
		switch p.Action {
		case ProposeAdd:
			if exists {
				return nil, fmt.Errorf("proposal %s: bank %s already has entry %s", p.ID, b.Name, p.Entry.ID)
			}
			e := p.Entry
			e.Version = next
			pos[e.ID] = len(entries)
			entries = append(entries, e)
		case ProposeRemove:
			if !exists {
				return nil, fmt.Errorf("proposal %s: bank %s has no entry %s", p.ID, b.Name, p.Entry.ID)
			}
			drop[i] = true
			delete(pos, p.Entry.ID)
		}
	}
	kept := make([]BankEntry, 0, len(entries))
	for i, e := range entries {
		if !drop[i] {
			kept = append(kept, e)
		}
	}
	return NewBank(b.Name, next, b.Threshold, b.Negative, kept)
}

// clip shortens s for an error message, on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
