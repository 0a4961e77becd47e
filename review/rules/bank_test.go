package rules

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func randHash(rng *rand.Rand) Hash {
	var h Hash
	for i := range h {
		h[i] = byte(rng.UintN(256))
	}
	return h
}

// flip returns h with n distinct random bits flipped.
func flip(rng *rand.Rand, h Hash, n int) Hash {
	for _, b := range rng.Perm(256)[:n] {
		h[b/8] ^= 1 << (b % 8)
	}
	return h
}

func genEntries(seed uint64, n int) []BankEntry {
	rng := rand.New(rand.NewPCG(seed, 3))
	out := make([]BankEntry, n)
	for i := range out {
		out[i] = BankEntry{ID: "e" + itoa(i), Hash: randHash(rng), Category: "risk-a1a", Source: "generated"}
	}
	return out
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func TestBankQueryFindsExactlyTheEntriesWithinThreshold(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	entries := genEntries(2, 20000) // large enough for the multi-index path
	// Plant neighbours of entry 0 at distances around the threshold.
	base := entries[0].Hash
	for i, d := range []int{1, 15, 30, 31, 32, 40} {
		entries = append(entries, BankEntry{ID: "near" + itoa(i) + "-d" + itoa(d), Hash: flip(rng, base, d), Category: "risk-a1a"})
	}
	b, err := NewBank("known", 1, 31, false, entries)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []Hash{base, flip(rng, base, 3), randHash(rng)} {
		got := b.Query(q, 0)
		want := 0
		for _, e := range entries {
			if Distance(q, e.Hash) <= 31 {
				want++
			}
		}
		if len(got) != want {
			t.Errorf("query found %d entries, brute force %d", len(got), want)
		}
		for i, m := range got {
			if m.Distance != Distance(q, m.Entry.Hash) || m.Distance > 31 || (i > 0 && got[i-1].Distance > m.Distance) {
				t.Errorf("match %d: %+v not sorted or outside the threshold", i, m)
			}
		}
	}
	got := b.Query(base, 0)
	if len(got) < 5 || got[0].Entry.ID != "e0" || got[0].Distance != 0 {
		t.Fatalf("query of entry 0's hash: %+v", got)
	}
	for _, m := range got {
		if strings.HasSuffix(m.Entry.ID, "-d32") || strings.HasSuffix(m.Entry.ID, "-d40") {
			t.Errorf("%s is beyond the threshold but matched", m.Entry.ID)
		}
	}
}

func TestNewBankRejectsBadEntries(t *testing.T) {
	ok := BankEntry{ID: "a", Category: "risk-a1a"}
	cases := map[string]struct {
		threshold int
		entries   []BankEntry
	}{
		"duplicate id":     {31, []BankEntry{ok, ok}},
		"empty id":         {31, []BankEntry{{ID: ""}}},
		"tab in source":    {31, []BankEntry{{ID: "b", Source: "x\ty"}}},
		"threshold > 128":  {129, nil},
		"negative":         {-1, nil},
		"invalid category": {31, []BankEntry{{ID: "c", Category: "\xff"}}},
	}
	for name, c := range cases {
		if _, err := NewBank("b", 1, c.threshold, false, c.entries); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestProposeApprovePublish(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	h := randHash(rng)
	b, err := NewBank("known", 3, 31, false, []BankEntry{{ID: "old", Hash: randHash(rng), Category: "risk-a1a"}})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 11, 28, 9, 0, 0, 0, time.UTC)
	p := Proposal{ID: "p1", Bank: "known", Action: ProposeAdd, ProduceID: "IMG1",
		Entry: BankEntry{ID: "new", Hash: h, Category: "risk-a1g", Source: "decision IMG1"}, ProposedBy: "reviewer1", ProposedAt: at}
	if _, err := b.Publish([]Proposal{p}); err == nil {
		t.Fatal("published an unapproved proposal")
	}
	if _, err := p.Approve("reviewer1", at.Add(time.Hour)); err == nil {
		t.Fatal("the proposer approved their own proposal")
	}
	ap, err := p.Approve("manager", at.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	rm, err := Proposal{ID: "p2", Bank: "known", Action: ProposeRemove, Entry: BankEntry{ID: "old"},
		ProposedBy: "senior1", ProposedAt: at}.Approve("manager", at.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	nb, err := b.Publish([]Proposal{ap, rm})
	if err != nil {
		t.Fatal(err)
	}
	if nb.Version != 4 || b.Version != 3 || b.Len() != 1 || nb.Len() != 1 {
		t.Fatalf("versions %d→%d, sizes %d→%d", b.Version, nb.Version, b.Len(), nb.Len())
	}
	m := nb.Query(flip(rng, h, 5), 0)
	if len(m) != 1 || m[0].Entry.ID != "new" || m[0].Entry.Version != 4 || m[0].Version != 4 {
		t.Fatalf("new version does not match the added entry with its version: %+v", m)
	}
	if len(b.Query(h, 0)) != 0 {
		t.Fatal("publishing changed the old version")
	}
	if _, err := nb.Publish([]Proposal{rm}); err == nil {
		t.Fatal("removed an entry that is no longer there")
	}
	other := ap
	other.Bank = "negative"
	if _, err := b.Publish([]Proposal{other}); err == nil {
		t.Fatal("published a proposal for another bank")
	}
}

func TestParseHash(t *testing.T) {
	h, err := ParseHash(strings.Repeat("0f", 32))
	if err != nil || h[0] != 0x0f || h.String() != strings.Repeat("0f", 32) {
		t.Fatalf("%v %v", h, err)
	}
	for _, bad := range []string{"", strings.Repeat("0", 63), strings.Repeat("zz", 32)} {
		if _, err := ParseHash(bad); err == nil {
			t.Errorf("ParseHash(%q) accepted", bad)
		}
	}
}

// BenchmarkBankQuery1M: 1,000,000 random PDQ hashes, threshold 31, queries
// half near an entry and half random. Run with -cpu 1.
func BenchmarkBankQuery1M(b *testing.B) {
	entries := genEntries(11, 1_000_000)
	bank, err := NewBank("bench", 1, 31, false, entries)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(12, 12))
	queries := make([]Hash, 1024)
	for i := range queries {
		if i%2 == 0 {
			queries[i] = flip(rng, entries[rng.IntN(len(entries))].Hash, 20)
		} else {
			queries[i] = randHash(rng)
		}
	}
	c0 := cpuTime()
	n, found := 0, 0
	for b.Loop() {
		found += len(bank.Query(queries[n%len(queries)], 0))
		n++
	}
	if d := cpuTime() - c0; d > 0 {
		b.ReportMetric(float64(d.Microseconds())/float64(n), "cpu-µs/query")
	}
	b.ReportMetric(float64(found)/float64(n), "matches/query")
	b.ReportMetric(float64(bank.MemoryBytes())/(1<<20), "index-MiB")
}

// BenchmarkBankLinear1M is the reference: the same bank scanned linearly
// (threshold 48, beyond the multi-index range).
func BenchmarkBankLinear1M(b *testing.B) {
	bank, err := NewBank("bench", 1, 31, false, genEntries(11, 1_000_000))
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(12, 12))
	q := randHash(rng)
	c0 := cpuTime()
	n := 0
	for b.Loop() {
		bank.QueryWithin(q, 48, 0)
		n++
	}
	if d := cpuTime() - c0; d > 0 {
		b.ReportMetric(float64(d.Microseconds())/float64(n), "cpu-µs/query")
	}
}
