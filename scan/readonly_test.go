package scan_test

// Read-only proof: scanning any kind of source changes nothing on disk.
// Every test snapshots the whole folder holding the evidence (names, modes,
// sizes, mtimes, content hashes) before and after the scan, and checks that
// no SQLite side file (-wal, -shm, -journal) appeared and that the private
// temporary directory is gone afterwards.

import (
	"context"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/devicescan/devicescan/exif/exiftest"
	"github.com/devicescan/devicescan/ios/ipa/ipatest"
	"github.com/devicescan/devicescan/scan"
	"github.com/devicescan/devicescan/scan/scantest"

	_ "modernc.org/sqlite"
)

// roCase builds evidence under root and returns the PATH to scan.
type roCase struct {
	name  string
	build func(t *testing.T, root string) string
	opts  scan.Options
	// wantComplete is the expected Complete of every source.
	wantComplete bool
}

func roWrite(t *testing.T, p string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func roBackup(encrypted bool) func(t *testing.T, root string) string {
	return func(t *testing.T, root string) string {
		dir := filepath.Join(root, "00008120-000A1B2C3D4E5F60")
		if _, err := scantest.IPhoneBackup(dir, encrypted); err != nil {
			t.Fatal(err)
		}
		return dir
	}
}

// roBackupWithWAL writes a plain backup whose Manifest.db has a live -wal
// file beside it, as a backup copied while iTunes was writing would: the
// scanner must read it without checkpointing it into the original.
func roBackupWithWAL(t *testing.T, root string) string {
	dir := roBackup(false)(t, root)
	work := t.TempDir()
	src := filepath.Join(work, "Manifest.db")
	data, err := os.ReadFile(filepath.Join(dir, "Manifest.db"))
	if err != nil {
		t.Fatal(err)
	}
	roWrite(t, src, data)
	db, err := sql.Open("sqlite", "file:"+src)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, q := range []string{
		"PRAGMA journal_mode=WAL",
		"PRAGMA wal_autocheckpoint=0",
		"INSERT OR REPLACE INTO Properties(key, value) VALUES ('devicescan-wal-test', x'01')",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// Copy the database and its WAL while the connection is open, before
	// SQLite checkpoints and removes the WAL on close.
	for _, name := range []string{"Manifest.db", "Manifest.db-wal"} {
		b, err := os.ReadFile(filepath.Join(work, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "Manifest.db-wal" && len(b) == 0 {
			t.Fatal("empty WAL")
		}
		roWrite(t, filepath.Join(dir, name), b)
	}
	return dir
}

func roPassword(pw string) func(context.Context, string) ([]byte, error) {
	return func(context.Context, string) ([]byte, error) { return []byte(pw), nil }
}

var roCases = []roCase{
	{name: "android tree", wantComplete: true, build: func(t *testing.T, root string) string {
		dir := filepath.Join(root, "sdcard")
		if _, err := scantest.AndroidTree(dir); err != nil {
			t.Fatal(err)
		}
		return dir
	}},
	{name: "photo folder", wantComplete: true, build: func(t *testing.T, root string) string {
		dir := filepath.Join(root, "photos")
		for i, img := range []struct {
			name string
			gps  *[2]float64
		}{{"IMG_0001.jpg", &scantest.AtWork}, {"IMG_0002.jpg", nil}, {"wound/IMG_0003.jpg", nil}} {
			b, err := exiftest.JPEG(exiftest.Options{Make: "Apple", Model: "iPhone 14", GPS: img.gps,
				TakenAt: time.Date(2026, 10, 1, 10, i, 0, 0, time.UTC), Image: scantest.Landscape(160, 120, int64(i)), Thumbnail: true})
			if err != nil {
				t.Fatal(err)
			}
			roWrite(t, filepath.Join(dir, img.name), b)
		}
		heic, err := exiftest.HEIC(exiftest.Options{Make: "Apple", GPS: &scantest.AtWork, Image: scantest.Landscape(64, 48, 9), Thumbnail: true})
		if err != nil {
			t.Fatal(err)
		}
		roWrite(t, filepath.Join(dir, "IMG_0004.HEIC"), heic)
		roWrite(t, filepath.Join(dir, "xray.png"), scantest.PNG(scantest.Radiograph(160, 120, 3)))
		roWrite(t, filepath.Join(dir, "IM000001"), scantest.DICOM("CT", "TEST^PATIENT", "9990000026", 16, 16, true))
		// A stray SQLite database in a photo folder is only sniffed.
		roWrite(t, filepath.Join(dir, "cache.db"), []byte("SQLite format 3\x00"))
		return dir
	}},
	{name: "plain backup", wantComplete: true, build: roBackup(false)},
	{name: "plain backup with a live Manifest.db-wal", wantComplete: true, build: roBackupWithWAL},
	{name: "encrypted backup", wantComplete: true, build: roBackup(true),
		opts: scan.Options{Password: roPassword(scantest.SamplePassword)}},
	{name: "encrypted backup, wrong password", wantComplete: false, build: roBackup(true),
		opts: scan.Options{Password: roPassword("not the password")}},
	{name: "encrypted backup, no password", wantComplete: false, build: roBackup(true)},
	{name: "single apk", wantComplete: true, build: func(t *testing.T, root string) string {
		p := filepath.Join(root, "Download", "FreeCam_Pro.apk")
		roWrite(t, p, scantest.FreeCamAPK())
		return p
	}},
	{name: "single ipa", wantComplete: true, build: func(t *testing.T, root string) string {
		b, err := ipatest.Build(ipatest.Spec{AppName: "FreeCam", Info: map[string]any{
			"CFBundleIdentifier": "com.example.freecam", "CFBundleName": "FreeCam",
			"NSCameraUsageDescription": "to take photos"}, Frameworks: []string{"GoogleMobileAds"}})
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(root, "FreeCam.ipa")
		roWrite(t, p, b)
		return p
	}},
	{name: "folder of backups", wantComplete: true, build: func(t *testing.T, root string) string {
		dir := filepath.Join(root, "MobileSync", "Backup")
		roBackup(false)(t, filepath.Join(dir, "plain"))
		roBackup(true)(t, filepath.Join(dir, "encrypted"))
		return dir
	}, opts: scan.Options{Password: roPassword(scantest.SamplePassword)}},
}

// privateTemp points TMPDIR at an empty folder and returns it, so the test
// can check that a scan leaves no temporary file behind.
func privateTemp(t *testing.T) string {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	return tmp
}

func TestReadOnly(t *testing.T) {
	for _, tc := range roCases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			path := tc.build(t, root)
			before, err := scantest.Snapshot(root)
			if err != nil {
				t.Fatal(err)
			}
			tmp := privateTemp(t)
			opts := tc.opts
			opts.Inventory = true
			opts.Thumbnails = true
			opts.Policy = samplePolicy(t)
			rep, err := scan.Run(context.Background(), []string{path}, opts)
			if err != nil {
				t.Fatal(err)
			}
			after, err := scantest.Snapshot(root)
			if err != nil {
				t.Fatal(err)
			}
			if d := scantest.Diff(before, after); len(d) > 0 {
				t.Errorf("the scan changed the evidence:\n%s", strings.Join(d, "\n"))
			}
			for p := range after {
				for _, suf := range []string{"-wal", "-shm", "-journal"} {
					if strings.HasSuffix(p, suf) {
						if _, ok := before[p]; !ok {
							t.Errorf("SQLite side file %s appeared", p)
						}
					}
				}
			}
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				var names []string
				for _, e := range left {
					names = append(names, e.Name())
				}
				t.Errorf("temporary files left behind: %v", names)
			}
			if len(rep.Sources) == 0 {
				t.Fatal("no source")
			}
			files := 0
			for _, s := range rep.Sources {
				files += s.Stats.Files
				if s.Complete != tc.wantComplete {
					t.Errorf("source %s: complete=%v, want %v (problems %v)", s.Path, s.Complete, tc.wantComplete, s.Problems)
				}
			}
			if tc.wantComplete && files == 0 {
				t.Errorf("nothing was scanned: the proof would be empty")
			}
			t.Logf("%d sources, %d files, %d findings, %d skipped", len(rep.Sources), files, len(rep.Findings), len(rep.Skipped))
		})
	}
}

// atime returns the access time of p.
func atime(t *testing.T, p string) time.Time {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		t.Skip("no access time on this system")
	}
	return time.Unix(int64(s.Atim.Sec), int64(s.Atim.Nsec))
}

// atimeUpdates reports whether reading a file with an old access time
// updates it here (false on noatime mounts, where nothing can be proven).
func atimeUpdates(t *testing.T, dir string) bool {
	p := filepath.Join(dir, "probe")
	roWrite(t, p, []byte("probe"))
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := os.Chtimes(p, old, old.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	io.ReadAll(f)
	f.Close()
	defer os.Remove(p)
	return !atime(t, p).Equal(old)
}

// TestReadOnlyAccessTime: on Linux the scanner opens files with O_NOATIME
// where the kernel allows it (the owner or CAP_FOWNER), so a scan leaves
// the last-access times investigators may rely on untouched.
func TestReadOnlyAccessTime(t *testing.T) {
	probe := t.TempDir()
	if !atimeUpdates(t, probe) {
		t.Skip("this filesystem does not update access times on read (noatime)")
	}
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	setOld := func(t *testing.T, root string) map[string]time.Time {
		t.Helper()
		got := map[string]time.Time{}
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return err
			}
			if err := os.Chtimes(p, old, old.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			got[p] = old
			return nil
		})
		return got
	}
	// changedFiles lists the files whose access time is no longer old.
	changedFiles := func(t *testing.T, files map[string]time.Time) []string {
		t.Helper()
		var changed []string
		for p, want := range files {
			if got := atime(t, p); !got.Equal(want) {
				changed = append(changed, p)
			}
		}
		return changed
	}
	check := func(t *testing.T, files map[string]time.Time) {
		t.Helper()
		for i, p := range changedFiles(t, files) {
			if i == 3 {
				t.Errorf("... and more")
				break
			}
			t.Errorf("access time of %s changed", p)
		}
	}
	t.Run("photo folder", func(t *testing.T) {
		root := t.TempDir()
		b, err := exiftest.JPEG(exiftest.Options{Make: "Apple", GPS: &scantest.AtWork, Image: scantest.Landscape(160, 120, 1), Thumbnail: true})
		if err != nil {
			t.Fatal(err)
		}
		roWrite(t, filepath.Join(root, "IMG_0001.jpg"), b)
		roWrite(t, filepath.Join(root, "IM000001"), scantest.DICOM("CT", "TEST^PATIENT", "9990000026", 16, 16, true))
		roWrite(t, filepath.Join(root, "FreeCam.apk"), scantest.FreeCamAPK())
		files := setOld(t, root)
		if _, err := scan.Run(context.Background(), []string{root}, scan.Options{Policy: samplePolicy(t)}); err != nil {
			t.Fatal(err)
		}
		check(t, files)
	})
	t.Run("android tree", func(t *testing.T) {
		root := t.TempDir()
		if _, err := scantest.AndroidTree(root); err != nil {
			t.Fatal(err)
		}
		files := setOld(t, root)
		if _, err := scan.Run(context.Background(), []string{root}, scan.Options{Policy: samplePolicy(t)}); err != nil {
			t.Fatal(err)
		}
		check(t, files)
	})
	t.Run("plain backup", func(t *testing.T) {
		root := t.TempDir()
		dir := roBackup(false)(t, root)
		files := setOld(t, root)
		// Databases are copied (with O_NOATIME) into a private folder before
		// SQLite opens them, so they keep their access times too.
		if _, err := scan.Run(context.Background(), []string{dir}, scan.Options{Policy: samplePolicy(t)}); err != nil {
			t.Fatal(err)
		}
		if changed := changedFiles(t, files); len(changed) > 0 {
			t.Errorf("reading the backup changed the access time of %d of %d files (ios opens without O_NOATIME), e.g. %s",
				len(changed), len(files), filepath.Base(changed[0]))
		}
	})
}
