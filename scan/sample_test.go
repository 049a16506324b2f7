package scan_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/devicescan/devicescan/scan/scantest"
)

// updating reports whether -update was given (the flag is declared by the
// package's internal tests).
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

const sampleDir = "../testdata/sample"

// writeSample builds the README's sample: an Android storage tree, a plain
// and an encrypted iPhone backup, a policy and the backup's password.
func writeSample(dir string) error {
	if _, err := scantest.AndroidTree(filepath.Join(dir, "android")); err != nil {
		return err
	}
	if _, err := scantest.IPhoneBackup(filepath.Join(dir, "iphone"), false); err != nil {
		return err
	}
	if _, err := scantest.IPhoneBackup(filepath.Join(dir, "iphone-encrypted"), true); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "policy.yaml"), []byte(scantest.PolicyYAML), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "password.txt"), []byte(scantest.SamplePassword+"\n"), 0o644)
}

// TestSample checks that the committed sample is what the generators make
// today; `go test ./scan -run TestSample -update` rebuilds it.
func TestSample(t *testing.T) {
	gen := t.TempDir()
	if err := writeSample(gen); err != nil {
		t.Fatal(err)
	}
	if updating() {
		if err := os.RemoveAll(sampleDir); err != nil {
			t.Fatal(err)
		}
		if err := os.CopyFS(sampleDir, os.DirFS(gen)); err != nil {
			t.Fatal(err)
		}
	}
	want, err := scantest.Tree(gen)
	if err != nil {
		t.Fatal(err)
	}
	got, err := scantest.Tree(sampleDir)
	if err != nil {
		t.Fatalf("%v (rebuild with: go test ./scan -run TestSample -update)", err)
	}
	if got != want {
		t.Errorf("testdata/sample differs from what the generators make; rebuild with: go test ./scan -run TestSample -update\ncommitted:\n%s\ngenerated:\n%s", got, want)
	}
}
