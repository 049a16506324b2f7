package pixel

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDecodeMatchesImageMagick compares the sizes DecodeBounded reports
// with ImageMagick's identify on calibration images and on a PNG and GIF
// written by ImageMagick itself. Skipped when identify/convert is absent.
func TestDecodeMatchesImageMagick(t *testing.T) {
	identify, err := exec.LookPath("identify")
	if err != nil {
		t.Skip("ImageMagick identify not installed")
	}
	files, _ := filepath.Glob(filepath.Join(calibDir, "pos-*.jpg"))
	if len(files) > 8 {
		files = files[:8]
	}
	if convert, err := exec.LookPath("convert"); err == nil && len(files) > 0 {
		dir := t.TempDir()
		for _, ext := range []string{"png", "gif"} {
			out := filepath.Join(dir, "x."+ext)
			if err := exec.Command(convert, files[0], "-resize", "97x61!", out).Run(); err == nil {
				files = append(files, out)
			}
		}
	}
	for _, f := range files {
		want, err := exec.Command(identify, "-format", "%w %h", f).Output()
		if err != nil {
			t.Fatalf("identify %s: %v", f, err)
		}
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		img, err := DecodeBounded(fh, 0)
		fh.Close()
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		got := fmt.Sprintf("%d %d", img.Bounds().Dx(), img.Bounds().Dy())
		if got != strings.TrimSpace(string(want)) {
			t.Errorf("%s: decoded %s, identify says %s", f, got, want)
		}
	}
}
