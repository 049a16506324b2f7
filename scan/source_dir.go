package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// dirSource walks a folder: an Android storage tree, a folder of photos or
// of APKs. Symbolic links are never followed (so loops and links out of the
// tree cannot be walked); they are counted, not read.
type dirSource struct {
	root    string // absolute, symlinks of the root itself resolved
	display string // as the user typed it
	kind    string
	// skipTop names entries of the root that belong to other sources (the
	// backups of a folder of backups).
	skipTop map[string]bool
}

func newDirSource(display, root, kind string) *dirSource {
	return &dirSource{root: root, display: display, kind: kind}
}

func (s *dirSource) Kind() string { return s.kind }
func (s *dirSource) Path() string { return s.display }
func (s *dirSource) Close() error { return nil }

func (s *dirSource) Facts(ctx context.Context) SourceFacts {
	f := SourceFacts{}
	if s.kind == KindAndroidStorage {
		f.Device = &DeviceInfo{}
	}
	return f
}

// readDirBatch bounds how many entries are read at once from one folder.
const readDirBatch = 4096

// dirFrame is one folder on the walk stack.
type dirFrame struct {
	rel     string // '/'-separated, relative to root; "" for the root
	noMedia bool   // a .nomedia file here or in an ancestor
	depth   int
}

const maxDepth = 256

// Count counts regular files without opening them.
func (s *dirSource) Count(ctx context.Context) (int64, error) {
	var n int64
	err := s.walkTree(ctx, func(rel string, d fs.DirEntry, noMedia bool) error {
		n++
		return nil
	}, func(Skipped) {})
	return n, err
}

func (s *dirSource) Walk(ctx context.Context, fn func(*File) error, skip func(Skipped)) error {
	return s.walkTree(ctx, func(rel string, d fs.DirEntry, noMedia bool) error {
		info, err := d.Info()
		if err != nil {
			skip(Skipped{Path: rel, Error: "cannot stat: " + errText(err)})
			return nil
		}
		abs := filepath.Join(s.root, filepath.FromSlash(rel))
		f := &File{
			Path:      rel,
			Size:      info.Size(),
			ModTime:   info.ModTime(),
			UserMedia: true,
			open:      func() (Content, error) { return openOSFile(abs) },
		}
		if s.kind == KindAndroidStorage {
			classifyAndroidFile(f, noMedia)
		}
		return fn(f)
	}, skip)
}

// walkTree visits regular files depth-first in name order with bounded
// memory per folder: names are read in batches and sorted per batch.
func (s *dirSource) walkTree(ctx context.Context, visit func(rel string, d fs.DirEntry, noMedia bool) error, skip func(Skipped)) error {
	stack := []dirFrame{{}}
	for len(stack) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		fr := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		dirAbs := filepath.Join(s.root, filepath.FromSlash(fr.rel))
		entries, err := readDirSorted(dirAbs)
		if err != nil {
			if fr.rel == "" {
				return err
			}
			skip(Skipped{Path: fr.rel + "/", Error: "cannot read folder: " + errText(err)})
			if len(entries) == 0 {
				continue
			}
		}
		noMedia := fr.noMedia
		for _, e := range entries {
			if e.Name() == ".nomedia" {
				noMedia = true
			}
		}
		var subdirs []dirFrame
		for _, e := range entries {
			if fr.rel == "" && s.skipTop[e.Name()] {
				continue
			}
			rel := joinRel(fr.rel, e.Name())
			switch t := e.Type(); {
			case t&fs.ModeSymlink != 0:
				continue // never followed: no loops, nothing outside the tree
			case t.IsDir():
				if fr.depth+1 > maxDepth {
					skip(Skipped{Path: rel + "/", Error: fmt.Sprintf("folder nested deeper than %d levels", maxDepth)})
					continue
				}
				subdirs = append(subdirs, dirFrame{rel: rel, noMedia: noMedia, depth: fr.depth + 1})
			case t.IsRegular():
				if err := visit(rel, e, noMedia); err != nil {
					return err
				}
			default:
				// devices, sockets, pipes: never opened (a FIFO would block)
			}
		}
		// push in reverse so that folders are visited in name order
		for i := len(subdirs) - 1; i >= 0; i-- {
			stack = append(stack, subdirs[i])
		}
	}
	return nil
}

// readDirSorted reads a folder in batches. Entries are sorted by name.
// Memory is one DirEntry per name; for folders beyond a few hundred
// thousand entries that is still small next to the paths themselves.
func readDirSorted(dir string) ([]fs.DirEntry, error) {
	f, err := openReadOnly(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var all []fs.DirEntry
	for {
		batch, err := f.ReadDir(readDirBatch)
		all = append(all, batch...)
		if err == io.EOF || (err == nil && len(batch) == 0) {
			break
		}
		if err != nil {
			sort.Slice(all, func(i, j int) bool { return all[i].Name() < all[j].Name() })
			return all, err
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name() < all[j].Name() })
	return all, nil
}

func joinRel(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// osContent is a file on disk opened read-only.
type osContent struct {
	*os.File
	size int64
}

func (c *osContent) Size() int64 { return c.size }

func openOSFile(abs string) (Content, error) {
	f, err := openReadOnly(abs)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, errors.New("not a regular file")
	}
	return &osContent{File: f, size: st.Size()}, nil
}

// errText gives an error's text without the absolute path of the scanned
// machine when the error is a *PathError (the report already names the file).
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

// androidTopLevel are folder names found at the root of Android shared storage.
var androidTopLevel = map[string]bool{
	"android": true, "dcim": true, "pictures": true, "download": true,
	"documents": true, "movies": true, "music": true, "whatsapp": true,
	"telegram": true, "notifications": true, "ringtones": true, "alarms": true,
	"podcasts": true, "audiobooks": true, "recordings": true,
}

// looksLikeAndroidStorage tells an Android storage tree from a folder of
// photos: an Android/ folder, or at least two of the usual top-level folders.
func looksLikeAndroidStorage(root string) bool {
	entries, err := readDirSorted(root)
	if err != nil {
		return false
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		name := strings.ToLower(e.Name())
		if name == "android" {
			if sub, err := os.Stat(filepath.Join(root, e.Name(), "data")); err == nil && sub.IsDir() {
				return true
			}
			if sub, err := os.Stat(filepath.Join(root, e.Name(), "media")); err == nil && sub.IsDir() {
				return true
			}
		}
		if androidTopLevel[name] {
			n++
		}
	}
	return n >= 2
}

// ext gives the lower-case extension of a phone path, without the dot.
func ext(p string) string {
	e := path.Ext(p)
	if e == "" {
		return ""
	}
	return strings.ToLower(e[1:])
}
