package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cassidine/site/internal/booking"
)

// Limits on the fields of bookings and messages that only the store
// has; the prospect's details are held to package booking's limits
// (booking.MaxText and the rest), which the booking form applies too.
// Text is counted in characters (runes), as the CHECK constraints of
// migration 0002 count it.
const (
	maxIPHashLen    = 128
	maxKindLen      = 40
	maxPayloadLen   = 1 << 20 // bytes
	maxLastErrorLen = 1000    // longer failure reasons are cut
)

// defaultPruneEvery is how often, on average, Hit deletes old
// hits: on one call in defaultPruneEvery (db.pruneEvery in tests).
const defaultPruneEvery = 100

const bookingColumns = `id, created_at, start_at, end_at, name, email, company, role, company_size,
	challenges, message, quiz_result, ip_hash, sequence, cancelled_at, time_zone`

const outboxColumns = `id, created_at, booking, kind, recipient, payload, attempts, next_attempt,
	last_error, sent_at`

// Messages for the conflicts callers show to visitors.
const (
	msgSlotTaken        = "this time is no longer available; please pick another"
	msgBookingNotFound  = "booking not found"
	msgBookingCancelled = "this booking has already been cancelled"
)

func (s *db) CreateBooking(ctx context.Context, b *Booking, msgs []OutboxMessage, g Guard) error {
	if err := s.check(); err != nil {
		return err
	}
	if b == nil {
		return Errorf(EINVALID, "no booking")
	}
	if b.ID == "" {
		b.ID = NewID()
	}
	if b.CreatedAt.IsZero() {
		b.CreatedAt = time.Now()
	}
	b.CreatedAt, b.Start, b.End = utc(b.CreatedAt), utc(b.Start), utc(b.End)
	if err := validateBooking(b); err != nil {
		return err
	}
	switch {
	case b.CancelledAt != nil:
		return Errorf(EINVALID, "a new booking cannot be cancelled already")
	case b.Sequence != 0:
		return Errorf(EINVALID, "a new booking starts at sequence 0, not %d", b.Sequence)
	}
	queued, err := prepareMessages(msgs, b.ID)
	if err != nil {
		return err
	}
	challenges, err := jsonArray(b.Challenges)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.checkGuard(ctx, tx, b, g, true); err != nil {
			return err
		}
		// ON CONFLICT (id) turns a reused id into "no row" so that it can be
		// told apart from the slot's unique index, which still raises.
		res, err := tx.ExecContext(ctx,
			`INSERT INTO bookings (`+bookingColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 0, NULL, $14)
			ON CONFLICT (id) DO NOTHING`,
			b.ID, s.d.timeArg(b.CreatedAt), s.d.timeArg(b.Start), s.d.timeArg(b.End),
			b.Name, b.Email, b.Company, b.Role, b.CompanySize, challenges, b.Message,
			nullString(b.QuizResult), b.IPHash, b.TimeZone)
		if err != nil {
			return withMessage(s.wrap(err, "create booking "+b.ID), ECONFLICT, msgSlotTaken)
		}
		if n, err := res.RowsAffected(); err != nil {
			return s.wrap(err, "create booking "+b.ID)
		} else if n == 0 {
			return Errorf(ECONFLICT, "a booking with this id already exists")
		}
		return s.insertMessages(ctx, tx, queued, "queue messages for booking "+b.ID)
	})
}

func (s *db) Booking(ctx context.Context, id string) (*Booking, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if !ValidID(id) {
		return nil, Errorf(ENOTFOUND, msgBookingNotFound)
	}
	row := s.r.QueryRowContext(ctx, `SELECT `+bookingColumns+` FROM bookings WHERE id = $1`, id)
	var b Booking
	if err := scanBooking(row, &b); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, Errorf(ENOTFOUND, msgBookingNotFound)
		}
		return nil, s.wrap(err, "read booking "+id)
	}
	return &b, nil
}

func (s *db) CancelBooking(ctx context.Context, id string, at time.Time, build func(*Booking) ([]OutboxMessage, error)) (*Booking, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if at.IsZero() {
		return nil, Errorf(EINVALID, "cancellation time is missing")
	}
	if !ValidID(id) {
		return nil, Errorf(ENOTFOUND, msgBookingNotFound)
	}
	started := func(tx *sql.Tx, cur *Booking) error {
		if cur.CancelledAt == nil && !cur.Start.After(utc(at)) {
			return conflict(ErrStarted)
		}
		return nil
	}
	return s.changeBooking(ctx, id, "cancel booking "+id, utc(at), build, started,
		`UPDATE bookings SET cancelled_at = $2, sequence = sequence + 1
		WHERE id = $1 AND cancelled_at IS NULL
		RETURNING `+bookingColumns,
		s.d.timeArg(utc(at)))
}

func (s *db) RescheduleBooking(ctx context.Context, id string, start, end time.Time, g Guard, build func(*Booking) ([]OutboxMessage, error)) (*Booking, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	start, end = utc(start), utc(end)
	if err := validateSlot(start, end); err != nil {
		return nil, err
	}
	if !ValidID(id) {
		return nil, Errorf(ENOTFOUND, msgBookingNotFound)
	}
	guard := func(tx *sql.Tx, cur *Booking) error {
		switch {
		case cur.CancelledAt != nil:
			return nil // the update reports it
		case g.CheckSequence && cur.Sequence != g.Sequence:
			return conflict(ErrStale)
		case !g.Now.IsZero() && !cur.Start.After(utc(g.Now)):
			return conflict(ErrStarted)
		}
		return s.checkGuard(ctx, tx, &Booking{ID: id, Start: start, End: end}, g, false)
	}
	now := g.Now
	if now.IsZero() {
		now = time.Now()
	}
	return s.changeBooking(ctx, id, "reschedule booking "+id, utc(now), build, guard,
		`UPDATE bookings SET start_at = $2, end_at = $3, sequence = sequence + 1, moved_at = $4
		WHERE id = $1 AND cancelled_at IS NULL
		RETURNING `+bookingColumns,
		s.d.timeArg(start), s.d.timeArg(end), s.d.timeArg(utc(now)))
}

// changeBooking runs check on the booking as it is, then update (which
// takes the id as $1 and args after it, changes an active booking and
// returns its columns), withdraws the unsent emails of the booking's
// reminders that no sender holds at now (they are about the time before
// the change), then runs build with the updated booking and queues
// build's messages, all in one transaction.
// An update that matches no row is ENOTFOUND for an unknown id and
// ECONFLICT for a cancelled booking; a unique violation is a taken slot.
func (s *db) changeBooking(ctx context.Context, id, op string, now time.Time, build func(*Booking) ([]OutboxMessage, error), check func(*sql.Tx, *Booking) error, update string, args ...any) (*Booking, error) {
	var out *Booking
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// Locked until the update, so that what check read (the sequence,
		// the start) is what the update changes: two moves with one link
		// cannot both pass.
		var cur Booking
		err := scanBooking(tx.QueryRowContext(ctx, `SELECT `+bookingColumns+` FROM bookings WHERE id = $1`+s.d.forUpdate, id), &cur)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return Errorf(ENOTFOUND, msgBookingNotFound)
		case err != nil:
			return s.wrap(err, op)
		}
		if err := check(tx, &cur); err != nil {
			return err
		}
		var b Booking
		err = scanBooking(tx.QueryRowContext(ctx, update, append([]any{id}, args...)...), &b)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(ECONFLICT, msgBookingCancelled) // the row exists: it was cancelled
		}
		if err != nil {
			return withMessage(s.wrap(err, op), ECONFLICT, msgSlotTaken)
		}
		if err := s.withdrawReminders(ctx, tx, id, now); err != nil {
			return s.wrap(err, op+": withdraw reminders")
		}
		if build != nil {
			// build gets a copy, so that what it does to its argument
			// does not change the booking returned.
			arg := b
			arg.Challenges = slices.Clone(b.Challenges)
			msgs, err := build(&arg)
			if err != nil {
				return err
			}
			queued, err := prepareMessages(msgs, id)
			if err != nil {
				return err
			}
			if err := s.insertMessages(ctx, tx, queued, op+": queue messages"); err != nil {
				return err
			}
		}
		out = &b
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *db) ActiveBookings(ctx context.Context, from, to time.Time) ([]Booking, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	switch {
	case to.Before(from):
		return nil, Errorf(EINVALID, "the range ends before it starts")
	case to.Equal(from):
		return nil, nil // an empty range overlaps nothing
	}
	// The lower bound on start_at lets the index skip every booking that
	// ended long ago: no booking is longer than MaxBookingLength.
	return s.listBookings(ctx, "list active bookings",
		`SELECT `+bookingColumns+` FROM bookings
		WHERE cancelled_at IS NULL AND start_at < $2 AND start_at > $3 AND end_at > $1
		ORDER BY start_at, id`,
		s.d.timeArg(utc(from)), s.d.timeArg(utc(to)), s.d.timeArg(utc(from.Add(-MaxBookingLength))))
}

func (s *db) Bookings(ctx context.Context, since time.Time) ([]Booking, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	return s.listBookings(ctx, "list bookings",
		`SELECT `+bookingColumns+` FROM bookings WHERE start_at >= $1 ORDER BY start_at, id`,
		s.d.timeArg(utc(since)))
}

func (s *db) listBookings(ctx context.Context, op, query string, args ...any) ([]Booking, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, s.wrap(err, op)
	}
	defer rows.Close()
	var out []Booking
	for rows.Next() {
		var b Booking
		if err := scanBooking(rows, &b); err != nil {
			return nil, s.wrap(err, op)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, op)
	}
	return out, nil
}

func (s *db) QueueMessages(ctx context.Context, msgs []OutboxMessage) error {
	if err := s.check(); err != nil {
		return err
	}
	queued, err := prepareMessages(msgs, "")
	if err != nil {
		return err
	}
	if len(queued) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return s.insertMessages(ctx, tx, queued, "queue messages")
	})
}

// insertMessages writes messages that prepareMessages returned.
func (s *db) insertMessages(ctx context.Context, q querier, msgs []OutboxMessage, op string) error {
	for _, m := range msgs {
		if _, err := s.insertMessage(ctx, q, m, op); err != nil {
			return err
		}
	}
	return nil
}

// insertMessage writes one message that prepareMessages returned and
// returns its id.
func (s *db) insertMessage(ctx context.Context, q querier, m OutboxMessage, op string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx,
		`INSERT INTO outbox (created_at, booking, kind, recipient, payload, attempts, next_attempt, last_error)
		VALUES ($1, $2, $3, $4, $5, 0, $6, '')
		RETURNING id`,
		s.d.timeArg(m.CreatedAt), nullString(m.Booking), m.Kind, m.To, m.Payload, s.d.timeArg(m.NextAttempt)).Scan(&id)
	if err != nil {
		return 0, withMessage(s.wrap(err, op), EINVALID,
			"a message could not be queued (does the booking it concerns exist?)")
	}
	return id, nil
}

func (s *db) ClaimMessages(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]OutboxMessage, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	switch {
	case lease <= 0:
		return nil, Errorf(EINVALID, "claim lease must be positive, not %v", lease)
	case limit <= 0:
		return nil, Errorf(EINVALID, "claim limit must be positive, not %d", limit)
	}
	if now.IsZero() {
		now = time.Now()
	}
	now = utc(now)
	// The CTE picks the rows, once (MATERIALIZED: a subquery with LIMIT
	// that the planner re-ran could claim more than limit); on Postgres it
	// locks them and concurrent claimers skip them. The claimable condition
	// is repeated in the UPDATE as belt and braces: an UPDATE that waited for
	// a row re-checks its own WHERE against the row as the other claimer
	// left it. On SQLite the statement runs alone, as every write does.
	const claimable = `sent_at IS NULL AND next_attempt <= $2 AND (claimed_until IS NULL OR claimed_until <= $2)`
	rows, err := s.w.QueryContext(ctx,
		`WITH picked AS MATERIALIZED (
			SELECT id FROM outbox WHERE `+claimable+`
			ORDER BY next_attempt, id LIMIT $3`+s.d.skipLocked+`)
		UPDATE outbox SET claimed_until = $1
		WHERE id IN (SELECT id FROM picked) AND `+claimable+`
		RETURNING `+outboxColumns,
		s.d.timeArg(utc(now.Add(lease))), s.d.timeArg(now), limit)
	if err != nil {
		return nil, s.wrap(err, "claim messages")
	}
	out, err := scanMessages(rows)
	if err != nil {
		return nil, s.wrap(err, "claim messages")
	}
	// RETURNING has no defined order.
	slices.SortFunc(out, func(a, b OutboxMessage) int {
		if c := a.NextAttempt.Compare(b.NextAttempt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

func (s *db) MarkSent(ctx context.Context, id int64, at time.Time) error {
	if err := s.check(); err != nil {
		return err
	}
	if at.IsZero() {
		return Errorf(EINVALID, "sending time is missing")
	}
	return s.markMessage(ctx, id, "mark message sent",
		`UPDATE outbox SET sent_at = $2, attempts = attempts + 1, claimed_until = NULL
		WHERE id = $1 AND sent_at IS NULL`,
		s.d.timeArg(utc(at)))
}

func (s *db) MarkFailed(ctx context.Context, id int64, reason string, next time.Time) error {
	if err := s.check(); err != nil {
		return err
	}
	if next.IsZero() {
		return Errorf(EINVALID, "next attempt time is missing")
	}
	return s.markMessage(ctx, id, "mark message failed",
		`UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_attempt = $3, claimed_until = NULL
		WHERE id = $1 AND sent_at IS NULL`,
		cleanReason(reason), s.d.timeArg(utc(next)))
}

// markMessage runs update on an unsent message: ENOTFOUND if there is no
// message id, ECONFLICT if it has been sent already (a late report from a
// drainer whose lease ran out must not undo or reschedule a send).
func (s *db) markMessage(ctx context.Context, id int64, op, update string, args ...any) error {
	op = fmt.Sprintf("%s %d", op, id)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, update, append([]any{id}, args...)...)
		if err != nil {
			return s.wrap(err, op)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return s.wrap(err, op)
		}
		if n > 0 {
			return nil
		}
		var one int
		switch err := tx.QueryRowContext(ctx, `SELECT 1 FROM outbox WHERE id = $1`, id).Scan(&one); {
		case errors.Is(err, sql.ErrNoRows):
			return Errorf(ENOTFOUND, "message not found")
		case err != nil:
			return s.wrap(err, op)
		}
		return Errorf(ECONFLICT, "this message has been sent already")
	})
}

func (s *db) RetryNow(ctx context.Context, now, until time.Time) (int, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	res, err := s.w.ExecContext(ctx,
		`UPDATE outbox SET next_attempt = $1
		WHERE sent_at IS NULL AND next_attempt > $1 AND next_attempt < $2
		AND (claimed_until IS NULL OR claimed_until <= $1)`,
		s.d.timeArg(utc(now)), s.d.timeArg(utc(until)))
	if err != nil {
		return 0, s.wrap(err, "retry messages now")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, s.wrap(err, "retry messages now")
	}
	return int(n), nil
}

func (s *db) Outbox(ctx context.Context, includeSent bool) ([]OutboxMessage, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	where := ""
	if !includeSent {
		where = `WHERE sent_at IS NULL`
	}
	// Unsent first, in the order they are due; then sent, in the order sent.
	rows, err := s.r.QueryContext(ctx,
		`SELECT `+outboxColumns+` FROM outbox `+where+`
		ORDER BY (sent_at IS NOT NULL), COALESCE(sent_at, next_attempt), id`)
	if err != nil {
		return nil, s.wrap(err, "list outbox")
	}
	out, err := scanMessages(rows)
	if err != nil {
		return nil, s.wrap(err, "list outbox")
	}
	return out, nil
}

// prepareMessages checks msgs and returns copies ready to insert: Booking
// defaults to booking, CreatedAt to now, NextAttempt to CreatedAt (due at
// once), times in UTC. ID, Attempts, LastError and SentAt are ignored: a
// queued message is new and unsent. msgs itself is not modified.
func prepareMessages(msgs []OutboxMessage, booking string) ([]OutboxMessage, error) {
	if len(msgs) == 0 {
		return nil, nil
	}
	now := time.Now()
	out := make([]OutboxMessage, len(msgs))
	for i, m := range msgs {
		if m.Booking == "" {
			m.Booking = booking
		}
		if m.CreatedAt.IsZero() {
			m.CreatedAt = now
		}
		if m.NextAttempt.IsZero() {
			m.NextAttempt = m.CreatedAt
		}
		m.CreatedAt, m.NextAttempt = utc(m.CreatedAt), utc(m.NextAttempt)
		m.ID, m.Attempts, m.LastError, m.SentAt = 0, 0, "", nil
		if err := validateMessage(&m); err != nil {
			if e := (*Error)(nil); errors.As(err, &e) && len(msgs) > 1 {
				e.Message = fmt.Sprintf("message %d: %s", i+1, e.Message)
			}
			return nil, err
		}
		out[i] = m
	}
	return out, nil
}

func validateMessage(m *OutboxMessage) error {
	if m.Booking != "" && !ValidID(m.Booking) {
		return Errorf(EINVALID, "message booking %q is not a store id", m.Booking)
	}
	if m.Kind == "" || len(m.Kind) > maxKindLen || strings.Trim(m.Kind, "abcdefghijklmnopqrstuvwxyz-") != "" {
		return Errorf(EINVALID, "message kind %q: want up to %d lower-case letters and hyphens", m.Kind, maxKindLen)
	}
	// The recipient may be the consultant's own address, which the
	// prospect's rule (booking.CheckEmail) is not for: the store holds it
	// to one line of address length, and the mail package checks the
	// address when it encodes the payload.
	if err := checkText("recipient", m.To, booking.MaxEmail, true, false); err != nil {
		return err
	}
	switch {
	case len(m.Payload) == 0:
		return Errorf(EINVALID, "message has no payload")
	case len(m.Payload) > maxPayloadLen:
		return Errorf(EINVALID, "message payload is larger than %d bytes", maxPayloadLen)
	}
	return nil
}

// validateBooking checks what the bookings table also enforces, so callers
// get EINVALID with a readable message rather than a constraint name.
func validateBooking(b *Booking) error {
	if !ValidID(b.ID) {
		return Errorf(EINVALID, "booking id %q is not a store id", b.ID)
	}
	if err := validateSlot(b.Start, b.End); err != nil {
		return err
	}
	if b.Sequence < 0 {
		return Errorf(EINVALID, "booking sequence %d is negative", b.Sequence)
	}
	for _, f := range []struct {
		name     string
		value    string
		max      int
		required bool
	}{
		{"name", b.Name, booking.MaxText, true},
		{"company", b.Company, booking.MaxText, false},
		{"role", b.Role, booking.MaxText, false},
		{"company size", b.CompanySize, booking.MaxText, false},
		{"IP hash", b.IPHash, maxIPHashLen, false},
	} {
		if err := checkText(f.name, f.value, f.max, f.required, false); err != nil {
			return err
		}
	}
	if err := checkText("message", b.Message, booking.MaxMessage, false, true); err != nil {
		return err
	}
	if err := checkEmail("e-mail address", b.Email); err != nil {
		return err
	}
	if len(b.Challenges) > booking.MaxChallenges {
		return Errorf(EINVALID, "more than %d challenges", booking.MaxChallenges)
	}
	for _, c := range b.Challenges {
		if err := checkText("challenge", c, booking.MaxText, true, false); err != nil {
			return err
		}
	}
	if b.QuizResult != "" && !ValidID(b.QuizResult) {
		return Errorf(EINVALID, "quiz result %q is not a store id", b.QuizResult)
	}
	if _, ok := booking.LoadZone(b.TimeZone); b.TimeZone != "" && !ok {
		return Errorf(EINVALID, "time zone %q is not a known zone", b.TimeZone)
	}
	return nil
}

func validateSlot(start, end time.Time) error {
	switch {
	case start.IsZero() || end.IsZero():
		return Errorf(EINVALID, "the booking's start or end is missing")
	case !end.After(start):
		return Errorf(EINVALID, "the booking ends at or before its start")
	case end.Sub(start) > MaxBookingLength:
		return Errorf(EINVALID, "the booking is longer than %v", MaxBookingLength)
	case start.Year() > 9999 || end.Year() > 9999:
		return Errorf(EINVALID, "the booking is too far in the future")
	}
	return nil
}

// checkText applies booking.CheckText to a field, naming it in the
// error; a required field must not be blank.
func checkText(field, s string, max int, required, multiline bool) error {
	if required && strings.TrimSpace(s) == "" {
		return Errorf(EINVALID, "%s is required", field)
	}
	if err := booking.CheckText(s, max, multiline); err != nil {
		return Errorf(EINVALID, "%s: %v", field, err)
	}
	return nil
}

// checkEmail applies booking.CheckEmail, the rule for an address a
// prospect gives, naming the field in the error.
func checkEmail(field, email string) error {
	if err := booking.CheckEmail(email); err != nil {
		return Errorf(EINVALID, "%s: %v", field, err)
	}
	return nil
}

// cleanReason makes a sending error storable: valid UTF-8, no NUL (which
// Postgres refuses in text), at most maxLastErrorLen characters.
func cleanReason(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "")
	if utf8.RuneCountInString(s) > maxLastErrorLen {
		s = string([]rune(s)[:maxLastErrorLen-1]) + "…"
	}
	return s
}

// scanBooking reads the columns of bookingColumns into b.
func scanBooking(row interface{ Scan(...any) error }, b *Booking) error {
	var (
		created, start, end, cancelled timeValue
		challenges                     []byte
		quiz                           sql.NullString
	)
	if err := row.Scan(&b.ID, &created, &start, &end, &b.Name, &b.Email, &b.Company, &b.Role,
		&b.CompanySize, &challenges, &b.Message, &quiz, &b.IPHash, &b.Sequence, &cancelled, &b.TimeZone); err != nil {
		return err
	}
	b.CreatedAt, b.Start, b.End = created.Time, start.Time, end.Time
	b.CancelledAt = cancelled.ptr()
	b.QuizResult = quiz.String
	b.Challenges = nil
	if err := json.Unmarshal(challenges, &b.Challenges); err != nil {
		return fmt.Errorf("challenges of booking %s: %w", b.ID, err)
	}
	if len(b.Challenges) == 0 {
		b.Challenges = nil
	}
	return nil
}

// scanMessages reads rows of outboxColumns and closes rows.
func scanMessages(rows *sql.Rows) ([]OutboxMessage, error) {
	defer rows.Close()
	var out []OutboxMessage
	for rows.Next() {
		var (
			m                   OutboxMessage
			created, next, sent timeValue
			booking             sql.NullString
		)
		if err := rows.Scan(&m.ID, &created, &booking, &m.Kind, &m.To, &m.Payload, &m.Attempts,
			&next, &m.LastError, &sent); err != nil {
			return nil, err
		}
		m.CreatedAt, m.NextAttempt, m.SentAt = created.Time, next.Time, sent.ptr()
		m.Booking = booking.String
		out = append(out, m)
	}
	return out, rows.Err()
}

// jsonArray encodes a list of strings; nil becomes [] so the column always
// holds an array.
func jsonArray(list []string) (string, error) {
	if len(list) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(list)
	if err != nil {
		return "", &Error{Code: EINTERNAL, Message: defaultMessage(EINTERNAL), Err: err}
	}
	return string(b), nil
}
