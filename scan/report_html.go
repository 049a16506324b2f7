package scan

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"
)

// htmlThumbnailMax caps one embedded thumbnail; bigger ones are left out.
const htmlThumbnailMax = 512 << 10

// htmlCSP allows nothing from outside: only the inline style and script of the
// page, and data: images (thumbnails).
const htmlCSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

type htmlSource struct {
	Index    int
	Path     string
	Kind     string
	Device   string
	IDs      string
	Passcode string
	Enc      string
	Cloud    string
	Files    int
	Images   int
	Skipped  int
	Complete bool
	Problems []string
}

type htmlFinding struct {
	Severity  string
	Category  string
	Where     string
	Source    int
	Message   string
	Reasons   []Reason
	Details   []string
	Remedy    string
	Thumbnail template.URL
}

type htmlCount struct {
	Key   string
	Value int
}

type htmlData struct {
	Title         string
	CSP           string
	Verdict       string
	VerdictClass  string
	Thumbnails    bool
	HasThumbnails bool
	Sources       []htmlSource
	Counts        []htmlCount
	Findings      []htmlFinding
	Categories    []string
	Severities    []string
	Skipped       []Skipped
	Inventory     int
	MultiSource   bool
}

// writeHTMLReport writes one self-contained page: inline CSS and a little
// inline JS (filters), no external URL, readable with JS off. Everything goes
// through html/template, so hostile names are inert text.
func writeHTMLReport(w io.Writer, r *Report, o WriteOptions) error {
	d := htmlData{
		CSP:         htmlCSP,
		Verdict:     reportVerdictLine(r),
		Thumbnails:  o.Thumbnails,
		MultiSource: len(r.Sources) > 1,
		Inventory:   len(r.Inventory),
	}
	name := r.Tool.Name
	if name == "" {
		name = "devicescan"
	}
	d.Title = name + " report"
	if r.Tool.Version != "" {
		d.Title = name + " " + r.Tool.Version + " report"
	}
	switch r.Summary.Verdict {
	case VerdictActionNeeded:
		d.VerdictClass = "action"
	case VerdictClear:
		d.VerdictClass = "clear"
	default:
		d.VerdictClass = "incomplete"
	}
	for i, s := range r.Sources {
		hs := htmlSource{Index: i, Path: reportSafe(s.Path), Kind: reportSafe(s.Kind), Files: s.Stats.Files,
			Images: s.Stats.Images, Skipped: s.Stats.Skipped, Complete: s.Complete}
		for _, p := range s.Problems {
			hs.Problems = append(hs.Problems, reportSafe(p))
		}
		if dv := s.Device; dv != nil {
			var parts []string
			for _, p := range []string{dv.Name, dv.Model, reportOSName(s.Kind, dv.OSVersion)} {
				if p != "" {
					parts = append(parts, reportSafe(p))
				}
			}
			hs.Device = strings.Join(parts, ", ")
			var ids []string
			if dv.Serial != "" {
				ids = append(ids, "serial "+reportSafe(dv.Serial))
			}
			if dv.UDID != "" {
				ids = append(ids, "UDID "+reportSafe(dv.UDID))
			}
			hs.IDs = strings.Join(ids, ", ")
			hs.Passcode = reportBool(dv.PasscodeSet)
			hs.Enc = reportBool(dv.BackupEncrypted)
			hs.Cloud = reportBool(dv.CloudBackupEnabled)
		}
		d.Sources = append(d.Sources, hs)
	}
	for _, k := range reportCountKeys(r.Summary.Counts) {
		d.Counts = append(d.Counts, htmlCount{k, r.Summary.Counts[k]})
	}
	seenCat := make(map[string]bool)
	for _, f := range reportSortedFindings(r.Findings) {
		hf := htmlFinding{
			Severity: reportSafe(string(f.Severity)),
			Category: reportSafe(string(f.Category)),
			Where:    reportFindingWhere(r, f),
			Source:   f.Source,
			Message:  reportSafe(f.Message),
			Details:  htmlDetails(f),
			Remedy:   reportSafe(f.Remedy),
		}
		if o.Thumbnails && len(f.Thumbnail) > 3 && len(f.Thumbnail) <= htmlThumbnailMax &&
			bytes.HasPrefix(f.Thumbnail, []byte{0xFF, 0xD8, 0xFF}) {
			// Our own base64 of JPEG bytes: safe as a data: URL.
			hf.Thumbnail = template.URL("data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(f.Thumbnail))
			d.HasThumbnails = true
		}
		for _, rs := range f.Reasons {
			hf.Reasons = append(hf.Reasons, Reason{Code: reportSafe(rs.Code), Detail: reportSafe(rs.Detail)})
		}
		if !seenCat[hf.Category] {
			seenCat[hf.Category] = true
			d.Categories = append(d.Categories, hf.Category)
		}
		d.Findings = append(d.Findings, hf)
	}
	for _, s := range reportSeverities {
		d.Severities = append(d.Severities, string(s))
	}
	for _, s := range r.Skipped {
		d.Skipped = append(d.Skipped, Skipped{Source: s.Source, Domain: reportSafe(s.Domain),
			Path: htmlJoinWhere(s.Domain, s.Path), Error: reportSafe(s.Error)})
	}
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, &d); err != nil {
		return fmt.Errorf("scan: html report: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// htmlJoinWhere prints a location like the text report does (names with
// control characters or invalid UTF-8 Go-quoted); html/template escapes it.
func htmlJoinWhere(domain, path string) string {
	return reportPath(domain, path)
}

// htmlDetails are the extra lines of a finding: messenger, cloud, app.
func htmlDetails(f *Finding) []string {
	var out []string
	for _, d := range reportDetails(f) {
		if d.Label == "" {
			out = append(out, d.Text)
		} else {
			out = append(out, d.Label+": "+d.Text)
		}
	}
	return out
}

var htmlTemplate = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{.CSP}}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5em;color:#222;background:#fff}
h1{font-size:1.4em}
table{border-collapse:collapse;width:100%;margin-bottom:1.5em}
th,td{border:1px solid #ccc;padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}
table.counts{width:auto;min-width:20em}
.path{font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
.verdict{font-size:1.3em;font-weight:bold;padding:.6em 1em;border-radius:4px;margin:1em 0}
.verdict.action{background:#fde2e1;color:#8a1111;border:2px solid #c62828}
.verdict.clear{background:#e3f4e4;color:#1b5e20;border:2px solid #2e7d32}
.verdict.incomplete{background:#fff4d6;color:#6d4c00;border:2px solid #e0a800}
.patient-warning{background:#c62828;color:#fff;font-weight:bold;padding:.8em 1em;border-radius:4px}
.sev{font-weight:bold;text-transform:uppercase}
.sev-high{color:#b71c1c}.sev-medium{color:#a15c00}.sev-low{color:#01579b}.sev-info{color:#555}
.problem{color:#8a1111}
ul{margin:.2em 0;padding-left:1.2em}
.filters{margin:.5em 0 1em}
.filters label{margin-right:1em}
.thumb input{position:absolute;opacity:0}
.thumb img{max-width:160px;max-height:160px;filter:blur(14px);cursor:pointer;display:block}
.thumb input:checked+img{filter:none}
.thumb small{display:block;color:#555}
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{if .HasThumbnails}}<div class="patient-warning" role="alert">WARNING: this report contains patient images (thumbnails). Handle, store and send it as patient-identifiable clinical data, and delete it when done.</div>
{{end}}<div class="verdict {{.VerdictClass}}">VERDICT: {{.Verdict}}</div>

<h2>Sources</h2>
{{if .Sources}}<table>
<thead><tr><th>#</th><th>Kind</th><th>Path</th><th>Device</th><th>Passcode set</th><th>Backup encrypted</th><th>Cloud backup</th><th>Files</th><th>Images</th><th>Skipped</th><th>Complete</th></tr></thead>
<tbody>
{{range .Sources}}<tr><td>{{.Index}}</td><td>{{.Kind}}</td><td class="path">{{.Path}}</td><td>{{.Device}}{{if .IDs}}<br><small>{{.IDs}}</small>{{end}}</td><td>{{.Passcode}}</td><td>{{.Enc}}</td><td>{{.Cloud}}</td><td>{{.Files}}</td><td>{{.Images}}</td><td>{{.Skipped}}</td><td>{{if .Complete}}yes{{else}}<span class="problem">NO</span>{{range .Problems}}<br><span class="problem">{{.}}</span>{{end}}{{end}}</td></tr>
{{end}}</tbody>
</table>
{{else}}<p>No sources.</p>
{{end}}
<h2>Counts</h2>
{{if .Counts}}<table class="counts">
<tbody>
{{range .Counts}}<tr><th>{{.Key}}</th><td>{{.Value}}</td></tr>
{{end}}</tbody>
</table>
{{else}}<p>No counts.</p>
{{end}}
<h2>Findings ({{len .Findings}})</h2>
{{if .Findings}}<form class="filters" id="filters" hidden>
<label>Category <select id="f-cat"><option value="">all</option>{{range .Categories}}<option value="{{.}}">{{.}}</option>{{end}}</select></label>
<label>Severity at least <select id="f-sev"><option value="">all</option>{{range .Severities}}<option value="{{.}}">{{.}}</option>{{end}}</select></label>
<label>Search <input type="search" id="f-text" placeholder="path, reason, app..."></label>
<span id="f-count"></span>
</form>
<table id="findings">
<thead><tr><th>Severity</th><th>Category</th>{{if .MultiSource}}<th>Source</th>{{end}}<th>Where</th><th>What</th><th>Remedy</th>{{if .HasThumbnails}}<th>Image</th>{{end}}</tr></thead>
<tbody>
{{range .Findings}}<tr class="finding" data-category="{{.Category}}" data-severity="{{.Severity}}">
<td class="sev sev-{{.Severity}}">{{.Severity}}</td><td>{{.Category}}</td>{{if $.MultiSource}}<td>{{.Source}}</td>{{end}}<td class="path">{{.Where}}</td>
<td>{{.Message}}{{if .Reasons}}<ul>{{range .Reasons}}<li><code>{{.Code}}</code>: {{.Detail}}</li>{{end}}</ul>{{end}}{{if .Details}}<ul>{{range .Details}}<li>{{.}}</li>{{end}}</ul>{{end}}</td>
<td>{{.Remedy}}</td>{{if $.HasThumbnails}}<td>{{if .Thumbnail}}<label class="thumb"><input type="checkbox"><img src="{{.Thumbnail}}" alt="patient image, blurred: click to show"><small>click to unblur</small></label>{{end}}</td>{{end}}
</tr>
{{end}}</tbody>
</table>
{{else}}<p>No findings.</p>
{{end}}
<h2>Skipped files ({{len .Skipped}})</h2>
{{if .Skipped}}<table>
<thead><tr>{{if .MultiSource}}<th>Source</th>{{end}}<th>Path</th><th>Error</th></tr></thead>
<tbody>
{{range .Skipped}}<tr>{{if $.MultiSource}}<td>{{.Source}}</td>{{end}}<td class="path">{{.Path}}</td><td>{{.Error}}</td></tr>
{{end}}</tbody>
</table>
{{else}}<p>None.</p>
{{end}}{{if .Inventory}}<p>Inventory: {{.Inventory}} files (listed in the JSON report).</p>
{{end}}
<script>
(function () {
  var form = document.getElementById("filters");
  var table = document.getElementById("findings");
  if (!form || !table) { return; }
  form.hidden = false;
  var rank = {info: 0, low: 1, medium: 2, high: 3};
  var cat = document.getElementById("f-cat");
  var sev = document.getElementById("f-sev");
  var text = document.getElementById("f-text");
  var count = document.getElementById("f-count");
  var rows = table.querySelectorAll("tr.finding");
  function apply() {
    var c = cat.value, s = sev.value, q = text.value.toLowerCase(), shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var ok = (!c || r.getAttribute("data-category") === c) &&
        (!s || (rank[r.getAttribute("data-severity")] || 0) >= rank[s]) &&
        (!q || r.textContent.toLowerCase().indexOf(q) >= 0);
      r.hidden = !ok;
      if (ok) { shown++; }
    }
    count.textContent = shown + " of " + rows.length + " shown";
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  cat.addEventListener("change", apply);
  sev.addEventListener("change", apply);
  text.addEventListener("input", apply);
  apply();
})();
</script>
</body>
</html>
`))
