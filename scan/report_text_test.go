package scan

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func textOf(t *testing.T, r *Report, o WriteOptions) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteReport(&buf, r, FormatText, o); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestTextReportNeutralisesEscapes(t *testing.T) {
	out := textOf(t, goldenReport(), WriteOptions{})
	if strings.ContainsAny(out, "\x1b\r\t\u202e") {
		t.Errorf("control characters reached the terminal: %q", out)
	}
	if !utf8.ValidString(out) {
		t.Error("invalid UTF-8 in text report")
	}
	for _, want := range []string{`"\x1b[2J\x1b[31mIMG.jpg"`, `"IMG_\xff\xfe.jpg"`, `"photo\u202egpj.exe"`, `"bad\x1bname in problem"`} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks quoted name %s", want)
		}
	}
}

func TestTextReportColour(t *testing.T) {
	plain := textOf(t, goldenReport(), WriteOptions{})
	if strings.Contains(plain, "\x1b") {
		t.Error("colour without WriteOptions.Color")
	}
	col := textOf(t, goldenReport(), WriteOptions{Color: true})
	if !strings.Contains(col, ansiRed+"[HIGH] "+ansiReset) || !strings.Contains(col, ansiYellow+"VERDICT: INCOMPLETE") {
		t.Error("severity or verdict not coloured")
	}
	// The hostile name is still quoted: its ESC must not appear raw.
	if strings.Contains(col, "\x1b[2J") {
		t.Error("name's escape sequence printed raw in colour mode")
	}
}

func TestTextReportWidth(t *testing.T) {
	for _, w := range []int{0, 40, 60, 80, 120} {
		out := textOf(t, goldenReport(), WriteOptions{Width: w})
		max := w
		if max == 0 {
			max = 80
		}
		for i, l := range strings.Split(out, "\n") {
			if n := utf8.RuneCountInString(l); n > max {
				t.Errorf("width %d: line %d has %d runes: %q", w, i+1, n, l)
			}
		}
	}
}

func TestTextReportVerdictAndOrder(t *testing.T) {
	cases := []struct {
		name    string
		verdict string
		want    string
	}{
		{"action", VerdictActionNeeded, "VERDICT: ACTION NEEDED - 10 findings (3 high, 4 medium, 2 low, 1 info)"},
		{"incomplete", VerdictIncomplete, "VERDICT: INCOMPLETE - 1 source not read completely; 10 findings (3 high,"},
		{"clear", VerdictClear, "VERDICT: CLEAR - nothing at or above low; 10 findings"},
		{"unknown", "", "VERDICT: UNKNOWN - 10 findings"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := goldenReport()
			r.Summary.Verdict = c.verdict
			out := textOf(t, r, WriteOptions{Width: 200})
			if !strings.Contains(out, c.want) {
				t.Errorf("no %q in\n%s", c.want, out)
			}
			// Verdict comes before the findings, categories in the fixed order.
			idx := []int{
				strings.Index(out, "VERDICT:"),
				strings.Index(out, "== Clinical photos (6) =="),
				strings.Index(out, "== Messaging attachments (1) =="),
				strings.Index(out, "== Risky apps (2) =="),
				strings.Index(out, "== Device (1) =="),
				strings.Index(out, "Skipped files (23)"),
				strings.Index(out, "Totals:"),
			}
			for i := range idx {
				if idx[i] < 0 || (i > 0 && idx[i] < idx[i-1]) {
					t.Fatalf("sections missing or out of order: %v", idx)
				}
			}
			// High before medium inside a category.
			if strings.Index(out, "IMG_0001.JPG") > strings.Index(out, "skin close-up") {
				t.Error("high finding listed after a medium one")
			}
		})
	}
	out := textOf(t, emptyReport(), WriteOptions{})
	if !strings.Contains(out, "VERDICT: CLEAR - no findings\n") {
		t.Errorf("clear report: %s", out)
	}
}

func TestTextReportSkippedLimit(t *testing.T) {
	out := textOf(t, goldenReport(), WriteOptions{})
	if !strings.Contains(out, "... and 3 more; use --format json for all.") {
		t.Errorf("skipped list not cut at %d", textSkippedShown)
	}
	// Count the bullets of the skipped section only (the inventory follows it).
	sec := out[strings.Index(out, "Skipped files"):]
	sec = sec[:strings.Index(sec, "\n\n")+1]
	if strings.Count(sec, "\n  - ") != textSkippedShown {
		t.Errorf("%d skipped entries listed, want %d", strings.Count(sec, "\n  - "), textSkippedShown)
	}
}

func TestTextWrap(t *testing.T) {
	cases := []struct {
		in          string
		first, rest int
		want        []string
	}{
		{"short", 20, 20, []string{"short"}},
		{"one two three four", 10, 10, []string{"one two", "three four"}},
		{"abcdefghijklmnopqrstuvwxy", 10, 12, []string{"abcdefghij", "klmnopqrstuv", "wxy"}},
		{"ab abcdefghijklmnop", 10, 10, []string{"ab abcdefg", "hijklmnop"}},
		{"", 10, 10, []string{""}},
		{"ééééééééééé", 10, 10, []string{"éééééééééé", "é"}},
	}
	for _, c := range cases {
		got := textWrap(c.in, c.first, c.rest)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("textWrap(%q, %d, %d) = %q, want %q", c.in, c.first, c.rest, got, c.want)
		}
	}
}
