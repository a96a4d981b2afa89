package api_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/cassidine/site/internal/api"
	"github.com/cassidine/site/internal/quiz"
	"github.com/cassidine/site/internal/store"
	"github.com/cassidine/site/internal/theme"
)

// testNow is the handler's clock in every test, so stored times are exact.
var testNow = time.Date(2026, 11, 20, 14, 30, 0, 0, time.UTC)

// fixture is a handler over the real site files and a real SQLite store.
type fixture struct {
	h     http.Handler
	store store.Store
	path  string // the SQLite file
	theme *theme.Theme
	quiz  *quiz.Quiz
	ver   string // the quiz version the handler expects in "v"
}

// newTheme loads the site's real content, layouts and static files.
func newTheme(t testing.TB) *theme.Theme {
	t.Helper()
	th, err := theme.Load(theme.FromRoot(os.DirFS("../..")), "")
	if err != nil {
		t.Fatalf("theme.Load: %v", err)
	}
	return th
}

// newStore opens a fresh SQLite store in a temporary folder, closed when
// the test ends, and returns it with its file's path.
func newStore(t testing.TB) (store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "site.db")
	st, err := store.OpenSQLite(path)
	if err != nil {
		t.Fatalf("OpenSQLite: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st, path
}

// testLogger sends the handler's log to the test's log, shown on failure
// or with -v.
func testLogger(t testing.TB) *slog.Logger {
	t.Helper()
	return slog.New(slog.NewTextHandler(tbWriter{t}, nil))
}

type tbWriter struct{ t testing.TB }

func (w tbWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// newFixture returns the handler over the real site and a new store,
// logging to the test.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	st, path := newStore(t)
	f := newFixtureWith(t, st, testLogger(t))
	f.path = path
	return f
}

// newFixtureWith returns the handler over the real site and st.
func newFixtureWith(t testing.TB, st store.Store, log *slog.Logger) *fixture {
	t.Helper()
	th := newTheme(t)
	q, ver := th.Site().Quiz, th.Site().QuizVer
	if q == nil {
		t.Fatal("the site has no quiz: content/quiz.toml did not load")
	}
	h := api.New(api.Deps{Store: st, Theme: th, Now: func() time.Time { return testNow }, Log: log})
	return &fixture{h: h, store: st, theme: th, quiz: q, ver: ver}
}

// do sends r through the handler and returns the recorded response with
// its body read.
func (f *fixture) do(t testing.TB, r *http.Request) (*http.Response, string) {
	t.Helper()
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	res := w.Result()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	return res, string(body)
}

// post sends a url-encoded form body to path; accept may be "".
func (f *fixture) post(t testing.TB, path, body, accept string) (*http.Response, string) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if accept != "" {
		r.Header.Set("Accept", accept)
	}
	return f.do(t, r)
}

// get sends a GET to path; accept may be "".
func (f *fixture) get(t testing.TB, path, accept string) (*http.Response, string) {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	if accept != "" {
		r.Header.Set("Accept", accept)
	}
	return f.do(t, r)
}

// answers returns a complete quiz form: every statement answered with
// value(i), the current version and an empty honeypot.
func (f *fixture) answers(value func(i int) int) url.Values {
	v := url.Values{}
	for i := range f.quiz.Questions {
		v.Set(quiz.FieldName(i), strconv.Itoa(value(i)))
	}
	v.Set("v", f.ver)
	v.Set("website", "")
	return v
}

// allAnswers returns a complete form with every answer n.
func (f *fixture) allAnswers(n int) url.Values {
	return f.answers(func(int) int { return n })
}

// results returns every stored quiz result.
func (f *fixture) results(t testing.TB) []store.QuizResult {
	t.Helper()
	rs, err := f.store.QuizResults(context.Background(), time.Time{})
	if err != nil {
		t.Fatalf("QuizResults: %v", err)
	}
	return rs
}

// wantStored fails unless the store holds n quiz results.
func (f *fixture) wantStored(t testing.TB, n int) {
	t.Helper()
	if got := len(f.results(t)); got != n {
		t.Errorf("stored results: got %d, want %d", got, n)
	}
}

// submit posts form without JS and returns the new result's id, failing
// unless the handler redirected to the result.
func (f *fixture) submit(t testing.TB, form url.Values) string {
	t.Helper()
	res, body := f.post(t, "/api/quiz", form.Encode(), "")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /api/quiz: status got %d, want %d; body:\n%s", res.StatusCode, http.StatusSeeOther, body)
	}
	id, ok := resultID(res.Header.Get("Location"))
	if !ok {
		t.Fatalf("POST /api/quiz: Location got %q, want /quiz/result/<id>/", res.Header.Get("Location"))
	}
	return id
}

// resultID returns the id in a result path "/quiz/result/<id>/", and
// whether loc is exactly such a path with a store id.
func resultID(loc string) (string, bool) {
	rest, ok := strings.CutPrefix(loc, "/quiz/result/")
	if !ok {
		return "", false
	}
	id, ok := strings.CutSuffix(rest, "/")
	return id, ok && len(id) == store.IDLen && store.ValidID(id)
}

// wantSecurityHeaders fails unless res carries the headers every
// response of the function must have.
func wantSecurityHeaders(t testing.TB, res *http.Response) {
	t.Helper()
	for _, h := range []struct{ name, want string }{
		{"X-Content-Type-Options", "nosniff"},
		{"Cache-Control", "no-store"},
		{"Referrer-Policy", "strict-origin-when-cross-origin"},
	} {
		if got := res.Header.Get(h.name); got != h.want {
			t.Errorf("%s: got %q, want %q", h.name, got, h.want)
		}
	}
	if got := res.Header.Get("Content-Security-Policy"); !strings.Contains(got, "default-src 'self'") || !strings.Contains(got, "frame-ancestors 'none'") {
		t.Errorf("Content-Security-Policy: got %q, want the site's policy", got)
	}
	if got := res.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(got, "max-age=") {
		t.Errorf("Strict-Transport-Security: got %q, want max-age=...", got)
	}
}

// wantResponse fails unless res has the status, a Content-Type starting
// with ctype and the security headers.
func wantResponse(t testing.TB, res *http.Response, body string, status int, ctype string) {
	t.Helper()
	if res.StatusCode != status {
		t.Errorf("status: got %d, want %d; body:\n%s", res.StatusCode, status, summary(body))
	}
	if got := res.Header.Get("Content-Type"); !strings.HasPrefix(got, ctype) {
		t.Errorf("Content-Type: got %q, want %s", got, ctype)
	}
	wantSecurityHeaders(t, res)
}

// summary shortens a body for a failure message: a page's title and
// headings, or the start of anything else.
func summary(body string) string {
	if strings.HasPrefix(body, "<!doctype") {
		doc, err := html.Parse(strings.NewReader(body))
		if err == nil {
			var parts []string
			for _, n := range findAll(doc, func(n *html.Node) bool {
				return n.Data == "title" || n.Data == "h1" || n.Data == "p" && slices.Contains(n.Attr, html.Attribute{Key: "class", Val: "lede"})
			}) {
				parts = append(parts, n.Data+": "+text(n))
			}
			if e := find(doc, tag("div", "id", "form-errors")); e != nil {
				parts = append(parts, "form-errors: "+text(e))
			}
			return "[page] " + strings.Join(parts, " | ")
		}
	}
	const n = 400
	if len(body) > n {
		return body[:n] + "…"
	}
	return body
}

const (
	htmlType = "text/html; charset=utf-8"
	jsonType = "application/json"
)

// parseHTML parses a page, failing the test if it is not HTML.
func parseHTML(t testing.TB, body string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parsing the page: %v", err)
	}
	return doc
}

// findAll returns the elements under n, in document order, for which
// match is true.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && match(d) {
			out = append(out, d)
		}
	}
	return out
}

// find returns the first element under n for which match is true, or nil.
func find(n *html.Node, match func(*html.Node) bool) *html.Node {
	if all := findAll(n, match); len(all) > 0 {
		return all[0]
	}
	return nil
}

// attr returns n's attribute key and whether it is present.
func attr(n *html.Node, key string) (string, bool) {
	if n == nil {
		return "", false
	}
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// attr1 returns n's attribute key, or "".
func attr1(n *html.Node, key string) string {
	v, _ := attr(n, key)
	return v
}

// tag matches elements named name whose attributes include each
// key=value pair of kv ("class" matches one of the classes; a value of
// "*" only needs the attribute to be present).
func tag(name string, kv ...string) func(*html.Node) bool {
	return func(n *html.Node) bool {
		if name != "" && n.Data != name { // "" matches any element
			return false
		}
		for i := 0; i+1 < len(kv); i += 2 {
			v, ok := attr(n, kv[i])
			switch {
			case !ok:
				return false
			case kv[i+1] == "*":
			case kv[i] == "class":
				if !slices.Contains(strings.Fields(v), kv[i+1]) {
					return false
				}
			case v != kv[i+1]:
				return false
			}
		}
		return true
	}
}

// text returns the text under n with runs of space collapsed.
func text(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// checkedAnswers returns, for each statement of the quiz form in doc, the
// value of its checked radio button, or "" when none is checked. It fails
// the test if a statement has more than one checked.
func (f *fixture) checkedAnswers(t testing.TB, doc *html.Node) map[string]string {
	t.Helper()
	got := map[string]string{}
	for i, q := range f.quiz.Questions {
		li := find(doc, tag("li", "id", "q-"+q.ID))
		if li == nil {
			t.Fatalf("the form has no statement li#q-%s", q.ID)
		}
		radios := findAll(li, tag("input", "type", "radio", "name", quiz.FieldName(i)))
		if len(radios) != len(f.quiz.Scale) {
			t.Errorf("statement %q: got %d radio buttons named %s, want %d", q.ID, len(radios), quiz.FieldName(i), len(f.quiz.Scale))
		}
		for _, r := range radios {
			if _, ok := attr(r, "checked"); ok {
				v, _ := attr(r, "value")
				if prev := got[q.ID]; prev != "" {
					t.Errorf("statement %q: both %s and %s are checked", q.ID, prev, v)
				}
				got[q.ID] = v
			}
		}
		if _, ok := got[q.ID]; !ok {
			got[q.ID] = ""
		}
	}
	return got
}

// fieldErrors returns the message shown at each statement of the quiz
// form in doc that has one, by statement id.
func (f *fixture) fieldErrors(doc *html.Node) map[string]string {
	got := map[string]string{}
	for _, q := range f.quiz.Questions {
		if li := find(doc, tag("li", "id", "q-"+q.ID)); li != nil {
			if e := find(li, tag("p", "class", "field-error")); e != nil {
				got[q.ID] = text(e)
			}
		}
	}
	return got
}

// wantForm fails unless body is the quiz form page showing the answers
// want (statement id → value, "" for none checked), the messages wantErrs
// at their statements (and nowhere else), an error summary linking to
// each, and the current version.
func (f *fixture) wantForm(t testing.TB, body string, want map[string]string, wantErrs map[string]string) {
	t.Helper()
	doc := parseHTML(t, body)
	form := find(doc, tag("form", "class", "quiz-form"))
	if form == nil {
		t.Fatalf("the page has no quiz form:\n%s", summary(body))
	}
	if v := find(form, tag("input", "name", "v")); v == nil {
		t.Error("the form has no v field")
	} else if got, _ := attr(v, "value"); got != f.ver {
		t.Errorf("the form's v: got %q, want %q", got, f.ver)
	}
	if find(form, tag("input", "name", "website")) == nil {
		t.Error("the form has no honeypot field")
	}
	got := f.checkedAnswers(t, doc)
	for _, q := range f.quiz.Questions {
		if got[q.ID] != want[q.ID] {
			t.Errorf("statement %q: checked value got %q, want %q", q.ID, got[q.ID], want[q.ID])
		}
	}
	all := findAll(doc, tag("p", "class", "field-error"))
	if len(all) != len(wantErrs) {
		t.Errorf("class=\"field-error\" count: got %d, want %d", len(all), len(wantErrs))
	}
	gotErrs := f.fieldErrors(doc)
	for id, msg := range wantErrs {
		if gotErrs[id] != msg {
			t.Errorf("statement %q: message got %q, want %q", id, gotErrs[id], msg)
		}
	}
	summary := find(doc, tag("div", "id", "form-errors"))
	if len(wantErrs) == 0 {
		return
	}
	if summary == nil {
		t.Fatal("the page has no error summary (#form-errors)")
	}
	var links []string
	for _, a := range findAll(summary, tag("a", "href", "*")) {
		href, _ := attr(a, "href")
		links = append(links, href)
	}
	for id := range wantErrs {
		if !slices.Contains(links, "#q-"+id) {
			t.Errorf("error summary: no link to #q-%s; links: %q", id, links)
		}
	}
	if len(links) != len(wantErrs) {
		t.Errorf("error summary links: got %d, want %d", len(links), len(wantErrs))
	}
}

// formValues returns what the re-rendered form should show for form:
// each statement's submitted value, or "".
func (f *fixture) formValues(form url.Values) map[string]string {
	m := map[string]string{}
	for i, q := range f.quiz.Questions {
		m[q.ID] = form.Get(quiz.FieldName(i))
	}
	return m
}

// countRowsAt opens the SQLite file at path again and counts its quiz
// results: for checks after the handler's store is closed.
func countRowsAt(t testing.TB, path string) int {
	t.Helper()
	st, err := store.OpenSQLite(path)
	if err != nil {
		t.Fatalf("reopening %s: %v", path, err)
	}
	defer st.Close()
	rs, err := st.QuizResults(context.Background(), time.Time{})
	if err != nil {
		t.Fatalf("QuizResults: %v", err)
	}
	return len(rs)
}
