// Package benchgen writes large, realistic phone trees for speed tests:
// an Android shared-storage tree full of camera photos (JPEG with EXIF,
// GPS and a real 160x120 thumbnail) and an iPhone backup of many small
// files and a few thousand photos. Output is deterministic for a seed.
//
// Encoding thousands of distinct JPEGs would take longer than scanning
// them, so a handful of pictures are encoded once and every photo gets its
// own Exif block (time, GPS, thumbnail) spliced in front of one of them.
package benchgen

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"time"

	"github.com/devicescan/devicescan/exif/exiftest"
	"github.com/devicescan/devicescan/ios/artifacts"
	"github.com/devicescan/devicescan/ios/artifacts/artifactstest"
	"github.com/devicescan/devicescan/ios/backuptest"
	"github.com/devicescan/devicescan/scan/scantest"
)

// Stats say what was written.
type Stats struct {
	Files  int
	Photos int
	Bytes  int64
}

// picture is one encoded base picture.
type picture struct {
	img  image.Image
	scan []byte // the JPEG after SOI: tables, frame, scan, EOI
}

// pictures encodes n distinct photo-like pictures of about kb kilobytes.
func pictures(n, kb int, seed int64) ([]picture, error) {
	if n <= 0 {
		n = 1
	}
	// Noisy landscapes compress to about 0.3 bytes per pixel at quality 80:
	// measure one and scale the size to the target.
	w, h := 1024, 768
	probe, err := encode(scantest.Landscape(w, h, seed))
	if err != nil {
		return nil, err
	}
	scale := math.Sqrt(float64(kb<<10) / float64(len(probe)))
	w, h = max(64, int(float64(w)*scale)/16*16), max(48, int(float64(h)*scale)/16*16)
	out := make([]picture, n)
	for i := range out {
		img := scantest.Landscape(w, h, seed+int64(i)*7919)
		enc, err := encode(img)
		if err != nil {
			return nil, err
		}
		out[i] = picture{img: img, scan: enc[2:]}
	}
	return out, nil
}

func encode(img image.Image) ([]byte, error) {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// photo builds one JPEG: SOI, an Exif APP1 from o (with a thumbnail of the
// picture), then the picture's encoded data.
func photo(p picture, o exiftest.Options) ([]byte, error) {
	o.Image = p.img
	o.Thumbnail = true
	tiff, err := exiftest.TIFF(o)
	if err != nil {
		return nil, err
	}
	payload := append([]byte("Exif\x00\x00"), tiff...)
	if len(payload)+2 > 0xFFFF {
		return nil, fmt.Errorf("benchgen: Exif block of %d bytes", len(payload))
	}
	out := make([]byte, 0, 4+len(payload)+len(p.scan))
	out = append(out, 0xFF, 0xD8, 0xFF, 0xE1, byte((len(payload)+2)>>8), byte(len(payload)+2))
	out = append(out, payload...)
	return append(out, p.scan...), nil
}

// Places photos are taken at: a hospital (the sample policy's workplace)
// and a few towns.
var places = [][2]float64{
	scantest.AtWork, scantest.AwayHome,
	{51.4545, -2.5879}, {53.4808, -2.2426}, {55.9533, -3.1883}, {48.8566, 2.3522},
}

// cameraOptions gives photo i its metadata: a time in the two years before
// end, GPS on most photos (about one in twenty at the workplace).
func cameraOptions(rng *rand.Rand, make_, model string, end time.Time) exiftest.Options {
	taken := end.Add(-time.Duration(rng.Int63n(int64(2 * 365 * 24 * time.Hour)))).Truncate(time.Second)
	o := exiftest.Options{Make: make_, Model: model, Software: "bench", TakenAt: taken, Offset: "+00:00",
		FocalLength: 6.9, FocalLength35: 26}
	if rng.Intn(10) < 8 {
		var pl [2]float64
		if rng.Intn(20) == 0 {
			pl = places[0]
		} else {
			pl = places[1+rng.Intn(len(places)-1)]
		}
		pl[0] += (rng.Float64() - 0.5) * 0.002
		pl[1] += (rng.Float64() - 0.5) * 0.002
		o.GPS = &pl
	}
	return o
}

var end = time.Date(2026, 10, 31, 12, 0, 0, 0, time.UTC)

// AndroidOptions size an Android tree.
type AndroidOptions struct {
	Photos  int // camera and messenger photos; default 10,000
	PhotoKB int // approximate size of a photo; default 300
	Others  int // small non-photo files (app data, documents); default Photos/5
	Bases   int // distinct pictures; default 12
	Seed    int64
	// AllThumbnails makes every photo a camera photo with EXIF and a
	// thumbnail (the messenger share goes to DCIM/Camera): the tree the
	// speed issue describes, without the thumbnail-less messenger copies
	// that cost most of the pixel analysis.
	AllThumbnails bool
}

// Android writes an Android shared-storage tree into dir: 80% of the photos
// in DCIM/Camera, 12% WhatsApp images (both layouts) and 4% Telegram
// images without any metadata, 4% downloads, a screenshot per hundred
// photos, and small app files.
func Android(dir string, o AndroidOptions) (Stats, error) {
	if o.Photos <= 0 {
		o.Photos = 10000
	}
	if o.PhotoKB <= 0 {
		o.PhotoKB = 300
	}
	if o.Others < 0 {
		o.Others = 0
	} else if o.Others == 0 {
		o.Others = o.Photos / 5
	}
	if o.Bases <= 0 {
		o.Bases = 12
	}
	pics, err := pictures(o.Bases, o.PhotoKB, o.Seed)
	if err != nil {
		return Stats{}, err
	}
	rng := rand.New(rand.NewSource(o.Seed))
	var st Stats
	write := func(rel string, data []byte) error {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
		st.Files++
		st.Bytes += int64(len(data))
		return nil
	}
	for i := 0; i < o.Photos; i++ {
		opt := cameraOptions(rng, "Google", "Pixel 8", end)
		ts := opt.TakenAt.Format("20060102_150405")
		var rel string
		stripped := false // messengers strip all metadata, thumbnail included
		switch r := rng.Intn(100); {
		case r < 80:
			rel = fmt.Sprintf("DCIM/Camera/IMG_%s_%05d.jpg", ts, i)
		case r < 86:
			stripped = true
			rel = fmt.Sprintf("WhatsApp/Media/WhatsApp Images/IMG-%s-WA%04d.jpg", ts[:8], i)
		case r < 92:
			stripped = true
			rel = fmt.Sprintf("Android/media/com.whatsapp/WhatsApp/Media/WhatsApp Images/IMG-%s-WA%04d.jpg", ts[:8], i)
		case r < 96:
			stripped = true
			rel = fmt.Sprintf("Telegram/Telegram Images/%d_%d.jpg", 400+i%50, 1700000000+i)
		default:
			rel = fmt.Sprintf("Download/IMG_%05d.jpg", i)
		}
		if stripped && o.AllThumbnails {
			stripped = false
			rel = fmt.Sprintf("DCIM/Camera/IMG_%s_%05d.jpg", ts, i)
		}
		pic := pics[rng.Intn(len(pics))]
		var b []byte
		if stripped {
			b = append([]byte{0xFF, 0xD8}, pic.scan...)
		} else if b, err = photo(pic, opt); err != nil {
			return st, err
		}
		if err := write(rel, b); err != nil {
			return st, err
		}
		st.Photos++
		if i%100 == 99 {
			if err := write(fmt.Sprintf("Pictures/Screenshots/Screenshot_%s.png", ts), scantest.PNG(scantest.Screenshot(108, 240))); err != nil {
				return st, err
			}
		}
	}
	pkgs := []string{"com.example.game", "com.example.news", "com.example.maps", "org.example.reader"}
	junk := make([]byte, 8192)
	for i := 0; i < o.Others; i++ {
		var rel string
		var data []byte
		switch i % 4 {
		case 0:
			rel = fmt.Sprintf("Android/data/%s/cache/%05d.bin", pkgs[i%len(pkgs)], i)
		case 1:
			rel = fmt.Sprintf("Android/data/%s/files/state-%05d.json", pkgs[i%len(pkgs)], i)
			data = []byte(fmt.Sprintf(`{"id":%d,"ok":true}`, i))
		case 2:
			rel = fmt.Sprintf("Documents/notes-%05d.txt", i)
			data = bytes.Repeat([]byte("lorem ipsum dolor sit amet "), 1+rng.Intn(200))
		default:
			rel = fmt.Sprintf("Music/.thumbnails/%05d.dat", i)
		}
		if data == nil {
			n := 256 + rng.Intn(len(junk)-256)
			rng.Read(junk[:n])
			data = junk[:n]
		}
		if err := write(rel, data); err != nil {
			return st, err
		}
	}
	if err := write("Download/FreeCam_Pro.apk", scantest.FreeCamAPK()); err != nil {
		return st, err
	}
	if err := write("Download/scan_report.dcm", scantest.DICOM("CR", "TEST^PATIENT", "9990000026", 64, 64, true)); err != nil {
		return st, err
	}
	return st, nil
}

// BackupOptions size an iPhone backup.
type BackupOptions struct {
	Files     int // rows with content; default 20,000
	Photos    int // camera-roll photos among them; default 3,000
	PhotoKB   int // default 300
	Bases     int // default 12
	Encrypted bool
	Password  string // default scantest.SamplePassword
	Seed      int64
}

// Backup writes an iPhone backup into dir (which must not exist or be
// empty): camera-roll photos listed in Photos.sqlite, thumbnails, and many
// small plists, caches and app files, as real backups are.
func Backup(dir string, o BackupOptions) (Stats, error) {
	if o.Files <= 0 {
		o.Files = 20000
	}
	if o.Photos <= 0 {
		o.Photos = 3000
	}
	if o.Photos > o.Files {
		o.Photos = o.Files
	}
	if o.PhotoKB <= 0 {
		o.PhotoKB = 300
	}
	if o.Bases <= 0 {
		o.Bases = 12
	}
	if o.Password == "" {
		o.Password = scantest.SamplePassword
	}
	pics, err := pictures(o.Bases, o.PhotoKB, o.Seed+1)
	if err != nil {
		return Stats{}, err
	}
	rng := rand.New(rand.NewSource(o.Seed))
	w, err := backuptest.New(dir, backuptest.Options{Encrypted: o.Encrypted, Password: o.Password,
		DeviceName: "Bench iPhone", ProductType: "iPhone15,2", ProductVersion: "18.1",
		PasscodeSet: true, Rand: rand.New(rand.NewSource(o.Seed + 2)), Date: end})
	if err != nil {
		return Stats{}, err
	}
	var st Stats
	add := func(domain, rel string, data []byte) error {
		if err := w.AddFile(domain, rel, data, end, nil); err != nil {
			return err
		}
		st.Files++
		st.Bytes += int64(len(data))
		return nil
	}
	var assets []artifacts.PhotoAsset
	for i := 0; i < o.Photos; i++ {
		rel := fmt.Sprintf("Media/DCIM/%dAPPLE/IMG_%04d.JPG", 100+i/1000, i%10000)
		b, err := photo(pics[rng.Intn(len(pics))], cameraOptions(rng, "Apple", "iPhone 14 Pro", end))
		if err != nil {
			return st, err
		}
		if err := add(artifacts.DomainCameraRoll, rel, b); err != nil {
			return st, err
		}
		st.Photos++
		assets = append(assets, artifacts.PhotoAsset{Path: rel, UUID: fmt.Sprintf("%08X-0000-4000-8000-%012X", i, i), Importer: "com.apple.camera"})
	}
	db, err := artifactstest.PhotosDB(16, assets)
	if err != nil {
		return st, err
	}
	if err := add(artifacts.PhotosDB.Domain, artifacts.PhotosDB.RelativePath, db); err != nil {
		return st, err
	}
	thumb, err := encode(scantest.Landscape(120, 90, o.Seed))
	if err != nil {
		return st, err
	}
	domains := []string{"HomeDomain", "AppDomain-com.example.news", "AppDomain-com.example.game",
		"AppDomainGroup-group.com.example.shared", "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles"}
	small := make([]byte, 16384)
	for i := 0; st.Files < o.Files; i++ {
		d := domains[i%len(domains)]
		var rel string
		var data []byte
		switch i % 5 {
		case 0: // Photos' own thumbnails: images, but not user media
			rel = fmt.Sprintf("Media/PhotoData/Thumbnails/V2/DCIM/100APPLE/IMG_%04d.JPG/5005.JPG", i)
			d = artifacts.DomainCameraRoll
			data = thumb
		case 1:
			rel = fmt.Sprintf("Library/Preferences/com.example.pref%05d.plist", i)
			data = []byte(fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict><key>n</key><integer>%d</integer></dict></plist>`, i))
		default:
			rel = fmt.Sprintf("Library/Caches/%03d/%05d.cache", i%97, i)
			n := 128 + rng.Intn(len(small)-128)
			rng.Read(small[:n])
			data = small[:n]
		}
		if err := add(d, rel, data); err != nil {
			return st, err
		}
	}
	if err := w.Close(); err != nil {
		return st, err
	}
	return st, nil
}
