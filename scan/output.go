package scan

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// CheckOutput refuses a report path that would land inside (or on) one of
// the scanned paths: a report must never overwrite or add to the evidence.
// It also checks that the report's folder exists. Call it before scanning.
func CheckOutput(out string, paths []string) error {
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	dir := filepath.Dir(abs)
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return fmt.Errorf("--output %s: folder %s does not exist", SafeText(out), SafeText(dir))
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	target := filepath.Join(dir, filepath.Base(abs))
	if real, err := filepath.EvalSymlinks(target); err == nil {
		target = real // an existing file, or a link to one
	}
	if st, err := os.Stat(target); err == nil && st.IsDir() {
		return fmt.Errorf("--output %s is a folder", SafeText(out))
	}
	for _, p := range paths {
		pa, err := filepath.Abs(p)
		if err != nil {
			continue
		}
		if real, err := filepath.EvalSymlinks(pa); err == nil {
			pa = real
		}
		if target == pa || strings.HasPrefix(target, strings.TrimSuffix(pa, string(filepath.Separator))+string(filepath.Separator)) {
			return fmt.Errorf("--output %s is inside the scanned path %s: write the report elsewhere, never into the evidence", SafeText(out), SafeText(p))
		}
	}
	return nil
}

// WriteReportFile writes the report to path with mode 0600, atomically: a
// private temporary file in the same folder is written, synced and renamed,
// so an interrupted run never leaves a half report or an emptied old one.
func WriteReportFile(path string, r *Report, f Format, o WriteOptions) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".devicescan-report-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return err
	}
	if err := WriteReport(tmp, r, f, o); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return errors.New("is a folder")
	}
	return os.Rename(tmp.Name(), path)
}
