package scan

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

func htmlOf(t *testing.T, r *Report, o WriteOptions) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteReport(&buf, r, FormatHTML, o); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestHTMLReportEscapes(t *testing.T) {
	for _, thumbs := range []bool{false, true} {
		out := htmlOf(t, goldenReport(), WriteOptions{Thumbnails: thumbs})
		if strings.Contains(out, "<script>alert") || strings.Contains(out, `"http://example`) {
			t.Error("hostile name not escaped")
		}
		if !strings.Contains(out, "&lt;script&gt;alert(1)&lt;/script&gt;.jpg") {
			t.Error("escaped hostile name missing")
		}
		if strings.Count(out, "<script") != 1 {
			t.Errorf("%d script elements, want 1", strings.Count(out, "<script"))
		}
		if strings.Contains(out, "\x1b") {
			t.Error("raw ESC in HTML")
		}
		// No external resource of any kind.
		if m := regexp.MustCompile(`(?i)(src|href)\s*=\s*"(https?:|//)`).FindString(out); m != "" {
			t.Errorf("external URL: %s", m)
		}
		if !strings.Contains(out, `<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;`) {
			t.Error("CSP meta tag missing")
		}
		if err := htmlBalanced(out); err != "" {
			t.Errorf("thumbnails=%v: %s", thumbs, err)
		}
	}
}

func TestHTMLReportThumbnails(t *testing.T) {
	without := htmlOf(t, goldenReport(), WriteOptions{})
	if strings.Contains(without, "data:image") || strings.Contains(without, "patient images") {
		t.Error("image data or warning without Thumbnails")
	}
	with := htmlOf(t, goldenReport(), WriteOptions{Thumbnails: true})
	if n := strings.Count(with, `src="data:image/jpeg;base64,`); n != 1 {
		t.Errorf("%d thumbnails, want 1 (the non-JPEG one is left out)", n)
	}
	if !strings.Contains(with, `class="patient-warning"`) || !strings.Contains(with, "filter:blur(") {
		t.Error("warning or blur missing")
	}
	if strings.Index(with, "patient-warning\"") > strings.Index(with, "VERDICT:") {
		t.Error("warning is not at the top")
	}
	// Thumbnails requested but none present: no warning.
	r := goldenReport()
	for i := range r.Findings {
		r.Findings[i].Thumbnail = nil
	}
	if strings.Contains(htmlOf(t, r, WriteOptions{Thumbnails: true}), `class="patient-warning"`) {
		t.Error("warning without images")
	}
}

func TestHTMLReportContent(t *testing.T) {
	out := htmlOf(t, goldenReport(), WriteOptions{})
	for _, want := range []string{
		"<title>devicescan 0.1.0-test report</title>",
		`<div class="verdict incomplete">VERDICT: INCOMPLETE`,
		"Dr Smith&#39;s iPhone, iPhone14,2, iOS 17.1",
		`id="f-cat"`, `id="f-sev"`, `id="f-text"`,
		`data-category="risky-app"`,
		"CameraRollDomain: Media/DCIM/100APPLE/IMG_0001.JPG",
		"<code>workplace-location</code>: inside St Elsewhere General (120 m)",
		"Skipped files (23)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}

var htmlVoid = map[string]bool{"meta": true, "br": true, "input": true, "img": true, "link": true, "hr": true}

// htmlBalanced is a small well-formedness check (golang.org/x/net/html is not
// available): outside the one script, every non-void element is closed in
// order, and no raw '<' starts anything but a tag.
func htmlBalanced(doc string) string {
	s := doc
	if i := strings.Index(s, "<script>"); i >= 0 {
		j := strings.Index(s, "</script>")
		if j < i {
			return "unclosed script"
		}
		s = s[:i] + s[j+len("</script>"):]
	}
	s = strings.TrimPrefix(s, "<!DOCTYPE html>")
	tag := regexp.MustCompile(`^<(/?)([a-z][a-z0-9]*)((?:\s+[a-z-]+(?:="[^"<>]*")?)*)\s*>`)
	var stack []string
	for i := 0; i < len(s); {
		k := strings.IndexByte(s[i:], '<')
		if k < 0 {
			break
		}
		i += k
		m := tag.FindStringSubmatch(s[i:])
		if m == nil {
			return "stray '<' at " + strings.ReplaceAll(s[i:min(i+40, len(s))], "\n", " ")
		}
		i += len(m[0])
		name := m[2]
		if htmlVoid[name] {
			continue
		}
		if m[1] == "" {
			stack = append(stack, name)
			continue
		}
		if len(stack) == 0 || stack[len(stack)-1] != name {
			return "unbalanced </" + name + "> with open " + strings.Join(stack, ">")
		}
		stack = stack[:len(stack)-1]
	}
	if len(stack) > 0 {
		return "unclosed " + strings.Join(stack, ">")
	}
	return ""
}

// TestHTMLFilterScriptNode runs the page's filter script under node (when
// installed) against a tiny fake DOM holding the report's finding rows, and
// checks the category, severity and text filters.
func TestHTMLFilterScriptNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	page := htmlOf(t, goldenReport(), WriteOptions{})
	script := regexp.MustCompile(`(?s)<script>(.*)</script>`).FindStringSubmatch(page)
	if script == nil {
		t.Fatal("no script")
	}
	type row struct{ Cat, Sev, Text string }
	var rows []row
	for _, m := range regexp.MustCompile(`(?s)<tr class="finding" data-category="([^"]*)" data-severity="([^"]*)">(.*?)</tr>`).FindAllStringSubmatch(page, -1) {
		rows = append(rows, row{m[1], m[2], m[3]})
	}
	rowsJSON, err := json.Marshal(rows)
	if err != nil {
		t.Fatal(err)
	}
	prog := `
var rows = ` + string(rowsJSON) + `.map(function (r) {
  return {cat: r.Cat, sev: r.Sev, textContent: r.Text, hidden: false,
    getAttribute: function (k) { return k === "data-category" ? this.cat : this.sev; }};
});
var on = {}, els = {};
["filters", "findings", "f-cat", "f-sev", "f-text", "f-count"].forEach(function (id) {
  els[id] = {value: "", hidden: true, textContent: "",
    addEventListener: function (ev, f) { on[id + ":" + ev] = f; },
    querySelectorAll: function () { return rows; }};
});
var document = {getElementById: function (id) { return els[id]; }};
` + script[1] + `
function shown() { return rows.filter(function (r) { return !r.hidden; }).length; }
var out = [els["filters"].hidden, els["f-count"].textContent];
els["f-cat"].value = "risky-app"; on["f-cat:change"](); out.push(shown());
els["f-cat"].value = ""; els["f-sev"].value = "high"; on["f-sev:change"](); out.push(shown());
els["f-sev"].value = "medium"; on["f-sev:change"](); out.push(shown());
els["f-sev"].value = ""; els["f-text"].value = "WHATSAPP"; on["f-text:input"](); out.push(shown());
console.log(JSON.stringify(out));
`
	cmd := exec.Command(node, "-e", prog)
	outb, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, outb)
	}
	// Form shown once JS runs; 2 risky apps; 3 high; 7 medium or higher; 1 WhatsApp.
	if got, want := strings.TrimSpace(string(outb)), `[false,"10 of 10 shown",2,3,7,1]`; got != want {
		t.Errorf("filters: got %s, want %s", got, want)
	}
}
