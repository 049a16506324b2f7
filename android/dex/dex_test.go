package dex_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/devicescan/devicescan/android/apktest"
	"github.com/devicescan/devicescan/android/dex"
)

func list(t testing.TB, b []byte) ([]string, error) {
	var got []string
	_, err := dex.ReadClasses(bytes.NewReader(b), int64(len(b)), func(d string) error {
		got = append(got, d)
		return nil
	})
	sort.Strings(got)
	return got, err
}

func TestReadClasses(t *testing.T) {
	tests := []struct {
		name    string
		classes []string
	}{
		{"empty", nil},
		{"one", []string{"Lcom/example/Main;"}},
		{"several", []string{"Lcom/applovin/sdk/AppLovinSdk;", "Lcom/example/Main;", "Lcom/example/Main$1;", "La;"}},
		{"unicode", []string{"Lcom/example/Caf\u00e9;", "Lcom/example/\u65e5\u672c;", "Lcom/example/\U0001F600;"}},
		{"long", []string{"L" + strings.Repeat("x/", 300) + "Y;"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := list(t, apktest.Dex(tc.classes))
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Clone(tc.classes)
			sort.Strings(want)
			if !slices.Equal(got, want) {
				t.Errorf("got %v want %v", got, want)
			}
		})
	}
}

func TestContainer(t *testing.T) {
	b := apktest.DexContainer([][]string{{"La/A;", "La/B;"}, {"Lb/C;"}, {"Lc/D;"}})
	got, err := list(t, b)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"La/A;", "La/B;", "Lb/C;", "Lc/D;"}; !slices.Equal(got, want) {
		t.Errorf("got %v want %v", got, want)
	}
}

func TestStopOnError(t *testing.T) {
	b := apktest.Dex([]string{"La;", "Lb;", "Lc;"})
	stop := errors.New("stop")
	n, err := dex.ReadClasses(bytes.NewReader(b), int64(len(b)), func(string) error { return stop })
	if n != 0 || err != stop {
		t.Errorf("n=%d err=%v", n, err)
	}
}

func TestBad(t *testing.T) {
	good := apktest.Dex([]string{"Lcom/example/Main;"})
	mod := func(off int, v uint32) []byte {
		b := slices.Clone(good)
		binary.LittleEndian.PutUint32(b[off:], v)
		return b
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"not dex", []byte("PK\x03\x04" + strings.Repeat("x", 200))},
		{"version 034", append([]byte("dex\n034\x00"), good[8:]...)},
		{"truncated", good[:0x50]},
		{"huge class_defs", mod(0x60, 0xFFFFFFFF)},
		{"class_defs off past end", mod(0x64, 0xFFFFFFF0)},
		{"huge string_ids", mod(0x38, 0x40000000)},
		{"big file_size", mod(0x20, 0x7FFFFFFF)},
		{"endian", mod(0x28, 0x78563412)},
		{"header size", mod(0x24, 0xFFFF)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := list(t, tc.data); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestMUTF8(t *testing.T) {
	for _, s := range []string{"", "abc", "a\x00b", "é", "日本", "\U0001F600x"} {
		b, n := dex.EncodeMUTF8(s)
		if bytes.IndexByte(b, 0) >= 0 {
			t.Errorf("%q: raw NUL in encoding", s)
		}
		got, err := dex.DecodeMUTF8(b)
		if err != nil || got != s {
			t.Errorf("%q: got %q %v", s, got, err)
		}
		_ = n
	}
	for _, b := range [][]byte{{0xC0}, {0xE0, 0x80}, {0xFF}, {0x80}} {
		if _, err := dex.DecodeMUTF8(b); err == nil {
			t.Errorf("%x accepted", b)
		}
	}
}

// TestDexdumpOracle checks the writer's output with dexdump when installed.
func TestDexdumpOracle(t *testing.T) {
	tool, err := exec.LookPath("dexdump")
	if err != nil {
		t.Skip("dexdump not installed")
	}
	f := filepath.Join(t.TempDir(), "classes.dex")
	if err := writeFile(f, apktest.Dex([]string{"Lcom/example/Main;", "Lcom/applovin/X;"})); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-c", f).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Lcom/applovin/X;") {
		t.Errorf("dexdump: %v\n%s", err, out)
	}
}

func FuzzReadClasses(f *testing.F) {
	f.Add(apktest.Dex([]string{"Lcom/example/Main;", "La;"}))
	f.Add(apktest.DexContainer([][]string{{"La;"}, {"Lb;"}}))
	f.Add([]byte("dex\n035\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		n := 0
		k, _ := dex.ReadClasses(bytes.NewReader(b), int64(len(b)), func(string) error { n++; return nil })
		if k != n {
			t.Fatalf("reported %d, called %d", k, n)
		}
		if n > 32*len(b) {
			t.Fatalf("%d classes from %d bytes", n, len(b))
		}
	})
}

func BenchmarkReadClasses(b *testing.B) {
	var classes []string
	for i := range 20000 {
		classes = append(classes, fmt.Sprintf("Lcom/example/pkg%d/Class%d;", i%100, i))
	}
	data := apktest.Dex(classes)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		n, err := dex.ReadClasses(bytes.NewReader(data), int64(len(data)), func(string) error { return nil })
		if err != nil || n != 20000 {
			b.Fatal(n, err)
		}
	}
}
