package scan

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a scan. The zero value scans with the default policy.
type Options struct {
	// Policy: workplaces, approved apps, keywords. Nil = DefaultPolicy().
	Policy *Policy
	// Inventory lists every scanned file in Report.Inventory.
	Inventory bool
	// FailOn is the lowest severity that makes the verdict "action-needed".
	// Empty = low.
	FailOn Severity
	// Workers is the number of files analysed at once. 0 = GOMAXPROCS.
	Workers int
	// Password is asked for the password of an encrypted iPhone backup,
	// only when one is met. Nil or an empty password = no password.
	Password func(ctx context.Context, backupPath string) ([]byte, error)
	// Progress, when set, is called from time to time (never concurrently).
	Progress func(Progress)
	// Logger receives debug and warning messages. Nil = discard.
	Logger *slog.Logger
	// NoPixels turns pixel analysis off (metadata rules only).
	NoPixels bool
	// Thumbnails keeps a small JPEG for each clinical finding
	// (Finding.Thumbnail) for the HTML report. Off by default.
	Thumbnails bool
	// FileTimeout bounds the time spent on one file. 0 = 60s.
	FileTimeout time.Duration
	// Version is written to Report.Tool.Version.
	Version string
}

// Run scans each path and returns one report. A path that cannot be scanned
// at all becomes a source marked incomplete with the reason, so the report
// always covers every path; Run's error is only for a cancelled context.
func Run(ctx context.Context, paths []string, opts Options) (*Report, error) {
	e := newEngine(opts)
	rep := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "devicescan", Version: opts.Version},
		Sources:       []SourceReport{},
		Findings:      []Finding{},
		Skipped:       []Skipped{},
	}
	for _, p := range paths {
		srcs, err := Detect(ctx, p)
		if err != nil {
			// The source already names the path: keep the reason alone.
			problem := err.Error()
			var pe *PathError
			if errors.As(err, &pe) {
				problem = pe.Reason
			}
			rep.Sources = append(rep.Sources, SourceReport{
				Path: p, Kind: kindGuess(p), Complete: false,
				Problems: []string{problem},
			})
			continue
		}
		for _, s := range srcs {
			if err := ctx.Err(); err != nil {
				s.Close()
				return nil, err
			}
			e.scanSource(ctx, s, rep)
			s.Close()
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	finish(rep, e.failOn)
	if opts.Progress != nil {
		opts.Progress(Progress{Phase: "done"})
	}
	return rep, nil
}

// ExitCode is what the command exits with for a report, as the contract
// says: 2 when a source is incomplete, 1 when a finding is at or above the
// --fail-on threshold (Summary.FailOn), else 0.
func (r *Report) ExitCode() int {
	for _, s := range r.Sources {
		if !s.Complete {
			return 2
		}
	}
	t := r.Summary.FailOn.Rank()
	if t < 0 {
		return 0
	}
	for _, f := range r.Findings {
		if f.Severity.Rank() >= t {
			return 1
		}
	}
	return 0
}

// SeverityNone as a --fail-on threshold: never exit 1 for findings.
const SeverityNone Severity = "none"

// ParseFailOn reads a --fail-on value: none, low, medium or high.
func ParseFailOn(s string) (Severity, error) {
	switch v := Severity(strings.ToLower(strings.TrimSpace(s))); v {
	case SeverityNone, SeverityLow, SeverityMedium, SeverityHigh:
		return v, nil
	case SeverityInfo:
		return v, nil
	}
	return "", fmt.Errorf("--fail-on %q: want none, low, medium or high", s)
}

type engine struct {
	opts    Options
	policy  *Policy
	failOn  Severity
	workers int
	log     *slog.Logger
	pixels  pixelFunc
}

func newEngine(opts Options) *engine {
	e := &engine{opts: opts, policy: opts.Policy, failOn: opts.FailOn, workers: opts.Workers, log: opts.Logger}
	if e.policy == nil {
		e.policy = DefaultPolicy()
	}
	if e.failOn == "" {
		e.failOn = SeverityLow
	}
	if e.workers <= 0 {
		e.workers = runtime.GOMAXPROCS(0)
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.opts.FileTimeout <= 0 {
		e.opts.FileTimeout = 60 * time.Second
	}
	if !opts.NoPixels {
		e.pixels = defaultPixels
	}
	return e
}

// fileResult is what analysing one file gives.
type fileResult struct {
	findings  []Finding
	skipped   *Skipped
	inventory *InventoryItem
	image     bool
	apps      []AppRecord
}

func (e *engine) scanSource(ctx context.Context, s Source, rep *Report) {
	idx := len(rep.Sources)
	if o, ok := s.(interface {
		setOptions(Options, func(string, ...any))
	}); ok {
		o.setOptions(e.opts, func(msg string, args ...any) { e.log.Debug(msg, args...) })
	}
	facts := s.Facts(ctx)
	sr := SourceReport{Path: s.Path(), Kind: s.Kind(), Complete: len(facts.Problems) == 0,
		Problems: facts.Problems, Device: facts.Device}
	rep.Sources = append(rep.Sources, sr)
	src := &rep.Sources[idx]
	for _, sk := range facts.Skipped {
		sk.Source = idx
		rep.Skipped = append(rep.Skipped, sk)
		src.Stats.Skipped++
	}

	var total atomic.Int64
	total.Store(-1)
	if c, ok := s.(Counter); ok && e.opts.Progress != nil {
		go func() {
			if n, err := c.Count(ctx); err == nil {
				total.Store(n)
			}
		}()
	}

	files := make(chan *File, e.workers*4)
	results := make(chan fileResult, e.workers*4)
	var wg sync.WaitGroup
	for i := 0; i < e.workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var r *analyzer
			defer func() { r.stop() }()
			for f := range files {
				var res fileResult
				res, r = e.analyzeWithTimeout(ctx, f, r)
				results <- res
			}
		}()
	}

	var walkErr error
	var walkSkipped []Skipped
	var skipMu sync.Mutex
	go func() {
		walkErr = s.Walk(ctx, func(f *File) error {
			select {
			case files <- f:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}, func(sk Skipped) {
			skipMu.Lock()
			walkSkipped = append(walkSkipped, sk)
			skipMu.Unlock()
		})
		close(files)
		wg.Wait()
		close(results)
	}()

	started := time.Now()
	var done, bytes int64
	var apps []AppRecord
	lastProgress := time.Time{}
	for r := range results {
		done++
		src.Stats.Files++
		if r.image {
			src.Stats.Images++
		}
		for i := range r.findings {
			r.findings[i].Source = idx
		}
		rep.Findings = append(rep.Findings, r.findings...)
		if r.skipped != nil {
			r.skipped.Source = idx
			rep.Skipped = append(rep.Skipped, *r.skipped)
			src.Stats.Skipped++
		}
		if r.inventory != nil && e.opts.Inventory {
			r.inventory.Source = idx
			bytes += r.inventory.Size
			rep.Inventory = append(rep.Inventory, *r.inventory)
		}
		apps = append(apps, r.apps...)
		if e.opts.Progress != nil && time.Since(lastProgress) > 100*time.Millisecond {
			lastProgress = time.Now()
			e.opts.Progress(Progress{Phase: "scanning", Source: s.Path(), FilesDone: done,
				FilesTotal: total.Load(), Started: started, Findings: len(rep.Findings)})
		}
	}
	for _, sk := range walkSkipped {
		sk.Source = idx
		rep.Skipped = append(rep.Skipped, sk)
		src.Stats.Skipped++
	}
	if walkErr != nil && !errors.Is(walkErr, context.Canceled) {
		src.Complete = false
		src.Problems = append(src.Problems, "could not be read to the end: "+errText(walkErr))
	}

	// Source-level rules: device hygiene and apps.
	allApps := mergeApps(append(append([]AppRecord(nil), facts.Apps...), apps...))
	for _, a := range allApps {
		if !a.System {
			src.Apps = append(src.Apps, AppSummary{ID: a.ID, Name: a.Name, Version: a.Version, Free: a.Free})
		}
	}
	for _, f := range e.appFindings(allApps) {
		f.Source = idx
		rep.Findings = append(rep.Findings, f)
	}
	clinical := 0
	for _, f := range rep.Findings {
		if f.Source == idx && f.Category == CategoryClinicalPhoto {
			clinical++
		}
	}
	for _, f := range deviceFindings(src, clinical) {
		f.Source = idx
		rep.Findings = append(rep.Findings, f)
	}
}

// analyzer is a goroutine that analyses one file at a time for a worker.
// It outlives each file so that its stack, grown by the decoders, is
// reused: a new goroutine per file spent a few percent of the CPU growing
// and copying stacks.
type analyzer struct {
	jobs chan analyzerJob
}

type analyzerJob struct {
	ctx context.Context
	f   *File
	out chan<- fileResult
}

func (e *engine) newAnalyzer() *analyzer {
	r := &analyzer{jobs: make(chan analyzerJob)}
	go func() {
		for j := range r.jobs {
			j.out <- e.analyzeSafe(j.ctx, j.f)
		}
	}()
	return r
}

// stop lets the goroutine end once its current file (if any) is done.
func (r *analyzer) stop() {
	if r != nil {
		close(r.jobs)
	}
}

// analyzeWithTimeout runs the file analysis on the worker's analyzer r
// (started when nil) with a time limit, and returns the analyzer to use
// next. A file whose parser never returns is reported as skipped and its
// analyzer left behind (it ends if the parser ever returns).
func (e *engine) analyzeWithTimeout(ctx context.Context, f *File, r *analyzer) (fileResult, *analyzer) {
	if r == nil {
		r = e.newAnalyzer()
	}
	fctx, cancel := context.WithTimeout(ctx, e.opts.FileTimeout)
	defer cancel()
	out := make(chan fileResult, 1) // buffered: an abandoned analyzer never blocks
	r.jobs <- analyzerJob{ctx: fctx, f: f, out: out}
	select {
	case res := <-out:
		return res, r
	case <-fctx.Done():
		r.stop()
		reason := fmt.Sprintf("took longer than %s; skipped", e.opts.FileTimeout)
		if ctx.Err() != nil {
			reason = "scan cancelled"
		}
		return fileResult{skipped: &Skipped{Path: f.Path, Domain: f.Domain, Error: reason}}, nil
	}
}

// analyzeSafe turns a panic anywhere in a file's analysis into a skipped
// entry: one bad file never ends the scan.
func (e *engine) analyzeSafe(ctx context.Context, f *File) (r fileResult) {
	defer func() {
		if p := recover(); p != nil {
			e.log.Warn("panic while analysing a file", "path", f.Path, "panic", fmt.Sprint(p))
			r = fileResult{skipped: &Skipped{Path: f.Path, Domain: f.Domain,
				Error: fmt.Sprintf("internal error while reading the file (%v)", p)}}
		}
	}()
	return e.analyzeFile(ctx, f)
}

// finish sorts the report and computes the summary.
func finish(rep *Report, failOn Severity) {
	sortFindings(rep.Findings)
	sort.SliceStable(rep.Skipped, func(i, j int) bool {
		a, b := rep.Skipped[i], rep.Skipped[j]
		return locationLess(a.Source, a.Domain, a.Path, b.Source, b.Domain, b.Path)
	})
	sort.SliceStable(rep.Inventory, func(i, j int) bool {
		a, b := rep.Inventory[i], rep.Inventory[j]
		return locationLess(a.Source, a.Domain, a.Path, b.Source, b.Domain, b.Path)
	})
	counts := map[string]int{"findings": len(rep.Findings), "skipped": len(rep.Skipped),
		"high": 0, "medium": 0, "low": 0, "info": 0,
		string(CategoryClinicalPhoto): 0, string(CategoryMessagingAttachment): 0,
		string(CategoryRiskyApp): 0, string(CategoryDevice): 0}
	files := 0
	for _, s := range rep.Sources {
		files += s.Stats.Files
	}
	counts["files"] = files
	verdict := VerdictClear
	for _, f := range rep.Findings {
		counts[string(f.Severity)]++
		counts[string(f.Category)]++
		if f.Severity.Rank() >= SeverityLow.Rank() {
			verdict = VerdictActionNeeded
		}
	}
	for _, s := range rep.Sources {
		if !s.Complete {
			verdict = VerdictIncomplete
		}
	}
	rep.Summary = Summary{Verdict: verdict, Counts: counts, FailOn: failOn}
}

// locationLess orders files by source, domain and path.
func locationLess(sa int, da, pa string, sb int, db, pb string) bool {
	if sa != sb {
		return sa < sb
	}
	if da != db {
		return da < db
	}
	return pa < pb
}

var categoryOrder = map[Category]int{CategoryClinicalPhoto: 0, CategoryMessagingAttachment: 1, CategoryRiskyApp: 2, CategoryDevice: 3}

func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		if categoryOrder[a.Category] != categoryOrder[b.Category] {
			return categoryOrder[a.Category] < categoryOrder[b.Category]
		}
		if a.Severity.Rank() != b.Severity.Rank() {
			return a.Severity.Rank() > b.Severity.Rank()
		}
		if a.Domain != b.Domain {
			return a.Domain < b.Domain
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.App != nil && b.App != nil {
			return a.App.ID < b.App.ID
		}
		return false
	})
}

// kindGuess names the kind of a path that could not be opened, from its name.
func kindGuess(p string) string {
	switch ext(filepath.ToSlash(p)) {
	case "apk", "apks", "xapk", "apkm":
		return KindAPK
	case "ipa":
		return KindIPA
	}
	if st, err := os.Stat(filepath.Join(p, "Manifest.plist")); err == nil && !st.IsDir() {
		return KindIOSBackup
	}
	return KindDirectory
}

// SafeText returns s as it may be printed on a terminal: unchanged, or
// Go-quoted when it holds control or invisible characters or invalid UTF-8
// (a file named "\x1b[2J" must not clear the screen).
func SafeText(s string) string { return reportSafe(s) }
