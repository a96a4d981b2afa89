package api

import (
	"fmt"
	"html/template"

	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/mail"
)

// Where the session takes place (booking.location) and its reminders
// (booking.reminders), as the emails, the invites and the booking's page
// show them. Kept here, apart from messages.go, so that the emails' own
// wording and the place's change independently.

// whereText is the emails' paragraph on where the session takes place:
// site.toml's booking.location, or, without one, that the consultant
// sends the details before the session.
func (s *server) whereText() string {
	p := s.rules.Place
	switch p.Kind {
	case booking.PlaceLink:
		return fmt.Sprintf("\nThe session is a video call. Join it at the time above:\n  %s\n", p.Text)
	case booking.PlacePhone:
		return fmt.Sprintf("\nThe session is a phone call: please call %s at the time above.\n", p.Text)
	case booking.PlaceAddress:
		return fmt.Sprintf("\nThe session is in person, at:\n  %s\n", p.Text)
	}
	return fmt.Sprintf("\nThe session is a video call; the link follows from %s before the session.\n", s.Theme.Site().Title)
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
