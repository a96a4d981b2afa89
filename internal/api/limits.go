package api

import (
	"net"
	"net/http"
	"time"

	"github.com/cassidine/site/internal/calsync"
	"github.com/cassidine/site/internal/store"
)

// The limits that keep one visitor from filling the consultant's calendar
// or using the site to send email to someone else. Request limits slide
// (store.Hit): at most N in any window of that length. The booking limits
// hold inside the booking's transaction (store.Guard).
const (
	// Booking attempts, counted before anything is checked.
	bookPerAddressPerHour = 10
	bookPerEmailPerDay    = 5
	// Upcoming bookings one address (an IPv6 /64) and one email may hold.
	upcomingPerAddress = 2
	upcomingPerEmail   = 1
	// Moves of one booking.
	movesPerBookingPerDay = 3
	// Quiz submissions, and emails of results, per address.
	quizPerAddressPerHour      = 30
	quizEmailPerAddressPerHour = 10
	// A result's email to one address, and the reminder of an existing
	// booking to its email: at most once a day.
	sendsPerDay = 1
)

// clientKey is the pseudonym rate limits and bookings count a visitor's
// address by: an IPv4 address, or an IPv6 address's /64 (one household or
// one server gets a /64, and walking through it must not give a visitor
// fresh limits).
func (s *server) clientKey(r *http.Request) string {
	addr := clientIP(r)
	if ip := net.ParseIP(addr); ip != nil && ip.To4() == nil {
		addr = ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return s.signer.pseudonym(addr)
}

// allow counts one request under key against max per window, and reports
// whether it may go on.
func (s *server) allow(r *http.Request, key string, window time.Duration, max int) (bool, error) {
	return s.Store.Hit(r.Context(), key, window, max, s.Now())
}

// guard is what a new booking or a move must respect, checked inside its
// transaction: the buffer, the calendars' busy time, the day's cap in the
// consultant's zone, and for new bookings the limits per address and per
// email.
func (s *server) guard(start time.Time) store.Guard {
	local := start.In(s.rules.Location)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, s.rules.Location)
	g := store.Guard{
		Now:    s.Now(),
		Buffer: s.rules.Buffer, DayStart: day, DayEnd: day.AddDate(0, 0, 1), MaxPerDay: s.rules.MaxPerDay,
		MaxPerAddress: upcomingPerAddress, MaxPerEmail: upcomingPerEmail,
	}
	if s.cals != nil {
		// The calendars' busy time as the cache holds it when the
		// transaction runs, not as the page showed it.
		g.Calendars, g.CalendarsSince = s.cals.Keys(), calsync.Since(g.Now)
	}
	return g
}
