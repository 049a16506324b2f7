package android

import (
	"bytes"
	"fmt"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/devicescan/devicescan/android/apktest"
)

var (
	bigAPKOnce sync.Once
	bigAPK     []byte
)

// bigMultiDex is a generated APK with 10 DEX files of 20,000 classes each.
func bigMultiDex() []byte {
	bigAPKOnce.Do(func() {
		classes := make([]string, 0, 200000)
		for i := range 200000 {
			classes = append(classes, fmt.Sprintf("Lcom/example/big/p%d/Class%d;", i%500, i))
		}
		classes = append(classes, "Lcom/applovin/sdk/AppLovinSdk;")
		bigAPK = apktest.MustBuild(apktest.Options{Package: "com.example.big", Label: "Big",
			LabelLocales: map[string]string{"fr": "Grand"}, Classes: classes, MultiDex: 10,
			Permissions: []string{"android.permission.CAMERA"}})
	})
	return bigAPK
}

func BenchmarkReadAPK(b *testing.B) {
	data := bigMultiDex()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		app, err := ReadAPK(bytes.NewReader(data), int64(len(data)), nil)
		if err != nil || app.Classes != 200001 || len(app.SDKs) != 1 {
			b.Fatal(err, app.Classes, app.SDKs)
		}
	}
}

func BenchmarkReadAPKSmall(b *testing.B) {
	data := apktest.MustBuild(seedOptions)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadAPK(bytes.NewReader(data), int64(len(data)), nil); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBigAPKMemory reports the heap used while reading the big multi-DEX APK.
func TestBigAPKMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	data := bigMultiDex()
	runtime.GC()
	var before, after runtime.MemStats
	var ru0, ru1 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	start := time.Now()
	runtime.ReadMemStats(&before)
	app, err := ReadAPK(bytes.NewReader(data), int64(len(data)), nil)
	runtime.ReadMemStats(&after)
	wall := time.Since(start)
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := time.Duration(ru1.Utime.Nano() - ru0.Utime.Nano() + ru1.Stime.Nano() - ru0.Stime.Nano())
	t.Logf("wall %v, CPU %v (user+sys, includes GC workers)", wall.Round(time.Millisecond), cpu.Round(time.Millisecond))
	if err != nil || app.Classes != 200001 {
		t.Fatal(err, app.Classes)
	}
	t.Logf("APK %d KiB, 10 dex, %d classes: allocated %d MiB in total, heap in use after %d MiB",
		len(data)>>10, app.Classes, (after.TotalAlloc-before.TotalAlloc)>>20, after.HeapInuse>>20)
}
