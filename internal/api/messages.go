package api

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/mail"
	"github.com/cassidine/site/internal/store"
	"github.com/cassidine/site/internal/theme"
)

// sessionTimes is a booking's start as the people reading about it need
// it: in the consultant's zone, in the prospect's (when known and
// different), and in UTC.
type sessionTimes struct {
	Consultant     string // "Tuesday, December 8 at 9:00 AM CST"
	ConsultantZone string // "America/Chicago"
	Prospect       string // "" when the prospect's zone is unknown or the consultant's
	ProspectZone   string
	SameZone       bool // the prospect is known to be in the consultant's zone
	UTC            string
}

// whenLayout is how emails write a time: "Tuesday, December 8 at 9:00 AM CST".
const whenLayout = dayLayout + " at 3:04 PM MST"

// timesOf returns b's start in the consultant's zone, in the prospect's
// zone tz (an IANA name; "" or an unknown one for none) and in UTC.
func (s *server) timesOf(b *store.Booking, tz string) sessionTimes {
	t := sessionTimes{
		Consultant: b.Start.In(s.rules.Location).Format(whenLayout), ConsultantZone: s.rules.Location.String(),
		UTC: b.Start.UTC().Format(dayLayout + " at 15:04"),
	}
	if loc, ok := booking.LoadZone(tz); ok {
		if loc.String() == s.rules.Location.String() {
			t.SameZone = true
		} else {
			t.Prospect, t.ProspectZone = b.Start.In(loc).Format(whenLayout), tz
		}
	}
	return t
}

// forProspect are the times as the prospect's emails label them: theirs
// first when known, then the consultant's, then UTC.
func (t sessionTimes) forProspect() []theme.EmailRow {
	if t.Prospect == "" {
		return []theme.EmailRow{{Label: "When", Value: t.Consultant + " (" + t.ConsultantZone + ")"}, {Label: "UTC", Value: t.UTC}}
	}
	return []theme.EmailRow{
		{Label: "Your time", Value: t.Prospect + " (" + t.ProspectZone + ")"},
		{Label: "Consultant's time", Value: t.Consultant + " (" + t.ConsultantZone + ")"},
		{Label: "UTC", Value: t.UTC},
	}
}

// forConsultant are the times as the consultant's notice labels them:
// theirs, then the prospect's, then UTC.
func (t sessionTimes) forConsultant() []theme.EmailRow {
	rows := []theme.EmailRow{{Label: "Your time", Value: t.Consultant + " (" + t.ConsultantZone + ")"}}
	switch {
	case t.Prospect != "":
		rows = append(rows, theme.EmailRow{Label: "Prospect's time", Value: t.Prospect + " (" + t.ProspectZone + ")"})
	case t.SameZone:
		rows = append(rows, theme.EmailRow{Label: "Prospect's time", Value: "the same as yours"})
	default:
		rows = append(rows, theme.EmailRow{Label: "Prospect's time", Value: "zone not known"})
	}
	return append(rows, theme.EmailRow{Label: "UTC", Value: t.UTC})
}

// textRows writes rows as the plain text's lines: "  Label: value".
func textRows(b *strings.Builder, indent string, rows []theme.EmailRow) {
	for _, r := range rows {
		fmt.Fprintf(b, "%s%s: %s\n", indent, r.Label, r.Value)
	}
}

// bookingMessages composes the emails about a booking event: to the
// prospect (with the calendar invite) and to the consultant (with the
// intake answers and the quiz result). kind is "confirmation",
// "reschedule" or "cancellation"; visitorTZ, the zone the form was sent
// from, or else the one stored with the booking, adds the time in the
// prospect's own zone. Both are plain text with an HTML alternative in
// the site's look.
//
// quizNote is the attached quiz result, summarised beforehand by
// quizSummary: this runs inside the store's transaction, where it must
// not call the store.
func (s *server) bookingMessages(b *store.Booking, kind, visitorTZ string, quiz quizNote) ([]store.OutboxMessage, error) {
	site := s.Theme.Site()
	times := s.timesOf(b, cmp.Or(visitorTZ, b.TimeZone))
	when := cmp.Or(times.Prospect, times.Consultant) // the prospect's subject, in their time
	manage := func(path string) string { return s.absURL(s.manageURL(path, b)) }
	method, cancelled := mail.MethodRequest, false
	var subject, title, intro string
	switch kind {
	case "confirmation":
		subject = "Your advisory session: " + when
		title = "Your advisory session is booked"
		intro = "Thank you for booking a complimentary advisory session. The calendar invite is attached."
	case "reschedule":
		subject = "Your advisory session has moved: " + when
		title = "Your advisory session has moved"
		intro = "Your advisory session has moved to the time below. The updated calendar invite is attached."
	case "cancellation":
		subject = "Cancelled: your advisory session on " + when
		title = "Your advisory session is cancelled"
		intro = "Your advisory session is cancelled. The attached update removes it from your calendar."
		method, cancelled = mail.MethodCancel, true
	default:
		return nil, fmt.Errorf("unknown booking message %q", kind)
	}
	hello := "Hello " + b.Name + ","
	var body strings.Builder
	fmt.Fprintf(&body, "%s\n\n%s\n\n", hello, intro)
	textRows(&body, "  ", times.forProspect())
	email := theme.Email{Title: title, Preheader: when, Paragraphs: []string{hello, intro}, Rows: times.forProspect(),
		Footer: "You booked a complimentary advisory session at " + s.absURL("/") + "."}
	if !cancelled {
		videoCall, whereRow := s.where() // place.go: booking.location
		email.Rows = append(email.Rows, whereRow...)
		fmt.Fprintf(&body, "\n%s\n", videoCall)
		fmt.Fprintf(&body, "\nNeed another time? %s\nCannot make it? %s\n", manage("/api/book/reschedule"), manage("/api/book/cancel"))
		email.After = []string{videoCall}
		email.Buttons = []theme.EmailLink{{Label: "Move to another time", URL: manage("/api/book/reschedule")}, {Label: "Cancel the session", URL: manage("/api/book/cancel")}}
	} else {
		fmt.Fprintf(&body, "\nTo book another time: %s\n", s.absURL("/book/"))
		email.Buttons = []theme.EmailLink{{Label: "Book another time", URL: s.absURL("/book/")}}
	}
	fmt.Fprintf(&body, "\n%s\n%s\n", site.Title, s.absURL("/"))

	// The practice organises the session: replies to the invite (accept,
	// decline) go to its address, under its name.
	invite := &mail.Invite{
		UID: s.eventUID(b), Sequence: b.Sequence, Method: method, Start: b.Start, End: b.End,
		Summary:     "Advisory session with " + site.Title,
		Description: "Complimentary advisory session. Manage the booking: " + manage("/api/book/done"),
		Organizer:   s.practiceEmail(), OrganizerName: site.Title, Attendee: b.Email, AttendeeName: b.Name, Stamp: s.Now(),
	}
	s.placeInvite(invite) // place.go: LOCATION, URL, VALARMs
	toProspect := mail.Message{From: s.mailFrom(), To: b.Email, ReplyTo: s.notifyEmail(), Subject: subject, Text: body.String(), Invite: invite,
		HTML: s.emailHTML(email)}

	toConsultant := s.bookingNotice(b, kind, times, quiz, invite)
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

// bookingNotice is the consultant's email about a booking event: the
// prospect named in the subject and in the calendar entry, the time in
// both zones, the intake answers and the quiz result. Replies go to the
// prospect.
func (s *server) bookingNotice(b *store.Booking, kind string, times sessionTimes, quiz quizNote, invite *mail.Invite) mail.Message {
	verb := map[string]string{"confirmation": "New booking", "reschedule": "Booking moved", "cancellation": "Booking cancelled"}[kind]
	who := b.Name
	if b.Company != "" {
		who += " (" + b.Company + ")"
	}
	var notice strings.Builder
	fmt.Fprintf(&notice, "%s: %s\n\n", verb, times.Consultant)
	textRows(&notice, "", times.forConsultant())
	fmt.Fprintf(&notice, "\nName: %s\nEmail: %s\nCompany: %s\nRole: %s\nCompany size: %s\n", b.Name, b.Email, b.Company, b.Role, b.CompanySize)
	rows := append(times.forConsultant(),
		theme.EmailRow{Label: "Name", Value: b.Name},
		theme.EmailRow{Label: "Email", Value: b.Email, URL: "mailto:" + b.Email},
		theme.EmailRow{Label: "Company", Value: b.Company},
		theme.EmailRow{Label: "Role", Value: b.Role},
		theme.EmailRow{Label: "Company size", Value: b.CompanySize})
	if len(b.Challenges) > 0 {
		fmt.Fprintf(&notice, "\nWhat sounds familiar:\n")
		for _, c := range b.Challenges {
			fmt.Fprintf(&notice, "  - %s\n", c)
		}
		rows = append(rows, theme.EmailRow{Label: "What sounds familiar", Value: strings.Join(b.Challenges, "\n")})
	}
	if b.Message != "" {
		fmt.Fprintf(&notice, "\nMessage:\n%s\n", b.Message)
		rows = append(rows, theme.EmailRow{Label: "Message", Value: b.Message})
	}
	notice.WriteString(quiz.Text)
	rows = append(rows, quiz.Rows...)
	email := theme.Email{Title: verb + ": " + who, Preheader: times.Consultant + ", " + b.Name, Rows: rows,
		Paragraphs: []string{verb + " for " + times.Consultant + ". Reply to this email to write to " + b.Name + "."},
		Footer:     "Sent by the site's booking form."}
	if quiz.URL != "" {
		email.Buttons = []theme.EmailLink{{Label: "Open the quiz result", URL: quiz.URL}}
	}
	// The consultant's calendar names whom the session is with.
	inv := *invite
	inv.Summary = "Advisory session: " + who
	return mail.Message{From: s.mailFrom(), To: s.notifyEmail(), ReplyTo: b.Email, Subject: verb + ": " + b.Name + ", " + times.Consultant,
		Text: notice.String(), Invite: &inv, HTML: s.emailHTML(email)}
}

// existingMessage reminds a prospect who tried to book again of the
// session they hold, with its links to move or cancel it.
func (s *server) existingMessage(b *store.Booking) (store.OutboxMessage, error) {
	site := s.Theme.Site()
	times := s.timesOf(b, b.TimeZone)
	hello := "Hello " + b.Name + ","
	intro := "Someone, probably you, tried to book another advisory session with this address. You already have one:"
	move, cancel := s.absURL(s.manageURL("/api/book/reschedule", b)), s.absURL(s.manageURL("/api/book/cancel", b))
	notYou := "If this was not you, you can ignore this email."
	var body strings.Builder
	fmt.Fprintf(&body, "%s\n\n%s\n\n", hello, intro)
	textRows(&body, "  ", times.forProspect())
	fmt.Fprintf(&body, "\nTo move it to another time: %s\nTo cancel it: %s\n\n%s\n\n%s\n%s\n", move, cancel, notYou, site.Title, s.absURL("/"))
	m := mail.Message{From: s.mailFrom(), To: b.Email, ReplyTo: s.notifyEmail(), Subject: "Your advisory session is already booked", Text: body.String()}
	m.HTML = s.emailHTML(theme.Email{
		Title: "Your advisory session is already booked", Preheader: cmp.Or(times.Prospect, times.Consultant),
		Paragraphs: []string{hello, intro}, Rows: times.forProspect(),
		Buttons: []theme.EmailLink{{Label: "Move to another time", URL: move}, {Label: "Cancel the session", URL: cancel}},
		After:   []string{notYou},
	})
	data, err := m.Encode()
	if err != nil {
		return store.OutboxMessage{}, err
	}
	return store.OutboxMessage{CreatedAt: s.Now(), Booking: b.ID, Kind: "existing", To: b.Email, Payload: data, NextAttempt: s.Now()}, nil
}

// quizNote is a quiz result attached to a booking, as the consultant's
// notice shows it: lines of text, rows of the HTML table, its link.
type quizNote struct {
	Text string
	Rows []theme.EmailRow
	URL  string
}

// quizSummary describes an attached quiz result for the consultant's
// notice; the zero quizNote when none is attached.
func (s *server) quizSummary(ctx context.Context, id string) quizNote {
	if id == "" || s.quiz == nil {
		return quizNote{}
	}
	_, res, err := s.loadResult(ctx, id)
	if err != nil {
		why := fmt.Sprintf("%s (could not be read: %s)", id, store.ErrorMessage(err))
		return quizNote{Text: "\nQuiz result: " + why + "\n", Rows: []theme.EmailRow{{Label: "Quiz result", Value: why}}}
	}
	link := s.absURL(resultPath(id))
	n := quizNote{URL: link, Rows: []theme.EmailRow{{Label: "Quiz result", Value: fmt.Sprintf("%s, %d%% overall gap", res.Band.Headline, res.Score), URL: link}}}
	var b strings.Builder
	fmt.Fprintf(&b, "\nQuiz result (%s): %s, %d%% overall gap\n", link, res.Band.Headline, res.Score)
	for _, d := range res.Dimensions {
		fmt.Fprintf(&b, "  %s: %d%%\n", d.Name, d.Score)
		n.Rows = append(n.Rows, theme.EmailRow{Label: d.Name, Value: fmt.Sprintf("%d%%", d.Score)})
	}
	n.Text = b.String()
	return n
}

// emailHTML renders an email's HTML part in the site's look. An email
// whose HTML cannot be rendered (a mistake in the email layout that only
// shows with some values) still goes, as plain text alone: the text is
// the message, the HTML its presentation.
func (s *server) emailHTML(e theme.Email) string {
	out, err := s.Theme.RenderEmail(e)
	if err != nil {
		s.Log.Error("email HTML", "err", err)
		return ""
	}
	return out
}

func (s *server) notifyEmail() string {
	if s.NotifyEmail != "" {
		return s.NotifyEmail
	}
	return s.Theme.Site().Email
}

// practiceEmail is the practice's own address (site.toml's email), which
// organises the sessions; NOTIFY_EMAIL when site.toml has none.
func (s *server) practiceEmail() string {
	return cmp.Or(s.Theme.Site().Email, s.notifyEmail())
}

func (s *server) mailFrom() string {
	if s.MailFrom != "" {
		return s.MailFrom
	}
	return s.Theme.Site().Title + " <" + s.Theme.Site().Email + ">"
}
