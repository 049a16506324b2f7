package ios

import (
	"context"
	"fmt"
)

// Count returns how many regular files the backup's manifest lists (flags 1,
// or 0 as some tools write), for progress reporting. It reads Manifest.db
// only.
func (b *Backup) Count(ctx context.Context) (int64, error) {
	db, err := b.manifest()
	if err != nil {
		return 0, err
	}
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM Files WHERE flags IN (0, 1)").Scan(&n); err != nil {
		return 0, fmt.Errorf("%w: %v", ErrCorruptManifest, err)
	}
	return n, nil
}
