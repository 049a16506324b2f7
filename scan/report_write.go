package scan

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Format is a report format, as given to --format.
type Format string

// Report formats.
const (
	FormatText Format = "text"
	FormatJSON Format = "json"
	FormatCSV  Format = "csv"
	FormatHTML Format = "html"
)

// Formats lists every report format in the order --help shows them.
var Formats = []Format{FormatText, FormatJSON, FormatCSV, FormatHTML}

// ParseFormat turns a --format value into a Format. It accepts any case and
// surrounding spaces; an empty string means text.
func ParseFormat(s string) (Format, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	if v == "" {
		return FormatText, nil
	}
	for _, f := range Formats {
		if string(f) == v {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown report format %s (want text, json, csv or html)", strconv.Quote(s))
}

// WriteOptions tunes WriteReport.
type WriteOptions struct {
	// Color enables ANSI colour in the text format only. The caller decides:
	// typically stdout is a terminal and NO_COLOR is unset.
	Color bool
	// Thumbnails makes the HTML format embed Finding.Thumbnail, blurred until
	// clicked, under a warning that the report holds patient images. The other
	// formats never print image pixels.
	Thumbnails bool
	// Width is the wrap width of the text format; 0 means 80.
	Width int
}

// WriteReport writes r to w in format f. It never changes r. The output does
// not depend on map order, time zone or locale: the same Report always gives
// the same bytes.
func WriteReport(w io.Writer, r *Report, f Format, o WriteOptions) error {
	if r == nil {
		return errors.New("scan: WriteReport: nil report")
	}
	switch f {
	case FormatText, "":
		return writeTextReport(w, r, o)
	case FormatJSON:
		return writeJSONReport(w, r)
	case FormatCSV:
		return writeCSVReport(w, r)
	case FormatHTML:
		return writeHTMLReport(w, r, o)
	}
	return fmt.Errorf("scan: unknown report format %s", strconv.Quote(string(f)))
}

// CreateReportFile creates (or truncates) the file at path for a report, with
// mode 0600: a report names patients' files and must not be world-readable.
// An existing file with wider permission bits is narrowed to 0600 before
// anything is written. A directory is refused.
func CreateReportFile(path string) (*os.File, error) {
	if path == "" {
		return nil, errors.New("scan: empty report file name")
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("scan: report file %s is a directory", strconv.Quote(path))
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if fi.IsDir() {
		f.Close()
		return nil, fmt.Errorf("scan: report file %s is a directory", strconv.Quote(path))
	}
	if fi.Mode().IsRegular() && fi.Mode().Perm()&^0o600 != 0 {
		if err := f.Chmod(0o600); err != nil {
			f.Close()
			return nil, fmt.Errorf("scan: narrowing permissions of %s: %w", strconv.Quote(path), err)
		}
	}
	return f, nil
}

// reportSafe makes an untrusted string (a file name, an EXIF field, an app
// label) safe to print on a terminal or in a spreadsheet: when it holds a
// control character (ESC, CR, newline, ...), a non-printing character such as
// a bidi override, or invalid UTF-8, it is returned Go-quoted ("\x1b[2J"),
// else unchanged.
func reportSafe(s string) string {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n <= 1) || !strconv.IsPrint(r) {
			return strconv.Quote(s)
		}
		i += n
	}
	return s
}

// reportPath is how a finding's location is printed: "Domain: path" for
// iPhone backups, else the path.
func reportPath(domain, path string) string {
	switch {
	case domain != "" && path != "":
		return reportSafe(domain) + ": " + reportSafe(path)
	case domain != "":
		return reportSafe(domain)
	}
	return reportSafe(path)
}

// reportCategoryOrder is the order categories are shown in.
var reportCategoryOrder = []Category{
	CategoryClinicalPhoto, CategoryMessagingAttachment, CategoryRiskyApp, CategoryDevice,
}

func reportCategoryRank(c Category) int {
	for i, k := range reportCategoryOrder {
		if k == c {
			return i
		}
	}
	return len(reportCategoryOrder)
}

// reportCategoryTitle is the heading of a category.
func reportCategoryTitle(c Category) string {
	switch c {
	case CategoryClinicalPhoto:
		return "Clinical photos"
	case CategoryMessagingAttachment:
		return "Messaging attachments"
	case CategoryRiskyApp:
		return "Risky apps"
	case CategoryDevice:
		return "Device"
	}
	return reportSafe(string(c))
}

// reportSortedFindings returns the findings ordered for display: category
// (clinical-photo, messaging-attachment, risky-app, device, then others by
// name), severity (high first), source, domain, path, message.
func reportSortedFindings(fs []Finding) []*Finding {
	out := make([]*Finding, len(fs))
	for i := range fs {
		out[i] = &fs[i]
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if ra, rb := reportCategoryRank(a.Category), reportCategoryRank(b.Category); ra != rb {
			return ra < rb
		}
		if a.Category != b.Category {
			return a.Category < b.Category
		}
		if ra, rb := a.Severity.Rank(), b.Severity.Rank(); ra != rb {
			return ra > rb
		}
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		if a.Domain != b.Domain {
			return a.Domain < b.Domain
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Message < b.Message
	})
	return out
}

// reportSeverities lists severities from the highest.
var reportSeverities = []Severity{SeverityHigh, SeverityMedium, SeverityLow, SeverityInfo}

// reportSeverityCounts counts findings by severity, from the findings
// themselves (so the numbers always match what is listed).
func reportSeverityCounts(fs []Finding) map[Severity]int {
	m := make(map[Severity]int)
	for i := range fs {
		m[fs[i].Severity]++
	}
	return m
}

// reportCountPhrase gives "12 findings (3 high, 9 low)".
func reportCountPhrase(fs []Finding) string {
	n := len(fs)
	s := reportPlural(n, "finding", "findings")
	if n == 0 {
		return s
	}
	counts := reportSeverityCounts(fs)
	var parts []string
	known := 0
	for _, sev := range reportSeverities {
		if c := counts[sev]; c > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c, sev))
			known += c
		}
	}
	if other := n - known; other > 0 {
		parts = append(parts, fmt.Sprintf("%d unrated", other))
	}
	return s + " (" + strings.Join(parts, ", ") + ")"
}

func reportPlural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// reportBool prints an optional boolean for people.
func reportBool(b *bool) string {
	if b == nil {
		return "unknown"
	}
	if *b {
		return "yes"
	}
	return "no"
}

// reportIncompleteSources counts sources that could not be read completely.
func reportIncompleteSources(r *Report) int {
	n := 0
	for i := range r.Sources {
		if !r.Sources[i].Complete {
			n++
		}
	}
	return n
}

// reportVerdictLine is the one-line answer, without colour:
// "ACTION NEEDED - 12 findings (3 high, 9 low)".
func reportVerdictLine(r *Report) string {
	counts := reportCountPhrase(r.Findings)
	switch r.Summary.Verdict {
	case VerdictActionNeeded:
		return "ACTION NEEDED - " + counts
	case VerdictClear:
		if len(r.Findings) == 0 {
			return "CLEAR - no findings"
		}
		if r.Summary.FailOn != "" {
			return "CLEAR - nothing at or above " + reportSafe(string(r.Summary.FailOn)) + "; " + counts
		}
		return "CLEAR - " + counts
	case VerdictIncomplete:
		inc := reportIncompleteSources(r)
		what := "the scan could not read everything"
		if inc > 0 {
			what = reportPlural(inc, "source", "sources") + " not read completely"
		}
		return "INCOMPLETE - " + what + "; " + counts
	case "":
		return "UNKNOWN - " + counts
	}
	return strings.ToUpper(reportSafe(r.Summary.Verdict)) + " - " + counts
}

// reportCountKeys orders Summary.Counts keys: the known ones first, then the
// rest by name.
func reportCountKeys(m map[string]int) []string {
	order := []string{"findings", "high", "medium", "low", "info"}
	for _, c := range reportCategoryOrder {
		order = append(order, string(c))
	}
	order = append(order, "skipped", "files")
	var keys []string
	seen := make(map[string]bool)
	for _, k := range order {
		if _, ok := m[k]; ok {
			keys = append(keys, k)
			seen[k] = true
		}
	}
	var rest []string
	for k := range m {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(keys, rest...)
}

// reportSourcePath returns the path of source i, or "" when i is out of range.
func reportSourcePath(r *Report, i int) string {
	if i >= 0 && i < len(r.Sources) {
		return r.Sources[i].Path
	}
	return ""
}

// reportOSName is "iOS 17.1" / "Android 14" / the bare version.
func reportOSName(kind, version string) string {
	if version == "" {
		return ""
	}
	switch kind {
	case KindIOSBackup, KindIPA:
		return "iOS " + version
	case KindAndroidStorage, KindAPK:
		return "Android " + version
	}
	return version
}

// reportDetail is one labelled line about a finding ("Cloud", "synced ...");
// an empty Label marks a piece of evidence. Text is already safe (reportSafe).
type reportDetail struct {
	Label, Text string
}

// reportList joins untrusted names with ", " after making each safe.
func reportList(xs []string) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = reportSafe(x)
	}
	return strings.Join(out, ", ")
}

// reportDetails lists what the text and HTML formats show about a finding
// besides its message and reasons: messenger, cloud status, app facts.
func reportDetails(f *Finding) []reportDetail {
	var out []reportDetail
	if m := f.Messaging; m != nil {
		parts := []string{reportSafe(m.App)}
		if m.Direction != "" {
			parts = append(parts, reportSafe(m.Direction))
		}
		if m.Chat != "" {
			parts = append(parts, "chat "+reportSafe(m.Chat))
		}
		if m.GalleryVisible != nil {
			parts = append(parts, "visible in gallery: "+reportBool(m.GalleryVisible))
		}
		out = append(out, reportDetail{"Messenger", strings.Join(parts, ", ")})
	}
	if c := f.Cloud; c != nil {
		var s string
		switch {
		case c.Synced == nil:
			s = "sync unknown"
		case *c.Synced:
			s = "synced"
		default:
			s = "not synced"
		}
		if c.Service != "" {
			s += " (" + reportSafe(c.Service) + ")"
		}
		if c.Evidence != "" {
			s += " - " + reportSafe(c.Evidence)
		}
		out = append(out, reportDetail{"Cloud", s})
	}
	if a := f.App; a != nil {
		s := reportSafe(a.Name)
		if a.ID != "" {
			if s == "" {
				s = reportSafe(a.ID)
			} else {
				s += " (" + reportSafe(a.ID) + ")"
			}
		}
		if a.Version != "" {
			s += " version " + reportSafe(a.Version)
		}
		out = append(out, reportDetail{"App", s})
		perms := "none"
		if len(a.Permissions) > 0 {
			perms = reportList(a.Permissions)
		}
		out = append(out, reportDetail{"Permissions", perms + "; granted: " + reportBool(a.Granted)})
		ads := "none found"
		if len(a.AdSDKs) > 0 {
			ads = reportList(a.AdSDKs)
		}
		out = append(out, reportDetail{"Free", reportBool(a.Free) + "; ad SDKs: " + ads})
		if len(a.Trackers) > 0 {
			out = append(out, reportDetail{"Trackers", reportList(a.Trackers)})
		}
		for _, e := range a.Evidence {
			out = append(out, reportDetail{"", reportSafe(e)})
		}
	}
	return out
}

// reportFindingWhere says where a finding is: its (domain and) path, else
// the app id, else the source's path (a finding about a whole device).
func reportFindingWhere(r *Report, f *Finding) string {
	where := reportPath(f.Domain, f.Path)
	if where == "" && f.App != nil {
		where = reportSafe(f.App.ID)
	}
	if where == "" {
		where = reportSafe(reportSourcePath(r, f.Source))
	}
	if where == "" {
		where = "(no path)"
	}
	return where
}
