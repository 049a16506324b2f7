package jpegdc

import (
	"bytes"
	"flag"
	"hash/crc32"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

var genTestdata = flag.Bool("gen-testdata", false, "rewrite testdata/*.jpg with ImageMagick and cjpeg (see testdata/README.md)")

// testdataFiles are the committed files, each with the command that made
// it from photo(160, 120, 9) written as PNG and the CRC-32 of the scale-8 decode's pixels.
var testdataFiles = []struct {
	name string
	cmd  []string // {tool, args...}; "IN" and "OUT" are replaced
	crc8 uint32
}{
	{"prog-420.jpg", []string{"convert", "IN", "-interlace", "Plane", "-quality", "80", "OUT"}, 0x5e8964f1},
	{"prog-grey.jpg", []string{"convert", "IN", "-interlace", "Plane", "-colorspace", "Gray", "-quality", "80", "OUT"}, 0xdc141ff4},
	{"restart-1B-422.jpg", []string{"cjpeg", "-restart", "1B", "-sample", "2x1", "-quality", "80", "-outfile", "OUT", "IN.ppm"}, 0xeee0cc16},
	{"prog-restart-1B.jpg", []string{"cjpeg", "-progressive", "-restart", "1B", "-quality", "80", "-outfile", "OUT", "IN.ppm"}, 0x5e8964f1}, // same DC values as prog-420.jpg (image/jpeg cannot decode it)
}

func pixelsCRC(img image.Image) uint32 {
	switch m := img.(type) {
	case *image.Gray:
		return crc32.ChecksumIEEE(m.Pix)
	case *image.YCbCr:
		h := crc32.NewIEEE()
		h.Write(m.Y)
		h.Write(m.Cb)
		h.Write(m.Cr)
		return h.Sum32()
	}
	return 0
}

func TestGenTestdata(t *testing.T) {
	if !*genTestdata {
		t.Skip("run with -gen-testdata to rewrite testdata")
	}
	src := photo(160, 120, 9)
	var buf bytes.Buffer
	if err := png.Encode(&buf, src); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(t.TempDir(), "src.png")
	if err := os.WriteFile(in, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ppmPath := filepath.Join(t.TempDir(), "src.ppm")
	if err := os.WriteFile(ppmPath, ppm(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range testdataFiles {
		var args []string
		for _, a := range f.cmd[1:] {
			switch a {
			case "IN":
				a = in
			case "IN.ppm":
				a = ppmPath
			case "OUT":
				a = filepath.Join("testdata", f.name)
			}
			args = append(args, a)
		}
		if out, err := exec.Command(f.cmd[0], args...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v %s", f.cmd, err, out)
		}
	}
}

// TestTestdata decodes the committed files (no external tools needed):
// golden CRCs of the scale-8 output, and agreement with image/jpeg where
// it can decode the file.
func TestTestdata(t *testing.T) {
	for _, f := range testdataFiles {
		t.Run(f.name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", f.name))
			if err != nil {
				t.Fatal(err)
			}
			img, info, err := DecodeBytes(data, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != 20 || b.Dy() != 15 {
				t.Fatalf("bounds %v", b)
			}
			if got := pixelsCRC(img); got != f.crc8 {
				t.Errorf("scale-8 pixels CRC %#08x, want %#08x (%+v)", got, f.crc8, info)
			}
			if !checkOracle(t, data, false) {
				t.Logf("image/jpeg cannot decode %s", f.name)
			}
		})
	}
}
