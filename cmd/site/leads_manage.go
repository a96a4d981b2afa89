package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/cassidine/site/internal/api"
	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/store"
)

// site leads cancel and site leads move do what the links in the emails
// do, for the consultant: the function's own code (api.Function's Cancel
// and Move, opened by api.Open as site serve opens it), so the same rules
// hold and the same emails and invites are queued in the same
// transaction. Then the queued emails are sent as site leads send sends
// them.

const cancelSynopsis = `leads cancel [flags] ID

Cancels the booking ID (as site leads bookings -csv lists it), as the
cancel link in its emails does: the time is free again, the prospect gets
a cancellation with a METHOD:CANCEL invite and you get the notice, queued
with the change and then sent as site leads send sends them. A session that
has started cannot be cancelled.

Against production, set DATABASE_URL and SITE_SECRET (the site's, or the
links in the emails will not work) and SMTP_URL and MAIL_FROM to send; see
the README.`

const moveSynopsis = `leads move [flags] ID TIME

Moves the booking ID to TIME, as the move link in its emails does: the
prospect gets the new time with an updated invite (same UID, higher
SEQUENCE) and you get the notice, queued with the change and then sent as
site leads send sends them. TIME is RFC 3339 (2026-12-10T13:00:00-06:00)
or "2006-01-02 15:04" in the consultant's time zone (site.toml's booking
timeZone). The time must be one the booking page offers (the weekly hours,
notice, horizon, blocked days), unless -force; never over or within the
buffer of another session, nor past the day's maximum. A session that has
started cannot be moved.`

func runLeadsCancel(ctx context.Context, e *env, args []string) error {
	fset := newFlagSet(e, "leads cancel", cancelSynopsis)
	dir := fset.String("content", "content", "read the site's settings from `DIR`; layouts/ and static/ stay the site's own")
	if err := fset.Parse(args); err != nil {
		return flagError(err)
	}
	if fset.NArg() != 1 {
		fset.Usage()
		return usageError{"leads cancel: want one booking ID"}
	}
	id := fset.Arg(0)
	return manageBooking(ctx, e, *dir, "leads cancel", func(fn *api.Function, loc *time.Location) error {
		b, err := fn.Cancel(ctx, id)
		if err != nil {
			return changeError("leads cancel", id, "cancelled", b, loc, err)
		}
		fmt.Fprintf(e.stdout, "Cancelled %s: %s <%s>, %s (%s). The time is free again.\n", b.ID, printable(b.Name), printable(b.Email), sessionTime(b, loc), loc)
		return nil
	})
}

func runLeadsMove(ctx context.Context, e *env, args []string) error {
	fset := newFlagSet(e, "leads move", moveSynopsis)
	dir := fset.String("content", "content", "read the site's settings from `DIR`; layouts/ and static/ stay the site's own")
	force := fset.Bool("force", false, "move to a time the booking page would not offer (outside the hours, too soon, a blocked day); never over another session")
	if err := fset.Parse(args); err != nil {
		return flagError(err)
	}
	if fset.NArg() < 2 {
		fset.Usage()
		return usageError{"leads move: want a booking ID and a TIME"}
	}
	id, when := fset.Arg(0), strings.Join(fset.Args()[1:], " ")
	return manageBooking(ctx, e, *dir, "leads move", func(fn *api.Function, loc *time.Location) error {
		start, err := parseMoveTime(fn.Rules(), when)
		if err != nil {
			return fmt.Errorf("leads move: TIME %w", err)
		}
		b, err := fn.Move(ctx, id, start, *force)
		if isAvailabilityRule(err) {
			return fmt.Errorf("leads move: %s: %w (-force moves it there all the same)", start.In(loc).Format("Mon 2006-01-02 15:04 MST"), err)
		}
		if err != nil {
			return changeError("leads move", id, "moved", b, loc, err)
		}
		fmt.Fprintf(e.stdout, "Moved %s: %s <%s>, now %s (%s).\n", b.ID, printable(b.Name), printable(b.Email), sessionTime(b, loc), loc)
		return nil
	})
}

// manageBooking opens the function over the store as the other leads
// commands find it, runs change, and then sends what it queued as site
// leads send does; except against Postgres without SMTP_URL, where the
// emails stay queued for the site's function to send (writing them as
// local files would mark them sent and the prospect would get nothing).
func manageBooking(ctx context.Context, e *env, dir, what string, change func(*api.Function, *time.Location) error) error {
	loc := store.Locate(e.getenv)
	if err := leadsStoreExists(loc); err != nil {
		return err
	}
	if loc.Kind == store.KindPostgres && e.getenv("SITE_SECRET") == "" {
		return fmt.Errorf("%s: set SITE_SECRET to the site's own (Netlify: Site configuration → Environment variables): the links in the emails are signed with it, and a local one would not work on the site", what)
	}
	fn, err := api.Open(ctx, api.Options{
		Getenv:    e.getenv,
		Sources:   (&siteFlags{content: dir}).options().Sources,
		Local:     true,
		QueueMail: true, // sent below, as site leads send sends
		Log:       slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	rules := fn.Rules()
	if rules == nil {
		fn.Close()
		return fmt.Errorf("%s: %w", what, api.ErrNoBookings)
	}
	err = change(fn, rules.Location)
	fn.Close()
	if err != nil {
		return err
	}
	if loc.Kind == store.KindPostgres && e.getenv("SMTP_URL") == "" {
		fmt.Fprintln(e.stdout, "The emails wait in the outbox: the site's function sends them (within the hour), or run this again with SMTP_URL and MAIL_FROM set, or site leads send.")
		return nil
	}
	return runLeadsSend(ctx, e, nil)
}

// parseMoveTime reads TIME: RFC 3339, or a wall-clock time in the
// consultant's zone (booking.Rules.LocalTime: the first of a time the
// clocks show twice; an error for one they skip).
func parseMoveTime(r *booking.Rules, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if _, err := time.Parse(booking.LocalLayout, s); err != nil {
		return time.Time{}, fmt.Errorf("%q: want RFC 3339 (2026-12-10T13:00:00-06:00) or %q in %s", s, booking.LocalLayout, r.Location)
	}
	return r.LocalTime(s)
}

// isAvailabilityRule reports an error of the availability rules, which
// -force overrides: not taken and day full, which the store holds anyway.
func isAvailabilityRule(err error) bool {
	return errors.Is(err, booking.ErrNotOffered) || errors.Is(err, booking.ErrTooSoon) || errors.Is(err, booking.ErrBeyondHorizon)
}

// changeError says why booking id could not be changed (verb: "cancelled",
// "moved"); b is the booking when it was read.
func changeError(what, id, verb string, b *store.Booking, loc *time.Location, err error) error {
	switch {
	case store.ErrorCode(err) == store.ENOTFOUND:
		return fmt.Errorf("%s: no booking %q (site leads bookings -csv lists their ids)", what, id)
	case errors.Is(err, api.ErrCancelled):
		return fmt.Errorf("%s: booking %s is cancelled already", what, id)
	case errors.Is(err, store.ErrStarted):
		when := ""
		if b != nil {
			when = " (" + sessionTime(b, loc) + ")"
		}
		return fmt.Errorf("%s: the session of booking %s has started%s: it can no longer be %s", what, id, when, verb)
	case errors.Is(err, api.ErrPast):
		return fmt.Errorf("%s: %w", what, err)
	case errors.Is(err, booking.ErrTaken):
		return fmt.Errorf("%s: that time is taken: another session is at it or within the buffer around it", what)
	case errors.Is(err, booking.ErrDayFull):
		return fmt.Errorf("%s: that day already has the most sessions site.toml allows (maxPerDay)", what)
	case errors.Is(err, store.ErrStale):
		return fmt.Errorf("%s: booking %s changed while this ran; look again with site leads bookings", what, id)
	case store.ErrorCode(err) == store.ECONFLICT:
		return fmt.Errorf("%s: %s", what, store.ErrorMessage(err))
	}
	return fmt.Errorf("%s: %w", what, err)
}

// sessionTime is a booking's time in the consultant's zone.
func sessionTime(b *store.Booking, loc *time.Location) string {
	return b.Start.In(loc).Format("Mon 2006-01-02 15:04") + "–" + b.End.In(loc).Format("15:04")
}

// flagError turns a flag error into a usage error, as parse does.
func flagError(err error) error {
	if errors.Is(err, errHelp) {
		return err
	}
	return usageError{err.Error()}
}
