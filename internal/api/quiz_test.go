package api_test

import (
	"encoding/json"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/cassidine/site/internal/api"
	"github.com/cassidine/site/internal/quiz"
	"github.com/cassidine/site/internal/store"
)

// The quiz's messages at a statement, as a visitor reads them.
const (
	msgMissing = "Choose an answer for this statement."
	msgRange   = "Choose one of the answers from Never to Always."
)

// quizJSON is the JSON the function answers a quiz with, or an error.
type quizJSON struct {
	ID     string `json:"id"`
	URL    string `json:"url"`
	Result struct {
		Score int `json:"score"`
		Band  *struct {
			ID       string   `json:"id"`
			Headline string   `json:"headline"`
			Articles []string `json:"articles"`
		} `json:"band"`
		Dimensions []dimJSON `json:"dimensions"`
		Weakest    []dimJSON `json:"weakest"`
	} `json:"result"`
	HTML   string            `json:"html"`
	Error  string            `json:"error"`
	Fields map[string]string `json:"fields"`
}

type dimJSON struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Score int    `json:"score"`
}

func decodeJSON(t testing.TB, body string) quizJSON {
	t.Helper()
	var v quizJSON
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("decoding the JSON answer: %v; body:\n%s", err, summary(body))
	}
	return v
}

// byDimension answers each statement with the value of its dimension.
func (f *fixture) byDimension(t testing.TB, v map[string]int) url.Values {
	t.Helper()
	for _, d := range f.quiz.Dimensions {
		if _, ok := v[d.ID]; !ok {
			t.Fatalf("no answer for dimension %q: content/quiz.toml changed; update this test", d.ID)
		}
	}
	return f.answers(func(i int) int { return v[f.quiz.Questions[i].Dimension] })
}

// mixed is a form whose scores are easy to check by hand: every statement
// of a dimension gets the same answer, so each dimension scores 25 × its
// answer whatever its number of statements, and with three statements a
// dimension the overall is their mean, 60 ("A widening gap").
var mixed = map[string]int{"alignment": 1, "process": 2, "leadership": 2, "technology": 4, "accountability": 3}

func TestQuizPostRedirectsToResult(t *testing.T) {
	f := newFixture(t)
	res, body := f.post(t, "/api/quiz", f.byDimension(t, mixed).Encode(), "")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("status: got %d, want %d; body:\n%s", res.StatusCode, http.StatusSeeOther, summary(body))
	}
	wantSecurityHeaders(t, res)
	loc := res.Header.Get("Location")
	id, ok := resultID(loc)
	if !ok {
		t.Fatalf("Location: got %q, want /quiz/result/<26-character id>/", loc)
	}
	rs := f.results(t)
	if len(rs) != 1 {
		t.Fatalf("stored results: got %d, want 1", len(rs))
	}
	r := rs[0]
	if r.ID != id {
		t.Errorf("stored id: got %q, want %q (the redirect's)", r.ID, id)
	}
	if !r.CreatedAt.Equal(testNow) {
		t.Errorf("CreatedAt: got %v, want %v (the handler's clock)", r.CreatedAt, testNow)
	}
	if r.Overall != 60 || r.Band != "gap" {
		t.Errorf("stored score: got %d %q, want 60 \"gap\"", r.Overall, r.Band)
	}
	wantDims := map[string]int{"alignment": 25, "process": 50, "leadership": 50, "technology": 100, "accountability": 75}
	if !maps.Equal(r.Dimensions, wantDims) {
		t.Errorf("stored dimensions: got %v, want %v", r.Dimensions, wantDims)
	}
	for _, q := range f.quiz.Questions {
		if got, want := r.Answers[q.ID], mixed[q.Dimension]; got != want {
			t.Errorf("stored answer %q: got %d, want %d", q.ID, got, want)
		}
	}
	if len(r.Answers) != len(f.quiz.Questions) {
		t.Errorf("stored answers: got %d, want %d", len(r.Answers), len(f.quiz.Questions))
	}
	if r.Email != "" || r.ConsentAt != nil {
		t.Errorf("stored email: got %q %v, want none without consent", r.Email, r.ConsentAt)
	}
}

// TestQuizResultPage follows the redirect by every path the result is
// reached at: the function's two prefixes and the site path Netlify
// rewrites to the function (keeping its trailing slash).
func TestQuizResultPage(t *testing.T) {
	f := newFixture(t)
	id := f.submit(t, f.byDimension(t, mixed))
	for _, prefix := range []string{"", "/api", "/.netlify/functions/api"} {
		path := prefix + "/quiz/result/" + id + "/"
		t.Run(path, func(t *testing.T) {
			res, body := f.get(t, path, "")
			wantResponse(t, res, body, http.StatusOK, htmlType)
			f.wantResultPage(t, body, id)
		})
	}
	// Without the trailing slash: the page, or a redirect to the page.
	for _, prefix := range []string{"", "/api", "/.netlify/functions/api"} {
		path := prefix + "/quiz/result/" + id
		t.Run(path, func(t *testing.T) {
			res, body := f.get(t, path, "")
			wantSecurityHeaders(t, res)
			switch res.StatusCode {
			case http.StatusOK:
				f.wantResultPage(t, body, id)
			case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusPermanentRedirect:
				if loc := res.Header.Get("Location"); !strings.HasSuffix(loc, "/quiz/result/"+id+"/") {
					t.Errorf("Location: got %q, want the result path with its slash", loc)
				}
			default:
				t.Errorf("status: got %d, want 200 or a redirect to %s/", res.StatusCode, path)
			}
		})
	}
}

// wantResultPage checks the result page of the mixed answers.
func (f *fixture) wantResultPage(t testing.TB, body, id string) {
	t.Helper()
	doc := parseHTML(t, body)
	if got, want := text(find(doc, tag("h2", "id", "result-title"))), "A widening gap"; got != want {
		t.Errorf("band headline: got %q, want %q", got, want)
	}
	if got := text(find(doc, tag("title"))); !strings.Contains(got, "A widening gap") {
		t.Errorf("<title>: got %q, want the band's headline in it", got)
	}
	if got := text(find(doc, tag("p", "class", "score"))); !strings.HasPrefix(got, "60%") {
		t.Errorf("score: got %q, want 60%%", got)
	}
	svg := find(doc, tag("svg", "role", "img"))
	if svg == nil {
		t.Error(`no chart: want an <svg role="img">`)
	} else if l, _ := attr(svg, "aria-labelledby"); l == "" {
		t.Error("the chart has no aria-labelledby")
	}

	// The table fallback lists every dimension with its score.
	table := find(doc, tag("table"))
	if table == nil {
		t.Fatal("no table of the scores")
	}
	var rows []string
	for _, tr := range findAll(table, tag("tr")) {
		if th := find(tr, tag("th", "scope", "row")); th != nil {
			rows = append(rows, text(th)+" "+text(find(tr, tag("td"))))
		}
	}
	wantRows := []string{
		"Strategy–operations alignment 25%", "Process design 50%", "Leadership alignment 50%",
		"Technology adoption 100%", "Accountability 75%",
	}
	if !slices.Equal(rows, wantRows) {
		t.Errorf("table rows: got %q, want %q", rows, wantRows)
	}

	// The two weakest areas, weakest first, with their advice.
	var weak []string
	for _, s := range findAll(doc, tag("section", "class", "weak")) {
		weak = append(weak, text(find(s, tag("h4"))))
		if text(find(s, tag("div", "class", "prose"))) == "" {
			t.Errorf("weak area %q has no advice", text(find(s, tag("h4"))))
		}
	}
	if want := []string{"Technology adoption: 100%", "Accountability: 75%"}; !slices.Equal(weak, want) {
		t.Errorf("weakest areas: got %q, want %q", weak, want)
	}

	// Recommended reading, by title.
	var reading []string
	for _, h3 := range findAll(doc, tag("h3")) {
		if text(h3) != "Recommended reading" {
			continue
		}
		ul := h3.NextSibling
		for ul != nil && ul.Data != "ul" {
			ul = ul.NextSibling
		}
		if ul == nil {
			t.Fatal("no list after Recommended reading")
		}
		for _, a := range findAll(ul, tag("a")) {
			href, _ := attr(a, "href")
			reading = append(reading, href+" "+text(a))
		}
	}
	wantReading := []string{"/articles/what-is-a-fractional-coo/ What Is a Fractional COO?", "/services/ Services"}
	if !slices.Equal(reading, wantReading) {
		t.Errorf("recommended reading: got %q, want %q", reading, wantReading)
	}

	// Booking carries the result.
	var book string
	for _, a := range findAll(doc, tag("a", "href", "*")) {
		if text(a) == "Book a consultation" {
			book, _ = attr(a, "href")
		}
	}
	wantBookLink(t, book, id)
	perma := strings.TrimSuffix(f.theme.Site().BaseURL, "/") + "/quiz/result/" + id + "/"
	if find(doc, tag("a", "href", perma)) == nil {
		t.Errorf("no permalink to %s", perma)
	}
	if find(doc, tag("input", "name", "id", "value", id)) == nil {
		t.Errorf("the email form does not carry id %s", id)
	}
}

// wantBookLink fails unless href is a link to the booking page carrying
// the result id.
func wantBookLink(t testing.TB, href, id string) {
	t.Helper()
	u, err := url.Parse(href)
	if err != nil || !strings.Contains(u.Path, "book") || u.Query().Get("result") != id {
		t.Errorf(`"Book a consultation" link: got %q, want a booking page with result=%s`, href, id)
	}
}

func TestQuizPostJSON(t *testing.T) {
	f := newFixture(t)
	res, body := f.post(t, "/api/quiz", f.byDimension(t, mixed).Encode(), "application/json")
	wantResponse(t, res, body, http.StatusCreated, jsonType)
	v := decodeJSON(t, body)
	if len(v.ID) != store.IDLen || !store.ValidID(v.ID) {
		t.Errorf("id: got %q, want a %d-character store id", v.ID, store.IDLen)
	}
	if want := "/quiz/result/" + v.ID + "/"; v.URL != want {
		t.Errorf("url: got %q, want %q", v.URL, want)
	}
	if v.Result.Score != 60 {
		t.Errorf("result.score: got %d, want 60", v.Result.Score)
	}
	if v.Result.Band == nil || v.Result.Band.ID != "gap" || v.Result.Band.Headline != "A widening gap" {
		t.Errorf("result.band: got %+v, want gap, A widening gap", v.Result.Band)
	}
	if got := len(v.Result.Dimensions); got != len(f.quiz.Dimensions) {
		t.Errorf("result.dimensions: got %d, want %d", got, len(f.quiz.Dimensions))
	}
	var weak []string
	for _, d := range v.Result.Weakest {
		weak = append(weak, d.ID+" "+strconv.Itoa(d.Score))
	}
	if want := []string{"technology 100", "accountability 75"}; !slices.Equal(weak, want) {
		t.Errorf("result.weakest: got %q, want %q", weak, want)
	}
	for _, want := range []string{`class="result"`, "A widening gap", `role="img"`, "Book a consultation"} {
		if !strings.Contains(v.HTML, want) {
			t.Errorf("html: no %q in the fragment:\n%s", want, summary(v.HTML))
		}
	}
	frag := parseHTML(t, v.HTML)
	var book string
	for _, a := range findAll(frag, tag("a", "href", "*")) {
		if text(a) == "Book a consultation" {
			book = attr1(a, "href")
		}
	}
	wantBookLink(t, book, v.ID)
	if strings.Contains(v.HTML, "<html") || strings.Contains(v.HTML, "<body") {
		t.Error("html: got a whole page, want the result fragment")
	}
	rs := f.results(t)
	if len(rs) != 1 || rs[0].ID != v.ID {
		t.Errorf("stored: got %d results, want the one with id %s", len(rs), v.ID)
	}

	// The result reads back as JSON too.
	res, body = f.get(t, "/api"+v.URL, "application/json")
	wantResponse(t, res, body, http.StatusOK, jsonType)
	if got := decodeJSON(t, body); got.ID != v.ID || got.Result.Score != 60 {
		t.Errorf("GET %s as JSON: got id %q score %d, want %q 60", v.URL, got.ID, got.Result.Score, v.ID)
	}
}

func TestQuizScoring(t *testing.T) {
	f := newFixture(t)
	first, last := f.quiz.Bands[0], f.quiz.Bands[len(f.quiz.Bands)-1]
	tests := []struct {
		name     string
		form     url.Values
		score    int
		band     string
		dims     map[string]int // nil: every dimension scores score
		weakest  []string
		headline string
	}{
		{"all never", f.allAnswers(0), 0, first.ID, nil, []string{"alignment", "process"}, first.Headline},
		{"all sometimes", f.allAnswers(2), 50, "gap", nil, []string{"alignment", "process"}, "A widening gap"},
		{"all always", f.allAnswers(4), 100, last.ID, nil, []string{"alignment", "process"}, last.Headline},
		{"mixed", f.byDimension(t, mixed), 60, "gap",
			map[string]int{"alignment": 25, "process": 50, "leadership": 50, "technology": 100, "accountability": 75},
			[]string{"technology", "accountability"}, "A widening gap"},
		{"one area always", f.byDimension(t, map[string]int{"alignment": 0, "process": 0, "leadership": 0, "technology": 0, "accountability": 4}), 20, first.ID,
			map[string]int{"alignment": 0, "process": 0, "leadership": 0, "technology": 0, "accountability": 100},
			[]string{"accountability", "alignment"}, first.Headline},
	}
	if first.Min != 0 || last.Max != 100 {
		t.Fatalf("bands: got first %d–%d, last %d–%d; want the first to start at 0 and the last to end at 100", first.Min, first.Max, last.Min, last.Max)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := f.post(t, "/api/quiz", tt.form.Encode(), "application/json")
			wantResponse(t, res, body, http.StatusCreated, jsonType)
			v := decodeJSON(t, body)
			if v.Result.Score != tt.score {
				t.Errorf("score: got %d, want %d", v.Result.Score, tt.score)
			}
			if v.Result.Band == nil || v.Result.Band.ID != tt.band || v.Result.Band.Headline != tt.headline {
				t.Errorf("band: got %+v, want %s %q", v.Result.Band, tt.band, tt.headline)
			}
			got := map[string]int{}
			for _, d := range v.Result.Dimensions {
				got[d.ID] = d.Score
			}
			want := tt.dims
			if want == nil {
				want = map[string]int{}
				for _, d := range f.quiz.Dimensions {
					want[d.ID] = tt.score
				}
			}
			if !maps.Equal(got, want) {
				t.Errorf("dimensions: got %v, want %v", got, want)
			}
			var weak []string
			for _, d := range v.Result.Weakest {
				weak = append(weak, d.ID)
			}
			if !slices.Equal(weak, tt.weakest) {
				t.Errorf("weakest: got %q, want %q", weak, tt.weakest)
			}

			// What is stored agrees, and the page shows it.
			rec, err := f.store.QuizResult(t.Context(), v.ID)
			if err != nil {
				t.Fatalf("QuizResult(%s): %v", v.ID, err)
			}
			if rec.Overall != tt.score || rec.Band != tt.band || !maps.Equal(rec.Dimensions, want) {
				t.Errorf("stored: got %d %q %v, want %d %q %v", rec.Overall, rec.Band, rec.Dimensions, tt.score, tt.band, want)
			}
			res, body = f.get(t, "/api"+v.URL, "")
			wantResponse(t, res, body, http.StatusOK, htmlType)
			if got := text(find(parseHTML(t, body), tag("h2", "id", "result-title"))); got != tt.headline {
				t.Errorf("page headline: got %q, want %q", got, tt.headline)
			}
		})
	}
}

// TestQuizPostRejects covers requests refused before the answers are
// read: each gets its status and a message page (or JSON error), never a
// 500, and nothing is stored.
func TestQuizPostRejects(t *testing.T) {
	valid := func(f *fixture) string { return f.allAnswers(2).Encode() }
	tests := []struct {
		name   string
		method string
		ctype  string
		body   func(f *fixture) string
		status int
		text   string // in the page's message or the JSON error
	}{
		{"GET", http.MethodGet, "", nil, http.StatusMethodNotAllowed, "use POST"},
		{"PUT", http.MethodPut, "application/x-www-form-urlencoded", valid, http.StatusMethodNotAllowed, "use POST"},
		{"DELETE", http.MethodDelete, "", nil, http.StatusMethodNotAllowed, "use POST"},
		{"JSON body", http.MethodPost, "application/json", func(*fixture) string { return `{"q":[{"a":"1"}]}` }, http.StatusUnsupportedMediaType, "application/x-www-form-urlencoded"},
		{"multipart", http.MethodPost, "multipart/form-data; boundary=x", func(*fixture) string {
			return "--x\r\nContent-Disposition: form-data; name=\"q.0.a\"\r\n\r\n1\r\n--x--\r\n"
		}, http.StatusUnsupportedMediaType, "application/x-www-form-urlencoded"},
		{"text/plain", http.MethodPost, "text/plain", valid, http.StatusUnsupportedMediaType, "application/x-www-form-urlencoded"},
		{"no content type", http.MethodPost, "", valid, http.StatusUnsupportedMediaType, "application/x-www-form-urlencoded"},
		{"bad content type", http.MethodPost, "application/x-www-form-urlencoded; ;;", valid, http.StatusUnsupportedMediaType, "application/x-www-form-urlencoded"},
		{"over 32 KB", http.MethodPost, "application/x-www-form-urlencoded", func(f *fixture) string {
			return valid(f) + strings.Repeat("&", api.MaxBody)
		}, http.StatusRequestEntityTooLarge, "32 KB"},
		{"unknown field", http.MethodPost, "application/x-www-form-urlencoded", func(f *fixture) string {
			return valid(f) + "&name=Bob"
		}, http.StatusBadRequest, `unknown field "name"`},
		{"unknown subfield", http.MethodPost, "application/x-www-form-urlencoded", func(f *fixture) string {
			return valid(f) + "&q.0.b=1"
		}, http.StatusBadRequest, "unknown field"},
		{"duplicate answer", http.MethodPost, "application/x-www-form-urlencoded", func(f *fixture) string {
			return "q.0.a=1&q.0.a=2&v=" + f.ver + "&website="
		}, http.StatusBadRequest, `"q.0.a" was sent more than once`},
		{"duplicate version", http.MethodPost, "application/x-www-form-urlencoded", func(f *fixture) string {
			return valid(f) + "&v=" + f.ver
		}, http.StatusBadRequest, `"v" was sent more than once`},
		{"duplicate honeypot", http.MethodPost, "application/x-www-form-urlencoded", func(f *fixture) string {
			return valid(f) + "&website="
		}, http.StatusBadRequest, `"website" was sent more than once`},
		{"one index beyond the quiz", http.MethodPost, "application/x-www-form-urlencoded", func(f *fixture) string {
			return valid(f) + "&" + quiz.FieldName(len(f.quiz.Questions)) + "=1"
		}, http.StatusBadRequest, "statements"},
		{"index 99", http.MethodPost, "application/x-www-form-urlencoded", func(f *fixture) string {
			return valid(f) + "&q.99.a=1"
		}, http.StatusBadRequest, ""},
		{"index 100000", http.MethodPost, "application/x-www-form-urlencoded", func(f *fixture) string {
			return valid(f) + "&q.100000.a=1"
		}, http.StatusBadRequest, ""},
		{"index near max int", http.MethodPost, "application/x-www-form-urlencoded", func(f *fixture) string {
			return valid(f) + "&q.9223372036854775807.a=1"
		}, http.StatusBadRequest, ""},
		{"index past max int", http.MethodPost, "application/x-www-form-urlencoded", func(f *fixture) string {
			return valid(f) + "&q.99999999999999999999.a=1"
		}, http.StatusBadRequest, ""},
		{"negative index", http.MethodPost, "application/x-www-form-urlencoded", func(f *fixture) string {
			return valid(f) + "&q.-1.a=1"
		}, http.StatusBadRequest, ""},
		{"index not a number", http.MethodPost, "application/x-www-form-urlencoded", func(f *fixture) string {
			return valid(f) + "&q.x.a=1"
		}, http.StatusBadRequest, ""},
		{"q without index", http.MethodPost, "application/x-www-form-urlencoded", func(f *fixture) string {
			return "q=1&v=" + f.ver + "&website="
		}, http.StatusBadRequest, ""},
		{"invalid UTF-8 value", http.MethodPost, "application/x-www-form-urlencoded", func(f *fixture) string {
			return strings.Replace(valid(f), "q.0.a=2", "q.0.a=%ff", 1)
		}, http.StatusBadRequest, "not valid UTF-8"},
		{"invalid UTF-8 version", http.MethodPost, "application/x-www-form-urlencoded", func(f *fixture) string {
			return strings.Replace(valid(f), "v="+f.ver, "v=%c3%28", 1)
		}, http.StatusBadRequest, "not valid UTF-8"},
		{"invalid UTF-8 name", http.MethodPost, "application/x-www-form-urlencoded", func(f *fixture) string {
			return valid(f) + "&%ff=1"
		}, http.StatusBadRequest, "not valid UTF-8"},
		{"bad percent escape", http.MethodPost, "application/x-www-form-urlencoded", func(f *fixture) string {
			return valid(f) + "&q.0.a=%zz"
		}, http.StatusBadRequest, "url-encoded"},
		{"semicolon separator", http.MethodPost, "application/x-www-form-urlencoded", func(f *fixture) string {
			return strings.ReplaceAll(valid(f), "&", ";")
		}, http.StatusBadRequest, "url-encoded"},
	}
	for _, tt := range tests {
		for _, asJSON := range []bool{false, true} {
			name := tt.name
			if asJSON {
				name += "/json"
			}
			t.Run(name, func(t *testing.T) {
				f := newFixture(t)
				var body string
				if tt.body != nil {
					body = tt.body(f)
				}
				r := httptest.NewRequest(tt.method, "/api/quiz", strings.NewReader(body))
				if tt.ctype != "" {
					r.Header.Set("Content-Type", tt.ctype)
				}
				if asJSON {
					r.Header.Set("Accept", "application/json")
				}
				res, got := f.do(t, r)
				if asJSON {
					wantResponse(t, res, got, tt.status, jsonType)
					if v := decodeJSON(t, got); v.Error == "" || !strings.Contains(v.Error, tt.text) {
						t.Errorf("error: got %q, want it to contain %q", v.Error, tt.text)
					}
				} else {
					wantResponse(t, res, got, tt.status, htmlType)
					doc := parseHTML(t, got)
					if h1 := text(find(doc, tag("h1"))); h1 != "We could not read that form" {
						t.Errorf("h1: got %q, want %q", h1, "We could not read that form")
					}
					if msg := text(find(doc, tag("p", "class", "lede"))); msg == "" || !strings.Contains(msg, tt.text) {
						t.Errorf("message: got %q, want it to contain %q", msg, tt.text)
					}
					if find(doc, tag("a", "href", "/quiz/")) == nil {
						t.Error("no link back to the quiz")
					}
				}
				if tt.status == http.StatusMethodNotAllowed {
					if got := res.Header.Get("Allow"); got != http.MethodPost {
						t.Errorf("Allow: got %q, want POST", got)
					}
				}
				f.wantStored(t, 0)
			})
		}
	}
}

// TestQuizPostBodyLimit checks the limit is on the body's size and not
// one byte less: a body of exactly MaxBody bytes is read.
func TestQuizPostBodyLimit(t *testing.T) {
	f := newFixture(t)
	// The last answer is padded with "+", spaces once decoded, which the
	// quiz trims from an answer.
	form := f.allAnswers(3).Encode()
	last := quiz.FieldName(len(f.quiz.Questions)-1) + "=3"
	if !strings.HasSuffix(form, last) {
		form = strings.Replace(form, last, "", 1) + "&" + last
		form = strings.ReplaceAll(form, "&&", "&")
	}
	pad := api.MaxBody - len(form)
	res, body := f.post(t, "/api/quiz", form+strings.Repeat("+", pad), "")
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("%d bytes: status got %d, want %d; body:\n%s", api.MaxBody, res.StatusCode, http.StatusSeeOther, summary(body))
	}
	res, body = f.post(t, "/api/quiz", form+strings.Repeat("+", pad+1), "")
	wantResponse(t, res, body, http.StatusRequestEntityTooLarge, htmlType)
	// Far over the limit: the body is not read past it.
	res, body = f.post(t, "/api/quiz", form+strings.Repeat("+", 10*api.MaxBody), "")
	wantResponse(t, res, body, http.StatusRequestEntityTooLarge, htmlType)
	f.wantStored(t, 1)
}

// TestQuizPostHugeIndex checks that an answer index far beyond the quiz
// is refused without allocating a slice for it. gorilla/schema grows
// []quizAnswer to index+1 entries before anything else looks at it, so
// without the decoder's small MaxSize q.15000.a would cost 240 KB and
// q.100000000.a a gigabyte and more, from one line of input. The request
// must cost about what a request one past the quiz costs.
func TestQuizPostHugeIndex(t *testing.T) {
	f := newFixture(t)
	form := f.allAnswers(1).Encode()
	onePast := form + "&" + quiz.FieldName(len(f.quiz.Questions)) + "=1"
	base := f.allocs(t, onePast)
	for _, field := range []string{"q.15000.a", "q.100000.a", "q.100000000.a"} {
		t.Run(field, func(t *testing.T) {
			n := f.allocs(t, form+"&"+field+"=1")
			if n > base+64<<10 {
				t.Errorf("%s: allocated %d bytes, want about %d, as for %s", field, n, base, quiz.FieldName(len(f.quiz.Questions)))
			}
		})
	}
	f.wantStored(t, 0)
}

// allocs posts body, which must be refused with 400, and returns the
// fewest bytes allocated over a few tries (others' allocations only add).
func (f *fixture) allocs(t *testing.T, body string) uint64 {
	t.Helper()
	least := uint64(math.MaxUint64)
	for range 3 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		res, got := f.post(t, "/api/quiz", body, "")
		runtime.ReadMemStats(&after)
		wantResponse(t, res, got, http.StatusBadRequest, htmlType)
		least = min(least, after.TotalAlloc-before.TotalAlloc)
	}
	return least
}

// TestQuizPostDuplicateAliases sends one answer twice under names that
// differ in spelling but that gorilla/schema decodes into the same field
// (it matches names case-insensitively and parses indexes as numbers).
// Like an exact duplicate, each must be refused: otherwise which value is
// scored depends on Go's random map order, and the same request scores
// differently from one try to the next.
func TestQuizPostDuplicateAliases(t *testing.T) {
	for _, dup := range []string{"Q.0.A=0", "q.0.A=0", "Q.0.a=0", "q.00.a=0", "q.+0.a=0", "V=stale", "WEBSITE=x"} {
		t.Run(dup, func(t *testing.T) {
			f := newFixture(t)
			body := f.allAnswers(4).Encode() + "&" + dup
			for range 8 { // map order decides a winner; 8 tries find both
				res, got := f.post(t, "/api/quiz", body, "application/json")
				if res.StatusCode != http.StatusBadRequest {
					t.Fatalf("status: got %d, want %d (the field is sent twice); body:\n%s", res.StatusCode, http.StatusBadRequest, summary(got))
				}
			}
			f.wantStored(t, 0)
		})
	}
}

// TestQuizPostInvalidAnswer sends one answer that is not on the scale:
// the form comes back with the message at that statement and every other
// answer kept.
func TestQuizPostInvalidAnswer(t *testing.T) {
	for _, val := range []string{"7", "5", "-1", "abc", "1.5", "0x1", "99999999999999999999", "４", "1 2"} {
		t.Run(val, func(t *testing.T) {
			f := newFixture(t)
			form := f.allAnswers(3)
			form.Set(quiz.FieldName(0), val)
			res, body := f.post(t, "/api/quiz", form.Encode(), "")
			wantResponse(t, res, body, http.StatusBadRequest, htmlType)
			first := f.quiz.Questions[0].ID
			want := f.formValues(form)
			want[first] = "" // no radio has the value
			f.wantForm(t, body, want, map[string]string{first: msgRange})
			f.wantStored(t, 0)

			res, body = f.post(t, "/api/quiz", form.Encode(), "application/json")
			wantResponse(t, res, body, http.StatusBadRequest, jsonType)
			if v := decodeJSON(t, body); !maps.Equal(v.Fields, map[string]string{first: msgRange}) {
				t.Errorf("fields: got %v, want {%s: %q}", v.Fields, first, msgRange)
			}
			f.wantStored(t, 0)
		})
	}
}

// TestQuizPostMissingAnswers checks a form sent without JS with
// statements left out: the answers given come back checked, and each
// missing statement has its message and a link in the summary.
func TestQuizPostMissingAnswers(t *testing.T) {
	tests := []struct {
		name    string
		missing []int // indexes of statements left out
		empty   bool  // send them empty rather than leave them out
	}{
		{"first", []int{0}, false},
		{"last", []int{14}, false},
		{"three", []int{1, 4, 9}, false},
		{"three sent empty", []int{1, 4, 9}, true},
		{"all", []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			if len(f.quiz.Questions) != 15 {
				t.Fatalf("the quiz has %d statements, want 15: content/quiz.toml changed; update this test", len(f.quiz.Questions))
			}
			form := f.answers(func(i int) int { return i % 5 })
			wantErrs := map[string]string{}
			for _, i := range tt.missing {
				if tt.empty {
					form.Set(quiz.FieldName(i), "")
				} else {
					form.Del(quiz.FieldName(i))
				}
				wantErrs[f.quiz.Questions[i].ID] = msgMissing
			}
			res, body := f.post(t, "/api/quiz", form.Encode(), "")
			wantResponse(t, res, body, http.StatusBadRequest, htmlType)
			f.wantForm(t, body, f.formValues(form), wantErrs)
			f.wantStored(t, 0)

			res, body = f.post(t, "/api/quiz", form.Encode(), "application/json")
			wantResponse(t, res, body, http.StatusBadRequest, jsonType)
			v := decodeJSON(t, body)
			if !maps.Equal(v.Fields, wantErrs) {
				t.Errorf("fields: got %v, want %v", v.Fields, wantErrs)
			}
			if v.Error == "" {
				t.Error("error: got none")
			}
			f.wantStored(t, 0)
		})
	}
}

func TestQuizPostStaleVersion(t *testing.T) {
	tests := []struct {
		name string
		edit func(f *fixture, v url.Values)
	}{
		{"older", func(_ *fixture, v url.Values) { v.Set("v", "000000000000") }},
		{"empty", func(_ *fixture, v url.Values) { v.Set("v", "") }},
		{"left out", func(_ *fixture, v url.Values) { v.Del("v") }},
		{"trailing space", func(f *fixture, v url.Values) { v.Set("v", f.ver+" ") }},
		{"upper case", func(f *fixture, v url.Values) { v.Set("v", strings.ToUpper(f.ver)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			form := f.answers(func(i int) int { return (i + 2) % 5 })
			form.Del(quiz.FieldName(3)) // a missing answer stays missing
			tt.edit(f, form)
			res, body := f.post(t, "/api/quiz", form.Encode(), "")
			wantResponse(t, res, body, http.StatusConflict, htmlType)
			if !strings.Contains(text(find(parseHTML(t, body), tag("div", "id", "form-errors"))), "The quiz changed") {
				t.Error("no message that the quiz changed")
			}
			f.wantForm(t, body, f.formValues(form), nil)
			f.wantStored(t, 0)

			res, body = f.post(t, "/api/quiz", form.Encode(), "application/json")
			wantResponse(t, res, body, http.StatusConflict, jsonType)
			if e := decodeJSON(t, body).Error; !strings.Contains(e, "The quiz changed") {
				t.Errorf("error: got %q, want the quiz-changed message", e)
			}
			f.wantStored(t, 0)
		})
	}
}

func TestQuizPostHoneypot(t *testing.T) {
	tests := []struct {
		name string
		edit func(url.Values)
	}{
		{"missing", func(v url.Values) { v.Del("website") }},
		{"filled", func(v url.Values) { v.Set("website", "http://spam.example") }},
		{"space", func(v url.Values) { v.Set("website", " ") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			form := f.allAnswers(2)
			tt.edit(form)
			res, body := f.post(t, "/api/quiz", form.Encode(), "")
			wantResponse(t, res, body, http.StatusOK, htmlType)
			if h1 := text(find(parseHTML(t, body), tag("h1"))); h1 != "Thank you" {
				t.Errorf("h1: got %q, want %q", h1, "Thank you")
			}
			res, body = f.post(t, "/api/quiz", form.Encode(), "application/json")
			wantResponse(t, res, body, http.StatusOK, jsonType)
			if !strings.Contains(body, `"status":"ok"`) {
				t.Errorf("body: got %s, want status ok", body)
			}
			// A bot's bad answers get the same fake success, not a 400 that
			// tells it what to fix.
			form.Set(quiz.FieldName(0), "9")
			res, body = f.post(t, "/api/quiz", form.Encode(), "")
			wantResponse(t, res, body, http.StatusOK, htmlType)
			f.wantStored(t, 0)
		})
	}
}

func TestQuizResultNotFound(t *testing.T) {
	f := newFixture(t)
	f.submit(t, f.allAnswers(1))
	unknown := store.NewID()
	tests := []struct {
		id    string
		known bool // well formed, so the store is asked and says no
	}{
		{unknown, true},
		{"abc", false},
		{strings.ToUpper(unknown), false},
		{unknown[:25], false},
		{unknown + "a", false},
		{"0000000000000000000000000", false},
		{"%ff", false},
		{"a'%20OR%201=1--", false},
	}
	for _, tt := range tests {
		for _, path := range []string{"/api/quiz/result/" + tt.id + "/", "/quiz/result/" + tt.id + "/", "/api/quiz/result/" + tt.id} {
			t.Run(path, func(t *testing.T) {
				res, body := f.get(t, path, "")
				wantResponse(t, res, body, http.StatusNotFound, htmlType)
				h1 := text(find(parseHTML(t, body), tag("h1")))
				if tt.known && h1 != "Result not found" {
					t.Errorf("h1: got %q, want %q", h1, "Result not found")
				}
				if !strings.HasSuffix(h1, "not found") {
					t.Errorf("h1: got %q, want a not-found page", h1)
				}
				res, body = f.get(t, path, "application/json")
				wantResponse(t, res, body, http.StatusNotFound, jsonType)
				if decodeJSON(t, body).Error == "" {
					t.Error("JSON error: got none")
				}
			})
		}
	}
	f.wantStored(t, 1)
}

func TestUnknownRoute(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/", "/api", "/api/", "/api/nothing", "/.netlify/functions/api", "/apiquiz", "/quiz/result/", "/api/quiz/results/x/"} {
		t.Run(path, func(t *testing.T) {
			res, body := f.get(t, path, "")
			wantResponse(t, res, body, http.StatusNotFound, htmlType)
		})
	}
}

// TestQuizStoreDown closes the store under the handler: the visitor's
// answers come back with a message, and nothing is a 500.
func TestQuizStoreDown(t *testing.T) {
	f := newFixture(t)
	id := f.submit(t, f.allAnswers(2))
	if err := f.store.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	form := f.answers(func(i int) int { return i % 5 })

	res, body := f.post(t, "/api/quiz", form.Encode(), "")
	wantResponse(t, res, body, http.StatusServiceUnavailable, htmlType)
	if msg := text(find(parseHTML(t, body), tag("div", "id", "form-errors"))); !strings.Contains(msg, "We could not save this just now") {
		t.Errorf("message: got %q, want the store-down message", msg)
	}
	f.wantForm(t, body, f.formValues(form), nil)

	res, body = f.post(t, "/api/quiz", form.Encode(), "application/json")
	wantResponse(t, res, body, http.StatusServiceUnavailable, jsonType)
	if e := decodeJSON(t, body).Error; !strings.Contains(e, "We could not save this just now") {
		t.Errorf("error: got %q, want the store-down message", e)
	}

	for _, path := range []string{"/api/quiz/result/" + id + "/", "/quiz/result/" + id + "/", "/api/quiz/result/" + store.NewID() + "/"} {
		res, body = f.get(t, path, "")
		wantResponse(t, res, body, http.StatusServiceUnavailable, htmlType)
		if h1 := text(find(parseHTML(t, body), tag("h1"))); h1 != "Please try again in a minute" {
			t.Errorf("GET %s: h1 got %q, want %q", path, h1, "Please try again in a minute")
		}
		res, body = f.get(t, path, "application/json")
		wantResponse(t, res, body, http.StatusServiceUnavailable, jsonType)
	}
	// A malformed id is still a 404: it cannot name a result.
	res, body = f.get(t, "/api/quiz/result/nope/", "")
	if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("malformed id with the store down: status got %d, want 404 or 503", res.StatusCode)
	}
	wantSecurityHeaders(t, res)

	if n := countRowsAt(t, f.path); n != 1 {
		t.Errorf("rows after the store went down: got %d, want 1 (the one saved before)", n)
	}
}

// TestQuizConcurrent posts from many goroutines at once, for the race
// detector: one handler serves every request.
func TestQuizConcurrent(t *testing.T) {
	f := newFixture(t)
	const n = 16
	var wg sync.WaitGroup
	codes := make([]int, 2*n)
	for i := range n {
		wg.Go(func() {
			w := httptest.NewRecorder()
			r := httptest.NewRequest(http.MethodPost, "/api/quiz", strings.NewReader(f.allAnswers(i%5).Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			f.h.ServeHTTP(w, r)
			codes[i] = w.Code
		})
		wg.Go(func() {
			w := httptest.NewRecorder()
			form := f.allAnswers(1)
			form.Del(quiz.FieldName(i % 15))
			r := httptest.NewRequest(http.MethodPost, "/api/quiz", strings.NewReader(form.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			f.h.ServeHTTP(w, r)
			codes[n+i] = w.Code
		})
	}
	wg.Wait()
	for i, c := range codes {
		want := http.StatusSeeOther
		if i >= n {
			want = http.StatusBadRequest
		}
		if c != want {
			t.Errorf("request %d: status got %d, want %d", i, c, want)
		}
	}
	f.wantStored(t, n)
}

// TestSecurityHeaders sends one request for each kind of answer the
// function gives, and checks each carries the site's headers.
func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t)
	id := f.submit(t, f.allAnswers(2))
	missing := f.allAnswers(2)
	missing.Del(quiz.FieldName(0))
	stale := f.allAnswers(2)
	stale.Set("v", "old")
	bot := f.allAnswers(2)
	bot.Set("website", "x")
	email := url.Values{"id": {id}, "email": {"ann@example.com"}, "consent": {"yes"}, "website": {""}}
	noConsent := url.Values{"id": {id}, "email": {"ann@example.com"}, "website": {""}}
	type req struct {
		method, path, ctype, body string
		status                    int
	}
	reqs := []req{
		{"POST", "/api/quiz", "application/x-www-form-urlencoded", f.allAnswers(1).Encode(), http.StatusSeeOther},
		{"POST", "/api/quiz", "application/x-www-form-urlencoded", missing.Encode(), http.StatusBadRequest},
		{"POST", "/api/quiz", "application/x-www-form-urlencoded", stale.Encode(), http.StatusConflict},
		{"POST", "/api/quiz", "application/x-www-form-urlencoded", bot.Encode(), http.StatusOK},
		{"POST", "/api/quiz", "application/x-www-form-urlencoded", "a=1", http.StatusBadRequest},
		{"POST", "/api/quiz", "application/json", "{}", http.StatusUnsupportedMediaType},
		{"POST", "/api/quiz", "application/x-www-form-urlencoded", strings.Repeat("&", api.MaxBody+1), http.StatusRequestEntityTooLarge},
		{"GET", "/api/quiz", "", "", http.StatusMethodNotAllowed},
		{"GET", "/api/quiz/result/" + id + "/", "", "", http.StatusOK},
		{"GET", "/quiz/result/" + id + "/", "", "", http.StatusOK},
		{"GET", "/api/quiz/result/" + store.NewID() + "/", "", "", http.StatusNotFound},
		{"GET", "/api/nothing", "", "", http.StatusNotFound},
		{"POST", "/api/quiz/email", "application/x-www-form-urlencoded", noConsent.Encode(), http.StatusBadRequest},
		{"POST", "/api/quiz/email", "application/x-www-form-urlencoded", email.Encode(), http.StatusSeeOther},
	}
	for _, r := range reqs {
		for _, accept := range []string{"", "application/json"} {
			t.Run(r.method+" "+r.path+" "+strconv.Itoa(r.status)+" "+accept, func(t *testing.T) {
				req := httptest.NewRequest(r.method, r.path, strings.NewReader(r.body))
				if r.ctype != "" {
					req.Header.Set("Content-Type", r.ctype)
				}
				if accept != "" {
					req.Header.Set("Accept", accept)
				}
				res, body := f.do(t, req)
				want := r.status
				if accept != "" && r.status == http.StatusSeeOther {
					want = map[string]int{"/api/quiz": http.StatusCreated, "/api/quiz/email": http.StatusOK}[r.path]
				}
				if res.StatusCode != want {
					t.Errorf("status: got %d, want %d; body:\n%s", res.StatusCode, want, summary(body))
				}
				wantSecurityHeaders(t, res)
			})
		}
	}

	// And with the store down.
	f.store.Close()
	for _, path := range []string{"/api/quiz", "/api/quiz/result/" + id + "/"} {
		method := http.MethodGet
		if path == "/api/quiz" {
			method = http.MethodPost
		}
		req := httptest.NewRequest(method, path, strings.NewReader(f.allAnswers(1).Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, body := f.do(t, req)
		wantResponse(t, res, body, http.StatusServiceUnavailable, htmlType)
	}
}
