package markdown

import (
	"errors"
	"fmt"
	"html"
	"html/template"
	"slices"
	"strconv"
	"strings"

	"github.com/cassidine/site/internal/shortcode"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// builtin is a shortcode the renderer provides.
type builtin struct {
	inner bool // takes inner content (must be paired)
	run   func(s *state, n *shortcode.Node, c *shortcode.Call) (*builtinResult, error)
}

type builtinResult struct {
	result
	markdown bool // text is markdown to copy into the page ({{% param %}})
}

// builtinNames lists the built-in shortcodes, for messages.
const builtinNames = "figure, highlight, param, ref, relref, vimeo, youtube"

func builtinFor(name string) (builtin, bool) {
	switch name {
	case "figure":
		return builtin{run: figure}, true
	case "highlight":
		return builtin{inner: true, run: highlight}, true
	case "param":
		return builtin{run: param}, true
	case "ref", "relref":
		return builtin{run: ref}, true
	case "vimeo":
		return builtin{run: vimeo}, true
	case "youtube":
		return builtin{run: youtube}, true
	}
	return builtin{}, false
}

// hugoOnly are Hugo's built-in shortcodes that this site does not have;
// most would load third-party content.
var hugoOnly = map[string]bool{
	"comment": true, "details": true, "gist": true, "instagram": true, "instagram_simple": true,
	"qr": true, "tweet": true, "twitter": true, "twitter_simple": true, "vimeo_simple": true,
	"x": true, "x_simple": true, "youtube_simple": true,
}

func unknown(name string) error {
	if hugoOnly[name] {
		return fmt.Errorf("unknown shortcode %q: Hugo has it built in, this site does not (built in here: %s; a site shortcode goes in layouts/shortcodes/%s.html)", name, builtinNames, name)
	}
	return fmt.Errorf("unknown shortcode %q: not built in (%s) and no site shortcode layouts/shortcodes/%s.html", name, builtinNames, name)
}

func (s *state) runBuiltin(b builtin, n *shortcode.Node, c *shortcode.Call) *builtinResult {
	prev, prevOff := s.call, s.callOff
	s.call, s.callOff = c, n.Start
	defer func() { s.call, s.callOff = prev, prevOff }()
	res, err := b.run(s, n, c)
	if err != nil {
		s.errorAt(n.Start, fmt.Errorf("%s: %w", n.Name, err))
		return nil
	}
	res.name, res.off = n.Name, n.Start
	return res
}

// link reports a link a built-in wrote, at the call's line.
func (s *state) link(l Link) {
	s.links = append(s.links, &linkAt{off: s.callOff, Link: l})
}

// args returns a call's arguments as text: positional ones in order,
// named ones by name.
func args(c *shortcode.Call) (pos []string, named map[string]string) {
	switch p := c.Params.(type) {
	case []any:
		for _, v := range p {
			pos = append(pos, fmt.Sprint(v))
		}
	case map[string]any:
		named = map[string]string{}
		for k, v := range p {
			named[k] = fmt.Sprint(v)
		}
	}
	return pos, named
}

// checkNames reports the first named argument that is neither allowed
// nor ignored.
func checkNames(named map[string]string, allowed, ignored []string) error {
	var bad []string
	for k := range named {
		if !slices.Contains(allowed, k) && !slices.Contains(ignored, k) {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	slices.Sort(bad)
	return fmt.Errorf("unknown argument %s (it takes %s)", bad[0], strings.Join(allowed, ", "))
}

// attrURL escapes a URL for an attribute as goldmark does for markdown
// links, refusing javascript: and the like unless raw HTML is allowed.
func (s *state) attrURL(what, u string) (string, error) {
	if !s.r.opts.Unsafe && ghtml.IsDangerousURL([]byte(u)) {
		return "", fmt.Errorf("%s %q: this kind of URL is not allowed", what, u)
	}
	return string(util.EscapeHTML(util.URLEscape([]byte(u), true))), nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

var figureArgs = []string{"src", "alt", "caption", "title", "link", "target", "rel", "width", "height", "loading", "class", "attr", "attrlink"}

// figure: {{< figure src="cat.jpg" alt="..." caption="..." >}}, as Hugo's.
func figure(s *state, _ *shortcode.Node, c *shortcode.Call) (*builtinResult, error) {
	pos, a := args(c)
	if len(pos) > 0 {
		return nil, errors.New(`takes named arguments: {{< figure src="cat.jpg" alt="A cat asleep" caption="..." >}}`)
	}
	if err := checkNames(a, figureArgs, nil); err != nil {
		return nil, err
	}
	if a["src"] == "" {
		return nil, errors.New(`src is missing: {{< figure src="cat.jpg" alt="A cat asleep" >}}`)
	}
	for _, k := range []string{"width", "height"} {
		if v, ok := a[k]; ok && !isDigits(v) {
			return nil, fmt.Errorf("%s %q: want a number of pixels, such as %s=640", k, v, k)
		}
	}
	if v, ok := a["loading"]; ok && v != "lazy" && v != "eager" {
		return nil, fmt.Errorf("loading %q: want lazy or eager", v)
	}
	src, err := s.attrURL("src", a["src"])
	if err != nil {
		return nil, err
	}
	var link, attrlink string
	if v, ok := a["link"]; ok {
		if link, err = s.attrURL("link", v); err != nil {
			return nil, err
		}
	}
	if v, ok := a["attrlink"]; ok {
		if attrlink, err = s.attrURL("attrlink", v); err != nil {
			return nil, err
		}
	}

	// Report the image before any links in the caption.
	img := len(s.links)
	s.link(Link{Dest: a["src"], Image: true, Shortcode: "figure"})
	if v, ok := a["link"]; ok {
		s.link(Link{Dest: v, Shortcode: "figure"})
	}
	if v, ok := a["attrlink"]; ok {
		s.link(Link{Dest: v, Shortcode: "figure"})
	}
	var caption, attr template.HTML
	if v := a["caption"]; v != "" {
		if caption, err = s.nested(v, false); err != nil {
			return nil, err
		}
	}
	if v := a["attr"]; v != "" {
		if attr, err = s.nested(v, false); err != nil {
			return nil, err
		}
	}
	alt, hasAlt := a["alt"]
	if !hasAlt {
		alt = plain(string(caption)) // as Hugo: the caption, as text
	}
	s.links[img].Alt = alt

	var b strings.Builder
	b.WriteString("<figure")
	if v := a["class"]; v != "" {
		fmt.Fprintf(&b, ` class="%s"`, escape(v))
	}
	b.WriteString(">\n")
	if link != "" {
		fmt.Fprintf(&b, `<a href="%s"`, link)
		for _, k := range []string{"target", "rel"} {
			if v := a[k]; v != "" {
				fmt.Fprintf(&b, ` %s="%s"`, k, escape(v))
			}
		}
		b.WriteString(">")
	}
	fmt.Fprintf(&b, `<img src="%s" alt="%s"`, src, escape(alt))
	for _, k := range []string{"width", "height", "loading"} {
		if v := a[k]; v != "" {
			fmt.Fprintf(&b, ` %s="%s"`, k, v)
		}
	}
	b.WriteString(">")
	if link != "" {
		b.WriteString("</a>")
	}
	b.WriteString("\n")
	title := a["title"]
	if title != "" || caption != "" || attr != "" {
		b.WriteString("<figcaption>")
		if title != "" {
			// Hugo writes an <h4>; a paragraph keeps the page's outline.
			fmt.Fprintf(&b, `<p class="figure-title">%s</p>`, escape(title))
		}
		if caption != "" || attr != "" {
			b.WriteString("<p>")
			b.WriteString(string(caption))
			if caption != "" && attr != "" {
				b.WriteString(" ")
			}
			if attrlink != "" {
				fmt.Fprintf(&b, `<a href="%s">`, attrlink)
			}
			b.WriteString(string(attr))
			if attrlink != "" {
				b.WriteString("</a>")
			}
			b.WriteString("</p>")
		}
		b.WriteString("</figcaption>\n")
	}
	b.WriteString("</figure>")
	words := title + " " + plain(string(caption)) + " " + plain(string(attr))
	return &builtinResult{result: result{html: b.String(), text: alt, words: words, block: true, ref: -1}}, nil
}

// plain returns HTML as text.
func plain(h string) string { return html.UnescapeString(shortcode.StripTags(h)) }

// highlight: {{< highlight go "linenos=table" >}}code{{< /highlight >}}.
// The site does not color code, so options after the language are
// accepted and ignored; the block renders as a fenced one does.
func highlight(s *state, n *shortcode.Node, c *shortcode.Call) (*builtinResult, error) {
	pos, a := args(c)
	if a != nil {
		return nil, errors.New(`takes the language and options, not named arguments: {{< highlight go "linenos=table" >}}`)
	}
	if len(pos) > 2 {
		return nil, errors.New(`takes the language and one string of options: {{< highlight go "linenos=table,hl_lines=2" >}}`)
	}
	// The inner content is code: nested shortcodes are text, escaped
	// ones show as {{< name >}}.
	start, end := n.Inner()
	var b strings.Builder
	at := start
	for _, ch := range n.Children {
		b.WriteString(s.sourceText(at, ch.Start))
		if ch.Escaped {
			b.WriteString(ch.Literal)
		} else {
			b.WriteString(s.sourceText(ch.Start, ch.End()))
		}
		at = ch.End()
	}
	b.WriteString(s.sourceText(at, end))
	cc := *c
	cc.Inner = template.HTML(b.String())
	code := strings.Trim(string(cc.InnerDeindent()), "\n\r")

	var h strings.Builder
	h.WriteString("<pre><code")
	if len(pos) > 0 && pos[0] != "" {
		fmt.Fprintf(&h, ` class="language-%s"`, escape(pos[0]))
	}
	h.WriteString(">")
	h.Write(util.EscapeHTML([]byte(code)))
	h.WriteString("\n</code></pre>")
	return &builtinResult{result: result{html: h.String(), text: code, block: true, ref: -1}}, nil
}

// ref, relref: {{< ref "articles/x.md#part" >}}. Both give the URL the
// page's Resolve returns, root-relative, so links work on any host
// (deploy previews too); Hugo's ref would give an absolute URL.
func ref(s *state, _ *shortcode.Node, c *shortcode.Call) (*builtinResult, error) {
	pos, a := args(c)
	p := ""
	switch {
	case a != nil:
		if _, ok := a["lang"]; ok {
			return nil, errors.New("lang is not supported: the site has one language")
		}
		if _, ok := a["outputFormat"]; ok {
			return nil, errors.New("outputFormat is not supported: pages have one format, HTML")
		}
		if err := checkNames(a, []string{"path"}, nil); err != nil {
			return nil, err
		}
		p = a["path"]
	case len(pos) == 1:
		p = pos[0]
	case len(pos) > 1:
		return nil, errors.New("takes one path: a language or output format is not supported (the site has one of each)")
	}
	if p == "" {
		return nil, fmt.Errorf(`the path is missing: {{< %s "articles/x.md" >}}`, c.Name)
	}
	url, i, err := s.refLink(p, c.Name)
	if err != nil {
		return nil, unwrapName(err, c.Name)
	}
	return &builtinResult{result: result{html: escape(url), text: url, ref: i}}, nil
}

// unwrapName drops the "ref: " refLink begins its errors with, since the
// caller prefixes the shortcode's name itself.
func unwrapName(err error, name string) error {
	msg := strings.TrimPrefix(err.Error(), name+" ")
	return errors.New(msg)
}

// param: {{< param "key" >}} prints a front matter parameter, else a
// site one; keys may be dotted. {{% param %}} makes it markdown.
func param(s *state, n *shortcode.Node, c *shortcode.Call) (*builtinResult, error) {
	pos, a := args(c)
	if a != nil || len(pos) != 1 {
		return nil, errors.New(`takes one parameter name: {{< param "author" >}}`)
	}
	v := c.Page.Param(pos[0])
	if v == nil {
		return nil, fmt.Errorf("%q is neither a front matter nor a site parameter", pos[0])
	}
	text := fmt.Sprint(v)
	if n.Markdown {
		return &builtinResult{result: result{text: text, ref: -1}, markdown: true}, nil
	}
	return &builtinResult{result: result{html: escape(text), text: text, words: text, ref: -1}}, nil
}

// A video renders as a link to the video's page with a poster drawn in
// the page itself: nothing loads from YouTube or Vimeo until a visitor
// clicks, and with no script or frame it needs nothing the site's CSP
// forbids. Layouts style .video, .video-link, .video-poster,
// .video-title and .video-site.
func video(site, class, url, title string) *builtinResult {
	var b strings.Builder
	b.WriteString(`<div class="video video-` + strings.ToLower(site))
	if class != "" {
		b.WriteString(" " + escape(class))
	}
	b.WriteString("\">\n")
	fmt.Fprintf(&b, `<a class="video-link" href="%s">`, escape(url))
	b.WriteString(`<svg class="video-poster" viewBox="0 0 16 9" aria-hidden="true" focusable="false"><rect width="16" height="9" fill="#222"/><circle cx="8" cy="4.5" r="1.8" fill="#fff"/><path d="M7.3 3.5v2l1.7-1z" fill="#222"/></svg>`)
	words := "Watch on " + site
	if title != "" {
		fmt.Fprintf(&b, `<span class="video-title">%s</span> `, escape(title))
		words = title + " " + words
	}
	fmt.Fprintf(&b, `<span class="video-site">Watch on %s</span></a>`+"\n</div>", site)
	return &builtinResult{result: result{html: b.String(), text: strings.TrimSpace(title + " (video on " + site + ")"), words: words, block: true, ref: -1}}
}

var (
	youtubeArgs    = []string{"id", "title", "start", "class"}
	youtubeIgnored = []string{"allowFullScreen", "autoplay", "controls", "end", "loading", "loop", "mute"}
)

// youtube: {{< youtube dQw4w9WgXcQ >}} or {{< youtube id=... title="..." start=30 >}}.
// Player options (autoplay, controls, end, loop, mute, loading,
// allowFullScreen) are accepted and ignored: there is no player here.
func youtube(s *state, _ *shortcode.Node, c *shortcode.Call) (*builtinResult, error) {
	pos, a := args(c)
	if len(pos) > 1 {
		return nil, errors.New("takes one positional argument, the video id; name the others: title=\"...\" start=30")
	}
	if err := checkNames(a, youtubeArgs, youtubeIgnored); err != nil {
		return nil, err
	}
	id := a["id"]
	if len(pos) == 1 {
		id = pos[0]
	}
	if id == "" {
		return nil, errors.New("the video id is missing: {{< youtube dQw4w9WgXcQ >}}")
	}
	if strings.ContainsAny(id, "/.:?=") {
		return nil, fmt.Errorf("%q is not a video id: give the id alone, the v= part of the video's URL", id)
	}
	for _, r := range id {
		if !(r == '-' || r == '_' || r < 128 && isLetterByte(byte(r)) || r >= '0' && r <= '9') {
			return nil, fmt.Errorf("%q is not a video id: ids hold letters, digits, - and _", id)
		}
	}
	url := "https://www.youtube.com/watch?v=" + id
	if v, ok := a["start"]; ok {
		if !isDigits(v) {
			return nil, fmt.Errorf("start %q: want seconds, such as start=90", v)
		}
		url += "&t=" + v + "s"
	}
	s.link(Link{Dest: url, Shortcode: "youtube"})
	return video("YouTube", a["class"], url, a["title"]), nil
}

// vimeo: {{< vimeo 55073825 >}} or {{< vimeo id=... title="..." >}}; as
// in Hugo, positional arguments are id, class, title and loading.
// loading and allowFullScreen are accepted and ignored.
func vimeo(s *state, _ *shortcode.Node, c *shortcode.Call) (*builtinResult, error) {
	pos, a := args(c)
	if len(pos) > 4 {
		return nil, errors.New("takes the id, class, title and loading")
	}
	if err := checkNames(a, []string{"id", "title", "class"}, []string{"loading", "allowFullScreen"}); err != nil {
		return nil, err
	}
	if a == nil {
		a = map[string]string{}
		for i, k := range []string{"id", "class", "title", "loading"} {
			if i < len(pos) {
				a[k] = pos[i]
			}
		}
	}
	id := a["id"]
	if id == "" {
		return nil, errors.New("the video id is missing: {{< vimeo 55073825 >}}")
	}
	if !isDigits(id) {
		return nil, fmt.Errorf("%q is not a video id: give the number at the end of the video's URL", id)
	}
	if _, err := strconv.Atoi(id); err != nil {
		return nil, fmt.Errorf("%q is not a video id", id)
	}
	url := "https://vimeo.com/" + id
	s.link(Link{Dest: url, Shortcode: "vimeo"})
	return video("Vimeo", a["class"], url, a["title"]), nil
}
