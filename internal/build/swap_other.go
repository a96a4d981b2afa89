//go:build !linux

package build

func swapDir(tmp, out string) error { return swapByRename(tmp, out) }
