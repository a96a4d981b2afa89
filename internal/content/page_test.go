package content

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// chicago is a fixed zone standing in for a site's timeZone, so date tests
// do not depend on the system's zone database.
var chicago = time.FixedZone("CST", -6*60*60)

const articleFile = "content/articles/x.md"

// mustParse parses src as content file rel and fails the test on error.
func mustParse(t testing.TB, rel, src string) *Page {
	t.Helper()
	p, err := Parse("content/"+rel, rel, []byte(src), chicago)
	if err != nil {
		t.Fatalf("Parse(%q): unexpected error:\n%v", rel, err)
	}
	if p == nil {
		t.Fatalf("Parse(%q): got nil page and nil error", rel)
	}
	return p
}

// parseErrors parses src as content/articles/x.md (or rel) and returns the
// lines of the error it reports, failing the test when there is none.
func parseErrors(t testing.TB, rel, src string) []string {
	t.Helper()
	_, err := Parse("content/"+rel, rel, []byte(src), chicago)
	if err == nil {
		t.Fatalf("Parse(%q): got no error, want one", rel)
	}
	return strings.Split(err.Error(), "\n")
}

// checkErrors asserts that got has exactly one line per want, in order,
// each starting with its want (which holds the file:line: prefix and the
// start of the message).
func checkErrors(t testing.TB, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d errors, want %d:\n got: %s\nwant: %s", len(got), len(want), strings.Join(got, "\n      "), strings.Join(want, "\n      "))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("error %d: got %q, want prefix %q", i+1, got[i], want[i])
		}
	}
}

func checkTime(t testing.TB, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
	_, gotOff := got.Zone()
	_, wantOff := want.Zone()
	if gotOff != wantOff {
		t.Errorf("%s: got offset %d, want %d (%v vs %v)", what, gotOff, wantOff, got, want)
	}
}

const yamlAllKeys = `---
title: "Hello: World"
date: 2026-11-02T09:00:00-05:00
lastmod: 2026-11-20
description: A summary of the article.
tags: [operations, "strategy"]
draft: true
slug: hello-world
aliases:
  - /old/
  - /older/path/
image: /images/hello.png
layout: wide
toc: false
hero: big
count: 3
related: [a, b]
author:
  name: Ann
---
# Body

Text.
`

const tomlAllKeys = `+++
title = "Hello: World"
date = 2026-11-02T09:00:00-05:00
lastmod = 2026-11-20
description = "A summary of the article."
tags = ["operations", "strategy"]
draft = true
slug = "hello-world"
aliases = ["/old/", "/older/path/"]
image = "/images/hello.png"
layout = "wide"
toc = false
hero = "big"
count = 3
related = ["a", "b"]

[author]
name = "Ann"
+++
# Body

Text.
`

func TestParseAllKeys(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		count     any // numbers decode as int from YAML, int64 from TOML
		bodyLine  int
		imageLine int
	}{
		{"yaml", yamlAllKeys, 3, 21, 12},
		{"toml", tomlAllKeys, int64(3), 20, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustParse(t, "articles/some-file.md", tc.src)
			if p.Kind != KindArticle {
				t.Errorf("Kind: got %q, want %q", p.Kind, KindArticle)
			}
			if p.File != "content/articles/some-file.md" {
				t.Errorf("File: got %q, want %q", p.File, "content/articles/some-file.md")
			}
			if p.Title != "Hello: World" {
				t.Errorf("Title: got %q, want %q", p.Title, "Hello: World")
			}
			checkTime(t, "Date", p.Date, time.Date(2026, 11, 2, 9, 0, 0, 0, time.FixedZone("", -5*60*60)))
			checkTime(t, "Lastmod", p.Lastmod, time.Date(2026, 11, 20, 0, 0, 0, 0, chicago))
			if p.Description != "A summary of the article." {
				t.Errorf("Description: got %q, want %q", p.Description, "A summary of the article.")
			}
			if want := []string{"operations", "strategy"}; !slices.Equal(p.Tags, want) {
				t.Errorf("Tags: got %q, want %q", p.Tags, want)
			}
			if !p.Draft {
				t.Errorf("Draft: got false, want true")
			}
			if p.Slug != "hello-world" {
				t.Errorf("Slug: got %q, want %q", p.Slug, "hello-world")
			}
			if p.URL != "/articles/hello-world/" {
				t.Errorf("URL: got %q, want %q", p.URL, "/articles/hello-world/")
			}
			if want := []string{"/old/", "/older/path/"}; !slices.Equal(p.Aliases, want) {
				t.Errorf("Aliases: got %q, want %q", p.Aliases, want)
			}
			if p.Image != "/images/hello.png" {
				t.Errorf("Image: got %q, want %q", p.Image, "/images/hello.png")
			}
			if p.Layout != "wide" {
				t.Errorf("Layout: got %q, want %q", p.Layout, "wide")
			}
			if p.TOC == nil || *p.TOC {
				t.Errorf("TOC: got %v, want pointer to false", p.TOC)
			}
			wantParams := map[string]any{
				"hero":    "big",
				"count":   tc.count,
				"related": []any{"a", "b"},
			}
			if want := []string{"Ann"}; !slices.Equal(p.Authors, want) {
				t.Errorf("Authors: got %q, want %q", p.Authors, want)
			}
			if !reflect.DeepEqual(p.Params, wantParams) {
				t.Errorf("Params: got %#v, want %#v", p.Params, wantParams)
			}
			if got, want := string(p.Body), "# Body\n\nText.\n"; got != want {
				t.Errorf("Body: got %q, want %q", got, want)
			}
			if p.BodyLine != tc.bodyLine {
				t.Errorf("BodyLine: got %d, want %d", p.BodyLine, tc.bodyLine)
			}
			for key, want := range map[string]int{"title": 2, "date": 3, "description": 5, "tags": 6, "slug": 8, "aliases": 9, "image": tc.imageLine} {
				if got := p.KeyLine(key); got != want {
					t.Errorf("KeyLine(%q): got %d, want %d", key, got, want)
				}
			}
			if got := p.KeyLine("absent"); got != 1 {
				t.Errorf("KeyLine(absent): got %d, want 1", got)
			}
		})
	}
}

func TestParseOptionalKeysAbsent(t *testing.T) {
	p := mustParse(t, "about.md", "---\ntitle: About\n---\nHi.\n")
	if p.TOC != nil {
		t.Errorf("TOC: got %v, want nil (the layout decides)", *p.TOC)
	}
	if p.Params != nil {
		t.Errorf("Params: got %v, want nil", p.Params)
	}
	if p.Draft || !p.Date.IsZero() || !p.Lastmod.IsZero() || p.Description != "" || len(p.Tags) != 0 || len(p.Aliases) != 0 {
		t.Errorf("got %+v, want only Title, Kind, Slug, URL and Body set", p)
	}
}

func TestParseKindAndURL(t *testing.T) {
	for _, tc := range []struct {
		rel      string
		wantKind Kind
		wantURL  string
		wantSlug string
	}{
		{"_index.md", KindHome, "/", ""},
		{"articles/_index.md", KindSection, "/articles/", ""},
		{"articles/x.md", KindArticle, "/articles/x/", "x"},
		{"articles/What Is a COO.md", KindArticle, "/articles/what-is-a-coo/", "what-is-a-coo"},
		{"about.md", KindPage, "/about/", "about"},
		{"Privacy_Policy.md", KindPage, "/privacy_policy/", "privacy_policy"}, // as Hugo: lower case, _ kept
	} {
		t.Run(tc.rel, func(t *testing.T) {
			src := "---\ntitle: T\ndate: 2026-01-02\ndescription: D\n---\n"
			p := mustParse(t, tc.rel, src)
			if p.Kind != tc.wantKind {
				t.Errorf("Kind: got %q, want %q", p.Kind, tc.wantKind)
			}
			if p.URL != tc.wantURL {
				t.Errorf("URL: got %q, want %q", p.URL, tc.wantURL)
			}
			if tc.wantSlug != "" && p.Slug != tc.wantSlug {
				t.Errorf("Slug: got %q, want %q", p.Slug, tc.wantSlug)
			}
		})
	}
}

func TestParseSlugFromFrontMatter(t *testing.T) {
	for _, tc := range []struct {
		rel, src, wantURL string
	}{
		{"articles/2026-11-02-long-file-name.md", "---\ntitle: T\ndate: 2026-01-02\ndescription: D\nslug: short\n---\n", "/articles/short/"},
		{"services.md", "+++\ntitle = 'T'\nslug = 'what-we-do'\n+++\n", "/what-we-do/"},
	} {
		p := mustParse(t, tc.rel, tc.src)
		if p.URL != tc.wantURL {
			t.Errorf("%s: URL: got %q, want %q", tc.rel, p.URL, tc.wantURL)
		}
	}
}

func TestParseLastmod(t *testing.T) {
	const head = "---\ntitle: T\ndescription: D\ndate: 2026-03-04 10:30\n"
	p := mustParse(t, "articles/x.md", head+"---\n")
	checkTime(t, "Lastmod defaulted", p.Lastmod, time.Date(2026, 3, 4, 10, 30, 0, 0, chicago))
	checkTime(t, "Date", p.Date, p.Lastmod)

	p = mustParse(t, "articles/x.md", head+"lastmod: 2026-05-06\n---\n")
	checkTime(t, "Lastmod set", p.Lastmod, time.Date(2026, 5, 6, 0, 0, 0, 0, chicago))

	// A page without a date has neither.
	p = mustParse(t, "about.md", "---\ntitle: T\n---\n")
	if !p.Date.IsZero() || !p.Lastmod.IsZero() {
		t.Errorf("undated page: got Date %v, Lastmod %v, want both zero", p.Date, p.Lastmod)
	}
}

func TestParseCRLFAndBOM(t *testing.T) {
	for _, tc := range []struct {
		name, src string
	}{
		{"yaml crlf", "---\r\ntitle: Hello\r\ndate: 2026-01-02\r\ndescription: D\r\ntags: [a, b]\r\n---\r\nBody\r\n"},
		{"yaml bom", "\ufeff---\ntitle: Hello\ndate: 2026-01-02\ndescription: D\ntags: [a, b]\n---\nBody\n"},
		{"yaml bom crlf", "\ufeff---\r\ntitle: Hello\r\ndate: 2026-01-02\r\ndescription: D\r\ntags: [a, b]\r\n---\r\nBody\r\n"},
		{"toml crlf", "+++\r\ntitle = 'Hello'\r\ndate = 2026-01-02\r\ndescription = 'D'\r\ntags = ['a', 'b']\r\n+++\r\nBody\r\n"},
		{"toml bom crlf", "\ufeff+++\r\ntitle = 'Hello'\r\ndate = 2026-01-02\r\ndescription = 'D'\r\ntags = ['a', 'b']\r\n+++\r\nBody\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustParse(t, "articles/x.md", tc.src)
			if p.Title != "Hello" {
				t.Errorf("Title: got %q, want %q (no stray \\r)", p.Title, "Hello")
			}
			if want := []string{"a", "b"}; !slices.Equal(p.Tags, want) {
				t.Errorf("Tags: got %q, want %q", p.Tags, want)
			}
			checkTime(t, "Date", p.Date, time.Date(2026, 1, 2, 0, 0, 0, 0, chicago))
			if p.BodyLine != 7 {
				t.Errorf("BodyLine: got %d, want 7", p.BodyLine)
			}
			if got := strings.TrimRight(string(p.Body), "\r\n"); got != "Body" {
				t.Errorf("Body: got %q, want %q", p.Body, "Body")
			}
			if got := p.KeyLine("tags"); got != 5 {
				t.Errorf("KeyLine(tags): got %d, want 5", got)
			}
		})
	}
	// Errors in a CRLF file with a BOM name the same lines as in an LF file.
	got := parseErrors(t, "articles/x.md", "\ufeff---\r\ntitle: T\r\ndate: 2026-01-02\r\ndescription: D\r\ndraft: maybe\r\n---\r\n")
	checkErrors(t, got, []string{articleFile + ":5: front matter: draft must be true or false"})
}

func TestParseBodyLine(t *testing.T) {
	for _, tc := range []struct {
		name, src, wantBody string
		wantLine            int
	}{
		{"yaml", "---\ntitle: T\n---\nBody\n", "Body\n", 4},
		{"blank line first", "---\ntitle: T\n---\n\nBody\n", "\nBody\n", 4},
		{"empty front matter lines", "---\n\ntitle: T\n\n---\nBody", "Body", 6},
		{"toml", "+++\ntitle = 'T'\n\nfoo = 1\n+++\nBody\n", "Body\n", 6},
		{"closing line has trailing space", "---\ntitle: T\n---  \nBody\n", "Body\n", 4},
		{"opening line has trailing space", "--- \ntitle: T\n---\nBody\n", "Body\n", 4},
		{"no body", "---\ntitle: T\n---\n", "", 4},
		{"no body, no final newline", "---\ntitle: T\n---", "", 4},
		{"bom", "\ufeff---\ntitle: T\n---\nBody\n", "Body\n", 4},
		{"crlf", "---\r\ntitle: T\r\n---\r\nBody\r\n", "Body\r\n", 4},
		{"delimiter inside body", "---\ntitle: T\n---\nBody\n---\nMore\n", "Body\n---\nMore\n", 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustParse(t, "about.md", tc.src)
			if p.BodyLine != tc.wantLine {
				t.Errorf("BodyLine: got %d, want %d", p.BodyLine, tc.wantLine)
			}
			if string(p.Body) != tc.wantBody {
				t.Errorf("Body: got %q, want %q", p.Body, tc.wantBody)
			}
		})
	}
}

// TestParseKeyLinesAfterPaddedDelimiter checks that trailing blanks on the
// opening line do not shift the lines that errors name.
func TestParseKeyLinesAfterPaddedDelimiter(t *testing.T) {
	for _, open := range []string{"--- ", "---\t", "---  \r"} {
		got := parseErrors(t, "about.md", open+"\ntitle: T\nslug: Not A Slug\n---\n")
		checkErrors(t, got, []string{"content/about.md:3: front matter: slug \"Not A Slug\""})
	}
	got := parseErrors(t, "about.md", "+++ \ntitle = 'T'\nslug = 'Not A Slug'\n+++\n")
	checkErrors(t, got, []string{"content/about.md:3: front matter: slug \"Not A Slug\""})
}

func TestParseErrors(t *testing.T) {
	const ok = "title: T\ndate: 2026-01-02\ndescription: D\n" // lines 2-4
	for _, tc := range []struct {
		name string
		rel  string // default articles/x.md
		src  string
		want []string
	}{
		{"empty file", "", "", []string{
			articleFile + ":1: front matter: missing"}},
		{"no front matter", "", "# Title\n\nText\n", []string{
			articleFile + ":1: front matter: missing"}},
		{"front matter not at the start", "", "\n---\ntitle: T\n---\n", []string{
			articleFile + ":1: front matter: missing"}},
		{"unclosed yaml", "", "---\n" + ok + "\nBody\n", []string{
			articleFile + ":1: front matter: no closing --- line"}},
		{"unclosed toml", "", "+++\ntitle = 'T'\n", []string{
			articleFile + ":1: front matter: no closing +++ line"}},
		{"mismatched delimiters", "", "---\ntitle: T\n+++\n", []string{
			articleFile + ":1: front matter: no closing --- line"}},
		{"invalid yaml: mapping value", "", "---\n" + ok + "image: a: b\n---\n", []string{
			articleFile + ":5: front matter: invalid YAML: mapping values are not allowed"}},
		{"invalid yaml: bad token", "", "---\n" + ok + "@image: x\n---\n", []string{
			articleFile + ":5: front matter: invalid YAML: found character that cannot start any token"}},
		{"invalid yaml: unterminated quote", "", "---\n" + ok + "image: \"x\nlayout: y\n---\n", []string{
			articleFile + ":5: front matter: invalid YAML:"}},
		{"invalid yaml: bad indentation", "", "---\n" + ok + "tags:\n  - a\n - b\n---\n", []string{
			articleFile + ":7: front matter: invalid YAML: did not find expected key"}},
		{"invalid yaml: unclosed list", "", "---\n" + ok + "tags: [a, b\nlayout: x\n---\n", []string{
			articleFile + ":5: front matter: invalid YAML: did not find expected ',' or ']'"}},
		{"invalid yaml: list item among keys", "", "---\n" + ok + "- a\n---\n", []string{
			articleFile + ":5: front matter: invalid YAML: did not find expected key"}},
		{"invalid yaml: unclosed map", "", "---\n" + ok + "author: {name: A\nlayout: x\n---\n", []string{
			articleFile + ":5: front matter: invalid YAML: did not find expected ',' or '}'"}},
		{"invalid yaml: stray quote", "", "---\n" + ok + "image: 'it's'\n---\n", []string{
			articleFile + ":5: front matter: invalid YAML: did not find expected key"}},
		{"invalid yaml: nested indentation", "", "---\n" + ok + "author:\n  name: A\n  url: B\n mail: C\n---\n", []string{
			articleFile + ":8: front matter: invalid YAML: did not find expected key"}},
		{"invalid yaml: tab indentation", "", "---\n" + ok + "author:\n\tname: A\n---\n", []string{
			articleFile + ":6: front matter: invalid YAML: found character that cannot start any token"}},
		{"yaml list", "", "---\n- title\n- date\n---\n", []string{
			articleFile + ":2: front matter: want key: value pairs, got a list"}},
		{"yaml list after comment", "", "---\n# comment\n\n- title\n---\n", []string{
			articleFile + ":4: front matter: want key: value pairs, got a list"}},
		{"yaml scalar", "", "---\njust text\n---\n", []string{
			articleFile + ":2: front matter: want key: value pairs, got a single value"}},
		{"invalid toml", "", "+++\ntitle = 'T'\ndescription = \n+++\n", []string{
			articleFile + ":3: toml:"}},
		{"toml duplicate key", "", "+++\ntitle = 'T'\n\ntitle = 'U'\n+++\n", []string{
			articleFile + ":4: toml:"}},
		{"missing title", "", "---\ndate: 2026-01-02\ndescription: D\n---\n", []string{
			articleFile + ":1: front matter: title is required"}},
		{"empty title", "", "---\ndate: 2026-01-02\ntitle: \" \"\ndescription: D\n---\n", []string{
			articleFile + ":3: front matter: title is required"}},
		{"missing title on a page", "about.md", "---\nimage: /x.png\n---\n", []string{
			"content/about.md:1: front matter: title is required"}},
		{"missing title toml", "", "+++\ndate = 2026-01-02\ndescription = 'D'\n+++\n", []string{
			articleFile + ":1: front matter: title is required"}},
		{"missing date", "", "---\ntitle: T\ndescription: D\n---\n", []string{
			articleFile + ":1: front matter: date is required for articles"}},
		{"bad date", "", "---\ntitle: T\ndescription: D\ndate: 2026-02-30\n---\n", []string{
			articleFile + ":4: front matter: date: \"2026-02-30\" is not a date"}},
		{"date not text", "", "---\ntitle: T\ndescription: D\ndate: [2026]\n---\n", []string{
			articleFile + ":4: front matter: date: want a date"}},
		{"empty date", "", "---\ntitle: T\ndescription: D\ndate:\n---\n", []string{
			articleFile + ":4: front matter: date: want a date"}},
		{"bad lastmod", "", "---\n" + ok + "lastmod: last week\n---\n", []string{
			articleFile + ":5: front matter: lastmod: \"last week\" is not a date"}},
		{"toml local time as date", "", "+++\ntitle = 'T'\ndescription = 'D'\ndate = 09:00:00\n+++\n", []string{
			articleFile + ":4: front matter: date: want a date"}},
		{"tags number", "", "---\n" + ok + "tags: 5\n---\n", []string{
			articleFile + ":5: front matter: tags must be a list of text"}},
		{"tags number in list", "", "---\n" + ok + "tags: [go, 5]\n---\n", []string{
			articleFile + ":5: front matter: tags must be a list of text"}},
		{"tags map", "", "---\n" + ok + "tags: {a: 1}\n---\n", []string{
			articleFile + ":5: front matter: tags must be a list of text"}},
		{"tags nested list", "", "---\n" + ok + "tags:\n  - [a, b]\n---\n", []string{
			articleFile + ":5: front matter: tags must be a list of text"}},
		{"toml tags number", "", "+++\ntitle = 'T'\ndate = 2026-01-02\ndescription = 'D'\ntags = 5\n+++\n", []string{
			articleFile + ":5: front matter: tags must be a list of text"}},
		{"toml tags mixed", "", "+++\ntitle = 'T'\ndate = 2026-01-02\ndescription = 'D'\ntags = ['a', 1]\n+++\n", []string{
			articleFile + ":5: front matter: tags must be a list of text"}},
		{"draft maybe", "", "---\n" + ok + "draft: \"maybe\"\n---\n", []string{
			articleFile + ":5: front matter: draft must be true or false"}},
		{"toml draft maybe", "", "+++\ntitle = 'T'\ndate = 2026-01-02\ndescription = 'D'\ndraft = \"maybe\"\n+++\n", []string{
			articleFile + ":5: front matter: draft must be true or false"}},
		{"toc number", "", "---\n" + ok + "toc: 1\n---\n", []string{
			articleFile + ":5: front matter: toc must be true or false"}},
		{"title list", "", "---\ntitle: [a, b]\ndate: 2026-01-02\ndescription: D\n---\n", []string{
			articleFile + ":2: front matter: title must be text"}},
		{"toml title number", "", "+++\ntitle = 5\ndate = 2026-01-02\ndescription = 'D'\n+++\n", []string{
			articleFile + ":2: front matter: title must be text"}},
		{"description null", "", "---\ntitle: T\ndate: 2026-01-02\ndescription: ~\n---\n", []string{
			articleFile + ":4: front matter: description must be text"}},
		{"bad slug", "", "---\n" + ok + "slug: Hello World\n---\n", []string{
			articleFile + ":5: front matter: slug \"Hello World\" is not a URL segment: use lower-case letters, digits and dashes (try \"hello-world\")"}},
		{"slug with slash", "", "---\n" + ok + "slug: a/b\n---\n", []string{
			articleFile + ":5: front matter: slug \"a/b\""}},
		{"alias with a scheme", "", "---\n" + ok + "aliases: [https://example.com/old/]\n---\n", []string{
			articleFile + ":5: front matter: alias \"https://example.com/old/\" must be a path on this site"}},
		{"alias with space", "", "---\n" + ok + "aliases:\n  - /fine/\n  - /not fine/\n---\n", []string{
			articleFile + ":5: front matter: alias \"/not fine/\""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rel := tc.rel
			if rel == "" {
				rel = "articles/x.md"
			}
			checkErrors(t, parseErrors(t, rel, tc.src), tc.want)
		})
	}
}

// TestParsePagesNeedNoDate checks that only articles need date and
// description.
func TestParsePagesNeedNoDate(t *testing.T) {
	for _, rel := range []string{"_index.md", "about.md", "articles/_index.md"} {
		p := mustParse(t, rel, "---\ntitle: T\n---\n")
		if !p.Date.IsZero() {
			t.Errorf("%s: Date: got %v, want zero", rel, p.Date)
		}
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	src := `---
title: ""
date: someday
tags: {a: 1}
draft: maybe
slug: Not OK
aliases: ["no pe"]
---
Body
`
	got := parseErrors(t, "articles/x.md", src)
	checkErrors(t, got, []string{
		articleFile + ":2: front matter: title is required",
		articleFile + ":3: front matter: date: \"someday\" is not a date",
		articleFile + ":4: front matter: tags must be a list of text",
		articleFile + ":5: front matter: draft must be true or false",
		articleFile + ":6: front matter: slug \"Not OK\"",
		articleFile + ":7: front matter: alias \"no pe\"",
	})

	// TOML keys come out of a map; the errors are still in line order.
	src = "+++\ndraft = 1\ntoc = 'yes'\nslug = 'A B'\ntags = 3\nimage = 4\nlayout = []\n+++\n"
	got = parseErrors(t, "about.md", src)
	checkErrors(t, got, []string{
		"content/about.md:1: front matter: title is required",
		"content/about.md:2: front matter: draft must be true or false",
		"content/about.md:3: front matter: toc must be true or false",
		"content/about.md:4: front matter: slug \"A B\"",
		"content/about.md:5: front matter: tags must be a list of text",
		"content/about.md:6: front matter: image must be text",
		"content/about.md:7: front matter: layout must be text",
	})
}

// TestParseReturnsPageWithErrors checks that a page with problems is
// returned along with them, with at least its URL, so a build can tell
// links to it from broken links.
func TestParseReturnsPageWithErrors(t *testing.T) {
	for _, tc := range []struct {
		name, rel, src, wantURL string
	}{
		{"missing keys", "articles/x.md", "---\ntitle: T\nslug: short\n---\n", "/articles/short/"},
		{"unreadable yaml", "articles/x.md", "---\ntitle: [\nslug: short\n---\n", "/articles/x/"},
		{"unclosed", "about.md", "---\ntitle: T\n", "/about/"},
		{"no front matter", "_index.md", "# Home\n", "/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse("content/"+tc.rel, tc.rel, []byte(tc.src), chicago)
			if err == nil {
				t.Fatalf("got no error, want one")
			}
			if p == nil {
				t.Fatalf("got no page, want one with URL %q", tc.wantURL)
			}
			if p.URL != tc.wantURL {
				t.Errorf("URL: got %q, want %q", p.URL, tc.wantURL)
			}
		})
	}
}

func TestParseErrorIsError(t *testing.T) {
	_, err := Parse(articleFile, "articles/x.md", []byte("no front matter"), chicago)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got %T, want *Error", err)
	}
	if e.File != articleFile || e.Line != 1 {
		t.Errorf("got %s:%d, want %s:1", e.File, e.Line, articleFile)
	}
}

func TestParseFrontMatterDates(t *testing.T) {
	minus5 := time.FixedZone("", -5*60*60)
	for _, tc := range []struct {
		name, line string // the date line of the front matter
		want       time.Time
	}{
		{"yaml date", "date: 2026-11-02", time.Date(2026, 11, 2, 0, 0, 0, 0, chicago)},
		{"yaml quoted date", `date: "2026-11-02"`, time.Date(2026, 11, 2, 0, 0, 0, 0, chicago)},
		{"yaml offset", "date: 2026-11-02T09:00:00-05:00", time.Date(2026, 11, 2, 9, 0, 0, 0, minus5)},
		{"yaml utc", "date: 2026-11-02T09:00:00Z", time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)},
		{"yaml local datetime", "date: 2026-11-02T09:00:00", time.Date(2026, 11, 2, 9, 0, 0, 0, chicago)},
		{"yaml space minutes", `date: "2026-11-02 09:00"`, time.Date(2026, 11, 2, 9, 0, 0, 0, chicago)},
		{"yaml unquoted space minutes", "date: 2026-11-02 09:00", time.Date(2026, 11, 2, 9, 0, 0, 0, chicago)},
		{"toml local date", "date = 2026-11-02", time.Date(2026, 11, 2, 0, 0, 0, 0, chicago)},
		{"toml local datetime", "date = 2026-11-02T09:30:15", time.Date(2026, 11, 2, 9, 30, 15, 0, chicago)},
		{"toml local datetime space", "date = 2026-11-02 09:30:15.25", time.Date(2026, 11, 2, 9, 30, 15, 250_000_000, chicago)},
		{"toml offset datetime", "date = 2026-11-02T09:00:00-05:00", time.Date(2026, 11, 2, 9, 0, 0, 0, minus5)},
		{"toml utc datetime", "date = 2026-11-02T09:00:00Z", time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)},
		{"toml string", `date = "2026-11-02 09:00"`, time.Date(2026, 11, 2, 9, 0, 0, 0, chicago)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var src string
			if strings.HasPrefix(tc.line, "date =") {
				src = "+++\ntitle = 'T'\ndescription = 'D'\n" + tc.line + "\n+++\n"
			} else {
				src = "---\ntitle: T\ndescription: D\n" + tc.line + "\n---\n"
			}
			p := mustParse(t, "articles/x.md", src)
			checkTime(t, "Date", p.Date, tc.want)
			if tc.want.Location() == chicago && p.Date.Location() != chicago {
				t.Errorf("Date location: got %v, want the site's zone %v", p.Date.Location(), chicago)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*60*60)
	for _, tc := range []struct {
		in   string
		loc  *time.Location
		want time.Time
	}{
		{"2026-11-02", tokyo, time.Date(2026, 11, 2, 0, 0, 0, 0, tokyo)},
		{"2026-11-02", time.UTC, time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)},
		{"2026-11-02T09:00:00-05:00", tokyo, time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC)},
		{"2026-11-02T09:00:00+05:30", tokyo, time.Date(2026, 11, 2, 3, 30, 0, 0, time.UTC)},
		{"2026-11-02T09:00:00Z", tokyo, time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)},
		{"2026-11-02T09:00:00.123456789Z", tokyo, time.Date(2026, 11, 2, 9, 0, 0, 123456789, time.UTC)},
		{"2026-11-02T09:00:00", tokyo, time.Date(2026, 11, 2, 9, 0, 0, 0, tokyo)},
		{"2026-11-02T09:00", tokyo, time.Date(2026, 11, 2, 9, 0, 0, 0, tokyo)},
		{"2026-11-02 09:00:00-05:00", tokyo, time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC)},
		{"2026-11-02 09:00:00Z", tokyo, time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)},
		{"2026-11-02 09:00:00", tokyo, time.Date(2026, 11, 2, 9, 0, 0, 0, tokyo)},
		{"2026-11-02 09:00", tokyo, time.Date(2026, 11, 2, 9, 0, 0, 0, tokyo)},
		{"  2026-11-02\t", tokyo, time.Date(2026, 11, 2, 0, 0, 0, 0, tokyo)},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseDate(tc.in, tc.loc)
			if err != nil {
				t.Fatalf("ParseDate(%q): got error %v, want %v", tc.in, err, tc.want)
			}
			if !got.Equal(tc.want) {
				t.Errorf("ParseDate(%q): got %v, want %v", tc.in, got, tc.want)
			}
			if !strings.ContainsAny(tc.in[10:], "Z+-") && got.Location() != tc.loc {
				t.Errorf("ParseDate(%q): got location %v, want %v", tc.in, got.Location(), tc.loc)
			}
		})
	}
}

func TestParseDateErrors(t *testing.T) {
	for _, in := range []string{
		"",
		"tomorrow",
		"02/11/2026",
		"2026-2-3",
		"2026-02-30",
		"2026-11-02 25:00",
		"2026-11-02T09",
		"2026-11-02T09:00:00 -05:00",
		"20261102",
	} {
		_, err := ParseDate(in, time.UTC)
		if err == nil {
			t.Errorf("ParseDate(%q): got no error, want one", in)
			continue
		}
		if want := "is not a date; want a date such as 2026-11-02"; !strings.Contains(err.Error(), want) {
			t.Errorf("ParseDate(%q): got %q, want it to contain %q", in, err, want)
		}
	}
}

func TestIsFuture(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		date time.Time
		want bool
	}{
		{time.Time{}, false},
		{now, false},
		{now.Add(-time.Second), false},
		{now.Add(time.Second), true},
	} {
		p := &Page{PublishDate: tc.date}
		if got := p.IsFuture(now); got != tc.want {
			t.Errorf("IsFuture(%v) with date %v: got %v, want %v", now, tc.date, got, tc.want)
		}
	}
}

func TestSlugify(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"", ""},
		{"hello", "hello"},
		{"Hello World", "hello-world"},
		{"  Hello,   World!  ", "hello-world"},
		{"What's New?", "whats-new"},
		{"What’s New", "whats-new"},
		{"rock 'n' roll", "rock-n-roll"},
		{"Top 10 Tips for 2026", "top-10-tips-for-2026"},
		{"2026-11-02-launch", "2026-11-02-launch"},
		{"already-a-slug", "already-a-slug"},
		{"--leading and trailing--", "leading-and-trailing"},
		{"a -- b", "a-b"},
		{"snake_case_name", "snake-case-name"},
		{"A.B.C", "a-b-c"},
		{"C++ & Go: a/b testing", "c-go-a-b-testing"},
		{"MiXeD CaSe", "mixed-case"},
		{"tab\tand\nnewline", "tab-and-newline"},
		{"!!!", ""},
		// Only ASCII letters and digits survive; other letters separate.
		{"Café Crème", "caf-cr-me"},
		{"naïve", "na-ve"},
		{"日本語", ""},
		{"Über Uns", "ber-uns"},
		{"x²", "x"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got := Slugify(tc.in)
			if got != tc.want {
				t.Errorf("Slugify(%q): got %q, want %q", tc.in, got, tc.want)
			}
			if again := Slugify(got); again != got {
				t.Errorf("Slugify(%q): got %q, want it unchanged", got, again)
			}
		})
	}
}
