package build

import (
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/cassidine/site/internal/content"
)

// paramUse is what the layouts read of a page's .Params: a front-matter
// key no layout reads changes nothing, which a Hugo blog's posts (written
// for a theme that read author, cover, series, ...) must be told.
type paramUse struct {
	all  bool            // some layout uses .Params whole (range, with, a computed key)
	keys map[string]bool // keys read by name, in lower case
}

var (
	// paramShortcodeRE finds the param shortcode in markdown, which shows
	// a front-matter key: {{< param "author" >}}, {{% param author %}}.
	paramShortcodeRE = regexp.MustCompile(`\{\{[<%]\s*param\s+(?:name=)?["` + "`" + `]?([\w.-]+)`)
	paramsRE         = regexp.MustCompile(`\.Params(\.[A-Za-z0-9_]+)?`)
	paramsIndexRE    = regexp.MustCompile(`index\s+[$\w.]*\.Params\s+"([^"]+)"`)
	paramMethodRE    = regexp.MustCompile(`\.Param\s+"([^"]+)"`)
)

// readParamUse reads the layouts' source for .Params.key, index .Params
// "key" and .Param "key"; any other use of .Params counts as reading
// every key.
func readParamUse(layouts fs.FS) paramUse {
	u := paramUse{keys: map[string]bool{}}
	var names []string
	for _, pattern := range []string{"*.html", "partials/*.html"} {
		m, _ := fs.Glob(layouts, pattern)
		names = append(names, m...)
	}
	// Shortcode templates read .Page.Params and .Page.Param too.
	fs.WalkDir(layouts, "shortcodes", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".html") {
			names = append(names, p)
		}
		return nil
	})
	for _, name := range names {
		data, err := fs.ReadFile(layouts, name)
		if err != nil {
			continue // LoadLayouts reports it
		}
		src := string(data)
		for _, m := range paramsIndexRE.FindAllStringSubmatch(src, -1) {
			u.keys[strings.ToLower(m[1])] = true
		}
		for _, m := range paramMethodRE.FindAllStringSubmatch(src, -1) {
			u.keys[strings.ToLower(m[1])] = true
		}
		rest := paramsIndexRE.ReplaceAllString(src, "")
		for _, m := range paramsRE.FindAllStringSubmatch(rest, -1) {
			if m[1] == "" {
				u.all = true
			} else {
				u.keys[strings.ToLower(m[1][1:])] = true
			}
		}
	}
	return u
}

// collectWarnings lists what the published pages say that changes
// nothing: front-matter keys no layout reads, keys this site ignores, and
// tags on pages that are not articles (only articles are listed under a
// tag).
func (b *builder) collectWarnings() []error {
	var ws content.ErrorList
	if err := b.rendered.Problem(); err != nil {
		ws.Add(content.Warnf(b.o.Cache, 0, "rendered markdown is not kept between builds (%v): every build renders every page", err))
	}
	for _, p := range b.pages {
		for _, w := range p.Warnings {
			ws.Add(w)
		}
		if b.layouts != nil && !b.params.all && len(p.Params) > 0 {
			shown := map[string]bool{} // by the param shortcode
			for _, m := range paramShortcodeRE.FindAllSubmatch(p.Body, -1) {
				key, _, _ := strings.Cut(strings.ToLower(string(m[1])), ".")
				shown[key] = true
			}
			for _, k := range slices.Sorted(maps.Keys(p.Params)) {
				if b.params.keys[k] || shown[k] {
					continue
				}
				why := content.UnusedKeyReason(k)
				if why == "" {
					why = "no layout reads .Params." + k + " (remove it, or show it in a layout)"
				}
				ws.Add(content.Warnf(p.File, p.KeyLine(k), "front matter: %s is not used: %s", k, why))
			}
		}
		if p.Kind != content.KindArticle {
			for _, key := range []string{"tags", "categories"} {
				if p.Has(key) {
					ws.Add(content.Warnf(p.File, p.KeyLine(key), "front matter: %s is not used: only articles are listed on tag and category pages", key))
				}
			}
		}
	}
	for _, w := range b.cardWarnings() {
		ws.Add(w)
	}
	if len(ws) == 0 {
		return nil
	}
	ws.Sort()
	return ws
}
