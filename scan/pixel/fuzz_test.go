package pixel

import (
	"bytes"
	"hash/crc32"
	"image"
	"testing"
)

func crc32IEEE(b []byte) uint32 { return crc32.ChecksumIEEE(b) }

// FuzzDecodeThumbnail: no panics, bounded output, and whatever decodes can
// be analysed.
func FuzzDecodeThumbnail(f *testing.F) {
	f.Add(encJPEG(f, colourPhoto(32, 24)))
	f.Add(encJPEG(f, ctSlice(40, 40)))
	f.Add(encJPEG(f, image.NewGray(image.Rect(0, 0, 1, 1))))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0x03})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		img, err := DecodeThumbnail(b)
		if err != nil {
			return
		}
		bd := img.Bounds()
		if bd.Dx() > MaxThumbnailSide || bd.Dy() > MaxThumbnailSide {
			t.Fatalf("decoded %v beyond the limit", bd)
		}
		r := Analyze(img, Cues{FlashFired: true})
		if len(r.Signals) != 2 {
			t.Fatalf("signals %v", r.Signals)
		}
	})
}

// FuzzDecodeBounded covers the PNG/GIF/JPEG sniffing and header replay.
func FuzzDecodeBounded(f *testing.F) {
	f.Add(encPNG(f))
	f.Add(encJPEG(f, colourPhoto(16, 16)))
	f.Add([]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"))
	f.Fuzz(func(t *testing.T, b []byte) {
		img, err := DecodeBounded(bytes.NewReader(b), 1<<16)
		if err != nil {
			return
		}
		if bd := img.Bounds(); bd.Dx()*bd.Dy() > 1<<16 {
			t.Fatalf("decoded %v beyond the budget", bd)
		}
		Analyze(img, Cues{})
	})
}
