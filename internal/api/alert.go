package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cassidine/site/internal/mail"
	"github.com/cassidine/site/internal/store"
	"github.com/cassidine/site/internal/theme"
)

// leadAlert queues the consultant's alert about a result emailed to its
// prospect, and reports whether it did. It goes at most once a day per
// result and state of consent: a prospect who first asks only for the
// result and later that day agrees to be contacted is reported a second
// time, since that changes what the consultant may do; asking again
// changes nothing and alerts nobody.
func (s *server) leadAlert(r *http.Request, view ResultView, agreed bool) bool {
	level := "result"
	if agreed {
		level = "contact"
	}
	ok, err := s.allow(r, "quiz-alert:"+view.ID+":"+level, 24*time.Hour, sendsPerDay)
	if err != nil {
		s.Log.Error("lead alert limit", "id", view.ID, "err", err)
		return false
	}
	if !ok {
		return false
	}
	// Queued even if the visitor leaves now: the day's alert is counted.
	if err := s.write(r, func(ctx context.Context) error { return s.queueLeadAlert(ctx, view, agreed) }, nil); err != nil {
		// The address and consents are saved: site leads quiz lists them.
		s.Log.Error("queue lead alert", "id", view.ID, "err", err)
		return false
	}
	return true
}

// queueLeadAlert puts the consultant's alert in the outbox: who asked
// for which result, its band and weakest areas, its link, and whether
// the prospect agreed to be contacted. Only then does it invite
// follow-up (and replies go to the prospect); otherwise it says not to.
func (s *server) queueLeadAlert(ctx context.Context, view ResultView, agreed bool) error {
	res, email := view.Result, view.EmailValue
	resultURL := s.absURL(resultPath(view.ID))
	when := s.Now().In(s.Theme.Site().Location).Format(dayLayout + ", 2006 at 3:04 PM MST")
	var weakest []string
	for _, d := range res.Weakest {
		weakest = append(weakest, fmt.Sprintf("%s (%d%%)", d.Name, d.Score))
	}

	var subject, title, intro, contact, notice, replyTo string
	if agreed {
		subject = "New lead from the quiz: " + email + " (" + res.Band.Headline + ")"
		title = "New lead: agreed to be contacted"
		intro = email + " asked for their quiz result by email and agreed to be contacted about it. Reply to this email to write to them."
		contact = "Agreed to be contacted"
		replyTo = email
	} else {
		subject = "Quiz result emailed to " + email + " (do not contact)"
		title = "Quiz result sent: do not contact"
		intro = email + " asked for their quiz result by email, and for nothing more."
		contact = "Not agreed: asked only for the result"
		notice = "They did not agree to be contacted: do not follow up unless they write to you."
	}

	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", intro)
	if notice != "" {
		fmt.Fprintf(&b, "\n%s\n", notice)
	}
	fmt.Fprintf(&b, "\nEmail: %s\nContact: %s\nResult: %s, %d%% overall gap\nWeakest areas: %s\nLink: %s\nAsked: %s\n\nScores by area:\n",
		email, contact, res.Band.Headline, res.Score, strings.Join(weakest, ", "), resultURL, when)
	for _, d := range res.Dimensions {
		fmt.Fprintf(&b, "  %s: %d%%\n", d.Name, d.Score)
	}

	rows := []theme.EmailRow{
		{Label: "Email", Value: email},
		{Label: "Contact", Value: contact},
		{Label: "Result", Value: fmt.Sprintf("%s, %d%% overall gap", res.Band.Headline, res.Score)},
		{Label: "Weakest areas", Value: strings.Join(weakest, "\n")},
		{Label: "Link", Value: resultURL, URL: resultURL},
		{Label: "Asked", Value: when},
	}
	for _, d := range res.Dimensions {
		rows = append(rows, theme.EmailRow{Label: d.Name, Value: fmt.Sprintf("%d%%", d.Score)})
	}
	m := mail.Message{From: s.mailFrom(), To: s.notifyEmail(), ReplyTo: replyTo, Subject: subject, Text: b.String()}
	m.HTML = s.emailHTML(theme.Email{
		Title:      title,
		Preheader:  fmt.Sprintf("%s: %s, %d%% overall gap.", email, res.Band.Headline, res.Score),
		Paragraphs: []string{intro},
		Notice:     notice,
		Rows:       rows,
		Buttons:    []theme.EmailLink{{Label: "Open the result", URL: resultURL}},
		Footer:     "Sent by the site's quiz when a prospect asks for their result by email.",
	})
	data, err := m.Encode()
	if err != nil {
		return err
	}
	return s.Store.QueueMessages(ctx, []store.OutboxMessage{{CreatedAt: s.Now(), Kind: "lead-alert", To: m.To, Payload: data, NextAttempt: s.Now()}})
}
