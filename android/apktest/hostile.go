package apktest

// Hostile inputs for the guards. Each is small on disk and would make a
// trusting parser allocate or loop far beyond its size.

// ManifestPoolAmplifier returns a binary XML document whose string pool has
// count entries that all point at one string of units UTF-16 units: about
// 4*count + 2*units bytes that decode to count*units characters.
func ManifestPoolAmplifier(count, units int) []byte {
	var data []byte
	data = le.AppendUint16(data, uint16(0x8000|units>>16))
	data = le.AppendUint16(data, uint16(units))
	for i := 0; i < units; i++ {
		data = le.AppendUint16(data, 'A')
	}
	data = le.AppendUint16(data, 0)
	hdr := 28
	start := hdr + 4*count
	size := start + len(data)
	var p []byte
	p = le.AppendUint16(p, 0x0001)
	p = le.AppendUint16(p, uint16(hdr))
	p = le.AppendUint32(p, uint32(size))
	p = le.AppendUint32(p, uint32(count))
	p = le.AppendUint32(p, 0)
	p = le.AppendUint32(p, 0)
	p = le.AppendUint32(p, uint32(start))
	p = le.AppendUint32(p, 0)
	for i := 0; i < count; i++ {
		p = le.AppendUint32(p, 0)
	}
	p = append(p, data...)
	return xmlDoc(p)
}

// ManifestAttrAmplifier returns a binary XML document with one <manifest>
// element carrying attrs attributes whose value is the same string of units
// characters: rendered as XML text it is attrs*units bytes.
func ManifestAttrAmplifier(attrs, units int) []byte {
	big := make([]rune, units)
	for i := range big {
		big[i] = 'A'
	}
	pool := stringPool([]string{string(big), "manifest", "a"}, false)
	var el []byte
	el = le.AppendUint16(el, 0x0102)
	el = le.AppendUint16(el, 16)
	el = le.AppendUint32(el, uint32(16+20+20*attrs))
	el = le.AppendUint32(el, 1)
	el = le.AppendUint32(el, 0xFFFFFFFF)
	el = le.AppendUint32(el, 0xFFFFFFFF) // ns
	el = le.AppendUint32(el, 1)          // name "manifest"
	el = le.AppendUint16(el, 20)
	el = le.AppendUint16(el, 20)
	el = le.AppendUint16(el, uint16(attrs))
	el = append(el, 0, 0, 0, 0, 0, 0)
	for i := 0; i < attrs; i++ {
		el = le.AppendUint32(el, 0xFFFFFFFF)
		el = le.AppendUint32(el, 2) // name "a"
		el = le.AppendUint32(el, 0) // raw value: the big string
		el = le.AppendUint16(el, 8)
		el = append(el, 0, TypeString)
		el = le.AppendUint32(el, 0)
	}
	return xmlDoc(append(pool, el...))
}

func xmlDoc(body []byte) []byte {
	var out []byte
	out = le.AppendUint16(out, 0x0003)
	out = le.AppendUint16(out, 8)
	out = le.AppendUint32(out, uint32(8+len(body)))
	return append(out, body...)
}

// TableZeroChunk returns a resources.arsc whose second chunk has size 0: a
// parser that advances by the chunk size never ends.
func TableZeroChunk() []byte {
	var b []byte
	b = le.AppendUint16(b, 0x0002)
	b = le.AppendUint16(b, 12)
	b = le.AppendUint32(b, 12+8+8)
	b = le.AppendUint32(b, 1)
	b = append(b, 0x55, 0x55, 8, 0, 8, 0, 0, 0) // an unknown 8-byte chunk
	b = append(b, 0x55, 0x55, 8, 0, 0, 0, 0, 0) // size 0
	return b
}

// TableEntryCount returns a resources.arsc (label table for pkg) whose type
// chunk claims n entries.
func TableEntryCount(pkg string, n uint32) []byte {
	b := EncodeTable(pkg, map[string]string{"": "x"}, nil)
	// find the first type chunk (0x0201) and patch its entryCount
	for i := 0; i+16 < len(b); i += 4 {
		if le.Uint16(b[i:]) == 0x0201 && le.Uint16(b[i+2:]) == 84 {
			le.PutUint32(b[i+12:], n)
			break
		}
	}
	return b
}
