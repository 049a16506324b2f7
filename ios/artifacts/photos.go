package artifacts

import (
	"context"
	"database/sql"
	"fmt"
	"path"
	"strings"
	"time"
)

// PhotoAsset is one row of the Photos library asset table.
type PhotoAsset struct {
	// Path is the CameraRollDomain-relative file path: "Media/" + ZDIRECTORY
	// + "/" + ZFILENAME, e.g. Media/DCIM/100APPLE/IMG_0001.HEIC. Empty when
	// the row has no file name. iCloud Photos assets have ZDIRECTORY
	// PhotoData/CPLAssets/groupNNN.
	Path string
	// UUID is ZUUID; CloudAssetGUID is ZCLOUDASSETGUID.
	UUID, CloudAssetGUID string
	// CloudLocalState is ZCLOUDLOCALSTATE (iLEAPP: 1 = synced/syncable).
	CloudLocalState int
	// InICloud is true when the asset has a cloud GUID, ZCLOUDLOCALSTATE 1 or
	// ZSAVEDASSETTYPE 6; false when the cloud columns exist and say none of
	// this; nil when the library has no cloud columns.
	InICloud *bool
	// Importer is the bundle id of the app that created or imported the
	// asset (ZIMPORTEDBYBUNDLEIDENTIFIER, else ZCREATORBUNDLEID, else
	// "com.apple.camera" for ZIMPORTEDBY 1 or 2).
	Importer string
	// ImporterName is ZIMPORTEDBYDISPLAYNAME (iOS 14+).
	ImporterName string
	// ImportedBy is the raw ZIMPORTEDBY code (iLEAPP labels: 1 back camera,
	// 2 front camera, 3/6 third-party app, 5 PhotoBooth, 8 system app,
	// 9 native app; partly unsettled).
	ImportedBy int
	// OriginalFilename is ZADDITIONALASSETATTRIBUTES.ZORIGINALFILENAME.
	OriginalFilename string
	// Created (ZDATECREATED) and Added (ZADDEDDATE), UTC.
	Created, Added time.Time
	// Trashed: ZTRASHEDSTATE 1 or a ZTRASHEDDATE. Hidden: ZHIDDEN 1.
	Trashed, Hidden bool
	// Lat and Lon are nil when absent, -180 (Apple's "none") or out of range.
	Lat, Lon *float64
	// Kind is ZKIND (0 photo, 1 video); SavedAssetType is ZSAVEDASSETTYPE.
	Kind, SavedAssetType int
}

// importedByBundle maps ZIMPORTEDBY codes whose app is known.
var importedByBundle = map[int64]string{
	1: "com.apple.camera",
	2: "com.apple.camera",
}

// ReadPhotos streams every asset of a Photos.sqlite database to fn, in Z_PK
// order. It supports ZASSET (iOS 14+) and ZGENERICASSET (iOS 11-13).
func ReadPhotos(ctx context.Context, db *sql.DB, fn func(PhotoAsset) error) (err error) {
	defer recoverTo(&err, "photos")
	s, err := loadSchema(ctx, db)
	if err != nil {
		return fmt.Errorf("photos: %w", err)
	}
	a, err := s.mustTable(ctx, db, "ZASSET", "ZGENERICASSET")
	if err != nil {
		return fmt.Errorf("photos: %w", err)
	}
	aa, err := s.table(ctx, db, "ZADDITIONALASSETATTRIBUTES")
	if err != nil {
		return fmt.Errorf("photos: %w", err)
	}
	join := ""
	switch {
	case aa == nil:
	case aa.has("ZASSET") && a.has("Z_PK"):
		join = " LEFT JOIN " + aa.ident() + " aa ON aa." + quoteIdent(aa.cols["ZASSET"]) + " = a." + quoteIdent(a.cols["Z_PK"])
	case aa.has("ZGENERICASSET") && a.has("Z_PK"):
		join = " LEFT JOIN " + aa.ident() + " aa ON aa." + quoteIdent(aa.cols["ZGENERICASSET"]) + " = a." + quoteIdent(a.cols["Z_PK"])
	case a.has("ZADDITIONALATTRIBUTES") && aa.has("Z_PK"):
		join = " LEFT JOIN " + aa.ident() + " aa ON aa." + quoteIdent(aa.cols["Z_PK"]) + " = a." + quoteIdent(a.cols["ZADDITIONALATTRIBUTES"])
	default:
		aa = nil
	}
	hasCloud := a.has("ZCLOUDASSETGUID") || a.has("ZCLOUDLOCALSTATE")
	exprs := []string{
		a.col("a", "ZDIRECTORY"),                    // 0
		a.col("a", "ZFILENAME"),                     // 1
		a.col("a", "ZUUID"),                         // 2
		a.col("a", "ZCLOUDASSETGUID"),               // 3
		a.col("a", "ZCLOUDLOCALSTATE"),              // 4
		a.col("a", "ZDATECREATED"),                  // 5
		a.col("a", "ZADDEDDATE"),                    // 6
		a.col("a", "ZTRASHEDSTATE"),                 // 7
		a.col("a", "ZTRASHEDDATE"),                  // 8
		a.col("a", "ZHIDDEN"),                       // 9
		a.col("a", "ZLATITUDE"),                     // 10
		a.col("a", "ZLONGITUDE"),                    // 11
		a.col("a", "ZKIND"),                         // 12
		a.col("a", "ZSAVEDASSETTYPE"),               // 13
		aa.col("aa", "ZIMPORTEDBYBUNDLEIDENTIFIER"), // 14
		aa.col("aa", "ZCREATORBUNDLEID"),            // 15
		aa.col("aa", "ZIMPORTEDBY"),                 // 16
		aa.col("aa", "ZIMPORTEDBYDISPLAYNAME"),      // 17
		aa.col("aa", "ZORIGINALFILENAME"),           // 18
	}
	q := "SELECT " + strings.Join(exprs, ", ") + " FROM " + a.ident() + " a" + join
	if a.has("Z_PK") {
		q += " ORDER BY a." + quoteIdent(a.cols["Z_PK"])
	}
	return eachRow(ctx, db, "photos", "query "+a.name, q, len(exprs), func(v []any) error {
		p := PhotoAsset{
			Path:             photoPath(asString(v[0]), asString(v[1])),
			UUID:             asString(v[2]),
			CloudAssetGUID:   asString(v[3]),
			Created:          macTime(v[5]),
			Added:            macTime(v[6]),
			Trashed:          asBool(v[7]) || v[8] != nil,
			Hidden:           asBool(v[9]),
			ImporterName:     asString(v[17]),
			OriginalFilename: asString(v[18]),
		}
		if n, ok := asInt(v[4]); ok {
			p.CloudLocalState = int(n)
		}
		if n, ok := asInt(v[12]); ok {
			p.Kind = int(n)
		}
		if n, ok := asInt(v[13]); ok {
			p.SavedAssetType = int(n)
		}
		if hasCloud {
			p.InICloud = boolPtr(p.CloudAssetGUID != "" || p.CloudLocalState == 1 || p.SavedAssetType == 6)
		}
		lat, okLat := asFloat(v[10])
		lon, okLon := asFloat(v[11])
		if okLat && okLon && lat != -180 && lon != -180 && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 {
			p.Lat, p.Lon = &lat, &lon
		}
		if n, ok := asInt(v[16]); ok {
			p.ImportedBy = int(n)
		}
		switch {
		case asString(v[14]) != "":
			p.Importer = asString(v[14])
		case asString(v[15]) != "":
			p.Importer = asString(v[15])
		default:
			p.Importer = importedByBundle[int64(p.ImportedBy)]
		}
		return fn(p)
	})
}

// photoPath builds "Media/<dir>/<file>", refusing names that would climb out
// of Media/.
func photoPath(dir, file string) string {
	if file == "" || strings.Contains(file, "/") {
		return ""
	}
	dir = strings.Trim(dir, "/")
	dir = strings.TrimPrefix(dir, "Media/")
	p := path.Join("Media", dir, file)
	if !strings.HasPrefix(p, "Media/") {
		return ""
	}
	return p
}

// CloudPhotosEnabled gives a best-effort answer to "was iCloud Photos on?"
// from a Photos.sqlite database: true when assets carry iCloud GUIDs or
// ZCLOUDLOCALSTATE 1, or ZCLOUDMASTER has rows; false when the cloud columns
// exist, assets exist and none is in iCloud; nil when the database cannot
// tell. evidence says why, for a person.
func CloudPhotosEnabled(ctx context.Context, db *sql.DB) (enabled *bool, evidence string, err error) {
	defer recoverTo(&err, "photos")
	s, err := loadSchema(ctx, db)
	if err != nil {
		return nil, "", fmt.Errorf("photos: %w", err)
	}
	a, err := s.mustTable(ctx, db, "ZASSET", "ZGENERICASSET")
	if err != nil {
		return nil, "", fmt.Errorf("photos: %w", err)
	}
	guidExpr, stateExpr := "0", "0"
	if a.has("ZCLOUDASSETGUID") {
		c := a.col("a", "ZCLOUDASSETGUID")
		guidExpr = "COALESCE(SUM(CASE WHEN " + c + " IS NOT NULL AND " + c + " != '' THEN 1 ELSE 0 END), 0)"
	}
	if a.has("ZCLOUDLOCALSTATE") {
		stateExpr = "COALESCE(SUM(CASE WHEN " + a.col("a", "ZCLOUDLOCALSTATE") + " = 1 THEN 1 ELSE 0 END), 0)"
	}
	hasCloud := a.has("ZCLOUDASSETGUID") || a.has("ZCLOUDLOCALSTATE")
	var total, guids, states int64
	q := "SELECT COUNT(*), " + guidExpr + ", " + stateExpr + " FROM " + a.ident() + " a"
	if err := db.QueryRowContext(ctx, q).Scan(&total, &guids, &states); err != nil {
		return nil, "", fmt.Errorf("photos: count assets: %w", err)
	}
	if guids > 0 || states > 0 {
		return boolPtr(true), fmt.Sprintf("Photos.sqlite: %d of %d assets carry an iCloud asset GUID, %d have ZCLOUDLOCALSTATE 1", guids, total, states), nil
	}
	if m, err := s.table(ctx, db, "ZCLOUDMASTER"); err == nil && m != nil {
		var masters int64
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+m.ident()).Scan(&masters); err == nil && masters > 0 {
			return boolPtr(true), fmt.Sprintf("Photos.sqlite: %d iCloud master records (ZCLOUDMASTER)", masters), nil
		}
	}
	if hasCloud && total > 0 {
		return boolPtr(false), fmt.Sprintf("Photos.sqlite: none of %d assets carries an iCloud GUID or cloud state", total), nil
	}
	return nil, "Photos.sqlite: no cloud columns or no assets", nil
}
