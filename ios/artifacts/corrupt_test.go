package artifacts_test

import (
	"context"
	"database/sql"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/devicescan/devicescan/ios/artifacts"
	"github.com/devicescan/devicescan/ios/artifacts/artifactstest"
)

// seedDatabases returns one database of each kind from the builders.
func seedDatabases(t testing.TB) [][]byte {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	lat, lon := 51.5, -0.1
	var out [][]byte
	for _, build := range []func() ([]byte, error){
		func() ([]byte, error) {
			return artifactstest.PhotosDB(16, []artifacts.PhotoAsset{{Path: "Media/DCIM/100APPLE/IMG_1.JPG", Created: now, CloudAssetGUID: "g", Lat: &lat, Lon: &lon}})
		},
		func() ([]byte, error) {
			return artifactstest.PhotosDB(13, []artifacts.PhotoAsset{{Path: "Media/DCIM/100APPLE/IMG_1.JPG", Created: now, Importer: "x"}})
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
		func() ([]byte, error) {
			return artifactstest.AccountsDB([]artifacts.Account{{Type: artifacts.AccountTypeApple, EnabledDataClasses: []string{artifacts.DataclassBackup}}})
		},
	} {
		b, err := build()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// runAllReaders opens data read-only and runs every reader; errors are
// expected, panics and hangs are not.
func runAllReaders(t testing.TB, dir string, data []byte) {
	p := filepath.Join(dir, "corrupt.db")
	os.Remove(p)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+p+"?mode=ro")
	if err != nil {
		return
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	artifacts.ReadPhotos(ctx, db, func(artifacts.PhotoAsset) error { return nil })
	artifacts.CloudPhotosEnabled(ctx, db)
	artifacts.ReadSMSAttachments(ctx, db, func(artifacts.Attachment) error { return nil })
	artifacts.ReadWhatsAppMedia(ctx, db, func(artifacts.WhatsAppMedia) error { return nil })
	artifacts.ReadTCC(ctx, db, func(artifacts.Grant) error { return nil })
	artifacts.ReadAccounts(ctx, db, func(artifacts.Account) error { return nil })
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("readers took %v on a corrupt database", d)
	}
}

// TestCorruptDatabases mutates the builders' databases (byte flips, page
// garbage, truncation) and runs every reader on them. Coverage-guided
// fuzzing of the SQLite driver is too slow to be useful (the instrumented
// driver ran 8 executions a minute), so this is a plain randomized test;
// DEVICESCAN_CORRUPT_ITERS raises the count (default 40 per seed).
func TestCorruptDatabases(t *testing.T) {
	iters := 40
	if s := os.Getenv("DEVICESCAN_CORRUPT_ITERS"); s != "" {
		if n, err := strconv.Atoi(s); err == nil {
			iters = n
		}
	}
	if testing.Short() {
		iters = 5
	}
	rng := rand.New(rand.NewSource(1))
	dir := t.TempDir()
	total := 0
	for _, seed := range seedDatabases(t) {
		for i := 0; i < iters; i++ {
			b := append([]byte(nil), seed...)
			switch rng.Intn(4) {
			case 0: // flip a few bytes anywhere, header included
				for k := 0; k < 1+rng.Intn(8); k++ {
					b[rng.Intn(len(b))] ^= byte(1 + rng.Intn(255))
				}
			case 1: // overwrite a run inside one page
				off := rng.Intn(len(b))
				for k := off; k < len(b) && k < off+1+rng.Intn(64); k++ {
					b[k] = byte(rng.Intn(256))
				}
			case 2: // truncate
				b = b[:rng.Intn(len(b))]
			case 3: // corrupt only past the 100-byte header (b-tree pages)
				for k := 0; k < 1+rng.Intn(32); k++ {
					b[100+rng.Intn(len(b)-100)] = byte(rng.Intn(256))
				}
			}
			runAllReaders(t, dir, b)
			total++
		}
	}
	t.Logf("%d corrupted databases read without panic", total)
}
