package jpegdc

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// convertJPEG runs ImageMagick's convert on src (any format it reads) with
// args and returns the JPEG it writes.
func convertJPEG(src []byte, args ...string) ([]byte, error) {
	return runTool(src, "convert", args, true)
}

// runTool runs tool with args, on a temporary copy of src as input (the
// first argument when inFirst, else the last but output), and returns what
// it wrote (to out.jpg for convert, to stdout for the libjpeg tools).
func runTool(src []byte, tool string, args []string, inFirst bool) ([]byte, error) {
	dir, err := os.MkdirTemp("", "jpegdc")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out.jpg")
	if err := os.WriteFile(in, src, 0o600); err != nil {
		return nil, err
	}
	var cmd *exec.Cmd
	if inFirst {
		cmd = exec.Command(tool, append(append([]string{in}, args...), out)...)
	} else {
		cmd = exec.Command(tool, append(append([]string{}, args...), "-outfile", out, in)...)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s %v: %v: %s", tool, args, err, stderr.Bytes())
	}
	return os.ReadFile(out)
}

func ppm(img *image.RGBA) []byte {
	b := img.Bounds()
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "P6\n%d %d\n255\n", b.Dx(), b.Dy())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			o := img.PixOffset(x, y)
			buf.Write(img.Pix[o : o+3])
		}
	}
	return buf.Bytes()
}

// TestExternalEncoders checks files made by ImageMagick and libjpeg-turbo's
// cjpeg/jpegtran (each case is skipped when its tool is not on PATH):
// progressive, restart intervals, every sampling ratio, grey, and the
// codings that must be refused.
func TestExternalEncoders(t *testing.T) {
	src := photo(301, 203, 5)
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, src); err != nil {
		t.Fatal(err)
	}
	goJPEG := encode(t, src, 90)
	const (
		ok          = "ok"
		unsupported = "unsupported"
	)
	cases := []struct {
		name, tool string
		args       []string
		in         []byte
		want       string
	}{
		{"im-prog-420", "convert", []string{"-interlace", "Plane", "-quality", "85"}, nil, ok},
		{"im-prog-444", "convert", []string{"-interlace", "Plane", "-sampling-factor", "1x1"}, nil, ok},
		{"im-prog-grey", "convert", []string{"-interlace", "Plane", "-colorspace", "Gray"}, nil, ok},
		{"im-prog-q30", "convert", []string{"-interlace", "Plane", "-quality", "30"}, nil, ok},
		{"im-grey", "convert", []string{"-colorspace", "Gray"}, nil, ok},
		{"im-422", "convert", []string{"-sampling-factor", "2x1"}, nil, ok},
		{"im-440", "convert", []string{"-sampling-factor", "1x2"}, nil, ok},
		{"im-411", "convert", []string{"-sampling-factor", "4x1"}, nil, ok},
		{"im-410", "convert", []string{"-sampling-factor", "4x2"}, nil, ok},
		{"im-q100", "convert", []string{"-quality", "100"}, nil, ok},
		{"im-odd-3x1", "convert", []string{"-sampling-factor", "3x1"}, nil, ok},
		{"im-odd-2x2-1x2-1x1", "convert", []string{"-sampling-factor", "2x2,1x2,1x1"}, nil, ok},
		{"im-odd-chroma-max", "convert", []string{"-sampling-factor", "1x1,2x2,1x1"}, nil, ok},
		{"im-cmyk", "convert", []string{"-colorspace", "CMYK"}, nil, unsupported},
		{"cjpeg-restart-1row", "cjpeg", []string{"-restart", "1"}, nil, ok},
		{"cjpeg-restart-1B", "cjpeg", []string{"-restart", "1B"}, nil, ok},
		{"cjpeg-restart-7B-444", "cjpeg", []string{"-restart", "7B", "-sample", "1x1"}, nil, ok},
		{"cjpeg-prog-restart-1B", "cjpeg", []string{"-progressive", "-restart", "1B"}, nil, ok},
		{"cjpeg-prog-restart-2-grey", "cjpeg", []string{"-progressive", "-grayscale", "-restart", "2"}, nil, ok},
		{"cjpeg-optimize", "cjpeg", []string{"-optimize", "-quality", "92"}, nil, ok},
		{"cjpeg-dct-float", "cjpeg", []string{"-dct", "float", "-quality", "60"}, nil, ok},
		{"cjpeg-arith", "cjpeg", []string{"-arithmetic"}, nil, unsupported},
		{"cjpeg-rgb", "cjpeg", []string{"-rgb"}, nil, unsupported},
		{"jpegtran-restart-3B", "jpegtran", []string{"-restart", "3B"}, goJPEG, ok},
		{"jpegtran-progressive", "jpegtran", []string{"-progressive"}, goJPEG, ok},
		{"jpegtran-prog-restart", "jpegtran", []string{"-progressive", "-restart", "1"}, goJPEG, ok},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := exec.LookPath(tc.tool); err != nil {
				t.Skipf("%s not on PATH", tc.tool)
			}
			in := tc.in
			var data []byte
			var err error
			switch {
			case tc.tool == "convert":
				data, err = runTool(pngBuf.Bytes(), tc.tool, tc.args, true)
			case in == nil:
				data, err = runTool(ppm(src), tc.tool, tc.args, false)
			default:
				data, err = runTool(in, tc.tool, tc.args, false)
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == unsupported {
				_, _, err := DecodeBytes(data, Options{})
				if !errors.Is(err, ErrUnsupported) {
					t.Fatalf("err = %v, want ErrUnsupported", err)
				}
				if _, err := DecodeConfig(bytes.NewReader(data)); !errors.Is(err, ErrUnsupported) {
					t.Fatalf("DecodeConfig err = %v, want ErrUnsupported", err)
				}
				return
			}
			if checkOracle(t, data, false) {
				return
			}
			// image/jpeg cannot decode it (sampling it does not know):
			// compare luma with the source picture's block means.
			checkAgainstSource(t, data, src)
		})
	}
}

// checkAgainstSource compares the scale-8 decode with means of
// ImageMagick's full decode of the same file (libjpeg), converted to
// YCbCr per pixel, over each component block's footprint in the image
// (8*hmax/h x 8*vmax/v pixels): for files image/jpeg cannot decode.
func checkAgainstSource(t *testing.T, data []byte, _ *image.RGBA) {
	t.Helper()
	img, info, err := DecodeBytes(data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	pngBytes, err := runToolOut(data, "png:-")
	if err != nil {
		t.Skipf("ImageMagick decode: %v", err)
	}
	full, err := png.Decode(bytes.NewReader(pngBytes))
	if err != nil {
		t.Fatal(err)
	}
	var hs, vs []int
	hmax, vmax := 1, 1
	for _, f := range strings.Split(info.Sampling, ",") {
		var h, v int
		fmt.Sscanf(f, "%dx%d", &h, &v)
		hs, vs = append(hs, h), append(vs, v)
		hmax, vmax = max(hmax, h), max(vmax, v)
	}
	// at returns output plane i's value for component block (cx, cy).
	var at func(i, cx, cy int) byte
	switch m := img.(type) {
	case *image.Gray:
		at = func(_, cx, cy int) byte { return m.Pix[cy*m.Stride+cx] }
	case *image.YCbCr:
		at = func(i, cx, cy int) byte {
			if info.ChromaUpsampled {
				// 4:4:4 output: pick the pixel at the start of the footprint.
				x, y := cx*hmax/hs[i], cy*vmax/vs[i]
				return [][]byte{m.Y, m.Cb, m.Cr}[i][y*m.YStride+x]
			}
			if i == 0 {
				return m.Y[cy*m.YStride+cx]
			}
			return [][]byte{m.Y, m.Cb, m.Cr}[i][cy*m.CStride+cx]
		}
	}
	b := full.Bounds()
	st := make([]diffStats, len(hs))
	for i := range hs {
		fw, fh := 8*hmax/hs[i], 8*vmax/vs[i]
		for cy := 0; (cy+1)*fh <= b.Dy(); cy++ {
			for cx := 0; (cx+1)*fw <= b.Dx(); cx++ {
				sum := 0
				for y := cy * fh; y < (cy+1)*fh; y++ {
					for x := cx * fw; x < (cx+1)*fw; x++ {
						r, g, bb, _ := full.At(x, y).RGBA()
						c := [3]uint8{}
						c[0], c[1], c[2] = color.RGBToYCbCr(uint8(r>>8), uint8(g>>8), uint8(bb>>8))
						if len(hs) == 1 {
							c[0] = uint8(g >> 8)
						}
						sum += int(c[i])
					}
				}
				n := fw * fh
				st[i].add(int(at(i, cx, cy)) - (sum+n/2)/n)
			}
		}
	}
	for i := range st {
		t.Logf("%s upsampled=%v plane %d vs ImageMagick decode: %v", info.Sampling, info.ChromaUpsampled, i, &st[i])
		// RGB round trips cost a level or two.
		if st[i].mean() > 1.5 || st[i].p99() > 4 {
			t.Errorf("plane %d far from ImageMagick's decode: %v", i, &st[i])
		}
	}
}

// runToolOut runs convert in.jpg OUT and returns stdout.
func runToolOut(src []byte, out string) ([]byte, error) {
	dir, err := os.MkdirTemp("", "jpegdc")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "in.jpg")
	if err := os.WriteFile(in, src, 0o600); err != nil {
		return nil, err
	}
	return exec.Command("convert", in, out).Output()
}
