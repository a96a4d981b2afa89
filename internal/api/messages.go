package api

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/mail"
	"github.com/cassidine/site/internal/store"
)

// bookingMessages composes the emails about a booking event: to the
// prospect (with the calendar invite) and to the consultant (with the
// intake answers and the quiz result). kind is "confirmation",
// "reschedule" or "cancellation"; visitorTZ, when known, adds the time in
// the prospect's own zone.
//
// quizText is the attached quiz result, summarised beforehand by
// quizSummary: this runs inside the store's transaction, where it must not
// call the store.
func (s *server) bookingMessages(b *store.Booking, kind, visitorTZ, quizText string) ([]store.OutboxMessage, error) {
	site := s.Theme.Site()
	local := b.Start.In(s.rules.Location)
	const whenLayout = dayLayout + " at 3:04 PM MST"
	when := local.Format(whenLayout)
	times := []string{fmt.Sprintf("%s (%s)", when, s.rules.Location), "UTC: " + b.Start.UTC().Format(dayLayout+" at 15:04")}
	if loc, ok := booking.LoadZone(visitorTZ); ok && loc.String() != s.rules.Location.String() {
		times = append(times, "Your time: "+b.Start.In(loc).Format(whenLayout)+" ("+visitorTZ+")")
	}
	manage := func(path string) string { return s.absURL(s.manageURL(path, b)) }
	method, status := "REQUEST", ""
	var subject, intro string
	switch kind {
	case "confirmation":
		subject = "Your advisory session: " + when
		intro = "Thank you for booking a complimentary advisory session. The calendar invite is attached."
	case "reschedule":
		subject = "Your advisory session has moved: " + when
		intro = "Your advisory session has moved to the time below. The updated calendar invite is attached."
	case "cancellation":
		subject = "Cancelled: your advisory session on " + when
		intro = "Your advisory session is cancelled. The attached update removes it from your calendar."
		method, status = "CANCEL", "cancelled"
	default:
		return nil, fmt.Errorf("unknown booking message %q", kind)
	}
	var body strings.Builder
	fmt.Fprintf(&body, "Hello %s,\n\n%s\n\n", b.Name, intro)
	for _, t := range times {
		fmt.Fprintf(&body, "  %s\n", t)
	}
	if status == "" {
		body.WriteString(s.whereText()) // place.go
		fmt.Fprintf(&body, "\nNeed another time? %s\nCannot make it? %s\n", manage("/api/book/reschedule"), manage("/api/book/cancel"))
	} else {
		fmt.Fprintf(&body, "\nTo book another time: %s\n", s.absURL("/book/"))
	}
	fmt.Fprintf(&body, "\n%s\n%s\n", site.Title, s.absURL("/"))

	host := "site"
	if u, err := url.Parse(site.BaseURL); err == nil && u.Host != "" {
		host = u.Host
	}
	invite := &mail.Invite{
		UID: b.ID + "@" + host, Sequence: b.Sequence, Method: method, Start: b.Start, End: b.End,
		Summary:     "Advisory session with " + site.Title,
		Description: "Complimentary advisory session. Manage the booking: " + manage("/api/book/done"),
		Organizer:   s.notifyEmail(), OrganizerName: site.Title, Attendee: b.Email, AttendeeName: b.Name, Stamp: s.Now(),
	}
	s.placeInvite(invite) // place.go: LOCATION, URL, VALARMs
	toProspect := mail.Message{From: s.mailFrom(), To: b.Email, ReplyTo: s.notifyEmail(), Subject: subject, Text: body.String(), Invite: invite}

	var notice strings.Builder
	verb := map[string]string{"confirmation": "New booking", "reschedule": "Booking moved", "cancellation": "Booking cancelled"}[kind]
	fmt.Fprintf(&notice, "%s: %s\n\n", verb, when)
	for _, t := range times[1:] {
		fmt.Fprintf(&notice, "%s\n", t)
	}
	fmt.Fprintf(&notice, "\nName: %s\nEmail: %s\nCompany: %s\nRole: %s\nCompany size: %s\n", b.Name, b.Email, b.Company, b.Role, b.CompanySize)
	if len(b.Challenges) > 0 {
		fmt.Fprintf(&notice, "\nWhat sounds familiar:\n")
		for _, c := range b.Challenges {
			fmt.Fprintf(&notice, "  - %s\n", c)
		}
	}
	if b.Message != "" {
		fmt.Fprintf(&notice, "\nMessage:\n%s\n", b.Message)
	}
	notice.WriteString(quizText)
	consultantInvite := *invite
	toConsultant := mail.Message{From: s.mailFrom(), To: s.notifyEmail(), ReplyTo: b.Email, Subject: verb + ": " + b.Name + ", " + when, Text: notice.String(), Invite: &consultantInvite}

	var out []store.OutboxMessage
	for _, m := range []struct {
		kind string
		msg  mail.Message
	}{{kind, toProspect}, {kind + "-notice", toConsultant}} {
		data, err := m.msg.Encode()
		if err != nil {
			return nil, err
		}
		out = append(out, store.OutboxMessage{CreatedAt: s.Now(), Booking: b.ID, Kind: m.kind, To: m.msg.To, Payload: data, NextAttempt: s.Now()})
	}
	return out, nil
}

// existingMessage reminds a prospect who tried to book again of the
// session they hold, with its links to move or cancel it.
func (s *server) existingMessage(b *store.Booking) (store.OutboxMessage, error) {
	site := s.Theme.Site()
	local := b.Start.In(s.rules.Location)
	var body strings.Builder
	fmt.Fprintf(&body, "Hello %s,\n\nSomeone, probably you, tried to book another advisory session with this address. You already have one:\n\n", b.Name)
	fmt.Fprintf(&body, "  %s (%s)\n  UTC: %s\n\n", local.Format(dayLayout+" at 3:04 PM MST"), s.rules.Location, b.Start.UTC().Format(dayLayout+" at 15:04"))
	fmt.Fprintf(&body, "To move it to another time: %s\nTo cancel it: %s\n\nIf this was not you, you can ignore this email.\n\n%s\n%s\n",
		s.absURL(s.manageURL("/api/book/reschedule", b)), s.absURL(s.manageURL("/api/book/cancel", b)), site.Title, s.absURL("/"))
	m := mail.Message{From: s.mailFrom(), To: b.Email, ReplyTo: s.notifyEmail(), Subject: "Your advisory session is already booked", Text: body.String()}
	data, err := m.Encode()
	if err != nil {
		return store.OutboxMessage{}, err
	}
	return store.OutboxMessage{CreatedAt: s.Now(), Booking: b.ID, Kind: "existing", To: b.Email, Payload: data, NextAttempt: s.Now()}, nil
}

// quizSummary describes an attached quiz result for the consultant's
// notice, or "" when none is attached.
func (s *server) quizSummary(ctx context.Context, id string) string {
	if id == "" || s.quiz == nil {
		return ""
	}
	_, res, err := s.loadResult(ctx, id)
	if err != nil {
		return fmt.Sprintf("\nQuiz result: %s (could not be read: %s)\n", id, store.ErrorMessage(err))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nQuiz result (%s): %s, %d%% overall gap\n", s.absURL(resultPath(id)), res.Band.Headline, res.Score)
	for _, d := range res.Dimensions {
		fmt.Fprintf(&b, "  %s: %d%%\n", d.Name, d.Score)
	}
	return b.String()
}

func (s *server) notifyEmail() string {
	if s.NotifyEmail != "" {
		return s.NotifyEmail
	}
	return s.Theme.Site().Email
}

func (s *server) mailFrom() string {
	if s.MailFrom != "" {
		return s.MailFrom
	}
	return s.Theme.Site().Title + " <" + s.Theme.Site().Email + ">"
}
