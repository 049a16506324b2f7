// Package exiftest writes small synthetic photos with chosen EXIF metadata
// for tests: a real baseline JPEG with an Exif APP1 block, a minimal but
// structurally valid HEIC, a PNG with an eXIf chunk, and the raw TIFF/EXIF
// payload itself. Everything is generated in Go, so fixtures never need to
// be checked in as binaries.
package exiftest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"sort"
	"strings"
	"time"
	"unicode/utf16"
)

// Options chooses the metadata written. Zero values are left out.
type Options struct {
	Make, Model, Software, LensModel, ImageDescription, UserComment string
	Artist, XPComment                                               string

	// UserCommentCharset is the 8-byte character code of UserComment:
	// "ASCII" (default), "UNICODE" (UCS-2 in the TIFF byte order),
	// "UNICODE-BE", "UNICODE-LE", "JIS" or "UNDEFINED" (8 zero bytes).
	UserCommentCharset string

	TakenAt time.Time // written as DateTimeOriginal/Digitized/DateTime (wall clock), sub-seconds as SubSecTime*
	Offset  string    // "+01:00" or "": written as OffsetTime, OffsetTimeOriginal, OffsetTimeDigitized

	GPS *[2]float64 // lat, lon in decimal degrees
	Alt *float64    // metres; negative = below sea level

	SubjectDistance      float64 // metres, 0 = not written
	SubjectDistanceRange int
	Flash                *int
	FocalLength          float64
	FocalLength35        int
	Orientation          int

	Width, Height int         // pixel size (default: Image bounds, else 64x48)
	Image         image.Image // pixels, optional

	Thumbnail bool // embed a ~160x120 thumbnail (JPEG in IFD1; HEIC: a 'thmb' hvc1 item)
	XMPFirst  bool // JPEG: put an XMP APP1 before the Exif APP1
	BigEndian bool // TIFF byte order "MM" instead of "II"
}

// TIFF field types.
const (
	tByte      = 1
	tASCII     = 2
	tShort     = 3
	tLong      = 4
	tRational  = 5
	tUndefined = 7
)

type field struct {
	tag, typ uint16
	count    uint32
	data     []byte
	ptr      *dir // non-nil: a LONG pointer to this directory
	thumbPtr bool // non-nil: a LONG pointer to the thumbnail bytes
}

type dir struct {
	fields []field
	off    uint32
	size   uint32
}

type builder struct {
	order binary.ByteOrder
}

func (b builder) short(tag uint16, vs ...int) field {
	d := make([]byte, 2*len(vs))
	for i, v := range vs {
		b.order.PutUint16(d[2*i:], uint16(v))
	}
	return field{tag: tag, typ: tShort, count: uint32(len(vs)), data: d}
}

func (b builder) long(tag uint16, v uint32) field {
	d := make([]byte, 4)
	b.order.PutUint32(d, v)
	return field{tag: tag, typ: tLong, count: 1, data: d}
}

func (b builder) ascii(tag uint16, s string) field {
	d := append([]byte(s), 0)
	return field{tag: tag, typ: tASCII, count: uint32(len(d)), data: d}
}

func (b builder) undef(tag uint16, d []byte) field {
	return field{tag: tag, typ: tUndefined, count: uint32(len(d)), data: d}
}

// rational writes each value as num/den with the given denominator.
func (b builder) rational(tag uint16, den uint32, vs ...float64) field {
	d := make([]byte, 8*len(vs))
	for i, v := range vs {
		b.order.PutUint32(d[8*i:], uint32(math.Round(v*float64(den))))
		b.order.PutUint32(d[8*i+4:], den)
	}
	return field{tag: tag, typ: tRational, count: uint32(len(vs)), data: d}
}

func (d *dir) add(f field) { d.fields = append(d.fields, f) }

func (d *dir) layout(start uint32) uint32 {
	d.off = start
	n := uint32(2 + 12*len(d.fields) + 4)
	for _, f := range d.fields {
		if len(f.data) > 4 {
			n += uint32(len(f.data)+1) &^ 1
		}
	}
	d.size = n
	return start + n
}

func (b builder) write(out []byte, d *dir, next uint32, thumbOff uint32) {
	sort.Slice(d.fields, func(i, j int) bool { return d.fields[i].tag < d.fields[j].tag })
	p := d.off
	b.order.PutUint16(out[p:], uint16(len(d.fields)))
	p += 2
	val := d.off + uint32(2+12*len(d.fields)+4)
	for _, f := range d.fields {
		data := f.data
		if f.ptr != nil {
			data = make([]byte, 4)
			b.order.PutUint32(data, f.ptr.off)
		}
		if f.thumbPtr {
			data = make([]byte, 4)
			b.order.PutUint32(data, thumbOff)
		}
		b.order.PutUint16(out[p:], f.tag)
		b.order.PutUint16(out[p+2:], f.typ)
		b.order.PutUint32(out[p+4:], f.count)
		if len(data) <= 4 {
			copy(out[p+8:p+12], data)
		} else {
			b.order.PutUint32(out[p+8:], val)
			copy(out[val:], data)
			val += uint32(len(data)+1) &^ 1
		}
		p += 12
	}
	b.order.PutUint32(out[p:], next)
}

// TIFF returns the raw TIFF/EXIF payload ("II*\0" or "MM\0*" header, IFD0,
// Exif IFD, GPS IFD and, with Thumbnail, IFD1 and a JPEG thumbnail).
func TIFF(o Options) ([]byte, error) {
	var thumb []byte
	if o.Thumbnail {
		var err error
		if thumb, err = thumbnailJPEG(o); err != nil {
			return nil, err
		}
	}
	return buildTIFF(o, thumb)
}

func buildTIFF(o Options, thumb []byte) ([]byte, error) {
	b := builder{order: binary.LittleEndian}
	hdr := []byte("II*\x00")
	if o.BigEndian {
		b.order, hdr = binary.BigEndian, []byte("MM\x00*")
	}
	ifd0, exifD, gpsD, ifd1 := &dir{}, &dir{}, &dir{}, &dir{}
	str := func(d *dir, tag uint16, s string) {
		if s != "" {
			d.add(b.ascii(tag, s))
		}
	}
	str(ifd0, 0x010F, o.Make)
	str(ifd0, 0x0110, o.Model)
	str(ifd0, 0x0131, o.Software)
	str(ifd0, 0x013B, o.Artist)
	str(ifd0, 0x010E, o.ImageDescription)
	if o.Orientation != 0 {
		ifd0.add(b.short(0x0112, o.Orientation))
	}
	if o.XPComment != "" {
		u := utf16.Encode([]rune(o.XPComment + "\x00"))
		d := make([]byte, 2*len(u))
		for i, c := range u {
			binary.LittleEndian.PutUint16(d[2*i:], c)
		}
		ifd0.add(field{tag: 0x9C9C, typ: tByte, count: uint32(len(d)), data: d})
	}
	ifd0.add(b.rational(0x011A, 1, 72)) // XResolution
	ifd0.add(b.rational(0x011B, 1, 72)) // YResolution
	ifd0.add(b.short(0x0128, 2))        // ResolutionUnit: inches
	ifd0.add(b.short(0x0213, 1))        // YCbCrPositioning: centred
	ifd0.add(field{tag: 0x8769, typ: tLong, count: 1, ptr: exifD})

	exifD.add(b.undef(0x9000, []byte("0232")))     // ExifVersion
	exifD.add(b.undef(0x9101, []byte{1, 2, 3, 0})) // ComponentsConfiguration: YCbCr
	exifD.add(b.undef(0xA000, []byte("0100")))     // FlashpixVersion
	exifD.add(b.short(0xA001, 1))                  // ColorSpace: sRGB
	if !o.TakenAt.IsZero() {
		s := o.TakenAt.Format("2006:01:02 15:04:05")
		str(ifd0, 0x0132, s)
		str(exifD, 0x9003, s)
		str(exifD, 0x9004, s)
		if ns := o.TakenAt.Nanosecond(); ns != 0 {
			sub := strings.TrimRight(fmt.Sprintf("%09d", ns), "0")
			str(exifD, 0x9290, sub)
			str(exifD, 0x9291, sub)
			str(exifD, 0x9292, sub)
		}
		if o.Offset != "" {
			str(exifD, 0x9010, o.Offset)
			str(exifD, 0x9011, o.Offset)
			str(exifD, 0x9012, o.Offset)
		}
	}
	if o.UserComment != "" {
		uc, err := userComment(o.UserComment, o.UserCommentCharset, b.order)
		if err != nil {
			return nil, err
		}
		exifD.add(b.undef(0x9286, uc))
	}
	if o.SubjectDistance > 0 {
		exifD.add(b.rational(0x9206, 1000, o.SubjectDistance))
	}
	if o.SubjectDistanceRange != 0 {
		exifD.add(b.short(0xA40C, o.SubjectDistanceRange))
	}
	if o.Flash != nil {
		exifD.add(b.short(0x9209, *o.Flash))
	}
	if o.FocalLength > 0 {
		exifD.add(b.rational(0x920A, 100, o.FocalLength))
	}
	if o.FocalLength35 > 0 {
		exifD.add(b.short(0xA405, o.FocalLength35))
	}
	str(exifD, 0xA434, o.LensModel)
	if w, h := pixelSize(o); w > 0 {
		exifD.add(b.long(0xA002, uint32(w)))
		exifD.add(b.long(0xA003, uint32(h)))
	}

	if o.GPS != nil {
		lat, lon := o.GPS[0], o.GPS[1]
		latRef, lonRef := "N", "E"
		if lat < 0 {
			latRef, lat = "S", -lat
		}
		if lon < 0 {
			lonRef, lon = "W", -lon
		}
		gpsD.add(field{tag: 0x0000, typ: tByte, count: 4, data: []byte{2, 3, 0, 0}})
		gpsD.add(b.ascii(0x0001, latRef))
		gpsD.add(dms(b, 0x0002, lat))
		gpsD.add(b.ascii(0x0003, lonRef))
		gpsD.add(dms(b, 0x0004, lon))
		if o.Alt != nil {
			a, ref := *o.Alt, byte(0)
			if a < 0 {
				a, ref = -a, 1
			}
			gpsD.add(field{tag: 0x0005, typ: tByte, count: 1, data: []byte{ref}})
			gpsD.add(b.rational(0x0006, 100, a))
		}
		ifd0.add(field{tag: 0x8825, typ: tLong, count: 1, ptr: gpsD})
	}
	if thumb != nil {
		ifd1.add(b.short(0x0103, 6)) // Compression: old-style JPEG thumbnail
		ifd1.add(b.rational(0x011A, 1, 72))
		ifd1.add(b.rational(0x011B, 1, 72))
		ifd1.add(b.short(0x0128, 2))
		ifd1.add(field{tag: 0x0201, typ: tLong, count: 1, thumbPtr: true})
		ifd1.add(b.long(0x0202, uint32(len(thumb))))
	}

	pos := ifd0.layout(8)
	pos = exifD.layout(pos)
	if o.GPS != nil {
		pos = gpsD.layout(pos)
	}
	var ifd1Off, thumbOff uint32
	if thumb != nil {
		ifd1Off = pos
		pos = ifd1.layout(pos)
		thumbOff = pos
		pos += uint32(len(thumb))
	}
	out := make([]byte, pos)
	copy(out, hdr)
	b.order.PutUint32(out[4:], 8)
	b.write(out, ifd0, ifd1Off, 0)
	b.write(out, exifD, 0, 0)
	if o.GPS != nil {
		b.write(out, gpsD, 0, 0)
	}
	if thumb != nil {
		b.write(out, ifd1, 0, thumbOff)
		copy(out[thumbOff:], thumb)
	}
	return out, nil
}

// dms writes decimal degrees as degrees/1, minutes/1, seconds/10000.
func dms(b builder, tag uint16, v float64) field {
	deg := math.Floor(v)
	mf := (v - deg) * 60
	mi := math.Floor(mf)
	sec := (mf - mi) * 60
	d := make([]byte, 24)
	b.order.PutUint32(d[0:], uint32(deg))
	b.order.PutUint32(d[4:], 1)
	b.order.PutUint32(d[8:], uint32(mi))
	b.order.PutUint32(d[12:], 1)
	b.order.PutUint32(d[16:], uint32(math.Round(sec*10000)))
	b.order.PutUint32(d[20:], 10000)
	return field{tag: tag, typ: tRational, count: 3, data: d}
}

func userComment(s, charset string, order binary.ByteOrder) ([]byte, error) {
	ucs2 := func(o binary.ByteOrder) []byte {
		u := utf16.Encode([]rune(s))
		d := make([]byte, 2*len(u))
		for i, c := range u {
			o.PutUint16(d[2*i:], c)
		}
		return d
	}
	switch strings.ToUpper(charset) {
	case "", "ASCII":
		return append([]byte("ASCII\x00\x00\x00"), s...), nil
	case "UNICODE":
		return append([]byte("UNICODE\x00"), ucs2(order)...), nil
	case "UNICODE-BE":
		return append([]byte("UNICODE\x00"), ucs2(binary.BigEndian)...), nil
	case "UNICODE-LE":
		return append([]byte("UNICODE\x00"), ucs2(binary.LittleEndian)...), nil
	case "JIS":
		return append([]byte("JIS\x00\x00\x00\x00\x00"), s...), nil
	case "UNDEFINED":
		return append(make([]byte, 8), s...), nil
	}
	return nil, fmt.Errorf("exiftest: unknown UserComment charset %q", charset)
}

func pixelSize(o Options) (int, int) {
	if o.Image != nil {
		r := o.Image.Bounds()
		return r.Dx(), r.Dy()
	}
	if o.Width > 0 && o.Height > 0 {
		return o.Width, o.Height
	}
	return 64, 48
}

// picture returns o.Image or a gradient of the requested size.
func picture(o Options) image.Image {
	if o.Image != nil {
		return o.Image
	}
	w, h := pixelSize(o)
	if w*h > 4096*4096 {
		w, h = 64, 48
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / max(w, 1)), uint8(y * 255 / max(h, 1)), 128, 255})
		}
	}
	return img
}

// thumbnailJPEG scales the picture to 160x120 (nearest neighbour) and
// encodes it.
func thumbnailJPEG(o Options) ([]byte, error) {
	src := picture(o)
	sb := src.Bounds()
	const tw, th = 160, 120
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	for y := 0; y < th; y++ {
		for x := 0; x < tw; x++ {
			dst.Set(x, y, src.At(sb.Min.X+x*sb.Dx()/tw, sb.Min.Y+y*sb.Dy()/th))
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 70}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

const xmpPacket = `<?xpacket begin="` + "\ufeff" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="exiftest"/>
</rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>`

func segment(marker byte, payload []byte) ([]byte, error) {
	if len(payload)+2 > 0xFFFF {
		return nil, fmt.Errorf("exiftest: APP segment of %d bytes exceeds 64 KiB", len(payload))
	}
	s := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(s[2:], uint16(len(payload)+2))
	return append(s, payload...), nil
}

// JPEG returns a baseline JPEG (encoded by image/jpeg) with an Exif APP1
// segment built from o right after SOI (after an XMP APP1 with XMPFirst).
func JPEG(o Options) ([]byte, error) {
	tiff, err := TIFF(o)
	if err != nil {
		return nil, err
	}
	var img bytes.Buffer
	if err := jpeg.Encode(&img, picture(o), &jpeg.Options{Quality: 80}); err != nil {
		return nil, err
	}
	enc := img.Bytes()
	if len(enc) < 2 || enc[0] != 0xFF || enc[1] != 0xD8 {
		return nil, errors.New("exiftest: image/jpeg output lacks SOI")
	}
	out := []byte{0xFF, 0xD8}
	if o.XMPFirst {
		seg, err := segment(0xE1, append([]byte("http://ns.adobe.com/xap/1.0/\x00"), xmpPacket...))
		if err != nil {
			return nil, err
		}
		out = append(out, seg...)
	}
	seg, err := segment(0xE1, append([]byte("Exif\x00\x00"), tiff...))
	if err != nil {
		return nil, err
	}
	out = append(out, seg...)
	return append(out, enc[2:]...), nil
}

func pngChunk(typ string, data []byte) []byte {
	c := make([]byte, 8, 12+len(data))
	binary.BigEndian.PutUint32(c, uint32(len(data)))
	copy(c[4:], typ)
	c = append(c, data...)
	crc := crc32.ChecksumIEEE(c[4:])
	return binary.BigEndian.AppendUint32(c, crc)
}

// PNG returns a PNG (encoded by image/png) with an eXIf chunk right after
// IHDR holding the TIFF payload.
func PNG(o Options) ([]byte, error) {
	tiff, err := TIFF(o)
	if err != nil {
		return nil, err
	}
	var img bytes.Buffer
	if err := png.Encode(&img, picture(o)); err != nil {
		return nil, err
	}
	enc := img.Bytes()
	const ihdrEnd = 8 + 8 + 13 + 4
	if len(enc) < ihdrEnd || string(enc[12:16]) != "IHDR" {
		return nil, errors.New("exiftest: unexpected image/png output")
	}
	out := append([]byte{}, enc[:ihdrEnd]...)
	out = append(out, pngChunk("eXIf", tiff)...)
	return append(out, enc[ihdrEnd:]...), nil
}

func box(typ string, parts ...[]byte) []byte {
	n := 8
	for _, p := range parts {
		n += len(p)
	}
	b := make([]byte, 8, n)
	binary.BigEndian.PutUint32(b, uint32(n))
	copy(b[4:], typ)
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func fullBox(typ string, version byte, flags uint32, parts ...[]byte) []byte {
	vf := make([]byte, 4)
	binary.BigEndian.PutUint32(vf, flags)
	vf[0] = version
	return box(typ, append([][]byte{vf}, parts...)...)
}

func u16(v int) []byte { return binary.BigEndian.AppendUint16(nil, uint16(v)) }
func u32(v int) []byte { return binary.BigEndian.AppendUint32(nil, uint32(v)) }

// HVCC is the hvcC payload written by HEIC: a HEVC decoder configuration
// record (Main profile, 4:2:0, 8 bit) without parameter set arrays.
var HVCC = []byte{1, 0x01, 0x60, 0, 0, 0, 0x90, 0, 0, 0, 0, 0, 0x5A, 0xF0, 0x00, 0xFC, 0xFD, 0xF8, 0xF8, 0, 0, 0x0F, 0}

// HEIC returns a minimal HEIF file (brand heic): a 'hvc1' primary item
// whose coded data is placeholder bytes, an 'Exif' item holding the TIFF
// payload, ispe/hvcC properties, and with o.Thumbnail a 160x120 'hvc1'
// thumbnail item linked by iref 'thmb' (placeholder data too).
func HEIC(o Options) ([]byte, error) {
	oo := o
	oo.Thumbnail = false // HEIC EXIF carries no IFD1 thumbnail
	tiff, err := buildTIFF(oo, nil)
	if err != nil {
		return nil, err
	}
	w, h := pixelSize(o)
	exifItem := append(append(u32(6), "Exif\x00\x00"...), tiff...)
	primary := bytes.Repeat([]byte{0x00, 0x00, 0x01, 0x26}, 16) // placeholder "HEVC"
	thumb := bytes.Repeat([]byte{0x00, 0x00, 0x01, 0x27}, 8)

	ftyp := box("ftyp", []byte("heic"), u32(0), []byte("mif1"), []byte("heic"))
	build := func(mdatStart int) []byte {
		infe := func(id int, typ string) []byte {
			return fullBox("infe", 2, 0, u16(id), u16(0), []byte(typ), []byte{0})
		}
		entries := [][]byte{u16(2), infe(1, "hvc1"), infe(2, "Exif")}
		if o.Thumbnail {
			entries[0] = u16(3)
			entries = append(entries, infe(3, "hvc1"))
		}
		iinf := fullBox("iinf", 0, 0, entries...)
		refs := [][]byte{box("cdsc", u16(2), u16(1), u16(1))}
		if o.Thumbnail {
			refs = append(refs, box("thmb", u16(3), u16(1), u16(1)))
		}
		iref := fullBox("iref", 0, 0, refs...)
		ispe := func(w, h int) []byte { return fullBox("ispe", 0, 0, u32(w), u32(h)) }
		props := [][]byte{box("hvcC", HVCC), ispe(w, h)}
		ipma := [][]byte{u32(1), u16(1), {2, 0x81, 0x02}}
		if o.Thumbnail {
			props = append(props, box("hvcC", HVCC), ispe(160, 120))
			ipma = [][]byte{u32(2), u16(1), {2, 0x81, 0x02}, u16(3), {2, 0x83, 0x04}}
		}
		iprp := box("iprp", box("ipco", props...), fullBox("ipma", 0, 0, ipma...))
		loc := func(id, off, n int) []byte {
			return bytes.Join([][]byte{u16(id), u16(0), u16(1), u32(off), u32(n)}, nil)
		}
		items := [][]byte{{0x44, 0x00}, u16(2),
			loc(1, mdatStart, len(primary)),
			loc(2, mdatStart+len(primary), len(exifItem))}
		if o.Thumbnail {
			items[1] = u16(3)
			items = append(items, loc(3, mdatStart+len(primary)+len(exifItem), len(thumb)))
		}
		iloc := fullBox("iloc", 0, 0, items...)
		hdlr := fullBox("hdlr", 0, 0, u32(0), []byte("pict"), make([]byte, 12), []byte{0})
		pitm := fullBox("pitm", 0, 0, u16(1))
		return fullBox("meta", 0, 0, hdlr, pitm, iloc, iinf, iref, iprp)
	}
	meta := build(0)
	mdatStart := len(ftyp) + len(meta) + 8
	meta = build(mdatStart)
	mdat := box("mdat", primary, exifItem, thumbIf(o.Thumbnail, thumb))
	return bytes.Join([][]byte{ftyp, meta, mdat}, nil), nil
}

func thumbIf(ok bool, b []byte) []byte {
	if ok {
		return b
	}
	return nil
}
