package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain makes the test binary double as the site command: scripts run
// "exec site build ..." and get main itself, exit status and all.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"site": main})
}

// TestScripts runs the scripts in testdata/script. Each is a txtar archive
// holding a small site's content/ folder (and any broken files it swaps in).
// Before a script runs, the layouts/ and static/ folders of testdata/site
// are copied into its $WORK, so every script builds with the same minimal
// layouts; a script that needs a different layout copies it over with cp.
//
// Besides testscript's own commands, scripts may use:
//
//	status N prog args...  run prog like exec and require exit status N
//	tree [-hash] dir       list the files under dir (with a SHA-256 each) on stdout
//	image WxH file         write a JPEG (file.jpg) or PNG (file.png) test pattern of that size
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			// Resized images are cached under $WORK, not the user's folder.
			env.Setenv("XDG_CACHE_HOME", filepath.Join(env.WorkDir, ".cache"))
			for _, dir := range []string{"layouts", "static"} {
				if err := os.CopyFS(filepath.Join(env.WorkDir, dir), os.DirFS(filepath.Join("testdata", "site", dir))); err != nil {
					return err
				}
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"status": cmdStatus,
			"tree":   cmdTree,
			"image":  cmdImage,
		},
	})
}

// cmdStatus runs a program as exec does, keeping its stdout and stderr for
// the commands that follow, and fails unless it exits with the given status.
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! status")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: status N prog [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("status: bad exit status %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("status: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}

// cmdTree writes the path of every file under a folder to stdout, one a
// line in lexical order; with -hash, each followed by its SHA-256, so that
// "tree -hash public" before and after a failed build must be equal.
func cmdTree(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! tree")
	}
	hash := len(args) > 0 && args[0] == "-hash"
	if hash {
		args = args[1:]
	}
	if len(args) != 1 {
		ts.Fatalf("usage: tree [-hash] dir")
	}
	root := ts.MkAbs(args[0])
	out := ts.Stdout()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if !hash {
			fmt.Fprintln(out, rel)
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		fmt.Fprintf(out, "%s %s\n", rel, hex.EncodeToString(sum[:]))
		return nil
	})
	ts.Check(err)
}

// cmdImage writes a test image: a pattern that, unlike a flat colour,
// resizes to smaller files, as photos and charts do.
func cmdImage(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: image WxH file.jpg|file.png")
	}
	var w, h int
	if _, err := fmt.Sscanf(args[0], "%dx%d", &w, &h); err != nil {
		ts.Fatalf("image: bad size %q", args[0])
	}
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range m.Pix {
		m.Pix[i] = uint8(i * 7 % 251)
	}
	var b bytes.Buffer
	var err error
	switch filepath.Ext(args[1]) {
	case ".jpg":
		err = jpeg.Encode(&b, m, &jpeg.Options{Quality: 90})
	case ".png":
		err = png.Encode(&b, m)
	default:
		ts.Fatalf("image: %s is neither .jpg nor .png", args[1])
	}
	ts.Check(err)
	name := ts.MkAbs(args[1])
	ts.Check(os.MkdirAll(filepath.Dir(name), 0o755))
	ts.Check(os.WriteFile(name, b.Bytes(), 0o644))
}
