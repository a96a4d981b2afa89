package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/cassidine/site/internal/mail"
	"github.com/cassidine/site/internal/theme/emailtest"
)

// TestQuizEmailQueuesResult checks that "email me this result" puts the
// result in the outbox for the prospect, and the lead alert for the
// consultant: the fixture has no sender, so the messages stay queued, as
// they would while SMTP is down.
func TestQuizEmailQueuesResult(t *testing.T) {
	f := newFixture(t)
	id := f.submit(t, f.allAnswers(4))
	res, body := f.post(t, "/api/quiz/email", emailForm(id).Encode(), "")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("status: got %d, want %d; body:\n%s", res.StatusCode, http.StatusSeeOther, summary(body))
	}
	box, err := f.store.Outbox(t.Context(), true)
	if err != nil {
		t.Fatal(err)
	}
	if len(box) != 2 {
		t.Fatalf("outbox: got %d messages, want 2 (the result, the alert)", len(box))
	}
	m, err := mail.Decode(box[0].Payload)
	if err != nil {
		t.Fatal(err)
	}
	if box[0].Kind != "quiz-result" || m.To != "ann@example.com" {
		t.Errorf("got kind %q to %q, want quiz-result to ann@example.com", box[0].Kind, m.To)
	}
	for _, want := range []string{"100% overall gap score", "/quiz/result/" + id + "/", "/api/book?result=" + id,
		"You asked only for this result: we will not contact you about it."} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("email text lacks %q:\n%s", want, m.Text)
		}
	}
	emailtest.CheckHTML(t, "result email", m.HTML)
	if box[1].Kind != "lead-alert" || box[1].To != f.theme.Site().Email {
		t.Errorf("got kind %q to %q, want lead-alert to the site's email %q (no NOTIFY_EMAIL)", box[1].Kind, box[1].To, f.theme.Site().Email)
	}
}
