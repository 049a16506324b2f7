package ios

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/devicescan/devicescan/ios/backuptest"
)

// TestDecryptedCopy: a backup decrypted by another tool keeps IsEncrypted and
// the EncryptionKey blobs but holds plain files and a plain Manifest.db.
func TestDecryptedCopy(t *testing.T) {
	dir := t.TempDir()
	files := writeSample(t, dir, backuptest.Options{Encrypted: true})
	b, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Unlock(nil); err != nil {
		t.Fatal(err)
	}
	plainDB, err := os.ReadFile(b.manifestPath)
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	os.WriteFile(filepath.Join(dir, "Manifest.db"), plainDB, 0o644)
	for _, f := range files {
		id := backuptest.FileID(f.domain, f.rel)
		os.WriteFile(filepath.Join(dir, id[:2], id), f.data, 0o644)
	}
	b, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.Encrypted() || !b.Manifest.IsEncrypted {
		t.Fatalf("Encrypted() = %v, IsEncrypted = %v", b.Encrypted(), b.Manifest.IsEncrypted)
	}
	for _, f := range files {
		data, err := b.ReadFile(context.Background(), f.domain, f.rel, 1<<20)
		if err != nil || !bytes.Equal(data, f.data) {
			t.Errorf("%s: %v", f.rel, err)
		}
	}
}

// TestManifestWAL: a Manifest.db-wal beside Manifest.db is read from a copy.
func TestManifestWAL(t *testing.T) {
	dir := t.TempDir()
	writeSample(t, dir, backuptest.Options{})
	work := filepath.Join(t.TempDir(), "Manifest.db")
	data, _ := os.ReadFile(filepath.Join(dir, "Manifest.db"))
	os.WriteFile(work, data, 0o600)
	db, err := sql.Open("sqlite", work+"?_pragma=journal_mode(WAL)&_pragma=wal_autocheckpoint(0)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO Files SELECT 'ffffffffffffffffffffffffffffffffffffffff', 'WALDomain', 'only-in-wal', flags, file FROM Files WHERE relativePath = 'empty.txt'`); err != nil {
		t.Fatal(err)
	}
	for _, suf := range []string{"", "-wal"} {
		data, err := os.ReadFile(work + suf)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "Manifest.db"+suf), data, 0o644)
	}
	db.Close()
	// The row is only in the WAL: an immutable open of the main file misses it.
	uri, _ := sqliteURI(filepath.Join(dir, "Manifest.db"), true)
	if imm, err := sql.Open("sqlite", uri); err == nil {
		var n int
		imm.QueryRow("SELECT count(*) FROM Files WHERE domain = 'WALDomain'").Scan(&n)
		imm.Close()
		if n != 0 {
			t.Fatal("test setup: row reached the main database file")
		}
	}
	before := snapshot(t, dir)
	b, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Lookup(context.Background(), "WALDomain", "only-in-wal"); err != nil {
		t.Errorf("row in Manifest.db-wal not seen: %v", err)
	}
	b.Close()
	assertSame(t, before, snapshot(t, dir))
}

// TestConcurrentOpen opens and reads files from several goroutines during Walk.
func TestConcurrentOpen(t *testing.T) {
	dir := t.TempDir()
	files := writeSample(t, dir, backuptest.Options{Encrypted: true})
	b, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Unlock(nil); err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{}
	for _, f := range files {
		want[f.domain+"/"+f.rel] = f.data
	}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	err = b.Walk(context.Background(), func(f *File) error {
		if !f.IsRegular() {
			return nil
		}
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := b.Open(f)
				if err != nil {
					errs <- err
					return
				}
				defer c.Close()
				got, err := io.ReadAll(io.NewSectionReader(c, 0, c.Size()))
				if err != nil || !bytes.Equal(got, want[f.Domain+"/"+f.RelativePath]) {
					errs <- io.ErrUnexpectedEOF
				}
			}()
		}
		return nil
	})
	wg.Wait()
	close(errs)
	if err != nil {
		t.Fatal(err)
	}
	for err := range errs {
		t.Error(err)
	}
}

// TestCorruptPage: a damaged page in the middle of Manifest.db ends Walk with
// ErrCorruptManifest after the readable rows, without a panic.
func TestCorruptPage(t *testing.T) {
	dir := manyRowBackup(t, 3000, false)
	p := filepath.Join(dir, "Manifest.db")
	db, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	page := int(db[16])<<8 | int(db[17])
	if page == 1 {
		page = 65536
	}
	corrupted := 0
	for off := page; off+page <= len(db); off += page {
		if db[off] == 0x0D && off > len(db)/2 { // a table leaf page in the second half
			for i := 0; i < 64; i++ {
				db[off+i] = 0xFF
			}
			corrupted++
			break
		}
	}
	if corrupted == 0 {
		t.Skip("no leaf page found")
	}
	os.WriteFile(p, db, 0o644)
	b, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	n := 0
	err = b.Walk(context.Background(), func(*File) error { n++; return nil })
	if !errors.Is(err, ErrCorruptManifest) {
		t.Fatalf("Walk after %d rows: %v", n, err)
	}
	t.Logf("%d rows before: %v", n, err)
}

// TestOddBackupPath: URI escaping of a backup folder with ?, #, % and spaces.
func TestOddBackupPath(t *testing.T) {
	db, _ := walDB(t)
	dir := filepath.Join(t.TempDir(), "Backup ?x=1#frag %41 100%")
	w, err := backuptest.New(dir, backuptest.Options{Rand: seeded(8), Date: testDate})
	if err != nil {
		t.Fatal(err)
	}
	w.AddFile("HomeDomain", "a.db", db, testDate, nil)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	b, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	sdb, err := b.OpenSQLite(context.Background(), "HomeDomain", "a.db")
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := sdb.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 1 {
		t.Errorf("count = %d, %v", n, err)
	}
	if len(walkAll(t, b)) != 1 {
		t.Error("walk")
	}
	b.Close()
	assertSame(t, before, snapshot(t, dir))
}

func TestCount(t *testing.T) {
	for _, enc := range []bool{false, true} {
		dir := t.TempDir()
		files := writeSample(t, dir, backuptest.Options{Encrypted: enc})
		b, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.Count(context.Background()); enc && !errors.Is(err, ErrPasswordRequired) {
			t.Errorf("Count on a locked backup = %v", err)
		}
		b.Unlock(nil)
		if n, err := b.Count(context.Background()); err != nil || n != int64(len(files)) {
			t.Errorf("enc=%v: Count = %d, %v; want %d", enc, n, err, len(files))
		}
		b.Close()
	}
}
