package scan

import (
	"bytes"
	"encoding/binary"
)

// File types found by magic bytes, never by name.
const (
	TypeJPEG    = "jpeg"
	TypePNG     = "png"
	TypeHEIC    = "heic"
	TypeAVIF    = "avif"
	TypeGIF     = "gif"
	TypeWebP    = "webp"
	TypeTIFF    = "tiff"
	TypeBMP     = "bmp"
	TypeDICOM   = "dicom"
	TypeVideo   = "video"
	TypeZip     = "zip"
	TypePDF     = "pdf"
	TypeSQLite  = "sqlite"
	TypePlist   = "plist"
	TypeText    = "text"
	TypeEmpty   = "empty"
	TypeUnknown = "other"
)

// sniffLen is how many bytes sniffing needs (DICOM's magic is at 128).
const sniffLen = 512

// isImageType tells the types counted as images.
func isImageType(t string) bool {
	switch t {
	case TypeJPEG, TypePNG, TypeHEIC, TypeAVIF, TypeGIF, TypeWebP, TypeTIFF, TypeBMP:
		return true
	}
	return false
}

// sniff names the type of a file from its first bytes.
func sniff(h []byte) string {
	switch {
	case len(h) == 0:
		return TypeEmpty
	case len(h) >= 132 && string(h[128:132]) == "DICM":
		return TypeDICOM
	case len(h) >= 3 && h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF:
		return TypeJPEG
	case bytes.HasPrefix(h, []byte("\x89PNG\r\n\x1a\n")):
		return TypePNG
	case bytes.HasPrefix(h, []byte("GIF87a")) || bytes.HasPrefix(h, []byte("GIF89a")):
		return TypeGIF
	case len(h) >= 12 && string(h[0:4]) == "RIFF" && string(h[8:12]) == "WEBP":
		return TypeWebP
	case bytes.HasPrefix(h, []byte("II*\x00")) || bytes.HasPrefix(h, []byte("MM\x00*")):
		return TypeTIFF
	case len(h) >= 12 && string(h[4:8]) == "ftyp":
		return sniffFtyp(h)
	case bytes.HasPrefix(h, []byte("PK\x03\x04")) || bytes.HasPrefix(h, []byte("PK\x05\x06")):
		return TypeZip
	case bytes.HasPrefix(h, []byte("%PDF-")):
		return TypePDF
	case bytes.HasPrefix(h, []byte("SQLite format 3\x00")):
		return TypeSQLite
	case bytes.HasPrefix(h, []byte("bplist0")):
		return TypePlist
	case len(h) >= 2 && h[0] == 'B' && h[1] == 'M' && len(h) >= 14 && binary.LittleEndian.Uint32(h[2:6]) > 14:
		return TypeBMP
	case dicomNoPreamble(h):
		return TypeDICOM
	case looksText(h):
		return TypeText
	}
	return TypeUnknown
}

// sniffFtyp tells HEIF images from MP4/QuickTime videos by their brands.
func sniffFtyp(h []byte) string {
	size := int(binary.BigEndian.Uint32(h[0:4]))
	if size < 16 || size > len(h) {
		size = len(h)
	}
	brands := [][]byte{h[8:12]}
	for i := 16; i+4 <= size; i += 4 {
		brands = append(brands, h[i:i+4])
	}
	video := false
	for _, b := range brands {
		switch string(b) {
		case "avif", "avis":
			return TypeAVIF
		case "heic", "heix", "heim", "heis", "mif1", "msf1", "hevc", "hevx", "mif2":
			return TypeHEIC
		case "qt  ", "isom", "iso2", "mp41", "mp42", "3gp4", "3gp5", "3gp6", "3g2a", "M4V ", "avc1", "dash", "mmp4":
			video = true
		}
	}
	if video {
		return TypeVideo
	}
	return TypeUnknown
}

// dicomNoPreamble recognises a DICOM data set written without its 128-byte
// preamble and magic: it starts with a group 0002 or 0008 element in little
// endian, with an explicit VR or a small implicit length.
func dicomNoPreamble(h []byte) bool {
	if len(h) < 12 {
		return false
	}
	group := binary.LittleEndian.Uint16(h[0:2])
	elem := binary.LittleEndian.Uint16(h[2:4])
	if (group != 0x0002 && group != 0x0008) || elem > 0x0020 {
		return false
	}
	vr := h[4:6]
	if vr[0] >= 'A' && vr[0] <= 'Z' && vr[1] >= 'A' && vr[1] <= 'Z' {
		return true
	}
	l := binary.LittleEndian.Uint32(h[4:8])
	return l > 0 && l < 256 && elem <= 0x0018
}

func looksText(h []byte) bool {
	n := len(h)
	if n > 512 {
		n = 512
	}
	for _, c := range h[:n] {
		if c < 0x09 || (c > 0x0d && c < 0x20 && c != 0x1b) {
			return false
		}
	}
	return true
}
