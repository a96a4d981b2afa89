package api

import (
	"crypto/hmac"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cassidine/site/internal/mail"
	"github.com/cassidine/site/internal/store"
)

// The consultant's feed of bookings: a private address that a calendar
// subscribes to (Google Calendar's "From URL", Outlook's "Subscribe from
// web"), listing the bookings from feedPast ago on, each with the intake
// answers and the links to manage it. The address carries an HMAC under
// SITE_SECRET with no expiry: rotating the secret changes it. Any other
// token is answered as an address that does not exist.

// feedPast is how far back the feed lists bookings.
const feedPast = 30 * 24 * time.Hour

// feedPurpose is what the feed's token signs (see signer).
const feedPurpose = "bookings-feed"

// feedToken is the token of the bookings feed's address.
func (s signer) feedToken() string {
	return base64.RawURLEncoding.EncodeToString(s.mac(feedPurpose, "", 0, 0, false))
}

// BookingsFeedPath is the path, under the site's address, of the
// consultant's feed of bookings for the secret SITE_SECRET:
// /api/calendar/<token>.ics. site leads calendar prints it as a URL.
func BookingsFeedPath(secret []byte) string {
	return "/api/calendar/" + signer{key: secret}.feedToken() + ".ics"
}

func (s *server) handleBookingsFeed(w http.ResponseWriter, r *http.Request) {
	tok, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok || !hmac.Equal([]byte(tok), []byte(s.signer.feedToken())) {
		s.notFound(w, r)
		return
	}
	now := s.Now()
	list, err := s.Store.Bookings(r.Context(), now.Add(-feedPast))
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	events := make([]mail.FeedEvent, len(list))
	for i := range list {
		events[i] = s.feedEvent(&list[i])
	}
	data, err := mail.Feed(s.Theme.Site().Title+" bookings", events, now)
	if err != nil {
		s.Log.Error("bookings feed", "err", err)
		s.internalError(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(data)
}

// feedEvent is a booking as the consultant's calendar shows it: who, from
// which company, in the summary; the intake answers, the quiz result and
// the links to manage it in the description.
func (s *server) feedEvent(b *store.Booking) mail.FeedEvent {
	summary := "Advisory session: " + b.Name
	if b.Company != "" {
		summary += " (" + b.Company + ")"
	}
	if b.CancelledAt != nil {
		summary = "Cancelled: " + summary
	}
	var d strings.Builder
	if b.CancelledAt != nil {
		fmt.Fprintf(&d, "Cancelled on %s.\n\n", b.CancelledAt.In(s.rules.Location).Format(dayLayout+", 2006 at 3:04 PM MST"))
	}
	fmt.Fprintf(&d, "Name: %s\nEmail: %s\n", b.Name, b.Email)
	for _, f := range []struct{ label, value string }{{"Company", b.Company}, {"Role", b.Role}, {"Company size", b.CompanySize}} {
		if f.value != "" {
			fmt.Fprintf(&d, "%s: %s\n", f.label, f.value)
		}
	}
	if len(b.Challenges) > 0 {
		d.WriteString("\nWhat sounds familiar:\n")
		for _, c := range b.Challenges {
			fmt.Fprintf(&d, "- %s\n", c)
		}
	}
	if b.Message != "" {
		fmt.Fprintf(&d, "\nMessage:\n%s\n", b.Message)
	}
	if b.QuizResult != "" {
		fmt.Fprintf(&d, "\nQuiz result: %s\n", s.absURL(resultPath(b.QuizResult)))
	}
	done := s.absURL(s.manageURL("/api/book/done", b))
	fmt.Fprintf(&d, "\nThe booking: %s\n", done)
	if b.CancelledAt == nil {
		fmt.Fprintf(&d, "Move it: %s\nCancel it: %s\n", s.absURL(s.manageURL("/api/book/reschedule", b)), s.absURL(s.manageURL("/api/book/cancel", b)))
	}
	return mail.FeedEvent{
		UID: s.eventUID(b), Sequence: b.Sequence, Start: b.Start, End: b.End, Created: b.CreatedAt,
		Summary: summary, Description: d.String(), URL: done, Cancelled: b.CancelledAt != nil,
	}
}

// eventUID is a booking's UID in calendars, the same in its invites and
// in the consultant's feed: the booking's id at the site's host.
func (s *server) eventUID(b *store.Booking) string {
	host := "site"
	if u, err := url.Parse(s.Theme.Site().BaseURL); err == nil && u.Host != "" {
		host = u.Host
	}
	return b.ID + "@" + host
}
