package assets

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/parse/v2"
)

// referenceHTML is tdewolff's minification of src, which MinifyHTML must
// match.
func referenceHTML(t testing.TB, src string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := NewMinifier().Minify(HTML, &out, strings.NewReader(src))
	return out.String(), err
}

// mirrored runs MinifyHTML's own path on src: ok is false when it leaves
// src to tdewolff's minifier.
func mirrored(t testing.TB, src string) (out string, ok bool) {
	t.Helper()
	in := []byte(src)
	z := new(htmlState)
	b, err := z.minify(NewMinifier(), []byte("prefix:"), in)
	if string(in) != src {
		t.Fatalf("MinifyHTML changed its input %q to %q", src, in)
	}
	if err == errNotMirrored {
		return "", false
	}
	if err != nil {
		t.Fatalf("%q: %v", src, err)
	}
	if !bytes.HasPrefix(b, []byte("prefix:")) {
		t.Fatalf("%q: the output does not follow dst: %q", src, b)
	}
	return string(b[len("prefix:"):]), true
}

// checkHTML fails unless MinifyHTML writes what tdewolff does for src,
// and reports whether it did so itself.
func checkHTML(t testing.TB, src string) bool {
	t.Helper()
	want, werr := referenceHTML(t, src)
	got, err := MinifyHTML(NewMinifier(), nil, []byte(src))
	if (err != nil) != (werr != nil) || string(got) != want && werr == nil {
		t.Fatalf("MinifyHTML(%q)\n got %q, %v\nwant %q, %v", src, got, err, want, werr)
	}
	out, ok := mirrored(t, src)
	if ok && (out != want || werr != nil) {
		t.Fatalf("minify(%q)\n got %q\nwant %q, %v", src, out, want, werr)
	}
	return ok
}

// The kinds of HTML the site writes, and the corners of tdewolff's rules.
var htmlCases = []string{
	"",
	"plain text",
	"  lead and trail  ",
	"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title> A  &amp; B </title>\n</head>\n<body>\n<p>x</p>\n</body>\n</html>\n",
	"<!doctype html><html><head></head><body></body></html>",
	"<p>one\ntwo  three</p>\n<p>four</p>",
	"<p>a <em>b</em> c</p>  <div> d </div>",
	"<p>tail <em>x</em> </p>",
	"<li><a href=\"/x/\">x</a> <time>y</time></li>",
	"<span> a </span> <span> b </span>",
	"<i></i> text",
	"<b> </b>",
	"<p>&quot;q&quot; &#39;s&#39; &amp; &lt; &gt; &#43; &rsquo; &hellip; &nbsp;&ndash;&amp;amp;</p>",
	"<p>&#34;x&#34; &#x27;y&#x27; &amp;amp; &am &;</p>",
	"<pre><code class=\"language-go\">func  main() {\n\t&quot;x&quot;\n}\n</code></pre>\n<p>after</p>",
	"<textarea> keep  this </textarea> x",
	"<script type=\"application/ld+json\">{\"a\": 1,\n \"b\": \"\\u003c/x\\u003e\"}</script>",
	"<script>  var  x = 1 ;</script>",
	"<script src=\"/a.js\" charset=\"utf-8\"></script>",
	"<script></script><style></style>x",
	"<style>\n  a { color : red ; }\n</style>",
	"<p style=\" color : red ; \">x</p>",
	"<button onclick=\"javascript: f( 1 )\">x</button>",
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1.0\">",
	"<meta name=\" keywords \" content=\"a, b, c\">",
	"<meta property=\"og:title\" content=\"Tom&#39;s &#34;Q&#34; &amp; A\">",
	"<a href=\" HTTPS://Example.com/x \" class=\" a  b \" id=\"\" title=\"a &#34;q&#34;\">x</a>",
	"<a href=\"HTTP://x.example/\" name=\"n\" id=\"n\">x</a>",
	"<a title='it&#39;s \"x\"'>x</a> <a title=\"it's\">y</a> <a title='plain'>z</a>",
	"<img src=\"data:text/plain,hello%20world\" alt=\"\">",
	"<img src=\"/a.png\" alt=\"A\" width=\"10\" height=\"20\" loading=\"lazy\" decoding=\"async\">",
	"<input type=\"text\" value=\"\"><input type=\"radio\" value=\"on\"><input type=checkbox checked disabled>",
	"<input value=\"\" type=\"text\">",
	"<form action=\"\" method=\"post\"><select name=\"s\">\n<option value=\"1\">One</option>\n<option>Two</option>\n</select></form>",
	"<table>\n<colgroup><col></colgroup>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n</table>",
	"<colgroup span=\"2\"></colgroup>",
	"<p>a<!-- comment -->b<!--[if IE]>x<![endif]--> c</p>\n<!-- raw HTML omitted -->\n<p>d</p>",
	"<P CLASS=\"X\">Upper</P ><BR/>",
	"<br/><hr /><img src=x.png>",
	"<a href=/x/>unquoted</a>",
	"<sup id=\"fnref:1\"><a href=\"#fn:1\" class=\"footnote-ref\" role=\"doc-noteref\">1</a></sup>",
	"<section class=\"footnotes\" role=\"doc-endnotes\">\n<hr>\n<ol>\n<li id=\"fn:1\">\n<p>Note.&#160;<a href=\"#fnref:1\" class=\"footnote-backref\" role=\"doc-backlink\">&#x21a9;&#xfe0e;</a></p>\n</li>\n</ol>\n</section>",
	"<dl>\n<dt>Term</dt>\n<dd>Def</dd>\n</dl>",
	"<ul>\n<li><input checked=\"\" disabled=\"\" type=\"checkbox\"> done</li>\n</ul>",
	"<blockquote>\n<p>q</p>\n</blockquote>",
	"<h2 id=\"x\"><a class=\"anchor\" href=\"#x\">X</a></h2>\n",
	"<figure><img src=\"/a.png\" alt=\"\"><figcaption>Cap </figcaption></figure>",
	"<label for=\"x\">L</label> <input id=\"x\">",
	"<template><p>t</p></template> <p>x</p>",
	"<custom-el data-x=\" 1 \">c</custom-el> <x-y>d</x-y>",
	"<details><summary>S</summary>\n<p>x</p></details>",
	"x < y and 1<2 and </> and a<",
	"<p>" + strings.Repeat("<b>x</b>", 60) + " </p>",
	"<p>a " + strings.Repeat("</b>", 120) + "<div>x</div>",
	"<iframe src=\"/x\"> <p>x</p> </iframe>",
	"<title>a</title><xmp> <b> </xmp>",
	"<noscript><p>x</p></noscript>",
	"<svg viewBox=\"0 0 1 1\"><path d=\"M0 0\"/></svg>",
	"<math><mi>x</mi></math>",
	"<![CDATA[x]]>",
	"<?xml version=\"1.0\"?>",
	"<!bogus>",
	"</ x>",
	"<p unclosed",
	"<a href=\"unclosed>",
	"x\x00y",
	"<!-- unterminated",
	"<script><!-- x --></script>",
	"<script>x</script2>y",
	"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\">",
	"<style amp-boilerplate>body{}</style>",
	"<a b=c=d>x</a>",
	"<a /b>x</a>",
	"<link rel=\"stylesheet\" href=\"/a.css\" type=\" Text/CSS \"><a type=\"text/html\">x</a>",
}

func TestMinifyHTML(t *testing.T) {
	fast := 0
	for _, c := range htmlCases {
		if checkHTML(t, c) {
			fast++
		}
	}
	// The point is speed: the site's kinds of HTML take the fast path.
	for _, c := range htmlCases[:54] {
		if _, ok := mirrored(t, c); !ok {
			t.Errorf("left to tdewolff's minifier: %q", c)
		}
	}
	t.Logf("%d of %d cases mirrored", fast, len(htmlCases))
}

// TestHTMLTraits checks the copied element and attribute traits against
// tdewolff's minifier, element by element and attribute by attribute:
// each shows in how white space around an element, or an attribute's
// value, is written.
func TestHTMLTraits(t *testing.T) {
	for h := range tagTraitMap {
		name := h.String()
		for _, f := range []string{
			"x <%[1]s>y</%[1]s> z",
			"<p>x <%[1]s> y </%[1]s> </p>",
			"<div> <%[1]s></%[1]s> x</div>",
			"a <%[1]s/> b",
			"<%[1]s class=\" c \" href=\" http://x \"> t </%[1]s>",
		} {
			checkHTML(t, fmt.Sprintf(f, name))
		}
	}
	for h := range attrTraitMap {
		name := h.String()
		for _, f := range []string{
			"<div %[1]s=\" HTTP://a  &amp;  b \">x</div>",
			"<div %[1]s>x</div>",
			"<div %[1]s=\"\">x</div>",
			"<custom-el %[1]s=\" a \">x</custom-el>",
		} {
			checkHTML(t, fmt.Sprintf(f, name))
		}
	}
	// And names it does not know.
	checkHTML(t, "x <unknown> y </unknown> z <p unknown=\" a  b \">q</p>")
}

func FuzzMinifyHTML(f *testing.F) {
	for _, c := range htmlCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, src string) {
		want, werr := referenceHTML(t, src)
		if got, ok := mirrored(t, src); ok && (werr != nil || got != want) {
			t.Fatalf("minify(%q)\n got %q\nwant %q, %v", src, got, want, werr)
		}
	})
}

// FuzzTextUnchanged checks the shortcut that skips rewriting text.
func FuzzTextUnchanged(f *testing.F) {
	for _, s := range []string{"", "a b\nc", "a  b", "a\tb", "tail ", " lead", "x&amp;y", "&ab", "a \n", "12345678 12345678\n\n", "1234567 \n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if textUnchanged([]byte(s)) {
			if got := parse.ReplaceMultipleWhitespaceAndEntities([]byte(s), html.EntitiesMap, html.TextRevEntitiesMap); string(got) != s {
				t.Fatalf("textUnchanged(%q), but it is rewritten as %q", s, got)
			}
		}
	})
}
