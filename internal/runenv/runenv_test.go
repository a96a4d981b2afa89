package runenv

import (
	"os"
	"path/filepath"
	"testing"
)

func TestShellQuote(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{[]string{"hugo", "--minify", "--quiet", "-d", "public"}, "hugo --minify --quiet -d public"},
		{[]string{"/tmp/site-bench/1000/site", "-out", "a b"}, "/tmp/site-bench/1000/site -out 'a b'"},
		{[]string{""}, "''"},
		{[]string{"it's"}, `'it'\''s'`},
		{[]string{"$HOME"}, "'$HOME'"},
	}
	for _, tt := range tests {
		if got := ShellQuote(tt.in...); got != tt.want {
			t.Errorf("shellQuote(%q): got %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestTempDir(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"TMPDIR": "/scratch"}, "/scratch"},
		{map[string]string{}, "/tmp"},
	}
	for _, tt := range tests {
		getenv := func(k string) string { return tt.env[k] }
		if got := TempDir(getenv); got != tt.want {
			t.Errorf("tempDir(%v): got %q, want %q", tt.env, got, tt.want)
		}
	}
}

func TestModuleRoot(t *testing.T) {
	root := t.TempDir()
	sub := filepath.Join(root, "cmd", "bench")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{root, sub} {
		got, err := ModuleRoot(dir)
		if err != nil || got != root {
			t.Errorf("findModuleRoot(%q): got %q, %v, want %q, nil", dir, got, err, root)
		}
	}
}
