package android

import (
	"fmt"
	"strconv"
	"unicode/utf16"
)

// A small binary-XML reader of our own, used when androidbinary cannot decode
// a manifest that Android would install: obfuscators blank the attribute
// name strings and leave only the resource map (android.R.attr IDs), which
// Android uses and androidbinary ignores. It runs after CheckXML, so every
// chunk, pool and attribute extent is already known to be in bounds.

var attrNames = map[uint32]string{
	0x01010001: "label",
	0x01010003: "name",
	0x01010024: "value",
	0x01010025: "resource",
	0x0101020c: "minSdkVersion",
	0x0101021b: "versionCode",
	0x0101021c: "versionName",
	0x01010270: "targetSdkVersion",
}

type axAttr struct {
	ns, name string
	value    string // raw string, or the typed value rendered like androidbinary does
}

type axElement struct {
	depth int
	name  string
	attrs []axAttr
}

// readAXML returns the start elements of a CheckXML-valid document in order.
func readAXML(b []byte) ([]axElement, error) {
	top, err := chunkAt(b, 0)
	if err != nil {
		return nil, err
	}
	doc := b[:top.size]
	var (
		pool  []byte
		strs  map[uint32]string
		resID []uint32
		out   []axElement
		depth int
	)
	str := func(ref uint32) string {
		if ref == 0xFFFFFFFF || pool == nil {
			return ""
		}
		if s, ok := strs[ref]; ok {
			return s
		}
		s, err := poolString(pool, ref)
		if err != nil {
			return ""
		}
		strs[ref] = s
		return s
	}
	for off := uint64(top.headerLen); off < uint64(top.size); {
		c, err := chunkAt(doc, off)
		if err != nil {
			return nil, err
		}
		ch := doc[off : off+uint64(c.size)]
		switch c.typ {
		case chunkStringPool:
			pool, strs = ch, map[uint32]string{}
		case 0x0180: // resource map
			resID = resID[:0]
			for i := uint64(c.headerLen); i+4 <= uint64(c.size); i += 4 {
				resID = append(resID, le.Uint32(ch[i:]))
			}
		case chunkXMLStart:
			if c.headerLen+20 > c.size {
				return nil, malformed("element chunk too short")
			}
			ext := ch[c.headerLen:]
			e := axElement{depth: depth, name: str(le.Uint32(ext[4:]))}
			start := c.headerLen + uint32(le.Uint16(ext[8:]))
			size := uint32(le.Uint16(ext[10:]))
			n := uint32(le.Uint16(ext[12:]))
			for i := uint32(0); i < n; i++ {
				a := ch[start+i*size:]
				if len(a) < 20 {
					break
				}
				ns, nameRef, raw := le.Uint32(a), le.Uint32(a[4:]), le.Uint32(a[8:])
				typ, data := a[15], le.Uint32(a[16:])
				name := str(nameRef)
				if uint64(nameRef) < uint64(len(resID)) {
					if known, ok := attrNames[resID[nameRef]]; ok {
						name = known // the resource ID is what Android itself uses
						ns = 1
					}
				}
				attr := axAttr{name: name}
				if ns != 0xFFFFFFFF {
					attr.ns = androidNS
				}
				if raw != 0xFFFFFFFF {
					attr.value = str(raw)
				} else {
					attr.value = typedValue(typ, data, str)
				}
				e.attrs = append(e.attrs, attr)
			}
			out = append(out, e)
			depth++
		case chunkXMLEnd:
			depth--
		}
		off += uint64(c.size)
	}
	return out, nil
}

func typedValue(typ uint8, data uint32, str func(uint32) string) string {
	switch typ {
	case 0x00:
		return ""
	case 0x03:
		return str(data)
	case 0x10:
		return strconv.FormatInt(int64(int32(data)), 10)
	case 0x11:
		return fmt.Sprintf("0x%08X", data)
	case 0x12:
		return strconv.FormatBool(data != 0)
	}
	return fmt.Sprintf("@0x%08X", data)
}

// poolString decodes string ref of a pool chunk checked by checkPool.
func poolString(p []byte, ref uint32) (string, error) {
	count := le.Uint32(p[8:])
	if ref >= count {
		return "", malformed("string %d of %d", ref, count)
	}
	utf8 := le.Uint32(p[16:])&(1<<8) != 0
	o := uint64(le.Uint32(p[20:]) + le.Uint32(p[28+4*ref:]))
	n, err := stringLen(p, o, utf8)
	if err != nil {
		return "", err
	}
	if utf8 {
		// skip the two length fields
		for k := 0; k < 2; k++ {
			if p[o]&0x80 != 0 {
				o++
			}
			o++
		}
		return string(p[o : o+n]), nil
	}
	if le.Uint16(p[o:])&0x8000 != 0 {
		o += 2
	}
	o += 2
	u := make([]uint16, n)
	for i := range u {
		u[i] = le.Uint16(p[o+2*uint64(i):])
	}
	return string(utf16.Decode(u)), nil
}

// manifestFromAXML builds the decoded manifest from readAXML's elements.
func manifestFromAXML(els []axElement) (*xManifest, error) {
	if len(els) == 0 || els[0].name != "manifest" {
		return nil, malformed("no <manifest> root")
	}
	m := &xManifest{}
	m.XMLName.Local = "manifest"
	get := func(e axElement, name string, android bool) string {
		for _, a := range e.attrs {
			if a.name == name && (a.ns != "") == android {
				return a.value
			}
		}
		return ""
	}
	root := els[0]
	m.Package = get(root, "package", false)
	m.Split = get(root, "split", false)
	m.VersionCode = get(root, "versionCode", true)
	m.VersionName = get(root, "versionName", true)
	inApp := -1
	for _, e := range els[1:] {
		if inApp >= 0 && e.depth <= inApp {
			inApp = -1
		}
		switch {
		case e.depth == 1 && e.name == "uses-sdk":
			m.SDK = append(m.SDK, struct {
				Min    string `xml:"http://schemas.android.com/apk/res/android minSdkVersion,attr"`
				Target string `xml:"http://schemas.android.com/apk/res/android targetSdkVersion,attr"`
			}{get(e, "minSdkVersion", true), get(e, "targetSdkVersion", true)})
		case e.depth == 1 && e.name == "uses-permission":
			m.Perms = append(m.Perms, xName{Name: get(e, "name", true)})
		case e.depth == 1 && e.name == "uses-permission-sdk-23":
			m.Perms23 = append(m.Perms23, xName{Name: get(e, "name", true)})
		case e.depth == 1 && e.name == "application":
			inApp = e.depth
			m.App = append(m.App, struct {
				Label string  `xml:"http://schemas.android.com/apk/res/android label,attr"`
				Meta  []xMeta `xml:"meta-data"`
			}{Label: get(e, "label", true)})
		case inApp >= 0 && e.depth == inApp+1 && e.name == "meta-data" && len(m.App) > 0:
			a := &m.App[len(m.App)-1]
			a.Meta = append(a.Meta, xMeta{Name: get(e, "name", true), Value: get(e, "value", true), Resource: get(e, "resource", true)})
		}
	}
	return m, nil
}
