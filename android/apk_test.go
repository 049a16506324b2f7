package android

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/devicescan/devicescan/android/apktest"
)

func sdkNames(a *App) []string {
	var out []string
	for _, s := range a.SDKs {
		out = append(out, s.Name)
	}
	return out
}

func readBytes(t testing.TB, b []byte) (*App, error) {
	t.Helper()
	return ReadAPK(bytes.NewReader(b), int64(len(b)), nil)
}

func TestReadAPK(t *testing.T) {
	base := apktest.Options{
		Package: "com.example.freecam", VersionName: "2.1.0", VersionCode: 2100042,
		Label: "FreeCam Pro", MinSDK: 21, TargetSDK: 34,
		Permissions:   []string{"android.permission.CAMERA", "android.permission.INTERNET", "android.permission.CAMERA"},
		Permissions23: []string{"android.permission.READ_CONTACTS"},
		MetaData: map[string]string{
			"com.google.android.gms.ads.APPLICATION_ID": "ca-app-pub-3940256099942544~3347511713",
			"com.google.android.gms.version":            "12451000",
			"some.string.ref":                           "@string/ref_value",
		},
		Classes:  []string{"Lcom/example/freecam/Main;", "com.google.android.gms.ads.AdView", "Lcom/applovin/sdk/AppLovinSdk;", "Lcom/google/android/gms/ads/identifier/AdvertisingIdClient;"},
		MultiDex: 3,
	}
	tests := []struct {
		name   string
		mod    func(o *apktest.Options)
		label  string
		splits []string
	}{
		{"literal label utf16", func(o *apktest.Options) {}, "FreeCam Pro", nil},
		{"literal label utf8", func(o *apktest.Options) { o.UTF8 = true }, "FreeCam Pro", nil},
		{"resource label default locale", func(o *apktest.Options) {
			o.LabelLocales = map[string]string{"fr": "Caméra Libre", "ja": "フリーカム"}
		}, "FreeCam Pro", nil},
		{"resource label utf8 manifest", func(o *apktest.Options) {
			o.UTF8 = true
			o.LabelLocales = map[string]string{"ja": "フリーカム"}
		}, "FreeCam Pro", nil},
		{"no resources", func(o *apktest.Options) { o.NoResources = true }, "FreeCam Pro", nil},
		{"split apk", func(o *apktest.Options) { o.SplitName = "config.arm64_v8a" }, "", []string{"config.arm64_v8a"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := base
			tc.mod(&o)
			app, err := readBytes(t, apktest.MustBuild(o))
			if err != nil {
				t.Fatal(err)
			}
			if app.Package != o.Package || app.VersionName != o.VersionName || app.VersionCode != o.VersionCode {
				t.Errorf("identity: %+v", app)
			}
			if app.Label != tc.label {
				t.Errorf("label %q want %q", app.Label, tc.label)
			}
			if app.MinSDK != 21 || app.TargetSDK != 34 {
				t.Errorf("sdk %d %d", app.MinSDK, app.TargetSDK)
			}
			if want := []string{"android.permission.CAMERA", "android.permission.INTERNET", "android.permission.READ_CONTACTS"}; !slices.Equal(app.Permissions, want) {
				t.Errorf("permissions %v", app.Permissions)
			}
			if !slices.Equal(app.Splits, tc.splits) {
				t.Errorf("splits %v want %v", app.Splits, tc.splits)
			}
			if o.SplitName == "" {
				wantMD := map[string]string{
					"com.google.android.gms.ads.APPLICATION_ID": "ca-app-pub-3940256099942544~3347511713",
					"com.google.android.gms.version":            "12451000",
					"some.string.ref":                           "value of ref_value",
				}
				if o.NoResources {
					wantMD["some.string.ref"] = "@0x7F010001"
				}
				if fmt.Sprint(app.MetaData) != fmt.Sprint(wantMD) {
					t.Errorf("meta-data %v", app.MetaData)
				}
			}
			if app.Classes != 4 {
				t.Errorf("classes %d", app.Classes)
			}
			if want := []string{"AppLovin", "Google AdMob"}; !slices.Equal(sdkNames(app), want) {
				t.Errorf("sdks %v", sdkNames(app))
			}
			if len(app.DexErrors) != 0 && !o.NoResources {
				t.Errorf("errors %v", app.DexErrors)
			}
		})
	}
}

func TestReadAPKSkipDex(t *testing.T) {
	app, err := ReadAPK(bytes.NewReader(apktest.MustBuild(apktest.Options{Package: "a.b", Classes: []string{"La/b/C;"}})), 0, nil)
	if err == nil {
		t.Fatal("size 0 accepted", app)
	}
	b := apktest.MustBuild(apktest.Options{Package: "a.b", Classes: []string{"Lcom/applovin/C;"}})
	app, err = ReadAPK(bytes.NewReader(b), int64(len(b)), &Options{SkipDex: true})
	if err != nil || app.Classes != 0 || app.SDKs != nil {
		t.Errorf("%+v %v", app, err)
	}
}

// patchZipSizes rewrites the uncompressed size of every entry (local and
// central headers) to lie: a small declared size over a big deflated stream.
func patchZipSizes(b []byte, size uint32) []byte {
	b = slices.Clone(b)
	for i := 0; i+30 < len(b); i++ {
		switch {
		case bytes.Equal(b[i:i+4], []byte("PK\x03\x04")):
			le.PutUint32(b[i+22:], size)
		case bytes.Equal(b[i:i+4], []byte("PK\x01\x02")):
			le.PutUint32(b[i+24:], size)
		}
	}
	return b
}

func TestHostile(t *testing.T) {
	okTable := apktest.Options{Package: "x.y", Label: "L", LabelLocales: map[string]string{"fr": "F"}}
	bomb := apktest.ZipBomb("AndroidManifest.xml", 200<<20)
	t.Logf("zip bomb: %d bytes for 200 MiB", len(bomb))
	dexBomb := func() []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("AndroidManifest.xml")
		w.Write(apktest.Manifest(apktest.Options{Package: "x.y"}))
		w, _ = zw.Create("classes.dex")
		w.Write(make([]byte, 3<<20))
		zw.Close()
		return buf.Bytes()
	}()
	tests := []struct {
		name    string
		data    []byte
		wantErr bool
	}{
		{"manifest claiming 2^31 strings", apktest.WithManifest(apktest.ManifestClaimingStrings(0x7FFFFFFF), okTable), true},
		{"manifest claiming 2^32-1 strings", apktest.WithManifest(apktest.ManifestClaimingStrings(0xFFFFFFFF), okTable), true},
		{"200 MiB zero manifest", bomb, true},
		{"lying sizes", patchZipSizes(bomb, 100), true},
		{"not a zip", []byte("this is not an apk at all, just text"), true},
		{"empty", nil, true},
		{"truncated zip", apktest.MustBuild(okTable)[:100], true},
		{"no manifest", apktest.ZipBomb("foo.txt", 10), true},
		{"zero manifest", apktest.WithManifest(make([]byte, 64), okTable), true},
		{"oversized dex is a dex error", dexBomb, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			app, err := ReadAPK(bytes.NewReader(tc.data), int64(len(tc.data)), &Options{MaxDexBytes: 1 << 20})
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%v, allocated %d KiB, err=%v", time.Since(start).Round(time.Millisecond), alloc>>10, err)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err=%v app=%+v", err, app)
			}
			if alloc > 32<<20 {
				t.Errorf("allocated %d MiB", alloc>>20)
			}
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %v", time.Since(start))
			}
			if err == nil && len(app.DexErrors) == 0 {
				t.Errorf("no dex error: %+v", app)
			}
		})
	}
	if _, err := readBytes(t, []byte("nope")); !errors.Is(err, ErrNotAPK) {
		t.Errorf("not ErrNotAPK: %v", err)
	}
	_, err := readBytes(t, apktest.WithManifest(apktest.ManifestClaimingStrings(0x7FFFFFFF), okTable))
	if !errors.Is(err, ErrMalformed) {
		t.Errorf("not ErrMalformed: %v", err)
	}
}

func TestIsZip(t *testing.T) {
	for in, want := range map[string]bool{"PK\x03\x04rest": true, "PK\x05\x06": true, "PK": false, "\x7fELF": false, "": false} {
		if IsZip([]byte(in)) != want {
			t.Errorf("%q", in)
		}
	}
}

func TestReadBundle(t *testing.T) {
	base := apktest.MustBuild(apktest.Options{Package: "com.example.b", Label: "B", VersionCode: 7,
		Permissions: []string{"android.permission.CAMERA"}, Classes: []string{"Lcom/example/b/Main;"}})
	split := apktest.MustBuild(apktest.Options{Package: "com.example.b", SplitName: "config.arm64_v8a", NoDex: true})
	feature := apktest.MustBuild(apktest.Options{Package: "com.example.b", SplitName: "feature_ads",
		Permissions: []string{"android.permission.RECORD_AUDIO"}, Classes: []string{"Lcom/unity3d/ads/UnityAds;"}})
	other := apktest.MustBuild(apktest.Options{Package: "com.other", SplitName: "x", NoDex: true})
	splits := map[string][]byte{"config.arm64_v8a": split, "feature_ads": feature}
	apks, _ := apktest.Bundle("apks", base, splits)
	xapk, _ := apktest.Bundle("xapk", base, splits)
	foreign, _ := apktest.Bundle("apks", base, map[string][]byte{"x": other})
	onlySplits, _ := apktest.Bundle("apks", split, nil)
	tests := []struct {
		name    string
		data    []byte
		splits  []string
		perms   int
		sdks    []string
		wantErr bool
	}{
		{"apks", apks, []string{"config.arm64_v8a", "feature_ads"}, 2, []string{"Unity Ads"}, false},
		{"xapk", xapk, []string{"config.arm64_v8a", "feature_ads"}, 2, []string{"Unity Ads"}, false},
		{"deflated inner apk", apktest.BundleDeflated(base), nil, 1, nil, false},
		{"plain apk", base, nil, 1, nil, false},
		{"foreign split ignored", foreign, nil, 1, nil, false},
		{"no base", onlySplits, nil, 0, nil, true},
		{"no apk inside", apktest.ZipBomb("readme.txt", 10), nil, 0, nil, true},
		{"bomb inside", apktest.BundleDeflated(apktest.ZipBomb("AndroidManifest.xml", 50<<20)), nil, 0, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			app, err := ReadBundle(bytes.NewReader(tc.data), int64(len(tc.data)), &Options{TempDir: tmp})
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Errorf("temp files left: %v", left)
			}
			if (err != nil) != tc.wantErr {
				t.Fatalf("err=%v", err)
			}
			if err != nil {
				return
			}
			if app.Package != "com.example.b" || app.Label != "B" || app.VersionCode != 7 {
				t.Errorf("base: %+v", app)
			}
			if !slices.Equal(app.Splits, tc.splits) || len(app.Permissions) != tc.perms || !slices.Equal(sdkNames(app), tc.sdks) {
				t.Errorf("splits %v perms %v sdks %v", app.Splits, app.Permissions, sdkNames(app))
			}
		})
	}
}

// TestOwnReaderAgrees: for well-formed manifests our fallback reader and
// androidbinary decode the same thing.
func TestOwnReaderAgrees(t *testing.T) {
	opts := append([]apktest.Options{seedOptions}, oracleVariants...)
	for _, o := range opts {
		for _, utf8 := range []bool{false, true} {
			o.UTF8 = utf8
			raw := apktest.Manifest(o)
			lib, note, err := decodeManifest(raw)
			if err != nil || note != "" {
				t.Fatalf("%s: %v %q", o.Package, err, note)
			}
			els, err := readAXML(raw)
			if err != nil {
				t.Fatal(err)
			}
			own, err := manifestFromAXML(els)
			if err != nil {
				t.Fatal(err)
			}
			lib.XMLName = own.XMLName
			if fmt.Sprintf("%+v", *lib) != fmt.Sprintf("%+v", *own) {
				t.Errorf("%s utf8=%v:\nlib %+v\nown %+v", o.Package, utf8, *lib, *own)
			}
		}
	}
}

// TestStrippedAttributeNames: an obfuscated manifest whose android:
// attribute names are blank is still read, through the resource map.
func TestStrippedAttributeNames(t *testing.T) {
	o := seedOptions
	o.StripAttrNames = true
	for _, utf8 := range []bool{false, true} {
		o.UTF8 = utf8
		app, err := readBytes(t, apktest.MustBuild(o))
		if err != nil {
			t.Fatal(err)
		}
		if app.Package != o.Package || app.VersionCode != o.VersionCode || app.VersionName != o.VersionName ||
			app.Label != o.Label || app.MinSDK != o.MinSDK || app.TargetSDK != o.TargetSDK ||
			!slices.Equal(app.Permissions, []string{"android.permission.CAMERA"}) || app.MetaData["k"] != "v" || app.MetaData["r"] != "value of x" {
			t.Errorf("utf8=%v: %+v", utf8, app)
		}
		if len(app.DexErrors) == 0 {
			t.Error("no note about the recovered fields")
		}
	}
}

// TestStoredDexLyingSize: a stored classes.dex whose zip headers claim far
// more bytes than the archive holds must not be trusted for allocation.
func TestStoredDexLyingSize(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("AndroidManifest.xml")
	w.Write(apktest.Manifest(apktest.Options{Package: "x.y"}))
	w, _ = zw.CreateRaw(&zip.FileHeader{Name: "classes.dex", Method: zip.Store,
		CompressedSize64: 200 << 20, UncompressedSize64: 200 << 20})
	w.Write(apktest.Dex([]string{"La/B;"}))
	zw.Close()
	b := buf.Bytes()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	app, err := readBytes(t, b)
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Errorf("allocated %d MiB", alloc>>20)
	}
	if err == nil && len(app.DexErrors) == 0 {
		t.Errorf("no error: %+v", app)
	}
	t.Logf("err=%v dexErrors=%v", err, app)
}
