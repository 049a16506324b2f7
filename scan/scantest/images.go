package scantest

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand"
)

// The pictures below are drawn, not photographed: they stand for the kinds
// of picture a phone holds, so that every fixture can be rebuilt.

// Radiograph draws a projection X-ray of a forearm as a phone would
// photograph a light box: near-grey, dark surround, bright bones.
func Radiograph(w, h int, seed int64) image.Image {
	rng := rand.New(rand.NewSource(seed))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	cx := float64(w) / 2
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx := (float64(x) - cx) / (float64(w) * 0.28)
			v := 12.0
			if math.Abs(fx) < 1 { // soft tissue
				v = 70 + 30*(1-fx*fx)
			}
			for _, b := range []float64{-0.45, 0.4} { // two bones
				d := math.Abs(fx-b) / 0.18
				if d < 1 {
					v = 170 + 60*(1-d*d)
				}
			}
			v += rng.NormFloat64() * 4
			g := clamp8(v)
			img.Set(x, y, color.RGBA{g, g, clamp8(v + 2), 255})
		}
	}
	return img
}

// SkinCloseup fills most of the frame with skin tones and a darker lesion.
func SkinCloseup(w, h int, seed int64) image.Image {
	rng := rand.New(rand.NewSource(seed))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			r := 205 + rng.NormFloat64()*6
			g := 150 + rng.NormFloat64()*6
			b := 125 + rng.NormFloat64()*6
			dx, dy := float64(x-w/2), float64(y-h/2)
			if dx*dx+dy*dy < float64(w*w)/100 {
				r, g, b = 150, 60, 55
			}
			img.Set(x, y, color.RGBA{clamp8(r), clamp8(g), clamp8(b), 255})
		}
	}
	return img
}

// Landscape draws sky over grass: an ordinary holiday photo.
func Landscape(w, h int, seed int64) image.Image {
	rng := rand.New(rand.NewSource(seed))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var c color.RGBA
			if y < h*5/9 {
				t := float64(y) / float64(h)
				c = color.RGBA{clamp8(90 + 80*t + rng.NormFloat64()*3), clamp8(150 + 50*t), clamp8(230 - 20*t), 255}
			} else {
				c = color.RGBA{clamp8(60 + rng.NormFloat64()*12), clamp8(130 + rng.NormFloat64()*15), clamp8(40 + rng.NormFloat64()*8), 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

// Screenshot draws a phone screen: white page, coloured bars, text lines.
func Screenshot(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{250, 250, 250, 255}
			switch {
			case y < h/12:
				c = color.RGBA{30, 110, 200, 255}
			case y > h*11/12:
				c = color.RGBA{240, 240, 240, 255}
			case (y/6)%3 == 0 && x > w/10 && x < w*8/10 && (x/5)%4 != 0:
				c = color.RGBA{40, 40, 40, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

func clamp8(v float64) uint8 {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}

// PNG encodes an image as PNG.
func PNG(img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// DICOM writes a small valid DICOM Part 10 file (explicit VR little endian)
// holding an 8-bit greyscale image. With preamble false the 128-byte
// preamble and DICM magic are left out, as some old exports do.
func DICOM(modality string, patientName, patientID string, w, h int, preamble bool) []byte {
	var ds bytes.Buffer
	elem := func(group, el uint16, vr string, val []byte) {
		if len(val)%2 == 1 {
			pad := byte(' ')
			if vr == "UI" || vr == "OB" {
				pad = 0
			}
			val = append(val, pad)
		}
		binary.Write(&ds, binary.LittleEndian, group)
		binary.Write(&ds, binary.LittleEndian, el)
		ds.WriteString(vr)
		switch vr {
		case "OB", "OW", "SQ", "UN", "UT":
			ds.Write([]byte{0, 0})
			binary.Write(&ds, binary.LittleEndian, uint32(len(val)))
		default:
			binary.Write(&ds, binary.LittleEndian, uint16(len(val)))
		}
		ds.Write(val)
	}
	u16 := func(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }

	var meta bytes.Buffer
	{
		saved := ds
		ds = bytes.Buffer{}
		elem(0x0002, 0x0001, "OB", []byte{0, 1})
		elem(0x0002, 0x0002, "UI", []byte("1.2.840.10008.5.1.4.1.1.7"))
		elem(0x0002, 0x0003, "UI", []byte("1.2.826.0.1.3680043.2.1125.1.1"))
		elem(0x0002, 0x0010, "UI", []byte("1.2.840.10008.1.2.1"))
		body := ds.Bytes()
		ds = saved
		elem(0x0002, 0x0000, "UL", binary.LittleEndian.AppendUint32(nil, uint32(len(body))))
		meta.Write(ds.Bytes())
		meta.Write(body)
		ds.Reset()
	}
	elem(0x0008, 0x0016, "UI", []byte("1.2.840.10008.5.1.4.1.1.7"))
	elem(0x0008, 0x0060, "CS", []byte(modality))
	elem(0x0008, 0x1030, "LO", []byte("Forearm study"))
	elem(0x0010, 0x0010, "PN", []byte(patientName))
	elem(0x0010, 0x0020, "LO", []byte(patientID))
	elem(0x0028, 0x0002, "US", u16(1))
	elem(0x0028, 0x0004, "CS", []byte("MONOCHROME2"))
	elem(0x0028, 0x0010, "US", u16(uint16(h)))
	elem(0x0028, 0x0011, "US", u16(uint16(w)))
	elem(0x0028, 0x0100, "US", u16(8))
	elem(0x0028, 0x0101, "US", u16(8))
	elem(0x0028, 0x0102, "US", u16(7))
	elem(0x0028, 0x0103, "US", u16(0))
	px := make([]byte, w*h)
	rad := Radiograph(w, h, 7)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			r, _, _, _ := rad.At(x, y).RGBA()
			px[y*w+x] = uint8(r >> 8)
		}
	}
	elem(0x7FE0, 0x0010, "OW", px)

	var out bytes.Buffer
	if preamble {
		out.Write(make([]byte, 128))
		out.WriteString("DICM")
		out.Write(meta.Bytes())
	}
	out.Write(ds.Bytes())
	return out.Bytes()
}
