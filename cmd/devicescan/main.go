// Command devicescan reads what a phone leaves behind (an iPhone backup, an
// Android storage tree, APK/IPA files, a folder of photos) and reports
// clinical-looking photos, messaging attachments, risky apps and device
// hygiene. See the README for the report formats and exit statuses.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"

	"github.com/devicescan/devicescan/scan"
	"github.com/spf13/pflag"
	"golang.org/x/term"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	tuneGC(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// tuneGC: a scan allocates pictures and file buffers by the hundred
// thousand over a live heap of a few MB, so Go's default (collect when the
// heap doubles) spends a third of the CPU collecting. Let the heap grow to
// five times the live data, but never past 160 MiB, unless the user set
// GOGC or GOMEMLIMIT.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(160 << 20)
	}
}

const usageHead = `devicescan - find patient data on a phone before it is upgraded or discarded

Usage: devicescan [flags] PATH...

PATH is an iPhone backup folder (or a folder of backups, e.g. MobileSync/Backup),
an Android storage tree (/sdcard, an adb pull of it), a folder of APKs, one
.apk/.apks/.xapk/.ipa file, or any folder of photos. The kind is detected.

Examples:
  devicescan ~/Library/Application\ Support/MobileSync/Backup
  devicescan --policy hospital.yaml -f html -o report.html /mnt/phone
  devicescan --format json --fail-on high --password-file pw.txt ./backup > report.json

Flags:
`

const usageTail = `
Exit status: 0 nothing at or above --fail-on; 1 findings at or above it;
2 usage error, a PATH that could not be scanned, a wrong or missing password,
or a source left incomplete. Progress and errors go to stderr, the report to
stdout (or --output).
`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	fl := pflag.NewFlagSet("devicescan", pflag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.SortFlags = false
	format := fl.StringP("format", "f", "text", "report format: text, json, csv or html (e.g. -f json)")
	output := fl.StringP("output", "o", "", "write the report to FILE, created with mode 0600 (default: stdout)")
	policyFile := fl.String("policy", "", "workplace policy FILE, YAML or JSON: workplaces, approved_apps (see README)")
	passwordFile := fl.String("password-file", "", "FILE whose first line is the password of an encrypted iPhone backup;\nDEVICESCAN_PASSWORD also works; on a terminal devicescan asks")
	failOn := fl.String("fail-on", "low", "lowest severity that makes the exit status 1: none, low, medium or high")
	inventory := fl.Bool("inventory", false, "also list every scanned file with its metadata (inventory in JSON)")
	quiet := fl.BoolP("quiet", "q", false, "no progress output")
	thumbs := fl.Bool("thumbnails", false, "HTML only: embed small blurred thumbnails of clinical findings\n(the report then holds patient images: handle it as such)")
	noPixels := fl.Bool("no-pixels", false, "skip pixel analysis (metadata and name rules only)")
	jobs := fl.IntP("jobs", "j", 0, "files analysed at once (default: number of CPUs)")
	showVersion := fl.Bool("version", false, "print the version and exit")
	fl.Usage = func() {
		fmt.Fprint(stderr, usageHead)
		fl.PrintDefaults()
		fmt.Fprint(stderr, usageTail)
	}
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "devicescan: %v\nRun 'devicescan --help' for usage.\n", err)
		return 2
	}
	if *showVersion {
		fmt.Fprintf(stdout, "devicescan %s\n", version)
		return 0
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "devicescan: "+format+"\n", a...)
		return 2
	}
	if fl.NArg() == 0 {
		fmt.Fprintln(stderr, "devicescan: no PATH given")
		fl.Usage()
		return 2
	}
	f, err := scan.ParseFormat(*format)
	if err != nil {
		return usageErr("%v", err)
	}
	threshold, err := scan.ParseFailOn(*failOn)
	if err != nil {
		return usageErr("%v", err)
	}
	if *jobs < 0 || *jobs > 1024 {
		return usageErr("--jobs %d: want 1 to 1024 (0 = one per CPU)", *jobs)
	}
	if *thumbs && f != scan.FormatHTML {
		return usageErr("--thumbnails works only with --format html")
	}
	opts := scan.Options{FailOn: threshold, Inventory: *inventory, Workers: *jobs,
		NoPixels: *noPixels, Thumbnails: *thumbs, Version: version}
	if *policyFile != "" {
		p, err := scan.LoadPolicy(*policyFile)
		if err != nil {
			return usageErr("%v", err)
		}
		opts.Policy = p
	}
	pw, err := passwordSource(*passwordFile, stdin, stderr, getenv)
	if err != nil {
		return usageErr("%v", err)
	}
	opts.Password = pw

	errIsTTY := isTerminal(stderr)
	if !*quiet && errIsTTY {
		width := 0
		if f, ok := stderr.(*os.File); ok {
			if w, _, err := term.GetSize(int(f.Fd())); err == nil {
				width = w
			}
		}
		bar := scan.NewProgressBar(stderr, width)
		opts.Progress = bar.Update
		defer bar.Done()
	}

	if *output != "" {
		if err := scan.CheckOutput(*output, fl.Args()); err != nil {
			return usageErr("%v", err)
		}
	}
	rep, err := scan.Run(ctx, fl.Args(), opts)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			err = errors.New("interrupted; no report written")
		}
		fmt.Fprintf(stderr, "devicescan: %v\n", err)
		return 2
	}
	if opts.Progress != nil {
		opts.Progress(scan.Progress{Phase: "done"})
	}
	for _, s := range rep.Sources {
		for _, p := range s.Problems {
			fmt.Fprintf(stderr, "devicescan: %s: %s\n", scan.SafeText(s.Path), scan.SafeText(p))
		}
	}
	wo := scan.WriteOptions{Thumbnails: *thumbs,
		Color: *output == "" && isTerminal(stdout) && getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"}
	if *output != "" {
		err = scan.WriteReportFile(*output, rep, f, wo)
	} else {
		err = scan.WriteReport(stdout, rep, f, wo)
	}
	if err != nil {
		fmt.Fprintf(stderr, "devicescan: writing the report: %v\n", scan.SafeText(err.Error()))
		return 2
	}
	return rep.ExitCode()
}

// passwordSource returns the function asked for a backup password: the
// password file, else DEVICESCAN_PASSWORD, else a no-echo prompt on a
// terminal. The password is never printed or logged.
func passwordSource(file string, stdin io.Reader, stderr io.Writer, getenv func(string) string) (func(context.Context, string) ([]byte, error), error) {
	if file != "" {
		pw, err := readPasswordFile(file)
		if err != nil {
			return nil, err
		}
		return func(context.Context, string) ([]byte, error) { return append([]byte(nil), pw...), nil }, nil
	}
	if env := getenv("DEVICESCAN_PASSWORD"); env != "" {
		return func(context.Context, string) ([]byte, error) { return []byte(env), nil }, nil
	}
	in, ok := stdin.(*os.File)
	if !ok || !term.IsTerminal(int(in.Fd())) {
		return nil, nil
	}
	var mu sync.Mutex
	var cached []byte
	return func(ctx context.Context, backup string) ([]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		if cached != nil {
			return append([]byte(nil), cached...), nil
		}
		fmt.Fprintf(stderr, "Password for encrypted backup %s: ", backup)
		pw, err := term.ReadPassword(int(in.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return nil, err
		}
		cached = pw
		return append([]byte(nil), pw...), nil
	}, nil
}

func readPasswordFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("--password-file: %v", err)
	}
	defer f.Close()
	r := bufio.NewReader(io.LimitReader(f, 64<<10))
	line, err := r.ReadString('\n')
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("--password-file: %v", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return nil, errors.New("--password-file: the first line is empty")
	}
	return []byte(line), nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
