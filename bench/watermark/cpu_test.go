package watermark

import (
	"syscall"
	"testing"
	"time"
)

// cpuClock measures the process's CPU time (user + system), which on a
// shared, loaded machine says what one scan costs a core better than wall
// time does. Benchmarks report it as cpu-ms/op beside ns/op.
type cpuClock struct{ start time.Duration }

func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func startCPU() cpuClock { return cpuClock{cpuNow()} }

func (c cpuClock) report(b *testing.B) {
	if b.N > 0 {
		b.ReportMetric(float64(cpuNow()-c.start)/float64(b.N)/1e6, "cpu-ms/op")
	}
}
