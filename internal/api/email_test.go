package api_test

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cassidine/site/internal/api"
	"github.com/cassidine/site/internal/store"
)

// The email form's messages.
const (
	msgConsent    = "Tick the box to have the result sent to this address."
	msgEmailLike  = "Enter an address like name@company.com."
	msgEmailLong  = "That address is too long."
	msgEmailLine  = "Enter the address on one line."
	msgEmailEmpty = "Enter your email address."
)

// emailForm is a valid "email me this result" form for id.
func emailForm(id string) url.Values {
	return url.Values{"id": {id}, "email": {"ann@example.com"}, "consent": {"yes"}, "website": {""}}
}

// address returns a syntactically valid address of exactly n bytes
// (n ≥ 12), its domain made of labels no longer than DNS allows.
func address(n int) string {
	const local = "ann@"
	var labels []string
	rest := n - len(local) - len(".com")
	for rest > 0 {
		l := min(rest, 63)
		if rest-l == 1 { // a label of one byte would need a dot of its own
			l--
		}
		labels = append(labels, strings.Repeat("x", l))
		rest -= l + 1
	}
	return local + strings.Join(labels, ".") + ".com"
}

// wantNoEmail fails unless the result id has no email and no consent.
func (f *fixture) wantNoEmail(t testing.TB, id string) {
	t.Helper()
	rec, err := f.store.QuizResult(context.Background(), id)
	if err != nil {
		t.Fatalf("QuizResult(%s): %v", id, err)
	}
	if rec.Email != "" || rec.ConsentAt != nil {
		t.Errorf("stored email: got %q consent %v, want none", rec.Email, rec.ConsentAt)
	}
}

func TestQuizEmail(t *testing.T) {
	for _, path := range []string{"/api/quiz/email", "/.netlify/functions/api/quiz/email", "/quiz/email"} {
		t.Run(path, func(t *testing.T) {
			f := newFixture(t)
			id := f.submit(t, f.allAnswers(2))
			res, body := f.post(t, path, emailForm(id).Encode(), "")
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("status: got %d, want %d; body:\n%s", res.StatusCode, http.StatusSeeOther, summary(body))
			}
			wantSecurityHeaders(t, res)
			loc := res.Header.Get("Location")
			if want := "/quiz/result/" + id + "/?emailed=1"; loc != want {
				t.Errorf("Location: got %q, want %q", loc, want)
			}
			rec, err := f.store.QuizResult(t.Context(), id)
			if err != nil {
				t.Fatalf("QuizResult: %v", err)
			}
			if rec.Email != "ann@example.com" {
				t.Errorf("stored email: got %q, want %q", rec.Email, "ann@example.com")
			}
			if rec.ConsentAt == nil || !rec.ConsentAt.Equal(testNow) {
				t.Errorf("ConsentAt: got %v, want %v (the handler's clock)", rec.ConsentAt, testNow)
			}
			f.wantStored(t, 1)

			// The redirect shows the result with a thank-you.
			res, body = f.get(t, loc, "")
			wantResponse(t, res, body, http.StatusOK, htmlType)
			if got := text(find(parseHTML(t, body), tag("p", "class", "notice"))); !strings.HasPrefix(got, "Thank you") {
				t.Errorf("notice: got %q, want the thank-you", got)
			}
		})
	}
}

// TestQuizEmailKeepsOwnersAddress: anyone with a result's link can open
// it, but only its owner's address is kept: another is refused with 409
// and the address stays; the same address again is fine (no new email the
// same day).
func TestQuizEmailKeepsOwnersAddress(t *testing.T) {
	f := newFixture(t)
	id := f.submit(t, f.allAnswers(2))
	send := func(addr string, want int) string {
		t.Helper()
		form := emailForm(id)
		form.Set("email", addr)
		res, body := f.post(t, "/api/quiz/email", form.Encode(), "application/json")
		wantResponse(t, res, body, want, jsonType)
		return body
	}
	send("ann@example.com", http.StatusOK)
	if body := send("attacker@example.net", http.StatusConflict); !strings.Contains(body, "already belongs to the address its owner gave") {
		t.Errorf("409 body: %s", body)
	}
	send("Ann@Example.com", http.StatusOK)
	rec, err := f.store.QuizResult(t.Context(), id)
	if err != nil {
		t.Fatalf("QuizResult: %v", err)
	}
	if rec.Email != "Ann@Example.com" {
		t.Errorf("stored address %q, want the owner's (as last given)", rec.Email)
	}
	msgs, err := f.store.Outbox(t.Context(), true)
	if err != nil {
		t.Fatal(err)
	}
	var results []string
	for _, m := range msgs {
		if m.Kind == "quiz-result" {
			results = append(results, m.To)
		}
	}
	if len(results) != 1 || results[0] != "ann@example.com" {
		t.Errorf("result emails to %q; want the one to the owner", results)
	}
	f.wantStored(t, 1)
}

// TestQuizEmailLimits checks the length limits at their edges: 254 bytes
// (what SMTP carries) is accepted, 255 is not; a local part of 64 is
// accepted, 65 is not.
func TestQuizEmailLimits(t *testing.T) {
	tests := []struct {
		name   string
		email  string
		status int
	}{
		{"254 bytes", address(254), http.StatusSeeOther},
		{"255 bytes", address(255), http.StatusBadRequest},
		{"local part 64", strings.Repeat("a", 64) + "@example.com", http.StatusSeeOther},
		{"local part 65", strings.Repeat("a", 65) + "@example.com", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			id := f.submit(t, f.allAnswers(1))
			form := emailForm(id)
			form.Set("email", tt.email)
			res, body := f.post(t, "/api/quiz/email", form.Encode(), "")
			if res.StatusCode != tt.status {
				t.Errorf("%d-byte address: status got %d, want %d; body:\n%s", len(tt.email), res.StatusCode, tt.status, summary(body))
			}
			rec, err := f.store.QuizResult(t.Context(), id)
			if err != nil {
				t.Fatalf("QuizResult: %v", err)
			}
			if stored := rec.Email == tt.email; stored != (tt.status == http.StatusSeeOther) {
				t.Errorf("%d-byte address: stored got %v, want %v", len(tt.email), stored, tt.status == http.StatusSeeOther)
			}
		})
	}
}

// TestQuizEmailInvalid covers forms the visitor must correct: the result
// page comes back with the message at the field and what they typed kept,
// and nothing is stored.
func TestQuizEmailInvalid(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(url.Values)
		fields map[string]string
	}{
		{"no consent", func(v url.Values) { v.Del("consent") }, map[string]string{"consent": msgConsent}},
		{"consent empty", func(v url.Values) { v.Set("consent", "") }, map[string]string{"consent": msgConsent}},
		{"consent on", func(v url.Values) { v.Set("consent", "on") }, map[string]string{"consent": msgConsent}},
		{"no email", func(v url.Values) { v.Del("email") }, map[string]string{"email": msgEmailEmpty}},
		{"blank email", func(v url.Values) { v.Set("email", "   ") }, map[string]string{"email": msgEmailEmpty}},
		{"a@b", func(v url.Values) { v.Set("email", "a@b") }, map[string]string{"email": msgEmailLike}},
		{"no domain", func(v url.Values) { v.Set("email", "ann@") }, map[string]string{"email": msgEmailLike}},
		{"no at", func(v url.Values) { v.Set("email", "ann.example.com") }, map[string]string{"email": msgEmailLike}},
		{"two ats", func(v url.Values) { v.Set("email", "ann@b@example.com") }, map[string]string{"email": msgEmailLike}},
		{"space", func(v url.Values) { v.Set("email", "ann @example.com") }, map[string]string{"email": msgEmailLike}},
		{"angle brackets", func(v url.Values) { v.Set("email", "<ann@example.com>") }, map[string]string{"email": msgEmailLike}},
		{"two addresses", func(v url.Values) { v.Set("email", "ann@example.com,bob@example.com") }, map[string]string{"email": msgEmailLike}},
		{"255 bytes", func(v url.Values) { v.Set("email", address(255)) }, map[string]string{"email": msgEmailLong}},
		{"header injection CRLF", func(v url.Values) { v.Set("email", "x@y.com\r\nBcc: z@w.com") }, map[string]string{"email": msgEmailLine}},
		{"header injection LF", func(v url.Values) { v.Set("email", "x@y.com\nBcc: z@w.com") }, map[string]string{"email": msgEmailLine}},
		{"trailing newline", func(v url.Values) { v.Set("email", "x@y.com\n") }, map[string]string{"email": msgEmailLine}},
		{"neither", func(v url.Values) { v.Set("email", "a@b"); v.Del("consent") }, map[string]string{"email": msgEmailLike, "consent": msgConsent}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			id := f.submit(t, f.allAnswers(2))
			form := emailForm(id)
			tt.edit(form)

			res, body := f.post(t, "/api/quiz/email", form.Encode(), "")
			wantResponse(t, res, body, http.StatusBadRequest, htmlType)
			doc := parseHTML(t, body)
			if got := text(find(doc, tag("h2", "id", "result-title"))); got == "" {
				t.Error("the result is not shown with the form")
			}
			for _, field := range []string{"email", "consent"} {
				if got, want := text(find(doc, tag("span", "id", field+"-error"))), tt.fields[field]; got != want {
					t.Errorf("%s message: got %q, want %q", field, got, want)
				}
			}
			in := find(doc, tag("input", "id", "email"))
			if in == nil {
				t.Fatal("no email input")
			}
			// (HTML parsing turns CRLF into LF, as a browser does.)
			if got, want := attr1(in, "value"), strings.ReplaceAll(form.Get("email"), "\r\n", "\n"); got != want {
				t.Errorf("email input: got %q, want what was typed, %q", got, want)
			}
			_, checked := attr(find(doc, tag("input", "id", "consent")), "checked")
			if want := form.Get("consent") == "yes"; checked != want {
				t.Errorf("consent checked: got %v, want %v", checked, want)
			}
			f.wantNoEmail(t, id)

			res, body = f.post(t, "/api/quiz/email", form.Encode(), "application/json")
			wantResponse(t, res, body, http.StatusBadRequest, jsonType)
			if v := decodeJSON(t, body); !maps.Equal(v.Fields, tt.fields) {
				t.Errorf("fields: got %v, want %v", v.Fields, tt.fields)
			}
			f.wantNoEmail(t, id)
		})
	}
}

// TestQuizEmailRejects covers requests refused before the address is
// looked at.
func TestQuizEmailRejects(t *testing.T) {
	tests := []struct {
		name   string
		method string
		ctype  string
		body   func(id string) string
		status int
		h1     string
	}{
		{"unknown id", "POST", "application/x-www-form-urlencoded", func(string) string { return emailForm(store.NewID()).Encode() }, http.StatusNotFound, "Result not found"},
		{"malformed id", "POST", "application/x-www-form-urlencoded", func(string) string { return emailForm("nope").Encode() }, http.StatusNotFound, "Result not found"},
		{"empty id", "POST", "application/x-www-form-urlencoded", func(string) string { return emailForm("").Encode() }, http.StatusNotFound, "Result not found"},
		{"no id", "POST", "application/x-www-form-urlencoded", func(id string) string {
			v := emailForm(id)
			v.Del("id")
			return v.Encode()
		}, http.StatusNotFound, "Result not found"},
		{"GET", "GET", "", func(string) string { return "" }, http.StatusMethodNotAllowed, "We could not read that form"},
		{"JSON body", "POST", "application/json", func(id string) string { return `{"id":"` + id + `","email":"ann@example.com","consent":"yes"}` }, http.StatusUnsupportedMediaType, "We could not read that form"},
		{"multipart", "POST", "multipart/form-data; boundary=x", func(id string) string {
			return "--x\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n" + id + "\r\n--x--\r\n"
		}, http.StatusUnsupportedMediaType, "We could not read that form"},
		{"over 32 KB", "POST", "application/x-www-form-urlencoded", func(id string) string {
			return emailForm(id).Encode() + strings.Repeat("+", api.MaxBody)
		}, http.StatusRequestEntityTooLarge, "We could not read that form"},
		{"unknown field", "POST", "application/x-www-form-urlencoded", func(id string) string { return emailForm(id).Encode() + "&bcc=z@w.com" }, http.StatusBadRequest, "We could not read that form"},
		{"duplicate email", "POST", "application/x-www-form-urlencoded", func(id string) string { return emailForm(id).Encode() + "&email=z@w.com" }, http.StatusBadRequest, "We could not read that form"},
		{"duplicate email, other case", "POST", "application/x-www-form-urlencoded", func(id string) string { return emailForm(id).Encode() + "&Email=z@w.com" }, http.StatusBadRequest, "We could not read that form"},
		{"duplicate id", "POST", "application/x-www-form-urlencoded", func(id string) string { return emailForm(id).Encode() + "&id=" + store.NewID() }, http.StatusBadRequest, "We could not read that form"},
		{"invalid UTF-8", "POST", "application/x-www-form-urlencoded", func(id string) string {
			return strings.Replace(emailForm(id).Encode(), "email=ann", "email=%ffann", 1)
		}, http.StatusBadRequest, "We could not read that form"},
	}
	for _, tt := range tests {
		for _, accept := range []string{"", "application/json"} {
			t.Run(tt.name+"/"+accept, func(t *testing.T) {
				f := newFixture(t)
				id := f.submit(t, f.allAnswers(2))
				r := httptest.NewRequest(tt.method, "/api/quiz/email", strings.NewReader(tt.body(id)))
				if tt.ctype != "" {
					r.Header.Set("Content-Type", tt.ctype)
				}
				if accept != "" {
					r.Header.Set("Accept", accept)
				}
				res, body := f.do(t, r)
				if accept == "" {
					wantResponse(t, res, body, tt.status, htmlType)
					if got := text(find(parseHTML(t, body), tag("h1"))); got != tt.h1 {
						t.Errorf("h1: got %q, want %q", got, tt.h1)
					}
				} else {
					wantResponse(t, res, body, tt.status, jsonType)
					if decodeJSON(t, body).Error == "" {
						t.Error("JSON error: got none")
					}
				}
				if tt.status == http.StatusMethodNotAllowed {
					if got := res.Header.Get("Allow"); got != http.MethodPost {
						t.Errorf("Allow: got %q, want POST", got)
					}
				}
				f.wantNoEmail(t, id)
				f.wantStored(t, 1)
			})
		}
	}
}

func TestQuizEmailHoneypot(t *testing.T) {
	for _, edit := range []struct {
		name string
		fn   func(url.Values)
	}{
		{"missing", func(v url.Values) { v.Del("website") }},
		{"filled", func(v url.Values) { v.Set("website", "http://spam.example") }},
	} {
		t.Run(edit.name, func(t *testing.T) {
			f := newFixture(t)
			id := f.submit(t, f.allAnswers(2))
			form := emailForm(id)
			edit.fn(form)
			res, body := f.post(t, "/api/quiz/email", form.Encode(), "")
			wantResponse(t, res, body, http.StatusOK, htmlType)
			if h1 := text(find(parseHTML(t, body), tag("h1"))); h1 != "Thank you" {
				t.Errorf("h1: got %q, want %q", h1, "Thank you")
			}
			res, body = f.post(t, "/api/quiz/email", form.Encode(), "application/json")
			wantResponse(t, res, body, http.StatusOK, jsonType)
			// Even a bad address or an unknown id gets the fake success.
			form.Set("email", "x@y.com\r\nBcc: z@w.com")
			form.Set("id", store.NewID())
			res, body = f.post(t, "/api/quiz/email", form.Encode(), "")
			wantResponse(t, res, body, http.StatusOK, htmlType)
			f.wantNoEmail(t, id)
			f.wantStored(t, 1)
		})
	}
}

func TestQuizEmailStoreDown(t *testing.T) {
	f := newFixture(t)
	id := f.submit(t, f.allAnswers(2))
	f.store.Close()
	res, body := f.post(t, "/api/quiz/email", emailForm(id).Encode(), "")
	wantResponse(t, res, body, http.StatusServiceUnavailable, htmlType)
	if h1 := text(find(parseHTML(t, body), tag("h1"))); h1 != "Please try again in a minute" {
		t.Errorf("h1: got %q, want %q", h1, "Please try again in a minute")
	}
	res, body = f.post(t, "/api/quiz/email", emailForm(id).Encode(), "application/json")
	wantResponse(t, res, body, http.StatusServiceUnavailable, jsonType)

	st, err := store.OpenSQLite(f.path)
	if err != nil {
		t.Fatalf("reopening: %v", err)
	}
	defer st.Close()
	rec, err := st.QuizResult(t.Context(), id)
	if err != nil {
		t.Fatalf("QuizResult: %v", err)
	}
	if rec.Email != "" || rec.ConsentAt != nil {
		t.Errorf("stored email: got %q %v, want none", rec.Email, rec.ConsentAt)
	}
}

// saveFails is a store whose SetQuizEmail fails as a database that went
// away between reading the result and writing the address would.
type saveFails struct{ store.Store }

func (saveFails) SetQuizEmail(context.Context, string, string, time.Time, bool) error {
	return store.Errorf(store.EUNAVAILABLE, "the database is unavailable; try again shortly")
}

// TestQuizEmailSaveFails checks the write failing after the read worked:
// the page comes back with the address kept and a message at it, and a
// JSON caller gets JSON.
func TestQuizEmailSaveFails(t *testing.T) {
	real, _ := newStore(t)
	f := newFixtureWith(t, saveFails{real}, testLogger(t))
	id := f.submit(t, f.allAnswers(2))

	res, body := f.post(t, "/api/quiz/email", emailForm(id).Encode(), "")
	wantResponse(t, res, body, http.StatusServiceUnavailable, htmlType)
	doc := parseHTML(t, body)
	if got := text(find(doc, tag("span", "id", "email-error"))); !strings.Contains(got, "could not save your address") {
		t.Errorf("email message: got %q, want the could-not-save message", got)
	}
	if in := find(doc, tag("input", "id", "email")); in == nil {
		t.Error("no email input")
	} else if v, _ := attr(in, "value"); v != "ann@example.com" {
		t.Errorf("email input: got %q, want the address kept", v)
	}

	res, body = f.post(t, "/api/quiz/email", emailForm(id).Encode(), "application/json")
	wantResponse(t, res, body, http.StatusServiceUnavailable, jsonType)
	if res.Header.Get("Content-Type") == htmlType {
		t.Errorf("JSON caller got a page:\n%s", summary(body))
	}
	f.wantNoEmail(t, id)
}
