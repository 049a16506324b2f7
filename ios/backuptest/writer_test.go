package backuptest

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

func TestFileID(t *testing.T) {
	// Known fileIDs of real backups (research notes §6).
	for _, tc := range []struct{ domain, rel, id string }{
		{"CameraRollDomain", "Media/PhotoData/Photos.sqlite", "12b144c0bd44f2b3dffd9186d3f9c05b917cee25"},
		{"HomeDomain", "Library/SMS/sms.db", "3d0d7e5fb2ce288813306e4d4636395e047a3d28"},
		{"HomeDomain", "Library/TCC/TCC.db", "64d0019cb3d46bfc8cce545a8ba54b93e7ea9347"},
		{"AppDomainGroup-group.net.whatsapp.WhatsApp.shared", "ChatStorage.sqlite", "7c7fba66680ef796b916b067077cc246adacf01d"},
		{"MyTestDomain", "Media/Test.txt", "5727bd1c5fa1055e15d8b4a75a74793c84b5ffdc"},
	} {
		if got := FileID(tc.domain, tc.rel); got != tc.id {
			t.Errorf("FileID(%s, %s) = %s, want %s", tc.domain, tc.rel, got, tc.id)
		}
	}
}

func TestWrapVector(t *testing.T) {
	kek, _ := hex.DecodeString("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F")
	key, _ := hex.DecodeString("00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F")
	got, err := Wrap(kek, key)
	if err != nil || hex.EncodeToString(got) != "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21" {
		t.Fatalf("Wrap = %x, %v", got, err)
	}
	if _, err := Wrap(kek, key[:12]); err == nil {
		t.Error("Wrap accepted 12 bytes")
	}
}

func TestNewRefusesNonEmptyDir(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "x"), nil, 0o644)
	if _, err := New(dir, Options{}); err == nil {
		t.Error("New accepted a non-empty directory")
	}
	w, err := New(filepath.Join(dir, "b"), Options{Encrypted: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Add(Entry{Domain: "D", RelativePath: "x", Data: []byte("1"), ProtectionClass: 11}); err == nil {
		t.Error("file in a device-only class accepted")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err == nil {
		t.Error("second Close accepted")
	}
	for _, name := range []string{"Info.plist", "Manifest.plist", "Status.plist", "Manifest.db"} {
		if _, err := os.Stat(filepath.Join(dir, "b", name)); err != nil {
			t.Error(err)
		}
	}
}
