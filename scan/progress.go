package scan

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// Progress is what a scan reports while it runs. The library reports; the
// command decides whether and how to draw it (see ProgressBar).
type Progress struct {
	// Phase is "listing", "scanning" or "done".
	Phase string
	// Source names what is being scanned (a path; untrusted text).
	Source string
	// FilesDone and FilesTotal count files; FilesTotal is -1 while unknown.
	FilesDone, FilesTotal int64
	BytesDone             int64
	// Started is when the scan began; the rate and ETA are measured from it.
	Started  time.Time
	Findings int
}

// Progress phases (unexported so as not to collide with the engine's names).
const (
	progressListing = "listing"
	progressDone    = "done"
)

// progressInterval is the shortest time between two redraws.
const progressInterval = 100 * time.Millisecond

// ProgressBar draws Progress as one line redrawn in place with \r:
//
//	[#####.....] 1234/5000 files  412/s  ETA 0:09  3 findings  /path/to/source
//
// Redraws are limited to 10 a second (a phase change draws at once). Update
// and Done may be called from several goroutines. Done, or an Update with
// Phase "done", clears the line so that the report can follow.
type ProgressBar struct {
	mu       sync.Mutex
	w        io.Writer
	width    int
	now      func() time.Time
	last     time.Time
	phase    string
	drawn    int // runes on the line now
	finished bool
}

// NewProgressBar returns a bar drawing on w (a terminal) lines of at most
// width-1 columns; width <= 0 means 80.
func NewProgressBar(w io.Writer, width int) *ProgressBar {
	if width <= 0 {
		width = 80
	}
	return &ProgressBar{w: w, width: width, now: time.Now}
}

// Update redraws the bar with p unless the last redraw was less than 100 ms
// ago (and the phase did not change). It does nothing after Done.
func (b *ProgressBar) Update(p Progress) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.finished {
		return
	}
	if p.Phase == progressDone {
		// The scan is over: leave a clean line for what is printed next.
		b.clear()
		b.phase = p.Phase
		return
	}
	now := b.now()
	if !b.last.IsZero() && p.Phase == b.phase && now.Sub(b.last) < progressInterval {
		return
	}
	b.last = now
	b.phase = p.Phase
	line := progressLine(p, now, b.width-1)
	n := utf8.RuneCountInString(line)
	pad := ""
	if b.drawn > n {
		pad = strings.Repeat(" ", b.drawn-n)
	}
	io.WriteString(b.w, "\r"+line+pad)
	b.drawn = n
}

// Done clears the line; later Updates are ignored.
func (b *ProgressBar) Done() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.finished {
		return
	}
	b.finished = true
	b.clear()
}

// clear blanks the drawn line; b.mu must be held.
func (b *ProgressBar) clear() {
	if b.drawn > 0 {
		io.WriteString(b.w, "\r"+strings.Repeat(" ", b.drawn)+"\r")
		b.drawn = 0
	}
}

// progressLine renders p in at most maxW runes (never less than 20).
func progressLine(p Progress, now time.Time, maxW int) string {
	if maxW < 20 {
		maxW = 20
	}
	var rate float64
	if !p.Started.IsZero() {
		if el := now.Sub(p.Started).Seconds(); el >= 0.5 {
			rate = float64(p.FilesDone) / el
		}
	}
	var parts []string
	total := p.FilesTotal
	switch {
	case p.Phase == progressListing:
		parts = append(parts, "listing", fmt.Sprintf("%d files found", p.FilesDone))
	case total >= 0:
		done := min(max(p.FilesDone, 0), total)
		barW := 10
		if maxW >= 90 {
			barW = 20
		}
		fill := 0
		if total > 0 {
			fill = min(int(float64(done)/float64(total)*float64(barW)), barW)
		} else if p.Phase == progressDone {
			fill = barW
		}
		parts = append(parts, "["+strings.Repeat("#", fill)+strings.Repeat(".", barW-fill)+"] "+
			fmt.Sprintf("%d/%d files", p.FilesDone, total))
		if rate > 0 {
			parts = append(parts, progressRate(rate))
			if left := total - done; left > 0 && p.Phase != progressDone {
				parts = append(parts, "ETA "+progressETA(float64(left)/rate))
			}
		}
	default:
		parts = append(parts, fmt.Sprintf("%d files", p.FilesDone))
		if rate > 0 {
			parts = append(parts, progressRate(rate))
		}
	}
	if p.Findings > 0 {
		parts = append(parts, reportPlural(p.Findings, "finding", "findings"))
	}
	line := strings.Join(parts, "  ")
	if n := utf8.RuneCountInString(line); n > maxW {
		return string([]rune(line)[:maxW])
	}
	if room := maxW - utf8.RuneCountInString(line) - 2; room >= 8 && p.Source != "" {
		line += "  " + progressName(p.Source, room)
	}
	return line
}

// progressName removes control and non-printing characters (and invalid
// UTF-8) from an untrusted name and keeps its last max runes, marking a cut
// with "...".
func progressName(s string, max int) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if (r == utf8.RuneError && n <= 1) || !unicode.IsPrint(r) {
			if r == '\t' {
				b.WriteByte(' ')
			}
			continue
		}
		b.WriteRune(r)
	}
	rs := []rune(b.String())
	if len(rs) <= max {
		return string(rs)
	}
	if max <= 3 {
		return string(rs[len(rs)-max:])
	}
	return "..." + string(rs[len(rs)-(max-3):])
}

// progressETA prints a number of seconds as progressDuration does, without
// overflowing time.Duration.
func progressETA(sec float64) string {
	if sec >= 100*3600 {
		return ">99h"
	}
	return progressDuration(time.Duration(sec * float64(time.Second)))
}

// progressDuration prints 0:09, 12:34 or 1:02:03.
func progressDuration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 100*3600 {
		return ">99h"
	}
	h, m, sec := s/3600, s/60%60, s%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, sec)
	}
	return fmt.Sprintf("%d:%02d", m, sec)
}

// progressRate prints files per second: "412/s", "0.4/s".
func progressRate(r float64) string {
	if r < 9.95 {
		return fmt.Sprintf("%.1f/s", r)
	}
	return fmt.Sprintf("%.0f/s", r)
}
