package pixel

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
)

// Limits of DecodeThumbnail.
const (
	MaxThumbnailBytes = 2 << 20 // 2 MiB
	MaxThumbnailSide  = 1024
)

// ErrTooLarge is returned (wrapped) when an image is refused for its size
// before any pixel memory is allocated. Callers normally skip such images.
var ErrTooLarge = errors.New("pixel: image too large")

// DecodeThumbnail decodes a JPEG thumbnail (for example the IFD1 thumbnail
// of an EXIF block, or an iOS 5005.JPG). It refuses more than
// MaxThumbnailBytes of input and images wider or taller than
// MaxThumbnailSide, checked with jpeg.DecodeConfig before decoding, and turns
// decoder panics into errors.
func DecodeThumbnail(jpegBytes []byte) (img image.Image, err error) {
	if len(jpegBytes) > MaxThumbnailBytes {
		return nil, fmt.Errorf("%w: thumbnail of %d bytes (max %d)", ErrTooLarge, len(jpegBytes), MaxThumbnailBytes)
	}
	if len(jpegBytes) < 3 || jpegBytes[0] != 0xFF || jpegBytes[1] != 0xD8 || jpegBytes[2] != 0xFF {
		return nil, errors.New("pixel: thumbnail is not a JPEG")
	}
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("pixel: jpeg decoder panic: %v", r)
		}
	}()
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(jpegBytes))
	if err != nil {
		return nil, fmt.Errorf("pixel: thumbnail header: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, errors.New("pixel: thumbnail has no pixels")
	}
	if cfg.Width > MaxThumbnailSide || cfg.Height > MaxThumbnailSide {
		return nil, fmt.Errorf("%w: thumbnail %dx%d (max %dx%d)", ErrTooLarge, cfg.Width, cfg.Height, MaxThumbnailSide, MaxThumbnailSide)
	}
	img, err = jpeg.Decode(bytes.NewReader(jpegBytes))
	if err != nil {
		return nil, fmt.Errorf("pixel: thumbnail: %w", err)
	}
	return img, nil
}

// DecodeBounded decodes a JPEG, PNG or GIF (first frame) from r. It sniffs
// the format, reads the header with DecodeConfig and refuses (ErrTooLarge)
// images with more than maxPixels pixels, so the caller can decide to skip
// them or fall back to a thumbnail; maxPixels <= 0 means 50 megapixels.
// Decoder panics are recovered and returned as errors. Memory grows with
// the pixel count: about 1.5-4 bytes per pixel for the image, and up to ~12
// more for a progressive JPEG's coefficients, so choose maxPixels with that
// in mind (20 megapixels ≈ 300 MB worst case).
func DecodeBounded(r io.Reader, maxPixels int) (img image.Image, err error) {
	if maxPixels <= 0 {
		maxPixels = 50_000_000
	}
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(8)
	var (
		decodeConfig func(io.Reader) (image.Config, error)
		decode       func(io.Reader) (image.Image, error)
	)
	switch {
	case len(head) >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF:
		decodeConfig, decode = jpeg.DecodeConfig, jpeg.Decode
	case len(head) >= 8 && string(head) == "\x89PNG\r\n\x1a\n":
		decodeConfig, decode = png.DecodeConfig, png.Decode
	case len(head) >= 6 && (string(head[:6]) == "GIF87a" || string(head[:6]) == "GIF89a"):
		decodeConfig, decode = gif.DecodeConfig, gif.Decode
	default:
		return nil, errors.New("pixel: not a JPEG, PNG or GIF")
	}
	defer func() {
		if rec := recover(); rec != nil {
			img, err = nil, fmt.Errorf("pixel: decoder panic: %v", rec)
		}
	}()
	// DecodeConfig must not consume the stream: tee what it reads and
	// replay it in front of the rest for the full decode.
	var hdr bytes.Buffer
	cfg, err := decodeConfig(io.TeeReader(io.LimitReader(br, 16<<20), &hdr))
	if err != nil {
		return nil, fmt.Errorf("pixel: image header: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, errors.New("pixel: image has no pixels")
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(maxPixels) {
		return nil, fmt.Errorf("%w: %dx%d is more than %d pixels", ErrTooLarge, cfg.Width, cfg.Height, maxPixels)
	}
	img, err = decode(io.MultiReader(&hdr, br))
	if err != nil {
		return nil, fmt.Errorf("pixel: decode: %w", err)
	}
	return img, nil
}
