package artifacts_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

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
// (seeded with the builders' databases).
func FuzzReadDatabases(f *testing.F) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	seeds := []func() ([]byte, error){
		func() ([]byte, error) {
			return artifactstest.PhotosDB(16, []artifacts.PhotoAsset{{Path: "Media/DCIM/100APPLE/IMG_1.JPG", Created: now, CloudAssetGUID: "g"}})
		},
		func() ([]byte, error) {
			return artifactstest.SMSDB([]artifacts.Attachment{{Path: "Library/SMS/Attachments/a.jpg", Domain: artifacts.DomainMedia, Handle: "+44", Date: now}})
		},
		func() ([]byte, error) {
			return artifactstest.ChatStorageDB([]artifacts.WhatsAppMedia{{Path: "Message/Media/a.jpg", Date: now}})
		},
		func() ([]byte, error) {
			return artifactstest.TCCDB(false, []artifacts.Grant{{Service: "kTCCServiceCamera", Client: "a", Allowed: true}})
		},
	}
	for _, s := range seeds {
		b, err := s()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			return
		}
		p := filepath.Join(dir, "fuzz.db")
		os.Remove(p)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		db, err := sql.Open("sqlite", "file:"+p+"?mode=ro")
		if err != nil {
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		artifacts.ReadPhotos(ctx, db, func(artifacts.PhotoAsset) error { return nil })
		artifacts.CloudPhotosEnabled(ctx, db)
		artifacts.ReadSMSAttachments(ctx, db, func(artifacts.Attachment) error { return nil })
		artifacts.ReadWhatsAppMedia(ctx, db, func(artifacts.WhatsAppMedia) error { return nil })
		artifacts.ReadTCC(ctx, db, func(artifacts.Grant) error { return nil })
	})
}
