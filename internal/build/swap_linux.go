package build

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// swapDir puts the finished build tmp in place of out. On Linux the two
// folders are exchanged in one atomic rename, so a server reading out
// never sees it missing or half-written; the old site is then removed.
func swapDir(tmp, out string) error {
	err := unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, out, unix.RENAME_EXCHANGE)
	switch {
	case err == nil:
		return os.RemoveAll(tmp) // tmp now holds the previous site
	case errors.Is(err, unix.ENOENT):
		return os.Rename(tmp, out) // first build: nothing to exchange
	case errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOSYS):
		return swapByRename(tmp, out) // file system without RENAME_EXCHANGE
	}
	return err
}
