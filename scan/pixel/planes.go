package pixel

import (
	"image"
	"image/color"
)

// AnalysisMaxSide is the longest side Analyze works at; bigger images are
// box-averaged down to it first. It is the size of an EXIF thumbnail, the
// size every calibration image has (CALIBRATION.md): the texture and edge
// measures depend on resolution, so the rules hold at this size.
const AnalysisMaxSide = 160

// maxDownscale bounds Downscale's output.
const maxDownscale = 256

// planes is an image in full-range (JFIF) Y'CbCr, one byte per sample, no
// subsampling, at analysis resolution.
type planes struct {
	w, h      int
	y, cb, cr []uint8
}

func newPlanes(w, h int) *planes {
	n := w * h
	buf := make([]uint8, 3*n)
	return &planes{w: w, h: h, y: buf[:n:n], cb: buf[n : 2*n : 2*n], cr: buf[2*n:]}
}

// targetSize returns the size of img scaled so its longest side is at most
// maxSide, keeping the aspect ratio (each side at least 1).
func targetSize(w, h, maxSide int) (int, int) {
	if w <= maxSide && h <= maxSide {
		return w, h
	}
	if w >= h {
		nh := (h*maxSide + w/2) / w
		return maxSide, max(nh, 1)
	}
	nw := (w*maxSide + h/2) / h
	return max(nw, 1), maxSide
}

// toPlanes converts img to planes no larger than maxSide, averaging boxes of
// source pixels (area downscale). Common image types are read from their
// buffers directly.
func toPlanes(img image.Image, maxSide int) *planes {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	if sw <= 0 || sh <= 0 {
		return newPlanes(0, 0)
	}
	dw, dh := targetSize(sw, sh, maxSide)
	p := newPlanes(dw, dh)
	// Box edges along each axis.
	xs := edges(sw, dw)
	ys := edges(sh, dh)
	switch m := img.(type) {
	case *image.YCbCr:
		fromYCbCr(p, m, xs, ys)
	case *image.Gray:
		for oy := 0; oy < dh; oy++ {
			for ox := 0; ox < dw; ox++ {
				var sum, cnt uint32
				for y := ys[oy]; y < ys[oy+1]; y++ {
					row := m.Pix[y*m.Stride:]
					for x := xs[ox]; x < xs[ox+1]; x++ {
						sum += uint32(row[x])
					}
					cnt += uint32(xs[ox+1] - xs[ox])
				}
				i := oy*dw + ox
				p.y[i] = uint8((sum + cnt/2) / cnt)
				p.cb[i], p.cr[i] = 128, 128
			}
		}
	case *image.RGBA:
		fromRGBPix(p, m.Pix, m.Stride, xs, ys, false)
	case *image.NRGBA:
		fromRGBPix(p, m.Pix, m.Stride, xs, ys, true)
	default:
		fromGeneric(p, img, xs, ys)
	}
	return p
}

// edges splits n source samples into m boxes: box i is [e[i], e[i+1]).
func edges(n, m int) []int {
	e := make([]int, m+1)
	for i := 0; i <= m; i++ {
		e[i] = i * n / m
	}
	for i := 1; i <= m; i++ { // every box at least one sample
		if e[i] <= e[i-1] {
			e[i] = e[i-1] + 1
		}
	}
	if e[m] > n {
		e[m] = n
	}
	return e
}

func fromYCbCr(p *planes, m *image.YCbCr, xs, ys []int) {
	b := m.Rect
	dw, dh := p.w, p.h
	// Chroma column/row divisors per subsampling ratio.
	cx, cy := 1, 1
	switch m.SubsampleRatio {
	case image.YCbCrSubsampleRatio422:
		cx = 2
	case image.YCbCrSubsampleRatio420:
		cx, cy = 2, 2
	case image.YCbCrSubsampleRatio440:
		cy = 2
	case image.YCbCrSubsampleRatio411:
		cx = 4
	case image.YCbCrSubsampleRatio410:
		cx, cy = 4, 2
	}
	x0c, y0c := b.Min.X/cx, b.Min.Y/cy
	if dw == b.Dx() && dh == b.Dy() { // no scaling: copy rows, look chroma up
		for y := 0; y < dh; y++ {
			copy(p.y[y*dw:(y+1)*dw], m.Y[y*m.YStride:y*m.YStride+dw])
			coff := ((b.Min.Y+y)/cy - y0c) * m.CStride
			cbRow, crRow := p.cb[y*dw:(y+1)*dw], p.cr[y*dw:(y+1)*dw]
			if cx == 1 {
				copy(cbRow, m.Cb[coff:coff+dw])
				copy(crRow, m.Cr[coff:coff+dw])
				continue
			}
			sh := 1 // cx is 2 or 4: shift instead of divide
			if cx == 4 {
				sh = 2
			}
			cbSrc, crSrc := m.Cb[coff:], m.Cr[coff:]
			for x := range cbRow {
				ci := (b.Min.X+x)>>sh - x0c
				cbRow[x], crRow[x] = cbSrc[ci], crSrc[ci]
			}
		}
		return
	}
	// cx and cy are 1, 2 or 4: shifts, not divisions, in the inner loop
	// (the division was over half of the cost of a full-size photo).
	shx, shy := uint(0), uint(0)
	for c := cx; c > 1; c >>= 1 {
		shx++
	}
	for c := cy; c > 1; c >>= 1 {
		shy++
	}
	// Separable box sums: each source row is added into per-column
	// accumulators of the output row it belongs to (one pass over the
	// source in memory order), then each output row is divided out.
	colOf := make([]int32, xs[dw]) // source column -> output column
	cIdx := make([]int32, xs[dw])  // source column -> chroma column
	for ox := 0; ox < dw; ox++ {
		for x := xs[ox]; x < xs[ox+1]; x++ {
			colOf[x] = int32(ox)
			cIdx[x] = int32((b.Min.X+x)>>shx - x0c)
		}
	}
	invs := boxInverses{xs: xs}
	acc := make([]uint32, 3*dw)
	accY, accCb, accCr := acc[:dw:dw], acc[dw:2*dw:2*dw], acc[2*dw:]
	for oy := 0; oy < dh; oy++ {
		clear(acc)
		for y := ys[oy]; y < ys[oy+1]; y++ {
			yrow := m.Y[y*m.YStride : y*m.YStride+xs[dw]]
			coff := ((b.Min.Y+y)>>shy - y0c) * m.CStride
			cbRow, crRow := m.Cb[coff:], m.Cr[coff:]
			for x, v := range yrow {
				o, ci := colOf[x], cIdx[x]
				accY[o] += uint32(v)
				accCb[o] += uint32(cbRow[ci])
				accCr[o] += uint32(crRow[ci])
			}
		}
		inv := invs.row(ys[oy+1] - ys[oy])
		row := p.y[oy*dw : (oy+1)*dw]
		cbOut, crOut := p.cb[oy*dw:(oy+1)*dw], p.cr[oy*dw:(oy+1)*dw]
		for ox := range row {
			iv := inv[ox]
			if iv.mul == 0 { // a big box: divide
				c := uint32(iv.round)
				row[ox], cbOut[ox], crOut[ox] = uint8((accY[ox]+c/2)/c), uint8((accCb[ox]+c/2)/c), uint8((accCr[ox]+c/2)/c)
				continue
			}
			row[ox] = uint8((uint64(accY[ox])<<1 + iv.round) * iv.mul >> 37)
			cbOut[ox] = uint8((uint64(accCb[ox])<<1 + iv.round) * iv.mul >> 37)
			crOut[ox] = uint8((uint64(accCr[ox])<<1 + iv.round) * iv.mul >> 37)
		}
	}
}

// boxInverses holds, per box height, each output column's rounding
// reciprocal: a box of c pixels with sum s has the rounded mean
// (s + c/2) / c = ((2s + c) * ceil(2^36/c)) >> 37 exactly while
// 2s + c < 2^21 (boxes under 4096 pixels; bigger ones divide), since the
// error term then stays below 1/c. Three divisions a pixel were most of a
// small downscale's cost.
type boxInverses struct {
	xs   []int
	rows map[int][]boxInverse
}

// boxInverse: mul is ceil(2^36/c), or 0 for a box to divide; round is c.
type boxInverse struct{ mul, round uint64 }

// maxBoxInverse bounds the boxes that use a reciprocal (see boxInverses).
const maxBoxInverse = 4096

func (b *boxInverses) row(hgt int) []boxInverse {
	if r, ok := b.rows[hgt]; ok {
		return r
	}
	if b.rows == nil {
		b.rows = map[int][]boxInverse{}
	}
	r := make([]boxInverse, len(b.xs)-1)
	for ox := range r {
		c := uint64(b.xs[ox+1]-b.xs[ox]) * uint64(hgt)
		r[ox] = boxInverse{round: c}
		if c < maxBoxInverse {
			r[ox].mul = (1<<36 + c - 1) / c
		}
	}
	b.rows[hgt] = r
	return r
}

func fromRGBPix(p *planes, pix []uint8, stride int, xs, ys []int, nonPremul bool) {
	dw, dh := p.w, p.h
	for oy := 0; oy < dh; oy++ {
		for ox := 0; ox < dw; ox++ {
			var sr, sg, sb, cnt uint32
			for y := ys[oy]; y < ys[oy+1]; y++ {
				row := pix[y*stride:]
				for x := xs[ox]; x < xs[ox+1]; x++ {
					q := row[4*x : 4*x+4 : 4*x+4]
					r, g, bl := uint32(q[0]), uint32(q[1]), uint32(q[2])
					if nonPremul && q[3] != 0xFF {
						a := uint32(q[3])
						r, g, bl = r*a/255, g*a/255, bl*a/255
					}
					sr += r
					sg += g
					sb += bl
				}
				cnt += uint32(xs[ox+1] - xs[ox])
			}
			h := cnt / 2
			i := oy*dw + ox
			p.y[i], p.cb[i], p.cr[i] = color.RGBToYCbCr(uint8((sr+h)/cnt), uint8((sg+h)/cnt), uint8((sb+h)/cnt))
		}
	}
}

// fromGeneric handles any other image type through At, sampling at most
// 4x4 points per output pixel so huge paletted or 16-bit images stay cheap.
func fromGeneric(p *planes, img image.Image, xs, ys []int) {
	b := img.Bounds()
	for oy := 0; oy < p.h; oy++ {
		ystep := max((ys[oy+1]-ys[oy])/4, 1)
		for ox := 0; ox < p.w; ox++ {
			xstep := max((xs[ox+1]-xs[ox])/4, 1)
			var sr, sg, sb, cnt uint32
			for y := ys[oy]; y < ys[oy+1]; y += ystep {
				for x := xs[ox]; x < xs[ox+1]; x += xstep {
					r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
					sr += r >> 8
					sg += g >> 8
					sb += bl >> 8
					cnt++
				}
			}
			h := cnt / 2
			i := oy*p.w + ox
			p.y[i], p.cb[i], p.cr[i] = color.RGBToYCbCr(uint8((sr+h)/cnt), uint8((sg+h)/cnt), uint8((sb+h)/cnt))
		}
	}
}

// Downscale returns img box-averaged so that its longest side is at most
// maxSide (maxSide <= 0 or > 256 means 256), as a
// 4:4:4 *image.YCbCr whose bounds start at (0,0). Use it to keep a small
// copy of a fully decoded photo; Analyze already downscales internally.
func Downscale(img image.Image, maxSide int) image.Image {
	if maxSide <= 0 || maxSide > maxDownscale {
		maxSide = maxDownscale
	}
	p := toPlanes(img, maxSide)
	return p.image()
}

func (p *planes) image() *image.YCbCr {
	out := image.NewYCbCr(image.Rect(0, 0, p.w, p.h), image.YCbCrSubsampleRatio444)
	copy(out.Y, p.y)
	copy(out.Cb, p.cb)
	copy(out.Cr, p.cr)
	return out
}

// crop returns the sub-rectangle [x0,x1)x[y0,y1) as new planes.
func (p *planes) crop(x0, y0, x1, y1 int) *planes {
	q := newPlanes(x1-x0, y1-y0)
	for y := y0; y < y1; y++ {
		copy(q.y[(y-y0)*q.w:], p.y[y*p.w+x0:y*p.w+x1])
		copy(q.cb[(y-y0)*q.w:], p.cb[y*p.w+x0:y*p.w+x1])
		copy(q.cr[(y-y0)*q.w:], p.cr[y*p.w+x0:y*p.w+x1])
	}
	return q
}
