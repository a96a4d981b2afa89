package api

import (
	"context"
	"errors"
	"time"

	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/store"
)

// A booking is cancelled or moved the same way whoever asks: the prospect
// through the signed links of the emails (handleCancel, handleReschedule),
// or the consultant from the command line (Cancel, Move; site leads cancel
// and move). Both go through cancel and move: one transaction for the
// change and its emails, under the store's rules (store.Guard).

// cancel cancels booking id now and queues the emails about it (to the
// prospect with a METHOD:CANCEL invite, to the consultant) in the same
// transaction. quiz is the attached result, summarised beforehand.
func (s *server) cancel(ctx context.Context, id string, quiz quizNote) (*store.Booking, error) {
	return s.Store.CancelBooking(ctx, id, s.Now(), func(b *store.Booking) ([]store.OutboxMessage, error) {
		return s.bookingMessages(b, "cancellation", "", quiz)
	})
}

// move moves b to slot and queues the emails about it (a METHOD:REQUEST
// invite with a higher SEQUENCE) in the same transaction. The store holds
// the move to the buffer and the day's cap, refuses a session that has
// started and a booking changed since b was read (its sequence); the
// per-visitor limits are for new bookings: a move keeps its place.
func (s *server) move(ctx context.Context, b *store.Booking, slot booking.Slot, visitorTZ string, quiz quizNote) (*store.Booking, error) {
	g := s.guard(slot.Start)
	g.MaxPerAddress, g.MaxPerEmail = 0, 0
	g.CheckSequence, g.Sequence = true, b.Sequence
	return s.Store.RescheduleBooking(ctx, b.ID, slot.Start, slot.End, g, func(nb *store.Booking) ([]store.OutboxMessage, error) {
		return s.bookingMessages(nb, "reschedule", visitorTZ, quiz)
	})
}

// Errors of Cancel and Move beyond the store's (store.ErrStarted,
// booking.ErrTaken, booking.ErrDayFull, store.ErrStale, ENOTFOUND).
var (
	// ErrNoBookings: the site's settings have no [booking] table.
	ErrNoBookings = errors.New("the site takes no bookings (site.toml has no [booking] table)")
	// ErrCancelled: the booking is cancelled already.
	ErrCancelled = errors.New("the booking is cancelled")
	// ErrPast: a move to a time that has passed, -force or not.
	ErrPast = errors.New("that time has passed")
)

// Cancel cancels booking id for the consultant, as the prospect's cancel
// link does: the same store call and rules (a session that has started
// cannot be cancelled: store.ErrStarted) and the same emails, queued in
// the cancellation's transaction. It returns the cancelled booking. The
// emails stay in the outbox for the caller to send (site leads send), or
// go out with the function's next drain.
func (f *Function) Cancel(ctx context.Context, id string) (*store.Booking, error) {
	s := f.s.Load()
	if s.rules == nil {
		return nil, ErrNoBookings
	}
	b, err := s.Store.Booking(ctx, id)
	if err != nil {
		return nil, err
	}
	if b.CancelledAt != nil {
		return b, ErrCancelled
	}
	return s.cancel(ctx, id, s.quizSummary(ctx, b.QuizResult))
}

// Move moves booking id to start for the consultant, as the prospect's
// move link does: the availability rules apply (booking.Rules.Check: the
// weekly hours, notice, horizon, blocked days), unless force; the store's
// never do (no overlap or buffer breached, the day's cap held, a session
// that has started stays). The session keeps the site's slot length. The
// emails are queued in the move's transaction, as Cancel's are. It
// returns the moved booking.
func (f *Function) Move(ctx context.Context, id string, start time.Time, force bool) (*store.Booking, error) {
	s := f.s.Load()
	if s.rules == nil {
		return nil, ErrNoBookings
	}
	b, err := s.Store.Booking(ctx, id)
	switch {
	case err != nil:
		return nil, err
	case b.CancelledAt != nil:
		return b, ErrCancelled
	case s.started(b):
		return b, store.ErrStarted
	case !start.After(s.Now()):
		return b, ErrPast
	}
	slot := booking.Slot{Start: start.UTC(), End: start.Add(s.rules.Slot).UTC()}
	if !force {
		if slot, err = s.slotAt(ctx, start, b.Start); err != nil {
			return b, err
		}
	}
	return s.move(ctx, b, slot, "", s.quizSummary(ctx, b.QuizResult))
}

// Rules are the site's booking rules as the function holds them (nil when
// the site takes no bookings): the consultant's zone, for reading times.
func (f *Function) Rules() *booking.Rules { return f.s.Load().rules }
