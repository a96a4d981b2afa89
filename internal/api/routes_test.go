package api_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cassidine/site/internal/api"
	"github.com/cassidine/site/internal/theme"
)

// TestRouteMethods: a form's path answers the methods it does not take
// with a 405 in the site's look (Allow listing what it takes, the security
// headers set), as a form's other problems are answered; a page's path
// answers other methods as an unknown address; HEAD is answered as GET.
func TestRouteMethods(t *testing.T) {
	f := newFixture(t)
	forms := map[string]string{ // path → Allow
		"/api/quiz":                    "POST",
		"/.netlify/functions/api/quiz": "POST",
		"/api/quiz/email":              "POST",
		"/api/book":                    "GET, POST",
		"/.netlify/functions/api/book": "GET, POST",
		"/api/book/cancel":             "GET, POST",
		"/api/book/reschedule":         "GET, POST",
	}
	for path, allow := range forms {
		for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions} {
			if strings.Contains(allow, method) {
				continue
			}
			res, body := f.do(t, httptest.NewRequest(method, path, strings.NewReader("x=1")))
			wantResponse(t, res, body, http.StatusMethodNotAllowed, htmlType)
			if got := res.Header.Get("Allow"); got != allow {
				t.Errorf("%s %s: Allow %q, want %q", method, path, got, allow)
			}
			if h1 := text(find(parseHTML(t, body), tag("h1"))); h1 != "We could not read that form" {
				t.Errorf("%s %s: h1 %q, want the form's message page", method, path, h1)
			}
		}
	}
	for _, path := range []string{"/api/slots", "/api/book/done", "/api/quiz/result/aaaaaaaaaaaaaaaaaaaaaaaaaa/"} {
		res, body := f.post(t, path, "x=1", "")
		wantResponse(t, res, body, http.StatusNotFound, htmlType)
	}
	for _, path := range []string{"/api/book/cancel", "/api/book/reschedule", "/api/book/done"} {
		get, _ := f.do(t, httptest.NewRequest(http.MethodGet, path, nil))
		head, _ := f.do(t, httptest.NewRequest(http.MethodHead, path, nil))
		if head.StatusCode != get.StatusCode {
			t.Errorf("HEAD %s: got %d, want %d as for GET", path, head.StatusCode, get.StatusCode)
		}
	}
}

// TestRoutesWithoutQuizOrBooking: a site without quiz.toml and without a
// [booking] table has none of their routes, whatever the method.
func TestRoutesWithoutQuizOrBooking(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../content")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "quiz.toml")); err != nil {
		t.Fatal(err)
	}
	site, err := os.ReadFile(filepath.Join(dir, "site.toml"))
	if err != nil {
		t.Fatal(err)
	}
	head, _, ok := strings.Cut(string(site), "[booking]")
	if !ok {
		t.Fatal("content/site.toml has no [booking] table")
	}
	if err := os.WriteFile(filepath.Join(dir, "site.toml"), []byte(head), 0o644); err != nil {
		t.Fatal(err)
	}
	sh, err := theme.Load(theme.Sources{Content: os.DirFS(dir), Layouts: os.DirFS("../../layouts"), Static: os.DirFS("../../static")}, "")
	if err != nil {
		t.Fatal(err)
	}
	st, _ := newStore(t)
	f := &fixture{h: api.New(api.Deps{Store: st, Theme: sh, Now: func() time.Time { return testNow }, Log: testLogger(t)})}
	for _, path := range []string{"/api/quiz", "/api/quiz/email", "/api/quiz/result/aaaaaaaaaaaaaaaaaaaaaaaaaa/",
		"/api/slots", "/api/book", "/api/book/done", "/api/book/cancel", "/api/book/reschedule"} {
		for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPut} {
			r := httptest.NewRequest(method, path, strings.NewReader("x=1"))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, body := f.do(t, r)
			wantResponse(t, res, body, http.StatusNotFound, htmlType)
		}
	}
}
