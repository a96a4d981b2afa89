package content

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// Tests of content as Hugo writes it: bundles, sections, URLs, and front
// matter in any case, in JSON, with Hugo's date keys.

func TestScanBundles(t *testing.T) {
	file := &fstest.MapFile{Data: []byte("x")}
	fsys := fstest.MapFS{
		"site.toml":                          file,
		"quiz.toml":                          file,
		"_index.md":                          file,
		"about/index.md":                     file,
		"about/me.jpg":                       file,
		"articles/x/index.md":                file,
		"articles/x/chart.png":               file,
		"articles/x/data/costs.csv":          file,
		"articles/x/notes.md":                file,
		"articles/x/deeper/index.md":         file,
		"articles/2024/_index.md":            file,
		"articles/2024/post.md":              file,
		"articles/2024/cover.jpg":            file,
		"articles/old.html":                  file,
		"articles/y/index.md":                file,
		"articles/y/index.markdown":          file,
		"articles/z/index.md":                file,
		"articles/z/_index.md":               file,
		"favicon.ico":                        file,
		"articles/x/.DS_Store":               file,
		"articles/x/#chart.png#":             file,
		"articles/x/chart.png~":              file,
		"articles/_wip/later.md":             file,
		"articles/_wip/later.png":            file,
		"articles/2024/_index.md.swp":        file,
		"articles/2024/review.markdown":      file,
		"articles/2024/review.adoc":          file,
		"articles/2024/notes.org":            file,
		"articles/2024/legacy.rst":           file,
		"articles/2024/converted.pdc":        file,
		"articles/2024/interesting.asciidoc": file,
		"articles/2024/post.fr.md":           file,
		"articles/2024/v1.2.md":              file,
	}
	tree, err := Scan(fsys, "content")
	if err != nil {
		t.Fatal(err)
	}
	wantPages := []string{
		"_index.md", "about/index.md", "articles/2024/_index.md", "articles/2024/post.md",
		"articles/2024/review.markdown", "articles/2024/v1.2.md", "articles/x/index.md", "articles/y/index.md", "articles/z/index.md",
	}
	if got := slices.Sorted(slices.Values(tree.Pages)); !slices.Equal(got, wantPages) {
		t.Errorf("Pages:\n got %q\nwant %q", got, wantPages)
	}
	wantFiles := []string{"about/me.jpg", "articles/2024/cover.jpg", "articles/x/chart.png", "articles/x/data/costs.csv", "favicon.ico"}
	if got := slices.Sorted(slices.Values(tree.Files)); !slices.Equal(got, wantFiles) {
		t.Errorf("Files:\n got %q\nwant %q", got, wantFiles)
	}
	for rel, want := range map[string]string{
		"articles/x/chart.png":      "articles/x/index.md",
		"articles/x/data/costs.csv": "articles/x/index.md",
		"articles/x/index.md":       "articles/x/index.md",
		"about/me.jpg":              "about/index.md",
		"articles/2024/cover.jpg":   "",
		"favicon.ico":               "",
	} {
		if got := tree.Owner(rel); got != want {
			t.Errorf("Owner(%q): got %q, want %q", rel, got, want)
		}
	}
	var problems []string
	for _, p := range tree.Problems {
		problems = append(problems, p.Error())
	}
	slices.Sort(problems)
	want := []string{
		"content/articles/2024/converted.pdc: Pandoc content is not supported: convert it to markdown (.md), or move it to static/ to publish it as it is",
		"content/articles/2024/interesting.asciidoc: AsciiDoc content is not supported: convert it to markdown (.md), or move it to static/ to publish it as it is",
		"content/articles/2024/legacy.rst: reStructuredText content is not supported: convert it to markdown (.md), or move it to static/ to publish it as it is",
		"content/articles/2024/notes.org: Emacs Org Mode content is not supported: convert it to markdown (.md), or move it to static/ to publish it as it is",
		"content/articles/2024/post.fr.md: the language suffix .fr is a translation in Hugo, and this site has one language: rename it post.md",
		"content/articles/2024/review.adoc: AsciiDoc content is not supported: convert it to markdown (.md), or move it to static/ to publish it as it is",
		"content/articles/old.html: HTML content is not supported: convert it to markdown (.md), or move it to static/ to publish it as it is",
		"content/articles/x/deeper/index.md: markdown inside the page bundle of content/articles/x/index.md is not a page (Hugo makes it a resource of that page): move it out of content/articles/x/ to publish it as a page",
		"content/articles/x/notes.md: markdown inside the page bundle of content/articles/x/index.md is not a page (Hugo makes it a resource of that page): move it out of content/articles/x/ to publish it as a page",
		"content/articles/y/index.markdown: a page bundle has one index file: content/articles/y/index.md is one already",
		"content/articles/z/_index.md: content/articles/z/ holds both index.md and _index.md: a folder is either a page bundle (index.md) or a section (_index.md)",
	}
	if !slices.Equal(problems, want) {
		t.Errorf("Problems:\n got %s\nwant %s", strings.Join(problems, "\n     "), strings.Join(want, "\n     "))
	}
}

func TestIsContentFile(t *testing.T) {
	for rel, want := range map[string]bool{
		"articles/x.md":           true,
		"articles/x/chart.png":    true,
		"articles/2024/_index.md": true,
		"site.toml":               false,
		"quiz.toml":               false,
		"articles/.x.md.swp":      false,
		"articles/_wip/x.md":      false,
		"articles/x.md~":          false,
		"articles/#x.md#":         false,
	} {
		if got := IsContentFile(rel); got != want {
			t.Errorf("IsContentFile(%q): got %v, want %v", rel, got, want)
		}
	}
}

func TestURLize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"hello-world", "hello-world"},
		{"What Is a COO", "what-is-a-coo"},
		{"Privacy_Policy", "privacy_policy"},
		{"Q4 Review", "q4-review"},
		{"  spaces   around  ", "spaces-around"},
		{"What's New?", "whats-new"},
		{"v1.2 release", "v1.2-release"},
		{"C++", "c++"},
		{"C#", "c"},
		{"100%", "100"},
		{"Café Society", "café-society"},
		{"a - b", "a-b"},
		{"a/b", "ab"},
		{"!!!", ""},
	} {
		if got := URLize(tc.in); got != tc.want {
			t.Errorf("URLize(%q): got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseHugoPlaces(t *testing.T) {
	const fm = "---\ntitle: T\ndate: 2026-01-02\n---\n"
	for _, tc := range []struct {
		rel             string
		src             string
		kind            Kind
		url             string
		section, bundle string
	}{
		{"articles/x/index.md", fm, KindArticle, "/articles/x/", "articles", "articles/x"},
		{"articles/2024/post.md", fm, KindArticle, "/articles/2024/post/", "articles/2024", ""},
		{"articles/2024/q1/Big Post/index.md", fm, KindArticle, "/articles/2024/q1/big-post/", "articles/2024/q1", "articles/2024/q1/Big Post"},
		{"articles/2024/_index.md", fm, KindSection, "/articles/2024/", "articles/2024", ""},
		{"about/index.md", fm, KindPage, "/about/", "", "about"},
		{"guides/setup.md", fm, KindPage, "/guides/setup/", "guides", ""},
		{"Guides/_index.md", fm, KindSection, "/guides/", "Guides", ""},
		{"articles/x.markdown", fm, KindArticle, "/articles/x/", "articles", ""},
		{"articles/2024/post.md", "---\ntitle: T\ndate: 2026-01-02\nslug: other\n---\n", KindArticle, "/articles/2024/other/", "articles/2024", ""},
		{"articles/2024/post.md", "---\ntitle: T\ndate: 2026-01-02\nurl: /elsewhere\n---\n", KindArticle, "/elsewhere/", "articles/2024", ""},
		{"articles/2024/post.md", "---\ntitle: T\ndate: 2026-01-02\nurl: legacy/post.html\n---\n", KindArticle, "/legacy/post.html", "articles/2024", ""},
		{"articles/2024/_index.md", "---\ntitle: T\nurl: /archive/2024/\n---\n", KindSection, "/archive/2024/", "articles/2024", ""},
	} {
		p := mustParse(t, tc.rel, tc.src)
		if p.Kind != tc.kind || p.URL != tc.url || p.Section != tc.section || p.Bundle != tc.bundle {
			t.Errorf("%s: got kind %q, URL %q, section %q, bundle %q; want %q, %q, %q, %q",
				tc.rel, p.Kind, p.URL, p.Section, p.Bundle, tc.kind, tc.url, tc.section, tc.bundle)
		}
	}
}

func TestParseRelativeAliases(t *testing.T) {
	p := mustParse(t, "articles/2024/post.md", "---\ntitle: T\ndate: 2026-01-02\ndescription: D\naliases: [old, ../older/, /site/path/, old.html]\n---\n")
	want := []string{"/articles/2024/old/", "/articles/older/", "/site/path/", "/articles/2024/old.html"}
	if !slices.Equal(p.Aliases, want) {
		t.Errorf("Aliases: got %q, want %q", p.Aliases, want)
	}
}

func TestParseCaseInsensitiveKeys(t *testing.T) {
	p := mustParse(t, "articles/x.md", "---\nTitle: Cased\nDATE: 2026-01-02\nDescription: D\nTags: [a]\nDraft: true\nShowToc: true\nMyParam: 1\n---\n")
	if p.Title != "Cased" || p.Date.IsZero() || p.Description != "D" || !slices.Equal(p.Tags, []string{"a"}) || !p.Draft || p.TOC == nil || !*p.TOC {
		t.Errorf("got %+v, want every key read whatever its case", p)
	}
	if p.KeyLine("title") != 2 || p.KeyLine("Tags") != 5 {
		t.Errorf("KeyLine: got title %d, Tags %d; want 2, 5", p.KeyLine("title"), p.KeyLine("Tags"))
	}
	if !reflect.DeepEqual(p.Params, map[string]any{"myparam": 1}) {
		t.Errorf("Params: got %v, want the key in lower case, as Hugo keeps it", p.Params)
	}
	got := parseErrors(t, "articles/x.md", "---\ntitle: T\nTitle: U\ndate: 2026-01-02\n---\n")
	checkErrors(t, got, []string{articleFile + ":3: front matter: Title is set twice (also on line 2); keys are case-insensitive"})
}

func TestParseJSONFrontMatter(t *testing.T) {
	src := "\ufeff{\n  \"title\": \"J\",\n  \"date\": \"2026-01-02T10:00:00+0100\",\n  \"tags\": [\"a\", \"b\"],\n  \"weight\": 3,\n  \"draft\": false,\n  \"extra\": {\"k\": 1}\n}\nBody line.\n"
	p := mustParse(t, "articles/x.md", src)
	if p.Title != "J" || !slices.Equal(p.Tags, []string{"a", "b"}) || p.Weight != 3 || p.Draft {
		t.Errorf("got %+v", p)
	}
	checkTime(t, "Date", p.Date, time.Date(2026, 1, 2, 10, 0, 0, 0, time.FixedZone("", 3600)))
	if string(p.Body) != "Body line.\n" || p.BodyLine != 9 {
		t.Errorf("Body %q at line %d, want %q at 9", p.Body, p.BodyLine, "Body line.\n")
	}
	if p.KeyLine("tags") != 4 {
		t.Errorf("KeyLine(tags): got %d, want 4", p.KeyLine("tags"))
	}
	for _, tc := range []struct{ name, src, want string }{
		{"syntax", "{\n\"title\": \"J\",\n\"date\" 1\n}\n", articleFile + ":3: front matter: invalid JSON: "},
		{"duplicate", "{\n\"title\": \"J\",\n\"title\": \"K\"\n}\n", articleFile + ":3: front matter: invalid JSON: \"title\" is set twice"},
		{"unclosed", "{\n\"title\": \"J\"\n", articleFile + ":1: front matter: invalid JSON: no closing }"},
		{"type", "{\"title\": 5, \"date\": \"2026-01-02\"}\n", articleFile + ":1: front matter: title must be text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkErrors(t, parseErrors(t, "articles/x.md", tc.src), []string{tc.want})
		})
	}
}

func TestParseHugoDates(t *testing.T) {
	plus1 := time.FixedZone("", 3600)
	minus5 := time.FixedZone("", -5*3600)
	for _, tc := range []struct{ line string }{
		{"date: 2026-01-02T10:00:00+0100"},
		{"date: 2026-01-02 10:00:00 +0100"},
		{"date: \"2026-01-02 10:00:00 +01:00\""},
		{"date: 2026-01-02 10:00:00+0100"},
		{"date: \"Fri, 02 Jan 2026 10:00:00 +0100\""},
		{"date: \"2026-01-02 10:00:00.000 +0100 CET\""},
	} {
		p := mustParse(t, "articles/x.md", "---\ntitle: T\ndescription: D\n"+tc.line+"\n---\n")
		checkTime(t, tc.line, p.Date, time.Date(2026, 1, 2, 10, 0, 0, 0, plus1))
	}

	// Hugo's defaults: date falls back to publishDate, then lastmod;
	// publishDate to date; lastmod to date; the other names count too.
	for _, tc := range []struct {
		name, keys                     string
		date, publish, lastmod, expiry time.Time
	}{
		{"publishDate alone", "publishDate: 2026-03-01T00:00:00-05:00", time.Date(2026, 3, 1, 0, 0, 0, 0, minus5), time.Date(2026, 3, 1, 0, 0, 0, 0, minus5), time.Date(2026, 3, 1, 0, 0, 0, 0, minus5), time.Time{}},
		{"pubdate and modified", "date: 2026-01-01T00:00:00-05:00\npubdate: 2026-02-01T00:00:00-05:00\nmodified: 2026-04-01T00:00:00-05:00", time.Date(2026, 1, 1, 0, 0, 0, 0, minus5), time.Date(2026, 2, 1, 0, 0, 0, 0, minus5), time.Date(2026, 4, 1, 0, 0, 0, 0, minus5), time.Time{}},
		{"lastmod alone", "lastmod: 2026-05-01T00:00:00-05:00", time.Date(2026, 5, 1, 0, 0, 0, 0, minus5), time.Time{}, time.Date(2026, 5, 1, 0, 0, 0, 0, minus5), time.Time{}},
		{"unpublishdate", "date: 2026-01-01T00:00:00-05:00\nunpublishdate: 2026-06-01T00:00:00-05:00", time.Date(2026, 1, 1, 0, 0, 0, 0, minus5), time.Date(2026, 1, 1, 0, 0, 0, 0, minus5), time.Date(2026, 1, 1, 0, 0, 0, 0, minus5), time.Date(2026, 6, 1, 0, 0, 0, 0, minus5)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustParse(t, "articles/x.md", "---\ntitle: T\ndescription: D\n"+tc.keys+"\n---\n")
			checkTime(t, "Date", p.Date, tc.date)
			checkTime(t, "PublishDate", p.PublishDate, tc.publish)
			checkTime(t, "Lastmod", p.Lastmod, tc.lastmod)
			checkTime(t, "ExpiryDate", p.ExpiryDate, tc.expiry)
		})
	}

	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	p := mustParse(t, "articles/x.md", "---\ntitle: T\ndate: 2026-01-01\nexpiryDate: 2026-05-01\n---\n")
	if !p.IsExpired(now) || p.IsExpired(now.AddDate(0, -2, 0)) {
		t.Errorf("IsExpired: want true after 2026-05-01 only")
	}
	p = mustParse(t, "articles/x.md", "---\ntitle: T\ndate: 2026-01-01\npublished: false\n---\n")
	if !p.Draft {
		t.Error("published: false: want a draft, as in Hugo")
	}
}

func TestParseSummary(t *testing.T) {
	p := mustParse(t, "articles/x.md", "---\ntitle: T\ndate: 2026-01-02\nsummary: The summary.\n---\nBody.\n")
	if p.Description != "The summary." || p.DescriptionFrom != "summary key" {
		t.Errorf("got description %q from %q, want the summary", p.Description, p.DescriptionFrom)
	}
}

func TestParseHugoKeys(t *testing.T) {
	p := mustParse(t, "articles/x.md", `---
title: T
date: 2026-01-02
description: D
categories: [Ops, Strategy]
keywords: [a, b]
authors: [Ann, Bob]
images: [/a.png, /b.png]
weight: 5
sitemap: {disable: true}
params:
  Hero: big
---
`)
	if !slices.Equal(p.Categories, []string{"Ops", "Strategy"}) || !slices.Equal(p.Keywords, []string{"a", "b"}) ||
		!slices.Equal(p.Authors, []string{"Ann", "Bob"}) || p.Image != "/a.png" || p.Weight != 5 || !p.NoSitemap ||
		!reflect.DeepEqual(p.Params, map[string]any{"hero": "big"}) {
		t.Errorf("got %+v", p)
	}
	if len(p.Warnings) != 1 || !strings.HasSuffix(p.Warnings[0].Error(), `:8: warning: front matter: images: only "/a.png" is used, as the social card's image`) {
		t.Errorf("Warnings: got %v, want one about the second image", p.Warnings)
	}
	p = mustParse(t, "articles/x.md", "---\ntitle: T\ndate: 2026-01-02\nauthor: {name: Ann, email: a@example.com}\n---\n")
	if !slices.Equal(p.Authors, []string{"Ann"}) {
		t.Errorf("Authors: got %q, want the table's name", p.Authors)
	}
}

// TestListSchedulesWarned: publishDate and expiryDate (or their aliases)
// on the home page or a section's _index.md change nothing, since lists
// are always published: each is a warning at its line, and the page is
// not scheduled.
func TestListSchedulesWarned(t *testing.T) {
	for _, tc := range []struct{ rel, src string }{
		{"_index.md", "---\ntitle: Home\npublishDate: 2099-01-01\nexpiryDate: 2020-01-01\n---\nHi.\n"},
		{"guides/_index.md", "---\ntitle: Guides\npubdate: 2099-01-01\nunpublishdate: 2020-01-01\n---\nHi.\n"},
	} {
		p, err := Parse("content/"+tc.rel, tc.rel, []byte(tc.src), time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, w := range p.Warnings {
			got = append(got, w.Error())
		}
		if len(got) != 2 || !strings.Contains(got[0], ":3: warning: front matter: ") || !strings.Contains(got[1], ":4: warning: front matter: ") ||
			!strings.Contains(got[0], "is not used: the home page and section lists are always published") {
			t.Errorf("%s: warnings %q, want one at line 3 and one at line 4", tc.rel, got)
		}
		if !p.PublishDate.IsZero() || !p.ExpiryDate.IsZero() || p.IsFuture(time.Now()) {
			t.Errorf("%s: publish %v expiry %v: want no schedule", tc.rel, p.PublishDate, p.ExpiryDate)
		}
	}
}
