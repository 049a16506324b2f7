package jpegdc

import (
	"fmt"
	"image"
)

// Fixed-point constants of the scale-4 reconstruction (see the package
// documentation): each output pixel is the mean of one 4x4 quarter of the
// block's IDCT, computed from F00, F01, F10 and F11 only.
//
//	a  = (cos(π/16) + cos(3π/16) + cos(5π/16) + cos(7π/16)) / 4 ≈ 0.640728
//	k1 = a / (4·√2) ≈ 0.113266, k2 = a² / 4 ≈ 0.102633
//	mean = F00/8 ± k1·F01 ± k1·F10 ± k2·F11
const (
	fixBits = 13
	fixDC   = 1 << (fixBits - 3) // 1/8
	fixK1   = 928                // round(0.113266 * 8192)
	fixK2   = 841                // round(0.102633 * 8192)
	fixHalf = 1 << (fixBits - 1)
)

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
		q := int64(c.q[0])
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
	q0, q1, q2, q3 := int64(c.q[0]), int64(c.q[1]), int64(c.q[2]), int64(c.q[3])
	for y := range h {
		by := min(y>>1, c.rows-1)
		sy := int64(1) // top half: cos((2y+1)π/16) > 0
		if y&1 != 0 {
			sy = -1
		}
		row := dst[y*stride : y*stride+w]
		for x := range row {
			bx := min(x>>1, c.stride-1)
			sx := int64(1)
			if x&1 != 0 {
				sx = -1
			}
			b := c.coef[(by*c.stride+bx)*4:]
			f00, f01, f10, f11 := int64(b[0])*q0, int64(b[1])*q1, int64(b[2])*q2, int64(b[3])*q3
			v := f00*fixDC + sx*fixK1*f01 + sy*fixK1*f10 + sx*sy*fixK2*f11
			row[x] = clamp8((v+fixHalf)>>fixBits + 128)
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
			d.comps[i].q = [4]int32{1, 1, 1, 1}
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
