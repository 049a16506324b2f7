package ios

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/devicescan/devicescan/ios/backuptest"
)

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    backuptest.Options
	}{
		{"plain", backuptest.Options{PasscodeSet: true}},
		{"plain-with-keybag", backuptest.Options{KeyBagInPlain: true}},
		{"encrypted", backuptest.Options{Encrypted: true, Password: "hunter2", Iterations1: 3, Iterations2: 2}},
		{"encrypted-padded-manifest", backuptest.Options{Encrypted: true, Password: "pw", PadManifest: true}},
		{"encrypted-empty-password", backuptest.Options{Encrypted: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "00008110-000A1B2C3D4E5F6A")
			files := writeSample(t, dir, tc.o)
			if !IsBackup(dir) {
				t.Fatal("IsBackup = false")
			}
			b, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			if b.Encrypted() != tc.o.Encrypted || b.Manifest.IsEncrypted != tc.o.Encrypted {
				t.Fatalf("Encrypted() = %v, want %v", b.Encrypted(), tc.o.Encrypted)
			}
			if b.Info.DeviceName != "Test iPhone" || b.Info.ProductVersion != "17.5.1" || b.Info.UDID == "" ||
				!b.Info.LastBackupDate.Equal(testDate) {
				t.Errorf("Info = %+v", b.Info)
			}
			if got := b.Info.InstalledApplications; !reflect.DeepEqual(got, []string{"com.example.app"}) {
				t.Errorf("InstalledApplications = %v", got)
			}
			if string(b.Info.Applications["com.example.app"].ITunesMetadata) != "bplist00meta" {
				t.Errorf("Applications = %+v", b.Info.Applications)
			}
			if b.Manifest.Applications["com.example.app"].ContainerContentClass != "Data/Application" {
				t.Errorf("Manifest.Applications = %+v", b.Manifest.Applications)
			}
			if b.Manifest.WasPasscodeSet == nil || *b.Manifest.WasPasscodeSet != tc.o.PasscodeSet {
				t.Errorf("WasPasscodeSet = %v", b.Manifest.WasPasscodeSet)
			}
			if b.Manifest.Lockdown["ProductType"] != "iPhone14,2" || !b.Manifest.Date.Equal(testDate) {
				t.Errorf("Manifest = %+v", b.Manifest)
			}
			if !b.Status.Finished() {
				t.Errorf("Status = %+v", b.Status)
			}
			if tc.o.Encrypted {
				if err := b.Walk(context.Background(), func(*File) error { return nil }); !errors.Is(err, ErrPasswordRequired) {
					t.Fatalf("Walk before Unlock: %v", err)
				}
			}
			if err := b.Unlock([]byte(tc.o.Password)); err != nil {
				t.Fatal(err)
			}
			got := walkAll(t, b)
			if len(got) != len(files)+2 {
				t.Fatalf("Walk gave %d rows, want %d", len(got), len(files)+2)
			}
			if !sort.SliceIsSorted(got, func(i, j int) bool {
				if got[i].Domain != got[j].Domain {
					return got[i].Domain < got[j].Domain
				}
				return got[i].RelativePath < got[j].RelativePath
			}) {
				t.Error("Walk not in (domain, relativePath) order")
			}
			for _, f := range got {
				if f.Err != nil {
					t.Errorf("%s: %v", f.RelativePath, f.Err)
				}
				if f.ID != backuptest.FileID(f.Domain, f.RelativePath) {
					t.Errorf("%s: ID %s", f.RelativePath, f.ID)
				}
			}
			for _, want := range files {
				f, err := b.Lookup(context.Background(), want.domain, want.rel)
				if err != nil {
					t.Fatal(err)
				}
				if !f.IsRegular() || f.Size != int64(len(want.data)) || !f.Modified.Equal(want.mod) ||
					!f.Birth.Equal(want.mod) || f.Mode != 0o100644 || f.ProtectionClass != 3 {
					t.Errorf("%s: %+v", want.rel, f)
				}
				if f.HasEncryptionKey() != tc.o.Encrypted {
					t.Errorf("%s: HasEncryptionKey = %v", want.rel, f.HasEncryptionKey())
				}
				if len(want.xattrs) > 0 && !reflect.DeepEqual(f.XAttrs, want.xattrs) {
					t.Errorf("%s: xattrs %v, want %v", want.rel, f.XAttrs, want.xattrs)
				}
				c, err := b.Open(f)
				if err != nil {
					t.Fatal(err)
				}
				if c.Size() != int64(len(want.data)) {
					t.Errorf("%s: Size() = %d, want %d", want.rel, c.Size(), len(want.data))
				}
				if err := f.CheckSize(c); err != nil {
					t.Error(err)
				}
				all, err := io.ReadAll(c)
				if err != nil || !bytes.Equal(all, want.data) {
					t.Errorf("%s: read %d bytes, err %v", want.rel, len(all), err)
				}
				checkReadAt(t, c, want.data)
				c.Close()
				rf, err := b.ReadFile(context.Background(), want.domain, want.rel, 1<<20)
				if err != nil || !bytes.Equal(rf, want.data) {
					t.Errorf("%s: ReadFile: %v", want.rel, err)
				}
			}
			dir2, err := b.Lookup(context.Background(), "CameraRollDomain", "Media/DCIM")
			if err != nil || !dir2.IsDir() || dir2.IsRegular() {
				t.Errorf("dir row: %+v %v", dir2, err)
			}
			if _, err := b.Open(dir2); err == nil {
				t.Error("Open(directory) succeeded")
			}
			ln, err := b.Lookup(context.Background(), "HomeDomain", "Library/link")
			if err != nil || !ln.IsSymlink() || ln.Target != "/var/mobile/x" {
				t.Errorf("symlink row: %+v %v", ln, err)
			}
			if _, err := b.Lookup(context.Background(), "HomeDomain", "nope"); !errors.Is(err, ErrNotFound) {
				t.Errorf("Lookup(missing) = %v", err)
			}
			if _, err := b.ReadFile(context.Background(), files[1].domain, files[1].rel, 10); !errors.Is(err, ErrTooLarge) {
				t.Errorf("ReadFile over limit = %v", err)
			}
			tmp := b.tmpDir
			if err := b.Close(); err != nil {
				t.Fatal(err)
			}
			if tmp != "" {
				if _, err := os.Stat(tmp); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("temp dir %s left behind: %v", tmp, err)
				}
			}
			if tmp == "" {
				// encrypted: decrypted copies; plain: private copies of small
				// databases, so SQLite never opens the evidence itself.
				t.Errorf("no private temp dir used")
			}
			if err := b.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}
		})
	}
}

// checkReadAt reads windows around block boundaries and compares them.
func checkReadAt(t *testing.T, c Content, want []byte) {
	t.Helper()
	n := int64(len(want))
	for _, off := range []int64{0, 1, 15, 16, 17, 31, 32, n / 2, n - 17, n - 16, n - 1, n, n + 5} {
		for _, l := range []int64{0, 1, 15, 16, 33, 4096, n} {
			if off < 0 || l < 0 {
				continue
			}
			buf := make([]byte, l)
			got, err := c.ReadAt(buf, off)
			end := min(off+l, n)
			wantN := max(end-off, 0)
			if int64(got) != wantN {
				t.Fatalf("ReadAt(%d, %d) = %d, %v; want %d", l, off, got, err, wantN)
			}
			if wantN < l && err != io.EOF {
				t.Fatalf("ReadAt(%d, %d) short without EOF: %v", l, off, err)
			}
			if wantN == l && l > 0 && err != nil {
				t.Fatalf("ReadAt(%d, %d): %v", l, off, err)
			}
			if wantN > 0 && !bytes.Equal(buf[:got], want[off:end]) {
				t.Fatalf("ReadAt(%d, %d): wrong bytes", l, off)
			}
		}
	}
}

func TestPasswords(t *testing.T) {
	dir := t.TempDir()
	writeSample(t, dir, backuptest.Options{Encrypted: true, Password: "right"})
	b, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	// Without a password the plists are still there.
	if b.Info.SerialNumber == "" || b.Manifest.Lockdown["DeviceName"] == "" {
		t.Error("plist info missing on a locked backup")
	}
	if _, err := b.Lookup(context.Background(), "HomeDomain", "empty.txt"); !errors.Is(err, ErrPasswordRequired) {
		t.Errorf("Lookup on locked backup = %v", err)
	}
	if _, err := b.OpenSQLite(context.Background(), "HomeDomain", "x.db"); !errors.Is(err, ErrPasswordRequired) {
		t.Errorf("OpenSQLite on locked backup = %v", err)
	}
	for _, pw := range []string{"wrong", "", "righ", "right "} {
		if err := b.Unlock([]byte(pw)); !errors.Is(err, ErrWrongPassword) {
			t.Errorf("Unlock(%q) = %v", pw, err)
		}
		if b.Unlocked() {
			t.Error("Unlocked after a wrong password")
		}
	}
	if err := b.UnlockWithKey(make([]byte, 32)); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("UnlockWithKey(zero) = %v", err)
	}
	if err := b.Unlock([]byte("right")); err != nil {
		t.Fatal(err)
	}
	if len(walkAll(t, b)) != len(sampleFiles())+2 {
		t.Error("wrong row count after unlock")
	}
}

func TestUnlockWithDerivedKey(t *testing.T) {
	dir := t.TempDir()
	writeSample(t, dir, backuptest.Options{Encrypted: true, Password: "pw", Iterations1: 5, Iterations2: 7})
	b, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	kb, err := parseKeybag(b.Manifest.BackupKeyBag)
	if err != nil {
		t.Fatal(err)
	}
	if kb.dpic != 5 || kb.iter != 7 || len(kb.classes) != 11 {
		t.Fatalf("keybag %+v", kb)
	}
	key, err := backuptest.DeriveKey("pw", kb.dpsl, 5, kb.salt, 7)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.UnlockWithKey(key); err != nil {
		t.Fatal(err)
	}
	walkAll(t, b)
}

func TestCorruptManifest(t *testing.T) {
	for _, tc := range []struct {
		name    string
		corrupt func(t *testing.T, dir string)
	}{
		{"garbage", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "Manifest.db"), []byte("this is not a database at all"), 0o644)
		}},
		{"missing", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "Manifest.db"))
		}},
		{"directory", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "Manifest.db"))
			os.Mkdir(filepath.Join(dir, "Manifest.db"), 0o755)
		}},
		{"empty", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "Manifest.db"), nil, 0o644)
		}},
		{"no-files-table", func(t *testing.T, dir string) {
			db, _ := walDB(t)
			os.WriteFile(filepath.Join(dir, "Manifest.db"), db, 0o644)
		}},
		{"truncated", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "Manifest.db")
			data, _ := os.ReadFile(p)
			os.WriteFile(p, data[:100], 0o644)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeSample(t, dir, backuptest.Options{})
			tc.corrupt(t, dir)
			b, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			err = b.Walk(context.Background(), func(*File) error { return nil })
			if !errors.Is(err, ErrCorruptManifest) {
				t.Fatalf("Walk = %v, want ErrCorruptManifest", err)
			}
		})
	}
	t.Run("encrypted-garbage", func(t *testing.T) {
		dir := t.TempDir()
		writeSample(t, dir, backuptest.Options{Encrypted: true})
		os.WriteFile(filepath.Join(dir, "Manifest.db"), bytes.Repeat([]byte("x"), 4096), 0o644)
		b, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		if err := b.Unlock(nil); !errors.Is(err, ErrCorruptManifest) {
			t.Fatalf("Unlock = %v", err)
		}
	})
}

func TestBadRows(t *testing.T) {
	for _, enc := range []bool{false, true} {
		dir := t.TempDir()
		w, err := backuptest.New(dir, backuptest.Options{Encrypted: enc, Rand: seeded(3), Date: testDate})
		if err != nil {
			t.Fatal(err)
		}
		declared := int64(5)
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(w.Add(backuptest.Entry{Domain: "D", RelativePath: "missing", Data: []byte("gone"), NoContent: true}))
		must(w.Add(backuptest.Entry{Domain: "D", RelativePath: "badblob", Data: []byte("x"), RawBlob: []byte("not a plist")}))
		must(w.Add(backuptest.Entry{Domain: "D", RelativePath: "mismatch", Data: []byte("longer than five"), DeclaredSize: &declared}))
		must(w.AddFile("D", "truncated", bytes.Repeat([]byte("t"), 100), testDate, nil))
		must(w.AddFile("D", "short", bytes.Repeat([]byte("s"), 100), testDate, nil))
		must(w.Close())
		trunc := filepath.Join(dir, backuptest.FileID("D", "truncated")[:2], backuptest.FileID("D", "truncated"))
		must(os.Truncate(trunc, 50))
		short := filepath.Join(dir, backuptest.FileID("D", "short")[:2], backuptest.FileID("D", "short"))
		must(os.Truncate(short, 96))

		b, err := Open(dir)
		must(err)
		must(b.Unlock(nil))
		ctx := context.Background()
		f, err := b.Lookup(ctx, "D", "missing")
		must(err)
		if _, err := b.Open(f); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("enc=%v: Open(missing) = %v", enc, err)
		}
		f, err = b.Lookup(ctx, "D", "badblob")
		must(err)
		if f.Err == nil {
			t.Errorf("enc=%v: bad MBFile blob not reported", enc)
		}
		n := 0
		must(b.Walk(ctx, func(*File) error { n++; return nil }))
		if n != 5 {
			t.Errorf("enc=%v: Walk saw %d rows", enc, n)
		}
		f, err = b.Lookup(ctx, "D", "mismatch")
		must(err)
		c, err := b.Open(f)
		must(err)
		if err := f.CheckSize(c); !errors.Is(err, ErrSizeMismatch) {
			t.Errorf("enc=%v: CheckSize = %v", enc, err)
		}
		if data, _ := io.ReadAll(c); string(data) != "longer than five" {
			t.Errorf("enc=%v: mismatched file read %q", enc, data)
		}
		c.Close()
		for _, name := range []string{"truncated", "short"} {
			f, err = b.Lookup(ctx, "D", name)
			must(err)
			c, err := b.Open(f)
			if enc {
				if !errors.Is(err, ErrCorruptFile) {
					t.Errorf("Open(%s) = %v, want ErrCorruptFile", name, err)
				}
			} else if err != nil || f.CheckSize(c) == nil {
				t.Errorf("plain Open(%s) = %v (size check should fail)", name, err)
			}
			if c != nil {
				c.Close()
			}
		}
		b.Close()
	}
}

func TestOpenSQLiteWAL(t *testing.T) {
	db, wal := walDB(t)
	for _, tc := range []struct {
		name    string
		enc     bool
		withWAL bool
		want    []string
	}{
		{"plain-no-wal", false, false, []string{"in-db"}},
		{"plain-wal", false, true, []string{"in-db", "in-wal"}},
		{"encrypted-no-wal", true, false, []string{"in-db"}},
		{"encrypted-wal", true, true, []string{"in-db", "in-wal"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			w, err := backuptest.New(dir, backuptest.Options{Encrypted: tc.enc, Rand: seeded(4), Date: testDate})
			if err != nil {
				t.Fatal(err)
			}
			w.AddFile("HomeDomain", "Library/x/my db.sqlite", db, testDate, nil)
			if tc.withWAL {
				w.AddFile("HomeDomain", "Library/x/my db.sqlite-wal", wal, testDate, nil)
			}
			w.AddFile("HomeDomain", "Library/x/notadb", []byte("plain text, not sqlite"), testDate, nil)
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			before := snapshot(t, dir)
			b, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := b.Unlock(nil); err != nil {
				t.Fatal(err)
			}
			sdb, err := b.OpenSQLite(context.Background(), "HomeDomain", "Library/x/my db.sqlite")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			rows, err := sdb.Query("SELECT v FROM t ORDER BY rowid")
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var s string
				rows.Scan(&s)
				got = append(got, s)
			}
			rows.Close()
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("rows = %v, want %v", got, tc.want)
			}
			if _, err := sdb.Exec("INSERT INTO t VALUES ('x')"); err == nil {
				t.Error("database is writable")
			}
			// A second open reuses the private copy.
			sdb2, err := b.OpenSQLite(context.Background(), "HomeDomain", "Library/x/my db.sqlite")
			if err != nil {
				t.Fatal(err)
			}
			var n int
			if err := sdb2.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != len(tc.want) {
				t.Errorf("second open: %d rows, %v", n, err)
			}
			if len(b.extracted) > 1 {
				t.Errorf("%d private copies", len(b.extracted))
			}
			if ndb, err := b.OpenSQLite(context.Background(), "HomeDomain", "Library/x/notadb"); err == nil {
				if _, err := ndb.Exec("SELECT * FROM sqlite_master"); err == nil {
					t.Error("non-database opened and queried")
				}
			}
			if _, err := b.OpenSQLite(context.Background(), "HomeDomain", "nope.db"); !errors.Is(err, ErrNotFound) {
				t.Errorf("OpenSQLite(missing) = %v", err)
			}
			if err := b.Close(); err != nil {
				t.Fatal(err)
			}
			if err := sdb.Ping(); err == nil {
				t.Error("DB still open after Backup.Close")
			}
			assertSame(t, before, snapshot(t, dir))
		})
	}
}

func assertSame(t *testing.T, before, after map[string]entryState) {
	t.Helper()
	if !reflect.DeepEqual(keys(before), keys(after)) {
		t.Fatalf("entries changed:\nbefore %v\nafter  %v", keys(before), keys(after))
	}
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed: %+v -> %+v", k, v, after[k])
		}
	}
}

// TestReadOnly snapshots a backup before and after every read operation.
func TestReadOnly(t *testing.T) {
	db, wal := walDB(t)
	for _, enc := range []bool{false, true} {
		dir := t.TempDir()
		w, err := backuptest.New(dir, backuptest.Options{Encrypted: enc, Password: "p", Rand: seeded(5), Date: testDate})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range sampleFiles() {
			w.AddFile(f.domain, f.rel, f.data, f.mod, f.xattrs)
		}
		w.AddFile("HomeDomain", "a.db", db, testDate, nil)
		w.AddFile("HomeDomain", "b.db", db, testDate, nil)
		w.AddFile("HomeDomain", "b.db-wal", wal, testDate, nil)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		// Make everything read-only too, as evidence often is.
		before := snapshot(t, dir)
		b, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Unlock([]byte("p")); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		err = b.Walk(ctx, func(f *File) error {
			if !f.IsRegular() {
				return nil
			}
			c, err := b.Open(f)
			if err != nil {
				return err
			}
			defer c.Close()
			_, err = io.Copy(io.Discard, c)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"a.db", "b.db"} {
			sdb, err := b.OpenSQLite(ctx, "HomeDomain", name)
			if err != nil {
				t.Fatal(err)
			}
			var n int
			if err := sdb.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil {
				t.Fatal(err)
			}
		}
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
		after := snapshot(t, dir)
		assertSame(t, before, after)
		for k := range after {
			for _, suf := range []string{"-shm", "-wal", "-journal"} {
				if len(k) > len(suf) && k[len(k)-len(suf):] == suf {
					t.Errorf("enc=%v: %s created", enc, k)
				}
			}
		}
	}
}

func TestLegacyAndDiscovery(t *testing.T) {
	root := t.TempDir()
	plain := filepath.Join(root, "aaaa")
	writeSample(t, plain, backuptest.Options{})
	legacy := filepath.Join(root, "bbbb")
	writeSample(t, legacy, backuptest.Options{})
	os.Rename(filepath.Join(legacy, "Manifest.db"), filepath.Join(legacy, "Manifest.mbdb"))
	os.Mkdir(filepath.Join(root, "notabackup"), 0o755)
	os.WriteFile(filepath.Join(root, "file"), []byte("x"), 0o644)

	got, err := FindBackups(root)
	if err != nil || !reflect.DeepEqual(got, []string{plain, legacy}) {
		t.Fatalf("FindBackups = %v, %v", got, err)
	}
	if got, _ := FindBackups(plain); !reflect.DeepEqual(got, []string{plain}) {
		t.Errorf("FindBackups(backup) = %v", got)
	}
	if IsBackup(root) || IsBackup(filepath.Join(root, "nope")) {
		t.Error("IsBackup true for a non-backup")
	}
	b, err := Open(legacy)
	if !errors.Is(err, ErrLegacyBackup) || b == nil || b.Info.DeviceName == "" {
		t.Fatalf("Open(legacy) = %v, %v", b, err)
	}
	if err := b.Walk(context.Background(), func(*File) error { return nil }); !errors.Is(err, ErrLegacyBackup) {
		t.Errorf("Walk(legacy) = %v", err)
	}
	b.Close()
	if _, err := Open(filepath.Join(root, "notabackup")); !errors.Is(err, ErrNotBackup) {
		t.Errorf("Open(non-backup) = %v", err)
	}
	var nilB *Backup
	if err := nilB.Close(); err != nil {
		t.Error(err)
	}
}

func TestBadPlists(t *testing.T) {
	dir := t.TempDir()
	writeSample(t, dir, backuptest.Options{})
	os.WriteFile(filepath.Join(dir, "Info.plist"), []byte("{ a = b; }"), 0o644) // text plist: refused
	os.Remove(filepath.Join(dir, "Status.plist"))
	b, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b.Status != nil || len(b.Warnings) != 2 || b.Info.DeviceName != "" {
		t.Errorf("Status %v, warnings %q", b.Status, b.Warnings)
	}
	b.Close()
	os.WriteFile(filepath.Join(dir, "Manifest.plist"), []byte("hello"), 0o644)
	if _, err := Open(dir); err == nil {
		t.Error("Open accepted a garbage Manifest.plist")
	}
}

func TestWalkStops(t *testing.T) {
	dir := t.TempDir()
	writeSample(t, dir, backuptest.Options{})
	b, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	n := 0
	if err := b.Walk(context.Background(), func(*File) error { n++; return fs.SkipAll }); err != nil || n != 1 {
		t.Errorf("SkipAll: n=%d err=%v", n, err)
	}
	stop := errors.New("stop")
	if err := b.Walk(context.Background(), func(*File) error { return stop }); err != stop {
		t.Errorf("Walk returned %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := b.Walk(ctx, func(*File) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled Walk = %v", err)
	}
}

// TestDeterministic: same Rand seed and Date give byte-identical backups.
func TestDeterministic(t *testing.T) {
	for _, enc := range []bool{false, true} {
		a, b := t.TempDir(), t.TempDir()
		writeSample(t, a, backuptest.Options{Encrypted: enc, Rand: seeded(7)})
		writeSample(t, b, backuptest.Options{Encrypted: enc, Rand: seeded(7)})
		sa, sb := snapshot(t, a), snapshot(t, b)
		for k, v := range sa {
			if v.hash != sb[k].hash {
				t.Errorf("enc=%v: %s differs", enc, k)
			}
		}
	}
}

func TestIsRegular(t *testing.T) {
	for _, tc := range []struct {
		flags int
		mode  uint32
		want  bool
	}{
		{1, 0, true}, {2, 0o40755, false}, {4, 0o120755, false},
		{0, 0o100644, true}, {0, 0o40755, false}, {0, 0, false},
	} {
		f := &File{Flags: tc.flags, Mode: tc.mode}
		if f.IsRegular() != tc.want {
			t.Errorf("flags %d mode %o: IsRegular = %v", tc.flags, tc.mode, !tc.want)
		}
	}
}
