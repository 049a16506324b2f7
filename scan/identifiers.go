package scan

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Identifier kinds.
const (
	IdentifierNHS      = "nhs-number"
	IdentifierCHI      = "chi-number"
	IdentifierMRN      = "mrn"
	IdentifierHospital = "hospital-number"
)

// Identifier is a patient identifier found in text. The full value is never
// kept: Masked shows only a few digits.
type Identifier struct {
	// Kind is "nhs-number", "chi-number", "mrn" or "hospital-number".
	Kind string
	// Masked is the value with most characters replaced by '*', e.g.
	// "943 *** **19".
	Masked string
	// Context says why it counts, e.g. `keyword "NHS" nearby` or
	// "formatted 3-3-4".
	Context string
	// Offset is the byte offset of the value in the text.
	Offset int
}

// maxIdentifierText bounds the text FindIdentifiers looks at.
const maxIdentifierText = 256 << 10

// maxIdentifiers bounds how many identifiers one text yields.
const maxIdentifiers = 100

// keywordWindow is how close (in bytes) a keyword must be to a bare number.
const keywordWindow = 300

// FindIdentifiers finds patient identifiers in free text (EXIF comments,
// barcode payloads, DICOM tags) or in a file or folder name / path, sorted by
// offset. Only the first 256 KiB of text are read.
//
// NHS number (10 digits, modulus 11, first digit 3-9, not all the same
// digit, no digit or decimal point right before or after) counts when:
//   - it is written 3-3-4 with spaces or dashes ("943 476 5919"), unless it
//     looks like part of a phone number (after "+", "tel", "phone", "mob",
//     "fax", "call", or inside a longer run of digit groups); or
//   - it is 10 bare digits and a keyword (NHS, patient, pt, hosp, hospital,
//     DOB, MRN, CHI, H&C) is within 300 characters; or
//   - the text is one line (a file or folder name, a path, a short metadata
//     field) and one of its '/'- or '\'-separated components is just the
//     number, possibly with an extension and a copy suffix like " (1)" or
//     "_2": "9434765919.jpg", "Patients/9434765919/IMG_1.jpg".
//
// Camera-style names (IMG_20190821_105723, PXL_..., unix timestamps) never
// match: their digit runs are not 10 long, or start with 1 or 2, or are not
// the whole name.
//
// CHI number (Scotland: DDMMYY + 4 digits, valid date, modulus 11) counts
// only with the keyword CHI within 300 characters.
//
// MRN / hospital number counts only right after a keyword (MRN, medical
// record number/no, hospital number/no, hosp no) and optional "#", ":", ".",
// "no", "number": 5-12 letters and digits with at least 4 digits.
func FindIdentifiers(text string) []Identifier {
	if len(text) > maxIdentifierText {
		text = text[:maxIdentifierText]
	}
	if countDigits(text) < 4 {
		return nil // every identifier has at least 4 digits
	}
	var ids []Identifier
	kws := findIDKeywords(text)
	var names []span
	if hasRun10(text) {
		names = nameSpans(text)
	}

	for i := 0; i < len(text) && len(ids) < maxIdentifiers; i++ {
		if !isDigit(text[i]) || (i > 0 && isDigit(text[i-1])) {
			continue
		}
		if id, ok := numberAt(text, i, kws, names); ok {
			ids = append(ids, id)
		}
	}

	var mrnMatches [][]int
	if containsFold(text, "mrn") || containsFold(text, "record") || containsFold(text, "hosp") {
		mrnMatches = mrnRe.FindAllStringSubmatchIndex(text, maxIdentifiers)
	}
	for _, m := range mrnMatches {
		if len(ids) >= maxIdentifiers {
			break
		}
		ks, ke, vs, ve := m[2], m[3], m[4], m[5]
		if ks > 0 && isLetter(text[ks-1]) {
			continue
		}
		if ve < len(text) && isAlnum(text[ve]) {
			continue
		}
		v := text[vs:ve]
		if countDigits(v) < 4 || overlaps(text, ids, vs, ve) {
			continue
		}
		kw := strings.Join(strings.Fields(strings.ReplaceAll(text[ks:ke], "_", " ")), " ")
		kind := IdentifierMRN
		if strings.HasPrefix(strings.ToLower(kw), "hosp") {
			kind = IdentifierHospital
		}
		ids = append(ids, Identifier{
			Kind:    kind,
			Masked:  maskID(v),
			Context: fmt.Sprintf("after keyword %q", kw),
			Offset:  vs,
		})
	}
	sortIdentifiers(ids)
	return ids
}

var mrnRe = regexp.MustCompile(`(?i)(mrn|medical[ _\t]*records?(?:[ _\t]*(?:number|num|no))?|hosp(?:ital)?\.?[ _\t]*(?:number|num|no))` +
	`[ _\t]*[#:.\-]?[ _\t]*(?:(?:number|num|no)\.?[ _\t]*[#:.\-]?[ _\t]*)?([a-z0-9]{5,12})`)

type span struct{ start, end int }

type idKeyword struct {
	span
	word string // canonical, e.g. "NHS"
}

// idKeywords maps lower-case letter runs to the keyword shown in Context.
var idKeywords = map[string]string{
	"nhs": "NHS", "patient": "patient", "patients": "patient", "pt": "pt",
	"hosp": "hosp", "hospital": "hospital", "dob": "DOB", "mrn": "MRN", "chi": "CHI",
}

// findIDKeywords returns every identifier keyword in text as whole words
// (a run of ASCII letters, any case).
func findIDKeywords(text string) []idKeyword {
	var out []idKeyword
	for i := 0; i < len(text); {
		if !isLetter(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && isLetter(text[j]) {
			j++
		}
		if j-i <= 8 {
			w := strings.ToLower(text[i:j])
			if k, ok := idKeywords[w]; ok {
				out = append(out, idKeyword{span{i, j}, k})
			} else if (w == "h" || w == "d") && j < len(text) {
				// H&C (Northern Ireland health and care number), D.O.B.
				rest := strings.ToLower(text[i:min(len(text), i+6)])
				if strings.HasPrefix(rest, "h&c") && (len(rest) == 3 || !isLetter(rest[3])) {
					out = append(out, idKeyword{span{i, i + 3}, "H&C"})
				} else if strings.HasPrefix(rest, "d.o.b") && (len(rest) == 5 || !isLetter(rest[5])) {
					out = append(out, idKeyword{span{i, i + 5}, "DOB"})
				}
			}
		}
		i = j
	}
	return out
}

// nearKeyword returns the first keyword (among want, or any when want is
// empty) within keywordWindow bytes of s. kws is in text order.
func nearKeyword(kws []idKeyword, s span, want string) (string, bool) {
	// Keywords are short, so none ending before s.start-keywordWindow can
	// be near; skip them with a binary search on start offsets.
	lo := sort.Search(len(kws), func(i int) bool { return kws[i].end >= s.start-keywordWindow })
	for _, k := range kws[lo:] {
		if k.start > s.end+keywordWindow {
			break
		}
		if want != "" && k.word != want {
			continue
		}
		gap := 0
		if k.start >= s.end {
			gap = k.start - s.end
		} else if s.start >= k.end {
			gap = s.start - k.end
		}
		if gap <= keywordWindow {
			return k.word, true
		}
	}
	return "", false
}

// numberAt tries to read an NHS or CHI number starting at text[i] (a digit
// with no digit before it).
func numberAt(text string, i int, kws []idKeyword, names []span) (Identifier, bool) {
	var d [10]byte
	n, end, sep := readDigitGroups(text, i, &d)
	if n != 10 || badNeighbours(text, i, end, sep != "") {
		return Identifier{}, false
	}
	s := span{i, end}

	// CHI: DDMMYY + 4, bare or 6-4, only with the keyword CHI nearby.
	if sep == "" || sep == "6-4" {
		if _, ok := nearKeyword(kws, s, "CHI"); ok && chiValid(d) {
			return Identifier{Kind: IdentifierCHI, Masked: maskCHI(d), Context: `keyword "CHI" nearby`, Offset: i}, true
		}
	}
	if sep == "6-4" || !nhsValid(d) {
		return Identifier{}, false
	}
	kw, near := nearKeyword(kws, s, "")
	var ctx string
	switch {
	case sep == "3-3-4" && !phoneLike(text, i):
		ctx = "formatted 3-3-4"
		if near {
			ctx += fmt.Sprintf(", keyword %q nearby", kw)
		}
	case sep == "" && near:
		ctx = fmt.Sprintf("keyword %q nearby", kw)
	case sep == "" && isWholeName(names, s):
		ctx = "the whole name or field is the number"
	default:
		return Identifier{}, false
	}
	return Identifier{Kind: IdentifierNHS, Masked: maskNHS(d), Context: ctx, Offset: i}, true
}

// readDigitGroups reads 10 digits at text[i:] as one run of 10, as 3-3-4
// with the same separator (space or dash) twice, or as 6-4. It returns the
// number of digits read (10 on success), the end offset and the layout
// ("", "3-3-4" or "6-4").
func readDigitGroups(text string, i int, d *[10]byte) (n, end int, layout string) {
	run := func(at int) int {
		j := at
		for j < len(text) && isDigit(text[j]) && j-at < 11 {
			j++
		}
		return j - at
	}
	copyDigits := func(at, k, into int) {
		for x := 0; x < k; x++ {
			d[into+x] = text[at+x] - '0'
		}
	}
	first := run(i)
	switch first {
	case 10:
		copyDigits(i, 10, 0)
		return 10, i + 10, ""
	case 3:
		p := i + 3
		if p+1 >= len(text) || (text[p] != ' ' && text[p] != '-') {
			return 0, 0, ""
		}
		sep := text[p]
		if run(p+1) != 3 {
			return 0, 0, ""
		}
		q := p + 4
		if q+1 >= len(text) || text[q] != sep || run(q+1) != 4 {
			return 0, 0, ""
		}
		copyDigits(i, 3, 0)
		copyDigits(p+1, 3, 3)
		copyDigits(q+1, 4, 6)
		return 10, q + 5, "3-3-4"
	case 6:
		p := i + 6
		if p+1 >= len(text) || (text[p] != ' ' && text[p] != '-') || run(p+1) != 4 {
			return 0, 0, ""
		}
		copyDigits(i, 6, 0)
		copyDigits(p+1, 4, 6)
		return 10, p + 5, "6-4"
	}
	return 0, 0, ""
}

// badNeighbours rejects numbers that are part of something longer: a decimal
// fraction (3.9434765919) and, for numbers written in groups, a phone-style
// chain: a 1-3 digit group before ("0 943 476 5919", "+44 943 476 5919") or
// a 1-4 digit group after ("943 476 5919 12") that is not the start of a
// date or time ("943 476 5919 12/03/2023" is fine).
func badNeighbours(text string, start, end int, grouped bool) bool {
	if start >= 2 && (text[start-1] == '.' || text[start-1] == ',') && isDigit(text[start-2]) {
		return true
	}
	if end+1 < len(text) && (text[end] == '.' || text[end] == ',') && isDigit(text[end+1]) {
		return true
	}
	if !grouped {
		return false
	}
	if start >= 2 && (text[start-1] == ' ' || text[start-1] == '-') {
		k := 0
		for j := start - 2; j >= 0 && isDigit(text[j]) && k < 5; j-- {
			k++
		}
		if k >= 1 && k <= 3 {
			return true
		}
	}
	if end+1 < len(text) && (text[end] == ' ' || text[end] == '-') {
		k := 0
		for j := end + 1; j < len(text) && isDigit(text[j]) && k < 5; j++ {
			k++
		}
		next := byte(' ')
		if end+1+k < len(text) {
			next = text[end+1+k]
		}
		if k >= 1 && k <= 4 && next != '/' && next != '.' && next != ':' {
			return true
		}
	}
	return false
}

// phoneLike reports whether the number at text[start] follows "+" or a
// phone word closely.
func phoneLike(text string, start int) bool {
	before := strings.ToLower(text[max(0, start-24):start])
	if strings.HasSuffix(strings.TrimRight(before, " "), "+") {
		return true
	}
	for _, w := range [...]string{"tel", "phone", "mob", "fax", "call", "cell", "ph:", "ph.", "ring"} {
		if strings.Contains(before, w) {
			return true
		}
	}
	return false
}

// nhsValid checks the modulus 11 check digit (10 = invalid) and rejects
// all-same-digit strings and numbers starting with 0, 1 or 2 (the Scottish
// CHI range 010-311, and unix timestamps 1xxxxxxxxx).
func nhsValid(d [10]byte) bool {
	same := true
	for _, x := range d[1:] {
		if x != d[0] {
			same = false
		}
	}
	if same {
		return false
	}
	if d[0] < 3 {
		return false // CHI numbers (010-311) and unix timestamps (1xx, 2xx)
	}
	return mod11(d)
}

func mod11(d [10]byte) bool {
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(d[i]) * (10 - i)
	}
	c := 11 - sum%11
	if c == 11 {
		c = 0
	}
	return c != 10 && c == int(d[9])
}

// chiValid checks a CHI number: DDMMYY is a real date and the modulus 11
// check digit holds.
func chiValid(d [10]byte) bool {
	day := int(d[0])*10 + int(d[1])
	month := int(d[2])*10 + int(d[3])
	year := int(d[4])*10 + int(d[5])
	if month < 1 || month > 12 || day < 1 {
		return false
	}
	days := [...]int{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[month-1]
	if month == 2 && year%4 != 0 {
		days = 28
	}
	if day > days {
		return false
	}
	same := true
	for _, x := range d[1:] {
		if x != d[0] {
			same = false
		}
	}
	return !same && mod11(d)
}

// nameSpans returns the path components of text when text looks like a file
// name or path (one line, not long), each trimmed of its extension and copy
// suffixes; otherwise nil.
func nameSpans(text string) []span {
	if len(text) > 1024 || strings.ContainsAny(text, "\r\n") {
		return nil
	}
	var out []span
	start := 0
	for i := 0; i <= len(text); i++ {
		if i < len(text) && text[i] != '/' && text[i] != '\\' {
			continue
		}
		if s, ok := trimName(text, start, i); ok {
			out = append(out, s)
		}
		start = i + 1
	}
	return out
}

var copySuffix = regexp.MustCompile(`(?i)(?:\s*\(\d{1,3}\)|[ _-]\d{1,2}|[ _-]?copy|[ _-]edited|\s+)$`)

// trimName returns text[start:end] without extension and copy suffixes.
func trimName(text string, start, end int) (span, bool) {
	name := text[start:end]
	if dot := strings.LastIndexByte(name, '.'); dot > 0 && len(name)-dot-1 <= 5 && len(name)-dot-1 >= 1 {
		ext := name[dot+1:]
		hasLetter := false
		ok := true
		for k := 0; k < len(ext); k++ {
			if isLetter(ext[k]) {
				hasLetter = true
			} else if !isDigit(ext[k]) {
				ok = false
			}
		}
		if ok && hasLetter {
			name = name[:dot]
		}
	}
	for k := 0; k < 4; k++ {
		loc := copySuffix.FindStringIndex(name)
		if loc == nil || loc[0] == 0 {
			break
		}
		name = name[:loc[0]]
	}
	lead := len(name) - len(strings.TrimLeft(name, " "))
	if len(name) == lead {
		return span{}, false
	}
	return span{start + lead, start + len(name)}, true
}

func isWholeName(names []span, s span) bool {
	for _, n := range names {
		if n == s {
			return true
		}
	}
	return false
}

func maskNHS(d [10]byte) string {
	return fmt.Sprintf("%d%d%d *** **%d%d", d[0], d[1], d[2], d[8], d[9])
}

func maskCHI(d [10]byte) string {
	return fmt.Sprintf("****** **%d%d", d[8], d[9])
}

// maskID keeps the last two characters (one when shorter than 6) of v.
func maskID(v string) string {
	keep := 2
	if len(v) < 6 {
		keep = 1
	}
	if len(v) <= keep {
		return strings.Repeat("*", len(v))
	}
	return strings.Repeat("*", len(v)-keep) + v[len(v)-keep:]
}

// overlaps reports whether [a, b) overlaps an identifier already found.
func overlaps(text string, ids []Identifier, a, b int) bool {
	for _, id := range ids {
		if a < idEnd(text, id.Offset) && id.Offset < b {
			return true
		}
	}
	return false
}

// idEnd finds where the identifier value starting at text[off] ends: a run
// of letters and digits, with single spaces or dashes between digit groups.
func idEnd(text string, off int) int {
	j := off
	for j < len(text) && j-off < 16 {
		c := text[j]
		if isAlnum(c) {
			j++
			continue
		}
		if (c == ' ' || c == '-') && j+1 < len(text) && isDigit(text[j+1]) && j > off && isDigit(text[j-1]) {
			j++
			continue
		}
		break
	}
	return j
}

func sortIdentifiers(ids []Identifier) {
	sort.SliceStable(ids, func(i, j int) bool { return ids[i].Offset < ids[j].Offset })
}

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			n++
		}
	}
	return n
}

// alnumBoundary reports whether text[a:b] has no ASCII letter or digit
// immediately before or after it.
func alnumBoundary(text string, a, b int) bool {
	return (a == 0 || !isAlnum(text[a-1])) && (b >= len(text) || !isAlnum(text[b]))
}

// hasRun10 reports whether text holds a run of exactly 10 digits, the only
// shape the file-name rule accepts.
func hasRun10(text string) bool {
	n := 0
	for i := 0; i <= len(text); i++ {
		if i < len(text) && isDigit(text[i]) {
			n++
			continue
		}
		if n == 10 {
			return true
		}
		n = 0
	}
	return false
}

// containsFold reports whether text contains the lower-case ASCII word w,
// ignoring ASCII case, without allocating.
func containsFold(text, w string) bool {
	for i := 0; i+len(w) <= len(text); i++ {
		j := 0
		for j < len(w) && text[i+j]|0x20 == w[j] {
			j++
		}
		if j == len(w) {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isAlnum(c byte) bool  { return isDigit(c) || isLetter(c) }
