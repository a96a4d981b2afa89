package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/store"
)

// wantErr fails unless err is an ECONFLICT wrapping target.
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if store.ErrorCode(err) != store.ECONFLICT || !errors.Is(err, target) {
		t.Errorf("%s: got %v (code %q), want ECONFLICT: %v", what, err, store.ErrorCode(err), target)
	}
}

// visitor returns a booking at start from an address and an email.
func visitor(start time.Time, ip, email string) *store.Booking {
	b := newBooking(start)
	b.IPHash, b.Email = ip, email
	return b
}

// testGuard: each rule of store.Guard holds inside CreateBooking and
// RescheduleBooking.
func testGuard(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	now := slot0.Add(-24 * time.Hour)
	day := store.Guard{Now: now, Buffer: 15 * time.Minute, DayStart: slot0.Add(-14 * time.Hour), DayEnd: slot0.Add(10 * time.Hour)}
	create := func(b *store.Booking, g store.Guard) error {
		return s.CreateBooking(t.Context(), b, nil, g)
	}
	if err := create(visitor(slot(0), "ip1", "a@example.com"), day); err != nil {
		t.Fatal(err)
	}
	// Overlap with another length, and the buffer, whatever the grid.
	wantErr(t, "a 45-minute booking overlapping by 5 minutes", create(&store.Booking{Start: slot(-1).Add(-10 * time.Minute), End: slot(0).Add(5 * time.Minute), Name: "B", Email: "b@example.com"}, store.Guard{}), booking.ErrTaken)
	wantErr(t, "a booking within the buffer after", create(visitor(slot(1).Add(10*time.Minute), "ip2", "b@example.com"), day), booking.ErrTaken)
	wantErr(t, "a booking within the buffer before", create(visitor(slot(-1).Add(-10*time.Minute), "ip2", "b@example.com"), day), booking.ErrTaken)
	if err := create(visitor(slot(1).Add(15*time.Minute), "ip2", "b@example.com"), day); err != nil {
		t.Errorf("a booking just outside the buffer: %v", err)
	}

	// The day's cap counts the day's active bookings.
	capped := day
	capped.MaxPerDay = 2
	wantErr(t, "a third booking on a day capped at 2", create(visitor(slot(6), "ip3", "c@example.com"), capped), booking.ErrDayFull)
	next := capped
	next.DayStart, next.DayEnd = day.DayEnd, day.DayEnd.Add(24*time.Hour)
	if err := create(visitor(slot(6).Add(24*time.Hour), "ip3", "c@example.com"), next); err != nil {
		t.Errorf("the next day: %v", err)
	}

	// Per address: upcoming active bookings only.
	limits := store.Guard{Now: now, MaxPerAddress: 2, MaxPerEmail: 1}
	if err := create(visitor(slot(20), "ip9", "d@example.com"), limits); err != nil {
		t.Fatal(err)
	}
	if err := create(visitor(slot(22), "ip9", "e@example.com"), limits); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "a third upcoming booking from one address", create(visitor(slot(24), "ip9", "f@example.com"), limits), store.ErrAddressLimit)
	later := limits
	later.Now = slot(23) // the first has ended
	if err := create(visitor(slot(26), "ip9", "f@example.com"), later); err != nil {
		t.Errorf("once one has ended: %v", err)
	}

	// Per email, without case: the error names the booking held.
	first := visitor(slot(30), "ip10", "Grace@Example.com")
	if err := create(first, limits); err != nil {
		t.Fatal(err)
	}
	err := create(visitor(slot(32), "ip11", "grace@example.COM"), limits)
	var eb *store.EmailBookedError
	if !errors.As(err, &eb) || eb.ID != first.ID || store.ErrorCode(err) != store.ECONFLICT {
		t.Errorf("a second booking for one email: got %v, want ECONFLICT with an EmailBookedError naming %s", err, first.ID)
	}
	if _, err := s.CancelBooking(t.Context(), first.ID, now, nil); err != nil {
		t.Fatal(err)
	}
	if err := create(visitor(slot(32), "ip11", "grace@example.com"), limits); err != nil {
		t.Errorf("after the first was cancelled: %v", err)
	}

	// A move keeps the same rules, itself excepted.
	b := visitor(slot(40), "ip12", "h@example.com")
	if err := create(b, day); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RescheduleBooking(t.Context(), b.ID, slot(40).Add(10*time.Minute), slot(41).Add(10*time.Minute), store.Guard{Now: now, Buffer: 15 * time.Minute}, nil); err != nil {
		t.Errorf("moving a booking over its own time: %v", err)
	}
	_, err = s.RescheduleBooking(t.Context(), b.ID, slot(1), slot(2), day, nil)
	wantErr(t, "moving onto a booked time", err, booking.ErrTaken)
}

// testGuardConcurrent: N bookings at once for the distinct slots of one
// day, from two stores (two instances), never exceed the day's cap; N
// bookings from one address never exceed its limit.
func testGuardConcurrent(t *testing.T, open Opener) {
	stores := []store.Store{MustOpen(t, open), MustOpen(t, open)}
	now := slot0.Add(-24 * time.Hour)
	run := func(n int, g store.Guard, b func(i int) *store.Booking) (ok int) {
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { errs[i] = stores[i%2].CreateBooking(t.Context(), b(i), nil, g) })
		}
		wg.Wait()
		for i, err := range errs {
			switch {
			case err == nil:
				ok++
			case store.ErrorCode(err) != store.ECONFLICT:
				t.Errorf("booking %d: %v, want success or ECONFLICT", i, err)
			}
		}
		return ok
	}
	day := store.Guard{Now: now, DayStart: slot0.Add(-14 * time.Hour), DayEnd: slot0.Add(10 * time.Hour), MaxPerDay: 3}
	if got := run(9, day, func(i int) *store.Booking {
		return visitor(slot(i), fmt.Sprint("ip", i), fmt.Sprintf("v%d@example.com", i))
	}); got != 3 {
		t.Errorf("9 concurrent bookings of one day capped at 3: %d succeeded", got)
	}
	addr := store.Guard{Now: now, MaxPerAddress: 2}
	if got := run(10, addr, func(i int) *store.Booking {
		return visitor(slot(i).Add(72*time.Hour), "one-ip", fmt.Sprintf("w%d@example.com", i))
	}); got != 2 {
		t.Errorf("10 concurrent bookings from one address limited to 2: %d succeeded", got)
	}
	buffered := store.Guard{Now: now, Buffer: 30 * time.Minute}
	if got := run(6, buffered, func(i int) *store.Booking {
		start := slot0.Add(96*time.Hour + time.Duration(i)*10*time.Minute) // every two within the buffer
		return visitor(start, fmt.Sprint("ipb", i), fmt.Sprintf("x%d@example.com", i))
	}); got != 1 {
		t.Errorf("6 concurrent bookings 10 minutes apart with a 30-minute buffer: %d succeeded, want 1", got)
	}
}

// testLifecycle: a session that has started can be neither moved nor
// cancelled, and a move against a stale sequence fails.
func testLifecycle(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	b := mustCreate(t, s, newBooking(slot(0)))
	during := slot(0).Add(10 * time.Minute)
	_, err := s.RescheduleBooking(t.Context(), b.ID, slot(4), slot(5), store.Guard{Now: during}, nil)
	wantErr(t, "moving a started session", err, store.ErrStarted)
	_, err = s.CancelBooking(t.Context(), b.ID, during, nil)
	wantErr(t, "cancelling a started session", err, store.ErrStarted)
	_, err = s.CancelBooking(t.Context(), b.ID, slot(2).Add(2*time.Hour), nil)
	wantErr(t, "cancelling a past session", err, store.ErrStarted)

	before := slot(0).Add(-time.Hour)
	moved, err := s.RescheduleBooking(t.Context(), b.ID, slot(4), slot(5), store.Guard{Now: before, CheckSequence: true, Sequence: 0}, nil)
	if err != nil || moved.Sequence != 1 {
		t.Fatalf("move at sequence 0: %v, sequence %d", err, moved.Sequence)
	}
	_, err = s.RescheduleBooking(t.Context(), b.ID, slot(6), slot(7), store.Guard{Now: before, CheckSequence: true, Sequence: 0}, nil)
	wantErr(t, "a move signed for sequence 0 after one move", err, store.ErrStale)
	if got := mustBooking(t, s, b.ID); !got.Start.Equal(slot(4)) || got.Sequence != 1 {
		t.Errorf("after the refused move: start %v sequence %d, want %v and 1", got.Start, got.Sequence, slot(4))
	}
}

// testMovesConcurrent: moves of one booking signed for one sequence (a
// double submit, the visitor and site leads move at once), from two
// stores: exactly one lands, the others are stale.
func testMovesConcurrent(t *testing.T, open Opener) {
	stores := []store.Store{MustOpen(t, open), MustOpen(t, open)}
	b := mustCreate(t, stores[0], newBooking(slot(0)))
	before := slot(0).Add(-time.Hour)
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, errs[i] = stores[i%2].RescheduleBooking(t.Context(), b.ID, slot(2+2*i), slot(3+2*i), store.Guard{Now: before, CheckSequence: true, Sequence: 0}, nil)
		})
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, store.ErrStale):
			t.Errorf("move %d: %v, want success or ErrStale", i, err)
		}
	}
	if got := mustBooking(t, stores[0], b.ID); ok != 1 || got.Sequence != 1 {
		t.Errorf("%d concurrent moves signed for sequence 0: %d landed, sequence now %d; want 1 and 1", n, ok, got.Sequence)
	}
}
