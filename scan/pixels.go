package scan

import "context"

// pixelFunc runs pixel rules on a picture and returns their reasons. It is
// the seam between the metadata rules and scan/pixel.
type pixelFunc func(ctx context.Context, it *item, e *engine) []Reason

// defaultPixels is set by pixels_enabled.go when pixel analysis is built in.
var defaultPixels pixelFunc

// thumbnail returns a small JPEG of the picture for the HTML report, from
// the embedded EXIF preview when there is one.
func (e *engine) thumbnail(it *item) []byte {
	if it.thumb != nil {
		return it.thumb
	}
	if it.meta == nil || it.meta.Thumbnail == nil || it.meta.Thumbnail.Format != "jpeg" {
		return nil
	}
	b, err := it.meta.ReadThumbnail(it.content)
	if err != nil {
		return nil
	}
	return b
}
