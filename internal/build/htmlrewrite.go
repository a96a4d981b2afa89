package build

import (
	"bytes"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/html"
)

// rewriteTags copies src, handing each start tag named in names to fn.
// A tag fn reports changed is written again from its token; everything
// else is copied byte for byte, so the markdown renderer's output stays as
// it was where nothing changed.
func rewriteTags(src []byte, names []string, fn func(t *html.Token) (changed bool, err error)) ([]byte, error) {
	z := html.NewTokenizer(bytes.NewReader(src))
	var out bytes.Buffer
	out.Grow(len(src) + len(src)/8)
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break // io.EOF: a bytes.Reader has no other errors
		}
		raw := z.Raw()
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			out.Write(raw)
			continue
		}
		name, more := z.TagName()
		if !slices.Contains(names, string(name)) {
			out.Write(raw)
			continue
		}
		raw = bytes.Clone(raw)
		tok := html.Token{Type: tt, Data: string(name)}
		for more {
			var k, v []byte
			k, v, more = z.TagAttr()
			tok.Attr = append(tok.Attr, html.Attribute{Key: string(k), Val: string(v)})
		}
		changed, err := fn(&tok)
		if err != nil {
			return nil, err
		}
		if changed {
			out.WriteString(tok.String())
		} else {
			out.Write(raw)
		}
	}
	return out.Bytes(), nil
}

// attr returns the value of a token's attribute.
func attr(t *html.Token, key string) (string, bool) {
	for _, a := range t.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// setAttr sets a token's attribute, adding it at the end if absent.
func setAttr(t *html.Token, key, val string) {
	for i, a := range t.Attr {
		if a.Namespace == "" && a.Key == key {
			t.Attr[i].Val = val
			return
		}
	}
	t.Attr = append(t.Attr, html.Attribute{Key: key, Val: val})
}

// absolutize makes every link and image address in an HTML fragment
// absolute against base (a page's permalink), for feeds: a feed reader
// resolves "#notes", "../other/" and "/about/" against the feed, or not
// at all, and lands on the home page.
func absolutize(src []byte, base string) ([]byte, error) {
	b, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	abs := func(ref string) string {
		ref = strings.TrimSpace(ref)
		u, err := url.Parse(ref)
		if err != nil || u.Scheme != "" || strings.HasPrefix(ref, "//") {
			return ref // already absolute, or not a URL to touch
		}
		return b.ResolveReference(u).String()
	}
	return rewriteTags(src, []string{"a", "img", "source", "video", "audio", "iframe", "link", "area"}, func(t *html.Token) (bool, error) {
		changed := false
		for i, a := range t.Attr {
			var v string
			switch a.Key {
			case "href", "src", "poster":
				v = abs(a.Val)
			case "srcset":
				cands := strings.Split(a.Val, ",")
				for j, c := range cands {
					fields := strings.Fields(c)
					if len(fields) > 0 {
						fields[0] = abs(fields[0])
					}
					cands[j] = strings.Join(fields, " ")
				}
				v = strings.Join(cands, ", ")
			default:
				continue
			}
			if v != a.Val {
				t.Attr[i].Val = v
				changed = true
			}
		}
		return changed, nil
	})
}

// firstParagraph returns the text of the first paragraph of an HTML
// fragment that has any (a paragraph holding only an image has none).
func firstParagraph(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	depth := 0 // inside <p>: how many open
	var b strings.Builder
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.EndTagToken:
			name, _ := z.TagName()
			if string(name) == "sup" && tt == html.StartTagToken && depth > 0 {
				skipElement(z, "sup") // a footnote's number is not part of the text
				continue
			}
			if string(name) != "p" {
				if depth > 0 {
					b.WriteByte(' ')
				}
				continue
			}
			if tt == html.StartTagToken {
				depth++
				continue
			}
			depth--
			if text := strings.Join(strings.Fields(b.String()), " "); depth == 0 && text != "" {
				return text
			}
			b.Reset()
		case html.TextToken:
			if depth > 0 {
				b.Write(z.Text())
			}
		}
	}
}

// skipElement advances z past the end of the element just opened.
func skipElement(z *html.Tokenizer, name string) {
	for depth := 1; depth > 0; {
		switch z.Next() {
		case html.ErrorToken:
			return
		case html.StartTagToken:
			if n, _ := z.TagName(); string(n) == name {
				depth++
			}
		case html.EndTagToken:
			if n, _ := z.TagName(); string(n) == name {
				depth--
			}
		}
	}
}
