package scan

import (
	"bytes"
	"context"
	"errors"
	"image"
	_ "image/gif" // DecodeConfig of GIF files
	"image/jpeg"
	_ "image/png" // DecodeConfig of PNG files
	"io"
	"sync"

	"github.com/devicescan/devicescan/scan/pixel"
	"github.com/devicescan/devicescan/scan/pixel/jpegdc"
)

// pixelFunc runs pixel rules on a picture and returns their reasons. It is
// the seam between the metadata rules and scan/pixel.
type pixelFunc func(ctx context.Context, it *item, e *engine) []Reason

// defaultPixels uses the embedded EXIF thumbnail when the photo has one (a
// few KB, well under a millisecond), else the phone's own preview (iOS
// 5005.JPG), else the picture itself: JPEGs from 640 px reduced straight
// from their DCT coefficients (scan/pixel/jpegdc, up to 100 MP), smaller
// JPEGs, PNGs and GIFs decoded in full and downscaled for analysis.
var defaultPixels pixelFunc = pixelReasons

// maxDecodePixels bounds full decodes (image/jpeg, image/png): bigger
// PNGs and unusual JPEGs without a thumbnail are not analysed by pixels
// (their metadata rules still run). Go's JPEG decoder keeps 4 bytes per
// coefficient for progressive files, so an 8 MP progressive JPEG costs
// about 60 MB while it decodes.
const maxDecodePixels = 8_000_000

// decodeBudget bounds the memory that full decodes may use at once,
// whatever the number of workers, so that a folder of large thumbnail-less
// pictures (WhatsApp strips EXIF thumbnails) keeps the scan's peak small.
// Each decode reserves a pessimistic estimate of its cost first.
var decodeBudget = newMemBudget(128 << 20)

// decodeCost estimates the peak bytes of decoding a w x h picture: Go keeps
// 4 bytes per coefficient for progressive JPEGs (12 bytes a pixel at 4:4:4,
// plus the image), 16-bit PNGs take 8 bytes a pixel.
func decodeCost(typ string, w, h int) int64 {
	px := int64(w) * int64(h)
	if typ == TypeJPEG {
		return px * 15
	}
	return px * 10
}

// memBudget is a weighted semaphore over bytes.
type memBudget struct {
	mu    sync.Mutex
	cond  *sync.Cond
	total int64
	free  int64
}

func newMemBudget(total int64) *memBudget {
	b := &memBudget{total: total, free: total}
	b.cond = sync.NewCond(&b.mu)
	return b
}

// acquire waits until n bytes are free (a request above the total waits
// for the whole budget) and returns the amount to release.
func (b *memBudget) acquire(n int64) int64 {
	n = min(max(n, 1), b.total)
	b.mu.Lock()
	for b.free < n {
		b.cond.Wait()
	}
	b.free -= n
	b.mu.Unlock()
	return n
}

func (b *memBudget) release(n int64) {
	b.mu.Lock()
	b.free += n
	b.mu.Unlock()
	b.cond.Broadcast()
}

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
	if it.typ == TypeJPEG {
		img, err := loadReduced(it)
		if !errors.Is(err, jpegdc.ErrUnsupported) && err != errFullDecode {
			return img // nil for a broken or truncated file
		}
		// Small, or CMYK, 12-bit, arithmetic-coded: image/jpeg below.
	}
	cfg, _, err := image.DecodeConfig(io.NewSectionReader(it.content, 0, min(it.content.Size(), 1<<20)))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxDecodePixels {
		return nil
	}
	defer decodeBudget.release(decodeBudget.acquire(decodeCost(it.typ, cfg.Width, cfg.Height)))
	img, err := pixel.DecodeBounded(io.NewSectionReader(it.content, 0, it.content.Size()), maxDecodePixels)
	if err != nil || !photoLike(img) {
		return nil
	}
	// Keep only the analysis-size copy: the full picture is released with
	// its share of the decode budget.
	return pixel.Downscale(img, pixel.AnalysisMaxSide)
}

// reducedScale picks jpegdc's scale for a w x h JPEG so that the reduced
// picture still has pixel.AnalysisMaxSide pixels on its long side: 1/8 (the DC
// coefficients alone) from 1280 px, 1/4 from 640 px. Smaller pictures
// return 0: a full decode of at most 640 px is cheap.
func reducedScale(w, h int) int {
	switch long := max(w, h); {
	case long/8 >= pixel.AnalysisMaxSide:
		return 8
	case long/4 >= pixel.AnalysisMaxSide:
		return 4
	}
	return 0
}

// errFullDecode: a picture small enough for image/jpeg.
var errFullDecode = errors.New("small picture: full decode")

// loadReduced decodes a JPEG without a thumbnail at 1/8 or 1/4 scale
// straight from its DCT coefficients (scan/pixel/jpegdc): no IDCT and no
// full-size buffers, about a tenth of a full decode's time, at any size up
// to jpegdc's 100 MP limit. It returns (nil, nil) for pictures that are not
// photo-like, and jpegdc.ErrUnsupported for codings jpegdc does not read.
func loadReduced(it *item) (image.Image, error) {
	size := it.content.Size()
	var cfg image.Config
	if m := it.meta; m != nil && m.Format == "jpeg" && m.Width > 0 && m.Height > 0 {
		cfg.Width, cfg.Height = m.Width, m.Height // from the frame header (SOF)
	} else {
		var err error
		if cfg, err = jpegdc.DecodeConfig(io.NewSectionReader(it.content, 0, min(size, 1<<20))); err != nil {
			return nil, err
		}
	}
	if cfg.Width < minPhotoSide || cfg.Height < minPhotoSide {
		return nil, nil
	}
	if int64(cfg.Width)*int64(cfg.Height) > jpegdc.DefaultMaxPixels {
		return nil, nil // over 100 MP: a panorama or a hostile header
	}
	scale := reducedScale(cfg.Width, cfg.Height)
	if scale == 0 {
		return nil, errFullDecode
	}
	// The compressed bytes are read into memory: reserve them (and the
	// small coefficient planes) in the shared decode budget.
	cost := size + int64(cfg.Width)*int64(cfg.Height)/8
	defer decodeBudget.release(decodeBudget.acquire(cost))
	buf := getFileBuf(int(size))
	defer putFileBuf(buf)
	n, err := it.content.ReadAt(*buf, 0)
	if err != nil && !(err == io.EOF && n == len(*buf)) {
		return nil, err
	}
	img, _, err := jpegdc.DecodeBytes(*buf, jpegdc.Options{Scale: scale})
	if err != nil {
		return nil, err // a truncated file's partial picture is not analysed
	}
	return img, nil
}

// fileBufs recycles the buffers that whole JPEGs are read into (a few
// hundred KB for a messenger copy): io.ReadAll's growing and the garbage
// collector cost more than the decode's own allocations.
var fileBufs sync.Pool

// maxPooledBuf: bigger buffers are left to the garbage collector, so the
// pool never pins a worker's largest file.
const maxPooledBuf = 8 << 20

func getFileBuf(n int) *[]byte {
	if v, _ := fileBufs.Get().(*[]byte); v != nil && cap(*v) >= n {
		*v = (*v)[:n]
		return v
	}
	b := make([]byte, n)
	return &b
}

func putFileBuf(b *[]byte) {
	if cap(*b) <= maxPooledBuf {
		fileBufs.Put(b)
	}
}

// minPhotoSide: pictures smaller than this on a side are icons, emoji or
// avatars, not photos of patients or scans (EXIF thumbnails are 160x120).
const minPhotoSide = 96

// photoLike tells pictures that can be photos or scans from icons, logos
// and stickers: big enough, and opaque. Transparent pixels decode as black,
// which would look like the dark surround of a scan; cameras and scanners
// never write transparency.
func photoLike(img image.Image) bool {
	b := img.Bounds()
	if b.Dx() < minPhotoSide || b.Dy() < minPhotoSide {
		return false
	}
	switch img.(type) {
	case *image.YCbCr, *image.Gray, *image.Gray16, *image.CMYK:
		return true // no alpha channel
	}
	// Sample a grid of at most 64x64 points for transparency.
	stepX, stepY := max(1, b.Dx()/64), max(1, b.Dy()/64)
	n, clear := 0, 0
	for y := b.Min.Y; y < b.Max.Y; y += stepY {
		for x := b.Min.X; x < b.Max.X; x += stepX {
			n++
			if _, _, _, a := img.At(x, y).RGBA(); a < 0xF000 {
				clear++
			}
		}
	}
	return clear*100 <= n // at most 1 % see-through
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
