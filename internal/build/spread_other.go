//go:build !linux

package build

import "errors"

// spreadChildren is a hint for Linux's ext4 only (see spread_linux.go).
func spreadChildren(string) {}

func topDirFlag(string) (bool, error) { return false, errors.ErrUnsupported }
