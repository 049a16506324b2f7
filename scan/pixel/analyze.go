package pixel

import (
	"image"
	"math"
)

// Signal codes.
const (
	CodeRadiograph  = "radiograph"
	CodeSkinCloseup = "skin-closeup"
)

// Signal is one pixel cue. Score is 0..1 (higher = more like the code);
// Hit says whether the rule fired; Detail gives the measured numbers for a
// person ("grey 99%, dark border 71%, dark 34%").
type Signal struct {
	Code   string
	Score  float64
	Hit    bool
	Detail string
}

// Result of Analyze. Width and Height are the analysed image's size before
// letterbox cropping and downscaling.
type Result struct {
	Signals       []Signal
	Width, Height int
}

// Hits returns the signals that fired.
func (r Result) Hits() []Signal {
	var out []Signal
	for _, s := range r.Signals {
		if s.Hit {
			out = append(out, s)
		}
	}
	return out
}

// Cues are metadata facts that change how pixels are judged; the caller
// fills them from EXIF (zero value = unknown).
type Cues struct {
	FlashFired       bool    // Flash tag bit 0
	SubjectDistanceM float64 // SubjectDistance in metres; 0 = unknown
	CloseRange       bool    // SubjectDistanceRange macro (1) or close (2)
	HasCamera        bool    // Make/Model present
}

// closeUp reports whether the metadata says the subject was near, and why.
func (c Cues) closeUp() (bool, string) {
	switch {
	case c.SubjectDistanceM > 0 && c.SubjectDistanceM < 0.3:
		return true, "subject distance < 0.3 m"
	case c.CloseRange:
		return true, "macro/close range"
	case c.FlashFired:
		return true, "flash fired"
	}
	return false, ""
}

// Analyze measures img and returns one Signal per code (radiograph,
// skin-closeup), in that order. It never panics on a valid image.Image; an
// empty image yields zero scores.
func Analyze(img image.Image, cues Cues) Result {
	b := img.Bounds()
	res := Result{Width: b.Dx(), Height: b.Dy()}
	p := toPlanes(img, AnalysisMaxSide)
	if x0, y0, x1, y1, ok := p.letterbox(); ok {
		p = p.crop(x0, y0, x1, y1)
	}
	if p.w < 8 || p.h < 8 {
		res.Signals = []Signal{{Code: CodeRadiograph, Detail: "image too small"}, {Code: CodeSkinCloseup, Detail: "image too small"}}
		return res
	}
	f := measure(p)
	res.Signals = []Signal{f.radiograph(), f.skinCloseup(cues)}
	return res
}

// features are the numbers the rules use; fractions are 0..1.
type features struct {
	w, h int

	grey       float64 // chroma within ±8 of neutral (or of the image's own cast)
	cast       float64 // distance of the median chroma from neutral
	chromaSD   float64 // sqrt(var Cb + var Cr)
	dark       float64 // Y < 20
	darkBorder float64 // Y < 30 in the outer 5% ring
	bright     float64 // Y > 200
	mid        float64 // 40 <= Y <= 215
	meanY      float64
	otsu       float64 // Otsu separability: between-class / total variance
	otsuT      int
	edges      float64 // |dx|+|dy| > 48
	asym       float64 // mean |Y(x) - Y(w-1-x)| / 255
	centreLift float64 // mean Y of the centre minus mean Y of the ring, /255

	skinCentre  float64 // skin vote in the central 60% box
	centreY     float64 // mean Y of the central box
	centreSat   float64 // mean chroma magnitude of the central box /128
	centreLight float64 // mean Y of the central box minus the periphery, /255
}

func measure(p *planes) features {
	f := features{w: p.w, h: p.h}
	n := p.w * p.h
	var hist [256]int
	var hcb, hcr [256]int
	for i := 0; i < n; i++ {
		hist[p.y[i]]++
		hcb[p.cb[i]]++
		hcr[p.cr[i]]++
	}
	medCb, medCr := median(&hcb, n), median(&hcr, n)
	f.cast = math.Hypot(float64(medCb-128), float64(medCr-128))

	var grey0, greyC, dark, bright, mid int
	var sumY, sumCb, sumCr, sumCb2, sumCr2 float64
	for i := 0; i < n; i++ {
		y, cb, cr := int(p.y[i]), int(p.cb[i]), int(p.cr[i])
		if abs(cb-128) < 8 && abs(cr-128) < 8 {
			grey0++
		}
		if abs(cb-medCb) < 8 && abs(cr-medCr) < 8 {
			greyC++
		}
		if y < 20 {
			dark++
		}
		if y > 200 {
			bright++
		}
		if y >= 40 && y <= 215 {
			mid++
		}
		sumY += float64(y)
		fc, fr := float64(cb), float64(cr)
		sumCb += fc
		sumCr += fr
		sumCb2 += fc * fc
		sumCr2 += fr * fr
	}
	fn := float64(n)
	f.grey = float64(grey0) / fn
	if f.cast <= 24 { // a slight cast (monitor, film box, white balance) is tolerated
		f.grey = math.Max(f.grey, float64(greyC)/fn)
	}
	mcb, mcr := sumCb/fn, sumCr/fn
	f.chromaSD = math.Sqrt(math.Max(0, sumCb2/fn-mcb*mcb) + math.Max(0, sumCr2/fn-mcr*mcr))
	f.dark = float64(dark) / fn
	f.bright = float64(bright) / fn
	f.mid = float64(mid) / fn
	f.meanY = sumY / fn
	f.otsuT, f.otsu = otsu(&hist, n)

	// Ring (outer 5%, at least one line) and centre box.
	rx, ry := max(p.w/20, 1), max(p.h/20, 1)
	cx0, cx1 := p.w/5, p.w-p.w/5
	cy0, cy1 := p.h/5, p.h-p.h/5
	var ringN, ringDark, centreN, periN int
	var ringY, centreY, periY, centreSat float64
	var skin int
	var edges int
	var asym int
	for y := 0; y < p.h; y++ {
		row := y * p.w
		inRingY := y < ry || y >= p.h-ry
		inCentreY := y >= cy0 && y < cy1
		for x := 0; x < p.w; x++ {
			i := row + x
			yy := int(p.y[i])
			if inRingY || x < rx || x >= p.w-rx {
				ringN++
				ringY += float64(yy)
				if yy < 30 {
					ringDark++
				}
			}
			if inCentreY && x >= cx0 && x < cx1 {
				centreN++
				centreY += float64(yy)
				cb, cr := int(p.cb[i]), int(p.cr[i])
				centreSat += math.Hypot(float64(cb-128), float64(cr-128))
				if isSkin(p.y[i], p.cb[i], p.cr[i]) {
					skin++
				}
			} else {
				periN++
				periY += float64(yy)
			}
			if x+1 < p.w && y+1 < p.h {
				if abs(int(p.y[i+1])-yy)+abs(int(p.y[i+p.w])-yy) > 48 {
					edges++
				}
			}
			if x < p.w/2 {
				asym += abs(yy - int(p.y[row+p.w-1-x]))
			}
		}
	}
	f.darkBorder = float64(ringDark) / float64(ringN)
	f.edges = float64(edges) / float64((p.w-1)*(p.h-1))
	f.asym = float64(asym) / float64(p.h*(p.w/2)) / 255
	f.centreLift = (centreY/float64(centreN) - ringY/float64(ringN)) / 255
	f.skinCentre = float64(skin) / float64(centreN)
	f.centreY = centreY / float64(centreN)
	f.centreSat = centreSat / float64(centreN) / 128
	if periN > 0 {
		f.centreLight = (centreY/float64(centreN) - periY/float64(periN)) / 255
	}
	return f
}

func median(h *[256]int, n int) int {
	half, acc := n/2, 0
	for v, c := range h {
		acc += c
		if acc > half {
			return v
		}
	}
	return 255
}

// otsu returns the threshold maximising the between-class variance and the
// separability η = σ²_between / σ²_total (0 for a flat image).
func otsu(h *[256]int, n int) (int, float64) {
	var sum, sum2 float64
	for v, c := range h {
		fv := float64(v)
		sum += fv * float64(c)
		sum2 += fv * fv * float64(c)
	}
	fn := float64(n)
	mean := sum / fn
	total := sum2/fn - mean*mean
	if total <= 1e-9 {
		return 0, 0
	}
	var w0, s0, best float64
	bestT := 0
	for t := 0; t < 255; t++ {
		w0 += float64(h[t])
		s0 += float64(t) * float64(h[t])
		if w0 == 0 || w0 == fn {
			continue
		}
		w1 := fn - w0
		m0, m1 := s0/w0, (sum-s0)/w1
		between := w0 * w1 * (m0 - m1) * (m0 - m1) / (fn * fn)
		if between > best {
			best, bestT = between, t
		}
	}
	return bestT, best / total
}
