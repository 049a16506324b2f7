package ios

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"

	_ "modernc.org/sqlite" // driver "sqlite"
)

const fileColumns = "fileID, domain, relativePath, flags, file"

// sqliteURI returns a read-only SQLite URI for a local path; immutable also
// tells SQLite the file cannot change, so it takes no locks and creates no
// -shm/-wal/-journal files.
func sqliteURI(p string, immutable bool) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	slash := filepath.ToSlash(abs)
	if slash[0] != '/' {
		slash = "/" + slash // Windows volume
	}
	u := url.URL{Scheme: "file", Path: slash}
	q := "mode=ro"
	if immutable {
		q += "&immutable=1"
	}
	return u.String() + "?" + q, nil
}

// manifest returns the opened Manifest.db (plain: the original, immutable;
// encrypted: the decrypted private copy).
func (b *Backup) manifest() (*sql.DB, error) {
	if b.legacy {
		return nil, ErrLegacyBackup
	}
	if b.encrypted && b.classKeys == nil {
		return nil, ErrPasswordRequired
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, errors.New("ios: backup is closed")
	}
	if b.manifestDB != nil || b.dbErr != nil {
		return b.manifestDB, b.dbErr
	}
	b.manifestDB, b.dbErr = b.openManifestLocked()
	return b.manifestDB, b.dbErr
}

func (b *Backup) openManifestLocked() (*sql.DB, error) {
	p := b.manifestPath
	immutable := false
	if p == "" {
		p = filepath.Join(b.Dir, "Manifest.db")
		immutable = true
		// A WAL beside the original: read both from a private copy. A small
		// manifest is copied too, so that SQLite never opens the evidence
		// (see maxPrivateCopy).
		walSt, walErr := os.Stat(p + "-wal")
		hasWAL := walErr == nil && walSt.Mode().IsRegular() && walSt.Size() > 0
		st, err := os.Stat(p)
		small := err == nil && st.Mode().IsRegular() && st.Size() <= maxPrivateCopy
		if hasWAL || small {
			d, err := b.tempDirLocked()
			if err != nil {
				return nil, err
			}
			d, err = os.MkdirTemp(d, "manifest-*")
			if err != nil {
				return nil, err
			}
			cp := filepath.Join(d, "Manifest.db")
			if err := copyFile(p, cp); err != nil {
				return nil, fmt.Errorf("%w: %v", ErrCorruptManifest, err)
			}
			if hasWAL {
				if err := copyFile(p+"-wal", cp+"-wal"); err != nil {
					return nil, err
				}
				immutable = false // let SQLite read the WAL, in the copy
			}
			p = cp
		}
	}
	f, err := openEvidence(p)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorruptManifest, err)
	}
	var hdr [16]byte
	_, err = io.ReadFull(f, hdr[:])
	f.Close()
	if err != nil || string(hdr[:]) != string(sqliteMagic) {
		return nil, fmt.Errorf("%w: Manifest.db is not an SQLite database", ErrCorruptManifest)
	}
	uri, err := sqliteURI(p, immutable)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", uri)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorruptManifest, err)
	}
	rows, err := db.Query("SELECT " + fileColumns + " FROM Files LIMIT 0")
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("%w: %v", ErrCorruptManifest, err)
	}
	rows.Close()
	return db, nil
}

func copyFile(src, dst string) error {
	in, err := openEvidence(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := createPrivate(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Lookup returns the manifest row for domain and relativePath, or ErrNotFound.
func (b *Backup) Lookup(ctx context.Context, domain, relativePath string) (*File, error) {
	db, err := b.manifest()
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, "SELECT "+fileColumns+" FROM Files WHERE domain = ? AND relativePath = ? ORDER BY fileID LIMIT 1", domain, relativePath)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: %v", ErrCorruptManifest, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCorruptManifest, err)
		}
		return nil, fmt.Errorf("%s/%s: %w", domain, relativePath, ErrNotFound)
	}
	return scanFile(rows)
}

func scanFile(rows *sql.Rows) (*File, error) {
	f, blob, err := scanRow(rows)
	if err != nil {
		return nil, err
	}
	f.decodeBlob(blob)
	return f, nil
}

// scanRow reads one Files row without decoding its MBFile blob.
func scanRow(rows *sql.Rows) (*File, any, error) {
	var id, domain, rel, flags, blob any
	if err := rows.Scan(&id, &domain, &rel, &flags, &blob); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrCorruptManifest, err)
	}
	f := &File{ID: sqlText(id), Domain: sqlText(domain), RelativePath: sqlText(rel)}
	switch x := flags.(type) {
	case int64:
		f.Flags = int(x)
	case float64:
		f.Flags = int(x)
	default:
		f.Flags, _ = strconv.Atoi(sqlText(flags))
	}
	return f, blob, nil
}

// decodeBlob fills f from the file column, recording problems in f.Err.
func (f *File) decodeBlob(blob any) {
	defer func() { // last line of defence: decoding runs on worker goroutines
		if r := recover(); r != nil {
			f.Err = fmt.Errorf("ios: %s/%s: MBFile decoder failed: %v", f.Domain, f.RelativePath, r)
		}
	}()
	switch x := blob.(type) {
	case []byte:
		if err := f.decodeMBFile(x); err != nil {
			f.Err = fmt.Errorf("ios: %s/%s: MBFile: %w", f.Domain, f.RelativePath, err)
		}
	case nil:
		if f.Flags == FlagFile {
			f.Err = fmt.Errorf("ios: %s/%s: no MBFile blob", f.Domain, f.RelativePath)
		}
	default:
		f.Err = fmt.Errorf("ios: %s/%s: MBFile is %T", f.Domain, f.RelativePath, blob)
	}
}

func sqlText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	case nil:
		return ""
	default:
		return fmt.Sprint(x)
	}
}
