package ios

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// Info is what the host wrote to Info.plist.
type Info struct {
	DeviceName, DisplayName     string
	ProductType, ProductVersion string
	BuildVersion, SerialNumber  string
	UDID, TargetIdentifier      string // "Unique Identifier", "Target Identifier"
	IMEI, IMEI2, ICCID, MEID    string
	PhoneNumber, PhoneNumber2   string
	LastBackupDate              time.Time
	ITunesVersion               string
	InstalledApplications       []string
	Applications                map[string]AppEntry // bundle ID -> entry (user apps; may be absent)
}

// AppEntry is one Info.plist Applications entry.
type AppEntry struct {
	ITunesMetadata  []byte // raw (usually binary) plist bytes
	PlaceholderIcon []byte // PNG
	ApplicationSINF []byte
}

// Manifest is what the device wrote to Manifest.plist.
type Manifest struct {
	IsEncrypted    bool
	WasPasscodeSet *bool // nil when absent
	Version        string
	Date           time.Time
	// Lockdown holds the string values of the Lockdown dictionary: DeviceName,
	// ProductVersion, BuildVersion, ProductType, SerialNumber, UniqueDeviceID.
	Lockdown     map[string]string
	Applications map[string]ManifestApp // bundle ID -> app
	BackupKeyBag []byte                 // present in some unencrypted backups too
	ManifestKey  []byte                 // encrypted backups, iOS 10.2+
}

// ManifestApp is one Manifest.plist Applications entry.
type ManifestApp struct {
	CFBundleIdentifier    string
	CFBundleVersion       string
	Path                  string
	ContainerContentClass string
}

// Status is Status.plist.
type Status struct {
	Version       string
	Date          time.Time
	BackupState   string
	SnapshotState string
	IsFullBackup  bool
	UUID          string
}

// Finished reports whether the backup completed (SnapshotState "finished").
func (s *Status) Finished() bool { return s != nil && s.SnapshotState == "finished" }

// Backup is an opened iPhone backup directory. After Open (and Unlock for an
// encrypted backup) Walk, Lookup, Open, OpenSQLite and ReadFile may be called
// concurrently; Unlock and Close may not.
type Backup struct {
	Dir      string
	Info     Info
	Manifest Manifest
	Status   *Status // nil when Status.plist is missing or unreadable
	// Warnings lists non-fatal problems met while reading the plists (a
	// missing or unreadable Info.plist or Status.plist).
	Warnings []string

	encrypted bool
	legacy    bool
	classKeys map[uint32][]byte

	mu           sync.Mutex
	manifestDB   *sql.DB
	manifestPath string // decrypted or copied Manifest.db; empty: the original
	dbErr        error
	tmpDir       string
	dbs          []*sql.DB
	extracted    map[string]string // fileID(s) -> private copy of a database
	closed       bool
}

var sqliteMagic = []byte("SQLite format 3\x00")

// IsBackup reports whether dir holds Manifest.plist plus Manifest.db or Manifest.mbdb.
func IsBackup(dir string) bool {
	if !isFile(filepath.Join(dir, "Manifest.plist")) {
		return false
	}
	return isFile(filepath.Join(dir, "Manifest.db")) || isFile(filepath.Join(dir, "Manifest.mbdb"))
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// FindBackups returns dir itself when it is a backup, else its immediate
// subdirectories that are backups (a MobileSync/Backup folder), sorted.
func FindBackups(dir string) ([]string, error) {
	if IsBackup(dir) {
		return []string{dir}, nil
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		if st, err := os.Stat(p); err == nil && st.IsDir() && IsBackup(p) {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out, nil
}

// readBounded reads a whole small file, refusing files larger than max.
func readBounded(p string, max int64) ([]byte, error) {
	f, err := openEvidence(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", p)
	}
	if st.Size() > max {
		return nil, fmt.Errorf("%s: %d bytes: %w", p, st.Size(), ErrTooLarge)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: %w", p, ErrTooLarge)
	}
	return data, nil
}

// Open reads a backup's plists (Manifest.plist is required, Info.plist and
// Status.plist are optional). It does not open Manifest.db. For an iOS 9 or
// older backup it returns the Backup (plists filled) together with
// ErrLegacyBackup; Walk then fails with ErrLegacyBackup too.
func Open(dir string) (*Backup, error) {
	b := &Backup{Dir: dir}
	mp := filepath.Join(dir, "Manifest.plist")
	data, err := readBounded(mp, maxPlistSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", dir, ErrNotBackup)
	}
	if err != nil {
		return nil, fmt.Errorf("ios: Manifest.plist: %w", err)
	}
	m, err := decodePlistDict(data)
	if err != nil {
		return nil, fmt.Errorf("ios: Manifest.plist: %w", err)
	}
	b.Manifest = parseManifestPlist(m)

	if data, err := readBounded(filepath.Join(dir, "Info.plist"), maxPlistSize); err != nil {
		b.Warnings = append(b.Warnings, "Info.plist: "+err.Error())
	} else if m, err := decodePlistDict(data); err != nil {
		b.Warnings = append(b.Warnings, "Info.plist: "+err.Error())
	} else {
		b.Info = parseInfoPlist(m)
	}
	if data, err := readBounded(filepath.Join(dir, "Status.plist"), maxPlistSize); err != nil {
		b.Warnings = append(b.Warnings, "Status.plist: "+err.Error())
	} else if m, err := decodePlistDict(data); err != nil {
		b.Warnings = append(b.Warnings, "Status.plist: "+err.Error())
	} else {
		b.Status = parseStatusPlist(m)
	}

	dbPath := filepath.Join(dir, "Manifest.db")
	if !isFile(dbPath) && isFile(filepath.Join(dir, "Manifest.mbdb")) {
		b.legacy = true
		b.encrypted = b.Manifest.IsEncrypted
		return b, ErrLegacyBackup
	}
	// Encrypted iff Manifest.plist says so AND Manifest.db is not plain SQLite
	// (a backup decrypted by another tool keeps IsEncrypted).
	if b.Manifest.IsEncrypted {
		b.encrypted = true
		if f, err := openEvidence(dbPath); err == nil {
			var hdr [16]byte
			if _, err := io.ReadFull(f, hdr[:]); err == nil && bytes.Equal(hdr[:], sqliteMagic) {
				b.encrypted = false
			}
			f.Close()
		}
	}
	return b, nil
}

func parseManifestPlist(m map[string]any) Manifest {
	var mf Manifest
	mf.IsEncrypted, _ = pBool(m, "IsEncrypted")
	if v, ok := pBool(m, "WasPasscodeSet"); ok {
		mf.WasPasscodeSet = &v
	}
	mf.Version = pString(m, "Version")
	mf.Date = pTime(m, "Date")
	mf.BackupKeyBag = pBytes(m, "BackupKeyBag")
	mf.ManifestKey = pBytes(m, "ManifestKey")
	mf.Lockdown = map[string]string{}
	for k, v := range pDict(m, "Lockdown") {
		if s, ok := v.(string); ok {
			mf.Lockdown[k] = s
		}
	}
	mf.Applications = map[string]ManifestApp{}
	for id, v := range pDict(m, "Applications") {
		a, _ := v.(map[string]any)
		mf.Applications[id] = ManifestApp{
			CFBundleIdentifier:    pString(a, "CFBundleIdentifier"),
			CFBundleVersion:       pString(a, "CFBundleVersion"),
			Path:                  pString(a, "Path"),
			ContainerContentClass: pString(a, "ContainerContentClass"),
		}
	}
	return mf
}

func parseInfoPlist(m map[string]any) Info {
	in := Info{
		DeviceName:       pString(m, "Device Name"),
		DisplayName:      pString(m, "Display Name"),
		ProductType:      pString(m, "Product Type"),
		ProductVersion:   pString(m, "Product Version"),
		BuildVersion:     pString(m, "Build Version"),
		SerialNumber:     pString(m, "Serial Number"),
		UDID:             pString(m, "Unique Identifier"),
		TargetIdentifier: pString(m, "Target Identifier"),
		IMEI:             pString(m, "IMEI"),
		IMEI2:            pString(m, "IMEI 2"),
		ICCID:            pString(m, "ICCID"),
		MEID:             pString(m, "MEID"),
		PhoneNumber:      pString(m, "Phone Number"),
		PhoneNumber2:     pString(m, "Phone Number 2"),
		LastBackupDate:   pTime(m, "Last Backup Date"),
		ITunesVersion:    pString(m, "iTunes Version"),
		Applications:     map[string]AppEntry{},
	}
	if apps, ok := m["Installed Applications"].([]any); ok {
		for _, a := range apps {
			if s, ok := a.(string); ok {
				in.InstalledApplications = append(in.InstalledApplications, s)
			}
		}
	}
	for id, v := range pDict(m, "Applications") {
		a, _ := v.(map[string]any)
		in.Applications[id] = AppEntry{
			ITunesMetadata:  pBytes(a, "iTunesMetadata"),
			PlaceholderIcon: pBytes(a, "PlaceholderIcon"),
			ApplicationSINF: pBytes(a, "ApplicationSINF"),
		}
	}
	return in
}

func parseStatusPlist(m map[string]any) *Status {
	s := &Status{
		Version:       pString(m, "Version"),
		Date:          pTime(m, "Date"),
		BackupState:   pString(m, "BackupState"),
		SnapshotState: pString(m, "SnapshotState"),
		UUID:          pString(m, "UUID"),
	}
	s.IsFullBackup, _ = pBool(m, "IsFullBackup")
	return s
}

// Encrypted reports whether the backup's files are encrypted: Manifest.plist
// IsEncrypted and a Manifest.db that is not plain SQLite.
func (b *Backup) Encrypted() bool { return b.encrypted }

// Unlocked reports whether the backup is readable: plain, or unlocked.
func (b *Backup) Unlocked() bool { return !b.encrypted || b.classKeys != nil }

// Close closes every database this Backup opened (including those returned by
// OpenSQLite) and removes its temporary directory. It is safe to call more
// than once and on a nil or partly opened Backup.
func (b *Backup) Close() error {
	if b == nil {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	var errs []error
	if b.manifestDB != nil {
		errs = append(errs, b.manifestDB.Close())
		b.manifestDB = nil
	}
	for _, db := range b.dbs {
		errs = append(errs, db.Close())
	}
	b.dbs = nil
	b.extracted = nil
	if b.tmpDir != "" {
		errs = append(errs, os.RemoveAll(b.tmpDir))
		b.tmpDir = ""
	}
	b.closed = true
	return errors.Join(errs...)
}

// tempDirLocked returns the private temporary directory, creating it (0700).
func (b *Backup) tempDirLocked() (string, error) {
	if b.closed {
		return "", errors.New("ios: backup is closed")
	}
	if b.tmpDir == "" {
		d, err := os.MkdirTemp("", "devicescan-ios-*")
		if err != nil {
			return "", err
		}
		if err := os.Chmod(d, 0o700); err != nil {
			os.RemoveAll(d)
			return "", err
		}
		b.tmpDir = d
	}
	return b.tmpDir, nil
}

// newTempSubdir makes a fresh private directory under the temp dir.
func (b *Backup) newTempSubdir() (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	d, err := b.tempDirLocked()
	if err != nil {
		return "", err
	}
	return os.MkdirTemp(d, "db-*")
}

// createPrivate creates a new file readable only by the current user.
func createPrivate(p string) (*os.File, error) {
	return os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
}
