package jpegdc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
)

// Sentinel errors; returned errors wrap one of them.
var (
	// ErrUnsupported: a valid JPEG this package does not decode (RGB or
	// CMYK/YCCK colour, 12-bit, arithmetic coding, lossless, hierarchical,
	// DNL height, 2 or 4+ components). Callers fall back to image/jpeg.
	ErrUnsupported = errors.New("jpegdc: unsupported JPEG")
	// ErrTruncated: the entropy-coded data ended (end of input or an
	// unexpected marker) before every block of every component was
	// decoded. Decode then returns the partial image as well, when at
	// least one scan had started; missing blocks are mid-grey (128).
	ErrTruncated = errors.New("jpegdc: JPEG data ends early")
	// ErrTooLarge: the input is longer than Options.MaxBytes or the
	// source image has more than Options.MaxPixels pixels; nothing was
	// allocated for pixels.
	ErrTooLarge = errors.New("jpegdc: JPEG too large")
	// ErrFormat: not a JPEG, or invalid headers or entropy data (missing
	// or bad tables, bad Huffman codes, bad segment lengths).
	ErrFormat = errors.New("jpegdc: invalid JPEG")
)

// Default limits.
const (
	DefaultMaxBytes  = 32 << 20
	DefaultMaxPixels = 100_000_000
)

// Options of Decode. The zero value means scale 8 and the default limits.
type Options struct {
	// Scale is 8 (one output pixel per 8x8 block, from the DC coefficient)
	// or 4 (2x2 output pixels per block from the four lowest-frequency
	// coefficients; sequential files only, progressive ones fall back to
	// 8 and say so in Info.Scale). 0 means 8.
	Scale int
	// MaxBytes caps the input read by Decode (0: DefaultMaxBytes).
	MaxBytes int64
	// MaxPixels caps the source image's width*height, checked from the
	// frame header before anything is allocated (0: DefaultMaxPixels).
	MaxPixels int64
}

// Info describes the decoded file.
type Info struct {
	Width, Height int    // source image size in pixels
	Scale         int    // scale actually used: 8 or 4
	Progressive   bool   // SOF2 file (only its DC scans were decoded)
	Components    int    // 1 (grey) or 3 (YCbCr)
	Sampling      string // sampling factors, e.g. "2x2,1x1,1x1"
	// ChromaUpsampled: the sampling factors match no
	// image.YCbCrSubsampleRatio, so the chroma planes were replicated to
	// 4:4:4 by nearest neighbour.
	ChromaUpsampled bool
	Restart         int // restart interval in MCUs (0: none)
	Scans           int // scans seen; DC scans decoded for a progressive file
}

type component struct {
	id       byte
	h, v     int     // sampling factors
	tq       int     // quantisation table selector
	w, hgt   int     // component size in samples: ceil(W*h/hmax) x ceil(H*v/vmax)
	bw, bh   int     // blocks covering the component: ceil(w/8) x ceil(hgt/8)
	stride   int     // blocks per row in coef (MCU-padded)
	rows     int     // block rows in coef (MCU-padded)
	coef     []int32 // scale 8: quantised DC value of each block
	pix4     []byte  // scale 4: the block's four quarter means, row-major
	q0       int32   // DC quantiser, fixed at the component's first scan
	w4       *quarterWeights
	qset     bool
	done     bool // a complete scan gave all of its DC values
	td, ta   int  // Huffman selectors of the current scan
	pred     int32
	anyBlock bool
}

type decoder struct {
	bitReader
	opts        Options
	info        Info
	qt          [4][64]int32
	qdef        [4]bool
	dc, ac      [4]*huff // allocated by the first DHT that defines them
	comps       []component
	hmax, vmax  int
	mcux, mcuy  int
	frame       bool
	progressive bool
	restart     int
	adobe       bool
	transform   int
	ncoef       int // 1 at scale 8, 4 at scale 4
	decoded     bool
}

// DecodeConfig reads the headers up to the frame header and returns the
// source image's size and colour model (color.GrayModel or
// color.YCbCrModel). It fails with ErrUnsupported for files Decode would
// refuse for their coding or colour.
func DecodeConfig(r io.Reader) (image.Config, error) {
	// Headers come first: read 64 KB, then more only while the frame
	// header has not been reached (large EXIF, ICC or XMP segments).
	var b []byte
	var d *decoder
	for want := 64 << 10; ; want = min(want*4, DefaultMaxBytes) {
		n := len(b)
		b = append(b, make([]byte, want-n)...)
		k, err := io.ReadFull(r, b[n:])
		b = b[:n+k]
		ended := err != nil // io.EOF, io.ErrUnexpectedEOF or a read error
		if ended && err != io.EOF && err != io.ErrUnexpectedEOF {
			return image.Config{}, fmt.Errorf("jpegdc: read: %w", err)
		}
		d = &decoder{opts: Options{Scale: 8, MaxPixels: 1 << 62}}
		d.ncoef = 1
		perr := d.parse(b, true)
		if perr == nil {
			break
		}
		if !errors.Is(perr, ErrTruncated) || ended || want >= DefaultMaxBytes {
			return image.Config{}, perr // not truncated, or the input really ends
		}
	}
	if !d.frame {
		return image.Config{}, fmt.Errorf("%w: no frame header", ErrFormat)
	}
	if err := d.checkColour(); err != nil {
		return image.Config{}, err
	}
	cfg := image.Config{Width: d.info.Width, Height: d.info.Height, ColorModel: color.YCbCrModel}
	if len(d.comps) == 1 {
		cfg.ColorModel = color.GrayModel
	}
	return cfg, nil
}

func readLimited(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("jpegdc: read: %w", err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)
	}
	return b, nil
}

// Decode reads a JPEG from r (at most o.MaxBytes) and returns it reduced
// by o.Scale: *image.Gray for one component, *image.YCbCr for three. See
// DecodeBytes.
func Decode(r io.Reader, o Options) (image.Image, Info, error) {
	max := o.MaxBytes
	if max <= 0 {
		max = DefaultMaxBytes
	}
	b, err := readLimited(r, max)
	if err != nil {
		return nil, Info{}, err
	}
	return DecodeBytes(b, o)
}

// DecodeBytes is Decode on bytes already in memory (no copy; data is not
// modified or retained). o.MaxBytes is not applied. When the error wraps
// ErrTruncated the image, if not nil, is the partial result.
func DecodeBytes(data []byte, o Options) (img image.Image, info Info, err error) {
	d := &decoder{opts: o}
	if d.opts.Scale == 0 {
		d.opts.Scale = 8
	}
	if d.opts.Scale != 8 && d.opts.Scale != 4 {
		return nil, Info{}, fmt.Errorf("jpegdc: scale %d (want 4 or 8)", o.Scale)
	}
	if d.opts.MaxPixels <= 0 {
		d.opts.MaxPixels = DefaultMaxPixels
	}
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("%w: decoder panic: %v", ErrFormat, r)
		}
	}()
	perr := d.parse(data, false)
	info = d.info
	if perr != nil && !errors.Is(perr, ErrTruncated) {
		return nil, info, perr
	}
	if !d.frame {
		if perr != nil {
			return nil, info, perr
		}
		return nil, info, fmt.Errorf("%w: no frame header", ErrFormat)
	}
	if !d.decoded {
		if perr == nil {
			perr = fmt.Errorf("%w: no scan data", ErrTruncated)
		}
		return nil, info, perr
	}
	if perr == nil {
		for i := range d.comps {
			if !d.comps[i].done {
				perr = fmt.Errorf("%w: component %d has no complete scan", ErrTruncated, i)
				break
			}
		}
	}
	img, cerr := d.image()
	if cerr != nil {
		return nil, d.info, cerr
	}
	return img, d.info, perr
}

// parse walks the markers. headerOnly stops at the frame header.
func (d *decoder) parse(data []byte, headerOnly bool) error {
	if len(data) < 2 || data[0] != 0xFF || data[1] != 0xD8 {
		return fmt.Errorf("%w: missing SOI", ErrFormat)
	}
	pos := 2
	for {
		// Find the next marker; bytes between segments are skipped.
		i := bytes.IndexByte(data[pos:], 0xFF)
		if i < 0 {
			break
		}
		pos += i
		for pos+1 < len(data) && data[pos+1] == 0xFF {
			pos++
		}
		if pos+1 >= len(data) {
			break
		}
		m := data[pos+1]
		pos += 2
		switch {
		case m == 0x00 || m == 0x01 || m == 0xD8 || (m >= 0xD0 && m <= 0xD7):
			continue // stuffing, TEM, SOI, stray RSTn
		case m == 0xD9:
			return nil
		}
		if pos+2 > len(data) {
			return fmt.Errorf("%w: segment header", ErrTruncated)
		}
		n := int(binary.BigEndian.Uint16(data[pos:]))
		if n < 2 {
			return fmt.Errorf("%w: segment length %d", ErrFormat, n)
		}
		if pos+n > len(data) {
			return fmt.Errorf("%w: segment %#02x", ErrTruncated, m)
		}
		seg := data[pos+2 : pos+n]
		pos += n
		var err error
		switch {
		case m == 0xC0 || m == 0xC1 || m == 0xC2:
			err = d.sof(m, seg)
			if err == nil && headerOnly {
				return nil
			}
		case m >= 0xC3 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC:
			err = fmt.Errorf("%w: SOF%d (lossless, hierarchical or arithmetic)", ErrUnsupported, m-0xC0)
		case m == 0xC4:
			err = d.dht(seg)
		case m == 0xDB:
			err = d.dqt(seg)
		case m == 0xDD:
			if len(seg) < 2 {
				err = fmt.Errorf("%w: DRI length", ErrFormat)
			} else {
				d.restart = int(binary.BigEndian.Uint16(seg))
				d.info.Restart = d.restart
			}
		case m == 0xEE:
			if len(seg) >= 12 && string(seg[:5]) == "Adobe" {
				d.adobe, d.transform = true, int(seg[11])
			}
		case m == 0xDA:
			if headerOnly {
				return fmt.Errorf("%w: scan before frame header", ErrFormat)
			}
			pos, err = d.sos(seg, data, pos)
		}
		if err != nil {
			return err
		}
	}
	if headerOnly {
		return fmt.Errorf("%w: no frame header", ErrTruncated)
	}
	return nil
}

func (d *decoder) sof(m byte, seg []byte) error {
	if d.frame {
		return fmt.Errorf("%w: second frame header", ErrFormat)
	}
	if len(seg) < 6 {
		return fmt.Errorf("%w: SOF length", ErrFormat)
	}
	if seg[0] != 8 {
		return fmt.Errorf("%w: %d-bit samples", ErrUnsupported, seg[0])
	}
	h := int(binary.BigEndian.Uint16(seg[1:]))
	w := int(binary.BigEndian.Uint16(seg[3:]))
	nc := int(seg[5])
	d.info.Width, d.info.Height, d.info.Components = w, h, nc
	d.progressive = m == 0xC2
	d.info.Progressive = d.progressive
	if h == 0 {
		return fmt.Errorf("%w: height defined by DNL", ErrUnsupported)
	}
	if w == 0 {
		return fmt.Errorf("%w: zero width", ErrFormat)
	}
	if nc != 1 && nc != 3 {
		return fmt.Errorf("%w: %d components", ErrUnsupported, nc)
	}
	if len(seg) != 6+3*nc {
		return fmt.Errorf("%w: SOF length", ErrFormat)
	}
	if int64(w)*int64(h) > d.opts.MaxPixels {
		return fmt.Errorf("%w: %dx%d is more than %d pixels", ErrTooLarge, w, h, d.opts.MaxPixels)
	}
	d.comps = make([]component, nc)
	d.hmax, d.vmax = 1, 1
	var samp []byte
	for i := range d.comps {
		c := &d.comps[i]
		p := seg[6+3*i:]
		c.id, c.h, c.v, c.tq = p[0], int(p[1]>>4), int(p[1]&15), int(p[2])
		if c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4 || c.tq > 3 {
			return fmt.Errorf("%w: component %d sampling %dx%d table %d", ErrFormat, i, c.h, c.v, c.tq)
		}
		for j := 0; j < i; j++ {
			if d.comps[j].id == c.id {
				return fmt.Errorf("%w: duplicate component id %d", ErrFormat, c.id)
			}
		}
		if nc == 1 {
			c.h, c.v = 1, 1 // a lone component is never interleaved
		}
		d.hmax, d.vmax = max(d.hmax, c.h), max(d.vmax, c.v)
		if i > 0 {
			samp = append(samp, ',')
		}
		samp = fmt.Appendf(samp, "%dx%d", c.h, c.v)
	}
	d.info.Sampling = string(samp)
	d.frame = true
	if d.progressive && d.opts.Scale == 4 {
		d.opts.Scale = 8
	}
	d.info.Scale = d.opts.Scale
	d.ncoef = 1
	if d.opts.Scale == 4 {
		d.ncoef = 4
	}
	d.mcux = ceilDiv(w, 8*d.hmax)
	d.mcuy = ceilDiv(h, 8*d.vmax)
	return nil
}

// alloc makes the coefficient arrays; called at the first scan, after the
// colour checks, so that a refused file allocates nothing.
func (d *decoder) alloc() {
	w, h := d.info.Width, d.info.Height
	for i := range d.comps {
		c := &d.comps[i]
		c.w = ceilDiv(w*c.h, d.hmax)
		c.hgt = ceilDiv(h*c.v, d.vmax)
		c.bw, c.bh = ceilDiv(c.w, 8), ceilDiv(c.hgt, 8)
		c.stride, c.rows = d.mcux*c.h, d.mcuy*c.v
		if d.ncoef == 1 {
			c.coef = make([]int32, c.stride*c.rows)
		} else {
			c.pix4 = bytes.Repeat([]byte{128}, c.stride*c.rows*4)
		}
	}
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func (d *decoder) checkColour() error {
	if len(d.comps) == 3 {
		if d.adobe && d.transform == 0 {
			return fmt.Errorf("%w: Adobe RGB (transform 0)", ErrUnsupported)
		}
		if !d.adobe && d.comps[0].id == 'R' && d.comps[1].id == 'G' && d.comps[2].id == 'B' {
			return fmt.Errorf("%w: RGB components", ErrUnsupported)
		}
	}
	return nil
}

func (d *decoder) dqt(seg []byte) error {
	for len(seg) > 0 {
		pq, tq := seg[0]>>4, int(seg[0]&15)
		if tq > 3 || pq > 1 {
			return fmt.Errorf("%w: DQT table %d precision %d", ErrFormat, tq, pq)
		}
		seg = seg[1:]
		if pq == 0 {
			if len(seg) < 64 {
				return fmt.Errorf("%w: DQT length", ErrFormat)
			}
			for i := range 64 {
				d.qt[tq][i] = int32(seg[i])
			}
			seg = seg[64:]
		} else {
			if len(seg) < 128 {
				return fmt.Errorf("%w: DQT length", ErrFormat)
			}
			for i := range 64 {
				d.qt[tq][i] = int32(binary.BigEndian.Uint16(seg[2*i:]))
			}
			seg = seg[128:]
		}
		d.qdef[tq] = true
	}
	return nil
}

func (d *decoder) dht(seg []byte) error {
	for len(seg) > 0 {
		if len(seg) < 17 {
			return fmt.Errorf("%w: DHT length", ErrFormat)
		}
		tc, th := seg[0]>>4, int(seg[0]&15)
		if tc > 1 || th > 3 {
			return fmt.Errorf("%w: DHT class %d id %d", ErrFormat, tc, th)
		}
		var counts [16]byte
		copy(counts[:], seg[1:17])
		n := 0
		for _, c := range counts {
			n += int(c)
		}
		seg = seg[17:]
		if n > len(seg) {
			return fmt.Errorf("%w: DHT length", ErrFormat)
		}
		tabs := &d.dc
		if tc == 1 {
			tabs = &d.ac
		}
		if tabs[th] == nil {
			tabs[th] = new(huff)
		}
		t := tabs[th]
		if err := t.build(&counts, seg[:n]); err != nil {
			return err
		}
		seg = seg[n:]
	}
	return nil
}

// sos parses a scan header and decodes (or, for progressive AC scans,
// skips) its entropy-coded data starting at data[pos]. It returns the
// position of the marker that ends the scan.
func (d *decoder) sos(seg, data []byte, pos int) (int, error) {
	if !d.frame {
		return pos, fmt.Errorf("%w: scan before frame header", ErrFormat)
	}
	if d.info.Scans == 0 {
		if err := d.checkColour(); err != nil {
			return pos, err
		}
		d.alloc()
	}
	d.info.Scans++
	if len(seg) < 1 {
		return pos, fmt.Errorf("%w: SOS length", ErrFormat)
	}
	ns := int(seg[0])
	if ns < 1 || ns > 4 || len(seg) != 4+2*ns {
		return pos, fmt.Errorf("%w: SOS with %d components", ErrFormat, ns)
	}
	var sc [4]*component
	blocks := 0
	for i := range ns {
		id, tbl := seg[1+2*i], seg[2+2*i]
		var c *component
		for j := range d.comps {
			if d.comps[j].id == id {
				c = &d.comps[j]
			}
		}
		if c == nil {
			return pos, fmt.Errorf("%w: scan component %d not in frame", ErrFormat, id)
		}
		for j := range i {
			if sc[j] == c {
				return pos, fmt.Errorf("%w: component %d twice in a scan", ErrFormat, id)
			}
		}
		sc[i] = c
		c.td, c.ta = int(tbl>>4), int(tbl&15)
		if c.td > 3 || c.ta > 3 {
			return pos, fmt.Errorf("%w: Huffman selector", ErrFormat)
		}
		blocks += c.h * c.v
	}
	if ns > 1 && blocks > 10 {
		return pos, fmt.Errorf("%w: %d blocks per MCU", ErrFormat, blocks)
	}
	p := seg[1+2*ns:]
	ss, se, ah, al := int(p[0]), int(p[1]), int(p[2]>>4), int(p[2]&15)
	comps := sc[:ns]

	if d.progressive {
		if ss != 0 {
			// AC scan: not needed, skip its data without decoding.
			if se < ss || se > 63 || ns != 1 {
				return pos, fmt.Errorf("%w: progressive AC scan %d..%d", ErrFormat, ss, se)
			}
			return skipScan(data, pos), nil
		}
		if se != 0 || al > 13 {
			return pos, fmt.Errorf("%w: progressive DC scan %d..%d Al %d", ErrFormat, ss, se, al)
		}
	}
	for _, c := range comps {
		if !d.progressive || ah == 0 {
			if d.dc[c.td] == nil || !d.dc[c.td].defined {
				return pos, fmt.Errorf("%w: missing DC Huffman table %d", ErrFormat, c.td)
			}
		}
		if !d.progressive && (d.ac[c.ta] == nil || !d.ac[c.ta].defined) {
			return pos, fmt.Errorf("%w: missing AC Huffman table %d", ErrFormat, c.ta)
		}
		if !c.qset {
			if !d.qdef[c.tq] {
				return pos, fmt.Errorf("%w: missing quantisation table %d", ErrFormat, c.tq)
			}
			c.q0 = d.qt[c.tq][0]
			if d.ncoef == 4 {
				c.w4 = newQuarterWeights(&d.qt[c.tq])
			}
			c.qset = true
		}
		c.pred = 0
	}
	d.data, d.pos = data, pos
	d.bitReader.reset()
	var err error
	switch {
	case d.progressive && ah == 0:
		err = d.scan(comps, modeDCFirst, uint(al))
	case d.progressive:
		err = d.scan(comps, modeDCRefine, uint(al))
	default:
		err = d.scan(comps, modeSeq, 0)
	}
	return skipScan(data, d.pos), err
}

// skipScan returns the position of the next marker at or after pos that is
// not stuffing or a restart marker (or len(data)).
func skipScan(data []byte, pos int) int { return nextMarker(data, pos, true) }

const (
	modeSeq = iota
	modeDCFirst
	modeDCRefine
)

// scan decodes the MCUs of one scan.
func (d *decoder) scan(comps []*component, mode int, al uint) error {
	var mw, mh int
	if len(comps) == 1 {
		mw, mh = comps[0].bw, comps[0].bh
	} else {
		mw, mh = d.mcux, d.mcuy
	}
	if mode == modeSeq && d.ncoef == 1 {
		return d.scanSeq8(comps, mw, mh)
	}
	single := len(comps) == 1
	total := mw * mh
	ri := d.restart
	n := 0
	for my := range mh {
		for mx := range mw {
			if ri > 0 && n > 0 && n%ri == 0 {
				if err := d.nextRestart(); err != nil {
					return err
				}
				for _, c := range comps {
					c.pred = 0
				}
			}
			for _, c := range comps {
				if single {
					if err := d.block(c, my*c.stride+mx, mode, al); err != nil {
						return err
					}
					continue
				}
				for by := range c.v {
					row := (my*c.v + by) * c.stride
					for bx := range c.h {
						if err := d.block(c, row+mx*c.h+bx, mode, al); err != nil {
							return err
						}
					}
				}
			}
			d.decoded = true
			n++
			if d.overrun() {
				return fmt.Errorf("%w: after %d of %d MCUs", ErrTruncated, n, total)
			}
		}
	}
	for _, c := range comps {
		if mode != modeDCRefine {
			c.done = true
		}
	}
	return nil
}

// scanSeq8 is scan for a sequential file at scale 8, with the block
// decoding inlined and the bit buffer kept in locals across blocks: the
// hot path of the package.
func (d *decoder) scanSeq8(comps []*component, mw, mh int) error {
	single := len(comps) == 1
	total := mw * mh
	ri := d.restart
	n := 0
	acc, nb, pos := d.acc, d.nbits, d.pos
	for my := range mh {
		for mx := range mw {
			if ri > 0 && n > 0 && n%ri == 0 {
				d.acc, d.nbits, d.pos = acc, nb, pos
				if err := d.nextRestart(); err != nil {
					return err
				}
				acc, nb, pos = d.acc, d.nbits, d.pos
				for _, c := range comps {
					c.pred = 0
				}
			}
			for _, c := range comps {
				dc, ac := d.dc[c.td], d.ac[c.ta]
				bw, bh := c.h, c.v
				if single {
					bw, bh = 1, 1
				}
				for by := range bh {
					base := (my*c.v+by)*c.stride + mx*c.h
					if single {
						base = my*c.stride + mx
					}
					for bx := range bw {
						// DC difference.
						if nb < 32 {
							acc, nb, pos = d.refill(acc, nb, pos)
						}
						if e := dc.dcv[acc>>(64-lutBits)]; e != 0 {
							b := uint(e & 0xFF)
							acc <<= b
							nb -= b
							c.pred += e >> 8
						} else {
							s, l, ok := dc.decode(acc)
							if !ok || s > 15 {
								d.acc, d.nbits, d.pos = acc, nb, pos
								return errBadCode
							}
							acc <<= l
							nb -= l
							if s > 0 {
								c.pred += extend(acc>>(64-uint(s)), uint(s))
								acc <<= s
								nb -= uint(s)
							}
						}
						c.coef[base+bx] = c.pred
						// AC coefficients: skipped.
						for k := 1; k < 64; {
							if nb < lutBits {
								acc, nb, pos = d.refill(acc, nb, pos)
							}
							if e := ac.skip[acc>>(64-lutBits)]; e != 0 {
								b := uint(e & 0xFF)
								acc <<= b
								nb -= b
								k += int(e >> 8)
								continue
							}
							if nb < 32 {
								acc, nb, pos = d.refill(acc, nb, pos)
							}
							rs, l, ok := ac.decode(acc)
							if !ok {
								d.acc, d.nbits, d.pos = acc, nb, pos
								return errBadCode
							}
							s := uint(rs & 15)
							acc <<= l + s
							nb -= l + s
							if s == 0 {
								if rs>>4 != 15 {
									break
								}
								k += 16
								continue
							}
							k += int(rs>>4) + 1
						}
					}
				}
			}
			d.decoded = true
			n++
			if nb < d.pad {
				d.acc, d.nbits, d.pos = acc, nb, pos
				return fmt.Errorf("%w: after %d of %d MCUs", ErrTruncated, n, total)
			}
		}
	}
	d.acc, d.nbits, d.pos = acc, nb, pos
	for _, c := range comps {
		c.done = true
	}
	return nil
}

// nextRestart expects a restart marker at the current position (after the
// bits of the interval): it drops buffered bits and consumes the marker.
// Any other marker ends the scan early.
func (d *decoder) nextRestart() error {
	if d.overrun() {
		return fmt.Errorf("%w: restart interval", ErrTruncated)
	}
	pos := d.pos
	d.bitReader.reset()
	p := skipToMarker(d.data, pos)
	if p+1 < len(d.data) && d.data[p+1] >= 0xD0 && d.data[p+1] <= 0xD7 {
		d.pos = p + 2
		return nil
	}
	d.pos = p
	return fmt.Errorf("%w: missing restart marker", ErrTruncated)
}

// skipToMarker returns the position of the FF of the next marker (not
// stuffing) at or after pos, or len(data).
func skipToMarker(data []byte, pos int) int { return nextMarker(data, pos, false) }

// nextMarker returns the position of the FF of the next marker at or after
// pos, or len(data): FF 00 is stuffing, fill bytes (FF FF ...) belong to the
// marker after them, and restart markers are passed over when overRST.
func nextMarker(data []byte, pos int, overRST bool) int {
	for pos < len(data) {
		i := bytes.IndexByte(data[pos:], 0xFF)
		if i < 0 {
			return len(data)
		}
		pos += i
		j := pos + 1
		for j < len(data) && data[j] == 0xFF {
			j++
		}
		if j >= len(data) {
			return len(data)
		}
		if m := data[j]; m == 0 || (overRST && m >= 0xD0 && m <= 0xD7) {
			pos = j + 1
			continue
		}
		return j - 1
	}
	return len(data)
}

var errBadCode = fmt.Errorf("%w: bad Huffman code", ErrFormat)

// block decodes one block into c.coef[idx*ncoef:].
func (d *decoder) block(c *component, idx int, mode int, al uint) error {
	if d.nbits < 32 {
		d.fill()
	}
	switch mode {
	case modeDCRefine:
		bit := d.acc >> 63
		d.acc <<= 1
		d.nbits--
		if bit != 0 {
			c.coef[idx] |= 1 << al
		}
		return nil
	case modeDCFirst:
		v, err := d.dcDiff(d.dc[c.td])
		if err != nil {
			return err
		}
		c.pred += v
		c.coef[idx] = c.pred << al
		return nil
	}
	v, err := d.dcDiff(d.dc[c.td])
	if err != nil {
		return err
	}
	c.pred += v
	h := d.ac[c.ta] // scale 4 (scale 8 sequential scans go through scanSeq8)
	w := c.w4
	var sum [4]int64
	sum[0] = int64(c.pred) * w.w[0]
	for k := 1; k < 64; {
		if d.nbits < 32 {
			d.fill()
		}
		rs, l, ok := h.decode(d.acc)
		if !ok {
			return errBadCode
		}
		d.acc <<= l
		d.nbits -= l
		r, s := int(rs>>4), uint(rs&15)
		if s == 0 {
			if r != 15 {
				break
			}
			k += 16
			continue
		}
		k += r
		v := extend(d.acc>>(64-s), s)
		d.acc <<= s
		d.nbits -= s
		if k > 63 {
			break
		}
		if cl := w.class[k]; cl >= 0 {
			sum[cl] += int64(v) * w.w[k]
		}
		k++
	}
	out := c.pix4[idx*4 : idx*4+4 : idx*4+4]
	out[0] = quarter(sum[0] + sum[1] + sum[2] + sum[3])
	out[1] = quarter(sum[0] - sum[1] + sum[2] - sum[3])
	out[2] = quarter(sum[0] + sum[1] - sum[2] - sum[3])
	out[3] = quarter(sum[0] - sum[1] - sum[2] + sum[3])
	return nil
}

// dcDiff decodes one DC difference (acc holds at least 32 bits).
func (d *decoder) dcDiff(h *huff) (int32, error) {
	if e := h.dcv[d.acc>>(64-lutBits)]; e != 0 {
		b := uint(e & 0xFF)
		d.acc <<= b
		d.nbits -= b
		return e >> 8, nil
	}
	s, l, ok := h.decode(d.acc)
	if !ok {
		return 0, errBadCode
	}
	d.acc <<= l
	d.nbits -= l
	if s == 0 {
		return 0, nil
	}
	if s > 15 {
		return 0, fmt.Errorf("%w: DC magnitude %d", ErrFormat, s)
	}
	v := extend(d.acc>>(64-uint(s)), uint(s))
	d.acc <<= s
	d.nbits -= uint(s)
	return v, nil
}

// extend turns s received bits into a signed value (T.81 F.2.2.1).
func extend(v uint64, s uint) int32 {
	x := int32(v)
	if x < 1<<(s-1) {
		x += -1<<s + 1
	}
	return x
}

// refill tops up a bit buffer held in locals: 8 bytes at once when none
// is FF, else through fill.
func (d *decoder) refill(acc uint64, n uint, pos int) (uint64, uint, int) {
	if !d.stop && pos+8 <= len(d.data) {
		x := binary.BigEndian.Uint64(d.data[pos:])
		if t := ^x; (t-0x0101010101010101)&^t&0x8080808080808080 == 0 {
			c := (64 - n) >> 3
			return acc | x>>n, n + c<<3, pos + int(c)
		}
	}
	d.acc, d.nbits, d.pos = acc, n, pos
	d.fill()
	return d.acc, d.nbits, d.pos
}
