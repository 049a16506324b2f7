package scan

import (
	"bufio"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/devicescan/devicescan/android"
	"github.com/devicescan/devicescan/android/dumpsys"
	"github.com/devicescan/devicescan/android/trackers"
	"github.com/devicescan/devicescan/ios/ipa"
)

// Sensitive permissions: an app holding or asking for one of these is
// reported unless the policy approves it. The others are listed but never
// raise a finding alone.
var sensitivePermissions = map[string]bool{
	"camera": true, "contacts": true, "sms": true, "microphone": true, "location": true, "photos": true,
}

// corePermissions weigh more in the severity.
var corePermissions = map[string]bool{"camera": true, "contacts": true, "sms": true, "microphone": true}

// appRecords reads an app package or a dumpsys text met in a source.
func (e *engine) appRecords(it *item) ([]AppRecord, *Skipped) {
	f := it.file
	x := ext(f.Path)
	skip := func(err error) *Skipped {
		return &Skipped{Path: f.Path, Domain: f.Domain, Error: err.Error()}
	}
	switch {
	case x == "apk" || x == "apks" || x == "xapk" || x == "apkm" || x == "ipa":
		if it.typ != TypeZip {
			return nil, skip(fmt.Errorf("not a zip archive, so not a valid .%s", x))
		}
		rec, err := readPackage(it.content, x)
		if err != nil {
			return nil, skip(err)
		}
		rec.Path = f.Path
		return []AppRecord{rec}, nil
	case it.typ == TypeText && looksLikeDumpsysFile(it):
		pkgs, err := dumpsys.Parse(bufio.NewReader(io.NewSectionReader(it.content, 0, it.content.Size())))
		if err != nil {
			return nil, skip(fmt.Errorf("dumpsys package output: %v", err))
		}
		var out []AppRecord
		for _, p := range pkgs {
			out = append(out, dumpsysRecord(p, f.Path))
		}
		return out, nil
	}
	return nil, nil
}

func looksLikeDumpsysFile(it *item) bool {
	name := strings.ToLower(path.Base(it.file.Path))
	if !strings.HasSuffix(name, ".txt") && !strings.Contains(name, "dumpsys") {
		return false
	}
	return dumpsys.LooksLikeDumpsys(it.head)
}

// apkOptions bound what one app package may cost. androidbinary needs about
// nine times the size of resources.arsc; a table over 16 MiB (platform
// packages, a few very large apps) leaves only the label unresolved (the
// package name is shown instead), which keeps a scan's peak memory small.
var apkOptions = &android.Options{MaxResources: 16 << 20}

func readPackage(c Content, x string) (AppRecord, error) {
	switch x {
	case "ipa":
		a, err := ipa.Read(c, c.Size())
		if err != nil {
			return AppRecord{}, fmt.Errorf("IPA: %v", err)
		}
		return ipaRecord(a), nil
	case "apk":
		a, err := android.ReadAPK(c, c.Size(), apkOptions)
		if err != nil {
			return AppRecord{}, fmt.Errorf("APK: %v", err)
		}
		return apkRecord(a), nil
	default:
		a, err := android.ReadBundle(c, c.Size(), apkOptions)
		if err != nil {
			return AppRecord{}, fmt.Errorf("app bundle: %v", err)
		}
		return apkRecord(a), nil
	}
}

// Android permissions and meta-data that tell an app is ad-funded.
const (
	permAdID      = "com.google.android.gms.permission.AD_ID"
	permBilling   = "com.android.vending.BILLING"
	metaAdMobID   = "com.google.android.gms.ads.APPLICATION_ID"
	androidSystem = "android"
)

func apkRecord(a *android.App) AppRecord {
	r := AppRecord{ID: a.Package, Name: a.Label, Version: a.VersionName, System: isSystemID(a.Package)}
	for _, p := range a.Permissions {
		if n := android.PermissionName(p); n != "" {
			r.Requested = append(r.Requested, n)
		}
		switch p {
		case permAdID:
			r.FreeEvidence = append(r.FreeEvidence, "asks for the advertising ID (AD_ID permission)")
			r.Free = boolPtr(true)
		case permBilling:
			r.Evidence = append(r.Evidence, "sells in-app purchases (BILLING permission)")
		}
	}
	if id := a.MetaData[metaAdMobID]; id != "" {
		r.Free = boolPtr(true)
		r.FreeEvidence = append(r.FreeEvidence, "declares an AdMob application id")
	}
	for _, s := range a.SDKs {
		if s.Ads {
			r.AdSDKs = append(r.AdSDKs, s.Name)
		} else {
			r.Trackers = append(r.Trackers, s.Name)
		}
	}
	if len(r.AdSDKs) > 0 {
		r.Free = boolPtr(true)
		r.FreeEvidence = append(r.FreeEvidence, "contains advertising code: "+strings.Join(r.AdSDKs, ", "))
	}
	return r
}

func ipaRecord(a *ipa.App) AppRecord {
	r := AppRecord{ID: a.BundleID, Name: a.Name, Version: a.Version, System: isSystemID(a.BundleID)}
	r.Requested = append(r.Requested, a.Permissions...)
	for _, s := range trackers.MatchFrameworks(a.Frameworks) {
		if s.Ads {
			r.AdSDKs = append(r.AdSDKs, s.Name)
		} else {
			r.Trackers = append(r.Trackers, s.Name)
		}
	}
	if a.Metadata != nil && a.Metadata.Free != nil {
		r.Free = boolPtr(*a.Metadata.Free)
		if *a.Metadata.Free {
			r.FreeEvidence = append(r.FreeEvidence, "free in the App Store (iTunesMetadata)")
		} else {
			r.Evidence = append(r.Evidence, "paid app (iTunesMetadata price "+a.Metadata.PriceDisplay+")")
		}
	}
	if a.AdMobAppID != "" {
		r.Free = boolPtr(true)
		r.FreeEvidence = append(r.FreeEvidence, "declares an AdMob application id")
	}
	if len(r.AdSDKs) > 0 {
		r.Free = boolPtr(true)
		r.FreeEvidence = append(r.FreeEvidence, "contains advertising code: "+strings.Join(r.AdSDKs, ", "))
	}
	if a.Tracking {
		r.Evidence = append(r.Evidence, "asks to track the user across apps (App Tracking Transparency)")
	}
	return r
}

func dumpsysRecord(p dumpsys.Package, where string) AppRecord {
	r := AppRecord{ID: p.Name, Version: p.VersionName, Path: where, System: p.System || isSystemID(p.Name)}
	for _, perm := range p.Requested {
		if n := android.PermissionName(perm); n != "" {
			r.Requested = append(r.Requested, n)
		}
		if perm == permAdID {
			r.Free = boolPtr(true)
			r.FreeEvidence = append(r.FreeEvidence, "asks for the advertising ID (AD_ID permission)")
		}
	}
	for perm, granted := range p.Granted {
		n := android.PermissionName(perm)
		if n == "" {
			continue
		}
		if r.Granted == nil {
			r.Granted = map[string]bool{}
		}
		r.Granted[n] = r.Granted[n] || granted
		r.Requested = append(r.Requested, n)
	}
	if len(r.Granted) > 0 {
		r.Evidence = append(r.Evidence, "grants read from dumpsys package")
	}
	return r
}

// isSystemID tells platform packages, never reported unless asked.
func isSystemID(id string) bool {
	return id == androidSystem || strings.HasPrefix(id, "android.") || strings.HasPrefix(id, "com.android.") ||
		strings.HasPrefix(id, "com.apple.")
}

// mergeApps joins what several files told about the same app.
func mergeApps(recs []AppRecord) []AppRecord {
	byID := map[string]*AppRecord{}
	var order []string
	for _, r := range recs {
		if r.ID == "" {
			continue
		}
		m, ok := byID[r.ID]
		if !ok {
			c := r
			c.Granted = nil
			byID[r.ID] = &c
			order = append(order, r.ID)
			m = &c
		} else {
			if m.Name == "" {
				m.Name = r.Name
			}
			if m.Version == "" {
				m.Version = r.Version
			}
			if r.Path != "" && (m.Path == "" || r.Path < m.Path) {
				m.Path = r.Path // the same whichever worker finished first
			}
			m.Requested = append(m.Requested, r.Requested...)
			m.AdSDKs = append(m.AdSDKs, r.AdSDKs...)
			m.Trackers = append(m.Trackers, r.Trackers...)
			m.Evidence = append(m.Evidence, r.Evidence...)
			m.FreeEvidence = append(m.FreeEvidence, r.FreeEvidence...)
			m.System = m.System || r.System
			if r.Free != nil && (m.Free == nil || *r.Free) {
				m.Free = boolPtr(*r.Free)
			}
		}
		for k, v := range r.Granted {
			if m.Granted == nil {
				m.Granted = map[string]bool{}
			}
			m.Granted[k] = m.Granted[k] || v
		}
	}
	out := make([]AppRecord, 0, len(order))
	sort.Strings(order)
	for _, id := range order {
		r := byID[id]
		r.Requested = uniqueSorted(r.Requested)
		r.AdSDKs = uniqueSorted(r.AdSDKs)
		r.Trackers = uniqueSorted(r.Trackers)
		r.Evidence = uniqueSorted(r.Evidence)
		r.FreeEvidence = uniqueSorted(r.FreeEvidence)
		out = append(out, *r)
	}
	return out
}

func uniqueSorted(s []string) []string {
	if len(s) == 0 {
		return []string{}
	}
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if v == "" || (i > 0 && v == s[i-1]) {
			continue
		}
		out = append(out, v)
	}
	return out
}

// appFindings applies the risky-app rules.
func (e *engine) appFindings(apps []AppRecord) []Finding {
	var out []Finding
	for _, a := range apps {
		if a.System && !e.policy.ReportSystemApps {
			continue
		}
		if e.policy.Approved(a.ID) {
			continue
		}
		var sensitive []string
		for _, p := range a.Requested {
			if sensitivePermissions[p] {
				sensitive = append(sensitive, p)
			}
		}
		if len(sensitive) == 0 {
			continue
		}
		if granted := a.Granted; granted != nil {
			// Every sensitive permission known and refused: nothing to report.
			refused := true
			for _, p := range sensitive {
				if v, ok := granted[p]; !ok || v {
					refused = false
				}
			}
			if refused {
				continue
			}
		}
		var granted *bool
		var grantedList []string
		if a.Granted != nil {
			known, any := 0, false
			for _, p := range sensitive {
				if v, ok := a.Granted[p]; ok {
					known++
					if v {
						any = true
						grantedList = append(grantedList, p)
					}
				}
			}
			if any {
				granted = boolPtr(true)
			} else if known == len(sensitive) {
				granted = boolPtr(false)
			}
		}
		core := false
		for _, p := range sensitive {
			if corePermissions[p] && (granted == nil || !*granted || a.Granted[p]) {
				core = true
			}
		}
		score := 0
		if granted != nil && *granted {
			score++
		}
		if a.Free != nil && *a.Free {
			score++
		}
		if core {
			score++
		}
		sev := SeverityLow
		switch {
		case score >= 3:
			sev = SeverityHigh
		case score == 2:
			sev = SeverityMedium
		}
		name := a.Name
		if name == "" {
			name = a.ID
		}
		var reasons []Reason
		if granted != nil && *granted {
			reasons = append(reasons, Reason{Code: "permission-granted", Detail: "granted: " + strings.Join(grantedList, ", ")})
		} else {
			reasons = append(reasons, Reason{Code: "permission-requested", Detail: "asks for: " + strings.Join(sensitive, ", ")})
		}
		if a.Free != nil && *a.Free {
			reasons = append(reasons, Reason{Code: "ad-funded", Detail: strings.Join(a.FreeEvidence, "; ")})
		}
		if len(a.Trackers) > 0 {
			reasons = append(reasons, Reason{Code: "trackers", Detail: "tracking code: " + strings.Join(a.Trackers, ", ")})
		}
		msg := fmt.Sprintf("%s can use %s", name, strings.Join(sensitive, ", "))
		if granted != nil && *granted {
			msg = fmt.Sprintf("%s has been allowed to use %s", name, strings.Join(grantedList, ", "))
		}
		if a.Free != nil && *a.Free {
			msg += ", and it is free or paid for by advertising"
		}
		perms := append([]string(nil), a.Requested...)
		out = append(out, Finding{
			Category: CategoryRiskyApp,
			Severity: sev,
			Path:     a.Path,
			Reasons:  reasons,
			App: &AppInfo{ID: a.ID, Name: a.Name, Version: a.Version, Permissions: perms, Granted: granted,
				Free: a.Free, AdSDKs: nonNil(a.AdSDKs), Trackers: a.Trackers,
				Evidence: append(append([]string(nil), a.FreeEvidence...), a.Evidence...)},
			Message: msg + ".",
			Remedy: "Remove the app from a device that holds patient data, or withdraw its " +
				strings.Join(sensitive, "/") + " permissions in Settings; ask IT to add it to approved_apps if it is needed for work.",
		})
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
