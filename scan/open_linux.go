//go:build linux

package scan

import (
	"os"
	"syscall"
)

// openReadOnly opens a file for reading without updating its access time
// where the kernel allows it (O_NOATIME needs ownership or CAP_FOWNER).
func openReadOnly(name string) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NOATIME, 0)
	if err == nil {
		return f, nil
	}
	return os.OpenFile(name, os.O_RDONLY, 0)
}
