package pixel

import "testing"

// BenchmarkAnalyzeThumbnail: decode a 160x120 JPEG thumbnail and analyse it.
func BenchmarkAnalyzeThumbnail(b *testing.B) {
	jb := encJPEG(b, colourPhoto(160, 120))
	b.SetBytes(int64(len(jb)))
	b.ReportAllocs()
	for b.Loop() {
		img, err := DecodeThumbnail(jb)
		if err != nil {
			b.Fatal(err)
		}
		Analyze(img, Cues{FlashFired: true})
	}
}

// BenchmarkAnalyzeThumbnailGrey: the same for a grey CT-like thumbnail,
// which also takes the inner-view path.
func BenchmarkAnalyzeThumbnailGrey(b *testing.B) {
	jb := encJPEG(b, ctSlice(160, 120))
	b.ReportAllocs()
	for b.Loop() {
		img, err := DecodeThumbnail(jb)
		if err != nil {
			b.Fatal(err)
		}
		Analyze(img, Cues{})
	}
}

// BenchmarkAnalyzeOnly: Analyze on an already decoded thumbnail.
func BenchmarkAnalyzeOnly(b *testing.B) {
	img, err := DecodeThumbnail(encJPEG(b, colourPhoto(160, 120)))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		Analyze(img, Cues{})
	}
}

// BenchmarkAnalyzeFull12MP: Analyze (box downscale included) on a decoded
// 4032x3024 YCbCr image, as after a full JPEG decode.
func BenchmarkAnalyzeFull12MP(b *testing.B) {
	big := newPlanes(4032, 3024).image()
	b.ReportAllocs()
	for b.Loop() {
		Analyze(big, Cues{})
	}
}
