package scan

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestPolicyLoadExamples(t *testing.T) {
	p, err := LoadPolicy(filepath.Join("testdata", "policy", "example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	wantW := []Workplace{
		{Name: "St Elsewhere General", Lat: 51.5175, Lon: -0.1735, RadiusM: 400},
		{Name: "St Elsewhere Annex", Lat: 51.5230, Lon: -0.1580, RadiusM: 150},
	}
	if !reflect.DeepEqual(p.Workplaces, wantW) {
		t.Errorf("workplaces = %+v", p.Workplaces)
	}
	if !reflect.DeepEqual(p.ApprovedApps, []string{"com.example.trustedclinical", "uk.nhs.*"}) {
		t.Errorf("approved = %q", p.ApprovedApps)
	}
	if !reflect.DeepEqual(p.ClinicalKeywords, []string{"Nightingale Ward", "tissue viability"}) {
		t.Errorf("keywords = %q", p.ClinicalKeywords)
	}
	if !reflect.DeepEqual(p.IgnoreKeywords, []string{"surgery"}) {
		t.Errorf("ignore = %q", p.IgnoreKeywords)
	}
	if p.ShiftHours == nil || p.ShiftHours.Start != "08:00" || p.ShiftHours.End != "18:30" || len(p.ShiftHours.Days) != 5 {
		t.Errorf("shift = %+v", p.ShiftHours)
	}
	if len(p.MRNPatterns) != 1 || p.MRNPatterns[0].Pattern != "SE[0-9]{7}" {
		t.Errorf("mrn = %+v", p.MRNPatterns)
	}
	if got := p.KeywordsIn("Photos/Surgery/tissue-viability/IMG_1.jpg"); !reflect.DeepEqual(got, []string{"tissue viability"}) {
		t.Errorf("KeywordsIn = %q", got)
	}
	ids := p.FindIdentifiers("label SE1234567 ok")
	if len(ids) != 1 || ids[0].Kind != IdentifierMRN || ids[0].Masked != "*******67" || ids[0].Offset != 6 {
		t.Errorf("FindIdentifiers = %+v", ids)
	}

	j, err := LoadPolicy(filepath.Join("testdata", "policy", "example.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Workplaces) != 1 || j.Workplaces[0].RadiusM != 400 || !j.ReportSystemApps || j.ShiftHours == nil {
		t.Errorf("json policy = %+v", j)
	}
}

func TestPolicyParseEmpty(t *testing.T) {
	for _, in := range []string{"", "   \n", "# only a comment\n", "---\n", "~\n", "null", "{}", "\xef\xbb\xbf"} {
		p, err := ParsePolicy([]byte(in))
		if err != nil {
			t.Errorf("ParsePolicy(%q): %v", in, err)
			continue
		}
		if len(p.Workplaces) != 0 || len(p.ApprovedApps) != 0 || p.ShiftHours != nil {
			t.Errorf("ParsePolicy(%q) = %+v, want empty", in, p)
		}
	}
}

func TestPolicyParseErrors(t *testing.T) {
	typo, err := os.ReadFile(filepath.Join("testdata", "policy", "typo.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	badValues, err := os.ReadFile(filepath.Join("testdata", "policy", "bad_values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   string
		want []string // substrings of the error
	}{
		{"top-level typo", string(typo), []string{`policy: line 7: unknown key "workplace" (did you mean "workplaces"?)`}},
		{"nested typo", "workplaces:\n  - name: A\n    lat: 1\n    lon: 2\n    radius: 100\n",
			[]string{`line 5: unknown key "radius" in workplaces[0] (did you mean "radius_m"?)`}},
		{"capitalised key", "Approved_Apps: [a.b]\n", []string{`unknown key "Approved_Apps"`, `did you mean "approved_apps"`}},
		{"unrelated key lists known", "colour: blue\n", []string{`line 1: unknown key "colour"`, "known keys: approved_apps, clinical_keywords"}},
		{"shift typo", "shift_hours:\n  start: \"08:00\"\n  finish: \"17:00\"\n", []string{`line 3: unknown key "finish" in shift_hours`}},
		{"two documents", "workplaces: []\n---\napproved_apps: [a.b]\n", []string{"line 2: more than one YAML document"}},
		{"type error", "workplaces:\n  - name: A\n    lat: north\n    lon: 0\n    radius_m: 10\n", []string{"policy: line 3: cannot unmarshal", "north"}},
		{"bool type", "report_system_apps: maybe\n", []string{"policy: line 1:", "maybe"}},
		{"list not mapping", "- a\n- b\n", []string{"line 1: the policy must be a mapping"}},
		{"scalar policy", "hello\n", []string{"the policy must be a mapping"}},
		{"workplaces not list", "workplaces: here\n", []string{"line 1: workplaces must be a list"}},
		{"approved not scalars", "approved_apps:\n  - {id: x}\n", []string{"line 2: approved_apps[0] must be a single value"}},
		{"alias", "approved_apps: &a [x.y]\nclinical_keywords: *a\n", []string{"anchors and aliases are not supported"}},
		{"duplicate key", "approved_apps: [a.b]\napproved_apps: [c.d]\n", []string{"policy:", "already defined"}},
		{"syntax", "workplaces: [\n", []string{"policy: "}},
		{"bad values", string(badValues), []string{
			`policy: workplaces[0] "Nowhere": lat 95 must be between -90 and 90`,
			`policy: workplaces[1]: name is empty`,
			`policy: workplaces[1]: radius_m 60000 must be > 0 and <= 50000`,
			`policy: approved_apps[0] "*":`,
		}},
		{"lon", "workplaces: [{name: A, lat: 0, lon: -181, radius_m: 1}]", []string{`workplaces[0] "A": lon -181 must be between -180 and 180`}},
		{"radius zero", "workplaces: [{name: A, lat: 0, lon: 0}]", []string{`radius_m 0 must be > 0`}},
		{"radius nan", "workplaces: [{name: A, lat: 0, lon: 0, radius_m: .nan}]", []string{`radius_m NaN`}},
		{"empty app", "approved_apps: [\"\"]", []string{`approved_apps[0] "": empty id`}},
		{"space in app", "approved_apps: [\"com.a b\"]", []string{`white space`}},
		{"bare wildcard", "approved_apps: [\"com.*\"]", []string{`vendor prefix`}},
		{"inner star", "approved_apps: [\"com.*.x\"]", []string{`trailing ".*"`}},
		{"unknown ignore", "ignore_keywords: [wardd]", []string{`ignore_keywords[0] "wardd": not a built-in clinical keyword`}},
		{"empty keyword", "clinical_keywords: [\"--\"]", []string{`clinical_keywords[0] "--": needs at least one letter or digit`}},
		{"bad start", "shift_hours: {start: \"8am\", end: \"17:00\"}", []string{`shift_hours: start: "8am" is not a time`}},
		{"bad end", "shift_hours: {start: \"08:00\", end: \"25:00\"}", []string{`end: "25:00"`}},
		{"same times", "shift_hours: {start: \"08:00\", end: \"08:00\"}", []string{`start and end are the same time`}},
		{"bad day", "shift_hours: {start: \"08:00\", end: \"17:00\", days: [mon, funday]}", []string{`days[1] "funday": not a day`}},
		{"bad timezone", "shift_hours: {start: \"08:00\", end: \"17:00\", timezone: Mars/Olympus}", []string{`timezone "Mars/Olympus"`}},
		{"bad regexp", "mrn_patterns: [{name: X, pattern: \"[0-9\"}]", []string{`mrn_patterns[0] "X": pattern: error parsing regexp`}},
		{"empty match regexp", "mrn_patterns: [{name: X, pattern: \"[0-9]*\"}]", []string{`matches the empty string`}},
		{"nameless pattern", "mrn_patterns: [{pattern: \"X[0-9]{6}\"}]", []string{`mrn_patterns[0]: name is empty`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePolicy([]byte(tt.in))
			if err == nil {
				t.Fatalf("no error, got %+v", p)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

func TestPolicyParseAccepts(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		check func(*Policy) bool
	}{
		{"unquoted times", "shift_hours: {start: 08:00, end: 17:30}", func(p *Policy) bool { return p.ShiftHours.Start == "08:00" }},
		{"integer lat", "workplaces: [{name: A, lat: 51, lon: 0, radius_m: 50000}]", func(p *Policy) bool { return p.Workplaces[0].Lat == 51 }},
		{"null lists", "workplaces:\napproved_apps:\n", func(p *Policy) bool { return p.Workplaces == nil }},
		{"flow json", `{"approved_apps":["a.b.c","x.y.*"],"report_system_apps":true}`, func(p *Policy) bool { return p.Approved("x.y.z") && p.ReportSystemApps }},
		{"json tabs", "{\n\t\"workplaces\": [\n\t\t{\"name\": \"A\", \"lat\": -33.9, \"lon\": 151.2, \"radius_m\": 10}\n\t]\n}", func(p *Policy) bool { return p.Workplaces[0].Lat == -33.9 }},
		{"crlf", "approved_apps:\r\n  - a.b\r\n", func(p *Policy) bool { return p.Approved("a.b") }},
		{"ignore plural spelling", "ignore_keywords: [Wards, X-Ray, ct]", func(p *Policy) bool { return p.KeywordsIn("Ward 7/xray.jpg") == nil }},
		{"days range", "shift_hours: {start: \"22:00\", end: \"06:00\", days: [Friday-Mon]}", func(p *Policy) bool { return p.ShiftHours != nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePolicy([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(p) {
				t.Errorf("unexpected policy %+v", p)
			}
		})
	}
}

// Windows Notepad may save UTF-16 with a byte-order mark.
func TestPolicyParseUTF16(t *testing.T) {
	b := []byte{0xff, 0xfe}
	for _, r := range "approved_apps:\r\n  - com.a.b\r\n" {
		b = append(b, byte(r), 0)
	}
	p, err := ParsePolicy(b)
	if err != nil || !p.Approved("com.a.b") {
		t.Fatalf("UTF-16 policy: %+v, %v", p, err)
	}
}

func TestPolicyLoadErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadPolicy(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Error("missing file: no error")
	}
	if _, err := LoadPolicy(dir); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Errorf("directory: %v", err)
	}
	big := filepath.Join(dir, "big.yaml")
	data := []byte("# " + strings.Repeat("x", MaxPolicySize) + "\n")
	if err := os.WriteFile(big, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadPolicy(big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("big file: %v", err)
	}
	typo := filepath.Join("testdata", "policy", "typo.yaml")
	if _, err := LoadPolicy(typo); err == nil || !strings.HasPrefix(err.Error(), typo+": policy: line 7") {
		t.Errorf("typo: %v", err)
	}
}

func TestPolicyInWorkplace(t *testing.T) {
	p := &Policy{Workplaces: []Workplace{
		{Name: "Big", Lat: 51.5175, Lon: -0.1735, RadiusM: 2000},
		{Name: "Small", Lat: 51.5230, Lon: -0.1580, RadiusM: 300},
		{Name: "Fiji", Lat: -17.0, Lon: 179.999, RadiusM: 1000},
	}}
	tests := []struct {
		name     string
		lat, lon float64
		want     string
		ok       bool
	}{
		{"centre of big", 51.5175, -0.1735, "Big", true},
		{"inside both, nearer small", 51.5231, -0.1581, "Small", true},
		{"inside big only", 51.510, -0.175, "Big", true},
		{"outside", 51.60, -0.1735, "", false},
		{"across the antimeridian", -17.0, -179.999, "Fiji", true},
		{"nan", math.NaN(), 0, "", false},
		{"lat out of range", 91, 0, "", false},
		{"lon out of range", 51.5175, 180.5, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name, d, ok := p.InWorkplace(tt.lat, tt.lon)
			if name != tt.want || ok != tt.ok {
				t.Errorf("InWorkplace = %q, %v, %v; want %q, %v", name, d, ok, tt.want, tt.ok)
			}
			if ok {
				for _, w := range p.Workplaces {
					if w.Name == name && (d > w.RadiusM || math.Abs(d-DistanceM(tt.lat, tt.lon, w.Lat, w.Lon)) > 1e-6) {
						t.Errorf("distance %v wrong", d)
					}
				}
			}
		})
	}
	// Edge of the circle counts as inside.
	edge := &Policy{Workplaces: []Workplace{{Name: "E", Lat: 0, Lon: 0, RadiusM: DistanceM(0, 0, 0, 0.001)}}}
	if _, _, ok := edge.InWorkplace(0, 0.001); !ok {
		t.Error("point on the edge is outside")
	}
	if _, _, ok := DefaultPolicy().InWorkplace(0, 0); ok {
		t.Error("default policy has a workplace")
	}
	var nilP *Policy
	if _, _, ok := nilP.InWorkplace(0, 0); ok {
		t.Error("nil policy has a workplace")
	}
}

func TestPolicyApproved(t *testing.T) {
	p := &Policy{ApprovedApps: []string{"com.example.trusted", "uk.nhs.*", "net.vendor.app.*"}}
	tests := []struct {
		id   string
		want bool
	}{
		{"com.example.trusted", true},
		{"com.example.trusted2", false},
		{"com.example.trusted.extra", false},
		{"COM.EXAMPLE.TRUSTED", false},
		{"uk.nhs.online", true},
		{"uk.nhs.a.b.c", true},
		{"uk.nhs", false},
		{"uk.nhs.", false},
		{"uk.nhsx.app", false},
		{"net.vendor.app.lite", true},
		{"net.vendor.app", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := p.Approved(tt.id); got != tt.want {
			t.Errorf("Approved(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
	if DefaultPolicy().Approved("com.example.trusted") {
		t.Error("default policy approves an app")
	}
}

func TestPolicyInShift(t *testing.T) {
	london, tzErr := time.LoadLocation("Europe/London")
	mustParse := func(in string) *Policy {
		t.Helper()
		p, err := ParsePolicy([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	day := mustParse(`shift_hours: {start: "08:00", end: "18:30", days: [mon-fri]}`)
	night := mustParse(`shift_hours: {start: "20:00", end: "08:00", days: [fri, sat]}`)
	always := mustParse(`shift_hours: {start: "00:00", end: "24:00"}`)
	weekend := mustParse(`shift_hours: {start: "09:00", end: "17:00", days: [weekend]}`)
	dots := mustParse(`shift_hours: {start: "09:00", end: "17:00", days: ["sat..mon", Weekdays]}`)
	// 2026-11-23 is a Monday.
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, 23+d, h, m, 0, 0, time.UTC) }
	tests := []struct {
		name string
		p    *Policy
		t    time.Time
		want bool
	}{
		{"monday 08:00 starts", day, at(0, 8, 0), true},
		{"monday 07:59", day, at(0, 7, 59), false},
		{"friday 18:29", day, at(4, 18, 29), true},
		{"friday 18:30 ends", day, at(4, 18, 30), false},
		{"saturday noon", day, at(5, 12, 0), false},
		{"friday 23:00 night", night, at(4, 23, 0), true},
		{"saturday 03:00 belongs to friday", night, at(5, 3, 0), true},
		{"sunday 07:59 belongs to saturday", night, at(6, 7, 59), true},
		{"sunday 20:00 not a shift", night, at(6, 20, 0), false},
		{"friday 03:00 belongs to thursday", night, at(4, 3, 0), false},
		{"midday in a night policy", night, at(5, 12, 0), false},
		{"24h", always, at(2, 23, 59), true},
		{"weekend saturday", weekend, at(5, 10, 0), true},
		{"weekend monday", weekend, at(0, 10, 0), false},
		{"sat..mon sunday", dots, at(6, 10, 0), true},
		{"weekdays wednesday", dots, at(2, 10, 0), true},
		{"zero time", day, time.Time{}, false},
		{"no shift hours", DefaultPolicy(), at(0, 10, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.InShift(tt.t, false); got != tt.want {
				t.Errorf("InShift(%v) = %v, want %v", tt.t, got, tt.want)
			}
		})
	}
	// Hand-built policy without Validate still works.
	hand := &Policy{ShiftHours: &ShiftHours{Start: "09:00", End: "17:00", Days: []string{"wed"}}}
	if !hand.InShift(at(2, 9, 30), false) || hand.InShift(at(1, 9, 30), false) {
		t.Error("unvalidated shift hours")
	}

	if tzErr != nil {
		t.Skipf("no tzdata: %v", tzErr)
	}
	tz := mustParse("shift_hours: {start: \"08:00\", end: \"18:30\", days: [mon-fri], timezone: Europe/London}")
	// 07:30 in New York (UTC-5) is 12:30 in London.
	ny := time.FixedZone("", -5*3600)
	if !tz.InShift(time.Date(2026, 11, 23, 7, 30, 0, 0, ny), true) {
		t.Error("offset not converted to the shift timezone")
	}
	if tz.InShift(time.Date(2026, 11, 23, 7, 30, 0, 0, ny), false) {
		t.Error("time without offset should be local wall clock")
	}
	// Summer time: 07:30 UTC is 08:30 BST.
	if !tz.InShift(time.Date(2026, 7, 6, 7, 30, 0, 0, time.UTC), true) || london == nil {
		t.Error("BST not applied")
	}
}

func FuzzParsePolicy(f *testing.F) {
	for _, name := range []string{"example.yaml", "example.json", "typo.yaml", "bad_values.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata", "policy", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{"", "---\n---\n", "a: &x [1]\nb: *x\n", "workplaces: [{name: A, lat: 1, lon: 2, radius_m: 3}]",
		"shift_hours: {start: \"23:00\", end: \"01:00\", days: [sat-mon]}", "{\"approved_apps\": [\"a.b.*\"]}", "- 1\n- 2\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePolicy(data)
		if err != nil {
			if !strings.Contains(err.Error(), "policy: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("parsed policy does not validate: %v", err)
		}
		for _, w := range p.Workplaces {
			if _, d, ok := p.InWorkplace(w.Lat, w.Lon); !ok || d != 0 && d > w.RadiusM {
				t.Fatalf("centre of %+v not inside (%v)", w, d)
			}
		}
		p.InShift(time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC), true)
		for _, a := range p.ApprovedApps {
			if !strings.HasSuffix(a, ".*") && !p.Approved(a) {
				t.Fatalf("approved id %q not approved", a)
			}
		}
		p.KeywordsIn("Wound clinic/IMG_1.jpg")
		p.FindIdentifiers("MRN 123456 NHS 943 476 5919")
	})
}
