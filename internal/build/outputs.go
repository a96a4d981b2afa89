package build

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cassidine/site/internal/assets"
	"github.com/cassidine/site/internal/content"
)

// feedSize is how many of the newest articles the feeds carry.
const feedSize = 20

func (b *builder) feedArticles() []*Page {
	a := b.site.Articles
	return a[:min(len(a), feedSize)]
}

// updated is the newest lastmod among articles, or the build time.
func (b *builder) updated(list []*Page) time.Time {
	if t := lastmod(list); !t.IsZero() {
		return t
	}
	return b.o.Now
}

// lastmod is the newest lastmod among list, or zero.
func lastmod(list []*Page) time.Time {
	var t time.Time
	for _, p := range list {
		if p.Lastmod.After(t) {
			t = p.Lastmod
		}
	}
	return t
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Base    string      `xml:"xml:base,attr"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Sub     string      `xml:"subtitle,omitempty"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

// feedContent is a page's content for a feed: every link and image
// absolute, since a feed reader resolves them against the feed, if at all.
func feedContent(p *Page) (string, error) {
	html, err := absolutize([]byte(p.Content), p.Permalink)
	return string(html), err
}

// terms lists a page's tags, then its categories not already among them.
func terms(p *Page) []string {
	out := slices.Clone(p.Tags)
	for _, c := range p.Categories {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Authors    []atomPerson   `xml:"author"`
	Link       atomLink       `xml:"link"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Summary    string         `xml:"summary"`
	Categories []atomCategory `xml:"category"`
	Content    atomText       `xml:"content"`
}

func (b *builder) author() string {
	if b.site.Author != "" {
		return b.site.Author
	}
	return b.site.Title
}

// atom renders /feed.xml.
func (b *builder) atom() ([]byte, error) {
	s := b.site
	list := b.feedArticles()
	f := atomFeed{
		Base: s.BaseURL, Lang: s.LanguageCode,
		ID: s.BaseURL, Title: s.Title, Sub: s.Description,
		Updated: b.updated(list).Format(time.RFC3339),
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: s.AbsURL("/feed.xml")},
			{Rel: "alternate", Type: "text/html", Href: s.BaseURL},
		},
		Author: atomPerson{Name: b.author()},
	}
	for _, p := range list {
		html, err := feedContent(p)
		if err != nil {
			return nil, err
		}
		e := atomEntry{
			ID: p.Permalink, Title: p.Title,
			Link:      atomLink{Rel: "alternate", Type: "text/html", Href: p.Permalink},
			Published: p.Date.Format(time.RFC3339), Updated: p.Lastmod.Format(time.RFC3339),
			Summary: p.Description,
			Content: atomText{Type: "html", Body: html},
		}
		for _, a := range p.Authors {
			e.Authors = append(e.Authors, atomPerson{Name: a})
		}
		for _, t := range terms(p) {
			e.Categories = append(e.Categories, atomCategory{Term: t})
		}
		f.Entries = append(f.Entries, e)
	}
	return b.marshalXML(f)
}

func (b *builder) marshalXML(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(v); err != nil {
		return nil, err
	}
	return b.minify(assets.XML, buf.Bytes())
}

// jsonFeed renders /feed.json (JSON Feed 1.1).
func (b *builder) jsonFeed() ([]byte, error) {
	s := b.site
	type item struct {
		ID        string              `json:"id"`
		URL       string              `json:"url"`
		Title     string              `json:"title"`
		Authors   []map[string]string `json:"authors,omitempty"`
		Summary   string              `json:"summary,omitempty"`
		HTML      string              `json:"content_html"`
		Published string              `json:"date_published"`
		Modified  string              `json:"date_modified"`
		Tags      []string            `json:"tags,omitempty"`
	}
	feed := struct {
		Version     string              `json:"version"`
		Title       string              `json:"title"`
		Home        string              `json:"home_page_url"`
		FeedURL     string              `json:"feed_url"`
		Description string              `json:"description,omitempty"`
		Language    string              `json:"language,omitempty"`
		Authors     []map[string]string `json:"authors"`
		Items       []item              `json:"items"`
	}{
		Version: "https://jsonfeed.org/version/1.1", Title: s.Title, Home: s.BaseURL,
		FeedURL: s.AbsURL("/feed.json"), Description: s.Description, Language: s.LanguageCode,
		Authors: []map[string]string{{"name": b.author()}},
		Items:   []item{},
	}
	for _, p := range b.feedArticles() {
		html, err := feedContent(p)
		if err != nil {
			return nil, err
		}
		it := item{
			ID: p.Permalink, URL: p.Permalink, Title: p.Title, Summary: p.Description,
			HTML: html, Published: p.Date.Format(time.RFC3339),
			Modified: p.Lastmod.Format(time.RFC3339), Tags: terms(p),
		}
		for _, a := range p.Authors {
			it.Authors = append(it.Authors, map[string]string{"name": a})
		}
		feed.Items = append(feed.Items, it)
	}
	data, err := json.Marshal(feed)
	if err != nil {
		return nil, err
	}
	return b.minify(assets.JSON, data)
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	Lastmod string `xml:"lastmod,omitempty"`
}

// sitemap renders /sitemap.xml: every indexable page with its lastmod.
func (b *builder) sitemap() ([]byte, error) {
	s := b.site
	set := struct {
		XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
		URLs    []sitemapURL `xml:"url"`
	}{}
	add := func(u string, t time.Time) {
		e := sitemapURL{Loc: s.AbsURL(u)}
		if !t.IsZero() {
			e.Lastmod = t.Format(time.RFC3339)
		}
		set.URLs = append(set.URLs, e)
	}
	newest := b.updated(s.Articles)
	for _, p := range s.Pages {
		t := p.Lastmod
		if p.Kind == content.KindHome && newest.After(t) {
			t = newest
		}
		if !p.NoSitemap {
			add(p.URL, t)
		}
	}
	// The generated pages with a form: they are pages like any other.
	if b.quiz != nil {
		add(QuizURL, time.Time{})
	}
	if s.Booking != nil {
		add(BookURL, time.Time{})
	}
	for _, sec := range b.sections {
		if !sec.page.NoSitemap {
			add(sec.page.URL, lastmod(sec.pages)) // none for a list of undated pages
		}
	}
	for _, p := range s.Articles {
		if !p.NoSitemap {
			add(p.URL, p.Lastmod)
		}
	}
	add("/tags/", newest)
	for _, t := range s.Tags {
		add(t.URL, b.updated(t.Articles))
	}
	if len(s.Categories) > 0 {
		add("/categories/", newest)
		for _, t := range s.Categories {
			add(t.URL, b.updated(t.Articles))
		}
	}
	return b.marshalXML(set)
}

func (b *builder) robots() []byte {
	// The function's answers are personal or forms: not for crawlers, by
	// either of its addresses (its pages also say noindex).
	return fmt.Appendf(nil, "User-agent: *\nDisallow: /api/\nDisallow: /.netlify/functions/\n\nSitemap: %s\n", b.site.AbsURL("/sitemap.xml"))
}

// redirects renders Netlify's _redirects: each alias to its page (301),
// and page 1 of paginated lists to the list itself.
func (b *builder) redirects() []byte {
	var r strings.Builder
	for _, p := range b.pages {
		for _, a := range p.Aliases {
			fmt.Fprintf(&r, "%s %s 301\n", normalizePath(a), p.URL)
		}
	}
	for _, sec := range b.sections {
		fmt.Fprintf(&r, "%spage/1/ %s 301\n", sec.page.URL, sec.page.URL)
	}
	// The function answers /api/* and the quiz's result permalinks.
	fmt.Fprintf(&r, "/api/* /.netlify/functions/api/:splat 200\n")
	if b.quiz != nil {
		fmt.Fprintf(&r, "/quiz/result/* /.netlify/functions/api/quiz/result/:splat 200\n")
	}
	for _, t := range slices.Concat(b.site.Tags, b.site.Categories) {
		fmt.Fprintf(&r, "%spage/1/ %s 301\n", t.URL, t.URL)
	}
	return []byte(r.String())
}
