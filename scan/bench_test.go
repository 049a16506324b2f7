package scan_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/devicescan/devicescan/bench/benchgen"
	"github.com/devicescan/devicescan/scan"
)

// Benchmark trees are generated once and kept under the system temporary
// folder (devicescan-bench-*), so that repeated benchmark runs and -count
// do not spend minutes writing photos. Delete them with
// rm -rf "${TMPDIR:-/tmp}"/devicescan-bench-*.

var benchTrees sync.Map // name -> *benchTree

type benchTree struct {
	once  sync.Once
	dir   string
	stats benchgen.Stats
	err   error
}

func cachedTree(b *testing.B, name string, gen func(dir string) (benchgen.Stats, error)) (string, benchgen.Stats) {
	b.Helper()
	v, _ := benchTrees.LoadOrStore(name, &benchTree{})
	t := v.(*benchTree)
	t.once.Do(func() {
		t.dir = filepath.Join(os.TempDir(), "devicescan-bench-"+name)
		marker := filepath.Join(t.dir, ".complete")
		if data, err := os.ReadFile(marker); err == nil {
			if _, err := fmt.Sscanf(string(data), "%d %d %d", &t.stats.Files, &t.stats.Photos, &t.stats.Bytes); err == nil {
				return
			}
		}
		os.RemoveAll(t.dir)
		start := time.Now()
		t.stats, t.err = gen(filepath.Join(t.dir, "tree"))
		if t.err == nil {
			t.err = os.WriteFile(marker, []byte(fmt.Sprintf("%d %d %d\n", t.stats.Files, t.stats.Photos, t.stats.Bytes)), 0o644)
		}
		b.Logf("generated %s (%d files, %.0f MB) in %v", name, t.stats.Files, float64(t.stats.Bytes)/1e6, time.Since(start))
	})
	if t.err != nil {
		b.Fatal(t.err)
	}
	return filepath.Join(t.dir, "tree"), t.stats
}

func benchScan(b *testing.B, path string, st benchgen.Stats, opts scan.Options) {
	b.Helper()
	opts.FailOn = scan.SeverityNone
	b.SetBytes(st.Bytes)
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	for i := 0; i < b.N; i++ {
		rep, err := scan.Run(context.Background(), []string{path}, opts)
		if err != nil {
			b.Fatal(err)
		}
		if got := rep.Sources[0].Stats.Files; got != st.Files {
			b.Fatalf("scanned %d files, want %d", got, st.Files)
		}
	}
	el := time.Since(start).Seconds()
	cpu := (cpuTime() - cpu0).Seconds()
	b.ReportMetric(float64(st.Photos*b.N)/el, "photos/s")
	b.ReportMetric(float64(st.Files*b.N)/el, "files/s")
	// CPU time is steadier than wall time on a shared machine.
	b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
	if cpu > 0 {
		b.ReportMetric(float64(st.Photos*b.N)/cpu, "photos/cpu-s")
	}
}

// cpuTime is the user and system time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkScanAndroid2000 scans an Android tree of 2,000 photos (about
// 200 KB each, EXIF with GPS and a thumbnail) and 400 small app files.
func BenchmarkScanAndroid2000(b *testing.B) {
	dir, st := cachedTree(b, "android2000", func(dir string) (benchgen.Stats, error) {
		return benchgen.Android(dir, benchgen.AndroidOptions{Photos: 2000, PhotoKB: 200, Seed: 1})
	})
	b.Run("pixels", func(b *testing.B) { benchScan(b, dir, st, scan.Options{}) })
	b.Run("no-pixels", func(b *testing.B) { benchScan(b, dir, st, scan.Options{NoPixels: true}) })
}

// BenchmarkScanBackup scans a plain and an encrypted iPhone backup of
// 5,000 files, 500 of them camera-roll photos.
func BenchmarkScanBackup(b *testing.B) {
	for _, enc := range []bool{false, true} {
		name := "plain"
		if enc {
			name = "encrypted"
		}
		b.Run(name, func(b *testing.B) {
			dir, st := cachedTree(b, "backup5000-"+name, func(dir string) (benchgen.Stats, error) {
				return benchgen.Backup(dir, benchgen.BackupOptions{Files: 5000, Photos: 500, PhotoKB: 200, Encrypted: enc, Seed: 1})
			})
			opts := scan.Options{}
			if enc {
				opts.Password = func(context.Context, string) ([]byte, error) { return []byte("devicescan-sample"), nil }
			}
			benchScan(b, dir, st, opts)
		})
	}
}
