package exif

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"
	"time"
)

func TestBlockReaderMatchesBytesReader(t *testing.T) {
	data := make([]byte, 3*blockSize+123)
	for i := range data {
		data[i] = byte(i * 7)
	}
	ref := bytes.NewReader(data)
	br := newBlockReader(bytes.NewReader(data), int64(len(data)))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 5000; i++ {
		off := rng.Int64N(int64(len(data)) + 10)
		n := rng.IntN(2 * blockSize)
		if i%100 == 0 {
			n = directReads + rng.IntN(100)
		}
		a, b := make([]byte, n), make([]byte, n)
		na, ea := ref.ReadAt(a, off)
		nb, eb := br.ReadAt(b, off)
		if na != nb || !bytes.Equal(a[:na], b[:nb]) || (ea == nil) != (eb == nil) {
			t.Fatalf("ReadAt(%d, %d): ref %d %v, block %d %v", n, off, na, ea, nb, eb)
		}
	}
}

func TestJPEGSOFSelection(t *testing.T) {
	seg := func(marker byte, payload ...byte) []byte {
		n := len(payload) + 2
		return append([]byte{0xFF, marker, byte(n >> 8), byte(n)}, payload...)
	}
	sof := []byte{8, 0x01, 0x00, 0x02, 0x00, 3} // 512 high, 256... h=0x0100 w=0x0200
	cases := []struct {
		name string
		segs [][]byte
		w, h int
	}{
		{"DHT before SOF0", [][]byte{seg(0xC4, 0, 1, 2, 3, 4, 5, 6), seg(0xC0, sof...)}, 512, 256},
		{"DAC and JPG skipped, SOF2", [][]byte{seg(0xCC, 9, 9, 9, 9, 9, 9), seg(0xC8, 9, 9, 9, 9, 9), seg(0xC2, sof...)}, 512, 256},
		{"fill bytes and RST", [][]byte{{0xFF, 0xFF, 0xFF}, {0xFF, 0xD0}, seg(0xC1, sof...)}, 512, 256},
		{"SOS before SOF", [][]byte{seg(0xDA, 1, 2, 3), seg(0xC0, sof...)}, 0, 0},
	}
	for _, c := range cases {
		b := []byte{0xFF, 0xD8}
		for _, s := range c.segs {
			b = append(b, s...)
		}
		b = append(b, 0xFF, 0xD9)
		m, _ := readJPEG(bytes.NewReader(b), int64(len(b)))
		if m.Width != c.w || m.Height != c.h {
			t.Errorf("%s: %dx%d, want %dx%d", c.name, m.Width, m.Height, c.w, c.h)
		}
	}
}

func TestParseDateTime(t *testing.T) {
	cases := []struct {
		in, sub string
		want    string
		ok      bool
	}{
		{"2026:10:14 10:32:11", "", "2026-10-14T10:32:11Z", true},
		{"2026:10:14 10:32:11\x00", "5", "2026-10-14T10:32:11.5Z", true},
		{"2026-10-14T10:32:11", "123456789123", "2026-10-14T10:32:11.123456789Z", true},
		{"2026:10:14 10:32:11", "12x", "2026-10-14T10:32:11Z", true},
		{"0000:00:00 00:00:00", "", "", false},
		{"    :  :     :  :  ", "", "", false},
		{"2026:13:14 10:32:11", "", "", false},
		{"2026:10:14", "", "", false},
		{"", "", "", false},
	}
	for _, c := range cases {
		tm, ok := parseDateTime(c.in, c.sub)
		if ok != c.ok || (ok && tm.Format(time.RFC3339Nano) != c.want) {
			t.Errorf("%q %q: %v %v", c.in, c.sub, tm, ok)
		}
	}
	for in, want := range map[string]int{"+01:00": 3600, "-0530": -19800, "Z": 0, "+14:00": 50400} {
		loc, ok := parseOffset(in)
		if !ok {
			t.Errorf("%q rejected", in)
			continue
		}
		if _, off := time.Date(2020, 1, 1, 0, 0, 0, 0, loc).Zone(); off != want {
			t.Errorf("%q: %d", in, off)
		}
	}
	for _, bad := range []string{"", "+1:00", "+15:00", "01:00", "+01:60", "   :  "} {
		if _, ok := parseOffset(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

var _ io.ReaderAt = (*blockReader)(nil)
