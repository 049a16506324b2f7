package scan

import (
	"encoding/json"
	"io"
)

// writeJSONReport writes the contract's JSON: two-space indent, fields in
// the order of the Go structs (schema_version first), findings and skipped
// always arrays, inventory only when present, optional booleans as null,
// map keys (summary.counts) sorted, and a trailing newline.
//
// HTML escaping (<, >, & as \u003c...) is turned off so that file names read
// as they are: the JSON report is a document of its own, never pasted into a
// page by devicescan (the HTML format escapes through html/template).
// encoding/json still escapes U+2028 and U+2029, and replaces invalid UTF-8
// in names with U+FFFD, since JSON strings must be valid Unicode.
func writeJSONReport(w io.Writer, r *Report) error {
	c := jsonReportCopy(r)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(c) // Encode ends with a newline
}

// jsonReportCopy returns a shallow copy of r whose slices and maps that the
// contract prints as [] / {} are non-nil. r itself is not changed.
func jsonReportCopy(r *Report) *Report {
	c := *r
	if c.SchemaVersion == 0 {
		c.SchemaVersion = SchemaVersion
	}
	if c.Sources == nil {
		c.Sources = []SourceReport{}
	}
	if c.Skipped == nil {
		c.Skipped = []Skipped{}
	}
	if len(c.Inventory) == 0 {
		c.Inventory = nil
	}
	if c.Summary.Counts == nil {
		c.Summary.Counts = map[string]int{}
	}
	c.Findings = make([]Finding, len(r.Findings))
	for i, f := range r.Findings {
		if f.Reasons == nil {
			f.Reasons = []Reason{}
		}
		if f.App != nil {
			a := *f.App
			if a.Permissions == nil {
				a.Permissions = []string{}
			}
			if a.AdSDKs == nil {
				a.AdSDKs = []string{}
			}
			f.App = &a
		}
		c.Findings[i] = f
	}
	return &c
}
