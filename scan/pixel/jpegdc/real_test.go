package jpegdc

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// goexifSamples lists the camera JPEGs shipped with goexif in the module
// cache (none when it is not downloaded).
func goexifSamples() ([]string, error) {
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		return nil, err
	}
	return filepath.Glob(filepath.Join(strings.TrimSpace(string(out)), "github.com", "rwcarlsen", "goexif@*", "exif", "samples", "*.jpg"))
}

// TestRealFiles: camera JPEGs (goexif's samples) and the thumbnails of
// scan/pixel/testdata/calib against image/jpeg; files image/jpeg cannot
// decode are skipped.
func TestRealFiles(t *testing.T) {
	files, _ := goexifSamples()
	calib, _ := filepath.Glob(filepath.Join("..", "testdata", "calib", "*.jpg"))
	if testing.Short() && len(calib) > 40 {
		calib = calib[:40]
	}
	files = append(files, calib...)
	if len(files) == 0 {
		t.Skip("no real files")
	}
	decoded := 0
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if checkOracle(t, data, false) {
				decoded++
			} else {
				t.Skip("image/jpeg cannot decode it")
			}
		})
	}
	t.Logf("%d of %d files compared", decoded, len(files))
}
