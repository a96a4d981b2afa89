package store

import (
	"context"
	"database/sql"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/cassidine/site/internal/booking"
)

// Guard is what a booking must respect, checked inside the transaction
// that writes it, after taking the store's booking lock: so N concurrent
// requests, or instances running different settings, can never together
// break a rule that each checked alone. Zero values switch a rule off.
type Guard struct {
	// Buffer is the free time kept around every active booking: the new
	// [Start, End) widened by Buffer on both sides must overlap none.
	// Overlap itself (Buffer 0) is always refused, whatever the slot
	// lengths of the bookings involved.
	Buffer time.Duration
	// DayStart and DayEnd bound the booking's day in the consultant's
	// zone; at most MaxPerDay active bookings start in it.
	DayStart, DayEnd time.Time
	MaxPerDay        int
	// Now is the current time: only bookings that have not ended count
	// toward the per-visitor limits, and a booking that has started can
	// no longer be moved.
	Now time.Time
	// MaxPerAddress is how many upcoming active bookings one IPHash may
	// hold (new bookings only).
	MaxPerAddress int
	// MaxPerEmail is how many upcoming active bookings one e-mail address
	// (compared without case) may hold (new bookings only).
	MaxPerEmail int
	// Sequence, when CheckSequence is set, is the Sequence a booking being
	// moved must still have: a link signed for an earlier version fails.
	Sequence      int
	CheckSequence bool
	// Calendars are the keys of the consultant's calendar feeds
	// (CalendarFeed.Key) whose cached busy time the booking must keep
	// clear of, with Buffer on both sides as for bookings (ECONFLICT
	// wrapping booking.ErrTaken). It is read inside the transaction, so a
	// time the page offered before the feed changed is refused all the
	// same. Each feed must have worked at or after CalendarsSince, else
	// ECONFLICT wrapping ErrCalendarUnavailable: with a calendar that
	// cannot be read, no time is bookable.
	Calendars      []string
	CalendarsSince time.Time
}

// Errors of the guard's rules, wrapped in an *Error with code ECONFLICT.
var (
	// ErrAddressLimit: the visitor's address holds MaxPerAddress upcoming
	// bookings.
	ErrAddressLimit = errors.New("this network already holds the most upcoming bookings it may")
	// ErrStarted: the booking has started (or ended) and can no longer
	// be moved or cancelled.
	ErrStarted = errors.New("this session has already started")
	// ErrStale: the booking changed since the link was made.
	ErrStale = errors.New("this booking has changed since this link was sent")
)

// EmailBookedError is the conflict of an e-mail address that already holds
// MaxPerEmail upcoming bookings; ID names its first (by start).
type EmailBookedError struct{ ID string }

func (e *EmailBookedError) Error() string {
	return "this email address already has an upcoming booking"
}

// conflict wraps a guard's error as ECONFLICT with its message.
func conflict(err error) error {
	return &Error{Code: ECONFLICT, Message: err.Error(), Err: err}
}

// checkGuard applies g to b (whose id is skipped: a booking being moved
// is not in its own way) inside tx. create says b is new.
func (s *db) checkGuard(ctx context.Context, tx *sql.Tx, b *Booking, g Guard, create bool) error {
	if s.d.lockBookings != "" {
		if _, err := tx.ExecContext(ctx, s.d.lockBookings); err != nil {
			return s.wrap(err, "lock bookings")
		}
	}
	t := s.d.timeArg
	count := func(op, query string, args ...any) (int, error) {
		var n int
		if err := tx.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
			return 0, s.wrap(err, op)
		}
		return n, nil
	}
	n, err := count("check overlap", `SELECT count(*) FROM bookings
		WHERE cancelled_at IS NULL AND id <> $1 AND start_at < $2 AND end_at > $3`,
		b.ID, t(utc(b.End.Add(g.Buffer))), t(utc(b.Start.Add(-g.Buffer))))
	if err != nil {
		return err
	}
	if n > 0 {
		return withMessage(conflict(booking.ErrTaken), ECONFLICT, msgSlotTaken)
	}
	if err := s.checkCalendars(ctx, tx, b, g); err != nil {
		return err
	}
	if g.MaxPerDay > 0 {
		n, err := count("check the day's cap", `SELECT count(*) FROM bookings
			WHERE cancelled_at IS NULL AND id <> $1 AND start_at >= $2 AND start_at < $3`,
			b.ID, t(utc(g.DayStart)), t(utc(g.DayEnd)))
		if err != nil {
			return err
		}
		if n >= g.MaxPerDay {
			return conflict(booking.ErrDayFull)
		}
	}
	if !create {
		return nil
	}
	if g.MaxPerAddress > 0 && b.IPHash != "" {
		n, err := count("check the address's bookings", `SELECT count(*) FROM bookings
			WHERE cancelled_at IS NULL AND ip_hash = $1 AND end_at > $2`, b.IPHash, t(utc(g.Now)))
		if err != nil {
			return err
		}
		if n >= g.MaxPerAddress {
			return conflict(ErrAddressLimit)
		}
	}
	if g.MaxPerEmail > 0 {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM bookings
			WHERE cancelled_at IS NULL AND lower(email) = lower($1) AND end_at > $2
			ORDER BY start_at, id`, b.Email, t(utc(g.Now)))
		if err != nil {
			return s.wrap(err, "check the email's bookings")
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return s.wrap(err, "check the email's bookings")
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return s.wrap(err, "check the email's bookings")
		}
		if len(ids) >= g.MaxPerEmail {
			e := &EmailBookedError{ID: ids[0]}
			return &Error{Code: ECONFLICT, Message: e.Error(), Err: e}
		}
	}
	return nil
}

// maxRateKeyLen and minRateWindow bound Hit's arguments; rateRetention is
// how long counted requests are kept (the longest window in use is a day).
const (
	maxRateKeyLen = 200
	minRateWindow = time.Millisecond
	rateRetention = 25 * time.Hour
)

func (s *db) Hit(ctx context.Context, key string, window time.Duration, max int, now time.Time) (bool, error) {
	if err := s.check(); err != nil {
		return false, err
	}
	if err := checkText("rate-limit key", key, maxRateKeyLen, true, false); err != nil {
		return false, err
	}
	switch {
	case window < minRateWindow:
		return false, Errorf(EINVALID, "rate-limit window %v is shorter than %v", window, minRateWindow)
	case max < 1:
		return false, Errorf(EINVALID, "rate-limit maximum must be at least 1, not %d", max)
	}
	if now.IsZero() {
		now = time.Now()
	}
	t := s.d.timeArg
	allowed := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if s.d.lockKey != "" {
			// Two hits under one key are counted one after the other.
			if _, err := tx.ExecContext(ctx, s.d.lockKey, key); err != nil {
				return s.wrap(err, "lock rate-limit key")
			}
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM rate_events WHERE key = $1 AND at > $2 AND at <= $3`,
			key, t(utc(now.Add(-window))), t(utc(now))).Scan(&n); err != nil {
			return s.wrap(err, "count hits")
		}
		if n >= max {
			return nil // refused attempts are not recorded: the window slides
		}
		allowed = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO rate_events (key, at) VALUES ($1, $2)`, key, t(utc(now))); err != nil {
			return s.wrap(err, "record hit")
		}
		every := s.pruneEvery
		if every <= 0 {
			every = defaultPruneEvery
		}
		if rand.N(every) == 0 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM rate_events WHERE at < $1`, t(utc(now.Add(-rateRetention)))); err != nil {
				return s.wrap(err, "prune hits")
			}
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	return allowed, nil
}
