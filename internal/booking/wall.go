package booking

import (
	"fmt"
	"time"
)

// Wall-clock times are handled as "naive" times: a time.Time in UTC whose
// fields are the local date and time, so that adding to it moves along the
// wall clock without regard to daylight saving time. They become instants
// only through instant and atOrAfter.

// loc is r.Location, UTC when unset.
func (r *Rules) loc() *time.Location {
	if r.Location == nil {
		return time.UTC
	}
	return r.Location
}

// date returns t's local date as a naive midnight.
func (r *Rules) date(t time.Time) time.Time {
	y, m, d := t.In(r.loc()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// naive returns t's local date and time as a naive time.
func naive(t time.Time) time.Time {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, mo, d, h, mi, s, t.Nanosecond(), time.UTC)
}

// probes are where instant samples the zone's offset around a wall time.
// The instant it names is within 14 hours of the naive time, so sampling a
// day either side sees the offsets on both sides of any one change.
var probes = [...]time.Duration{-24 * time.Hour, -12 * time.Hour, 0, 12 * time.Hour, 24 * time.Hour}

// instant returns the instant at which the wall clock in r's zone shows
// wall (a naive time): the first one when the clock shows it twice (after
// falling back), and ok false when the clock skips it (springing forward).
// time.Date would instead pick an instant in either case, unspecified.
func (r *Rules) instant(wall time.Time) (t time.Time, ok bool) {
	loc := r.loc()
	for _, p := range probes {
		_, off := wall.Add(p).In(loc).Zone()
		u := wall.Add(-time.Duration(off) * time.Second)
		if naive(u.In(loc)).Equal(wall) && (!ok || u.Before(t)) {
			t, ok = u, true
		}
	}
	return t, ok
}

// atOrAfter returns the first instant at which the wall clock in r's zone
// shows wall or a later time: instant(wall), or for a skipped time the
// moment of the change that skips it.
func (r *Rules) atOrAfter(wall time.Time) time.Time {
	if t, ok := r.instant(wall); ok {
		return t
	}
	loc := r.loc()
	var after time.Time // the earliest candidate that shows a later time
	for _, p := range probes {
		_, off := wall.Add(p).In(loc).Zone()
		u := wall.Add(-time.Duration(off) * time.Second)
		if naive(u.In(loc)).After(wall) && (after.IsZero() || u.Before(after)) {
			after = u
		}
	}
	if start, _ := after.In(loc).ZoneBounds(); !start.IsZero() && !start.After(after) {
		return start
	}
	return after
}

// LocalLayout is how a person writes a time on the consultant's wall
// clock (site leads move): LocalTime reads it.
const LocalLayout = "2006-01-02 15:04"

// LocalTime returns the instant that s, a wall-clock time in LocalLayout,
// names in r's zone: its first occurrence when the clock shows it twice,
// as the slot grid reads such times, and an error when the clock skips
// it.
func (r *Rules) LocalTime(s string) (time.Time, error) {
	wall, err := time.Parse(LocalLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a time written %s", s, LocalLayout)
	}
	t, ok := r.instant(wall)
	if !ok {
		return time.Time{}, fmt.Errorf("%s does not exist in %s: the clocks skip it", s, r.loc())
	}
	return t.UTC(), nil
}
