package artifacts_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/devicescan/devicescan/ios/artifacts"
	"github.com/devicescan/devicescan/ios/artifacts/artifactstest"
	"howett.net/plist"
	_ "modernc.org/sqlite"
)

func fptr(f float64) *float64 { return &f }
func bptr(b bool) *bool       { return &b }

var t0 = time.Date(2026, 10, 14, 10, 32, 11, 0, time.UTC)

// openBytes opens database bytes produced by a builder.
func openBytes(t *testing.T, data []byte, err error) *sql.DB {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	db, cleanup, err := artifactstest.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cleanup)
	return db
}

// sqlDB creates a database from raw SQL statements.
func sqlDB(t *testing.T, stmts ...string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return db
}

func collectPhotos(t *testing.T, db *sql.DB) []artifacts.PhotoAsset {
	t.Helper()
	var out []artifacts.PhotoAsset
	if err := artifacts.ReadPhotos(context.Background(), db, func(p artifacts.PhotoAsset) error {
		out = append(out, p)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPhotosRoundTrip(t *testing.T) {
	in := []artifacts.PhotoAsset{
		{Path: "Media/DCIM/100APPLE/IMG_0001.HEIC", UUID: "U1", CloudAssetGUID: "G1", CloudLocalState: 1,
			Importer: "com.apple.camera", ImportedBy: 1, OriginalFilename: "IMG_0001.HEIC",
			Created: t0, Added: t0.Add(time.Minute), Lat: fptr(51.5175), Lon: fptr(-0.1735), SavedAssetType: 3},
		{Path: "Media/DCIM/100APPLE/IMG_0002.JPG", UUID: "U2", Importer: "net.whatsapp.WhatsApp", ImportedBy: 3,
			ImporterName: "WhatsApp", Created: t0, Added: t0, Trashed: true, Hidden: true, Kind: 0},
		{Path: "Media/DCIM/101APPLE/IMG_0100.MOV", UUID: "U3", Kind: 1, Created: t0, Added: t0},
		{Path: "Media/PhotoData/CPLAssets/group159/5C0B1D2E.JPG", UUID: "5C0B1D2E", SavedAssetType: 6, Created: t0, Added: t0},
	}
	for _, version := range []int{13, 16} {
		t.Run(map[int]string{13: "ZGENERICASSET", 16: "ZASSET"}[version], func(t *testing.T) {
			data, err := artifactstest.PhotosDB(version, in)
			db := openBytes(t, data, err)
			got := collectPhotos(t, db)
			if len(got) != len(in) {
				t.Fatalf("got %d assets, want %d", len(got), len(in))
			}
			for i, want := range in {
				want.InICloud = bptr(want.CloudAssetGUID != "" || want.CloudLocalState == 1 || want.SavedAssetType == 6)
				if version == 13 {
					want.ImporterName = ""
				}
				if want.Importer == "" && (want.ImportedBy == 1 || want.ImportedBy == 2) {
					want.Importer = "com.apple.camera"
				}
				if !reflect.DeepEqual(got[i], want) {
					t.Errorf("asset %d:\n got %+v\nwant %+v", i, got[i], want)
				}
			}
			on, ev, err := artifacts.CloudPhotosEnabled(context.Background(), db)
			if err != nil || on == nil || !*on || !strings.Contains(ev, "1 of 4 assets carry an iCloud asset GUID, 1 have") {
				t.Errorf("CloudPhotosEnabled = %v, %q, %v", on, ev, err)
			}
		})
	}
}

func TestPhotosImportedByFallback(t *testing.T) {
	data, err := artifactstest.PhotosDB(16, []artifacts.PhotoAsset{{Path: "Media/DCIM/100APPLE/IMG_1.JPG", ImportedBy: 2}})
	got := collectPhotos(t, openBytes(t, data, err))
	if got[0].Importer != "com.apple.camera" {
		t.Errorf("Importer = %q", got[0].Importer)
	}
}

func TestPhotosMinimalSchema(t *testing.T) {
	db := sqlDB(t,
		`CREATE TABLE ZASSET (Z_PK INTEGER PRIMARY KEY, ZDIRECTORY VARCHAR, ZFILENAME VARCHAR, ZLATITUDE FLOAT, ZLONGITUDE FLOAT)`,
		`INSERT INTO ZASSET VALUES (1, 'DCIM/100APPLE', 'IMG_0001.JPG', -180, -180)`,
		`INSERT INTO ZASSET VALUES (2, '../../etc', 'passwd', 'x', NULL)`,
		`INSERT INTO ZASSET VALUES (3, NULL, NULL, 10, 20)`,
	)
	got := collectPhotos(t, db)
	want := []artifacts.PhotoAsset{
		{Path: "Media/DCIM/100APPLE/IMG_0001.JPG"},
		{Path: ""},
		{Lat: fptr(10), Lon: fptr(20)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	on, _, err := artifacts.CloudPhotosEnabled(context.Background(), db)
	if err != nil || on != nil {
		t.Errorf("CloudPhotosEnabled without cloud columns = %v, %v", on, err)
	}
}

func TestPhotosAdditionalAttributesByFK(t *testing.T) {
	// No ZASSET column in ZADDITIONALASSETATTRIBUTES: join through ZASSET.ZADDITIONALATTRIBUTES.
	db := sqlDB(t,
		`CREATE TABLE ZASSET (Z_PK INTEGER PRIMARY KEY, ZADDITIONALATTRIBUTES INTEGER, ZFILENAME VARCHAR, ZDIRECTORY VARCHAR, ZCLOUDASSETGUID VARCHAR)`,
		`CREATE TABLE ZADDITIONALASSETATTRIBUTES (Z_PK INTEGER PRIMARY KEY, ZIMPORTEDBYBUNDLEIDENTIFIER VARCHAR, ZORIGINALFILENAME VARCHAR)`,
		`INSERT INTO ZASSET VALUES (1, 7, 'IMG_1.PNG', 'DCIM/100APPLE', '')`,
		`INSERT INTO ZADDITIONALASSETATTRIBUTES VALUES (7, 'com.example.cam', 'orig.png')`,
	)
	got := collectPhotos(t, db)
	if len(got) != 1 || got[0].Importer != "com.example.cam" || got[0].OriginalFilename != "orig.png" || got[0].InICloud == nil || *got[0].InICloud {
		t.Errorf("got %+v", got)
	}
	on, ev, err := artifacts.CloudPhotosEnabled(context.Background(), db)
	if err != nil || on == nil || *on {
		t.Errorf("CloudPhotosEnabled = %v %q %v", on, ev, err)
	}
}

func TestMissingTables(t *testing.T) {
	db := sqlDB(t, `CREATE TABLE unrelated (x INTEGER)`)
	ctx := context.Background()
	nop := func(any) error { return nil }
	checks := map[string]error{
		"photos":   artifacts.ReadPhotos(ctx, db, func(p artifacts.PhotoAsset) error { return nop(p) }),
		"sms":      artifacts.ReadSMSAttachments(ctx, db, func(a artifacts.Attachment) error { return nop(a) }),
		"whatsapp": artifacts.ReadWhatsAppMedia(ctx, db, func(w artifacts.WhatsAppMedia) error { return nop(w) }),
		"tcc":      artifacts.ReadTCC(ctx, db, func(g artifacts.Grant) error { return nop(g) }),
	}
	_, _, err := artifacts.CloudPhotosEnabled(ctx, db)
	checks["cloudphotos"] = err
	for name, err := range checks {
		if !errors.Is(err, artifacts.ErrMissingTable) {
			t.Errorf("%s: err = %v, want ErrMissingTable", name, err)
		}
	}
}

func TestGarbageDatabase(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "garbage.db")
	if err := writeFile(p, []byte(strings.Repeat("not a database at all ", 300))); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", p)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := artifacts.ReadPhotos(ctx, db, func(artifacts.PhotoAsset) error { return nil }); err == nil {
		t.Error("ReadPhotos on garbage: no error")
	}
	if err := artifacts.ReadTCC(ctx, db, func(artifacts.Grant) error { return nil }); err == nil {
		t.Error("ReadTCC on garbage: no error")
	}
	if err := artifacts.ReadTCC(ctx, nil, func(artifacts.Grant) error { return nil }); err == nil {
		t.Error("ReadTCC on nil db: no error")
	}
}

func TestCallbackErrorStops(t *testing.T) {
	data, err := artifactstest.PhotosDB(16, []artifacts.PhotoAsset{{Path: "Media/a/1.JPG"}, {Path: "Media/a/2.JPG"}})
	db := openBytes(t, data, err)
	stop := errors.New("stop")
	n := 0
	err = artifacts.ReadPhotos(context.Background(), db, func(artifacts.PhotoAsset) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("err = %v after %d calls", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := artifacts.ReadPhotos(ctx, db, func(artifacts.PhotoAsset) error { return nil }); err == nil {
		t.Error("cancelled context: no error")
	}
}

func TestSMSRoundTrip(t *testing.T) {
	in := []artifacts.Attachment{
		{Path: "Library/SMS/Attachments/ab/11/AB11-GUID/IMG_0001.HEIC", Domain: artifacts.DomainMedia,
			MIMEType: "image/heic", TransferName: "IMG_0001.HEIC", TotalBytes: 123456, Service: "iMessage",
			FromMe: bptr(false), Handle: "+447700900123", Chat: "+447700900123", Date: t0},
		{Path: "Library/SMS/Attachments/cd/12/CD12/scan.pdf", Domain: artifacts.DomainMedia,
			MIMEType: "application/pdf", TransferName: "scan.pdf", Service: "SMS", FromMe: bptr(true),
			Handle: "+447700900456", Chat: "chat123456", ChatName: "Ward 7", Date: t0.Add(time.Hour)},
		{Path: "var/tmp/x.jpg", Service: "RCS", FromMe: bptr(false), Handle: "a@example.com", Chat: "a@example.com", Date: t0},
	}
	data, err := artifactstest.SMSDB(in)
	db := openBytes(t, data, err)
	var got []artifacts.Attachment
	if err := artifacts.ReadSMSAttachments(context.Background(), db, func(a artifacts.Attachment) error {
		got = append(got, a)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(in) {
		t.Fatalf("got %d, want %d", len(got), len(in))
	}
	for i, want := range in {
		want.RawFilename = got[i].RawFilename
		if !reflect.DeepEqual(got[i], want) {
			t.Errorf("attachment %d:\n got %+v\nwant %+v", i, got[i], want)
		}
	}
	if got[0].RawFilename != "~/"+in[0].Path {
		t.Errorf("RawFilename = %q", got[0].RawFilename)
	}
}

func TestSMSAttachmentOnly(t *testing.T) {
	db := sqlDB(t,
		`CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT, created_date INTEGER, filename TEXT, is_outgoing INTEGER)`,
		`INSERT INTO attachment VALUES (1, 'g', 700000000, '/var/mobile/Library/SMS/Attachments/00/00/x/a.jpg', 1)`,
		`INSERT INTO attachment VALUES (2, 'h', NULL, NULL, NULL)`,
	)
	var got []artifacts.Attachment
	if err := artifacts.ReadSMSAttachments(context.Background(), db, func(a artifacts.Attachment) error {
		got = append(got, a)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []artifacts.Attachment{
		{Path: "Library/SMS/Attachments/00/00/x/a.jpg", Domain: artifacts.DomainMedia,
			RawFilename: "/var/mobile/Library/SMS/Attachments/00/00/x/a.jpg", FromMe: bptr(true),
			Date: time.Unix(700000000+978307200, 0).UTC()},
		{},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestSMSAttachmentPath(t *testing.T) {
	for _, tc := range []struct{ in, rel, domain string }{
		{"~/Library/SMS/Attachments/0a/10/G/IMG.JPG", "Library/SMS/Attachments/0a/10/G/IMG.JPG", "MediaDomain"},
		{"/var/mobile/Library/SMS/Attachments/x.jpg", "Library/SMS/Attachments/x.jpg", "MediaDomain"},
		{"/private/var/mobile/Library/SMS/StickerCache/s.png", "Library/SMS/StickerCache/s.png", "MediaDomain"},
		{"~/Library/Other/x", "Library/Other/x", ""},
		{"~/../../etc/passwd", "../etc/passwd", ""},
		{"/var/tmp/a.jpg", "/var/tmp/a.jpg", ""},
		{"", "", ""},
	} {
		rel, dom := artifacts.SMSAttachmentPath(tc.in)
		if rel != tc.rel || dom != tc.domain {
			t.Errorf("SMSAttachmentPath(%q) = %q, %q; want %q, %q", tc.in, rel, dom, tc.rel, tc.domain)
		}
	}
}

func TestWhatsAppRoundTrip(t *testing.T) {
	in := []artifacts.WhatsAppMedia{
		{Path: "Message/Media/447700900111@s.whatsapp.net/a/b/1.jpg", Chat: "Dr Smith", ChatJID: "447700900111@s.whatsapp.net",
			Sender: "447700900111@s.whatsapp.net", FromMe: bptr(false), Date: t0, MIMEType: "image/jpeg", Title: "wound day 3", FileSize: 2048, MessageType: 1},
		{Path: "Message/Media/120363@g.us/c/d/2.mp4", Chat: "Ward team", ChatJID: "120363@g.us",
			Sender: "447700900222@s.whatsapp.net", FromMe: bptr(false), Date: t0, MIMEType: "video/mp4", MessageType: 2},
		{Path: "Message/Media/120363@g.us/e/f/3.jpg", Chat: "Ward team", ChatJID: "120363@g.us", FromMe: bptr(true), Date: t0, MessageType: 1},
	}
	data, err := artifactstest.ChatStorageDB(append(in, artifacts.WhatsAppMedia{Chat: "not downloaded"}))
	db := openBytes(t, data, err)
	var got []artifacts.WhatsAppMedia
	if err := artifacts.ReadWhatsAppMedia(context.Background(), db, func(w artifacts.WhatsAppMedia) error {
		got = append(got, w)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(in) {
		t.Fatalf("got %d, want %d", len(got), len(in))
	}
	for i, want := range in {
		want.Domain = artifacts.DomainWhatsApp
		want.RawPath = strings.TrimPrefix(want.Path, "Message/")
		if !reflect.DeepEqual(got[i], want) {
			t.Errorf("media %d:\n got %+v\nwant %+v", i, got[i], want)
		}
	}
}

func TestWhatsAppMediaOnly(t *testing.T) {
	db := sqlDB(t,
		`CREATE TABLE ZWAMEDIAITEM (Z_PK INTEGER PRIMARY KEY, ZMEDIALOCALPATH VARCHAR, ZVCARDSTRING VARCHAR)`,
		`INSERT INTO ZWAMEDIAITEM VALUES (1, 'Media/x/1.jpg', 'BEGIN:VCARD
VERSION:3.0')`,
	)
	var got []artifacts.WhatsAppMedia
	if err := artifacts.ReadWhatsAppMedia(context.Background(), db, func(w artifacts.WhatsAppMedia) error {
		got = append(got, w)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []artifacts.WhatsAppMedia{{Path: "Message/Media/x/1.jpg", Domain: artifacts.DomainWhatsApp, RawPath: "Media/x/1.jpg"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestWhatsAppMediaPath(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Media/447@s.whatsapp.net/1/2/a.jpg", "Message/Media/447@s.whatsapp.net/1/2/a.jpg"},
		{"Message/Media/a.jpg", "Message/Media/a.jpg"},
		{"/var/mobile/Containers/Shared/AppGroup/UUID/Message/Media/a.jpg", "Message/Media/a.jpg"},
		{"/etc/passwd", ""},
		{"../../x", ""},
		{"", ""},
	} {
		if got := artifacts.WhatsAppMediaPath(tc.in); got != tc.want {
			t.Errorf("WhatsAppMediaPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTCCRoundTrip(t *testing.T) {
	in := []artifacts.Grant{
		{Service: "kTCCServiceCamera", Client: "com.example.freecam", Allowed: true},
		{Service: "kTCCServiceAddressBook", Client: "com.example.freecam"},
		{Service: "kTCCServicePhotos", Client: "net.whatsapp.WhatsApp", Allowed: true, Limited: true},
		{Service: "kTCCServiceMotion", Client: "com.example.steps", Allowed: true},
		{Service: "kTCCServiceUserTracking", Client: "com.example.freecam"},
	}
	for _, legacy := range []bool{true, false} {
		t.Run(map[bool]string{true: "allowed", false: "auth_value"}[legacy], func(t *testing.T) {
			grants := make([]artifacts.Grant, len(in))
			copy(grants, in)
			for i := range grants {
				grants[i].LastModified = t0
			}
			data, err := artifactstest.TCCDB(legacy, grants)
			db := openBytes(t, data, err)
			got := map[string]artifacts.Grant{}
			if err := artifacts.ReadTCC(context.Background(), db, func(g artifacts.Grant) error {
				got[g.Service+" "+g.Client] = g
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(in) {
				t.Fatalf("got %d grants, want %d", len(got), len(in))
			}
			for _, w := range in {
				w.Permission = artifacts.TCCPermission(w.Service)
				w.Detail = "denied"
				if w.Allowed {
					w.Detail = "allowed"
				}
				if legacy {
					w.Limited = false
				} else {
					w.LastModified = t0
					if w.Limited {
						w.Detail = "limited"
					}
				}
				if g := got[w.Service+" "+w.Client]; !reflect.DeepEqual(g, w) {
					t.Errorf("\n got %+v\nwant %+v", g, w)
				}
			}
		})
	}
}

func TestTCCPermission(t *testing.T) {
	for in, want := range map[string]string{
		"kTCCServiceCamera": "camera", "kTCCServiceMicrophone": "microphone", "kTCCServiceAddressBook": "contacts",
		"kTCCServicePhotos": "photos", "kTCCServicePhotosAdd": "photos", "kTCCServiceCalendar": "calendar",
		"kTCCServiceMotion": "sensors", "kTCCServiceUserTracking": "", "kTCCServiceBluetoothAlways": "", "": "",
	} {
		if got := artifacts.TCCPermission(in); got != want {
			t.Errorf("TCCPermission(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLocationClients(t *testing.T) {
	in := []artifacts.Grant{
		{Client: "com.example.maps", Allowed: true, Detail: "always"},
		{Client: "com.example.freecam", Allowed: true, Detail: "when-in-use"},
		{Client: "com.example.game", Detail: "denied"},
	}
	data, err := artifactstest.LocationClients(in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := artifacts.ParseLocationClients(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []artifacts.Grant{
		{Service: "Location", Permission: "location", Client: "com.example.freecam", Allowed: true, Detail: "when-in-use"},
		{Service: "Location", Permission: "location", Client: "com.example.game", Detail: "denied"},
		{Service: "Location", Permission: "location", Client: "com.example.maps", Allowed: true, Detail: "always"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	// Legacy XML with Authorized booleans and a key-only client.
	xml := []byte(`<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>
<key>icom.old.app:</key><dict><key>Authorized</key><true/></dict>
<key>com.apple.locationd.bundle-/System/Library/LocationBundles/Siri.bundle</key><dict><key>BundlePath</key><string>/System/Library/LocationBundles/Siri.bundle</string><key>Authorized</key><false/></dict>
<key>junk</key><string>x</string>
</dict></plist>`)
	got, err = artifacts.ParseLocationClients(xml)
	if err != nil {
		t.Fatal(err)
	}
	want = []artifacts.Grant{
		{Service: "Location", Permission: "location", Client: "/System/Library/LocationBundles/Siri.bundle", Detail: "denied"},
		{Service: "Location", Permission: "location", Client: "com.old.app", Allowed: true, Detail: "allowed"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestCloudBackup(t *testing.T) {
	for _, on := range []bool{true, false} {
		data, err := artifactstest.CloudBackupPlist(on)
		if err != nil {
			t.Fatal(err)
		}
		got, ev, err := artifacts.ParseCloudBackup(data)
		if err != nil || got == nil || *got != on || !strings.Contains(ev, "CloudBackupEnabled") || !strings.Contains(ev, "2026-10-01") {
			t.Errorf("ParseCloudBackup(%v) = %v, %q, %v", on, got, ev, err)
		}
	}
	empty, _ := plist.Marshal(map[string]any{"Other": 1}, plist.XMLFormat)
	got, ev, err := artifacts.ParseCloudBackup(empty)
	if err != nil || got != nil || ev == "" {
		t.Errorf("no key: %v, %q, %v", got, ev, err)
	}
}

func TestITunesMetadata(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   artifacts.AppMetadata
		want artifacts.AppMetadata
	}{
		{"free by price", artifacts.AppMetadata{BundleID: "com.example.freecam", Name: "FreeCam Pro", Artist: "Example Ltd", Genre: "Photo & Video", Version: "2.1", Price: fptr(0), PriceDisplay: "Free", HasInAppPurchases: bptr(true)},
			artifacts.AppMetadata{BundleID: "com.example.freecam", Name: "FreeCam Pro", Artist: "Example Ltd", Genre: "Photo & Video", Version: "2.1", Price: fptr(0), PriceDisplay: "Free", HasInAppPurchases: bptr(true), Free: bptr(true), Evidence: "iTunesMetadata price=0, hasOrEverHasHadIAP=true"}},
		{"paid by display", artifacts.AppMetadata{BundleID: "com.example.paid", Name: "Paid", PriceDisplay: "£1.99"},
			artifacts.AppMetadata{BundleID: "com.example.paid", Name: "Paid", PriceDisplay: "£1.99", Price: fptr(1.99), Free: bptr(false), Evidence: `iTunesMetadata priceDisplay="£1.99"`}},
		{"unknown", artifacts.AppMetadata{BundleID: "com.example.x", Name: "X"},
			artifacts.AppMetadata{BundleID: "com.example.x", Name: "X"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := artifactstest.ITunesMetadata(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := artifacts.ParseITunesMetadata(data)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, tc.want) {
				t.Errorf("\n got %+v\nwant %+v", *got, tc.want)
			}
		})
	}
}

func TestPlistGarbage(t *testing.T) {
	inputs := [][]byte{
		nil, []byte("hello world"), []byte("{ a = b; }"), []byte("bplist00garbage"),
		[]byte("<?xml version=\"1.0\"?><plist><array><string>x</string></array></plist>"),
		[]byte("<plist><dict><key>a</key>"), make([]byte, artifacts.MaxPlistSize+1),
	}
	for _, in := range inputs {
		if _, err := artifacts.ParseITunesMetadata(in); err == nil {
			t.Errorf("ParseITunesMetadata(%.20q): no error", in)
		}
		if _, err := artifacts.ParseLocationClients(in); err == nil {
			t.Errorf("ParseLocationClients(%.20q): no error", in)
		}
		if _, _, err := artifacts.ParseCloudBackup(in); err == nil {
			t.Errorf("ParseCloudBackup(%.20q): no error", in)
		}
	}
}

func TestReadOnlyURI(t *testing.T) {
	data, err := artifactstest.TCCDB(false, []artifacts.Grant{{Service: "kTCCServiceCamera", Client: "a", Allowed: true}})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "TCC.db")
	if err := writeFile(p, data); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+p+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n := 0
	if err := artifacts.ReadTCC(context.Background(), db, func(artifacts.Grant) error { n++; return nil }); err != nil || n != 1 {
		t.Errorf("read-only open: %d grants, err %v", n, err)
	}
}
