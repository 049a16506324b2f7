package ios

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"howett.net/plist"

	"github.com/devicescan/devicescan/ios/backuptest"
)

// mbfileSeeds returns real MBFile blobs written by backuptest.
func mbfileSeeds(t testing.TB) [][]byte {
	dir := t.TempDir()
	w, err := backuptest.New(dir, backuptest.Options{Encrypted: true, Rand: seeded(11), Date: testDate})
	if err != nil {
		t.Fatal(err)
	}
	w.AddFile("D", "a", []byte("x"), testDate, map[string][]byte{"k": []byte("v")})
	w.AddSymlink("D", "l", "/t")
	w.AddDir("D", "d")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Unlock(nil); err != nil {
		t.Fatal(err)
	}
	db, err := b.manifest()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query("SELECT file FROM Files ORDER BY fileID")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var blob []byte
		rows.Scan(&blob)
		out = append(out, blob)
	}
	return out
}

func FuzzKeyedArchive(f *testing.F) {
	for _, s := range mbfileSeeds(f) {
		f.Add(s)
	}
	// A self-referencing archive and an out-of-range UID.
	for _, top := range []map[string]any{
		{"$top": map[string]any{"root": plist.UID(1)}, "$objects": []any{"$null", map[string]any{"a": plist.UID(1), "$class": plist.UID(2)}, map[string]any{"$classname": "X"}}},
		{"$top": map[string]any{"root": plist.UID(9)}, "$objects": []any{"$null"}},
		{"$top": map[string]any{"root": plist.UID(1)}, "$objects": []any{"$null", map[string]any{"NS.keys": []any{plist.UID(0)}, "NS.objects": []any{}, "$class": plist.UID(2)}, map[string]any{"$classname": "NSDictionary"}}},
	} {
		b, _ := plist.Marshal(top, plist.BinaryFormat)
		f.Add(b)
	}
	f.Add([]byte("bplist00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var fl File
		fl.decodeMBFile(data)
		if fl.encKey != nil && len(fl.encKey) != 44 {
			t.Fatalf("encKey of %d bytes", len(fl.encKey))
		}
	})
}

func FuzzKeybag(f *testing.F) {
	f.Add(buildKeybag(f, 1, 1, make([]byte, 20), make([]byte, 20), unhex(f, vecWPKY)))
	f.Add(buildKeybag(f, 1, 0, make([]byte, 20), nil, make([]byte, 40))[:300])
	f.Add([]byte("VERS\x00\x00\x00\x04\x00\x00\x00\x05"))
	f.Fuzz(func(t *testing.T, data []byte) {
		kb, err := parseKeybag(data)
		if err != nil {
			return
		}
		// Keep the KDF cheap: only small iteration counts are exercised.
		if kb.iter > 16 || kb.dpic > 16 {
			return
		}
		key, err := kb.deriveKey([]byte("0000"))
		if err != nil {
			return
		}
		kb.unlock(key)
		kb.unlock(unhex(t, vecKey))
	})
}

func FuzzPlistSniff(f *testing.F) {
	dir := f.TempDir()
	writeSample(f, filepath.Join(dir, "b"), backuptest.Options{Encrypted: true})
	for _, name := range []string{"Info.plist", "Manifest.plist", "Status.plist"} {
		data, err := os.ReadFile(filepath.Join(dir, "b", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("hello"))
	f.Add([]byte("{ a = b; }"))
	f.Add([]byte("\xef\xbb\xbf  <?xml version=\"1.0\"?><plist><array><array><array/></array></array></plist>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var v any
		if err := decodePlist(data, &v); err == nil && !sniffPlist(data) {
			t.Fatal("accepted a non-plist")
		}
		if m, err := decodePlistDict(data); err == nil {
			parseInfoPlist(m)
			parseManifestPlist(m)
			parseStatusPlist(m)
		}
	})
}

// TestDeepPlists: nesting that would overflow the parser's stack is refused.
func TestDeepPlists(t *testing.T) {
	deepXML := "<?xml version=\"1.0\"?><plist>" + string(bytes.Repeat([]byte("<array>"), 200_000)) +
		string(bytes.Repeat([]byte("</array>"), 200_000)) + "</plist>"
	var v any
	if err := decodePlist([]byte(deepXML), &v); err != errPlistTooDeep {
		t.Errorf("deep XML: %v", err)
	}
	// A binary plist chain: object i is an array holding object i+1.
	var nested any = []any{}
	for i := 0; i < 300; i++ {
		nested = []any{nested}
	}
	bin, err := plist.Marshal(nested, plist.BinaryFormat)
	if err != nil {
		t.Fatal(err)
	}
	if err := decodePlist(bin, &v); err != errPlistTooDeep {
		t.Errorf("deep bplist: %v", err)
	}
	shallow, _ := plist.Marshal(map[string]any{"a": []any{1, "x", map[string]any{"b": time.Now()}}}, plist.BinaryFormat)
	if err := decodePlist(shallow, &v); err != nil {
		t.Errorf("shallow bplist: %v", err)
	}
}

// TestSharedPlistBomb: shared objects that would expand exponentially are refused.
func TestSharedPlistBomb(t *testing.T) {
	// Hand-built bplist: object 0 = "x", object i = [i-1, i-1] for i = 1..40.
	const n = 41
	var body bytes.Buffer
	body.WriteString("bplist00")
	offsets := make([]int, n)
	offsets[0] = body.Len()
	body.Write([]byte{0x51, 'x'})
	for i := 1; i < n; i++ {
		offsets[i] = body.Len()
		body.Write([]byte{0xA2, byte(i - 1), byte(i - 1)})
	}
	table := body.Len()
	for _, o := range offsets {
		body.Write([]byte{byte(o >> 8), byte(o)})
	}
	trailer := make([]byte, 32)
	trailer[6], trailer[7] = 2, 1
	trailer[15] = n
	trailer[23] = n - 1
	trailer[30], trailer[31] = byte(table>>8), byte(table)
	body.Write(trailer)
	var v any
	done := make(chan error, 1)
	go func() { done <- decodePlist(body.Bytes(), &v) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "too many values") {
			t.Fatalf("exponential plist: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("decoding hangs")
	}
}

type nopCloserAt struct{ *bytes.Reader }

func (nopCloserAt) Close() error { return nil }

// FuzzEncContent checks lazy block decryption against whole-file CBC
// decryption for arbitrary ciphertexts, offsets and lengths.
func FuzzEncContent(f *testing.F) {
	key := bytes.Repeat([]byte{7}, 32)
	block, _ := aes.NewCipher(key)
	for _, n := range []int{0, 1, 15, 16, 17, 100, 4000} {
		pt := bytes.Repeat([]byte("abcdefghijklmnopq"), n/17+1)[:n]
		p := 16 - n%16
		pt = append(pt, bytes.Repeat([]byte{byte(p)}, p)...)
		ct := make([]byte, len(pt))
		cipher.NewCBCEncrypter(block, make([]byte, 16)).CryptBlocks(ct, pt)
		f.Add(ct, int64(n/2), uint16(n))
	}
	f.Add([]byte("short"), int64(0), uint16(3))
	f.Fuzz(func(t *testing.T, ct []byte, off int64, l uint16) {
		c, err := newEncContent(nopCloserAt{bytes.NewReader(ct)}, int64(len(ct)), key)
		if err != nil {
			return
		}
		full := make([]byte, len(ct))
		if len(ct) > 0 {
			cipher.NewCBCDecrypter(block, make([]byte, 16)).CryptBlocks(full, ct)
		}
		full = full[:c.Size()]
		if off < 0 {
			off = -off
		}
		off %= int64(len(ct)) + 20
		buf := make([]byte, l)
		n, err := c.ReadAt(buf, off)
		want := max(min(int64(len(full))-off, int64(l)), 0)
		if int64(n) != want || (int64(n) < int64(l) && err == nil) {
			t.Fatalf("ReadAt(%d, %d) = %d, %v; want %d", l, off, n, err, want)
		}
		if n > 0 && !bytes.Equal(buf[:n], full[off:off+int64(n)]) {
			t.Fatal("wrong plaintext")
		}
		all, err := io.ReadAll(c)
		if err != nil || !bytes.Equal(all, full) {
			t.Fatalf("Read: %v", err)
		}
	})
}
