package apktest

import (
	"encoding/binary"
	"sort"
	"unicode/utf16"
)

// AndroidNS is the android: attribute namespace.
const AndroidNS = "http://schemas.android.com/apk/res/android"

// Framework attribute resource IDs (android.R.attr) used in the resource map.
var attrIDs = map[string]uint32{
	"label":            0x01010001,
	"icon":             0x01010002,
	"name":             0x01010003,
	"value":            0x01010024,
	"resource":         0x01010025,
	"minSdkVersion":    0x0101020c,
	"versionCode":      0x0101021b,
	"versionName":      0x0101021c,
	"targetSdkVersion": 0x01010270,
	"maxSdkVersion":    0x01010271,
}

// Value types for Attr.Type (Res_value data types).
const (
	TypeReference = 0x01
	TypeString    = 0x03
	TypeIntDec    = 0x10
	TypeIntHex    = 0x11
	TypeBoolean   = 0x12
)

// Attr is one attribute of an Element. NS is "" or AndroidNS. For TypeString
// the value is Str; for other types it is Data.
type Attr struct {
	NS, Name string
	Type     uint8
	Str      string
	Data     uint32
}

// Element is a node of a binary XML document.
type Element struct {
	Name     string
	Attrs    []Attr
	Children []*Element
}

// StrAttr, IntAttr and RefAttr are shorthands for android: attributes.
func StrAttr(name, v string) Attr { return Attr{NS: AndroidNS, Name: name, Type: TypeString, Str: v} }

// IntAttr is an android: decimal integer attribute.
func IntAttr(name string, v int64) Attr {
	return Attr{NS: AndroidNS, Name: name, Type: TypeIntDec, Data: uint32(v)}
}

// RefAttr is an android: resource reference attribute (@0x7f...).
func RefAttr(name string, id uint32) Attr {
	return Attr{NS: AndroidNS, Name: name, Type: TypeReference, Data: id}
}

type pool struct {
	strs []string
	idx  map[string]uint32
}

func (p *pool) add(s string) uint32 {
	if p.idx == nil {
		p.idx = map[string]uint32{}
	}
	if i, ok := p.idx[s]; ok {
		return i
	}
	i := uint32(len(p.strs))
	p.strs = append(p.strs, s)
	p.idx[s] = i
	return i
}

var le = binary.LittleEndian

// stringPool encodes a ResStringPool chunk (UTF-16 unless utf8).
func stringPool(strs []string, utf8 bool) []byte {
	var data []byte
	offs := make([]uint32, len(strs))
	for i, s := range strs {
		offs[i] = uint32(len(data))
		if utf8 {
			u := utf16.Encode([]rune(s))
			data = appendLen8(data, len(u))
			data = appendLen8(data, len(s))
			data = append(data, s...)
			data = append(data, 0)
		} else {
			u := utf16.Encode([]rune(s))
			if len(u) > 0x7FFF {
				data = le.AppendUint16(data, uint16(0x8000|len(u)>>16))
			}
			data = le.AppendUint16(data, uint16(len(u)))
			for _, c := range u {
				data = le.AppendUint16(data, c)
			}
			data = le.AppendUint16(data, 0)
		}
	}
	for len(data)%4 != 0 {
		data = append(data, 0)
	}
	const hdr = 28
	stringsStart := hdr + 4*len(strs)
	size := stringsStart + len(data)
	b := make([]byte, 0, size)
	b = le.AppendUint16(b, 0x0001)
	b = le.AppendUint16(b, hdr)
	b = le.AppendUint32(b, uint32(size))
	b = le.AppendUint32(b, uint32(len(strs)))
	b = le.AppendUint32(b, 0) // styles
	var flags uint32
	if utf8 {
		flags = 1 << 8
	}
	b = le.AppendUint32(b, flags)
	b = le.AppendUint32(b, uint32(stringsStart))
	b = le.AppendUint32(b, 0)
	for _, o := range offs {
		b = le.AppendUint32(b, o)
	}
	return append(b, data...)
}

func appendLen8(b []byte, n int) []byte {
	if n > 0x7F {
		return append(b, byte(0x80|n>>8), byte(n))
	}
	return append(b, byte(n))
}

// EncodeXML encodes root as an Android binary XML document (AXML) with a
// string pool (UTF-16, or UTF-8 when utf8 is set), a resource map for the
// android: attribute names, the android namespace and the element tree.
func EncodeXML(root *Element, utf8 bool) []byte {
	return encodeXML(root, utf8, false)
}

// EncodeXMLStripped is EncodeXML with the names of android: attributes that
// have a resource ID blanked in the string pool, as obfuscators do: only the
// resource map still says which attribute is which (Android reads that).
func EncodeXMLStripped(root *Element, utf8 bool) []byte {
	return encodeXML(root, utf8, true)
}

func encodeXML(root *Element, utf8, strip bool) []byte {
	// Attribute names with resource IDs must come first in the pool, in the
	// same order as the resource map.
	var named []string
	seen := map[string]bool{}
	var walk func(e *Element)
	walk = func(e *Element) {
		for _, a := range e.Attrs {
			if a.NS == AndroidNS && attrIDs[a.Name] != 0 && !seen[a.Name] {
				seen[a.Name] = true
				named = append(named, a.Name)
			}
		}
		for _, c := range e.Children {
			walk(c)
		}
	}
	walk(root)
	sort.Slice(named, func(i, j int) bool { return attrIDs[named[i]] < attrIDs[named[j]] })
	var p pool
	for _, n := range named {
		p.add(n)
	}
	prefix, uri := p.add("android"), p.add(AndroidNS)
	var body []byte
	node := func(typ uint16, size int) {
		body = le.AppendUint16(body, typ)
		body = le.AppendUint16(body, 16)
		body = le.AppendUint32(body, uint32(size))
		body = le.AppendUint32(body, 1)          // line
		body = le.AppendUint32(body, 0xFFFFFFFF) // comment
	}
	node(0x0100, 24)
	body = le.AppendUint32(body, prefix)
	body = le.AppendUint32(body, uri)
	var emit func(e *Element)
	emit = func(e *Element) {
		attrs := append([]Attr(nil), e.Attrs...)
		sort.SliceStable(attrs, func(i, j int) bool {
			ai, aj := attrIDs[attrs[i].Name], attrIDs[attrs[j].Name]
			if attrs[i].NS != AndroidNS {
				ai = 0xFFFFFFFF
			}
			if attrs[j].NS != AndroidNS {
				aj = 0xFFFFFFFF
			}
			return ai < aj
		})
		node(0x0102, 16+20+20*len(attrs))
		body = le.AppendUint32(body, 0xFFFFFFFF)
		body = le.AppendUint32(body, p.add(e.Name))
		body = le.AppendUint16(body, 20)
		body = le.AppendUint16(body, 20)
		body = le.AppendUint16(body, uint16(len(attrs)))
		body = le.AppendUint16(body, 0)
		body = le.AppendUint16(body, 0)
		body = le.AppendUint16(body, 0)
		for _, a := range attrs {
			ns := uint32(0xFFFFFFFF)
			if a.NS != "" {
				ns = p.add(a.NS)
			}
			body = le.AppendUint32(body, ns)
			body = le.AppendUint32(body, p.add(a.Name))
			raw, data := uint32(0xFFFFFFFF), a.Data
			if a.Type == TypeString {
				raw = p.add(a.Str)
				data = raw
			}
			body = le.AppendUint32(body, raw)
			body = le.AppendUint16(body, 8)
			body = append(body, 0, a.Type)
			body = le.AppendUint32(body, data)
		}
		for _, c := range e.Children {
			emit(c)
		}
		node(0x0103, 24)
		body = le.AppendUint32(body, 0xFFFFFFFF)
		body = le.AppendUint32(body, p.add(e.Name))
	}
	emit(root)
	node(0x0101, 24)
	body = le.AppendUint32(body, prefix)
	body = le.AppendUint32(body, uri)

	strs := p.strs
	if strip {
		strs = append([]string(nil), strs...)
		for i := range named {
			strs[i] = ""
		}
	}
	sp := stringPool(strs, utf8)
	var rmap []byte
	rmap = le.AppendUint16(rmap, 0x0180)
	rmap = le.AppendUint16(rmap, 8)
	rmap = le.AppendUint32(rmap, uint32(8+4*len(named)))
	for _, n := range named {
		rmap = le.AppendUint32(rmap, attrIDs[n])
	}
	total := 8 + len(sp) + len(rmap) + len(body)
	out := make([]byte, 0, total)
	out = le.AppendUint16(out, 0x0003)
	out = le.AppendUint16(out, 8)
	out = le.AppendUint32(out, uint32(total))
	out = append(out, sp...)
	out = append(out, rmap...)
	return append(out, body...)
}

// LabelResID is the resource ID Build gives the label string (@string/app_name).
const LabelResID = 0x7f010000

// EncodeTable encodes a resources.arsc with one package (0x7f, named pkg) and
// one string resource, string/app_name = LabelResID, whose value per locale is
// given by values ("" = default configuration, "fr", "ja", "en-rGB"...).
// More string resources may be given in extra (name -> default value), with IDs
// LabelResID+1, +2... in sorted name order.
func EncodeTable(pkg string, values map[string]string, extra map[string]string) []byte {
	var global pool
	keys := []string{"app_name"}
	var extraNames []string
	for n := range extra {
		extraNames = append(extraNames, n)
	}
	sort.Strings(extraNames)
	keys = append(keys, extraNames...)
	locales := make([]string, 0, len(values))
	for l := range values {
		locales = append(locales, l)
	}
	sort.Strings(locales)
	if _, ok := values[""]; !ok && len(extra) > 0 {
		locales = append([]string{""}, locales...)
	}
	nEntries := len(keys)

	var typeChunks []byte
	for _, loc := range locales {
		entries := make([][]byte, nEntries)
		if v, ok := values[loc]; ok {
			entries[0] = tableEntry(0, global.add(v))
		}
		if loc == "" {
			for i, n := range extraNames {
				entries[i+1] = tableEntry(uint32(i+1), global.add(extra[n]))
			}
		}
		const cfgSize = 64
		hdr := 20 + cfgSize
		entriesStart := hdr + 4*nEntries
		var data []byte
		offs := make([]uint32, nEntries)
		for i, e := range entries {
			if e == nil {
				offs[i] = 0xFFFFFFFF
				continue
			}
			offs[i] = uint32(len(data))
			data = append(data, e...)
		}
		size := entriesStart + len(data)
		c := make([]byte, 0, size)
		c = le.AppendUint16(c, 0x0201)
		c = le.AppendUint16(c, uint16(hdr))
		c = le.AppendUint32(c, uint32(size))
		c = append(c, 1, 0, 0, 0) // type id 1, flags, reserved
		c = le.AppendUint32(c, uint32(nEntries))
		c = le.AppendUint32(c, uint32(entriesStart))
		cfg := make([]byte, cfgSize)
		le.PutUint32(cfg, cfgSize)
		if loc != "" {
			lang, region, _ := cutLocale(loc)
			copy(cfg[8:10], lang)
			copy(cfg[10:12], region)
		}
		c = append(c, cfg...)
		for _, o := range offs {
			c = le.AppendUint32(c, o)
		}
		typeChunks = append(typeChunks, append(c, data...)...)
	}
	// type spec
	var spec []byte
	spec = le.AppendUint16(spec, 0x0202)
	spec = le.AppendUint16(spec, 16)
	spec = le.AppendUint32(spec, uint32(16+4*nEntries))
	spec = append(spec, 1, 0, 0, 0)
	spec = le.AppendUint32(spec, uint32(nEntries))
	for i := 0; i < nEntries; i++ {
		spec = le.AppendUint32(spec, 0x4) // CONFIG_LOCALE
	}
	typeStrings := stringPool([]string{"string"}, false)
	keyStrings := stringPool(keys, false)
	const pkgHdr = 288
	pkgSize := pkgHdr + len(typeStrings) + len(keyStrings) + len(spec) + len(typeChunks)
	pk := make([]byte, 0, pkgSize)
	pk = le.AppendUint16(pk, 0x0200)
	pk = le.AppendUint16(pk, pkgHdr)
	pk = le.AppendUint32(pk, uint32(pkgSize))
	pk = le.AppendUint32(pk, 0x7f)
	name := make([]byte, 256)
	for i, c := range utf16.Encode([]rune(pkg)) {
		if i >= 127 {
			break
		}
		le.PutUint16(name[2*i:], c)
	}
	pk = append(pk, name...)
	pk = le.AppendUint32(pk, pkgHdr) // typeStrings
	pk = le.AppendUint32(pk, 1)      // lastPublicType
	pk = le.AppendUint32(pk, uint32(pkgHdr+len(typeStrings)))
	pk = le.AppendUint32(pk, uint32(nEntries))
	pk = le.AppendUint32(pk, 0) // typeIdOffset
	pk = append(pk, typeStrings...)
	pk = append(pk, keyStrings...)
	pk = append(pk, spec...)
	pk = append(pk, typeChunks...)

	gp := stringPool(global.strs, false)
	total := 12 + len(gp) + len(pk)
	out := make([]byte, 0, total)
	out = le.AppendUint16(out, 0x0002)
	out = le.AppendUint16(out, 12)
	out = le.AppendUint32(out, uint32(total))
	out = le.AppendUint32(out, 1)
	out = append(out, gp...)
	return append(out, pk...)
}

func tableEntry(key, str uint32) []byte {
	var e []byte
	e = le.AppendUint16(e, 8)
	e = le.AppendUint16(e, 0)
	e = le.AppendUint32(e, key)
	e = le.AppendUint16(e, 8)
	e = append(e, 0, TypeString)
	return le.AppendUint32(e, str)
}

func cutLocale(l string) (lang, region string, ok bool) {
	lang = l
	if i := indexByte(l, '-'); i >= 0 {
		lang, region = l[:i], l[i+1:]
		if len(region) == 3 && region[0] == 'r' {
			region = region[1:]
		}
	}
	return lang, region, true
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}
