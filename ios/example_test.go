package ios_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/devicescan/devicescan/ios"
	"github.com/devicescan/devicescan/ios/backuptest"
)

func Example() {
	root, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(root)
	dir := filepath.Join(root, "00008110-000A1B2C3D4E5F6A")

	// Write a small encrypted backup.
	w, _ := backuptest.New(dir, backuptest.Options{Encrypted: true, Password: "1234", DeviceName: "Ward iPhone"})
	w.AddFile("CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.JPG", []byte("\xff\xd8\xff jpeg bytes"),
		time.Date(2026, 10, 14, 10, 32, 11, 0, time.UTC), nil)
	w.Close()

	dirs, _ := ios.FindBackups(root)
	b, err := ios.Open(dirs[0])
	if err != nil {
		panic(err)
	}
	defer b.Close()
	fmt.Println(b.Info.DeviceName, "encrypted:", b.Encrypted())
	if err := b.Walk(context.Background(), func(f *ios.File) error { return nil }); err != nil {
		fmt.Println(err)
	}
	if err := b.Unlock([]byte("1234")); err != nil {
		panic(err)
	}
	b.Walk(context.Background(), func(f *ios.File) error {
		if !f.IsRegular() {
			return nil
		}
		c, err := b.Open(f)
		if err != nil {
			return err
		}
		defer c.Close()
		head := make([]byte, 3)
		io.ReadFull(c, head)
		fmt.Printf("%s/%s %d bytes, starts %x, modified %s\n", f.Domain, f.RelativePath, c.Size(), head, f.Modified.Format(time.RFC3339))
		return nil
	})
	// Output:
	// Ward iPhone encrypted: true
	// ios: backup is encrypted, password needed
	// CameraRollDomain/Media/DCIM/100APPLE/IMG_0001.JPG 14 bytes, starts ffd8ff, modified 2026-10-14T10:32:11Z
}
