//go:build !linux

package scan

import "os"

func openReadOnly(name string) (*os.File, error) { return os.Open(name) }
