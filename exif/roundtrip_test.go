package exif_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"testing"
	"time"

	"github.com/devicescan/devicescan/exif"
	"github.com/devicescan/devicescan/exif/exiftest"
)

func ptr[T any](v T) *T { return &v }

func read(t *testing.T, b []byte) *exif.Metadata {
	t.Helper()
	m, err := exif.Read(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return m
}

func fullOptions() exiftest.Options {
	return exiftest.Options{
		Make: "Apple", Model: "iPhone 15 Pro", Software: "17.1", LensModel: "iPhone 15 Pro back camera 6.86mm f/1.78",
		ImageDescription: "ward 7 wound", UserComment: "NHS 999 000 0001", Artist: "Dr X", XPComment: "Bemerkung ü",
		TakenAt: time.Date(2026, 10, 14, 10, 32, 11, 250_000_000, time.UTC), Offset: "+01:00",
		GPS: &[2]float64{51.5175, -0.1735}, Alt: ptr(23.5),
		SubjectDistance: 0.25, SubjectDistanceRange: 1, Flash: ptr(9), FocalLength: 6.86, FocalLength35: 24,
		Orientation: 6, Width: 320, Height: 240, Thumbnail: true,
	}
}

type writer struct {
	name   string
	format string
	fn     func(exiftest.Options) ([]byte, error)
}

var writers = []writer{
	{"jpeg", "jpeg", exiftest.JPEG},
	{"heic", "heic", exiftest.HEIC},
	{"png", "png", exiftest.PNG},
	{"tiff", "tiff", exiftest.TIFF},
}

func TestRoundTrip(t *testing.T) {
	for _, w := range writers {
		for _, be := range []bool{false, true} {
			o := fullOptions()
			o.BigEndian = be
			name := w.name + map[bool]string{false: "/II", true: "/MM"}[be]
			t.Run(name, func(t *testing.T) {
				b, err := w.fn(o)
				if err != nil {
					t.Fatal(err)
				}
				m := read(t, b)
				checkFull(t, m, w.format)
				if m.Thumbnail == nil {
					if w.format != "tiff" {
						t.Fatalf("no thumbnail")
					}
					return
				}
				th, err := m.ReadThumbnail(bytes.NewReader(b))
				if err != nil {
					t.Fatal(err)
				}
				switch w.format {
				case "heic":
					if m.Thumbnail.Format != "hevc" || m.Thumbnail.Width != 160 || m.Thumbnail.Height != 120 ||
						!bytes.Equal(m.Thumbnail.HEVCConfig, exiftest.HVCC) || len(th) != 32 {
						t.Errorf("heic thumbnail %+v, %d bytes", m.Thumbnail, len(th))
					}
				default:
					cfg, err := jpeg.DecodeConfig(bytes.NewReader(th))
					if err != nil || cfg.Width != 160 || cfg.Height != 120 {
						t.Errorf("thumbnail decode: %v %+v", err, cfg)
					}
					if m.Thumbnail.Format != "jpeg" || m.Thumbnail.Width != 160 || m.Thumbnail.Height != 120 {
						t.Errorf("thumbnail %+v", m.Thumbnail)
					}
				}
			})
		}
	}
}

func checkFull(t *testing.T, m *exif.Metadata, format string) {
	t.Helper()
	want := fullOptions()
	if m.Format != format {
		t.Errorf("Format = %q, want %q", m.Format, format)
	}
	if m.Width != 320 || m.Height != 240 {
		t.Errorf("size = %dx%d", m.Width, m.Height)
	}
	str := []struct{ name, got, want string }{
		{"Make", m.Make, want.Make}, {"Model", m.Model, want.Model}, {"Software", m.Software, want.Software},
		{"LensModel", m.LensModel, want.LensModel}, {"ImageDescription", m.ImageDescription, want.ImageDescription},
		{"UserComment", m.UserComment, want.UserComment}, {"Artist", m.Artist, want.Artist},
		{"XPComment", m.XPComment, want.XPComment},
		{"TakenAtISO", m.TakenAtISO(), "2026-10-14T10:32:11+01:00"},
	}
	for _, s := range str {
		if s.got != s.want {
			t.Errorf("%s = %q, want %q", s.name, s.got, s.want)
		}
	}
	if !m.HasOffset {
		t.Errorf("HasOffset false")
	}
	if _, off := m.TakenAt.Zone(); off != 3600 {
		t.Errorf("zone offset %d", off)
	}
	if m.TakenAt.Nanosecond() != 250_000_000 {
		t.Errorf("subsec %d", m.TakenAt.Nanosecond())
	}
	if m.GPS == nil || math.Abs(m.GPS.Lat-51.5175) > 1e-6 || math.Abs(m.GPS.Lon+0.1735) > 1e-6 ||
		m.GPS.Alt == nil || *m.GPS.Alt != 23.5 {
		t.Errorf("GPS = %+v", m.GPS)
	}
	if m.SubjectDistance != 0.25 || m.SubjectDistanceRange != 1 || !m.HasFlash || m.Flash != 9 ||
		m.FocalLength != 6.86 || m.FocalLength35 != 24 || m.Orientation != 6 {
		t.Errorf("camera fields: %+v", m)
	}
}

func TestTimes(t *testing.T) {
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		name    string
		offset  string
		iso     string
		has     bool
		seconds int
	}{
		{"no offset", "", "2025-01-02T03:04:05", false, 0},
		{"plus", "+05:30", "2025-01-02T03:04:05+05:30", true, 19800},
		{"minus", "-08:00", "2025-01-02T03:04:05-08:00", true, -28800},
		{"zero", "+00:00", "2025-01-02T03:04:05+00:00", true, 0},
		{"garbage offset", "+99:00", "2025-01-02T03:04:05", false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := exiftest.JPEG(exiftest.Options{TakenAt: at, Offset: c.offset})
			if err != nil {
				t.Fatal(err)
			}
			m := read(t, b)
			if m.TakenAtISO() != c.iso || m.HasOffset != c.has {
				t.Errorf("got %q has=%v", m.TakenAtISO(), m.HasOffset)
			}
			name, off := m.TakenAt.Zone()
			if off != c.seconds || (!c.has && m.TakenAt.Location() != time.UTC) {
				t.Errorf("zone %s %d loc %v", name, off, m.TakenAt.Location())
			}
			if m.TakenAt.Location() == time.Local && time.Local != time.UTC {
				t.Errorf("time.Local used")
			}
		})
	}
	var zero exif.Metadata
	if zero.TakenAtISO() != "" {
		t.Error("zero TakenAtISO not empty")
	}
}

func TestGPSSigns(t *testing.T) {
	cases := []struct {
		lat, lon float64
		alt      *float64
	}{
		{51.5, -0.17, nil}, {-33.8688, 151.2093, ptr(-12.0)}, {-22.9, -43.2, ptr(5.0)}, {40.7, 74.0, nil},
		{0, 0.5, nil}, {89.999, 179.999, nil},
	}
	for _, c := range cases {
		b, err := exiftest.JPEG(exiftest.Options{GPS: &[2]float64{c.lat, c.lon}, Alt: c.alt, BigEndian: c.lat < 0})
		if err != nil {
			t.Fatal(err)
		}
		m := read(t, b)
		if m.GPS == nil || math.Abs(m.GPS.Lat-c.lat) > 1e-6 || math.Abs(m.GPS.Lon-c.lon) > 1e-6 {
			t.Errorf("%v,%v: got %+v", c.lat, c.lon, m.GPS)
			continue
		}
		if (c.alt == nil) != (m.GPS.Alt == nil) || (c.alt != nil && *c.alt != *m.GPS.Alt) {
			t.Errorf("alt %v got %v", c.alt, m.GPS.Alt)
		}
	}
}

func TestUserCommentCharsets(t *testing.T) {
	cases := []struct{ charset, text string }{
		{"ASCII", "hello ward"}, {"UNICODE", "Zürich ☂"}, {"UNICODE-BE", "plain text"}, {"UNICODE-LE", "plain text"},
		{"JIS", "abc"}, {"UNDEFINED", "undefined text"}, {"ASCII", "  padded   "},
	}
	for _, c := range cases {
		for _, be := range []bool{false, true} {
			b, err := exiftest.JPEG(exiftest.Options{UserComment: c.text, UserCommentCharset: c.charset, BigEndian: be})
			if err != nil {
				t.Fatal(err)
			}
			m := read(t, b)
			want := c.text
			if want == "  padded   " {
				want = "padded"
			}
			if m.UserComment != want {
				t.Errorf("%s be=%v: got %q want %q", c.charset, be, m.UserComment, want)
			}
		}
	}
	// A comment of only spaces (common camera default) reads as empty.
	b, _ := exiftest.JPEG(exiftest.Options{UserComment: "        ", UserCommentCharset: "UNDEFINED"})
	if m := read(t, b); m.UserComment != "" {
		t.Errorf("blank comment: %q", m.UserComment)
	}
}

func TestXMPFirstAndImage(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 200, 100))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	img.Set(3, 3, color.Black)
	b, err := exiftest.JPEG(exiftest.Options{Make: "Canon", XMPFirst: true, Image: img, Thumbnail: true})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Index(b, []byte("http://ns.adobe.com/xap")) > bytes.Index(b, []byte("Exif\x00\x00")) {
		t.Fatal("XMP not first")
	}
	m := read(t, b)
	if m.Make != "Canon" || m.Width != 200 || m.Height != 100 || m.Thumbnail == nil {
		t.Errorf("got %+v", m)
	}
}

func TestNoMetadata(t *testing.T) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 30, 20)), nil); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	m, err := exif.Read(bytes.NewReader(b), int64(len(b)))
	if !errors.Is(err, exif.ErrNoMetadata) || m == nil || m.Format != "jpeg" || m.Width != 30 || m.Height != 20 {
		t.Errorf("plain jpeg: %v %+v", err, m)
	}
	for _, b := range [][]byte{nil, []byte("hello world, not an image"), []byte("\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isommp41")} {
		m, err := exif.Read(bytes.NewReader(b), int64(len(b)))
		if !errors.Is(err, exif.ErrUnsupported) || m != nil {
			t.Errorf("%q: %v %+v", b, err, m)
		}
	}
	if _, err := (&exif.Metadata{}).ReadThumbnail(bytes.NewReader(b)); err == nil {
		t.Error("ReadThumbnail without thumbnail succeeded")
	}
}
