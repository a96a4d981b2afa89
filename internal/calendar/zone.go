package calendar

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // the Lambda function's image may lack zoneinfo; a missing zone must not become UTC

	ics "github.com/arran4/golang-ical"
)

// ErrUnknownZone is a TZID that names no IANA zone, no Windows zone of
// the table, and no VTIMEZONE of the feed. The event is left out and
// reported, never read as UTC.
var ErrUnknownZone = errors.New("unknown time zone")

// Wall-clock times are handled as "naive" times: a time.Time in UTC whose
// fields are the local date and time as the feed writes them, so that
// recurrence rules step along the wall clock without regard to daylight
// saving time. They become instants only through instant.

// naive returns t's date and time of day as a naive time.
func naive(t time.Time) time.Time {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, mo, d, h, mi, s, t.Nanosecond(), time.UTC)
}

// probes are where instant samples the zone's offset around a wall time.
// The instant it names is within 26 hours of the naive time, so sampling
// a day and a half either side sees the offsets on both sides of a change.
var probes = [...]time.Duration{-36 * time.Hour, -12 * time.Hour, 0, 12 * time.Hour, 36 * time.Hour}

// instant returns the instant at which the wall clock in loc shows wall
// (a naive time), resolving the two hard cases as RFC 5545 (3.3.5) does:
// of a time the clock shows twice (falling back), the first; a time the
// clock skips (springing forward) is read with the offset in effect
// before the change, so 02:30 on the day New York springs forward is
// 03:30 EDT. time.Date leaves both cases unspecified.
func instant(wall time.Time, loc *time.Location) time.Time {
	if loc == time.UTC {
		return wall
	}
	var first time.Time
	found := false
	for _, p := range probes {
		_, off := wall.Add(p).In(loc).Zone()
		u := wall.Add(-time.Duration(off) * time.Second)
		if naive(u.In(loc)).Equal(wall) && (!found || u.Before(first)) {
			first, found = u, true
		}
	}
	if found {
		return first
	}
	_, before := wall.Add(probes[0]).In(loc).Zone()
	return wall.Add(-time.Duration(before) * time.Second)
}

// zones resolves the TZIDs of one feed, each once: an IANA name, else a
// Windows name of windowsZones, else the feed's own VTIMEZONE of that
// TZID, else ErrUnknownZone.
type zones struct {
	defs  map[string]*ics.VTimezone // the feed's VTIMEZONEs by TZID
	found map[string]zoneResult
	until time.Time // a VTIMEZONE's transitions are computed up to here (naive)
}

type zoneResult struct {
	loc *time.Location
	err error
}

func newZones(cal *ics.Calendar, until time.Time) *zones {
	z := &zones{defs: map[string]*ics.VTimezone{}, found: map[string]zoneResult{}, until: until}
	for _, tz := range cal.Timezones() {
		if p := prop(&tz.ComponentBase, "TZID"); p != nil {
			z.defs[p.Value] = tz
		}
	}
	return z
}

// lookup returns the zone of tzid.
func (z *zones) lookup(tzid string) (*time.Location, error) {
	if r, ok := z.found[tzid]; ok {
		return r.loc, r.err
	}
	loc, err := z.resolve(tzid)
	z.found[tzid] = zoneResult{loc, err}
	return loc, err
}

func (z *zones) resolve(tzid string) (*time.Location, error) {
	name := strings.TrimSpace(tzid)
	if loc := ianaZone(name); loc != nil {
		return loc, nil
	}
	if iana, ok := windowsZones[name]; ok {
		if loc := ianaZone(iana); loc != nil {
			return loc, nil
		}
	}
	if def := z.defs[tzid]; def != nil {
		loc, err := vtimezone(tzid, def, z.until)
		if err != nil {
			return nil, fmt.Errorf("VTIMEZONE %q: %w", tzid, err)
		}
		return loc, nil
	}
	// A globally unique TZID such as "/mozilla.org/20050126_1/America/New_York"
	// ends in an IANA name.
	if strings.HasPrefix(name, "/") {
		for rest := name; ; {
			_, after, ok := strings.Cut(rest, "/")
			if !ok || after == "" {
				break
			}
			if loc := ianaZone(after); loc != nil && strings.Contains(after, "/") {
				return loc, nil
			}
			rest = after
		}
	}
	return nil, fmt.Errorf("%w %q: not an IANA or Windows zone name, and the feed has no VTIMEZONE of that TZID", ErrUnknownZone, tzid)
}

// ianaZone loads an IANA zone, or returns nil. "Local" is the server's
// zone, not one a feed can mean, and "" is not a name.
func ianaZone(name string) *time.Location {
	if name == "" || name == "Local" || len(name) > 64 {
		return nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil
	}
	return loc
}

// Limits on a VTIMEZONE.
const (
	maxZoneOnsets = 1000 // per STANDARD or DAYLIGHT
	maxZoneTypes  = 200  // distinct offsets, within the 255 of TZif
)

// transition is a change of a VTIMEZONE's offset.
type transition struct {
	at       int64 // Unix seconds
	from, to int   // offsets, seconds east of UTC
	dst      bool
	name     string
}

// vtimezone turns a VTIMEZONE into a *time.Location: it lists the
// transitions of its STANDARD and DAYLIGHT parts (each a DTSTART in local
// time with its RRULE and RDATEs) up to until and hands them to
// time.LoadLocationFromTZData as TZif data, so the feed's own zones are
// read by the same code as IANA ones. After the last transition listed
// the last offset holds.
func vtimezone(tzid string, def *ics.VTimezone, until time.Time) (*time.Location, error) {
	var trs []transition
	for _, c := range def.Components {
		var cb *ics.ComponentBase
		dst := false
		switch c := c.(type) {
		case *ics.Standard:
			cb = &c.ComponentBase
		case *ics.Daylight:
			cb, dst = &c.ComponentBase, true
		default:
			continue
		}
		part, err := zoneOnsets(cb, dst, until)
		if err != nil {
			if dst {
				return nil, fmt.Errorf("DAYLIGHT: %w", err)
			}
			return nil, fmt.Errorf("STANDARD: %w", err)
		}
		trs = append(trs, part...)
	}
	if len(trs) == 0 {
		return nil, errors.New("no STANDARD or DAYLIGHT part")
	}
	slices.SortStableFunc(trs, func(a, b transition) int { return cmpInt64(a.at, b.at) })
	trs = slices.CompactFunc(trs, func(a, b transition) bool { return a.at == b.at })
	return loadTZif(tzid, trs)
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// zoneOnsets lists the transitions of one STANDARD or DAYLIGHT part, at
// least its first one, then those up to until.
func zoneOnsets(cb *ics.ComponentBase, dst bool, until time.Time) ([]transition, error) {
	start := prop(cb, "DTSTART")
	fromP, toP := prop(cb, "TZOFFSETFROM"), prop(cb, "TZOFFSETTO")
	if start == nil || fromP == nil || toP == nil {
		return nil, errors.New("needs DTSTART, TZOFFSETFROM and TZOFFSETTO")
	}
	first, err := parseDateTime(strings.TrimSuffix(start.Value, "Z"))
	if err != nil {
		return nil, fmt.Errorf("DTSTART: %w", err)
	}
	from, err := parseOffset(fromP.Value)
	if err != nil {
		return nil, fmt.Errorf("TZOFFSETFROM: %w", err)
	}
	to, err := parseOffset(toP.Value)
	if err != nil {
		return nil, fmt.Errorf("TZOFFSETTO: %w", err)
	}
	name := ""
	if p := prop(cb, "TZNAME"); p != nil {
		name = p.Value
	}
	onsets := []time.Time{first}
	for _, p := range props(cb, "RDATE") {
		for v := range strings.SplitSeq(p.Value, ",") {
			t, err := parseDateTime(strings.TrimSuffix(v, "Z"))
			if err != nil {
				return nil, fmt.Errorf("RDATE: %w", err)
			}
			onsets = append(onsets, t)
		}
	}
	if p := prop(cb, "RRULE"); p != nil {
		rule, err := parseRule(p.Value, func(u time.Time, utc bool) time.Time {
			if utc { // UNTIL in UTC: the wall time it shows before the change
				return u.Add(time.Duration(from) * time.Second)
			}
			return u
		})
		if err != nil {
			return nil, fmt.Errorf("RRULE: %w", err)
		}
		if rule.freq != "YEARLY" {
			return nil, fmt.Errorf("RRULE: FREQ=%s: %w (a time zone changes yearly)", rule.freq, ErrUnsupported)
		}
		it, err := rule.iterator(first, until)
		if err != nil {
			return nil, fmt.Errorf("RRULE: %w", err)
		}
		for n := 0; ; n++ {
			t, ok := it.Next()
			if it.err != nil {
				return nil, fmt.Errorf("RRULE: %w", it.err)
			}
			if !ok || t.After(until) {
				break
			}
			if n == maxZoneOnsets {
				return nil, fmt.Errorf("more than %d changes", maxZoneOnsets)
			}
			onsets = append(onsets, t)
		}
	}
	if len(onsets) > maxZoneOnsets {
		return nil, fmt.Errorf("more than %d changes", maxZoneOnsets)
	}
	out := make([]transition, 0, len(onsets))
	for i, t := range onsets {
		if i > 0 && t.After(until) {
			continue
		}
		at := t.Add(-time.Duration(from) * time.Second).Unix()
		out = append(out, transition{at: at, from: from, to: to, dst: dst, name: name})
	}
	return out, nil
}

// loadTZif encodes the transitions as TZif version 2 data (RFC 8536)
// and loads it. Zone type 0 is the offset before the first transition,
// used by no transition, which is how Go picks the zone for earlier
// times.
func loadTZif(name string, trs []transition) (*time.Location, error) {
	type ttype struct {
		off  int
		dst  bool
		name string
	}
	types := []ttype{{trs[0].from, !trs[0].dst, abbrev(trs[0].from, "")}}
	index := make([]byte, len(trs))
	for i, tr := range trs {
		t := ttype{tr.to, tr.dst, abbrev(tr.to, tr.name)}
		j := slices.Index(types[1:], t) + 1
		if j == 0 {
			if len(types) == maxZoneTypes {
				return nil, fmt.Errorf("more than %d offsets", maxZoneTypes)
			}
			types = append(types, t)
			j = len(types) - 1
		}
		index[i] = byte(j)
	}
	var chars []byte
	var info []byte
	for _, t := range types {
		info = binary.BigEndian.AppendUint32(info, uint32(int32(t.off)))
		dst := byte(0)
		if t.dst {
			dst = 1
		}
		info = append(info, dst, byte(len(chars)))
		chars = append(append(chars, t.name...), 0)
	}
	if len(chars) > 255 {
		chars = chars[:0] // abbreviations are cosmetic; keep the offsets
		for i := range types {
			info[i*6+5] = 0
		}
		chars = append(chars, 0)
	}
	header := func(b []byte, timecnt, typecnt, charcnt int) []byte {
		b = append(b, "TZif2"...)
		b = append(b, make([]byte, 15)...)
		for _, n := range []int{0, 0, 0, timecnt, typecnt, charcnt} { // isut, isstd, leap, time, type, char
			b = binary.BigEndian.AppendUint32(b, uint32(n))
		}
		return b
	}
	b := header(nil, 0, 0, 0) // an empty version 1 block: Go reads the 64-bit one
	b = header(b, len(trs), len(types), len(chars))
	for _, tr := range trs {
		b = binary.BigEndian.AppendUint64(b, uint64(tr.at))
	}
	b = append(b, index...)
	b = append(b, info...)
	b = append(b, chars...)
	b = append(b, '\n', '\n') // no rule for times after the last transition
	return time.LoadLocationFromTZData(name, b)
}

// abbrev returns a TZNAME fit for a zone abbreviation, or else the offset
// written as "+0100".
func abbrev(off int, tzname string) string {
	ok := tzname != "" && len(tzname) <= 8
	for _, r := range tzname {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '+' || r == '-') {
			ok = false
		}
	}
	if ok {
		return tzname
	}
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%c%02d%02d", sign, off/3600, off/60%60)
}
