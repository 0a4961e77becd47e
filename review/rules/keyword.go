package rules

import (
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"
)

// Limits of a keyword library. A list longer or a term longer than these is
// refused when the library is built, so a hostile rules file cannot make
// intake allocate without bound.
const (
	MaxTerms     = 1_000_000
	MaxTermRunes = 64      // runes of a term after normalisation
	MaxTermBytes = 512     // bytes of a term as listed
	MaxCategory  = 64      // bytes of a term's category
	DefaultLimit = 200     // matches Match returns when limit ≤ 0
	MaxTextBytes = 1 << 30 // text Match accepts (offsets are 32-bit)
	skipSym      = ^uint32(0)
)

// Term is one entry of a keyword list: the term as listed, its category (a
// reason code such as "risk-a1g", review/reason.go, or a provider's own
// label) and where it came from, for the evidence.
type Term struct {
	Text     string
	Category string
	List     string // the list's name in the rules file
	Line     int    // line in the list file; 0 when built in code
}

// KeywordMatch is one hit of a term in a text: where it is in the ORIGINAL
// text (bytes and runes, end exclusive), what was there, and which term,
// normalised, it matched.
type KeywordMatch struct {
	Term       string `json:"term"`
	Normalized string `json:"normalized"`
	Category   string `json:"category"`
	List       string `json:"list"`
	Line       int    `json:"line,omitempty"`
	Start      int    `json:"byte_start"`
	End        int    `json:"byte_end"`
	RuneStart  int    `json:"rune_start"`
	RuneEnd    int    `json:"rune_end"`
	Text       string `json:"text"`
}

type termInfo struct {
	Term
	norm      string
	symLen    int32
	wordStart bool // first rune is ASCII letter/digit: needs a word boundary before
	wordEnd   bool
	dup       int32 // next term with the same normalised form, or -1
}

// Keywords is an Aho–Corasick automaton over normalised text. Normalisation
// and the automaton run in one pass over the original bytes: a table maps
// each BMP rune straight to its symbol (or "skip", or "in no term"); the root
// has a dense row; the other states keep their edges in a double array
// (slot base+symbol, owned when check[slot] is the state), so a transition
// is one or two array reads; each state has a failure link and an emit link
// to the nearest state on its failure chain where a term ends. It is safe
// for concurrent use once built.
type Keywords struct {
	terms    []termInfo
	symBMP   []uint32 // raw rune < 0x10000 → symbol; 0 none; skipSym dropped
	symOther map[rune]uint32
	rootNext []int32 // by symbol
	states   []daState
	slots    []daSlot   // double array: slot base+sym belongs to state check
	root     []daTarget // by symbol: the root's dense row, for matching
	fails    []daFail   // by state: failure link and its base, for matching
	out      []int32    // a term ending at this state, or -1
	maxLen   int32
	lists    map[string]bool
}

// daState is one automaton state: where its edges start in the double
// array, its failure link, and the nearest state (itself or down its
// failure chain) where a term ends, or -1.
type daState struct {
	base, fail, emit int32
}

// daSlot is one cell of the double array: the state that owns it, and the
// state its edge leads to with that state's base and emit link, side by
// side, so a transition during matching reads one cache line.
type daSlot struct {
	check int32
	daTarget
}

// daTarget is a state with what matching needs of it.
type daTarget struct {
	next, base, emit int32
}

// daFail is a state's failure link and the base of the state it leads to.
type daFail struct {
	fail, base int32
}

// NewKeywords builds the automaton. It rejects an empty term, a term that
// normalises to nothing (only punctuation or spaces), invalid UTF-8, and
// terms or categories over the limits above, naming the list and line.
func NewKeywords(terms []Term) (*Keywords, error) {
	loadFold()
	if len(terms) > MaxTerms {
		return nil, fmt.Errorf("keyword library: %d terms, more than the limit of %d", len(terms), MaxTerms)
	}
	k := &Keywords{symOther: map[rune]uint32{}, lists: map[string]bool{}}
	symOf := map[rune]uint32{}
	seqs := make([][]uint32, len(terms))
	k.terms = make([]termInfo, len(terms))
	var buf []uint32
	for i, t := range terms {
		norm, err := termNorm(t)
		if err != nil {
			return nil, err
		}
		buf = buf[:0]
		for _, f := range norm {
			s, seen := symOf[f]
			if !seen {
				s = uint32(len(symOf) + 1)
				symOf[f] = s
			}
			buf = append(buf, s)
		}
		seqs[i] = slices.Clone(buf)
		k.lists[t.List] = true
		k.terms[i] = termInfo{Term: t, norm: string(norm), symLen: int32(len(buf)),
			wordStart: isWordRune(norm[0]), wordEnd: isWordRune(norm[len(norm)-1]), dup: -1}
		k.maxLen = max(k.maxLen, int32(len(buf)))
	}
	renumberByFrequency(symOf, seqs)
	k.build(symOf, seqs)
	return k, nil
}

// CheckTerm reports whether NewKeywords would accept t, with the same
// error, without building anything.
func CheckTerm(t Term) error {
	_, err := termNorm(t)
	return err
}

func termNorm(t Term) ([]rune, error) {
	loadFold()
	where := termWhere(t)
	switch {
	case !utf8.ValidString(t.Text) || !utf8.ValidString(t.Category):
		return nil, fmt.Errorf("%s: not valid UTF-8", where)
	case len(t.Text) > MaxTermBytes:
		return nil, fmt.Errorf("%s: term is %d bytes, more than %d", where, len(t.Text), MaxTermBytes)
	case len(t.Category) > MaxCategory:
		return nil, fmt.Errorf("%s: category is %d bytes, more than %d", where, len(t.Category), MaxCategory)
	}
	norm := make([]rune, 0, len(t.Text))
	for _, r := range t.Text {
		if f, ok := Fold(r); ok {
			norm = append(norm, f)
		}
	}
	if len(norm) == 0 {
		return nil, fmt.Errorf("%s: term %q is empty once spaces and punctuation are removed", where, t.Text)
	}
	if len(norm) == 1 && isWordRune(norm[0]) {
		// "C++" or "A." would match every standalone letter.
		return nil, fmt.Errorf("%s: term %q is a single letter or digit once punctuation is removed", where, t.Text)
	}
	if len(norm) > MaxTermRunes {
		return nil, fmt.Errorf("%s: term has %d characters, more than %d", where, len(norm), MaxTermRunes)
	}
	return norm, nil
}

func termWhere(t Term) string {
	switch {
	case t.List != "" && t.Line > 0:
		return fmt.Sprintf("keyword list %s line %d", t.List, t.Line)
	case t.List != "":
		return "keyword list " + t.List
	}
	return fmt.Sprintf("keyword %q", t.Text)
}

func isWordRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
}

// renumberByFrequency gives the symbols that occur most in the terms the
// smallest numbers, so the edges of busy states crowd together in the
// double array and stay in cache.
func renumberByFrequency(symOf map[rune]uint32, seqs [][]uint32) {
	freq := make([]int, len(symOf)+1)
	for _, seq := range seqs {
		for _, s := range seq {
			freq[s]++
		}
	}
	order := make([]uint32, 0, len(symOf))
	for s := 1; s <= len(symOf); s++ {
		order = append(order, uint32(s))
	}
	slices.SortStableFunc(order, func(a, b uint32) int { return freq[b] - freq[a] })
	remap := make([]uint32, len(symOf)+1)
	for i, s := range order {
		remap[s] = uint32(i + 1)
	}
	for _, seq := range seqs {
		for j, s := range seq {
			seq[j] = remap[s]
		}
	}
	for r, s := range symOf {
		symOf[r] = remap[s]
	}
}

// tmpNode is a trie node during construction.
type tmpNode struct {
	syms []uint32
	kids []int32
	term int32
}

func (k *Keywords) build(symOf map[rune]uint32, seqs [][]uint32) {
	nsym := len(symOf) + 1
	nodes := []tmpNode{{term: -1}}
	rootKid := make([]int32, nsym)
	child := func(n int32, s uint32) int32 {
		if n == 0 {
			return rootKid[s]
		}
		nd := &nodes[n]
		if i := slices.Index(nd.syms, s); i >= 0 {
			return nd.kids[i]
		}
		return 0
	}
	for i, seq := range seqs {
		n := int32(0)
		for _, s := range seq {
			c := child(n, s)
			if c == 0 {
				c = int32(len(nodes))
				nodes = append(nodes, tmpNode{term: -1})
				if n == 0 {
					rootKid[s] = c
				} else {
					nodes[n].syms = append(nodes[n].syms, s)
					nodes[n].kids = append(nodes[n].kids, c)
				}
			}
			n = c
		}
		if prev := nodes[n].term; prev >= 0 {
			// Same normalised term listed twice (perhaps with another
			// category): chain them so both are reported.
			k.terms[i].dup = prev
		}
		nodes[n].term = int32(i)
	}

	// Breadth-first order: renumber states so a state's edges are
	// contiguous, and compute failure and dictionary links.
	order := make([]int32, 0, len(nodes))
	newID := make([]int32, len(nodes))
	order = append(order, 0)
	for s := 1; s < nsym; s++ {
		if c := rootKid[s]; c != 0 {
			newID[c] = int32(len(order))
			order = append(order, c)
		}
	}
	for qi := 1; qi < len(order); qi++ {
		nd := &nodes[order[qi]]
		idx := make([]int, len(nd.syms))
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(a, b int) int { return int(nd.syms[a]) - int(nd.syms[b]) })
		syms := make([]uint32, len(idx))
		kids := make([]int32, len(idx))
		for j, i := range idx {
			syms[j], kids[j] = nd.syms[i], nd.kids[i]
			newID[kids[j]] = int32(len(order))
			order = append(order, kids[j])
		}
		nd.syms, nd.kids = syms, kids
	}
	n := len(order)
	k.states = make([]daState, n)
	k.out = make([]int32, n)
	k.rootNext = make([]int32, nsym)
	for s := 1; s < nsym; s++ {
		k.rootNext[s] = newID[rootKid[s]]
	}
	for q, old := range order {
		k.out[q] = nodes[old].term
	}
	k.placeEdges(nodes, order, newID, nsym)
	// Failure and emit links in BFS order (parents before children).
	k.states[0].emit = -1
	for q := 0; q < n; q++ {
		nd := &nodes[order[q]]
		if q == 0 {
			for s := 1; s < nsym; s++ {
				if c := k.rootNext[s]; c != 0 {
					k.states[c].fail = 0
					k.setEmit(c)
				}
			}
			continue
		}
		for j, s := range nd.syms {
			c := newID[nd.kids[j]]
			k.states[c].fail = k.step(k.states[q].fail, s)
			k.setEmit(c)
		}
	}
	// Copy each target's base and emit link next to the edge that leads
	// to it, and lay out the root row and failure links for matching.
	for i := range k.slots {
		if sl := &k.slots[i]; sl.check >= 0 {
			st := k.states[sl.next]
			sl.base, sl.emit = st.base, st.emit
		}
	}
	k.root = make([]daTarget, nsym)
	k.root[0].emit = -1
	for s := 1; s < nsym; s++ {
		c := k.rootNext[s]
		k.root[s] = daTarget{next: c, base: k.states[c].base, emit: k.states[c].emit}
	}
	k.fails = make([]daFail, n)
	for q := range k.fails {
		f := k.states[q].fail
		k.fails[q] = daFail{fail: f, base: k.states[f].base}
	}
	// Unmapped runes keep symbol 0 ("in no term"); dropped ones get skipSym.
	k.symBMP = make([]uint32, 0x10000)
	for r := rune(0); r < 0x10000; r++ {
		f := foldBMP[r]
		if f == skipRune {
			k.symBMP[r] = skipSym
			continue
		}
		k.symBMP[r] = symOf[f]
	}
	for f, s := range symOf {
		// Runes beyond the BMP that fold to a term's rune are looked up
		// by folding at match time; record the folded ones here.
		if f >= 0x10000 {
			k.symOther[f] = s
		}
	}
}

func (k *Keywords) setEmit(c int32) {
	if k.out[c] >= 0 {
		k.states[c].emit = c
	} else {
		k.states[c].emit = k.states[k.states[c].fail].emit
	}
}

// placeEdges lays the non-root states' edges out in the double array,
// first fit: each state gets the lowest base at which all its symbols land
// on free slots. A "next free slot" forest with path halving skips the taken
// ones, so building 100,000 terms stays well under a second.
func (k *Keywords) placeEdges(nodes []tmpNode, order, newID []int32, nsym int) {
	size := nsym + 1
	k.slots = make([]daSlot, size, 2*size)
	nf := make([]int32, size, 2*size) // nf[i] == i: slot i is free
	for i := range k.slots {
		k.slots[i].check = -1
		nf[i] = int32(i)
	}
	grow := func(n int) {
		for len(k.slots) < n {
			nf = append(nf, int32(len(k.slots)))
			k.slots = append(k.slots, daSlot{check: -1})
		}
	}
	findFree := func(i int) int {
		grow(i + 1)
		for int(nf[i]) != i {
			j := int(nf[i])
			grow(j + 1)
			if int(nf[j]) != j {
				nf[i] = nf[j]
				grow(int(nf[j]) + 1)
			}
			i = int(nf[i])
		}
		return i
	}
	free := func(i int) bool { return i >= len(k.slots) || k.slots[i].check < 0 }
	scan := 1 // where the search for free slots starts
	for q := 1; q < len(order); q++ {
		nd := &nodes[order[q]]
		if len(nd.syms) == 0 {
			continue
		}
		lo := int(nd.syms[0]) // syms are sorted
		tries := 0
		p := findFree(max(scan, lo+1))
		var base int
	search:
		for ; ; p = findFree(p + 1) {
			tries++
			base = p - lo
			for _, s := range nd.syms[1:] {
				if !free(base + int(s)) {
					continue search
				}
			}
			break
		}
		if tries > 16 {
			// The region before p is crowded: start later next time
			// (darts' heuristic; the holes left behind are the price).
			scan = p
		}
		grow(base + int(nd.syms[len(nd.syms)-1]) + 1)
		for j, s := range nd.syms {
			i := base + int(s)
			k.slots[i] = daSlot{check: int32(q), daTarget: daTarget{next: newID[nd.kids[j]]}}
			nf[i] = int32(i + 1)
		}
		k.states[q].base = int32(base)
	}
	// Every base+symbol stays inside the array, so step needs no bound
	// check beyond the slice's own.
	grow(len(k.slots) + nsym + 1)
}

// step follows the goto function from state s on symbol c, falling back
// along failure links.
func (k *Keywords) step(s int32, c uint32) int32 {
	for s != 0 {
		st := &k.states[s]
		if p := int(st.base) + int(c); p < len(k.slots) && k.slots[p].check == s {
			return k.slots[p].next
		}
		s = st.fail
	}
	return k.rootNext[c]
}

// Len returns the number of terms.
func (k *Keywords) Len() int { return len(k.terms) }

// States returns the number of automaton states.
func (k *Keywords) States() int { return len(k.states) }

// MemoryBytes estimates the heap the automaton holds (tables and term text).
func (k *Keywords) MemoryBytes() int {
	b := 4*len(k.symBMP) + 16*len(k.rootNext) + 20*len(k.states) + 16*cap(k.slots) + 16*len(k.symOther)
	for _, t := range k.terms {
		b += 112 + len(t.Text) + len(t.norm) + len(t.Category) + len(t.List)
	}
	return b
}

// ErrMatchLimit is returned by Match with the matches found so far when the
// text holds more than the limit asked for.
var ErrMatchLimit = errors.New("keyword matches over the limit")

// Match finds every listed term in text after normalisation, in one pass,
// and returns the matches in order of their end, with spans in the original
// text. Terms that begin or end with a Latin letter or digit match only at a
// word boundary ("ass" does not hit "class"). At most limit matches are
// returned (DefaultLimit when limit ≤ 0); if there were more, the error is
// ErrMatchLimit and the first limit matches are returned.
func (k *Keywords) Match(text string, limit int) ([]KeywordMatch, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	if len(text) > MaxTextBytes {
		return nil, fmt.Errorf("keyword match: text of %d bytes, more than %d", len(text), MaxTextBytes)
	}
	if len(k.terms) == 0 {
		return nil, nil
	}
	var raw []rawMatch // pointer-free while scanning: cheap to grow, nothing for the GC
	ringSize := int32(1)
	for ringSize < k.maxLen {
		ringSize <<= 1
	}
	mask := ringSize - 1
	ringByte := make([]int32, ringSize)
	ringRune := make([]int32, ringSize)
	var pos int32 // symbols consumed
	cur := k.root[0]
	runeIdx := int32(0)
	symBMP, slots, root, fails := k.symBMP, k.slots, k.root, k.fails
	n := len(text)
	for i := 0; i < n; {
		c := text[i]
		var r rune
		size := 1
		switch {
		case c < utf8.RuneSelf:
			r = rune(c)
		case c >= 0xE0 && c < 0xF0 && i+2 < n && text[i+1]&0xC0 == 0x80 && text[i+2]&0xC0 == 0x80:
			// Three-byte form (all of CJK): decode inline, rejecting
			// overlong forms and surrogates as the standard decoder does.
			r = rune(c&0x0F)<<12 | rune(text[i+1]&0x3F)<<6 | rune(text[i+2]&0x3F)
			size = 3
			if r < 0x800 || (r >= 0xD800 && r <= 0xDFFF) {
				r, size = utf8.RuneError, 1
			}
		default:
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		var sym uint32
		if r < 0x10000 {
			sym = symBMP[r]
			if r == utf8.RuneError && size == 1 {
				sym = 0 // an invalid byte separates, it is never part of a term
			}
		} else {
			sym = k.symNonBMP(r)
		}
		switch sym {
		case skipSym:
		case 0:
			cur = root[0]
		default:
			s, base := cur.next, cur.base
			for {
				if s == 0 {
					cur = root[sym]
					break
				}
				if p := int(base) + int(sym); p < len(slots) && slots[p].check == s {
					cur = slots[p].daTarget
					break
				}
				f := fails[s]
				s, base = f.fail, f.base
			}
			ringByte[pos&mask] = int32(i)
			ringRune[pos&mask] = runeIdx
			pos++
			for hit := cur.emit; hit >= 0; hit = k.states[k.states[hit].fail].emit {
				for t := k.out[hit]; t >= 0; t = k.terms[t].dup {
					at := (pos - k.terms[t].symLen) & mask
					m := rawMatch{term: t, start: ringByte[at], end: int32(i + size), runeStart: ringRune[at], runeEnd: runeIdx + 1}
					if !k.bounded(text, m) {
						continue
					}
					if len(raw) == limit {
						return k.expand(text, raw), ErrMatchLimit
					}
					raw = append(raw, m)
				}
			}
		}
		i += size
		runeIdx++
	}
	return k.expand(text, raw), nil
}

type rawMatch struct {
	term, start, end, runeStart, runeEnd int32
}

func (k *Keywords) expand(text string, raw []rawMatch) []KeywordMatch {
	if len(raw) == 0 {
		return nil
	}
	out := make([]KeywordMatch, len(raw))
	for j, m := range raw {
		ti := &k.terms[m.term]
		out[j] = KeywordMatch{
			Term: ti.Text, Normalized: ti.norm, Category: ti.Category, List: ti.List, Line: ti.Line,
			Start: int(m.start), End: int(m.end), RuneStart: int(m.runeStart), RuneEnd: int(m.runeEnd),
			Text: text[m.start:m.end],
		}
	}
	return out
}

func (k *Keywords) symNonBMP(r rune) uint32 {
	f, ok := Fold(r)
	if !ok {
		return skipSym
	}
	return k.symOther[f]
}

// bounded applies the word-boundary rule to terms that begin or end with a
// Latin letter or digit.
func (k *Keywords) bounded(text string, m rawMatch) bool {
	ti := &k.terms[m.term]
	if ti.wordStart && m.start > 0 {
		r, _ := utf8.DecodeLastRuneInString(text[:m.start])
		if f, ok := Fold(r); ok && isWordRune(f) {
			return false
		}
	}
	if ti.wordEnd && int(m.end) < len(text) {
		r, _ := utf8.DecodeRuneInString(text[m.end:])
		if f, ok := Fold(r); ok && isWordRune(f) {
			return false
		}
	}
	return true
}
