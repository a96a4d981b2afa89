package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cassidine/site/internal/store"
)

// day is a reminder a day before; hour one an hour before.
const (
	day  = 24 * time.Hour
	hour = time.Hour
)

// dueKeys writes reminders as "id@seq-before", for comparisons.
func dueKeys(rs []store.Reminder) []string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%s@%d-%v", r.Booking, r.Sequence, r.Before))
	}
	return out
}

func dueKey(b *store.Booking, before time.Duration) string {
	return fmt.Sprintf("%s@%d-%v", b.ID, b.Sequence, before)
}

func mustDue(t *testing.T, s store.Store, now, by time.Time, befores ...time.Duration) []store.Reminder {
	t.Helper()
	rs, err := s.DueReminders(t.Context(), now, by, befores)
	if err != nil {
		t.Fatalf("DueReminders(%v, %v, %v): %v", now, by, befores, err)
	}
	return rs
}

func wantDue(t *testing.T, what string, got []store.Reminder, want ...string) {
	t.Helper()
	if g := dueKeys(got); !slices.Equal(g, want) {
		t.Errorf("%s: due %q, want %q", what, g, want)
	}
}

// reminderMessage is a reminder's email as QueueReminder's build returns it.
func reminderMessage(b *store.Booking) (store.OutboxMessage, error) {
	m := newMessage("reminder")
	m.To = b.Email
	return m, nil
}

func mustQueue(t *testing.T, s store.Store, r store.Reminder, now time.Time) bool {
	t.Helper()
	ok, err := s.QueueReminder(t.Context(), r, now, reminderMessage)
	if err != nil {
		t.Fatalf("QueueReminder(%+v): %v", r, err)
	}
	return ok
}

// testReminders: which reminders are due, and that each is queued once,
// with its email, in QueueReminder's transaction; not for a cancelled or
// started session; after a move, the new time's and not the old's.
func testReminders(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	created := slot0.Add(-5 * day) // every booking is made five days ahead
	mk := func(start time.Time, email string) *store.Booking {
		b := newBooking(start)
		b.CreatedAt, b.Email = created, email
		return mustCreate(t, s, b, newMessage("confirmation"))
	}
	a := mk(slot(0), "a@example.com")            // 14:00
	b := mk(slot(0).Add(3*day), "b@example.com") // three days later
	c := mk(slot(4), "c@example.com")            // 16:00, cancelled below
	if _, err := s.CancelBooking(t.Context(), c.ID, created.Add(hour), nil); err != nil {
		t.Fatal(err)
	}

	// Two days ahead: nothing is due.
	now := slot0.Add(-2 * day)
	wantDue(t, "two days ahead", mustDue(t, s, now, now.Add(30*time.Minute), day, hour))
	// A day ahead, the day's reminder of a, not c (cancelled), not b.
	now = slot0.Add(-day)
	due := mustDue(t, s, now, now, day, hour)
	wantDue(t, "a day ahead", due, dueKey(a, day))
	if !due[0].Start.Equal(a.Start) {
		t.Errorf("due reminder's Start %v, want the booking's %v", due[0].Start, a.Start)
	}
	// By half an hour later than the reminder's time: the window's lead.
	wantDue(t, "half an hour before a day ahead", mustDue(t, s, now.Add(-30*time.Minute), now, day, hour), dueKey(a, day))
	wantDue(t, "a minute too early", mustDue(t, s, now.Add(-time.Hour), now.Add(-time.Minute), day, hour))

	// Queued once: the second call (or instance) records nothing.
	if !mustQueue(t, s, due[0], now) {
		t.Fatal("QueueReminder: got false for a due reminder, want true")
	}
	if mustQueue(t, s, due[0], now.Add(time.Minute)) {
		t.Error("QueueReminder again: got true, want false (queued once)")
	}
	wantDue(t, "after queueing", mustDue(t, s, now, now, day, hour))
	if n := kindCount(mustOutbox(t, s, true), "reminder", a.ID); n != 1 {
		t.Errorf("reminder emails of a: %d, want 1", n)
	}
	sent, err := s.RemindersOf(t.Context(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != 1 || sent[0].Sequence != 0 || sent[0].Before != day || sent[0].Message == 0 || !sent[0].QueuedAt.Equal(now) {
		t.Errorf("RemindersOf(a): %+v, want the day's reminder at sequence 0, queued at %v with its message", sent, now)
	}

	// An hour ahead: the hour's reminder; the day's stays queued once.
	now = slot0.Add(-hour)
	wantDue(t, "an hour ahead", mustDue(t, s, now, now, day, hour), dueKey(a, hour))
	// Once the session has started, nothing, and QueueReminder refuses.
	now = slot0
	wantDue(t, "at the start", mustDue(t, s, now, now, day, hour))
	if mustQueue(t, s, store.Reminder{Booking: a.ID, Sequence: 0, Before: hour}, now) {
		t.Error("QueueReminder at the start: got true, want false (the session has started)")
	}
	if mustQueue(t, s, store.Reminder{Booking: c.ID, Sequence: 1, Before: day}, slot0.Add(-day)) {
		t.Error("QueueReminder for a cancelled booking: got true, want false")
	}

	// b is moved, two days before its time, to a day later: the old time's
	// reminder is not due, and one recorded for the old sequence does not
	// stop the new one.
	now = b.Start.Add(-day)
	wantDue(t, "b, before the move", mustDue(t, s, now, now, day), dueKey(b, day))
	old := store.Reminder{Booking: b.ID, Sequence: 0, Before: day}
	moved, err := s.RescheduleBooking(t.Context(), b.ID, b.Start.Add(day), b.End.Add(day), store.Guard{Now: b.Start.Add(-2 * day)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantDue(t, "the old time's reminder, after the move", mustDue(t, s, now, now, day))
	if mustQueue(t, s, old, now) {
		t.Error("QueueReminder of the old sequence: got true, want false (the booking moved)")
	}
	now = moved.Start.Add(-day)
	wantDue(t, "the new time's reminder", mustDue(t, s, now, now, day), dueKey(moved, day))

	// Moved close to its time: the reminder whose time has passed at the
	// move is never due (the move's email said it); the next one is.
	late, err := s.RescheduleBooking(t.Context(), b.ID, moved.Start.Add(-10*hour), moved.End.Add(-10*hour), store.Guard{Now: moved.Start.Add(-day - hour)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	now = late.Start.Add(-2 * hour)
	wantDue(t, "moved within a day of its new time", mustDue(t, s, now, now, day, hour))
	now = late.Start.Add(-hour)
	wantDue(t, "its hour's reminder", mustDue(t, s, now, now, day, hour), dueKey(late, hour))

	// Bad arguments.
	for _, befores := range [][]time.Duration{{0}, {-hour}, {90 * time.Second}} {
		_, err := s.DueReminders(t.Context(), now, now, befores)
		wantCode(t, fmt.Sprintf("DueReminders(%v)", befores), err, store.EINVALID)
	}
	_, err = s.QueueReminder(t.Context(), store.Reminder{Booking: store.NewID(), Before: day}, now, reminderMessage)
	wantCode(t, "QueueReminder of an unknown booking", err, store.ENOTFOUND)
}

// testReminderWithdrawn: a reminder's email still queued when its booking
// is moved or cancelled is withdrawn in the same transaction; the
// reminder stays recorded, without a message.
func testReminderWithdrawn(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	now := slot0.Add(-day)
	for _, change := range []string{"cancel", "move"} {
		b := newBooking(slot(map[string]int{"cancel": 0, "move": 2}[change]))
		b.CreatedAt = slot0.Add(-5 * day)
		mustCreate(t, s, b)
		if !mustQueue(t, s, store.Reminder{Booking: b.ID, Before: day}, now) {
			t.Fatalf("%s: QueueReminder: got false, want true", change)
		}
		switch change {
		case "cancel":
			if _, err := s.CancelBooking(t.Context(), b.ID, now.Add(time.Minute), nil); err != nil {
				t.Fatal(err)
			}
		case "move":
			if _, err := s.RescheduleBooking(t.Context(), b.ID, slot(8), slot(9), store.Guard{Now: now.Add(time.Minute)}, nil); err != nil {
				t.Fatal(err)
			}
		}
		if n := kindCount(mustOutbox(t, s, true), "reminder", b.ID); n != 0 {
			t.Errorf("%s: %d reminder emails still queued, want the unsent one withdrawn", change, n)
		}
		sent, err := s.RemindersOf(t.Context(), b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(sent) != 1 || sent[0].Message != 0 {
			t.Errorf("%s: RemindersOf: %+v, want the reminder recorded without a message", change, sent)
		}
	}

	// A sent reminder stays sent; a claimed one is left to its sender.
	b := newBooking(slot(12))
	b.CreatedAt = slot0.Add(-5 * day)
	mustCreate(t, s, b)
	mustQueue(t, s, store.Reminder{Booking: b.ID, Before: day}, slot(12).Add(-day))
	// (Queued without a time of its own, the email is due from the real
	// clock's now.)
	claimed, err := s.ClaimMessages(t.Context(), time.Now(), time.Hour, 10)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("ClaimMessages: %d, %v; want the reminder", len(claimed), err)
	}
	if _, err := s.CancelBooking(t.Context(), b.ID, slot(12).Add(-day+time.Minute), nil); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSent(t.Context(), claimed[0].ID, slot(12).Add(-day+2*time.Minute)); err != nil {
		t.Errorf("MarkSent of a reminder claimed before the cancellation: %v", err)
	}
}

// testReminderConcurrent: two instances (two stores on one database)
// queue the same due reminders at once; each goes out once.
func testReminderConcurrent(t *testing.T, open Opener) {
	stores := []store.Store{MustOpen(t, open), MustOpen(t, open)}
	var bs []*store.Booking
	for i := range 5 {
		b := newBooking(slot(2 * i))
		b.CreatedAt = slot0.Add(-5 * day)
		bs = append(bs, mustCreate(t, stores[0], b))
	}
	now := slot0.Add(-day + 5*hour)
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		queued = map[string]int{}
	)
	for w := range 6 {
		wg.Go(func() {
			s := stores[w%2]
			due, err := s.DueReminders(t.Context(), now, now, []time.Duration{day})
			if err != nil {
				t.Errorf("worker %d: DueReminders: %v", w, err)
				return
			}
			for _, r := range due {
				ok, err := s.QueueReminder(t.Context(), r, now, reminderMessage)
				if err != nil {
					t.Errorf("worker %d: QueueReminder: %v", w, err)
					continue
				}
				if ok {
					mu.Lock()
					queued[r.Booking]++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	msgs := mustOutbox(t, stores[0], true)
	for _, b := range bs {
		if queued[b.ID] != 1 {
			t.Errorf("booking %s: queued by %d workers, want 1", b.ID, queued[b.ID])
		}
		if n := kindCount(msgs, "reminder", b.ID); n != 1 {
			t.Errorf("booking %s: %d reminder emails, want 1", b.ID, n)
		}
	}
}
