// Package exif reads photo metadata (EXIF date, offset, GPS, camera, lens,
// flash, comments, pixel size and the embedded thumbnail's location) from
// JPEG, HEIC/HEIF/AVIF, PNG, TIFF/DNG and WebP files.
//
// It reads through an io.ReaderAt and touches only the bytes it needs: the
// JPEG segments up to the Exif APP1 and SOF, the HEIF ftyp and meta boxes
// and the Exif item, the PNG chunk headers (eXIf may follow the image data),
// the TIFF IFDs. XMP packets (JPEG APP1, PNG iTXt) fill the fields EXIF left
// empty: GPS, date, make, model, description, user comment. The format
// is sniffed from magic bytes, never from a file name. It has its own
// bounded TIFF/IFD reader (IFD count, entry count and value sizes are capped,
// offsets are checked against the payload, cycles are refused), so hostile
// files cannot make it hang, allocate without bound or panic.
//
//	f, _ := os.Open(path)
//	st, _ := f.Stat()
//	m, err := exif.Read(f, st.Size())
//	if errors.Is(err, exif.ErrNoMetadata) { /* m still has Format and size */ }
//	fmt.Println(m.TakenAtISO(), m.GPS)
//	thumb, err := m.ReadThumbnail(f) // JPEG (or HEVC for HEIC) bytes
//
// Times: TakenAt is the camera's wall clock. With an OffsetTime* tag it is
// in a time.FixedZone and HasOffset is true; otherwise it is in time.UTC
// (never time.Local) and must be read as "local time, zone unknown".
//
// The package knows nothing about findings or policy. Package exiftest
// writes synthetic JPEG, HEIC, PNG and TIFF files for tests.
package exif
