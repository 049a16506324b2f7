package android

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/devicescan/devicescan/android/dex"
	"github.com/devicescan/devicescan/android/trackers"
	"github.com/shogo82148/androidbinary"
)

// App is what ReadAPK / ReadBundle learn about an Android package.
type App struct {
	Package     string
	VersionName string
	VersionCode int64
	Label       string // default-locale application label ("" when absent)
	MinSDK      int
	TargetSDK   int
	// Permissions are the raw names from <uses-permission> and
	// <uses-permission-sdk-23>, sorted and unique. Requested, not granted.
	Permissions []string
	// MetaData maps <application><meta-data android:name> to its value, literal
	// or resolved from resources.arsc (e.g. com.google.android.gms.ads.APPLICATION_ID).
	MetaData  map[string]string
	Classes   int            // classes defined in all classes*.dex
	SDKs      []trackers.SDK // third-party SDKs whose classes are present
	Splits    []string       // split names in a bundle (ReadBundle), or this APK's own split name
	DexErrors []string       // non-fatal problems (unreadable DEX, unresolved label, ...)
}

// Options bounds the work ReadAPK and ReadBundle do. A nil *Options or a zero
// field means the default.
type Options struct {
	MaxManifest  int64 // uncompressed AndroidManifest.xml, default 8 MiB
	MaxResources int64 // uncompressed resources.arsc, default 64 MiB
	MaxDexBytes  int64 // uncompressed size of one classes*.dex, default 256 MiB
	MaxDexFiles  int   // classes*.dex files read per APK, default 1000
	MaxInnerAPK  int64 // a deflated APK inside a bundle, default 512 MiB
	MaxSplits    int   // APKs read from a bundle, default 200
	SkipDex      bool  // do not read DEX files (no Classes, no SDKs)
	// TempDir is where ReadBundle spills a deflated inner APK (0600, removed
	// afterwards); default os.TempDir(). Never beside the evidence.
	TempDir string
}

func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	def := func(v *int64, d int64) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&r.MaxManifest, 8<<20)
	def(&r.MaxResources, 64<<20)
	def(&r.MaxDexBytes, 256<<20)
	def(&r.MaxInnerAPK, 512<<20)
	if r.MaxDexFiles <= 0 {
		r.MaxDexFiles = 1000
	}
	if r.MaxSplits <= 0 {
		r.MaxSplits = 200
	}
	return r
}

// IsZip reports whether head starts like a zip archive (APK, bundle, IPA).
func IsZip(head []byte) bool {
	return bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06"))
}

// ErrNotAPK is returned for data that is not a zip or has no AndroidManifest.xml.
var ErrNotAPK = errors.New("not an APK")

var dexName = regexp.MustCompile(`^classes[0-9]*\.dex$`)

// ReadAPK reads an APK: AndroidManifest.xml (through androidbinary, after the
// guards in CheckXML / CheckTable), the label from resources.arsc in the
// default configuration, and the classes of every classes*.dex, matched
// against the tracker table. r is read, never written.
func ReadAPK(r io.ReaderAt, size int64, opts *Options) (*App, error) {
	o := opts.withDefaults()
	zr, err := openZip(r, size)
	if err != nil {
		return nil, err
	}
	app, err := readManifest(zr, o)
	if err != nil {
		return nil, err
	}
	if !o.SkipDex {
		m := trackers.NewMatcher()
		readDexes(r, size, zr, o, app, m)
		app.SDKs = m.SDKs()
	}
	return app, nil
}

func openZip(r io.ReaderAt, size int64) (zr *zip.Reader, err error) {
	var head [4]byte
	if n, _ := r.ReadAt(head[:], 0); n < 4 || !IsZip(head[:]) {
		return nil, fmt.Errorf("%w: no zip signature", ErrNotAPK)
	}
	defer func() {
		if p := recover(); p != nil {
			zr, err = nil, fmt.Errorf("%w: zip reader panic: %v", ErrNotAPK, p)
		}
	}()
	zr, err = zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fmt.Errorf("%w: %v", ErrNotAPK, err)
	}
	return zr, nil
}

func findFile(zr *zip.Reader, name string) *zip.File {
	for _, f := range zr.File {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// readEntry reads a zip entry fully, refusing it when its declared or actual
// uncompressed size exceeds limit. Nothing beyond limit+1 bytes is buffered.
func readEntry(f *zip.File, limit int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, fmt.Errorf("%s: %d bytes uncompressed, limit %d", f.Name, f.UncompressedSize64, limit)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	defer rc.Close()
	// The declared size is only a hint: never preallocate more than 1 MiB on
	// its word; the buffer grows with the bytes that really arrive.
	buf := bytes.NewBuffer(make([]byte, 0, min(int64(f.UncompressedSize64), limit, 1<<20)+1))
	n, err := io.Copy(buf, io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	if n > limit {
		return nil, fmt.Errorf("%s: more than %d bytes uncompressed (declared %d)", f.Name, limit, f.UncompressedSize64)
	}
	return buf.Bytes(), nil
}

const androidNS = "http://schemas.android.com/apk/res/android"

type xName struct {
	Name string `xml:"http://schemas.android.com/apk/res/android name,attr"`
}

type xMeta struct {
	Name     string `xml:"http://schemas.android.com/apk/res/android name,attr"`
	Value    string `xml:"http://schemas.android.com/apk/res/android value,attr"`
	Resource string `xml:"http://schemas.android.com/apk/res/android resource,attr"`
}

type xManifest struct {
	XMLName     xml.Name
	Package     string `xml:"package,attr"`
	Split       string `xml:"split,attr"`
	VersionCode string `xml:"http://schemas.android.com/apk/res/android versionCode,attr"`
	VersionName string `xml:"http://schemas.android.com/apk/res/android versionName,attr"`
	SDK         []struct {
		Min    string `xml:"http://schemas.android.com/apk/res/android minSdkVersion,attr"`
		Target string `xml:"http://schemas.android.com/apk/res/android targetSdkVersion,attr"`
	} `xml:"uses-sdk"`
	Perms   []xName `xml:"uses-permission"`
	Perms23 []xName `xml:"uses-permission-sdk-23"`
	App     []struct {
		Label string  `xml:"http://schemas.android.com/apk/res/android label,attr"`
		Meta  []xMeta `xml:"meta-data"`
	} `xml:"application"`
}

// guarded runs f, turning a panic from the third-party parser into an error.
func guarded(what string, f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: parser panic: %v", what, p)
		}
	}()
	return f()
}

func readManifest(zr *zip.Reader, o Options) (*App, error) {
	mf := findFile(zr, "AndroidManifest.xml")
	if mf == nil {
		return nil, fmt.Errorf("%w: no AndroidManifest.xml", ErrNotAPK)
	}
	raw, err := readEntry(mf, o.MaxManifest)
	if err != nil {
		return nil, err
	}
	m, note, err := decodeManifest(raw)
	if err != nil {
		return nil, err
	}
	app := &App{Package: m.Package, VersionName: m.VersionName}
	if note != "" {
		app.DexErrors = append(app.DexErrors, note)
	}
	var table *androidbinary.TableFile
	// The table is only needed to resolve references; parsing a large one
	// costs about nine times its size, so skip it when nothing refers to it.
	if tf := findFile(zr, "resources.arsc"); tf != nil && hasReference(m) {
		table, err = readTable(tf, o)
		if err != nil {
			app.DexErrors = append(app.DexErrors, "resources.arsc: "+err.Error())
		}
	}
	res := func(v string) string { return resolve(table, v) }
	app.Package = res(m.Package)
	app.VersionName = res(m.VersionName)
	if v, err := strconv.ParseInt(res(m.VersionCode), 0, 64); err == nil {
		app.VersionCode = v
	}
	for _, s := range m.SDK {
		if v, err := strconv.Atoi(res(s.Min)); err == nil && app.MinSDK == 0 {
			app.MinSDK = v
		}
		if v, err := strconv.Atoi(res(s.Target)); err == nil && app.TargetSDK == 0 {
			app.TargetSDK = v
		}
	}
	seen := map[string]bool{}
	for _, p := range append(m.Perms, m.Perms23...) {
		if p.Name != "" && !seen[p.Name] {
			seen[p.Name] = true
			app.Permissions = append(app.Permissions, p.Name)
		}
	}
	sort.Strings(app.Permissions)
	if m.Split != "" {
		app.Splits = []string{m.Split}
	}
	if len(m.App) > 0 {
		a := m.App[0]
		app.Label = res(a.Label)
		if androidbinary.IsResID(app.Label) {
			app.DexErrors = append(app.DexErrors, "label "+app.Label+" not resolved")
			app.Label = ""
		}
		for _, md := range a.Meta {
			if md.Name == "" {
				continue
			}
			if app.MetaData == nil {
				app.MetaData = map[string]string{}
			}
			v := md.Value
			if v == "" {
				v = md.Resource
			}
			app.MetaData[md.Name] = res(v)
		}
	}
	return app, nil
}

// decodeManifest checks a binary AndroidManifest.xml with CheckXML and decodes
// it with androidbinary, recovering from any panic. Our own reader (axml.go)
// also reads it, using the resource map as Android does; fields androidbinary
// missed (attribute names blanked or renamed by an obfuscator) are taken from
// it, and note says so.
func decodeManifest(raw []byte) (m *xManifest, note string, err error) {
	if err := CheckXML(raw); err != nil {
		return nil, "", fmt.Errorf("AndroidManifest.xml: %w", err)
	}
	var lib xManifest
	libErr := guarded("AndroidManifest.xml", func() error {
		x, err := androidbinary.NewXMLFile(bytes.NewReader(raw))
		if err != nil {
			return err
		}
		return x.Decode(&lib, nil, nil)
	})
	if libErr == nil && lib.XMLName.Local != "manifest" {
		libErr = fmt.Errorf("root is <%s>", lib.XMLName.Local)
	}
	var own *xManifest
	ownErr := guarded("AndroidManifest.xml (own reader)", func() error {
		els, err := readAXML(raw)
		if err != nil {
			return err
		}
		own, err = manifestFromAXML(els)
		return err
	})
	switch {
	case libErr != nil && ownErr != nil:
		return nil, "", fmt.Errorf("%w: AndroidManifest.xml: %v", ErrMalformed, libErr)
	case libErr != nil:
		return own, "AndroidManifest.xml read by the fallback reader: " + libErr.Error(), nil
	case ownErr != nil:
		return &lib, "", nil
	}
	if n := fillMissing(&lib, own); n > 0 {
		note = fmt.Sprintf("AndroidManifest.xml: %d fields recovered from the resource map (obfuscated attribute names?)", n)
	}
	return &lib, note, nil
}

// hasReference reports whether any manifest value ReadAPK returns is a
// resource reference.
func hasReference(m *xManifest) bool {
	vals := []string{m.Package, m.VersionCode, m.VersionName}
	for _, s := range m.SDK {
		vals = append(vals, s.Min, s.Target)
	}
	for _, a := range m.App {
		vals = append(vals, a.Label)
		for _, md := range a.Meta {
			vals = append(vals, md.Value, md.Resource)
		}
	}
	for _, v := range vals {
		if androidbinary.IsResID(v) {
			return true
		}
	}
	return false
}

// fillMissing copies into a what b has and a lacks; it returns how many
// fields it filled.
func fillMissing(a, b *xManifest) int {
	n := 0
	fill := func(dst *string, src string) {
		if *dst == "" && src != "" {
			*dst = src
			n++
		}
	}
	fill(&a.Package, b.Package)
	fill(&a.Split, b.Split)
	fill(&a.VersionCode, b.VersionCode)
	fill(&a.VersionName, b.VersionName)
	if len(a.SDK) == 0 && len(b.SDK) > 0 {
		a.SDK = b.SDK
		n++
	} else if len(a.SDK) > 0 && len(b.SDK) > 0 {
		fill(&a.SDK[0].Min, b.SDK[0].Min)
		fill(&a.SDK[0].Target, b.SDK[0].Target)
	}
	perms := func(x, y []xName) []xName {
		have := 0
		for _, p := range x {
			if p.Name != "" {
				have++
			}
		}
		want := 0
		for _, p := range y {
			if p.Name != "" {
				want++
			}
		}
		if want > have {
			n++
			return y
		}
		return x
	}
	a.Perms = perms(a.Perms, b.Perms)
	a.Perms23 = perms(a.Perms23, b.Perms23)
	if len(a.App) == 0 && len(b.App) > 0 {
		a.App = b.App
		n++
	} else if len(a.App) > 0 && len(b.App) > 0 {
		fill(&a.App[0].Label, b.App[0].Label)
		named := func(ms []xMeta) int {
			k := 0
			for _, m := range ms {
				if m.Name != "" {
					k++
				}
			}
			return k
		}
		if named(b.App[0].Meta) > named(a.App[0].Meta) {
			a.App[0].Meta = b.App[0].Meta
			n++
		}
	}
	return n
}

func readTable(f *zip.File, o Options) (*androidbinary.TableFile, error) {
	raw, err := readEntry(f, o.MaxResources)
	if err != nil {
		return nil, err
	}
	return DecodeTable(raw)
}

// DecodeTable checks a resources.arsc with CheckTable and parses it with
// androidbinary, recovering from any panic.
func DecodeTable(raw []byte) (*androidbinary.TableFile, error) {
	if err := CheckTable(raw); err != nil {
		return nil, err
	}
	var t *androidbinary.TableFile
	err := guarded("resources.arsc", func() error {
		var err error
		t, err = androidbinary.NewTableFile(bytes.NewReader(raw))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%w: resources.arsc: %v", ErrMalformed, err)
	}
	return t, nil
}

// defaultConfig selects the default (unqualified) resources; a nil config
// would make androidbinary pick the most specific locale instead.
var defaultConfig = &androidbinary.ResTableConfig{}

// resolve turns "@0x7F010000" into the resource's value in the default
// configuration (following up to 4 references); anything else, or a value
// that cannot be resolved, is returned unchanged.
func resolve(t *androidbinary.TableFile, v string) string {
	if t == nil {
		return v
	}
	for depth := 0; depth < 4 && androidbinary.IsResID(v); depth++ {
		id, err := androidbinary.ParseResID(v)
		if err != nil {
			return v
		}
		var val any
		if guarded("resource lookup", func() error {
			var err error
			val, err = t.GetResource(id, defaultConfig)
			if err != nil || val == nil {
				// no default value: accept any configuration
				val, err = t.GetResource(id, nil)
			}
			return err
		}) != nil {
			return v
		}
		switch x := val.(type) {
		case string:
			return x
		case bool:
			return strconv.FormatBool(x)
		case uint32:
			// TYPE_INT_DEC/HEX come back as uint32, and so does an alias
			// (TYPE_REFERENCE); the library does not say which. A value in
			// the app package range is taken as a reference.
			if x>>24 == 0x7f && x&0xFFFF0000 != 0x7f000000 {
				v = androidbinary.ResID(x).String()
				continue
			}
			return strconv.FormatInt(int64(int32(x)), 10)
		default:
			return v
		}
	}
	return v
}

// readDexes lists the classes of every classes*.dex in zr into m.
func readDexes(r io.ReaderAt, size int64, zr *zip.Reader, o Options, app *App, m *trackers.Matcher) {
	var names []*zip.File
	for _, f := range zr.File {
		if dexName.MatchString(f.Name) {
			names = append(names, f)
		}
	}
	sort.Slice(names, func(i, j int) bool { return dexOrder(names[i].Name) < dexOrder(names[j].Name) })
	if len(names) > o.MaxDexFiles {
		app.DexErrors = append(app.DexErrors, fmt.Sprintf("%d DEX files, only %d read", len(names), o.MaxDexFiles))
		names = names[:o.MaxDexFiles]
	}
	add := func(d string) error { m.Add(d); return nil }
	for _, f := range names {
		var (
			n   int
			err error
		)
		if f.Method == zip.Store && f.CompressedSize64 == f.UncompressedSize64 && f.UncompressedSize64 <= uint64(o.MaxDexBytes) {
			// Stored: read in place, no copy.
			var off int64
			if off, err = f.DataOffset(); err == nil {
				n, err = storedDex(r, size, off, int64(f.UncompressedSize64), add)
			}
		} else {
			var b []byte
			if b, err = readEntry(f, o.MaxDexBytes); err == nil {
				n, err = dex.ReadClasses(bytes.NewReader(b), int64(len(b)), add)
			}
		}
		app.Classes += n
		if err != nil {
			app.DexErrors = append(app.DexErrors, f.Name+": "+err.Error())
		}
	}
}

// storedDex reads a stored (uncompressed) DEX in place. The zip's declared
// size is checked against the real data first: DEX bounds checks are only as
// good as the size they are given.
func storedDex(r io.ReaderAt, size, off, n int64, add func(string) error) (int, error) {
	if off < 0 || n < 0 || off > size || n > size-off {
		return 0, fmt.Errorf("stored entry (%d bytes at %d) runs past the end of the archive (%d)", n, off, size)
	}
	return dex.ReadClasses(io.NewSectionReader(r, off, n), n, add)
}

func dexOrder(name string) int {
	s := strings.TrimSuffix(strings.TrimPrefix(name, "classes"), ".dex")
	if s == "" {
		return 1
	}
	n, _ := strconv.Atoi(s)
	return n
}
