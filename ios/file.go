package ios

import (
	"encoding/binary"
	"fmt"
	"time"
)

// Manifest row flags (Files.flags).
const (
	FlagFile    = 1
	FlagDir     = 2
	FlagSymlink = 4
)

// File is one row of Manifest.db with its decoded MBFile metadata.
type File struct {
	ID           string // fileID: hex SHA-1 of domain + "-" + relativePath
	Domain       string
	RelativePath string
	Flags        int // 1 file, 2 directory, 4 symlink (0 seen in synthetic backups)

	Size            int64 // as recorded by the device; see CheckSize
	Mode            uint32
	UserID, GroupID int64
	InodeNumber     uint64
	Birth           time.Time // UTC; zero when absent
	Modified        time.Time
	StatusChanged   time.Time
	ProtectionClass int
	Target          string            // symlink target
	XAttrs          map[string][]byte // extended attributes (e.g. com.apple.assetsd.*)

	// Err is non-nil when the row's MBFile blob could not be decoded; the
	// metadata fields above are then zero. Such a file cannot be opened in an
	// encrypted backup.
	Err error

	encKey []byte // EncryptionKey: u32 LE class + 40-byte wrapped key
}

// IsRegular reports whether the row is a regular file (flags 1, or mode S_IFREG).
func (f *File) IsRegular() bool {
	if f.Flags == FlagFile {
		return true
	}
	return f.Flags == 0 && f.Mode&0o170000 == 0o100000
}

// IsDir reports whether the row is a directory.
func (f *File) IsDir() bool { return f.Flags == FlagDir }

// IsSymlink reports whether the row is a symbolic link.
func (f *File) IsSymlink() bool { return f.Flags == FlagSymlink }

// HasEncryptionKey reports whether the manifest holds a per-file key.
func (f *File) HasEncryptionKey() bool { return len(f.encKey) > 0 }

// CheckSize compares the manifest Size with the size of the opened content and
// returns a *SizeMismatchError (errors.Is(err, ErrSizeMismatch)) when they
// differ. The content stays readable in full either way.
func (f *File) CheckSize(c Content) error {
	if c == nil || !f.IsRegular() || f.Err != nil || c.Size() == f.Size {
		return nil
	}
	return &SizeMismatchError{Domain: f.Domain, RelativePath: f.RelativePath, Declared: f.Size, Actual: c.Size()}
}

// decodeMBFile fills f's metadata from an MBFile NSKeyedArchiver blob.
func (f *File) decodeMBFile(blob []byte) error {
	root, err := decodeKeyedArchive(blob)
	if err != nil {
		return err
	}
	m, ok := root.(map[string]any)
	if !ok {
		return fmt.Errorf("%w: MBFile root is %T", errArchive, root)
	}
	num := func(k string) int64 {
		n, _ := toInt64(m[k])
		return n
	}
	f.Size = num("Size")
	f.Mode = uint32(num("Mode"))
	f.UserID = num("UserID")
	f.GroupID = num("GroupID")
	f.InodeNumber = uint64(num("InodeNumber"))
	f.Birth = pTime(m, "Birth")
	f.Modified = pTime(m, "LastModified")
	f.StatusChanged = pTime(m, "LastStatusChange")
	f.Target, _ = m["Target"].(string)
	pc, hasPC := toInt64(m["ProtectionClass"])
	f.ProtectionClass = int(pc)
	if k, ok := m["EncryptionKey"].([]byte); ok && len(k) > 0 {
		if len(k) != 44 {
			return fmt.Errorf("%w: EncryptionKey of %d bytes, want 44", errArchive, len(k))
		}
		f.encKey = append([]byte(nil), k...)
		if !hasPC {
			f.ProtectionClass = int(binary.LittleEndian.Uint32(k))
		}
	}
	switch x := m["ExtendedAttributes"].(type) {
	case []byte:
		if len(x) > 0 {
			d, err := decodePlistDictLimit(x, maxArchiveNodes)
			if err != nil {
				return fmt.Errorf("extended attributes: %w", err)
			}
			f.XAttrs = xattrMap(d)
		}
	case map[string]any:
		f.XAttrs = xattrMap(x)
	}
	return nil
}

func xattrMap(d map[string]any) map[string][]byte {
	out := make(map[string][]byte, len(d))
	for k, v := range d {
		switch x := v.(type) {
		case []byte:
			out[k] = x
		case string:
			out[k] = []byte(x)
		}
	}
	return out
}
