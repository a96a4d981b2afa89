package theme

import (
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/cassidine/site/internal/content"
	"github.com/cassidine/site/internal/quiz"
)

// Site is what layouts see as .Site: the settings of content/site.toml and
// the published articles and tags.
type Site struct {
	*content.Site
	Articles   []*Page // published articles, weighted first (lightest first), then newest first
	Tags       []*Tag  // by URL
	Categories []*Tag  // by URL
	Pages      []*Page // home and pages, by URL
	Now        time.Time
	Dev        bool       // built by site serve: live reload and draft badges on
	Quiz       *quiz.Quiz // the readiness quiz, if content/quiz.toml exists
	QuizVer    string     // the quiz's version (a hash of quiz.toml), for stale forms

	// AssetURLs maps static CSS and JS files ("css/site.css") to their
	// fingerprinted URLs, for the asset function.
	AssetURLs map[string]string
	// Titles maps site paths to the titles of the pages there, for pageTitle.
	Titles map[string]string
	// Social is site.toml's image as pages without their own share it,
	// with what the builder knows of it; nil outside a build (the
	// function's pages), where the image's URL alone is shared.
	Social *SocialImage
}

// PageTitle returns the title of the page at a site path, or the path
// when the site has no such page.
func (s *Site) PageTitle(url string) string {
	if t, ok := s.Titles[url]; ok {
		return t
	}
	return url
}

// Page is one page as layouts see it (.Page).
type Page struct {
	*content.Page
	Content     template.HTML
	TOC         []Heading
	ReadingTime int // minutes
	WordCount   int
	Permalink   string // absolute URL
	Scheduled   bool   // dated in the future (only in -future builds)
	Number      int    // for list pages: page number, from 1
	NoIndex     bool   // kept out of search engines, with no canonical link (the function's pages)
	// Social is the image the page shares on social sites: its own
	// image, else its generated share card (set by the builder); nil
	// shares the site's (Site.Social).
	Social *SocialImage
}

// SocialImage is the image a page shares on LinkedIn, Slack, X and the
// like (og:image, twitter:image), with what is known of it. Sizes and type
// are zero when unknown (an image on another site): better left out than
// wrong.
type SocialImage struct {
	URL    string // absolute
	Width  int    // pixels; 0 when unknown
	Height int
	Type   string // MIME type, "image/png"; "" when unknown
	Alt    string // what it shows, for og:image:alt and twitter:image:alt
}

// String is the image's URL, so {{socialImage .Page}} still writes it.
func (i *SocialImage) String() string { return i.URL }

// Heading is one entry of a page's table of contents.
type Heading struct {
	Level int    // 2 for ##, 3 for ###
	ID    string // the element id, the #fragment that links to it
	Text  string // plain text
}

// ShowTOC reports whether the layout should show the table of contents:
// as the front matter says, or when there are at least three sections.
func (p *Page) ShowTOC() bool {
	if p.Page.TOC != nil {
		return *p.Page.TOC
	}
	return p.Kind == content.KindArticle && len(p.TOC) >= 3
}

// TableOfContents is the page's table of contents as the site's layouts
// show it, built here rather than by a range in the layout (a quarter of
// an article's template time), as Hugo's .TableOfContents is: an <ol> of
// links to the headings of TOC, each in an <li class="toc-LEVEL">.
// Headings are escaped exactly as html/template escapes that range
// (TestTableOfContentsAsTemplate).
func (p *Page) TableOfContents() template.HTML {
	var b strings.Builder
	b.WriteString("<ol>")
	for _, h := range p.TOC {
		b.WriteString(`<li class="toc-`)
		b.WriteString(strconv.Itoa(h.Level))
		b.WriteString(`"><a href="#`)
		escapeFragment(&b, h.ID)
		b.WriteString(`">`)
		htmlText.WriteString(&b, h.Text)
		b.WriteString("</a></li>")
	}
	b.WriteString("</ol>")
	return template.HTML(b.String())
}

// htmlText escapes text as html/template does in an element's content.
var htmlText = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

// escapeFragment writes s as html/template writes a value after the # of
// a URL: RFC 3986's unreserved bytes as they are, the others as %xx.
func escapeFragment(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '.', c == '_', c == '~':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
}

// ImageURL is the page's social image as an absolute URL, falling back to
// the site's.
func (p *Page) ImageURL(s *Site) string {
	if p.Social != nil {
		return p.Social.URL
	}
	img := p.Image
	if img == "" {
		img = s.Image
	}
	if img == "" || strings.Contains(img, "://") {
		return img
	}
	return s.AbsURL(img)
}

// SocialImage returns the image the page shares: its own or its card
// (p.Social), else the site's, else nil. Outside a build only the site
// image's URL is known, and the site's name stands for what it shows.
func (p *Page) SocialImage(s *Site) *SocialImage {
	switch {
	case p.Social != nil:
		return p.Social
	case p.Image == "" && s.Social != nil:
		return s.Social
	}
	u := p.ImageURL(s)
	if u == "" {
		return nil
	}
	return &SocialImage{URL: u, Alt: s.Title}
}

// Tag is one term of a taxonomy (a tag or a category) with its articles,
// in the order of Site.Articles.
type Tag struct {
	Name     string
	Slug     string
	URL      string
	Taxonomy string // "tags" or "categories"
	Articles []*Page
}

// List is the paginated list a list or tag page shows (.List).
type List struct {
	Pages  []*Page
	Number int    // this page's number, from 1
	Total  int    // number of pages
	Prev   string // URL of the previous page, or ""
	Next   string // URL of the next page, or ""
	Tag    *Tag   // on tag and category pages: the term
	All    int    // articles in the whole list
	Terms  []*Tag // on /tags/ and /categories/: every term of that taxonomy
}

// Data is the value templates execute with.
type Data struct {
	Site *Site
	Page *Page
	List *List
	Data any // pages rendered by the function: the form or result they show
}

// AbsURL is a site path as an absolute URL under the base URL; absolute
// URLs are returned as they are.
func (s *Site) AbsURL(p string) string {
	if strings.Contains(p, "://") {
		return p
	}
	return strings.TrimSuffix(s.BaseURL, "/") + "/" + strings.TrimPrefix(p, "/")
}

// Taxonomies: tags and categories, as in Hugo.
const (
	Tags       = "tags"
	Categories = "categories"
)

// TagURL is the URL of a tag's page.
func TagURL(name string) string { return TermURL(Tags, name) }

// CategoryURL is the URL of a category's page.
func CategoryURL(name string) string { return TermURL(Categories, name) }

// TermURL is the URL of a term's page in a taxonomy ("tags", "categories"):
// its name made a URL segment as Hugo does ("Supply Chain" → /tags/supply-chain/).
func TermURL(taxonomy, name string) string { return "/" + taxonomy + "/" + content.URLize(name) + "/" }

// Site paths of the generated pages the function links to or renders.
const (
	QuizURL   = "/quiz/" // the quiz, when content/quiz.toml exists
	BookURL   = "/book/" // the booking page, when site.toml has [booking]
	BookTitle = "Book a Complimentary Advisory Session"
)
