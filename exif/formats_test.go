package exif_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goexif "github.com/rwcarlsen/goexif/exif"

	"github.com/devicescan/devicescan/exif"
	"github.com/devicescan/devicescan/exif/exiftest"
)

func riffChunk(typ string, data []byte) []byte {
	c := append([]byte(typ), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(c[4:], uint32(len(data)))
	c = append(c, data...)
	if len(data)%2 == 1 {
		c = append(c, 0)
	}
	return c
}

func riff(chunks ...[]byte) []byte {
	body := []byte("WEBP")
	for _, c := range chunks {
		body = append(body, c...)
	}
	out := append([]byte("RIFF"), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(out[4:], uint32(len(body)))
	return append(out, body...)
}

func TestWebP(t *testing.T) {
	tiff, err := exiftest.TIFF(exiftest.Options{Make: "Google", Model: "Pixel 8", GPS: &[2]float64{48.85, 2.35}})
	if err != nil {
		t.Fatal(err)
	}
	vp8x := []byte{0x08, 0, 0, 0, 0x7F, 0x07, 0, 0x37, 0x04, 0} // 1920x1080
	vp8l := []byte{0x2F, 0x3F, 0xC0, 0x0F, 0x00}                // 64x64
	cases := []struct {
		name     string
		b        []byte
		w, h     int
		make     string
		wantErr  error
		wantNilM bool
	}{
		{"VP8X+EXIF", riff(riffChunk("VP8X", vp8x), riffChunk("VP8L", vp8l), riffChunk("EXIF", tiff)), 1920, 1080, "Google", nil, false},
		{"EXIF with Exif prefix", riff(riffChunk("VP8X", vp8x), riffChunk("EXIF", append([]byte("Exif\x00\x00"), tiff...))), 1920, 1080, "Google", nil, false},
		{"VP8L only", riff(riffChunk("VP8L", vp8l)), 64, 64, "", exif.ErrNoMetadata, false},
		{"odd chunk padding", riff(riffChunk("ICCP", []byte{1, 2, 3}), riffChunk("VP8L", vp8l), riffChunk("EXIF", tiff)), 64, 64, "Google", nil, false},
	}
	for _, c := range cases {
		m, err := readQuick(t, c.b)
		if !errors.Is(err, c.wantErr) && !(err == nil && c.wantErr == nil) {
			t.Errorf("%s: err %v", c.name, err)
		}
		if m == nil || m.Format != "webp" || m.Width != c.w || m.Height != c.h || m.Make != c.make {
			t.Errorf("%s: %+v", c.name, m)
		}
	}
}

func pngChunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(append(c, typ...), data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

func zlibBytes(b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// TestPNGRawProfile covers ImageMagick's hex-encoded "Raw profile type
// exif" in tEXt, zTXt and iTXt chunks.
func TestPNGRawProfile(t *testing.T) {
	tiff, err := exiftest.TIFF(exiftest.Options{Make: "Magick", TakenAt: time.Date(2021, 5, 6, 7, 8, 9, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	enc, chunks := rawProfileChunks(t, tiff)
	const ihdrEnd = 33
	for name, c := range chunks {
		b := append(append(append([]byte{}, enc[:ihdrEnd]...), c...), enc[ihdrEnd:]...)
		m, err := readQuick(t, b)
		if err != nil || m.Make != "Magick" || m.TakenAtISO() != "2021-05-06T07:08:09" || m.Width != 7 || m.Height != 5 {
			t.Errorf("%s: %v %+v", name, err, m)
		}
	}
	// A PNG without metadata reports its size and ErrNoMetadata.
	m, err := readQuick(t, enc)
	if !errors.Is(err, exif.ErrNoMetadata) || m == nil || m.Width != 7 {
		t.Errorf("plain png: %v %+v", err, m)
	}
}

// TestTIFFAndDNG: a DNG whose IFD0 is a preview and whose raw image is a
// SubIFD with NewSubfileType 0.
func TestTIFFAndDNG(t *testing.T) {
	dng := ifdLE(append([]byte{}, tiffLE...), 0,
		ent{0x00FE, 4, 1, 1},          // NewSubfileType: reduced resolution
		ent{0x0100, 3, 1, 256},        // ImageWidth
		ent{0x0101, 3, 1, 171},        // ImageLength
		ent{0x010F, 2, 4, htc()},      // Make
		ent{0x014A, 4, 1, 86},         // SubIFDs
		ent{0xC612, 1, 4, 0x00000401}, // DNGVersion 1.4.0.0
	)
	dng = ifdLE(dng, 0, ent{0x00FE, 4, 1, 0}, ent{0x0100, 4, 1, 6000}, ent{0x0101, 4, 1, 4000})
	plain := ifdLE(append([]byte{}, tiffLE...), 0, ent{0x0100, 3, 1, 640}, ent{0x0101, 3, 1, 480}, ent{0x0112, 3, 1, 3})
	cases := []struct {
		name   string
		b      []byte
		format string
		w, h   int
	}{
		{"dng", dng, "dng", 6000, 4000},
		{"tiff", plain, "tiff", 640, 480},
	}
	for _, c := range cases {
		m, err := readQuick(t, c.b)
		if err != nil || m.Format != c.format || m.Width != c.w || m.Height != c.h {
			t.Errorf("%s: %v %+v", c.name, err, m)
		}
	}
}

// TestGoexifAgrees compares with goexif itself on its own samples (no
// external tool needed). goexif is called with recover() and its local-time
// DateTime() is avoided: the raw DateTimeOriginal string is compared.
func TestGoexifAgrees(t *testing.T) {
	dir := goexifSamples(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*.jpg"))
	compared := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		x := func() (x *goexif.Exif) {
			defer func() {
				if recover() != nil {
					x = nil
				}
			}()
			x, err := goexif.Decode(bytes.NewReader(b))
			if err != nil {
				return nil
			}
			return x
		}()
		if x == nil {
			continue
		}
		m, _ := exif.Read(bytes.NewReader(b), int64(len(b)))
		if m == nil {
			t.Errorf("%s: goexif reads it, we do not", filepath.Base(f))
			continue
		}
		tag := func(n goexif.FieldName) string {
			tg, err := x.Get(n)
			if err != nil {
				return ""
			}
			s, err := tg.StringVal()
			if err != nil {
				return ""
			}
			return strings.TrimSpace(strings.TrimRight(s, "\x00"))
		}
		if tm := tag(goexif.DateTimeOriginal); tm != "" {
			if want, err := time.Parse("2006:01:02 15:04:05", tm); err == nil && !m.TakenAt.Equal(want.Add(time.Duration(m.TakenAt.Nanosecond()))) && !m.HasOffset {
				t.Errorf("%s: TakenAt %v, goexif %q", filepath.Base(f), m.TakenAt, tm)
			}
		}
		if mk := tag(goexif.Make); mk != "" && mk != m.Make {
			t.Errorf("%s: Make %q, goexif %q", filepath.Base(f), m.Make, mk)
		}
		if lat, lon, err := x.LatLong(); err == nil && !math.IsNaN(lat) && m.GPS != nil {
			if math.Abs(lat-m.GPS.Lat) > 1e-6 || math.Abs(lon-m.GPS.Lon) > 1e-6 {
				t.Errorf("%s: GPS %+v, goexif %v,%v", filepath.Base(f), m.GPS, lat, lon)
			}
		}
		compared++
	}
	t.Logf("compared %d/%d samples with goexif", compared, len(files))
	if compared == 0 {
		t.Error("goexif read none of its own samples")
	}
}

// rawProfileChunks returns a 7x5 PNG without metadata and the same TIFF as
// ImageMagick "Raw profile type exif" text chunks of each kind.
func rawProfileChunks(t testing.TB, tiff []byte) ([]byte, map[string][]byte) {
	payload := append([]byte("Exif\x00\x00"), tiff...)
	h := hex.EncodeToString(payload)
	var lines []string
	for len(h) > 72 {
		lines, h = append(lines, h[:72]), h[72:]
	}
	lines = append(lines, h)
	text := fmt.Sprintf("\nexif\n%8d\n%s\n", len(payload), strings.Join(lines, "\n"))
	key := "Raw profile type exif\x00"
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 7, 5))); err != nil {
		t.Fatal(err)
	}
	return img.Bytes(), map[string][]byte{
		"tEXt":            pngChunk("tEXt", []byte(key+text)),
		"zTXt":            pngChunk("zTXt", append([]byte(key+"\x00"), zlibBytes([]byte(text))...)),
		"iTXt plain":      pngChunk("iTXt", []byte(key+"\x00\x00en\x00\x00"+text)),
		"iTXt compressed": pngChunk("iTXt", append([]byte(key+"\x01\x00\x00\x00"), zlibBytes([]byte(text))...)),
	}
}
