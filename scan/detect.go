package scan

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/devicescan/devicescan/ios"
)

// Detect works out what a PATH is and returns the sources to scan: one for
// a backup, a storage tree, a folder or a package file; one per backup for a
// folder of iPhone backups. The kind is detected, never asked.
func Detect(ctx context.Context, p string) ([]Source, error) {
	st, err := os.Stat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &PathError{Path: p, Reason: "no such file or folder"}
		}
		return nil, &PathError{Path: p, Reason: errText(err)}
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return nil, err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	if st.Mode().IsRegular() {
		kind := KindDirectory
		switch ext(filepath.ToSlash(abs)) {
		case "apk", "apks", "xapk", "apkm":
			kind = KindAPK
		case "ipa":
			kind = KindIPA
		}
		return []Source{&fileSource{display: p, abs: abs, kind: kind, size: st.Size(), mod: st.ModTime()}}, nil
	}
	if !st.IsDir() {
		return nil, &PathError{Path: p, Reason: "not a file or folder"}
	}
	// Manifest.plist alone is still a backup: one whose Manifest.db is
	// missing must be reported incomplete, not scanned as a plain folder.
	if ios.IsBackup(abs) || isRegular(filepath.Join(abs, "Manifest.plist")) {
		return []Source{newIOSSource(p, abs)}, nil
	}
	if dirs, err := ios.FindBackups(abs); err == nil && len(dirs) > 0 {
		var out []Source
		skip := map[string]bool{}
		for _, d := range dirs {
			display := filepath.Join(p, filepath.Base(d))
			out = append(out, newIOSSource(display, d))
			skip[filepath.Base(d)] = true
		}
		// Whatever else the folder holds (photos, APKs, another copy) is
		// scanned too, as a plain folder without the backups.
		if rest := otherEntries(abs, skip); rest {
			ds := newDirSource(p, abs, KindDirectory)
			ds.skipTop = skip
			out = append(out, ds)
		}
		return out, nil
	}
	if _, err := os.ReadDir(abs); err != nil {
		return nil, &PathError{Path: p, Reason: errText(err)}
	}
	if looksLikeAndroidStorage(abs) {
		return []Source{newDirSource(p, abs, KindAndroidStorage)}, nil
	}
	return []Source{newDirSource(p, abs, KindDirectory)}, nil
}

// PathError says why a PATH cannot be scanned at all.
type PathError struct {
	Path, Reason string
}

func (e *PathError) Error() string { return e.Path + ": " + e.Reason }

// fileSource is a single file given as PATH (an .apk, an .ipa, a photo).
type fileSource struct {
	display, abs, kind string
	size               int64
	mod                time.Time
}

func (s *fileSource) Kind() string                          { return s.kind }
func (s *fileSource) Path() string                          { return s.display }
func (s *fileSource) Close() error                          { return nil }
func (s *fileSource) Facts(ctx context.Context) SourceFacts { return SourceFacts{} }
func (s *fileSource) Count(ctx context.Context) (int64, error) {
	return 1, nil
}
func (s *fileSource) Walk(ctx context.Context, fn func(*File) error, skip func(Skipped)) error {
	abs := s.abs
	return fn(&File{Path: filepath.Base(abs), Size: s.size, ModTime: s.mod, UserMedia: true,
		open: func() (Content, error) { return openOSFile(abs) }})
}

func isRegular(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// otherEntries tells whether dir holds anything besides the named entries
// and the Finder's .DS_Store.
func otherEntries(dir string, skip map[string]bool) bool {
	entries, err := readDirSorted(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !skip[e.Name()] && e.Name() != ".DS_Store" && e.Type()&fs.ModeSymlink == 0 {
			return true
		}
	}
	return false
}
