package pixel

import (
	"fmt"
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
	HasCamera        bool    // Make/Model present (reserved: the current rules do not use it)
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
func Analyze(img image.Image, cues Cues) (res Result) {
	b := img.Bounds()
	res = Result{Width: b.Dx(), Height: b.Dy()}
	defer func() {
		// An image whose buffers do not match its bounds (a caller's bug)
		// must not take the scan down.
		if r := recover(); r != nil {
			detail := fmt.Sprintf("analysis failed: %v", r)
			res.Signals = []Signal{{Code: CodeRadiograph, Detail: detail}, {Code: CodeSkinCloseup, Detail: detail}}
		}
	}()
	p := toPlanes(img, AnalysisMaxSide)
	if x0, y0, x1, y1, ok := p.letterbox(); ok {
		p = p.crop(x0, y0, x1, y1)
	}
	if p.w < 8 || p.h < 8 {
		res.Signals = []Signal{{Code: CodeRadiograph, Detail: "image too small"}, {Code: CodeSkinCloseup, Detail: "image too small"}}
		return res
	}
	f := measureTones(p)
	// Every radiograph branch needs grey >= 80% (the inner view is only
	// tried from 50%), and the skin rule needs a close-up cue from the
	// metadata: most colour photos are settled here, before the costlier
	// texture and region passes, with the same verdicts.
	near, _ := cues.closeUp()
	if f.grey < 0.5 && !near {
		res.Signals = []Signal{
			{Code: CodeRadiograph, Detail: fmt.Sprintf("not near-grey: grey %d%%", pct(f.grey))},
			f.skinCloseup(cues), // without a cue it reads no figure
		}
		return res
	}
	measureRegions(p, &f, near)
	var inner *features
	// Inner view (a photo of a monitor or film): only worth it when much of
	// the frame is grey already; every radiograph rule needs grey >= 85%.
	if ix, iy := p.w/10, p.h/10; f.grey >= 0.5 && p.w-2*ix >= 16 && p.h-2*iy >= 16 {
		fi := measure(p.crop(ix, iy, p.w-ix, p.h-iy), false)
		inner = &fi
	}
	res.Signals = []Signal{f.radiograph(inner), f.skinCloseup(cues)}
	return res
}

// features are the numbers the rules use; fractions are 0..1.
type features struct {
	w, h int

	grey       float64 // chroma within ±8 of neutral, or of the cast of its brightness band
	darkT      int     // adaptive dark level: 2nd percentile of Y + 22, within 20..60
	dark       float64 // Y < darkT
	darkBorder float64 // Y < darkT+10, best of three rings (outer 5%, and two insets for a screen's frame)
	body       float64 // Y >= darkT+30: the imaged body
	bright     float64 // Y > 200
	mid        float64 // 40 <= Y <= 215
	otsu       float64 // Otsu separability: between-class / total variance
	edges      float64 // |dx|+|dy| > 48
	flat       float64 // non-dark pixels with |dx|+|dy| <= 1 (flat UI areas, paper)
	asym       float64 // mean |Y(x) - Y(w-1-x)| / 255
	centreLift float64 // mean Y of the centre box minus mean Y of the outer ring, /255
	ringBright float64 // Y > 200 in the outer 5% ring (a light box around a film)

	skinCentre  float64 // skin vote in the central 60% box
	centreY     float64 // mean Y of the central box
	centreSat   float64 // mean chroma magnitude of the central box /128
	centreLight float64 // mean Y of the central box minus the periphery, /255
}

// measure fills every feature; the skin figures of the centre (skin
// votes and chroma) only when withSkin, as only the skin rule reads them.
func measure(p *planes, withSkin bool) features {
	f := measureTones(p)
	measureRegions(p, &f, withSkin)
	return f
}

// measureTones fills the whole-image tone figures: grey, the dark level,
// dark, body, bright, mid and Otsu separability.
func measureTones(p *planes) features {
	f := features{w: p.w, h: p.h}
	n := p.w * p.h
	var hist [256]int
	var hcb, hcr [4][256]int32 // int32: a smaller frame for the worker's stack
	ys, cbs, crs := p.y[:n], p.cb[:n], p.cr[:n]
	for i, y := range ys {
		hist[y]++
		band := y >> 6
		hcb[band][cbs[i]]++
		hcr[band][crs[i]]++
	}
	// countY sums the histogram over lo <= Y <= hi.
	countY := func(lo, hi int) int {
		c := 0
		for _, v := range hist[max(lo, 0) : min(hi, 255)+1] {
			c += v
		}
		return c
	}
	var medCb, medCr [4]int
	for k := range medCb {
		medCb[k], medCr[k] = 128, 128
		if bandN := countY(64*k, 64*k+63); bandN > 0 {
			cb, cr := median(&hcb[k], bandN), median(&hcr[k], bandN)
			if abs(cb-128) <= 24 && abs(cr-128) <= 24 { // a slight cast is tolerated
				medCb[k], medCr[k] = cb, cr
			}
		}
	}
	p2, acc := 0, 0
	for v, c := range hist {
		acc += c
		if acc*50 >= n {
			p2 = v
			break
		}
	}
	f.darkT = min(max(p2+22, 20), 60)

	// Per band: is this Cb (Cr) within ±7 of the band's reference? (1 or
	// 0, so that the count below needs no branch.)
	var okCb, okCr [4][256]uint8
	for k := range okCb {
		for v := max(medCb[k]-7, 0); v <= min(medCb[k]+7, 255); v++ {
			okCb[k][v] = 1
		}
		for v := max(medCr[k]-7, 0); v <= min(medCr[k]+7, 255); v++ {
			okCr[k][v] = 1
		}
	}
	grey := 0
	for i, y := range ys {
		band := y >> 6
		grey += int(okCb[band][cbs[i]] & okCr[band][crs[i]])
	}
	// The brightness fractions depend on Y alone: read them off the histogram.
	dark := countY(0, f.darkT-1)
	body := countY(f.darkT+30, 255)
	bright := countY(201, 255)
	mid := countY(40, 215)
	fn := float64(n)
	f.grey = float64(grey) / fn
	f.dark = float64(dark) / fn
	f.body = float64(body) / fn
	f.bright = float64(bright) / fn
	f.mid = float64(mid) / fn
	_, f.otsu = otsu(&hist, n)
	return f
}

// measureRegions fills the figures of rings, the centre box and texture.
func measureRegions(p *planes, f *features, withSkin bool) {
	dT := uint8(f.darkT)
	// Three rings: outer 5%, and 5%-thick rings inset by 7% and 14%.
	rx, ry := max(p.w/20, 1), max(p.h/20, 1)
	ringT := dT + 10
	var ring0Y float64
	var ring0N, ring0Bright int
	for k := 0; k < 3; k++ {
		ix, iy := k*p.w*7/100, k*p.h*7/100
		x0, x1, y0, y1 := ix, p.w-ix, iy, p.h-iy
		if x1-x0 <= 2*rx || y1-y0 <= 2*ry {
			break
		}
		var rn, rd int
		for y := y0; y < y1; y++ {
			row := p.y[y*p.w : (y+1)*p.w]
			count := func(xa, xb int) {
				for _, v := range row[xa:xb] {
					rn++
					if v < ringT {
						rd++
					}
					if k == 0 {
						ring0Y += float64(v)
						if v > 200 {
							ring0Bright++
						}
					}
				}
			}
			if y < y0+ry || y >= y1-ry {
				count(x0, x1)
			} else {
				count(x0, x0+rx)
				count(x1-rx, x1)
			}
		}
		if k == 0 {
			ring0N = rn
			f.ringBright = float64(ring0Bright) / float64(rn)
		}
		f.darkBorder = math.Max(f.darkBorder, float64(rd)/float64(rn))
	}
	cx0, cx1 := p.w/5, p.w-p.w/5
	cy0, cy1 := p.h/5, p.h-p.h/5
	var centreN, periN, skin, edges, flat, light, asym int
	var centreY, periY, centreSat float64
	for y := 0; y < p.h; y++ {
		row := y * p.w
		inCentreY := y >= cy0 && y < cy1
		for x := 0; x < p.w; x++ {
			i := row + x
			yy := int(p.y[i])
			if inCentreY && x >= cx0 && x < cx1 {
				centreN++
				centreY += float64(yy)
				if withSkin {
					cb, cr := int(p.cb[i]), int(p.cr[i])
					centreSat += math.Sqrt(float64((cb-128)*(cb-128) + (cr-128)*(cr-128)))
					if isSkin(p.y[i], p.cb[i], p.cr[i]) {
						skin++
					}
				}
			} else {
				periN++
				periY += float64(yy)
			}
			if x+1 < p.w && y+1 < p.h {
				g := abs(int(p.y[i+1])-yy) + abs(int(p.y[i+p.w])-yy)
				if g > 48 {
					edges++
				}
				if p.y[i] >= dT {
					light++
					if g <= 1 {
						flat++
					}
				}
			}
			if x < p.w/2 {
				asym += abs(yy - int(p.y[row+p.w-1-x]))
			}
		}
	}
	f.edges = float64(edges) / float64((p.w-1)*(p.h-1))
	if light > 0 {
		f.flat = float64(flat) / float64(light)
	}
	f.asym = float64(asym) / float64(p.h*(p.w/2)) / 255
	f.centreLift = (centreY/float64(centreN) - ring0Y/float64(ring0N)) / 255
	f.skinCentre = float64(skin) / float64(centreN)
	f.centreY = centreY / float64(centreN)
	f.centreSat = centreSat / float64(centreN) / 128
	if periN > 0 {
		f.centreLight = (centreY/float64(centreN) - periY/float64(periN)) / 255
	}
}

func median(h *[256]int32, n int) int {
	half, acc := n/2, 0
	for v, c := range h {
		acc += int(c)
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
