package scan

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite scan/testdata/golden/*.golden from the current output")

func reportBoolPtr(b bool) *bool { return &b }

// Hostile names used by the fixture and the escaping tests.
const (
	hostileHTML  = "<script>alert(1)</script>.jpg"
	hostileANSI  = "\x1b[2J\x1b[31mIMG.jpg"
	hostileBytes = "IMG_\xff\xfe.jpg"
	hostileBidi  = "photo\u202egpj.exe"
	hostileCSV   = "=HYPERLINK(\"http://example.invalid/x\",\"click\")"
)

// goldenReport builds a Report touching every field and every category,
// with nil/true/false booleans, iOS domain paths and hostile names.
func goldenReport() *Report {
	long := "DCIM/" + strings.Repeat("very-long-folder-name/", 12) + "IMG_0001.JPG"
	r := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "devicescan", Version: "0.1.0-test"},
		Sources: []SourceReport{
			{
				Path: "/evidence/Backup/00008030-001A2B3C4D5E6F70", Kind: KindIOSBackup, Complete: true,
				Device: &DeviceInfo{
					Name: "Dr Smith's iPhone", Model: "iPhone14,2", OSVersion: "17.1",
					Serial: "F2LXK0ABCDEF", UDID: "00008030-001A2B3C4D5E6F70",
					PasscodeSet: reportBoolPtr(true), BackupEncrypted: reportBoolPtr(false), CloudBackupEnabled: nil,
				},
				Stats: Stats{Files: 1234, Images: 567, Skipped: 2},
			},
			{
				Path: "/evidence/sdcard", Kind: KindAndroidStorage, Complete: false,
				Problems: []string{"Android/data not readable: permission denied", "bad\x1bname in problem"},
				Device:   &DeviceInfo{Model: "Pixel 7", OSVersion: "14"},
				Stats:    Stats{Files: 42, Images: 10, Skipped: 21},
			},
		},
		Findings: []Finding{
			{
				Category: CategoryDevice, Severity: SeverityMedium, Source: 0,
				Reasons: []Reason{{Code: "no-cloud-backup-info", Detail: "cloud backup state unknown"}},
				Message: "The backup does not say whether iCloud Backup is on.", Remedy: "Check Settings > iCloud > iCloud Backup.",
			},
			{
				Category: CategoryClinicalPhoto, Severity: SeverityLow, Source: 1, Path: hostileCSV,
				Reasons: []Reason{{Code: ReasonClinicalKeyword, Detail: "file name mentions \"wound\""}},
				Cloud:   &Cloud{Synced: reportBoolPtr(false), Service: "google-photos", Evidence: "not in the Photos database"},
				Message: "-a photo whose name looks clinical", Remedy: "+Delete it if it is a patient photo.",
			},
			{
				Category: CategoryClinicalPhoto, Severity: SeverityHigh, Source: 0,
				Domain: "CameraRollDomain", Path: "Media/DCIM/100APPLE/IMG_0001.JPG",
				Reasons: []Reason{
					{Code: ReasonWorkplaceLocation, Detail: "inside St Elsewhere General (120 m)"},
					{Code: ReasonRadiograph, Detail: "greyscale, high contrast, film-like histogram"},
				},
				Cloud:   &Cloud{Synced: reportBoolPtr(true), Service: "icloud-photos", Evidence: "iCloud Photos is on"},
				Message: "A photo taken at work that looks like an X-ray.", Remedy: "Move it to the clinical record system, then delete it from the phone and iCloud.",
				Thumbnail: []byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0xFF, 0xD9},
			},
			{
				Category: CategoryClinicalPhoto, Severity: SeverityHigh, Source: 0,
				Domain: "CameraRollDomain", Path: hostileHTML,
				Reasons: []Reason{{Code: ReasonDICOM, Detail: "DICM magic at offset 128"}},
				Cloud:   &Cloud{Synced: nil},
				Message: "A DICOM image.", Remedy: "Delete it.",
				Thumbnail: []byte("not a jpeg"),
			},
			{
				Category: CategoryClinicalPhoto, Severity: SeverityMedium, Source: 1, Path: hostileANSI,
				Reasons: []Reason{{Code: ReasonSkinCloseup, Detail: "78% skin tones"}},
				Message: "A skin close-up.", Remedy: "Review it.",
			},
			{
				Category: CategoryClinicalPhoto, Severity: SeverityMedium, Source: 1, Path: hostileBytes,
				Reasons: []Reason{{Code: ReasonPatientIdentifier, Detail: "NHS number 943 476 5919 in EXIF comment"}},
				Message: "A photo with a patient identifier.", Remedy: "Delete it.",
			},
			{
				Category: CategoryClinicalPhoto, Severity: SeverityInfo, Source: 1, Path: long,
				Reasons: nil,
				Message: "A very long path.", Remedy: "",
			},
			{
				Category: CategoryMessagingAttachment, Severity: SeverityHigh, Source: 0,
				Domain: "AppDomainGroup-group.net.whatsapp.WhatsApp.shared", Path: "Message/Media/447700900123@s.whatsapp.net/a/b/photo.jpg",
				Reasons:   []Reason{{Code: ReasonWorkplaceLocation, Detail: "inside St Elsewhere General (40 m)"}},
				Messaging: &Messaging{App: "WhatsApp", Direction: "received", Chat: "Ward 7 team", GalleryVisible: reportBoolPtr(true)},
				Cloud:     &Cloud{Synced: reportBoolPtr(true), Service: "icloud-backup"},
				Message:   "A clinical photo received on WhatsApp.", Remedy: "Delete it from the chat and the gallery.",
			},
			{
				Category: CategoryRiskyApp, Severity: SeverityMedium, Source: 1, Path: "app/com.example.freecam-1/base.apk",
				Reasons: []Reason{{Code: "camera-ads", Detail: "free camera app with advertising SDKs"}},
				App: &AppInfo{
					ID: "com.example.freecam", Name: "FreeCam Pro", Version: "2.1",
					Permissions: []string{"camera", "contacts", "location"}, Granted: reportBoolPtr(true),
					Free: reportBoolPtr(true), AdSDKs: []string{"Google AdMob", "@evil"},
					Trackers: []string{"Firebase Analytics"}, Evidence: []string{"no billing permission"},
				},
				Message: "A free camera app with ads can read your photos.", Remedy: "Uninstall it.",
			},
			{
				Category: CategoryRiskyApp, Severity: SeverityLow, Source: 1,
				App:     &AppInfo{ID: "org.example.notes", Name: hostileBidi, Permissions: nil, Granted: nil, Free: reportBoolPtr(false), AdSDKs: nil},
				Message: "A notes app with storage access.", Remedy: "Check what it syncs.",
			},
		},
		Inventory: []InventoryItem{
			{Source: 0, Domain: "CameraRollDomain", Path: "Media/DCIM/100APPLE/IMG_0001.JPG", Type: "jpeg", Size: 2048,
				TakenAt: "2026-10-14T10:32:11+01:00", Make: "Apple", Model: "iPhone 13 Pro", GPS: &LatLon{Lat: 51.5175, Lon: -0.1735}},
			{Source: 1, Path: "DCIM/Camera/x.heic", Type: "heic", Size: 99},
		},
		Summary: Summary{
			Verdict: VerdictIncomplete, FailOn: SeverityLow,
			Counts: map[string]int{"findings": 10, "high": 3, "medium": 4, "low": 2, "info": 1,
				"clinical-photo": 6, "messaging-attachment": 1, "risky-app": 2, "device": 1, "skipped": 23, "files": 1276, "zz-extra": 7},
		},
	}
	r.Skipped = append(r.Skipped,
		Skipped{Source: 0, Domain: "HomeDomain", Path: "Library/SMS/sms.db", Error: "file not in backup"},
		Skipped{Source: 0, Path: hostileHTML, Error: "truncated JPEG"},
	)
	for i := 0; i < 21; i++ {
		r.Skipped = append(r.Skipped, Skipped{Source: 1, Path: "DCIM/broken/" + strings.Repeat("x", i) + ".jpg", Error: "EOF"})
	}
	return r
}

// checkGolden compares got with testdata/golden/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./scan -run Golden -update)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs at line %d:\n got: %q\nwant: %q\n(run with -update if the change is intended)", name, i+1, g, w)
			}
		}
		t.Fatalf("%s differs", name)
	}
}

func TestReportGolden(t *testing.T) {
	cases := []struct {
		golden string
		format Format
		opts   WriteOptions
		report func() *Report
	}{
		{"report.txt.golden", FormatText, WriteOptions{}, goldenReport},
		{"report_color_w60.txt.golden", FormatText, WriteOptions{Color: true, Width: 60}, goldenReport},
		{"report.json.golden", FormatJSON, WriteOptions{}, goldenReport},
		{"report.csv.golden", FormatCSV, WriteOptions{}, goldenReport},
		{"report.html.golden", FormatHTML, WriteOptions{}, goldenReport},
		{"report_thumbs.html.golden", FormatHTML, WriteOptions{Thumbnails: true}, goldenReport},
		{"empty.txt.golden", FormatText, WriteOptions{}, emptyReport},
		{"empty.json.golden", FormatJSON, WriteOptions{}, emptyReport},
		{"empty.csv.golden", FormatCSV, WriteOptions{}, emptyReport},
		{"empty.html.golden", FormatHTML, WriteOptions{}, emptyReport},
	}
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			r := c.report()
			var buf bytes.Buffer
			if err := WriteReport(&buf, r, c.format, c.opts); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, c.golden, buf.Bytes())
			// Same bytes a second time (no map order, no clock).
			var again bytes.Buffer
			if err := WriteReport(&again, c.report(), c.format, c.opts); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), again.Bytes()) {
				t.Fatal("output differs between two runs")
			}
		})
	}
}

// emptyReport is a clear scan of one folder with nil slices everywhere.
func emptyReport() *Report {
	return &Report{
		Tool:    Tool{Name: "devicescan", Version: "0.1.0-test"},
		Sources: []SourceReport{{Path: "/photos", Kind: KindDirectory, Complete: true, Stats: Stats{Files: 3, Images: 3}}},
		Summary: Summary{Verdict: VerdictClear, Counts: map[string]int{"findings": 0}},
	}
}

func TestWriteReportDoesNotChangeReport(t *testing.T) {
	for _, f := range Formats {
		r := goldenReport()
		r.Findings[0].Reasons = nil
		before := len(r.Findings)
		if err := WriteReport(new(bytes.Buffer), r, f, WriteOptions{Thumbnails: true}); err != nil {
			t.Fatal(err)
		}
		if r.Findings[0].Reasons != nil || len(r.Findings) != before || r.Findings[0].Category != CategoryDevice {
			t.Fatalf("%s: WriteReport changed the report", f)
		}
	}
}

func TestWriteReportErrors(t *testing.T) {
	if err := WriteReport(new(bytes.Buffer), nil, FormatText, WriteOptions{}); err == nil {
		t.Error("nil report: no error")
	}
	if err := WriteReport(new(bytes.Buffer), goldenReport(), "pdf", WriteOptions{}); err == nil {
		t.Error("unknown format: no error")
	}
	for _, f := range Formats {
		if err := WriteReport(reportFailWriter{}, goldenReport(), f, WriteOptions{}); err == nil {
			t.Errorf("%s: write error not returned", f)
		}
	}
}

type reportFailWriter struct{}

func (reportFailWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

func TestParseFormat(t *testing.T) {
	cases := []struct {
		in   string
		want Format
		ok   bool
	}{
		{"text", FormatText, true},
		{"", FormatText, true},
		{"JSON", FormatJSON, true},
		{" csv ", FormatCSV, true},
		{"html", FormatHTML, true},
		{"pdf", "", false},
		{"htm", "", false},
	}
	for _, c := range cases {
		got, err := ParseFormat(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseFormat(%q) = %q, %v", c.in, got, err)
		}
	}
}

func TestCreateReportFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("unix permission bits")
	}
	dir := t.TempDir()
	cases := []struct {
		name     string
		existing os.FileMode // 0: no file before
	}{
		{"new.json", 0},
		{"existing644.json", 0o644},
		{"existing666.json", 0o666},
		{"existing600.json", 0o600},
		{"existing400.json", 0o400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, c.name)
			if c.existing != 0 {
				if err := os.WriteFile(p, []byte("old content that must go"), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(p, c.existing); err != nil {
					t.Fatal(err)
				}
			}
			f, err := CreateReportFile(p)
			if c.existing == 0o400 && os.Geteuid() != 0 {
				if err == nil {
					f.Close()
					t.Fatal("read-only file opened for writing")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.WriteString("new"); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if perm := fi.Mode().Perm(); perm&^0o600 != 0 {
				t.Errorf("mode %v, want no bits beyond 0600", perm)
			}
			if c.existing != 0o400 && fi.Mode().Perm() != 0o600 {
				t.Errorf("mode %v, want 0600", fi.Mode().Perm())
			}
			if b, _ := os.ReadFile(p); string(b) != "new" {
				t.Errorf("content %q, want truncated to %q", b, "new")
			}
		})
	}
	if _, err := CreateReportFile(dir); err == nil {
		t.Error("directory accepted")
	}
	if _, err := CreateReportFile(""); err == nil {
		t.Error("empty path accepted")
	}
}

func TestReportSafe(t *testing.T) {
	cases := []struct{ in, want string }{
		{"IMG_0001.JPG", "IMG_0001.JPG"},
		{"Ärzte Foto.jpg", "Ärzte Foto.jpg"},
		{"\x1b[2J", `"\x1b[2J"`},
		{"a\nb", `"a\nb"`},
		{"tab\there", `"tab\there"`},
		{"\xff\xfe", `"\xff\xfe"`},
		{"photo\u202egpj.exe", `"photo\u202egpj.exe"`},
		{"c1\u009bcontrol", `"c1\u009bcontrol"`},
		{`quote"ok`, `quote"ok`},
	}
	for _, c := range cases {
		if got := reportSafe(c.in); got != c.want {
			t.Errorf("reportSafe(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzReportWriters feeds hostile strings into every untrusted field and
// checks each format keeps its promises: text without control characters,
// CSV that parses back with one row per finding and no formula cell, HTML
// without an injected element, valid JSON.
func FuzzReportWriters(f *testing.F) {
	f.Add(hostileHTML, hostileANSI, hostileCSV, 40)
	f.Add(hostileBytes, hostileBidi, "-1", 0)
	f.Add("a\nb\rc", "\t@x", "\"quoted\",cell", 200)
	f.Add(strings.Repeat("é", 300), "</td></tr></table><img src=x onerror=alert(1)>", "{{.}}", 55)
	f.Fuzz(func(t *testing.T, name, text, other string, width int) {
		r := goldenReport()
		r.Sources[0].Path = name
		r.Sources[1].Problems = []string{text}
		r.Sources[0].Device.Name = other
		r.Findings[0].Path = name
		r.Findings[0].Domain = other
		r.Findings[1].Message = text
		r.Findings[1].Reasons = append(r.Findings[1].Reasons, Reason{Code: other, Detail: text})
		r.Findings[8].App.Name = name
		r.Findings[8].App.AdSDKs = []string{text, other}
		r.Findings[7].Messaging.Chat = text
		r.Skipped[0].Path = name
		r.Skipped[0].Error = text
		r.Summary.Counts[other] = 1
		for _, format := range Formats {
			var buf bytes.Buffer
			if err := WriteReport(&buf, r, format, WriteOptions{Width: width % 300, Thumbnails: true}); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			out := buf.String()
			switch format {
			case FormatText:
				for _, c := range out {
					if c != '\n' && (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
						t.Fatalf("text: control character %U", c)
					}
				}
				if !utf8.ValidString(out) {
					t.Fatal("text: invalid UTF-8")
				}
			case FormatCSV:
				rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
				if err != nil {
					t.Fatalf("csv: %v", err)
				}
				if len(rows) != 1+len(r.Findings) {
					t.Fatalf("csv: %d rows", len(rows))
				}
				for _, row := range rows {
					for _, cell := range row {
						if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
							t.Fatalf("csv: formula cell %q", cell)
						}
					}
				}
			case FormatHTML:
				if n := strings.Count(out, "<script"); n != 1 {
					t.Fatalf("html: %d script tags", n)
				}
				if strings.Contains(out, "<img src=x") {
					t.Fatal("html: injected element")
				}
				if msg := htmlBalanced(out); msg != "" {
					t.Fatalf("html: %s", msg)
				}
			case FormatJSON:
				if !json.Valid(buf.Bytes()) {
					t.Fatal("json: invalid")
				}
			}
		}
	})
}

// FuzzTextWrap checks that wrapping never loses a character or exceeds the width.
func FuzzTextWrap(f *testing.F) {
	f.Add("one two three four", 10, 12)
	f.Add(strings.Repeat("x", 100), 5, 50)
	f.Add("a  b   c", 10, 10)
	f.Fuzz(func(t *testing.T, s string, first, rest int) {
		if !utf8.ValidString(s) || strings.ContainsAny(s, "\n") {
			return
		}
		first, rest = first%200, rest%200
		lines := textWrap(s, first, rest)
		fw, rw := max(first, 10), max(rest, 10)
		for i, l := range lines {
			w := rw
			if i == 0 {
				w = fw
			}
			if n := utf8.RuneCountInString(l); n > w {
				t.Fatalf("line %d has %d runes > %d", i, n, w)
			}
		}
		norm := func(x string) string { return strings.Join(strings.Fields(x), "") }
		if norm(strings.Join(lines, "")) != norm(s) {
			t.Fatalf("characters lost: %q -> %q", s, lines)
		}
	})
}

func ExampleWriteReport() {
	yes := true
	r := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "devicescan", Version: "1.0.0"},
		Sources: []SourceReport{{
			Path: "/backups/00008030-001A2B3C4D5E6F70", Kind: KindIOSBackup, Complete: true,
			Device: &DeviceInfo{Name: "Ward iPhone", Model: "iPhone14,2", OSVersion: "17.1", PasscodeSet: &yes},
			Stats:  Stats{Files: 812, Images: 240},
		}},
		Findings: []Finding{{
			Category: CategoryClinicalPhoto, Severity: SeverityHigh,
			Domain: "CameraRollDomain", Path: "Media/DCIM/100APPLE/IMG_0042.JPG",
			Reasons: []Reason{{Code: ReasonWorkplaceLocation, Detail: "inside St Elsewhere General (120 m)"}},
			Cloud:   &Cloud{Synced: &yes, Service: "icloud-photos"},
			Message: "A photo taken at work.", Remedy: "Move it to the clinical record, then delete it.",
		}},
		Summary: Summary{Verdict: VerdictActionNeeded, Counts: map[string]int{"findings": 1, "high": 1}},
	}
	if err := WriteReport(os.Stdout, r, FormatText, WriteOptions{Width: 80}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// devicescan 1.0.0 report
	//
	// Sources
	//   [0] ios-backup  /backups/00008030-001A2B3C4D5E6F70
	//       Device: Ward iPhone, iPhone14,2, iOS 17.1
	//       Passcode set: yes; backup encrypted: unknown; cloud backup: unknown
	//       812 files, 240 images, 0 skipped
	//       Read completely.
	//
	// VERDICT: ACTION NEEDED - 1 finding (1 high)
	//
	// == Clinical photos (1) ==
	//
	// [HIGH] CameraRollDomain: Media/DCIM/100APPLE/IMG_0042.JPG
	//     A photo taken at work.
	//     - workplace-location: inside St Elsewhere General (120 m)
	//     Cloud: synced (icloud-photos)
	//     Remedy: Move it to the clinical record, then delete it.
	//
	// Totals: 1 source, 812 files, 240 images, 0 skipped, 1 finding
	//         clinical-photo 1
}
