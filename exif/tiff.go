package exif

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// Limits applied while walking a TIFF structure. They keep a hostile file
// from making the reader loop, recurse or allocate without bound.
const (
	maxIFDs       = 8       // IFDs followed in total (IFD0, IFD1, Exif, GPS, Interop, SubIFDs...)
	maxIFDEntries = 512     // entries per IFD; real files have < 100
	maxValueBytes = 1 << 16 // largest single tag value we read (strings, comments)
)

// TIFF field types and their sizes in bytes.
const (
	typeByte      = 1
	typeASCII     = 2
	typeShort     = 3
	typeLong      = 4
	typeRational  = 5
	typeSByte     = 6
	typeUndefined = 7
	typeSShort    = 8
	typeSLong     = 9
	typeSRational = 10
	typeFloat     = 11
	typeDouble    = 12
	typeIFD       = 13
)

func typeSize(t uint16) uint64 {
	switch t {
	case typeByte, typeASCII, typeSByte, typeUndefined:
		return 1
	case typeShort, typeSShort:
		return 2
	case typeLong, typeSLong, typeFloat, typeIFD:
		return 4
	case typeRational, typeSRational, typeDouble:
		return 8
	}
	return 0
}

// Tags this package reads.
const (
	tagImageWidth       = 0x0100
	tagImageLength      = 0x0101
	tagImageDescription = 0x010E
	tagMake             = 0x010F
	tagModel            = 0x0110
	tagOrientation      = 0x0112
	tagSoftware         = 0x0131
	tagDateTime         = 0x0132
	tagArtist           = 0x013B
	tagSubIFDs          = 0x014A
	tagThumbOffset      = 0x0201
	tagThumbLength      = 0x0202
	tagExifIFD          = 0x8769
	tagGPSIFD           = 0x8825
	tagXPComment        = 0x9C9C
	tagDateTimeOriginal = 0x9003
	tagDateTimeDigit    = 0x9004
	tagOffsetTime       = 0x9010
	tagOffsetTimeOrig   = 0x9011
	tagOffsetTimeDigit  = 0x9012
	tagSubjectDistance  = 0x9206
	tagFlash            = 0x9209
	tagFocalLength      = 0x920A
	tagUserComment      = 0x9286
	tagSubSecTime       = 0x9290
	tagSubSecTimeOrig   = 0x9291
	tagSubSecTimeDigit  = 0x9292
	tagPixelXDimension  = 0xA002
	tagPixelYDimension  = 0xA003
	tagInteropIFD       = 0xA005
	tagFocalLength35    = 0xA405
	tagSubjectDistRange = 0xA40C
	tagLensModel        = 0xA434
	tagDNGVersion       = 0xC612
	tagNewSubfileType   = 0x00FE

	tagGPSLatitudeRef  = 0x0001
	tagGPSLatitude     = 0x0002
	tagGPSLongitudeRef = 0x0003
	tagGPSLongitude    = 0x0004
	tagGPSAltitudeRef  = 0x0005
	tagGPSAltitude     = 0x0006
)

// errTIFF marks a structurally broken TIFF payload.
var errTIFF = errors.New("invalid TIFF structure")

// entry is one validated IFD entry. Its value (typeSize*count bytes) is known
// to lie inside the TIFF payload.
type entry struct {
	typ   uint16
	count uint32
	// valOff is the offset of the value relative to the TIFF header: either
	// the inline 4-byte field or the pointed-to data.
	valOff int64
}

type ifd map[uint16]entry

// tiffReader reads a TIFF payload (a header "II*\0" or "MM\0*" followed by
// IFDs) through an io.ReaderAt. base is the absolute position of the TIFF
// header in r and size the number of bytes that belong to the payload.
type tiffReader struct {
	r     io.ReaderAt
	base  int64
	size  int64
	order binary.ByteOrder

	ifd0, ifd1, exif, gps ifd
	subIFDs               []ifd
	visited               map[int64]bool
	// problems records structural defects that were skipped (partial data).
	problems []string
}

func (t *tiffReader) readAt(off int64, n int) ([]byte, error) {
	if off < 0 || n < 0 || off > t.size || int64(n) > t.size-off {
		return nil, fmt.Errorf("%w: %d bytes at offset %d beyond payload of %d bytes", errTIFF, n, off, t.size)
	}
	b := make([]byte, n)
	if _, err := t.r.ReadAt(b, t.base+off); err != nil && !(errors.Is(err, io.EOF) && n == 0) {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: truncated at offset %d", errTIFF, off)
		}
		return nil, err
	}
	return b, nil
}

func (t *tiffReader) note(format string, args ...any) {
	if len(t.problems) < 16 {
		t.problems = append(t.problems, fmt.Sprintf(format, args...))
	}
}

// parseTIFF validates the header and walks IFD0, IFD1, the Exif, GPS and
// (for DNG) SubIFDs, never following more than maxIFDs directories and
// never visiting an offset twice. It fails only when the header or IFD0 is
// unusable; later defects are recorded in problems and skipped.
func parseTIFF(r io.ReaderAt, base, size int64) (*tiffReader, error) {
	t := &tiffReader{r: r, base: base, size: size, visited: map[int64]bool{}}
	hdr, err := t.readAt(0, 8)
	if err != nil {
		return nil, fmt.Errorf("TIFF header: %w", err)
	}
	switch string(hdr[:4]) {
	case "II*\x00":
		t.order = binary.LittleEndian
	case "MM\x00*":
		t.order = binary.BigEndian
	default:
		return nil, fmt.Errorf("%w: bad TIFF header % x", errTIFF, hdr[:4])
	}
	off0 := int64(t.order.Uint32(hdr[4:]))
	ifd0, next, err := t.readIFD(off0)
	if err != nil {
		return nil, fmt.Errorf("IFD0: %w", err)
	}
	t.ifd0 = ifd0
	if next != 0 {
		if d, _, err := t.readIFD(next); err != nil {
			t.note("IFD1: %v", err)
		} else {
			t.ifd1 = d
		}
	}
	t.exif = t.subIFD(ifd0, tagExifIFD, "Exif IFD")
	t.gps = t.subIFD(ifd0, tagGPSIFD, "GPS IFD")
	if e, ok := ifd0[tagSubIFDs]; ok {
		for _, o := range t.uints(e, 4) {
			if d, _, err := t.readIFD(int64(o)); err != nil {
				t.note("SubIFD: %v", err)
			} else {
				t.subIFDs = append(t.subIFDs, d)
			}
		}
	}
	return t, nil
}

func (t *tiffReader) subIFD(parent ifd, tag uint16, name string) ifd {
	e, ok := parent[tag]
	if !ok || e.count < 1 {
		return nil
	}
	if e.typ != typeLong && e.typ != typeIFD {
		t.note("%s: pointer has type %d", name, e.typ)
		return nil
	}
	v := t.uints(e, 1)
	if len(v) != 1 {
		return nil
	}
	d, _, err := t.readIFD(int64(v[0]))
	if err != nil {
		t.note("%s: %v", name, err)
		return nil
	}
	return d
}

// readIFD reads one IFD at off and returns its valid entries and the
// offset of the next IFD (0 when none, or when following it would revisit
// an IFD or exceed the budget).
func (t *tiffReader) readIFD(off int64) (ifd, int64, error) {
	if t.visited[off] {
		return nil, 0, fmt.Errorf("%w: IFD at %d already visited (cycle)", errTIFF, off)
	}
	if len(t.visited) >= maxIFDs {
		return nil, 0, fmt.Errorf("%w: more than %d IFDs", errTIFF, maxIFDs)
	}
	if off < 8 {
		return nil, 0, fmt.Errorf("%w: IFD offset %d inside header", errTIFF, off)
	}
	t.visited[off] = true
	cb, err := t.readAt(off, 2)
	if err != nil {
		return nil, 0, err
	}
	n := int(t.order.Uint16(cb))
	if n == 0 {
		return nil, 0, fmt.Errorf("%w: empty IFD at %d", errTIFF, off)
	}
	if n > maxIFDEntries {
		return nil, 0, fmt.Errorf("%w: IFD at %d claims %d entries", errTIFF, off, n)
	}
	body, err := t.readAt(off+2, n*12)
	if err != nil {
		return nil, 0, err
	}
	d := make(ifd, n)
	for i := 0; i < n; i++ {
		b := body[i*12 : i*12+12]
		tag := t.order.Uint16(b)
		typ := t.order.Uint16(b[2:])
		count := t.order.Uint32(b[4:])
		sz := typeSize(typ)
		if sz == 0 {
			continue // unknown type: skip the entry
		}
		total := sz * uint64(count)
		e := entry{typ: typ, count: count}
		if total <= 4 {
			e.valOff = off + 2 + int64(i)*12 + 8
		} else {
			vo := uint64(t.order.Uint32(b[8:]))
			if vo+total > uint64(t.size) {
				t.note("tag 0x%04x: %d bytes at %d beyond payload", tag, total, vo)
				continue
			}
			e.valOff = int64(vo)
		}
		if _, dup := d[tag]; !dup {
			d[tag] = e
		}
	}
	var next int64
	if nb, err := t.readAt(off+2+int64(n)*12, 4); err == nil {
		next = int64(t.order.Uint32(nb))
	}
	return d, next, nil
}

// raw returns the bytes of e's value, at most max bytes.
func (t *tiffReader) raw(e entry, max int) []byte {
	n := typeSize(e.typ) * uint64(e.count)
	if n > uint64(max) {
		n = uint64(max)
	}
	b, err := t.readAt(e.valOff, int(n))
	if err != nil {
		return nil
	}
	return b
}

// uints returns up to max unsigned integer values of a BYTE, SHORT, LONG or
// IFD entry.
func (t *tiffReader) uints(e entry, max int) []uint64 {
	sz := typeSize(e.typ)
	switch e.typ {
	case typeByte, typeUndefined, typeShort, typeLong, typeIFD:
	default:
		return nil
	}
	n := int(e.count)
	if n > max {
		n = max
	}
	b := t.raw(e, n*int(sz))
	if len(b) < n*int(sz) {
		return nil
	}
	out := make([]uint64, n)
	for i := range out {
		switch sz {
		case 1:
			out[i] = uint64(b[i])
		case 2:
			out[i] = uint64(t.order.Uint16(b[i*2:]))
		case 4:
			out[i] = uint64(t.order.Uint32(b[i*4:]))
		}
	}
	return out
}

func (t *tiffReader) uint(d ifd, tag uint16) (uint64, bool) {
	e, ok := d[tag]
	if !ok {
		return 0, false
	}
	v := t.uints(e, 1)
	if len(v) == 0 {
		return 0, false
	}
	return v[0], true
}

// rats returns up to max rational values; a zero denominator yields NaN
// (the caller decides whether that invalidates the field).
func (t *tiffReader) rats(e entry, max int) []float64 {
	if e.typ != typeRational && e.typ != typeSRational {
		// Some writers store integers where rationals belong.
		u := t.uints(e, max)
		out := make([]float64, len(u))
		for i, v := range u {
			out[i] = float64(v)
		}
		return out
	}
	n := int(e.count)
	if n > max {
		n = max
	}
	b := t.raw(e, n*8)
	if len(b) < n*8 {
		return nil
	}
	out := make([]float64, n)
	for i := range out {
		num, den := t.order.Uint32(b[i*8:]), t.order.Uint32(b[i*8+4:])
		if den == 0 {
			out[i] = math.NaN()
			continue
		}
		if e.typ == typeSRational {
			out[i] = float64(int32(num)) / float64(int32(den))
		} else {
			out[i] = float64(num) / float64(den)
		}
	}
	return out
}

func (t *tiffReader) rat(d ifd, tag uint16) (float64, bool) {
	e, ok := d[tag]
	if !ok {
		return 0, false
	}
	v := t.rats(e, 1)
	if len(v) == 0 || math.IsNaN(v[0]) || math.IsInf(v[0], 0) {
		return 0, false
	}
	return v[0], true
}

// bytes returns the raw value bytes of a tag (any type), capped.
func (t *tiffReader) bytes(d ifd, tag uint16) []byte {
	e, ok := d[tag]
	if !ok {
		return nil
	}
	return t.raw(e, maxValueBytes)
}

// str returns an ASCII (or UNDEFINED/BYTE) tag as a cleaned string.
func (t *tiffReader) str(d ifd, tag uint16) string {
	return cleanString(t.bytes(d, tag))
}
