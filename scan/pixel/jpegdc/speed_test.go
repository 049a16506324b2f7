package jpegdc

import (
	"bytes"
	"flag"
	"image/jpeg"
	"syscall"
	"testing"
	"time"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var speedRatio = flag.Bool("speed-ratio", false, "log CPU time per decode, jpegdc against image/jpeg")

// TestSpeedRatio measures process CPU time (not wall time, which a busy
// machine distorts) per decode of the benchmark files, ours against
// image/jpeg, alternating runs:
//
//	GOMAXPROCS=1 go test ./scan/pixel/jpegdc -run TestSpeedRatio -speed-ratio -v
func TestSpeedRatio(t *testing.T) {
	if !*speedRatio {
		t.Skip("run with -speed-ratio")
	}
	data := benchJPEG()
	prog := benchProgressive()
	run := func(n int, f func()) time.Duration {
		t0 := cpuNow()
		for range n {
			f()
		}
		return (cpuNow() - t0) / time.Duration(n)
	}
	for range 2 {
		ours := run(100, func() { DecodeBytes(data, Options{}) })
		s4 := run(50, func() { DecodeBytes(data, Options{Scale: 4}) })
		std := run(12, func() { jpeg.Decode(bytes.NewReader(data)) })
		if prog == nil {
			t.Logf("CPU/op: baseline %d B: dc %v scale4 %v std %v", len(data), ours, s4, std)
			continue
		}
		po := run(100, func() { DecodeBytes(prog, Options{}) })
		ps := run(6, func() { jpeg.Decode(bytes.NewReader(prog)) })
		t.Logf("CPU/op: baseline %d B: dc %v scale4 %v std %v (x%.1f, x%.1f); progressive %d B: dc %v std %v (x%.1f)", len(data), ours, s4, std,
			float64(std)/float64(ours), float64(std)/float64(s4), len(prog), po, ps, float64(ps)/float64(po))
	}
}
