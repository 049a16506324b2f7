package scantest

import (
	"bytes"
	"embed"
	"image"
	"image/jpeg"
)

// Real radiology pictures, downscaled, from the pixel calibration set (see
// testdata/README.md in this folder for their origins and licences). Drawn
// pictures are fine for metadata rules, but the pixel rules must be shown
// on real images.
//
//go:embed testdata/*.jpg
var realImages embed.FS

// RealImage decodes one of: "chest-cr" (a chest radiograph rendered from a
// DICOM file), "chest-cr-on-monitor" (the same shown on a monitor and
// photographed, synthetic), "head-mr" (an MR slice).
func RealImage(name string) image.Image {
	b, err := realImages.ReadFile("testdata/" + name + ".jpg")
	if err != nil {
		panic(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		panic(err)
	}
	return img
}
