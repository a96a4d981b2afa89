package shortcode

import (
	"errors"
	"html/template"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// run executes the named template for c and fails the test on error.
func run(t testing.TB, site Site, name string, c *Call) string {
	t.Helper()
	tmpl, ok := site.Shortcode(name)
	if !ok {
		t.Fatalf("Shortcode(%q): not found", name)
	}
	var b strings.Builder
	if err := tmpl.Execute(&b, c); err != nil {
		t.Fatalf("Execute %s: %v", name, err)
	}
	return b.String()
}

func TestLoadTemplates(t *testing.T) {
	fsys := fstest.MapFS{
		"layouts/shortcodes/cta.html":        {Data: []byte(`<a href="{{ .Get "href" | default "/book/" }}">{{ .Get "label" }}</a>`)},
		"layouts/shortcodes/note.html":       {Data: []byte(`{{ with .Inner }}<div>{{ . }}</div>{{ end }}`)},
		"layouts/shortcodes/code.html":       {Data: []byte(`<pre>{{ $.InnerDeindent }}</pre>`)},
		"layouts/shortcodes/blog/aside.html": {Data: []byte(`{{ if .Parent }}{{ .Parent.Name }}{{ end }}`)},
		"layouts/shortcodes/README.md":       {Data: []byte("not a template")},
		"layouts/partials/x.html":            {Data: []byte("elsewhere")},
	}
	ts, err := LoadTemplates(fsys, "layouts/shortcodes")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ts.Names(), []string{"blog/aside", "code", "cta", "note"}; !slices.Equal(got, want) {
		t.Errorf("Names: got %q, want %q", got, want)
	}
	for name, inner := range map[string]bool{"cta": false, "note": true, "code": true, "blog/aside": false} {
		tmpl, _ := ts.Shortcode(name)
		if tmpl.Inner() != inner {
			t.Errorf("%s: Inner() got %v, want %v", name, tmpl.Inner(), inner)
		}
	}
	got := run(t, ts, "cta", &Call{Params: map[string]any{"label": "Book <now>"}})
	if want := `<a href="/book/">Book &lt;now&gt;</a>`; got != want {
		t.Errorf("cta: got %s, want %s", got, want)
	}
	got = run(t, ts, "note", &Call{Inner: "<b>as is</b>"})
	if want := `<div><b>as is</b></div>`; got != want {
		t.Errorf("note: got %s, want %s", got, want)
	}
	got = run(t, ts, "code", &Call{Inner: "a\n  b\n    c", Indent: "  "})
	if want := "<pre>a\nb\n  c</pre>"; got != want {
		t.Errorf("code: got %q, want %q", got, want)
	}
	got = run(t, ts, "blog/aside", &Call{Parent: &Call{Name: "box"}})
	if got != "box" {
		t.Errorf("blog/aside: got %q, want %q", got, "box")
	}
}

func TestLoadTemplatesMissingDir(t *testing.T) {
	ts, err := LoadTemplates(fstest.MapFS{}, "layouts/shortcodes")
	if err != nil {
		t.Fatalf("missing dir: got %v, want no error", err)
	}
	if _, ok := ts.Shortcode("x"); ok {
		t.Errorf("missing dir: got a shortcode, want none")
	}
}

func TestLoadTemplatesErrors(t *testing.T) {
	fsys := fstest.MapFS{
		"sc/ok.html":       {Data: []byte(`fine`)},
		"sc/badfunc.html":  {Data: []byte("line one\n{{ .Get 0 | nosuchfunc }}")},
		"sc/unclosed.html": {Data: []byte("a\nb\n{{ if .Inner }}")},
	}
	ts, err := LoadTemplates(fsys, "sc")
	var fes FileErrors
	if !errors.As(err, &fes) {
		t.Fatalf("got %v, want FileErrors", err)
	}
	want := []string{
		`sc/badfunc.html:2: function "nosuchfunc" not defined`,
		`sc/unclosed.html:3: unexpected EOF`,
	}
	var got []string
	for _, e := range fes {
		got = append(got, e.Error())
	}
	if !slices.Equal(got, want) {
		t.Errorf("errors:\n got %q\nwant %q", got, want)
	}
	if _, ok := ts.Shortcode("ok"); !ok {
		t.Errorf("the template that parsed: got none, want it")
	}
}

func TestLoadTemplatesAs(t *testing.T) {
	fsys := fstest.MapFS{"shortcodes/bad.html": {Data: []byte("{{ end }}")}}
	_, err := LoadTemplatesAs(fsys, "shortcodes", "layouts/shortcodes")
	if want := `layouts/shortcodes/bad.html:1: unexpected {{end}}`; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestExecuteError(t *testing.T) {
	fsys := fstest.MapFS{"sc/x.html": {Data: []byte("ok\n{{ .Nope }}")}, "sc/e.html": {Data: []byte(`{{ errorf "need %s" "src" }}`)}}
	ts, err := LoadTemplates(fsys, "sc")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"x": `sc/x.html:2: at <.Nope>: can't evaluate field Nope in type *shortcode.Call`,
		"e": `sc/e.html:1: at <errorf "need %s" "src">: error calling errorf: need src`,
	} {
		tmpl, _ := ts.Shortcode(name)
		err := tmpl.Execute(&strings.Builder{}, &Call{})
		if err == nil || err.Error() != want {
			t.Errorf("%s: got %v, want %s", name, err, want)
		}
	}
}

func TestGet(t *testing.T) {
	pos := &Call{Params: []any{"a", 2}}
	named := &Call{Params: map[string]any{"src": "x.png", "n": 3}}
	none := &Call{}
	for _, tc := range []struct {
		c    *Call
		key  any
		want any
	}{
		{pos, 0, "a"},
		{pos, 1, 2},
		{pos, 2, ""},
		{pos, "src", nil},
		{named, "src", "x.png"},
		{named, "n", 3},
		{named, "alt", ""},
		{named, 0, nil},
		{none, 0, nil},
		{none, "src", nil},
	} {
		if got := tc.c.Get(tc.key); got != tc.want {
			t.Errorf("Get(%v) on %v: got %#v, want %#v", tc.key, tc.c.Params, got, tc.want)
		}
	}
}

func TestParam(t *testing.T) {
	p := &Page{
		Params: map[string]any{"Author": map[string]any{"name": "Ann"}, "tags": []string{"a"}},
		Site:   SiteData{Params: map[string]any{"phone": "555", "author": "site"}},
	}
	for key, want := range map[string]any{"author.name": "Ann", "AUTHOR.Name": "Ann", "phone": "555", "nope": nil, "author.nope": nil} {
		if got := p.Param(key); got != want {
			t.Errorf("Param(%q): got %#v, want %#v", key, got, want)
		}
	}
}

func TestRenderString(t *testing.T) {
	var gotBlock bool
	p := &Page{Render: func(md string, block bool) (template.HTML, error) {
		gotBlock = block
		return template.HTML("<em>" + md + "</em>"), nil
	}}
	if h, err := p.RenderString("x"); err != nil || h != "<em>x</em>" || gotBlock {
		t.Errorf("RenderString(x): got %q, %v, block %v; want <em>x</em>, inline", h, err, gotBlock)
	}
	if _, err := p.RenderString(map[string]any{"display": "block"}, "x"); err != nil || !gotBlock {
		t.Errorf("RenderString(block, x): got %v, block %v; want block", err, gotBlock)
	}
	if _, err := p.RenderString(map[string]any{"display": "wide"}, "x"); err == nil {
		t.Errorf("RenderString(display wide): got no error, want one")
	}
	if _, err := (&Page{}).RenderString("x"); err == nil {
		t.Errorf("RenderString without renderer: got no error, want one")
	}
}

func TestBind(t *testing.T) {
	fsys := fstest.MapFS{"sc/m.html": {Data: []byte(`{{ .Get 0 | markdownify }} {{ ref . "a.md" }}`)}}
	ts, err := LoadTemplates(fsys, "sc")
	if err != nil {
		t.Fatal(err)
	}
	c := &Call{Params: []any{"*x*"}}
	tmpl, _ := ts.Shortcode("m")
	if err := tmpl.Execute(&strings.Builder{}, c); err == nil || !strings.Contains(err.Error(), "markdownify: no markdown renderer here") {
		t.Errorf("unbound markdownify: got %v, want an error saying there is no renderer", err)
	}
	bound := ts.Bind(Funcs{
		Markdownify: func(md string) (template.HTML, error) {
			return template.HTML("<em>" + strings.Trim(md, "*") + "</em>"), nil
		},
		Ref: func(p string) (string, error) { return "/" + strings.TrimSuffix(p, ".md") + "/", nil },
	})
	if got, want := run(t, bound, "m", c), "<em>x</em> /a/"; got != want {
		t.Errorf("bound: got %q, want %q", got, want)
	}
}

func TestFuncs(t *testing.T) {
	fsys := fstest.MapFS{"sc/f.html": {Data: []byte(`{{ default "d" (.Get "a") }}|{{ default "d" (.Get "b") }}|{{ cond true "y" "n" }}|{{ lower "AB" }}{{ upper "cd" }}|{{ trim "--x--" "-" }}|{{ replace "a-b" "-" "+" }}|{{ plainify "<b>x</b>" }}|{{ safeHTML "<i>i</i>" }}|{{ (dict "k" "v").k }}|{{ index (slice 1 2) 1 }}`)}}
	ts, err := LoadTemplates(fsys, "sc")
	if err != nil {
		t.Fatal(err)
	}
	got := run(t, ts, "f", &Call{Params: map[string]any{"a": "A", "b": ""}})
	// html/template escapes + as &#43;.
	if want := "A|d|y|abCD|x|a&#43;b|x|<i>i</i>|v|2"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
