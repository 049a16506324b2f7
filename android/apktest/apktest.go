package apktest

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"
	"strconv"
)

// Options describes the APK Build writes.
type Options struct {
	Package     string
	VersionName string
	VersionCode int64
	// Label is the application label. With LabelLocales set, the label is a
	// @string resource whose default value is Label; otherwise a literal.
	Label         string
	LabelLocales  map[string]string // e.g. {"fr": "Appareil", "ja": "カメラ"}
	Permissions   []string          // <uses-permission>
	Permissions23 []string          // <uses-permission-sdk-23>
	MetaData      map[string]string // <meta-data> under <application>; "@string/NAME" values become resources
	Classes       []string          // class descriptors (Lcom/x/Y;) or dotted names
	MultiDex      int               // split Classes over this many classes*.dex (default 1)
	MinSDK        int
	TargetSDK     int
	SplitName     string // <manifest split="..."> for a split APK
	UTF8          bool   // UTF-8 string pool in the manifest
	// StripAttrNames blanks android: attribute names in the manifest string
	// pool, leaving only the resource map (as obfuscators do).
	StripAttrNames bool
	NoResources    bool              // omit resources.arsc
	NoDex          bool              // omit classes.dex
	Extra          map[string][]byte // more zip entries (name -> content), stored
}

// Manifest returns the binary AndroidManifest.xml for o.
func Manifest(o Options) []byte {
	if o.StripAttrNames {
		return EncodeXMLStripped(manifestTree(o), o.UTF8)
	}
	return EncodeXML(manifestTree(o), o.UTF8)
}

func manifestTree(o Options) *Element {
	root := &Element{Name: "manifest"}
	if o.VersionCode != 0 {
		root.Attrs = append(root.Attrs, IntAttr("versionCode", o.VersionCode))
	}
	if o.VersionName != "" {
		root.Attrs = append(root.Attrs, StrAttr("versionName", o.VersionName))
	}
	root.Attrs = append(root.Attrs, Attr{Name: "package", Type: TypeString, Str: o.Package})
	if o.SplitName != "" {
		root.Attrs = append(root.Attrs, Attr{Name: "split", Type: TypeString, Str: o.SplitName})
	}
	if o.MinSDK != 0 || o.TargetSDK != 0 {
		sdk := &Element{Name: "uses-sdk"}
		if o.MinSDK != 0 {
			sdk.Attrs = append(sdk.Attrs, IntAttr("minSdkVersion", int64(o.MinSDK)))
		}
		if o.TargetSDK != 0 {
			sdk.Attrs = append(sdk.Attrs, IntAttr("targetSdkVersion", int64(o.TargetSDK)))
		}
		root.Children = append(root.Children, sdk)
	}
	for _, p := range o.Permissions {
		root.Children = append(root.Children, &Element{Name: "uses-permission", Attrs: []Attr{StrAttr("name", p)}})
	}
	for _, p := range o.Permissions23 {
		root.Children = append(root.Children, &Element{Name: "uses-permission-sdk-23", Attrs: []Attr{StrAttr("name", p)}})
	}
	if o.SplitName != "" {
		return root
	}
	app := &Element{Name: "application"}
	if o.Label != "" {
		if len(o.LabelLocales) > 0 && !o.NoResources {
			app.Attrs = append(app.Attrs, RefAttr("label", LabelResID))
		} else {
			app.Attrs = append(app.Attrs, StrAttr("label", o.Label))
		}
	}
	names, ids := extraResources(o)
	for _, k := range sortedKeys(o.MetaData) {
		v := o.MetaData[k]
		md := &Element{Name: "meta-data", Attrs: []Attr{StrAttr("name", k)}}
		if id, ok := ids[v]; ok {
			md.Attrs = append(md.Attrs, RefAttr("value", id))
		} else if n, err := strconv.ParseInt(v, 10, 32); err == nil && v != "" && v[0] != '+' {
			md.Attrs = append(md.Attrs, IntAttr("value", n))
		} else {
			md.Attrs = append(md.Attrs, StrAttr("value", v))
		}
		app.Children = append(app.Children, md)
	}
	_ = names
	root.Children = append(root.Children, app)
	return root
}

// extraResources maps "@string/NAME" meta-data values to resource IDs.
func extraResources(o Options) (map[string]string, map[string]uint32) {
	names := map[string]string{}
	for _, v := range o.MetaData {
		if len(v) > 8 && v[:8] == "@string/" {
			names[v[8:]] = "value of " + v[8:]
		}
	}
	ids := map[string]uint32{}
	for i, n := range sortedKeys(names) {
		ids["@string/"+n] = LabelResID + 1 + uint32(i)
	}
	return names, ids
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Table returns the resources.arsc Build writes for o.
func Table(o Options) []byte {
	values := map[string]string{}
	if o.Label != "" {
		// also present when the manifest holds a literal label, so the
		// table has a default configuration, as aapt-built ones do
		values[""] = o.Label
	}
	if o.Label != "" && len(o.LabelLocales) > 0 {
		for l, v := range o.LabelLocales {
			values[l] = v
		}
	}
	names, _ := extraResources(o)
	return EncodeTable(o.Package, values, names)
}

func descriptor(c string) string {
	if len(c) > 0 && c[0] == 'L' && c[len(c)-1] == ';' {
		return c
	}
	b := []byte(c)
	for i := range b {
		if b[i] == '.' {
			b[i] = '/'
		}
	}
	return "L" + string(b) + ";"
}

// Build writes an APK (a zip with AndroidManifest.xml, resources.arsc and
// classes*.dex). It is not signed.
func Build(o Options) ([]byte, error) {
	if o.Package == "" {
		return nil, fmt.Errorf("apktest: no package name")
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, data []byte, method uint16) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	}
	if err := add("AndroidManifest.xml", Manifest(o), zip.Deflate); err != nil {
		return nil, err
	}
	if !o.NoResources {
		if err := add("resources.arsc", Table(o), zip.Store); err != nil {
			return nil, err
		}
	}
	if !o.NoDex {
		n := max(o.MultiDex, 1)
		groups := make([][]string, n)
		for i, c := range o.Classes {
			groups[i%n] = append(groups[i%n], descriptor(c))
		}
		for i, g := range groups {
			name := "classes.dex"
			if i > 0 {
				name = fmt.Sprintf("classes%d.dex", i+1)
			}
			if err := add(name, Dex(g), zip.Deflate); err != nil {
				return nil, err
			}
		}
	}
	for _, k := range sortedKeys(o.Extra) {
		if err := add(k, o.Extra[k], zip.Store); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// MustBuild is Build that panics on error, for tests.
func MustBuild(o Options) []byte {
	b, err := Build(o)
	if err != nil {
		panic(err)
	}
	return b
}

// Bundle wraps APKs into a split-APK bundle: format "apks" (base.apk +
// split_<name>.apk, with a toc.pb-less layout as bundletool's "apks" archives)
// or "xapk" (<package>.apk + config.<name>.apk + manifest.json). Inner APKs are
// stored uncompressed, as real bundles do.
func Bundle(format string, base []byte, splits map[string][]byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, data []byte) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	}
	switch format {
	case "apks", "apkm":
		if err := add("base.apk", base); err != nil {
			return nil, err
		}
		for _, n := range sortedKeys(splits) {
			if err := add("split_"+n+".apk", splits[n]); err != nil {
				return nil, err
			}
		}
	case "xapk":
		if err := add("manifest.json", []byte(`{"xapk_version":2}`)); err != nil {
			return nil, err
		}
		if err := add("com.example.app.apk", base); err != nil {
			return nil, err
		}
		for _, n := range sortedKeys(splits) {
			if err := add("config."+n+".apk", splits[n]); err != nil {
				return nil, err
			}
		}
	default:
		return nil, fmt.Errorf("apktest: unknown bundle format %q", format)
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// BundleDeflated is Bundle("apks") with the inner APKs deflated.
func BundleDeflated(base []byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("base.apk")
	w.Write(base)
	zw.Close()
	return buf.Bytes()
}

// ManifestClaimingStrings returns a 44-byte binary XML document whose string
// pool claims n strings (the androidbinary OOM: it allocates 4*n bytes).
func ManifestClaimingStrings(n uint32) []byte {
	b := make([]byte, 44)
	binary.LittleEndian.PutUint16(b[0:], 0x0003)
	binary.LittleEndian.PutUint16(b[2:], 8)
	binary.LittleEndian.PutUint32(b[4:], 44)
	binary.LittleEndian.PutUint16(b[8:], 0x0001)
	binary.LittleEndian.PutUint16(b[10:], 28)
	binary.LittleEndian.PutUint32(b[12:], 36)
	binary.LittleEndian.PutUint32(b[16:], n) // stringCount
	binary.LittleEndian.PutUint32(b[20:], 0) // styleCount
	binary.LittleEndian.PutUint32(b[24:], 0) // flags
	binary.LittleEndian.PutUint32(b[28:], 36)
	return b
}

// WithManifest returns an APK whose AndroidManifest.xml is manifest verbatim
// (deflated), plus a resources.arsc from o.
func WithManifest(manifest []byte, o Options) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("AndroidManifest.xml")
	w.Write(manifest)
	w, _ = zw.CreateHeader(&zip.FileHeader{Name: "resources.arsc", Method: zip.Store})
	w.Write(Table(o))
	zw.Close()
	return buf.Bytes()
}

// ZipBomb returns a zip whose entry name holds size zero bytes, deflated
// (about 1 KiB per MiB).
func ZipBomb(name string, size int64) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create(name)
	zero := make([]byte, 1<<20)
	for size > 0 {
		n := min(size, int64(len(zero)))
		w.Write(zero[:n])
		size -= n
	}
	zw.Close()
	return buf.Bytes()
}
