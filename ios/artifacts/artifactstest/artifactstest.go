// Package artifactstest builds realistic iPhone artifact files for tests:
// SQLite databases with subsets of the real iOS schemas (Core Data Z_PK /
// Z_ENT / Z_OPT style where iOS uses it) and binary plists. Each builder
// returns the file bytes; write them where the code under test expects them.
package artifactstest

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/devicescan/devicescan/ios/artifacts"
	"howett.net/plist"
	_ "modernc.org/sqlite" // driver "sqlite"
)

const coreDataEpoch = 978307200

// macSeconds converts t to Core Data seconds; zero time gives NULL.
func macSeconds(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return float64(t.UnixNano())/1e9 - coreDataEpoch
}

// macNanos converts t to Mac absolute nanoseconds (sms.db, iOS 11+).
func macNanos(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano() - coreDataEpoch*1e9
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// buildDB creates a database in a temporary directory, runs schema and fill,
// and returns the file bytes.
func buildDB(schema string, fill func(*sql.Tx) error) ([]byte, error) {
	dir, err := os.MkdirTemp("", "artifactstest-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "db.sqlite")
	db, err := sql.Open("sqlite", p)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if _, err := db.Exec("PRAGMA journal_mode=DELETE"); err != nil {
		return nil, err
	}
	for _, stmt := range strings.Split(schema, ";") {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		if _, err := db.Exec(stmt); err != nil {
			return nil, fmt.Errorf("schema %q: %w", strings.TrimSpace(stmt), err)
		}
	}
	tx, err := db.Begin()
	if err != nil {
		return nil, err
	}
	if err := fill(tx); err != nil {
		tx.Rollback()
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	if err := db.Close(); err != nil {
		return nil, err
	}
	return os.ReadFile(p)
}

// Open writes data to a temporary file and opens it with the "sqlite"
// driver; cleanup closes the database and removes the file.
func Open(data []byte) (db *sql.DB, cleanup func(), err error) {
	dir, err := os.MkdirTemp("", "artifactstest-open-*")
	if err != nil {
		return nil, nil, err
	}
	p := filepath.Join(dir, "db.sqlite")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	db, err = sql.Open("sqlite", p)
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	return db, func() { db.Close(); os.RemoveAll(dir) }, nil
}

const photosCommon = `
CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER);
CREATE TABLE Z_METADATA (Z_VERSION INTEGER PRIMARY KEY, Z_UUID VARCHAR(255), Z_PLIST BLOB);
CREATE TABLE ZCLOUDMASTER (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCLOUDLOCALSTATE INTEGER, ZCLOUDMASTERGUID VARCHAR, ZORIGINALFILENAME VARCHAR);
`

// photos13 is a subset of the iOS 13 Photos.sqlite schema.
const photos13 = photosCommon + `
CREATE TABLE ZGENERICASSET (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
 ZCLOUDLOCALSTATE INTEGER, ZHIDDEN INTEGER, ZKIND INTEGER, ZSAVEDASSETTYPE INTEGER, ZTRASHEDSTATE INTEGER,
 ZFAVORITE INTEGER, ZADDITIONALATTRIBUTES INTEGER, ZMASTER INTEGER,
 ZADDEDDATE TIMESTAMP, ZDATECREATED TIMESTAMP, ZMODIFICATIONDATE TIMESTAMP, ZTRASHEDDATE TIMESTAMP,
 ZLATITUDE FLOAT, ZLONGITUDE FLOAT,
 ZCLOUDASSETGUID VARCHAR, ZDIRECTORY VARCHAR, ZFILENAME VARCHAR, ZUNIFORMTYPEIDENTIFIER VARCHAR, ZUUID VARCHAR);
CREATE TABLE ZADDITIONALASSETATTRIBUTES (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
 ZASSET INTEGER, ZIMPORTEDBY INTEGER, ZORIGINALFILESIZE INTEGER, ZCREATORBUNDLEID VARCHAR, ZORIGINALFILENAME VARCHAR, ZTITLE VARCHAR);
`

// photos16 is a subset of the iOS 16 Photos.sqlite schema.
const photos16 = photosCommon + `
CREATE TABLE ZASSET (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
 ZBUNDLESCOPE INTEGER, ZCLOUDLOCALSTATE INTEGER, ZHIDDEN INTEGER, ZKIND INTEGER, ZSAVEDASSETTYPE INTEGER, ZTRASHEDSTATE INTEGER,
 ZVISIBILITYSTATE INTEGER, ZFAVORITE INTEGER, ZADDITIONALATTRIBUTES INTEGER, ZMASTER INTEGER,
 ZADDEDDATE TIMESTAMP, ZDATECREATED TIMESTAMP, ZMODIFICATIONDATE TIMESTAMP, ZTRASHEDDATE TIMESTAMP,
 ZLATITUDE FLOAT, ZLONGITUDE FLOAT,
 ZCLOUDASSETGUID VARCHAR, ZDIRECTORY VARCHAR, ZFILENAME VARCHAR, ZUNIFORMTYPEIDENTIFIER VARCHAR, ZUUID VARCHAR);
CREATE TABLE ZADDITIONALASSETATTRIBUTES (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
 ZASSET INTEGER, ZIMPORTEDBY INTEGER, ZORIGINALFILESIZE INTEGER, ZIMPORTEDBYBUNDLEIDENTIFIER VARCHAR,
 ZIMPORTEDBYDISPLAYNAME VARCHAR, ZORIGINALFILENAME VARCHAR, ZTITLE VARCHAR);
`

// PhotosDB builds a Photos.sqlite. version 13 gives ZGENERICASSET with
// ZCREATORBUNDLEID, 16 gives ZASSET with ZIMPORTEDBYBUNDLEIDENTIFIER.
// Path must be "Media/<dir>/<file>" (or empty). Lat/Lon nil are stored as
// -180. InICloud is not stored: set CloudAssetGUID / CloudLocalState.
func PhotosDB(version int, assets []artifacts.PhotoAsset) ([]byte, error) {
	var schema, assetTable, importerCol string
	ent := 3
	switch version {
	case 13:
		schema, assetTable, importerCol = photos13, "ZGENERICASSET", "ZCREATORBUNDLEID"
	case 16:
		schema, assetTable, importerCol = photos16, "ZASSET", "ZIMPORTEDBYBUNDLEIDENTIFIER"
	default:
		return nil, fmt.Errorf("artifactstest: Photos version %d: want 13 or 16", version)
	}
	return buildDB(schema, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`INSERT INTO Z_PRIMARYKEY VALUES (?, ?, 0, ?), (?, 'AdditionalAssetAttributes', 0, ?)`,
			ent, strings.TrimPrefix(assetTable, "Z"), len(assets), ent+1, len(assets)); err != nil {
			return err
		}
		for i, a := range assets {
			pk := i + 1
			dir, file := "", ""
			if a.Path != "" {
				rel := strings.TrimPrefix(a.Path, "Media/")
				if j := strings.LastIndex(rel, "/"); j >= 0 {
					dir, file = rel[:j], rel[j+1:]
				} else {
					file = rel
				}
			}
			lat, lon := -180.0, -180.0
			if a.Lat != nil && a.Lon != nil {
				lat, lon = *a.Lat, *a.Lon
			}
			var trashedDate any
			if a.Trashed {
				trashedDate = macSeconds(a.Added.Add(time.Hour))
			}
			if _, err := tx.Exec(`INSERT INTO `+assetTable+` (Z_PK, Z_ENT, Z_OPT, ZCLOUDLOCALSTATE, ZHIDDEN, ZKIND,
				ZSAVEDASSETTYPE, ZTRASHEDSTATE, ZFAVORITE, ZADDITIONALATTRIBUTES, ZADDEDDATE, ZDATECREATED, ZTRASHEDDATE,
				ZLATITUDE, ZLONGITUDE, ZCLOUDASSETGUID, ZDIRECTORY, ZFILENAME, ZUNIFORMTYPEIDENTIFIER, ZUUID)
				VALUES (?, ?, 1, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'public.heic', ?)`,
				pk, ent, a.CloudLocalState, b2i(a.Hidden), a.Kind, a.SavedAssetType, b2i(a.Trashed), pk,
				macSeconds(a.Added), macSeconds(a.Created), trashedDate, lat, lon,
				nullStr(a.CloudAssetGUID), nullStr(dir), nullStr(file), nullStr(a.UUID)); err != nil {
				return err
			}
			if _, err := tx.Exec(`INSERT INTO ZADDITIONALASSETATTRIBUTES (Z_PK, Z_ENT, Z_OPT, ZASSET, ZIMPORTEDBY,
				`+importerCol+`, ZORIGINALFILENAME) VALUES (?, ?, 1, ?, ?, ?, ?)`,
				pk, ent+1, pk, a.ImportedBy, nullStr(a.Importer), nullStr(a.OriginalFilename)); err != nil {
				return err
			}
			if version == 16 && a.ImporterName != "" {
				if _, err := tx.Exec(`UPDATE ZADDITIONALASSETATTRIBUTES SET ZIMPORTEDBYDISPLAYNAME = ? WHERE Z_PK = ?`, a.ImporterName, pk); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// smsSchema is a subset of the iOS 16 sms.db schema.
const smsSchema = `
CREATE TABLE _SqliteDatabaseProperties (key TEXT, value TEXT, UNIQUE(key));
CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT, service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT, UNIQUE (id, service));
CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT, handle_id INTEGER DEFAULT 0, service TEXT, date INTEGER, is_from_me INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0);
CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER, state INTEGER, chat_identifier TEXT, service_name TEXT, display_name TEXT);
CREATE TABLE chat_message_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE, message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, message_date INTEGER DEFAULT 0, PRIMARY KEY (chat_id, message_id));
CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, created_date INTEGER DEFAULT 0, start_date INTEGER DEFAULT 0, filename TEXT, uti TEXT, mime_type TEXT, transfer_state INTEGER DEFAULT 0, is_outgoing INTEGER DEFAULT 0, transfer_name TEXT, total_bytes INTEGER DEFAULT 0);
CREATE TABLE message_attachment_join (message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, attachment_id INTEGER REFERENCES attachment (ROWID) ON DELETE CASCADE, UNIQUE(message_id, attachment_id));
`

// SMSDB builds an sms.db with one message (and chat, handle) per attachment.
// A MediaDomain Path is stored as "~/" + Path; other paths as given. FromMe
// nil stores 0. Chat defaults to Handle.
func SMSDB(atts []artifacts.Attachment) ([]byte, error) {
	return buildDB(smsSchema, func(tx *sql.Tx) error {
		handles := map[string]int64{}
		chats := map[string]int64{}
		for i, a := range atts {
			id := i + 1
			service := a.Service
			if service == "" {
				service = "iMessage"
			}
			var hid int64
			if a.Handle != "" {
				h, ok := handles[a.Handle+"\x00"+service]
				if !ok {
					res, err := tx.Exec(`INSERT INTO handle (id, country, service, uncanonicalized_id) VALUES (?, 'gb', ?, ?)`, a.Handle, service, a.Handle)
					if err != nil {
						return err
					}
					h, _ = res.LastInsertId()
					handles[a.Handle+"\x00"+service] = h
				}
				hid = h
			}
			fromMe := a.FromMe != nil && *a.FromMe
			if _, err := tx.Exec(`INSERT INTO message (ROWID, guid, text, handle_id, service, date, is_from_me, cache_has_attachments) VALUES (?, ?, ?, ?, ?, ?, ?, 1)`,
				id, fmt.Sprintf("MSG-%04d", id), "\ufffc", hid, a.Service, macNanos(a.Date), b2i(fromMe)); err != nil {
				return err
			}
			chat := a.Chat
			if chat == "" {
				chat = a.Handle
			}
			if chat != "" {
				c, ok := chats[chat]
				if !ok {
					res, err := tx.Exec(`INSERT INTO chat (guid, style, state, chat_identifier, service_name, display_name) VALUES (?, 45, 3, ?, ?, ?)`,
						service+";-;"+chat, chat, service, a.ChatName)
					if err != nil {
						return err
					}
					c, _ = res.LastInsertId()
					chats[chat] = c
				}
				if _, err := tx.Exec(`INSERT INTO chat_message_join VALUES (?, ?, ?)`, c, id, macNanos(a.Date)); err != nil {
					return err
				}
			}
			filename := a.RawFilename
			if filename == "" && a.Path != "" {
				filename = a.Path
				if a.Domain == artifacts.DomainMedia {
					filename = "~/" + a.Path
				}
			}
			var created any
			if !a.Date.IsZero() {
				created = a.Date.Unix() - coreDataEpoch
			}
			if _, err := tx.Exec(`INSERT INTO attachment (ROWID, guid, created_date, filename, uti, mime_type, transfer_state, is_outgoing, transfer_name, total_bytes) VALUES (?, ?, ?, ?, 'public.jpeg', ?, 5, ?, ?, ?)`,
				id, fmt.Sprintf("at_0_%04d", id), created, nullStr(filename), nullStr(a.MIMEType), b2i(fromMe), nullStr(a.TransferName), a.TotalBytes); err != nil {
				return err
			}
			if _, err := tx.Exec(`INSERT INTO message_attachment_join VALUES (?, ?)`, id, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// chatStorageSchema is a subset of WhatsApp's ChatStorage.sqlite.
const chatStorageSchema = `
CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER);
CREATE TABLE ZWACHATSESSION (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZARCHIVED INTEGER, ZMESSAGECOUNTER INTEGER, ZSESSIONTYPE INTEGER, ZLASTMESSAGEDATE TIMESTAMP, ZCONTACTJID VARCHAR, ZPARTNERNAME VARCHAR);
CREATE TABLE ZWAGROUPMEMBER (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCHATSESSION INTEGER, ZCONTACTNAME VARCHAR, ZMEMBERJID VARCHAR);
CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZISFROMME INTEGER, ZMESSAGESTATUS INTEGER, ZMESSAGETYPE INTEGER, ZCHATSESSION INTEGER, ZGROUPMEMBER INTEGER, ZMEDIAITEM INTEGER, ZMESSAGEDATE TIMESTAMP, ZSENTDATE TIMESTAMP, ZFROMJID VARCHAR, ZTOJID VARCHAR, ZSTANZAID VARCHAR, ZTEXT VARCHAR);
CREATE TABLE ZWAMEDIAITEM (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCLOUDSTATUS INTEGER, ZFILESIZE INTEGER, ZMESSAGE INTEGER, ZLATITUDE FLOAT, ZLONGITUDE FLOAT, ZAUTHORNAME VARCHAR, ZMEDIALOCALPATH VARCHAR, ZMEDIAURL VARCHAR, ZTHUMBNAILLOCALPATH VARCHAR, ZTITLE VARCHAR, ZVCARDNAME VARCHAR, ZVCARDSTRING VARCHAR);
`

// ChatStorageDB builds a WhatsApp ChatStorage.sqlite with one message per
// media item. Path is stored with its "Message/" prefix removed (as WhatsApp
// stores ZMEDIALOCALPATH) unless RawPath is set. Chat is the partner name,
// ChatJID (default Sender, else "447700900000@s.whatsapp.net") the JID; a
// ChatJID ending in @g.us makes Sender a group member.
func ChatStorageDB(media []artifacts.WhatsAppMedia) ([]byte, error) {
	return buildDB(chatStorageSchema, func(tx *sql.Tx) error {
		chats := map[string]int64{}
		for i, m := range media {
			pk := int64(i + 1)
			jid := m.ChatJID
			if jid == "" {
				jid = m.Sender
			}
			if jid == "" {
				jid = "447700900000@s.whatsapp.net"
			}
			group := strings.HasSuffix(jid, "@g.us")
			c, ok := chats[jid]
			if !ok {
				c = int64(len(chats) + 1)
				st := 0
				if group {
					st = 1
				}
				if _, err := tx.Exec(`INSERT INTO ZWACHATSESSION (Z_PK, Z_ENT, Z_OPT, ZARCHIVED, ZMESSAGECOUNTER, ZSESSIONTYPE, ZCONTACTJID, ZPARTNERNAME) VALUES (?, 4, 1, 0, 1, ?, ?, ?)`,
					c, st, jid, nullStr(m.Chat)); err != nil {
					return err
				}
				chats[jid] = c
			}
			fromMe := m.FromMe != nil && *m.FromMe
			var member, fromJID any
			if !fromMe {
				fromJID = jid
				if group && m.Sender != "" {
					if _, err := tx.Exec(`INSERT INTO ZWAGROUPMEMBER (Z_PK, Z_ENT, Z_OPT, ZCHATSESSION, ZMEMBERJID) VALUES (?, 3, 1, ?, ?)`, pk, c, m.Sender); err != nil {
						return err
					}
					member = pk
				}
			}
			mt := m.MessageType
			if mt == 0 {
				mt = 1
			}
			if _, err := tx.Exec(`INSERT INTO ZWAMESSAGE (Z_PK, Z_ENT, Z_OPT, ZISFROMME, ZMESSAGESTATUS, ZMESSAGETYPE, ZCHATSESSION, ZGROUPMEMBER, ZMEDIAITEM, ZMESSAGEDATE, ZFROMJID, ZSTANZAID) VALUES (?, 9, 1, ?, 8, ?, ?, ?, ?, ?, ?, ?)`,
				pk, b2i(fromMe), mt, c, member, pk, macSeconds(m.Date), fromJID, fmt.Sprintf("3EB0%08X", pk)); err != nil {
				return err
			}
			local := m.RawPath
			if local == "" {
				local = strings.TrimPrefix(m.Path, "Message/")
			}
			if _, err := tx.Exec(`INSERT INTO ZWAMEDIAITEM (Z_PK, Z_ENT, Z_OPT, ZCLOUDSTATUS, ZFILESIZE, ZMESSAGE, ZMEDIALOCALPATH, ZTITLE, ZVCARDSTRING) VALUES (?, 8, 1, 0, ?, ?, ?, ?, ?)`,
				pk, m.FileSize, pk, nullStr(local), nullStr(m.Title), nullStr(m.MIMEType)); err != nil {
				return err
			}
		}
		return nil
	})
}

// tccLegacy is the iOS 12-era access table (allowed, prompt_count).
const tccLegacy = `
CREATE TABLE admin (key TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
CREATE TABLE access (service TEXT NOT NULL, client TEXT NOT NULL, client_type INTEGER NOT NULL, allowed INTEGER NOT NULL, prompt_count INTEGER NOT NULL, csreq BLOB, policy_id INTEGER, PRIMARY KEY (service, client, client_type));
`

// tccV3 is the iOS 14+ access table (auth_value, auth_reason, last_modified).
const tccV3 = `
CREATE TABLE admin (key TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
CREATE TABLE access (service TEXT NOT NULL, client TEXT NOT NULL, client_type INTEGER NOT NULL, auth_value INTEGER NOT NULL, auth_reason INTEGER NOT NULL, auth_version INTEGER NOT NULL, csreq BLOB, policy_id INTEGER, indirect_object_identifier_type INTEGER, indirect_object_identifier TEXT NOT NULL DEFAULT 'UNUSED', indirect_object_code_identity BLOB, flags INTEGER, last_modified INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER)), PRIMARY KEY (service, client, client_type, indirect_object_identifier));
`

// TCCDB builds a TCC.db. legacy stores allowed (0/1) without last_modified;
// otherwise auth_value is 3 when Limited, 2 when Allowed, else 0, and
// last_modified is LastModified (Unix seconds).
func TCCDB(legacy bool, grants []artifacts.Grant) ([]byte, error) {
	schema := tccV3
	if legacy {
		schema = tccLegacy
	}
	return buildDB(schema, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`INSERT INTO admin VALUES ('version', ?)`, map[bool]int{true: 15, false: 22}[legacy]); err != nil {
			return err
		}
		for _, g := range grants {
			var err error
			if legacy {
				_, err = tx.Exec(`INSERT INTO access VALUES (?, ?, ?, ?, 1, NULL, NULL)`, g.Service, g.Client, g.ClientType, b2i(g.Allowed))
			} else {
				av := 0
				switch {
				case g.Limited:
					av = 3
				case g.Allowed:
					av = 2
				}
				_, err = tx.Exec(`INSERT INTO access (service, client, client_type, auth_value, auth_reason, auth_version, flags, last_modified) VALUES (?, ?, ?, ?, 2, 1, 0, ?)`,
					g.Service, g.Client, g.ClientType, av, g.LastModified.Unix())
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// LocationClients builds a binary clients.plist. Keys are "i<bundle>:";
// Authorization is 3 for Detail "always", 4 for other allowed grants, else 2.
func LocationClients(grants []artifacts.Grant) ([]byte, error) {
	root := map[string]any{}
	for _, g := range grants {
		auth := 2
		if g.Allowed {
			auth = 4
			if g.Detail == "always" {
				auth = 3
			}
		}
		root["i"+g.Client+":"] = map[string]any{
			"BundleId":                   g.Client,
			"Authorization":              auth,
			"Registered":                 "",
			"SupportedAuthorizationMask": 3,
			"Whitelisted":                false,
			"LocationTimeStopped":        700000000.0,
		}
	}
	return plist.Marshal(root, plist.BinaryFormat)
}

// CloudBackupPlist builds a binary com.apple.mobile.ldbackup.plist.
func CloudBackupPlist(enabled bool) ([]byte, error) {
	return plist.Marshal(map[string]any{
		"CloudBackupEnabled":  enabled,
		"LastCloudBackupDate": time.Date(2026, 10, 1, 2, 3, 4, 0, time.UTC),
	}, plist.BinaryFormat)
}

// ITunesMetadata builds a binary iTunesMetadata.plist from m. Price nil
// omits price; PriceDisplay is written when set; HasInAppPurchases is
// written as hasOrEverHasHadIAP.
func ITunesMetadata(m artifacts.AppMetadata) ([]byte, error) {
	root := map[string]any{
		"softwareVersionBundleId":  m.BundleID,
		"itemName":                 m.Name,
		"bundleDisplayName":        m.Name,
		"artistName":               m.Artist,
		"genre":                    m.Genre,
		"bundleShortVersionString": m.Version,
		"bundleVersion":            m.Version,
		"kind":                     "software",
		"itemId":                   uint64(1234567890),
		"com.apple.iTunesStore.downloadInfo": map[string]any{
			"purchaseDate": "2026-01-02T03:04:05Z",
		},
	}
	if m.Price != nil {
		root["price"] = *m.Price
	}
	if m.PriceDisplay != "" {
		root["priceDisplay"] = m.PriceDisplay
	}
	if m.HasInAppPurchases != nil {
		root["hasOrEverHasHadIAP"] = *m.HasInAppPurchases
	}
	return plist.Marshal(root, plist.BinaryFormat)
}
