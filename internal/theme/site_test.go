package theme_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/cassidine/site/internal/content"
	"github.com/cassidine/site/internal/theme"
)

// TestSocialImage checks which image a page shares: the builder's choice
// (its own image or its card) when set, else the site's, with what is
// known of it.
func TestSocialImage(t *testing.T) {
	card := &theme.SocialImage{URL: "https://example.com/assets/cards/x.0123456789.png", Width: 1200, Height: 630, Type: "image/png", Alt: "X"}
	sized := &theme.SocialImage{URL: "https://example.com/images/social.png", Width: 1200, Height: 630, Type: "image/png", Alt: "Site"}
	site := func(image string, social *theme.SocialImage) *theme.Site {
		return &theme.Site{Site: &content.Site{Title: "Site", BaseURL: "https://example.com/", Image: image}, Social: social}
	}
	page := func(image string, social *theme.SocialImage) *theme.Page {
		return &theme.Page{Page: &content.Page{Image: image}, Social: social}
	}
	for _, c := range []struct {
		name string
		site *theme.Site
		page *theme.Page
		want *theme.SocialImage
	}{
		{"the builder's choice", site("/images/social.png", sized), page("", card), card},
		{"the site's, as the builder knows it", site("/images/social.png", sized), page("", nil), sized},
		{"the site's, outside a build: its URL alone", site("/images/social.png", nil), page("", nil), &theme.SocialImage{URL: "https://example.com/images/social.png", Alt: "Site"}},
		{"the page's own, outside a build", site("/images/social.png", sized), page("/a.jpg", nil), &theme.SocialImage{URL: "https://example.com/a.jpg", Alt: "Site"}},
		{"none", site("", nil), page("", nil), nil},
	} {
		got := c.page.SocialImage(c.site)
		if (got == nil) != (c.want == nil) || got != nil && *got != *c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
		wantURL := ""
		if c.want != nil {
			wantURL = c.want.URL
		}
		if u := c.page.ImageURL(c.site); u != wantURL {
			t.Errorf("%s: ImageURL %q, want %q (JSON-LD shares what og:image does)", c.name, u, wantURL)
		}
	}
}

// TestRenderSharesSiteImage checks the function's pages, rendered outside
// a build: they share site.toml's image by its absolute URL and claim no
// size they do not know.
func TestRenderSharesSiteImage(t *testing.T) {
	th := siteTheme(t)
	var b bytes.Buffer
	err := th.Render(&b, theme.PageSpec{Layout: "message", Title: "Booked", URL: "/book/done/", Data: map[string]any{"Title": "Booked", "Text": "See you."}})
	if err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{
		`<meta property="og:image" content="https://cassidineconsulting.com/images/social.png">`,
		`<meta property="og:image:alt" content="Cassidine Consulting">`,
		`<meta name="twitter:image" content="https://cassidineconsulting.com/images/social.png">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("missing %s", want)
		}
	}
	if strings.Contains(page, "og:image:width") || strings.Contains(page, "og:image:type") {
		t.Error("claims a size or type it does not know")
	}
}
