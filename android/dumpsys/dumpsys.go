package dumpsys

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Package is one installed package from `dumpsys package`.
type Package struct {
	Name        string
	VersionName string
	VersionCode int64
	CodePath    string
	// System: pkgFlags/flags contain SYSTEM, or the code lives under /system,
	// /product, /vendor, /system_ext, /odm or /apex.
	System bool
	// Requested lists "requested permissions:" in dump order.
	Requested []string
	// Granted holds install permissions and user 0's runtime permissions with
	// their granted=true|false state. Other users are ignored.
	Granted map[string]bool
	// Installer is installerPackageName ("" when null: adb or preinstalled).
	Installer string
	// FirstInstall is firstInstallTime, in the device's local time (the dump
	// has no zone; it is returned as UTC wall-clock). Zero when absent.
	FirstInstall time.Time
}

const (
	maxLine     = 64 << 10 // longer lines are truncated
	maxPackages = 1 << 20
)

var pkgLine = regexp.MustCompile(`^Package \[([^\]\s]+)\] \([0-9a-fA-F]+\):`)

// LooksLikeDumpsys reports whether head (the first KiB of a file) looks like
// `dumpsys package` output, alone or inside a bugreport.
func LooksLikeDumpsys(head []byte) bool {
	if bytes.Contains(head, []byte("DUMP OF SERVICE package:")) {
		return true
	}
	for _, p := range []string{"Activity Resolver Table:", "Database versions:", "Verifiers:", "Packages:\n"} {
		if bytes.HasPrefix(bytes.TrimLeft(head, "\r\n"), []byte(p)) {
			return true
		}
	}
	return bytes.Contains(head, []byte("\nPackages:\n  Package ["))
}

// Parse reads `adb shell dumpsys package` text (or a bugreport holding it)
// line by line and returns the packages of its "Packages:" section, in order.
// Unknown lines are skipped; a format change loses fields, not packages.
func Parse(r io.Reader) ([]Package, error) {
	br := bufio.NewReaderSize(r, maxLine)
	var (
		out        []Package
		cur        *Package
		inPackages bool
		section    string // current "xxx:" sub-list, lower case
		secIndent  int
		secUser    int
		user       = -1 // current "User N:" block, -1 outside
		userIndent int
		sawAny     bool
	)
	flush := func() {
		if cur != nil {
			out = append(out, *cur)
			cur = nil
		}
	}
	for {
		line, err := readLine(br)
		if len(line) == 0 && err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			flush()
			return out, err
		}
		sawAny = true
		text := strings.TrimRight(line, " \t\r")
		trimmed := strings.TrimLeft(text, " \t")
		indent := len(text) - len(trimmed)
		if trimmed == "" {
			continue
		}
		if indent == 0 {
			flush()
			// a bugreport's "DUMP OF SERVICE" headers and dumpsys's own
			// top-level sections end the package list
			inPackages = trimmed == "Packages:"
			continue
		}
		if !inPackages {
			continue
		}
		if m := pkgLine.FindStringSubmatch(trimmed); m != nil && indent <= 4 {
			flush()
			if len(out) >= maxPackages {
				return out, errors.New("dumpsys: too many packages")
			}
			cur = &Package{Name: m[1]}
			section, user = "", -1
			continue
		}
		if cur == nil {
			continue
		}
		if section != "" {
			if indent > secIndent {
				addItem(cur, section, secUser, trimmed)
				continue
			}
			section = ""
		}
		if user >= 0 && indent <= userIndent {
			user = -1
		}
		if strings.HasPrefix(trimmed, "User ") {
			if n, ok := userNumber(trimmed); ok {
				user, userIndent = n, indent
				continue
			}
		}
		if strings.HasSuffix(trimmed, ":") && !strings.Contains(trimmed, "=") {
			section, secIndent, secUser = strings.ToLower(strings.TrimSuffix(trimmed, ":")), indent, user
			continue
		}
		addFields(cur, trimmed, user)
	}
	flush()
	if !sawAny {
		return nil, nil
	}
	return out, nil
}

// readLine returns one line without its newline, truncated to maxLine bytes.
func readLine(br *bufio.Reader) (string, error) {
	b, isPrefix, err := br.ReadLine()
	if err != nil {
		return "", err
	}
	s := string(b)
	for isPrefix {
		_, isPrefix, err = br.ReadLine()
		if err != nil {
			return s, nil
		}
	}
	return s, nil
}

func userNumber(s string) (int, bool) {
	rest := strings.TrimPrefix(s, "User ")
	i := strings.IndexByte(rest, ':')
	if i <= 0 {
		return 0, false
	}
	n, err := strconv.Atoi(rest[:i])
	return n, err == nil
}

func addItem(p *Package, section string, user int, item string) {
	name, rest, _ := strings.Cut(item, ":")
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, " =") {
		return
	}
	switch section {
	case "requested permissions":
		p.Requested = append(p.Requested, name)
	case "install permissions", "runtime permissions":
		if section == "runtime permissions" && user != 0 {
			return
		}
		g, ok := grantedValue(rest)
		if !ok {
			return
		}
		if p.Granted == nil {
			p.Granted = map[string]bool{}
		}
		p.Granted[name] = g
	}
}

func grantedValue(s string) (bool, bool) {
	i := strings.Index(s, "granted=")
	if i < 0 {
		return false, false
	}
	v := s[i+len("granted="):]
	if j := strings.IndexAny(v, ", "); j >= 0 {
		v = v[:j]
	}
	b, err := strconv.ParseBool(v)
	return b, err == nil
}

var systemDirs = []string{"/system/", "/product/", "/vendor/", "/system_ext/", "/odm/", "/apex/"}

func addFields(p *Package, s string, user int) {
	switch {
	case strings.HasPrefix(s, "flags=[") || strings.HasPrefix(s, "pkgFlags=["):
		_, v, _ := strings.Cut(s, "[")
		v, _, _ = strings.Cut(v, "]")
		for _, f := range strings.Fields(v) {
			if f == "SYSTEM" {
				p.System = true
			}
		}
		return
	case strings.HasPrefix(s, "codePath="):
		p.CodePath = strings.TrimPrefix(s, "codePath=")
		for _, d := range systemDirs {
			if strings.HasPrefix(p.CodePath+"/", d) {
				p.System = true
			}
		}
		return
	case strings.HasPrefix(s, "versionName="):
		p.VersionName = strings.TrimPrefix(s, "versionName=")
		return
	case strings.HasPrefix(s, "firstInstallTime="):
		if !p.FirstInstall.IsZero() && user != -1 {
			return
		}
		v := strings.TrimPrefix(s, "firstInstallTime=")
		if t, err := time.Parse("2006-01-02 15:04:05", strings.TrimSpace(v)); err == nil {
			p.FirstInstall = t
		}
		return
	}
	// space-separated key=value pairs: "versionCode=1 minSdk=28 targetSdk=28",
	// "installerPackageName=com.android.vending"
	for _, kv := range strings.Fields(s) {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		switch k {
		case "versionCode":
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				p.VersionCode = n
			}
		case "installerPackageName":
			if v != "null" {
				p.Installer = v
			}
		}
	}
}
