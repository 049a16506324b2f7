package exiftest

import (
	"bytes"
	"image/jpeg"
	"image/png"
	"testing"
	"time"
)

// The writers must produce files that standard decoders accept.
func TestWritersDecode(t *testing.T) {
	o := Options{Make: "M", TakenAt: time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC), Thumbnail: true, XMPFirst: true, Width: 33, Height: 17}
	for _, be := range []bool{false, true} {
		o.BigEndian = be
		j, err := JPEG(o)
		if err != nil {
			t.Fatal(err)
		}
		if img, err := jpeg.Decode(bytes.NewReader(j)); err != nil || img.Bounds().Dx() != 33 {
			t.Errorf("jpeg: %v", err)
		}
		p, err := PNG(o)
		if err != nil {
			t.Fatal(err)
		}
		if img, err := png.Decode(bytes.NewReader(p)); err != nil || img.Bounds().Dy() != 17 {
			t.Errorf("png: %v", err)
		}
		h, err := HEIC(o)
		if err != nil || !bytes.Equal(h[4:12], []byte("ftypheic")) {
			t.Errorf("heic: %v % x", err, h[:12])
		}
		tf, err := TIFF(o)
		if err != nil || (be && string(tf[:4]) != "MM\x00*") || (!be && string(tf[:4]) != "II*\x00") {
			t.Errorf("tiff: %v % x", err, tf[:4])
		}
	}
	if _, err := JPEG(Options{UserComment: "x", UserCommentCharset: "EBCDIC"}); err == nil {
		t.Error("unknown charset accepted")
	}
}
