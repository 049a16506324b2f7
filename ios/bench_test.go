package ios

import (
	"context"
	"fmt"
	"testing"

	"github.com/devicescan/devicescan/ios/backuptest"
)

func manyRowBackup(tb testing.TB, rows int, enc bool) string {
	dir := tb.TempDir()
	w, err := backuptest.New(dir, backuptest.Options{Encrypted: enc, Rand: seeded(12), Date: testDate})
	if err != nil {
		tb.Fatal(err)
	}
	for i := range rows {
		err := w.Add(backuptest.Entry{
			Domain:       fmt.Sprintf("AppDomain-com.example.app%d", i%97),
			RelativePath: fmt.Sprintf("Library/Caches/f%06d.dat", i),
			Data:         []byte("x"),
			XAttrs:       map[string][]byte{"com.apple.assetsd.UUID": []byte("0123456789")},
			NoContent:    true,
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// BenchmarkWalk20k walks a 20,000-row manifest, decoding every MBFile blob.
func BenchmarkWalk20k(b *testing.B) {
	for _, enc := range []bool{false, true} {
		b.Run(fmt.Sprintf("encrypted=%v", enc), func(b *testing.B) {
			dir := manyRowBackup(b, 20000, enc)
			bk, err := Open(dir)
			if err != nil {
				b.Fatal(err)
			}
			defer bk.Close()
			if err := bk.Unlock(nil); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				n := 0
				if err := bk.Walk(context.Background(), func(f *File) error {
					if f.Err != nil {
						return f.Err
					}
					n++
					return nil
				}); err != nil {
					b.Fatal(err)
				}
				if n != 20000 {
					b.Fatalf("%d rows", n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/20000, "ns/row")
		})
	}
}

// BenchmarkEncryptedHeader opens a 16 MiB encrypted file and reads its first
// 4 KiB: the cost must not depend on the file size.
func BenchmarkEncryptedHeader(b *testing.B) {
	dir := b.TempDir()
	w, err := backuptest.New(dir, backuptest.Options{Encrypted: true, Rand: seeded(13), Date: testDate})
	if err != nil {
		b.Fatal(err)
	}
	big := make([]byte, 16<<20)
	if err := w.AddFile("CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.MOV", big, testDate, nil); err != nil {
		b.Fatal(err)
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	bk, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer bk.Close()
	if err := bk.Unlock(nil); err != nil {
		b.Fatal(err)
	}
	f, err := bk.Lookup(context.Background(), "CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.MOV")
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 4096)
	for b.Loop() {
		c, err := bk.Open(f)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.ReadAt(buf, 0); err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}
