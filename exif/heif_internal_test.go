package exif

import (
	"bytes"
	"encoding/binary"
	"testing"
)

func tbox(typ string, parts ...[]byte) []byte {
	b := []byte{0, 0, 0, 0}
	b = append(b, typ...)
	for _, p := range parts {
		b = append(b, p...)
	}
	binary.BigEndian.PutUint32(b, uint32(len(b)))
	return b
}

func tfull(typ string, v byte, flags uint32, parts ...[]byte) []byte {
	vf := binary.BigEndian.AppendUint32(nil, flags)
	vf[0] = v
	return tbox(typ, append([][]byte{vf}, parts...)...)
}

func be16(v int) []byte { return binary.BigEndian.AppendUint16(nil, uint16(v)) }
func be32(v int) []byte { return binary.BigEndian.AppendUint32(nil, uint32(v)) }
func be64(v int) []byte { return binary.BigEndian.AppendUint64(nil, uint64(v)) }

// minimalTIFF is a little-endian TIFF with Make "HTC".
func minimalTIFF() []byte {
	b := []byte("II*\x00\x08\x00\x00\x00")
	b = binary.LittleEndian.AppendUint16(b, 1)
	b = binary.LittleEndian.AppendUint16(b, tagMake)
	b = binary.LittleEndian.AppendUint16(b, typeASCII)
	b = binary.LittleEndian.AppendUint32(b, 4)
	b = append(b, "HTC\x00"...)
	return binary.LittleEndian.AppendUint32(b, 0)
}

// TestHEIFVersions exercises the 32-bit item ID variants (pitm v1, iinf v1
// with infe v3, iloc v2 with 8-byte fields and construction method 1 from
// idat, ipma v1 with 16-bit property indexes, iref v1) and a 64-bit box.
func TestHEIFVersions(t *testing.T) {
	exifItem := append(append(be32(0), "Exif\x00\x00"...), minimalTIFF()...)
	exifItem = append(exifItem[:4], exifItem[4+6:]...) // offset 0, no "Exif" prefix
	const primary, exifID, thumbID = 70000, 70001, 70002
	infe := func(id int, typ string) []byte { return tfull("infe", 3, 0, be32(id), be16(0), []byte(typ), []byte{0}) }
	iinf := tfull("iinf", 1, 0, be32(3), infe(primary, "grid"), infe(exifID, "Exif"), infe(thumbID, "hvc1"))
	// iloc v2: offset 8, length 8, base 8, index 4.
	iloc := func(thumbOff int) []byte {
		item := func(id, method, base, off, n int) []byte {
			return bytes.Join([][]byte{be32(id), be16(method), be16(0), be64(base), be16(1), be32(0), be64(off), be64(n)}, nil)
		}
		return tfull("iloc", 2, 0, []byte{0x88, 0x84}, be32(3),
			item(primary, 1, 0, 0, 4),
			item(exifID, 1, 4, 0, len(exifItem)),
			item(thumbID, 0, thumbOff-10, 10, 6))
	}
	ispe := func(w, h int) []byte { return tfull("ispe", 0, 0, be32(w), be32(h)) }
	ipco := tbox("ipco", ispe(8064, 6048), tbox("hvcC", []byte{1, 2, 3}), ispe(320, 240))
	ipma := tfull("ipma", 1, 1, be32(2), be32(primary), []byte{1}, be16(0x8001), be32(thumbID), []byte{2}, be16(0x8002), be16(3))
	iref := tfull("iref", 1, 0, tbox("dimg", be32(primary), be16(0)), tbox("thmb", be32(thumbID), be16(1), be32(primary)))
	idat := tbox("idat", []byte{0, 0, 0, 0}, exifItem)
	pitm := tfull("pitm", 1, 0, be32(primary))
	ftyp := tbox("ftyp", []byte("heic"), be32(0), []byte("mif1heic"))
	build := func(thumbOff int) []byte {
		meta := tfull("meta", 0, 0, tfull("hdlr", 0, 0, be32(0), []byte("pict"), make([]byte, 13)),
			pitm, iinf, iloc(thumbOff), tbox("iprp", ipco, ipma), iref, idat)
		// meta as a 64-bit box.
		large := append([]byte{0, 0, 0, 1}, "meta"...)
		large = append(large, be64(len(meta)+8)...)
		large = append(large, meta[8:]...)
		return append(ftyp, large...)
	}
	head := build(0)
	file := append(build(len(head)+8), tbox("mdat", []byte("THUMB!"))...)
	// mdat box size 0 = to end of file.
	binary.BigEndian.PutUint32(file[len(head):], 0)

	m, err := Read(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	if m.Format != "heic" || m.Make != "HTC" || m.Width != 8064 || m.Height != 6048 {
		t.Errorf("got %+v", m)
	}
	th := m.Thumbnail
	if th == nil || th.Width != 320 || th.Height != 240 || !bytes.Equal(th.HEVCConfig, []byte{1, 2, 3}) {
		t.Fatalf("thumbnail %+v", th)
	}
	if b, err := m.ReadThumbnail(bytes.NewReader(file)); err != nil || string(b) != "THUMB!" {
		t.Errorf("thumbnail bytes %q %v", b, err)
	}
}
