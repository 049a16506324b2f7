package trackers

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"iter"
	"sort"
	"strings"
)

// SDK is a third-party SDK recognised in an app.
type SDK struct {
	Name     string // human name, e.g. "Google AdMob"
	Category string // ads, analytics, crash, social, location, profiling
	Website  string
	Ads      bool // Category == "ads"
}

// Entry is one row of the signature table as stored in sdks.json.
type Entry struct {
	Name       string   `json:"name"`
	Category   string   `json:"category"`
	Packages   []string `json:"packages"`             // Java package prefixes, dot form
	Exclude    []string `json:"exclude,omitempty"`    // prefixes that do NOT count (belong to another SDK or to the platform)
	Frameworks []string `json:"frameworks,omitempty"` // iOS framework / module names
	Website    string   `json:"website"`
	Source     string   `json:"source"`
}

//go:embed sdks.json
var sdksJSON []byte

var (
	entries   []Entry
	byPrefix  = map[string]int{} // package prefix, slash form -> index in entries
	excluded  = map[string]bool{}
	byFrmwk   = map[string]int{} // lower-case framework name -> index
	maxDepth  int
	loadError error
)

func init() {
	loadError = load(sdksJSON)
	if loadError != nil {
		panic(loadError) // the table is compiled in; a bad table is a programming error caught by tests
	}
}

func load(data []byte) error {
	var es []Entry
	if err := json.Unmarshal(data, &es); err != nil {
		return fmt.Errorf("trackers: sdks.json: %w", err)
	}
	for i, e := range es {
		if e.Name == "" || e.Category == "" {
			return fmt.Errorf("trackers: entry %d has no name or category", i)
		}
		for _, p := range e.Packages {
			p = normalize(p)
			if p == "" {
				return fmt.Errorf("trackers: %s: empty package", e.Name)
			}
			if j, dup := byPrefix[p]; dup {
				return fmt.Errorf("trackers: package %s in both %s and %s", p, es[j].Name, e.Name)
			}
			byPrefix[p] = i
			if d := strings.Count(p, "/") + 1; d > maxDepth {
				maxDepth = d
			}
		}
		for _, p := range e.Exclude {
			p = normalize(p)
			excluded[p] = true
			if d := strings.Count(p, "/") + 1; d > maxDepth {
				maxDepth = d
			}
		}
		for _, f := range e.Frameworks {
			byFrmwk[strings.ToLower(f)] = i
		}
	}
	entries = es
	return nil
}

// Entries returns a copy of the signature table.
func Entries() []Entry {
	out := make([]Entry, len(entries))
	copy(out, entries)
	return out
}

func (e Entry) sdk() SDK {
	return SDK{Name: e.Name, Category: e.Category, Website: e.Website, Ads: e.Category == "ads"}
}

// normalize turns "Lcom/foo/Bar;", "com/foo/Bar" or "com.foo.Bar" into the
// slash form "com/foo/Bar", allocating only for dotted input.
func normalize(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 2 && s[0] == 'L' && s[len(s)-1] == ';' {
		s = s[1 : len(s)-1]
	}
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.ReplaceAll(s, ".", "/")
	}
	return strings.Trim(s, "/")
}

// Matcher accumulates class names and reports the SDKs seen. The zero value is not
// usable; call NewMatcher. Not safe for concurrent use.
type Matcher struct {
	hit []bool
}

// NewMatcher returns an empty Matcher.
func NewMatcher() *Matcher { return &Matcher{hit: make([]bool, len(entries))} }

// Add records one class, given as a DEX type descriptor (Lcom/foo/Bar;), a slash
// name (com/foo/Bar) or a dotted Java name (com.foo.Bar). Array descriptors and
// primitive types are ignored.
func (m *Matcher) Add(class string) {
	if class == "" || class[0] == '[' {
		return
	}
	name := normalize(class)
	// Walk the package prefixes from the longest to the shortest, so an exclusion
	// (e.g. com.google.android.gms.ads.identifier) wins over a shorter SDK prefix.
	end := len(name)
	for depth := strings.Count(name, "/") + 1; depth > 0; depth-- {
		p := name[:end]
		if depth <= maxDepth {
			if i, ok := byPrefix[p]; ok {
				m.hit[i] = true
				return
			}
			if excluded[p] {
				return
			}
		}
		end = strings.LastIndexByte(p, '/')
		if end < 0 {
			return
		}
	}
}

// SDKs returns the matched SDKs sorted by name.
func (m *Matcher) SDKs() []SDK {
	var out []SDK
	for i, h := range m.hit {
		if h {
			out = append(out, entries[i].sdk())
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}

// Match returns the SDKs whose package prefixes occur among the class names.
func Match(classes []string) []SDK {
	m := NewMatcher()
	for _, c := range classes {
		m.Add(c)
	}
	return m.SDKs()
}

// MatchSeq is Match over an iterator, for streaming class lists.
func MatchSeq(classes iter.Seq[string]) []SDK {
	m := NewMatcher()
	for c := range classes {
		m.Add(c)
	}
	return m.SDKs()
}

// MatchFrameworks matches iOS framework names (GoogleMobileAds,
// "GoogleMobileAds.framework", "Frameworks/UnityAds.framework/UnityAds") against
// the table, case-insensitively.
func MatchFrameworks(names []string) []SDK {
	seen := map[int]bool{}
	var out []SDK
	for _, n := range names {
		n = strings.TrimSuffix(n, "/")
		if i := strings.LastIndex(strings.ToLower(n), ".framework"); i >= 0 {
			n = n[:i]
		}
		if i := strings.LastIndexByte(n, '/'); i >= 0 {
			n = n[i+1:]
		}
		n = strings.TrimSuffix(n, ".xcframework")
		i, ok := byFrmwk[strings.ToLower(n)]
		if !ok || seen[i] {
			continue
		}
		seen[i] = true
		out = append(out, entries[i].sdk())
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}
