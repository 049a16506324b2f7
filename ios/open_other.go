//go:build !linux

package ios

import "os"

func openEvidence(name string) (*os.File, error) { return os.Open(name) }
