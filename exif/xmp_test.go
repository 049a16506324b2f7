package exif

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/devicescan/devicescan/exif/exiftest"
)

// xmpPacket wraps rdf:Description content in an XMP packet.
func xmpPacket(desc string) string {
	return `<?xpacket begin="` + "\ufeff" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
` + desc + `
</rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>`
}

const xmpNSDecl = ` xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:tiff="http://ns.adobe.com/tiff/1.0/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"`

func TestParseXMPCoord(t *testing.T) {
	for _, c := range []struct {
		in   string
		lat  bool
		want float64
		ok   bool
	}{
		{"51,31.0500N", true, 51 + 31.05/60, true},
		{"51,31.0500S", true, -(51 + 31.05/60), true},
		{"0,10.38W", false, -10.38 / 60, true},
		{"0,10.38E", false, 10.38 / 60, true},
		{"51,31,3N", true, 51 + 31.0/60 + 3.0/3600, true},
		{"51.5177", true, 51.5177, true},
		{"-0.1730", false, -0.173, true},
		{"0.1730W", false, -0.173, true},
		{" 51,31.05 N ", true, 51 + 31.05/60, true},
		{"51,31.05E", true, 0, false}, // wrong axis letter
		{"0,10W", true, 0, false},
		{"91,0N", true, 0, false},
		{"181,0E", false, 0, false},
		{"51,61N", true, 0, false},
		{"51,-1N", true, 0, false},
		{"-51,1N", true, 0, false},
		{"-5S", true, 0, false},
		{"1,2,3,4N", true, 0, false},
		{"NaN", true, 0, false},
		{"Inf", false, 0, false},
		{"", true, 0, false},
		{"N", true, 0, false},
		{"abc", true, 0, false},
	} {
		got, ok := parseXMPCoord(c.in, c.lat)
		if ok != c.ok || (ok && math.Abs(got-c.want) > 1e-9) {
			t.Errorf("parseXMPCoord(%q, %v) = %v, %v; want %v, %v", c.in, c.lat, got, ok, c.want, c.ok)
		}
	}
}

func TestParseXMPDate(t *testing.T) {
	plus1 := time.FixedZone("", 3600)
	for _, c := range []struct {
		in     string
		want   time.Time
		offset bool
		ok     bool
	}{
		{"2026-10-16T10:15:06", time.Date(2026, 10, 16, 10, 15, 6, 0, time.UTC), false, true},
		{"2026-10-16T10:15:06+01:00", time.Date(2026, 10, 16, 10, 15, 6, 0, plus1), true, true},
		{"2026-10-16T10:15:06.25-05:30", time.Date(2026, 10, 16, 10, 15, 6, 250e6, time.FixedZone("", -19800)), true, true},
		{"2026-10-16T10:15Z", time.Date(2026, 10, 16, 10, 15, 0, 0, time.UTC), true, true},
		{"2026:10:16 10:15:06", time.Date(2026, 10, 16, 10, 15, 6, 0, time.UTC), false, true},
		{"2026-10-16", time.Time{}, false, false}, // no time of day
		{"2026-02-31T10:00:00", time.Time{}, false, false},
		{"2026-13-01T10:00:00", time.Time{}, false, false},
		{"2026-10-16T25:00:00", time.Time{}, false, false},
		{"2026-10-16T10:15:06+99:00", time.Time{}, false, false},
		{"2026-10-16X10:15:06", time.Time{}, false, false},
		{"2026-10:16T10:15:06", time.Time{}, false, false},
		{"0000-00-00T00:00:00", time.Time{}, false, false},
		{"2026-10-16T1:5:6", time.Time{}, false, false},
		{"garbage garbage garbage", time.Time{}, false, false},
	} {
		got, off, ok := parseXMPDate(c.in)
		if ok != c.ok || off != c.offset || !got.Equal(c.want) {
			t.Errorf("parseXMPDate(%q) = %v, %v, %v; want %v, %v, %v", c.in, got, off, ok, c.want, c.offset, c.ok)
		}
		if ok && !off && got.Location() != time.UTC {
			t.Errorf("parseXMPDate(%q): wall clock not in UTC", c.in)
		}
	}
}

func TestParseXMPApply(t *testing.T) {
	attrForm := xmpPacket(`<rdf:Description rdf:about=""` + xmpNSDecl + `
 exif:GPSLatitude="51,31.0620N" exif:GPSLongitude="0,10.3800W"
 exif:DateTimeOriginal="2026-10-16T10:15:04+01:00" tiff:Make="Apple" tiff:Model="iPhone 15"
 exif:UserComment="UC attr"/>`)
	elemForm := xmpPacket(`<rdf:Description rdf:about=""` + xmpNSDecl + `>
 <exif:GPSLatitude>33,52.2S</exif:GPSLatitude><exif:GPSLongitude>151,12.6E</exif:GPSLongitude>
 <photoshop:DateCreated>2026-10-16T10:15:04</photoshop:DateCreated>
 <tiff:Make>samsung</tiff:Make><tiff:Model>SM-S911B</tiff:Model>
 <dc:description><rdf:Alt><rdf:li xml:lang="fr">Bonjour</rdf:li><rdf:li xml:lang="x-default">NHS 943 476 5919</rdf:li></rdf:Alt></dc:description>
 <exif:UserComment><rdf:Alt><rdf:li xml:lang="en">first</rdf:li><rdf:li xml:lang="de">second</rdf:li></rdf:Alt></exif:UserComment>
</rdf:Description>`)
	for _, c := range []struct {
		name   string
		xmp    string
		start  Metadata
		want   Metadata
		filled bool
	}{
		{"attributes", attrForm, Metadata{}, Metadata{
			GPS:     &GPS{Lat: 51 + 31.062/60, Lon: -10.38 / 60},
			TakenAt: time.Date(2026, 10, 16, 10, 15, 4, 0, time.FixedZone("", 3600)), HasOffset: true,
			Make: "Apple", Model: "iPhone 15", UserComment: "UC attr"}, true},
		{"elements", elemForm, Metadata{}, Metadata{
			GPS:     &GPS{Lat: -(33 + 52.2/60), Lon: 151 + 12.6/60},
			TakenAt: time.Date(2026, 10, 16, 10, 15, 4, 0, time.UTC),
			Make:    "samsung", Model: "SM-S911B", ImageDescription: "NHS 943 476 5919", UserComment: "first"}, true},
		{"exif wins", elemForm, Metadata{
			GPS: &GPS{Lat: 1, Lon: 2}, TakenAt: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
			Make: "Canon", Model: "EOS", ImageDescription: "exif", UserComment: "exif uc"}, Metadata{
			GPS: &GPS{Lat: 1, Lon: 2}, TakenAt: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
			Make: "Canon", Model: "EOS", ImageDescription: "exif", UserComment: "exif uc"}, false},
		{"gaps only", elemForm, Metadata{Make: "Canon"}, Metadata{
			GPS:     &GPS{Lat: -(33 + 52.2/60), Lon: 151 + 12.6/60},
			TakenAt: time.Date(2026, 10, 16, 10, 15, 4, 0, time.UTC),
			Make:    "Canon", Model: "SM-S911B", ImageDescription: "NHS 943 476 5919", UserComment: "first"}, true},
		{"latitude only", xmpPacket(`<rdf:Description` + xmpNSDecl + ` exif:GPSLatitude="51,31N"/>`), Metadata{}, Metadata{}, false},
		{"xmp:CreateDate", xmpPacket(`<rdf:Description` + xmpNSDecl + ` xmp:CreateDate="2026-10-16T10:15"/>`), Metadata{},
			Metadata{TakenAt: time.Date(2026, 10, 16, 10, 15, 0, 0, time.UTC)}, true},
		{"truncated", attrForm[:len(attrForm)/2], Metadata{}, Metadata{}, false},
		{"unknown namespace", xmpPacket(`<rdf:Description xmlns:exif="urn:other" exif:GPSLatitude="1N" exif:GPSLongitude="1E"/>`), Metadata{}, Metadata{}, false},
		{"not xml", "\x00\x01<<<>>>&&&", Metadata{}, Metadata{}, false},
		{"utf16", `<?xml version="1.0" encoding="UTF-16"?><x/>`, Metadata{}, Metadata{}, false},
		{"entity", `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>` + xmpPacket(`<rdf:Description`+xmpNSDecl+` tiff:Make="&e;"/>`), Metadata{}, Metadata{Make: "&e;"}, true},
		{"deep", strings.Repeat("<a>", 100) + `<rdf:Description` + xmpNSDecl + ` tiff:Make="Deep"/>`, Metadata{}, Metadata{}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := c.start
			filled := parseXMP([]byte(c.xmp)).apply(&m)
			if filled != c.filled {
				t.Errorf("filled = %v, want %v", filled, c.filled)
			}
			checkMeta(t, &m, &c.want)
		})
	}
}

func checkMeta(t *testing.T, got, want *Metadata) {
	t.Helper()
	if (got.GPS == nil) != (want.GPS == nil) || (got.GPS != nil &&
		(math.Abs(got.GPS.Lat-want.GPS.Lat) > 1e-6 || math.Abs(got.GPS.Lon-want.GPS.Lon) > 1e-6)) {
		t.Errorf("GPS = %+v, want %+v", got.GPS, want.GPS)
	}
	if !got.TakenAt.Equal(want.TakenAt) || got.HasOffset != want.HasOffset || got.TakenAtISO() != want.TakenAtISO() {
		t.Errorf("TakenAt = %v (%s) offset %v, want %v (%s) offset %v", got.TakenAt, got.TakenAtISO(), got.HasOffset, want.TakenAt, want.TakenAtISO(), want.HasOffset)
	}
	for _, f := range []struct{ name, got, want string }{
		{"Make", got.Make, want.Make}, {"Model", got.Model, want.Model},
		{"ImageDescription", got.ImageDescription, want.ImageDescription},
		{"UserComment", got.UserComment, want.UserComment},
	} {
		if f.got != f.want {
			t.Errorf("%s = %q, want %q", f.name, f.got, f.want)
		}
	}
}

// withXMPSegment inserts an XMP APP1 segment right after SOI of a JPEG.
func withXMPSegment(t testing.TB, jpg []byte, packet string) []byte {
	t.Helper()
	payload := append([]byte(xmpNS), packet...)
	if len(payload)+2 > 0xFFFF {
		t.Fatal("XMP segment too large")
	}
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append([]byte{0xFF, 0xD8}, seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}

// stripExifSegment removes the Exif APP1 segment(s) of a JPEG.
func stripExifSegment(t testing.TB, jpg []byte) []byte {
	t.Helper()
	out := []byte{0xFF, 0xD8}
	pos := 2
	for pos+4 <= len(jpg) && jpg[pos] == 0xFF && jpg[pos+1] != 0xDA {
		n := int(binary.BigEndian.Uint16(jpg[pos+2:]))
		seg := jpg[pos : pos+2+n]
		if !(jpg[pos+1] == 0xE1 && bytes.HasPrefix(seg[4:], exifHeader)) {
			out = append(out, seg...)
		}
		pos += 2 + n
	}
	return append(out, jpg[pos:]...)
}

func pngWithXMP(t testing.TB, packet string, compressed bool) []byte {
	t.Helper()
	b, err := exiftest.PNG(exiftest.Options{Width: 4, Height: 3})
	if err != nil {
		t.Fatal(err)
	}
	text := []byte(packet)
	flag := byte(0)
	if compressed {
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(text)
		zw.Close()
		text, flag = z.Bytes(), 1
	}
	data := append([]byte("XML:com.adobe.xmp\x00"), flag, 0, 0, 0)
	data = append(data, text...)
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, "iTXt"...)
	c = append(c, data...)
	c = binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
	const ihdrEnd = 8 + 8 + 13 + 4
	return append(append(append([]byte{}, b[:ihdrEnd]...), c...), b[ihdrEnd:]...)
}

func TestReadXMPContainers(t *testing.T) {
	packet := xmpPacket(`<rdf:Description rdf:about=""` + xmpNSDecl + `
 exif:GPSLatitude="51,31.0620N" exif:GPSLongitude="0,10.3800W" tiff:Make="XMPMake" tiff:Model="XMPModel"
 exif:DateTimeOriginal="2026-10-16T10:15:04+01:00"><dc:description><rdf:Alt><rdf:li xml:lang="x-default">NHS 943 476 5919</rdf:li></rdf:Alt></dc:description></rdf:Description>`)
	xmpOnly := Metadata{GPS: &GPS{Lat: 51 + 31.062/60, Lon: -10.38 / 60}, Make: "XMPMake", Model: "XMPModel",
		ImageDescription: "NHS 943 476 5919",
		TakenAt:          time.Date(2026, 10, 16, 10, 15, 4, 0, time.FixedZone("", 3600)), HasOffset: true}
	exifTime := time.Date(2021, 5, 6, 7, 8, 9, 0, time.UTC)
	withExif, err := exiftest.JPEG(exiftest.Options{Make: "Canon", TakenAt: exifTime, Width: 8, Height: 8})
	if err != nil {
		t.Fatal(err)
	}
	plain := stripExifSegment(t, withExif)
	for _, c := range []struct {
		name string
		file []byte
		want Metadata
	}{
		{"jpeg xmp only", withXMPSegment(t, plain, packet), xmpOnly},
		{"jpeg xmp before exif", withXMPSegment(t, withExif, packet), Metadata{GPS: xmpOnly.GPS, Make: "Canon",
			Model: "XMPModel", ImageDescription: "NHS 943 476 5919", TakenAt: exifTime}},
		{"png xmp", pngWithXMP(t, packet, false), xmpOnly},
		{"png xmp compressed", pngWithXMP(t, packet, true), xmpOnly},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := Read(bytes.NewReader(c.file), int64(len(c.file)))
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			checkMeta(t, m, &c.want)
		})
	}
	// XMP that yields nothing keeps ErrNoMetadata.
	empty := withXMPSegment(t, plain, xmpPacket(`<rdf:Description rdf:about=""/>`))
	if _, err := Read(bytes.NewReader(empty), int64(len(empty))); err == nil {
		t.Error("empty XMP: want ErrNoMetadata")
	}
}

// TestXMPOracleExiftool writes XMP with exiftool and compares.
func TestXMPOracleExiftool(t *testing.T) {
	if testing.Short() {
		t.Skip("exiftool oracle skipped in -short mode")
	}
	bin, err := exec.LookPath("exiftool")
	if err != nil {
		t.Skip("exiftool not installed (apt-get install libimage-exiftool-perl)")
	}
	src, err := exiftest.JPEG(exiftest.Options{Width: 8, Height: 8})
	if err != nil {
		t.Fatal(err)
	}
	src = stripExifSegment(t, src)
	for _, c := range []struct {
		args []string
		want Metadata
	}{
		{[]string{"-XMP:Description=NHS 943 476 5919"}, Metadata{ImageDescription: "NHS 943 476 5919"}},
		{[]string{"-XMP:GPSLatitude=51.5177", "-XMP:GPSLongitude=-0.1730"}, Metadata{GPS: &GPS{Lat: 51.5177, Lon: -0.173}}},
		{[]string{"-XMP:GPSLatitude=-33.8688", "-XMP:GPSLongitude=151.2093", "-XMP:Make=Apple", "-XMP:Model=iPhone 15",
			"-XMP:DateTimeOriginal=2026:10:16 10:15:06+01:00", "-XMP:UserComment=ward 7"},
			Metadata{GPS: &GPS{Lat: -33.8688, Lon: 151.2093}, Make: "Apple", Model: "iPhone 15", UserComment: "ward 7",
				TakenAt: time.Date(2026, 10, 16, 10, 15, 6, 0, time.FixedZone("", 3600)), HasOffset: true}},
	} {
		t.Run(c.args[0], func(t *testing.T) {
			f := filepath.Join(t.TempDir(), "x.jpg")
			if err := os.WriteFile(f, src, 0o600); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"-q", "-overwrite_original"}, c.args...)
			if out, err := exec.Command(bin, append(args, f)...).CombinedOutput(); err != nil {
				t.Fatalf("exiftool: %v %s", err, out)
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Read(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			checkMeta(t, m, &c.want)
		})
	}
}

func FuzzXMP(f *testing.F) {
	f.Add([]byte(xmpPacket(`<rdf:Description rdf:about=""` + xmpNSDecl + ` exif:GPSLatitude="51,31.0620N" exif:GPSLongitude="0,10.38W" exif:DateTimeOriginal="2026-10-16T10:15:04+01:00"/>`)))
	f.Add([]byte(xmpPacket(`<rdf:Description` + xmpNSDecl + `><dc:description><rdf:Alt><rdf:li xml:lang="x-default">d</rdf:li></rdf:Alt></dc:description><tiff:Make>m</tiff:Make></rdf:Description>`)))
	f.Add([]byte(`<a><b></a>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Metadata
		parseXMP(b).apply(&m)
		if m.GPS != nil && (math.Abs(m.GPS.Lat) > 90 || math.Abs(m.GPS.Lon) > 180 || math.IsNaN(m.GPS.Lat) || math.IsNaN(m.GPS.Lon)) {
			t.Fatalf("bad GPS %+v", m.GPS)
		}
		jpg := append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0, 0}, xmpNS...)
		if len(b) > 0xFFFF-len(xmpNS)-2 {
			b = b[:0xFFFF-len(xmpNS)-2]
		}
		binary.BigEndian.PutUint16(jpg[4:], uint16(len(xmpNS)+len(b)+2))
		jpg = append(append(jpg, b...), 0xFF, 0xD9)
		Read(bytes.NewReader(jpg), int64(len(jpg)))
	})
}

func BenchmarkReadXMPOnlyJPEG(b *testing.B) {
	j, err := exiftest.JPEG(exiftest.Options{Width: 64, Height: 64})
	if err != nil {
		b.Fatal(err)
	}
	f := withXMPSegment(b, stripExifSegment(b, j), xmpPacket(`<rdf:Description rdf:about=""`+xmpNSDecl+`
 exif:GPSLatitude="51,31.0620N" exif:GPSLongitude="0,10.3800W" tiff:Make="M" tiff:Model="N"
 exif:DateTimeOriginal="2026-10-16T10:15:04+01:00"><dc:description><rdf:Alt><rdf:li xml:lang="x-default">d</rdf:li></rdf:Alt></dc:description></rdf:Description>`))
	b.SetBytes(int64(len(f)))
	for b.Loop() {
		if _, err := Read(bytes.NewReader(f), int64(len(f))); err != nil {
			b.Fatal(err)
		}
	}
}
