package scan_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/devicescan/devicescan/scan"
	"github.com/devicescan/devicescan/scan/scantest"
)

// upscale enlarges img to w x h by bilinear interpolation (a stand-in for
// a messenger's re-encoded copy of a radiograph photo) plus a little
// sensor-like noise so that the JPEG has realistic AC content.
func upscale(img image.Image, w, h int) image.Image {
	b := img.Bounds()
	src := image.NewRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			src.Set(x, y, img.At(x, y))
		}
	}
	at := func(x, y int) (float64, float64, float64) {
		x, y = min(max(x, 0), b.Dx()-1), min(max(y, 0), b.Dy()-1)
		i := src.PixOffset(b.Min.X+x, b.Min.Y+y)
		return float64(src.Pix[i]), float64(src.Pix[i+1]), float64(src.Pix[i+2])
	}
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	seed := uint32(1)
	for y := 0; y < h; y++ {
		fy := (float64(y)+0.5)*float64(b.Dy())/float64(h) - 0.5
		y0 := int(fy)
		if fy < 0 {
			y0 = -1
		}
		ty := fy - float64(y0)
		for x := 0; x < w; x++ {
			fx := (float64(x)+0.5)*float64(b.Dx())/float64(w) - 0.5
			x0 := int(fx)
			if fx < 0 {
				x0 = -1
			}
			tx := fx - float64(x0)
			r00, g00, b00 := at(x0, y0)
			r10, g10, b10 := at(x0+1, y0)
			r01, g01, b01 := at(x0, y0+1)
			r11, g11, b11 := at(x0+1, y0+1)
			lerp := func(a, b, c, d float64) float64 {
				return (a*(1-tx)+b*tx)*(1-ty) + (c*(1-tx)+d*tx)*ty
			}
			seed = seed*1664525 + 1013904223
			n := float64(int(seed>>24)%7 - 3)
			c8 := func(v float64) uint8 { return uint8(min(max(v+n, 0), 255)) }
			o := out.PixOffset(x, y)
			out.Pix[o], out.Pix[o+1], out.Pix[o+2], out.Pix[o+3] = c8(lerp(r00, r10, r01, r11)), c8(lerp(g00, g10, g01, g11)), c8(lerp(b00, b10, b01, b11)), 255
		}
	}
	return out
}

// TestLargeMessengerPicturesAreAnalysed: messenger copies carry no EXIF
// thumbnail, so their pixels come from the JPEG itself, reduced from its
// DCT coefficients at 1/4 (640-1279 px) or 1/8 (from 1280 px) and in full
// below that. A radiograph is found at every size, including 12 MP, which
// was past the full decoder's limit; a landscape is not.
func TestLargeMessengerPicturesAreAnalysed(t *testing.T) {
	dir := t.TempDir()
	wa := filepath.Join(dir, "Android/media/com.whatsapp/WhatsApp/Media/WhatsApp Images")
	if err := os.MkdirAll(wa, 0o755); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, "DCIM"), 0o755)
	chest := scantest.RealImage("chest-cr")
	sizes := [][2]int{{600, 450}, {800, 600}, {1600, 1200}, {4000, 3000}}
	write := func(name string, img image.Image) {
		var b bytes.Buffer
		if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(wa, name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range sizes {
		write(sizeName("xray", s), upscale(chest, s[0], s[1]))
		write(sizeName("landscape", s), scantest.Landscape(s[0], s[1], int64(s[0])))
	}
	rep, err := scan.Run(context.Background(), []string{dir}, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Skipped) != 0 {
		t.Errorf("skipped: %+v", rep.Skipped)
	}
	got := findingsFor(rep)
	for _, s := range sizes {
		rel := "Android/media/com.whatsapp/WhatsApp/Media/WhatsApp Images/"
		f, ok := got["clinical-photo "+rel+sizeName("xray", s)]
		if !ok || !slices.Contains(codes(f), "radiograph") {
			t.Errorf("%dx%d radiograph: finding %v %+v", s[0], s[1], ok, f.Reasons)
		}
		if f, ok := got["clinical-photo "+rel+sizeName("landscape", s)]; ok {
			t.Errorf("%dx%d landscape flagged: %+v", s[0], s[1], f.Reasons)
		}
	}
}

func sizeName(kind string, s [2]int) string {
	return fmt.Sprintf("%s-%dx%d.jpg", kind, s[0], s[1])
}
