//go:build !linux

package build

// spreadChildren is a hint for Linux's ext4 only (see spread_linux.go).
func spreadChildren(string) {}
