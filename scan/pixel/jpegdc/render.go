package jpegdc

import (
	"fmt"
	"image"
	"math"
)

// quarterWeights turn the coefficients of a block into the means of its
// four 4x4 quarters (see the package documentation for the maths). For
// zig-zag index k, class[k] says which sum the dequantised coefficient
// goes to (bit 0: odd horizontal frequency, bit 1: odd vertical
// frequency; -1: an even non-zero frequency, whose quarter means are 0),
// and w[k] is its weight in 1/2^quarterBits.
type quarterWeights struct {
	w     [64]int64
	class [64]int8
}

const quarterBits = 16

// unzig maps zig-zag order to natural (row-major) order.
var unzig = [64]int{
	0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
}

// halfMean[u] is C(u) times the mean of cos((2x+1)uπ/16) over x = 0..3.
var halfMean = func() (m [8]float64) {
	for u := range 8 {
		s := 0.0
		for x := range 4 {
			s += math.Cos(float64((2*x+1)*u) * math.Pi / 16)
		}
		m[u] = s / 4
	}
	m[0] = 1 / math.Sqrt2
	return m
}()

func newQuarterWeights(q *[64]int32) *quarterWeights {
	w := &quarterWeights{}
	for k := range 64 {
		n := unzig[k]
		v, u := n/8, n%8
		if (u != 0 && u%2 == 0) || (v != 0 && v%2 == 0) {
			w.class[k] = -1
			continue
		}
		w.class[k] = int8(u%2 | (v%2)<<1)
		w.w[k] = int64(math.Round(float64(q[k]) * halfMean[u] * halfMean[v] / 4 * (1 << quarterBits)))
	}
	return w
}

// quarter turns a weighted sum into a pixel value.
func quarter(sum int64) byte {
	return clamp8((sum+1<<(quarterBits-1))>>quarterBits + 128)
}

func clamp8(v int64) byte {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return byte(v)
}

// render writes component c at the decoder's scale into dst (w x h
// pixels, stride), clipping to the coefficient grid.
func (d *decoder) render(c *component, dst []byte, stride, w, h int) {
	if d.ncoef == 1 {
		q := int64(c.q0)
		for y := range h {
			by := min(y, c.rows-1)
			src := c.coef[by*c.stride : by*c.stride+c.stride]
			row := dst[y*stride : y*stride+w]
			for x := range row {
				bx := min(x, c.stride-1)
				row[x] = clamp8((int64(src[bx])*q+4)>>3 + 128)
			}
		}
		return
	}
	for y := range h {
		by := min(y>>1, c.rows-1)
		row := dst[y*stride : y*stride+w]
		for x := range row {
			bx := min(x>>1, c.stride-1)
			row[x] = c.pix4[(by*c.stride+bx)*4+(x&1)+(y&1)*2]
		}
	}
}

// plane renders component c at its own reduced size.
func (d *decoder) plane(c *component) ([]byte, int, int) {
	s := d.opts.Scale
	w, h := ceilDiv(c.w, s), ceilDiv(c.hgt, s)
	p := make([]byte, w*h)
	d.render(c, p, w, w, h)
	return p, w, h
}

var ratios = []struct {
	h, v int
	r    image.YCbCrSubsampleRatio
}{
	{1, 1, image.YCbCrSubsampleRatio444},
	{2, 1, image.YCbCrSubsampleRatio422},
	{2, 2, image.YCbCrSubsampleRatio420},
	{1, 2, image.YCbCrSubsampleRatio440},
	{4, 1, image.YCbCrSubsampleRatio411},
	{4, 2, image.YCbCrSubsampleRatio410},
}

// image assembles the output image.
func (d *decoder) image() (image.Image, error) {
	s := d.opts.Scale
	w, h := ceilDiv(d.info.Width, s), ceilDiv(d.info.Height, s)
	rect := image.Rect(0, 0, w, h)
	for i := range d.comps {
		if !d.comps[i].qset {
			// Never scanned: render as mid-grey with any table.
			d.comps[i].q0 = 1
		}
	}
	if len(d.comps) == 1 {
		g := image.NewGray(rect)
		d.render(&d.comps[0], g.Pix, g.Stride, w, h)
		return g, nil
	}
	if len(d.comps) != 3 {
		return nil, fmt.Errorf("%w: %d components", ErrUnsupported, len(d.comps))
	}
	y, cb, cr := &d.comps[0], &d.comps[1], &d.comps[2]
	if y.h == d.hmax && y.v == d.vmax && cb.h == cr.h && cb.v == cr.v && d.hmax%cb.h == 0 && d.vmax%cb.v == 0 {
		for _, r := range ratios {
			if r.h == d.hmax/cb.h && r.v == d.vmax/cb.v {
				img := image.NewYCbCr(rect, r.r)
				cw, ch := (img.CStride), len(img.Cb)/max(img.CStride, 1)
				d.render(y, img.Y, img.YStride, w, h)
				d.render(cb, img.Cb, img.CStride, cw, ch)
				d.render(cr, img.Cr, img.CStride, cw, ch)
				return img, nil
			}
		}
	}
	// Sampling without a Go ratio: replicate every plane to 4:4:4.
	d.info.ChromaUpsampled = true
	img := image.NewYCbCr(rect, image.YCbCrSubsampleRatio444)
	dsts := [3][]byte{img.Y, img.Cb, img.Cr}
	for i := range d.comps {
		c := &d.comps[i]
		p, pw, ph := d.plane(c)
		dst := dsts[i]
		for oy := range h {
			sy := min((2*oy+1)*c.v/(2*d.vmax), ph-1)
			src := p[sy*pw : sy*pw+pw]
			row := dst[oy*img.YStride : oy*img.YStride+w]
			for ox := range row {
				row[ox] = src[min((2*ox+1)*c.h/(2*d.hmax), pw-1)]
			}
		}
	}
	return img, nil
}
