package exif_test

import (
	"bytes"
	"io"
	"sync/atomic"
	"testing"

	"github.com/devicescan/devicescan/exif"
	"github.com/devicescan/devicescan/exif/exiftest"
)

// countingReaderAt counts the bytes and calls made through ReadAt.
type countingReaderAt struct {
	r            io.ReaderAt
	bytes, calls atomic.Int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.bytes.Add(int64(n))
	c.calls.Add(1)
	return n, err
}

func benchRead(b *testing.B, data []byte) {
	b.Helper()
	c := &countingReaderAt{r: bytes.NewReader(data)}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := exif.Read(c, int64(len(data))); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(c.bytes.Load())/float64(b.N), "bytesread/op")
	b.ReportMetric(float64(c.calls.Load())/float64(b.N), "readcalls/op")
	b.ReportMetric(float64(len(data)), "filesize")
}

func BenchmarkReadJPEG(b *testing.B) {
	o := fullOptions()
	o.Width, o.Height = 1600, 1200
	data, err := exiftest.JPEG(o)
	if err != nil {
		b.Fatal(err)
	}
	benchRead(b, data)
}

func BenchmarkReadHEIC(b *testing.B) {
	o := fullOptions()
	o.Width, o.Height = 4032, 3024
	data, err := exiftest.HEIC(o)
	if err != nil {
		b.Fatal(err)
	}
	benchRead(b, data)
}

func BenchmarkReadPNG(b *testing.B) {
	o := fullOptions()
	o.Width, o.Height = 640, 480
	data, err := exiftest.PNG(o)
	if err != nil {
		b.Fatal(err)
	}
	benchRead(b, data)
}
