package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cassidine/site/internal/quiz"
)

// FuzzQuizPost posts arbitrary bodies to POST /quiz through the whole
// handler: decode, validate, score and store. Whatever the body, the
// answer is one of the statuses the route defines, never a 5xx (a panic
// is recovered as a 500, so it fails here too), with the security
// headers. A body that is scored must have been a well-formed form, and
// what is stored must be exactly the answers it sent.
//
// Without -fuzz it runs over its seeds as an ordinary test.
func FuzzQuizPost(f *testing.F) {
	st, _ := newStore(f)
	fx := newFixtureWith(f, st, slog.New(slog.DiscardHandler))

	valid := fx.allAnswers(2)
	missing := fx.allAnswers(3)
	missing.Del(quiz.FieldName(4))
	seeds := []string{
		valid.Encode(),
		fx.allAnswers(0).Encode(),
		fx.allAnswers(4).Encode(),
		fx.byDimension(f, mixed).Encode(),
		missing.Encode(),
		strings.Replace(valid.Encode(), "q.0.a=2", "q.0.a=7", 1),
		strings.Replace(valid.Encode(), "q.0.a=2", "q.0.a=abc", 1),
		strings.Replace(valid.Encode(), "q.0.a=2", "q.0.a=%ff", 1),
		strings.Replace(valid.Encode(), "q.0.a=2", "q.0.a=+2+", 1),
		valid.Encode() + "&q.0.a=1",
		valid.Encode() + "&q.99.a=1",
		valid.Encode() + "&q.100000.a=1",
		valid.Encode() + "&q.-1.a=1",
		valid.Encode() + "&Q.0.A=0",
		valid.Encode() + "&q.00.a=0",
		valid.Encode() + "&name=x",
		strings.Replace(valid.Encode(), "website=", "website=x", 1),
		strings.Replace(valid.Encode(), "&website=", "", 1),
		strings.Replace(valid.Encode(), "v="+fx.ver, "v=old", 1),
		strings.ReplaceAll(valid.Encode(), "&", ";"),
		"",
		"=",
		"&&&",
		"q=1",
		"q.0=1",
		"q.0.a.b=1",
		"q..a=1",
		"%",
		`{"q":[{"a":"1"}]}`,
		strings.Repeat("q.0.a=1&", 5000),
	}
	for _, s := range seeds {
		f.Add(s, uint8(0))
		f.Add(s, uint8(1))
	}
	f.Add(valid.Encode(), uint8(2))
	f.Add(valid.Encode(), uint8(4))

	var clients atomic.Uint32
	f.Fuzz(func(t *testing.T, body string, mode uint8) {
		r := httptest.NewRequest(http.MethodPost, "/api/quiz", strings.NewReader(body))
		// Each input from a client of its own: the fuzzing is of the form,
		// and the per-network limit would otherwise answer most of it.
		n := clients.Add(1)
		r.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:40000", n>>16&255, n>>8&255, n&255)
		switch {
		case mode&4 != 0:
			r.Header.Set("Content-Type", "text/plain")
		case mode&2 != 0:
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		default:
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		asJSON := mode&1 != 0
		if asJSON {
			r.Header.Set("Accept", "application/json")
		}
		w := httptest.NewRecorder()
		fx.h.ServeHTTP(w, r)
		res := w.Result()

		switch res.StatusCode {
		case http.StatusOK, http.StatusCreated, http.StatusSeeOther, http.StatusBadRequest,
			http.StatusConflict, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
		default:
			t.Fatalf("status: got %d, want one of 200, 201, 303, 400, 409, 413, 415; body:\n%s", res.StatusCode, summary(w.Body.String()))
		}
		if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("X-Content-Type-Options: got %q, want nosniff", got)
		}
		if got := res.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control: got %q, want no-store", got)
		}
		if res.Header.Get("Content-Security-Policy") == "" {
			t.Error("Content-Security-Policy: got none")
		}
		if res.StatusCode != http.StatusSeeOther {
			want := htmlType
			if asJSON {
				want = jsonType
			}
			if got := res.Header.Get("Content-Type"); !strings.HasPrefix(got, want) {
				t.Errorf("Content-Type: got %q, want %s", got, want)
			}
		}

		// A scored form: find its id, then check what it sent.
		var id string
		switch res.StatusCode {
		case http.StatusSeeOther:
			var ok bool
			if id, ok = resultID(res.Header.Get("Location")); !ok {
				t.Fatalf("Location: got %q, want /quiz/result/<id>/", res.Header.Get("Location"))
			}
		case http.StatusCreated:
			var v struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
				t.Fatalf("201 body is not JSON: %v", err)
			}
			id = v.ID
		default:
			return
		}
		fx.wantScoredAsSent(t, body, id)
	})
}

// wantScoredAsSent checks a body that was scored as result id: it has
// only the form's own fields, each once, every statement answered on
// the scale, and the stored answers are those values.
func (f *fixture) wantScoredAsSent(t *testing.T, body, id string) {
	t.Helper()
	values, err := url.ParseQuery(body)
	if err != nil {
		t.Fatalf("scored a body that is not url-encoded: %v", err)
	}
	allowed := map[string]bool{"v": true, "website": true}
	for i := range f.quiz.Questions {
		allowed[quiz.FieldName(i)] = true
	}
	for k, vs := range values {
		if !allowed[k] {
			t.Errorf("scored a form with field %q, which the quiz form does not have", k)
		}
		if len(vs) != 1 {
			t.Errorf("scored a form with field %q sent %d times", k, len(vs))
		}
	}
	if values.Get("v") != f.ver || values.Get("website") != "" {
		t.Errorf("scored a form with v=%q website=%q, want v=%q and an empty honeypot", values.Get("v"), values.Get("website"), f.ver)
	}
	rec, err := f.store.QuizResult(context.Background(), id)
	if err != nil {
		t.Fatalf("QuizResult(%s): %v", id, err)
	}
	for i, q := range f.quiz.Questions {
		sent, err := strconv.Atoi(strings.TrimSpace(values.Get(quiz.FieldName(i))))
		if err != nil || sent < 0 || sent > 4 {
			t.Errorf("statement %q: scored the value %q, which is not on the scale", q.ID, values.Get(quiz.FieldName(i)))
			continue
		}
		if got := rec.Answers[q.ID]; got != sent {
			t.Errorf("statement %q: stored %d, want %d, the value sent", q.ID, got, sent)
		}
	}
}
