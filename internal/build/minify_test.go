package build

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassidine/site/internal/theme"
)

// TestMinifyHTMLAsReference builds sites with the pages minified by
// assets.MinifyHTML and by tdewolff's minifier, whose output it must
// match byte for byte: the site itself (as published, and with drafts
// and the dev server's additions), the Hugo blog with the site's own
// layouts, and every golden site.
func TestMinifyHTMLAsReference(t *testing.T) {
	real := theme.FromRoot(os.DirFS(filepath.Join("..", "..")))
	blog := real
	blog.Content = hugoBlog(t)
	cases := map[string]Options{
		"site":                  {Sources: real},
		"site with drafts, dev": {Sources: real, Drafts: true, Future: true, Expired: true, Dev: true},
		"hugo blog":             {Sources: blog, Drafts: true, Future: true, Expired: true},
	}
	files, err := filepath.Glob("testdata/golden/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		ar, o := goldenInput(t, file)
		if !hasFile(ar, "errors") {
			cases[file] = o
		}
	}
	for name, o := range cases {
		t.Run(name, func(t *testing.T) {
			o.Now = goldenNow
			fast := buildInto(t, o)
			o.referenceHTML = true
			ref := buildInto(t, o)
			pages := 0
			for name, want := range ref {
				if strings.HasSuffix(name, ".html") {
					pages++
				}
				if got, ok := fast[name]; !ok || !bytes.Equal(got, want) {
					t.Errorf("%s differs from tdewolff's minification:\n%s", name, firstDiff(want, got))
				}
			}
			if len(fast) != len(ref) || pages == 0 {
				t.Errorf("%d files, tdewolff's build %d (%d pages)", len(fast), len(ref), pages)
			}
		})
	}
}

// buildInto builds o and returns every output file by its path.
func buildInto(t *testing.T, o Options) map[string][]byte {
	t.Helper()
	o.Out = filepath.Join(t.TempDir(), "public")
	if _, err := Build(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	err := filepath.WalkDir(o.Out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(o.Out, p)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
