package artifacts_test

import (
	"testing"

	"github.com/devicescan/devicescan/ios/artifacts"
	"github.com/devicescan/devicescan/ios/artifacts/artifactstest"
)

func FuzzParseITunesMetadata(f *testing.F) {
	p := 0.99
	iap := false
	if b, err := artifactstest.ITunesMetadata(artifacts.AppMetadata{BundleID: "a.b", Name: "N", Price: &p, PriceDisplay: "$0.99", HasInAppPurchases: &iap}); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`<?xml version="1.0"?><plist><dict><key>priceDisplay</key><string>1,99 €</string><key>hasOrEverHasHadIAP</key><integer>1</integer></dict></plist>`))
	f.Add([]byte("bplist00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := artifacts.ParseITunesMetadata(data)
		if err == nil && m == nil {
			t.Fatal("nil metadata without error")
		}
	})
}

func FuzzParseLocationClients(f *testing.F) {
	if b, err := artifactstest.LocationClients([]artifacts.Grant{{Client: "a.b", Allowed: true}, {Client: "c.d"}}); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`<?xml version="1.0"?><plist><dict><key>icom.x:</key><dict><key>Authorized</key><true/></dict></dict></plist>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		gs, err := artifacts.ParseLocationClients(data)
		for _, g := range gs {
			if g.Permission != "location" {
				t.Fatalf("permission %q", g.Permission)
			}
		}
		_ = err
	})
}

func FuzzParseCloudBackup(f *testing.F) {
	if b, err := artifactstest.CloudBackupPlist(true); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`<plist><dict><key>CloudBackupEnabled</key><string>YES</string></dict></plist>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		artifacts.ParseCloudBackup(data)
	})
}

// FuzzReadDatabases runs every database reader over arbitrary file bytes
// seeded with the builders' databases. Coverage-guided runs are very slow
// (the instrumented SQLite driver is huge); TestCorruptDatabases does the
// bulk of the hostile-database testing.
func FuzzReadDatabases(f *testing.F) {
	for _, b := range seedDatabases(f) {
		f.Add(b)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			return
		}
		runAllReaders(t, dir, data)
	})
}
