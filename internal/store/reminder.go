package store

import (
	"context"
	"time"
)

// Reminder names one reminder email of a booking: the one due Before the
// start of the booking's version Sequence. A move raises the sequence, so
// the reminders of the new time are other reminders than the old time's.
type Reminder struct {
	Booking  string
	Sequence int
	Before   time.Duration // how long before the start; whole minutes
	Start    time.Time     // the start at that sequence (filled in by DueReminders)
}

// SentReminder is a reminder as recorded (RemindersOf).
type SentReminder struct {
	Reminder
	QueuedAt time.Time
	// Message is the outbox message queued for it, 0 when none went out:
	// the reminder was passed over, or its email withdrawn unsent when the
	// booking was moved or cancelled.
	Message int64
}

// ReminderStore records which reminders went out (migration 0006), so
// that the hourly job never sends one twice, whatever runs at once.
type ReminderStore interface {
	// DueReminders lists the reminders due by by and not recorded yet:
	// for each active booking that starts after now, each of befores
	// whose time (start - before) is at or before by, and after the
	// booking was made or last moved (a reminder that had fallen due
	// before the booking got its time is never due: the confirmation, or
	// the move's email, has just said it). They come by start, then id,
	// then the longest before first, each with the booking's current
	// Sequence and Start. befores must be positive whole minutes
	// (EINVALID).
	DueReminders(ctx context.Context, now, by time.Time, befores []time.Duration) ([]Reminder, error)

	// QueueReminder records r and queues the message build returns, in one
	// transaction, and reports whether it recorded r. It records nothing
	// (false, nil) when r is recorded already (by this instance or
	// another), when the booking is cancelled, has started by now, or is
	// no longer at r.Sequence (it moved: the old time's reminder is not
	// sent). build runs inside the transaction with a copy of the booking
	// as it is, and must not call the store (see BookingStore); a nil
	// build records r without a message (a reminder passed over). The
	// message is held to QueueMessages' rules. ENOTFOUND for an unknown
	// booking; EINVALID for a bad r.
	//
	// When a booking is moved or cancelled, the unsent emails of its
	// reminders that no sender holds are withdrawn in the same
	// transaction (CancelBooking, RescheduleBooking).
	QueueReminder(ctx context.Context, r Reminder, now time.Time, build func(*Booking) (OutboxMessage, error)) (bool, error)

	// RemindersOf lists the reminders recorded for a booking, by sequence
	// then the longest before first.
	RemindersOf(ctx context.Context, booking string) ([]SentReminder, error)
}
