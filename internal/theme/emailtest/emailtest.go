// Package emailtest checks the HTML part of an email as tests of every
// sender need it: that it parses, loads nothing from elsewhere (no images,
// styles, scripts or frames: no tracking, nothing blocked), declares the
// colour schemes it supports, and shows what visitors typed as text, never
// as markup. Only tests import it.
package emailtest

import (
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// loading are the elements that load or run something, or have no place
// in an email.
var loading = map[atom.Atom]bool{
	atom.Script: true, atom.Img: true, atom.Link: true, atom.Iframe: true, atom.Frame: true,
	atom.Object: true, atom.Embed: true, atom.Video: true, atom.Audio: true, atom.Source: true,
	atom.Picture: true, atom.Svg: true, atom.Form: true, atom.Input: true, atom.Base: true,
}

// loadingAttrs are the attributes that make a client fetch a URL.
var loadingAttrs = map[string]bool{
	"src": true, "srcset": true, "background": true, "poster": true, "action": true,
	"formaction": true, "data": true, "lowsrc": true, "dynsrc": true, "ping": true,
}

// cssLoads matches CSS that fetches something.
var cssLoads = regexp.MustCompile(`(?i)url\s*\(|@import|expression\s*\(|image-set\s*\(`)

// CheckHTML fails t unless out, the HTML part of the email called name,
// parses, loads nothing, declares color-scheme, links only to http(s) and
// mailto URLs, and contains none of literal unescaped: each is text a
// visitor typed, which must appear escaped.
func CheckHTML(t testing.TB, name, out string, literal ...string) {
	t.Helper()
	if out == "" {
		t.Errorf("%s: no HTML part", name)
		return
	}
	doc, err := html.Parse(strings.NewReader(out))
	if err != nil {
		t.Errorf("%s: HTML does not parse: %v", name, err)
		return
	}
	scheme := false
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		if loading[n.DataAtom] {
			t.Errorf("%s: a <%s> element: emails load nothing and run nothing", name, n.Data)
		}
		if n.DataAtom == atom.Style {
			if css := Text(n); cssLoads.MatchString(css) {
				t.Errorf("%s: <style> loads something: %q", name, css)
			}
		}
		for _, a := range n.Attr {
			key := strings.ToLower(a.Key)
			switch {
			case loadingAttrs[key]:
				t.Errorf("%s: <%s %s=%q>: emails load nothing", name, n.Data, a.Key, a.Val)
			case key == "style" && cssLoads.MatchString(a.Val):
				t.Errorf("%s: <%s style=%q> loads something", name, n.Data, a.Val)
			case key == "href":
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "mailto:") && v != "#zgotmplz" {
					t.Errorf("%s: <%s href=%q>: want an absolute http(s) or mailto link", name, n.Data, a.Val)
				}
			case strings.HasPrefix(key, "on"):
				t.Errorf("%s: <%s %s=%q>: an event handler", name, n.Data, a.Key, a.Val)
			}
		}
		if n.DataAtom == atom.Meta && attr(n, "name") == "color-scheme" && strings.Contains(attr(n, "content"), "dark") {
			scheme = true
		}
	}
	if !scheme {
		t.Errorf("%s: no <meta name=color-scheme> declaring dark", name)
	}
	for _, s := range literal {
		if i := strings.Index(out, s); i >= 0 {
			t.Errorf("%s: %q unescaped in the HTML: …%s…", name, s, out[max(0, i-60):min(len(out), i+len(s)+60)])
		}
	}
}

// Text is the text of n and its descendants, runs of white space made one
// space, <br> read as a line break.
func Text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		switch {
		case d.Type == html.TextNode:
			b.WriteString(d.Data)
		case d.Type == html.ElementNode && d.DataAtom == atom.Br:
			b.WriteString("\n")
		}
	}
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}

// Links is the set of every href in doc.
func Links(doc *html.Node) map[string]bool {
	out := map[string]bool{}
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode {
			if h, ok := attrOK(n, "href"); ok {
				out[h] = true
			}
		}
	}
	return out
}

func attr(n *html.Node, key string) string {
	v, _ := attrOK(n, key)
	return v
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}
