package android

// Tests that compare ReadAPK with real tools. Each skips when its tool is
// absent (Debian packages: aapt, android-framework-res, androguard).

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/devicescan/devicescan/android/apktest"
)

const frameworkRes = "/usr/share/android-framework-res/framework-res.apk"

func readFile(t testing.TB, path string, o *Options) (*App, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	return ReadAPK(f, st.Size(), o)
}

var oracleVariants = []apktest.Options{
	{Package: "com.example.freecam", VersionName: "2.1.0", VersionCode: 2100042, Label: "FreeCam Pro",
		LabelLocales: map[string]string{"fr": "Caméra", "ja": "フリーカム"}, MinSDK: 21, TargetSDK: 34,
		Permissions:   []string{"android.permission.CAMERA", "android.permission.INTERNET"},
		Permissions23: []string{"android.permission.READ_CONTACTS"}, Classes: []string{"Lcom/applovin/X;"}, MultiDex: 2},
	{Package: "org.example.utf8", VersionName: "1", VersionCode: 1, Label: "Ünïcode ラベル", UTF8: true,
		Permissions: []string{"android.permission.READ_SMS", "com.android.vending.BILLING"}, MinSDK: 16},
	{Package: "net.example.bare", VersionCode: 3, NoResources: true, TargetSDK: 30},
}

// aaptBadging parses the fields of `aapt dump badging` that ReadAPK also returns.
func aaptBadging(out string) (pkg, vc, vn, label string, minSDK, targetSDK int, perms []string) {
	field := func(line, key string) string {
		m := regexp.MustCompile(key + `='([^']*)'`).FindStringSubmatch(line)
		if m == nil {
			return ""
		}
		return m[1]
	}
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "package:"):
			pkg, vc, vn = field(line, "name"), field(line, "versionCode"), field(line, "versionName")
		case strings.HasPrefix(line, "sdkVersion:"):
			minSDK, _ = strconv.Atoi(strings.Trim(strings.TrimPrefix(line, "sdkVersion:"), "'"))
		case strings.HasPrefix(line, "targetSdkVersion:"):
			targetSDK, _ = strconv.Atoi(strings.Trim(strings.TrimPrefix(line, "targetSdkVersion:"), "'"))
		case strings.HasPrefix(line, "uses-permission:"), strings.HasPrefix(line, "uses-permission-sdk-23:"):
			perms = append(perms, field(line, "name"))
		case strings.HasPrefix(line, "application-label:"):
			label = strings.Trim(strings.TrimPrefix(line, "application-label:"), "'")
		}
	}
	sort.Strings(perms)
	return
}

func TestAaptBadgingOracle(t *testing.T) {
	aapt, err := exec.LookPath("aapt")
	if err != nil {
		t.Skip("aapt not installed")
	}
	stripped := oracleVariants[0]
	stripped.Package += ".stripped"
	stripped.StripAttrNames = true // aapt, like Android, reads attributes by resource ID
	for _, o := range append(slices.Clone(oracleVariants), stripped) {
		t.Run(o.Package, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "a.apk")
			os.WriteFile(p, apktest.MustBuild(o), 0o600)
			out, err := exec.Command(aapt, "dump", "badging", p).CombinedOutput()
			if err != nil {
				t.Fatalf("aapt: %v\n%s", err, out)
			}
			pkg, vc, vn, label, minSDK, target, perms := aaptBadging(string(out))
			app, err := readFile(t, p, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprint(app.Package, "|", app.VersionCode, "|", app.VersionName, "|", app.Label, "|", app.MinSDK, "|", app.TargetSDK, "|", app.Permissions)
			want := fmt.Sprint(pkg, "|", vc, "|", vn, "|", label, "|", minSDK, "|", target, "|", perms)
			if got != want {
				t.Errorf("ReadAPK %s\naapt    %s", got, want)
			}
		})
	}
}

// TestAaptBuiltAPK builds an APK with aapt from a text manifest and string
// resources (default + fr), adds a DEX from apktest, and reads it back.
func TestAaptBuiltAPK(t *testing.T) {
	aapt, err := exec.LookPath("aapt")
	if err != nil {
		t.Skip("aapt not installed")
	}
	if _, err := os.Stat(frameworkRes); err != nil {
		t.Skip("android-framework-res not installed")
	}
	dir := t.TempDir()
	files := map[string]string{
		"AndroidManifest.xml": `<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="org.example.oracle" android:versionCode="314" android:versionName="3.1.4">
  <uses-sdk android:minSdkVersion="23" android:targetSdkVersion="29"/>
  <uses-permission android:name="android.permission.RECORD_AUDIO"/>
  <uses-permission android:name="android.permission.ACCESS_FINE_LOCATION" android:maxSdkVersion="28"/>
  <uses-permission-sdk-23 android:name="android.permission.READ_CALENDAR"/>
  <application android:label="@string/app_name" android:allowBackup="true">
    <meta-data android:name="com.google.android.gms.ads.APPLICATION_ID" android:value="@string/admob_id"/>
    <meta-data android:name="com.google.android.gms.version" android:value="@integer/gms_version"/>
    <meta-data android:name="literal" android:value="hello"/>
    <meta-data android:name="number" android:value="7"/>
    <meta-data android:name="flag" android:value="true"/>
  </application>
</manifest>`,
		"res/values/strings.xml": `<?xml version="1.0" encoding="utf-8"?>
<resources>
  <string name="app_name">Oracle App</string>
  <string name="admob_id">ca-app-pub-123~456</string>
  <integer name="gms_version">12451000</integer>
</resources>`,
		"res/values-fr/strings.xml": `<?xml version="1.0" encoding="utf-8"?>
<resources><string name="app_name">Appli Oracle</string></resources>`,
		"res/values-ja/strings.xml": `<?xml version="1.0" encoding="utf-8"?>
<resources><string name="app_name">オラクル</string></resources>`,
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	built := filepath.Join(dir, "built.apk")
	out, err := exec.Command(aapt, "package", "-f", "-M", filepath.Join(dir, "AndroidManifest.xml"),
		"-S", filepath.Join(dir, "res"), "-I", frameworkRes, "-F", built).CombinedOutput()
	if err != nil {
		t.Fatalf("aapt package: %v\n%s", err, out)
	}
	// add classes.dex (deflated) and classes2.dex (stored)
	src, _ := os.ReadFile(built)
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: f.Method})
		rc, _ := f.Open()
		io.Copy(w, rc)
		rc.Close()
	}
	w, _ := zw.Create("classes.dex")
	w.Write(apktest.Dex([]string{"Lorg/example/oracle/Main;", "Lcom/google/android/gms/ads/AdView;"}))
	w, _ = zw.CreateHeader(&zip.FileHeader{Name: "classes2.dex", Method: zip.Store})
	w.Write(apktest.Dex([]string{"Lio/sentry/Sentry;"}))
	zw.Close()
	final := filepath.Join(dir, "final.apk")
	os.WriteFile(final, buf.Bytes(), 0o600)

	app, err := readFile(t, final, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := App{
		Package: "org.example.oracle", VersionName: "3.1.4", VersionCode: 314, Label: "Oracle App",
		MinSDK: 23, TargetSDK: 29,
		Permissions: []string{"android.permission.ACCESS_FINE_LOCATION", "android.permission.READ_CALENDAR", "android.permission.RECORD_AUDIO"},
		MetaData: map[string]string{"com.google.android.gms.ads.APPLICATION_ID": "ca-app-pub-123~456",
			"com.google.android.gms.version": "12451000", "literal": "hello", "number": "7", "flag": "true"},
		Classes: 3,
	}
	sdks := sdkNames(app)
	if len(app.DexErrors) != 0 {
		t.Errorf("errors: %v", app.DexErrors)
	}
	app.SDKs, app.DexErrors = nil, nil
	if got := fmt.Sprintf("%+v", *app); got != fmt.Sprintf("%+v", want) {
		t.Errorf("got  %s\nwant %+v", got, want)
	}
	if !slices.Equal(sdks, []string{"Google AdMob", "Sentry"}) {
		t.Errorf("sdks: %v", sdks)
	}
}

// TestAndroguardOracle compares package, versions, permissions (uses-permission
// and uses-permission-sdk-23 from androguard's own AXML parser) and label with
// androguard on the example APKs Debian ships with it, plus apktest output.
func TestAndroguardOracle(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import androguard.core.bytecodes.apk").Run(); err != nil {
		t.Skip("androguard (python3) not installed")
	}
	var paths []string
	filepath.WalkDir("/usr/share/doc/androguard/examples", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".apk") && !strings.Contains(p, "framework-res") {
			paths = append(paths, p)
		}
		return nil
	})
	dir := t.TempDir()
	for i, o := range oracleVariants {
		p := filepath.Join(dir, fmt.Sprintf("gen%d.apk", i))
		os.WriteFile(p, apktest.MustBuild(o), 0o600)
		paths = append(paths, p)
	}
	script := filepath.Join(dir, "ag.py")
	os.WriteFile(script, []byte(`import sys, json, logging
logging.disable(logging.CRITICAL)
from androguard.core.bytecodes.apk import APK
NS = "{http://schemas.android.com/apk/res/android}"
for p in sys.stdin.read().split("\n"):
    if not p:
        continue
    try:
        a = APK(p)
        x = a.get_android_manifest_xml()
        perms = sorted({e.get(NS + "name") for tag in ("uses-permission", "uses-permission-sdk-23") for e in x.iter(tag) if e.get(NS + "name")})
        try:
            label = a.get_app_name()
        except Exception:
            label = None
        print(json.dumps({"path": p, "package": a.get_package(), "perms": perms, "label": label,
                          "vc": a.get_androidversion_code(), "vn": a.get_androidversion_name()}))
    except Exception as e:
        print(json.dumps({"path": p, "error": str(e)}))
`), 0o600)
	cmd := exec.Command(py, script)
	cmd.Stdin = strings.NewReader(strings.Join(paths, "\n"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("androguard: %v", err)
	}
	agree, bothErr := 0, 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r struct {
			Path, Package, Vc, Vn, Error string
			Label                        *string
			Perms                        []string
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		app, err := readFile(t, r.Path, &Options{SkipDex: true})
		if r.Error != "" || err != nil {
			if r.Error != "" && err != nil {
				bothErr++
			} else {
				// androguard refuses some zips Go reads (garbage before the EOCD) and vice versa
				t.Logf("only one failed: %s: ours=%v androguard=%q", r.Path, err, r.Error)
			}
			continue
		}
		var diffs []string
		if app.Package != r.Package {
			diffs = append(diffs, fmt.Sprintf("package %q vs %q", app.Package, r.Package))
		}
		if !slices.Equal(app.Permissions, r.Perms) && !(len(app.Permissions) == 0 && len(r.Perms) == 0) {
			diffs = append(diffs, fmt.Sprintf("permissions %v vs %v", app.Permissions, r.Perms))
		}
		if r.Vc != "" && strconv.FormatInt(app.VersionCode, 10) != r.Vc {
			diffs = append(diffs, fmt.Sprintf("versionCode %d vs %q", app.VersionCode, r.Vc))
		}
		if app.VersionName != r.Vn {
			diffs = append(diffs, fmt.Sprintf("versionName %q vs %q", app.VersionName, r.Vn))
		}
		// androguard returns "@7F06..." when it cannot resolve, or "" on some signing test APKs.
		if r.Label != nil && *r.Label != "" && !strings.HasPrefix(*r.Label, "@") && app.Label != *r.Label {
			diffs = append(diffs, fmt.Sprintf("label %q vs %q", app.Label, *r.Label))
		}
		if len(diffs) > 0 {
			t.Errorf("%s: %s", r.Path, strings.Join(diffs, "; "))
		} else {
			agree++
		}
	}
	t.Logf("%d APKs agree with androguard, %d refused by both", agree, bothErr)
	if agree < len(oracleVariants) {
		t.Errorf("only %d agreed", agree)
	}
}

// TestFrameworkRes reads the large real resource table of Android's
// framework-res.apk (label resolution through a 1,000+-entry string pool).
func TestFrameworkRes(t *testing.T) {
	if _, err := os.Stat(frameworkRes); err != nil {
		t.Skip("android-framework-res not installed")
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	app, err := readFile(t, frameworkRes, nil)
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	t.Logf("framework-res.apk (31 MB resources.arsc, 4.7M entries): %v, allocated %d MiB, package %s label %q",
		time.Since(start), (after.TotalAlloc-before.TotalAlloc)>>20, app.Package, app.Label)
	if app.Package != "android" || app.Label != "Android System" {
		t.Errorf("%+v", app)
	}
}
