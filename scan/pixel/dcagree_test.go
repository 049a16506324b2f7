package pixel_test

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/devicescan/devicescan/scan/pixel"
	"github.com/devicescan/devicescan/scan/pixel/jpegdc"
)

var dcAgreeAll = flag.Bool("dc-agree-all", false, "TestDCAgreement: upscale every calibration image (about 50 s of CPU), not every 5th")

// TestDCAgreement compares the verdicts of pixel.Analyze on a full
// image/jpeg decode with those on jpegdc's reduced decodes, for every JPEG
// of testdata/calib (manifest.csv: file,label,signal,split,origin,licence,
// synthetic,cues).
//
// The calibration files are thumbnails (longest side <= 160 px), so two
// sources are measured:
//
//   - native: the thumbnail itself (jpegdc gives 20 px at scale 8 and 40 px
//     at scale 4: too small, shown only to back the recommendation to
//     decode small files in full);
//   - x8: the thumbnail's full decode upscaled 8x (bilinear, up to 1280 px,
//     like a photo without EXIF thumbnail) and re-encoded by image/jpeg at
//     quality 85 (4:2:0, or grey): the full decode of that file
//     (downscaled by Analyze to 256 px) against jpegdc at scale 8 (160 px)
//     and 4 (320 px).
//
// and x8-same-size: jpegdc at scale 8 against the full decode of the x8
// file box-downscaled (pixel.Downscale) to the same 160 px.
//
// It fails when x8 agreement at scale 4, or x8-same-size agreement at
// scale 8, drops below 95% for either signal. The x8 rows cost about 0.1 s
// of CPU per image, so by default they run on every 5th manifest row
// (-dc-agree-all for all of them; the package doc of jpegdc quotes the
// full run); with -short only the native rows run.
func TestDCAgreement(t *testing.T) {
	const dir = "testdata/calib"
	b, err := os.ReadFile(filepath.Join(dir, "manifest.csv"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 2 || len(recs[0]) < 8 || recs[0][0] != "file" || recs[0][7] != "cues" {
		t.Fatalf("manifest header %v", recs[0])
	}
	type row struct {
		file, label, signal string
		cues                pixel.Cues
	}
	var rows []row
	for _, r := range recs[1:] {
		if !strings.HasSuffix(strings.ToLower(r[0]), ".jpg") {
			continue
		}
		var c pixel.Cues
		for _, f := range strings.Split(r[7], ";") {
			switch f {
			case "flash":
				c.FlashFired = true
			case "close":
				c.CloseRange = true
			}
		}
		rows = append(rows, row{r[0], r[1], r[2], c})
	}

	type verdict struct{ rad, skin bool }
	analyze := func(img image.Image, c pixel.Cues) verdict {
		res := pixel.Analyze(img, c)
		return verdict{res.Signals[0].Hit, res.Signals[1].Hit}
	}
	// One measurement: a source kind and a scale.
	type key struct {
		source string
		scale  int
	}
	type tally struct {
		n, radAgree, skinAgree, radFull, radDC int
		disagree                               []string
	}
	var (
		mu   sync.Mutex
		tabs = map[key]*tally{}
	)
	record := func(k key, file string, size image.Point, full, dc verdict, dcSize image.Point) {
		mu.Lock()
		defer mu.Unlock()
		tb := tabs[k]
		if tb == nil {
			tb = &tally{}
			tabs[k] = tb
		}
		tb.n++
		if full.rad == dc.rad {
			tb.radAgree++
		}
		if full.skin == dc.skin {
			tb.skinAgree++
		}
		if full.rad {
			tb.radFull++
		}
		if dc.rad {
			tb.radDC++
		}
		if full != dc {
			tb.disagree = append(tb.disagree, fmt.Sprintf("%s %dx%d (reduced %dx%d): full rad=%v skin=%v, reduced rad=%v skin=%v",
				file, size.X, size.Y, dcSize.X, dcSize.Y, full.rad, full.skin, dc.rad, dc.skin))
		}
	}
	compare := func(source, file string, data []byte, full image.Image, c pixel.Cues) {
		fv := analyze(full, c)
		for _, s := range []int{8, 4} {
			img, info, err := jpegdc.DecodeBytes(data, jpegdc.Options{Scale: s})
			if err != nil {
				t.Errorf("%s %s scale %d: %v", source, file, s, err)
				return
			}
			dv := analyze(img, c)
			record(key{source, info.Scale}, file, full.Bounds().Size(), fv, dv, img.Bounds().Size())
			if source == "x8" && info.Scale == 8 {
				// Same-size reference: the full decode box-downscaled to
				// jpegdc's size, to tell decoding error from Analyze's
				// dependence on resolution.
				ss := img.Bounds().Size()
				small := pixel.Downscale(full, max(ss.X, ss.Y))
				record(key{"x8-same-size", 8}, file, full.Bounds().Size(), analyze(small, c), dv, ss)
			}
		}
	}

	work := func(i int, r row) {
		data, err := os.ReadFile(filepath.Join(dir, r.file))
		if err != nil {
			// A file missing from the manifest is TestCalibration's
			// business (and the set may be being regenerated).
			t.Logf("%s: %v (skipped)", r.file, err)
			return
		}
		full, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			t.Logf("%s: image/jpeg: %v (skipped)", r.file, err)
			return
		}
		compare("native", r.file, data, full, r.cues)
		if testing.Short() || (!*dcAgreeAll && i%5 != 0) {
			return
		}
		big := upscale(full, 8)
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, big, &jpeg.Options{Quality: 85}); err != nil {
			t.Error(err)
			return
		}
		bigFull, err := jpeg.Decode(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Error(err)
			return
		}
		compare("x8", r.file, buf.Bytes(), bigFull, r.cues)
	}
	type job struct {
		i int
		r row
	}
	ch := make(chan job)
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for j := range ch {
				work(j.i, j.r)
			}
		})
	}
	for i, r := range rows {
		ch <- job{i, r}
	}
	close(ch)
	wg.Wait()

	var out strings.Builder
	out.WriteString("\n| source | scale | images | radiograph agree | skin-closeup agree | radiograph hits full / reduced |\n|---|---:|---:|---:|---:|---:|\n")
	for _, k := range []key{{"native", 8}, {"native", 4}, {"x8", 8}, {"x8", 4}, {"x8-same-size", 8}} {
		tb := tabs[k]
		if tb == nil {
			continue
		}
		fmt.Fprintf(&out, "| %s | %d | %d | %d (%.1f%%) | %d (%.1f%%) | %d / %d |\n", k.source, k.scale, tb.n,
			tb.radAgree, pct(tb.radAgree, tb.n), tb.skinAgree, pct(tb.skinAgree, tb.n), tb.radFull, tb.radDC)
	}
	t.Log(out.String())
	for _, k := range []key{{"x8", 8}, {"x8", 4}, {"x8-same-size", 8}} {
		tb := tabs[k]
		if tb == nil {
			continue
		}
		for _, d := range tb.disagree {
			t.Logf("%s scale %d disagreement: %s", k.source, k.scale, d)
		}
		// Gated: scale 4 against the full path (the recommendation for
		// 1024-2047 px sources) and scale 8 against a full decode at the
		// same size (decoder fidelity; with >= 2048 px sources both paths
		// analyse 256 px). x8 scale 8 against the full path compares 160
		// with 256 px analyses: logged only.
		if k == (key{"x8", 8}) {
			continue
		}
		if pct(tb.radAgree, tb.n) < 95 || pct(tb.skinAgree, tb.n) < 95 {
			t.Errorf("%s scale %d: agreement below 95%%", k.source, k.scale)
		}
	}
	if tb := tabs[key{"native", 8}]; tb != nil {
		t.Logf("native scale 8: %d disagreements (not gated: 20 px is below what Analyze was tuned for)", len(tb.disagree))
	}
}

func pct(a, n int) float64 {
	if n == 0 {
		return 100
	}
	return 100 * float64(a) / float64(n)
}

// upscale enlarges img k times with bilinear interpolation (pixel centres
// aligned), plane by plane: *image.Gray stays grey, *image.YCbCr becomes
// 4:4:4 (fast for image/jpeg's encoder), anything else is converted to
// RGBA first.
func upscale(img image.Image, k int) image.Image {
	b := img.Bounds()
	W, H := b.Dx()*k, b.Dy()*k
	switch m := img.(type) {
	case *image.Gray:
		return &image.Gray{Pix: resample(m.Pix, m.Stride, b.Dx(), b.Dy(), W, H), Stride: W, Rect: image.Rect(0, 0, W, H)}
	case *image.YCbCr:
		if b.Min == (image.Point{}) {
			cw, ch := m.CStride, len(m.Cb)/max(m.CStride, 1)
			// Chroma planes are ceil-sized: use the part that covers the image.
			out := image.NewYCbCr(image.Rect(0, 0, W, H), image.YCbCrSubsampleRatio444)
			out.Y = resample(m.Y, m.YStride, b.Dx(), b.Dy(), W, H)
			out.Cb = resample(m.Cb, m.CStride, cw, ch, W, H)
			out.Cr = resample(m.Cr, m.CStride, cw, ch, W, H)
			return out
		}
	}
	rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Src)
	return upscale(jpegRoundTrip(rgba), k)
}

// jpegRoundTrip turns an unusual image type into a YCbCr one.
func jpegRoundTrip(img image.Image) image.Image {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 100}); err != nil {
		panic(err)
	}
	out, err := jpeg.Decode(&buf)
	if err != nil {
		panic(err)
	}
	return out
}

// resample scales a w x h plane to W x H bilinearly.
func resample(src []byte, stride, w, h, W, H int) []byte {
	dst := make([]byte, W*H)
	// Source coordinate of destination pixel i, in 1/256:
	// (i + 0.5) * n / N - 0.5.
	coord := func(i, n, N int) (int, int, int) {
		f := ((2*i+1)*n*256)/(2*N) - 128
		if f < 0 {
			f = 0
		}
		i0 := f >> 8
		if i0 >= n-1 {
			return n - 1, n - 1, 0
		}
		return i0, i0 + 1, f & 255
	}
	xs0, xs1, fx := make([]int, W), make([]int, W), make([]int, W)
	for x := range W {
		xs0[x], xs1[x], fx[x] = coord(x, w, W)
	}
	for y := range H {
		y0, y1, fy := coord(y, h, H)
		r0, r1 := src[y0*stride:], src[y1*stride:]
		o := dst[y*W : y*W+W]
		for x := range o {
			a, bb, f := xs0[x], xs1[x], fx[x]
			top := int(r0[a])*(256-f) + int(r0[bb])*f
			bot := int(r1[a])*(256-f) + int(r1[bb])*f
			o[x] = uint8((top*(256-fy) + bot*fy + 1<<15) >> 16)
		}
	}
	return dst
}
