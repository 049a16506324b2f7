package artifacts_test

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/devicescan/devicescan/ios/artifacts"
	"github.com/devicescan/devicescan/ios/artifacts/artifactstest"
)

// pythonPlist writes a plist with Python's plistlib (an independent encoder).
func pythonPlist(t *testing.T, binary bool, expr string) []byte {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	format := "plistlib.FMT_XML"
	if binary {
		format = "plistlib.FMT_BINARY"
	}
	out, err := exec.Command(py, "-c", "import plistlib,sys,datetime; sys.stdout.buffer.write(plistlib.dumps("+expr+", fmt="+format+"))").Output()
	if err != nil {
		t.Skipf("python3 plistlib: %v", err)
	}
	return out
}

func TestOraclePythonPlists(t *testing.T) {
	for _, binary := range []bool{true, false} {
		meta := pythonPlist(t, binary, `{"softwareVersionBundleId": "com.example.freecam", "itemName": "FreeCam Pro", "artistName": "Example Ltd", "genre": "Photo & Video", "bundleShortVersionString": "2.1", "price": 0, "priceDisplay": "Free", "hasOrEverHasHadIAP": True}`)
		m, err := artifacts.ParseITunesMetadata(meta)
		if err != nil {
			t.Fatal(err)
		}
		if m.BundleID != "com.example.freecam" || m.Name != "FreeCam Pro" || m.Free == nil || !*m.Free || m.HasInAppPurchases == nil || !*m.HasInAppPurchases {
			t.Errorf("binary=%v: %+v", binary, m)
		}
		loc := pythonPlist(t, binary, `{"icom.example.maps:": {"BundleId": "com.example.maps", "Authorization": 3}, "icom.example.cam:": {"BundleId": "com.example.cam", "Authorization": 2}}`)
		gs, err := artifacts.ParseLocationClients(loc)
		if err != nil || len(gs) != 2 || gs[0].Allowed || !gs[1].Allowed || gs[1].Detail != "always" {
			t.Errorf("binary=%v: %+v %v", binary, gs, err)
		}
		bk := pythonPlist(t, binary, `{"CloudBackupEnabled": True, "LastCloudBackupDate": datetime.datetime(2026, 10, 1, 2, 3, 4)}`)
		on, ev, err := artifacts.ParseCloudBackup(bk)
		if err != nil || on == nil || !*on {
			t.Errorf("binary=%v: %v %q %v", binary, on, ev, err)
		}
	}
}

// TestOracleSQLite3 checks the builders' databases with the sqlite3 CLI.
func TestOracleSQLite3(t *testing.T) {
	cli, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Skip("sqlite3 not installed")
	}
	data, err := artifactstest.PhotosDB(16, []artifacts.PhotoAsset{{Path: "Media/DCIM/100APPLE/IMG_1.JPG"}})
	if err != nil {
		t.Fatal(err)
	}
	p := t.TempDir() + "/Photos.sqlite"
	if err := writeFile(p, data); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(cli, p, "PRAGMA integrity_check; SELECT ZDIRECTORY || '/' || ZFILENAME FROM ZASSET;").Output()
	if err != nil || string(out) != "ok\nDCIM/100APPLE/IMG_1.JPG\n" {
		t.Errorf("sqlite3: %q %v", out, err)
	}
}

func BenchmarkReadPhotos(b *testing.B) {
	const n = 20000
	assets := make([]artifacts.PhotoAsset, n)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range assets {
		lat, lon := 51.5, -0.17
		assets[i] = artifacts.PhotoAsset{Path: "Media/DCIM/100APPLE/IMG_0001.HEIC", UUID: "U", CloudAssetGUID: "G",
			Importer: "com.apple.camera", Created: t0, Added: t0, Lat: &lat, Lon: &lon}
	}
	data, err := artifactstest.PhotosDB(16, assets)
	if err != nil {
		b.Fatal(err)
	}
	db, cleanup, err := artifactstest.Open(data)
	if err != nil {
		b.Fatal(err)
	}
	defer cleanup()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		count := 0
		if err := artifacts.ReadPhotos(context.Background(), db, func(artifacts.PhotoAsset) error { count++; return nil }); err != nil || count != n {
			b.Fatal(count, err)
		}
	}
	b.ReportMetric(float64(n), "assets/op")
}
