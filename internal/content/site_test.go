package content

import (
	"slices"
	"strings"
	"testing"
	_ "time/tzdata" // timeZone tests must not depend on the system's zone files
)

const siteFile = "content/site.toml"

func mustParseSite(t testing.TB, src string) *Site {
	t.Helper()
	s, err := ParseSite(siteFile, []byte(src))
	if err != nil {
		t.Fatalf("ParseSite: unexpected error:\n%v", err)
	}
	return s
}

func TestParseSiteDefaults(t *testing.T) {
	src := "title = 'Acme'\nbaseURL = 'https://acme.example'\n"
	s := mustParseSite(t, src)
	for _, c := range []struct{ what, got, want string }{
		{"Title", s.Title, "Acme"},
		{"BaseURL", s.BaseURL, "https://acme.example/"},
		{"LanguageCode", s.LanguageCode, "en"},
		{"TimeZone", s.TimeZone, ""},
		{"Location", s.Location.String(), "UTC"},
		{"File", s.File, siteFile},
		{"Source", string(s.Source), src},
		{"String()", s.String(), "Acme (https://acme.example/)"},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.what, c.got, c.want)
		}
	}
	if s.Paginate != 20 {
		t.Errorf("Paginate: got %d, want 20", s.Paginate)
	}
	if len(s.Nav) != 0 {
		t.Errorf("Nav: got %v, want none", s.Nav)
	}
}

func TestParseSiteAllSettings(t *testing.T) {
	s := mustParseSite(t, `# comment
title = "Cassidine Consulting"
baseURL = "https://cassidine.example/"
languageCode = "en-US"
description = "Operations help."
author = "Cass"
email = "hello@cassidine.example"
image = "/images/social.png"
timeZone = "America/Chicago"
paginate = 5

[[nav]]
name = "Articles"
url = "/articles/"

[[nav]]
name = "About"
url = "/about/"
`)
	for _, c := range []struct{ what, got, want string }{
		{"Title", s.Title, "Cassidine Consulting"},
		{"BaseURL", s.BaseURL, "https://cassidine.example/"},
		{"LanguageCode", s.LanguageCode, "en-US"},
		{"Description", s.Description, "Operations help."},
		{"Author", s.Author, "Cass"},
		{"Email", s.Email, "hello@cassidine.example"},
		{"Image", s.Image, "/images/social.png"},
		{"TimeZone", s.TimeZone, "America/Chicago"},
		{"Location", s.Location.String(), "America/Chicago"},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.what, c.got, c.want)
		}
	}
	if s.Paginate != 5 {
		t.Errorf("Paginate: got %d, want 5", s.Paginate)
	}
	want := []NavItem{{"Articles", "/articles/"}, {"About", "/about/"}}
	if !slices.Equal(s.Nav, want) {
		t.Errorf("Nav: got %v, want %v", s.Nav, want)
	}
}

func TestParseSiteErrors(t *testing.T) {
	const ok = "title = 'T'\nbaseURL = 'https://e.example/'\n" // lines 1-2
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"unknown key", ok + "\ncolour = 'red'\n", []string{
			siteFile + `:4: unknown setting "colour"`}},
		{"two unknown keys", ok + "colour = 'red'\nsize = 3\n", []string{
			siteFile + `:3: unknown setting "colour"`,
			siteFile + `:4: unknown setting "size"`}},
		{"unknown key in nav", ok + "[[nav]]\nname = 'A'\nurl = '/a/'\nicon = 'x'\n", []string{
			siteFile + `:6: unknown setting "nav.icon"`}},
		{"unknown table", ok + "[params]\nx = 1\n", []string{
			siteFile + `:3: unknown setting "params"`}},
		{"syntax", "title = 'T\nbaseURL = 'https://e.example/'\n", []string{
			siteFile + ":1: toml:"}},
		{"wrong type", ok + "paginate = 'ten'\n", []string{
			siteFile + ":3: toml:"}},
		{"missing title", "baseURL = 'https://e.example/'\n", []string{
			siteFile + ":1: title is required"}},
		{"empty title", "baseURL = 'https://e.example/'\ntitle = '  '\n", []string{
			siteFile + ":2: title is required"}},
		{"missing baseURL", "title = 'T'\n", []string{
			siteFile + ":1: baseURL is required"}},
		{"missing both", "author = 'A'\n", []string{
			siteFile + ":1: title is required",
			siteFile + ":1: baseURL is required"}},
		{"relative baseURL", "title = 'T'\n\nbaseURL = '/site/'\n", []string{
			siteFile + `:3: baseURL "/site/" must be an absolute URL`}},
		{"host-less baseURL", "title = 'T'\nbaseURL = 'example.com'\n", []string{
			siteFile + `:2: baseURL "example.com" must be an absolute URL`}},
		{"scheme only baseURL", "title = 'T'\nbaseURL = 'https://'\n", []string{
			siteFile + `:2: baseURL "https://" must be an absolute URL`}},
		{"bad timeZone", ok + "timeZone = 'Mars/Olympus'\n", []string{
			siteFile + `:3: timeZone "Mars/Olympus" is not a known IANA zone`}},
		{"negative paginate", ok + "\n\npaginate = -1\n", []string{
			siteFile + ":5: paginate must be positive, got -1"}},
		{"nav item without url", ok + "\n[[nav]]\nname = 'A'\n", []string{
			siteFile + ":4: nav item 1 needs both name and url"}},
		{"every problem", "baseURL = 'nope'\ntimeZone = 'Nowhere'\npaginate = -3\n", []string{
			siteFile + ":1: title is required",
			siteFile + `:1: baseURL "nope" must be an absolute URL`,
			siteFile + `:2: timeZone "Nowhere"`,
			siteFile + ":3: paginate must be positive, got -3"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSite(siteFile, []byte(tc.src))
			if err == nil {
				t.Fatalf("got no error, want %q", tc.want)
			}
			checkErrors(t, strings.Split(err.Error(), "\n"), tc.want)
		})
	}
}

func TestParseSiteNavErrors(t *testing.T) {
	src := "title = 'T'\nbaseURL = 'https://e.example/'\n[[nav]]\nname = 'A'\nurl = '/a/'\n[[nav]]\nname = 'B'\n[[nav]]\nurl = '/c/'\n"
	_, err := ParseSite(siteFile, []byte(src))
	if err == nil {
		t.Fatal("got no error, want two")
	}
	got := strings.Split(err.Error(), "\n")
	want := []string{"nav item 2 needs both name and url", "nav item 3 needs both name and url"}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %d errors ending %q", got, len(want), want)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], siteFile+":") || !strings.HasSuffix(got[i], want[i]) {
			t.Errorf("error %d: got %q, want %s:<line>: %s", i+1, got[i], siteFile, want[i])
		}
	}
}

func TestTOMLKeyLine(t *testing.T) {
	src := []byte(`# title = "not this"
title = "x"
"quoted" = 1
a.b = 2

[booking]
slotMinutes = 30
  title = "inner"

[[nav]]
name = "A"
[[nav]]
name = "B"
[ spaced ]
key = 1
[[ deep.list ]]
item = 1
`)
	for _, tc := range []struct {
		key  string
		want int
	}{
		{"title", 2},
		{"quoted", 3},
		{"a.b", 4},
		{"booking", 6},
		{"booking.slotMinutes", 7},
		{"booking.title", 8},
		{"nav", 10},
		{"nav.name", 11},
		{"spaced", 14},
		{"spaced.key", 15},
		{"deep.list", 16},
		{"deep.list.item", 17},
		{"slotMinutes", 1}, // only inside [booking]
		{"missing", 1},
		{"name", 1},
	} {
		if got := TOMLKeyLine(src, tc.key); got != tc.want {
			t.Errorf("TOMLKeyLine(%q): got %d, want %d", tc.key, got, tc.want)
		}
	}
	if got := TOMLKeyLine(nil, "title"); got != 1 {
		t.Errorf("TOMLKeyLine(nil): got %d, want 1", got)
	}
	crlf := []byte("a = 1\r\n[t]\r\nb = 2\r\n")
	if got := TOMLKeyLine(crlf, "t.b"); got != 3 {
		t.Errorf("TOMLKeyLine(CRLF, t.b): got %d, want 3", got)
	}
}
