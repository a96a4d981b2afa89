package build

import (
	"context"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"

	"github.com/cassidine/site/internal/theme"
)

// newTestSession builds a small site in memory from the shared golden
// layouts and returns the session and its content, layouts and static
// folders, which the test edits between updates.
func newTestSession(t *testing.T) (*Session, fstest.MapFS, fstest.MapFS, fstest.MapFS) {
	t.Helper()
	shared, err := txtar.ParseFile("testdata/layouts.txtar")
	if err != nil {
		t.Fatal(err)
	}
	lay, static := fstest.MapFS{}, fstest.MapFS{}
	for _, f := range shared.Files {
		dir, name, _ := strings.Cut(f.Name, "/")
		m := map[string]fstest.MapFS{"layouts": lay, "static": static}[dir]
		m[name] = &fstest.MapFile{Data: f.Data}
	}
	cont := fstest.MapFS{
		"site.toml":       {Data: []byte("title = \"S\"\nbaseURL = \"https://example.com/\"\n")},
		"_index.md":       {Data: []byte("---\ntitle: Home\n---\nHi.\n")},
		"about.md":        {Data: []byte("---\ntitle: About\n---\nSee [one](/articles/one/).\n")},
		"articles/one.md": {Data: []byte("---\ntitle: One\ndate: 2026-01-01\ndescription: first\ntags: [a]\n---\nBody one.\n")},
		"articles/two.md": {Data: []byte("---\ntitle: Two\ndate: 2026-01-02\ndescription: second\ntags: [a, b]\n---\nBody two.\n")},
	}
	s := NewSession(Options{Sources: theme.Sources{Content: cont, Layouts: lay, Static: static}, Now: goldenNow})
	if _, err := s.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s, cont, lay, static
}

func file(t *testing.T, s *Session, name string) string {
	t.Helper()
	data, ok := s.File(name)
	if !ok {
		t.Fatalf("%s: not in the site", name)
	}
	return string(data)
}

func apply(t *testing.T, s *Session, changes ...Change) *Update {
	t.Helper()
	u, err := s.Apply(context.Background(), changes)
	if err != nil {
		t.Fatalf("Apply(%v): %v", changes, err)
	}
	return u
}

// cardFile returns the output path of the share card named name
// ("assets/cards/<name>.<hash>.png"); there must be exactly one.
func cardFile(t *testing.T, s *Session, name string) string {
	t.Helper()
	s.mu.RLock()
	defer s.mu.RUnlock()
	var found []string
	for f := range s.files {
		if rest, ok := strings.CutPrefix(f, cardsDir+name+"."); ok && strings.Count(rest, ".") == 1 {
			found = append(found, f)
		}
	}
	if len(found) != 1 {
		t.Fatalf("share cards named %q: got %q, want one", name, found)
	}
	return found[0]
}

func sameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s: got %q, want %q", what, got, want)
	}
}

func TestSessionBodyEdit(t *testing.T) {
	s, cont, _, _ := newTestSession(t)
	cont["articles/one.md"].Data = []byte("---\ntitle: One\ndate: 2026-01-01\ndescription: first\ntags: [a]\n---\nBody edited.\n")
	u := apply(t, s, Change{RootContent, "articles/one.md"})
	// Not the share card: its title and reading time did not change.
	sameSet(t, "written", u.Written, []string{"articles/one/index.html", "feed.xml", "feed.json"})
	if !strings.Contains(file(t, s, "articles/one/index.html"), "Body edited.") {
		t.Error("the page does not show the edit")
	}
	if u.Pages != 1 || u.Full || u.CSSOnly || len(u.Removed) != 0 {
		t.Errorf("got %+v, want one page, not full, nothing removed", u)
	}
}

func TestSessionTitleEdit(t *testing.T) {
	s, cont, _, _ := newTestSession(t)
	oldCard, otherCard := cardFile(t, s, "one"), cardFile(t, s, "two")
	cont["articles/one.md"].Data = []byte("---\ntitle: One renamed\ndate: 2026-01-01\ndescription: first\ntags: [a]\n---\nBody one.\n")
	u := apply(t, s, Change{RootContent, "articles/one.md"})
	// Its share card alone is drawn again, under a new name the page
	// names; the old one is gone.
	newCard := cardFile(t, s, "one")
	var cards []string
	for _, f := range u.Written {
		if strings.HasPrefix(f, cardsDir) {
			cards = append(cards, f)
		}
	}
	sameSet(t, "cards written", cards, []string{newCard})
	sameSet(t, "removed", u.Removed, []string{oldCard})
	if newCard == oldCard || !strings.Contains(file(t, s, "articles/one/index.html"), newCard) || cardFile(t, s, "two") != otherCard {
		t.Errorf("new card %s (was %s): want a new name, named by the page, the other card kept", newCard, oldCard)
	}
	for _, want := range []string{"articles/one/index.html", "articles/index.html", "index.html", "tags/a/index.html", "tags/index.html", "feed.xml", "sitemap.xml", "_redirects"} {
		if !slices.Contains(u.Written, want) {
			t.Errorf("title edit did not rewrite %s (wrote %q)", want, u.Written)
		}
	}
	if slices.Contains(u.Written, "articles/two/index.html") || slices.Contains(u.Written, "about/index.html") {
		t.Errorf("title edit rewrote unaffected pages: %q", u.Written)
	}
	if !strings.Contains(file(t, s, "articles/index.html"), "One renamed") {
		t.Error("the list does not show the new title")
	}
}

func TestSessionDeleteAndRename(t *testing.T) {
	s, cont, _, _ := newTestSession(t)
	cont["articles/three.md"] = cont["articles/two.md"]
	delete(cont, "articles/two.md")
	oldCard := cardFile(t, s, "two")
	u := apply(t, s, Change{RootContent, "articles/two.md"}, Change{RootContent, "articles/three.md"})
	sameSet(t, "removed", u.Removed, []string{"articles/two/index.html", oldCard})
	if _, ok := s.File("articles/three/index.html"); !ok {
		t.Error("renamed article's new page missing")
	}
	if strings.Contains(file(t, s, "articles/index.html"), "/articles/two/") {
		t.Error("the list still links to the old URL")
	}
}

func TestSessionLayoutEdit(t *testing.T) {
	s, _, lay, _ := newTestSession(t)
	lay["article.html"].Data = []byte(`{{define "main"}}<h1 class="changed">{{.Page.Title}}</h1>{{.Page.Content}}{{end}}`)
	u := apply(t, s, Change{RootLayouts, "article.html"})
	sameSet(t, "written", u.Written, []string{"articles/one/index.html", "articles/two/index.html"})
	if !strings.Contains(file(t, s, "articles/two/index.html"), `class="changed"`) {
		t.Error("article pages do not use the edited layout")
	}

	lay["base.html"].Data = []byte(strings.Replace(string(lay["base.html"].Data), "<main>", `<main class="base-changed">`, 1))
	u = apply(t, s, Change{RootLayouts, "base.html"})
	if u.Pages < 8 || !strings.Contains(file(t, s, "about/index.html"), "base-changed") {
		t.Errorf("a base.html edit re-rendered %d pages; want every page", u.Pages)
	}
}

func TestSessionCSSEdit(t *testing.T) {
	s, _, _, static := newTestSession(t)
	before := file(t, s, "index.html")
	static["css/site.css"].Data = []byte("body { color: blue; }")
	u := apply(t, s, Change{RootStatic, "css/site.css"})
	if !u.CSSOnly || len(u.CSS) != 1 {
		t.Fatalf("got CSSOnly %v CSS %q, want a CSS-only update with the new URL", u.CSSOnly, u.CSS)
	}
	if css := file(t, s, strings.TrimPrefix(u.CSS[0], "/")); css != "body{color:blue}" {
		t.Errorf("new stylesheet: got %q", css)
	}
	if after := file(t, s, "index.html"); after == before || !strings.Contains(after, u.CSS[0]) {
		t.Error("pages do not link the new stylesheet")
	}
	if len(u.Removed) != 1 || !strings.HasPrefix(u.Removed[0], "assets/site.") {
		t.Errorf("removed %q, want the old stylesheet", u.Removed)
	}
}

func TestSessionErrorKeepsLastGood(t *testing.T) {
	s, cont, _, _ := newTestSession(t)
	good := file(t, s, "articles/one/index.html")
	cont["articles/one.md"].Data = []byte("---\ntitle: [broken\n---\n")
	_, err := s.Apply(context.Background(), []Change{{RootContent, "articles/one.md"}})
	if err == nil || !strings.HasPrefix(err.Error(), "content/articles/one.md:3: front matter: invalid YAML") {
		t.Fatalf("got %v, want a file:line error", err)
	}
	if got := file(t, s, "articles/one/index.html"); got != good {
		t.Error("a failed update changed the served page")
	}
	// A link elsewhere to the broken page is not reported as well.
	if strings.Count(err.Error(), "\n") != 0 {
		t.Errorf("got several errors, want only the front matter one:\n%v", err)
	}
	cont["articles/one.md"].Data = []byte("---\ntitle: One fixed\ndate: 2026-01-01\ndescription: first\n---\nFixed.\n")
	apply(t, s, Change{RootContent, "articles/one.md"})
	if !strings.Contains(file(t, s, "articles/one/index.html"), "Fixed.") {
		t.Error("the fix is not served")
	}
}

func TestSessionSiteTOMLRebuildsAll(t *testing.T) {
	s, cont, _, _ := newTestSession(t)
	cont["site.toml"].Data = []byte("title = \"Renamed\"\nbaseURL = \"https://example.com/\"\n")
	u := apply(t, s, Change{RootContent, "site.toml"})
	if !u.Full || !strings.Contains(file(t, s, "about/index.html"), "Renamed") {
		t.Errorf("got %+v, want a full rebuild with the new title", u)
	}
}

func TestSessionAnchorRemovedElsewhere(t *testing.T) {
	s, cont, _, _ := newTestSession(t)
	cont["articles/two.md"].Data = []byte("---\ntitle: Two\ndate: 2026-01-02\ndescription: second\ntags: [a, b]\n---\n## Section\n\nBody two.\n")
	cont["about.md"].Data = []byte("---\ntitle: About\n---\nSee [the section](/articles/two/#section).\n")
	apply(t, s, Change{RootContent, "articles/two.md"}, Change{RootContent, "about.md"})
	// Removing the heading breaks the link in about.md, which did not change.
	cont["articles/two.md"].Data = []byte("---\ntitle: Two\ndate: 2026-01-02\ndescription: second\ntags: [a, b]\n---\nNo sections now.\n")
	_, err := s.Apply(context.Background(), []Change{{RootContent, "articles/two.md"}})
	if err == nil || !strings.Contains(err.Error(), "content/about.md:4: broken link") {
		t.Errorf("got %v, want the broken link in about.md", err)
	}
}

func TestSessionBundles(t *testing.T) {
	s, cont, _, _ := newTestSession(t)
	cont["articles/chart/index.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Chart\ndate: 2026-01-03\ndescription: A bundle.\n---\n![The chart](chart.jpg)\n")}
	cont["articles/chart/chart.jpg"] = &fstest.MapFile{Data: testImage(t, []byte("!image 600x300 jpeg"))}

	// A new page changes the content's shape: everything is rebuilt.
	u := apply(t, s, Change{RootContent, "articles/chart/index.md"}, Change{RootContent, "articles/chart/chart.jpg"})
	if !u.Full {
		t.Errorf("a new bundle: got %+v, want a full rebuild", u)
	}
	if !strings.Contains(file(t, s, "articles/chart/index.html"), `width="600" height="300"`) {
		t.Error("the bundle's image has no size")
	}
	if _, ok := s.File("articles/chart/chart-480w.jpg"); !ok {
		t.Error("the bundle's image has no resized copy")
	}

	// A body edit re-renders the page, its image sized again.
	cont["articles/chart/index.md"].Data = []byte("---\ntitle: Chart\ndate: 2026-01-03\ndescription: A bundle.\n---\nEdited. ![The chart](chart.jpg)\n")
	u = apply(t, s, Change{RootContent, "articles/chart/index.md"})
	if u.Full || !slices.Contains(u.Written, "articles/chart/index.html") {
		t.Errorf("a body edit: got %+v, want the page re-rendered alone", u)
	}
	if page := file(t, s, "articles/chart/index.html"); !strings.Contains(page, "Edited.") || !strings.Contains(page, `width="600"`) {
		t.Errorf("the edited page: %s", page)
	}

	// A new image in the bundle: everything, since pages show its size.
	cont["articles/chart/chart.jpg"].Data = testImage(t, []byte("!image 500x100 jpeg"))
	u = apply(t, s, Change{RootContent, "articles/chart/chart.jpg"})
	if !u.Full || !strings.Contains(file(t, s, "articles/chart/index.html"), `width="500" height="100"`) {
		t.Errorf("an image edit: got %+v, want a full rebuild with the new size", u)
	}

	// A slug edit moves the bundle's files too.
	cont["articles/chart/index.md"].Data = []byte("---\ntitle: Chart\ndate: 2026-01-03\ndescription: A bundle.\nslug: graph\n---\n![The chart](chart.jpg)\n")
	apply(t, s, Change{RootContent, "articles/chart/index.md"})
	if _, ok := s.File("articles/graph/chart.jpg"); !ok {
		t.Error("after a slug edit, the bundle's image is not beside the page")
	}
	if _, ok := s.File("articles/chart/chart.jpg"); ok {
		t.Error("after a slug edit, the bundle's image is still at the old URL")
	}
}

func TestSessionShortcodeEditRebuildsAll(t *testing.T) {
	s, cont, lay, _ := newTestSession(t)
	lay["shortcodes/note.html"] = &fstest.MapFile{Data: []byte(`<aside>{{ .Get 0 }}</aside>`)}
	cont["about.md"].Data = []byte("---\ntitle: About\n---\n{{< note \"first\" >}}\n")
	u := apply(t, s, Change{RootLayouts, "shortcodes/note.html"}, Change{RootContent, "about.md"})
	if !u.Full || !strings.Contains(file(t, s, "about/index.html"), "<aside>first</aside>") {
		t.Errorf("got %+v, want a full rebuild showing the shortcode", u)
	}
	lay["shortcodes/note.html"].Data = []byte(`<aside class="changed">{{ .Get 0 }}</aside>`)
	u = apply(t, s, Change{RootLayouts, "shortcodes/note.html"})
	if !u.Full || !strings.Contains(file(t, s, "about/index.html"), `<aside class="changed">first</aside>`) {
		t.Errorf("got %+v, want a full rebuild with the edited shortcode", u)
	}
}
