package exif_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
	"time"

	"github.com/devicescan/devicescan/exif"
	"github.com/devicescan/devicescan/exif/exiftest"
)

// ent is one little-endian IFD entry: tag, type, count, inline value or offset.
type ent struct {
	tag, typ uint16
	count    uint32
	val      uint32
}

// ifdLE appends an IFD to b (which must already hold everything before it).
func ifdLE(b []byte, next uint32, es ...ent) []byte {
	b = binary.LittleEndian.AppendUint16(b, uint16(len(es)))
	for _, e := range es {
		b = binary.LittleEndian.AppendUint16(b, e.tag)
		b = binary.LittleEndian.AppendUint16(b, e.typ)
		b = binary.LittleEndian.AppendUint32(b, e.count)
		b = binary.LittleEndian.AppendUint32(b, e.val)
	}
	return binary.LittleEndian.AppendUint32(b, next)
}

var tiffLE = []byte("II*\x00\x08\x00\x00\x00")

func htc() uint32 { return binary.LittleEndian.Uint32([]byte("HTC\x00")) }

// readQuick runs exif.Read with a deadline so a hang fails the test.
func readQuick(t *testing.T, b []byte) (*exif.Metadata, error) {
	t.Helper()
	type res struct {
		m   *exif.Metadata
		err error
	}
	ch := make(chan res, 1)
	go func() {
		m, err := exif.Read(bytes.NewReader(b), int64(len(b)))
		ch <- res{m, err}
	}()
	select {
	case r := <-ch:
		return r.m, r.err
	case <-time.After(5 * time.Second):
		t.Fatalf("Read did not return within 5s")
		return nil, nil
	}
}

func jpegWithTIFF(tiff []byte) []byte {
	b := []byte{0xFF, 0xD8, 0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(b[4:], uint16(len(tiff)+8))
	b = append(b, "Exif\x00\x00"...)
	b = append(b, tiff...)
	return append(b, 0xFF, 0xD9)
}

func TestGoexifTraps(t *testing.T) {
	cycle := ifdLE(append([]byte{}, tiffLE...), 26, ent{0x010F, 2, 4, htc()}) // IFD0 -> IFD1 at 26
	cycle = ifdLE(cycle, 8, ent{0x0103, 3, 1, 6})                             // IFD1 -> IFD0
	if len(cycle) != 44 {
		t.Fatalf("cycle fixture is %d bytes", len(cycle))
	}
	self := ifdLE(append([]byte{}, tiffLE...), 8, ent{0x010F, 2, 4, htc()}) // IFD0 -> IFD0
	huge := ifdLE(append([]byte{}, tiffLE...), 0, ent{0x010F, 4, 0xFFFFFFFF, 0})[:26]
	huge2 := ifdLE(append([]byte{}, tiffLE...), 0, ent{0x010F, 12, 0x20000001, 8}, ent{0x010F, 2, 4, htc()})
	thumbOut := ifdLE(append([]byte{}, tiffLE...), 26, ent{0x010F, 2, 4, htc()})
	thumbOut = ifdLE(thumbOut, 0, ent{0x0201, 4, 1, 1000}, ent{0x0202, 4, 1, 5000})
	thumbWrap := ifdLE(append([]byte{}, tiffLE...), 26, ent{0x010F, 2, 4, htc()})
	thumbWrap = ifdLE(thumbWrap, 0, ent{0x0201, 4, 1, 20}, ent{0x0202, 4, 1, 0xFFFFFFF0})
	// Exif IFD pointing back to IFD0, GPS pointing to the header.
	ptrCycle := ifdLE(append([]byte{}, tiffLE...), 0, ent{0x010F, 2, 4, htc()}, ent{0x8769, 4, 1, 8}, ent{0x8825, 4, 1, 0})
	manyEntries := append(append([]byte{}, tiffLE...), 0xFF, 0xFF)
	// Zero denominators: FocalLength 5/0 and GPS 51/0 0/0 0/0.
	zeroDen := ifdLE(append([]byte{}, tiffLE...), 0, ent{0x010F, 2, 4, htc()}, ent{0x8769, 4, 1, 44}, ent{0x8825, 4, 1, 70})
	zeroDen = ifdLE(zeroDen, 0, ent{0x920A, 5, 1, 62}, ent{0x9206, 5, 1, 62}) // at 44, 26 bytes -> 70... value at 62
	zeroDen = zeroDen[:62]
	zeroDen = binary.LittleEndian.AppendUint32(zeroDen, 5)
	zeroDen = binary.LittleEndian.AppendUint32(zeroDen, 0) // 62..70: 5/0
	zeroDen = ifdLE(zeroDen, 0, ent{0x0001, 2, 2, 'N'}, ent{0x0002, 5, 3, 100}, ent{0x0003, 2, 2, 'E'}, ent{0x0004, 5, 3, 100})
	zeroDen = zeroDen[:100]
	for _, v := range []uint32{51, 0, 0, 0, 0, 0} {
		zeroDen = binary.LittleEndian.AppendUint32(zeroDen, v)
	}

	cases := []struct {
		name     string
		tiff     []byte
		wantMake string
		wantErr  bool
		check    func(*testing.T, *exif.Metadata)
	}{
		{"IFD0-IFD1-IFD0 cycle", cycle, "HTC", false, nil},
		{"IFD0 self cycle", self, "HTC", false, nil},
		{"26-byte huge count", huge, "", false, nil}, // entry dropped, empty result
		{"huge DOUBLE count", huge2, "HTC", false, nil},
		{"thumbnail out of range", thumbOut, "HTC", false, func(t *testing.T, m *exif.Metadata) {
			if m.Thumbnail != nil {
				t.Errorf("thumbnail %+v", m.Thumbnail)
			}
		}},
		{"thumbnail length wraps", thumbWrap, "HTC", false, func(t *testing.T, m *exif.Metadata) {
			if m.Thumbnail != nil {
				t.Errorf("thumbnail %+v", m.Thumbnail)
			}
		}},
		{"sub-IFD pointer cycle", ptrCycle, "HTC", false, nil},
		{"65535 entries", manyEntries, "", true, nil},
		{"zero denominators", zeroDen, "HTC", false, func(t *testing.T, m *exif.Metadata) {
			if m.GPS != nil || m.FocalLength != 0 || m.SubjectDistance != 0 {
				t.Errorf("GPS %+v focal %v distance %v", m.GPS, m.FocalLength, m.SubjectDistance)
			}
		}},
	}
	for _, c := range cases {
		for _, wrap := range []string{"tiff", "jpeg"} {
			t.Run(c.name+"/"+wrap, func(t *testing.T) {
				b := c.tiff
				if wrap == "jpeg" {
					b = jpegWithTIFF(b)
				}
				m, err := readQuick(t, b)
				if (err != nil) != c.wantErr {
					t.Fatalf("err = %v, want error %v", err, c.wantErr)
				}
				if err != nil && !errors.Is(err, exif.ErrCorrupt) {
					t.Errorf("error %v does not wrap ErrCorrupt", err)
				}
				if m == nil {
					t.Fatal("nil Metadata")
				}
				if m.Make != c.wantMake {
					t.Errorf("Make = %q, want %q", m.Make, c.wantMake)
				}
				if c.check != nil {
					c.check(t, m)
				}
			})
		}
	}
}

// TestTruncated reads every prefix of each generated format: each must
// return (error or partial data) without panicking or hanging.
func TestTruncated(t *testing.T) {
	o := fullOptions()
	o.XMPFirst = true
	for _, w := range writers {
		b, err := w.fn(o)
		if err != nil {
			t.Fatal(err)
		}
		step := 1
		if len(b) > 4000 {
			step = 7
		}
		for n := 0; n < len(b); n += step {
			m, err := exif.Read(bytes.NewReader(b[:n]), int64(n))
			if m == nil && err == nil {
				t.Fatalf("%s[:%d]: nil, nil", w.name, n)
			}
		}
	}
}

// TestHEIFBoxes covers 64-bit and to-end box sizes and broken boxes.
func TestHEIFBoxes(t *testing.T) {
	b, err := exiftest.HEIC(exiftest.Options{Make: "Apple", Thumbnail: true, Width: 4032, Height: 3024})
	if err != nil {
		t.Fatal(err)
	}
	ftypLen := int(binary.BigEndian.Uint32(b))
	metaLen := int(binary.BigEndian.Uint32(b[ftypLen:]))
	mdat := ftypLen + metaLen

	// mdat with size 0 (to end of file) still parses.
	zero := bytes.Clone(b)
	binary.BigEndian.PutUint32(zero[mdat:], 0)
	// meta as a 64-bit box: shifts everything after it by 8 bytes, so only
	// check that the walk accepts it and reports the format.
	large := append(bytes.Clone(b[:ftypLen]), 0, 0, 0, 1, 'm', 'e', 't', 'a')
	large = binary.BigEndian.AppendUint64(large, uint64(metaLen+8))
	large = append(large, b[ftypLen+8:]...)
	// meta claiming to be bigger than the file.
	tooBig := bytes.Clone(b)
	binary.BigEndian.PutUint32(tooBig[ftypLen:], 0x7FFFFFF0)
	// avif and plain mif1 brands.
	avif := bytes.Clone(b)
	copy(avif[8:], "avif")
	copy(avif[16:], "mif1avif")
	mif1 := bytes.Clone(b)
	copy(mif1[8:], "mif1")
	copy(mif1[16:], "mif1miaf")

	cases := []struct {
		name    string
		b       []byte
		format  string
		make    string
		wantErr error
	}{
		{"original", b, "heic", "Apple", nil},
		{"mdat size 0", zero, "heic", "Apple", nil},
		{"meta 64-bit size", large, "heic", "", exif.ErrCorrupt},
		{"meta too big", tooBig, "heic", "", exif.ErrCorrupt},
		{"avif", avif, "avif", "Apple", nil},
		{"mif1", mif1, "heif", "Apple", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := readQuick(t, c.b)
			if c.wantErr == nil && err != nil || c.wantErr != nil && !errors.Is(err, c.wantErr) {
				t.Fatalf("err = %v, want %v", err, c.wantErr)
			}
			if m == nil || m.Format != c.format || m.Make != c.make {
				t.Fatalf("got %+v", m)
			}
			if c.wantErr == nil && (m.Width != 4032 || m.Height != 3024 || m.Thumbnail == nil) {
				t.Errorf("size %dx%d thumbnail %+v", m.Width, m.Height, m.Thumbnail)
			}
		})
	}
}
