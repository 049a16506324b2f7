package artifacts

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
)

// joinTableName matches Core Data's many-to-many table between albums and
// assets (Z_26ASSETS, Z_27ASSETS, Z_28ASSETS... the number changes with the
// iOS version).
var joinTableName = regexp.MustCompile(`^Z_[0-9]+ASSETS$`)

var (
	albumsCol = regexp.MustCompile(`^Z_[0-9]+ALBUMS$`)
	assetsCol = regexp.MustCompile(`^Z_[0-9]+ASSETS$`)
)

// ReadAlbums streams, for each asset in a titled album, the asset's
// CameraRollDomain path (as PhotoAsset.Path) and the album title. Albums
// hold what people name ("Wound care", "Derm"), so their titles are scanned
// like folder names. Tables and columns are found by name; a library
// without albums yields nothing.
func ReadAlbums(ctx context.Context, db *sql.DB, fn func(assetPath, title string) error) (err error) {
	defer recoverTo(&err, "albums")
	s, err := loadSchema(ctx, db)
	if err != nil {
		return fmt.Errorf("albums: %w", err)
	}
	a, err := s.mustTable(ctx, db, "ZASSET", "ZGENERICASSET")
	if err != nil {
		return fmt.Errorf("albums: %w", err)
	}
	al, err := s.table(ctx, db, "ZGENERICALBUM")
	if err != nil || al == nil || !al.has("ZTITLE") || !al.has("Z_PK") || !a.has("Z_PK") {
		return err
	}
	for upper := range s.tables {
		if !joinTableName.MatchString(upper) {
			continue
		}
		j, err := s.table(ctx, db, upper)
		if err != nil || j == nil {
			continue
		}
		var ac, sc string
		for u, actual := range j.cols {
			switch {
			case albumsCol.MatchString(u):
				ac = actual
			case assetsCol.MatchString(u):
				sc = actual
			}
		}
		if ac == "" || sc == "" {
			continue
		}
		q := "SELECT " + a.col("a", "ZDIRECTORY") + ", " + a.col("a", "ZFILENAME") + ", " + al.col("al", "ZTITLE") +
			" FROM " + j.ident() + " j JOIN " + al.ident() + " al ON al." + quoteIdent(al.cols["Z_PK"]) + " = j." + quoteIdent(ac) +
			" JOIN " + a.ident() + " a ON a." + quoteIdent(a.cols["Z_PK"]) + " = j." + quoteIdent(sc) +
			" WHERE " + al.col("al", "ZTITLE") + " IS NOT NULL"
		if err := readAlbumRows(ctx, db, q, fn); err != nil {
			return err
		}
	}
	return nil
}

func readAlbumRows(ctx context.Context, db *sql.DB, q string, fn func(string, string) error) error {
	return eachRow(ctx, db, "albums", "query", q, 3, func(v []any) error {
		dir, name, title := asString(v[0]), asString(v[1]), strings.TrimSpace(asString(v[2]))
		if name == "" || title == "" {
			return nil
		}
		p := photoPath(dir, name)
		if p == "" {
			return nil
		}
		return fn(p, title)
	})
}
