package jpegdc

import (
	"bytes"
	"image/jpeg"
	"os/exec"
	"sync"
	"testing"
)

// benchJPEG is a 1856x1392 quality-85 4:2:0 baseline JPEG (about 330 KB) made by Go's
// encoder from a photo-like picture (about the size of a WhatsApp photo).
var benchJPEG = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, photoNoise(1856, 1392, 42, 2, 6), &jpeg.Options{Quality: 85}); err != nil {
		panic(err)
	}
	return buf.Bytes()
})

// benchProgressive is benchJPEG re-encoded as progressive by ImageMagick
// (nil without ImageMagick).
var benchProgressive = sync.OnceValue(func() []byte {
	if _, err := exec.LookPath("convert"); err != nil {
		return nil
	}
	b, err := convertJPEG(benchJPEG(), "-interlace", "Plane", "-quality", "85")
	if err != nil {
		return nil
	}
	return b
})

func benchDecode(b *testing.B, data []byte, scale int) {
	if data == nil {
		b.Skip("no ImageMagick")
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := DecodeBytes(data, Options{Scale: scale}); err != nil {
			b.Fatal(err)
		}
	}
}

func benchStd(b *testing.B, data []byte) {
	if data == nil {
		b.Skip("no ImageMagick")
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// go test -run '^$' -bench . -benchtime 20x ./scan/pixel/jpegdc (compare in one run; see TestSpeedRatio for CPU time)
func BenchmarkDecodeDC(b *testing.B)                { benchDecode(b, benchJPEG(), 8) }
func BenchmarkDecodeScale4(b *testing.B)            { benchDecode(b, benchJPEG(), 4) }
func BenchmarkStdlibDecode(b *testing.B)            { benchStd(b, benchJPEG()) }
func BenchmarkDecodeDCProgressive(b *testing.B)     { benchDecode(b, benchProgressive(), 8) }
func BenchmarkStdlibDecodeProgressive(b *testing.B) { benchStd(b, benchProgressive()) }
