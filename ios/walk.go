package ios

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"sync"
)

const (
	walkBatch      = 64 // rows per batch handed to a decoder
	maxWalkWorkers = 8
)

// Walk calls fn for every Manifest.db row in (domain, relativePath) order,
// streaming rows (SQLite sorts each domain's rows, spilling to its temporary
// files when large). MBFile blobs are decoded by a few goroutines ahead of fn,
// but fn is called from one goroutine, in order. A row whose MBFile blob
// cannot be decoded is still passed, with File.Err set. If fn returns
// fs.SkipAll, Walk stops and returns nil; any other error stops Walk and is
// returned. An encrypted backup that was not unlocked yields
// ErrPasswordRequired; a damaged Manifest.db ErrCorruptManifest (after the
// rows that could be read).
func (b *Backup) Walk(ctx context.Context, fn func(*File) error) error {
	db, err := b.manifest()
	if err != nil {
		return err
	}
	qctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rows, err := db.QueryContext(qctx, "SELECT "+fileColumns+" FROM Files ORDER BY domain, relativePath, fileID")
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%w: %v", ErrCorruptManifest, err)
	}
	// The last row handed to fn: rows are delivered in (domain,
	// relativePath, fileID) order, so after a failure every row up to it
	// has been seen.
	var last *File
	count := func(f *File) error { last = f; return fn(f) }
	workers := min(runtime.GOMAXPROCS(0), maxWalkWorkers)
	if workers <= 1 {
		err = walkSerial(rows, count)
	} else {
		err = walkParallel(qctx, cancel, rows, workers, count)
	}
	if errors.Is(err, fs.SkipAll) {
		return nil
	}
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil && errors.Is(err, ErrCorruptManifest) {
		// One bad page would lose the rest of the backup (the ordered
		// walk may sort every row before the first). Read by rowid
		// ranges instead, skipping the rows already delivered.
		rest := fn
		if last != nil {
			rest = func(f *File) error {
				if !after(f, last) {
					return nil
				}
				return fn(f)
			}
		}
		return walkByRowid(ctx, db, rest, err)
	}
	return err
}

// after tells whether f sorts after g in the ordered walk's order (SQLite
// compares text byte by byte, as Go does).
func after(f, g *File) bool {
	if f.Domain != g.Domain {
		return f.Domain > g.Domain
	}
	if f.RelativePath != g.RelativePath {
		return f.RelativePath > g.RelativePath
	}
	return f.ID > g.ID
}

// rowidChunk is how many rowids walkByRowid reads at once; a corrupt page
// loses only the ranges that touch it.
const rowidChunk = 256

// walkByRowid reads Files in rowid order, range by range, skipping ranges
// that cannot be read, and returns an error wrapping ErrCorruptManifest
// that counts them (or nil when every range could be read after all).
func walkByRowid(ctx context.Context, db *sql.DB, fn func(*File) error, first error) error {
	var maxID sql.NullInt64
	if err := db.QueryRowContext(ctx, "SELECT max(rowid) FROM Files").Scan(&maxID); err != nil || !maxID.Valid {
		return first
	}
	bad := 0
	for lo := int64(0); lo < maxID.Int64; lo += rowidChunk {
		if err := ctx.Err(); err != nil {
			return err
		}
		rows, err := db.QueryContext(ctx, "SELECT "+fileColumns+" FROM Files WHERE rowid > ? AND rowid <= ? ORDER BY rowid", lo, lo+rowidChunk)
		if err != nil {
			bad++
			continue
		}
		err = walkSerial(rows, fn)
		switch {
		case errors.Is(err, fs.SkipAll):
			return nil
		case errors.Is(err, ErrCorruptManifest):
			bad++
		case err != nil:
			return err
		}
	}
	if bad > 0 {
		return fmt.Errorf("%w: %d range(s) of up to %d manifest rows could not be read; the other rows were scanned", ErrCorruptManifest, bad, rowidChunk)
	}
	return nil
}

// errFromRows maps a rows error to ErrCorruptManifest.
func errFromRows(rows *sql.Rows) error {
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%w: %v", ErrCorruptManifest, err)
	}
	return nil
}

func walkSerial(rows *sql.Rows, fn func(*File) error) error {
	defer rows.Close()
	for rows.Next() {
		f, err := scanFile(rows)
		if err != nil {
			return err
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return errFromRows(rows)
}

type walkBatchT struct {
	files []*File
	blobs []any
	done  chan struct{}
}

// walkParallel: one goroutine reads rows into batches, workers decode them,
// and the caller's goroutine hands them to fn in order.
func walkParallel(ctx context.Context, cancel context.CancelFunc, rows *sql.Rows, workers int, fn func(*File) error) error {
	order := make(chan *walkBatchT, 2*workers)
	work := make(chan *walkBatchT, 2*workers)
	var readErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // reader: owns rows
		defer wg.Done()
		defer close(order)
		defer close(work)
		defer rows.Close()
		for {
			bt := &walkBatchT{done: make(chan struct{})}
			for len(bt.files) < walkBatch && rows.Next() {
				f, blob, err := scanRow(rows)
				if err != nil {
					readErr = err
					break
				}
				bt.files = append(bt.files, f)
				bt.blobs = append(bt.blobs, blob)
			}
			if len(bt.files) > 0 {
				select {
				case order <- bt:
				case <-ctx.Done():
					return
				}
				select {
				case work <- bt:
				case <-ctx.Done():
					return
				}
			}
			if readErr != nil || len(bt.files) < walkBatch {
				if readErr == nil {
					readErr = errFromRows(rows)
				}
				return
			}
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for bt := range work {
				for i, f := range bt.files {
					f.decodeBlob(bt.blobs[i])
					bt.blobs[i] = nil
				}
				close(bt.done)
			}
		}()
	}
	err := func() error {
		for bt := range order {
			select {
			case <-bt.done:
			case <-ctx.Done():
				return ctx.Err()
			}
			for _, f := range bt.files {
				if err := fn(f); err != nil {
					return err
				}
			}
		}
		return nil
	}()
	cancel()
	for range order { // let a blocked reader finish
	}
	wg.Wait()
	if err != nil {
		return err
	}
	return readErr
}
