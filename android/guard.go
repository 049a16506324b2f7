package android

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The androidbinary parser trusts every count and offset it reads; a
// 44-byte manifest claiming 2^31 strings makes it allocate 8 GiB, which kills
// the process. These walkers visit the same chunks the library will, with the
// same offset arithmetic, and refuse anything that would make it allocate more
// than a small multiple of the input or loop without progress. Layouts from
// AOSP frameworks/base/libs/androidfw/include/androidfw/ResourceTypes.h.

const (
	chunkStringPool   = 0x0001
	chunkTable        = 0x0002
	chunkXML          = 0x0003
	chunkXMLStartNS   = 0x0100
	chunkXMLEndNS     = 0x0101
	chunkXMLStart     = 0x0102
	chunkXMLEnd       = 0x0103
	chunkTablePackage = 0x0200
	chunkTableType    = 0x0201
	chunkTableSpec    = 0x0202

	maxNamespaces  = 64        // namespace chunks per manifest (real ones: 1-3)
	maxXMLText     = 64 << 20  // bytes of XML text the library may render from a manifest
	maxPoolDecoded = 256 << 20 // decoded string bytes per document
	maxTableEntrys = 8 << 20   // ResTable_type entries per resources.arsc (framework-res.apk: 4.7M)
	// Relative bounds: a UTF-16 pool decodes to about 4.5 times its size
	// ([]uint16 + []rune + string per unit), real manifests render to a few
	// times theirs; overlapping strings that multiply beyond this are refused.
	poolFactor = 16
	textFactor = 32
)

// ErrMalformed wraps every refusal of the guards.
var ErrMalformed = errors.New("malformed Android binary resource")

func malformed(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, a...))
}

var le = binary.LittleEndian

type chunk struct {
	typ       uint16
	headerLen uint32
	size      uint32
}

// chunkAt reads a chunk header at off inside b (which ends where the parent ends).
func chunkAt(b []byte, off uint64) (chunk, error) {
	if off+8 > uint64(len(b)) {
		return chunk{}, malformed("chunk header at %d beyond end (%d)", off, len(b))
	}
	c := chunk{le.Uint16(b[off:]), uint32(le.Uint16(b[off+2:])), le.Uint32(b[off+4:])}
	if c.headerLen < 8 || c.size < c.headerLen {
		return c, malformed("chunk %#x at %d: header %d, size %d", c.typ, off, c.headerLen, c.size)
	}
	if off+uint64(c.size) > uint64(len(b)) {
		return c, malformed("chunk %#x at %d: size %d exceeds the %d bytes left", c.typ, off, c.size, uint64(len(b))-off)
	}
	return c, nil
}

// poolInfo is what the guard learns about a string pool.
type poolInfo struct {
	lens    []uint32 // rendered length in bytes of every string (upper bound)
	decoded uint64   // bytes the library allocates to decode it (upper bound)
}

// checkPool validates a ResStringPool chunk p (p is exactly the chunk) the
// way androidbinary's readStringPool reads it: 28-byte header, then
// stringCount and styleCount u32 offsets, strings at stringsStart+offset.
func checkPool(p []byte) (*poolInfo, error) {
	if len(p) < 28 {
		return nil, malformed("string pool of %d bytes", len(p))
	}
	count := uint64(le.Uint32(p[8:]))
	styles := uint64(le.Uint32(p[12:]))
	utf8 := le.Uint32(p[16:])&(1<<8) != 0
	stringsStart := le.Uint32(p[20:])
	stylesStart := le.Uint32(p[24:])
	size := uint64(len(p))
	if 28+4*(count+styles) > size {
		return nil, malformed("string pool claims %d strings and %d styles in %d bytes", count, styles, size)
	}
	info := &poolInfo{lens: make([]uint32, count)}
	for i := uint64(0); i < count; i++ {
		o := uint64(stringsStart + le.Uint32(p[28+4*i:])) // uint32 wrap, as the library
		n, err := stringLen(p, o, utf8)
		if err != nil {
			return nil, malformed("string %d: %v", i, err)
		}
		if utf8 {
			info.lens[i] = uint32(n)
			info.decoded += uint64(n) + 16
		} else {
			info.lens[i] = uint32(3 * n)             // UTF-16 unit -> at most 3 UTF-8 bytes
			info.decoded += uint64(2*n+4*n+3*n) + 16 // []uint16, []rune, string
		}
		if info.decoded > maxPoolDecoded || info.decoded > poolFactor*size+1<<20 {
			return nil, malformed("string pool of %d bytes decodes to more than %d bytes", size, info.decoded)
		}
	}
	for i := uint64(0); i < styles; i++ {
		o := uint64(stylesStart + le.Uint32(p[28+4*(count+i):]))
		if o+8 > size {
			return nil, malformed("style %d outside the pool", i)
		}
	}
	return info, nil
}

// stringLen returns the length in units (UTF-16) or bytes (UTF-8) of the
// string at o and checks that its data lies inside p.
func stringLen(p []byte, o uint64, utf8 bool) (uint64, error) {
	size := uint64(len(p))
	if utf8 {
		var n uint64
		for k := 0; k < 2; k++ { // UTF-16 length, then UTF-8 length
			if o+1 > size {
				return 0, errors.New("length outside the pool")
			}
			n = uint64(p[o])
			o++
			if n&0x80 != 0 {
				if o+1 > size {
					return 0, errors.New("length outside the pool")
				}
				n = (n&0x7F)<<8 | uint64(p[o])
				o++
			}
		}
		if o+n > size {
			return 0, errors.New("data outside the pool")
		}
		return n, nil
	}
	if o+2 > size {
		return 0, errors.New("length outside the pool")
	}
	n := uint64(le.Uint16(p[o:]))
	o += 2
	if n&0x8000 != 0 {
		if o+2 > size {
			return 0, errors.New("length outside the pool")
		}
		n = (n&0x7FFF)<<16 | uint64(le.Uint16(p[o:]))
		o += 2
	}
	if o+2*n > size {
		return 0, errors.New("data outside the pool")
	}
	return n, nil
}

// CheckXML validates a binary XML document (AndroidManifest.xml) before it is
// given to androidbinary: chunk headers and sizes, string pools, namespace,
// element and attribute extents, and a bound on the XML text the library will
// render from it.
func CheckXML(b []byte) error {
	top, err := chunkAt(b, 0)
	if err != nil {
		return err
	}
	if top.typ != chunkXML {
		return malformed("not a binary XML document (chunk type %#x)", top.typ)
	}
	doc := b[:top.size]
	var (
		pool    *poolInfo
		decoded uint64
		text    uint64
		nsCount int
		prefix  uint64 // longest namespace prefix seen: bounds every "prefix:" the library writes
	)
	strLen := func(ref uint32) uint64 {
		if pool == nil || uint64(ref) >= uint64(len(pool.lens)) {
			return 0 // the library errors out on a bad reference
		}
		return uint64(pool.lens[ref])
	}
	for off := uint64(top.headerLen); off < uint64(top.size); {
		c, err := chunkAt(doc, off)
		if err != nil {
			return err
		}
		ch := doc[off : off+uint64(c.size)]
		switch c.typ {
		case chunkStringPool:
			if pool, err = checkPool(ch); err != nil {
				return err
			}
			decoded += pool.decoded
			if decoded > maxPoolDecoded {
				return malformed("string pools decode to more than %d bytes", maxPoolDecoded)
			}
		case chunkXMLStartNS, chunkXMLEndNS:
			if c.headerLen+8 > c.size {
				return malformed("namespace chunk too short")
			}
			if c.typ == chunkXMLStartNS {
				if nsCount++; nsCount > maxNamespaces {
					return malformed("more than %d namespaces", maxNamespaces)
				}
				pl := strLen(le.Uint32(ch[c.headerLen:]))
				prefix = max(prefix, pl)
				text += 16 + pl + 6*strLen(le.Uint32(ch[c.headerLen+4:]))
			}
		case chunkXMLStart:
			if c.headerLen < 16 || c.headerLen+20 > c.size {
				return malformed("element chunk too short")
			}
			ext := ch[c.headerLen:]
			name := le.Uint32(ext[4:])
			attrStart := uint32(le.Uint16(ext[8:]))
			attrSize := uint32(le.Uint16(ext[10:]))
			attrCount := uint32(le.Uint16(ext[12:]))
			start := c.headerLen + attrStart
			if start > 0xFFFF { // the library adds these as uint16 and would wrap
				return malformed("attribute offset overflows")
			}
			if attrCount > 0 && (attrSize < 20 || uint64(start)+uint64(attrCount)*uint64(attrSize) > uint64(c.size)) {
				return malformed("%d attributes of %d bytes at %d do not fit a %d-byte element", attrCount, attrSize, start, c.size)
			}
			text += 4 + 2*(strLen(name)+prefix+1)
			for i := uint32(0); i < attrCount; i++ {
				a := ch[start+i*attrSize:]
				ns, an, raw := le.Uint32(a), le.Uint32(a[4:]), le.Uint32(a[8:])
				text += 4 + strLen(an) + 24
				if ns != 0xFFFFFFFF {
					text += prefix + 1
				}
				if raw != 0xFFFFFFFF {
					text += 6 * strLen(raw) // xml.Escape may expand each byte up to 6
				}
			}
		case chunkXMLEnd:
			if c.headerLen+8 > c.size {
				return malformed("end element chunk too short")
			}
			text += 4 + prefix + 1 + strLen(le.Uint32(ch[c.headerLen+4:]))
		}
		if text > maxXMLText || text > textFactor*uint64(len(doc))+1<<20 {
			return malformed("a %d-byte manifest would render to more than %d bytes of XML", len(doc), text)
		}
		off += uint64(c.size)
	}
	return nil
}

// CheckTable validates a resources.arsc before androidbinary.NewTableFile
// sees it: chunk sizes (a zero size makes the library loop forever), string
// pools, package headers and the type / type-spec entry counts.
func CheckTable(b []byte) error {
	if len(b) < 12 {
		return malformed("resource table of %d bytes", len(b))
	}
	top, err := chunkAt(b, 0)
	if err != nil {
		return err
	}
	if top.typ != chunkTable || top.headerLen < 12 {
		return malformed("not a resource table (chunk type %#x)", top.typ)
	}
	table := b[:top.size]
	var decoded, entries uint64
	for off := uint64(top.headerLen); off < uint64(top.size); {
		c, err := chunkAt(table, off)
		if err != nil {
			return err
		}
		ch := table[off : off+uint64(c.size)]
		switch c.typ {
		case chunkStringPool:
			info, err := checkPool(ch)
			if err != nil {
				return err
			}
			decoded += info.decoded
		case chunkTablePackage:
			d, n, err := checkPackage(ch, c)
			if err != nil {
				return err
			}
			decoded += d
			entries += n
		}
		if decoded > maxPoolDecoded {
			return malformed("string pools decode to more than %d bytes", maxPoolDecoded)
		}
		if entries > maxTableEntrys {
			return malformed("more than %d resource entries", maxTableEntrys)
		}
		off += uint64(c.size)
	}
	return nil
}

const packageHeaderLen = 284 // ResTable_package without typeIdOffset, as androidbinary reads it

func checkPackage(p []byte, c chunk) (decoded, entries uint64, err error) {
	if c.size < packageHeaderLen {
		return 0, 0, malformed("package chunk of %d bytes", c.size)
	}
	typeStrings := uint64(le.Uint32(p[268:]))
	keyStrings := uint64(le.Uint32(p[276:]))
	for _, o := range []uint64{typeStrings, keyStrings} {
		sc, err := chunkAt(p, o)
		if err != nil {
			return 0, 0, err
		}
		if sc.typ != chunkStringPool {
			return 0, 0, malformed("package string pool at %d has type %#x", o, sc.typ)
		}
		info, err := checkPool(p[o : o+uint64(sc.size)])
		if err != nil {
			return 0, 0, err
		}
		decoded += info.decoded
	}
	for off := uint64(c.headerLen); off < uint64(c.size); {
		ic, err := chunkAt(p, off)
		if err != nil {
			return 0, 0, err
		}
		ch := p[off : off+uint64(ic.size)]
		switch ic.typ {
		case chunkTableType:
			if ic.headerLen < 20 {
				return 0, 0, malformed("type chunk header of %d bytes", ic.headerLen)
			}
			n := uint64(le.Uint32(ch[12:]))
			if uint64(ic.headerLen)+4*n > uint64(ic.size) {
				return 0, 0, malformed("type chunk claims %d entries in %d bytes", n, ic.size)
			}
			entries += n
		case chunkTableSpec:
			if ic.headerLen < 16 {
				return 0, 0, malformed("type spec header of %d bytes", ic.headerLen)
			}
			n := uint64(le.Uint32(ch[12:]))
			if uint64(ic.headerLen)+4*n > uint64(ic.size) {
				return 0, 0, malformed("type spec claims %d entries in %d bytes", n, ic.size)
			}
		}
		off += uint64(ic.size)
	}
	return decoded, entries, nil
}
