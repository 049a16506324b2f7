package ipa_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/devicescan/devicescan/ios/artifacts"
	"github.com/devicescan/devicescan/ios/artifacts/artifactstest"
	"github.com/devicescan/devicescan/ios/ipa"
	"github.com/devicescan/devicescan/ios/ipa/ipatest"
)

func read(t *testing.T, b []byte) (*ipa.App, error) {
	t.Helper()
	return ipa.Read(bytes.NewReader(b), int64(len(b)))
}

func freecamInfo() map[string]any {
	return map[string]any{
		"CFBundleIdentifier":                  "com.example.freecam",
		"CFBundleName":                        "FreeCam",
		"CFBundleDisplayName":                 "FreeCam Pro",
		"CFBundleShortVersionString":          "2.1",
		"CFBundleVersion":                     "210",
		"MinimumOSVersion":                    "15.0",
		"NSCameraUsageDescription":            "Take photos",
		"NSPhotoLibraryAddUsageDescription":   "Save photos",
		"NSPhotoLibraryUsageDescription":      "Pick photos",
		"NSContactsUsageDescription":          "Share with friends",
		"NSLocationWhenInUseUsageDescription": "Geotag",
		"NSUserTrackingUsageDescription":      "Personalised ads",
		"NSBluetoothAlwaysUsageDescription":   "Printers",
		"GADApplicationIdentifier":            "ca-app-pub-3940256099942544~1458002511",
		"UIRequiredDeviceCapabilities":        []any{"arm64"},
	}
}

func TestRead(t *testing.T) {
	price := 0.0
	iap := true
	meta, err := artifactstest.ITunesMetadata(artifacts.AppMetadata{BundleID: "com.example.freecam", Name: "FreeCam Pro",
		Artist: "Example Ltd", Genre: "Photo & Video", Version: "2.1", Price: &price, PriceDisplay: "Free", HasInAppPurchases: &iap})
	if err != nil {
		t.Fatal(err)
	}
	for _, xml := range []bool{false, true} {
		b, err := ipatest.Build(ipatest.Spec{AppName: "FreeCam", Info: freecamInfo(), XML: xml,
			Frameworks: []string{"GoogleMobileAds", "FBAudienceNetwork", "AppLovinSDK"}, ITunesMetadata: meta})
		if err != nil {
			t.Fatal(err)
		}
		app, err := read(t, b)
		if err != nil {
			t.Fatal(err)
		}
		want := &ipa.App{
			BundleID: "com.example.freecam", Name: "FreeCam Pro", Version: "2.1", MinOS: "15.0",
			Permissions: []string{"camera", "contacts", "location", "photos"},
			UsageKeys: []string{"NSBluetoothAlwaysUsageDescription", "NSCameraUsageDescription", "NSContactsUsageDescription",
				"NSLocationWhenInUseUsageDescription", "NSPhotoLibraryAddUsageDescription", "NSPhotoLibraryUsageDescription",
				"NSUserTrackingUsageDescription"},
			Tracking: true, AdMobAppID: "ca-app-pub-3940256099942544~1458002511",
			Frameworks: []string{"AppLovinSDK", "FBAudienceNetwork", "GoogleMobileAds"},
			AppDir:     "Payload/FreeCam.app",
		}
		if app.Metadata == nil || app.Metadata.Free == nil || !*app.Metadata.Free || app.Metadata.BundleID != "com.example.freecam" {
			t.Errorf("Metadata = %+v", app.Metadata)
		}
		app.Metadata = nil
		if !reflect.DeepEqual(app, want) {
			t.Errorf("xml=%v\n got %+v\nwant %+v", xml, app, want)
		}
	}
}

func TestReadMinimal(t *testing.T) {
	b, err := ipatest.Build(ipatest.Spec{Info: map[string]any{"CFBundleIdentifier": "com.example.min", "CFBundleName": "Min", "CFBundleVersion": "7"}})
	if err != nil {
		t.Fatal(err)
	}
	app, err := read(t, b)
	if err != nil {
		t.Fatal(err)
	}
	want := &ipa.App{BundleID: "com.example.min", Name: "Min", Version: "7", AppDir: "Payload/App.app"}
	if !reflect.DeepEqual(app, want) {
		t.Errorf("got %+v\nwant %+v", app, want)
	}
}

func TestUsagePermission(t *testing.T) {
	for k, want := range map[string]string{
		"NSCameraUsageDescription": "camera", "NSMicrophoneUsageDescription": "microphone",
		"NSContactsUsageDescription": "contacts", "NSPhotoLibraryUsageDescription": "photos",
		"NSPhotoLibraryAddUsageDescription": "photos", "NSLocationAlwaysAndWhenInUseUsageDescription": "location",
		"NSLocationTemporaryUsageDescriptionDictionary": "location", "NSCalendarsFullAccessUsageDescription": "calendar",
		"NSCalendarsUsageDescription": "calendar", "NSMotionUsageDescription": "sensors",
		"NSUserTrackingUsageDescription": "", "NSBluetoothAlwaysUsageDescription": "", "NSFooUsageDescription": "",
	} {
		if got := ipa.UsagePermission(k); got != want {
			t.Errorf("UsagePermission(%q) = %q, want %q", k, got, want)
		}
	}
}

// zipOf builds a zip with the given entries (name -> content).
func zipOf(t testing.TB, entries map[string][]byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for n, b := range entries {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	zw.Close()
	return buf.Bytes()
}

func TestReadErrors(t *testing.T) {
	big := bytes.Repeat([]byte(" "), ipa.MaxPlistSize+1)
	for name, tc := range map[string]struct {
		data   []byte
		notApp bool
	}{
		"empty":         {data: nil},
		"not zip":       {data: []byte("PK\x03\x04 this is not really a zip file")},
		"no payload":    {data: zipOf(t, map[string][]byte{"README": []byte("hi")}), notApp: true},
		"nested only":   {data: zipOf(t, map[string][]byte{"Payload/A.app/PlugIns/B.appex/Info.plist": []byte("x")}), notApp: true},
		"garbage plist": {data: zipOf(t, map[string][]byte{"Payload/A.app/Info.plist": []byte("{ CFBundleIdentifier = x; }")})},
		"huge plist":    {data: zipOf(t, map[string][]byte{"Payload/A.app/Info.plist": big})},
		"array plist":   {data: zipOf(t, map[string][]byte{"Payload/A.app/Info.plist": []byte(`<?xml version="1.0"?><plist><array/></plist>`)})},
	} {
		app, err := read(t, tc.data)
		if err == nil {
			t.Errorf("%s: no error, app %+v", name, app)
			continue
		}
		if tc.notApp != errors.Is(err, ipa.ErrNotApp) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestReadLyingSize(t *testing.T) {
	// A central directory that declares a small Info.plist but stores a big one
	// must not be read beyond the cap or accepted silently.
	b, err := ipatest.Build(ipatest.Spec{Info: map[string]any{"CFBundleIdentifier": "x", "Pad": strings.Repeat("A", 5000)}})
	if err != nil {
		t.Fatal(err)
	}
	// Patch the central-directory uncompressed size of the first entry to 10.
	i := bytes.Index(b, []byte("PK\x01\x02"))
	if i < 0 {
		t.Fatal("no central directory")
	}
	b[i+24], b[i+25], b[i+26], b[i+27] = 10, 0, 0, 0
	if _, err := read(t, b); err == nil {
		t.Error("lying size accepted")
	}
}

func TestMetadataGarbageIgnored(t *testing.T) {
	b, err := ipatest.Build(ipatest.Spec{Info: map[string]any{"CFBundleIdentifier": "x"}, ITunesMetadata: []byte("garbage")})
	if err != nil {
		t.Fatal(err)
	}
	app, err := read(t, b)
	if err != nil || app.Metadata != nil {
		t.Errorf("app %+v err %v", app, err)
	}
}
