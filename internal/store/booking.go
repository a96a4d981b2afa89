package store

import (
	"context"
	"time"
)

// Booking is one consultation. A confirmed booking holds its slot: the
// store makes a second confirmed booking of the same start impossible (a
// unique index over active bookings), so two prospects racing for one slot
// get one booking and one ECONFLICT, on SQLite and Postgres alike.
type Booking struct {
	ID          string    // NewID; also the calendar invite's UID (ID@site host)
	CreatedAt   time.Time // UTC
	Start, End  time.Time // UTC
	Name        string
	Email       string
	Company     string
	Role        string
	CompanySize string
	Challenges  []string // the warning signs the prospect ticked
	Message     string
	QuizResult  string     // a QuizResult ID, or ""
	IPHash      string     // HMAC of the client IP with the site secret; never the raw IP
	Sequence    int        // the invite's SEQUENCE: 0, then +1 per reschedule or cancel
	CancelledAt *time.Time // nil while the booking holds its slot
}

// OutboxMessage is an email waiting to be sent. It is written in the same
// transaction as the booking (or cancellation) it tells about, so no
// notification is lost if the mail server is down: it stays queued and is
// retried with backoff until sent.
type OutboxMessage struct {
	ID          int64 // assigned by the store
	CreatedAt   time.Time
	Booking     string // the booking it concerns, or ""
	Kind        string // "confirmation", "notice", "cancellation", "cancel-notice", "reschedule", "quiz-result"
	To          string
	Payload     []byte    // the message, as the mail package encodes it (JSON)
	Attempts    int       // sending attempts so far
	NextAttempt time.Time // not before
	LastError   string
	SentAt      *time.Time
}

// BookingStore keeps bookings, the email outbox and rate-limit counters.
type BookingStore interface {
	// CreateBooking inserts b and the outbox messages about it in one
	// transaction. ECONFLICT if an active booking holds b.Start. b.ID and
	// b.CreatedAt are filled in when empty, as SaveQuizResult does.
	CreateBooking(ctx context.Context, b *Booking, msgs []OutboxMessage) error

	// Booking returns a booking (active or cancelled), or ENOTFOUND.
	Booking(ctx context.Context, id string) (*Booking, error)

	// CancelBooking marks an active booking cancelled at at, increments its
	// Sequence and queues msgs, in one transaction; it returns the updated
	// booking. ENOTFOUND for an unknown id; ECONFLICT if already cancelled.
	// msgs may use the booking's new Sequence: build is called with the
	// updated booking inside the transaction.
	CancelBooking(ctx context.Context, id string, at time.Time, build func(*Booking) ([]OutboxMessage, error)) (*Booking, error)

	// RescheduleBooking moves an active booking to a new slot, increments its
	// Sequence and queues msgs from build, in one transaction. ECONFLICT if
	// the new slot is taken or the booking is cancelled.
	RescheduleBooking(ctx context.Context, id string, start, end time.Time, build func(*Booking) ([]OutboxMessage, error)) (*Booking, error)

	// ActiveBookings returns the active bookings that overlap [from, to),
	// by start, for slot computation.
	ActiveBookings(ctx context.Context, from, to time.Time) ([]Booking, error)

	// Bookings returns all bookings (active and cancelled) starting at or
	// after since, by start, for the consultant's list.
	Bookings(ctx context.Context, since time.Time) ([]Booking, error)

	// CountHit records one request under key (e.g. "ip:<hash>") and returns
	// how many were recorded under it in the window of length window that
	// contains now. Counters live in the store because a serverless
	// function has no memory shared between invocations.
	CountHit(ctx context.Context, key string, window time.Duration, now time.Time) (int, error)

	// QueueMessages adds messages to the outbox outside any booking (e.g.
	// "email me this result").
	QueueMessages(ctx context.Context, msgs []OutboxMessage) error

	// ClaimMessages returns up to limit unsent messages due at now and
	// claims them for lease, so concurrent drainers do not send one twice.
	ClaimMessages(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]OutboxMessage, error)

	// MarkSent records a successful send.
	MarkSent(ctx context.Context, id int64, at time.Time) error

	// MarkFailed records a failed attempt and when to try next.
	MarkFailed(ctx context.Context, id int64, reason string, next time.Time) error

	// Outbox lists messages, unsent first, for site leads send and tests.
	Outbox(ctx context.Context, includeSent bool) ([]OutboxMessage, error)
}
