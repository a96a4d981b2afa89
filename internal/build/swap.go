package build

import (
	"errors"
	"io/fs"
	"os"
)

// swapByRename moves out aside, tmp into place, and removes the old site.
// Between the two renames out briefly does not exist.
func swapByRename(tmp, out string) error {
	old := tmp + ".old"
	if err := os.Rename(out, old); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return os.Rename(tmp, out)
	}
	if err := os.Rename(tmp, out); err != nil {
		_ = os.Rename(old, out) // put the previous site back
		return err
	}
	return os.RemoveAll(old)
}
