package api

import (
	"html/template"
	"strings"

	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/mail"
	"github.com/cassidine/site/internal/theme"
)

// Where the session takes place (booking.location) and its reminders
// (booking.reminders), as the emails, the invites and the booking's page
// show them. Kept here, apart from messages.go, so that the emails' own
// wording and the place's change independently.

// where is what an email says about where the session takes place
// (site.toml's booking.location): a sentence for the text and the HTML,
// and the row of the HTML table that links to it; without a location,
// that the consultant sends the details before the session, and no row.
func (s *server) where() (string, []theme.EmailRow) {
	p := s.rules.Place
	switch p.Kind {
	case booking.PlaceLink:
		return "The session is a video call. Join it at the time above: " + p.Text,
			[]theme.EmailRow{{Label: "Video call", Value: p.Text, URL: p.URL}}
	case booking.PlacePhone:
		// No link: html/template would refuse the tel: URL in an email,
		// and mail apps make a number callable themselves.
		return "The session is a phone call: please call " + p.Text + " at the time above.",
			[]theme.EmailRow{{Label: "Phone call", Value: p.Text}}
	case booking.PlaceAddress:
		return "The session is in person, at " + strings.TrimSuffix(p.Text, ".") + ".",
			[]theme.EmailRow{{Label: "Where", Value: p.Text}}
	}
	return "The session is a video call; the link follows from " + s.Theme.Site().Title + " before the session.", nil
}

// placeInvite sets where the session takes place on an invite (LOCATION,
// and URL for a video room's link), and an alarm per reminder.
func (s *server) placeInvite(inv *mail.Invite) {
	p := s.rules.Place
	inv.Location = p.Text
	if p.Kind == booking.PlaceLink {
		inv.URL = p.URL
	}
	inv.Alarms = s.rules.Reminders
}

// placeHref is the place's link for the booking's page. html/template lets
// only http, https and mailto links through; a tel: link is marked safe
// here because booking.ParsePlace built it from digits alone.
func placeHref(p booking.Place) template.URL {
	return template.URL(p.URL)
}
