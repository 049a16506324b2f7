package scan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// ReasonShiftHours is the reason code for a photo taken inside the policy's
// shift hours. It is a weak signal that only adds to others.
const ReasonShiftHours = "shift-hours"

// MaxPolicySize is the largest policy file LoadPolicy and ParsePolicy accept.
const MaxPolicySize = 1 << 20

// MaxWorkplaceRadiusM is the largest radius_m a workplace may have (50 km).
const MaxWorkplaceRadiusM = 50000

// Policy is a workplace policy: where work happens, which apps are approved,
// and how clinical words are judged. The zero value (see DefaultPolicy) has no
// workplaces and approves nothing.
//
// A Policy built in Go rather than by ParsePolicy should be checked with
// Validate, which also prepares the shift hours and MRN patterns.
type Policy struct {
	// Workplaces: a photo whose GPS position falls inside one of these
	// circles was taken at work.
	Workplaces []Workplace `yaml:"workplaces"`
	// ApprovedApps lists bundle ids / package names never reported as risky
	// apps. Matching is exact and case-sensitive; an entry ending in ".*"
	// (e.g. "com.vendor.*") approves every id starting with "com.vendor.".
	ApprovedApps []string `yaml:"approved_apps"`
	// ClinicalKeywords are words or phrases added to the built-in list of
	// clinical words looked for in file and folder names.
	ClinicalKeywords []string `yaml:"clinical_keywords"`
	// IgnoreKeywords are built-in clinical words to disable (each must be
	// a built-in word, so typos are caught).
	IgnoreKeywords []string `yaml:"ignore_keywords"`
	// ShiftHours, when set, makes "taken during working hours" a weak extra
	// signal (reason code "shift-hours").
	ShiftHours *ShiftHours `yaml:"shift_hours"`
	// ReportSystemApps also reports risky apps that come with the system
	// image (normally left out).
	ReportSystemApps bool `yaml:"report_system_apps"`
	// MRNPatterns are local hospital-number formats (Go regexp syntax),
	// looked for in text in addition to the built-in identifiers.
	MRNPatterns []MRNPattern `yaml:"mrn_patterns"`

	kw *KeywordMatcher // built by Validate
}

// Workplace is a circle on the map.
type Workplace struct {
	Name    string  `yaml:"name"`
	Lat     float64 `yaml:"lat"`
	Lon     float64 `yaml:"lon"`
	RadiusM float64 `yaml:"radius_m"`
}

// ShiftHours is a daily working window, e.g. {start: "08:00", end: "18:30",
// days: [mon, tue, wed, thu, fri]}.
//
// Start and End are "HH:MM" (24 h clock; End may be "24:00"). When End is
// before Start the shift runs overnight and its early-morning part belongs to
// the day the shift started. Days lists "mon".."sun" (full names, ranges
// like "mon-fri" or "fri..mon", "weekdays" and "weekend" work too); empty
// means every day. Timezone is an optional
// IANA zone name (e.g. "Europe/London") used for photo times that carry a UTC
// offset; times without one are taken as local wall-clock time.
type ShiftHours struct {
	Start    string   `yaml:"start"`
	End      string   `yaml:"end"`
	Days     []string `yaml:"days"`
	Timezone string   `yaml:"timezone"`

	spec *shiftSpec
}

type shiftSpec struct {
	start, end int   // minutes after midnight; end may be 1440
	days       uint8 // bit d set = time.Weekday(d) is a working day
	loc        *time.Location
}

// MRNPattern is a local medical-record / hospital number format.
type MRNPattern struct {
	// Name says whose format it is, e.g. "St Elsewhere hospital number".
	Name string `yaml:"name"`
	// Pattern is a Go regexp (RE2) for the number itself. A match must be
	// bounded by non-alphanumerics and hold at least 4 digits.
	Pattern string `yaml:"pattern"`

	re *regexp.Regexp
}

// DefaultPolicy returns the policy used without a policy file: no
// workplaces, nothing approved, the built-in keywords.
func DefaultPolicy() *Policy {
	return &Policy{}
}

// LoadPolicy reads and parses a policy file (YAML or JSON, at most
// MaxPolicySize bytes). See ParsePolicy.
func LoadPolicy(path string) (*Policy, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("policy %s: is a directory", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxPolicySize+1))
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", path, err)
	}
	p, err := ParsePolicy(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// ParsePolicy parses a policy document. YAML and JSON are accepted; an empty
// document gives an empty policy. Unknown keys, more than one YAML document,
// anchors/aliases, values of the wrong type and values that fail Validate are
// errors; messages start with "policy: " and give the line when known, e.g.
//
//	policy: line 7: unknown key "workplace" (did you mean "workplaces"?)
func ParsePolicy(data []byte) (*Policy, error) {
	if len(data) > MaxPolicySize {
		return nil, fmt.Errorf("policy: larger than %d bytes", MaxPolicySize)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if t := bytes.TrimSpace(data); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		// JSON: tabs are legal JSON whitespace but not YAML indentation.
		// Raw tabs cannot occur inside valid JSON strings, so replacing
		// them all is safe.
		data = bytes.ReplaceAll(data, []byte("\t"), []byte(" "))
	}

	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return DefaultPolicy(), nil
		}
		if bytes.HasPrefix(data, []byte("\t")) || bytes.Contains(data, []byte("\n\t")) {
			return nil, fmt.Errorf("%w (YAML is indented with spaces, not tabs)", yamlError(err))
		}
		return nil, yamlError(err)
	}
	var second yaml.Node
	if err := dec.Decode(&second); err == nil {
		return nil, fmt.Errorf("policy: line %d: more than one YAML document (\"---\"): put everything in one", second.Line)
	} else if !errors.Is(err, io.EOF) {
		return nil, yamlError(err)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return DefaultPolicy(), nil
		}
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return DefaultPolicy(), nil
	}
	if err := checkKeys(root, policySchema, "", 0); err != nil {
		return nil, err
	}

	p := DefaultPolicy()
	strict := yaml.NewDecoder(bytes.NewReader(data))
	strict.KnownFields(true)
	if err := strict.Decode(p); err != nil {
		return nil, yamlError(err)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// yamlError rewords a yaml error as "policy: line N: ...".
func yamlError(err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msgs := make([]string, len(te.Errors))
		for i, m := range te.Errors {
			msgs[i] = "policy: " + m
		}
		return errors.New(strings.Join(msgs, "\n"))
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	return errors.New("policy: " + msg)
}

// schema describes the keys a policy may hold, for error messages that name
// the unknown key and its line.
type schema struct {
	keys   map[string]*schema // mapping
	elem   *schema            // sequence
	scalar bool
}

var (
	scalarSchema    = &schema{scalar: true}
	scalarSeqSchema = &schema{elem: scalarSchema}
	policySchema    = &schema{keys: map[string]*schema{
		"workplaces": {elem: &schema{keys: map[string]*schema{
			"name": scalarSchema, "lat": scalarSchema, "lon": scalarSchema, "radius_m": scalarSchema,
		}}},
		"approved_apps":      scalarSeqSchema,
		"clinical_keywords":  scalarSeqSchema,
		"ignore_keywords":    scalarSeqSchema,
		"report_system_apps": scalarSchema,
		"shift_hours": {keys: map[string]*schema{
			"start": scalarSchema, "end": scalarSchema, "days": scalarSeqSchema, "timezone": scalarSchema,
		}},
		"mrn_patterns": {elem: &schema{keys: map[string]*schema{
			"name": scalarSchema, "pattern": scalarSchema,
		}}},
	}}
)

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "a value"
	}
	return "something else"
}

// checkKeys walks n against s. where names the position ("workplaces[0]").
func checkKeys(n *yaml.Node, s *schema, where string, depth int) error {
	if depth > 16 {
		return fmt.Errorf("policy: line %d: nested too deeply", n.Line)
	}
	in := ""
	if where != "" {
		in = " in " + where
	}
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return fmt.Errorf("policy: line %d: YAML anchors and aliases are not supported%s", n.Line, in)
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil // an empty value: the field keeps its zero value
	}
	switch {
	case s.keys != nil:
		if n.Kind != yaml.MappingNode {
			if where == "" {
				return fmt.Errorf("policy: line %d: the policy must be a mapping of keys (like \"workplaces:\"), found %s", n.Line, nodeKind(n))
			}
			return fmt.Errorf("policy: line %d: %s must be a mapping of keys, found %s", n.Line, where, nodeKind(n))
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				return fmt.Errorf("policy: line %d: a key must be a plain word%s", k.Line, in)
			}
			sub, ok := s.keys[k.Value]
			if !ok {
				msg := fmt.Sprintf("policy: line %d: unknown key %q%s", k.Line, k.Value, in)
				if sug := suggestKey(k.Value, s.keys); sug != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", sug)
				} else {
					msg += " (known keys: " + strings.Join(sortedKeys(s.keys), ", ") + ")"
				}
				return errors.New(msg)
			}
			child := k.Value
			if where != "" {
				child = where + "." + k.Value
			}
			if err := checkKeys(v, sub, child, depth+1); err != nil {
				return err
			}
		}
	case s.elem != nil:
		if n.Kind != yaml.SequenceNode {
			return fmt.Errorf("policy: line %d: %s must be a list, found %s", n.Line, where, nodeKind(n))
		}
		for i, c := range n.Content {
			if err := checkKeys(c, s.elem, fmt.Sprintf("%s[%d]", where, i), depth+1); err != nil {
				return err
			}
		}
	case s.scalar:
		if n.Kind != yaml.ScalarNode {
			return fmt.Errorf("policy: line %d: %s must be a single value, found %s", n.Line, where, nodeKind(n))
		}
	}
	return nil
}

func sortedKeys(m map[string]*schema) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// suggestKey returns the known key closest to k, or "" if none is close.
func suggestKey(k string, known map[string]*schema) string {
	lk := strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(k, "-", "_"), " ", "_"))
	best, bestD := "", 3
	for _, c := range sortedKeys(known) {
		if lk == c {
			return c
		}
		if len(lk) >= 4 && (strings.HasPrefix(c, lk) || strings.HasPrefix(lk, c)) {
			return c
		}
		if d := editDistance(lk, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance, for short keys only.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Validate checks every value and prepares shift hours and MRN patterns.
// The error lists every problem, one per line, naming the entry by index and
// name, e.g. `policy: workplaces[1] "Annex": radius_m 60000 must be > 0 and <= 50000`.
func (p *Policy) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("policy: "+format, args...))
	}
	for i, w := range p.Workplaces {
		id := fmt.Sprintf("workplaces[%d]", i)
		if strings.TrimSpace(w.Name) == "" {
			bad("%s: name is empty", id)
		} else {
			id += fmt.Sprintf(" %q", w.Name)
		}
		if math.IsNaN(w.Lat) || w.Lat < -90 || w.Lat > 90 {
			bad("%s: lat %v must be between -90 and 90", id, w.Lat)
		}
		if math.IsNaN(w.Lon) || w.Lon < -180 || w.Lon > 180 {
			bad("%s: lon %v must be between -180 and 180", id, w.Lon)
		}
		if math.IsNaN(w.RadiusM) || w.RadiusM <= 0 || w.RadiusM > MaxWorkplaceRadiusM {
			bad("%s: radius_m %v must be > 0 and <= %d", id, w.RadiusM, MaxWorkplaceRadiusM)
		}
	}
	for i, a := range p.ApprovedApps {
		if err := checkAppID(a); err != nil {
			bad("approved_apps[%d] %q: %v", i, a, err)
		}
	}
	for i, k := range p.ClinicalKeywords {
		if len(keywordTokens(k)) == 0 {
			bad("clinical_keywords[%d] %q: needs at least one letter or digit", i, k)
		} else if len(k) > 100 {
			bad("clinical_keywords[%d]: longer than 100 characters", i)
		}
	}
	for i, k := range p.IgnoreKeywords {
		if !IsBuiltinKeyword(k) {
			bad("ignore_keywords[%d] %q: not a built-in clinical keyword", i, k)
		}
	}
	if s := p.ShiftHours; s != nil {
		spec, err := s.parse()
		if err != nil {
			bad("shift_hours: %v", err)
		} else {
			s.spec = spec
		}
	}
	for i := range p.MRNPatterns {
		m := &p.MRNPatterns[i]
		id := fmt.Sprintf("mrn_patterns[%d]", i)
		if strings.TrimSpace(m.Name) == "" {
			bad("%s: name is empty", id)
		} else {
			id += fmt.Sprintf(" %q", m.Name)
		}
		re, err := compileMRNPattern(m.Pattern)
		if err != nil {
			bad("%s: pattern: %v", id, err)
			continue
		}
		m.re = re
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if len(p.ClinicalKeywords) > 0 || len(p.IgnoreKeywords) > 0 {
		p.kw = NewKeywordMatcher(p.ClinicalKeywords, p.IgnoreKeywords)
	}
	return nil
}

func checkAppID(a string) error {
	if a == "" {
		return errors.New("empty id")
	}
	if strings.IndexFunc(a, unicode.IsSpace) >= 0 {
		return errors.New("id contains white space")
	}
	prefix, wild := strings.CutSuffix(a, ".*")
	if strings.Contains(prefix, "*") {
		return errors.New(`"*" is only allowed as a trailing ".*" after a vendor prefix (com.vendor.*)`)
	}
	if wild && (prefix == "" || !strings.Contains(prefix, ".")) {
		return errors.New(`a wildcard needs a vendor prefix of at least two labels (com.vendor.*)`)
	}
	return nil
}

func compileMRNPattern(pat string) (*regexp.Regexp, error) {
	if strings.TrimSpace(pat) == "" {
		return nil, errors.New("empty")
	}
	if len(pat) > 500 {
		return nil, errors.New("longer than 500 characters")
	}
	re, err := regexp.Compile(pat)
	if err != nil {
		return nil, err
	}
	if re.MatchString("") {
		return nil, errors.New("matches the empty string")
	}
	return re, nil
}

var dayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
	"tues": time.Tuesday, "thur": time.Thursday, "thurs": time.Thursday,
}

func parseDay(s string) (time.Weekday, bool) {
	d, ok := dayNames[strings.ToLower(strings.TrimSpace(s))]
	return d, ok
}

// parseClock parses "HH:MM" (or "H:MM") into minutes after midnight;
// "24:00" is allowed when allow24.
func parseClock(s string, allow24 bool) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 {
		return 0, fmt.Errorf("%q is not a time like \"08:30\"", s)
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && (mm != 0 || !allow24)) {
		return 0, fmt.Errorf("%q is not a time like \"08:30\"", s)
	}
	return hh*60 + mm, nil
}

func (s *ShiftHours) parse() (*shiftSpec, error) {
	var errs []error
	spec := &shiftSpec{}
	var err error
	if spec.start, err = parseClock(s.Start, false); err != nil {
		errs = append(errs, fmt.Errorf("start: %v", err))
	}
	if spec.end, err = parseClock(s.End, true); err != nil {
		errs = append(errs, fmt.Errorf("end: %v", err))
	}
	if len(errs) == 0 && spec.start == spec.end {
		errs = append(errs, errors.New("start and end are the same time"))
	}
	for i, d := range s.Days {
		switch strings.ToLower(strings.TrimSpace(d)) {
		case "weekdays":
			d = "mon-fri"
		case "weekend", "weekends":
			d = "sat-sun"
		}
		from, to, isRange := strings.Cut(strings.Replace(d, "..", "-", 1), "-")
		if !isRange {
			to = from
		}
		a, ok1 := parseDay(from)
		b, ok2 := parseDay(to)
		if !ok1 || !ok2 {
			errs = append(errs, fmt.Errorf("days[%d] %q: not a day (mon, tue, ... sun, or a range like mon-fri)", i, d))
			continue
		}
		for day := a; ; day = (day + 1) % 7 {
			spec.days |= 1 << day
			if day == b {
				break
			}
		}
	}
	if len(s.Days) == 0 {
		spec.days = 0x7f
	}
	if s.Timezone != "" {
		loc, err := time.LoadLocation(s.Timezone)
		if err != nil {
			errs = append(errs, fmt.Errorf("timezone %q: %v", s.Timezone, err))
		}
		spec.loc = loc
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return spec, nil
}

// InWorkplace returns the workplace whose circle contains the point and whose
// centre is nearest to it, with the distance in metres. Invalid coordinates
// (NaN, out of range) are never inside.
func (p *Policy) InWorkplace(lat, lon float64) (name string, distanceM float64, ok bool) {
	if p == nil || !validLatLon(lat, lon) {
		return "", 0, false
	}
	best := math.Inf(1)
	for _, w := range p.Workplaces {
		d := DistanceM(lat, lon, w.Lat, w.Lon)
		if d <= w.RadiusM && d < best {
			name, distanceM, ok, best = w.Name, d, true, d
		}
	}
	return name, distanceM, ok
}

// Approved reports whether appID is an approved app: equal to an entry, or
// starting with the prefix of an entry "prefix.*" followed by a dot.
func (p *Policy) Approved(appID string) bool {
	if p == nil || appID == "" {
		return false
	}
	for _, a := range p.ApprovedApps {
		if prefix, wild := strings.CutSuffix(a, ".*"); wild && prefix != "" {
			if strings.HasPrefix(appID, prefix+".") && len(appID) > len(prefix)+1 {
				return true
			}
			continue
		}
		if a == appID {
			return true
		}
	}
	return false
}

// InShift reports whether t falls inside the policy's shift hours. hasOffset
// says whether t carries the photo's real UTC offset: then it is converted to
// the shift timezone when one is set; otherwise t's wall clock (hour, minute,
// weekday in t.Location()) is taken as local time. No shift hours, a zero
// time or invalid shift hours give false.
func (p *Policy) InShift(t time.Time, hasOffset bool) bool {
	if p == nil || p.ShiftHours == nil || t.IsZero() {
		return false
	}
	spec := p.ShiftHours.spec
	if spec == nil {
		var err error
		if spec, err = p.ShiftHours.parse(); err != nil {
			return false
		}
	}
	if hasOffset && spec.loc != nil {
		t = t.In(spec.loc)
	}
	m := t.Hour()*60 + t.Minute()
	day := t.Weekday()
	works := func(d time.Weekday) bool { return spec.days&(1<<d) != 0 }
	if spec.start < spec.end {
		return works(day) && m >= spec.start && m < spec.end
	}
	// Overnight: the part after midnight belongs to the previous day's shift.
	if m >= spec.start {
		return works(day)
	}
	return m < spec.end && works((day+6)%7)
}

// FindIdentifiers finds patient identifiers in text like the package-level
// FindIdentifiers, plus matches of the policy's local MRN patterns (Kind
// "mrn", Context naming the pattern).
func (p *Policy) FindIdentifiers(text string) []Identifier {
	ids := FindIdentifiers(text)
	if p == nil || len(p.MRNPatterns) == 0 {
		return ids
	}
	if len(text) > maxIdentifierText {
		text = text[:maxIdentifierText]
	}
	for _, m := range p.MRNPatterns {
		re := m.re
		if re == nil {
			var err error
			if re, err = compileMRNPattern(m.Pattern); err != nil {
				continue
			}
		}
		for _, loc := range re.FindAllStringIndex(text, 100) {
			a, b := loc[0], loc[1]
			v := text[a:b]
			if countDigits(v) < 4 || !alnumBoundary(text, a, b) || overlaps(text, ids, a, b) {
				continue
			}
			ids = append(ids, Identifier{
				Kind:    "mrn",
				Masked:  maskID(v),
				Context: fmt.Sprintf("local pattern %q", m.Name),
				Offset:  a,
			})
		}
	}
	sortIdentifiers(ids)
	return ids
}
