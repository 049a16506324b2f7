package exif_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/devicescan/devicescan/exif"
	"github.com/devicescan/devicescan/exif/exiftest"
)

func fuzzSeeds(f *testing.F, tiffOnly bool) {
	small := fullOptions()
	small.Width, small.Height = 16, 12 // small seeds mutate faster
	opts := []exiftest.Options{
		small,
		{Make: "M", Width: 8, Height: 8},
		{Make: "X", TakenAt: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), BigEndian: true, Thumbnail: true},
		{GPS: &[2]float64{-1, -2}, UserComment: "u", UserCommentCharset: "UNICODE", XMPFirst: true},
	}
	for _, o := range opts {
		if tiffOnly {
			b, err := exiftest.TIFF(o)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
			continue
		}
		for _, w := range writers {
			b, err := w.fn(o)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	// Small hand-made structures: IFD cycles, sub-IFD pointers, DNG SubIFDs.
	cycle := ifdLE(append([]byte{}, tiffLE...), 26, ent{0x010F, 2, 4, htc()})
	cycle = ifdLE(cycle, 8, ent{0x0201, 4, 1, 8}, ent{0x0202, 4, 1, 10})
	ptrs := ifdLE(append([]byte{}, tiffLE...), 0, ent{0x8769, 4, 1, 8}, ent{0x8825, 4, 1, 26}, ent{0x014A, 4, 1, 8})
	dng := ifdLE(append([]byte{}, tiffLE...), 0, ent{0x00FE, 4, 1, 1}, ent{0x014A, 4, 1, 38}, ent{0xC612, 1, 4, 0x401})
	dng = ifdLE(dng, 0, ent{0x00FE, 4, 1, 0}, ent{0x0100, 4, 1, 6000}, ent{0x0101, 4, 1, 4000})
	for _, b := range [][]byte{cycle, ptrs, dng} {
		f.Add(b)
		if !tiffOnly {
			f.Add(jpegWithTIFF(b))
		}
	}
	if tiffOnly {
		return
	}
	f.Add([]byte("RIFF\x1a\x00\x00\x00WEBPEXIF\x0e\x00\x00\x00II*\x00\x08\x00\x00\x00\x00\x00\x00\x00"))
	f.Add(riff(riffChunk("VP8X", []byte{8, 0, 0, 0, 1, 0, 0, 1, 0, 0}), riffChunk("EXIF", cycle)))
	h, err := exiftest.HEIC(exiftest.Options{Make: "A", Thumbnail: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(h)
	if tf, err := exiftest.TIFF(exiftest.Options{Make: "M"}); err == nil {
		enc, chunks := rawProfileChunks(f, tf)
		for _, name := range []string{"tEXt", "zTXt"} {
			f.Add(append(append(append([]byte{}, enc[:33]...), chunks[name]...), enc[33:]...))
		}
	}
	avif := bytes.Clone(h)
	copy(avif[8:], "avif")
	f.Add(avif)
}

// checkMeta asserts invariants that hold for any input.
func checkMeta(t *testing.T, b []byte, m *exif.Metadata) {
	if m == nil {
		return
	}
	if m.GPS != nil && (m.GPS.Lat < -90 || m.GPS.Lat > 90 || m.GPS.Lon < -180 || m.GPS.Lon > 180 || m.GPS.Lat != m.GPS.Lat) {
		t.Fatalf("GPS out of range: %+v", m.GPS)
	}
	if !m.HasOffset && !m.TakenAt.IsZero() && m.TakenAt.Location() != time.UTC {
		t.Fatalf("TakenAt without offset not in UTC: %v", m.TakenAt)
	}
	_ = m.TakenAtISO()
	if th := m.Thumbnail; th != nil {
		if th.Offset < 0 || th.Length <= 0 {
			t.Fatalf("bad thumbnail %+v", th)
		}
		data, err := m.ReadThumbnail(bytes.NewReader(b))
		if err == nil && int64(len(data)) != th.Length {
			t.Fatalf("thumbnail length %d != %d", len(data), th.Length)
		}
	}
}

func FuzzRead(f *testing.F) {
	fuzzSeeds(f, false)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := exif.Read(bytes.NewReader(b), int64(len(b)))
		if m == nil && err == nil {
			t.Fatal("nil Metadata without error")
		}
		checkMeta(t, b, m)
	})
}

// FuzzTIFF feeds raw TIFF payloads (the path TIFF/DNG files take) and the
// same payload inside a JPEG APP1, PNG eXIf and HEIF Exif item would take.
func FuzzTIFF(f *testing.F) {
	fuzzSeeds(f, true)
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 8 {
			return
		}
		m, err := exif.Read(bytes.NewReader(b), int64(len(b)))
		if (b[0] == 'I' && string(b[:4]) == "II*\x00" || string(b[:4]) == "MM\x00*") && m == nil {
			t.Fatalf("TIFF header but nil Metadata: %v", err)
		}
		checkMeta(t, b, m)
		if len(b) < 60000 {
			j := jpegWithTIFF(b)
			m, _ := exif.Read(bytes.NewReader(j), int64(len(j)))
			checkMeta(t, j, m)
		}
	})
}
