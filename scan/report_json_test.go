package scan

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func jsonOf(t *testing.T, r *Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteReport(&buf, r, FormatJSON, WriteOptions{Thumbnails: true}); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestJSONReportShape(t *testing.T) {
	out := jsonOf(t, goldenReport())
	if !strings.HasPrefix(out, "{\n  \"schema_version\": 1,\n  \"tool\": {") {
		t.Errorf("schema_version is not first:\n%.80s", out)
	}
	if !strings.HasSuffix(out, "}\n") {
		t.Error("no trailing newline")
	}
	for _, want := range []string{
		`"passcode_set": true`, `"backup_encrypted": false`, `"cloud_backup_enabled": null`,
		`"synced": null`, `"granted": null`, `"free": false`,
		`"permissions": []`, `"ad_sdks": []`, `"reasons": []`,
		`"path": "<script>alert(1)</script>.jpg"`,
		`"inventory": [`, `"domain": "CameraRollDomain"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("JSON lacks %s", want)
		}
	}
	if strings.Contains(out, "Thumbnail") || strings.Contains(out, "/9j/") {
		t.Error("thumbnail leaked into JSON")
	}
	// Round trip: the contract's fields come back.
	var back Report
	if err := json.Unmarshal([]byte(out), &back); err != nil {
		t.Fatal(err)
	}
	want := goldenReport()
	for i := range want.Findings {
		want.Findings[i].Thumbnail = nil
	}
	if !reflect.DeepEqual(back.Sources, want.Sources) || !reflect.DeepEqual(back.Summary, want.Summary) ||
		len(back.Findings) != len(want.Findings) || len(back.Skipped) != len(want.Skipped) ||
		!reflect.DeepEqual(back.Findings[0], want.Findings[0]) {
		t.Error("round trip lost data")
	}
}

func TestJSONReportEmpty(t *testing.T) {
	out := jsonOf(t, emptyReport())
	for _, want := range []string{`"findings": []`, `"skipped": []`, `"schema_version": 1`} {
		if !strings.Contains(out, want) {
			t.Errorf("JSON lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "inventory") || strings.Contains(out, "null") {
		t.Errorf("empty JSON has inventory or null:\n%s", out)
	}
	r := &Report{} // zero report: still valid JSON with arrays and counts
	out = jsonOf(t, r)
	for _, want := range []string{`"sources": []`, `"findings": []`, `"counts": {}`} {
		if !strings.Contains(out, want) {
			t.Errorf("zero report lacks %s:\n%s", want, out)
		}
	}
}
