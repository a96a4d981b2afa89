package theme

import (
	"encoding/json"
	"testing"
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
