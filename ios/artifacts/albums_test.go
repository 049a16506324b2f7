package artifacts

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"
)

func TestReadAlbums(t *testing.T) {
	p := filepath.Join(t.TempDir(), "Photos.sqlite")
	db, err := sql.Open("sqlite", p)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`CREATE TABLE ZASSET (Z_PK INTEGER PRIMARY KEY, ZDIRECTORY VARCHAR, ZFILENAME VARCHAR)`,
		`CREATE TABLE ZGENERICALBUM (Z_PK INTEGER PRIMARY KEY, ZKIND INTEGER, ZTITLE VARCHAR)`,
		`CREATE TABLE Z_28ASSETS (Z_28ALBUMS INTEGER, Z_3ASSETS INTEGER, Z_FOK_3ASSETS INTEGER)`,
		`INSERT INTO ZASSET VALUES (1, 'DCIM/100APPLE', 'IMG_0001.HEIC'), (2, 'DCIM/100APPLE', 'IMG_0002.JPG'), (3, 'DCIM/../..', 'x.jpg')`,
		`INSERT INTO ZGENERICALBUM VALUES (10, 2, 'Wound care'), (11, 2, NULL), (12, 2, 'Escape')`,
		`INSERT INTO Z_28ASSETS VALUES (10, 1, 1), (11, 2, 1), (12, 3, 1)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	var got []string
	err = ReadAlbums(context.Background(), db, func(p, title string) error {
		got = append(got, p+" | "+title)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != "Media/DCIM/100APPLE/IMG_0001.HEIC | Wound care" {
		t.Errorf("got %q", got)
	}
	// A library without albums yields nothing and no error.
	db2, _ := sql.Open("sqlite", filepath.Join(t.TempDir(), "p2.sqlite"))
	defer db2.Close()
	db2.Exec(`CREATE TABLE ZGENERICASSET (Z_PK INTEGER PRIMARY KEY, ZDIRECTORY VARCHAR, ZFILENAME VARCHAR)`)
	if err := ReadAlbums(context.Background(), db2, func(string, string) error { t.Error("called"); return nil }); err != nil {
		t.Error(err)
	}
}
