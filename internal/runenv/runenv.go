// Package runenv provides what the benchmark programs (cmd/bench,
// cmd/loadtest) need to know about where they run: the module root they
// were started in, the temporary directory, and a shell-quoted command line
// that repeats the run.
package runenv

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ModuleRoot returns the nearest directory at or above dir holding go.mod.
func ModuleRoot(dir string) (string, error) {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no go.mod at or above %s: run from the repository root", dir)
		}
		d = parent
	}
}

// TempDir is $TMPDIR, or /tmp when unset.
func TempDir(getenv func(string) string) string {
	if d := getenv("TMPDIR"); d != "" {
		return d
	}
	return "/tmp"
}

// ShellQuote joins args into a line a POSIX shell would split back into args.
func ShellQuote(args ...string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%") == "" {
			q[i] = a
			continue
		}
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}
