package booking

import (
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"time"
)

// Why a start cannot be booked, as Check returns them. Their messages are
// fit to show to visitors.
var (
	// ErrNotOffered is a start that is not a slot: off the grid, on a day
	// without hours, or on a blocked date.
	ErrNotOffered = errors.New("that time is not offered")
	// ErrTooSoon is a start in the past or within the minimum notice.
	ErrTooSoon = errors.New("that time is too soon to book")
	// ErrBeyondHorizon is a start at or after the horizon.
	ErrBeyondHorizon = errors.New("that time is too far ahead to book")
	// ErrTaken is a slot that overlaps busy time, buffers included: a
	// booking, or an event of the consultant's calendars (visitors are
	// told no more).
	ErrTaken = errors.New("that time is already booked")
	// ErrDayFull is a slot on a day that has MaxPerDay bookings.
	ErrDayFull = errors.New("that day is fully booked")
)

// Slot is a time that can be booked, Start and End in UTC. Slots made by
// Rules also know the consultant's zone for their JSON (see the package
// doc); compare them by their times, with Equal.
type Slot struct {
	Start, End time.Time
	loc        *time.Location
}

// slotJSON is how a slot is sent to the booking page.
type slotJSON struct {
	Start      time.Time `json:"start"`      // UTC
	End        time.Time `json:"end"`        // UTC
	LocalStart time.Time `json:"localStart"` // the consultant's zone, with offset
	LocalEnd   time.Time `json:"localEnd"`
}

// MarshalJSON encodes s with "start" and "end" in UTC, RFC 3339, and
// "localStart" and "localEnd" the same instants in the consultant's zone.
func (s Slot) MarshalJSON() ([]byte, error) {
	loc := s.loc
	if loc == nil {
		loc = time.UTC
	}
	return json.Marshal(slotJSON{s.Start.UTC(), s.End.UTC(), s.Start.In(loc), s.End.In(loc)})
}

// Busy is time that cannot be booked: an active booking, or with Event
// set, busy time of the consultant's own calendars.
type Busy struct {
	Start, End time.Time
	// Event marks busy time that is not a booking, such as an event of
	// the consultant's calendar feeds. It blocks every slot it overlaps,
	// with Buffer kept on both sides, as a booking does; unlike a
	// booking it does not count toward MaxPerDay.
	Event bool
}

// Slots returns the free slots that start in [from, to), sorted by start:
// the slots of the rules (see the package doc) that can be booked at now,
// given the busy time (bookings and calendar events). from, to and now
// may be in any zone.
func (r *Rules) Slots(from, to, now time.Time, busy []Busy) []Slot {
	if earliest := now.Add(r.MinNotice); from.Before(earliest) {
		from = earliest
	}
	if h := r.horizon(now); to.After(h) {
		to = h
	}
	if !from.Before(to) {
		return nil
	}
	b := r.index(busy)
	var out []Slot
	last := r.date(to)
	for d := r.date(from); !d.After(last); d = d.AddDate(0, 0, 1) {
		if r.full(b, d) {
			continue
		}
		for _, s := range r.grid(d) {
			if !s.Start.Before(from) && s.Start.Before(to) && !b.taken(s, r.Buffer) {
				out = append(out, s)
			}
		}
	}
	return out
}

// Check returns the slot that starts at start if it can be booked at now,
// given the busy time, and otherwise ErrNotOffered, ErrTooSoon,
// ErrBeyondHorizon, ErrTaken (a booking or an event is in the way) or
// ErrDayFull, tested in that order.
func (r *Rules) Check(start, now time.Time, busy []Busy) (Slot, error) {
	d := r.date(start)
	g := r.grid(d)
	i := slices.IndexFunc(g, func(s Slot) bool { return s.Start.Equal(start) })
	if i < 0 {
		return Slot{}, ErrNotOffered
	}
	s := g[i]
	switch {
	case s.Start.Before(now.Add(r.MinNotice)):
		return Slot{}, ErrTooSoon
	case !s.Start.Before(r.horizon(now)):
		return Slot{}, ErrBeyondHorizon
	}
	b := r.index(busy)
	switch {
	case b.taken(s, r.Buffer):
		return Slot{}, ErrTaken
	case r.full(b, d):
		return Slot{}, ErrDayFull
	}
	return s, nil
}

// grid returns the slots of local date d (a UTC midnight) before the
// bookings and the clock are considered: the wall-clock grid of its
// windows, as instants.
func (r *Rules) grid(d time.Time) []Slot {
	if r.Slot <= 0 || r.Blocked[d.Format(time.DateOnly)] {
		return nil
	}
	var out []Slot
	for _, w := range r.Hours[d.Weekday()] {
		end := r.atOrAfter(d.Add(w.End.wall()))
		for off := w.Start.wall(); off+r.Slot <= w.End.wall(); off += r.Slot + r.Buffer {
			start, ok := r.instant(d.Add(off))
			if !ok {
				continue // the clock skips this time
			}
			s := Slot{Start: start.UTC(), End: start.Add(r.Slot).UTC(), loc: r.loc()}
			if s.End.After(end) {
				continue // runs past the window in real time, across a change
			}
			if n := len(out); n > 0 && s.Start.Before(out[n-1].End.Add(r.Buffer)) {
				continue // the clock's jump brought it too close to the last one
			}
			out = append(out, s)
		}
	}
	return out
}

// horizon is local midnight starting the date HorizonDays after now's
// local date: the first instant that cannot be booked.
func (r *Rules) horizon(now time.Time) time.Time {
	return r.atOrAfter(r.date(now).AddDate(0, 0, r.HorizonDays))
}

// full reports whether local date d has MaxPerDay bookings (events do
// not count).
func (r *Rules) full(b busyIndex, d time.Time) bool {
	return r.MaxPerDay > 0 && b.perDay[d.Unix()] >= r.MaxPerDay
}

// busyIndex answers overlap queries on the busy bookings in O(log n).
type busyIndex struct {
	starts []time.Time   // busy starts, sorted
	maxEnd []time.Time   // maxEnd[i]: the latest end+buffer among starts[:i+1]
	perDay map[int64]int // bookings (not events) per local date (its UTC midnight, Unix)
}

// index sorts busy and counts its bookings per local date. Bookings and
// events block slots alike: both go into starts and maxEnd.
func (r *Rules) index(busy []Busy) busyIndex {
	b := busyIndex{perDay: map[int64]int{}}
	sorted := slices.Clone(busy)
	slices.SortFunc(sorted, func(x, y Busy) int { return x.Start.Compare(y.Start) })
	for _, x := range sorted {
		if !x.Event {
			b.perDay[r.date(x.Start).Unix()]++
		}
		end := x.End.Add(r.Buffer)
		if !end.After(x.Start) {
			continue // an empty interval keeps no time
		}
		if n := len(b.maxEnd); n > 0 && b.maxEnd[n-1].After(end) {
			end = b.maxEnd[n-1]
		}
		b.starts = append(b.starts, x.Start)
		b.maxEnd = append(b.maxEnd, end)
	}
	return b
}

// taken reports whether [s.Start, s.End+buffer) overlaps a busy
// [start, end+buffer).
func (b busyIndex) taken(s Slot, buffer time.Duration) bool {
	end := s.End.Add(buffer)
	n := sort.Search(len(b.starts), func(i int) bool { return !b.starts[i].Before(end) })
	return n > 0 && b.maxEnd[n-1].After(s.Start)
}
