package jpegdc

import (
	"bytes"
	"errors"
	"image"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecode: no panics; an image comes only without an error or with
// ErrTruncated, at the promised size; DecodeConfig agrees on the size.
func FuzzDecode(f *testing.F) {
	f.Add(encode(f, photo(40, 30, 1), 80))
	f.Add(encode(f, grey(photo(17, 9, 2)), 90))
	f.Add(encode(f, photo(1, 1, 3), 50))
	for _, tf := range testdataFiles {
		if b, err := os.ReadFile(filepath.Join("testdata", tf.name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0x03})
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xD9})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, s := range []int{8, 4} {
			img, info, err := DecodeBytes(b, Options{Scale: s, MaxPixels: 1 << 22})
			if img == nil {
				continue
			}
			if err != nil && !errors.Is(err, ErrTruncated) {
				t.Fatalf("image with error %v", err)
			}
			bd := img.Bounds()
			if bd.Dx() != ceilDiv(info.Width, info.Scale) || bd.Dy() != ceilDiv(info.Height, info.Scale) {
				t.Fatalf("bounds %v for %+v", bd, info)
			}
			switch m := img.(type) {
			case *image.Gray:
				_ = m.GrayAt(bd.Dx()-1, bd.Dy()-1)
			case *image.YCbCr:
				_ = m.YCbCrAt(bd.Dx()-1, bd.Dy()-1)
			default:
				t.Fatalf("%T", img)
			}
			if err == nil {
				cfg, cerr := DecodeConfig(bytes.NewReader(b))
				if cerr != nil || cfg.Width != info.Width || cfg.Height != info.Height {
					t.Fatalf("DecodeConfig %+v %v vs %+v", cfg, cerr, info)
				}
			}
		}
	})
}
