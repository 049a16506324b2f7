package ios

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strings"
)

// OpenSQLite opens a database of the backup read-only. A plain database
// without a "<relativePath>-wal" row is opened in place with
// mode=ro&immutable=1, which writes nothing. With a -wal row, or in an
// encrypted backup, the database (and its WAL) is copied or decrypted into the
// private temporary directory and opened there, so the WAL's rows are seen.
// The returned DB is closed by Backup.Close at the latest.
// maxPrivateCopy is the largest database copied into the private temporary
// folder before SQLite opens it. SQLite opens files itself, so it cannot ask
// the kernel to leave their access times alone; a private copy (read with
// O_NOATIME) keeps every timestamp of the evidence unchanged. Larger
// databases are opened in place, read-only and immutable: their content and
// modification time are untouched, their access time may be updated.
const maxPrivateCopy = 256 << 20

func (b *Backup) OpenSQLite(ctx context.Context, domain, relativePath string) (*sql.DB, error) {
	f, err := b.Lookup(ctx, domain, relativePath)
	if err != nil {
		return nil, err
	}
	if !f.IsRegular() {
		return nil, fmt.Errorf("ios: %s/%s: not a regular file", domain, relativePath)
	}
	wal, err := b.Lookup(ctx, domain, relativePath+"-wal")
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if wal != nil && !wal.IsRegular() {
		wal = nil
	}
	var uri string
	if !b.encrypted && wal == nil && f.Size > maxPrivateCopy {
		p, err := b.contentPath(f)
		if err != nil {
			return nil, err
		}
		c, err := b.Open(f) // check it exists and is a regular file
		if err != nil {
			return nil, err
		}
		c.Close()
		if uri, err = sqliteURI(p, true); err != nil {
			return nil, err
		}
	} else {
		p, err := b.extractDB(f, wal)
		if err != nil {
			return nil, err
		}
		if uri, err = sqliteURI(p, false); err != nil {
			return nil, err
		}
	}
	db, err := sql.Open("sqlite", uri)
	if err != nil {
		return nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("ios: %s/%s: %w", domain, relativePath, err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		db.Close()
		return nil, errors.New("ios: backup is closed")
	}
	b.dbs = append(b.dbs, db)
	return db, nil
}

// extractDB copies (decrypting) a database and its WAL into a fresh private
// directory, once per database: later calls reuse the copy.
func (b *Backup) extractDB(f, wal *File) (string, error) {
	key := f.ID
	if wal != nil {
		key += "+" + wal.ID
	}
	b.mu.Lock()
	p, ok := b.extracted[key]
	b.mu.Unlock()
	if ok {
		return p, nil
	}
	dir, err := b.newTempSubdir()
	if err != nil {
		return "", err
	}
	name := path.Base(f.RelativePath)
	if name == "." || name == "/" || name == ".." || name == "" || strings.ContainsAny(name, `\:`) {
		name = "db.sqlite"
	}
	p = filepath.Join(dir, name)
	if err := b.extract(f, p); err != nil {
		return "", err
	}
	if wal != nil {
		if err := b.extract(wal, p+"-wal"); err != nil {
			return "", err
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.extracted == nil {
		b.extracted = map[string]string{}
	}
	b.extracted[key] = p
	return p, nil
}

// extract writes the plaintext of f to a new private file dst.
func (b *Backup) extract(f *File, dst string) error {
	c, err := b.Open(f)
	if err != nil {
		return err
	}
	defer c.Close()
	out, err := createPrivate(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, struct{ io.Reader }{c}); err != nil {
		out.Close()
		return fmt.Errorf("ios: %s/%s: %w", f.Domain, f.RelativePath, err)
	}
	return out.Close()
}

// ReadFile returns the content of a small file (a plist, say), refusing files
// whose size exceeds max with ErrTooLarge.
func (b *Backup) ReadFile(ctx context.Context, domain, relativePath string, max int64) ([]byte, error) {
	f, err := b.Lookup(ctx, domain, relativePath)
	if err != nil {
		return nil, err
	}
	c, err := b.Open(f)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if c.Size() > max {
		return nil, fmt.Errorf("ios: %s/%s: %d bytes (limit %d): %w", domain, relativePath, c.Size(), max, ErrTooLarge)
	}
	data := make([]byte, c.Size())
	if _, err := c.ReadAt(data, 0); err != nil && !(err == io.EOF && len(data) == 0) {
		return nil, fmt.Errorf("ios: %s/%s: %w", domain, relativePath, err)
	}
	return data, nil
}
