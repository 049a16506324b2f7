package exif

import (
	"encoding/binary"
	"errors"
	"io"
	"math"
)

// readTIFFFile reads a TIFF or DNG file: the whole file is the TIFF payload
// and the IFDs are read in place, a few small reads each.
func readTIFFFile(r io.ReaderAt, size int64) (*Metadata, error) {
	m := &Metadata{Format: "tiff"}
	t, err := parseTIFF(r, 0, size)
	if err != nil {
		if errors.Is(err, errTIFF) {
			return m, corrupt("%v", err)
		}
		return m, err
	}
	if _, ok := t.ifd0[tagDNGVersion]; ok {
		m.Format = "dng"
	}
	// Pixel size: the full-resolution image is IFD0 for plain TIFF; DNG
	// often puts a preview in IFD0 and the raw image in a SubIFD with
	// NewSubfileType 0.
	dims := func(d ifd) (int, int, bool) {
		w, ok1 := t.uint(d, tagImageWidth)
		h, ok2 := t.uint(d, tagImageLength)
		if ok1 && ok2 && w > 0 && h > 0 && w <= math.MaxInt32 && h <= math.MaxInt32 {
			return int(w), int(h), true
		}
		return 0, 0, false
	}
	if w, h, ok := dims(t.ifd0); ok {
		m.Width, m.Height = w, h
	}
	if st, _ := t.uint(t.ifd0, tagNewSubfileType); st&1 == 1 {
		for _, d := range t.subIFDs {
			if st, _ := t.uint(d, tagNewSubfileType); st == 0 {
				if w, h, ok := dims(d); ok {
					m.Width, m.Height = w, h
					break
				}
			}
		}
	}
	t.fill(m)
	return m, nil
}

const maxWebPChunks = 1024

// readWebP walks RIFF chunks for VP8X/VP8/VP8L (size) and EXIF.
func readWebP(r io.ReaderAt, size int64) (*Metadata, error) {
	m := &Metadata{Format: "webp"}
	var h [12]byte
	if _, err := r.ReadAt(h[:], 0); err != nil {
		return m, corrupt("RIFF header: %v", err)
	}
	end := int64(binary.LittleEndian.Uint32(h[4:8])) + 8
	if end > size {
		end = size
	}
	pos := int64(12)
	var b [10]byte
	for i := 0; i < maxWebPChunks && pos+8 <= end; i++ {
		if _, err := r.ReadAt(b[:8], pos); err != nil {
			return m, corrupt("chunk at %d: %v", pos, err)
		}
		typ := string(b[:4])
		n := int64(binary.LittleEndian.Uint32(b[4:8]))
		data := pos + 8
		if data+n > end {
			return m, corrupt("chunk %q at offset %d runs past end of file", typ, pos)
		}
		switch typ {
		case "VP8X":
			if n >= 10 {
				if _, err := r.ReadAt(b[:10], data); err == nil {
					m.Width = 1 + (int(b[4]) | int(b[5])<<8 | int(b[6])<<16)
					m.Height = 1 + (int(b[7]) | int(b[8])<<8 | int(b[9])<<16)
				}
			}
		case "VP8 ":
			if n >= 10 && m.Width == 0 {
				if _, err := r.ReadAt(b[:10], data); err == nil && b[3] == 0x9D && b[4] == 0x01 && b[5] == 0x2A {
					m.Width = int(binary.LittleEndian.Uint16(b[6:])) & 0x3FFF
					m.Height = int(binary.LittleEndian.Uint16(b[8:])) & 0x3FFF
				}
			}
		case "VP8L":
			if n >= 5 && m.Width == 0 {
				if _, err := r.ReadAt(b[:5], data); err == nil && b[0] == 0x2F {
					v := binary.LittleEndian.Uint32(b[1:5])
					m.Width = int(v&0x3FFF) + 1
					m.Height = int((v>>14)&0x3FFF) + 1
				}
			}
		case "EXIF":
			if n > maxExifPayload {
				return m, corrupt("EXIF chunk of %d bytes", n)
			}
			var p [6]byte
			if _, err := r.ReadAt(p[:], data); err == nil && string(p[:]) == string(exifHeader) {
				data, n = data+6, n-6
			}
			return m, wrapPart("EXIF chunk", readExif(m, r, data, n))
		}
		pos = data + n + n&1
	}
	return m, ErrNoMetadata
}
