package android

import (
	"archive/zip"
	"bytes"
	"runtime"
	"testing"

	"github.com/devicescan/devicescan/android/apktest"
)

// allocBound fails when f allocates more than a small multiple of the input:
// the guards exist so that androidbinary cannot be driven into huge
// allocations by a few hostile bytes.
func allocBound(t *testing.T, inputLen int, f func()) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	limit := uint64(200*inputLen) + 16<<20
	if got := after.TotalAlloc - before.TotalAlloc; got > limit {
		t.Fatalf("allocated %d bytes for %d input bytes", got, inputLen)
	}
}

var seedOptions = apktest.Options{Package: "com.example.seed", VersionName: "1.0", VersionCode: 9, Label: "Seed",
	LabelLocales: map[string]string{"fr": "Graine"}, Permissions: []string{"android.permission.CAMERA"},
	MetaData: map[string]string{"k": "v", "r": "@string/x", "n": "5"}, MinSDK: 21, TargetSDK: 33,
	Classes: []string{"Lcom/applovin/A;", "La/B;"}}

func FuzzDecodeManifest(f *testing.F) {
	f.Add(apktest.Manifest(seedOptions))
	o := seedOptions
	o.UTF8 = true
	f.Add(apktest.Manifest(o))
	f.Add(apktest.ManifestClaimingStrings(0x7FFFFFFF))
	f.Add([]byte{3, 0, 8, 0, 8, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		allocBound(t, len(b), func() { decodeManifest(b) })
	})
}

func FuzzDecodeTable(f *testing.F) {
	f.Add(apktest.Table(seedOptions))
	f.Add(apktest.EncodeTable("p", map[string]string{"": "a", "ja": "b", "en-rGB": "c"}, map[string]string{"x": "y"}))
	f.Add([]byte{2, 0, 12, 0, 12, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		allocBound(t, len(b), func() {
			tab, err := DecodeTable(b)
			if err == nil {
				resolve(tab, "@0x7F010000")
				resolve(tab, "@0x7F010001")
			}
		})
	})
}

// FuzzReadAPK wraps fuzzed manifest, table and DEX bytes in a valid zip, so
// the fuzzer reaches the parsers instead of fighting the zip format; whole
// fuzzed zips go through ReadAPK and ReadBundle too.
func FuzzReadAPK(f *testing.F) {
	f.Add(apktest.Manifest(seedOptions), apktest.Table(seedOptions), apktest.Dex(seedOptions.Classes), false)
	f.Add(apktest.MustBuild(seedOptions), []byte{}, []byte{}, true)
	bundle, _ := apktest.Bundle("apks", apktest.MustBuild(seedOptions), nil)
	f.Add(bundle, []byte{}, []byte{}, true)
	f.Fuzz(func(t *testing.T, manifest, table, dexb []byte, whole bool) {
		var data []byte
		if whole {
			data = manifest
		} else {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			for _, e := range []struct {
				name string
				b    []byte
			}{{"AndroidManifest.xml", manifest}, {"resources.arsc", table}, {"classes.dex", dexb}, {"classes2.dex", dexb}} {
				w, _ := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Store})
				w.Write(e.b)
			}
			zw.Close()
			data = buf.Bytes()
		}
		allocBound(t, len(data), func() {
			o := &Options{TempDir: t.TempDir()}
			app, err := ReadAPK(bytes.NewReader(data), int64(len(data)), o)
			if err == nil && app == nil {
				t.Fatal("nil app without error")
			}
			ReadBundle(bytes.NewReader(data), int64(len(data)), o)
		})
	})
}
