package scan

import (
	"bytes"
	"encoding/binary"
	"io"
	"testing"
	"unicode/utf8"
)

// knownTypes are the names sniff may return.
var knownTypes = map[string]bool{
	TypeJPEG: true, TypePNG: true, TypeHEIC: true, TypeAVIF: true, TypeGIF: true,
	TypeWebP: true, TypeTIFF: true, TypeBMP: true, TypeDICOM: true, TypeVideo: true,
	TypeZip: true, TypePDF: true, TypeSQLite: true, TypePlist: true, TypeText: true,
	TypeEmpty: true, TypeUnknown: true,
}

// fuzzDICOM is a small DICOM file in the layouts readDICOM meets: Part 10
// with preamble, without preamble, implicit VR, a sequence of undefined
// length, and a big-endian transfer syntax it must stop at.
func fuzzDICOM(preamble, implicit bool, ts string) []byte {
	var b bytes.Buffer
	explicitElem := func(g, e uint16, vr string, v []byte) {
		if len(v)%2 == 1 {
			v = append(v, ' ')
		}
		binary.Write(&b, binary.LittleEndian, g)
		binary.Write(&b, binary.LittleEndian, e)
		b.WriteString(vr)
		switch vr {
		case "OB", "OW", "SQ", "UN", "UT":
			b.Write([]byte{0, 0})
			binary.Write(&b, binary.LittleEndian, uint32(len(v)))
		default:
			binary.Write(&b, binary.LittleEndian, uint16(len(v)))
		}
		b.Write(v)
	}
	implicitElem := func(g, e uint16, v []byte) {
		if len(v)%2 == 1 {
			v = append(v, ' ')
		}
		binary.Write(&b, binary.LittleEndian, g)
		binary.Write(&b, binary.LittleEndian, e)
		binary.Write(&b, binary.LittleEndian, uint32(len(v)))
		b.Write(v)
	}
	if preamble {
		b.Write(make([]byte, 128))
		b.WriteString("DICM")
	}
	explicitElem(0x0002, 0x0010, "UI", []byte(ts))
	elem := func(g, e uint16, vr string, v []byte) {
		if implicit {
			implicitElem(g, e, v)
		} else {
			explicitElem(g, e, vr, v)
		}
	}
	elem(0x0008, 0x0060, "CS", []byte("CR"))
	elem(0x0008, 0x1030, "LO", []byte("Chest PA"))
	// A sequence of undefined length holding one item.
	binary.Write(&b, binary.LittleEndian, uint16(0x0008))
	binary.Write(&b, binary.LittleEndian, uint16(0x1140))
	if !implicit {
		b.WriteString("SQ\x00\x00")
	}
	binary.Write(&b, binary.LittleEndian, uint32(0xFFFFFFFF))
	b.Write([]byte{0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF}) // item, undefined length
	elem(0x0008, 0x1150, "UI", []byte("1.2.3"))
	b.Write([]byte{0xFE, 0xFF, 0x0D, 0xE0, 0, 0, 0, 0}) // item delimiter
	b.Write([]byte{0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0}) // sequence delimiter
	elem(0x0010, 0x0010, "PN", []byte("DOE^JANE"))
	elem(0x0010, 0x0020, "LO", []byte("123456"))
	elem(0x7FE0, 0x0010, "OW", make([]byte, 16))
	return b.Bytes()
}

func FuzzSniff(f *testing.F) {
	seeds := [][]byte{
		nil,
		{0xFF, 0xD8, 0xFF, 0xE1},
		[]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
		[]byte("GIF89a\x01\x00\x01\x00"),
		[]byte("RIFF\x10\x00\x00\x00WEBPVP8 "),
		[]byte("II*\x00\x08\x00\x00\x00"),
		[]byte("MM\x00*\x00\x00\x00\x08"),
		[]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"),
		[]byte("\x00\x00\x00\x1cftypisom\x00\x00\x02\x00isomiso2avc1mp41"),
		[]byte("\x00\x00\x00\x14ftypavif\x00\x00\x00\x00"),
		[]byte("\xff\xff\xff\xffftypxxxx\x00\x00\x00\x00heic"),
		[]byte("\x00\x00\x00\x08ftyp"),
		[]byte("PK\x03\x04\x14\x00"),
		[]byte("%PDF-1.7\n"),
		[]byte("SQLite format 3\x00"),
		[]byte("bplist00\xd0\x08"),
		[]byte("BM\x36\x00\x0c\x00\x00\x00\x00\x00\x36\x00\x00\x00"),
		[]byte("BM\x00"),
		[]byte("plain text file\n"),
		fuzzDICOM(true, false, "1.2.840.10008.1.2.1"),
		fuzzDICOM(false, false, "1.2.840.10008.1.2.1"),
		fuzzDICOM(false, true, "1.2.840.10008.1.2"),
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h []byte) {
		typ := sniff(h)
		if !knownTypes[typ] {
			t.Fatalf("sniff returned unknown type %q", typ)
		}
		if len(h) == 0 && typ != TypeEmpty {
			t.Fatalf("empty input sniffed as %q", typ)
		}
		if len(h) > 0 && typ == TypeEmpty {
			t.Fatalf("%d bytes sniffed as empty", len(h))
		}
		if again := sniff(h); again != typ {
			t.Fatalf("sniff is not deterministic: %q then %q", typ, again)
		}
	})
}

// shortReaderAt returns less than asked, as a file that shrank would.
type shortReaderAt struct {
	data []byte
}

func (r shortReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(r.data)) {
		return 0, io.EOF
	}
	n := copy(p, r.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func FuzzReadDICOM(f *testing.F) {
	f.Add(fuzzDICOM(true, false, "1.2.840.10008.1.2.1"), uint32(0))
	f.Add(fuzzDICOM(false, false, "1.2.840.10008.1.2.1"), uint32(0))
	f.Add(fuzzDICOM(true, true, "1.2.840.10008.1.2"), uint32(0))
	f.Add(fuzzDICOM(true, false, "1.2.840.10008.1.2.2"), uint32(0))
	f.Add(fuzzDICOM(true, false, "1.2.840.10008.1.2.1"), uint32(1<<30))
	f.Add([]byte("\x00\x00\x00\x00DICM"), uint32(7))
	f.Add(append(make([]byte, 128), "DICM\x02\x00\x10\x00UI\xff\xff"...), uint32(0))
	f.Add(append(make([]byte, 128), "DICM\x08\x00\x60\x00OB\x00\x00\xff\xff\xff\x7f"...), uint32(0))
	f.Fuzz(func(t *testing.T, data []byte, extra uint32) {
		// extra makes the declared size larger than the content, as
		// for a file that shrank after it was listed.
		size := int64(len(data)) + int64(extra)
		info := readDICOM(shortReaderAt{data}, size)
		if len(info.Modality) > 16+utf8.UTFMax {
			t.Fatalf("modality not bounded: %d bytes", len(info.Modality))
		}
		if len(info.Description) > 64+utf8.UTFMax {
			t.Fatalf("description not bounded: %d bytes", len(info.Description))
		}
		for _, s := range []string{info.Modality, info.Description} {
			for _, r := range s {
				if r < 0x20 || r == 0x7f || r == utf8.RuneError {
					t.Fatalf("control or invalid rune %U kept in %q", r, s)
				}
			}
		}
		if again := readDICOM(bytes.NewReader(data), int64(len(data))); again != info {
			t.Fatalf("readDICOM not deterministic: %+v then %+v", info, again)
		}
	})
}

// TestReadDICOMSeeds checks the seeds parse as they should, so the fuzz
// corpus starts from meaningful inputs.
func TestReadDICOMSeeds(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want dicomInfo
	}{
		{"explicit with preamble", fuzzDICOM(true, false, "1.2.840.10008.1.2.1"),
			dicomInfo{Modality: "CR", Description: "Chest PA", HasPatient: true, HasPixels: true, PatientID: "123456"}},
		{"explicit without preamble", fuzzDICOM(false, false, "1.2.840.10008.1.2.1"),
			dicomInfo{Modality: "CR", Description: "Chest PA", HasPatient: true, HasPixels: true, PatientID: "123456"}},
		{"implicit VR", fuzzDICOM(true, true, "1.2.840.10008.1.2"),
			dicomInfo{Modality: "CR", Description: "Chest PA", HasPatient: true, HasPixels: true, PatientID: "123456"}},
		{"big endian stops", fuzzDICOM(true, false, "1.2.840.10008.1.2.2"), dicomInfo{}},
		{"empty", nil, dicomInfo{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := readDICOM(bytes.NewReader(tc.data), int64(len(tc.data)))
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			if len(tc.data) > 0 && sniff(tc.data) != TypeDICOM {
				t.Errorf("sniff = %q, want dicom", sniff(tc.data))
			}
		})
	}
}
