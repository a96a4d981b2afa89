package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/cassidine/site/internal/api"
	"github.com/cassidine/site/internal/mail"
	"github.com/cassidine/site/internal/quiz"
	"github.com/cassidine/site/internal/theme/emailtest"
)

const alertNotify = "coo@cassidine.example"

// newAlertFixture is the handler over the real site with NOTIFY_EMAIL set
// and a clock the test moves (*now).
func newAlertFixture(t testing.TB) (*fixture, *time.Time) {
	t.Helper()
	st, path := newStore(t)
	th := newTheme(t)
	now := testNow
	h := api.New(api.Deps{Store: st, Theme: th, NotifyEmail: alertNotify, Now: func() time.Time { return now }, Log: testLogger(t)})
	return &fixture{h: h, store: st, path: path, theme: th, quiz: th.Site().Quiz, ver: th.Site().QuizVer}, &now
}

// queued returns the decoded messages of kind in the outbox.
func (f *fixture) queued(t testing.TB, kind string) []mail.Message {
	t.Helper()
	box, err := f.store.Outbox(t.Context(), true)
	if err != nil {
		t.Fatal(err)
	}
	var out []mail.Message
	for _, om := range box {
		if om.Kind != kind {
			continue
		}
		m, err := mail.Decode(om.Payload)
		if err != nil {
			t.Fatalf("outbox %s: %v", kind, err)
		}
		if om.To != m.To {
			t.Errorf("outbox %s: row to %q, message to %q", kind, om.To, m.To)
		}
		out = append(out, m)
	}
	return out
}

// emailResult asks for result id by email, agreeing to be contacted or
// not, and wants the redirect back to the result.
func (f *fixture) emailResult(t testing.TB, id string, contact bool) {
	t.Helper()
	form := emailForm(id)
	if contact {
		form.Set("contact", "yes")
	}
	res, body := f.post(t, "/api/quiz/email", form.Encode(), "")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /api/quiz/email: got %d, want 303\n%s", res.StatusCode, summary(body))
	}
}

// TestLeadAlertConsent: the consultant hears of every result emailed, with
// the band, the weakest areas and the link; the alert invites follow-up
// (and takes replies to the prospect) only when the prospect agreed to be
// contacted, and otherwise says not to.
func TestLeadAlertConsent(t *testing.T) {
	for _, tt := range []struct {
		name      string
		contact   bool
		subject   string
		replyTo   string
		want      []string // in the alert's text and its HTML's text
		wantNot   []string
		inResult  string // in the prospect's result email
		consented bool
	}{
		{
			name: "result only", contact: false,
			subject: "Quiz result emailed to ann@example.com (do not contact)",
			want: []string{"ann@example.com asked for their quiz result by email, and for nothing more.",
				"They did not agree to be contacted: do not follow up unless they write to you.",
				"Not agreed: asked only for the result"},
			wantNot:  []string{"Reply to this email", "Agreed to be contacted"},
			inResult: "You asked only for this result: we will not contact you about it.",
		},
		{
			name: "result and contact", contact: true,
			subject: "New lead from the quiz: ann@example.com (", replyTo: "ann@example.com",
			want: []string{"ann@example.com asked for their quiz result by email and agreed to be contacted about it. Reply to this email to write to them.",
				"Agreed to be contacted"},
			wantNot:   []string{"do not", "Not agreed"},
			inResult:  "You agreed that we may contact you about this result; reply to this email if you would rather we did not.",
			consented: true,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := newAlertFixture(t)
			id := f.submit(t, f.allAnswers(3))
			f.emailResult(t, id, tt.contact)

			rec, err := f.store.QuizResult(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Email != "ann@example.com" || rec.ConsentAt == nil || !rec.ConsentAt.Equal(testNow) {
				t.Errorf("stored: email %q consent %v; want the address, asked at %v", rec.Email, rec.ConsentAt, testNow)
			}
			if got := rec.ContactConsentAt != nil && rec.ContactConsentAt.Equal(testNow); got != tt.consented || (rec.ContactConsentAt != nil) != tt.consented {
				t.Errorf("stored consent to contact: %v; want it %v", rec.ContactConsentAt, tt.consented)
			}

			alerts := f.queued(t, "lead-alert")
			if len(alerts) != 1 {
				t.Fatalf("lead alerts: got %d, want 1", len(alerts))
			}
			a := alerts[0]
			if a.To != alertNotify || a.ReplyTo != tt.replyTo || !strings.HasPrefix(a.Subject, tt.subject) {
				t.Errorf("alert: to %q reply-to %q subject %q; want to %q reply-to %q subject %q…", a.To, a.ReplyTo, a.Subject, alertNotify, tt.replyTo, tt.subject)
			}
			score := f.quiz.Score(uniformAnswers(f, 3))
			want := append([]string{
				"ann@example.com", score.Band.Headline, f.theme.Site().AbsURL("/quiz/result/" + id + "/"),
			}, tt.want...)
			for _, d := range score.Weakest {
				want = append(want, d.Name)
			}
			emailtest.CheckHTML(t, "alert", a.HTML)
			htmlText := emailtest.Text(mustParse(t, a.HTML))
			for _, s := range want {
				if !strings.Contains(a.Text, s) {
					t.Errorf("alert text lacks %q:\n%s", s, a.Text)
				}
				if !strings.Contains(htmlText, s) {
					t.Errorf("alert HTML lacks %q:\n%s", s, htmlText)
				}
			}
			for _, s := range tt.wantNot {
				if strings.Contains(a.Text, s) || strings.Contains(htmlText, s) {
					t.Errorf("alert has %q:\n%s", s, a.Text)
				}
			}

			results := f.queued(t, "quiz-result")
			if len(results) != 1 || !strings.Contains(results[0].Text, tt.inResult) || !strings.Contains(results[0].HTML, tt.inResult) {
				t.Errorf("result email: want one saying %q, got %+v", tt.inResult, results)
			}
		})
	}
}

// TestLeadAlertOnceADay: asking again the same day sends neither the
// result nor the alert again; agreeing to be contacted later that day is
// news, alerted once; the next day a request alerts again, as agreed
// (the earlier agreement stands).
func TestLeadAlertOnceADay(t *testing.T) {
	f, now := newAlertFixture(t)
	id := f.submit(t, f.allAnswers(2))
	count := func(step string, results, alerts int) []mail.Message {
		t.Helper()
		r, a := f.queued(t, "quiz-result"), f.queued(t, "lead-alert")
		if len(r) != results || len(a) != alerts {
			t.Fatalf("%s: got %d result emails and %d alerts, want %d and %d", step, len(r), len(a), results, alerts)
		}
		return a
	}
	f.emailResult(t, id, false)
	count("first request", 1, 1)
	f.emailResult(t, id, false)
	count("the same again", 1, 1)
	*now = now.Add(3 * time.Hour)
	f.emailResult(t, id, true)
	a := count("agreeing to be contacted", 1, 2)
	if !strings.HasPrefix(a[1].Subject, "New lead") {
		t.Errorf("the second alert: subject %q, want the new lead", a[1].Subject)
	}
	f.emailResult(t, id, true)
	f.emailResult(t, id, false)
	count("asking again, with and without", 1, 2)
	rec, err := f.store.QuizResult(t.Context(), id)
	if err != nil || rec.ContactConsentAt == nil || !rec.ContactConsentAt.Equal(*now) {
		t.Errorf("stored consent to contact: %+v, %v; want it kept from %v", rec, err, *now)
	}

	*now = now.Add(25 * time.Hour)
	f.emailResult(t, id, false)
	a = count("the next day", 2, 3)
	if !strings.HasPrefix(a[2].Subject, "New lead") || a[2].ReplyTo != "ann@example.com" {
		t.Errorf("the next day's alert: subject %q reply-to %q; want a lead that agreed", a[2].Subject, a[2].ReplyTo)
	}
}

// TestLeadAlertNotForRefused: a request refused (no consent to send, or
// another address for someone's result) alerts nobody.
func TestLeadAlertNotForRefused(t *testing.T) {
	f, _ := newAlertFixture(t)
	id := f.submit(t, f.allAnswers(2))
	form := emailForm(id)
	form.Del("consent")
	form.Set("contact", "yes")
	if res, body := f.post(t, "/api/quiz/email", form.Encode(), ""); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("contact without asking for the result: got %d, want 400\n%s", res.StatusCode, summary(body))
	}
	f.emailResult(t, id, false)
	other := emailForm(id)
	other.Set("email", "someone@example.net")
	other.Set("contact", "yes")
	if res, _ := f.post(t, "/api/quiz/email", other.Encode(), ""); res.StatusCode != http.StatusConflict {
		t.Fatalf("another address: got %d, want 409", res.StatusCode)
	}
	if a := f.queued(t, "lead-alert"); len(a) != 1 || a[0].ReplyTo != "" {
		t.Errorf("alerts: %+v; want only the owner's, without consent to contact", a)
	}
	rec, err := f.store.QuizResult(t.Context(), id)
	if err != nil || rec.ContactConsentAt != nil {
		t.Errorf("stored: %+v, %v; want no consent to contact", rec, err)
	}
}

// TestResultPageConsents: the form asks the two things apart: sending the
// result (required, its own box) and being contacted (optional, with a
// hint saying what leaving it unticked means). A form sent back keeps
// both choices.
func TestResultPageConsents(t *testing.T) {
	f, _ := newAlertFixture(t)
	id := f.submit(t, f.allAnswers(2))
	res, body := f.get(t, "/quiz/result/"+id+"/", "")
	wantResponse(t, res, body, http.StatusOK, htmlType)
	doc := parseHTML(t, body)
	for _, c := range []struct{ id, label string }{
		{"consent", "Send this result to my email address."},
		{"contact", "I also agree to be contacted about this result (optional)"},
	} {
		in := find(doc, tag("input", "id", c.id))
		if in == nil || attr1(in, "type") != "checkbox" || attr1(in, "name") != c.id || attr1(in, "value") != "yes" {
			t.Fatalf("no checkbox %s", c.id)
		}
		if _, checked := attr(in, "checked"); checked {
			t.Errorf("%s: ticked by default; consent is never pre-ticked", c.id)
		}
		if got := text(find(doc, tag("label", "for", c.id))); !strings.HasPrefix(got, c.label) {
			t.Errorf("label for %s: got %q, want %q…", c.id, got, c.label)
		}
	}
	hint := find(doc, tag("p", "id", "contact-hint"))
	if attr1(find(doc, tag("input", "id", "contact")), "aria-describedby") != "contact-hint" || !strings.Contains(text(hint), "nobody will contact you") {
		t.Errorf("contact hint: %q", text(hint))
	}

	form := emailForm(id)
	form.Set("email", "not an address")
	form.Set("contact", "yes")
	res, body = f.post(t, "/api/quiz/email", form.Encode(), "")
	wantResponse(t, res, body, http.StatusBadRequest, htmlType)
	doc = parseHTML(t, body)
	for _, c := range []string{"consent", "contact"} {
		if _, checked := attr(find(doc, tag("input", "id", c)), "checked"); !checked {
			t.Errorf("%s: not kept ticked after a mistake", c)
		}
	}
	if rec, err := f.store.QuizResult(t.Context(), id); err != nil || rec.Email != "" || rec.ContactConsentAt != nil {
		t.Errorf("stored after a mistake: %+v, %v; want nothing", rec, err)
	}
	if a := f.queued(t, "lead-alert"); len(a) != 0 {
		t.Errorf("alerts after a mistake: %d, want none", len(a))
	}
}

// uniformAnswers is what allAnswers(n) posts, as the quiz scores it.
func uniformAnswers(f *fixture, n int) quiz.Answers {
	a := quiz.Answers{}
	for _, q := range f.quiz.Questions {
		a[q.ID] = n
	}
	return a
}

func mustParse(t testing.TB, s string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
