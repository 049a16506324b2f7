package ios

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/devicescan/devicescan/ios/backuptest"
)

var testDate = time.Date(2026, 10, 14, 10, 32, 11, 0, time.UTC)

func seeded(seed uint64) *rand.ChaCha8 {
	var s [32]byte
	s[0] = byte(seed)
	s[1] = byte(seed >> 8)
	return rand.NewChaCha8(s)
}

type testFile struct {
	domain, rel string
	data        []byte
	mod         time.Time
	xattrs      map[string][]byte
}

func sampleFiles() []testFile {
	big := make([]byte, 100_003)
	r := seeded(99)
	r.Read(big)
	return []testFile{
		{"CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.JPG", []byte("\xff\xd8\xff\xe0 not really a jpeg"), time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC),
			map[string][]byte{"com.apple.assetsd.UUID": []byte("5F0A"), "com.apple.assetsd.importedBy": {1, 0}}},
		{"CameraRollDomain", "Media/DCIM/100APPLE/IMG_0002.HEIC", big, time.Date(2026, 3, 2, 9, 30, 5, 0, time.UTC), nil},
		{"HomeDomain", "Library/Preferences/com.apple.mobileslideshow.plist", []byte("bplist00 tiny"), testDate, nil},
		{"HomeDomain", "empty.txt", []byte{}, testDate, nil},
		{"HomeDomain", "sixteen.bin", []byte("0123456789abcdef"), testDate, nil},
		{"AppDomain-com.example.app", "Documents/a b?c#d%.txt", []byte("odd name"), testDate, nil},
	}
}

// writeSample writes a backup holding sampleFiles plus a directory and a symlink.
func writeSample(t testing.TB, dir string, o backuptest.Options) []testFile {
	t.Helper()
	if o.Rand == nil {
		o.Rand = seeded(1)
	}
	if o.Date.IsZero() {
		o.Date = testDate
	}
	w, err := backuptest.New(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	files := sampleFiles()
	for _, f := range files {
		if err := w.AddFile(f.domain, f.rel, f.data, f.mod, f.xattrs); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.AddDir("CameraRollDomain", "Media/DCIM"); err != nil {
		t.Fatal(err)
	}
	if err := w.AddSymlink("HomeDomain", "Library/link", "/var/mobile/x"); err != nil {
		t.Fatal(err)
	}
	w.AddApp("com.example.app", []byte("bplist00meta"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return files
}

// walDB builds an SQLite database in WAL mode whose last row lives only in the WAL.
func walDB(t testing.TB) (db, wal []byte) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "w.sqlite")
	d, err := sql.Open("sqlite", p+"?_pragma=journal_mode(WAL)&_pragma=wal_autocheckpoint(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	d.SetMaxOpenConns(1)
	for _, s := range []string{
		"CREATE TABLE t (v TEXT)",
		"INSERT INTO t VALUES ('in-db')",
		"PRAGMA wal_checkpoint(TRUNCATE)",
		"INSERT INTO t VALUES ('in-wal')",
	} {
		if _, err := d.Exec(s); err != nil {
			t.Fatal(s, err)
		}
	}
	if db, err = os.ReadFile(p); err != nil {
		t.Fatal(err)
	}
	if wal, err = os.ReadFile(p + "-wal"); err != nil {
		t.Fatal(err)
	}
	if len(wal) == 0 {
		t.Fatal("empty WAL")
	}
	return db, wal
}

type entryState struct {
	size  int64
	mode  fs.FileMode
	mtime time.Time
	hash  string
}

// snapshot records every entry under dir.
func snapshot(t testing.TB, dir string) map[string]entryState {
	t.Helper()
	out := map[string]entryState{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		st, err := os.Lstat(p)
		if err != nil {
			return err
		}
		e := entryState{size: st.Size(), mode: st.Mode(), mtime: st.ModTime()}
		if st.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h := sha256.Sum256(data)
			e.hash = hex.EncodeToString(h[:])
		}
		rel, _ := filepath.Rel(dir, p)
		out[rel] = e
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func keys[M ~map[string]V, V any](m M) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func walkAll(t testing.TB, b *Backup) []*File {
	t.Helper()
	var out []*File
	if err := b.Walk(context.Background(), func(f *File) error {
		out = append(out, f)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}
