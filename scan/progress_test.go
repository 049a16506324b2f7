package scan

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

type progressClock struct{ t time.Time }

func (c *progressClock) now() time.Time { return c.t }

func newTestBar(width int) (*ProgressBar, *bytes.Buffer, *progressClock) {
	var buf bytes.Buffer
	clock := &progressClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	b := NewProgressBar(&buf, width)
	b.now = clock.now
	return b, &buf, clock
}

func TestProgressLine(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC)
	now := start.Add(10 * time.Second)
	cases := []struct {
		name string
		p    Progress
		max  int
		want string
	}{
		{"scanning", Progress{Phase: "scanning", FilesDone: 1234, FilesTotal: 5000, Started: start, Source: "/evidence/Backup"}, 79,
			"[##........] 1234/5000 files  123/s  ETA 0:31  /evidence/Backup"},
		{"findings", Progress{Phase: "scanning", FilesDone: 2500, FilesTotal: 5000, Started: start, Findings: 1}, 79,
			"[#####.....] 2500/5000 files  250/s  ETA 0:10  1 finding"},
		{"listing", Progress{Phase: "listing", FilesDone: 77, FilesTotal: -1, Started: start}, 79,
			"listing  77 files found"},
		{"unknown total", Progress{Phase: "scanning", FilesDone: 50, FilesTotal: -1, Started: start, Findings: 3}, 79,
			"50 files  5.0/s  3 findings"},
		{"done", Progress{Phase: "done", FilesDone: 10, FilesTotal: 10, Started: start}, 79,
			"[##########] 10/10 files  1.0/s"},
		{"no start", Progress{Phase: "scanning", FilesDone: 0, FilesTotal: 0}, 79,
			"[..........] 0/0 files"},
		{"hostile source", Progress{Phase: "listing", FilesDone: 1, FilesTotal: -1, Source: "a\x1b[2J\rb\xffc\u202ed"}, 79,
			"listing  1 files found  a[2Jbcd"},
		{"long source", Progress{Phase: "listing", FilesDone: 1, FilesTotal: -1, Source: "/" + strings.Repeat("x", 200) + "/end"}, 40,
			"listing  1 files found  ...xxxxxxxxx/end"},
		{"wide", Progress{Phase: "scanning", FilesDone: 1, FilesTotal: 4, Started: start}, 119,
			"[#####...............] 1/4 files  0.1/s  ETA 0:30"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := progressLine(c.p, now, c.max)
			if got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
			if utf8.RuneCountInString(got) > c.max {
				t.Errorf("%d runes > %d", utf8.RuneCountInString(got), c.max)
			}
		})
	}
}

func TestProgressDuration(t *testing.T) {
	cases := map[time.Duration]string{
		0: "0:00", 9 * time.Second: "0:09", 754 * time.Second: "12:34",
		3723 * time.Second: "1:02:03", 1000 * time.Hour: ">99h", -time.Second: "0:00",
	}
	for d, want := range cases {
		if got := progressDuration(d); got != want {
			t.Errorf("progressDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestProgressBarRateLimitAndDone(t *testing.T) {
	b, buf, clock := newTestBar(80)
	p := Progress{Phase: "scanning", FilesDone: 1, FilesTotal: 100, Started: clock.t}
	b.Update(p)
	first := buf.String()
	if !strings.HasPrefix(first, "\r[") {
		t.Fatalf("first draw %q", first)
	}
	p.FilesDone = 2
	clock.t = clock.t.Add(50 * time.Millisecond)
	b.Update(p) // too soon: not drawn
	if buf.String() != first {
		t.Error("redrawn within 100 ms")
	}
	clock.t = clock.t.Add(60 * time.Millisecond)
	b.Update(p)
	if buf.Len() == len(first) {
		t.Error("not redrawn after 110 ms")
	}
	b.Update(Progress{Phase: "listing", FilesDone: 100, FilesTotal: -1}) // phase change: drawn at once
	if !strings.Contains(buf.String(), "100 files found") {
		t.Error("phase change not drawn at once")
	}
	b.Update(Progress{Phase: "done", FilesDone: 100, FilesTotal: 100}) // clears the line
	if !strings.HasSuffix(buf.String(), " \r") || strings.Contains(buf.String(), "100/100") {
		t.Errorf("phase done did not clear: %q", buf.String())
	}
	b.Update(Progress{Phase: "scanning", FilesDone: 5, FilesTotal: 100})
	// A shorter line overwrites the rest of a longer one.
	clock.t = clock.t.Add(time.Second)
	b.Update(Progress{Phase: "scanning", FilesDone: 1, FilesTotal: -1})
	last := buf.String()[strings.LastIndex(buf.String(), "\r"):]
	if !strings.HasSuffix(last, " ") {
		t.Errorf("shorter line not padded: %q", last)
	}
	n := len(strings.TrimRight(last, " ")) - 1
	b.Done()
	tail := buf.String()[len(buf.String())-n-2:]
	if tail != "\r"+strings.Repeat(" ", n)+"\r" {
		t.Errorf("Done did not clear the line: %q", tail)
	}
	before := buf.Len()
	b.Update(p)
	b.Done()
	if buf.Len() != before {
		t.Error("output after Done")
	}
	var nilBar *ProgressBar
	nilBar.Update(p) // must not panic
	nilBar.Done()
}

func TestProgressBarWidth(t *testing.T) {
	for _, w := range []int{0, 30, 60, 200} {
		b, buf, clock := newTestBar(w)
		b.Update(Progress{Phase: "scanning", FilesDone: 12345, FilesTotal: 99999, Started: clock.t.Add(-time.Minute),
			Findings: 12, Source: strings.Repeat("/deep", 100)})
		line := strings.TrimPrefix(buf.String(), "\r")
		max := w
		if max <= 0 {
			max = 80
		}
		if n := utf8.RuneCountInString(line); n > max-1 && n > 20 {
			t.Errorf("width %d: line of %d runes: %q", w, n, line)
		}
	}
}

// TestProgressBarConcurrent is meant for go test -race.
func TestProgressBarConcurrent(t *testing.T) {
	var buf bytes.Buffer
	b := NewProgressBar(&buf, 80)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				b.Update(Progress{Phase: "scanning", FilesDone: int64(i), FilesTotal: 500, Started: time.Now(), Source: "src"})
			}
		}(g)
	}
	wg.Wait()
	b.Done()
	if !strings.HasSuffix(buf.String(), "\r") {
		t.Error("not cleared")
	}
}

// FuzzProgressLine checks that any source name and counts give a line within
// the width, with no control characters and valid UTF-8.
func FuzzProgressLine(f *testing.F) {
	f.Add("/evidence/Backup", "scanning", int64(5), int64(10), 80)
	f.Add("a\x1b[2J\rb\xffc\u202ed", "listing", int64(1), int64(-1), 30)
	f.Add(strings.Repeat("é", 500), "done", int64(-3), int64(0), 200)
	f.Fuzz(func(t *testing.T, src, phase string, done, total int64, width int) {
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		max := width % 500
		line := progressLine(Progress{Phase: phase, Source: src, FilesDone: done, FilesTotal: total,
			Started: start, Findings: int(done % 1000)}, start.Add(7*time.Second), max)
		if max < 20 {
			max = 20
		}
		if n := utf8.RuneCountInString(line); n > max {
			t.Fatalf("%d runes > %d: %q", n, max, line)
		}
		if !utf8.ValidString(line) {
			t.Fatalf("invalid UTF-8: %q", line)
		}
		for _, c := range line {
			if c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u202e' {
				t.Fatalf("control character %U in %q", c, line)
			}
		}
	})
}
