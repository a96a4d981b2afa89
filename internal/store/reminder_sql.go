package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"
)

// maxReminderBefore bounds a reminder's distance from the start, well
// past any setting (package booking allows a week), so that the search
// for due reminders stays a range of the bookings' start index.
const maxReminderBefore = 366 * 24 * time.Hour

func checkBefore(d time.Duration) error {
	if d <= 0 || d > maxReminderBefore || d%time.Minute != 0 {
		return Errorf(EINVALID, "a reminder %v before the start: want whole minutes, more than none and at most %v", d, maxReminderBefore)
	}
	return nil
}

func (s *db) DueReminders(ctx context.Context, now, by time.Time, befores []time.Duration) ([]Reminder, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	var longest time.Duration
	for _, d := range befores {
		if err := checkBefore(d); err != nil {
			return nil, err
		}
		longest = max(longest, d)
	}
	if len(befores) == 0 || by.Before(now) {
		return nil, nil
	}
	now, by = utc(now), utc(by)
	t := s.d.timeArg
	// A reminder of a booking starting after by+longest is not due by by.
	type candidate struct {
		id      string
		seq     int
		start   time.Time
		changed time.Time // when the booking got its start
	}
	var cands []candidate
	rows, err := s.r.QueryContext(ctx,
		`SELECT id, sequence, start_at, COALESCE(moved_at, created_at) FROM bookings
		WHERE cancelled_at IS NULL AND start_at > $1 AND start_at <= $2
		ORDER BY start_at, id`,
		t(now), t(by.Add(longest)))
	if err != nil {
		return nil, s.wrap(err, "list bookings due a reminder")
	}
	for rows.Next() {
		var c candidate
		var start, changed timeValue
		if err := rows.Scan(&c.id, &c.seq, &start, &changed); err != nil {
			rows.Close()
			return nil, s.wrap(err, "list bookings due a reminder")
		}
		c.start, c.changed = start.Time, changed.Time
		cands = append(cands, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list bookings due a reminder")
	}
	if len(cands) == 0 {
		return nil, nil
	}

	// The reminders recorded for those bookings' current sequences.
	type key struct {
		id     string
		seq    int
		before time.Duration
	}
	recorded := map[key]bool{}
	rows, err = s.r.QueryContext(ctx,
		`SELECT r.booking, r.sequence, r.before_minutes FROM reminders r JOIN bookings b ON b.id = r.booking
		WHERE b.cancelled_at IS NULL AND b.start_at > $1 AND b.start_at <= $2 AND r.sequence = b.sequence`,
		t(now), t(by.Add(longest)))
	if err != nil {
		return nil, s.wrap(err, "list recorded reminders")
	}
	for rows.Next() {
		var k key
		var minutes int64
		if err := rows.Scan(&k.id, &k.seq, &minutes); err != nil {
			rows.Close()
			return nil, s.wrap(err, "list recorded reminders")
		}
		k.before = time.Duration(minutes) * time.Minute
		recorded[k] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list recorded reminders")
	}

	sorted := slices.Clone(befores)
	slices.SortFunc(sorted, func(a, b time.Duration) int { return cmp.Compare(b, a) })
	sorted = slices.Compact(sorted)
	var out []Reminder
	for _, c := range cands {
		for _, before := range sorted {
			due := c.start.Add(-before)
			if due.After(by) || !due.After(c.changed) || recorded[key{c.id, c.seq, before}] {
				continue
			}
			out = append(out, Reminder{Booking: c.id, Sequence: c.seq, Before: before, Start: c.start})
		}
	}
	return out, nil
}

func (s *db) QueueReminder(ctx context.Context, r Reminder, now time.Time, build func(*Booking) (OutboxMessage, error)) (bool, error) {
	if err := s.check(); err != nil {
		return false, err
	}
	if !ValidID(r.Booking) {
		return false, Errorf(ENOTFOUND, msgBookingNotFound)
	}
	if r.Sequence < 0 {
		return false, Errorf(EINVALID, "reminder sequence %d is negative", r.Sequence)
	}
	if err := checkBefore(r.Before); err != nil {
		return false, err
	}
	if now.IsZero() {
		now = time.Now()
	}
	now = utc(now)
	op := "queue reminder of booking " + r.Booking
	recorded := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// The booking as it is now: a move or cancellation running
		// alongside commits first or waits for this one (on Postgres the
		// row lock; on SQLite the one writer).
		var cur Booking
		err := scanBooking(tx.QueryRowContext(ctx, `SELECT `+bookingColumns+` FROM bookings WHERE id = $1`+s.d.forUpdate, r.Booking), &cur)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return Errorf(ENOTFOUND, msgBookingNotFound)
		case err != nil:
			return s.wrap(err, op)
		}
		if cur.CancelledAt != nil || cur.Sequence != r.Sequence || !cur.Start.After(now) {
			return nil
		}
		res, err := tx.ExecContext(ctx,
			`INSERT INTO reminders (booking, sequence, before_minutes, queued_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (booking, sequence, before_minutes) DO NOTHING`,
			r.Booking, r.Sequence, int64(r.Before/time.Minute), s.d.timeArg(now))
		if err != nil {
			return s.wrap(err, op)
		}
		if n, err := res.RowsAffected(); err != nil {
			return s.wrap(err, op)
		} else if n == 0 {
			return nil // recorded already
		}
		recorded = true
		if build == nil {
			return nil
		}
		arg := cur
		arg.Challenges = slices.Clone(cur.Challenges)
		m, err := build(&arg)
		if err != nil {
			return err
		}
		queued, err := prepareMessages([]OutboxMessage{m}, r.Booking)
		if err != nil {
			return err
		}
		if queued[0].Booking != r.Booking {
			return Errorf(EINVALID, "a reminder's message must concern its booking")
		}
		id, err := s.insertMessage(ctx, tx, queued[0], op)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx,
			`UPDATE reminders SET outbox_id = $4 WHERE booking = $1 AND sequence = $2 AND before_minutes = $3`,
			r.Booking, r.Sequence, int64(r.Before/time.Minute), id)
		return s.wrap(err, op)
	})
	if err != nil {
		return false, err
	}
	return recorded, nil
}

func (s *db) RemindersOf(ctx context.Context, booking string) ([]SentReminder, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx,
		`SELECT r.booking, r.sequence, r.before_minutes, r.queued_at, r.outbox_id
		FROM reminders r WHERE r.booking = $1
		ORDER BY r.sequence, r.before_minutes DESC`, booking)
	if err != nil {
		return nil, s.wrap(err, "list reminders of booking "+booking)
	}
	defer rows.Close()
	var out []SentReminder
	for rows.Next() {
		var (
			r       SentReminder
			minutes int64
			queued  timeValue
			message sql.NullInt64
		)
		if err := rows.Scan(&r.Booking, &r.Sequence, &minutes, &queued, &message); err != nil {
			return nil, s.wrap(err, "list reminders of booking "+booking)
		}
		r.Before, r.QueuedAt, r.Message = time.Duration(minutes)*time.Minute, queued.Time, message.Int64
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list reminders of booking "+booking)
	}
	return out, nil
}

// withdrawReminders deletes the unsent emails of booking's reminders that
// no sender holds at now, inside a change of the booking: they tell of the
// time before the change. Their reminders keep their rows, their message
// set to NULL (ON DELETE SET NULL). An email a sender holds may be on its
// way; it is left to it.
func (s *db) withdrawReminders(ctx context.Context, tx *sql.Tx, booking string, now time.Time) error {
	_, err := tx.ExecContext(ctx,
		`DELETE FROM outbox
		WHERE id IN (SELECT outbox_id FROM reminders WHERE booking = $1 AND outbox_id IS NOT NULL)
		AND sent_at IS NULL AND (claimed_until IS NULL OR claimed_until <= $2)`,
		booking, s.d.timeArg(utc(now)))
	return err
}
