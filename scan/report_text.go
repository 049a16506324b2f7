package scan

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// textSkippedShown is how many skipped files the text report lists.
const textSkippedShown = 20

// ANSI SGR sequences used when WriteOptions.Color is set.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[1;31m"
	ansiYellow = "\x1b[1;33m"
	ansiGreen  = "\x1b[1;32m"
	ansiCyan   = "\x1b[36m"
	ansiDim    = "\x1b[2m"
)

// textWriter writes wrapped, optionally coloured lines; the first write error
// is kept and later writes are dropped.
type textWriter struct {
	w     *bufio.Writer
	width int
	color bool
	err   error
}

func (t *textWriter) raw(s string) {
	if t.err == nil {
		_, t.err = t.w.WriteString(s)
	}
}

// line writes s (already safe) wrapped to the width; the first line starts
// with first, the following ones with rest (usually spaces). Prefixes are
// plain text.
func (t *textWriter) line(first, rest, s string) {
	t.styledLine("", first, rest, s)
}

// paintedLine is line with every wrapped line wholly in the colour style.
func (t *textWriter) paintedLine(style, first, rest, s string) {
	lines := textWrap(s, t.width-utf8.RuneCountInString(first), t.width-utf8.RuneCountInString(rest))
	for i, l := range lines {
		p := rest
		if i == 0 {
			p = first
		}
		t.raw(t.paint(style, p+strings.TrimRight(l, " ")))
		t.raw("\n")
	}
}

// styledLine is line with the first prefix wrapped in the colour code style.
func (t *textWriter) styledLine(style, first, rest, s string) {
	lines := textWrap(s, t.width-utf8.RuneCountInString(first), t.width-utf8.RuneCountInString(rest))
	for i, l := range lines {
		if i == 0 {
			if style != "" && t.color {
				t.raw(style + first + ansiReset)
			} else {
				t.raw(first)
			}
		} else {
			t.raw(rest)
		}
		t.raw(strings.TrimRight(l, " "))
		t.raw("\n")
	}
}

func (t *textWriter) blank() { t.raw("\n") }

// paint wraps s in a colour when colour is on.
func (t *textWriter) paint(style, s string) string {
	if !t.color || style == "" {
		return s
	}
	return style + s + ansiReset
}

// textWrap splits s into lines of at most firstW runes for the first and
// restW for the others, breaking at spaces, and breaking words longer than a
// line (long paths) where they must. Widths below 10 are raised to 10.
func textWrap(s string, firstW, restW int) []string {
	if firstW < 10 {
		firstW = 10
	}
	if restW < 10 {
		restW = 10
	}
	if utf8.RuneCountInString(s) <= firstW {
		return []string{s}
	}
	var lines []string
	width := firstW
	var cur []rune
	words := strings.Split(s, " ")
	for wi, word := range words {
		wr := []rune(word)
		sep := 0
		if wi > 0 && len(cur) > 0 {
			sep = 1
		}
		if len(cur)+sep+len(wr) <= width {
			if sep == 1 {
				cur = append(cur, ' ')
			}
			cur = append(cur, wr...)
			continue
		}
		// The word does not fit on this line.
		if len(cur) > 0 && len(wr) <= restW {
			lines = append(lines, string(cur))
			width = restW
			cur = append(cur[:0:0], wr...)
			continue
		}
		// A word longer than a line: fill the current line, then cut.
		if len(cur) > 0 {
			if len(cur)+1 < width {
				cur = append(cur, ' ')
			} else {
				lines = append(lines, string(cur))
				width = restW
				cur = nil
			}
		}
		for len(wr) > 0 {
			room := width - len(cur)
			if room <= 0 {
				lines = append(lines, string(cur))
				width = restW
				cur = nil
				continue
			}
			if room > len(wr) {
				room = len(wr)
			}
			cur = append(cur, wr[:room]...)
			wr = wr[room:]
		}
	}
	lines = append(lines, string(cur))
	return lines
}

// writeTextReport writes the human report: header with sources, the
// VERDICT line, findings grouped by category, skipped files, totals.
// Every untrusted string goes through reportSafe, so a file named "\x1b[2J"
// prints as a quoted escape and cannot drive the terminal.
func writeTextReport(w io.Writer, r *Report, o WriteOptions) error {
	width := o.Width
	if width <= 0 {
		width = 80
	}
	if width < 40 {
		width = 40
	}
	t := &textWriter{w: bufio.NewWriter(w), width: width, color: o.Color}

	name := r.Tool.Name
	if name == "" {
		name = "devicescan"
	}
	title := reportSafe(name)
	if r.Tool.Version != "" {
		title += " " + reportSafe(r.Tool.Version)
	}
	t.line("", "", title+" report")
	t.blank()

	textSources(t, r)

	style := ""
	switch r.Summary.Verdict {
	case VerdictActionNeeded:
		style = ansiRed
	case VerdictClear:
		style = ansiGreen
	case VerdictIncomplete:
		style = ansiYellow
	}
	t.paintedLine(style, "VERDICT: ", "         ", reportVerdictLine(r))
	t.blank()

	textFindings(t, r)
	textSkipped(t, r)
	textInventory(t, r)
	textTotals(t, r)

	if t.err != nil {
		return t.err
	}
	return t.w.Flush()
}

func textSources(t *textWriter, r *Report) {
	if len(r.Sources) == 0 {
		t.line("", "", "No sources.")
		t.blank()
		return
	}
	t.paintedLine(ansiBold, "", "", "Sources")
	for i := range r.Sources {
		s := &r.Sources[i]
		head := fmt.Sprintf("[%d] ", i)
		pad := strings.Repeat(" ", len(head)+2)
		t.line("  "+head, pad, reportSafe(s.Kind)+"  "+reportSafe(s.Path))
		if d := s.Device; d != nil {
			var parts []string
			for _, p := range []string{d.Name, d.Model, reportOSName(s.Kind, d.OSVersion)} {
				if p != "" {
					parts = append(parts, reportSafe(p))
				}
			}
			if len(parts) > 0 {
				t.line(pad+"Device: ", pad+"        ", strings.Join(parts, ", "))
			}
			var ids []string
			if d.Serial != "" {
				ids = append(ids, "serial "+reportSafe(d.Serial))
			}
			if d.UDID != "" {
				ids = append(ids, "UDID "+reportSafe(d.UDID))
			}
			if len(ids) > 0 {
				t.line(pad, pad, strings.Join(ids, ", "))
			}
			// iPhone backups always say all three (unknown included); other
			// sources only what they know.
			var facts []string
			ios := s.Kind == KindIOSBackup
			for _, b := range []struct {
				name string
				v    *bool
			}{{"passcode set", d.PasscodeSet}, {"backup encrypted", d.BackupEncrypted}, {"cloud backup", d.CloudBackupEnabled}} {
				if ios || b.v != nil {
					facts = append(facts, b.name+": "+reportBool(b.v))
				}
			}
			if len(facts) > 0 {
				f := strings.Join(facts, "; ")
				t.line(pad, pad, strings.ToUpper(f[:1])+f[1:])
			}
		}
		t.line(pad, pad, fmt.Sprintf("%s, %s, %s skipped",
			reportPlural(s.Stats.Files, "file", "files"),
			reportPlural(s.Stats.Images, "image", "images"),
			fmt.Sprint(s.Stats.Skipped)))
		if s.Complete {
			t.line(pad, pad, "Read completely.")
		} else {
			t.line(pad, pad, t.paint(ansiYellow, "NOT READ COMPLETELY"))
			for _, p := range s.Problems {
				t.line(pad+"- ", pad+"  ", reportSafe(p))
			}
		}
	}
	t.blank()
}

func textSeverityStyle(s Severity) string {
	switch s {
	case SeverityHigh:
		return ansiRed
	case SeverityMedium:
		return ansiYellow
	case SeverityLow:
		return ansiCyan
	case SeverityInfo:
		return ansiDim
	}
	return ""
}

func textFindings(t *textWriter, r *Report) {
	if len(r.Findings) == 0 {
		t.line("", "", "No findings.")
		t.blank()
		return
	}
	sorted := reportSortedFindings(r.Findings)
	const ind = "    "
	for i := 0; i < len(sorted); {
		cat := sorted[i].Category
		j := i
		for j < len(sorted) && sorted[j].Category == cat {
			j++
		}
		t.paintedLine(ansiBold, "", "", fmt.Sprintf("== %s (%d) ==", reportCategoryTitle(cat), j-i))
		t.blank()
		for _, f := range sorted[i:j] {
			tag := "[" + strings.ToUpper(reportSafe(string(f.Severity))) + "] "
			if f.Severity == "" {
				tag = "[?] "
			}
			where := reportFindingWhere(r, f)
			if len(r.Sources) > 1 {
				where = fmt.Sprintf("source %d: %s", f.Source, where)
			}
			t.styledLine(textSeverityStyle(f.Severity), tag, ind, where)
			if f.Message != "" {
				t.line(ind, ind, reportSafe(f.Message))
			}
			for _, rs := range f.Reasons {
				t.line(ind+"- ", ind+"  ", reportSafe(rs.Code)+": "+reportSafe(rs.Detail))
			}
			for _, d := range reportDetails(f) {
				if d.Label == "" {
					t.line(ind+"- ", ind+"  ", d.Text)
				} else {
					t.line(ind+d.Label+": ", ind+"  ", d.Text)
				}
			}
			if f.Remedy != "" {
				t.line(ind+"Remedy: ", ind+"  ", reportSafe(f.Remedy))
			}
			t.blank()
		}
		i = j
	}
}

func textSkipped(t *textWriter, r *Report) {
	if len(r.Skipped) == 0 {
		return
	}
	t.paintedLine(ansiBold, "", "", fmt.Sprintf("Skipped files (%d)", len(r.Skipped)))
	for i, s := range r.Skipped {
		if i == textSkippedShown {
			t.line("  ", "  ", fmt.Sprintf("... and %d more; use --format json for all.", len(r.Skipped)-textSkippedShown))
			break
		}
		where := reportPath(s.Domain, s.Path)
		if len(r.Sources) > 1 {
			where = fmt.Sprintf("source %d: %s", s.Source, where)
		}
		t.line("  - ", "    ", where)
		t.line("    ", "    ", reportSafe(s.Error))
	}
	t.blank()
}

func textTotals(t *textWriter, r *Report) {
	var st Stats
	for _, s := range r.Sources {
		st.Files += s.Stats.Files
		st.Images += s.Stats.Images
		st.Skipped += s.Stats.Skipped
	}
	parts := []string{
		reportPlural(len(r.Sources), "source", "sources"),
		reportPlural(st.Files, "file", "files"),
		reportPlural(st.Images, "image", "images"),
		fmt.Sprintf("%d skipped", len(r.Skipped)),
		reportPlural(len(r.Findings), "finding", "findings"),
	}
	t.line("Totals: ", "        ", strings.Join(parts, ", "))
	cat := make(map[Category]int)
	for _, f := range r.Findings {
		cat[f.Category]++
	}
	var cs []string
	for _, c := range reportCategoryOrder {
		if n := cat[c]; n > 0 {
			cs = append(cs, fmt.Sprintf("%s %d", c, n))
		}
	}
	if len(cs) > 0 {
		t.line("        ", "        ", strings.Join(cs, ", "))
	}
	if len(r.Inventory) > 0 {
		t.line("        ", "        ", fmt.Sprintf("inventory of %d files", len(r.Inventory)))
	}
}

// textInventory lists every scanned file (--inventory): one line each with
// type and size, then what the photo's metadata says.
func textInventory(t *textWriter, r *Report) {
	if len(r.Inventory) == 0 {
		return
	}
	t.paintedLine(ansiBold, "", "", fmt.Sprintf("Inventory (%d files)", len(r.Inventory)))
	for _, it := range r.Inventory {
		where := reportPath(it.Domain, it.Path)
		if len(r.Sources) > 1 {
			where = fmt.Sprintf("source %d: %s", it.Source, where)
		}
		t.line("  - ", "    ", where)
		facts := []string{reportSafe(it.Type), fmt.Sprintf("%d bytes", it.Size)}
		if it.TakenAt != "" {
			facts = append(facts, "taken "+reportSafe(it.TakenAt))
		}
		if cam := strings.TrimSpace(it.Make + " " + it.Model); cam != "" {
			facts = append(facts, reportSafe(cam))
		}
		if it.GPS != nil {
			facts = append(facts, fmt.Sprintf("GPS %.6f, %.6f", it.GPS.Lat, it.GPS.Lon))
		}
		t.line("    ", "    ", strings.Join(facts, "; "))
	}
	t.blank()
}
