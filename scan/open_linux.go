//go:build linux

package scan

import (
	"os"
	"syscall"
)

// openReadOnly opens a file or folder for reading without updating its
// access time where the kernel allows it (O_NOATIME needs ownership or
// CAP_FOWNER), without following a symbolic link swapped in since the walk
// listed it, and without blocking on a FIFO.
func openReadOnly(name string) (*os.File, error) {
	const flags = os.O_RDONLY | syscall.O_NOFOLLOW | syscall.O_NONBLOCK
	f, err := os.OpenFile(name, flags|syscall.O_NOATIME, 0)
	if err == nil {
		return f, nil
	}
	return os.OpenFile(name, flags, 0)
}
