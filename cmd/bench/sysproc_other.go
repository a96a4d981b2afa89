//go:build !linux

package main

import "syscall"

// childAttr puts a server in its own process group, so a Ctrl+C reaches
// only the bench, which then stops the server.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
