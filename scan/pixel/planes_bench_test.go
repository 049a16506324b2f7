package pixel

import (
	"image"
	"testing"
)

func benchYCbCr(w, h int) *image.YCbCr {
	m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for i := range m.Y {
		m.Y[i] = uint8(i * 13)
	}
	for i := range m.Cb {
		m.Cb[i], m.Cr[i] = uint8(100+i%40), uint8(120+i%30)
	}
	return m
}

// BenchmarkToPlanesThumbnail: a 160x120 4:2:0 thumbnail, no scaling.
func BenchmarkToPlanesThumbnail(b *testing.B) {
	m := benchYCbCr(160, 120)
	b.ReportAllocs()
	for b.Loop() {
		toPlanes(m, AnalysisMaxSide)
	}
}

// BenchmarkToPlanesReduced: jpegdc's 1/8 rendering of a 1856x1392 photo
// (232x174, 4:2:0) box-averaged to 160 px.
func BenchmarkToPlanesReduced(b *testing.B) {
	m := benchYCbCr(232, 174)
	b.ReportAllocs()
	for b.Loop() {
		toPlanes(m, AnalysisMaxSide)
	}
}

// BenchmarkMeasureTones: the tone pass of Analyze on a 160x120 picture.
func BenchmarkMeasureTones(b *testing.B) {
	p := toPlanes(benchYCbCr(160, 120), AnalysisMaxSide)
	for b.Loop() {
		measureTones(p)
	}
}
