package ipa

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/devicescan/devicescan/ios/artifacts"
)

// Limits.
const (
	// MaxEntries is the number of zip entries examined.
	MaxEntries = 200000
	// MaxPlistSize caps Info.plist and iTunesMetadata.plist (uncompressed).
	MaxPlistSize = 4 << 20
	// maxFrameworks caps the framework list.
	maxFrameworks = 4096
)

// ErrNotApp is wrapped when the zip holds no Payload/<X>.app/Info.plist.
var ErrNotApp = errors.New("not an iOS app archive")

// App is what an .ipa says about its app.
type App struct {
	// BundleID is CFBundleIdentifier.
	BundleID string
	// Name is CFBundleDisplayName, else CFBundleName.
	Name string
	// Version is CFBundleShortVersionString, else CFBundleVersion.
	Version string
	// MinOS is MinimumOSVersion.
	MinOS string
	// Permissions are the contract permission names implied by the usage
	// keys (camera, contacts, microphone, photos, location, calendar,
	// sensors), sorted, unique.
	Permissions []string
	// UsageKeys are all NS*UsageDescription keys (and
	// NSLocationTemporaryUsageDescriptionDictionary), sorted.
	UsageKeys []string
	// Tracking is true when NSUserTrackingUsageDescription is present (the
	// app asks for App Tracking Transparency, typical of ad-funded apps).
	Tracking bool
	// AdMobAppID is GADApplicationIdentifier (Google AdMob).
	AdMobAppID string
	// Frameworks are the names of Payload/<X>.app/Frameworks/*.framework
	// without the extension (e.g. GoogleMobileAds), sorted, unique.
	Frameworks []string
	// AppDir is the app folder inside the archive (Payload/<X>.app).
	AppDir string
	// Metadata is the root iTunesMetadata.plist, nil when absent or
	// unreadable.
	Metadata *artifacts.AppMetadata
}

// usagePermissions maps Info.plist usage keys to contract permission names.
var usagePermissions = map[string]string{
	"NSCameraUsageDescription":                         "camera",
	"NSContactsUsageDescription":                       "contacts",
	"NSMicrophoneUsageDescription":                     "microphone",
	"NSPhotoLibraryUsageDescription":                   "photos",
	"NSPhotoLibraryAddUsageDescription":                "photos",
	"NSLocationUsageDescription":                       "location",
	"NSLocationWhenInUseUsageDescription":              "location",
	"NSLocationAlwaysUsageDescription":                 "location",
	"NSLocationAlwaysAndWhenInUseUsageDescription":     "location",
	"NSLocationTemporaryUsageDescriptionDictionary":    "location",
	"NSCalendarsUsageDescription":                      "calendar",
	"NSCalendarsFullAccessUsageDescription":            "calendar",
	"NSCalendarsWriteOnlyAccessUsageDescription":       "calendar",
	"NSMotionUsageDescription":                         "sensors",
	"NSUserTrackingUsageDescription":                   "",
	"NSBluetoothAlwaysUsageDescription":                "",
	"NSBluetoothPeripheralUsageDescription":            "",
	"NSFaceIDUsageDescription":                         "",
	"NSSpeechRecognitionUsageDescription":              "",
	"NSRemindersUsageDescription":                      "",
	"NSHealthShareUsageDescription":                    "",
	"NSHealthUpdateUsageDescription":                   "",
	"NSLocalNetworkUsageDescription":                   "",
	"NSAppleMusicUsageDescription":                     "",
	"NSHomeKitUsageDescription":                        "",
	"NSNearbyInteractionUsageDescription":              "",
	"NSSensorKitUsageDescription":                      "",
	"NSLocationDefaultAccuracyReducedUsageDescription": "",
}

// UsagePermission returns the contract permission name for an Info.plist
// usage key ("" when none).
func UsagePermission(key string) string {
	if p, ok := usagePermissions[key]; ok {
		return p
	}
	if strings.HasPrefix(key, "NSLocation") && strings.Contains(key, "UsageDescription") {
		return "location"
	}
	if strings.HasPrefix(key, "NSCalendars") && strings.HasSuffix(key, "UsageDescription") {
		return "calendar"
	}
	return ""
}

// Read parses the .ipa held by r (size bytes).
func Read(r io.ReaderAt, size int64) (app *App, err error) {
	defer func() {
		if p := recover(); p != nil {
			app, err = nil, fmt.Errorf("ipa: panic while reading: %v", p)
		}
	}()
	if size <= 0 {
		return nil, fmt.Errorf("ipa: empty file")
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fmt.Errorf("ipa: not a zip archive: %w", err)
	}
	files := zr.File
	if len(files) > MaxEntries {
		files = files[:MaxEntries]
	}
	var info, meta *zip.File
	frameworks := map[string]bool{}
	appDir := ""
	for _, f := range files {
		name := f.Name
		if name == "iTunesMetadata.plist" {
			meta = f
			continue
		}
		dir, rest, ok := splitAppPath(name)
		if !ok {
			continue
		}
		if appDir != "" && dir != appDir {
			continue
		}
		switch {
		case rest == "Info.plist":
			if info == nil {
				info, appDir = f, dir
			}
		case strings.HasPrefix(rest, "Frameworks/"):
			fw := strings.TrimPrefix(rest, "Frameworks/")
			if i := strings.IndexByte(fw, '/'); i >= 0 {
				fw = fw[:i]
			}
			if n, ok := strings.CutSuffix(fw, ".framework"); ok && n != "" && len(frameworks) < maxFrameworks {
				if appDir == "" || dir == appDir {
					frameworks[dir+"\x00"+n] = true
				}
			}
		}
	}
	if info == nil {
		return nil, fmt.Errorf("ipa: %w: no Payload/<name>.app/Info.plist", ErrNotApp)
	}
	data, err := readEntry(info)
	if err != nil {
		return nil, fmt.Errorf("ipa: %s: %w", info.Name, err)
	}
	app, err = parseInfo(data)
	if err != nil {
		return nil, fmt.Errorf("ipa: %s: %w", info.Name, err)
	}
	app.AppDir = appDir
	for k := range frameworks {
		if dir, n, _ := strings.Cut(k, "\x00"); dir == appDir {
			app.Frameworks = append(app.Frameworks, n)
		}
	}
	sort.Strings(app.Frameworks)
	if meta != nil {
		if b, err := readEntry(meta); err == nil {
			if m, err := artifacts.ParseITunesMetadata(b); err == nil {
				app.Metadata = m
			}
		}
	}
	return app, nil
}

// splitAppPath splits "Payload/X.app/rest" into "Payload/X.app" and rest.
func splitAppPath(name string) (dir, rest string, ok bool) {
	after, found := strings.CutPrefix(name, "Payload/")
	if !found {
		return "", "", false
	}
	i := strings.IndexByte(after, '/')
	if i <= 0 || !strings.HasSuffix(after[:i], ".app") {
		return "", "", false
	}
	return "Payload/" + after[:i], after[i+1:], true
}

// readEntry reads a small entry after checking its declared size, never
// reading more than MaxPlistSize bytes.
func readEntry(f *zip.File) ([]byte, error) {
	if f.UncompressedSize64 > MaxPlistSize {
		return nil, fmt.Errorf("declared size %d exceeds %d bytes", f.UncompressedSize64, MaxPlistSize)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, MaxPlistSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxPlistSize {
		return nil, fmt.Errorf("entry larger than %d bytes", MaxPlistSize)
	}
	return b, nil
}

func parseInfo(data []byte) (*App, error) {
	var root map[string]any
	if err := artifacts.DecodePlist(data, &root); err != nil {
		return nil, err
	}
	if root == nil {
		return nil, errors.New("Info.plist root is not a dictionary")
	}
	str := func(keys ...string) string {
		for _, k := range keys {
			if s, ok := root[k].(string); ok && s != "" {
				if len(s) > artifacts.MaxString {
					s = strings.ToValidUTF8(s[:artifacts.MaxString], "")
				}
				return s
			}
		}
		return ""
	}
	app := &App{
		BundleID:   str("CFBundleIdentifier"),
		Name:       str("CFBundleDisplayName", "CFBundleName"),
		Version:    str("CFBundleShortVersionString", "CFBundleVersion"),
		MinOS:      str("MinimumOSVersion"),
		AdMobAppID: str("GADApplicationIdentifier"),
	}
	perms := map[string]bool{}
	for k := range root {
		if !strings.HasPrefix(k, "NS") || !strings.Contains(k, "UsageDescription") || len(k) > 128 {
			continue
		}
		app.UsageKeys = append(app.UsageKeys, k)
		if p := UsagePermission(k); p != "" {
			perms[p] = true
		}
		if k == "NSUserTrackingUsageDescription" {
			app.Tracking = true
		}
	}
	sort.Strings(app.UsageKeys)
	for p := range perms {
		app.Permissions = append(app.Permissions, p)
	}
	sort.Strings(app.Permissions)
	return app, nil
}
