package exif_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/devicescan/devicescan/exif"
	"github.com/devicescan/devicescan/exif/exiftest"
)

// exiftoolJSON runs exiftool -j -n with the given tag arguments on files
// and returns one map per file keyed by SourceFile. Skips without exiftool.
func exiftoolJSON(t *testing.T, tags []string, files []string) map[string]map[string]any {
	t.Helper()
	if testing.Short() {
		t.Skip("exiftool oracle skipped in -short mode")
	}
	bin, err := exec.LookPath("exiftool")
	if err != nil {
		t.Skip("exiftool not installed (apt-get install libimage-exiftool-perl)")
	}
	args := append(append([]string{"-j", "-n"}, tags...), files...)
	out, err := exec.Command(bin, args...).Output()
	if err != nil && len(out) == 0 {
		t.Fatalf("exiftool: %v", err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(out, &rows); err != nil {
		t.Fatalf("exiftool json: %v", err)
	}
	res := map[string]map[string]any{}
	for _, r := range rows {
		res[fmt.Sprint(r["SourceFile"])] = r
	}
	return res
}

func goexifSamples(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/rwcarlsen/goexif").Output()
	dir := filepath.Join(strings.TrimSpace(string(out)), "exif", "samples")
	if err != nil || strings.TrimSpace(string(out)) == "" {
		t.Skip("goexif module not in the module cache")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skip("goexif samples missing")
	}
	return dir
}

// exifDate parses exiftool's "YYYY:MM:DD HH:MM:SS" as a UTC wall clock.
func exifDate(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok || len(s) < 19 {
		return time.Time{}, false
	}
	tm, err := time.Parse("2006:01:02 15:04:05", s[:19])
	return tm, err == nil
}

func wall(t time.Time) string { return t.Format("2006-01-02 15:04:05") }

// Documented differences between this reader and exiftool on goexif's samples.
var oracleExceptions = map[string]string{
	// GPSLatitude/GPSLongitude are ASCII strings "52,00000,50,00000,34,01180"
	// instead of three rationals. exiftool takes the first three numbers as
	// degrees, minutes, seconds (52 0 50); the text is more plausibly
	// num,den pairs (52 50 34.0118). We refuse to guess: GPS is nil.
	"geodegrees_as_string.jpg GPS": "GPS stored as ASCII text",
	// IFD0 Make is an empty string; Make/Model are only in the Exif IFD.
	// exiftool -EXIF:Make reports the (empty) IFD0 one, we fall back to the
	// Exif IFD value "HTC" (exiftool -ExifIFD:Make agrees).
	"geodegrees_as_string.jpg Make": "Make only in the Exif IFD",
}

// TestOracleGoexifSamples compares TakenAt (wall clock), GPS, Make and Model
// with exiftool for every JPEG in goexif's samples directory.
func TestOracleGoexifSamples(t *testing.T) {
	dir := goexifSamples(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*.jpg"))
	if len(files) == 0 {
		t.Skip("no samples")
	}
	sort.Strings(files)
	// goexif's samples are EXIF-only stubs: SOI, the Exif APP1 and then
	// cut-off bytes. exiftool refuses them as a whole ("JPEG format error",
	// no tags at all), so it reads a copy that keeps the complete leading
	// segments and ends with EOI. Our reader reads the original.
	tmp := t.TempDir()
	copies := make([]string, len(files))
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		copies[i] = filepath.Join(tmp, filepath.Base(f))
		if err := os.WriteFile(copies[i], completeSegments(b), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ref := exiftoolJSON(t, []string{"-EXIF:DateTimeOriginal", "-EXIF:CreateDate", "-EXIF:ModifyDate",
		"-GPSLatitude", "-GPSLongitude", "-EXIF:Make", "-EXIF:Model"}, copies)
	checked := 0
	for i, f := range files {
		base := filepath.Base(f)
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, rerr := exif.Read(bytes.NewReader(b), int64(len(b)))
		want := ref[copies[i]]
		if want == nil {
			t.Errorf("%s: exiftool gave no row", base)
			continue
		}
		var problems []string
		tolerated := 0
		report := func(field, format string, args ...any) {
			msg := field + " " + fmt.Sprintf(format, args...)
			if why, ok := oracleExceptions[base+" "+field]; ok {
				t.Logf("%s: tolerated (%s): %s", base, why, msg)
				tolerated++
				return
			}
			problems = append(problems, msg)
		}
		if m == nil {
			report("Read", "error %v", rerr)
			m = &exif.Metadata{}
		}
		// Expected TakenAt: DateTimeOriginal, then CreateDate, then ModifyDate.
		var wantT time.Time
		for _, k := range []string{"DateTimeOriginal", "CreateDate", "ModifyDate"} {
			if tm, ok := exifDate(want[k]); ok {
				wantT = tm
				break
			}
		}
		if wall(wantT) != wall(m.TakenAt) && !(wantT.IsZero() && m.TakenAt.IsZero()) {
			report("TakenAt", "%s, exiftool %s", wall(m.TakenAt), wall(wantT))
		}
		lat, okLat := want["GPSLatitude"].(float64)
		lon, okLon := want["GPSLongitude"].(float64)
		switch {
		case okLat && okLon:
			if m.GPS == nil || math.Abs(m.GPS.Lat-lat) > 1e-5 || math.Abs(m.GPS.Lon-lon) > 1e-5 {
				report("GPS", "%+v, exiftool %v,%v", m.GPS, lat, lon)
			}
		case m.GPS != nil:
			report("GPS", "%+v, exiftool none (%v, %v)", *m.GPS, want["GPSLatitude"], want["GPSLongitude"])
		}
		for _, s := range []struct{ k, got string }{{"Make", m.Make}, {"Model", m.Model}} {
			w := strings.TrimSpace(fmt.Sprint(want[s.k]))
			if want[s.k] == nil {
				w = ""
			}
			if w != s.got {
				report(s.k, "%q, exiftool %q", s.got, w)
			}
		}
		if len(problems) > 0 {
			t.Errorf("%s: %s", base, strings.Join(problems, "; "))
			continue
		}
		if tolerated == 0 {
			checked++
		}
	}
	t.Logf("%d/%d goexif samples agree with exiftool", checked, len(files))
}

// completeSegments keeps SOI and the marker segments that fit in b, stops
// at SOS or the first broken segment, and appends EOI.
func completeSegments(b []byte) []byte {
	p := 2
	for p+4 <= len(b) && b[p] == 0xFF && b[p+1] != 0xDA && b[p+1] != 0xD9 {
		n := int(b[p+2])<<8 | int(b[p+3])
		if n < 2 || p+2+n > len(b) {
			break
		}
		p += 2 + n
	}
	return append(append([]byte{}, b[:p]...), 0xFF, 0xD9)
}

// TestOracleExiftest checks that exiftool reads the files exiftest writes
// the same way this package does.
func TestOracleExiftest(t *testing.T) {
	if _, err := exec.LookPath("exiftool"); err != nil {
		t.Skip("exiftool not installed")
	}
	opts := map[string]exiftest.Options{}
	full := fullOptions()
	opts["full-II"] = full
	full.BigEndian = true
	opts["full-MM"] = full
	opts["south-west-nooffset"] = exiftest.Options{
		Make: "samsung", Model: "SM-G991B", TakenAt: time.Date(2024, 2, 29, 23, 59, 58, 0, time.UTC),
		GPS: &[2]float64{-33.8688, -70.6693}, Alt: ptr(-3.25), Flash: ptr(16), UserComment: "Zürich", UserCommentCharset: "UNICODE",
		XMPFirst: true, Width: 100, Height: 80,
	}
	tmp := t.TempDir()
	var files []string
	type gen struct {
		file   string
		format string
		o      exiftest.Options
	}
	gens := map[string]gen{}
	for name, o := range opts {
		for _, w := range writers[:3] { // jpeg, heic, png
			b, err := w.fn(o)
			if err != nil {
				t.Fatal(err)
			}
			f := filepath.Join(tmp, name+"."+w.name)
			if err := os.WriteFile(f, b, 0o600); err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
			gens[f] = gen{f, w.format, o}
		}
	}
	sort.Strings(files)
	ref := exiftoolJSON(t, []string{"-DateTimeOriginal", "-OffsetTimeOriginal", "-SubSecTimeOriginal",
		"-GPSLatitude", "-GPSLongitude", "-GPSAltitude", "-Make", "-Model", "-LensModel", "-Software", "-Artist",
		"-ImageDescription", "-UserComment", "-XPComment", "-SubjectDistance", "-SubjectDistanceRange", "-Flash",
		"-FocalLength", "-FocalLengthIn35mmFormat", "-Orientation", "-ImageWidth", "-ImageHeight", "-ThumbnailLength"}, files)
	for _, f := range files {
		want := ref[f]
		b, _ := os.ReadFile(f)
		m, err := exif.Read(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		str := func(k string) string {
			if want[k] == nil {
				return ""
			}
			return strings.TrimSpace(fmt.Sprint(want[k]))
		}
		num := func(k string) float64 { v, _ := want[k].(float64); return v }
		iso := ""
		if tm, ok := exifDate(want["DateTimeOriginal"]); ok {
			iso = tm.Format("2006-01-02T15:04:05") + str("OffsetTimeOriginal")
		}
		checks := []struct {
			k         string
			got, want any
		}{
			{"TakenAt", m.TakenAtISO(), iso},
			{"Make", m.Make, str("Make")}, {"Model", m.Model, str("Model")}, {"LensModel", m.LensModel, str("LensModel")},
			{"Software", m.Software, str("Software")}, {"Artist", m.Artist, str("Artist")},
			{"ImageDescription", m.ImageDescription, str("ImageDescription")},
			{"UserComment", m.UserComment, str("UserComment")}, {"XPComment", m.XPComment, str("XPComment")},
			{"SubjectDistance", m.SubjectDistance, num("SubjectDistance")},
			{"SubjectDistanceRange", float64(m.SubjectDistanceRange), num("SubjectDistanceRange")},
			{"Flash", float64(m.Flash), num("Flash")}, {"FocalLength", m.FocalLength, num("FocalLength")},
			{"FocalLength35", float64(m.FocalLength35), num("FocalLengthIn35mmFormat")},
			{"Orientation", float64(m.Orientation), num("Orientation")},
			{"Width", float64(m.Width), num("ImageWidth")}, {"Height", float64(m.Height), num("ImageHeight")},
		}
		if ss := str("SubSecTimeOriginal"); ss != "" {
			checks = append(checks, struct {
				k         string
				got, want any
			}{"SubSec", fmt.Sprintf("%03d", m.TakenAt.Nanosecond()/1e6), (ss + "000")[:3]})
		}
		for _, c := range checks {
			if fmt.Sprint(c.got) != fmt.Sprint(c.want) {
				t.Errorf("%s: %s = %v, exiftool %v", filepath.Base(f), c.k, c.got, c.want)
			}
		}
		if m.GPS == nil || math.Abs(m.GPS.Lat-num("GPSLatitude")) > 1e-6 || math.Abs(m.GPS.Lon-num("GPSLongitude")) > 1e-6 ||
			m.GPS.Alt == nil || math.Abs(*m.GPS.Alt-num("GPSAltitude")) > 1e-6 {
			t.Errorf("%s: GPS %+v, exiftool %v %v %v", filepath.Base(f), m.GPS, want["GPSLatitude"], want["GPSLongitude"], want["GPSAltitude"])
		}
		if tl := num("ThumbnailLength"); tl > 0 && (m.Thumbnail == nil || float64(m.Thumbnail.Length) != tl) {
			t.Errorf("%s: thumbnail %+v, exiftool length %v", filepath.Base(f), m.Thumbnail, tl)
		}
	}
	t.Logf("%d generated files compared with exiftool", len(files))
}

// TestOracleRealHEIC compares pixel sizes of real HEIF files (the testdata
// of github.com/gen2brain/heic, when that module is in the module cache)
// with exiftool.
func TestOracleRealHEIC(t *testing.T) {
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Skip("go env failed")
	}
	files, _ := filepath.Glob(filepath.Join(strings.TrimSpace(string(out)), "github.com", "gen2brain", "heic@*", "testdata", "*.heic"))
	if len(files) == 0 {
		t.Skip("no gen2brain/heic testdata in the module cache")
	}
	ref := exiftoolJSON(t, []string{"-ImageWidth", "-ImageHeight", "-Make", "-Model", "-DateTimeOriginal"}, files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := exif.Read(bytes.NewReader(b), int64(len(b)))
		if m == nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		want := ref[f]
		got := fmt.Sprint(m.Width, m.Height, m.Make, m.Model)
		exp := fmt.Sprint(want["ImageWidth"], want["ImageHeight"], strOr(want["Make"]), strOr(want["Model"]))
		if got != exp || m.Format != "heic" {
			t.Errorf("%s: %s %q, exiftool %q (err %v)", filepath.Base(f), m.Format, got, exp, err)
		}
	}
}

func strOr(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}
