package dumpsys

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

const sample = `Activity Resolver Table:
  Non-Data Actions:
      android.intent.action.MAIN:
        Package [com.fake.notapackage] (1):

Packages:
  Package [com.example.systemthing] (d64f8e0):
    userId=1000
    codePath=/system/app/Thing
    versionCode=500700000 minSdk=28 targetSdk=28
    versionName=5.0.07
    flags=[ SYSTEM HAS_CODE ALLOW_CLEAR_USER_DATA ]
    timeStamp=2008-12-31 16:00:00
    firstInstallTime=2008-12-31 16:00:00
    pkgFlags=[ SYSTEM HAS_CODE ]
    declared permissions:
      com.example.systemthing.permission.READ: prot=normal, INSTALLED
    User 0: ceDataInode=-4294835840 installed=true hidden=false
  Package [com.example.freecam] (ab12):
    userId=10143
    codePath=/data/app/~~xyz==/com.example.freecam-abc==
    versionCode=42 minSdk=21 targetSdk=34
    versionName=2.1
    installerPackageName=com.android.vending
    flags=[ HAS_CODE ALLOW_CLEAR_USER_DATA ALLOW_BACKUP ]
    firstInstallTime=2024-03-05 10:11:12
    requested permissions:
      android.permission.INTERNET
      android.permission.CAMERA
      android.permission.READ_SMS: restricted=true
      android.permission.READ_CONTACTS
    install permissions:
      android.permission.INTERNET: granted=true
    User 0: ceDataInode=-4294835694 installed=true hidden=false
      gids=[3003]
      runtime permissions:
        android.permission.CAMERA: granted=true, flags=[ USER_SET|USER_SENSITIVE_WHEN_GRANTED]
        android.permission.READ_SMS: granted=false, flags=[ RESTRICTION_INSTALLER_EXEMPT]
    User 10: ceDataInode=0 installed=true
      runtime permissions:
        android.permission.READ_CONTACTS: granted=true
    lastUpdateTime=2024-03-06 10:11:12
  Package [com.example.sideloaded] (77):
    codePath=/data/app/com.example.sideloaded-1
    versionName=1.0
    installerPackageName=null
    User 0: ceDataInode=1 installed=true
      firstInstallTime=2025-01-02 03:04:05
      runtime permissions:

Hidden system packages:
  Package [com.example.systemthing] (111):
    codePath=/system/app/Old
`

func j(a ...any) string { return strings.TrimSuffix(fmt.Sprintln(a...), "\n") }

func TestParse(t *testing.T) {
	pkgs, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) != 3 {
		t.Fatalf("%d packages: %+v", len(pkgs), pkgs)
	}
	tests := []struct {
		got, want string
	}{
		{pkgs[0].Name, "com.example.systemthing"},
		{j(pkgs[0].System, pkgs[0].VersionCode, pkgs[0].VersionName, pkgs[0].CodePath), "true 500700000 5.0.07 /system/app/Thing"},
		{j(pkgs[0].Requested, len(pkgs[0].Granted), pkgs[0].Installer), "[] 0 "},
		{pkgs[1].Name, "com.example.freecam"},
		{j(pkgs[1].System, pkgs[1].Installer, pkgs[1].VersionCode), "false com.android.vending 42"},
		{strings.Join(pkgs[1].Requested, ","), "android.permission.INTERNET,android.permission.CAMERA,android.permission.READ_SMS,android.permission.READ_CONTACTS"},
		{fmt.Sprint(pkgs[1].Granted), "map[android.permission.CAMERA:true android.permission.INTERNET:true android.permission.READ_SMS:false]"},
		{pkgs[1].FirstInstall.Format(time.DateTime), "2024-03-05 10:11:12"},
		{j(pkgs[2].Installer == "", pkgs[2].System, pkgs[2].FirstInstall.Format(time.DateTime)), "true false 2025-01-02 03:04:05"},
	}
	for i, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%d: got %q want %q", i, tc.got, tc.want)
		}
	}
}

func TestParseOddInputs(t *testing.T) {
	tests := []struct {
		name string
		in   string
		n    int
	}{
		{"empty", "", 0},
		{"no packages section", "Verifiers:\n  Required: x\n", 0},
		{"crlf", strings.ReplaceAll(sample, "\n", "\r\n"), 3},
		{"tabs and junk", "Packages:\n\tPackage [a.b] (1):\n\t\tversionName=1\n\x00\xff\n", 1},
		{"long line", "Packages:\n  Package [a.b] (1):\n    versionName=" + strings.Repeat("x", 200<<10) + "\n    codePath=/system/app/x\n", 1},
		{"bugreport", "------ DUMP OF SERVICE package:\nPackages:\n  Package [a.b] (1f):\n    codePath=/apex/x\n------ DUMP OF SERVICE other:\n  Package [c.d] (2):\n", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pkgs, err := Parse(strings.NewReader(tc.in))
			if err != nil || len(pkgs) != tc.n {
				t.Fatalf("err=%v n=%d %+v", err, len(pkgs), pkgs)
			}
		})
	}
	pkgs, _ := Parse(strings.NewReader("Packages:\n  Package [a.b] (1):\n    versionName=" + strings.Repeat("x", 200<<10) + "\n    codePath=/system/app/x\n"))
	if !pkgs[0].System || len(pkgs[0].VersionName) > maxLine {
		t.Errorf("long line handling: system=%v len=%d", pkgs[0].System, len(pkgs[0].VersionName))
	}
}

func TestLooksLikeDumpsys(t *testing.T) {
	for in, want := range map[string]bool{
		sample:                                   true,
		"Packages:\n  Package [a] (1):\n":        true,
		"== dumpstate\nDUMP OF SERVICE package:": true,
		"Verifiers:\n  Required: x":              true,
		"hello world":                            false,
		"":                                       false,
		"\x89PNG\r\n":                            false,
	} {
		if got := LooksLikeDumpsys([]byte(in)); got != want {
			t.Errorf("%.30q: got %v", in, got)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(sample)
	f.Add("Packages:\n  Package [a.b] (1):\n    User 0: x\n      runtime permissions:\n        p: granted=true\n")
	f.Fuzz(func(t *testing.T, s string) {
		pkgs, _ := Parse(strings.NewReader(s))
		if len(pkgs) > strings.Count(s, "Package [") {
			t.Fatalf("%d packages from %d headers", len(pkgs), strings.Count(s, "Package ["))
		}
		for _, p := range pkgs {
			if p.Name == "" {
				t.Fatal("empty name")
			}
			_ = slices.Clone(p.Requested)
		}
		LooksLikeDumpsys([]byte(s))
	})
}

func BenchmarkParse(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("Packages:\n")
	body := sample[strings.Index(sample, "  Package [com.example.freecam]"):strings.Index(sample, "  Package [com.example.sideloaded]")]
	for i := 0; i < 500; i++ {
		sb.WriteString(strings.Replace(body, "freecam", fmt.Sprint("app", i), 1))
	}
	in := sb.String()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if p, _ := Parse(strings.NewReader(in)); len(p) != 500 {
			b.Fatal(len(p))
		}
	}
}
