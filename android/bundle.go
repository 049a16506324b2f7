package android

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/devicescan/devicescan/android/trackers"
)

// ReadBundle reads a split-APK bundle (.apks from bundletool or SAI, .xapk,
// .apkm): a zip of APKs, one base APK (base.apk, *base-master.apk, or the one
// whose manifest has a package and no split name) plus split_*.apk /
// config.*.apk. The result is the base App with Splits naming the splits and
// Permissions, Classes and SDKs merged over all APKs of the same package. A
// zip that is itself an APK is read with ReadAPK.
//
// A stored inner APK is read in place. A deflated one is copied, at most
// MaxInnerAPK bytes, to a private temporary file (os.CreateTemp in TempDir,
// mode 0600) that is removed before ReadBundle returns.
func ReadBundle(r io.ReaderAt, size int64, opts *Options) (*App, error) {
	o := opts.withDefaults()
	zr, err := openZip(r, size)
	if err != nil {
		return nil, err
	}
	if findFile(zr, "AndroidManifest.xml") != nil {
		return ReadAPK(r, size, opts)
	}
	var apks []*zip.File
	for _, f := range zr.File {
		if strings.HasSuffix(strings.ToLower(f.Name), ".apk") && !f.FileInfo().IsDir() {
			apks = append(apks, f)
		}
	}
	if len(apks) == 0 {
		return nil, fmt.Errorf("%w: bundle holds no APK", ErrNotAPK)
	}
	sort.SliceStable(apks, func(i, j int) bool { return baseRank(apks[i].Name) < baseRank(apks[j].Name) })
	var skipped []string
	if len(apks) > o.MaxSplits {
		skipped = append(skipped, fmt.Sprintf("%d APKs in bundle, only %d read", len(apks), o.MaxSplits))
		apks = apks[:o.MaxSplits]
	}
	type part struct {
		name string
		app  *App
	}
	var parts []part
	var errs []string
	for _, f := range apks {
		app, err := readInner(r, size, f, o)
		if err != nil {
			errs = append(errs, f.Name+": "+err.Error())
			continue
		}
		parts = append(parts, part{f.Name, app})
	}
	var base *App
	for _, p := range parts {
		if p.app.Package != "" && len(p.app.Splits) == 0 {
			base = p.app
			break
		}
	}
	if base == nil {
		if len(errs) > 0 {
			return nil, fmt.Errorf("%w: no readable base APK in bundle (%s)", ErrNotAPK, strings.Join(errs, "; "))
		}
		return nil, fmt.Errorf("%w: no base APK in bundle", ErrNotAPK)
	}
	base.DexErrors = append(base.DexErrors, skipped...)
	base.DexErrors = append(base.DexErrors, errs...)
	perms := map[string]bool{}
	for _, p := range base.Permissions {
		perms[p] = true
	}
	sdks := map[string]trackers.SDK{}
	for _, s := range base.SDKs {
		sdks[s.Name] = s
	}
	for _, p := range parts {
		a := p.app
		if a == base {
			continue
		}
		if a.Package != "" && a.Package != base.Package {
			base.DexErrors = append(base.DexErrors, fmt.Sprintf("%s: package %s, not %s; ignored", p.name, a.Package, base.Package))
			continue
		}
		name := splitName(p.name)
		if len(a.Splits) > 0 {
			name = a.Splits[0]
		}
		base.Splits = append(base.Splits, name)
		for _, x := range a.Permissions {
			perms[x] = true
		}
		for _, s := range a.SDKs {
			sdks[s.Name] = s
		}
		base.Classes += a.Classes
		for _, e := range a.DexErrors {
			base.DexErrors = append(base.DexErrors, p.name+": "+e)
		}
	}
	base.Permissions = base.Permissions[:0]
	for x := range perms {
		base.Permissions = append(base.Permissions, x)
	}
	sort.Strings(base.Permissions)
	base.SDKs = base.SDKs[:0]
	for _, s := range sdks {
		base.SDKs = append(base.SDKs, s)
	}
	sort.Slice(base.SDKs, func(i, j int) bool { return base.SDKs[i].Name < base.SDKs[j].Name })
	sort.Strings(base.Splits)
	if len(base.Permissions) == 0 {
		base.Permissions = nil
	}
	if len(base.SDKs) == 0 {
		base.SDKs = nil
	}
	return base, nil
}

// baseRank orders likely base APKs first.
func baseRank(name string) int {
	b := strings.ToLower(path.Base(name))
	switch {
	case b == "base.apk":
		return 0
	case strings.HasSuffix(b, "base-master.apk"):
		return 1
	case !strings.HasPrefix(b, "split_") && !strings.HasPrefix(b, "config.") && !strings.Contains(b, "base-"):
		return 2
	}
	return 3
}

func splitName(name string) string {
	b := strings.TrimSuffix(path.Base(name), path.Ext(name))
	b = strings.TrimPrefix(b, "split_")
	return b
}

// readInner reads one APK inside a bundle.
func readInner(r io.ReaderAt, size int64, f *zip.File, o Options) (*App, error) {
	if f.Method == zip.Store && f.CompressedSize64 == f.UncompressedSize64 {
		off, err := f.DataOffset()
		if err != nil {
			return nil, err
		}
		n := int64(f.UncompressedSize64)
		if off < 0 || n < 0 || off > size || n > size-off {
			return nil, fmt.Errorf("stored entry (%d bytes at %d) runs past the end of the bundle (%d)", n, off, size)
		}
		return ReadAPK(io.NewSectionReader(r, off, n), n, &o)
	}
	if f.UncompressedSize64 > uint64(o.MaxInnerAPK) {
		return nil, fmt.Errorf("%d bytes uncompressed, limit %d", f.UncompressedSize64, o.MaxInnerAPK)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	tmp, err := os.CreateTemp(o.TempDir, "devicescan-inner-*.apk") // 0600
	if err != nil {
		return nil, err
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}()
	n, err := io.Copy(tmp, io.LimitReader(rc, o.MaxInnerAPK+1))
	if err != nil {
		return nil, err
	}
	if n > o.MaxInnerAPK {
		return nil, errors.New("inner APK larger than the limit")
	}
	return ReadAPK(tmp, n, &o)
}
