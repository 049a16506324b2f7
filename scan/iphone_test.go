package scan_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"github.com/devicescan/devicescan/scan"
	"github.com/devicescan/devicescan/scan/scantest"
)

func withPassword(pw string) func(context.Context, string) ([]byte, error) {
	return func(context.Context, string) ([]byte, error) { return []byte(pw), nil }
}

// scanBackup writes a sample backup, scans it and checks nothing changed.
func scanBackup(t *testing.T, encrypted bool, opts scan.Options) (*scan.Report, []scantest.Expect) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "00008120-000A1B2C3D4E5F60")
	exp, err := scantest.IPhoneBackup(dir, encrypted)
	if err != nil {
		t.Fatal(err)
	}
	before, err := scantest.Snapshot(dir)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := scan.Run(context.Background(), []string{dir}, opts)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := scantest.Snapshot(dir)
	if d := scantest.Diff(before, after); len(d) > 0 {
		t.Errorf("scan changed the backup: %v", d)
	}
	return rep, exp
}

// comparable strips what differs between a plain and an encrypted backup.
func findingKeys(rep *scan.Report) []string {
	var out []string
	for _, f := range rep.Findings {
		if f.Category == scan.CategoryDevice && f.Reasons[0].Code == "backup-not-encrypted" {
			continue // the one expected difference
		}
		b, _ := json.Marshal(f)
		out = append(out, string(b))
	}
	return out
}

func TestIPhoneBackupPlainAndEncrypted(t *testing.T) {
	opts := scan.Options{Policy: samplePolicy(t), Password: withPassword(scantest.SamplePassword)}
	plain, exp := scanBackup(t, false, opts)
	enc, _ := scanBackup(t, true, opts)
	for name, rep := range map[string]*scan.Report{"plain": plain, "encrypted": enc} {
		t.Run(name, func(t *testing.T) {
			if !rep.Sources[0].Complete || rep.Sources[0].Kind != scan.KindIOSBackup {
				t.Fatalf("source = %+v", rep.Sources[0])
			}
			checkExpect(t, rep, exp)
			d := rep.Sources[0].Device
			if d == nil || d.Name != "Dr Example's iPhone" || d.PasscodeSet == nil || !*d.PasscodeSet ||
				d.CloudBackupEnabled == nil || !*d.CloudBackupEnabled {
				t.Errorf("device = %+v", d)
			}
			got := findingsFor(rep)
			// Apps: the free app and the paid app, not the approved one nor the denied one.
			var apps []string
			for _, f := range rep.Findings {
				if f.Category == scan.CategoryRiskyApp {
					apps = append(apps, f.App.ID)
					if f.App.Granted == nil || !*f.App.Granted {
						t.Errorf("%s: granted = %v", f.App.ID, f.App.Granted)
					}
				}
			}
			slices.Sort(apps)
			if !slices.Equal(apps, []string{"com.example.freecam", "com.example.paidrecorder"}) {
				t.Errorf("risky apps = %v", apps)
			}
			// Nothing clinical about the photo taken away from work.
			if _, ok := got["clinical-photo CameraRollDomain/Media/DCIM/100APPLE/IMG_0004.JPG"]; ok {
				t.Error("false positive on IMG_0004")
			}
		})
	}
	if a, b := findingKeys(plain), findingKeys(enc); !slices.Equal(a, b) {
		t.Errorf("encrypted findings differ from plain:\nplain: %v\nenc:   %v", a, b)
	}
}

func TestEncryptedBackupWithoutOrWithWrongPassword(t *testing.T) {
	for _, pw := range []string{"", "wrong password"} {
		rep, _ := scanBackup(t, true, scan.Options{Password: withPassword(pw)})
		s := rep.Sources[0]
		if s.Complete || rep.ExitCode() != 2 || len(s.Problems) == 0 {
			t.Errorf("password %q: source %+v exit %d", pw, s, rep.ExitCode())
		}
		if s.Device == nil || s.Device.BackupEncrypted == nil || !*s.Device.BackupEncrypted {
			t.Errorf("password %q: device facts not read: %+v", pw, s.Device)
		}
	}
}

func TestEncryptedBackupWithoutPasswordListsApps(t *testing.T) {
	rep, _ := scanBackup(t, true, scan.Options{})
	var ids []string
	for _, a := range rep.Sources[0].Apps {
		ids = append(ids, a.ID)
	}
	if !slices.Contains(ids, "com.example.freecam") || !slices.Contains(ids, "com.example.paidrecorder") {
		t.Errorf("apps from the plaintext Info.plist = %v", ids)
	}
}
