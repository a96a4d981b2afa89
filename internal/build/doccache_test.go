package build

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/cassidine/site/internal/theme"
)

// readTree returns every file under dir by slash path.
func readTree(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestMarkdownCache builds the real site and the Hugo blog (shortcodes,
// bundles, raw HTML warnings) with an empty cache folder, then with the
// markdown the first build kept: the second renders no page without
// shortcodes again, and writes the same bytes, and reports the same
// warnings, as the first.
func TestMarkdownCache(t *testing.T) {
	sites := map[string]func(cache string) (*Result, string){
		"real site": func(cache string) (*Result, string) {
			out := filepath.Join(t.TempDir(), "public")
			res, err := Build(context.Background(), Options{Sources: theme.FromRoot(os.DirFS(filepath.Join("..", ".."))), Out: out, Now: goldenNow, Cache: cache})
			if err != nil {
				t.Fatal(err)
			}
			return res, out
		},
		"hugo blog": func(cache string) (*Result, string) { return buildHugoBlog(t, Options{Cache: cache}) },
	}
	for name, build := range sites {
		t.Run(name, func(t *testing.T) {
			cache := t.TempDir()
			cold, coldOut := build(cache)
			warm, warmOut := build(cache)
			if cold.Rendered != 0 || warm.Rendered == 0 {
				t.Fatalf("pages from the cache: %d cold, %d warm; want none, then some", cold.Rendered, warm.Rendered)
			}
			t.Logf("%d pages, %d from the cache", warm.Pages, warm.Rendered)
			a, b := readTree(t, coldOut), readTree(t, warmOut)
			for name, data := range a {
				if !bytes.Equal(data, b[name]) {
					t.Errorf("%s differs after a build from the cache", name)
				}
			}
			if len(a) != len(b) {
				t.Errorf("%d files, then %d", len(a), len(b))
			}
			if !slices.EqualFunc(cold.Warnings, warm.Warnings, func(x, y error) bool { return x.Error() == y.Error() }) {
				t.Errorf("warnings:\ncold %v\nwarm %v", cold.Warnings, warm.Warnings)
			}
		})
	}
}

// TestMarkdownCacheFollowsEdits checks that an edited page is rendered
// again, that a page with a shortcode is never taken from the cache (what
// it shows depends on other pages: here, a ref to a page whose URL
// changes), and that a damaged entry is rendered again rather than shown.
func TestMarkdownCacheFollowsEdits(t *testing.T) {
	content := fstest.MapFS{
		"articles/plain.md":  {Data: []byte("---\ntitle: Plain\ndate: 2026-01-01\ndescription: D.\n---\nFirst words.\n")},
		"articles/linker.md": {Data: []byte("---\ntitle: Linker\ndate: 2026-01-02\ndescription: D.\n---\nSee [it]({{< ref \"target.md\" >}}).\n")},
		"articles/target.md": {Data: []byte("---\ntitle: Target\ndate: 2026-01-03\ndescription: D.\n---\nHere.\n")},
	}
	o := Options{Sources: theme.Sources{Content: content, Layouts: os.DirFS(filepath.Join("..", "..", "layouts")), Static: os.DirFS(filepath.Join("..", "..", "static")), Defaults: os.DirFS(filepath.Join("..", "..", "content"))},
		Out: filepath.Join(t.TempDir(), "public"), Now: goldenNow, Cache: t.TempDir()}
	build := func() *Result {
		t.Helper()
		res, err := Build(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	build()
	if res := build(); res.Rendered != 2 {
		t.Errorf("second build: %d pages from the cache, want 2 (not the one with a shortcode)", res.Rendered)
	}

	content["articles/plain.md"].Data = []byte("---\ntitle: Plain\ndate: 2026-01-01\ndescription: D.\n---\nSecond words.\n")
	content["articles/target.md"].Data = []byte("---\ntitle: Target\ndate: 2026-01-03\ndescription: D.\nslug: moved\n---\nHere.\n")
	if res := build(); res.Rendered != 1 {
		t.Errorf("after editing one page: %d pages from the cache, want 1", res.Rendered)
	}
	if got := readOut(t, o.Out, "articles/plain/index.html"); !bytes.Contains([]byte(got), []byte("Second words.")) {
		t.Errorf("edited page shows the old text:\n%s", got)
	}
	if got := readOut(t, o.Out, "articles/linker/index.html"); !bytes.Contains([]byte(got), []byte(`href="/articles/moved/"`)) {
		t.Errorf("the ref does not follow its target's new URL:\n%s", got)
	}

	// Damage every entry: each is rendered again, and the site is the same.
	before := readTree(t, o.Out)
	entries, _ := filepath.Glob(filepath.Join(o.Cache, "markdown", "*", "*"))
	if len(entries) < 2 {
		t.Fatalf("cache entries %v, want the pages'", entries)
	}
	for _, e := range entries {
		data, _ := os.ReadFile(e)
		data[len(data)-1] ^= 0xff
		os.WriteFile(e, data, 0o644)
	}
	if res := build(); res.Rendered != 0 {
		t.Errorf("damaged entries: %d pages from the cache, want 0", res.Rendered)
	}
	after := readTree(t, o.Out)
	for name, data := range before {
		if !bytes.Equal(data, after[name]) {
			t.Errorf("%s differs after damaged entries", name)
		}
	}
}

// TestMarkdownCachePrunesOtherPrograms checks that a build removes the
// markdown kept by other programs (older site binaries) once unused for a
// month, or beyond the keptOthers used last, and keeps the rest.
func TestMarkdownCachePrunesOtherPrograms(t *testing.T) {
	cache := t.TempDir()
	folder := func(name string, age time.Duration) string {
		dir := filepath.Join(cache, "markdown", name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "entry"), []byte("x"), 0o644)
		used := time.Now().Add(-age)
		os.Chtimes(dir, used, used)
		return dir
	}
	stale := folder("0123456789abcdef", staleAfter+time.Hour)
	recent := folder("1111111111111111", time.Hour)
	yesterday := folder("2222222222222222", 24*time.Hour)
	older := folder("3333333333333333", 48*time.Hour)
	buildHugoBlog(t, Options{Cache: cache})
	for dir, kept := range map[string]bool{stale: false, recent: true, yesterday: true, older: false} {
		if _, err := os.Stat(dir); (err == nil) != kept {
			t.Errorf("%s: kept %v, want %v", filepath.Base(dir), err == nil, kept)
		}
	}
	if own, _ := filepath.Glob(filepath.Join(cache, "markdown", "*", "*")); len(own) < 4 {
		t.Errorf("cache holds %v; want this program's entries beside the two recent folders'", own)
	}
}

// TestMarkdownCacheCountsEarlierBuildsOnly checks that pages sharing their
// text in one build are not counted as taken from the cache, whichever
// renders first: the count says what earlier builds saved.
func TestMarkdownCacheCountsEarlierBuildsOnly(t *testing.T) {
	content := fstest.MapFS{}
	for _, name := range []string{"a", "b", "c", "d", "e", "f"} {
		content["articles/"+name+".md"] = &fstest.MapFile{Data: []byte("---\ntitle: " + name + "\ndate: 2026-01-01\ndescription: D.\n---\nThe same words.\n")}
	}
	o := Options{Sources: theme.Sources{Content: content, Layouts: os.DirFS(filepath.Join("..", "..", "layouts")), Static: os.DirFS(filepath.Join("..", "..", "static")), Defaults: os.DirFS(filepath.Join("..", "..", "content"))},
		Out: filepath.Join(t.TempDir(), "public"), Now: goldenNow, Cache: t.TempDir()}
	res, err := Build(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rendered != 0 {
		t.Errorf("first build: %d pages from the cache, want 0", res.Rendered)
	}
	if res, err = Build(context.Background(), o); err != nil || res.Rendered != 6 {
		t.Errorf("second build: %d pages from the cache (%v), want 6", res.Rendered, err)
	}
}

// TestMarkdownCacheFollowsUnsafe checks that the markup setting is part of
// the key: raw HTML left out, then kept after [markup] unsafe = true,
// with the same text and cache.
func TestMarkdownCacheFollowsUnsafe(t *testing.T) {
	settings := "title = \"T\"\nbaseURL = \"https://example.com/\"\n"
	content := fstest.MapFS{
		"site.toml":       {Data: []byte(settings)},
		"articles/raw.md": {Data: []byte("---\ntitle: Raw\ndate: 2026-01-01\ndescription: D.\n---\nText.\n\n<aside>kept?</aside>\n")},
	}
	o := Options{Sources: theme.Sources{Content: content, Layouts: os.DirFS(filepath.Join("..", "..", "layouts")), Static: os.DirFS(filepath.Join("..", "..", "static")), Defaults: os.DirFS(filepath.Join("..", "..", "content"))},
		Out: filepath.Join(t.TempDir(), "public"), Now: goldenNow, Cache: t.TempDir()}
	for _, unsafe := range []bool{false, true, false} {
		content["site.toml"].Data = []byte(settings)
		if unsafe {
			content["site.toml"].Data = []byte(settings + "[markup]\nunsafe = true\n")
		}
		if _, err := Build(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		if got := readOut(t, o.Out, "articles/raw/index.html"); strings.Contains(got, "<aside>kept?</aside>") != unsafe {
			t.Errorf("unsafe = %v: raw HTML kept %v", unsafe, !unsafe)
		}
	}
}

// TestMarkdownCacheUnwritable checks that a cache folder that cannot keep
// markdown (here its markdown/ is a file) costs speed, not the build: the
// pages are written and one warning says why.
func TestMarkdownCacheUnwritable(t *testing.T) {
	cache := t.TempDir()
	if err := os.WriteFile(filepath.Join(cache, "markdown"), []byte("not a folder"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, out := buildHugoBlog(t, Options{Cache: cache})
	var got []string
	for _, w := range res.Warnings {
		if strings.Contains(w.Error(), "rendered markdown is not kept") {
			got = append(got, w.Error())
		}
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], cache+": warning: ") {
		t.Errorf("warnings about the cache: %q, want one naming %s", got, cache)
	}
	for _, name := range hugoBlogPages {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("%s: not written", name)
		}
	}
}
