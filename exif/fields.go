package exif

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// fill copies the tags this package knows from the parsed TIFF into m.
// Fields already set by the container (Format, Width, Height) are kept.
func (t *tiffReader) fill(m *Metadata) {
	d0, ex := t.ifd0, t.exif
	m.Make = t.str(d0, tagMake)
	m.Model = t.str(d0, tagModel)
	if m.Make == "" { // some phones (HTC) write Make/Model in the Exif IFD
		m.Make = t.str(ex, tagMake)
	}
	if m.Model == "" {
		m.Model = t.str(ex, tagModel)
	}
	m.Software = t.str(d0, tagSoftware)
	m.Artist = t.str(d0, tagArtist)
	m.ImageDescription = t.str(d0, tagImageDescription)
	m.XPComment = decodeUCS2(t.bytes(d0, tagXPComment), binary.LittleEndian)
	if v, ok := t.uint(d0, tagOrientation); ok && v >= 1 && v <= 8 {
		m.Orientation = int(v)
	}

	m.LensModel = t.str(ex, tagLensModel)
	if e, ok := ex[tagUserComment]; ok {
		m.UserComment = decodeUserComment(t.raw(e, maxValueBytes), t.order)
	}
	if v, ok := t.rat(ex, tagSubjectDistance); ok && v > 0 && v < 0xFFFFFFFF {
		m.SubjectDistance = v
	}
	if v, ok := t.uint(ex, tagSubjectDistRange); ok && v <= 3 {
		m.SubjectDistanceRange = int(v)
	}
	if v, ok := t.uint(ex, tagFlash); ok {
		m.Flash, m.HasFlash = int(v), true
	}
	if v, ok := t.rat(ex, tagFocalLength); ok && v > 0 {
		m.FocalLength = v
	}
	if v, ok := t.uint(ex, tagFocalLength35); ok {
		m.FocalLength35 = int(v)
	}

	// Date: original, then digitized, then IFD0 DateTime, each with its
	// own sub-second and offset tags.
	for _, c := range []struct {
		d               ifd
		date, sub, zone uint16
	}{
		{ex, tagDateTimeOriginal, tagSubSecTimeOrig, tagOffsetTimeOrig},
		{ex, tagDateTimeDigit, tagSubSecTimeDigit, tagOffsetTimeDigit},
		{d0, tagDateTime, tagSubSecTime, tagOffsetTime},
	} {
		tm, ok := parseDateTime(t.str(c.d, c.date), t.str(ex, c.sub))
		if !ok {
			continue
		}
		if zone, ok := parseOffset(t.str(ex, c.zone)); ok {
			tm = time.Date(tm.Year(), tm.Month(), tm.Day(), tm.Hour(), tm.Minute(), tm.Second(), tm.Nanosecond(), zone)
			m.HasOffset = true
		}
		m.TakenAt = tm
		break
	}

	m.GPS = t.gpsPosition()

	if m.Width == 0 || m.Height == 0 {
		w, okw := t.uint(ex, tagPixelXDimension)
		h, okh := t.uint(ex, tagPixelYDimension)
		if okw && okh && w > 0 && h > 0 && w <= math.MaxInt32 && h <= math.MaxInt32 {
			m.Width, m.Height = int(w), int(h)
		}
	}

	if m.Thumbnail == nil && t.ifd1 != nil {
		off, ok1 := t.uint(t.ifd1, tagThumbOffset)
		n, ok2 := t.uint(t.ifd1, tagThumbLength)
		var soi [2]byte
		if ok1 && ok2 && n > 2 && off < uint64(t.size) && n <= uint64(t.size)-off {
			if _, err := t.r.ReadAt(soi[:], t.base+int64(off)); err != nil || soi != [2]byte{0xFF, 0xD8} {
				t.note("thumbnail at %d does not start with a JPEG SOI", off)
			} else {
				th := &Thumbnail{Format: "jpeg", Offset: t.base + int64(off), Length: int64(n)}
				sec := io.NewSectionReader(t.r, th.Offset, th.Length)
				if w, h, ok := jpegSize(sec, th.Length); ok {
					th.Width, th.Height = w, h
				}
				m.Thumbnail = th
			}
		} else if ok1 || ok2 {
			t.note("thumbnail offset %d length %d outside payload of %d bytes", off, n, t.size)
		}
	}
}

// gpsPosition converts the GPS IFD to decimal degrees, or nil when the
// position is absent or implausible.
func (t *tiffReader) gpsPosition() *GPS {
	g := t.gps
	if g == nil {
		return nil
	}
	latRef := strings.ToUpper(t.str(g, tagGPSLatitudeRef))
	lonRef := strings.ToUpper(t.str(g, tagGPSLongitudeRef))
	lat, ok1 := t.dms(g, tagGPSLatitude)
	lon, ok2 := t.dms(g, tagGPSLongitude)
	if !ok1 || !ok2 {
		return nil
	}
	if strings.HasPrefix(latRef, "S") {
		lat = -lat
	}
	if strings.HasPrefix(lonRef, "W") {
		lon = -lon
	}
	if lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return nil
	}
	if lat == 0 && lon == 0 && latRef == "" && lonRef == "" {
		return nil
	}
	p := &GPS{Lat: lat, Lon: lon}
	if alt, ok := t.rat(g, tagGPSAltitude); ok {
		if ref, ok := t.uint(g, tagGPSAltitudeRef); ok && ref == 1 {
			alt = -alt
		}
		p.Alt = &alt
	}
	return p
}

// dms reads degrees, minutes, seconds (1 to 3 rationals) as decimal degrees.
func (t *tiffReader) dms(d ifd, tag uint16) (float64, bool) {
	e, ok := d[tag]
	if !ok {
		return 0, false
	}
	v := t.rats(e, 3)
	if len(v) == 0 {
		return 0, false
	}
	x := 0.0
	for i, f := range v {
		if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
			return 0, false
		}
		x += f / math.Pow(60, float64(i))
	}
	return x, !math.IsNaN(x) && !math.IsInf(x, 0)
}

// parseDateTime parses an EXIF "YYYY:MM:DD HH:MM:SS" (also with '-' or '/'
// date separators or a 'T') plus optional sub-second digits, as a UTC wall
// clock. All-zero or blank dates are rejected.
func parseDateTime(s, sub string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 19 {
		return time.Time{}, false
	}
	s = s[:19]
	num := func(a, b int) (int, bool) {
		n := 0
		for i := a; i < b; i++ {
			c := s[i]
			if c == ' ' && i == a { // some cameras pad single digits with spaces
				continue
			}
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	sepOK := func(i int, set string) bool { return strings.IndexByte(set, s[i]) >= 0 }
	if !sepOK(4, ":-/") || !sepOK(7, ":-/") || !sepOK(10, " T") || !sepOK(13, ":") || !sepOK(16, ":") {
		return time.Time{}, false
	}
	y, ok1 := num(0, 4)
	mo, ok2 := num(5, 7)
	d, ok3 := num(8, 10)
	h, ok4 := num(11, 13)
	mi, ok5 := num(14, 16)
	se, ok6 := num(17, 19)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return time.Time{}, false
	}
	if y == 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || se > 60 {
		return time.Time{}, false
	}
	ns := 0
	sub = strings.TrimSpace(sub)
	if sub != "" {
		scale := 100000000
		for i := 0; i < len(sub) && scale > 0; i++ {
			c := sub[i]
			if c < '0' || c > '9' {
				ns = 0
				break
			}
			ns += int(c-'0') * scale
			scale /= 10
		}
	}
	return time.Date(y, time.Month(mo), d, h, mi, se, ns, time.UTC), true
}

// parseOffset parses "+HH:MM" / "-HH:MM" (also "+HHMM", "Z") into a zone.
func parseOffset(s string) (*time.Location, bool) {
	s = strings.TrimSpace(s)
	if s == "Z" {
		return time.FixedZone("+00:00", 0), true
	}
	if len(s) == 5 {
		s = s[:3] + ":" + s[3:]
	}
	if len(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' {
		return nil, false
	}
	dig := func(c byte) (int, bool) { return int(c - '0'), c >= '0' && c <= '9' }
	h1, a := dig(s[1])
	h2, b := dig(s[2])
	m1, c := dig(s[4])
	m2, d := dig(s[5])
	if !(a && b && c && d) {
		return nil, false
	}
	h, mi := h1*10+h2, m1*10+m2
	if h > 14 || mi > 59 {
		return nil, false
	}
	sec := (h*60 + mi) * 60
	if s[0] == '-' {
		sec = -sec
	}
	return time.FixedZone(s, sec), true
}

// cleanString turns a tag value into text: cut at the first NUL, make it
// valid UTF-8 and trim spaces.
func cleanString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	s := string(b)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.TrimSpace(s)
}

// decodeUserComment strips the 8-byte character code of a UserComment.
func decodeUserComment(b []byte, order binary.ByteOrder) string {
	if len(b) < 8 {
		return cleanString(b)
	}
	code, body := string(b[:8]), b[8:]
	switch {
	case strings.HasPrefix(code, "UNICODE"):
		return decodeUCS2(body, guessUCS2Order(body, order))
	case strings.HasPrefix(code, "ASCII"), strings.HasPrefix(code, "JIS"), code == "\x00\x00\x00\x00\x00\x00\x00\x00":
		return cleanText(body)
	}
	// No recognised code: many writers put plain text here.
	return cleanText(b)
}

// cleanText trims NULs and spaces on both ends, keeping inner text.
func cleanText(b []byte) string {
	s := strings.Trim(string(b), "\x00 \t\r\n")
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

// guessUCS2Order picks the byte order of UCS-2 text: mostly-ASCII text has
// its zero bytes on the high side. A byte-order mark wins; ties use the
// TIFF byte order.
func guessUCS2Order(b []byte, def binary.ByteOrder) binary.ByteOrder {
	if len(b) >= 2 {
		switch {
		case b[0] == 0xFE && b[1] == 0xFF:
			return binary.BigEndian
		case b[0] == 0xFF && b[1] == 0xFE:
			return binary.LittleEndian
		}
	}
	even, odd := 0, 0
	for i := 0; i+1 < len(b); i += 2 {
		if b[i] == 0 && b[i+1] != 0 {
			even++
		}
		if b[i+1] == 0 && b[i] != 0 {
			odd++
		}
	}
	switch {
	case even > odd:
		return binary.BigEndian
	case odd > even:
		return binary.LittleEndian
	}
	return def
}

// decodeUCS2 decodes UTF-16 text (surrogates allowed), dropping a BOM and
// trailing NULs and spaces.
func decodeUCS2(b []byte, order binary.ByteOrder) string {
	if len(b) < 2 {
		return ""
	}
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, order.Uint16(b[i:]))
	}
	if len(u) > 0 && u[0] == 0xFEFF {
		u = u[1:]
	}
	for len(u) > 0 && u[len(u)-1] == 0 {
		u = u[:len(u)-1]
	}
	s := string(utf16.Decode(u))
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}
