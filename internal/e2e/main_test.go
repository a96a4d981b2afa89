// Package e2e holds the site's end-to-end tests: real Chromium (through
// chromedp) against `site serve` run as a separate process, with the
// function (quiz scoring, booking) mounted in-process, email through Mailpit
// and accessibility checked with axe-core.
//
// The tools are found, not fetched: Chromium at /usr/bin/chromium (or on
// PATH), mailpit on PATH or in $(go env GOPATH)/bin, and axe-core in
// internal/e2e/axe/node_modules (npm ci --prefix internal/e2e/axe). A
// missing tool skips the tests that need it, and fails them when CI=true.
//
// Screenshots and the budget figures go to $E2E_SCREENSHOTS, by default
// <os.TempDir()>/site-e2e-screenshots; the run prints the folder.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

var (
	// repoRoot is the module's root folder (the tests run in internal/e2e).
	repoRoot string
	// siteBin is the site command, built once for the whole run.
	siteBin string
	// artifactsDir receives the screenshots and budgets.txt.
	artifactsDir string
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	repoRoot = root
	artifactsDir = os.Getenv("E2E_SCREENSHOTS")
	if artifactsDir == "" {
		artifactsDir = filepath.Join(os.TempDir(), "site-e2e-screenshots")
	}

	tmp, err := os.MkdirTemp("", "site-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	siteBin = filepath.Join(tmp, "site")
	build := exec.Command("go", "build", "-o", siteBin, "./cmd/site")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build ./cmd/site: %v\n%s", err, out)
		return 1
	}

	code := m.Run()
	if _, err := os.Stat(artifactsDir); err == nil {
		fmt.Printf("e2e: screenshots and budgets.txt are in %s\n", artifactsDir)
	}
	return code
}
