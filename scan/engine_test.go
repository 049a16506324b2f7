package scan_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/devicescan/devicescan/scan"
	"github.com/devicescan/devicescan/scan/scantest"
)

func samplePolicy(t testing.TB) *scan.Policy {
	t.Helper()
	p, err := scan.ParsePolicy([]byte(scantest.PolicyYAML))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// findingsFor indexes findings by category and path.
func findingsFor(rep *scan.Report) map[string]scan.Finding {
	m := map[string]scan.Finding{}
	for _, f := range rep.Findings {
		k := string(f.Category) + " " + f.Path
		if f.Domain != "" {
			k = string(f.Category) + " " + f.Domain + "/" + f.Path
		}
		if f.App != nil && f.Path == "" {
			k += f.App.ID
		}
		m[k] = f
	}
	return m
}

func codes(f scan.Finding) []string {
	var out []string
	for _, r := range f.Reasons {
		out = append(out, r.Code)
	}
	return out
}

func checkExpect(t *testing.T, rep *scan.Report, exp []scantest.Expect) {
	t.Helper()
	got := findingsFor(rep)
	for _, e := range exp {
		f, ok := got[e.Category+" "+e.Path]
		if !ok {
			t.Errorf("missing %s finding for %s", e.Category, e.Path)
			continue
		}
		for _, c := range e.Codes {
			if !slices.Contains(codes(f), c) {
				t.Errorf("%s %s: reasons %v lack %q", e.Category, e.Path, codes(f), c)
			}
		}
		if f.Message == "" || f.Remedy == "" {
			t.Errorf("%s %s: empty message or remedy", e.Category, e.Path)
		}
	}
}

func TestAndroidStorageTree(t *testing.T) {
	dir := t.TempDir()
	exp, err := scantest.AndroidTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	before, err := scantest.Snapshot(dir)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := scan.Run(context.Background(), []string{dir}, scan.Options{Policy: samplePolicy(t), Inventory: true})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := scantest.Snapshot(dir)
	if d := scantest.Diff(before, after); len(d) > 0 {
		t.Errorf("scan changed the tree: %v", d)
	}
	if len(rep.Sources) != 1 || rep.Sources[0].Kind != scan.KindAndroidStorage || !rep.Sources[0].Complete {
		t.Fatalf("sources = %+v", rep.Sources)
	}
	checkExpect(t, rep, exp)

	// Negatives: nothing clinical about these.
	negatives := []string{
		"DCIM/Camera/IMG_20260801_150000.jpg", "DCIM/Camera/IMG_20261016_120500.jpg",
		"Pictures/Screenshots/Screenshot_20261017-101010.png", "Download/holiday/IMG_5001.jpg",
		"WhatsApp/Media/WhatsApp Images/IMG-20261018-WA0001.jpg", "Android/data/com.example.game/cache/icon.png",
		"WhatsApp/Databases/msgstore.db.crypt14",
	}
	got := findingsFor(rep)
	for _, p := range negatives {
		if f, ok := got["clinical-photo "+p]; ok {
			t.Errorf("false positive on %s: %v", p, codes(f))
		}
	}
	if _, ok := got["messaging-attachment WhatsApp/Databases/msgstore.db.crypt14"]; ok {
		t.Error("a WhatsApp database reported as an attachment")
	}
	// The hidden Sent folder is not visible to the gallery.
	sent := got["messaging-attachment WhatsApp/Media/WhatsApp Images/Sent/IMG-20261018-WA0002.jpg"]
	if sent.Messaging == nil || sent.Messaging.GalleryVisible == nil || *sent.Messaging.GalleryVisible {
		t.Errorf("Sent/ with .nomedia: messaging = %+v", sent.Messaging)
	}
	// The app.
	app := got["risky-app Download/FreeCam_Pro.apk"]
	if app.App == nil || app.App.ID != "com.example.freecam" || app.App.Free == nil || !*app.App.Free ||
		!slices.Contains(app.App.Permissions, "camera") || !slices.Contains(app.App.Permissions, "contacts") {
		t.Errorf("FreeCam app finding = %+v", app.App)
	}
	// Inventory: the workplace photo with its time and GPS.
	for _, inv := range rep.Inventory {
		if inv.Path == "DCIM/Camera/IMG_20261014_103211.jpg" {
			if inv.TakenAt != "2026-10-14T10:32:11+01:00" || inv.GPS == nil || inv.Make != "Google" {
				t.Errorf("inventory = %+v", inv)
			}
		}
	}
	if rep.Summary.Verdict != scan.VerdictActionNeeded || rep.ExitCode() != 1 {
		t.Errorf("verdict %s exit %d", rep.Summary.Verdict, rep.ExitCode())
	}
}

func TestPhotoFolderIsDirectory(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.png"), scantest.PNG(scantest.Screenshot(20, 20)), 0o644)
	rep, err := scan.Run(context.Background(), []string{dir}, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Sources[0].Kind != scan.KindDirectory || rep.Sources[0].Stats.Images != 1 {
		t.Errorf("source = %+v", rep.Sources[0])
	}
	if rep.Summary.Verdict != scan.VerdictClear || rep.ExitCode() != 0 {
		t.Errorf("verdict = %s", rep.Summary.Verdict)
	}
}

func TestMissingPathIsIncomplete(t *testing.T) {
	rep, err := scan.Run(context.Background(), []string{filepath.Join(t.TempDir(), "nope")}, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Verdict != scan.VerdictIncomplete || rep.ExitCode() != 2 {
		t.Errorf("verdict %s exit %d", rep.Summary.Verdict, rep.ExitCode())
	}
	if !strings.Contains(rep.Sources[0].Problems[0], "no such file") {
		t.Errorf("problem = %q", rep.Sources[0].Problems)
	}
}

func TestBackupWithoutManifestDBIsIncomplete(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "backup")
	if _, err := scantest.IPhoneBackup(dir, false); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "Manifest.db")); err != nil {
		t.Fatal(err)
	}
	rep, err := scan.Run(context.Background(), []string{dir}, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Sources[0].Kind != scan.KindIOSBackup || rep.Sources[0].Complete || rep.ExitCode() != 2 {
		t.Errorf("source %+v exit %d", rep.Sources[0], rep.ExitCode())
	}
}

func TestFolderOfBackupsAlsoScansTheRest(t *testing.T) {
	root := t.TempDir()
	if _, err := scantest.IPhoneBackup(filepath.Join(root, "00008120-000A1B2C3D4E5F60"), false); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(root, "IM000001"), scantest.DICOM("CT", "X^Y", "1", 8, 8, true), 0o644)
	rep, err := scan.Run(context.Background(), []string{root}, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Sources) != 2 || rep.Sources[0].Kind != scan.KindIOSBackup || rep.Sources[1].Kind != scan.KindDirectory {
		t.Fatalf("sources = %+v", rep.Sources)
	}
	if rep.Sources[1].Stats.Files != 1 {
		t.Errorf("the rest of the folder: %+v (the backup must not be walked twice)", rep.Sources[1].Stats)
	}
	if _, ok := findingsFor(rep)["clinical-photo IM000001"]; !ok {
		t.Error("the DICOM beside the backup was not found")
	}
}

func TestDICOMPatientIDIsAnIdentifier(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "IM000002"), scantest.DICOM("CT", "TEST^PATIENT", "9434765919", 8, 8, true), 0o644)
	rep, err := scan.Run(context.Background(), []string{dir}, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := findingsFor(rep)["clinical-photo IM000002"]
	if !slices.Contains(codes(f), "dicom") || !slices.Contains(codes(f), "patient-identifier") {
		t.Errorf("reasons = %v", codes(f))
	}
	for _, r := range f.Reasons {
		if strings.Contains(r.Detail, "9434765919") {
			t.Errorf("the full number is printed: %q", r.Detail)
		}
	}
}

func TestIconsAreNotRadiographs(t *testing.T) {
	dir := t.TempDir()
	// A grey symbol on a transparent background, as desktop and app icons are:
	// transparent pixels decode as black, which must not read as a scan's dark surround.
	icon := image.NewNRGBA(image.Rect(0, 0, 256, 256))
	for y := 64; y < 192; y++ {
		for x := 64; x < 192; x++ {
			icon.Set(x, y, color.NRGBA{150, 150, 150, 255})
		}
	}
	os.WriteFile(filepath.Join(dir, "printer.png"), encodePNG(t, icon), 0o644)
	small := scantest.RealImage("chest-cr")
	os.WriteFile(filepath.Join(dir, "tiny.png"), encodePNG(t, scanDown(small, 48)), 0o644)
	rep, err := scan.Run(context.Background(), []string{dir}, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 0 {
		t.Errorf("findings on an icon: %+v", rep.Findings)
	}
}

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// scanDown shrinks img to side x side by nearest neighbour.
func scanDown(img image.Image, side int) image.Image {
	b := img.Bounds()
	out := image.NewGray(image.Rect(0, 0, side, side))
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			out.Set(x, y, img.At(b.Min.X+x*b.Dx()/side, b.Min.Y+y*b.Dy()/side))
		}
	}
	return out
}
