package pixel

// A tiny DICOM reader used only by the calibration generator
// (-regen-calib): uncompressed little-endian data sets (implicit or
// explicit VR), 8- or 16-bit monochrome pixel data, rendered to 8-bit grey
// with the first window centre/width (or min-max), MONOCHROME1 inverted.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"math"
	"sort"
	"strconv"
	"strings"
)

type dcmImage struct {
	modality, photometric     string
	rows, cols, bits, samples int
	signed                    bool
	frames                    int
	slope, intercept          float64
	winCentre, winWidth       float64
	hasWindow                 bool
	pixels                    []byte
}

const (
	tsImplicitLE = "1.2.840.10008.1.2"
	tsExplicitLE = "1.2.840.10008.1.2.1"
)

var errDcmUnsupported = errors.New("dicom: unsupported")

func parseDICOM(b []byte) (*dcmImage, error) {
	if len(b) < 132 || string(b[128:132]) != "DICM" {
		return nil, errors.New("dicom: no DICM")
	}
	d := &dcmImage{slope: 1, frames: 1, samples: 1}
	pos := 132
	ts := ""
	// File meta: explicit VR LE, group 0002.
	for pos+8 <= len(b) && binary.LittleEndian.Uint16(b[pos:]) == 0x0002 {
		tag, val, next, err := readElem(b, pos, true)
		if err != nil {
			return nil, err
		}
		if tag == 0x00020010 {
			ts = strings.TrimRight(string(val), "\x00 ")
		}
		pos = next
	}
	explicit := true
	switch ts {
	case tsExplicitLE:
	case tsImplicitLE:
		explicit = false
	default:
		return nil, fmt.Errorf("%w transfer syntax %q", errDcmUnsupported, ts)
	}
	for pos+8 <= len(b) {
		tag, val, next, err := readElem(b, pos, explicit)
		if err != nil {
			return nil, err
		}
		pos = next
		s := func() string { return strings.TrimRight(string(val), "\x00 ") }
		u16 := func() int {
			if len(val) < 2 {
				return 0
			}
			return int(binary.LittleEndian.Uint16(val))
		}
		first := func() float64 {
			v := strings.TrimSpace(strings.Split(s(), "\\")[0])
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
		switch tag {
		case 0x00080060:
			d.modality = s()
		case 0x00280002:
			d.samples = u16()
		case 0x00280004:
			d.photometric = s()
		case 0x00280008:
			d.frames, _ = strconv.Atoi(strings.TrimSpace(s()))
		case 0x00280010:
			d.rows = u16()
		case 0x00280011:
			d.cols = u16()
		case 0x00280100:
			d.bits = u16()
		case 0x00280103:
			d.signed = u16() == 1
		case 0x00281050:
			d.winCentre, d.hasWindow = first(), true
		case 0x00281051:
			d.winWidth = first()
		case 0x00281052:
			d.intercept = first()
		case 0x00281053:
			d.slope = first()
		case 0x7FE00010:
			d.pixels = val
			return d, nil
		}
	}
	return nil, errors.New("dicom: no pixel data")
}

// readElem reads one element at pos; sequences and items of undefined
// length are skipped by scanning for their delimiters.
func readElem(b []byte, pos int, explicit bool) (tag uint32, val []byte, next int, err error) {
	if pos+8 > len(b) {
		return 0, nil, 0, errors.New("dicom: truncated")
	}
	grp, el := binary.LittleEndian.Uint16(b[pos:]), binary.LittleEndian.Uint16(b[pos+2:])
	tag = uint32(grp)<<16 | uint32(el)
	var length uint32
	hdr := 8
	vr := ""
	if explicit && grp != 0xFFFE {
		vr = string(b[pos+4 : pos+6])
		switch vr {
		case "OB", "OW", "OF", "SQ", "UT", "UN", "OD", "OL", "OV", "UC", "UR", "SV", "UV":
			if pos+12 > len(b) {
				return 0, nil, 0, errors.New("dicom: truncated")
			}
			length = binary.LittleEndian.Uint32(b[pos+8:])
			hdr = 12
		default:
			length = uint32(binary.LittleEndian.Uint16(b[pos+6:]))
		}
	} else {
		length = binary.LittleEndian.Uint32(b[pos+4:])
	}
	start := pos + hdr
	if length == 0xFFFFFFFF {
		if tag == 0x7FE00010 {
			return 0, nil, 0, fmt.Errorf("%w: encapsulated pixel data", errDcmUnsupported)
		}
		// Undefined length: an item runs to (FFFE,E00D), a sequence to
		// (FFFE,E0DD); nested elements are read recursively.
		stop := uint32(0xFFFEE0DD)
		if tag == 0xFFFEE000 {
			stop = 0xFFFEE00D
		}
		for p := start; p+8 <= len(b); {
			t, _, n, e := readElem(b, p, explicit)
			if e != nil {
				return 0, nil, 0, e
			}
			if t == stop {
				return tag, nil, n, nil
			}
			p = n
		}
		return 0, nil, 0, errors.New("dicom: unterminated sequence")
	}
	if tag == 0xFFFEE000 || tag == 0xFFFEE00D || tag == 0xFFFEE0DD {
		// item with defined length: skip its content
		end := start + int(length)
		if end > len(b) {
			return 0, nil, 0, errors.New("dicom: item overruns")
		}
		return tag, b[start:end], end, nil
	}
	end := start + int(length)
	if end > len(b) || end < start {
		if tag == 0x7FE00010 {
			return tag, b[start:], len(b), nil
		}
		return 0, nil, 0, errors.New("dicom: element overruns")
	}
	return tag, b[start:end], end, nil
}

// render returns the middle frame as 8-bit grey.
func (d *dcmImage) render() (*image.Gray, error) {
	if d.samples != 1 || (d.bits != 8 && d.bits != 16) || d.rows < 32 || d.cols < 32 {
		return nil, fmt.Errorf("%w: samples %d bits %d size %dx%d", errDcmUnsupported, d.samples, d.bits, d.cols, d.rows)
	}
	if d.photometric != "MONOCHROME1" && d.photometric != "MONOCHROME2" {
		return nil, fmt.Errorf("%w photometric %q", errDcmUnsupported, d.photometric)
	}
	bpp := d.bits / 8
	frame := d.rows * d.cols * bpp
	frames := max(d.frames, 1)
	if len(d.pixels) < frame {
		return nil, errors.New("dicom: short pixel data")
	}
	fi := min(frames/2, len(d.pixels)/frame-1)
	px := d.pixels[fi*frame : (fi+1)*frame]
	vals := make([]float64, d.rows*d.cols)
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range vals {
		var raw float64
		if bpp == 1 {
			raw = float64(px[i])
		} else {
			u := binary.LittleEndian.Uint16(px[2*i:])
			if d.signed {
				raw = float64(int16(u))
			} else {
				raw = float64(u)
			}
		}
		v := raw*d.slope + d.intercept
		vals[i] = v
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	wl, wh := lo, hi
	if d.hasWindow && d.winWidth > 1 {
		wl, wh = d.winCentre-d.winWidth/2, d.winCentre+d.winWidth/2
	}
	if wh <= wl {
		return nil, errors.New("dicom: flat image")
	}
	// A stored window that clips almost everything (PET in other units,
	// a window meant for another LUT) is not what a viewer would show:
	// fall back to the 1st-99th percentile range.
	clipped := 0
	for _, v := range vals {
		if v <= wl || v >= wh {
			clipped++
		}
	}
	if clipped*10 > len(vals)*9 {
		s := append([]float64(nil), vals...)
		sort.Float64s(s)
		wl, wh = s[len(s)/100], s[len(s)*99/100]
		if wh <= wl {
			wl, wh = lo, hi
		}
	}
	g := image.NewGray(image.Rect(0, 0, d.cols, d.rows))
	for i, v := range vals {
		t := (v - wl) / (wh - wl)
		t = math.Max(0, math.Min(1, t))
		if d.photometric == "MONOCHROME1" {
			t = 1 - t
		}
		g.Pix[i] = uint8(math.Round(255 * t))
	}
	return g, nil
}

func renderDICOMBytes(b []byte) (*image.Gray, string, error) {
	d, err := parseDICOM(b)
	if err != nil {
		return nil, "", err
	}
	g, err := d.render()
	return g, d.modality, err
}

var _ = bytes.Equal
