package exif

import (
	"errors"
	"fmt"
	"io"
	"time"
)

// Errors returned by Read, always wrapped with context; test with errors.Is.
var (
	// ErrUnsupported: the bytes are not a format this package recognises.
	ErrUnsupported = errors.New("unsupported image format")
	// ErrNoMetadata: the container was recognised but holds no EXIF data.
	// Read still returns the Metadata it found (format, pixel size).
	ErrNoMetadata = errors.New("no EXIF metadata")
	// ErrCorrupt: the container or the EXIF payload is structurally broken.
	ErrCorrupt = errors.New("corrupt image metadata")
)

// GPS is a position in decimal degrees (south and west negative).
type GPS struct {
	Lat, Lon float64
	Alt      *float64 // metres above sea level, nil when absent
}

// Thumbnail locates an embedded preview image inside the file.
type Thumbnail struct {
	Format        string // "jpeg" (EXIF IFD1 or HEIF jpeg item), "hevc" (HEIC hvc1 item: length-prefixed NAL units, decode with HEVCConfig) or "av1"
	Offset        int64  // absolute offset in the file
	Length        int64
	Width, Height int    // 0 when unknown
	HEVCConfig    []byte // hvcC box payload for HEIC thumbnails, else nil
}

// Metadata is what Read learns about a photo.
type Metadata struct {
	Format        string // "jpeg", "heic", "heif", "avif", "png", "tiff", "dng", "webp"
	Width, Height int    // pixel size, 0 when unknown

	// TakenAt is DateTimeOriginal (falling back to DateTimeDigitized, then
	// DateTime) with sub-seconds when recorded. When the matching OffsetTime
	// tag is present HasOffset is true and TakenAt is in a time.FixedZone of
	// that offset; otherwise TakenAt holds the camera's wall clock in
	// time.UTC. Zero when absent or unparsable.
	TakenAt   time.Time
	HasOffset bool

	GPS *GPS // nil when absent or invalid

	Make, Model, LensModel, Software, Artist string
	ImageDescription, UserComment, XPComment string

	SubjectDistance      float64 // metres; 0 = unknown (also used for "infinity")
	SubjectDistanceRange int     // 0 unknown, 1 macro, 2 close, 3 distant
	Flash                int     // raw Flash tag value (bit 0 = fired)
	HasFlash             bool    // Flash tag present
	FocalLength          float64 // millimetres
	FocalLength35        int     // 35 mm equivalent, millimetres
	Orientation          int     // 1..8, 0 when absent

	Thumbnail *Thumbnail // nil when none was found
}

// TakenAtISO formats TakenAt as ISO 8601 without fractional seconds:
// "2026-10-14T10:32:11", with the offset ("+01:00", "Z" never used) when
// HasOffset. It returns "" when TakenAt is zero.
func (m *Metadata) TakenAtISO() string {
	if m == nil || m.TakenAt.IsZero() {
		return ""
	}
	if m.HasOffset {
		return m.TakenAt.Format("2006-01-02T15:04:05-07:00")
	}
	return m.TakenAt.Format("2006-01-02T15:04:05")
}

// MaxThumbnail is the largest thumbnail ReadThumbnail returns.
const MaxThumbnail = 256 << 10

// ReadThumbnail reads the embedded preview located by m.Thumbnail from r
// (the same file Read saw). It refuses thumbnails larger than MaxThumbnail.
func (m *Metadata) ReadThumbnail(r io.ReaderAt) ([]byte, error) {
	if m == nil || m.Thumbnail == nil {
		return nil, fmt.Errorf("exif: %w: no thumbnail", ErrNoMetadata)
	}
	th := m.Thumbnail
	if th.Offset < 0 || th.Length <= 0 {
		return nil, fmt.Errorf("exif: thumbnail: %w: offset %d length %d", ErrCorrupt, th.Offset, th.Length)
	}
	if th.Length > MaxThumbnail {
		return nil, fmt.Errorf("exif: thumbnail of %d bytes exceeds %d", th.Length, MaxThumbnail)
	}
	b := make([]byte, th.Length)
	n, err := r.ReadAt(b, th.Offset)
	if n == len(b) {
		return b, nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		err = fmt.Errorf("%w: thumbnail truncated (%d of %d bytes)", ErrCorrupt, n, len(b))
	}
	return nil, fmt.Errorf("exif: thumbnail: %w", err)
}

// Read sniffs the format of the file in r (size bytes long) by its magic
// bytes and reads its metadata, touching only the bytes it needs.
//
// XMP packets (JPEG APP1, PNG iTXt "XML:com.adobe.xmp") are read too, but
// only fill the fields EXIF left empty (GPS, TakenAt, Make, Model,
// ImageDescription from dc:description, UserComment): EXIF always wins. A
// file whose metadata is only in XMP reads without error.
//
// On success the error is nil. When the format is recognised but the file
// has no EXIF (nor usable XMP), or the EXIF is partly broken, Read returns a non-nil
// Metadata holding whatever was learned together with an error wrapping
// ErrNoMetadata or ErrCorrupt. For unknown formats it returns nil and an
// error wrapping ErrUnsupported. Read never panics on hostile input.
func Read(r io.ReaderAt, size int64) (m *Metadata, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("exif: %w: internal error: %v", ErrCorrupt, p)
		}
	}()
	if size < 0 {
		return nil, fmt.Errorf("exif: %w: negative size", ErrUnsupported)
	}
	r = newBlockReader(r, size)
	var head [16]byte
	n, _ := r.ReadAt(head[:], 0)
	h := head[:n]
	switch {
	case len(h) >= 3 && h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF:
		m, err = readJPEG(r, size)
	case len(h) >= 8 && string(h[:8]) == "\x89PNG\r\n\x1a\n":
		m, err = readPNG(r, size)
	case len(h) >= 12 && string(h[4:8]) == "ftyp":
		m, err = readHEIF(r, size)
	case len(h) >= 12 && string(h[:4]) == "RIFF" && string(h[8:12]) == "WEBP":
		m, err = readWebP(r, size)
	case len(h) >= 4 && (string(h[:4]) == "II*\x00" || string(h[:4]) == "MM\x00*"):
		m, err = readTIFFFile(r, size)
	default:
		return nil, fmt.Errorf("exif: %w", ErrUnsupported)
	}
	if err != nil {
		if m != nil && m.Format != "" {
			err = fmt.Errorf("exif: %s: %w", m.Format, err)
		} else {
			err = fmt.Errorf("exif: %w", err)
		}
	}
	return m, err
}

// corrupt wraps a structural error so that errors.Is(err, ErrCorrupt).
func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// readExif reads the TIFF payload at base (size bytes) into m. offsetBase
// is added to thumbnail offsets to make them absolute (usually base).
func readExif(m *Metadata, r io.ReaderAt, base, size int64) error {
	t, err := parseTIFF(r, base, size)
	if err != nil {
		if errors.Is(err, errTIFF) {
			return fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		return err
	}
	t.fill(m)
	return nil
}
