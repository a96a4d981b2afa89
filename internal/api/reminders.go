package api

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/calsync"
	"github.com/cassidine/site/internal/mail"
	"github.com/cassidine/site/internal/store"
	"github.com/cassidine/site/internal/theme"
)

// The hourly job. Netlify runs it at about the top of each hour (cmd/tasks).
const (
	// reminderLead: a run queues the reminders due within the next half
	// hour too, so each goes out from the run nearest its time, and a run
	// a few seconds early does not put off the reminders of sessions on
	// the hour by a whole hour.
	reminderLead = 30 * time.Minute
	// hourlySendBatch and hourlySendLimit bound one run's sending: it
	// claims a batch at a time, and what is left waits for the next run
	// (or the next booking's drain).
	hourlySendBatch = 25
	hourlySendLimit = 500
)

// Hourly is the function's scheduled work, run every hour (on Netlify by
// the scheduled function cmd/tasks): it queues the reminders that have
// become due (see queueReminders) and sends what the outbox holds, within
// ctx's deadline. It returns what needs a person: a store that fails, a
// message that can never be sent. A mail server that is down is not one:
// its emails stay queued and are retried, and the log says so.
func (f *Function) Hourly(ctx context.Context) error { return f.s.Load().hourly(ctx) }

func (s *server) hourly(ctx context.Context) error {
	cerr := s.refreshCalendars(ctx)
	queued, qerr := s.queueReminders(ctx)
	sent, failed, serr := s.sendQueued(ctx)
	log := s.Log.Info
	if cerr != nil || qerr != nil || serr != nil || failed > 0 {
		log = s.Log.Warn
	}
	err := errors.Join(cerr, qerr, serr)
	log("hourly", "reminders", queued, "sent", sent, "failed", failed, "err", err)
	return err
}

// hourlyCalendarShare is the most of the hourly run the calendar feeds
// may take, so that reminders and the outbox always get their turn.
const hourlyCalendarShare = 10 * time.Second

// refreshCalendars fetches the consultant's calendar feeds whose copies
// are stale, so that busy times stay current between visits (and a feed
// that broke is noticed, and alerted about, within the hour).
func (s *server) refreshCalendars(ctx context.Context) error {
	if s.cals == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, hourlyCalendarShare)
	defer cancel()
	return s.cals.Refresh(ctx, s.Now(), calsync.RefreshAfter, calsync.JobTimeout)
}

// queueReminders queues the reminder emails that are due: for every
// active booking whose session is still ahead, each of booking.reminders
// whose time (the start less the reminder) is at most reminderLead away
// and came after the booking got its time. The store records each one
// with its booking's sequence in the transaction that queues its email,
// so a reminder is queued once however often, and on however many
// instances, this runs; a move makes the new time's reminders due and the
// old time's not. When the job was down while several reminders of one
// session fell due, only the last (nearest the start) is sent and the
// others are recorded as passed over.
//
// It returns how many it queued. A failure for one booking does not stop
// the others; they are all returned together.
func (s *server) queueReminders(ctx context.Context) (int, error) {
	if s.rules == nil || len(s.rules.Reminders) == 0 {
		return 0, nil
	}
	now := s.Now()
	due, err := s.Store.DueReminders(ctx, now, now.Add(reminderLead), s.rules.Reminders)
	if err != nil {
		return 0, fmt.Errorf("reminders: %w", err)
	}
	var (
		n    int
		errs []error
	)
	// due comes by booking, the longest before first.
	for i, r := range due {
		var build func(*store.Booking) (store.OutboxMessage, error)
		if last := i == len(due)-1 || due[i+1].Booking != r.Booking; last {
			build = s.reminderMessage
		}
		ok, err := s.Store.QueueReminder(ctx, r, now, build)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("reminder %v before booking %s: %w", r.Before, r.Booking, err))
		case ok && build != nil:
			n++
			s.Log.Info("reminder queued", "id", r.Booking, "before", r.Before.String())
		case ok:
			s.Log.Info("reminder passed over for a later one", "id", r.Booking, "before", r.Before.String())
		}
	}
	return n, errors.Join(errs...)
}

// sendQueued sends the outbox's due messages, a batch at a time, until
// none is left, hourlySendLimit are handled or the run's time is nearly
// up (ctx's deadline less answerMargin): what is left waits for the next
// run, which is no error. Without a mail sender (SMTP_URL unset on
// Netlify) they stay queued.
func (s *server) sendQueued(ctx context.Context) (sent, failed int, err error) {
	if s.Mail == nil {
		return 0, 0, nil
	}
	run := ctx
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		run, cancel = context.WithDeadline(ctx, dl.Add(-answerMargin))
		defer cancel()
	}
	var errs []error
	for sent+failed < hourlySendLimit && run.Err() == nil {
		n, f, err := mail.Drain(run, s.Store, s.Mail, s.Now(), min(hourlySendBatch, hourlySendLimit-sent-failed))
		sent, failed = sent+n, failed+f
		if run.Err() != nil && ctx.Err() == nil {
			err = withoutContextErrors(err) // the run's time is up, not an error
		}
		if err != nil {
			errs = append(errs, err)
			if !onlyUnsendable(err) {
				break // the store, or ctx: what Drain claimed is due again after its lease
			}
		}
		if n+f == 0 {
			break
		}
	}
	return sent, failed, errors.Join(errs...)
}

// withoutContextErrors drops the context errors err joins.
func withoutContextErrors(err error) error {
	var keep []error
	for _, e := range joined(err) {
		if !errors.Is(e, context.DeadlineExceeded) && !errors.Is(e, context.Canceled) {
			keep = append(keep, e)
		}
	}
	return errors.Join(keep...)
}

// joined is the errors err joins, or err alone.
func joined(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// reminderMessage is the reminder email of b, a day (or whatever
// booking.reminders says) before its session: when, in the prospect's
// zone and the consultant's, and where, with the links to move or cancel
// it; plain text with an HTML alternative in the site's look. It has no
// invite: the calendar has the event, with its own alerts.
func (s *server) reminderMessage(b *store.Booking) (store.OutboxMessage, error) {
	site := s.Theme.Site()
	times := s.timesOf(b, b.TimeZone)
	when := cmp.Or(times.Prospect, times.Consultant)
	hello := "Hello " + b.Name + ","
	intro := "A reminder of your complimentary advisory session with " + site.Title + ":"
	where, whereRows := s.where()
	move, cancel := s.absURL(s.manageURL("/api/book/reschedule", b)), s.absURL(s.manageURL("/api/book/cancel", b))
	var body strings.Builder
	fmt.Fprintf(&body, "%s\n\n%s\n\n", hello, intro)
	textRows(&body, "  ", times.forProspect())
	fmt.Fprintf(&body, "\n%s\n\nNeed another time? %s\nCannot make it? %s\n\n%s\n%s\n", where, move, cancel, site.Title, s.absURL("/"))
	email := theme.Email{Title: "Your advisory session is coming up", Preheader: when, Paragraphs: []string{hello, intro},
		Rows:    append(times.forProspect(), whereRows...),
		Buttons: []theme.EmailLink{{Label: "Move to another time", URL: move}, {Label: "Cancel the session", URL: cancel}},
		After:   []string{where},
		Footer:  "You booked a complimentary advisory session at " + s.absURL("/") + "."}
	if p := s.rules.Place; p.Kind == booking.PlaceLink {
		email.Buttons = append([]theme.EmailLink{{Label: "Join the video call", URL: p.URL}}, email.Buttons...)
	}
	m := mail.Message{From: s.mailFrom(), To: b.Email, ReplyTo: s.notifyEmail(), Subject: "Reminder: your advisory session on " + when,
		Text: body.String(), HTML: s.emailHTML(email)}
	data, err := m.Encode()
	if err != nil {
		return store.OutboxMessage{}, err
	}
	return store.OutboxMessage{CreatedAt: s.Now(), Booking: b.ID, Kind: "reminder", To: b.Email, Payload: data, NextAttempt: s.Now()}, nil
}

// onlyUnsendable reports whether every error err joins is a message that
// can never be sent, which Drain has parked: sending may go on.
func onlyUnsendable(err error) bool {
	for _, e := range joined(err) {
		if !errors.Is(e, mail.ErrInvalid) {
			return false
		}
	}
	return true
}
