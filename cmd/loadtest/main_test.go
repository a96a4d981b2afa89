package main

import (
	"io"
	"os"
	"strings"
	"testing"
)

// TestRun drives the real handler for a second in each mode, so that a
// change to how it is built (newHandler) or to its forms that breaks the
// load tests shows here. It asserts nothing about speed.
func TestRun(t *testing.T) {
	t.Chdir("../..") // the handler reads content/, layouts/ and static/
	for _, mode := range []string{"quiz", "book"} {
		t.Run(mode, func(t *testing.T) {
			if mode == "book" && os.Getenv("TEST_DATABASE_URL") == "" {
				if os.Getenv("CI") == "true" {
					t.Fatal("CI=true but TEST_DATABASE_URL is unset")
				}
				t.Skip("set TEST_DATABASE_URL=postgres://... (on this machine) to run the booking load test")
			}
			var out strings.Builder
			args := []string{"-mode", mode, "-rate", "50", "-duration", "1s", "-rounds", "0"}
			if err := run(t.Context(), args, os.Getenv, &out, io.Discard); err != nil {
				t.Fatalf("loadtest %s: %v\n%s", strings.Join(args, " "), err, out.String())
			}
		})
	}
}
