package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devicescan/devicescan/scan/scantest"
)

type result struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
	return result{code, out.String(), errb.String()}
}

func androidTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := scantest.AndroidTree(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUsageErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no path", nil, "no PATH"},
		{"unknown flag", []string{"--bogus", "."}, "unknown flag"},
		{"bad format", []string{"-f", "xml", "."}, "xml"},
		{"bad fail-on", []string{"--fail-on", "critical", "."}, "critical"},
		{"missing policy", []string{"--policy", "/nonexistent/policy.yaml", "."}, "policy"},
		{"thumbnails without html", []string{"--thumbnails", "."}, "html"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runCLI(t, nil, c.args...)
			if r.code != 2 || !strings.Contains(r.stderr, c.want) || r.stdout != "" {
				t.Errorf("code %d stderr %q stdout %q", r.code, r.stderr, r.stdout)
			}
		})
	}
}

func TestPolicyUnknownKeyNamed(t *testing.T) {
	p := writeFile(t, "p.yaml", "workplace:\n  - name: x\n")
	r := runCLI(t, nil, "--policy", p, t.TempDir())
	if r.code != 2 || !strings.Contains(r.stderr, "workplace") {
		t.Errorf("code %d stderr %q", r.code, r.stderr)
	}
}

func TestHelpAndVersion(t *testing.T) {
	r := runCLI(t, nil, "--help")
	if r.code != 0 || !strings.Contains(r.stderr, "--fail-on") || !strings.Contains(r.stderr, "Examples") {
		t.Errorf("help: %d %q", r.code, r.stderr)
	}
	r = runCLI(t, nil, "--version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "devicescan ") {
		t.Errorf("version: %d %q", r.code, r.stdout)
	}
}

func TestExitStatusesAndJSON(t *testing.T) {
	dir := androidTree(t)
	policy := writeFile(t, "policy.yaml", scantest.PolicyYAML)
	r := runCLI(t, nil, "--policy", policy, "-f", "json", dir)
	if r.code != 1 {
		t.Fatalf("exit %d, stderr %s", r.code, r.stderr)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("JSON: %v", err)
	}
	for _, k := range []string{"schema_version", "tool", "sources", "findings", "skipped", "summary"} {
		if _, ok := rep[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	if _, ok := rep["inventory"]; ok {
		t.Error("inventory present without --inventory")
	}
	if r := runCLI(t, nil, "--policy", policy, "--fail-on", "none", "-q", dir); r.code != 0 {
		t.Errorf("--fail-on none: exit %d", r.code)
	}
	empty := t.TempDir()
	if r := runCLI(t, nil, empty); r.code != 0 || !strings.Contains(r.stdout, "CLEAR") {
		t.Errorf("empty folder: exit %d stdout %q", r.code, r.stdout)
	}
	if r := runCLI(t, nil, filepath.Join(empty, "missing")); r.code != 2 {
		t.Errorf("missing path: exit %d", r.code)
	}
}

func TestOutputFileMode(t *testing.T) {
	dir := androidTree(t)
	out := filepath.Join(t.TempDir(), "report.html")
	os.WriteFile(out, []byte("old"), 0o644)
	r := runCLI(t, nil, "-f", "html", "-o", out, "--fail-on", "none", dir)
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	st, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v", st.Mode().Perm())
	}
}

func TestPasswordFromFileAndEnv(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "backup")
	if _, err := scantest.IPhoneBackup(dir, true); err != nil {
		t.Fatal(err)
	}
	pwFile := writeFile(t, "pw.txt", scantest.SamplePassword+"\nsecond line ignored\n")
	if r := runCLI(t, nil, "--password-file", pwFile, "--fail-on", "none", "-f", "json", dir); r.code != 0 {
		t.Errorf("password file: exit %d stderr %s", r.code, r.stderr)
	}
	r := runCLI(t, map[string]string{"DEVICESCAN_PASSWORD": scantest.SamplePassword}, "--fail-on", "none", dir)
	if r.code != 0 {
		t.Errorf("env: exit %d stderr %s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, scantest.SamplePassword) {
		t.Error("the password was printed")
	}
	r = runCLI(t, map[string]string{"DEVICESCAN_PASSWORD": "not-it"}, dir)
	if r.code != 2 || !strings.Contains(r.stderr, "wrong password") || strings.Contains(r.stdout+r.stderr, "not-it") {
		t.Errorf("wrong password: exit %d stderr %q", r.code, r.stderr)
	}
	if r := runCLI(t, nil, dir); r.code != 2 || !strings.Contains(r.stderr, "no password") {
		t.Errorf("no password: exit %d stderr %q", r.code, r.stderr)
	}
}

func TestOutputInsideScannedPathRefused(t *testing.T) {
	dir := androidTree(t)
	victim := filepath.Join(dir, "DCIM", "Camera", "IMG_20261016_120000.jpg")
	before, _ := os.ReadFile(victim)
	for _, out := range []string{victim, filepath.Join(dir, "report.txt"), dir} {
		r := runCLI(t, nil, "-f", "json", "-o", out, dir)
		if r.code != 2 {
			t.Errorf("-o %s: exit %d", out, r.code)
		}
	}
	after, _ := os.ReadFile(victim)
	if !bytes.Equal(before, after) {
		t.Error("the photo was overwritten")
	}
	if _, err := os.Stat(filepath.Join(dir, "report.txt")); err == nil {
		t.Error("a report was written into the evidence")
	}
}

func TestJobsValidated(t *testing.T) {
	for _, j := range []string{"-1", "100000000"} {
		if r := runCLI(t, nil, "-j", j, t.TempDir()); r.code != 2 {
			t.Errorf("-j %s: exit %d", j, r.code)
		}
	}
}
