package booking_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/cassidine/site/internal/booking"
)

// event is busy time of the consultant's calendar from a to b, each
// "2006-01-02 15:04" in Chicago.
func event(t testing.TB, a, b string) booking.Busy {
	t.Helper()
	chicago := loadZone(t, "America/Chicago")
	return booking.Busy{Start: at(t, chicago, a), End: at(t, chicago, b), Event: true}
}

// TestEventsBlockSlots: a calendar event blocks every slot it overlaps,
// with the buffer on both sides. Monday 2 March 2026 offers 09:00, 09:45,
// 10:30 and 11:15 (30-minute slots, 15-minute buffer).
func TestEventsBlockSlots(t *testing.T) {
	chicago := loadZone(t, "America/Chicago")
	now := at(t, chicago, "2026-03-01 12:00")
	from, to := at(t, chicago, "2026-03-02 00:00"), at(t, chicago, "2026-03-03 00:00")
	for _, tc := range []struct {
		name   string
		buffer string
		events [][2]string // Monday's times, or full dates
		want   []string
	}{
		{"no events", "15", nil, []string{
			"Mon 09:00 CST (15:00Z)", "Mon 09:45 CST (15:45Z)", "Mon 10:30 CST (16:30Z)", "Mon 11:15 CST (17:15Z)",
		}},
		{"an event inside a slot", "15", [][2]string{{"10:00", "10:15"}}, []string{
			// 10:30 starts a buffer after 10:15: free.
			"Mon 09:00 CST (15:00Z)", "Mon 10:30 CST (16:30Z)", "Mon 11:15 CST (17:15Z)",
		}},
		{"the buffer before an event", "15", [][2]string{{"09:40", "09:45"}}, []string{
			// 09:00–09:30 ends only 10 minutes before it; 09:45 starts as it ends.
			"Mon 10:30 CST (16:30Z)", "Mon 11:15 CST (17:15Z)",
		}},
		{"the buffer after an event", "15", [][2]string{{"10:00", "10:20"}}, []string{
			// 10:30 starts 10 minutes after it ends.
			"Mon 09:00 CST (15:00Z)", "Mon 11:15 CST (17:15Z)",
		}},
		{"exactly a buffer away on both sides", "15", [][2]string{{"10:30", "11:00"}}, []string{
			// 09:45–10:15 ends 15 minutes before; 11:15 starts 15 after.
			"Mon 09:00 CST (15:00Z)", "Mon 09:45 CST (15:45Z)", "Mon 11:15 CST (17:15Z)",
		}},
		{"no buffer", "0", [][2]string{{"10:00", "10:15"}}, []string{
			"Mon 09:00 CST (15:00Z)", "Mon 09:30 CST (15:30Z)", "Mon 10:30 CST (16:30Z)",
			"Mon 11:00 CST (17:00Z)", "Mon 11:30 CST (17:30Z)",
		}},
		{"an all-day event", "15", [][2]string{{"2026-03-02 00:00", "2026-03-03 00:00"}}, []string{}},
		{"a multi-day event ending mid-morning", "15", [][2]string{{"2026-02-27 18:00", "2026-03-02 10:00"}}, []string{
			"Mon 10:30 CST (16:30Z)", "Mon 11:15 CST (17:15Z)",
		}},
		{"overlapping events", "15", [][2]string{{"09:00", "09:20"}, {"09:10", "09:30"}, {"11:40", "12:30"}}, []string{
			"Mon 09:45 CST (15:45Z)", "Mon 10:30 CST (16:30Z)",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := parseRules(t, weekdayTOML("slotMinutes = 30\nbufferMinutes = "+tc.buffer+"\nhorizonDays = 30"))
			var busy []booking.Busy
			for _, e := range tc.events {
				a, b := e[0], e[1]
				if len(a) == len("15:04") {
					a, b = "2026-03-02 "+a, "2026-03-02 "+b
				}
				busy = append(busy, event(t, a, b))
			}
			all := r.Slots(from, to, now, nil)
			slots := r.Slots(from, to, now, busy)
			if got := describe(slots, chicago); !slices.Equal(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
			checkOK(t, r, slots, now, busy)
			for _, s := range all {
				if offers(slots, s) {
					continue
				}
				if _, err := r.Check(s.Start, now, busy); !errors.Is(err, booking.ErrTaken) {
					t.Errorf("Check(%v): got %v, want %v", s.Start.In(chicago), err, booking.ErrTaken)
				}
			}
		})
	}
}

// TestEventsAndMaxPerDay: events block slots but do not fill the day;
// bookings do both.
func TestEventsAndMaxPerDay(t *testing.T) {
	chicago := loadZone(t, "America/Chicago")
	r := weekRules(t, "maxPerDay = 1")
	now := at(t, chicago, "2026-03-01 12:00")
	from, to := at(t, chicago, "2026-03-02 00:00"), at(t, chicago, "2026-03-03 00:00")
	lunch := event(t, "2026-03-02 11:45", "2026-03-02 13:00")
	booked := booking.Busy{Start: at(t, chicago, "2026-03-02 09:00"), End: at(t, chicago, "2026-03-02 09:30")}

	got := describe(r.Slots(from, to, now, []booking.Busy{lunch}), chicago)
	want := []string{"Mon 09:00 CST (15:00Z)", "Mon 09:45 CST (15:45Z)", "Mon 10:30 CST (16:30Z)"}
	if !slices.Equal(got, want) {
		t.Errorf("with an event: got %q, want %q", got, want)
	}
	if got := r.Slots(from, to, now, []booking.Busy{lunch, booked}); len(got) != 0 {
		t.Errorf("with an event and a booking: got %q, want none (maxPerDay = 1)", describe(got, chicago))
	}
	if _, err := r.Check(at(t, chicago, "2026-03-02 11:15"), now, []booking.Busy{lunch}); !errors.Is(err, booking.ErrTaken) {
		t.Errorf("Check under the event: got %v, want %v", err, booking.ErrTaken)
	}
	if _, err := r.Check(at(t, chicago, "2026-03-02 10:30"), now, []booking.Busy{lunch, booked}); !errors.Is(err, booking.ErrDayFull) {
		t.Errorf("Check on the booked day: got %v, want %v", err, booking.ErrDayFull)
	}
}

// TestEventsAcrossDST: events come from calendar feeds as UTC instants.
// In the week Chicago springs forward (Sunday 8 March 2026), a call at
// 15:00Z each weekday is 09:00 CST on Friday and 10:00 CDT on Monday, and
// blocks the slots of those wall times; on the Sunday an event of 20 real
// minutes spans the skipped hour.
func TestEventsAcrossDST(t *testing.T) {
	chicago := loadZone(t, "America/Chicago")
	r := parseRules(t, weekdayTOML("slotMinutes = 30\nbufferMinutes = 15\nhorizonDays = 30",
		`friday = ["09:00-12:00"]`, `sunday = ["01:00-04:00"]`, `monday = ["09:00-12:00"]`))
	now := at(t, chicago, "2026-03-01 12:00")
	from, to := at(t, chicago, "2026-03-06 00:00"), at(t, chicago, "2026-03-10 00:00")
	utc := func(s string) time.Time { return at(t, time.UTC, s) }
	busy := []booking.Busy{
		{Start: utc("2026-03-06 15:00"), End: utc("2026-03-06 15:30"), Event: true}, // Fri 09:00–09:30 CST
		{Start: utc("2026-03-08 07:50"), End: utc("2026-03-08 08:10"), Event: true}, // Sun 01:50 CST – 03:10 CDT
		{Start: utc("2026-03-09 15:00"), End: utc("2026-03-09 15:30"), Event: true}, // Mon 10:00–10:30 CDT
	}
	wantFree := []string{
		"Fri 09:00 CST (15:00Z)", "Fri 09:45 CST (15:45Z)", "Fri 10:30 CST (16:30Z)", "Fri 11:15 CST (17:15Z)",
		"Sun 01:00 CST (07:00Z)", "Sun 01:45 CST (07:45Z)",
		"Mon 09:00 CDT (14:00Z)", "Mon 09:45 CDT (14:45Z)", "Mon 10:30 CDT (15:30Z)", "Mon 11:15 CDT (16:15Z)",
	}
	if got := describe(r.Slots(from, to, now, nil), chicago); !slices.Equal(got, wantFree) {
		t.Fatalf("without events: got %q\nwant %q", got, wantFree)
	}
	want := []string{
		"Fri 09:45 CST (15:45Z)", "Fri 10:30 CST (16:30Z)", "Fri 11:15 CST (17:15Z)", // 09:00 is taken
		"Sun 01:00 CST (07:00Z)",                           // ends a buffer before 01:50 CST
		"Mon 09:00 CDT (14:00Z)", "Mon 11:15 CDT (16:15Z)", // the call is at 10:00 now
	}
	slots := r.Slots(from, to, now, busy)
	if got := describe(slots, chicago); !slices.Equal(got, want) {
		t.Errorf("with events: got  %q\nwant %q", got, want)
	}
	checkOK(t, r, slots, now, busy)
}

// TestEventsOutsideWindow: an event outside [from, to) still blocks the
// slots at the window's edges that come within the buffer of it, as the
// feeds' busy time reaches Slots whole. Monday 2 March 2026 offers 09:00,
// 09:45, 10:30 and 11:15; the window is 09:00 to 11:15.
func TestEventsOutsideWindow(t *testing.T) {
	chicago := loadZone(t, "America/Chicago")
	r := parseRules(t, weekdayTOML("slotMinutes = 30\nbufferMinutes = 15\nhorizonDays = 30"))
	now := at(t, chicago, "2026-03-01 12:00")
	from, to := at(t, chicago, "2026-03-02 09:00"), at(t, chicago, "2026-03-02 11:15")
	for _, tc := range []struct {
		name   string
		events [][2]string
		want   []string
	}{
		{"none", nil, []string{"Mon 09:00 CST (15:00Z)", "Mon 09:45 CST (15:45Z)", "Mon 10:30 CST (16:30Z)"}},
		{"ending within the buffer before the window", [][2]string{{"08:20", "08:50"}}, []string{"Mon 09:45 CST (15:45Z)", "Mon 10:30 CST (16:30Z)"}},
		{"ending a buffer before the window", [][2]string{{"08:15", "08:45"}}, []string{"Mon 09:00 CST (15:00Z)", "Mon 09:45 CST (15:45Z)", "Mon 10:30 CST (16:30Z)"}},
		{"starting within the buffer after the window's last slot", [][2]string{{"11:10", "12:00"}}, []string{"Mon 09:00 CST (15:00Z)", "Mon 09:45 CST (15:45Z)"}},
		{"starting at the window's end", [][2]string{{"11:15", "12:00"}}, []string{"Mon 09:00 CST (15:00Z)", "Mon 09:45 CST (15:45Z)", "Mon 10:30 CST (16:30Z)"}},
		{"covering the whole window", [][2]string{{"08:00", "12:00"}}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var busy []booking.Busy
			for _, e := range tc.events {
				busy = append(busy, event(t, "2026-03-02 "+e[0], "2026-03-02 "+e[1]))
			}
			slots := r.Slots(from, to, now, busy)
			if got := describe(slots, chicago); !slices.Equal(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
			checkOK(t, r, slots, now, busy)
		})
	}
}
