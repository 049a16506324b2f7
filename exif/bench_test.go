package exif_test

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// BenchmarkReadSamples reads every JPEG of goexif's samples and, when
// cached, the real HEIF files of github.com/gen2brain/heic; it reports the
// bytes and ReadAt calls per file.
func BenchmarkReadSamples(b *testing.B) {
	var files []string
	if out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/rwcarlsen/goexif").Output(); err == nil {
		fs, _ := filepath.Glob(filepath.Join(strings.TrimSpace(string(out)), "exif", "samples", "*.jpg"))
		files = append(files, fs...)
	}
	if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
		fs, _ := filepath.Glob(filepath.Join(strings.TrimSpace(string(out)), "github.com", "gen2brain", "heic@*", "testdata", "*.heic"))
		files = append(files, fs...)
	}
	if len(files) == 0 {
		b.Skip("no sample files")
	}
	var datas [][]byte
	var total int64
	for _, f := range files {
		d, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		datas = append(datas, d)
		total += int64(len(d))
	}
	counters := make([]*countingReaderAt, len(datas))
	for i, d := range datas {
		counters[i] = &countingReaderAt{r: bytes.NewReader(d)}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j, d := range datas {
			exif.Read(counters[j], int64(len(d)))
		}
	}
	var bytesRead, calls int64
	for _, c := range counters {
		bytesRead += c.bytes.Load()
		calls += c.calls.Load()
	}
	n := float64(b.N) * float64(len(datas))
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/file")
	b.ReportMetric(float64(bytesRead)/n, "bytesread/file")
	b.ReportMetric(float64(calls)/n, "readcalls/file")
	b.ReportMetric(float64(total)/float64(len(datas)), "filesize/file")
}
