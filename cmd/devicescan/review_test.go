package main

// Review findings that reproduce through the CLI. They document known bugs
// and are skipped unless DEVICESCAN_REVIEW=1, so that main stays green:
//
//	DEVICESCAN_REVIEW=1 go test -run Review ./cmd/devicescan

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

func reviewOnly(t *testing.T, bug string) {
	t.Helper()
	// Found in review and fixed: these run as regression tests. bug names
	// what went wrong before.
	_ = bug
}

// evidenceDir copies one sample photo (its EXIF comment holds a valid NHS
// number) into a fresh folder and returns the folder and the photo's path.
func evidenceDir(t *testing.T) (dir, photo string, data []byte) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "sample", "android", "DCIM", "Camera", "IMG_20261016_120000.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	photo = filepath.Join(dir, "IMG_0001.jpg")
	if err := os.WriteFile(photo, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, photo, data
}

// --output naming a file of the scanned tree truncates the evidence before
// the scan starts; the scan then reports CLEAR and exits 0.
func TestReviewOutputOverwritesEvidence(t *testing.T) {
	reviewOnly(t, "-o pointing at a scanned file truncates the evidence")
	dir, photo, data := evidenceDir(t)
	r := runCLI(t, nil, "-q", "-f", "json", "-o", photo, dir)
	got, err := os.ReadFile(photo)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Errorf("evidence file changed by --output (exit %d, now %d bytes, was %d)", r.code, len(got), len(data))
	}
	if r.code != 2 {
		t.Errorf("exit %d, want 2 (refuse an --output inside a scanned PATH)", r.code)
	}
}

// --output inside a scanned folder writes beside the evidence (and the
// empty report file is then scanned as part of the tree).
func TestReviewOutputInsideScannedTree(t *testing.T) {
	reviewOnly(t, "-o inside a scanned folder writes into the evidence tree")
	dir, _, _ := evidenceDir(t)
	r := runCLI(t, nil, "-q", "-o", filepath.Join(dir, "report.txt"), dir)
	if _, err := os.Stat(filepath.Join(dir, "report.txt")); err == nil {
		t.Errorf("a report file was created inside the scanned folder (exit %d)", r.code)
	}
}

// A cancelled or failed scan has already truncated an existing --output file.
func TestReviewOutputTruncatedBeforeScan(t *testing.T) {
	reviewOnly(t, "an existing --output file is truncated before the scan, lost when the scan fails")
	out := filepath.Join(t.TempDir(), "report.txt")
	if err := os.WriteFile(out, []byte("last week's report\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// scan.Run fails only on cancellation: a cancelled context (Ctrl-C)
	// stands for any scan that does not finish.
	ctxRun := func() int {
		var o, e bytes.Buffer
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		return run(ctx, []string{"-q", "-o", out, filepath.Join("..", "..", "testdata", "sample", "android")}, bytes.NewReader(nil), &o, &e, func(string) string { return "" })
	}
	code := ctxRun()
	got, _ := os.ReadFile(out)
	if len(got) == 0 {
		t.Errorf("exit %d and the previous report at --output is now empty", code)
	}
}
