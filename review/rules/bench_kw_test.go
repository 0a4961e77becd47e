package rules

import (
	"syscall"
	"testing"
	"time"
)

// cpuTime returns the process's user+system CPU time. The benchmarks report
// throughput per CPU-second beside the usual wall-clock figure, because the
// build machine is shared and wall time there measures the neighbours.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkMatch100k: 100,000 generated Chinese terms of 3–8 characters
// drawn from the same Zipf distribution as 1 MiB of generated Chinese prose,
// so states deep in the automaton are busy and about 18,000 matches per MiB
// are reported: a pessimistic load. Run with -cpu 1: "MB/s" is wall clock,
// "cpu-MB/s" per CPU-second of the process.
func BenchmarkMatch100k(b *testing.B) {
	benchMatch(b, zipfTerms(7, 100_000))
}

// BenchmarkMatch100kSparse: the same text, with 100,000 terms of 2–6
// characters drawn uniformly from the alphabet — closer to a real list of
// specific phrases, which rarely occur in ordinary text.
func BenchmarkMatch100kSparse(b *testing.B) {
	benchMatch(b, uniformTerms(7, 100_000))
}

func benchMatch(b *testing.B, terms []Term) {
	k, err := NewKeywords(terms)
	if err != nil {
		b.Fatal(err)
	}
	text := zipfText(9, 1<<20)
	b.SetBytes(int64(len(text)))
	var n, ops int
	c0 := cpuTime()
	for b.Loop() {
		m, err := k.Match(text, 1<<20)
		if err != nil {
			b.Fatal(err)
		}
		n = len(m)
		ops++
	}
	if d := cpuTime() - c0; d > 0 {
		b.ReportMetric(float64(ops*len(text))/1e6/d.Seconds(), "cpu-MB/s")
	}
	b.ReportMetric(float64(n), "matches/op")
	b.ReportMetric(float64(k.MemoryBytes())/(1<<20), "automaton-MiB")
	b.ReportMetric(float64(k.States()), "states")
}

// BenchmarkBuild100k measures building the automaton for 100,000 terms.
func BenchmarkBuild100k(b *testing.B) {
	terms := zipfTerms(7, 100_000)
	for b.Loop() {
		if _, err := NewKeywords(terms); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluate is the rules' share of intake for one item: the
// built-in set with 100,000 keyword terms and a 1,000,000-entry PDQ bank,
// a 600-character prompt and a 2,000-character text output, one PDQ hash.
func BenchmarkEvaluate(b *testing.B) {
	k, err := NewKeywords(uniformTerms(7, 100_000))
	if err != nil {
		b.Fatal(err)
	}
	bank, err := NewBank("known", 1, 31, false, genEntries(11, 1_000_000))
	if err != nil {
		b.Fatal(err)
	}
	rs := DefaultRuleSet(k, []*Bank{bank})
	in := cleanInput()
	in.Prompt = zipfText(1, 1800)
	in.TextOutput = zipfText(2, 6000)
	in.PDQ = []Hash{{1, 2, 3}}
	c0 := cpuTime()
	n := 0
	for b.Loop() {
		hits := rs.Evaluate(in)
		rs.Route(in.ProduceID, hits)
		n++
	}
	if d := cpuTime() - c0; d > 0 {
		b.ReportMetric(float64(d.Microseconds())/float64(n), "cpu-µs/item")
	}
}
