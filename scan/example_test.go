package scan_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/devicescan/devicescan/scan"
	"github.com/devicescan/devicescan/scan/scantest"
)

// Scan a folder with a workplace policy and print the verdict and the
// clinical findings.
func ExampleRun() {
	dir, _ := os.MkdirTemp("", "devicescan-example")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "IM000001"), scantest.DICOM("CT", "TEST^PATIENT", "9990000026", 16, 16, true), 0o644)

	policy, err := scan.ParsePolicy([]byte(scantest.PolicyYAML))
	if err != nil {
		panic(err)
	}
	rep, err := scan.Run(context.Background(), []string{dir}, scan.Options{Policy: policy})
	if err != nil {
		panic(err)
	}
	fmt.Println("verdict:", rep.Summary.Verdict)
	for _, f := range rep.Findings {
		fmt.Println(f.Severity, f.Category, f.Path, f.Reasons[0].Code)
	}
	fmt.Println("exit status:", rep.ExitCode())
	// Output:
	// verdict: action-needed
	// high clinical-photo IM000001 dicom
	// exit status: 1
}
