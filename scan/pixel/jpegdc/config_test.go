package jpegdc

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"testing"
)

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// withSegments inserts n APP2 segments of 60,000 bytes after SOI, as ICC
// profiles and MPF data sit before the frame header.
func withSegments(jb []byte, n int) []byte {
	out := append([]byte{}, jb[:2]...)
	for i := 0; i < n; i++ {
		seg := make([]byte, 60000)
		out = append(out, 0xFF, 0xE2, byte((len(seg)+2)>>8), byte(len(seg)+2))
		out = append(out, seg...)
	}
	return append(out, jb[2:]...)
}

// TestDecodeConfigReadsHeadersOnly: DecodeConfig stops reading at the
// frame header (64 KB first, more only when segments push it further).
func TestDecodeConfigReadsHeadersOnly(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 1200, 900))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	if b.Len() < 200<<10 {
		t.Fatalf("test picture too small: %d bytes", b.Len())
	}
	for _, tc := range []struct {
		segments int
		maxRead  int
	}{{0, 64 << 10}, {1, 256 << 10}, {5, 1 << 20}} {
		data := withSegments(b.Bytes(), tc.segments)
		cr := &countingReader{r: bytes.NewReader(data)}
		cfg, err := DecodeConfig(cr)
		if err != nil {
			t.Fatalf("%d segments: %v", tc.segments, err)
		}
		if cfg.Width != 1200 || cfg.Height != 900 || cfg.ColorModel != color.GrayModel {
			t.Errorf("%d segments: config %dx%d %v", tc.segments, cfg.Width, cfg.Height, cfg.ColorModel)
		}
		if cr.n > tc.maxRead {
			t.Errorf("%d segments: read %d bytes, want at most %d", tc.segments, cr.n, tc.maxRead)
		}
	}
	// A file that ends inside its headers is truncated, not a hang.
	if _, err := DecodeConfig(bytes.NewReader(withSegments(b.Bytes(), 2)[:100000])); err == nil {
		t.Error("headers cut short: no error")
	}
}
