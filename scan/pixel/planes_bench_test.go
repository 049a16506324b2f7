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

// TestYCbCrBoxMeansExact: the separable, reciprocal-based downscale of a
// YCbCr picture gives exactly the rounded mean of every box, computed here
// the slow way, for every subsampling ratio, odd sizes, offset bounds and
// boxes from 1 to over 4,096 pixels.
func TestYCbCrBoxMeansExact(t *testing.T) {
	ratios := []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422,
		image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410}
	seed := uint32(7)
	rnd := func() uint8 { seed = seed*1664525 + 1013904223; return uint8(seed >> 24) }
	for _, tc := range []struct{ x0, y0, w, h, side int }{
		{0, 0, 232, 174, 160}, {3, 5, 161, 97, 160}, {1, 0, 1000, 750, 160}, {0, 2, 4100, 20, 2}, {0, 0, 130, 130, 1},
	} {
		for _, r := range ratios {
			m := image.NewYCbCr(image.Rect(tc.x0, tc.y0, tc.x0+tc.w, tc.y0+tc.h), r)
			for i := range m.Y {
				m.Y[i] = rnd()
			}
			for i := range m.Cb {
				m.Cb[i], m.Cr[i] = rnd(), 255-rnd()/4
			}
			p := toPlanes(m, tc.side)
			xs, ys := edges(tc.w, p.w), edges(tc.h, p.h)
			for oy := 0; oy < p.h; oy++ {
				for ox := 0; ox < p.w; ox++ {
					var sy, scb, scr, n int
					for y := ys[oy]; y < ys[oy+1]; y++ {
						for x := xs[ox]; x < xs[ox+1]; x++ {
							c := m.YCbCrAt(tc.x0+x, tc.y0+y)
							sy, scb, scr, n = sy+int(c.Y), scb+int(c.Cb), scr+int(c.Cr), n+1
						}
					}
					i := oy*p.w + ox
					if want := [3]uint8{uint8((sy + n/2) / n), uint8((scb + n/2) / n), uint8((scr + n/2) / n)}; [3]uint8{p.y[i], p.cb[i], p.cr[i]} != want {
						t.Fatalf("%+v %v: box (%d,%d) of %d px = %v, want %v", tc, r, ox, oy, n, [3]uint8{p.y[i], p.cb[i], p.cr[i]}, want)
					}
				}
			}
		}
	}
}
