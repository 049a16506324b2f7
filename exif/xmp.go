package exif

import (
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// XMP limits: packets larger than maxXMP are not parsed, and the token
// stream is cut after maxXMPTokens tokens or maxXMPDepth nesting levels.
const (
	maxXMP       = 1 << 20
	maxXMPTokens = 100000
	maxXMPDepth  = 64
	maxXMPValue  = 64 << 10 // longest text value kept
)

// xmpNS is the XMP packet header of a JPEG APP1 segment.
const xmpNS = "http://ns.adobe.com/xap/1.0/\x00"

// Namespaces of the XMP properties read.
const (
	nsRDF       = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	nsXML       = "http://www.w3.org/XML/1998/namespace"
	nsEXIF      = "http://ns.adobe.com/exif/1.0/"
	nsTIFF      = "http://ns.adobe.com/tiff/1.0/"
	nsXMP       = "http://ns.adobe.com/xap/1.0/"
	nsPhotoshop = "http://ns.adobe.com/photoshop/1.0/"
	nsDC        = "http://purl.org/dc/elements/1.1/"
)

// xmpProps maps the XMP properties read to their key in xmpData.vals.
var xmpProps = map[xml.Name]string{
	{Space: nsEXIF, Local: "GPSLatitude"}:       "lat",
	{Space: nsEXIF, Local: "GPSLongitude"}:      "lon",
	{Space: nsEXIF, Local: "DateTimeOriginal"}:  "dto",
	{Space: nsPhotoshop, Local: "DateCreated"}:  "pdc",
	{Space: nsXMP, Local: "CreateDate"}:         "xcd",
	{Space: nsDC, Local: "description"}:         "desc",
	{Space: nsEXIF, Local: "UserComment"}:       "uc",
	{Space: nsTIFF, Local: "Make"}:              "make",
	{Space: nsTIFF, Local: "Model"}:             "model",
	{Space: nsTIFF, Local: "ImageDescription"}:  "tdesc",
	{Space: nsEXIF, Local: "DateTimeDigitized"}: "dtd",
}

// xmpData holds the raw text of the properties found in an XMP packet,
// keyed as in xmpProps; the first occurrence of a property wins.
type xmpData struct {
	vals map[string]string
}

// parseXMP reads the properties listed in xmpProps from an XMP packet, both
// in the attribute form (<rdf:Description exif:GPSLatitude="...">) and the
// element form, taking the x-default (else the first) rdf:li of language
// alternatives. It stops at the first XML error, keeping what it found;
// it never panics and its work is bounded by the limits above.
func parseXMP(b []byte) xmpData {
	x := xmpData{vals: map[string]string{}}
	if len(b) > maxXMP {
		return x
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = false // tolerate sloppy writers; entities are never fetched
	d.CharsetReader = func(string, io.Reader) (io.Reader, error) {
		return nil, errXMPCharset
	}
	var (
		depth             int
		key               string // property being read, "" when none
		keyDepth          int
		text, li          strings.Builder
		inLi              bool
		liLang            string
		chosen, chosenLng string
		haveLi            bool
	)
	add := func(sb *strings.Builder, s string) {
		if sb.Len()+len(s) <= maxXMPValue {
			sb.WriteString(s)
		}
	}
	for n := 0; n < maxXMPTokens; n++ {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxXMPDepth {
				return x
			}
			for _, a := range t.Attr {
				if k, ok := xmpProps[a.Name]; ok {
					x.set(k, a.Value)
				}
			}
			if key != "" {
				if t.Name.Space == nsRDF && t.Name.Local == "li" {
					inLi, liLang = true, ""
					li.Reset()
					for _, a := range t.Attr {
						if a.Name.Local == "lang" && (a.Name.Space == nsXML || a.Name.Space == "xml") {
							liLang = a.Value
						}
					}
				}
				continue
			}
			if k, ok := xmpProps[t.Name]; ok {
				key, keyDepth = k, depth
				text.Reset()
				haveLi, chosen, chosenLng = false, "", ""
			}
		case xml.CharData:
			if key == "" {
				continue
			}
			if inLi {
				add(&li, string(t))
			} else {
				add(&text, string(t))
			}
		case xml.EndElement:
			if key != "" && inLi && t.Name.Space == nsRDF && t.Name.Local == "li" {
				inLi = false
				v := strings.TrimSpace(li.String())
				if v != "" && (!haveLi || (liLang == "x-default" && chosenLng != "x-default")) {
					chosen, chosenLng, haveLi = v, liLang, true
				}
			}
			if key != "" && depth == keyDepth {
				v := strings.TrimSpace(text.String())
				if haveLi {
					v = chosen
				}
				x.set(key, v)
				key, inLi = "", false
			}
			depth--
		}
	}
	return x
}

type xmpError string

func (e xmpError) Error() string { return string(e) }

const errXMPCharset = xmpError("xmp: only UTF-8 packets are read")

func (x *xmpData) set(k, v string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return
	}
	if _, dup := x.vals[k]; dup {
		return
	}
	if !utf8.ValidString(v) {
		v = strings.ToValidUTF8(v, "\uFFFD")
	}
	x.vals[k] = v
}

// apply fills the fields of m that EXIF left empty from the XMP data and
// reports whether it filled any.
func (x xmpData) apply(m *Metadata) bool {
	filled := false
	str := func(dst *string, keys ...string) {
		if *dst != "" {
			return
		}
		for _, k := range keys {
			if v := x.vals[k]; v != "" {
				*dst, filled = v, true
				return
			}
		}
	}
	str(&m.Make, "make")
	str(&m.Model, "model")
	str(&m.ImageDescription, "desc", "tdesc")
	str(&m.UserComment, "uc")
	if m.TakenAt.IsZero() {
		for _, k := range []string{"dto", "pdc", "dtd", "xcd"} {
			if t, off, ok := parseXMPDate(x.vals[k]); ok {
				m.TakenAt, m.HasOffset, filled = t, off, true
				break
			}
		}
	}
	if m.GPS == nil {
		lat, ok1 := parseXMPCoord(x.vals["lat"], true)
		lon, ok2 := parseXMPCoord(x.vals["lon"], false)
		if ok1 && ok2 {
			m.GPS, filled = &GPS{Lat: lat, Lon: lon}, true
		}
	}
	return filled
}

// parseXMPCoord parses an XMP GPS coordinate: "51,31.0500N" (degrees,
// decimal minutes), "51,31,3N" (degrees, minutes, seconds) or a decimal
// ("51.5177", "-0.173", "0.173W"). The reference letter must suit the
// axis (N/S for latitude, E/W for longitude); S and W are negative.
func parseXMPCoord(s string, lat bool) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return 0, false
	}
	neg := false
	switch c := s[len(s)-1]; c {
	case 'N', 'n', 'S', 's', 'E', 'e', 'W', 'w':
		isLatRef := c == 'N' || c == 'n' || c == 'S' || c == 's'
		if isLatRef != lat {
			return 0, false
		}
		neg = c == 'S' || c == 's' || c == 'W' || c == 'w'
		s = strings.TrimSpace(s[:len(s)-1])
	}
	parts := strings.Split(s, ",")
	if len(parts) > 3 {
		return 0, false
	}
	var v [3]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, false
		}
		if i > 0 && (f < 0 || f >= 60) {
			return 0, false
		}
		v[i] = f
	}
	deg := v[0]
	if deg < 0 {
		if neg || len(parts) > 1 { // "-51,31N" or "-51,31" is ambiguous
			return 0, false
		}
		neg, deg = true, -deg
	}
	r := deg + v[1]/60 + v[2]/3600
	if neg {
		r = -r
	}
	limit := 180.0
	if lat {
		limit = 90
	}
	if r < -limit || r > limit {
		return 0, false
	}
	return r, true
}

// parseXMPDate parses an XMP date (ISO 8601, "2026-10-16T10:15:06.25+01:00";
// also exiftool's "2026:10:16 10:15:06"). It needs at least hours and
// minutes: a date alone says nothing about the time of day. With a zone
// designator the time is in a time.FixedZone and hasOffset is true;
// otherwise it is the wall clock in time.UTC.
func parseXMPDate(s string) (t time.Time, hasOffset bool, ok bool) {
	s = strings.TrimSpace(s)
	if len(s) < 16 || len(s) > 40 {
		return time.Time{}, false, false
	}
	// Split off the zone designator after the time part.
	var zone *time.Location
	clock := s[11:]
	if i := strings.IndexAny(clock, "Z+-"); i >= 0 {
		z, ok := parseOffset(clock[i:])
		if !ok {
			return time.Time{}, false, false
		}
		zone, clock = z, clock[:i]
	}
	date := s[:10]
	if s[10] != 'T' && s[10] != ' ' {
		return time.Time{}, false, false
	}
	num := func(p string) (int, bool) {
		if p == "" {
			return 0, false
		}
		n := 0
		for _, c := range []byte(p) {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	if (date[4] != '-' && date[4] != ':') || date[7] != date[4] {
		return time.Time{}, false, false
	}
	y, ok1 := num(date[:4])
	mo, ok2 := num(date[5:7])
	d, ok3 := num(date[8:10])
	if !(ok1 && ok2 && ok3) {
		return time.Time{}, false, false
	}
	var frac string
	if i := strings.IndexByte(clock, '.'); i >= 0 {
		clock, frac = clock[:i], clock[i+1:]
	}
	hms := strings.Split(clock, ":")
	if len(hms) < 2 || len(hms) > 3 {
		return time.Time{}, false, false
	}
	var c [3]int
	for i, p := range hms {
		v, ok := num(p)
		if !ok || len(p) != 2 {
			return time.Time{}, false, false
		}
		c[i] = v
	}
	ns := 0
	if frac != "" {
		if len(hms) != 3 || len(frac) > 9 {
			return time.Time{}, false, false
		}
		v, ok := num(frac)
		if !ok {
			return time.Time{}, false, false
		}
		for i := len(frac); i < 9; i++ {
			v *= 10
		}
		ns = v
	}
	if y < 1 || mo < 1 || mo > 12 || d < 1 || d > 31 || c[0] > 23 || c[1] > 59 || c[2] > 60 {
		return time.Time{}, false, false
	}
	loc := time.UTC
	if zone != nil {
		loc = zone
	}
	t = time.Date(y, time.Month(mo), d, c[0], c[1], c[2], ns, loc)
	if t.Day() != d { // 31 February and the like
		return time.Time{}, false, false
	}
	return t, zone != nil, true
}

// readXMPAt reads an XMP packet of n bytes at off (skipping it when larger
// than maxXMP) and fills m from it; it reports whether it filled anything.
func readXMPAt(m *Metadata, r io.ReaderAt, off, n int64) bool {
	if n <= 0 || n > maxXMP {
		return false
	}
	b := make([]byte, n)
	if k, _ := r.ReadAt(b, off); int64(k) != n {
		return false
	}
	return parseXMP(b).apply(m)
}
