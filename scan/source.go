package scan

import (
	"context"
	"io"
	"time"
)

// Content is an opened file: random access for header parsers, sequential
// reads for streams. Implementations never hold a whole file in memory.
type Content interface {
	io.ReaderAt
	io.Reader
	io.Closer
	Size() int64
}

// File is one file of a source, addressed by its path on the phone. The rest
// of the engine never sees how a source stores it (fileIDs, zip entries...).
type File struct {
	// Path on the phone, '/'-separated: domain-relative for iPhone
	// backups, else relative to the scanned folder.
	Path string
	// Domain is the iPhone backup domain (CameraRollDomain, ...), else "".
	Domain  string
	Size    int64
	ModTime time.Time

	// UserMedia is true for places where people keep photos and
	// attachments (camera roll, message attachments, shared storage);
	// false for app caches and system files. Pixel rules run only on
	// user media, so app icons and caches cannot raise findings.
	UserMedia bool

	// Messaging is set when the source knows the file came through a
	// messenger (folder layout, Photos importer, sms.db, ChatStorage).
	Messaging *Messaging
	// Cloud is set when the source knows the file's cloud state.
	Cloud *Cloud
	// Album names (iOS Photos) or other labels a source knows; scanned for
	// clinical keywords like folder names.
	Labels []string

	open func() (Content, error)
	// preview opens a small JPEG rendering of the picture kept by the phone
	// (iOS Photos thumbnails of HEIC files), for pixel rules; nil if none.
	preview func() (Content, error)
}

// Open opens the file's content for reading.
func (f *File) Open() (Content, error) { return f.open() }

// NewFile makes a File whose content comes from open. It lets Go programs
// write their own sources.
func NewFile(path string, size int64, mod time.Time, open func() (Content, error)) *File {
	return &File{Path: path, Size: size, ModTime: mod, UserMedia: true, open: open}
}

// AppRecord is what a source or a file tells about one installed or
// packaged app. Records for the same app ID within a source are merged
// before the risky-app rules run.
type AppRecord struct {
	ID, Name, Version string
	// Path of the package file or database that told us, if any.
	Path string
	// Requested are contract permission names the app asks for.
	Requested []string
	// Granted maps contract permission names to whether they are granted;
	// absent = unknown.
	Granted map[string]bool
	// Free: true = free or ad-funded, false = paid, nil = unknown.
	Free     *bool
	AdSDKs   []string
	Trackers []string
	// FreeEvidence explains Free; Evidence everything else (grants, IAP).
	FreeEvidence []string
	Evidence     []string
	System       bool
}

// SourceFacts are what a source knows as a whole.
type SourceFacts struct {
	Device *DeviceInfo
	Apps   []AppRecord
	// Problems make the source incomplete (no password, unreadable manifest).
	Problems []string
	// Skipped parts of the source (files behind missing rows, ...).
	Skipped []Skipped
}

// Source is one thing to scan: a backup, a storage tree, a package file.
type Source interface {
	Kind() string
	Path() string
	// Facts reads source-level facts. Called once, before Walk.
	Facts(ctx context.Context) SourceFacts
	// Walk calls fn for each file, in a stable order. A walk error that
	// leaves the source incomplete is returned; per-file problems are
	// reported through skip.
	Walk(ctx context.Context, fn func(*File) error, skip func(Skipped)) error
	Close() error
}

// Counter is implemented by sources that can count their files cheaply, so
// progress can show a total and an ETA.
type Counter interface {
	Count(ctx context.Context) (int64, error)
}
