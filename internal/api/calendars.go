package api

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/calsync"
	"github.com/cassidine/site/internal/mail"
	"github.com/cassidine/site/internal/store"
)

// The consultant's calendars (CALENDAR_URLS): their busy time is not
// offered, through package calsync's cache in the store. Listing times and
// booking one refresh the feeds that are due first, each within a short
// timeout; the hourly job refreshes them too (Function.RefreshCalendars).

// errCalendarsDown: a calendar feed has no copy recent enough to trust,
// so no time can be offered.
var errCalendarsDown = errors.New("a calendar feed cannot be read")

// minRefresh is the least time worth giving a feed; a request with less
// left uses the cache as it is.
const minRefresh = 100 * time.Millisecond

// newCalendars returns the calendar feeds of d, or nil when there are none
// or the site takes no bookings.
func (s *server) newCalendars() *calsync.Feeds {
	if s.rules == nil || len(s.Calendars) == 0 {
		return nil
	}
	return &calsync.Feeds{URLs: s.Calendars, Store: s.Store, Client: s.Client, Zone: s.rules.Location,
		Days: s.rules.HorizonDays, Log: s.Log, Alert: s.calendarAlert}
}

// calendarBusy refreshes the calendar feeds that are due, within the
// request's time, and returns their busy time; errCalendarsDown when one
// is down.
func (s *server) calendarBusy(ctx context.Context) ([]booking.Busy, error) {
	if s.cals == nil {
		return nil, nil
	}
	now := s.Now()
	timeout := calsync.RequestTimeout
	if dl, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(dl)/3)
	}
	if timeout >= minRefresh {
		// Each feed's failure is logged by calsync; its last good copy
		// serves meanwhile. An alert it queued goes out at once: with
		// no time offered, no booking will send it.
		alerts := s.alerts.Load()
		s.cals.Refresh(ctx, now, calsync.RefreshAfter, timeout)
		if s.alerts.Load() != alerts {
			s.drain(ctx)
		}
	}
	busy, down, err := s.cals.Busy(ctx, now)
	if err != nil {
		return nil, err
	}
	if len(down) > 0 {
		s.Log.Warn("no times offered: a calendar feed is down", "feeds", strings.Join(down, " "))
		return nil, errCalendarsDown
	}
	out := make([]booking.Busy, len(busy))
	for i, iv := range busy {
		out[i] = booking.Busy{Start: iv.Start, End: iv.End, Event: true}
	}
	return out, nil
}

// pausedText tells a visitor why no time is offered, and where to write.
func (s *server) pausedText() string {
	return "Online booking is paused for now: we cannot check the consultant's calendar, so no times are offered. Please email " +
		s.Theme.Site().Email + " and we will find a time."
}

// bookingPaused answers a booking or a move while a calendar is down:
// 503, the visitor's details kept, and the address to write to.
func (s *server) bookingPaused(w http.ResponseWriter, r *http.Request, f booking.Form) {
	if wantsJSON(r) {
		writeJSON(w, http.StatusServiceUnavailable, apiError{Error: s.pausedText()})
		return
	}
	f.Paused, f.Days, f.Next, f.Values.Slot = true, nil, nil, ""
	f.Message = "Nothing was booked: online booking has just been paused. Your details are kept below; please email us and we will find a time."
	s.bookPage(w, http.StatusServiceUnavailable, f)
}

// calendarAlert is the consultant's email about a feed that is down
// (calsync.Feeds.Alert); it runs inside the store's transaction.
func (s *server) calendarAlert(c store.CalendarFeed) ([]store.OutboxMessage, error) {
	s.alerts.Add(1)
	site := s.Theme.Site()
	when := func(t *time.Time) string {
		return t.In(s.rules.Location).Format("Monday, January 2 at 3:04 PM MST")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "The booking page cannot read your calendar feed\n\n  %s\n\n", c.Label)
	if c.GoodAt != nil {
		fmt.Fprintf(&b, "It last worked on %s, more than %d hours ago", when(c.GoodAt), int(calsync.MaxAge.Hours()))
	} else {
		b.WriteString("It has not worked since it was added to CALENDAR_URLS")
	}
	if c.FetchedAt != nil {
		fmt.Fprintf(&b, "; the last attempt, on %s, failed:\n\n  %s\n", when(c.FetchedAt), cmp.Or(c.Error, "(no reason given)"))
	} else {
		b.WriteString(".\n")
	}
	fmt.Fprintf(&b, "\nUntil it works again, the booking page offers no times and asks visitors to email %s.\n", site.Email)
	fmt.Fprintf(&b, "\nWhat to check:\n"+
		"  - The address in CALENDAR_URLS (in Netlify: Site configuration, Environment\n"+
		"    variables) must be the calendar's current secret address: resetting it in\n"+
		"    Google Calendar, or unpublishing the calendar in Outlook, changes it.\n"+
		"  - \"site leads calendars -refresh\" tries every feed again and shows what each\n"+
		"    one says.\n"+
		"\nThis email is sent once. If the feed works again and then fails anew, you will\nhear again.\n\n%s\n%s\n",
		site.Title, s.absURL("/"))
	m := mail.Message{From: s.mailFrom(), To: s.notifyEmail(), Subject: "Booking is paused: your calendar feed " + c.Label + " cannot be read", Text: b.String()}
	data, err := m.Encode()
	if err != nil {
		return nil, err
	}
	return []store.OutboxMessage{{CreatedAt: s.Now(), Kind: "calendar-alert", To: m.To, Payload: data, NextAttempt: s.Now()}}, nil
}

// RefreshCalendars fetches the consultant's calendar feeds
// (CALENDAR_URLS) whose cached copy is older than calsync.RefreshAfter,
// allowing each calsync.JobTimeout, and then sends what the outbox holds,
// an alert about a feed that is down among it. The hourly scheduled job
// calls it, so that the feeds stay fresh and the consultant hears of a
// failing one even when no one visits the booking page. It returns the
// feeds' errors, joined; nil when there are no feeds.
func (f *Function) RefreshCalendars(ctx context.Context) error {
	s := f.s.Load()
	if s.cals == nil {
		return nil
	}
	err := s.cals.Refresh(ctx, s.Now(), calsync.RefreshAfter, calsync.JobTimeout)
	s.drain(ctx)
	return err
}
