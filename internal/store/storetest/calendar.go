package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/calendar"
	"github.com/cassidine/site/internal/store"
)

const (
	feedKey   = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"
	feedLabel = "https://calendar.google.com/…"
)

// mustClaim claims key at now (every 5 minutes, a lease of a minute) and
// fails unless it got a token.
func mustClaim(t *testing.T, s store.Store, key string, now time.Time) string {
	t.Helper()
	tok, err := s.ClaimCalendarFeed(t.Context(), key, feedLabel, now, 5*time.Minute, time.Minute)
	if err != nil || tok == "" {
		t.Fatalf("ClaimCalendarFeed(%s) at %v: token %q, %v; want a token", key[:8], now, tok, err)
	}
	return tok
}

// wantNoClaim fails unless a claim of key at now gets no token.
func wantNoClaim(t *testing.T, s store.Store, what, key string, now time.Time, every time.Duration) {
	t.Helper()
	tok, err := s.ClaimCalendarFeed(t.Context(), key, feedLabel, now, every, time.Minute)
	if err != nil || tok != "" {
		t.Errorf("%s: claim got token %q, %v; want none", what, tok, err)
	}
}

// mustSave saves r under a claim's token.
func mustSave(t *testing.T, s store.Store, key, tok string, r store.CalendarFetch, alert func(store.CalendarFeed) ([]store.OutboxMessage, error)) *store.CalendarFeed {
	t.Helper()
	f, err := s.SaveCalendarFeed(t.Context(), key, tok, r, alert)
	if err != nil {
		t.Fatalf("SaveCalendarFeed: %v", err)
	}
	return f
}

func mustFeed(t *testing.T, s store.Store, key string) store.CalendarFeed {
	t.Helper()
	fs, err := s.CalendarFeeds(t.Context(), []string{key})
	if err != nil || len(fs) != 1 {
		t.Fatalf("CalendarFeeds(%s): %d feeds, %v; want 1", key[:8], len(fs), err)
	}
	return fs[0]
}

func wantTime(t *testing.T, what string, got *time.Time, want time.Time) {
	t.Helper()
	switch {
	case want.IsZero() && got != nil:
		t.Errorf("%s: got %v, want none", what, *got)
	case !want.IsZero() && (got == nil || !got.Equal(want)):
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

// testCalendarCache: a feed's row through claims, good and failed
// attempts, a lost lease, and the one alert per failure.
func testCalendarCache(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	now := slot0.Add(-48 * time.Hour)
	busy := []calendar.Interval{
		{Start: slot(2).In(time.FixedZone("EST", -5*3600)), End: slot(3).Add(123 * time.Nanosecond)},
		{Start: slot(10), End: slot(14)},
	}
	if fs, err := s.CalendarFeeds(t.Context(), []string{feedKey}); err != nil || len(fs) != 0 {
		t.Fatalf("CalendarFeeds before any claim: %v, %v; want none", fs, err)
	}

	tok := mustClaim(t, s, feedKey, now)
	wantNoClaim(t, s, "a second claim while the first holds the lease", feedKey, now.Add(30*time.Second), 5*time.Minute)
	f := mustFeed(t, s, feedKey)
	if f.Label != feedLabel || f.Busy != nil || f.FetchedAt != nil || f.GoodAt != nil || f.Error != "" {
		t.Errorf("a claimed feed never fetched: got %+v", f)
	}
	wantTime(t, "LeaseUntil while claimed", f.LeaseUntil, now.Add(time.Minute))

	alerts := 0
	alert := func(f store.CalendarFeed) ([]store.OutboxMessage, error) {
		alerts++
		m := newMessage("calendar-alert")
		m.To = "consultant@example.com"
		return []store.OutboxMessage{m}, nil
	}
	f = *mustSave(t, s, feedKey, tok, store.CalendarFetch{At: now, Busy: busy, Skipped: "1 event left out"}, alert)
	want := []calendar.Interval{{Start: slot(2), End: slot(3)}, {Start: slot(10), End: slot(14)}} // UTC, microseconds
	if !slices.Equal(f.Busy, want) || f.Skipped != "1 event left out" || f.Error != "" || f.LeaseUntil != nil {
		t.Errorf("after a good attempt: got busy %v, skipped %q, error %q, lease %v; want %v, the note, none, none", f.Busy, f.Skipped, f.Error, f.LeaseUntil, want)
	}
	wantTime(t, "FetchedAt", f.FetchedAt, now)
	wantTime(t, "GoodAt", f.GoodAt, now)
	if got := mustFeed(t, s, feedKey); !slices.Equal(got.Busy, want) {
		t.Errorf("CalendarFeeds after a good attempt: busy %v, want %v", got.Busy, want)
	}
	if alerts != 0 {
		t.Errorf("a good attempt called alert %d times", alerts)
	}

	// Fresh: no claim until every has passed; every 0 claims at once.
	wantNoClaim(t, s, "a claim within every", feedKey, now.Add(4*time.Minute), 5*time.Minute)
	tok = mustClaim(t, s, feedKey, now.Add(5*time.Minute))
	// Failed: the good copy stays; the consultant is alerted once.
	at := now.Add(5 * time.Minute)
	f = *mustSave(t, s, feedKey, tok, store.CalendarFetch{At: at, Err: "calendar: fetch https://calendar.google.com/…: the server answered 500"}, alert)
	if !slices.Equal(f.Busy, want) || f.Error == "" || f.Skipped != "1 event left out" {
		t.Errorf("after a failed attempt: busy %v, error %q, skipped %q; want the good copy kept and the error", f.Busy, f.Error, f.Skipped)
	}
	wantTime(t, "FetchedAt after a failure", f.FetchedAt, at)
	wantTime(t, "GoodAt after a failure", f.GoodAt, now)
	wantTime(t, "AlertedAt after the first failure", f.AlertedAt, at)
	if alerts != 1 || len(mustOutbox(t, s, false)) != 1 {
		t.Errorf("after the first failure: %d alerts, %d queued messages; want 1 and 1", alerts, len(mustOutbox(t, s, false)))
	}
	for i := range 3 {
		at := now.Add(time.Duration(10+5*i) * time.Minute)
		tok := mustClaim(t, s, feedKey, at)
		f = *mustSave(t, s, feedKey, tok, store.CalendarFetch{At: at, Err: "still failing"}, alert)
	}
	if alerts != 1 || len(mustOutbox(t, s, false)) != 1 {
		t.Errorf("after three more failures: %d alerts, %d queued messages; want still 1 and 1", alerts, len(mustOutbox(t, s, false)))
	}
	wantTime(t, "AlertedAt after more failures", f.AlertedAt, at)

	// It recovers, then fails anew: a second alert.
	at = now.Add(time.Hour)
	f = *mustSave(t, s, feedKey, mustClaim(t, s, feedKey, at), store.CalendarFetch{At: at, Busy: want[:1]}, alert)
	wantTime(t, "AlertedAt once it works", f.AlertedAt, time.Time{})
	if f.Error != "" || f.Skipped != "" || len(f.Busy) != 1 {
		t.Errorf("after it works again: error %q, skipped %q, busy %v", f.Error, f.Skipped, f.Busy)
	}
	at = now.Add(2 * time.Hour)
	mustSave(t, s, feedKey, mustClaim(t, s, feedKey, at), store.CalendarFetch{At: at, Err: "down again"}, alert)
	if alerts != 2 || len(mustOutbox(t, s, false)) != 2 {
		t.Errorf("after failing anew: %d alerts, %d queued messages; want 2 and 2", alerts, len(mustOutbox(t, s, false)))
	}
	// alert may decline (the copy is recent enough): nothing is queued
	// and it is asked again next time.
	declined := 0
	decline := func(store.CalendarFeed) ([]store.OutboxMessage, error) { declined++; return nil, nil }
	at = now.Add(3 * time.Hour)
	f = *mustSave(t, s, feedKey, mustClaim(t, s, feedKey, at), store.CalendarFetch{At: at, Busy: want}, nil)
	for i := range 2 {
		at := at.Add(time.Duration(i+1) * 10 * time.Minute)
		f = *mustSave(t, s, feedKey, mustClaim(t, s, feedKey, at), store.CalendarFetch{At: at, Err: "blip"}, decline)
	}
	if declined != 2 || f.AlertedAt != nil || len(mustOutbox(t, s, false)) != 2 {
		t.Errorf("alert declining: called %d times, AlertedAt %v, %d queued; want 2, none, 2", declined, f.AlertedAt, len(mustOutbox(t, s, false)))
	}

	// A lease that ran out is taken over; the late save is refused.
	at = now.Add(4 * time.Hour)
	late, err := s.ClaimCalendarFeed(t.Context(), feedKey, feedLabel, at, 0, time.Minute)
	if err != nil || late == "" {
		t.Fatalf("claim with every 0: %q, %v", late, err)
	}
	wantNoClaim(t, s, "every 0 while another holds the lease", feedKey, at, 0)
	over := mustClaim(t, s, feedKey, at.Add(2*time.Minute))
	_, err = s.SaveCalendarFeed(t.Context(), feedKey, late, store.CalendarFetch{At: at.Add(3 * time.Minute), Err: "late"}, nil)
	wantCode(t, "saving under a lost lease", err, store.ECONFLICT)
	mustSave(t, s, feedKey, over, store.CalendarFetch{At: at.Add(3 * time.Minute), Busy: nil}, nil)
	if f := mustFeed(t, s, feedKey); f.Error != "" || f.Busy != nil {
		t.Errorf("after the late save was refused: error %q, busy %v; want the other's good outcome", f.Error, f.Busy)
	}
	_, err = s.SaveCalendarFeed(t.Context(), feedKey, over, store.CalendarFetch{At: at.Add(4 * time.Minute)}, nil)
	wantCode(t, "saving twice under one token", err, store.ECONFLICT)

	// Several keys, in the order asked, unknown ones left out.
	other := "b" + feedKey[1:]
	mustSave(t, s, other, mustClaim(t, s, other, now), store.CalendarFetch{At: now}, nil)
	fs, err := s.CalendarFeeds(t.Context(), []string{other, "c" + feedKey[1:], feedKey, other})
	if err != nil || len(fs) != 2 || fs[0].Key != other || fs[1].Key != feedKey {
		t.Errorf("CalendarFeeds of two known keys, one unknown and a repeat: %d feeds, %v; want other, then the first", len(fs), err)
	}

	for _, tc := range []struct {
		what       string
		key, label string
		lease      time.Duration
	}{
		{"an empty key", "", feedLabel, time.Minute},
		{"a key of 129 characters", fmt.Sprintf("%0129d", 1), feedLabel, time.Minute},
		{"an empty label", feedKey, "", time.Minute},
		{"a label on two lines", feedKey, "https://a/\nb", time.Minute},
		{"no lease", feedKey, feedLabel, 0},
	} {
		_, err := s.ClaimCalendarFeed(t.Context(), tc.key, tc.label, now, 0, tc.lease)
		wantCode(t, "claim with "+tc.what, err, store.EINVALID)
	}
	_, err = s.SaveCalendarFeed(t.Context(), feedKey, over, store.CalendarFetch{}, nil)
	wantCode(t, "save without a time", err, store.EINVALID)
}

// testCalendarClaimConcurrent: of many claims at once, from two stores
// (two instances), one gets the feed.
func testCalendarClaimConcurrent(t *testing.T, open Opener) {
	stores := []store.Store{MustOpen(t, open), MustOpen(t, open)}
	now := slot0
	for round := range 2 {
		const n = 16
		toks := make([]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				toks[i], errs[i] = stores[i%2].ClaimCalendarFeed(t.Context(), feedKey, feedLabel, now, 5*time.Minute, time.Minute)
			})
		}
		wg.Wait()
		won := 0
		for i, tok := range toks {
			if errs[i] != nil {
				t.Errorf("round %d, claim %d: %v", round, i, errs[i])
			}
			if tok != "" {
				won++
				mustSave(t, stores[0], feedKey, tok, store.CalendarFetch{At: now}, nil)
			}
		}
		if won != 1 {
			t.Errorf("round %d: %d of %d concurrent claims got the feed, want 1", round, won, n)
		}
		now = now.Add(5 * time.Minute) // stale again
	}
}

// testGuardCalendars: a booking or a move onto a calendar's busy time,
// or within the buffer of it, is refused inside the transaction; so is
// any booking while a feed has no recent copy.
func testGuardCalendars(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	now := slot0.Add(-24 * time.Hour)
	// Busy from slot(4) to slot(5): 16:00 to 16:30.
	mustSave(t, s, feedKey, mustClaim(t, s, feedKey, now), store.CalendarFetch{At: now, Busy: []calendar.Interval{{Start: slot(4), End: slot(5)}}}, nil)
	g := store.Guard{Now: now, Buffer: 15 * time.Minute, Calendars: []string{feedKey}, CalendarsSince: now.Add(-24 * time.Hour)}
	create := func(start time.Time, g store.Guard) error {
		return s.CreateBooking(t.Context(), visitor(start, "ip", fmt.Sprintf("v%d@example.com", start.Unix())), nil, g)
	}
	wantErr(t, "a booking over the event", create(slot(4), g), booking.ErrTaken)
	wantErr(t, "a booking ending within the buffer before it", create(slot(3).Add(-10*time.Minute), g), booking.ErrTaken)
	wantErr(t, "a booking starting within the buffer after it", create(slot(5).Add(10*time.Minute), g), booking.ErrTaken)
	if err := create(slot(3).Add(-15*time.Minute), g); err != nil {
		t.Errorf("a booking ending just the buffer before it: %v", err)
	}
	if err := create(slot(5).Add(15*time.Minute), g); err != nil {
		t.Errorf("a booking starting just the buffer after it: %v", err)
	}
	if err := create(slot(4), store.Guard{Now: now}); err != nil {
		t.Errorf("a booking over the event without Calendars: %v", err)
	}

	// A move onto it is refused; the booking stays.
	b := visitor(slot(20), "ip", "mover@example.com")
	if err := s.CreateBooking(t.Context(), b, nil, g); err != nil {
		t.Fatal(err)
	}
	busy := []calendar.Interval{{Start: slot(24), End: slot(26)}}
	mustSave(t, s, feedKey, mustClaim(t, s, feedKey, now.Add(time.Hour)), store.CalendarFetch{At: now.Add(time.Hour), Busy: busy}, nil)
	_, err := s.RescheduleBooking(t.Context(), b.ID, slot(25), slot(26), g, nil)
	wantErr(t, "a move onto the event", err, booking.ErrTaken)
	if got := mustBooking(t, s, b.ID); !got.Start.Equal(slot(20)) {
		t.Errorf("after the refused move the booking starts at %v, want %v", got.Start, slot(20))
	}

	// Too old, never worked, or unknown: nothing is bookable.
	stale := g
	stale.CalendarsSince = now.Add(2 * time.Hour)
	wantErr(t, "a booking with the feed's copy older than CalendarsSince", create(slot(40), stale), store.ErrCalendarUnavailable)
	never := "d" + feedKey[1:]
	mustSave(t, s, never, mustClaim(t, s, never, now), store.CalendarFetch{At: now, Err: "500"}, nil)
	for _, key := range []string{never, "e" + feedKey[1:]} {
		g := g
		g.Calendars = []string{feedKey, key}
		wantErr(t, "a booking with a feed that never worked or is unknown", create(slot(40), g), store.ErrCalendarUnavailable)
	}
	if err := create(slot(40), g); err != nil {
		t.Errorf("a free time with the feed's copy recent: %v", err)
	}
}
