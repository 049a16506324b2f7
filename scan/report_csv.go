package scan

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// csvHeader is the first row of the CSV report. Columns are only ever added
// at the end.
var csvHeader = []string{
	"severity", "category", "source", "source_path", "path", "domain", "reasons", "codes",
	"message", "remedy", "cloud_synced", "cloud_service", "app_id", "app_name",
	"permissions", "granted", "free", "ad_sdks",
}

// writeCSVReport writes one row per finding, in display order (category,
// severity, path), under csvHeader. Skipped files and the inventory are not
// rows: they are in the JSON report.
//
// Cells: reasons are "code: detail" joined by "; "; codes, permissions and
// ad_sdks are joined by ";"; optional booleans are "true", "false" or empty
// when unknown. Text with control characters or invalid UTF-8 is Go-quoted
// (as in the text report), and a cell that starts with = + - @, a tab or a
// carriage return gets a leading single quote so spreadsheets do not run it
// as a formula (OWASP CSV injection guidance). encoding/csv does the quoting.
func writeCSVReport(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, f := range reportSortedFindings(r.Findings) {
		if err := cw.Write(csvRow(r, f)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvRow(r *Report, f *Finding) []string {
	reasons := make([]string, 0, len(f.Reasons))
	codes := make([]string, 0, len(f.Reasons))
	for _, rs := range f.Reasons {
		reasons = append(reasons, reportSafe(rs.Code)+": "+reportSafe(rs.Detail))
		codes = append(codes, reportSafe(rs.Code))
	}
	var synced, service string
	if f.Cloud != nil {
		synced = csvBool(f.Cloud.Synced)
		service = reportSafe(f.Cloud.Service)
	}
	var appID, appName, perms, granted, free, ads string
	if a := f.App; a != nil {
		appID = reportSafe(a.ID)
		appName = reportSafe(a.Name)
		perms = csvJoin(a.Permissions)
		granted = csvBool(a.Granted)
		free = csvBool(a.Free)
		ads = csvJoin(a.AdSDKs)
	}
	row := []string{
		reportSafe(string(f.Severity)),
		reportSafe(string(f.Category)),
		strconv.Itoa(f.Source),
		reportSafe(reportSourcePath(r, f.Source)),
		reportSafe(f.Path),
		reportSafe(f.Domain),
		strings.Join(reasons, "; "),
		strings.Join(codes, ";"),
		reportSafe(f.Message),
		reportSafe(f.Remedy),
		synced, service, appID, appName, perms, granted, free, ads,
	}
	for i := range row {
		row[i] = csvNeutralise(row[i])
	}
	return row
}

// csvNeutralise prefixes a cell that a spreadsheet would read as a formula
// with a single quote.
func csvNeutralise(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

func csvBool(b *bool) string {
	if b == nil {
		return ""
	}
	return strconv.FormatBool(*b)
}

func csvJoin(xs []string) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = reportSafe(x)
	}
	return strings.Join(out, ";")
}
