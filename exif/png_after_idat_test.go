package exif

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"

	"github.com/devicescan/devicescan/exif/exiftest"
)

// moveChunkAfterIDAT rewrites a PNG so that the named chunk comes right
// after the last IDAT, as ImageMagick 6 writes eXIf.
func moveChunkAfterIDAT(t *testing.T, png []byte, name string) []byte {
	t.Helper()
	var chunks [][]byte
	for pos := 8; pos+12 <= len(png); {
		n := int(binary.BigEndian.Uint32(png[pos:]))
		chunks = append(chunks, png[pos:pos+12+n])
		pos += 12 + n
	}
	var moved []byte
	var rest [][]byte
	for _, c := range chunks {
		if string(c[4:8]) == name {
			moved = c
			continue
		}
		rest = append(rest, c)
	}
	if moved == nil {
		t.Fatalf("no %s chunk", name)
	}
	out := bytes.NewBuffer(append([]byte(nil), png[:8]...))
	for i, c := range rest {
		out.Write(c)
		if string(c[4:8]) == "IDAT" && (i+1 == len(rest) || string(rest[i+1][4:8]) != "IDAT") {
			out.Write(moved)
		}
	}
	return out.Bytes()
}

func TestPNGExifAfterImageData(t *testing.T) {
	png, err := exiftest.PNG(exiftest.Options{Make: "Canon", Model: "EOS", GPS: &[2]float64{51.5, -0.17},
		TakenAt: time.Date(2026, 10, 14, 10, 32, 11, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	late := moveChunkAfterIDAT(t, png, "eXIf")
	m, err := Read(bytes.NewReader(late), int64(len(late)))
	if err != nil {
		t.Fatal(err)
	}
	if m.Make != "Canon" || m.GPS == nil || m.TakenAtISO() != "2026-10-14T10:32:11" {
		t.Errorf("metadata after IDAT not read: %+v", m)
	}
}
