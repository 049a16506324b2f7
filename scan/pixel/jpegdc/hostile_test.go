package jpegdc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// segments lists the marker segments of a JPEG up to SOS: marker, offset
// of the FF, and total length including the marker.
func segments(t testing.TB, data []byte) []struct {
	m        byte
	off, len int
} {
	t.Helper()
	var out []struct {
		m        byte
		off, len int
	}
	pos := 2
	for pos+4 <= len(data) && data[pos] == 0xFF {
		m := data[pos+1]
		n := int(binary.BigEndian.Uint16(data[pos+2:]))
		out = append(out, struct {
			m        byte
			off, len int
		}{m, pos, n + 2})
		if m == 0xDA {
			break
		}
		pos += n + 2
	}
	return out
}

// without returns data minus every segment with marker m.
func without(t testing.TB, data []byte, m byte) []byte {
	var out []byte
	last := 0
	for _, s := range segments(t, data) {
		if s.m == m {
			out = append(out, data[last:s.off]...)
			last = s.off + s.len
		}
	}
	return append(out, data[last:]...)
}

// sofOffset returns the offset of the SOF marker.
func sofOffset(t testing.TB, data []byte) int {
	for _, s := range segments(t, data) {
		if s.m >= 0xC0 && s.m <= 0xC2 {
			return s.off
		}
	}
	t.Fatal("no SOF")
	return 0
}

func TestHostile(t *testing.T) {
	col := encode(t, photo(64, 48, 11), 80)
	gray := encode(t, grey(photo(64, 48, 11)), 80)
	patched := func(data []byte, f func(b []byte)) []byte {
		b := bytes.Clone(data)
		f(b)
		return b
	}
	adobe := func(transform byte) []byte {
		seg := []byte{0xFF, 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, transform}
		return append(append([]byte{0xFF, 0xD8}, seg...), col[2:]...)
	}
	huge := patched(col, func(b []byte) {
		o := sofOffset(t, b)
		binary.BigEndian.PutUint16(b[o+5:], 65535)
		binary.BigEndian.PutUint16(b[o+7:], 65535)
	})
	cases := []struct {
		name string
		data []byte
		opts Options
		want error // nil: any outcome without a panic
	}{
		{"empty", nil, Options{}, ErrFormat},
		{"not-jpeg", []byte("GIF89a"), Options{}, ErrFormat},
		{"soi-only", []byte{0xFF, 0xD8}, Options{}, ErrFormat},
		{"soi-eoi", []byte{0xFF, 0xD8, 0xFF, 0xD9}, Options{}, ErrFormat},
		{"huge-sof", huge, Options{}, ErrTooLarge},
		{"maxpixels", col, Options{MaxPixels: 64*48 - 1}, ErrTooLarge},
		{"no-dht", without(t, col, 0xC4), Options{}, ErrFormat},
		{"no-dqt", without(t, col, 0xDB), Options{}, ErrFormat},
		{"no-sof", without(t, col, 0xC0), Options{}, ErrFormat},
		{"no-sos", col[:segments(t, col)[len(segments(t, col))-1].off], Options{}, ErrTruncated},
		{"12-bit", patched(col, func(b []byte) { b[sofOffset(t, b)+4] = 12 }), Options{}, ErrUnsupported},
		{"lossless-sof3", patched(col, func(b []byte) { b[sofOffset(t, b)+1] = 0xC3 }), Options{}, ErrUnsupported},
		{"arith-sof9", patched(col, func(b []byte) { b[sofOffset(t, b)+1] = 0xC9 }), Options{}, ErrUnsupported},
		{"dnl-height-0", patched(col, func(b []byte) { binary.BigEndian.PutUint16(b[sofOffset(t, b)+5:], 0) }), Options{}, ErrUnsupported},
		{"zero-width", patched(col, func(b []byte) { binary.BigEndian.PutUint16(b[sofOffset(t, b)+7:], 0) }), Options{}, ErrFormat},
		{"adobe-rgb", adobe(0), Options{}, ErrUnsupported},
		{"adobe-ycc", adobe(1), Options{}, nil},
		{"bad-sampling", patched(col, func(b []byte) { b[sofOffset(t, b)+11] = 0x52 }), Options{}, ErrFormat},
		{"empty-huffman", patched(gray, func(b []byte) {
			for _, s := range segments(t, b) {
				if s.m == 0xC4 {
					for i := 5; i < 21; i++ {
						b[s.off+i] = 0 // all code counts zero
					}
					return
				}
			}
		}), Options{}, ErrFormat},
		{"scale-3", col, Options{Scale: 3}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			img, _, err := DecodeBytes(tc.data, tc.opts)
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if err != nil && !errors.Is(err, ErrTruncated) && img != nil {
				t.Fatalf("image with error %v", err)
			}
		})
	}
	// MaxBytes applies to Decode.
	if _, _, err := Decode(bytes.NewReader(col), Options{MaxBytes: 100}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("MaxBytes: %v", err)
	}
}

// TestHugeRefusedBeforeAlloc: a 65535x65535 frame header is refused with
// almost no allocation.
func TestHugeRefusedBeforeAlloc(t *testing.T) {
	col := encode(t, photo(16, 16, 1), 80)
	o := sofOffset(t, col)
	binary.BigEndian.PutUint16(col[o+5:], 65535)
	binary.BigEndian.PutUint16(col[o+7:], 65535)
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	_, _, err := DecodeBytes(col, Options{MaxPixels: 65535 * 65535})
	runtime.ReadMemStats(&m1)
	// With the limit raised the decoder does allocate its coefficients
	// (4 GP / 64 * 1.5 * 4 bytes): make sure the default limit refuses it.
	_ = err
	runtime.ReadMemStats(&m0)
	_, _, err = DecodeBytes(col, Options{})
	runtime.ReadMemStats(&m1)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v", err)
	}
	if d := m1.TotalAlloc - m0.TotalAlloc; d > 64<<10 {
		t.Errorf("allocated %d bytes before refusing", d)
	}
}

// TestGarbageAfterSOS replaces the entropy data with random bytes.
func TestGarbageAfterSOS(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, data := range [][]byte{encode(t, photo(80, 60, 3), 85), encode(t, grey(photo(80, 60, 3)), 85)} {
		segs := segments(t, data)
		sos := segs[len(segs)-1]
		start := sos.off + sos.len
		for i := range 200 {
			b := bytes.Clone(data[:start])
			n := rng.IntN(4000)
			for range n {
				c := byte(rng.UintN(256))
				if i%2 == 0 && c == 0xFF {
					c = 0xFE // half the runs without markers
				}
				b = append(b, c)
			}
			for _, s := range []int{8, 4} {
				img, _, err := DecodeBytes(b, Options{Scale: s})
				if err != nil && img != nil && !errors.Is(err, ErrTruncated) {
					t.Fatalf("image with error %v", err)
				}
				if img != nil {
					if bd := img.Bounds(); bd.Dx() != ceilDiv(80, s) || bd.Dy() != ceilDiv(60, s) {
						t.Fatalf("bounds %v", bd)
					}
				}
			}
		}
	}
}

// TestTruncated cuts real files at every 97th byte: never a panic; a
// partial image comes with ErrTruncated.
func TestTruncated(t *testing.T) {
	files := map[string][]byte{"go-420": encode(t, photo(200, 150, 4), 85)}
	for _, f := range testdataFiles {
		b, err := os.ReadFile(filepath.Join("testdata", f.name))
		if err != nil {
			t.Fatal(err)
		}
		files[f.name] = b
	}
	if samples, _ := goexifSamples(); len(samples) > 0 {
		b, err := os.ReadFile(samples[0])
		if err == nil {
			files[filepath.Base(samples[0])] = b
		}
	}
	for name, data := range files {
		partial, truncErr := 0, 0
		for n := 0; n < len(data); n += 97 {
			for _, s := range []int{8, 4} {
				img, _, err := DecodeBytes(data[:n], Options{Scale: s})
				if err == nil {
					// Progressive: the DC scans can be complete before the cut.
					continue
				}
				if errors.Is(err, ErrTruncated) {
					truncErr++
					if img != nil {
						partial++
						if _, ok := img.(interface{ Bounds() image.Rectangle }); !ok {
							t.Fatal("bad image")
						}
					}
				} else if img != nil {
					t.Fatalf("%s cut at %d: image with error %v", name, n, err)
				}
			}
		}
		t.Logf("%s (%d bytes): %d cuts gave ErrTruncated, %d of them with a partial image", name, len(data), truncErr, partial)
		if (name == "go-420" || name == "restart-1B-422.jpg") && partial == 0 {
			t.Errorf("%s: no partial image", name)
		}
	}
}
