package e2e

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// The page-weight budgets, in gzipped bytes.
const (
	articleBudget = 14 * 1024 // an article's HTML and its CSS: the first round trip
	scriptBudget  = 6 * 1024  // each of the quiz and booking scripts
)

func gzipSize(t testing.TB, data []byte) int {
	t.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(data)
	zw.Close()
	return buf.Len()
}

type pageRefs struct {
	styles  []string // stylesheet hrefs
	scripts []string // every <script>, as "type src"
	srcs    []string // the src of every script that is not JSON-LD
}

func readRefs(t testing.TB, data []byte) pageRefs {
	t.Helper()
	var refs pageRefs
	z := html.NewTokenizer(bytes.NewReader(data))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return refs
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			attr := map[string]string{}
			for _, a := range tok.Attr {
				attr[a.Key] = a.Val
			}
			switch tok.Data {
			case "link":
				if strings.EqualFold(attr["rel"], "stylesheet") {
					refs.styles = append(refs.styles, attr["href"])
				}
			case "script":
				refs.scripts = append(refs.scripts, strings.TrimSpace(attr["type"]+" "+attr["src"]))
				if attr["type"] != "application/ld+json" {
					refs.srcs = append(refs.srcs, attr["src"])
				}
			}
		}
	}
}

// TestBudgets builds the site as for production and checks the page-weight
// budgets: each article's HTML plus its CSS in 14 KB gzipped with no script
// but JSON-LD, and the quiz and booking scripts in 6 KB gzipped each. The
// figures go to the log and to budgets.txt beside the screenshots.
func TestBudgets(t *testing.T) {
	t.Parallel()
	dir := newSite(t)
	public := filepath.Join(t.TempDir(), "public")
	runSite(t, dir, "build", "-out", public, "-quiet")
	read := func(p string) []byte {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(public, filepath.FromSlash(strings.TrimPrefix(p, "/"))))
		if err != nil {
			t.Fatalf("the built site: %v", err)
		}
		return data
	}
	var report strings.Builder
	line := func(format string, args ...any) {
		s := fmt.Sprintf(format, args...)
		t.Log(s)
		report.WriteString(s + "\n")
	}
	line("page-weight budgets (gzip -6), site build of %s", repoRoot)

	articles, _ := filepath.Glob(filepath.Join(public, "articles", "*", "index.html"))
	var n int
	for _, f := range articles {
		rel, _ := filepath.Rel(public, f)
		page := "/" + filepath.ToSlash(filepath.Dir(rel)) + "/"
		if page == "/articles/page/" {
			continue
		}
		n++
		data := read(filepath.ToSlash(rel))
		refs := readRefs(t, data)
		total := gzipSize(t, data)
		parts := []string{fmt.Sprintf("HTML %d B (%d raw)", total, len(data))}
		for _, href := range refs.styles {
			css := read(href)
			gz := gzipSize(t, css)
			total += gz
			parts = append(parts, fmt.Sprintf("%s %d B (%d raw)", href, gz, len(css)))
		}
		verdict := "ok"
		if total > articleBudget {
			verdict = "OVER"
			t.Errorf("%s: HTML + CSS is %d bytes gzipped, over the budget of %d", page, total, articleBudget)
		}
		line("article %s: %d of %d B gzipped, %s: %s", page, total, articleBudget, verdict, strings.Join(parts, " + "))
		for _, s := range refs.srcs {
			t.Errorf("%s: has a <script> other than JSON-LD: %q", page, s)
		}
		if len(refs.srcs) == 0 {
			line("article %s: scripts %v: JSON-LD only, ok", page, refs.scripts)
		}
	}
	if n == 0 {
		t.Fatal("the build has no article pages")
	}

	for _, page := range []string{"/quiz/", "/book/"} {
		refs := readRefs(t, read(page+"index.html"))
		if len(refs.srcs) != 1 {
			t.Errorf("%s: got scripts %q, want exactly one", page, refs.srcs)
			continue
		}
		js := read(refs.srcs[0])
		gz := gzipSize(t, js)
		verdict := "ok"
		if gz > scriptBudget {
			verdict = "OVER"
			t.Errorf("%s: %s is %d bytes gzipped, over the budget of %d", page, refs.srcs[0], gz, scriptBudget)
		}
		line("script of %s: %s %d of %d B gzipped (%d raw), %s", page, refs.srcs[0], gz, scriptBudget, len(js), verdict)
	}

	if err := os.MkdirAll(artifactsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(artifactsDir, "budgets.txt")
	if err := os.WriteFile(file, []byte(report.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("budget figures written to %s", file)
}
