package build

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/cassidine/site/internal/assets"
	"github.com/cassidine/site/internal/theme"
)

// BenchmarkBuildCorpus builds a generated corpus (../shared/bench/gencorpus.py
// -n 1000 -o DIR) named by SITE_BENCH_CORPUS=DIR/content with the site's
// own layouts and static files, with a warm cache folder. cmd/bench
// compares whole builds with Hugo.
func BenchmarkBuildCorpus(b *testing.B) {
	dir := os.Getenv("SITE_BENCH_CORPUS")
	if dir == "" {
		b.Skip("set SITE_BENCH_CORPUS to a generated corpus's content folder (../shared/bench/gencorpus.py)")
	}
	root := filepath.Join("..", "..")
	out := filepath.Join(cmpOr(os.Getenv("SITE_BENCH_OUT"), b.TempDir()), "public")
	o := Options{Sources: theme.Sources{
		Content: os.DirFS(dir), ContentDir: dir,
		Defaults: os.DirFS(filepath.Join(root, "content")), DefaultsDir: "content",
		Layouts: os.DirFS(filepath.Join(root, "layouts")),
		Static:  os.DirFS(filepath.Join(root, "static")),
	}, Out: out}
	// As site build's default -cache does: resized images and share cards
	// made once, in this untimed first build, then read from the folder.
	o.Cache = b.TempDir()
	if _, err := Build(context.Background(), o); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Build(context.Background(), o); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMinifyHTML minifies the site's own pages, as the layouts
// write them, with assets.MinifyHTML and with tdewolff's minifier, whose
// output it matches (TestMinifyHTMLAsReference).
func BenchmarkMinifyHTML(b *testing.B) {
	bl := newBuilder(Options{Sources: theme.FromRoot(os.DirFS(filepath.Join("..", ".."))), Now: goldenNow}.withDefaults())
	if err := bl.load(context.Background()); err != nil {
		b.Fatal(err)
	}
	var pages [][]byte
	size := 0
	for _, j := range bl.jobs() {
		if !j.html {
			continue
		}
		var buf bytes.Buffer
		if err := bl.layouts.Execute(&buf, bl.layoutFor(j.page), theme.Data{Site: bl.site, Page: j.page}); err != nil {
			continue // a list page, which needs its list
		}
		pages = append(pages, buf.Bytes())
		size += buf.Len()
	}
	b.Run("MinifyHTML", func(b *testing.B) {
		b.SetBytes(int64(size))
		var out []byte
		for b.Loop() {
			for _, p := range pages {
				out, _ = assets.MinifyHTML(bl.min, out[:0], p)
			}
		}
	})
	b.Run("tdewolff", func(b *testing.B) {
		b.SetBytes(int64(size))
		for b.Loop() {
			for _, p := range pages {
				if _, err := bl.minify(assets.HTML, p); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
