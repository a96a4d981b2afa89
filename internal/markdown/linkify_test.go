package markdown

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"golang.org/x/tools/txtar"
)

// gfmAs renders src with the site's extensions but GFM's given one, raw
// HTML kept (autolinks in it matter too).
func gfmAs(t testing.TB, ext goldmark.Extender, src []byte) string {
	t.Helper()
	md := goldmark.New(
		goldmark.WithExtensions(ext, extension.Footnote, extension.DefinitionList, extension.Typographer),
		goldmark.WithParserOptions(parser.WithAutoHeadingID(), parser.WithAttribute()),
	)
	var b bytes.Buffer
	if err := md.Convert(src, &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

var linkifyCases = []string{
	"see http://example.com, https://example.com/a?b=c#d and ftp://x.example.org.",
	"visit www.example.com/path (or (www.example.org)) *www.a.com* _http://b.com_ ~https://c.com~",
	"mail me@example.com, a.b+c@sub.example.co.uk. or not@home or @alone or x@y",
	"an email with a 64-character local part: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com",
	"a 65-character one: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com",
	"punct: !http://x.com ,www.y.com .z@example.com\ttab http://t.com",
	"[a link http://x.com](/y/) and ![img www.x.com](a.png) `code http://c.com`",
	"line end http:\nwww.\nhttps://\nftp:/x",
	"# heading http://h.com\n\n> quote me@q.com\n\n- item www.i.com\n\n| a | b |\n|---|---|\n| http://t.com | x@y.com |",
	"<span>raw http://r.com</span> &amp; http://e.com?a=1&amp;b=2",
	"two @ signs: a@ then b@example.com and c@d.org, then plain words\nnext line x@y.com\n\tindented a@b.co",
	"@start and end@\n@\nx @ y z@example.com.",
	"- item one@example.com\n  continued two@example.com\n> quoted three@example.com",
}

func TestQuickLinkify(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	srcs := linkifyCases
	for _, f := range files {
		ar, err := txtar.ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range ar.Files {
			if filepath.Ext(file.Name) == ".md" {
				srcs = append(srcs, string(file.Data))
			}
		}
	}
	for _, src := range srcs {
		if got, want := gfmAs(t, gfm, []byte(src)), gfmAs(t, extension.GFM, []byte(src)); got != want {
			t.Errorf("%q:\n got %s\nwant %s", src, got, want)
		}
	}
}

func FuzzQuickLinkify(f *testing.F) {
	for _, c := range linkifyCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if got, want := gfmAs(t, gfm, []byte(src)), gfmAs(t, extension.GFM, []byte(src)); got != want {
			t.Fatalf("%q:\n got %s\nwant %s", src, got, want)
		}
	})
}
