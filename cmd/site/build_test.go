package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuildWritesOnlyOut builds a copy of the real site and checks that
// the build added nothing but its output folder and changed no source:
// the function embeds the sources themselves, so nothing is generated for
// it in the tree.
func TestBuildWritesOnlyOut(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"content", "layouts", "static"} {
		if err := os.CopyFS(filepath.Join(dir, d), os.DirFS(filepath.Join("..", "..", d))); err != nil {
			t.Fatal(err)
		}
	}
	before := snapshot(t, dir)
	t.Chdir(dir)
	var out, errOut bytes.Buffer
	if err := run(t.Context(), []string{"build", "-out", "site-out"}, func(string) string { return "" }, nil, &out, &errOut); err != nil {
		t.Fatalf("site build: %v\n%s", err, errOut.String())
	}
	after := snapshot(t, dir)
	for name, sum := range after {
		if strings.HasPrefix(name, "site-out/") {
			continue
		}
		if b, ok := before[name]; !ok {
			t.Errorf("site build wrote %s outside its -out folder", name)
		} else if b != sum {
			t.Errorf("site build changed %s", name)
		}
	}
	if _, ok := after["site-out/index.html"]; !ok {
		t.Error("site build wrote no site-out/index.html")
	}
}

// snapshot maps every file under dir to its content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		m[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}
