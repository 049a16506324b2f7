package scan

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

func csvOf(t *testing.T, r *Report) [][]string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteReport(&buf, r, FormatCSV, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestCSVNeutralisesFormulas(t *testing.T) {
	cases := []struct{ in, want string }{
		{"=1+1", "'=1+1"},
		{"+1", "'+1"},
		{"-1", "'-1"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tcmd", `"\tcmd"`}, // control characters are quoted first,
		{"\rcmd", `"\rcmd"`}, // which also defuses them
		{"a=1", "a=1"},
		{"", ""},
		{"IMG_0001.JPG", "IMG_0001.JPG"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			// Put the value in every free-text column a name can reach.
			r := &Report{
				Sources: []SourceReport{{Path: c.in, Kind: KindDirectory}},
				Findings: []Finding{{
					Category: CategoryRiskyApp, Severity: SeverityLow, Path: c.in, Domain: c.in,
					Reasons: []Reason{{Code: c.in, Detail: "x"}}, Message: c.in, Remedy: c.in,
					Cloud: &Cloud{Service: c.in},
					App:   &AppInfo{ID: c.in, Name: c.in, Permissions: []string{c.in}, AdSDKs: []string{c.in}},
				}},
			}
			rows := csvOf(t, r)
			if len(rows) != 2 {
				t.Fatalf("%d rows", len(rows))
			}
			row := rows[1]
			for _, col := range []int{3, 4, 5, 7, 8, 9, 11, 12, 13, 14, 17} {
				if row[col] != c.want {
					t.Errorf("column %s = %q, want %q", csvHeader[col], row[col], c.want)
				}
			}
		})
	}
	for _, p := range []string{"=", "+", "-", "@", "\t", "\r"} {
		if got := csvNeutralise(p + "x"); got != "'"+p+"x" {
			t.Errorf("csvNeutralise(%q) = %q", p+"x", got)
		}
	}
}

func TestCSVReport(t *testing.T) {
	rows := csvOf(t, goldenReport())
	if strings.Join(rows[0], ",") != "severity,category,source,source_path,path,domain,reasons,codes,message,remedy,cloud_synced,cloud_service,app_id,app_name,permissions,granted,free,ad_sdks" {
		t.Errorf("header %v", rows[0])
	}
	if len(rows) != 1+len(goldenReport().Findings) {
		t.Fatalf("%d rows, want one per finding", len(rows))
	}
	for i, row := range rows {
		if len(row) != len(csvHeader) {
			t.Errorf("row %d has %d cells", i, len(row))
		}
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("row %d: dangerous cell %q", i, cell)
			}
			if strings.Contains(cell, "\x1b") {
				t.Errorf("row %d: escape in cell %q", i, cell)
			}
		}
	}
	// Second row (paths sort "<" before "M"): the high clinical photo on the iPhone, booleans printed.
	first := rows[2]
	if first[4] != "Media/DCIM/100APPLE/IMG_0001.JPG" || first[0] != "high" || first[1] != "clinical-photo" || first[5] != "CameraRollDomain" || first[10] != "true" {
		t.Errorf("first row %q", first)
	}
}
