//go:build unix

package filecache

import (
	"io/fs"

	"golang.org/x/sys/unix"
)

// readFile reads an entry in four system calls (open, fstat, read,
// close), where os.ReadFile would also register the file with the
// network poller and switch its mode back and forth: a build reads
// thousands of entries. Entries are renamed into place whole, never
// written in place, so the size fstat gives is the size to read; a file
// that ends sooner is returned as it is, for the checksum to refuse.
func readFile(name string) ([]byte, error) {
	fd, err := unix.Open(name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	for err == unix.EINTR {
		fd, err = unix.Open(name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	b := make([]byte, st.Size)
	for off := 0; off < len(b); {
		n, err := unix.Read(fd, b[off:])
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return nil, &fs.PathError{Op: "read", Path: name, Err: err}
		case n == 0:
			return b[:off], nil
		}
		off += n
	}
	return b, nil
}
