package scan

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Built-in clinical keywords, matched as whole words in file and folder
// names. Each entry is a canonical word (what ClinicalKeywords returns) and
// its spellings; a spelling of several words matches those words in a row
// within one path component ("x ray", "X-Ray", "xRay" all give "x-ray").
//
// Ambiguous words are "supporting": they are reported only when a strong
// word is also in the path, so "Theatre Royal night out", "Burns Night",
// "Retina wallpaper", "referral code" or "consent form" (school trips) do not
// flag a holiday photo, while "Wound clinic/Theatre 3" reports both. The
// short or ambiguous words "ed", "op", "pt" and "scan" are never keywords;
// "ct" counts alone only next to an imaging word ("CT head", "ct_scan").
//
// Known weak spots: "ward" is also a surname, "surgery" a GP practice and
// "nhs" appears in NHS app screenshots; the clinical-photo judgement weighs
// a keyword as one reason among several.
var builtinKeywords = []struct {
	canon     string
	spellings []string
	support   bool
}{
	// Places and teams.
	{canon: "ward", spellings: []string{"ward", "wards", "ward round", "ward rounds"}},
	{canon: "clinic", spellings: []string{"clinic", "clinics"}},
	{canon: "clinical", spellings: []string{"clinical"}},
	{canon: "hospital", spellings: []string{"hospital", "hospitals"}},
	{canon: "a&e", spellings: []string{"a&e", "a and e", "emergency department", "emergency dept"}},
	{canon: "icu", spellings: []string{"icu", "itu", "hdu", "nicu", "picu", "intensive care"}},
	{canon: "operating-theatre", spellings: []string{"operating theatre", "operating theatres", "operating room", "theatre list", "theatre lists"}},
	{canon: "theatre", spellings: []string{"theatre", "theatres"}, support: true},
	{canon: "surgery", spellings: []string{"surgery", "surgeries"}},
	{canon: "surgical", spellings: []string{"surgical"}},
	{canon: "burns", spellings: []string{"burns unit", "burns ward", "burns clinic", "burn wound", "burn wounds"}},
	{canon: "burn", spellings: []string{"burns", "burn"}, support: true},
	// People and paperwork.
	{canon: "patient", spellings: []string{"patient", "patients"}},
	{canon: "nhs", spellings: []string{"nhs"}},
	{canon: "clerking", spellings: []string{"clerking"}},
	{canon: "handover", spellings: []string{"handover", "handovers"}, support: true},
	{canon: "referral", spellings: []string{"referral", "referrals"}, support: true},
	{canon: "consent", spellings: []string{"consent"}, support: true},
	{canon: "obs", spellings: []string{"obs"}, support: true},
	// Skin and wounds.
	{canon: "wound", spellings: []string{"wound", "wounds"}},
	{canon: "ulcer", spellings: []string{"ulcer", "ulcers"}},
	{canon: "dermatology", spellings: []string{"derm", "derma", "derms", "dermatology", "dermatological"}},
	{canon: "dermoscopy", spellings: []string{"dermoscopy", "dermatoscopy", "dermoscope", "dermatoscope"}},
	{canon: "rash", spellings: []string{"rash", "rashes"}},
	{canon: "lesion", spellings: []string{"lesion", "lesions"}},
	{canon: "mole", spellings: []string{"mole", "moles"}, support: true},
	{canon: "fracture", spellings: []string{"fracture", "fractures"}},
	// Imaging.
	{canon: "x-ray", spellings: []string{"x ray", "x rays", "xray", "xrays"}},
	{canon: "radiograph", spellings: []string{"radiograph", "radiographs", "radiography", "radiology"}},
	{canon: "ct", spellings: []string{"ct scan", "ct scans", "ct head", "ct chest", "ct abdo", "ct abdomen",
		"ct pelvis", "ct brain", "ct angio", "ct angiogram", "ct kub", "ct spine", "ct neck", "ct thorax",
		"ct colonography", "ctpa", "cta"}},
	{canon: "ct-support", spellings: []string{"ct"}, support: true},
	{canon: "mri", spellings: []string{"mri", "mris"}},
	{canon: "ultrasound", spellings: []string{"ultrasound", "ultrasounds", "sonography"}},
	{canon: "ecg", spellings: []string{"ecg", "ecgs", "ekg", "ekgs"}},
	{canon: "fundus", spellings: []string{"fundus", "fundoscopy", "funduscopy"}},
	{canon: "retina", spellings: []string{"retina", "retinal"}, support: true},
	{canon: "endoscopy", spellings: []string{"endoscopy", "colonoscopy", "gastroscopy", "bronchoscopy"}},
	{canon: "colposcopy", spellings: []string{"colposcopy"}},
	{canon: "ophthalmology", spellings: []string{"ophthalmology", "ophthalmic"}},
	// Procedures and laboratory.
	{canon: "biopsy", spellings: []string{"biopsy", "biopsies"}},
	{canon: "histology", spellings: []string{"histology", "histopathology"}},
	{canon: "pathology", spellings: []string{"pathology"}},
	{canon: "post-op", spellings: []string{"post op", "postop", "post operative", "postoperative", "postoperatively"}},
	{canon: "pre-op", spellings: []string{"pre op", "preop", "pre operative", "preoperative", "preoperatively"}},
}

// canonOut maps internal canonical names to what is reported.
func canonOut(c string) string {
	if c == "ct-support" {
		return "ct"
	}
	return c
}

type kwPhrase struct {
	toks    []string
	canon   string
	support bool
}

// KeywordMatcher finds clinical keywords in paths. Build one with
// NewKeywordMatcher and reuse it; it is safe for concurrent use.
type KeywordMatcher struct {
	byFirst map[string][]kwPhrase
}

var defaultKeywordMatcher = NewKeywordMatcher(nil, nil)

// NewKeywordMatcher builds a matcher for the built-in keywords plus extra
// words or phrases (always strong) minus the built-in keywords named in
// ignore (any spelling disables the whole entry).
func NewKeywordMatcher(extra, ignore []string) *KeywordMatcher {
	off := map[string]bool{}
	for _, w := range ignore {
		if c, ok := builtinCanon(w); ok {
			off[c] = true
		}
	}
	m := &KeywordMatcher{byFirst: map[string][]kwPhrase{}}
	add := func(p kwPhrase) {
		if len(p.toks) == 0 {
			return
		}
		list := m.byFirst[p.toks[0]]
		for i, q := range list {
			if equalTokens(q.toks, p.toks) {
				list[i] = p // later (extra) wins
				return
			}
		}
		// Longest phrases first, so "ct head" wins over "ct".
		list = append(list, p)
		sort.SliceStable(list, func(i, j int) bool { return len(list[i].toks) > len(list[j].toks) })
		m.byFirst[p.toks[0]] = list
	}
	for _, k := range builtinKeywords {
		if off[k.canon] || (k.canon == "ct-support" && off["ct"]) {
			continue
		}
		for _, s := range k.spellings {
			add(kwPhrase{toks: keywordTokens(s), canon: k.canon, support: k.support})
		}
	}
	for _, e := range extra {
		toks := keywordTokens(e)
		if len(toks) == 0 || len(toks) > 8 {
			continue
		}
		add(kwPhrase{toks: toks, canon: strings.Join(toks, " ")})
	}
	return m
}

func equalTokens(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// builtinCanon returns the built-in entry a word or phrase belongs to.
func builtinCanon(w string) (string, bool) {
	toks := keywordTokens(w)
	if len(toks) == 0 {
		return "", false
	}
	joined := strings.Join(toks, " ")
	for _, k := range builtinKeywords {
		if strings.Join(keywordTokens(canonOut(k.canon)), " ") == joined {
			return canonOut(k.canon), true
		}
		for _, s := range k.spellings {
			if strings.Join(keywordTokens(s), " ") == joined {
				return canonOut(k.canon), true
			}
		}
	}
	return "", false
}

// IsBuiltinKeyword reports whether w is (a spelling of) a built-in clinical
// keyword, i.e. something ignore_keywords may name.
func IsBuiltinKeyword(w string) bool {
	_, ok := builtinCanon(w)
	return ok
}

// ClinicalKeywords returns the clinical keywords found in path (every
// '/'- or '\'-separated component), in canonical form, sorted, without
// duplicates; nil when none. extra adds words or phrases, ignore disables
// built-in ones. See NewKeywordMatcher and the built-in list above.
//
// Words are whole words, case-insensitive: components are split at spaces,
// punctuation (_ - . etc.), camelCase and letter/digit boundaries, so
// "WoundPhotos", "wound_photos" and "Ward7" match but "Wardrobe", "Award"
// and "ICUrious" do not. Components that look like app ids
// ("com.example.clinic") are skipped.
func ClinicalKeywords(path string, extra, ignore []string) []string {
	m := defaultKeywordMatcher
	if len(extra) > 0 || len(ignore) > 0 {
		m = NewKeywordMatcher(extra, ignore)
	}
	return m.Match(path)
}

// KeywordsIn returns the clinical keywords in path using the policy's
// clinical_keywords and ignore_keywords.
func (p *Policy) KeywordsIn(path string) []string {
	if p == nil {
		return defaultKeywordMatcher.Match(path)
	}
	if p.kw != nil {
		return p.kw.Match(path)
	}
	return ClinicalKeywords(path, p.ClinicalKeywords, p.IgnoreKeywords)
}

// maxKeywordPath bounds how much of a path Match looks at.
const maxKeywordPath = 4096

// Match returns the keywords in path, as ClinicalKeywords does.
func (m *KeywordMatcher) Match(path string) []string {
	if len(path) > maxKeywordPath {
		path = path[:maxKeywordPath]
	}
	strong := map[string]bool{}
	weak := map[string]bool{}
	for comp := range strings.FieldsFuncSeq(path, func(r rune) bool { return r == '/' || r == '\\' }) {
		if looksLikeAppID(comp) {
			continue
		}
		toks := keywordTokens(comp)
		for i := 0; i < len(toks); {
			n := 1
			for _, p := range m.byFirst[toks[i]] {
				if i+len(p.toks) <= len(toks) && equalTokens(toks[i:i+len(p.toks)], p.toks) {
					if p.support {
						weak[canonOut(p.canon)] = true
					} else {
						strong[canonOut(p.canon)] = true
					}
					n = len(p.toks)
					break
				}
			}
			i += n
		}
	}
	if len(strong) == 0 {
		return nil
	}
	out := make([]string, 0, len(strong)+len(weak))
	for w := range strong {
		out = append(out, w)
	}
	for w := range weak {
		if !strong[w] {
			out = append(out, w)
		}
	}
	sort.Strings(out)
	return out
}

var appIDFirstLabels = map[string]bool{
	"com": true, "org": true, "net": true, "io": true, "uk": true, "de": true, "fr": true, "nl": true,
	"au": true, "ca": true, "us": true, "gov": true, "edu": true, "me": true, "co": true, "app": true,
	"dev": true, "info": true, "tv": true, "jp": true, "cn": true, "ru": true, "in": true, "ch": true,
	"se": true, "no": true, "dk": true, "fi": true, "it": true, "es": true, "be": true, "at": true,
	"pl": true, "br": true, "kr": true, "ie": true, "nz": true, "eu": true, "cc": true, "ai": true,
}

// looksLikeAppID reports whether a path component is a reverse-DNS app id
// such as "com.nhs.online.nhsonline" (Android/data/<id>, iOS AppDomain-<id>).
func looksLikeAppID(c string) bool {
	c = strings.TrimPrefix(strings.TrimPrefix(c, "AppDomain-"), "AppDomainGroup-")
	c = strings.TrimPrefix(c, "group.")
	labels := strings.Split(c, ".")
	if len(labels) < 3 || !appIDFirstLabels[strings.ToLower(labels[0])] {
		return false
	}
	for _, l := range labels {
		if l == "" {
			return false
		}
		for _, r := range l {
			if !(r == '_' || r == '-' || r < utf8.RuneSelf && (isAlnum(byte(r)))) {
				return false
			}
		}
	}
	return true
}

// keywordTokens splits s into lower-case words: at every rune that is not a
// letter or digit, between letters and digits, at camelCase boundaries
// ("WoundPhotos", "XRay", but "ECGs" and "MRIs" stay one word), and keeps
// "a&e" style single-letter pairs together.
func keywordTokens(s string) []string {
	rs := []rune(s)
	var toks []string
	start := -1
	flush := func(end int) {
		if start >= 0 && end > start {
			toks = append(toks, strings.ToLower(string(rs[start:end])))
		}
		start = -1
	}
	for i := 0; i < len(rs) && len(toks) < 1024; i++ {
		r := rs[i]
		letter, digit := unicode.IsLetter(r), unicode.IsDigit(r)
		if !letter && !digit {
			flush(i)
			// "A&E": single letter, '&', single letter.
			if r == '&' && i >= 1 && i+1 < len(rs) && unicode.IsLetter(rs[i-1]) && unicode.IsLetter(rs[i+1]) &&
				(i < 2 || !unicode.IsLetter(rs[i-2]) && !unicode.IsDigit(rs[i-2])) &&
				(i+2 >= len(rs) || !unicode.IsLetter(rs[i+2]) && !unicode.IsDigit(rs[i+2])) {
				toks[len(toks)-1] = strings.ToLower(string(rs[i-1 : i+2]))
				i++
			}
			continue
		}
		if start < 0 {
			start = i
			continue
		}
		prev := rs[i-1]
		switch {
		case unicode.IsDigit(prev) != digit:
			flush(i)
			start = i
		case unicode.IsLower(prev) && unicode.IsUpper(r):
			flush(i)
			start = i
		case unicode.IsUpper(prev) && unicode.IsUpper(r) && i+2 < len(rs) &&
			unicode.IsLower(rs[i+1]) && unicode.IsLower(rs[i+2]):
			// "HTMLParser", "ICUrious": the last capital starts a word
			// when at least two lower-case letters follow.
			flush(i)
			start = i
		}
	}
	flush(len(rs))
	return toks
}
