package scan

import (
	"encoding/binary"
	"io"
	"strings"
)

// dicomInfo is what devicescan reads from a DICOM header: enough to explain
// the finding, never the patient's name itself.
type dicomInfo struct {
	Modality    string
	HasPatient  bool // PatientName or PatientID present and non-empty
	HasPixels   bool
	Description string // StudyDescription / SeriesDescription, for keywords
	// PatientID is read only to look for a national number in it (the
	// report shows it masked, never whole).
	PatientID string
}

// dicomHeaderMax bounds how much of a DICOM file is read for its header.
const dicomHeaderMax = 256 << 10

// readDICOM walks the data elements of a DICOM file (PS3.5 §7) up to the
// pixel data, bounded. It understands explicit and implicit VR little
// endian; other transfer syntaxes (big endian, deflate) stop the walk, which
// only leaves the details empty.
func readDICOM(r io.ReaderAt, size int64) dicomInfo {
	n := size
	if n > dicomHeaderMax {
		n = dicomHeaderMax
	}
	buf := make([]byte, n)
	m, _ := r.ReadAt(buf, 0)
	buf = buf[:m]
	pos := 0
	if len(buf) >= 132 && string(buf[128:132]) == "DICM" {
		pos = 132
	}
	var info dicomInfo
	explicit := true
	for steps := 0; steps < 10000 && pos+8 <= len(buf); steps++ {
		group := binary.LittleEndian.Uint16(buf[pos:])
		elem := binary.LittleEndian.Uint16(buf[pos+2:])
		var vr string
		var length uint32
		hdr := 8
		isExplicit := explicit || group == 0x0002
		if isExplicit && isVR(buf[pos+4], buf[pos+5]) {
			vr = string(buf[pos+4 : pos+6])
			switch vr {
			case "OB", "OD", "OF", "OL", "OW", "SQ", "UC", "UN", "UR", "UT", "OV", "SV", "UV":
				if pos+12 > len(buf) {
					return info
				}
				length = binary.LittleEndian.Uint32(buf[pos+8:])
				hdr = 12
			default:
				length = uint32(binary.LittleEndian.Uint16(buf[pos+6:]))
			}
		} else {
			length = binary.LittleEndian.Uint32(buf[pos+4:])
		}
		if group == 0x7FE0 && elem == 0x0010 {
			info.HasPixels = true
			return info
		}
		if length == 0xFFFFFFFF { // undefined length sequence: step into it
			pos += hdr
			continue
		}
		if group == 0xFFFE { // item / delimiters
			pos += 8
			continue
		}
		start := pos + hdr
		end := start + int(length)
		if end > len(buf) || end < start {
			return info
		}
		val := strings.TrimRight(string(buf[start:end]), " \x00")
		switch {
		case group == 0x0002 && elem == 0x0010:
			switch val {
			case "1.2.840.10008.1.2": // implicit VR little endian
				explicit = false
			case "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99": // big endian, deflate
				return info
			}
		case group == 0x0008 && elem == 0x0060:
			info.Modality = sanitizeShort(val, 16)
		case group == 0x0008 && (elem == 0x1030 || elem == 0x103E):
			if info.Description == "" {
				info.Description = sanitizeShort(val, 64)
			}
		case group == 0x0010 && (elem == 0x0010 || elem == 0x0020):
			if strings.Trim(val, "^ ") != "" {
				info.HasPatient = true
			}
			if elem == 0x0020 {
				info.PatientID = sanitizeShort(val, 64)
			}
		}
		pos = end
	}
	return info
}

func isVR(a, b byte) bool { return a >= 'A' && a <= 'Z' && b >= 'A' && b <= 'Z' }

// sanitizeShort keeps printable characters and bounds the length.
func sanitizeShort(s string, max int) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == 0xFFFD {
			continue
		}
		b.WriteRune(r)
		if b.Len() >= max {
			break
		}
	}
	return b.String()
}
