package scan

// Hostile inputs: trees and backups built to break a scanner. Each test
// checks that the scan completes, still reports the files that can be read,
// lists the others under Skipped with a reason, and ends with the exit
// status the contract gives.

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/devicescan/devicescan/exif/exiftest"
	"github.com/devicescan/devicescan/ios/backuptest"
	"github.com/devicescan/devicescan/scan/scantest"
)

// hostileTimeout bounds every hostile scan: a hang is a failure, not a
// stuck test run.
const hostileTimeout = 60 * time.Second

// hostileJPEG is an ordinary photo with EXIF and a thumbnail.
func hostileJPEG(t testing.TB, seed int64) []byte {
	t.Helper()
	b, err := exiftest.JPEG(exiftest.Options{Make: "Google", Model: "Pixel 8",
		TakenAt: time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC), Image: scantest.Landscape(160, 120, seed), Thumbnail: true})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func hostileDICOM() []byte { return scantest.DICOM("CR", "TEST^PATIENT", "9990000026", 16, 16, true) }

func writeFile(t testing.TB, p string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// runPaths scans paths with a time limit and the checks every hostile
// scan must pass.
func runPaths(t *testing.T, opts Options, paths ...string) *Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hostileTimeout)
	defer cancel()
	if opts.FailOn == "" {
		opts.FailOn = SeverityNone
	}
	rep, err := Run(ctx, paths, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	checkSane(t, rep)
	return rep
}

// runSources scans hand-made sources the way Run scans detected ones.
func runSources(t *testing.T, opts Options, srcs ...Source) *Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hostileTimeout)
	defer cancel()
	if opts.FailOn == "" {
		opts.FailOn = SeverityNone
	}
	e := newEngine(opts)
	rep := &Report{SchemaVersion: SchemaVersion, Sources: []SourceReport{}, Findings: []Finding{}, Skipped: []Skipped{}}
	for _, s := range srcs {
		e.scanSource(ctx, s, rep)
		s.Close()
	}
	if err := ctx.Err(); err != nil {
		t.Fatalf("scan did not finish: %v", err)
	}
	finish(rep, e.failOn)
	checkSane(t, rep)
	return rep
}

// checkSane: no analyser panicked, every report format can be written and
// the JSON is valid UTF-8 JSON.
func checkSane(t *testing.T, rep *Report) {
	t.Helper()
	for _, s := range rep.Skipped {
		if strings.Contains(s.Error, "internal error") {
			t.Errorf("a parser panicked on %q: %s", s.Path, s.Error)
		}
		if s.Error == "" {
			t.Errorf("skipped %q without a reason", s.Path)
		}
	}
	for _, f := range Formats {
		var b bytes.Buffer
		if err := WriteReport(&b, rep, f, WriteOptions{}); err != nil {
			t.Errorf("WriteReport(%s): %v", f, err)
		}
		if f == FormatJSON && (!json.Valid(b.Bytes()) || !utf8.Valid(b.Bytes())) {
			t.Errorf("JSON report is not valid UTF-8 JSON")
		}
	}
}

func findSkipped(rep *Report, path string) *Skipped {
	for i := range rep.Skipped {
		if rep.Skipped[i].Path == path {
			return &rep.Skipped[i]
		}
	}
	return nil
}

func hasFinding(rep *Report, cat Category, path string) bool {
	for _, f := range rep.Findings {
		if f.Category == cat && f.Path == path {
			return true
		}
	}
	return false
}

// listSource is a Source over a fixed list of files.
type listSource struct {
	path  string
	files []*File
}

func (s *listSource) Kind() string                         { return KindDirectory }
func (s *listSource) Path() string                         { return s.path }
func (s *listSource) Close() error                         { return nil }
func (s *listSource) Facts(context.Context) SourceFacts    { return SourceFacts{} }
func (s *listSource) Count(context.Context) (int64, error) { return int64(len(s.files)), nil }
func (s *listSource) Walk(ctx context.Context, fn func(*File) error, skip func(Skipped)) error {
	for _, f := range s.files {
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

// diskFile lists a file on disk; hook runs in the opener before the open.
func diskFile(t *testing.T, abs string, hook func()) *File {
	t.Helper()
	st, err := os.Stat(abs)
	if err != nil {
		t.Fatal(err)
	}
	return NewFile(filepath.Base(abs), st.Size(), st.ModTime(), func() (Content, error) {
		if hook != nil {
			hook()
		}
		return openOSFile(abs)
	})
}

func TestHostileSymlinks(t *testing.T) {
	outside := t.TempDir()
	writeFile(t, filepath.Join(outside, "scan_report.dcm"), hostileDICOM())
	writeFile(t, filepath.Join(outside, "Wound clinic", "IMG_0001.jpg"), hostileJPEG(t, 1))

	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "DCIM", "IMG_0002.jpg"), hostileJPEG(t, 2))
	links := map[string]string{
		"loop":                  ".",
		"DCIM/up":               "..",
		"DCIM/self":             "self",
		"outside":               outside,
		"out.dcm":               filepath.Join(outside, "scan_report.dcm"),
		"DCIM/IMG_0003.jpg":     "../../" + filepath.Base(outside) + "/Wound clinic/IMG_0001.jpg",
		"dangling.jpg":          filepath.Join(dir, "nowhere.jpg"),
		"Pictures/Wound clinic": filepath.Join(outside, "Wound clinic"),
	}
	for name, target := range links {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	rep := runPaths(t, Options{Inventory: true, Policy: DefaultPolicy()}, dir)
	t.Logf("scanned in %v", time.Since(start))
	if len(rep.Sources) != 1 || !rep.Sources[0].Complete {
		t.Fatalf("sources = %+v, want one complete source", rep.Sources)
	}
	if got := rep.Sources[0].Stats.Files; got != 1 {
		t.Errorf("files scanned = %d, want 1 (symlinks are never followed)", got)
	}
	for _, inv := range rep.Inventory {
		if inv.Path != "DCIM/IMG_0002.jpg" {
			t.Errorf("inventory lists %q: a symlink was followed", inv.Path)
		}
	}
	for _, f := range rep.Findings {
		if f.Category == CategoryClinicalPhoto {
			t.Errorf("finding for %q: the file outside the tree was read", f.Path)
		}
	}
	if code := rep.ExitCode(); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
}

// A symlink given as PATH is the user's choice: it is resolved once.
func TestHostileSymlinkAsPath(t *testing.T) {
	real := t.TempDir()
	writeFile(t, filepath.Join(real, "scan.dcm"), hostileDICOM())
	link := filepath.Join(t.TempDir(), "phone")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	rep := runPaths(t, Options{FailOn: SeverityHigh}, link)
	if !hasFinding(rep, CategoryClinicalPhoto, "scan.dcm") {
		t.Errorf("no finding for scan.dcm through a symlinked PATH: %+v", rep.Findings)
	}
	if rep.Sources[0].Path != link {
		t.Errorf("source path %q, want %q as typed", rep.Sources[0].Path, link)
	}
	if code := rep.ExitCode(); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
}

// shrinkingContent reports the size the file had when it was opened while
// the file has since been truncated underneath it.
type shrinkingContent struct {
	Content
	size int64
}

func (c *shrinkingContent) Size() int64 { return c.size }

func TestHostileVanishingAndShrinkingFiles(t *testing.T) {
	dir := t.TempDir()
	photo := hostileJPEG(t, 3)
	paths := map[string]string{}
	for _, name := range []string{"vanished.jpg", "shrunk-before-open.jpg", "shrunk-after-open.jpg", "emptied.dcm", "scan.dcm", "replaced-by-dir.jpg"} {
		p := filepath.Join(dir, name)
		data := photo
		if strings.HasSuffix(name, ".dcm") {
			data = hostileDICOM()
		}
		writeFile(t, p, data)
		paths[name] = p
	}
	var files []*File
	files = append(files, diskFile(t, paths["vanished.jpg"], func() { os.Remove(paths["vanished.jpg"]) }))
	files = append(files, diskFile(t, paths["shrunk-before-open.jpg"], func() { os.Truncate(paths["shrunk-before-open.jpg"], 40) }))
	files = append(files, diskFile(t, paths["emptied.dcm"], func() { os.Truncate(paths["emptied.dcm"], 0) }))
	files = append(files, diskFile(t, paths["replaced-by-dir.jpg"], func() {
		os.Remove(paths["replaced-by-dir.jpg"])
		os.Mkdir(paths["replaced-by-dir.jpg"], 0o755)
	}))
	after := paths["shrunk-after-open.jpg"]
	st, _ := os.Stat(after)
	files = append(files, NewFile("shrunk-after-open.jpg", st.Size(), st.ModTime(), func() (Content, error) {
		c, err := openOSFile(after)
		if err != nil {
			return nil, err
		}
		size := c.Size()
		if err := os.Truncate(after, 600); err != nil {
			return nil, err
		}
		return &shrinkingContent{Content: c, size: size}, nil
	}))
	files = append(files, diskFile(t, paths["scan.dcm"], nil))

	rep := runSources(t, Options{FailOn: SeverityHigh}, &listSource{path: dir, files: files})
	if got := rep.Sources[0].Stats.Files; got != len(files) {
		t.Errorf("files = %d, want %d", got, len(files))
	}
	for _, name := range []string{"vanished.jpg", "replaced-by-dir.jpg"} {
		sk := findSkipped(rep, name)
		if sk == nil {
			t.Errorf("%s: not listed as skipped; skipped = %+v", name, rep.Skipped)
			continue
		}
		if !strings.Contains(sk.Error, "open") && !strings.Contains(sk.Error, "regular") {
			t.Errorf("%s: reason %q does not say the file could not be opened", name, sk.Error)
		}
		if strings.Contains(sk.Error, dir) {
			t.Errorf("%s: reason %q leaks the absolute path", name, sk.Error)
		}
	}
	if !hasFinding(rep, CategoryClinicalPhoto, "scan.dcm") {
		t.Errorf("the intact DICOM file was not reported")
	}
	if !rep.Sources[0].Complete {
		t.Errorf("source incomplete: %v (single unreadable files must not change the status)", rep.Sources[0].Problems)
	}
	if code := rep.ExitCode(); code != 1 {
		t.Errorf("exit code %d, want 1 (a high finding with --fail-on high)", code)
	}
}

func TestHostileUnreadable(t *testing.T) {
	t.Run("chmod 000", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root reads files whatever their mode; the opener subtest covers EACCES")
		}
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "locked.jpg"), hostileJPEG(t, 4))
		writeFile(t, filepath.Join(dir, "ok.dcm"), hostileDICOM())
		if err := os.Chmod(filepath.Join(dir, "locked.jpg"), 0); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(filepath.Join(dir, "lockeddir"), 0); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(filepath.Join(dir, "lockeddir"), 0o755) })
		rep := runPaths(t, Options{}, dir)
		sk := findSkipped(rep, "locked.jpg")
		if sk == nil || !strings.Contains(sk.Error, "permission denied") {
			t.Errorf("locked.jpg: skipped = %+v, want a permission denied reason", rep.Skipped)
		}
		if findSkipped(rep, "lockeddir/") == nil {
			t.Errorf("lockeddir/: not listed as skipped: %+v", rep.Skipped)
		}
		if !hasFinding(rep, CategoryClinicalPhoto, "ok.dcm") {
			t.Errorf("ok.dcm not reported")
		}
		if code := rep.ExitCode(); code != 0 {
			t.Errorf("exit code %d, want 0", code)
		}
	})
	t.Run("opener returns EACCES", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "ok.dcm"), hostileDICOM())
		locked := NewFile("DCIM/locked.jpg", 1234, time.Now(), func() (Content, error) {
			return nil, &fs.PathError{Op: "open", Path: "/secret/abs/DCIM/locked.jpg", Err: syscall.EACCES}
		})
		rep := runSources(t, Options{}, &listSource{path: dir, files: []*File{locked, diskFile(t, filepath.Join(dir, "ok.dcm"), nil)}})
		sk := findSkipped(rep, "DCIM/locked.jpg")
		switch {
		case sk == nil:
			t.Errorf("not skipped: %+v", rep.Skipped)
		case !strings.Contains(sk.Error, "permission denied"):
			t.Errorf("reason %q lacks permission denied", sk.Error)
		case strings.Contains(sk.Error, "/secret/abs"):
			t.Errorf("reason %q leaks the absolute path", sk.Error)
		}
		if !hasFinding(rep, CategoryClinicalPhoto, "ok.dcm") || !rep.Sources[0].Complete {
			t.Errorf("ok.dcm not reported or source incomplete: %+v", rep.Sources[0])
		}
		if code := rep.ExitCode(); code != 0 {
			t.Errorf("exit code %d, want 0", code)
		}
	})
}

func TestHostileNames(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("a", 251) + ".dcm" // 255 bytes, the usual NAME_MAX
	longDir := strings.Repeat("d", 255)
	names := []string{
		"bad-\xff\xfe-utf8.dcm",
		"latin1-\xe9chographie.jpg",
		long,
		longDir + "/" + long,
		"line\nbreak\t.dcm",
		"quote\"<html>&'.dcm",
		"-rf.dcm",
		" leading space.dcm",
		"\u202eevil\u202c.dcm", // right-to-left override
	}
	for _, n := range names {
		data := hostileDICOM()
		if strings.HasSuffix(n, ".jpg") {
			data = hostileJPEG(t, 5)
		}
		writeFile(t, filepath.Join(dir, filepath.FromSlash(n)), data)
	}
	rep := runPaths(t, Options{Inventory: true, FailOn: SeverityHigh}, dir)
	if got := rep.Sources[0].Stats.Files; got != len(names) {
		t.Errorf("files = %d, want %d", got, len(names))
	}
	if len(rep.Skipped) != 0 {
		t.Errorf("skipped: %+v", rep.Skipped)
	}
	for _, n := range names {
		if strings.HasSuffix(n, ".dcm") && !hasFinding(rep, CategoryClinicalPhoto, n) {
			t.Errorf("no DICOM finding for %q", n)
		}
	}
	if code := rep.ExitCode(); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
}

func TestHostileEmptyFiles(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"IMG_0001.jpg", "IMG_0002.heic", "scan.dcm", "app.apk", "bundle.apks", "game.xapk",
		"Manifest.db", "photo.png", "WhatsApp/Media/WhatsApp Images/IMG-20261018-WA0001.jpg", "DCIM/.nomedia"} {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(n)), nil)
	}
	rep := runPaths(t, Options{Inventory: true}, dir)
	if got := rep.Sources[0].Stats.Files; got != 10 {
		t.Errorf("files = %d, want 10", got)
	}
	for _, f := range rep.Findings {
		if f.Category == CategoryClinicalPhoto {
			t.Errorf("empty file %q raised a clinical finding", f.Path)
		}
	}
	if !rep.Sources[0].Complete {
		t.Errorf("incomplete: %v", rep.Sources[0].Problems)
	}
	// An empty single file given as PATH.
	empty := filepath.Join(t.TempDir(), "empty.apk")
	writeFile(t, empty, nil)
	rep = runPaths(t, Options{}, empty)
	if len(rep.Sources) != 1 {
		t.Fatalf("sources = %+v", rep.Sources)
	}
	t.Logf("empty .apk as PATH: complete=%v skipped=%+v exit=%d", rep.Sources[0].Complete, rep.Skipped, rep.ExitCode())
}

// sparse makes a file of size bytes holding head at offset 0 and holes
// after it, so that it takes no disk space.
func sparse(t *testing.T, p string, head []byte, size int64) {
	t.Helper()
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(head); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		t.Skipf("filesystem refuses a %d-byte sparse file: %v", size, err)
	}
}

func TestHostileHugeSparseFiles(t *testing.T) {
	const size = 10 << 30
	jpg := hostileJPEG(t, 6)
	// The Exif APP1 segment alone, without frame or scan: a decoder that
	// skips garbage while looking for the next marker walks 10 GB of zeros.
	app1Len := int(jpg[4])<<8 | int(jpg[5])
	headerOnly := append([]byte(nil), jpg[:4+app1Len]...)
	// A whole small JPEG whose EOI is missing: a decoder keeps reading scan data.
	noEOI := bytes.TrimSuffix(jpg, []byte{0xFF, 0xD9})
	pngHead := scantest.PNG(scantest.Landscape(32, 24, 1))
	pngHead = pngHead[:33] // signature and IHDR only
	tests := []struct {
		name string
		head []byte
	}{
		{"zeros.jpg", nil},
		{"exif-then-zeros.jpg", headerOnly},
		{"whole-jpeg-then-zeros.jpg", jpg},
		{"no-eoi-then-zeros.jpg", noEOI},
		{"ihdr-then-zeros.png", pngHead},
		{"preamble-then-zeros.dcm", hostileDICOM()[:300]},
		{"zip-header.apk", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00")},
		{"ftyp-then-zeros.heic", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, tc.name)
			sparse(t, p, tc.head, size)
			var before syscall.Rusage
			syscall.Getrusage(syscall.RUSAGE_SELF, &before)
			start := time.Now()
			rep := runPaths(t, Options{Inventory: true, FileTimeout: 30 * time.Second}, dir)
			took := time.Since(start)
			var after syscall.Rusage
			syscall.Getrusage(syscall.RUSAGE_SELF, &after)
			t.Logf("%s: %v, skipped %+v", tc.name, took, rep.Skipped)
			if took > 5*time.Second {
				t.Errorf("a 10 GB sparse file took %v: more than its header was read", took)
			}
			if rep.Sources[0].Stats.Files != 1 {
				t.Errorf("files = %d, want 1", rep.Sources[0].Stats.Files)
			}
			if sk := findSkipped(rep, tc.name); sk != nil && strings.Contains(sk.Error, "took longer") {
				t.Errorf("timed out: %s", sk.Error)
			}
			if len(rep.Inventory) == 1 && rep.Inventory[0].Size != size {
				t.Errorf("inventory size %d, want %d", rep.Inventory[0].Size, size)
			}
			// Peak RSS is process-wide and only grows; a 10 GB read into
			// memory would show here.
			if grew := (after.Maxrss - before.Maxrss) * 1024; grew > 512<<20 {
				t.Errorf("peak memory grew by %d MB", grew>>20)
			}
		})
	}
}

func TestHostileHugeFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000 files take more than 10s to create on a busy disk")
	}
	const n = 100_000
	dir := t.TempDir()
	big := filepath.Join(dir, "DCIM", "Camera")
	if err := os.MkdirAll(big, 0o755); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	// Hard links to a few empty files: one system call per entry, and
	// below the usual limit of links per inode.
	var origin string
	for i := 0; i < n; i++ {
		p := filepath.Join(big, fmt.Sprintf("IMG_%06d.jpg", i))
		if i%50_000 == 0 {
			origin = p
			writeFile(t, p, nil)
			continue
		}
		if err := os.Link(origin, p); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(big, "IMG_999999.dcm"), hostileDICOM())
	made := time.Since(start)
	start = time.Now()
	rep := runPaths(t, Options{FailOn: SeverityHigh}, dir)
	took := time.Since(start)
	t.Logf("made %d entries in %v, scanned in %v (%.0f files/s)", n+1, made, took, float64(n+1)/took.Seconds())
	if got := rep.Sources[0].Stats.Files; got != n+1 {
		t.Errorf("files = %d, want %d", got, n+1)
	}
	if !hasFinding(rep, CategoryClinicalPhoto, "DCIM/Camera/IMG_999999.dcm") {
		t.Errorf("the DICOM file among %d empty ones was not reported", n)
	}
	if took > 45*time.Second {
		t.Errorf("scan of %d entries took %v", n, took)
	}
	if code := rep.ExitCode(); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
}

func TestHostileSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "scan.dcm"), hostileDICOM())
	// A FIFO named like a photo would block a reader forever.
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.jpg"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	// Folders nested deeper than the walk goes.
	deep := dir
	for i := 0; i < maxDepth+10; i++ {
		deep = filepath.Join(deep, "d")
	}
	writeFile(t, filepath.Join(deep, "deep.dcm"), hostileDICOM())
	rep := runPaths(t, Options{FailOn: SeverityHigh}, dir)
	if !hasFinding(rep, CategoryClinicalPhoto, "scan.dcm") {
		t.Errorf("scan.dcm not reported")
	}
	deepSkipped := false
	for _, s := range rep.Skipped {
		if strings.Contains(s.Error, "deeper") {
			deepSkipped = true
		}
	}
	if !deepSkipped {
		t.Errorf("the too-deep folder is not listed as skipped: %+v", rep.Skipped)
	}
	if code := rep.ExitCode(); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
}

// blockingOpener never returns until released: a parser stuck on one file.
func TestHostileFileTimeout(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "ok.dcm"), hostileDICOM())
	release := make(chan struct{})
	var once sync.Once
	t.Cleanup(func() { once.Do(func() { close(release) }) })
	stuck := NewFile("DCIM/stuck.jpg", 1<<20, time.Now(), func() (Content, error) {
		<-release
		return nil, errors.New("released")
	})
	start := time.Now()
	rep := runSources(t, Options{FileTimeout: 200 * time.Millisecond, Workers: 1},
		&listSource{path: dir, files: []*File{stuck, diskFile(t, filepath.Join(dir, "ok.dcm"), nil)}})
	took := time.Since(start)
	if took > 10*time.Second {
		t.Errorf("scan took %v with a 200ms file limit", took)
	}
	sk := findSkipped(rep, "DCIM/stuck.jpg")
	if sk == nil || !strings.Contains(sk.Error, "took longer") {
		t.Errorf("stuck file: skipped = %+v, want a time-limit reason", rep.Skipped)
	}
	if !hasFinding(rep, CategoryClinicalPhoto, "ok.dcm") {
		t.Errorf("ok.dcm not reported after the stuck file")
	}
	if !rep.Sources[0].Complete {
		t.Errorf("source incomplete: %v", rep.Sources[0].Problems)
	}
	if code := rep.ExitCode(); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
}

// hostileBackup writes a plain or encrypted backup holding a DICOM file,
// a photo and pad extra small files, and returns the writer's options.
func hostileBackup(t *testing.T, dir string, encrypted bool, pad int, extra ...backuptest.Entry) {
	t.Helper()
	w, err := backuptest.New(dir, backuptest.Options{Encrypted: encrypted, Password: scantest.SamplePassword,
		Rand: rand.New(rand.NewSource(7)), Date: time.Date(2026, 10, 31, 12, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	add := func(e backuptest.Entry) {
		if err := w.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	add(backuptest.Entry{Domain: "HomeDomain", RelativePath: "Documents/scan.dcm", Data: hostileDICOM()})
	add(backuptest.Entry{Domain: "CameraRollDomain", RelativePath: "Media/DCIM/100APPLE/IMG_0001.JPG", Data: hostileJPEG(t, 7)})
	for i := 0; i < pad; i++ {
		add(backuptest.Entry{Domain: "HomeDomain", RelativePath: fmt.Sprintf("Library/Caches/pad/%05d-%s.plist", i, strings.Repeat("x", 60)),
			Data: []byte(fmt.Sprintf("<plist>%d</plist>", i))})
	}
	for _, e := range extra {
		add(e)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestHostileBackupMissingFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "00008110-000A1B2C3D4E5F6A")
	hostileBackup(t, dir, false, 0,
		backuptest.Entry{Domain: "CameraRollDomain", RelativePath: "Media/DCIM/100APPLE/IMG_0002.JPG", Data: hostileJPEG(t, 8), NoContent: true})
	rep := runPaths(t, Options{FailOn: SeverityHigh}, dir)
	if len(rep.Sources) != 1 || rep.Sources[0].Kind != KindIOSBackup {
		t.Fatalf("sources = %+v", rep.Sources)
	}
	sk := findSkipped(rep, "Media/DCIM/100APPLE/IMG_0002.JPG")
	if sk == nil || sk.Domain != "CameraRollDomain" {
		t.Errorf("missing content not listed as skipped with its domain: %+v", rep.Skipped)
	} else {
		t.Logf("reason: %s", sk.Error)
	}
	if !hasFinding(rep, CategoryClinicalPhoto, "Documents/scan.dcm") {
		t.Errorf("Documents/scan.dcm not reported")
	}
	if !rep.Sources[0].Complete {
		t.Errorf("one missing file made the backup incomplete: %v", rep.Sources[0].Problems)
	}
	if code := rep.ExitCode(); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
}

// filesLeafPage finds the middle leaf page of the Files table in a
// Manifest.db (4096-byte pages): table leaf pages start with type 0x0D and
// hold the domain names. Index pages the walk does not use would be
// corrupted without consequence, so the test corrupts table data.
func filesLeafPage(t *testing.T, db []byte) int64 {
	t.Helper()
	var leaves []int64
	for off := int64(4096); off+4096 <= int64(len(db)); off += 4096 {
		if db[off] == 0x0D && bytes.Contains(db[off:off+4096], []byte("HomeDomain")) {
			leaves = append(leaves, off)
		}
	}
	if len(leaves) < 3 {
		t.Fatalf("Manifest.db has %d Files leaf pages; want at least 3", len(leaves))
	}
	return leaves[len(leaves)/2]
}

func TestHostileCorruptManifest(t *testing.T) {
	for _, tc := range []struct {
		name string
		at   func(t *testing.T, db []byte) int64
		n    int
		fill byte
	}{
		{"Files leaf page zeroed", filesLeafPage, 4096, 0x00},
		{"Files leaf page 0xff", filesLeafPage, 4096, 0xff},
		{"Files leaf cells scrambled", func(t *testing.T, db []byte) int64 { return filesLeafPage(t, db) + 2048 }, 1024, 0x5a},
		{"last page zeroed", func(t *testing.T, db []byte) int64 { return int64(len(db)-1) &^ 4095 }, 4096, 0x00},
		{"schema page after the header zeroed", func(*testing.T, []byte) int64 { return 100 }, 4096 - 100, 0x00},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "00008110-000A1B2C3D4E5F6A")
			hostileBackup(t, dir, false, 400)
			mdb := filepath.Join(dir, "Manifest.db")
			db, err := os.ReadFile(mdb)
			if err != nil {
				t.Fatal(err)
			}
			if len(db) < 8*4096 || len(db)%4096 != 0 {
				t.Fatalf("Manifest.db has %d bytes: want 4096-byte pages, at least 8", len(db))
			}
			off := tc.at(t, db)
			copy(db[off:off+int64(tc.n)], bytes.Repeat([]byte{tc.fill}, tc.n))
			if err := os.WriteFile(mdb, db, 0o644); err != nil {
				t.Fatal(err)
			}
			rep := runPaths(t, Options{}, dir)
			src := rep.Sources[0]
			t.Logf("page %d: complete=%v problems=%v files=%d skipped=%d", off/4096+1, src.Complete, src.Problems, src.Stats.Files, len(rep.Skipped))
			if src.Complete {
				t.Errorf("a corrupt Manifest.db left the source complete")
			}
			if len(src.Problems) == 0 {
				t.Errorf("incomplete without a problem stated")
			}
			if code := rep.ExitCode(); code != 2 {
				t.Errorf("exit code %d, want 2", code)
			}
		})
	}
}

func TestHostileTruncatedEncryptedFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "00008110-000A1B2C3D4E5F6A")
	hostileBackup(t, dir, true, 0,
		backuptest.Entry{Domain: "CameraRollDomain", RelativePath: "Media/DCIM/100APPLE/IMG_0003.JPG", Data: hostileJPEG(t, 9)},
		backuptest.Entry{Domain: "CameraRollDomain", RelativePath: "Media/DCIM/100APPLE/IMG_0004.JPG", Data: hostileJPEG(t, 10)})
	for rel, size := range map[string]int64{
		"Media/DCIM/100APPLE/IMG_0003.JPG": 1001, // not a whole number of AES blocks
		"Media/DCIM/100APPLE/IMG_0004.JPG": 1024, // whole blocks, padding gone
	} {
		id := backuptest.FileID("CameraRollDomain", rel)
		if err := os.Truncate(filepath.Join(dir, id[:2], id), size); err != nil {
			t.Fatal(err)
		}
	}
	pw := func(context.Context, string) ([]byte, error) { return []byte(scantest.SamplePassword), nil }
	rep := runPaths(t, Options{FailOn: SeverityHigh, Password: pw, Inventory: true}, dir)
	src := rep.Sources[0]
	if !src.Complete {
		t.Fatalf("incomplete: %v", src.Problems)
	}
	if !hasFinding(rep, CategoryClinicalPhoto, "Documents/scan.dcm") {
		t.Errorf("Documents/scan.dcm not reported")
	}
	sk := findSkipped(rep, "Media/DCIM/100APPLE/IMG_0003.JPG")
	if sk == nil {
		t.Errorf("truncated IMG_0003.JPG not skipped: %+v", rep.Skipped)
	} else {
		t.Logf("IMG_0003: %s", sk.Error)
	}
	if sk := findSkipped(rep, "Media/DCIM/100APPLE/IMG_0004.JPG"); sk != nil {
		t.Logf("IMG_0004: %s", sk.Error)
	}
	if code := rep.ExitCode(); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
}

// TestHostileProgressiveJPEG: a progressive JPEG keeps every DCT
// coefficient of the picture in memory while it decodes (4 bytes per
// coefficient in image/jpeg), so a 24-megapixel flat-colour progressive
// JPEG of about 280 KB costs about 350 MB. The pixel cap allows it; this
// test measures what a folder of them costs (ImageMagick makes the files).
func TestHostileProgressiveJPEG(t *testing.T) {
	convert, err := exec.LookPath("convert")
	if err != nil {
		t.Skip("ImageMagick convert not installed")
	}
	if testing.Short() {
		t.Skip("decodes four 24-megapixel pictures")
	}
	dir := t.TempDir()
	first := filepath.Join(dir, "WhatsApp", "Media", "WhatsApp Images", "IMG-20261018-WA0000.jpg")
	if err := os.MkdirAll(filepath.Dir(first), 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(convert, "-size", "4896x4896", "xc:#a08070", "-type", "TrueColor",
		"-sampling-factor", "1x1", "-interlace", "JPEG", "-quality", "50", first).CombinedOutput()
	if err != nil {
		t.Skipf("convert: %v %s", err, out)
	}
	data, err := os.ReadFile(first)
	if err != nil {
		t.Fatal(err)
	}
	const copies = 4
	for i := 1; i < copies; i++ {
		writeFile(t, filepath.Join(filepath.Dir(first), fmt.Sprintf("IMG-20261018-WA%04d.jpg", i)), data)
	}
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	start := time.Now()
	rep := runPaths(t, Options{Workers: copies}, dir)
	took := time.Since(start)
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	grew := (after.Maxrss - before.Maxrss) >> 10
	t.Logf("%d progressive 4896x4896 JPEGs of %d KB: %v, peak RSS %d MB (grew %d MB; a lower bound when an earlier test peaked higher)",
		copies, len(data)>>10, took, after.Maxrss>>10, grew)
	if rep.Sources[0].Stats.Files != copies {
		t.Errorf("files = %d, want %d", rep.Sources[0].Stats.Files, copies)
	}
	if grew > 2048 {
		t.Errorf("peak memory grew by %d MB for %d files of %d KB", grew, copies, len(data)>>10)
	}
}

// zipBomb writes a zip whose entry name expands to size zero bytes while
// the archive stays small (deflate compresses zeros about 1000:1).
func zipBomb(t *testing.T, p, name string, size int64, extra map[string][]byte) {
	t.Helper()
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	for n, data := range extra {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for n := int64(0); n < size; n += int64(len(zeros)) {
		if _, err := w.Write(zeros); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestHostileZipBombs: package files whose manifest or Info.plist inflate
// to 256 MB. Readers must stop at their size caps instead of inflating.
func TestHostileZipBombs(t *testing.T) {
	if testing.Short() {
		t.Skip("compresses 512 MB of zeros")
	}
	dir := t.TempDir()
	zipBomb(t, filepath.Join(dir, "bomb.apk"), "AndroidManifest.xml", 256<<20, nil)
	zipBomb(t, filepath.Join(dir, "bomb.ipa"), "Payload/Bomb.app/Info.plist", 256<<20, nil)
	writeFile(t, filepath.Join(dir, "scan.dcm"), hostileDICOM())
	for _, name := range []string{"bomb.apk", "bomb.ipa"} {
		st, _ := os.Stat(filepath.Join(dir, name))
		t.Logf("%s: %d KB on disk, 256 MB inflated", name, st.Size()>>10)
	}
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	start := time.Now()
	rep := runPaths(t, Options{FailOn: SeverityHigh}, dir)
	took := time.Since(start)
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	grew := (after.Maxrss - before.Maxrss) >> 10
	t.Logf("scanned in %v, peak RSS grew %d MB; skipped %+v", took, grew, rep.Skipped)
	if !hasFinding(rep, CategoryClinicalPhoto, "scan.dcm") {
		t.Errorf("scan.dcm not reported")
	}
	if took > 20*time.Second {
		t.Errorf("zip bombs took %v: entries were inflated past their caps", took)
	}
	if grew > 200 {
		t.Errorf("peak memory grew by %d MB: an entry was inflated into memory", grew)
	}
	if code := rep.ExitCode(); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
}
