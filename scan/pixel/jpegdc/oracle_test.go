package jpegdc

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"testing"
)

// photo draws a deterministic photo-like picture: smooth lighting, a few
// hard-edged shapes, fine texture and sensor noise.
func photo(w, h int, seed uint64) *image.RGBA { return photoNoise(w, h, seed, 6, 12) }

// photoNoise is photo with a chosen sensor noise (standard deviation) and
// texture amplitude.
func photoNoise(w, h int, seed uint64, noise, texture float64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 7))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	type disc struct {
		x, y, r float64
		c       [3]float64
	}
	var discs []disc
	for range 12 {
		discs = append(discs, disc{rng.Float64() * float64(w), rng.Float64() * float64(h), (0.05 + 0.2*rng.Float64()) * float64(min(w, h)),
			[3]float64{rng.Float64() * 255, rng.Float64() * 255, rng.Float64() * 255}})
	}
	for y := range h {
		for x := range w {
			fx, fy := float64(x)/float64(w), float64(y)/float64(h)
			r := 60 + 150*fx + 20*math.Sin(fy*9)
			g := 80 + 100*fy + 25*math.Cos(fx*7)
			b := 120 + 60*math.Sin((fx+fy)*5)
			for _, d := range discs {
				if (float64(x)-d.x)*(float64(x)-d.x)+(float64(y)-d.y)*(float64(y)-d.y) < d.r*d.r {
					r, g, b = d.c[0], d.c[1], d.c[2]
				}
			}
			t := texture * math.Sin(float64(x)*0.9) * math.Cos(float64(y)*0.7)
			n := rng.NormFloat64() * noise
			img.Pix[img.PixOffset(x, y)+0] = sat(r + t + n)
			img.Pix[img.PixOffset(x, y)+1] = sat(g + t + n)
			img.Pix[img.PixOffset(x, y)+2] = sat(b + t + n)
			img.Pix[img.PixOffset(x, y)+3] = 255
		}
	}
	return img
}

func sat(v float64) uint8 {
	return uint8(math.Max(0, math.Min(255, math.Round(v))))
}

func grey(src image.Image) *image.Gray {
	g := image.NewGray(src.Bounds())
	for y := src.Bounds().Min.Y; y < src.Bounds().Max.Y; y++ {
		for x := src.Bounds().Min.X; x < src.Bounds().Max.X; x++ {
			g.Set(x, y, color.GrayModel.Convert(src.At(x, y)))
		}
	}
	return g
}

func encode(t testing.TB, img image.Image, q int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type plane struct {
	pix        []byte
	stride     int
	w, h       int
	full       int // width of the plane in the full decode before padding, for edge checks
	fullHeight int
}

// planes returns the sample planes of a *image.Gray or *image.YCbCr.
func planes(img image.Image) ([]plane, image.YCbCrSubsampleRatio, bool) {
	switch m := img.(type) {
	case *image.Gray:
		b := m.Bounds()
		return []plane{{pix: m.Pix, stride: m.Stride, w: b.Dx(), h: b.Dy()}}, 0, true
	case *image.YCbCr:
		b := m.Bounds()
		cw := m.CStride
		ch := len(m.Cb) / max(cw, 1)
		return []plane{
			{pix: m.Y, stride: m.YStride, w: b.Dx(), h: b.Dy()},
			{pix: m.Cb, stride: m.CStride, w: cw, h: ch},
			{pix: m.Cr, stride: m.CStride, w: cw, h: ch},
		}, m.SubsampleRatio, true
	}
	return nil, 0, false
}

// diffStats compares our reduced planes with block (scale 8) or quarter
// (scale 4) means of the full decode.
type diffStats struct {
	n, skipped int
	max        int
	sum        int
	hist       [256]int
}

func (s *diffStats) add(d int) {
	if d < 0 {
		d = -d
	}
	s.n++
	s.sum += d
	s.max = max(s.max, d)
	s.hist[min(d, 255)]++
}

func (s *diffStats) mean() float64 { return float64(s.sum) / float64(max(s.n, 1)) }

// p99 is the 99th percentile of |diff|.
func (s *diffStats) p99() int {
	c := 0
	for d, k := range s.hist {
		c += k
		if c*100 >= s.n*99 {
			return d
		}
	}
	return 255
}

func (s *diffStats) String() string {
	return fmt.Sprintf("n=%d skipped=%d max=%d p99=%d mean=%.3f", s.n, s.skipped, s.max, s.p99(), s.mean())
}

// compare checks ours against ref (the full decode). Only cells fully
// inside the full plane are compared; cells where the full decode clamps
// (a 0 or 255 sample in the cell) are skipped.
func compare(ours, ref image.Image, scale int, lumaOnly bool) (diffStats, error) {
	var st diffStats
	po, ro, okO := planes(ours)
	pr, rr, okR := planes(ref)
	if !okO || !okR {
		return st, fmt.Errorf("image types %T and %T", ours, ref)
	}
	if len(po) != len(pr) {
		return st, fmt.Errorf("%d vs %d planes", len(po), len(pr))
	}
	if ro != rr {
		lumaOnly = true
	}
	for i := range po {
		if lumaOnly && i > 0 {
			break
		}
		o, r := po[i], pr[i]
		for y := 0; y < o.h; y++ {
			for x := 0; x < o.w; x++ {
				x0, y0 := x*scale, y*scale
				if x0+scale > r.w || y0+scale > r.h {
					continue
				}
				sum, clamped := 0, false
				for yy := y0; yy < y0+scale; yy++ {
					for xx := x0; xx < x0+scale; xx++ {
						v := r.pix[yy*r.stride+xx]
						if v == 0 || v == 255 {
							clamped = true
						}
						sum += int(v)
					}
				}
				if clamped {
					st.skipped++
					continue
				}
				n := scale * scale
				mean := (sum + n/2) / n
				st.add(int(o.pix[y*o.stride+x]) - mean)
			}
		}
	}
	return st, nil
}

func TestOracleGoEncoder(t *testing.T) {
	col := photo(333, 251, 1)
	cases := []struct {
		name string
		img  image.Image
		q    int
	}{
		{"420-q85", col, 85},
		{"420-q100", col, 100},
		{"420-q40", col, 40},
		{"grey-q85", grey(col), 85},
		{"grey-q95-tiny", grey(photo(9, 17, 2)), 95},
		{"420-q75-1px", photo(1, 1, 3), 75},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := encode(t, tc.img, tc.q)
			checkOracle(t, data, false)
		})
	}
}

// checkOracle decodes data with image/jpeg and with Decode at scales 8 and
// 4 and checks the agreement; it returns false when image/jpeg cannot
// decode the file.
func checkOracle(t *testing.T, data []byte, lumaOnly bool) bool {
	t.Helper()
	ref, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return false
	}
	for _, scale := range []int{8, 4} {
		img, info, err := DecodeBytes(data, Options{Scale: scale})
		if err != nil {
			t.Fatalf("scale %d: %v", scale, err)
		}
		b, rb := img.Bounds(), ref.Bounds()
		if b.Dx() != ceilDiv(rb.Dx(), info.Scale) || b.Dy() != ceilDiv(rb.Dy(), info.Scale) {
			t.Fatalf("scale %d: %v for a %v image", info.Scale, b, rb)
		}
		stv, err := compare(img, ref, info.Scale, lumaOnly || info.ChromaUpsampled)
		st := &stv
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("scale %d (asked %d) %s: %v", info.Scale, scale, info.Sampling, st)
		// Both scales give exact means of the block (8x8) or quarter
		// (4x4) before clamping; image/jpeg's integer IDCT rounds
		// differently by at most a level or so.
		if st.max > 2 {
			t.Errorf("scale %d: max |diff| %d > 2 (%v)", info.Scale, st.max, st)
		}
	}
	return true
}
