package scan

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"io"

	"github.com/devicescan/devicescan/scan/pixel"
)

// pixelFunc runs pixel rules on a picture and returns their reasons. It is
// the seam between the metadata rules and scan/pixel.
type pixelFunc func(ctx context.Context, it *item, e *engine) []Reason

// defaultPixels uses the embedded EXIF thumbnail when the photo has one (a
// few KB, well under a millisecond), else decodes the picture itself when
// it is small enough, downscaled for analysis.
var defaultPixels pixelFunc = pixelReasons

// maxDecodePixels bounds full decodes: bigger pictures without a thumbnail
// are not analysed by pixels (their metadata rules still run). Go's JPEG
// decoder keeps 4 bytes per coefficient for progressive files, so an 8 MP
// progressive JPEG costs about 60 MB while it decodes.
const maxDecodePixels = 8_000_000

// fullDecodes bounds how many full decodes run at once, whatever the number
// of workers: memory stays bounded on a folder of large thumbnail-less
// pictures (WhatsApp strips EXIF thumbnails).
var fullDecodes = make(chan struct{}, 2)

// maxDecodeBytes bounds the compressed size of a full decode.
const maxDecodeBytes = 32 << 20

func pixelReasons(ctx context.Context, it *item, e *engine) []Reason {
	img := loadPixels(it)
	if img == nil {
		return nil
	}
	cues := pixel.Cues{}
	if m := it.meta; m != nil {
		cues = pixel.Cues{FlashFired: m.HasFlash && m.Flash&1 == 1, SubjectDistanceM: m.SubjectDistance,
			CloseRange: m.SubjectDistanceRange == 1 || m.SubjectDistanceRange == 2, HasCamera: m.Make != "" || m.Model != ""}
	}
	res := pixel.Analyze(img, cues)
	var out []Reason
	for _, s := range res.Hits() {
		out = append(out, Reason{Code: s.Code, Detail: s.Detail})
	}
	if len(out) > 0 && e.opts.Thumbnails && it.thumb == nil {
		it.thumb = encodeThumb(img)
	}
	return out
}

// loadPixels returns a picture to analyse, or nil.
func loadPixels(it *item) image.Image {
	if m := it.meta; m != nil && m.Thumbnail != nil && m.Thumbnail.Format == "jpeg" {
		if b, err := m.ReadThumbnail(it.content); err == nil {
			if img, err := pixel.DecodeThumbnail(b); err == nil {
				it.thumb = b
				return img
			}
		}
	}
	if it.file.preview != nil {
		if img := loadPreview(it.file); img != nil {
			return img
		}
	}
	switch it.typ {
	case TypeJPEG, TypePNG, TypeGIF:
	default:
		return nil // HEIC pixels need an HEVC decoder: see scan/pixel/README.md
	}
	if it.content.Size() > maxDecodeBytes {
		return nil
	}
	fullDecodes <- struct{}{}
	defer func() { <-fullDecodes }()
	img, err := pixel.DecodeBounded(io.NewSectionReader(it.content, 0, it.content.Size()), maxDecodePixels)
	if err != nil {
		return nil
	}
	return pixel.Downscale(img, 256)
}

// encodeThumb makes a small JPEG for the HTML report.
func encodeThumb(img image.Image) []byte {
	small := pixel.Downscale(img, 160)
	var b bytes.Buffer
	if err := jpeg.Encode(&b, small, &jpeg.Options{Quality: 70}); err != nil {
		return nil
	}
	return b.Bytes()
}

// thumbnail returns a small JPEG of the picture for the HTML report.
func (e *engine) thumbnail(it *item) []byte {
	if it.thumb != nil {
		return it.thumb
	}
	if img := loadPixels(it); img != nil {
		if it.thumb == nil {
			it.thumb = encodeThumb(img)
		}
	}
	return it.thumb
}

// loadPreview decodes the phone's own small rendering of a picture.
func loadPreview(f *File) image.Image {
	c, err := f.preview()
	if err != nil {
		return nil
	}
	defer c.Close()
	if c.Size() > pixel.MaxThumbnailBytes {
		return nil
	}
	b := make([]byte, c.Size())
	if _, err := c.ReadAt(b, 0); err != nil && err != io.EOF {
		return nil
	}
	img, err := pixel.DecodeThumbnail(b)
	if err != nil {
		return nil
	}
	return img
}
