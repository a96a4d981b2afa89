package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCrossSitePosts: a form sent by another site's page is refused with
// 403 and a message, and nothing is stored; the site's own pages, same-site
// pages and clients sending no such headers keep working.
func TestCrossSitePosts(t *testing.T) {
	f := newFixture(t)
	form := f.allAnswers(2).Encode()
	for _, tc := range []struct {
		name    string
		headers map[string]string
		want    int
	}{
		{"no headers (curl, old browsers)", nil, http.StatusSeeOther},
		{"same origin", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://example.com"}, http.StatusSeeOther},
		{"same site", map[string]string{"Sec-Fetch-Site": "same-site"}, http.StatusSeeOther},
		{"the site's own address", map[string]string{"Origin": "https://cassidineconsulting.com"}, http.StatusSeeOther},
		{"cross-site", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"another origin", map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
		{"another origin, no fetch metadata", map[string]string{"Origin": "http://example.com.evil.example"}, http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(f.results(t))
			r := httptest.NewRequest(http.MethodPost, "/api/quiz", strings.NewReader(form))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tc.headers {
				r.Header.Set(k, v)
			}
			res, body := f.do(t, r)
			if res.StatusCode != tc.want {
				t.Fatalf("status %d, want %d; body:\n%s", res.StatusCode, tc.want, body)
			}
			stored := len(f.results(t)) - before
			if tc.want == http.StatusForbidden {
				if stored != 0 {
					t.Errorf("a refused post stored %d results", stored)
				}
				if !strings.Contains(body, "sent from another site") {
					t.Errorf("403 body does not say why:\n%s", body)
				}
				wantSecurityHeaders(t, res)
			} else if stored != 1 {
				t.Errorf("stored %d results, want 1", stored)
			}
		})
	}
}
