package exif

import (
	"errors"
	"fmt"
	"io"
)

const maxJPEGSegments = 1024

// jpegWalk walks the marker segments of a JPEG from SOI up to SOS or EOI
// without reading entropy-coded data. For each segment it calls fn with the
// marker, the absolute offset of the payload (after the 2-byte length) and
// the payload length; fn returns false to stop.
func jpegWalk(r io.ReaderAt, size int64, fn func(marker byte, off, n int64) bool) error {
	var b [4]byte
	if _, err := r.ReadAt(b[:2], 0); err != nil || b[0] != 0xFF || b[1] != 0xD8 {
		return corrupt("missing SOI")
	}
	pos := int64(2)
	for seg := 0; seg < maxJPEGSegments; seg++ {
		if pos+4 > size {
			return corrupt("truncated before SOS at offset %d", pos)
		}
		if _, err := r.ReadAt(b[:4], pos); err != nil {
			if errors.Is(err, io.EOF) {
				return corrupt("truncated at offset %d", pos)
			}
			return err
		}
		if b[0] != 0xFF {
			return corrupt("expected marker at offset %d, found 0x%02x", pos, b[0])
		}
		marker := b[1]
		switch {
		case marker == 0xFF: // fill byte
			pos++
			continue
		case marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7): // TEM, RSTn: no length
			pos += 2
			continue
		case marker == 0xD9: // EOI
			return nil
		case marker == 0xD8:
			return corrupt("second SOI at offset %d", pos)
		}
		n := int64(b[2])<<8 | int64(b[3])
		if n < 2 {
			return corrupt("segment 0x%02x at offset %d has length %d", marker, pos, n)
		}
		if pos+2+n > size {
			return corrupt("segment 0x%02x at offset %d runs past end of file", marker, pos)
		}
		if !fn(marker, pos+4, n-2) {
			return nil
		}
		if marker == 0xDA { // SOS: entropy-coded data follows
			return nil
		}
		pos += 2 + n
	}
	return corrupt("more than %d segments", maxJPEGSegments)
}

// isSOF reports whether marker starts a frame (SOF0-15 except DHT, JPG, DAC).
func isSOF(marker byte) bool {
	return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
}

// sofSize reads height and width from a SOF payload at off.
func sofSize(r io.ReaderAt, off, n int64) (w, h int, ok bool) {
	if n < 5 {
		return 0, 0, false
	}
	var b [5]byte
	if _, err := r.ReadAt(b[:], off); err != nil {
		return 0, 0, false
	}
	h = int(b[1])<<8 | int(b[2])
	w = int(b[3])<<8 | int(b[4])
	return w, h, w > 0 && h > 0
}

// jpegSize returns the frame size of a JPEG stream (used for thumbnails).
func jpegSize(r io.ReaderAt, size int64) (w, h int, ok bool) {
	_ = jpegWalk(r, size, func(marker byte, off, n int64) bool {
		if isSOF(marker) {
			w, h, ok = sofSize(r, off, n)
			return false
		}
		return true
	})
	return w, h, ok
}

var exifHeader = []byte("Exif\x00\x00")

func readJPEG(r io.ReaderAt, size int64) (*Metadata, error) {
	m := &Metadata{Format: "jpeg"}
	var exifOff, exifLen int64 = -1, 0
	var xmpOff, xmpLen int64 = -1, 0
	var sawSOF bool
	walkErr := jpegWalk(r, size, func(marker byte, off, n int64) bool {
		switch {
		case marker == 0xE1:
			var h [len(xmpNS)]byte
			k, _ := r.ReadAt(h[:min(n, int64(len(h)))], off)
			switch {
			case exifOff < 0 && n >= 6+8 && k >= 6 && string(h[:6]) == string(exifHeader):
				exifOff, exifLen = off+6, n-6
			case xmpOff < 0 && n > int64(len(h)) && k == len(h) && string(h[:]) == xmpNS:
				xmpOff, xmpLen = off+int64(len(h)), n-int64(len(h))
			}
		case isSOF(marker) && !sawSOF:
			sawSOF = true
			if w, h, ok := sofSize(r, off, n); ok {
				m.Width, m.Height = w, h
			}
		}
		// Stop once both are known: saves reading to SOS.
		return !(sawSOF && exifOff >= 0)
	})
	if exifOff < 0 {
		if xmpOff >= 0 && readXMPAt(m, r, xmpOff, xmpLen) && walkErr == nil {
			return m, nil
		}
		if walkErr != nil {
			return m, walkErr
		}
		return m, ErrNoMetadata
	}
	err := readExif(m, r, exifOff, exifLen)
	if xmpOff >= 0 {
		readXMPAt(m, r, xmpOff, xmpLen) // fills only what EXIF left empty
	}
	if err != nil {
		return m, fmt.Errorf("APP1 Exif at offset %d: %w", exifOff, err)
	}
	return m, nil
}
