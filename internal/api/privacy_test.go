package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestFunctionPagesNoIndex: a quiz result (reachable by anyone with its
// link) and every other page of the function stays out of search engines,
// by header and by meta tag, and names no canonical URL.
func TestFunctionPagesNoIndex(t *testing.T) {
	f := newFixture(t)
	id := f.submit(t, f.allAnswers(2))
	for _, path := range []string{"/quiz/result/" + id + "/", "/api/quiz/result/" + id, "/api/book", "/api/nothing-here"} {
		res, body := f.get(t, path, "")
		if got := res.Header.Get("X-Robots-Tag"); got != "noindex" {
			t.Errorf("GET %s: X-Robots-Tag = %q, want noindex", path, got)
		}
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			continue
		}
		if !strings.Contains(body, `<meta name="robots" content="noindex">`) {
			t.Errorf("GET %s (status %d): no robots noindex meta tag", path, res.StatusCode)
		}
		if strings.Contains(body, `rel="canonical"`) {
			t.Errorf("GET %s: the page names a canonical URL; a personal page has none", path)
		}
	}
	res, _ := f.get(t, "/api/slots", "")
	if res.StatusCode != http.StatusOK || res.Header.Get("X-Robots-Tag") != "noindex" {
		t.Errorf("GET /api/slots: status %d, X-Robots-Tag %q; want 200, noindex", res.StatusCode, res.Header.Get("X-Robots-Tag"))
	}
}
