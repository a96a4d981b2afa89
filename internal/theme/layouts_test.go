package theme

import (
	"encoding/json"
	"io"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/cassidine/site/internal/content"
)

// TestJSONLD checks the JSON-LD of each kind of page, written as a map
// here: jsonLD's structs must encode as html/template encodes the map
// (keys sorted, nothing missing or added).
func TestJSONLD(t *testing.T) {
	site := &Site{Site: &content.Site{Title: "Co", BaseURL: "https://example.com/", Description: "What we do.", Email: "hi@example.com", Image: "/social.png", Author: "Ann"}}
	date := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("", -6*3600))
	page := func(kind content.Kind, mod func(*content.Page)) *Page {
		cp := &content.Page{Kind: kind, Title: "T <&> “x”", Description: "D", Date: date, Lastmod: date.Add(time.Hour), URL: "/x/"}
		if mod != nil {
			mod(cp)
		}
		return &Page{Page: cp, Permalink: "https://example.com/x/", WordCount: 12}
	}
	person := func(name string) map[string]any { return map[string]any{"@type": "Person", "name": name} }
	article := func(author any, extra map[string]any) map[string]any {
		m := map[string]any{
			"@context": "https://schema.org", "@type": "Article", "author": author,
			"dateModified": "2026-01-02T04:04:05-06:00", "datePublished": "2026-01-02T03:04:05-06:00",
			"description": "D", "headline": "T <&> “x”", "image": "https://example.com/social.png",
			"mainEntityOfPage": "https://example.com/x/", "url": "https://example.com/x/", "wordCount": 12,
			"publisher": map[string]any{"@type": "Organization", "name": "Co", "url": "https://example.com/"},
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	for _, tt := range []struct {
		name string
		site *Site
		page *Page
		want map[string]any
	}{
		{"home", site, page(content.KindHome, nil), map[string]any{
			"@context": "https://schema.org", "@type": "ProfessionalService", "name": "Co", "url": "https://example.com/",
			"description": "What we do.", "email": "hi@example.com", "image": "https://example.com/social.png",
		}},
		{"home, no description, email or image", &Site{Site: &content.Site{Title: "Co", BaseURL: "https://example.com/"}}, page(content.KindHome, nil), map[string]any{
			"@context": "https://schema.org", "@type": "ProfessionalService", "name": "Co", "url": "https://example.com/",
		}},
		{"article by the site's author", site, page(content.KindArticle, nil), article(person("Ann"), nil)},
		{"article by the practice", &Site{Site: &content.Site{Title: "Co", BaseURL: "https://example.com/", Author: "Co", Image: "/social.png"}},
			page(content.KindArticle, nil), article(map[string]any{"@type": "Organization", "name": "Co"}, nil)},
		{"article by one author, with tags", site, page(content.KindArticle, func(p *content.Page) { p.Authors = []string{"Bo"}; p.Tags = []string{"a", "b"} }),
			article(person("Bo"), map[string]any{"keywords": "a, b"})},
		{"article by two, with keywords", site, page(content.KindArticle, func(p *content.Page) {
			p.Authors = []string{"Bo", "Cy"}
			p.Keywords = []string{""}
			p.Tags = []string{"t"}
			p.Image = "https://cdn.example.com/a.png"
		}), article([]any{person("Bo"), person("Cy")}, map[string]any{"keywords": "", "image": "https://cdn.example.com/a.png"})},
		{"page", site, page(content.KindPage, func(p *content.Page) { p.Description = "" }), map[string]any{
			"@context": "https://schema.org", "@type": "WebPage", "name": "T <&> “x”", "description": "", "url": "https://example.com/x/",
		}},
	} {
		got, err := tt.site.jsonLD(Data{Site: tt.site, Page: tt.page})
		want, _ := json.Marshal(tt.want)
		if err != nil || string(got) != string(want) {
			t.Errorf("%s:\n got %s, %v\nwant %s", tt.name, got, err, want)
		}
	}
}

// TestPartialCached checks partialCached's keys: the value it renders
// with, or its variants (as Hugo's), and navKey's, by which base.html
// caches the header.
func TestPartialCached(t *testing.T) {
	site := &Site{Site: &content.Site{Title: "Co", BaseURL: "https://example.com/", Nav: []content.NavItem{{Name: "Articles", URL: "/articles/"}, {Name: "About", URL: "/about/"}}}}
	fsys := fstest.MapFS{
		"base.html":          {Data: []byte(`{{block "main" .}}{{end}}`)},
		"page.html":          {Data: []byte(`{{define "main"}}{{partialCached "partials/p.html" .Page}}|{{partialCached "partials/p.html" .Page "v"}}|{{partialCached "partials/h.html" . (navKey .Page)}}{{end}}`)},
		"partials/p.html":    {Data: []byte(`{{.Title}}`)},
		"partials/h.html":    {Data: []byte(`{{.Page.Title}}:{{range .Site.Nav}}{{current .URL $.Page}},{{end}}`)},
		"partials/many.html": {Data: []byte(`x`)},
	}
	l, err := LoadLayouts(fsys, "layouts", site)
	if err != nil {
		t.Fatal(err)
	}
	render := func(kind content.Kind, title, url string) string {
		var b strings.Builder
		p := &Page{Page: &content.Page{Kind: kind, Title: title, URL: url}}
		if err := l.Execute(&b, "page", Data{Site: site, Page: p}); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	for _, tt := range []struct {
		kind             content.Kind
		title, url, want string
	}{
		{content.KindArticle, "A", "/articles/a/", "A|A|A:true,,"}, // the first page of each key renders
		{content.KindArticle, "B", "/articles/b/", "B|A|A:true,,"}, // the same variant "v" and navKey: A's
		{content.KindSection, "L", "/articles/", "L|A|L:page,,"},
		{content.KindPage, "Ab", "/about/", "Ab|A|Ab:,page,"},
		{content.KindHome, "H", "/", "H|A|H:,,"},
	} {
		if got := render(tt.kind, tt.title, tt.url); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.url, got, tt.want)
		}
	}
	for _, tmpl := range []string{
		`{{partialCached "partials/many.html" . 1 2 3 4}}`,
		`{{partialCached "partials/many.html" . .Site.Nav}}`,
		`{{partialCached "partials/none.html" .}}`,
	} {
		fsys["bad.html"] = &fstest.MapFile{Data: []byte(`{{define "main"}}` + tmpl + `{{end}}`)}
		l, err := LoadLayouts(fsys, "layouts", site)
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Execute(io.Discard, "bad", Data{Site: site, Page: &Page{Page: &content.Page{}}}); err == nil {
			t.Errorf("%s: no error", tmpl)
		}
	}
}
