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
	Challenges  []string   // the warning signs the prospect ticked; read back nil when none
	Message     string     // may span lines; every other text field is one line
	QuizResult  string     // a QuizResult ID, or ""; not checked to exist, so a stale one does not stop a booking
	IPHash      string     // HMAC of the client IP with the site secret; never the raw IP
	TimeZone    string     // the prospect's IANA zone, as their browser reported it, or "" when unknown
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
	Kind        string // "confirmation", "confirmation-notice", "cancellation", "reschedule", "existing", "reminder", "quiz-result", "lead-alert", ...
	To          string
	Payload     []byte    // the message, as the mail package encodes it (JSON)
	Attempts    int       // sending attempts so far
	NextAttempt time.Time // not before
	LastError   string
	SentAt      *time.Time
}

// MaxBookingLength is the longest booking the store accepts; it bounds
// the search for bookings overlapping a time.
const MaxBookingLength = 24 * time.Hour

// BookingStore keeps bookings, the email outbox and rate-limit counters.
//
// Times are stored in UTC with microsecond precision and read back so.
// Invalid input is EINVALID with a message that names the field: a bad id,
// a missing start or end, an end not after the start, a blank name, an
// e-mail address booking.CheckEmail refuses, text booking.CheckText
// refuses (not UTF-8, control characters, a line break outside Message),
// more than booking.MaxText characters in Name, Company, Role,
// CompanySize or a challenge, more than booking.MaxMessage in Message,
// more than booking.MaxChallenges challenges or an empty one, more than
// 128 characters in IPHash, a TimeZone booking.LoadZone does not know. These are the booking form's own rules, so a
// booking the form accepted is never refused for them.
//
// Messages to queue (msgs, and what build returns) are checked too: Kind
// up to 40 lower-case letters and hyphens, To one line of at most
// booking.MaxEmail characters (Message.Encode in package mail checks that
// it is an address), Payload 1 byte
// to 1 MiB, Booking "" or an id. They get defaults: Booking the booking
// concerned, CreatedAt now, NextAttempt CreatedAt (due at once). Their ID,
// Attempts, LastError and SentAt are ignored, since a queued message is
// new; the caller's slice is not modified. A message whose Booking names
// no booking is refused (EINVALID) with everything else in its
// transaction.
//
// The build callbacks of CancelBooking and RescheduleBooking run inside the
// write transaction: they must not call the store (on SQLite the one writer
// connection is theirs, and they would wait for themselves) and should be
// quick. They get a copy of the updated booking. A build error is returned
// unchanged, and nothing changes. build may be nil: no messages.
type BookingStore interface {
	// CreateBooking inserts b and the outbox messages about it in one
	// transaction. ECONFLICT if an active booking holds b.Start (the same
	// instant, in whatever zone), or if b.ID is taken. b.ID and b.CreatedAt
	// are filled in when empty, as SaveQuizResult does, and CreatedAt,
	// Start and End are normalised and written back. A new booking has
	// Sequence 0 and no CancelledAt (else EINVALID).
	//
	// g's rules hold inside the transaction (see Guard): no active booking
	// within g.Buffer of [Start, End) (ECONFLICT wrapping booking.ErrTaken),
	// nor busy time of g.Calendars (the same, or ErrCalendarUnavailable
	// when a feed has no recent copy), fewer than MaxPerDay on its day (booking.ErrDayFull), fewer than
	// MaxPerAddress upcoming for its IPHash (ErrAddressLimit) and fewer
	// than MaxPerEmail for its Email (an *EmailBookedError naming the first).
	CreateBooking(ctx context.Context, b *Booking, msgs []OutboxMessage, g Guard) error

	// Booking returns a booking (active or cancelled), or ENOTFOUND.
	Booking(ctx context.Context, id string) (*Booking, error)

	// CancelBooking marks an active booking cancelled at at, increments its
	// Sequence and queues msgs, in one transaction; it returns the updated
	// booking. ENOTFOUND for an unknown id; ECONFLICT if already cancelled
	// (build is then not called) or if the session has started by at
	// (ErrStarted); EINVALID for a zero at.
	// msgs may use the booking's new Sequence: build is called with the
	// updated booking inside the transaction.
	CancelBooking(ctx context.Context, id string, at time.Time, build func(*Booking) ([]OutboxMessage, error)) (*Booking, error)

	// RescheduleBooking moves an active booking to a new slot, increments its
	// Sequence and queues msgs from build, in one transaction; the ID stays.
	// ECONFLICT if the new slot is taken or the booking is cancelled (the
	// booking stays where it was); ENOTFOUND for an unknown id; EINVALID if
	// end is not after start.
	//
	// g's rules hold inside the transaction (see Guard): the booking must
	// not have started at g.Now (ErrStarted), must still be at g.Sequence
	// when CheckSequence is set (ErrStale), and the new time must keep the
	// buffer, the calendars' busy time and the day's cap; each is
	// ECONFLICT.
	RescheduleBooking(ctx context.Context, id string, start, end time.Time, g Guard, build func(*Booking) ([]OutboxMessage, error)) (*Booking, error)

	// ActiveBookings returns the active bookings that overlap [from, to)
	// (start before to and end after from), by start, for slot computation.
	// An empty range overlaps nothing; to before from is EINVALID.
	ActiveBookings(ctx context.Context, from, to time.Time) ([]Booking, error)

	// Bookings returns all bookings (active and cancelled) starting at or
	// after since, by start (ties by id), for the consultant's list.
	Bookings(ctx context.Context, since time.Time) ([]Booking, error)

	// Hit counts one request under key (e.g. "book-ip:<pseudonym>") if
	// fewer than max were counted under it in the sliding window
	// (now-window, now], and reports whether it was. A refused request is
	// not counted, so at most max requests pass in any window of that
	// length, across any boundary. Counts live in the store because a
	// serverless function has no memory shared between invocations; hits
	// under one key are counted one at a time. key is 1 to 200 characters,
	// window at least a millisecond, max at least 1 (else EINVALID); a zero
	// now means time.Now(). Now and then a call deletes hits older than a
	// day.
	Hit(ctx context.Context, key string, window time.Duration, max int, now time.Time) (bool, error)

	// QueueMessages adds messages to the outbox outside any booking (e.g.
	// "email me this result").
	QueueMessages(ctx context.Context, msgs []OutboxMessage) error

	// ClaimMessages returns up to limit unsent messages due at now and
	// claims them for lease, so concurrent drainers do not send one twice.
	// Messages come most overdue first (by NextAttempt, then ID). A claim
	// is not an attempt; a claimed message neither marked sent nor failed
	// is claimable again once the lease has run out. lease and limit must
	// be positive (EINVALID); a zero now means time.Now().
	ClaimMessages(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]OutboxMessage, error)

	// MarkSent records a successful send: SentAt at, one more attempt, and
	// the claim released. ENOTFOUND for an unknown id; ECONFLICT if the
	// message was sent already (the first SentAt stays); EINVALID for a
	// zero at.
	MarkSent(ctx context.Context, id int64, at time.Time) error

	// MarkFailed records a failed attempt and when to try next: one more
	// attempt, LastError reason (made valid UTF-8 and cut to 1000
	// characters), NextAttempt next, the claim released. ENOTFOUND for an
	// unknown id; ECONFLICT if the message was sent already (a late report
	// must not schedule a resend); EINVALID for a zero next.
	MarkFailed(ctx context.Context, id int64, reason string, next time.Time) error

	// RetryNow makes every unsent message that is waiting for its next
	// attempt (before until; later ones are parked) due at now, unless
	// another sender holds it. It returns how many it moved. site leads
	// send -now uses it to send regardless of the backoff.
	RetryNow(ctx context.Context, now, until time.Time) (int, error)

	// Outbox lists messages, unsent first, for site leads send and tests:
	// unsent by NextAttempt, then sent by SentAt, ties by ID.
	Outbox(ctx context.Context, includeSent bool) ([]OutboxMessage, error)
}
