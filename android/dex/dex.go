package dex

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

const (
	headerSize    = 0x70
	headerSizeV41 = 0x78
	endianTag     = 0x12345678
	// maxDescriptor bounds one class descriptor; real ones are well under 1 KiB.
	maxDescriptor = 16 << 10
	// maxContainers bounds the number of sub-DEX headers followed in a v41 container.
	maxContainers = 1024
)

// ErrNotDex is returned when the data does not start with a DEX magic.
var ErrNotDex = errors.New("dex: not a DEX file")

// IsDex reports whether head starts with a DEX magic "dex\n0NN\0" of a supported version (035-041).
func IsDex(head []byte) bool {
	_, ok := version(head)
	return ok
}

func version(head []byte) (int, bool) {
	if len(head) < 8 || string(head[:4]) != "dex\n" || head[7] != 0 {
		return 0, false
	}
	v := 0
	for _, c := range head[4:7] {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, v >= 35 && v <= 41
}

// header holds the fields of a DEX header this package uses.
type header struct {
	version                int
	fileSize, headerSize   uint32
	stringIDs, stringOff   uint32
	typeIDs, typeOff       uint32
	classDefs, classDefOff uint32
	containerSize          uint32 // v41 only
	headerOffset           uint32 // v41 only
}

func readHeader(r io.ReaderAt, at, size int64) (*header, error) {
	if size-at < headerSize {
		return nil, fmt.Errorf("dex: header truncated at %d", at)
	}
	var b [headerSizeV41]byte
	n, err := r.ReadAt(b[:], at)
	if n < headerSize {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("dex: reading header: %w", err)
	}
	v, ok := version(b[:8])
	if !ok {
		return nil, ErrNotDex
	}
	le := binary.LittleEndian
	h := &header{
		version:     v,
		fileSize:    le.Uint32(b[0x20:]),
		headerSize:  le.Uint32(b[0x24:]),
		stringIDs:   le.Uint32(b[0x38:]),
		stringOff:   le.Uint32(b[0x3C:]),
		typeIDs:     le.Uint32(b[0x40:]),
		typeOff:     le.Uint32(b[0x44:]),
		classDefs:   le.Uint32(b[0x60:]),
		classDefOff: le.Uint32(b[0x64:]),
	}
	if tag := le.Uint32(b[0x28:]); tag != endianTag {
		return nil, fmt.Errorf("dex: unsupported endian tag %#x", tag)
	}
	if h.headerSize < headerSize || int64(h.headerSize) > size-at {
		return nil, fmt.Errorf("dex: bad header size %d", h.headerSize)
	}
	if v >= 41 && h.headerSize >= headerSizeV41 {
		if n < headerSizeV41 {
			return nil, fmt.Errorf("dex: v41 header truncated")
		}
		h.containerSize = le.Uint32(b[0x70:])
		h.headerOffset = le.Uint32(b[0x74:])
	}
	return h, nil
}

// ReadClasses calls fn with the type descriptor (e.g. "Lcom/example/Main;") of
// every class defined in the DEX data r of the given size, in class_defs order,
// and returns how many it reported. A DEX 041 container holding several DEX
// images is walked image by image. Every count and offset is checked against
// size before anything is allocated; an error from fn stops the walk and is
// returned.
func ReadClasses(r io.ReaderAt, size int64, fn func(descriptor string) error) (n int, err error) {
	if size < headerSize {
		return 0, ErrNotDex
	}
	h, err := readHeader(r, 0, size)
	if err != nil {
		return 0, err
	}
	if h.version < 41 || h.containerSize == 0 {
		return readImage(r, size, 0, h, fn)
	}
	// DEX 041 container: consecutive images, each with its own header whose
	// file_size is the image size; the container size is in every header.
	limit := min(int64(h.containerSize), size)
	var at int64
	for i := 0; at < limit; i++ {
		if i >= maxContainers {
			return n, fmt.Errorf("dex: more than %d images in container", maxContainers)
		}
		if i > 0 {
			if h, err = readHeader(r, at, size); err != nil {
				return n, fmt.Errorf("dex: container image %d: %w", i, err)
			}
		}
		k, err := readImage(r, size, at, h, fn)
		n += k
		if err != nil {
			return n, err
		}
		if h.fileSize < headerSize {
			return n, fmt.Errorf("dex: container image %d: bad size %d", i, h.fileSize)
		}
		at += int64(h.fileSize)
	}
	return n, nil
}

// readImage lists the classes of one DEX image whose header is at base.
func readImage(r io.ReaderAt, size, base int64, h *header, fn func(string) error) (int, error) {
	if h.version < 41 && int64(h.fileSize) > size {
		return 0, fmt.Errorf("dex: file_size %d larger than data (%d)", h.fileSize, size)
	}
	// Section offsets: relative to the file for v35-v40. For v41 containers the
	// offsets are tried relative to the container first, then to the image
	// header [UNVERIFIED against real Android 15 output].
	bases := []int64{0}
	if base != 0 {
		bases = append(bases, base)
	}
	var lastErr error
	for _, b := range bases {
		t, err := newTables(r, size, b, h)
		if err != nil {
			lastErr = err
			continue
		}
		return t.walk(fn)
	}
	return 0, lastErr
}

type tables struct {
	r        io.ReaderAt
	size     int64
	base     int64
	h        *header
	strIDs   []byte // string_ids, 4 bytes each
	typeIDs  []byte // type_ids, 4 bytes each
	classDef []byte // class_defs, 32 bytes each
}

func section(r io.ReaderAt, size, base int64, count, off uint32, elem int64, name string) ([]byte, error) {
	if count == 0 {
		return nil, nil
	}
	start := base + int64(off)
	length := int64(count) * elem
	if off == 0 || start < 0 || start > size || length > size-start {
		return nil, fmt.Errorf("dex: %s (%d x %d at %d) outside data of %d bytes", name, count, elem, start, size)
	}
	buf := make([]byte, length)
	if _, err := r.ReadAt(buf, start); err != nil && !(errors.Is(err, io.EOF) && start+length == size) {
		return nil, fmt.Errorf("dex: reading %s: %w", name, err)
	}
	return buf, nil
}

func newTables(r io.ReaderAt, size, base int64, h *header) (*tables, error) {
	t := &tables{r: r, size: size, base: base, h: h}
	var err error
	if t.classDef, err = section(r, size, base, h.classDefs, h.classDefOff, 32, "class_defs"); err != nil {
		return nil, err
	}
	if t.typeIDs, err = section(r, size, base, h.typeIDs, h.typeOff, 4, "type_ids"); err != nil {
		return nil, err
	}
	if t.strIDs, err = section(r, size, base, h.stringIDs, h.stringOff, 4, "string_ids"); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *tables) walk(fn func(string) error) (int, error) {
	le := binary.LittleEndian
	var buf []byte
	n := 0
	for i := 0; i+32 <= len(t.classDef); i += 32 {
		ti := int64(le.Uint32(t.classDef[i:]))
		if ti*4+4 > int64(len(t.typeIDs)) {
			return n, fmt.Errorf("dex: class_def %d: type index %d out of range", i/32, ti)
		}
		si := int64(le.Uint32(t.typeIDs[ti*4:]))
		if si*4+4 > int64(len(t.strIDs)) {
			return n, fmt.Errorf("dex: type %d: string index %d out of range", ti, si)
		}
		off := t.base + int64(le.Uint32(t.strIDs[si*4:]))
		var s string
		var err error
		s, buf, err = t.readString(off, buf)
		if err != nil {
			return n, fmt.Errorf("dex: class_def %d: %w", i/32, err)
		}
		if err := fn(s); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// readString reads a string_data_item: uleb128 utf16 length, MUTF-8 bytes, NUL.
func (t *tables) readString(off int64, buf []byte) (string, []byte, error) {
	if off <= 0 || off >= t.size {
		return "", buf, fmt.Errorf("string offset %d outside data", off)
	}
	want := min(int64(128), t.size-off)
	for {
		if int64(cap(buf)) < want {
			buf = make([]byte, want)
		}
		b := buf[:want]
		k, err := t.r.ReadAt(b, off)
		if k < len(b) {
			if err == nil {
				err = io.ErrUnexpectedEOF
			}
			return "", buf, err
		}
		// skip the uleb128 utf16_size
		p := 0
		for ; p < len(b) && p < 5 && b[p]&0x80 != 0; p++ {
		}
		if p >= 5 {
			return "", buf, errors.New("bad uleb128 string length")
		}
		p++
		if p <= len(b) {
			if end := indexNUL(b[p:]); end >= 0 {
				s, err := DecodeMUTF8(b[p : p+end])
				return s, buf, err
			}
		}
		if want >= t.size-off || want >= maxDescriptor {
			return "", buf, errors.New("unterminated or oversized string")
		}
		want = min(want*4, t.size-off, maxDescriptor)
	}
}

func indexNUL(b []byte) int {
	for i, c := range b {
		if c == 0 {
			return i
		}
	}
	return -1
}

// DecodeMUTF8 decodes Java "modified UTF-8" (NUL as C0 80, supplementary
// characters as two 3-byte surrogates). Malformed bytes are an error.
func DecodeMUTF8(b []byte) (string, error) {
	ascii := true
	for _, c := range b {
		if c >= 0x80 || c == 0 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b), nil
	}
	u := make([]uint16, 0, len(b))
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == 0:
			return "", errors.New("mutf8: raw NUL")
		case c < 0x80:
			u = append(u, uint16(c))
			i++
		case c&0xE0 == 0xC0:
			if i+1 >= len(b) || b[i+1]&0xC0 != 0x80 {
				return "", errors.New("mutf8: bad 2-byte sequence")
			}
			u = append(u, uint16(c&0x1F)<<6|uint16(b[i+1]&0x3F))
			i += 2
		case c&0xF0 == 0xE0:
			if i+2 >= len(b) || b[i+1]&0xC0 != 0x80 || b[i+2]&0xC0 != 0x80 {
				return "", errors.New("mutf8: bad 3-byte sequence")
			}
			u = append(u, uint16(c&0x0F)<<12|uint16(b[i+1]&0x3F)<<6|uint16(b[i+2]&0x3F))
			i += 3
		default:
			return "", errors.New("mutf8: bad lead byte")
		}
	}
	s := string(utf16.Decode(u))
	if !utf8.ValidString(s) {
		return "", errors.New("mutf8: invalid result")
	}
	return s, nil
}

// EncodeMUTF8 encodes s as modified UTF-8 (the inverse of DecodeMUTF8) and
// returns the bytes and the UTF-16 length, as stored in a string_data_item.
func EncodeMUTF8(s string) ([]byte, int) {
	units := utf16.Encode([]rune(s))
	out := make([]byte, 0, len(s))
	for _, c := range units {
		switch {
		case c != 0 && c < 0x80:
			out = append(out, byte(c))
		case c < 0x800:
			out = append(out, 0xC0|byte(c>>6), 0x80|byte(c&0x3F))
		default:
			out = append(out, 0xE0|byte(c>>12), 0x80|byte(c>>6&0x3F), 0x80|byte(c&0x3F))
		}
	}
	return out, len(units)
}
