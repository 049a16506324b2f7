package android

import (
	"bytes"
	"runtime"
	"testing"
	"time"

	"github.com/devicescan/devicescan/android/apktest"
)

// TestGuards feeds inputs that make androidbinary allocate without bound or
// loop forever; each must be refused before the library sees it, quickly and
// with allocation bounded by the input.
func TestGuards(t *testing.T) {
	tests := []struct {
		name     string
		manifest []byte // decoded with decodeManifest
		table    []byte // or with DecodeTable
	}{
		{"44-byte manifest claiming 2^31 strings", apktest.ManifestClaimingStrings(1 << 31), nil},
		{"pool: 50k offsets to one 30k-char string (27 GB decoded)", apktest.ManifestPoolAmplifier(50000, 30000), nil},
		{"pool: string longer than the pool", func() []byte {
			b := apktest.ManifestPoolAmplifier(1, 100)
			return b[:len(b)-50]
		}(), nil},
		{"element: 65535 attributes naming one 20k-char string (3.9 GB of XML)", apktest.ManifestAttrAmplifier(65535, 20000), nil},
		{"table: zero-size chunk (endless loop)", nil, apktest.TableZeroChunk()},
		{"table: type chunk claiming 2^30 entries", nil, apktest.TableEntryCount("p", 1<<30)},
		{"table: package claiming 2^31 strings", nil, func() []byte {
			b := apktest.EncodeTable("p", map[string]string{"": "x"}, nil)
			// global pool string count
			le.PutUint32(b[12+8:], 1<<31)
			return b
		}()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			var err error
			if tc.manifest != nil {
				_, _, err = decodeManifest(tc.manifest)
			} else {
				_, err = DecodeTable(tc.table)
			}
			runtime.ReadMemStats(&after)
			in := len(tc.manifest) + len(tc.table)
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%d-byte input: %v, allocated %d KiB: %v", in, time.Since(start).Round(time.Microsecond), alloc>>10, err)
			if err == nil {
				t.Fatal("accepted")
			}
			if alloc > uint64(8*in)+1<<20 {
				t.Errorf("allocated %d bytes", alloc)
			}
		})
	}
	// the same inputs inside an APK
	b := apktest.WithManifest(apktest.ManifestAttrAmplifier(65535, 20000), apktest.Options{Package: "x"})
	if _, err := ReadAPK(bytes.NewReader(b), int64(len(b)), nil); err == nil {
		t.Error("APK with amplifying manifest accepted")
	}
}

// TestGuardsAcceptReal checks the guards pass what real tools produce.
func TestGuardsAcceptReal(t *testing.T) {
	for _, o := range oracleVariants {
		if err := CheckXML(apktest.Manifest(o)); err != nil {
			t.Errorf("%s manifest: %v", o.Package, err)
		}
		if err := CheckTable(apktest.Table(o)); err != nil {
			t.Errorf("%s table: %v", o.Package, err)
		}
	}
}
