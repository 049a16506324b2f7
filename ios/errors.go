package ios

import (
	"errors"
	"fmt"
)

// Errors returned by this package; compare with errors.Is.
var (
	// ErrNotBackup: the directory has no Manifest.plist.
	ErrNotBackup = errors.New("ios: not an iPhone backup (no Manifest.plist)")
	// ErrLegacyBackup: an iOS 9 or older backup (Manifest.mbdb).
	ErrLegacyBackup = errors.New("ios: iOS 9 or older backups (Manifest.mbdb) are not supported")
	// ErrPasswordRequired: the backup is encrypted and Unlock was not called (or failed).
	ErrPasswordRequired = errors.New("ios: backup is encrypted, password needed")
	// ErrWrongPassword: the password (or derived key) does not unwrap the class keys.
	ErrWrongPassword = errors.New("ios: wrong backup password")
	// ErrNotFound: no manifest row for the domain and relative path.
	ErrNotFound = errors.New("ios: file not in backup manifest")
	// ErrCorruptManifest: Manifest.db is not a database, or lacks the Files table.
	ErrCorruptManifest = errors.New("ios: Manifest.db is corrupt or not a backup manifest")
	// ErrCorruptFile: an encrypted file is truncated or corrupt (bad length or padding), or its key is unusable.
	ErrCorruptFile = errors.New("ios: truncated or corrupt encrypted file")
	// ErrTooLarge: a file exceeds the caller's (or the package's) size limit.
	ErrTooLarge = errors.New("ios: file too large")
	// ErrSizeMismatch: the data size differs from the size recorded in the manifest.
	ErrSizeMismatch = errors.New("ios: file size differs from manifest")
)

// SizeMismatchError reports that a file's actual size differs from the Size
// recorded in its manifest entry. The data is still readable in full; callers
// usually report it as a warning.
type SizeMismatchError struct {
	Domain, RelativePath string
	Declared, Actual     int64
}

func (e *SizeMismatchError) Error() string {
	return fmt.Sprintf("ios: %s/%s: manifest says %d bytes, data has %d", e.Domain, e.RelativePath, e.Declared, e.Actual)
}

// Unwrap makes errors.Is(err, ErrSizeMismatch) true.
func (e *SizeMismatchError) Unwrap() error { return ErrSizeMismatch }
