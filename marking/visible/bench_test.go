package visible

import (
	"testing"
)

// BenchmarkDetect1080p measures Detect with the built-in bank on a 1920×1080
// JPEG-decoded (YCbCr) image carrying a label.
func BenchmarkDetect1080p(b *testing.B) {
	bank := mustBank(b)
	img := genImage("blocks", 1920, 1080, 3)
	m, _, err := Draw(img, "AI生成", Options{})
	if err != nil {
		b.Fatal(err)
	}
	y := reencode(b, m, 90)
	b.ResetTimer()
	for b.Loop() {
		if len(Detect(y, bank)) != 1 {
			b.Fatal("label not found")
		}
	}
}

// BenchmarkDetect1080pUnlabelled is the common case: nothing to find.
func BenchmarkDetect1080pUnlabelled(b *testing.B) {
	bank := mustBank(b)
	y := reencode(b, genImage("blocks", 1920, 1080, 3), 90)
	b.ResetTimer()
	for b.Loop() {
		Detect(y, bank)
	}
}

// BenchmarkDraw1080p measures drawing the default label on a 1080p image.
func BenchmarkDraw1080p(b *testing.B) {
	img := genImage("blocks", 1920, 1080, 3)
	for b.Loop() {
		if _, _, err := Draw(img, "AI生成", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewBank measures building the built-in bank (four texts, 22
// sizes each); build it once per process.
func BenchmarkNewBank(b *testing.B) {
	for b.Loop() {
		if _, err := NewBank(); err != nil {
			b.Fatal(err)
		}
	}
}
