package jpegdc

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
)

// convertJPEG runs ImageMagick's convert on src (any format it reads) with
// args and returns the JPEG it writes.
func convertJPEG(src []byte, args ...string) ([]byte, error) {
	dir, err := os.MkdirTemp("", "jpegdc")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out.jpg")
	if err := os.WriteFile(in, src, 0o600); err != nil {
		return nil, err
	}
	cmd := exec.Command("convert", append(append([]string{in}, args...), out)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, &exec.ExitError{Stderr: stderr.Bytes()}
	}
	return os.ReadFile(out)
}

var _ = png.Encode
