package netlify

import (
	"net/http"
	"net/url"
	"testing"
)

func TestRedirects(t *testing.T) {
	rules, err := ParseRedirects([]byte(`# comment
/fractional-coo/ /articles/what-is-a-fractional-coo/ 301
/old/:year/:slug /articles/:slug/ 302
/api/* /.netlify/functions/api/:splat 200
/shadowed/ /elsewhere/
/forced/ /elsewhere/ 301!
`))
	if err != nil {
		t.Fatal(err)
	}
	exists := func(p string) bool { return p == "/shadowed/" || p == "/forced/" }
	for _, tc := range []struct {
		path, query string
		status      int
		to          string
	}{
		{"/fractional-coo/", "", 301, "/articles/what-is-a-fractional-coo/"},
		{"/fractional-coo", "", 301, "/articles/what-is-a-fractional-coo/"},
		{"/old/2020/x", "", 302, "/articles/x/"},
		{"/api/quiz", "a=1", 200, "/.netlify/functions/api/quiz?a=1"},
		{"/api/slots/2026", "", 200, "/.netlify/functions/api/slots/2026"},
		{"/shadowed/", "", 0, ""},
		{"/forced/", "", 301, "/elsewhere/"},
		{"/nothing/", "", 0, ""},
	} {
		r, to, ok := Resolve(rules, &url.URL{Path: tc.path, RawQuery: tc.query}, exists)
		if !ok {
			r.Status = 0
		}
		if r.Status != tc.status || to != tc.to {
			t.Errorf("%s?%s: got %d %q, want %d %q", tc.path, tc.query, r.Status, to, tc.status, tc.to)
		}
	}
	if _, err := ParseRedirects([]byte("/only-one-field\n")); err == nil {
		t.Error("a rule without a target: got no error")
	}
	if _, err := ParseRedirects([]byte("/a /b teapot\n")); err == nil {
		t.Error("a bad status: got no error")
	}
}

func TestHeaders(t *testing.T) {
	rules, err := ParseHeaders([]byte(`/*
  X-Frame-Options: DENY
  Cache-Control: public, max-age=0, must-revalidate
/assets/*
  Cache-Control: public, max-age=31536000, immutable
`))
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	ApplyHeaders(rules, "/assets/site.abc.css", h)
	if got := h.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("asset Cache-Control: got %q, want the later, immutable rule", got)
	}
	if h.Get("X-Frame-Options") != "DENY" {
		t.Error("asset lacks the /* headers")
	}
	h = http.Header{}
	ApplyHeaders(rules, "/articles/x/", h)
	if got := h.Get("Cache-Control"); got != "public, max-age=0, must-revalidate" {
		t.Errorf("page Cache-Control: got %q", got)
	}
	if _, err := ParseHeaders([]byte("  Orphan: value\n")); err == nil {
		t.Error("a header without a path: got no error")
	}
}
