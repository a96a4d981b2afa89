package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/calendar"
)

// Limits on a cached feed's row, as migration 0005 states them.
const (
	maxCalendarKeyLen   = 128
	maxCalendarLabelLen = 300
)

const calendarColumns = `key, label, busy, skipped, fetched_at, good_at, error, alerted_at, lease_until`

func (s *db) CalendarFeeds(ctx context.Context, keys []string) ([]CalendarFeed, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, nil
	}
	marks := make([]string, len(keys))
	args := make([]any, len(keys))
	for i, k := range keys {
		marks[i] = fmt.Sprintf("$%d", i+1)
		args[i] = k
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+calendarColumns+` FROM calendar_feeds WHERE key IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return nil, s.wrap(err, "read calendar feeds")
	}
	defer rows.Close()
	byKey := map[string]CalendarFeed{}
	for rows.Next() {
		var f CalendarFeed
		if err := scanCalendarFeed(rows, &f); err != nil {
			return nil, s.wrap(err, "read calendar feeds")
		}
		byKey[f.Key] = f
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "read calendar feeds")
	}
	out := make([]CalendarFeed, 0, len(byKey))
	for _, k := range keys {
		if f, ok := byKey[k]; ok {
			out = append(out, f)
			delete(byKey, k) // a key given twice is listed once
		}
	}
	return out, nil
}

func (s *db) ClaimCalendarFeed(ctx context.Context, key, label string, now time.Time, every, lease time.Duration) (string, error) {
	if err := s.check(); err != nil {
		return "", err
	}
	if err := checkCalendarKey(key); err != nil {
		return "", err
	}
	if err := checkText("calendar label", label, maxCalendarLabelLen, true, false); err != nil {
		return "", err
	}
	if lease <= 0 {
		return "", Errorf(EINVALID, "calendar lease must be positive, not %v", lease)
	}
	if now.IsZero() {
		now = time.Now()
	}
	now = utc(now)
	t := s.d.timeArg
	token := NewID()
	// One statement, so that of any number of concurrent claims one
	// inserts or updates the row and the others find its lease: Postgres
	// re-checks the WHERE of ON CONFLICT against the row as the winner
	// left it, and SQLite runs one write at a time.
	var got string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx,
			`INSERT INTO calendar_feeds (key, label, lease_token, lease_until) VALUES ($1, $2, $3, $4)
			ON CONFLICT (key) DO UPDATE SET label = excluded.label, lease_token = excluded.lease_token, lease_until = excluded.lease_until
			WHERE (calendar_feeds.fetched_at IS NULL OR calendar_feeds.fetched_at <= $5)
			AND (calendar_feeds.lease_until IS NULL OR calendar_feeds.lease_until <= $6)
			RETURNING lease_token`,
			key, label, token, t(utc(now.Add(lease))), t(utc(now.Add(-every))), t(now)).Scan(&got)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // fresh, or held by another refresh
		}
		return s.wrap(err, "claim calendar feed")
	})
	if err != nil {
		return "", err
	}
	return got, nil
}

func (s *db) SaveCalendarFeed(ctx context.Context, key, token string, r CalendarFetch, alert func(CalendarFeed) ([]OutboxMessage, error)) (*CalendarFeed, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if err := checkCalendarKey(key); err != nil {
		return nil, err
	}
	if r.At.IsZero() {
		return nil, Errorf(EINVALID, "the attempt's time is missing")
	}
	at := s.d.timeArg(utc(r.At))
	var (
		update string
		args   []any
	)
	if r.Err == "" {
		busy, err := json.Marshal(normalBusy(r.Busy))
		if err != nil {
			return nil, &Error{Code: EINTERNAL, Message: defaultMessage(EINTERNAL), Err: err}
		}
		update = `UPDATE calendar_feeds SET fetched_at = $3, good_at = $3, busy = $4, skipped = $5, error = '',
			alerted_at = NULL, lease_token = NULL, lease_until = NULL
			WHERE key = $1 AND lease_token = $2 RETURNING ` + calendarColumns
		args = []any{key, token, at, string(busy), cleanReason(r.Skipped)}
	} else {
		update = `UPDATE calendar_feeds SET fetched_at = $3, error = $4, lease_token = NULL, lease_until = NULL
			WHERE key = $1 AND lease_token = $2 RETURNING ` + calendarColumns
		args = []any{key, token, at, cleanReason(r.Err)}
	}
	var out CalendarFeed
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := scanCalendarFeed(tx.QueryRowContext(ctx, update, args...), &out)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return Errorf(ECONFLICT, "another refresh of this calendar feed has taken over")
		case err != nil:
			return s.wrap(err, "save calendar feed")
		}
		if r.Err == "" || out.AlertedAt != nil || alert == nil {
			return nil
		}
		msgs, err := alert(out)
		if err != nil || len(msgs) == 0 {
			return err
		}
		queued, err := prepareMessages(msgs, "")
		if err != nil {
			return err
		}
		if err := s.insertMessages(ctx, tx, queued, "queue the calendar alert"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE calendar_feeds SET alerted_at = $2 WHERE key = $1`, key, at); err != nil {
			return s.wrap(err, "mark calendar feed alerted")
		}
		t := utc(r.At)
		out.AlertedAt = &t
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ErrCalendarUnavailable is a booking refused because one of the
// consultant's calendar feeds has no copy recent enough to trust (Guard's
// CalendarsSince): with a calendar that cannot be read, no time is
// bookable.
var ErrCalendarUnavailable = errors.New("the consultant's calendar cannot be read just now")

// checkCalendars applies the calendar rules of g to b inside tx: every
// feed of g.Calendars has a good copy from g.CalendarsSince on, and none of
// their busy time comes within g.Buffer of b.
func (s *db) checkCalendars(ctx context.Context, tx *sql.Tx, b *Booking, g Guard) error {
	for _, key := range g.Calendars {
		var (
			busy []byte
			good timeValue
		)
		err := tx.QueryRowContext(ctx, `SELECT busy, good_at FROM calendar_feeds WHERE key = $1`, key).Scan(&busy, &good)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return conflict(ErrCalendarUnavailable)
		case err != nil:
			return s.wrap(err, "check the calendars' busy time")
		case !good.Valid || good.Time.Before(g.CalendarsSince):
			return conflict(ErrCalendarUnavailable)
		}
		var list []calendar.Interval
		if err := json.Unmarshal(busy, &list); err != nil {
			return s.wrap(fmt.Errorf("busy time of calendar feed %s: %w", key, err), "check the calendars' busy time")
		}
		// As booking.Check reads an event: [start, end+Buffer) of each
		// against [start, end+Buffer) of the other.
		from, to := b.Start.Add(-g.Buffer), b.End.Add(g.Buffer)
		for _, iv := range list {
			if iv.Start.Before(to) && iv.End.After(from) {
				return withMessage(conflict(booking.ErrTaken), ECONFLICT, msgSlotTaken)
			}
		}
	}
	return nil
}

// normalBusy returns busy in UTC with microsecond precision, as the store
// keeps times; never nil, so the column holds an array.
func normalBusy(busy []calendar.Interval) []calendar.Interval {
	out := make([]calendar.Interval, len(busy))
	for i, iv := range busy {
		out[i] = calendar.Interval{Start: utc(iv.Start), End: utc(iv.End)}
	}
	return out
}

func checkCalendarKey(key string) error {
	return checkText("calendar key", key, maxCalendarKeyLen, true, false)
}

// scanCalendarFeed reads the columns of calendarColumns into f.
func scanCalendarFeed(row interface{ Scan(...any) error }, f *CalendarFeed) error {
	var (
		busy                              []byte
		fetched, good, alerted, leaseTill timeValue
	)
	if err := row.Scan(&f.Key, &f.Label, &busy, &f.Skipped, &fetched, &good, &f.Error, &alerted, &leaseTill); err != nil {
		return err
	}
	f.FetchedAt, f.GoodAt, f.AlertedAt, f.LeaseUntil = fetched.ptr(), good.ptr(), alerted.ptr(), leaseTill.ptr()
	f.Busy = nil
	if err := json.Unmarshal(busy, &f.Busy); err != nil {
		return fmt.Errorf("busy time of calendar feed %s: %w", f.Key, err)
	}
	if len(f.Busy) == 0 {
		f.Busy = nil
	}
	for i := range f.Busy {
		f.Busy[i].Start, f.Busy[i].End = f.Busy[i].Start.UTC(), f.Busy[i].End.UTC()
	}
	return nil
}
