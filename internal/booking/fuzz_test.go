package booking_test

import (
	"errors"
	"testing"
	"time"

	"github.com/cassidine/site/internal/booking"
)

// FuzzSlots lists slots for random bookings, clocks and slot lengths
// around both 2026 clock changes in Chicago, and checks every slot
// against the rules independently of how Slots finds them. busy is read
// three bytes a busy interval: its start in 5-minute steps from two days
// before the base date (two bytes), and its length in minutes (one byte);
// an odd length makes it a calendar event rather than a booking.
func FuzzSlots(f *testing.F) {
	f.Add([]byte{}, false, uint16(0), uint8(30), uint8(15), uint8(3), uint8(0))
	f.Add([]byte{0x02, 0x40, 30, 0x02, 0x50, 60, 0x01, 0x00, 255}, false, uint16(100), uint8(30), uint8(15), uint8(2), uint8(1))
	f.Add([]byte{0x02, 0x6c, 30, 0x02, 0x70, 0, 0x03, 0x00, 90}, true, uint16(2000), uint8(90), uint8(0), uint8(0), uint8(2))
	f.Add([]byte{0x00, 0x10, 1, 0x04, 0x00, 45}, true, uint16(5000), uint8(45), uint8(20), uint8(1), uint8(3))
	chicago := loadZone(f, "America/Chicago")
	// Sunday is the day of either change; its windows vary.
	sundays := [][]booking.Window{
		{{Start: 30, End: 210}, {Start: 9 * 60, End: 12 * 60}},                  // 00:30–03:30, across the change
		{{Start: 60, End: 150}, {Start: 150, End: 175}, {Start: 180, End: 300}}, // ending in, inside, after the skipped hour
		{{Start: 120, End: 165}, {Start: 9 * 60, End: 10 * 60}},                 // inside the skipped hour alone
		{{Start: 90, End: 360}},
		{{Start: 0, End: 24 * 60}},
	}
	hours := [7][]booking.Window{
		time.Monday:    {{Start: 9 * 60, End: 12 * 60}, {Start: 13 * 60, End: 16*60 + 30}},
		time.Wednesday: {{Start: 60, End: 150}, {Start: 150, End: 180}}, // touching windows
		time.Friday:    {{Start: 9 * 60, End: 12 * 60}},
		time.Saturday:  {{Start: 22 * 60, End: 24 * 60}}, // up to Sunday's first window
	}
	f.Fuzz(func(t *testing.T, data []byte, fall bool, nowSteps uint16, slotMin, bufMin, maxPerDay, sunday uint8) {
		base := time.Date(2026, 3, 6, 0, 0, 0, 0, chicago) // two days before the change
		if fall {
			base = time.Date(2026, 10, 30, 0, 0, 0, 0, chicago)
		}
		hours := hours
		hours[time.Sunday] = sundays[int(sunday)%len(sundays)]
		r := &booking.Rules{
			Location:    chicago,
			Slot:        time.Duration(1+int(slotMin)%180) * time.Minute,
			Buffer:      time.Duration(int(bufMin)%60) * time.Minute,
			MinNotice:   3 * time.Hour,
			HorizonDays: 5,
			MaxPerDay:   int(maxPerDay % 5),
			Hours:       hours,
			Blocked:     map[string]bool{base.AddDate(0, 0, 3).Format(time.DateOnly): true},
		}
		now := base.Add(-48 * time.Hour).Add(time.Duration(nowSteps%2000) * 3 * time.Minute)
		from, to := base.Add(-72*time.Hour), base.Add(7*24*time.Hour)
		var busy []booking.Busy
		for ; len(data) >= 3; data = data[3:] {
			start := base.Add(-48 * time.Hour).Add(time.Duration(int(data[0])<<8|int(data[1])) % 2000 * 5 * time.Minute)
			busy = append(busy, booking.Busy{Start: start, End: start.Add(time.Duration(data[2]) * time.Minute), Event: data[2]%2 == 1})
		}

		got := r.Slots(from, to, now, busy)
		all := r.Slots(from, to, now, nil)
		offered := map[int64]bool{}
		for _, s := range all {
			offered[s.Start.Unix()] = true
		}
		seen := map[time.Time]bool{} // local wall times
		for i, s := range got {
			checkRules(t, r, s, now)
			if i > 0 && s.Start.Before(got[i-1].End) {
				t.Errorf("slots %v–%v and %v–%v overlap", got[i-1].Start, got[i-1].End, s.Start, s.End)
			}
			if s.Start.Before(from) || !s.Start.Before(to) {
				t.Errorf("slot %v outside [%v, %v)", s.Start, from, to)
			}
			if wall := naiveWall(s.Start.In(chicago)); seen[wall] {
				t.Errorf("slot %v: wall time %v offered twice", s.Start, wall)
			} else {
				seen[wall] = true
			}
			for _, b := range busy {
				if s.Start.Before(b.End.Add(r.Buffer)) && b.Start.Before(s.End.Add(r.Buffer)) && b.Start.Before(b.End.Add(r.Buffer)) {
					t.Errorf("slot %v–%v overlaps busy %v–%v with buffer %v", s.Start, s.End, b.Start, b.End, r.Buffer)
				}
			}
			if n := countDay(busy, s.Start, chicago); r.MaxPerDay > 0 && n >= r.MaxPerDay {
				t.Errorf("slot %v on a day with %d bookings, max %d", s.Start, n, r.MaxPerDay)
			}
			if c, err := r.Check(s.Start, now, busy); err != nil || !c.Start.Equal(s.Start) || !c.End.Equal(s.End) {
				t.Errorf("Check(%v): got %v–%v, %v; want the slot", s.Start, c.Start, c.End, err)
			}
			if !offered[s.Start.Unix()] {
				t.Errorf("slot %v is free with bookings but not without", s.Start)
			}
		}
		// Any start Check accepts is one Slots offers.
		probe := from.Add(time.Duration(nowSteps%3000) * 5 * time.Minute)
		if s, err := r.Check(probe, now, busy); err == nil && !offers(got, s) {
			t.Errorf("Check(%v) accepted %v–%v, which Slots does not offer", probe, s.Start, s.End)
		}
		// What the bookings removed, Check must call taken or full.
		free := map[int64]bool{}
		for _, s := range got {
			free[s.Start.Unix()] = true
		}
		for _, s := range all {
			if free[s.Start.Unix()] {
				continue
			}
			if _, err := r.Check(s.Start, now, busy); !errors.Is(err, booking.ErrTaken) && !errors.Is(err, booking.ErrDayFull) {
				t.Errorf("Check(%v), left out for the bookings: got %v, want ErrTaken or ErrDayFull", s.Start, err)
			}
		}
	})
}

// checkRules fails unless s is on the grid of one of its day's windows
// and within the notice, the horizon and the blocked dates.
func checkRules(t *testing.T, r *booking.Rules, s booking.Slot, now time.Time) {
	t.Helper()
	loc := r.Location
	local := s.Start.In(loc)
	if s.Start.Location() != time.UTC || s.End.Location() != time.UTC {
		t.Errorf("slot %v–%v: want UTC times", s.Start, s.End)
	}
	if s.End.Sub(s.Start) != r.Slot {
		t.Errorf("slot %v–%v: got length %v, want %v", s.Start, s.End, s.End.Sub(s.Start), r.Slot)
	}
	if s.Start.Before(now.Add(r.MinNotice)) {
		t.Errorf("slot %v: sooner than %v after %v", s.Start, r.MinNotice, now)
	}
	y, m, d := now.In(loc).Date()
	if horizon := time.Date(y, m, d+r.HorizonDays, 0, 0, 0, 0, loc); !s.Start.Before(horizon) {
		t.Errorf("slot %v: at or after the horizon %v", s.Start, horizon)
	}
	if r.Blocked[local.Format(time.DateOnly)] {
		t.Errorf("slot %v: on blocked date %s", s.Start, local.Format(time.DateOnly))
	}
	minute := booking.Clock(local.Hour()*60 + local.Minute())
	step := int((r.Slot + r.Buffer) / time.Minute)
	for _, w := range r.Hours[local.Weekday()] {
		y, m, d := local.Date()
		end := time.Date(y, m, d, 0, int(w.End), 0, 0, loc)
		if want := time.Date(y, m, d, 0, int(w.End), 0, 0, time.UTC); !naiveWall(end.In(loc)).Equal(want) {
			_, end = end.ZoneBounds() // a skipped time: the window ends as the clocks change
		}
		if minute >= w.Start && int(minute-w.Start)%step == 0 &&
			time.Duration(minute)*time.Minute+r.Slot <= time.Duration(w.End)*time.Minute && !s.End.After(end) {
			return
		}
	}
	t.Errorf("slot %v (%v): not on the grid of %s's hours %v", s.Start, local, local.Weekday(), r.Hours[local.Weekday()])
}

// offers reports whether slots holds s.
func offers(slots []booking.Slot, s booking.Slot) bool {
	for _, x := range slots {
		if x.Start.Equal(s.Start) && x.End.Equal(s.End) {
			return true
		}
	}
	return false
}

func naiveWall(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)
}

// countDay counts the bookings (not events) starting on start's local
// date.
func countDay(busy []booking.Busy, start time.Time, loc *time.Location) int {
	n := 0
	for _, b := range busy {
		if !b.Event && b.Start.In(loc).Format(time.DateOnly) == start.In(loc).Format(time.DateOnly) {
			n++
		}
	}
	return n
}
