// Command rules-bench compares the keyword library (review/rules) with GNU
// grep -F on the same generated corpus: 100,000 Chinese terms and 8 MiB of
// Chinese text, written to a temporary folder. It prints MB/s for both,
// from CPU time (the build machine is shared; wall time measures the
// neighbours). Run: go run ./bench/rules [-terms N] [-mib N] [-keep DIR].
package main

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"synthreview/review/rules"
)

func main() {
	nTerms := flag.Int("terms", 100_000, "number of terms")
	mib := flag.Int("mib", 8, "MiB of text")
	keep := flag.String("keep", "", "write the corpus here and keep it")
	flag.Parse()
	if err := run(*nTerms, *mib, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "rules-bench:", err)
		os.Exit(1)
	}
}

func run(nTerms, mib int, keep string) error {
	dir := keep
	if dir == "" {
		d, err := os.MkdirTemp("", "rules-bench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	alphabet := make([]rune, 0, 3000)
	for r := rune(0x4E00); len(alphabet) < 3000; r++ {
		alphabet = append(alphabet, r)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	z := rand.NewZipf(rng, 1.1, 2, uint64(len(alphabet)-1))
	var text strings.Builder
	for text.Len() < mib<<20 {
		for range 8 + rng.IntN(12) {
			text.WriteRune(alphabet[z.Uint64()])
		}
		text.WriteString("，")
	}
	seen := map[string]bool{}
	var list bytes.Buffer
	terms := make([]rules.Term, 0, nTerms)
	for len(terms) < nTerms {
		var t strings.Builder
		for range 2 + rng.IntN(5) {
			t.WriteRune(alphabet[rng.IntN(len(alphabet))])
		}
		s := t.String()
		if seen[s] {
			continue
		}
		seen[s] = true
		terms = append(terms, rules.Term{Text: s, Category: "risk-a1a", List: "bench"})
		list.WriteString(s + "\n")
	}
	textPath, listPath := filepath.Join(dir, "text.txt"), filepath.Join(dir, "terms.txt")
	if err := os.WriteFile(textPath, []byte(text.String()), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(listPath, list.Bytes(), 0o644); err != nil {
		return err
	}
	mb := float64(text.Len()) / 1e6

	c0 := cpu(syscall.RUSAGE_SELF)
	k, err := rules.NewKeywords(terms)
	if err != nil {
		return err
	}
	build := cpu(syscall.RUSAGE_SELF) - c0
	c0 = cpu(syscall.RUSAGE_SELF)
	const reps = 5
	var n int
	for range reps {
		ms, err := k.Match(text.String(), 1<<24)
		if err != nil {
			return err
		}
		n = len(ms)
	}
	d := cpu(syscall.RUSAGE_SELF) - c0
	fmt.Printf("rules.Keywords: %d terms, %.1f MB text, build %v, %d matches, %.0f MB/s (CPU), automaton %.1f MiB\n",
		nTerms, mb, build.Round(time.Millisecond), n, reps*mb/d.Seconds(), float64(k.MemoryBytes())/(1<<20))

	grep, err := exec.LookPath("grep")
	if err != nil {
		fmt.Println("grep -F: not installed")
		return nil
	}
	c0 = cpu(syscall.RUSAGE_CHILDREN)
	cmd := exec.Command(grep, "-F", "-o", "-c", "-f", listPath, textPath)
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	out, err := cmd.Output()
	if err != nil && len(out) == 0 {
		return fmt.Errorf("grep: %w", err)
	}
	d = cpu(syscall.RUSAGE_CHILDREN) - c0
	fmt.Printf("grep -F -f:     same corpus, %.0f MB/s (CPU, build included), %s lines with a match\n",
		mb/d.Seconds(), strings.TrimSpace(string(out)))
	return nil
}

func cpu(who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
