//go:build !linux

package build

import "errors"

func topDirFlag(string) (bool, error) { return false, errors.ErrUnsupported }
