package apktest

import (
	"crypto/sha1"
	"encoding/binary"
	"hash/adler32"
	"sort"
	"unicode/utf16"

	"github.com/devicescan/devicescan/android/dex"
)

const noIndex = 0xFFFFFFFF

// Dex returns a minimal valid DEX 035 file defining the given classes
// (descriptors like "Lcom/example/Main;", each a subclass of java.lang.Object).
// Duplicate descriptors are defined once. Checksum and signature are computed.
func Dex(classes []string) []byte {
	return dexImage(classes, "035", 0, 0)
}

// DexContainer returns a DEX 041 container holding one image per group, with
// section offsets relative to the start of the container.
func DexContainer(groups [][]string) []byte {
	// First pass: sizes; second pass: write with known offsets.
	var sizes []int
	for _, g := range groups {
		sizes = append(sizes, len(dexImage(g, "041", 0, 0)))
	}
	total := 0
	for _, s := range sizes {
		total += s
	}
	var out []byte
	for _, g := range groups {
		img := dexImage(g, "041", uint32(len(out)), uint32(total))
		out = append(out, img...)
	}
	return out
}

func utf16Less(ua, ub []uint16) bool {
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			return ua[i] < ub[i]
		}
	}
	return len(ua) < len(ub)
}

// dexImage builds one image. base is where the image will sit in its
// container (v41) and is added to every offset; container is the total size.
func dexImage(classes []string, version string, base, container uint32) []byte {
	set := map[string]bool{"Ljava/lang/Object;": true}
	defined := map[string]bool{}
	var defs []string
	for _, c := range classes {
		set[c] = true
		if !defined[c] && c != "Ljava/lang/Object;" {
			defined[c] = true
			defs = append(defs, c)
		}
	}
	strs := make([]string, 0, len(set))
	for s := range set {
		strs = append(strs, s)
	}
	keys := make(map[string][]uint16, len(strs))
	for _, s := range strs {
		keys[s] = utf16.Encode([]rune(s))
	}
	sort.Slice(strs, func(i, j int) bool { return utf16Less(keys[strs[i]], keys[strs[j]]) })
	idx := map[string]uint32{}
	for i, s := range strs {
		idx[s] = uint32(i)
	}
	hsize := uint32(0x70)
	if version == "041" {
		hsize = 0x78
	}
	nStr := uint32(len(strs))
	strOff := hsize
	typeOff := strOff + 4*nStr
	classOff := typeOff + 4*nStr // every string is a type descriptor
	dataOff := classOff + 32*uint32(len(defs))

	le := binary.LittleEndian
	buf := make([]byte, dataOff)
	// string data
	strDataOff := make([]uint32, nStr)
	for i, s := range strs {
		strDataOff[i] = uint32(len(buf))
		b, n := dex.EncodeMUTF8(s)
		buf = binary.AppendUvarint(buf, uint64(n))
		buf = append(buf, b...)
		buf = append(buf, 0)
	}
	for len(buf)%4 != 0 {
		buf = append(buf, 0)
	}
	mapOff := uint32(len(buf))
	type item struct{ typ, size, off uint32 }
	items := []item{{0x0000, 1, 0}}
	if nStr > 0 {
		items = append(items, item{0x0001, nStr, strOff}, item{0x0002, nStr, typeOff})
	}
	if len(defs) > 0 {
		items = append(items, item{0x0006, uint32(len(defs)), classOff})
	}
	if nStr > 0 {
		items = append(items, item{0x2002, nStr, dataOff})
	}
	items = append(items, item{0x1000, 1, mapOff})
	buf = le.AppendUint32(buf, uint32(len(items)))
	for _, it := range items {
		off := it.off
		if it.typ != 0 || base != 0 {
			off += base
		}
		buf = le.AppendUint16(buf, uint16(it.typ))
		buf = le.AppendUint16(buf, 0)
		buf = le.AppendUint32(buf, it.size)
		buf = le.AppendUint32(buf, off)
	}
	// ids
	for i := range strs {
		le.PutUint32(buf[strOff+4*uint32(i):], base+strDataOff[i])
		le.PutUint32(buf[typeOff+4*uint32(i):], uint32(i))
	}
	for i, c := range defs {
		p := buf[classOff+32*uint32(i):]
		le.PutUint32(p[0:], idx[c])                    // class_idx (type idx == string idx)
		le.PutUint32(p[4:], 1)                         // ACC_PUBLIC
		le.PutUint32(p[8:], idx["Ljava/lang/Object;"]) // superclass
		le.PutUint32(p[12:], 0)                        // interfaces_off
		le.PutUint32(p[16:], noIndex)                  // source_file_idx
	}
	// header
	copy(buf, "dex\n"+version+"\x00")
	le.PutUint32(buf[0x20:], uint32(len(buf)))
	le.PutUint32(buf[0x24:], hsize)
	le.PutUint32(buf[0x28:], 0x12345678)
	le.PutUint32(buf[0x34:], base+mapOff)
	if nStr > 0 {
		le.PutUint32(buf[0x38:], nStr)
		le.PutUint32(buf[0x3C:], base+strOff)
		le.PutUint32(buf[0x40:], nStr)
		le.PutUint32(buf[0x44:], base+typeOff)
	}
	if len(defs) > 0 {
		le.PutUint32(buf[0x60:], uint32(len(defs)))
		le.PutUint32(buf[0x64:], base+classOff)
	}
	le.PutUint32(buf[0x68:], uint32(len(buf))-dataOff)
	le.PutUint32(buf[0x6C:], base+dataOff)
	if version == "041" {
		le.PutUint32(buf[0x70:], container)
		le.PutUint32(buf[0x74:], base)
	}
	sum := sha1.Sum(buf[32:])
	copy(buf[12:32], sum[:])
	le.PutUint32(buf[8:], adler32.Checksum(buf[12:]))
	return buf
}
