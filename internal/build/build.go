package build

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/tdewolff/minify/v2"

	"github.com/cassidine/site/internal/assets"
	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/card"
	"github.com/cassidine/site/internal/content"
	"github.com/cassidine/site/internal/images"
	"github.com/cassidine/site/internal/markdown"
	"github.com/cassidine/site/internal/quiz"
	"github.com/cassidine/site/internal/shortcode"
	"github.com/cassidine/site/internal/theme"
)

// Options says what to build and where.
type Options struct {
	theme.Sources // the content, layouts and static folders

	Out     string    // output folder, replaced whole on success
	Drafts  bool      // include drafts
	Future  bool      // include pages whose publishDate (or date) is after Now
	Expired bool      // include pages whose expiryDate has passed
	BaseURL string    // overrides site.toml's baseURL when set
	Now     time.Time // the build's clock; default time.Now()
	Dev     bool      // site serve: draft badges and the live-reload hook
	Strict  bool      // site check: also report missing descriptions and alt text, and fail on warnings
	Workers int       // parallel workers; default GOMAXPROCS
	// Cache is the folder where resized images, share cards and rendered
	// markdown are kept between builds, in its images/, cards/ and
	// markdown/ (site build's -cache; see docCache); "" makes them again
	// on every build.
	Cache string

	// referenceHTML minifies pages with tdewolff's minifier rather than
	// assets.MinifyHTML, for the tests that compare the two.
	referenceHTML bool
}

// Result describes a finished build.
type Result struct {
	Pages  int // HTML pages written
	Assets int // files copied or fingerprinted from static/
	Files  int // every file written
	Images images.Stats
	Cards  card.Stats // share cards drawn, and read from the cache folder
	// Rendered counts the pages whose markdown was rendered by an earlier
	// build, read from the cache folder (see docCache).
	Rendered int
	Elapsed  time.Duration
	Site     *Site
	External []ExternalLink // http(s) links written in the content
	// Warnings are things accepted but worth a look, each an *content.Error
	// printed as "file:line: warning: message". site check fails on them.
	Warnings []error
}

// ExternalLink is a link to another site, for site check -external.
type ExternalLink struct {
	URL  string
	File string
	Line int
}

// Summary is the one line printed after a build.
func (r *Result) Summary(out string) string {
	resized := ""
	if n := r.Images.Resized + r.Images.CacheHits; n > 0 {
		resized = fmt.Sprintf(", %d resized images (%d from the cache)", n, r.Images.CacheHits)
	}
	cards := ""
	if n := r.Cards.Drawn + r.Cards.CacheHits; n == 1 {
		cards = fmt.Sprintf(", 1 share card (%d from the cache)", r.Cards.CacheHits)
	} else if n > 1 {
		cards = fmt.Sprintf(", %d share cards (%d from the cache)", n, r.Cards.CacheHits)
	}
	markdown := ""
	if r.Rendered > 0 {
		markdown = fmt.Sprintf(", the markdown of %d from the cache", r.Rendered)
	}
	return fmt.Sprintf("built %d pages%s, %d assets%s%s in %d ms → %s", r.Pages, markdown, r.Assets, resized, cards, r.Elapsed.Milliseconds(), out)
}

// Build renders the whole site into o.Out. It builds into a fresh sibling
// folder and swaps it into place only when every step succeeded; on error
// o.Out is left exactly as it was and every problem found is returned.
func Build(ctx context.Context, o Options) (*Result, error) {
	start := time.Now()
	o = o.withDefaults()
	if o.Out == "" {
		return nil, errors.New("build: no output folder")
	}
	out := filepath.Clean(o.Out)
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(out)+".tmp-")
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, err
	}
	res, err := generate(ctx, o, newDirWriter(tmp))
	if err != nil {
		return nil, err
	}
	if err := swapDir(tmp, out); err != nil {
		return nil, fmt.Errorf("build: replacing %s: %w", out, err)
	}
	ok = true
	res.Elapsed = time.Since(start)
	return res, nil
}

// Check runs every step and validation of a build without writing
// anything. Share cards are planned (their problems reported) but not
// drawn: drawing cannot fail once planned, and takes time.
func Check(ctx context.Context, o Options) (*Result, error) {
	start := time.Now()
	b := newBuilder(o.withDefaults())
	// check writes nothing, not even to the cache folder.
	b.rendered.fc.ReadOnly()
	b.resizer.ReadOnly()
	if err := b.load(ctx); err != nil {
		return nil, err
	}
	jobs := slices.DeleteFunc(b.jobs(), func(j *job) bool { return j.group == groupCard })
	res, err := b.render(ctx, discard{}, jobs)
	if err != nil {
		return nil, err
	}
	res.External = b.externalLinks()
	res.Elapsed = time.Since(start)
	return res, nil
}

func (o Options) withDefaults() Options {
	o.Sources = o.Sources.WithDefaults()
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o
}

// writer receives the build's output files.
type writer interface {
	write(name string, data []byte) error
}

// discard is the writer of site check.
type discard struct{}

func (discard) write(string, []byte) error { return nil }

// builder holds one build's state. A Session keeps it between builds and
// updates it after edits.
type builder struct {
	o         Options
	site      *Site
	min       *minify.M
	resizer   *images.Resizer
	cards     *card.Cache
	rendered  *docCache // markdown rendered by earlier builds
	layouts   *theme.Layouts
	layoutErr error
	// shortcodes are layouts/shortcodes, for the markdown renderer.
	shortcodes   *shortcode.Templates
	shortcodeErr error
	refs         refIndex // content files by path and name, for ref and relref
	params       paramUse // which .Params keys the layouts read
	assets       *assets.Set
	assetErr     error
	tree         *content.Tree           // what the content folder holds
	sources      map[string]source       // content file (relative path) → parsed page
	files        map[string]*contentFile // site path → content file published as it is
	fileList     []*contentFile          // every such file, in the content folder's order
	docs         map[*Page]*markdown.Doc // the rendered markdown of each page in sources
	pages        []*Page                 // every content page that is published, in file order
	sections     []*section              // list pages of folders, by URL
	skipped      map[string]string       // URL → why it is left out ("a draft", ...)
	broken       map[string]*Page        // URL → page whose own errors were reported
	scheduled    []time.Time             // when a rebuild changes the site: pages to publish or expire
	warnings     []error
	quiz         *quiz.Quiz // content/quiz.toml, if the site has one
	quizErr      error
	quizVer      string
	cardList     []shareCard        // the share cards to draw (planCards)
	quizSocial   *theme.SocialImage // the quiz page's share card
}

// source is one content file as last read.
type source struct {
	page     *Page         // nil when unreadable
	doc      *markdown.Doc // nil when not rendered (left out, or with errors)
	err      error
	variants []variant // resized copies of the page's images
	imageErr error     // images that cannot be read: the page is checked, the build fails
}

func newBuilder(o Options) *builder {
	sub := func(name string) string {
		if o.Cache == "" {
			return ""
		}
		return filepath.Join(o.Cache, name)
	}
	return &builder{o: o, min: assets.NewMinifier(), resizer: images.NewResizer(sub("images")), cards: card.NewCache(sub("cards")), rendered: newDocCache(sub("markdown"))}
}

// generate loads, validates and renders the site into w.
func generate(ctx context.Context, o Options, w writer) (*Result, error) {
	b := newBuilder(o)
	b.rendered.prune()
	if err := b.load(ctx); err != nil {
		return nil, err
	}
	return b.render(ctx, w, b.jobs())
}

// load reads settings, content, layouts and static files, renders the
// markdown and checks everything that can be checked before writing.
func (b *builder) load(ctx context.Context) error {
	if err := b.loadSettings(); err != nil {
		return err
	}
	var wg sync.WaitGroup
	wg.Go(b.loadAssets)
	wg.Go(b.loadLayouts)
	b.loadShortcodes() // the markdown needs them
	err := b.loadPages(ctx)
	wg.Wait()
	if err != nil {
		return err
	}
	b.placeFiles()
	if err := b.finishPages(ctx, nil); err != nil {
		return err
	}
	return b.validate()
}

// loadSettings reads site.toml (or the defaults' copy) and the quiz.
func (b *builder) loadSettings() error {
	settings, err := theme.LoadSettings(b.o.Sources, b.o.BaseURL)
	if err != nil {
		return err
	}
	b.site = &Site{Site: settings, Now: b.o.Now, Dev: b.o.Dev}
	// Unlike site.toml, the quiz is content: a -content folder without one
	// builds without a quiz (its advice links to that folder's pages). Its
	// problems are reported with the build's others.
	b.quiz, b.quizVer, b.quizErr = theme.LoadQuiz(b.o.Sources)
	b.site.Quiz, b.site.QuizVer = b.quiz, b.quizVer
	return nil
}

func (b *builder) loadAssets() {
	b.assets, b.assetErr = assets.Load(b.o.Static, b.min)
}

func (b *builder) loadLayouts() {
	b.layouts, b.layoutErr = theme.LoadLayouts(b.o.Layouts, b.o.LayoutsDir, b.site)
	// The email layout is the function's, not a page's; a mistake in it
	// fails the build here rather than the function once deployed.
	if err := theme.CheckEmailLayout(b.o.Layouts, b.o.LayoutsDir); err != nil {
		var errs content.ErrorList
		errs.Add(b.layoutErr)
		errs.Add(err)
		b.layoutErr = errs.Err()
	}
	b.params = readParamUse(b.o.Layouts)
}

// validate sorts the published pages and runs every check, collecting
// all problems so one run lists them together.
func (b *builder) validate() error { return b.validateLinksOf(nil) }

// validateLinksOf is validate checking the links of only the given pages
// (all when nil): after an edit that changed no URL, only the edited
// pages' links can have broken.
func (b *builder) validateLinksOf(only map[string]bool) error {
	var errs content.ErrorList
	errs.Add(b.classify())
	errs.Add(b.assetErr)
	errs.Add(b.layoutErr)
	errs.Add(b.shortcodeErr)
	if b.assets != nil {
		b.site.AssetURLs = b.assets.URLs()
	}
	errs.Add(b.organize())
	errs.Add(b.planCards())
	errs.Add(b.checkURLs())
	if b.layoutErr == nil {
		errs.Add(b.checkLayouts())
	}
	var targets map[string]target
	if b.assetErr == nil {
		targets = b.targets()
		errs.Add(b.checkLinks(targets, only))
		errs.Add(b.checkOutputs())
	}
	b.warnings = b.collectWarnings()
	if b.o.Strict {
		errs.Add(b.checkStrict())
	}
	errs.Add(b.quizErr)
	if _, err := booking.FromSite(b.site.Site); err != nil {
		errs.Add(err) // the availability in site.toml, with its lines
	}
	if b.quiz != nil && targets != nil {
		errs.Add(b.quiz.CheckLinks(func(p string) bool { _, ok := targets[p]; return ok }))
	}
	return errs.Err()
}

// finishPages sizes and resizes the images of the rendered pages (those
// in only, or all when nil), in parallel: they may show another page's
// bundle files, so every page's URL must be known first.
func (b *builder) finishPages(ctx context.Context, only map[string]bool) error {
	var rels []string
	for rel, src := range b.sources {
		if src.doc != nil && (only == nil || only[rel]) {
			rels = append(rels, rel)
		}
	}
	done := make([]source, len(rels))
	err := b.parallel(ctx, len(rels), func() func(int) {
		return func(i int) { done[i] = b.finishPage(b.sources[rels[i]]) }
	})
	if err != nil {
		return err
	}
	for i, rel := range rels {
		b.sources[rel] = done[i]
	}
	return nil
}

// classify sorts the content files into published pages, section pages,
// pages left out and pages with problems, in file order.
func (b *builder) classify() error {
	b.pages = nil
	b.skipped, b.broken, b.scheduled = map[string]string{}, map[string]*Page{}, nil
	b.docs = make(map[*Page]*markdown.Doc, len(b.sources))
	files := slices.Sorted(maps.Keys(b.sources))
	var all content.ErrorList
	for _, e := range b.tree.Problems {
		all.Add(e)
	}
	for _, f := range files {
		src := b.sources[f]
		p := src.page
		all.Add(src.err)
		all.Add(src.imageErr)
		if src.doc != nil {
			b.docs[p] = src.doc
		}
		switch {
		case p == nil:
		case src.err != nil:
			b.broken[p.URL] = p // reported; links to it are not errors too
		case b.leftOut(p) != "":
			why := b.leftOut(p)
			b.skipped[p.URL] = why
			if p.Scheduled && !p.Draft {
				b.scheduled = append(b.scheduled, p.PublishDate)
			}
			for _, f := range b.filesOf(p) {
				b.skipped[f] = fmt.Sprintf("a file of %s, which is %s", p.URL, why)
			}
		default:
			b.pages = append(b.pages, p)
			if !p.ExpiryDate.IsZero() && !b.o.Expired {
				b.scheduled = append(b.scheduled, p.ExpiryDate) // a rebuild then takes it down
			}
		}
	}
	return all.Err()
}

// leftOut says why a page is not published in this build, or "".
func (b *builder) leftOut(p *Page) string {
	return leftOut(p, b.o.Drafts, b.o.Future, b.o.Expired, b.o.Now)
}

// publishedLater says why a production build (no -drafts, -future or
// -expired) leaves a page out, or "": what site check asks of links.
func (b *builder) publishedLater(p *Page) string { return leftOut(p, false, false, false, b.o.Now) }

func leftOut(p *Page, drafts, future, expired bool, now time.Time) string {
	dated := p.Kind != content.KindHome && p.Kind != content.KindSection
	switch {
	case p.Draft && !drafts:
		return "a draft (build with -drafts to include it)"
	case dated && p.Scheduled && !future:
		return fmt.Sprintf("scheduled for %s (build with -future to include it)", p.PublishDate.Format(time.RFC3339))
	case dated && p.IsExpired(now) && !expired:
		return fmt.Sprintf("expired on %s (build with -expired to include it)", p.ExpiryDate.Format(time.RFC3339))
	}
	return ""
}

// organize sorts articles (weighted first, then newest first), gathers
// tags and categories, and makes the section lists.
func (b *builder) organize() error {
	s := b.site
	s.Articles, s.Pages = nil, nil
	for _, p := range b.pages {
		switch p.Kind {
		case content.KindArticle:
			s.Articles = append(s.Articles, p)
		case content.KindSection:
		default:
			s.Pages = append(s.Pages, p)
		}
	}
	slices.SortStableFunc(s.Articles, byWeightThenDate)
	slices.SortFunc(s.Pages, func(a, b *Page) int { return strings.Compare(a.URL, b.URL) })
	var errs content.ErrorList
	var err error
	s.Tags, err = taxonomy(theme.Tags, s.Articles, func(p *Page) []string { return p.Tags })
	errs.Add(err)
	s.Categories, err = taxonomy(theme.Categories, s.Articles, func(p *Page) []string { return p.Categories })
	errs.Add(err)
	b.organizeSections()
	s.Titles = make(map[string]string, len(b.pages)+2)
	for _, p := range b.pages {
		s.Titles[p.URL] = p.Title
	}
	theme.AddGeneratedTitles(s.Titles, s)
	return errs.Err()
}

// byWeightThenDate is Hugo's default order of pages: those with a weight
// first, lightest first; then newest first; then by URL.
func byWeightThenDate(a, b *Page) int {
	switch {
	case a.Weight != 0 && b.Weight == 0:
		return -1
	case a.Weight == 0 && b.Weight != 0:
		return 1
	}
	return cmp.Or(cmp.Compare(a.Weight, b.Weight), b.Date.Compare(a.Date), strings.Compare(a.URL, b.URL))
}

// taxonomy gathers the terms of one taxonomy from articles (already in
// order), by URL. Names that differ only in case, spaces or dashes are one
// term, as in Hugo; two names that differ otherwise but share a URL
// ("C" and "C#") are an error rather than one page for both.
func taxonomy(name string, articles []*Page, terms func(*Page) []string) ([]*Tag, error) {
	var errs content.ErrorList
	bySlug := map[string]*Tag{}
	var out []*Tag
	for _, p := range articles {
		for _, term := range terms(p) {
			slug := content.URLize(term)
			t := bySlug[slug]
			if t == nil {
				t = &Tag{Name: term, Slug: slug, URL: theme.TermURL(name, term), Taxonomy: name}
				bySlug[slug] = t
				out = append(out, t)
			} else if termKey(t.Name) != termKey(term) {
				errs.Add(content.Errorf(p.File, p.KeyLine(name), "%s: %q and %q (%s) would share the page %s: rename one", name, term, t.Name, t.Articles[0].File, t.URL))
				continue
			}
			if len(t.Articles) == 0 || t.Articles[len(t.Articles)-1] != p {
				t.Articles = append(t.Articles, p)
			}
		}
	}
	slices.SortFunc(out, func(a, b *Tag) int { return strings.Compare(a.Slug, b.Slug) })
	return out, errs.Err()
}

// termKey is what tells two term names apart: their letters, digits and
// symbols, ignoring case, spaces and dashes.
func termKey(name string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' {
			return -1
		}
		return unicode.ToLower(r)
	}, name)
}

// checkURLs reports two sources claiming one URL, including aliases.
func (b *builder) checkURLs() error {
	var errs content.ErrorList
	owner := map[string]*Page{}
	claim := func(u string, p *Page, line int, what string) {
		if o, ok := owner[u]; ok {
			errs.Add(content.Errorf(p.File, line, "duplicate URL %s: %s also claimed by %s", u, what, o.File))
			return
		}
		owner[u] = p
	}
	urlLine := func(p *Page) int {
		if p.Has("url") {
			return p.KeyLine("url")
		}
		return p.KeyLine("slug")
	}
	for _, p := range b.pages {
		claim(p.URL, p, urlLine(p), "page")
	}
	for _, p := range b.pages {
		for _, a := range p.Aliases {
			claim(normalizePath(a), p, p.KeyLine("aliases"), "alias")
		}
	}
	for _, p := range b.pages {
		if p.Kind == content.KindSection {
			continue
		}
		for _, r := range []string{"/tags/", "/categories/", "/" + content.ArticlesDir + "/", "/assets/"} {
			if p.URL == r || (r != "/"+content.ArticlesDir+"/" && strings.HasPrefix(p.URL, r)) {
				errs.Add(content.Errorf(p.File, urlLine(p), "URL %s is reserved for generated pages", p.URL))
				break
			}
		}
	}
	return errs.Err()
}

// layoutFor returns the layout a page renders with.
func (b *builder) layoutFor(p *Page) string {
	if p.Layout != "" {
		return p.Layout
	}
	switch p.Kind {
	case content.KindHome:
		return "home"
	case content.KindArticle:
		return "article"
	case content.KindSection, content.KindList:
		return "list"
	case content.KindTag:
		return b.firstLayout("tag", "list")
	case content.KindCategory:
		return b.firstLayout("category", "tag", "list")
	case content.KindTags:
		return "tags"
	case content.KindCategories:
		return b.firstLayout("categories", "tags")
	case content.KindNotFound:
		return "404"
	}
	return "page"
}

// firstLayout returns the first of names that exists, else the last.
func (b *builder) firstLayout(names ...string) string {
	for _, n := range names {
		if b.layouts.Has(n) {
			return n
		}
	}
	return names[len(names)-1]
}

// listLayouts are the layouts of generated list pages: they show .List,
// which a content page does not have.
var listLayouts = []string{"list", "tag", "tags", "category", "categories"}

// checkLayouts reports pages whose layout does not exist, or is one that
// only generated list pages can use.
func (b *builder) checkLayouts() error {
	var errs content.ErrorList
	for _, p := range b.pages {
		name := b.layoutFor(p)
		line := 0
		if p.Layout != "" {
			line = p.KeyLine("layout")
		}
		switch {
		case p.Layout != "" && p.Kind != content.KindSection && slices.Contains(listLayouts, p.Layout):
			errs.Add(content.Errorf(p.File, line, "layout %q is for the generated list pages (it shows .List, which a page does not have): remove layout to use %s.html, or name a layout made for pages", p.Layout, b.layoutFor(&Page{Page: &content.Page{Kind: p.Kind}})))
		case !b.layouts.Has(name):
			errs.Add(content.Errorf(p.File, line, "unknown layout %q: no %s/%s.html (layouts: %s)", name, b.o.LayoutsDir, name, b.layouts.Names()))
		}
	}
	for _, name := range []string{"list", "tags", "404"} {
		if !b.layouts.Has(name) {
			errs.Add(content.Errorf(path.Join(b.o.LayoutsDir, name+".html"), 0, "missing: needed for the generated %s page", name))
		}
	}
	return errs.Err()
}

// normalizePath gives directory-style site paths a trailing slash.
func normalizePath(p string) string {
	if !strings.HasSuffix(p, "/") && path.Ext(p) == "" {
		return p + "/"
	}
	return p
}

// outputPath maps a URL to the file that serves it: "/x/" → "x/index.html".
func outputPath(u string) string {
	u = strings.TrimPrefix(u, "/")
	if u == "" || strings.HasSuffix(u, "/") {
		return u + "index.html"
	}
	return u
}

// execute renders a page through its layout, minified, into s. A content
// page whose front matter names a layout that cannot render it gets the
// error at its layout line.
func (b *builder) execute(s *scratch, p *Page, list *List, extra any) ([]byte, error) {
	name := b.layoutFor(p)
	if !b.layouts.Has(name) {
		return nil, content.Errorf(p.File, 0, "unknown layout %q", name)
	}
	s.page.Reset()
	if err := b.layouts.Execute(&s.page, name, theme.Data{Site: b.site, Page: p, List: list, Data: extra}); err != nil {
		if p.Layout != "" && p.Has("layout") {
			return nil, content.Errorf(p.File, p.KeyLine("layout"), "layout %q cannot render this page: %v", p.Layout, err)
		}
		return nil, err
	}
	if b.o.referenceHTML {
		return b.minify(assets.HTML, s.page.Bytes())
	}
	var err error
	s.min, err = assets.MinifyHTML(b.min, s.min[:0], s.page.Bytes())
	if err != nil {
		return nil, fmt.Errorf("minify %s: %w", assets.HTML, err)
	}
	return s.min, nil
}

func (b *builder) minify(mediaType string, data []byte) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(data))
	if err := b.min.Minify(mediaType, &out, bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("minify %s: %w", mediaType, err)
	}
	return out.Bytes(), nil
}
