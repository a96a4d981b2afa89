package api_test

import (
	"bytes"
	"net/http"
	netmail "net/mail"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/cassidine/site/internal/mail"
	"github.com/cassidine/site/internal/mail/mailpittest"
	"github.com/cassidine/site/internal/theme/emailtest"
)

// bkWantHTML checks a queued message's HTML part: the site's look and
// nothing loaded (emailtest.CheckHTML), each of texts in its text, and a
// link starting with each of links.
func bkWantHTML(t testing.TB, what string, m mail.Message, texts []string, links ...string) {
	t.Helper()
	emailtest.CheckHTML(t, what, m.HTML)
	if m.HTML == "" {
		return
	}
	doc, err := html.Parse(strings.NewReader(m.HTML))
	if err != nil {
		t.Fatal(err)
	}
	got := emailtest.Text(doc)
	for _, s := range texts {
		if !strings.Contains(got, s) {
			t.Errorf("%s: HTML text lacks %q:\n%s", what, s, got)
		}
	}
	hrefs := emailtest.Links(doc)
next:
	for _, l := range links {
		for h := range hrefs {
			if strings.HasPrefix(h, l) {
				continue next
			}
		}
		t.Errorf("%s: no link to %s… in the HTML; links: %v", what, l, hrefs)
	}
}

// TestBookingEmailZones: the prospect reads times in their own zone when
// the form sent one (then also in the consultant's), else in the
// consultant's; the consultant's notice labels theirs and the
// prospect's. The zone is kept with the booking, so the cancellation,
// sent from a link with no form, still knows it.
func TestBookingEmailZones(t *testing.T) {
	for _, tt := range []struct {
		tz          string
		subject     string   // the confirmation's
		prospect    []string // in the confirmation's text and HTML
		notice      string   // in the notice's text
		cancelTitle string   // the cancellation's subject
	}{
		{"", "Your advisory session: Tuesday, December 8 at 9:00 AM CST",
			[]string{"When: Tuesday, December 8 at 9:00 AM CST (America/Chicago)", "UTC: Tuesday, December 8 at 15:00"},
			"Prospect's time: zone not known", "Cancelled: your advisory session on Tuesday, December 8 at 9:00 AM CST"},
		{"America/Chicago", "Your advisory session: Tuesday, December 8 at 9:00 AM CST",
			[]string{"When: Tuesday, December 8 at 9:00 AM CST (America/Chicago)"},
			"Prospect's time: the same as yours", "Cancelled: your advisory session on Tuesday, December 8 at 9:00 AM CST"},
		{"Asia/Kolkata", "Your advisory session: Tuesday, December 8 at 8:30 PM IST",
			[]string{"Your time: Tuesday, December 8 at 8:30 PM IST (Asia/Kolkata)", "Consultant's time: Tuesday, December 8 at 9:00 AM CST (America/Chicago)"},
			"Prospect's time: Tuesday, December 8 at 8:30 PM IST (Asia/Kolkata)", "Cancelled: your advisory session on Tuesday, December 8 at 8:30 PM IST"},
		{"Not/AZone", "Your advisory session: Tuesday, December 8 at 9:00 AM CST",
			[]string{"When: Tuesday, December 8 at 9:00 AM CST (America/Chicago)"},
			"Prospect's time: zone not known", "Cancelled: your advisory session on Tuesday, December 8 at 9:00 AM CST"},
	} {
		t.Run("tz="+tt.tz, func(t *testing.T) {
			f := newBkFixture(t)
			id, done := f.book(t, bkWith(bkValues(bkDec(8, 9, 0), "ada@example.com"), "tz", tt.tz))
			ms := f.outbox(t)
			_, conf := bkOne(t, ms, "confirmation")
			if conf.Subject != tt.subject {
				t.Errorf("subject: got %q, want %q", conf.Subject, tt.subject)
			}
			var htmlWant []string
			for _, s := range tt.prospect {
				if !strings.Contains(conf.Text, "  "+s+"\n") {
					t.Errorf("confirmation text lacks %q:\n%s", s, conf.Text)
				}
				label, value, _ := strings.Cut(s, ": ")
				htmlWant = append(htmlWant, label, value)
			}
			bkWantHTML(t, "confirmation", conf, htmlWant)
			_, notice := bkOne(t, ms, "confirmation-notice")
			if !strings.Contains(notice.Text, tt.notice+"\n") || !strings.Contains(notice.Text, "Your time: Tuesday, December 8 at 9:00 AM CST (America/Chicago)\n") {
				t.Errorf("notice text lacks %q and the consultant's time:\n%s", tt.notice, notice.Text)
			}
			label, value, _ := strings.Cut(tt.notice, ": ")
			bkWantHTML(t, "notice", notice, []string{label, value})

			if res := f.post(t, "/api/book/cancel", bkCancelForm(id, bkToken(done))); res.Status != http.StatusOK {
				t.Fatalf("cancel: got %s", res)
			}
			_, cancel := bkOne(t, f.outbox(t), "cancellation")
			if cancel.Subject != tt.cancelTitle {
				t.Errorf("cancellation subject: got %q, want %q", cancel.Subject, tt.cancelTitle)
			}
			bkWantHTML(t, "cancellation", cancel, append(htmlWant, "Your advisory session is cancelled", "Book another time"), bkBaseURL+"/book/")
		})
	}
}

// TestDonePageZone: the booking's page shows the prospect's time as
// stored with the booking; a tz on the link (the redirect after a move
// sends one) picks another real zone, and anything else is ignored.
func TestDonePageZone(t *testing.T) {
	f := newBkFixture(t)
	_, done := f.book(t, bkValues(bkDec(8, 9, 0), "ada@example.com"))
	for _, tt := range []struct{ tz, want string }{
		{"", "Tuesday, December 8, 2026 at 3:00 PM GMT (UTC+00:00) Europe/London"},
		{"Asia/Tokyo", "Wednesday, December 9, 2026 at 12:00 AM JST (UTC+09:00) Asia/Tokyo"},
		{"Not/AZone", "Tuesday, December 8, 2026 at 3:00 PM GMT (UTC+00:00) Europe/London"},
		{"<script>alert(1)</script>", "Tuesday, December 8, 2026 at 3:00 PM GMT (UTC+00:00) Europe/London"},
	} {
		link := done
		if tt.tz != "" {
			link += "&tz=" + url.QueryEscape(tt.tz)
		}
		res := f.get(t, link)
		if res.Status != http.StatusOK {
			t.Fatalf("GET %s: got %s", link, res)
		}
		if d := bkDonePage(t, res.Body); d.Local != tt.want || !strings.HasPrefix(d.When, "Tuesday, December 8, 2026 at 9:00 AM CST") {
			t.Errorf("tz=%q: your time %q, consultant's %q; want %q and the consultant's", tt.tz, d.Local, d.When, tt.want)
		}
		if strings.Contains(res.Body, "<script>alert") {
			t.Errorf("tz=%q: echoed into the page", tt.tz)
		}
	}
}

// TestExistingEmail: the reminder of the session an address already
// holds is text and HTML, in the prospect's zone, with its links.
func TestExistingEmail(t *testing.T) {
	f := newBkFixture(t)
	id, _ := f.book(t, bkValues(bkDec(8, 9, 0), "ada@example.com"))
	if res := f.post(t, "/api/book", bkValues(bkDec(10, 9, 0), "ada@example.com")); res.Status != http.StatusConflict {
		t.Fatalf("second booking: got %s, want 409", res)
	}
	_, m := bkOne(t, f.outbox(t), "existing")
	for _, s := range []string{"Your time: Tuesday, December 8 at 3:00 PM GMT (Europe/London)", "Consultant's time: Tuesday, December 8 at 9:00 AM CST (America/Chicago)",
		bkBaseURL + "/api/book/reschedule?b=" + id, bkBaseURL + "/api/book/cancel?b=" + id} {
		if !strings.Contains(m.Text, s) {
			t.Errorf("text lacks %q:\n%s", s, m.Text)
		}
	}
	bkWantHTML(t, "existing", m, []string{"Your advisory session is already booked", "Tuesday, December 8 at 3:00 PM GMT (Europe/London)", "If this was not you"},
		bkBaseURL+"/api/book/reschedule?b="+id, bkBaseURL+"/api/book/cancel?b="+id)
}

// TestEmailsThroughMailpit sends a booking confirmation and a lead alert
// through a real SMTP server: each arrives with its plain text and its
// HTML (in the MIME structure calendar clients expect for the invite), and
// Mailpit's own reading of the HTML finds the message in it.
func TestEmailsThroughMailpit(t *testing.T) {
	mp := bkStartMailpit(t)
	f := newBkFixture(t, bkWithSender(bkSMTPSender(t, mp.SMTPURL())))
	quizID, score := f.quizResult(t)
	if res := f.post(t, "/api/quiz/email", url.Values{"id": {quizID}, "email": {"ada@example.com"}, "consent": {"yes"}, "contact": {"yes"}, "website": {""}}); res.Status != http.StatusSeeOther {
		t.Fatalf("POST /api/quiz/email: got %s", res)
	}
	v := bkValues(bkDec(8, 9, 0), "ada@example.com")
	v.Set("name", `Ada <script>alert(1)</script> "><img src=x>`)
	v.Set("result", quizID)
	f.book(t, v)

	for _, tt := range []struct {
		subject string // prefix
		to      string
		tree    string
		text    []string // in the plain text and in the HTML's text
	}{
		{"Your advisory session: ", "ada@example.com",
			"multipart/mixed(multipart/alternative(text/plain text/html text/calendar) application/ics)",
			[]string{"Hello " + v.Get("name") + ",", "Europe/London"}},
		{"New booking: Ada", bkNotify,
			"multipart/mixed(multipart/alternative(text/plain text/html text/calendar) application/ics)",
			[]string{v.Get("name"), "Analytical Engines Ltd", score.Band.Headline}},
		{"New lead from the quiz: ada@example.com", bkNotify,
			"multipart/alternative(text/plain text/html)",
			[]string{"agreed to be contacted", score.Band.Headline, bkBaseURL + "/quiz/result/" + quizID + "/"}},
		{"Your readiness result: ", "ada@example.com",
			"multipart/alternative(text/plain text/html)",
			[]string{score.Band.Headline, "You agreed that we may contact you about this result"}},
	} {
		got := mp.bySubject(tt.subject)
		if len(got.To) != 1 || got.To[0].Address != tt.to {
			t.Errorf("%s: to %+v, want %s", tt.subject, got.To, tt.to)
		}
		raw := mp.Raw(got.ID)
		msg, err := netmail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		if tree := mailpittest.Tree(t, msg.Header, msg.Body); tree != tt.tree {
			t.Errorf("%s: MIME tree %s, want %s", tt.subject, tree, tt.tree)
		}
		emailtest.CheckHTML(t, tt.subject, got.HTML, "<script>alert(1)</script>", `"><img src=x>`)
		doc, err := html.Parse(strings.NewReader(got.HTML))
		if err != nil {
			t.Fatal(err)
		}
		htmlText := emailtest.Text(doc)
		for _, s := range tt.text {
			if !strings.Contains(got.Text, s) {
				t.Errorf("%s: text lacks %q:\n%s", tt.subject, s, got.Text)
			}
			if !strings.Contains(htmlText, s) {
				t.Errorf("%s: HTML lacks %q:\n%s", tt.subject, s, htmlText)
			}
		}
	}
}
