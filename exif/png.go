package exif

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
)

const (
	maxPNGChunks   = 4096
	maxExifPayload = 1 << 20 // largest EXIF block read from PNG, HEIF, WebP
	maxTextChunk   = 1 << 20 // largest tEXt/zTXt/iTXt chunk considered
)

// readPNG walks PNG chunks up to IEND (at most maxPNGChunks) looking for IHDR
// and an eXIf chunk (raw TIFF), or ImageMagick's "Raw profile type exif"
// text chunk.
func readPNG(r io.ReaderAt, size int64) (*Metadata, error) {
	m := &Metadata{Format: "png"}
	pos := int64(8)
	var hdr [8]byte
	var textExif, xmp []byte
	sawIDAT := false
	for i := 0; i < maxPNGChunks; i++ {
		if pos+12 > size {
			return m, corrupt("truncated chunk at offset %d", pos)
		}
		if _, err := r.ReadAt(hdr[:], pos); err != nil {
			return m, corrupt("chunk header at %d: %v", pos, err)
		}
		n := int64(binary.BigEndian.Uint32(hdr[:4]))
		typ := string(hdr[4:8])
		data := pos + 8
		if n > 0x7FFFFFFF || data+n+4 > size {
			return m, corrupt("chunk %q at offset %d runs past end of file", typ, pos)
		}
		switch typ {
		case "IHDR":
			if n >= 8 {
				var b [8]byte
				if _, err := r.ReadAt(b[:], data); err == nil {
					w, h := binary.BigEndian.Uint32(b[:4]), binary.BigEndian.Uint32(b[4:])
					if w > 0 && h > 0 && w <= 0x7FFFFFFF && h <= 0x7FFFFFFF {
						m.Width, m.Height = int(w), int(h)
					}
				}
			}
		case "eXIf", "exIf":
			if n > 8 {
				// Some writers keep the JPEG "Exif\0\0" prefix.
				var p [6]byte
				if _, err := r.ReadAt(p[:], data); err == nil && bytes.Equal(p[:], exifHeader) {
					data, n = data+6, n-6
				}
				err := wrapPart("eXIf chunk", readExif(m, r, data, n))
				if xmp != nil {
					parseXMP(xmp).apply(m) // fills only what EXIF left empty
				}
				return m, err
			}
		case "tEXt", "zTXt", "iTXt":
			if textExif == nil && n <= maxTextChunk {
				textExif = pngTextExif(r, data, n, typ)
			}
			if typ == "iTXt" && xmp == nil && n <= maxTextChunk {
				xmp = pngXMP(r, data, n)
			}
		case "IDAT":
			// Some writers (ImageMagick 6 among them) put eXIf after the
			// image data, which the PNG spec allows; keep walking chunk
			// headers (8 bytes each, the data is skipped) to IEND.
			sawIDAT = true
		case "IEND":
			return m, pngTextResult(m, textExif, xmp)
		}
		pos = data + n + 4
	}
	if sawIDAT {
		return m, pngTextResult(m, textExif, xmp) // a huge image: stop looking
	}
	return m, corrupt("more than %d chunks before IDAT", maxPNGChunks)
}

// pngTextResult reads the EXIF found in a text chunk, if any, then fills
// what it left empty from the XMP packet, if any.
func pngTextResult(m *Metadata, textExif, xmp []byte) error {
	err := ErrNoMetadata
	if textExif != nil {
		err = wrapPart("raw profile text chunk", readExif(m, bytes.NewReader(textExif), 0, int64(len(textExif))))
	}
	if xmp != nil && parseXMP(xmp).apply(m) && errors.Is(err, ErrNoMetadata) {
		err = nil
	}
	return err
}

// pngXMP returns the XMP packet of an iTXt chunk with the keyword
// "XML:com.adobe.xmp" (inflated when compressed), or nil when the chunk is
// not XMP.
func pngXMP(r io.ReaderAt, off, n int64) []byte {
	body := pngTextBody(r, off, n, "XML:com.adobe.xmp\x00", 4)
	if body == nil {
		return nil
	}
	compressed, rest, ok := iTXtText(body)
	if !ok {
		return nil
	}
	if compressed {
		// Non-nil even when unusable: only the first XMP chunk is inflated.
		rest = inflate(rest)
		if rest == nil || len(rest) > maxXMP {
			return []byte{}
		}
	}
	return rest
}

// pngTextBody returns the bytes of a text chunk (at off, n bytes long) after
// its keyword key, or nil when the keyword differs or fewer than minBody
// bytes follow it.
func pngTextBody(r io.ReaderAt, off, n int64, key string, minBody int64) []byte {
	if n < int64(len(key))+minBody {
		return nil
	}
	k := make([]byte, len(key))
	if _, err := r.ReadAt(k, off); err != nil || string(k) != key {
		return nil
	}
	body := make([]byte, n-int64(len(key)))
	if _, err := r.ReadAt(body, off+int64(len(key))); err != nil {
		return nil
	}
	return body
}

func wrapPart(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

// iTXtText splits an iTXt chunk's body after its keyword (compression
// flag, method, language tag\0, translated keyword\0, text) and returns
// whether the text is compressed, and the text.
func iTXtText(body []byte) (compressed bool, text []byte, ok bool) {
	if len(body) < 2 {
		return false, nil, false
	}
	rest := body[2:]
	for j := 0; j < 2; j++ { // language tag, translated keyword
		i := bytes.IndexByte(rest, 0)
		if i < 0 {
			return false, nil, false
		}
		rest = rest[i+1:]
	}
	return body[0] == 1, rest, true
}

// pngTextExif decodes an ImageMagick/exiftool "Raw profile type exif" text
// chunk: "\nexif\n   <length>\n<hex digits>", whose bytes start with
// "Exif\0\0" and a TIFF header. Returns the TIFF bytes or nil.
func pngTextExif(r io.ReaderAt, off, n int64, typ string) []byte {
	body := pngTextBody(r, off, n, "Raw profile type exif\x00", 2)
	if body == nil {
		return nil
	}
	var text []byte
	switch typ {
	case "tEXt":
		text = body
	case "zTXt": // compression method byte, then zlib
		text = inflate(body[1:])
	case "iTXt":
		compressed, rest, ok := iTXtText(body)
		if !ok {
			return nil
		}
		text = rest
		if compressed {
			text = inflate(rest)
		}
	}
	if text == nil {
		return nil
	}
	// Skip "\nexif\n", the decimal length line, then hex with newlines.
	lines := strings.SplitN(strings.TrimLeft(string(text), "\n"), "\n", 3)
	if len(lines) < 3 {
		return nil
	}
	hexText := strings.Map(func(c rune) rune {
		if c == '\n' || c == '\r' || c == ' ' {
			return -1
		}
		return c
	}, lines[2])
	raw, err := hex.DecodeString(hexText)
	if err != nil && len(raw) == 0 {
		return nil
	}
	if bytes.HasPrefix(raw, exifHeader) {
		raw = raw[6:]
	}
	return raw
}

// inflate decompresses zlib data, capped at 4 MiB of output.
func inflate(b []byte) []byte {
	zr, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	defer zr.Close()
	out, err := io.ReadAll(io.LimitReader(zr, 4<<20))
	if err != nil && len(out) == 0 {
		return nil
	}
	return out
}
