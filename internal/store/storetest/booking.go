package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cassidine/site/internal/store"
)

// slot0 is the first slot the booking cases use, on the hour in UTC; the
// others follow every half hour.
var slot0 = time.Date(2026, 6, 1, 14, 0, 0, 0, time.UTC)

func slot(i int) time.Time { return slot0.Add(time.Duration(i) * 30 * time.Minute) }

func newBooking(start time.Time) *store.Booking {
	return &store.Booking{
		Start:       start,
		End:         start.Add(30 * time.Minute),
		Name:        "Ada Lovelace",
		Email:       "ada@example.com",
		Company:     "Analytical Engines",
		Role:        "CEO",
		CompanySize: "11-50",
		Challenges:  []string{"missed deadlines", "founder bottleneck"},
		Message:     "Hello,\r\nwe grew from 12 to 40 people.\n\tWhere do we start?",
		IPHash:      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		TimeZone:    "Europe/London",
	}
}

func newMessage(kind string) store.OutboxMessage {
	return store.OutboxMessage{
		Kind:    kind,
		To:      "ada@example.com",
		Payload: []byte(`{"subject":"Your consultation"}`),
	}
}

func mustCreate(t *testing.T, s store.Store, b *store.Booking, msgs ...store.OutboxMessage) *store.Booking {
	t.Helper()
	if err := s.CreateBooking(t.Context(), b, msgs, store.Guard{}); err != nil {
		t.Fatalf("CreateBooking at %v: %v", b.Start, err)
	}
	return b
}

func mustBooking(t *testing.T, s store.Store, id string) *store.Booking {
	t.Helper()
	b, err := s.Booking(t.Context(), id)
	if err != nil {
		t.Fatalf("Booking(%s): %v", id, err)
	}
	return b
}

func mustOutbox(t *testing.T, s store.Store, includeSent bool) []store.OutboxMessage {
	t.Helper()
	msgs, err := s.Outbox(t.Context(), includeSent)
	if err != nil {
		t.Fatalf("Outbox: %v", err)
	}
	return msgs
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := store.ErrorCode(err); got != code {
		t.Errorf("%s: got code %q (%v), want %s", what, got, err, code)
	} else if msg := store.ErrorMessage(err); msg == "" || msg == "internal error" {
		t.Errorf("%s: message %q, want a user-safe explanation", what, msg)
	}
}

func testBookingRoundTrip(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	cet := time.FixedZone("CET", 3600)

	full := newBooking(slot(0).In(cet).Add(123 * time.Nanosecond))
	full.CreatedAt = t0
	full.QuizResult = store.NewID()
	// Limits count characters: 200 two-byte characters fit.
	full.Name = strings.Repeat("é", 200)
	full.Message = strings.Repeat("ü", 4999) + "\n"
	mustCreate(t, s, full, newMessage("confirmation"), newMessage("notice"))
	if !store.ValidID(full.ID) {
		t.Errorf("CreateBooking set ID %q, want a NewID id", full.ID)
	}
	if want := t0.UTC().Truncate(time.Microsecond); full.CreatedAt != want {
		t.Errorf("CreateBooking left CreatedAt = %v, want %v", full.CreatedAt, want)
	}
	if want := slot(0); full.Start != want || full.End != want.Add(30*time.Minute) {
		t.Errorf("CreateBooking left Start, End = %v, %v, want %v and 30 minutes later (UTC, microseconds)", full.Start, full.End, want)
	}
	if d := diffBooking(mustBooking(t, s, full.ID), full); d != "" {
		t.Error(d)
	}

	// The least a booking needs; an empty ID and zero CreatedAt are filled in.
	minimal := &store.Booking{Start: slot(1), End: slot(2), Name: "B", Email: "b@example.org"}
	before := time.Now().Add(-time.Second)
	mustCreate(t, s, minimal)
	if !store.ValidID(minimal.ID) || minimal.CreatedAt.Before(before) || minimal.CreatedAt.After(time.Now().Add(time.Second)) {
		t.Errorf("CreateBooking set ID %q and CreatedAt %v, want a NewID id and about now", minimal.ID, minimal.CreatedAt)
	}
	if d := diffBooking(mustBooking(t, s, minimal.ID), minimal); d != "" {
		t.Error(d)
	}

	msgs := mustOutbox(t, s, true)
	if len(msgs) != 2 {
		t.Fatalf("Outbox after CreateBooking: %d messages, want 2", len(msgs))
	}
	kinds := []string{msgs[0].Kind, msgs[1].Kind}
	slices.Sort(kinds)
	if !slices.Equal(kinds, []string{"confirmation", "notice"}) {
		t.Errorf("Outbox kinds %v, want confirmation and notice", kinds)
	}
	for _, m := range msgs {
		if m.ID == 0 || m.Booking != full.ID || m.To != "ada@example.com" || m.Attempts != 0 ||
			m.SentAt != nil || m.LastError != "" || m.CreatedAt.IsZero() || m.NextAttempt != m.CreatedAt ||
			!bytes.Equal(m.Payload, newMessage("").Payload) {
			t.Errorf("queued message %+v: want an ID, Booking %s, unsent, due when created, payload as queued", m, full.ID)
		}
	}
}

func testBookingNotFound(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	mustCreate(t, s, newBooking(slot(0)))
	called := false
	build := func(*store.Booking) ([]store.OutboxMessage, error) { called = true; return nil, nil }
	for _, id := range []string{store.NewID(), "", "not-an-id", "' OR 1=1 --"} {
		_, err := s.Booking(t.Context(), id)
		wantCode(t, fmt.Sprintf("Booking(%q)", id), err, store.ENOTFOUND)
		_, err = s.CancelBooking(t.Context(), id, t0, build)
		wantCode(t, fmt.Sprintf("CancelBooking(%q)", id), err, store.ENOTFOUND)
		_, err = s.RescheduleBooking(t.Context(), id, slot(4), slot(5), store.Guard{}, build)
		wantCode(t, fmt.Sprintf("RescheduleBooking(%q)", id), err, store.ENOTFOUND)
	}
	if called {
		t.Error("build was called for a booking that does not exist")
	}
}

func testBookingSlotTaken(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	first := mustCreate(t, s, newBooking(slot(0)), newMessage("confirmation"))

	// The same instant in another zone, for a different length: same slot.
	second := newBooking(slot(0).In(time.FixedZone("PDT", -7*3600)))
	second.End = second.Start.Add(time.Hour)
	second.Email = "grace@example.com"
	err := s.CreateBooking(t.Context(), second, []store.OutboxMessage{newMessage("confirmation")}, store.Guard{})
	wantCode(t, "second booking of a taken slot", err, store.ECONFLICT)
	if _, err := s.Booking(t.Context(), second.ID); store.ErrorCode(err) != store.ENOTFOUND {
		t.Errorf("the refused booking: Booking = %v, want ENOTFOUND", err)
	}
	if msgs := mustOutbox(t, s, true); len(msgs) != 1 || msgs[0].Booking != first.ID {
		t.Errorf("Outbox after the refused booking: %+v, want only the first booking's message", msgs)
	}

	// A reused id, in a free slot.
	dup := newBooking(slot(3))
	dup.ID = first.ID
	wantCode(t, "booking with a used id", s.CreateBooking(t.Context(), dup, nil, store.Guard{}), store.ECONFLICT)
	if d := diffBooking(mustBooking(t, s, first.ID), first); d != "" {
		t.Errorf("after the refused duplicate id: %s", d)
	}
	if got, err := s.Bookings(t.Context(), time.Time{}); err != nil || len(got) != 1 {
		t.Errorf("Bookings: %d, %v; want the first booking only", len(got), err)
	}
}

func testBookingCancelFreesSlot(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	first := mustCreate(t, s, newBooking(slot(0)))
	if _, err := s.CancelBooking(t.Context(), first.ID, t0, nil); err != nil {
		t.Fatalf("CancelBooking: %v", err)
	}
	second := mustCreate(t, s, newBooking(slot(0)))
	active, err := s.ActiveBookings(t.Context(), slot(0), slot(1))
	if err != nil {
		t.Fatal(err)
	}
	if len(active) != 1 || active[0].ID != second.ID {
		t.Errorf("ActiveBookings: %v, want only the new booking %s", ids(active), second.ID)
	}
	// Both are kept, and the slot is taken again.
	if all, err := s.Bookings(t.Context(), slot(0)); err != nil || len(all) != 2 {
		t.Errorf("Bookings: %v, %v; want the cancelled and the new booking", ids(all), err)
	}
	wantCode(t, "third booking of the slot", s.CreateBooking(t.Context(), newBooking(slot(0)), nil, store.Guard{}), store.ECONFLICT)
}

// testBookingConcurrentSameSlot races 100 bookings of one slot, through two
// stores (two function instances) at once: exactly one wins.
func testBookingConcurrentSameSlot(t *testing.T, open Opener) {
	stores := []store.Store{MustOpen(t, open), MustOpen(t, open)}
	const n = 100
	var (
		wg      sync.WaitGroup
		start   = make(chan struct{})
		results = make([]error, n)
		booked  = make([]*store.Booking, n)
	)
	for i := range n {
		wg.Go(func() {
			b := newBooking(slot(0))
			b.Email = fmt.Sprintf("prospect%d@example.com", i)
			m := newMessage("confirmation")
			m.To = b.Email
			<-start
			results[i] = stores[i%2].CreateBooking(t.Context(), b, []store.OutboxMessage{m}, store.Guard{})
			booked[i] = b
		})
	}
	close(start)
	wg.Wait()
	var winner *store.Booking
	conflicts := 0
	for i, err := range results {
		switch store.ErrorCode(err) {
		case "":
			if winner != nil {
				t.Errorf("bookings %s and %s both got the slot", winner.ID, booked[i].ID)
			}
			winner = booked[i]
		case store.ECONFLICT:
			conflicts++
		default:
			t.Errorf("booking %d: %v, want success or ECONFLICT", i, err)
		}
	}
	if winner == nil || conflicts != n-1 {
		t.Fatalf("%d concurrent bookings of one slot: winner %v, %d conflicts; want one winner and %d conflicts",
			n, winner != nil, conflicts, n-1)
	}
	all, err := stores[1].Bookings(t.Context(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0].ID != winner.ID {
		t.Errorf("Bookings: %v, want only the winner %s", ids(all), winner.ID)
	}
	// The losers' messages went with their bookings.
	if msgs := mustOutbox(t, stores[0], true); len(msgs) != 1 || msgs[0].Booking != winner.ID || msgs[0].To != winner.Email {
		t.Errorf("Outbox: %+v, want the winner's confirmation only", msgs)
	}
}

func testBookingCancel(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	b := mustCreate(t, s, newBooking(slot(0)), newMessage("confirmation"))
	at := t0.Add(time.Hour)

	var seen *store.Booking
	got, err := s.CancelBooking(t.Context(), b.ID, at, func(nb *store.Booking) ([]store.OutboxMessage, error) {
		seen = nb
		return []store.OutboxMessage{newMessage("cancellation"), newMessage("cancel-notice")}, nil
	})
	if err != nil {
		t.Fatalf("CancelBooking: %v", err)
	}
	want := *b
	want.Sequence = 1
	wantAt := at.UTC().Truncate(time.Microsecond)
	want.CancelledAt = &wantAt
	wantChanged(t, s, "CancelBooking", seen, got, &want)
	if msgs := mustOutbox(t, s, true); len(msgs) != 3 || kindCount(msgs, "cancellation", b.ID) != 1 || kindCount(msgs, "cancel-notice", b.ID) != 1 {
		t.Errorf("Outbox after cancel: %+v, want the confirmation, a cancellation and a cancel-notice", msgs)
	}

	// A second cancellation is refused, without calling build.
	called := false
	_, err = s.CancelBooking(t.Context(), b.ID, at.Add(time.Hour), func(*store.Booking) ([]store.OutboxMessage, error) {
		called = true
		return nil, nil
	})
	wantCode(t, "second CancelBooking", err, store.ECONFLICT)
	if called {
		t.Error("build was called for an already cancelled booking")
	}
	if d := diffBooking(mustBooking(t, s, b.ID), &want); d != "" {
		t.Errorf("after the second cancel: %s", d)
	}

	_, err = s.CancelBooking(t.Context(), b.ID, time.Time{}, nil)
	wantCode(t, "CancelBooking at the zero time", err, store.EINVALID)
}

// testBookingChangeRollback checks that cancel and reschedule change nothing
// when build fails, when it returns a message the Go checks refuse, or one
// the database refuses after the booking row was updated.
func testBookingChangeRollback(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	b := mustCreate(t, s, newBooking(slot(0)), newMessage("confirmation"))
	boom := errors.New("boom")
	for _, tc := range []struct {
		name  string
		build func(*store.Booking) ([]store.OutboxMessage, error)
		want  func(err error) bool
	}{
		{"build fails", func(*store.Booking) ([]store.OutboxMessage, error) { return nil, boom },
			func(err error) bool { return errors.Is(err, boom) }},
		{"invalid message", func(*store.Booking) ([]store.OutboxMessage, error) {
			m := newMessage("cancellation")
			m.To = "ada@example.com\r\nBcc: everyone@example.com"
			return []store.OutboxMessage{newMessage("cancel-notice"), m}, nil
		}, func(err error) bool { return store.ErrorCode(err) == store.EINVALID }},
		{"message about a missing booking", func(*store.Booking) ([]store.OutboxMessage, error) {
			m := newMessage("cancellation")
			m.Booking = store.NewID() // the foreign key refuses it
			return []store.OutboxMessage{newMessage("cancel-notice"), m}, nil
		}, func(err error) bool { return store.ErrorCode(err) == store.EINVALID }},
	} {
		_, err := s.CancelBooking(t.Context(), b.ID, t0, tc.build)
		if !tc.want(err) {
			t.Errorf("CancelBooking, %s: got %v (code %s)", tc.name, err, store.ErrorCode(err))
		}
		_, err = s.RescheduleBooking(t.Context(), b.ID, slot(4), slot(5), store.Guard{}, tc.build)
		if !tc.want(err) {
			t.Errorf("RescheduleBooking, %s: got %v (code %s)", tc.name, err, store.ErrorCode(err))
		}
		if d := diffBooking(mustBooking(t, s, b.ID), b); d != "" {
			t.Errorf("after %s: %s", tc.name, d)
		}
		if msgs := mustOutbox(t, s, true); len(msgs) != 1 || msgs[0].Kind != "confirmation" {
			t.Errorf("Outbox after %s: %+v, want the confirmation only", tc.name, msgs)
		}
	}
	// The slot the failed reschedules tried is still free.
	mustCreate(t, s, newBooking(slot(4)))
}

func testBookingReschedule(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	a := mustCreate(t, s, newBooking(slot(0)))
	other := mustCreate(t, s, newBooking(slot(1)))

	var seen *store.Booking
	got, err := s.RescheduleBooking(t.Context(), a.ID, slot(4).In(time.FixedZone("X", 5400)), slot(6), store.Guard{}, func(nb *store.Booking) ([]store.OutboxMessage, error) {
		seen = nb
		return []store.OutboxMessage{newMessage("reschedule")}, nil
	})
	if err != nil {
		t.Fatalf("RescheduleBooking: %v", err)
	}
	want := *a
	want.Start, want.End, want.Sequence = slot(4), slot(6), 1
	wantChanged(t, s, "RescheduleBooking", seen, got, &want)
	if msgs := mustOutbox(t, s, false); len(msgs) != 1 || kindCount(msgs, "reschedule", a.ID) != 1 {
		t.Errorf("Outbox after reschedule: %+v, want one reschedule message", msgs)
	}

	// Onto a taken slot: refused, and the booking stays where it was.
	_, err = s.RescheduleBooking(t.Context(), a.ID, other.Start, other.End, store.Guard{}, func(*store.Booking) ([]store.OutboxMessage, error) {
		return []store.OutboxMessage{newMessage("reschedule")}, nil
	})
	wantCode(t, "RescheduleBooking onto a taken slot", err, store.ECONFLICT)
	if d := diffBooking(mustBooking(t, s, a.ID), &want); d != "" {
		t.Errorf("after the refused reschedule: %s", d)
	}
	if msgs := mustOutbox(t, s, false); len(msgs) != 1 {
		t.Errorf("Outbox after the refused reschedule: %d messages, want 1", len(msgs))
	}

	// The old slot is free again.
	mustCreate(t, s, newBooking(slot(0)))

	// A slot held only by a cancelled booking is free.
	if _, err := s.CancelBooking(t.Context(), other.ID, t0, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := s.RescheduleBooking(t.Context(), a.ID, other.Start, other.End, store.Guard{}, nil); err != nil {
		t.Errorf("RescheduleBooking onto a cancelled booking's slot: %v", err)
	} else if got.Sequence != 2 || got.Start != other.Start {
		t.Errorf("after the second reschedule: Sequence %d Start %v, want 2 and %v", got.Sequence, got.Start, other.Start)
	}

	// A cancelled booking cannot move.
	_, err = s.RescheduleBooking(t.Context(), other.ID, slot(10), slot(11), store.Guard{}, nil)
	wantCode(t, "RescheduleBooking of a cancelled booking", err, store.ECONFLICT)
	if got := mustBooking(t, s, other.ID); got.Start != slot(1) || got.Sequence != 1 {
		t.Errorf("cancelled booking after the refused reschedule: Start %v Sequence %d, want %v and 1", got.Start, got.Sequence, slot(1))
	}

	for _, tc := range []struct {
		name       string
		start, end time.Time
	}{
		{"end before start", slot(9), slot(8)},
		{"empty", slot(9), slot(9)},
		{"zero start", time.Time{}, slot(9)},
	} {
		_, err := s.RescheduleBooking(t.Context(), a.ID, tc.start, tc.end, store.Guard{}, nil)
		wantCode(t, "RescheduleBooking "+tc.name, err, store.EINVALID)
	}
}

func testActiveBookings(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	at := func(h, m int) time.Time { return time.Date(2026, 6, 1, h, m, 0, 0, time.UTC) }
	mk := func(start, end time.Time) *store.Booking {
		b := newBooking(start)
		b.End = end
		return mustCreate(t, s, b)
	}
	// Created out of order.
	b1000 := mk(at(10, 0), at(11, 0))
	b0900 := mk(at(9, 0), at(9, 30))
	b1200 := mk(at(12, 0), at(12, 30))
	b0930 := mk(at(9, 30), at(10, 0))
	cancelled := mk(at(11, 0), at(11, 30))
	if _, err := s.CancelBooking(t.Context(), cancelled.ID, t0, nil); err != nil {
		t.Fatal(err)
	}
	chicago := time.FixedZone("CDT", -5*3600)
	for _, tc := range []struct {
		name     string
		from, to time.Time
		want     []*store.Booking
	}{
		{"all", at(0, 0), at(23, 0), []*store.Booking{b0900, b0930, b1000, b1200}},
		{"ends at from and starts at to are outside", at(9, 30), at(10, 0), []*store.Booking{b0930}},
		{"partial overlaps", at(9, 45), at(10, 15), []*store.Booking{b0930, b1000}},
		{"inside one booking", at(9, 10), at(9, 20), []*store.Booking{b0900}},
		{"cancelled is free", at(11, 0), at(12, 0), nil},
		{"other zone", at(9, 45).In(chicago), at(12, 1).In(chicago), []*store.Booking{b0930, b1000, b1200}},
		{"empty range", at(9, 10), at(9, 10), nil},
	} {
		got, err := s.ActiveBookings(t.Context(), tc.from, tc.to)
		if err != nil {
			t.Errorf("ActiveBookings %s: %v", tc.name, err)
			continue
		}
		if !slices.Equal(ids(got), ids(deref(tc.want))) {
			t.Errorf("ActiveBookings %s [%v, %v): got %v, want %v", tc.name, tc.from, tc.to, ids(got), ids(deref(tc.want)))
			continue
		}
		for i := range got {
			if d := diffBooking(&got[i], tc.want[i]); d != "" {
				t.Errorf("ActiveBookings %s: %s", tc.name, d)
			}
		}
	}
	_, err := s.ActiveBookings(t.Context(), at(10, 0), at(9, 0))
	wantCode(t, "ActiveBookings with to before from", err, store.EINVALID)
}

func testBookingsSince(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	var made []*store.Booking
	for _, i := range []int{5, 1, 3, 0, 4} {
		made = append(made, mustCreate(t, s, newBooking(slot(i))))
	}
	if _, err := s.CancelBooking(t.Context(), made[2].ID, t0, nil); err != nil { // slot 3
		t.Fatal(err)
	}
	// Rebook the cancelled slot: both bookings start at slot 3.
	rebooked := mustCreate(t, s, newBooking(slot(3)))
	for _, tc := range []struct {
		since time.Time
		want  int
	}{
		{time.Time{}, 6},
		{slot(1), 5},
		{slot(1).Add(time.Microsecond), 4},
		{slot(3), 4},
		{slot(6), 0},
	} {
		got, err := s.Bookings(t.Context(), tc.since)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != tc.want {
			t.Errorf("Bookings(%v): %d, want %d", tc.since, len(got), tc.want)
		}
		for i := 1; i < len(got); i++ {
			a, b := got[i-1], got[i]
			if a.Start.After(b.Start) || (a.Start.Equal(b.Start) && a.ID > b.ID) {
				t.Errorf("Bookings(%v): %v at %v before %v at %v, want by start, then id", tc.since, a.ID, a.Start, b.ID, b.Start)
			}
		}
	}
	all, err := s.Bookings(t.Context(), slot(3))
	if err != nil {
		t.Fatal(err)
	}
	cancelledSeen, rebookedSeen := false, false
	for _, b := range all {
		cancelledSeen = cancelledSeen || (b.ID == made[2].ID && b.CancelledAt != nil)
		rebookedSeen = rebookedSeen || (b.ID == rebooked.ID && b.CancelledAt == nil)
	}
	if !cancelledSeen || !rebookedSeen {
		t.Errorf("Bookings(slot 3): %v, want both the cancelled booking and its replacement", ids(all))
	}
}

func testBookingInvalid(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	at := t0
	for _, tc := range []struct {
		name   string
		change func(b *store.Booking)
		msg    func(m *store.OutboxMessage)
	}{
		{name: "guessable id", change: func(b *store.Booking) { b.ID = "1" }},
		{name: "zero start", change: func(b *store.Booking) { b.Start = time.Time{} }},
		{name: "ends at its start", change: func(b *store.Booking) { b.End = b.Start }},
		{name: "ends before its start", change: func(b *store.Booking) { b.End = b.Start.Add(-time.Minute) }},
		{name: "no name", change: func(b *store.Booking) { b.Name = "" }},
		{name: "blank name", change: func(b *store.Booking) { b.Name = "  " }},
		{name: "name too long", change: func(b *store.Booking) { b.Name = strings.Repeat("é", 201) }},
		{name: "name with a line break", change: func(b *store.Booking) { b.Name = "Ada\r\nBcc: x@example.com" }},
		{name: "name not UTF-8", change: func(b *store.Booking) { b.Name = "Ad\xff" }},
		{name: "no email", change: func(b *store.Booking) { b.Email = "" }},
		{name: "email with CRLF", change: func(b *store.Booking) { b.Email = "ada@example.com\r\nBcc: x@example.com" }},
		{name: "email with LF", change: func(b *store.Booking) { b.Email = "ada@example.com\n" }},
		{name: "email too long", change: func(b *store.Booking) { b.Email = strings.Repeat("a", 243) + "@example.com" }},
		{name: "not an email", change: func(b *store.Booking) { b.Email = "ada" }},
		{name: "company too long", change: func(b *store.Booking) { b.Company = strings.Repeat("c", 201) }},
		{name: "role too long", change: func(b *store.Booking) { b.Role = strings.Repeat("r", 201) }},
		{name: "company size too long", change: func(b *store.Booking) { b.CompanySize = strings.Repeat("1", 201) }},
		{name: "message too long", change: func(b *store.Booking) { b.Message = strings.Repeat("m", 5001) }},
		{name: "message with NUL", change: func(b *store.Booking) { b.Message = "a\x00b" }},
		{name: "too many challenges", change: func(b *store.Booking) { b.Challenges = slices.Repeat([]string{"x"}, 21) }},
		{name: "challenge too long", change: func(b *store.Booking) { b.Challenges = []string{strings.Repeat("x", 201)} }},
		{name: "empty challenge", change: func(b *store.Booking) { b.Challenges = []string{""} }},
		{name: "quiz result not an id", change: func(b *store.Booking) { b.QuizResult = "42" }},
		{name: "ip hash too long", change: func(b *store.Booking) { b.IPHash = strings.Repeat("f", 129) }},
		{name: "unknown time zone", change: func(b *store.Booking) { b.TimeZone = "Mars/Olympus_Mons" }},
		{name: "time zone Local", change: func(b *store.Booking) { b.TimeZone = "Local" }},
		{name: "time zone too long", change: func(b *store.Booking) { b.TimeZone = "Europe/" + strings.Repeat("x", 60) }},
		{name: "already cancelled", change: func(b *store.Booking) { b.CancelledAt = &at }},
		{name: "negative sequence", change: func(b *store.Booking) { b.Sequence = -1 }},
		{name: "message without kind", msg: func(m *store.OutboxMessage) { m.Kind = "" }},
		{name: "message kind with spaces", msg: func(m *store.OutboxMessage) { m.Kind = "a b" }},
		{name: "message to a bad address", msg: func(m *store.OutboxMessage) { m.To = "ada@example.com\nBcc: x@example.com" }},
		{name: "message without payload", msg: func(m *store.OutboxMessage) { m.Payload = nil }},
		{name: "message payload too large", msg: func(m *store.OutboxMessage) { m.Payload = make([]byte, 1<<20+1) }},
		{name: "message booking not an id", msg: func(m *store.OutboxMessage) { m.Booking = "x" }},
	} {
		b := newBooking(slot(0))
		m := newMessage("confirmation")
		if tc.change != nil {
			tc.change(b)
		}
		if tc.msg != nil {
			tc.msg(&m)
		}
		err := s.CreateBooking(t.Context(), b, []store.OutboxMessage{newMessage("notice"), m}, store.Guard{})
		wantCode(t, "CreateBooking "+tc.name, err, store.EINVALID)
		if tc.msg != nil {
			err := s.QueueMessages(t.Context(), []store.OutboxMessage{m})
			wantCode(t, "QueueMessages "+tc.name, err, store.EINVALID)
		}
	}
	if got, err := s.Bookings(t.Context(), time.Time{}); err != nil || len(got) != 0 {
		t.Errorf("after invalid bookings: Bookings = %v, %v; want none", ids(got), err)
	}
	if msgs := mustOutbox(t, s, true); len(msgs) != 0 {
		t.Errorf("after invalid bookings: Outbox = %+v, want empty", msgs)
	}
}

// testBookingAtomic checks that a booking and its messages are one
// transaction: a message the database refuses (its foreign key names no
// booking) takes the booking with it, and the slot stays free.
func testBookingAtomic(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	b := newBooking(slot(0))
	bad := newMessage("notice")
	bad.Booking = store.NewID()
	err := s.CreateBooking(t.Context(), b, []store.OutboxMessage{newMessage("confirmation"), bad}, store.Guard{})
	wantCode(t, "CreateBooking with a message about a missing booking", err, store.EINVALID)
	if _, err := s.Booking(t.Context(), b.ID); store.ErrorCode(err) != store.ENOTFOUND {
		t.Errorf("Booking after the failed create: %v, want ENOTFOUND", err)
	}
	if msgs := mustOutbox(t, s, true); len(msgs) != 0 {
		t.Errorf("Outbox after the failed create: %+v, want empty", msgs)
	}
	mustCreate(t, s, newBooking(slot(0)), newMessage("confirmation"))

	// QueueMessages is all or nothing too.
	err = s.QueueMessages(t.Context(), []store.OutboxMessage{newMessage("quiz-result"), bad})
	wantCode(t, "QueueMessages with a message about a missing booking", err, store.EINVALID)
	if msgs := mustOutbox(t, s, true); len(msgs) != 1 {
		t.Errorf("Outbox after the failed QueueMessages: %d messages, want 1", len(msgs))
	}
}

func testHit(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	base := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	hit := func(key string, window time.Duration, max int, now time.Time, want bool) {
		t.Helper()
		got, err := s.Hit(t.Context(), key, window, max, now)
		if err != nil {
			t.Fatalf("Hit(%q, %v, %d, %v): %v", key, window, max, now, err)
		}
		if got != want {
			t.Errorf("Hit(%q, %v, %d, %v) = %v, want %v", key, window, max, now, got, want)
		}
	}
	// Three an hour: the window slides, so the fourth passes only an hour
	// after the first, not at the top of the next hour.
	hit("ip:a", time.Hour, 3, base.Add(50*time.Minute), true)
	hit("ip:a", time.Hour, 3, base.Add(55*time.Minute), true)
	hit("ip:a", time.Hour, 3, base.Add(59*time.Minute).In(time.FixedZone("X", 3600)), true)
	hit("ip:a", time.Hour, 3, base.Add(61*time.Minute), false) // a fixed window would have started over at 11:00
	hit("ip:a", time.Hour, 3, base.Add(109*time.Minute), false)
	hit("ip:b", time.Hour, 3, base.Add(61*time.Minute), true)  // another key
	hit("ip:a", time.Hour, 3, base.Add(110*time.Minute), true) // the 10:50 hit has left the window
	hit("ip:a", time.Hour, 3, base.Add(111*time.Minute), false)
	hit("ip:a", 24*time.Hour, 10, base.Add(111*time.Minute), true) // another window counts every hit under the key

	for _, tc := range []struct {
		key    string
		window time.Duration
		max    int
	}{
		{"", time.Minute, 1},
		{strings.Repeat("k", 201), time.Minute, 1},
		{"ip:a", 0, 1},
		{"ip:a", -time.Minute, 1},
		{"ip:a", time.Minute, 0},
	} {
		_, err := s.Hit(t.Context(), tc.key, tc.window, tc.max, base)
		wantCode(t, fmt.Sprintf("Hit(%.10q, %v, %d)", tc.key, tc.window, tc.max), err, store.EINVALID)
	}
}

// testHitConcurrent: n hits at once, from two stores (two instances), under
// one key with a limit of 10: exactly 10 pass.
func testHitConcurrent(t *testing.T, open Opener) {
	stores := []store.Store{MustOpen(t, open), MustOpen(t, open)}
	now := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	const n, max = 50, 10
	passed := make([]bool, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { passed[i], errs[i] = stores[i%2].Hit(t.Context(), "form:book", time.Hour, max, now) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("hit %d: %v", i, err)
		}
	}
	if got := len(slices.DeleteFunc(passed, func(p bool) bool { return !p })); got != max {
		t.Errorf("%d concurrent hits with a limit of %d: %d passed", n, max, got)
	}
}

func testOutbox(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	now := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	b := mustCreate(t, s, newBooking(slot(0)))
	msg := func(kind string, due time.Duration) store.OutboxMessage {
		m := newMessage(kind)
		m.CreatedAt = now.Add(-time.Hour)
		m.NextAttempt = now.Add(due)
		return m
	}
	binary := msg("quiz-result", 0)
	binary.Payload = []byte{0, 1, 2, 0xff, 0xfe, 0}
	binary.Booking = b.ID
	// Ignored: a queued message is new.
	binary.ID, binary.Attempts, binary.LastError, binary.SentAt = 99, 7, "old", &now
	if err := s.QueueMessages(t.Context(), []store.OutboxMessage{binary, msg("notice", 10*time.Minute), msg("quiz-result", -5*time.Minute)}); err != nil {
		t.Fatalf("QueueMessages: %v", err)
	}
	if err := s.QueueMessages(t.Context(), nil); err != nil {
		t.Errorf("QueueMessages(nil): %v", err)
	}
	queued := mustOutbox(t, s, false)
	if len(queued) != 3 {
		t.Fatalf("Outbox: %d messages, want 3", len(queued))
	}
	// Unsent, by when due: the overdue one, the binary one, the later one.
	early, bin, later := queued[0], queued[1], queued[2]
	if !early.NextAttempt.Equal(now.Add(-5*time.Minute)) || !bin.NextAttempt.Equal(now) || !later.NextAttempt.Equal(now.Add(10*time.Minute)) {
		t.Fatalf("Outbox order: due %v, %v, %v; want by next attempt", early.NextAttempt, bin.NextAttempt, later.NextAttempt)
	}
	if !bytes.Equal(bin.Payload, binary.Payload) || bin.Booking != b.ID || bin.ID == 99 || bin.Attempts != 0 ||
		bin.LastError != "" || bin.SentAt != nil || !bin.CreatedAt.Equal(now.Add(-time.Hour)) {
		t.Errorf("queued message read back as %+v", bin)
	}
	if early.Booking != "" {
		t.Errorf("message queued without a booking has Booking %q", early.Booking)
	}

	claim := func(at time.Time, lease time.Duration, limit int, want ...store.OutboxMessage) []store.OutboxMessage {
		t.Helper()
		got, err := s.ClaimMessages(t.Context(), at, lease, limit)
		if err != nil {
			t.Fatalf("ClaimMessages(%v): %v", at, err)
		}
		var gotIDs, wantIDs []int64
		for _, m := range got {
			gotIDs = append(gotIDs, m.ID)
		}
		for _, m := range want {
			wantIDs = append(wantIDs, m.ID)
		}
		if !slices.Equal(gotIDs, wantIDs) {
			t.Errorf("ClaimMessages(now %v, limit %d): got ids %v, want %v", at.Sub(now), limit, gotIDs, wantIDs)
		}
		return got
	}
	claim(now, time.Minute, 1, early)                        // limit, and the most overdue first
	claim(now, time.Minute, 10, bin)                         // early is leased; later is not due
	claim(now.Add(30*time.Second), time.Minute, 10)          // both leased
	claim(now.Add(time.Minute), time.Minute, 10, early, bin) // the leases ran out

	if err := s.MarkFailed(t.Context(), early.ID, "451 try again later", now.Add(time.Hour)); err != nil {
		t.Fatalf("MarkFailed: %v", err)
	}
	if err := s.MarkSent(t.Context(), bin.ID, now.Add(2*time.Minute)); err != nil {
		t.Fatalf("MarkSent: %v", err)
	}
	// early waits for its next attempt, bin is sent, later is due.
	claim(now.Add(11*time.Minute), time.Minute, 10, later)
	claim(now.Add(time.Hour), time.Minute, 10, later, early) // later's lease ran out; early is due

	unsent := mustOutbox(t, s, false)
	all := mustOutbox(t, s, true)
	if len(unsent) != 2 || unsent[0].ID != later.ID || unsent[1].ID != early.ID {
		t.Errorf("Outbox(false): %+v, want later (due at +10m) then early (due at +1h)", unsent)
	}
	if len(all) != 3 || all[2].ID != bin.ID {
		t.Fatalf("Outbox(true): %+v, want the unsent two then the sent one", all)
	}
	if m := unsent[1]; m.Attempts != 1 || m.LastError != "451 try again later" || !m.NextAttempt.Equal(now.Add(time.Hour)) || m.SentAt != nil {
		t.Errorf("after MarkFailed: %+v", m)
	}
	if m := all[2]; m.Attempts != 1 || m.SentAt == nil || !m.SentAt.Equal(now.Add(2*time.Minute)) {
		t.Errorf("after MarkSent: %+v", m)
	}

	// A late report about a sent message changes nothing.
	wantCode(t, "MarkSent twice", s.MarkSent(t.Context(), bin.ID, now.Add(time.Hour)), store.ECONFLICT)
	wantCode(t, "MarkFailed after MarkSent", s.MarkFailed(t.Context(), bin.ID, "x", now.Add(time.Hour)), store.ECONFLICT)
	if m := mustOutbox(t, s, true)[2]; m.Attempts != 1 || !m.SentAt.Equal(now.Add(2*time.Minute)) || m.LastError != "" {
		t.Errorf("sent message after late reports: %+v", m)
	}
	wantCode(t, "MarkSent of a missing message", s.MarkSent(t.Context(), 1<<40, now), store.ENOTFOUND)
	wantCode(t, "MarkFailed of a missing message", s.MarkFailed(t.Context(), 1<<40, "x", now), store.ENOTFOUND)

	// Any failure reason can be stored.
	reason := "bad \xff bytes \x00 and " + strings.Repeat("ü", 2000)
	if err := s.MarkFailed(t.Context(), later.ID, reason, now.Add(time.Hour)); err != nil {
		t.Fatalf("MarkFailed with a long, broken reason: %v", err)
	}
	for _, m := range mustOutbox(t, s, false) {
		if m.ID == later.ID && (!strings.HasPrefix(m.LastError, "bad \uFFFD bytes  and ü") || len([]rune(m.LastError)) > 1000) {
			t.Errorf("stored reason %.40q... (%d characters), want it cleaned and cut", m.LastError, len([]rune(m.LastError)))
		}
	}

	for _, tc := range []struct {
		name  string
		lease time.Duration
		limit int
	}{{"zero lease", 0, 1}, {"zero limit", time.Minute, 0}, {"negative limit", time.Minute, -1}} {
		_, err := s.ClaimMessages(t.Context(), now, tc.lease, tc.limit)
		wantCode(t, "ClaimMessages "+tc.name, err, store.EINVALID)
	}
}

// testClaimConcurrent drains one outbox with several claimers on two stores
// at once: every message is claimed exactly once.
func testClaimConcurrent(t *testing.T, open Opener) {
	stores := []store.Store{MustOpen(t, open), MustOpen(t, open)}
	now := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	const n, claimers, limit = 60, 6, 4
	msgs := make([]store.OutboxMessage, n)
	for i := range msgs {
		msgs[i] = newMessage("quiz-result")
		msgs[i].NextAttempt = now.Add(-time.Duration(i) * time.Second)
	}
	if err := stores[0].QueueMessages(t.Context(), msgs); err != nil {
		t.Fatal(err)
	}
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		claimed = map[int64]int{}
	)
	for c := range claimers {
		wg.Go(func() {
			for {
				got, err := stores[c%2].ClaimMessages(t.Context(), now, time.Hour, limit)
				if err != nil {
					t.Errorf("claimer %d: %v", c, err)
					return
				}
				if len(got) > limit {
					t.Errorf("claimer %d: got %d messages, limit %d", c, len(got), limit)
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, m := range got {
					claimed[m.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(claimed) != n {
		t.Errorf("%d claimers claimed %d distinct messages, want %d", claimers, len(claimed), n)
	}
	for id, k := range claimed {
		if k != 1 {
			t.Errorf("message %d claimed %d times", id, k)
		}
	}
}

func testBookingClosed(t *testing.T, open Opener) {
	s, err := open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	now := time.Now()
	for name, err := range map[string]error{
		"CreateBooking": s.CreateBooking(t.Context(), newBooking(slot(0)), nil, store.Guard{}),
		"Booking":       second(s.Booking(t.Context(), store.NewID())),
		"CancelBooking": second(s.CancelBooking(t.Context(), store.NewID(), now, nil)),
		"Reschedule":    second(s.RescheduleBooking(t.Context(), store.NewID(), slot(0), slot(1), store.Guard{}, nil)),
		"Active":        second(s.ActiveBookings(t.Context(), slot(0), slot(1))),
		"Bookings":      second(s.Bookings(t.Context(), slot(0))),
		"Hit":           second(s.Hit(t.Context(), "k", time.Minute, 1, now)),
		"QueueMessages": s.QueueMessages(t.Context(), []store.OutboxMessage{newMessage("notice")}),
		"ClaimMessages": second(s.ClaimMessages(t.Context(), now, time.Minute, 1)),
		"MarkSent":      s.MarkSent(t.Context(), 1, now),
		"MarkFailed":    s.MarkFailed(t.Context(), 1, "x", now),
		"Outbox":        second(s.Outbox(t.Context(), true)),
	} {
		if code := store.ErrorCode(err); code != store.EUNAVAILABLE {
			t.Errorf("%s after Close: got code %q (%v), want %s", name, code, err, store.EUNAVAILABLE)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func ids(bs []store.Booking) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.ID)
	}
	return out
}

func deref(bs []*store.Booking) []store.Booking {
	var out []store.Booking
	for _, b := range bs {
		out = append(out, *b)
	}
	return out
}

func kindCount(msgs []store.OutboxMessage, kind, booking string) int {
	n := 0
	for _, m := range msgs {
		if m.Kind == kind && m.Booking == booking {
			n++
		}
	}
	return n
}

// wantChanged checks a change made by call (CancelBooking or
// RescheduleBooking): its build callback saw the booking want, the call
// returned it, and the store holds it.
func wantChanged(t *testing.T, s store.Store, call string, seen, got, want *store.Booking) {
	t.Helper()
	if seen == nil {
		t.Fatal("build was not called")
	}
	if d := diffBooking(seen, want); d != "" {
		t.Errorf("build got: %s", d)
	}
	if d := diffBooking(got, want); d != "" {
		t.Errorf("%s returned: %s", call, d)
	}
	if d := diffBooking(mustBooking(t, s, want.ID), want); d != "" {
		t.Errorf("Booking after %s: %s", call, d)
	}
}

// diffBooking describes how got differs from want, or returns "". Times
// must be equal and in UTC; nil and empty Challenges are equal.
func diffBooking(got, want *store.Booking) string {
	var d string
	add := func(field string, g, w any) { d += fmt.Sprintf("\n\t%s: got %v, want %v", field, g, w) }
	sameTime := func(field string, g, w time.Time) {
		if !g.Equal(w) || g.Location() != time.UTC {
			add(field, g, w)
		}
	}
	if got.ID != want.ID {
		add("ID", got.ID, want.ID)
	}
	sameTime("CreatedAt", got.CreatedAt, want.CreatedAt)
	sameTime("Start", got.Start, want.Start)
	sameTime("End", got.End, want.End)
	for _, f := range []struct{ name, g, w string }{
		{"Name", got.Name, want.Name},
		{"Email", got.Email, want.Email},
		{"Company", got.Company, want.Company},
		{"Role", got.Role, want.Role},
		{"CompanySize", got.CompanySize, want.CompanySize},
		{"Message", got.Message, want.Message},
		{"QuizResult", got.QuizResult, want.QuizResult},
		{"IPHash", got.IPHash, want.IPHash},
		{"TimeZone", got.TimeZone, want.TimeZone},
	} {
		if f.g != f.w {
			add(f.name, fmt.Sprintf("%.60q", f.g), fmt.Sprintf("%.60q", f.w))
		}
	}
	if !slices.Equal(got.Challenges, want.Challenges) {
		add("Challenges", got.Challenges, want.Challenges)
	}
	if got.Sequence != want.Sequence {
		add("Sequence", got.Sequence, want.Sequence)
	}
	switch {
	case (got.CancelledAt == nil) != (want.CancelledAt == nil):
		add("CancelledAt", got.CancelledAt, want.CancelledAt)
	case got.CancelledAt != nil:
		sameTime("CancelledAt", *got.CancelledAt, *want.CancelledAt)
	}
	if d != "" {
		d = "booking " + want.ID + " differs:" + d
	}
	return d
}
