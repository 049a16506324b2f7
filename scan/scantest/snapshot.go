package scantest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Entry is the state of one path in a snapshot.
type Entry struct {
	Mode    fs.FileMode
	Size    int64
	ModTime time.Time
	Hash    string // SHA-256 of the content, regular files only
	Link    string // symlink target
}

// Snapshot records every entry under dir: names, modes, sizes, mtimes and
// content hashes (symlinks are recorded, not followed). Compare two with
// Diff to prove that a scan changed nothing.
func Snapshot(dir string) (map[string]Entry, error) {
	out := map[string]Entry{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		e := Entry{Mode: info.Mode(), Size: info.Size(), ModTime: info.ModTime()}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			e.Link, _ = os.Readlink(p)
		case info.Mode().IsRegular():
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			h := sha256.New()
			_, err = io.Copy(h, f)
			f.Close()
			if err != nil {
				return err
			}
			e.Hash = hex.EncodeToString(h.Sum(nil))
		case info.IsDir():
			e.Size = 0 // a folder's size changes with its entries, which are compared anyway
		}
		out[filepath.ToSlash(rel)] = e
		return nil
	})
	return out, err
}

// Diff lists the differences between two snapshots; empty when equal.
func Diff(before, after map[string]Entry) []string {
	var out []string
	for p, a := range before {
		b, ok := after[p]
		switch {
		case !ok:
			out = append(out, "removed: "+p)
		case a.Mode != b.Mode:
			out = append(out, fmt.Sprintf("mode changed: %s %v -> %v", p, a.Mode, b.Mode))
		case a.Size != b.Size:
			out = append(out, fmt.Sprintf("size changed: %s %d -> %d", p, a.Size, b.Size))
		case !a.ModTime.Equal(b.ModTime):
			out = append(out, fmt.Sprintf("mtime changed: %s", p))
		case a.Hash != b.Hash:
			out = append(out, "content changed: "+p)
		case a.Link != b.Link:
			out = append(out, "link changed: "+p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			out = append(out, "new: "+p)
		}
	}
	sort.Strings(out)
	return out
}

// Tree lists the files under dir with their content hashes, one per line,
// for comparing a regenerated fixture with the committed one.
func Tree(dir string) (string, error) {
	s, err := Snapshot(dir)
	if err != nil {
		return "", err
	}
	var lines []string
	for p, e := range s {
		if e.Mode.IsRegular() {
			lines = append(lines, p+" "+e.Hash)
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n"), nil
}
