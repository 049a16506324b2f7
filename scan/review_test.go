package scan_test

// Review findings that reproduce through scan.Run. They document known bugs
// and are skipped unless DEVICESCAN_REVIEW=1, so that main stays green:
//
//	DEVICESCAN_REVIEW=1 go test -run Review ./scan

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/devicescan/devicescan/scan"
)

func reviewOnly(t *testing.T, bug string) {
	t.Helper()
	// Found in review and fixed: these run as regression tests. bug names
	// what went wrong before.
	_ = bug
}

var reviewSample = filepath.Join("..", "testdata", "sample")

func reviewFinding(t *testing.T, rep *scan.Report, cat scan.Category, path string) *scan.Finding {
	t.Helper()
	for i := range rep.Findings {
		if f := &rep.Findings[i]; f.Category == cat && f.Path == path {
			return f
		}
	}
	t.Fatalf("no %s finding for %s", cat, path)
	return nil
}

// README "Severity": one medium reason = medium; shift-hours is a weak
// extra signal. clinicalSeverity (analyze.go) makes one medium + any weak
// reason high, so every photo taken at work during shift hours is high.
func TestReviewShiftHoursRaisesToHigh(t *testing.T) {
	reviewOnly(t, "workplace-location + shift-hours is high, README says one medium reason = medium")
	p, err := scan.ParsePolicy([]byte(`
workplaces:
  - {name: St Elsewhere General, lat: 51.5175, lon: -0.1735, radius_m: 400}
shift_hours: {start: "08:00", end: "18:30", days: [mon, tue, wed, thu, fri]}
`))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := scan.Run(context.Background(), []string{filepath.Join(reviewSample, "android")},
		scan.Options{Policy: p, NoPixels: true})
	if err != nil {
		t.Fatal(err)
	}
	f := reviewFinding(t, rep, scan.CategoryClinicalPhoto, "DCIM/Camera/IMG_20261014_103211.jpg")
	if f.Severity != scan.SeverityMedium {
		t.Errorf("workplace photo in shift hours: severity %s, want medium (reasons %+v)", f.Severity, f.Reasons)
	}
}

// README "Severity": risky apps are low, raised one step each for a granted
// permission, a free/ad-funded app, and camera/contacts/SMS/microphone.
// apps.go maps score 1 -> low, 2 -> medium, 3 -> high (one step short).
func TestReviewRiskyAppSeverityREADME(t *testing.T) {
	reviewOnly(t, "risky-app severity is one step below the README's rule")
	rep, err := scan.Run(context.Background(), []string{filepath.Join(reviewSample, "android")}, scan.Options{NoPixels: true})
	if err != nil {
		t.Fatal(err)
	}
	// free (AD_ID, AdMob) + camera/contacts = two raises from low.
	f := reviewFinding(t, rep, scan.CategoryRiskyApp, "Download/FreeCam_Pro.apk")
	// README: two of (granted, free/ad-funded, camera/contacts/SMS/microphone) = medium.
	if f.Severity != scan.SeverityMedium {
		t.Errorf("free app asking for camera/contacts: severity %s, want medium per README", f.Severity)
	}
}

// README: "It never changes a byte, a timestamp or a directory of what it
// scans"; issue 3: "timestamp-for-timestamp unchanged". The ios package
// opens backup files (and every folder walk opens directories) without
// O_NOATIME, so access times move (once a day under relatime, every time
// under strictatime). dirSource files are fine (openReadOnly uses O_NOATIME).
func TestReviewBackupAccessTimes(t *testing.T) {
	reviewOnly(t, "scanning an iPhone backup updates access times of its files and folders")
	dir := filepath.Join(t.TempDir(), "iphone")
	if err := exec.Command("cp", "-a", filepath.Join(reviewSample, "iphone"), dir).Run(); err != nil {
		t.Skip("cp -a:", err)
	}
	old := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	atimes := map[string]int64{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil {
			os.Chtimes(p, old, time.Time{}) // zero mtime: left unchanged
		}
		return nil
	})
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if fi, err := os.Lstat(p); err == nil {
			atimes[p] = fi.Sys().(*syscall.Stat_t).Atim.Sec
		}
		return nil
	})
	if _, err := scan.Run(context.Background(), []string{dir}, scan.Options{}); err != nil {
		t.Fatal(err)
	}
	changed := 0
	for p, a := range atimes {
		fi, err := os.Lstat(p)
		if err != nil {
			continue
		}
		if fi.Sys().(*syscall.Stat_t).Atim.Sec != a {
			changed++
			if changed <= 5 {
				t.Errorf("access time changed: %s", p[len(dir):])
			}
		}
	}
	if changed > 5 {
		t.Errorf("... %d entries in all", changed)
	}
}

// The same app met in several files (two APK copies, a dumpsys text) is
// merged by mergeApps in the order the workers finish, so the finding's
// path (and name/version when they differ) changes from run to run.
func TestReviewRiskyAppPathNondeterministic(t *testing.T) {
	reviewOnly(t, "risky-app finding path depends on worker timing when an app appears in several files")
	apk, err := os.ReadFile(filepath.Join(reviewSample, "android", "Download", "FreeCam_Pro.apk"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, p := range []string{"Download/a.apk", "apps/z.apk", "Download/m.apk"} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, p), apk, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]int{}
	for i := 0; i < 30; i++ {
		rep, err := scan.Run(context.Background(), []string{dir}, scan.Options{Workers: 4, NoPixels: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range rep.Findings {
			if f.Category == scan.CategoryRiskyApp {
				seen[f.Path]++
			}
		}
	}
	if len(seen) > 1 {
		t.Errorf("the same scan gave different risky-app paths: %v", seen)
	}
}

// A backup folder whose Manifest.db is missing (an interrupted copy) is not
// recognised as a backup: ios.IsBackup wants Manifest.plist AND Manifest.db,
// so Detect falls back to a plain directory of ciphertext, reports CLEAR and
// exits 0. The contract wants an incomplete ios-backup source and exit 2.
func TestReviewBackupWithoutManifestDB(t *testing.T) {
	reviewOnly(t, "an encrypted backup without Manifest.db is scanned as a folder and reported CLEAR")
	dir := filepath.Join(t.TempDir(), "backup")
	if err := exec.Command("cp", "-a", filepath.Join(reviewSample, "iphone-encrypted"), dir).Run(); err != nil {
		t.Skip("cp -a:", err)
	}
	if err := os.Remove(filepath.Join(dir, "Manifest.db")); err != nil {
		t.Fatal(err)
	}
	rep, err := scan.Run(context.Background(), []string{dir}, scan.Options{
		Password: func(context.Context, string) ([]byte, error) { return []byte("devicescan-sample"), nil }})
	if err != nil {
		t.Fatal(err)
	}
	s := rep.Sources[0]
	if s.Kind != scan.KindIOSBackup || s.Complete || rep.ExitCode() != 2 {
		t.Errorf("kind %s, complete %v, verdict %s, exit %d; want ios-backup, incomplete, exit 2",
			s.Kind, s.Complete, rep.Summary.Verdict, rep.ExitCode())
	}
}

// A folder of backups drops everything else in it: a photo (valid NHS
// number in its EXIF comment) beside the backups is never read nor listed.
func TestReviewFolderOfBackupsDropsSiblings(t *testing.T) {
	reviewOnly(t, "files beside the backups in a folder of backups are silently ignored")
	dir := t.TempDir()
	if err := exec.Command("cp", "-a", filepath.Join(reviewSample, "iphone"), filepath.Join(dir, "00008120-AAAA")).Run(); err != nil {
		t.Skip("cp -a:", err)
	}
	jpg, err := os.ReadFile(filepath.Join(reviewSample, "android", "DCIM", "Camera", "IMG_20261016_120000.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "IMG_0001.jpg"), jpg, 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := scan.Run(context.Background(), []string{dir}, scan.Options{NoPixels: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.Path == "IMG_0001.jpg" {
			return
		}
	}
	for _, s := range rep.Skipped {
		if s.Path == "IMG_0001.jpg" {
			return
		}
	}
	t.Errorf("IMG_0001.jpg beside the backup is neither reported nor listed as skipped")
}
