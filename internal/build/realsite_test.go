package build

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cassidine/site/internal/images"
	"github.com/cassidine/site/internal/theme"
)

// buildRealSite builds the repository's own content, layouts and static
// folders into a temporary folder.
func buildRealSite(t testing.TB) string {
	t.Helper()
	root := filepath.Join("..", "..")
	out := filepath.Join(t.TempDir(), "public")
	_, err := Build(context.Background(), Options{Sources: theme.FromRoot(os.DirFS(root)), Out: out})
	if err != nil {
		t.Fatalf("building the real site:\n%v", err)
	}
	return out
}

func readOut(t testing.TB, out, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func gzipSize(t testing.TB, data []byte) int {
	t.Helper()
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(data)
	w.Close()
	return buf.Len()
}

const explainer = "articles/what-is-a-fractional-coo/index.html"

// TestRealSite checks the explainer page, the feeds, the sitemap and the
// Netlify files of the site as it ships.
func TestRealSite(t *testing.T) {
	out := buildRealSite(t)
	page := readOut(t, out, explainer)

	for _, want := range []string{
		`<html lang="en-US">`,
		`<title>What Is a Fractional COO? · Cassidine Consulting</title>`,
		`<h1>What Is a Fractional COO?</h1>`,
		`<link rel="canonical" href="https://cassidineconsulting.com/articles/what-is-a-fractional-coo/">`,
		`<meta property="og:type" content="article">`,
		`<meta property="og:image:width" content="1200">`,
		`<meta property="og:image:alt" content="What Is a Fractional COO?">`,
		`<meta name="twitter:card" content="summary_large_image">`,
		`<meta name="description" content="`,
		// The author's words survive, with the typographer's curly quotes.
		`Operations are how strategy becomes reality.`,
		`Theory Reality Gap™`,
		`<h2 id="fractional-coo-vs-consultant"><a class="anchor" href="#fractional-coo-vs-consultant">Fractional COO vs Consultant</a></h2>`,
		`<a href="/book/">Book your session</a>`,
		`href="/quiz/"`, // the call to action
	} {
		if !strings.Contains(page, want) {
			t.Errorf("%s: missing %q", explainer, want)
		}
	}

	// It shares its own card, drawn at build, as a 1200x630 PNG.
	card := regexp.MustCompile(`<meta property="og:image" content="https://cassidineconsulting.com/(assets/cards/what-is-a-fractional-coo\.[0-9a-f]{10}\.png)">`).FindStringSubmatch(page)
	if card == nil {
		t.Fatalf("%s: og:image is not its share card", explainer)
	}
	if w, h, format, err := images.Size([]byte(readOut(t, out, card[1]))); err != nil || w != 1200 || h != 630 || format != images.PNG {
		t.Errorf("%s: %dx%d %s (%v), want a 1200x630 PNG", card[1], w, h, format, err)
	}

	// JSON-LD is an Article with the right headline; no executable script.
	m := regexp.MustCompile(`<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("%s: no JSON-LD", explainer)
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
		t.Fatalf("JSON-LD: %v", err)
	}
	if ld["@type"] != "Article" || ld["headline"] != "What Is a Fractional COO?" {
		t.Errorf("JSON-LD: got type %v headline %v, want Article and the title", ld["@type"], ld["headline"])
	}
	if n := strings.Count(page, "<script"); n != 1 {
		t.Errorf("%s: got %d <script> elements, want only the JSON-LD data block", explainer, n)
	}

	// First round trip: HTML + CSS under 14 KB gzipped.
	css := regexp.MustCompile(`href="(/assets/site\.[0-9a-f]{10}\.css)"`).FindStringSubmatch(page)
	if css == nil {
		t.Fatalf("%s: no fingerprinted stylesheet", explainer)
	}
	cssData, err := os.ReadFile(filepath.Join(out, css[1]))
	if err != nil {
		t.Fatal(err)
	}
	total := gzipSize(t, []byte(page)) + gzipSize(t, cssData)
	t.Logf("explainer HTML + CSS: %d bytes gzipped", total)
	if total > 14*1024 {
		t.Errorf("explainer HTML + CSS is %d bytes gzipped, want at most %d", total, 14*1024)
	}

	// The feed lists the explainer, with its content.
	var feed struct {
		Entries []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Content string `xml:"content"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(readOut(t, out, "feed.xml")), &feed); err != nil {
		t.Fatalf("feed.xml: %v", err)
	}
	if len(feed.Entries) == 0 || feed.Entries[0].ID != "https://cassidineconsulting.com/articles/what-is-a-fractional-coo/" ||
		!strings.Contains(feed.Entries[0].Content, "Operations are how strategy becomes reality.") {
		t.Errorf("feed.xml: want the explainer first with its content, got %+v", feed.Entries)
	}
	var jf struct {
		Items []struct{ URL string } `json:"items"`
	}
	if err := json.Unmarshal([]byte(readOut(t, out, "feed.json")), &jf); err != nil || len(jf.Items) == 0 {
		t.Errorf("feed.json: %v, %d items", err, len(jf.Items))
	}

	// The sitemap lists it with its lastmod.
	sitemap := readOut(t, out, "sitemap.xml")
	if !strings.Contains(sitemap, "<url><loc>https://cassidineconsulting.com/articles/what-is-a-fractional-coo/</loc><lastmod>2026-11-20T09:00:00-05:00</lastmod></url>") {
		t.Errorf("sitemap.xml: explainer missing or without lastmod:\n%s", sitemap)
	}
	// The quiz and the booking page are pages like any other.
	for _, u := range []string{"/quiz/", "/book/"} {
		if !strings.Contains(sitemap, "<url><loc>https://cassidineconsulting.com"+u+"</loc></url>") {
			t.Errorf("sitemap.xml: %s missing:\n%s", u, sitemap)
		}
	}
	if !strings.Contains(readOut(t, out, "robots.txt"), "Sitemap: https://cassidineconsulting.com/sitemap.xml") {
		t.Error("robots.txt does not name the sitemap")
	}

	// Netlify files: security headers, immutable assets, the alias.
	hdr := readOut(t, out, "_headers")
	for _, want := range []string{
		"Content-Security-Policy: default-src 'self'", "frame-ancestors 'none'", "form-action 'self'", "base-uri 'self'",
		"Strict-Transport-Security: max-age=", "X-Content-Type-Options: nosniff", "Referrer-Policy: ", "Permissions-Policy: ",
		"/assets/*\n  Cache-Control: public, max-age=31536000, immutable",
	} {
		if !strings.Contains(hdr, want) {
			t.Errorf("_headers: missing %q", want)
		}
	}
	if strings.Contains(hdr, "unsafe-inline") {
		t.Error("_headers: CSP allows unsafe-inline")
	}
	if !strings.Contains(readOut(t, out, "_redirects"), "/fractional-coo/ /articles/what-is-a-fractional-coo/ 301") {
		t.Error("_redirects: the explainer's alias is missing")
	}
	for _, f := range []string{"index.html", "about/index.html", "services/index.html", "privacy/index.html", "404.html", "tags/fractional-coo/index.html", "favicon.svg", "images/social.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing output: %v", err)
		}
	}
}
