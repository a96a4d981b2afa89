package build

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/net/html"

	"github.com/cassidine/site/internal/card"
	"github.com/cassidine/site/internal/headers"
	"github.com/cassidine/site/internal/theme"
)

// cardSite is a small site built with the repository's own layouts and
// static files (so head.html's tags are the real ones) and quiz, over
// articles covering each choice of shared image.
func cardSite(t testing.TB, extra map[string]string) Options {
	t.Helper()
	root := filepath.Join("..", "..")
	quizTOML, err := os.ReadFile(filepath.Join(root, "content", "quiz.toml"))
	if err != nil {
		t.Fatal(err)
	}
	// The quiz's advice links to pages this site does not have.
	quizTOML = regexp.MustCompile(`(?m)^articles = .*$`).ReplaceAll(quizTOML, []byte(`articles = ["/about/"]`))
	cont := fstest.MapFS{
		"site.toml": {Data: []byte(`title = "Cassidine Consulting"
baseURL = "https://example.com/"
description = "Fractional COO leadership for growing companies."
image = "/images/social.png"
`)},
		"quiz.toml": {Data: quizTOML},
		"_index.md": {Data: []byte("---\ntitle: Home\n---\nWelcome.\n")},
		"about.md":  {Data: []byte("---\ntitle: About\ndescription: Who we are.\n---\nAbout us.\n")},
		// No image: the card.
		"articles/plain.md": {Data: []byte("---\ntitle: Hiring Your First COO\ndate: 2026-01-01\ndescription: When and how.\n---\nBody.\n")},
		// Only an image in the body: still the card, not the chart.
		"articles/chart/index.md":  {Data: []byte("---\ntitle: A Chart Post\ndate: 2026-01-02\ndescription: With a chart.\n---\n![Costs by month](chart.png)\n")},
		"articles/chart/chart.png": {Data: testImage(t, []byte("!image 900x500 png"))},
		// Its own image, shown in the body with alt text: that image.
		"articles/photo/index.md":  {Data: []byte("---\ntitle: A Photo Post\ndate: 2026-01-03\ndescription: With a cover.\nimage: cover.png\n---\n![The team at work](cover.png)\n")},
		"articles/photo/cover.png": {Data: testImage(t, []byte("!image 800x420 png"))},
		// Its own image on another site: its URL alone.
		"articles/remote.md": {Data: []byte("---\ntitle: A Remote Image\ndate: 2026-01-04\ndescription: Elsewhere.\nimages: [\"https://cdn.example.org/x.jpg\"]\n---\nBody.\n")},
	}
	for name, data := range extra {
		cont[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return Options{
		Sources: theme.Sources{Content: cont, Layouts: os.DirFS(filepath.Join(root, "layouts")), Static: os.DirFS(filepath.Join(root, "static"))},
		Out:     filepath.Join(t.TempDir(), "public"),
		Now:     goldenNow,
		Workers: 2,
	}
}

// metaTags returns a page's <meta property|name=... content=...> values.
func metaTags(t testing.TB, page []byte) map[string]string {
	t.Helper()
	m := map[string]string{}
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return m
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			if tok.Data != "meta" {
				continue
			}
			var key, val string
			for _, a := range tok.Attr {
				switch a.Key {
				case "property", "name":
					key = a.Val
				case "content":
					val = a.Val
				}
			}
			if _, dup := m[key]; dup {
				t.Errorf("two <meta> %s", key)
			}
			m[key] = val
		}
	}
}

// shared is what a page says it shares.
type shared struct{ image, typ, width, height, alt, twitter, twitterAlt string }

func sharedOf(t testing.TB, out, page string) shared {
	t.Helper()
	m := metaTags(t, []byte(readOut(t, out, page)))
	return shared{m["og:image"], m["og:image:type"], m["og:image:width"], m["og:image:height"], m["og:image:alt"], m["twitter:image"], m["twitter:image:alt"]}
}

var cardURLRE = regexp.MustCompile(`^https://example\.com/(assets/cards/([a-z0-9-]+)\.[0-9a-f]{10}\.png)$`)

// checkCard checks that a page shares its own 1200x630 card, named after
// it, and returns the card's output path.
func checkCard(t testing.TB, out, page, name, alt string) string {
	t.Helper()
	got := sharedOf(t, out, page)
	m := cardURLRE.FindStringSubmatch(got.image)
	if m == nil || m[2] != name {
		t.Fatalf("%s: og:image %q, want https://example.com/assets/cards/%s.<hash>.png", page, got.image, name)
	}
	want := shared{got.image, "image/png", "1200", "630", alt, got.image, alt}
	if got != want {
		t.Errorf("%s shares\n%+v, want\n%+v", page, got, want)
	}
	data, err := os.ReadFile(filepath.Join(out, m[1]))
	if err != nil {
		t.Fatalf("%s: its card: %v", page, err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width != card.Width || cfg.Height != card.Height {
		t.Errorf("%s: its card %s: %dx%d (%v), want a 1200x630 PNG", page, m[1], cfg.Width, cfg.Height, err)
	}
	return m[1]
}

// TestShareCards checks the image each kind of page shares: its own card
// for articles without an image of their own, the home page and the quiz;
// an article's own image, with its real size when the site has the file;
// the site's image elsewhere. Every URL is absolute, and cards are cached
// for good (they are named by what they show).
func TestShareCards(t *testing.T) {
	o := cardSite(t, nil)
	res, err := Build(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	out := o.Out
	cards := map[string]bool{}
	for _, c := range []struct{ page, name, alt string }{
		{"articles/plain/index.html", "plain", "Hiring Your First COO"},
		{"articles/chart/index.html", "chart", "A Chart Post"}, // the card, not the chart in its body
		{"index.html", "home", "Fractional COO leadership for growing companies."},
		{"quiz/index.html", "quiz", "Is your organization built to deliver?"},
	} {
		cards[checkCard(t, out, c.page, c.name, c.alt)] = true
	}
	if len(cards) != 4 || res.Cards.Drawn != 4 {
		t.Errorf("got %d card files, %d drawn; want 4 each", len(cards), res.Cards.Drawn)
	}
	// Each card shows its own page: different pages, different cards.
	seen := map[string]string{}
	for c := range cards {
		data, _ := os.ReadFile(filepath.Join(out, c))
		if other, ok := seen[string(data)]; ok {
			t.Errorf("%s and %s are the same image", c, other)
		}
		seen[string(data)] = c
	}

	for _, c := range []struct {
		page string
		want shared
	}{
		// Its own image wins, with its size and the alt text the body gives it.
		{"articles/photo/index.html", shared{"https://example.com/articles/photo/cover.png", "image/png", "800", "420", "The team at work",
			"https://example.com/articles/photo/cover.png", "The team at work"}},
		// Another site's image: nothing more is claimed of it; the title stands for what it shows.
		{"articles/remote/index.html", shared{"https://cdn.example.org/x.jpg", "", "", "", "A Remote Image", "https://cdn.example.org/x.jpg", "A Remote Image"}},
		// Other pages share site.toml's image, sized from static/.
		{"about/index.html", shared{"https://example.com/images/social.png", "image/png", "1200", "630", "Cassidine Consulting",
			"https://example.com/images/social.png", "Cassidine Consulting"}},
		{"tags/index.html", shared{"https://example.com/images/social.png", "image/png", "1200", "630", "Cassidine Consulting",
			"https://example.com/images/social.png", "Cassidine Consulting"}},
	} {
		if got := sharedOf(t, out, c.page); got != c.want {
			t.Errorf("%s shares\n%+v, want\n%+v", c.page, got, c.want)
		}
	}
	if entries, _ := os.ReadDir(filepath.Join(out, "assets", "cards")); len(entries) != 4 {
		t.Errorf("assets/cards holds %d files, want the 4 cards", len(entries))
	}

	// Cards live under /assets/, which _headers caches for good.
	if !strings.Contains(readOut(t, out, "_headers"), "/assets/*\n  Cache-Control: "+headers.CacheImmutable+"\n") {
		t.Error("_headers: /assets/* is not cached as immutable")
	}
	if !strings.Contains(res.Summary("public"), ", 4 share cards (0 from the cache) in ") {
		t.Errorf("summary: %s", res.Summary("public"))
	}
}

// TestShareCardCache checks that a second build with the same cache
// folder draws no card, and that a title edit draws that card alone,
// under a new name.
func TestShareCardCache(t *testing.T) {
	o := cardSite(t, nil)
	o.Cache = t.TempDir()
	first, err := Build(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	before := checkCard(t, o.Out, "articles/plain/index.html", "plain", "Hiring Your First COO")
	second, err := Build(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if first.Cards != (card.Stats{Drawn: 4}) || second.Cards != (card.Stats{CacheHits: 4}) {
		t.Errorf("first build %+v, second %+v: want 4 drawn, then 4 from the cache", first.Cards, second.Cards)
	}
	files, _ := filepath.Glob(filepath.Join(o.Cache, "cards", "*"))
	if len(files) != 4 {
		t.Errorf("the cache folder's cards/ holds %d files, want 4", len(files))
	}
	// The site's card is the cache's file, linked: no copy written.
	published, err := os.Stat(filepath.Join(o.Out, before))
	if err != nil {
		t.Fatal(err)
	}
	linked := slices.ContainsFunc(files, func(f string) bool {
		fi, err := os.Stat(f)
		return err == nil && os.SameFile(fi, published)
	})
	if !linked || published.Mode().Perm() != 0o644 {
		t.Errorf("%s: a link to the cache's card %v, mode %v; want a link, 0644", before, linked, published.Mode())
	}

	o.Content.(fstest.MapFS)["articles/plain.md"].Data = []byte("---\ntitle: Hiring Your First COO, Revisited\ndate: 2026-01-01\ndescription: When and how.\n---\nBody.\n")
	third, err := Build(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if third.Cards != (card.Stats{Drawn: 1, CacheHits: 3}) {
		t.Errorf("after a title edit: %+v, want 1 drawn, 3 from the cache", third.Cards)
	}
	if after := checkCard(t, o.Out, "articles/plain/index.html", "plain", "Hiring Your First COO, Revisited"); after == before {
		t.Errorf("the edited title's card kept its name %s: LinkedIn would show the old one", after)
	}
}

// TestShareCardSessionReuse checks that a session's full rebuild (a new
// article, here) takes the cards it holds rather than drawing them again,
// even with no cache folder.
func TestShareCardSessionReuse(t *testing.T) {
	o := cardSite(t, nil)
	s := NewSession(o)
	if _, err := s.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	o.Content.(fstest.MapFS)["articles/new.md"] = &fstest.MapFile{Data: []byte("---\ntitle: New\ndate: 2026-01-05\ndescription: New.\n---\nNew.\n")}
	u, err := s.Apply(context.Background(), []Change{{RootContent, "articles/new.md"}})
	if err != nil {
		t.Fatal(err)
	}
	if !u.Full {
		t.Fatalf("a new article: got %+v, want a full rebuild", u)
	}
	if got := s.b.cards.Stats(); got.Drawn != 1 {
		t.Errorf("the rebuild drew %d cards, want 1, the new article's", got.Drawn)
	}
	cardFile(t, s, "new")
}

// TestShareCardWarnings checks that characters the cards' font lacks are
// warned about at the line that writes them, only where a card is drawn,
// and that an SVG of a page's own is too, as social sites do not show it.
func TestShareCardWarnings(t *testing.T) {
	o := cardSite(t, map[string]string{
		"articles/rocket.md": "---\ntitle: Scaling 🚀 Operations 成長\ndate: 2026-01-06\ndescription: Fast.\n---\nBody.\n",
		"articles/own.md":    "---\ntitle: Own Image 🚀\ndate: 2026-01-07\ndescription: Own.\nimage: /images/social.png\n---\nBody.\n",
		"articles/vector.md": "---\ntitle: Vector\ndate: 2026-01-08\ndescription: SVG.\nimage: /images/hero.svg\n---\nBody.\n",
	})
	res, err := Build(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range res.Warnings {
		got = append(got, w.Error())
	}
	want := []string{
		`content/articles/rocket.md:2: warning: title: the share card leaves out "🚀", "成", "長", which its font (Go) cannot draw: reword it, or give the page its own image`,
		`content/articles/vector.md:5: warning: front matter: image: LinkedIn, Facebook and X do not show SVG images: give a PNG or JPEG (or remove it to share the generated card)`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The card is drawn all the same, without them.
	checkCard(t, o.Out, "articles/rocket/index.html", "rocket", "Scaling 🚀 Operations 成長")
}

// TestShareCardWarningsSiteAndQuiz checks the lines named for the home
// page's card (site.toml's description), the site's name on every card,
// and the quiz's title.
func TestShareCardWarningsSiteAndQuiz(t *testing.T) {
	o := cardSite(t, nil)
	cont := o.Content.(fstest.MapFS)
	cont["site.toml"].Data = []byte("title = \"Cassidine ✓\"\nbaseURL = \"https://example.com/\"\n\ndescription = \"Ops ⚙ for growth.\"\n")
	q := string(cont["quiz.toml"].Data)
	cont["quiz.toml"].Data = []byte(strings.Replace(q, `title = "Is your organization built to deliver?"`, `title = "Built to deliver? 🚀"`, 1))
	res, err := Build(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range res.Warnings {
		got = append(got, w.Error())
	}
	quizLine := 1 + strings.Count(q[:strings.Index(q, "\ntitle = ")+1], "\n")
	want := []string{
		fmt.Sprintf(`content/quiz.toml:%d: warning: title: the share card leaves out "🚀", which its font (Go) cannot draw: reword it, or give the page its own image`, quizLine),
		`content/site.toml:1: warning: title: the share cards leave out "✓", which their font (Go) cannot draw`,
		`content/site.toml:4: warning: description: the share card leaves out "⚙", which its font (Go) cannot draw: reword it, or give the page its own image`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
