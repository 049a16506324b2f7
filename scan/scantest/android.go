package scantest

import (
	"fmt"
	"image"
	"os"
	"path/filepath"
	"time"

	"github.com/devicescan/devicescan/android/apktest"
	"github.com/devicescan/devicescan/exif/exiftest"
)

// Workplace is the sample policy's hospital.
var Workplace = struct {
	Name          string
	Lat, Lon, Rad float64
}{"St Elsewhere General", 51.5175, -0.1735, 400}

// PolicyYAML is the sample policy.
const PolicyYAML = `# Sample workplace policy for devicescan.
workplaces:
  - name: St Elsewhere General
    lat: 51.5175
    lon: -0.1735
    radius_m: 400
approved_apps:
  - com.example.trustedclinical
`

// Places used by the fixtures.
var (
	AtWork   = [2]float64{51.5177, -0.1730} // about 40 m from the centre
	AwayHome = [2]float64{50.8225, -0.1372} // Brighton
)

// Expect describes one finding a fixture must produce.
type Expect struct {
	Path     string
	Category string
	Codes    []string // reason codes that must be present
}

// Writer helpers.
type tree struct {
	dir string
	err error
}

func (t *tree) write(rel string, data []byte) {
	if t.err != nil {
		return
	}
	p := filepath.Join(t.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.err = err
		return
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.err = err
		return
	}
	// Fixed times so that fixtures are identical whenever they are built.
	t.err = os.Chtimes(p, fixtureTime, fixtureTime)
}

func (t *tree) jpeg(rel string, o exiftest.Options) {
	if t.err != nil {
		return
	}
	b, err := exiftest.JPEG(o)
	if err != nil {
		t.err = fmt.Errorf("%s: %w", rel, err)
		return
	}
	t.write(rel, b)
}

var fixtureTime = time.Date(2026, 10, 31, 12, 0, 0, 0, time.UTC)

func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04:05", s)
	if err != nil {
		panic(err)
	}
	return t
}

func camera(img image.Image, taken string, gps *[2]float64) exiftest.Options {
	return exiftest.Options{Make: "Google", Model: "Pixel 8", Software: "HDR+ 1.0",
		TakenAt: at(taken), Offset: "+01:00", GPS: gps, Image: img, Thumbnail: true}
}

func gps(p [2]float64) *[2]float64 { return &p }

// FreeCamAPK is an ad-funded camera app asking for camera and contacts.
func FreeCamAPK() []byte {
	return apktest.MustBuild(apktest.Options{
		Package: "com.example.freecam", VersionName: "3.1", VersionCode: 31,
		Label: "FreeCam Pro", LabelLocales: map[string]string{"fr": "FreeCam Pro FR"},
		Permissions: []string{"android.permission.CAMERA", "android.permission.READ_CONTACTS",
			"android.permission.INTERNET", "com.google.android.gms.permission.AD_ID"},
		MetaData: map[string]string{"com.google.android.gms.ads.APPLICATION_ID": "ca-app-pub-3940256099942544~3347511713"},
		Classes: []string{"Lcom/example/freecam/MainActivity;", "Lcom/google/android/gms/ads/AdView;",
			"Lcom/google/android/gms/ads/MobileAds;", "Lcom/facebook/ads/AdView;"},
		MinSDK: 24, TargetSDK: 34,
	})
}

// AndroidTree writes a small Android shared-storage tree as a phone keeps
// it, and returns the findings a scan with the sample policy must give.
func AndroidTree(dir string) ([]Expect, error) {
	t := &tree{dir: dir}
	land := Landscape(320, 240, 1)
	// Camera photos at work and away.
	t.jpeg("DCIM/Camera/IMG_20261014_103211.jpg", camera(land, "2026-10-14 10:32:11", gps(AtWork)))
	t.jpeg("DCIM/Camera/IMG_20260801_150000.jpg", camera(Landscape(320, 240, 2), "2026-08-01 15:00:00", gps(AwayHome)))
	if h, err := exiftest.HEIC(camera(land, "2026-10-15 09:15:00", gps(AtWork))); err == nil {
		t.write("DCIM/Camera/IMG_20261015_091500.heic", h)
	} else if t.err == nil {
		t.err = err
	}
	// Patient identifiers in EXIF comments: a valid NHS number, an invalid one.
	o := camera(Landscape(320, 240, 3), "2026-10-16 12:00:00", nil)
	o.UserComment = "NHS 943 476 5919 left forearm"
	t.jpeg("DCIM/Camera/IMG_20261016_120000.jpg", o)
	o = camera(Landscape(320, 240, 4), "2026-10-16 12:05:00", nil)
	o.UserComment = "ref 943 476 5918 parcel"
	t.jpeg("DCIM/Camera/IMG_20261016_120500.jpg", o)
	// DICOM files, one with no extension.
	t.write("Download/scan_report.dcm", DICOM("CR", "TEST^PATIENT", "9990000026", 64, 64, true))
	t.write("Documents/IM000001", DICOM("CT", "TEST^PATIENT", "9990000026", 32, 32, true))
	// Screenshots and an ordinary download.
	t.write("Pictures/Screenshots/Screenshot_20261017-101010.png", PNG(Screenshot(180, 320)))
	t.jpeg("Download/holiday/IMG_5001.jpg", exiftest.Options{Image: Landscape(320, 240, 5)})
	// A folder named for clinical work.
	t.jpeg("Pictures/Wound clinic/IMG_0042.jpg", exiftest.Options{Make: "Google", Model: "Pixel 8",
		TakenAt: at("2026-10-18 11:00:00"), Image: Landscape(320, 240, 6)})
	// WhatsApp, legacy layout, with a hidden Sent folder.
	t.jpeg("WhatsApp/Media/WhatsApp Images/IMG-20261018-WA0001.jpg", exiftest.Options{Image: Landscape(320, 240, 7)})
	t.jpeg("WhatsApp/Media/WhatsApp Images/Sent/IMG-20261018-WA0002.jpg", exiftest.Options{Image: Landscape(320, 240, 8)})
	t.write("WhatsApp/Media/WhatsApp Images/Sent/.nomedia", nil)
	t.write("WhatsApp/Databases/msgstore.db.crypt14", []byte("not a real database, just bytes"))
	// WhatsApp, Android 11+ layout: a radiograph without metadata.
	t.jpeg("Android/media/com.whatsapp/WhatsApp/Media/WhatsApp Images/IMG-20261019-WA0003.jpg",
		exiftest.Options{Image: RealImage("chest-cr")})
	// Telegram, both layouts.
	t.jpeg("Telegram/Telegram Images/428_1730000000.jpg", exiftest.Options{Image: Landscape(320, 240, 10)})
	t.jpeg("Android/media/org.telegram.messenger/Telegram/Telegram Images/429_1730000001.jpg",
		exiftest.Options{Image: Landscape(320, 240, 11)})
	// An ad-funded app's APK in Download.
	t.write("Download/FreeCam_Pro.apk", FreeCamAPK())
	// An app cache image that must stay quiet.
	t.write("Android/data/com.example.game/cache/icon.png", PNG(Screenshot(48, 48)))
	if t.err != nil {
		return nil, t.err
	}
	return []Expect{
		{"DCIM/Camera/IMG_20261014_103211.jpg", "clinical-photo", []string{"workplace-location"}},
		{"DCIM/Camera/IMG_20261015_091500.heic", "clinical-photo", []string{"workplace-location"}},
		{"DCIM/Camera/IMG_20261016_120000.jpg", "clinical-photo", []string{"patient-identifier"}},
		{"Download/scan_report.dcm", "clinical-photo", []string{"dicom"}},
		{"Documents/IM000001", "clinical-photo", []string{"dicom"}},
		{"Pictures/Wound clinic/IMG_0042.jpg", "clinical-photo", []string{"clinical-keyword"}},
		{"WhatsApp/Media/WhatsApp Images/IMG-20261018-WA0001.jpg", "messaging-attachment", []string{"messenger"}},
		{"WhatsApp/Media/WhatsApp Images/Sent/IMG-20261018-WA0002.jpg", "messaging-attachment", []string{"messenger"}},
		{"Android/media/com.whatsapp/WhatsApp/Media/WhatsApp Images/IMG-20261019-WA0003.jpg", "messaging-attachment", []string{"messenger", "radiograph"}},
		{"Android/media/com.whatsapp/WhatsApp/Media/WhatsApp Images/IMG-20261019-WA0003.jpg", "clinical-photo", []string{"radiograph"}},
		{"Telegram/Telegram Images/428_1730000000.jpg", "messaging-attachment", []string{"messenger"}},
		{"Android/media/org.telegram.messenger/Telegram/Telegram Images/429_1730000001.jpg", "messaging-attachment", []string{"messenger"}},
		{"Download/FreeCam_Pro.apk", "risky-app", nil},
	}, nil
}
