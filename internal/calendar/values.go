package calendar

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// prop returns cb's first property called name, which iCalendar compares
// without regard to case, or nil.
func prop(cb *ics.ComponentBase, name string) *ics.IANAProperty {
	for i := range cb.Properties {
		if strings.EqualFold(cb.Properties[i].IANAToken, name) {
			return &cb.Properties[i]
		}
	}
	return nil
}

// props returns all of cb's properties called name.
func props(cb *ics.ComponentBase, name string) []*ics.IANAProperty {
	var out []*ics.IANAProperty
	for i := range cb.Properties {
		if strings.EqualFold(cb.Properties[i].IANAToken, name) {
			out = append(out, &cb.Properties[i])
		}
	}
	return out
}

// param returns the value of p's parameter called name, or "".
func param(p *ics.IANAProperty, name string) string {
	for k, v := range p.ICalParameters {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
	}
	return ""
}

// parseDate parses a DATE value, "20060102", as a naive midnight.
func parseDate(s string) (time.Time, error) {
	if len(s) != 8 {
		return time.Time{}, fmt.Errorf("%q is not a date (YYYYMMDD)", s)
	}
	t, err := time.Parse("20060102", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date (YYYYMMDD)", s)
	}
	return t, nil
}

// parseDateTime parses a DATE-TIME value without its "Z",
// "20060102T150405", as a naive time.
func parseDateTime(s string) (time.Time, error) {
	if len(s) != 15 {
		return time.Time{}, fmt.Errorf("%q is not a date-time (YYYYMMDDTHHMMSS)", s)
	}
	t, err := time.Parse("20060102T150405", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date-time (YYYYMMDDTHHMMSS)", s)
	}
	return t, nil
}

// parseOffset parses a UTC-OFFSET value, "+0100", "-0800" or "+053000",
// as seconds east of UTC.
func parseOffset(s string) (int, error) {
	s = strings.TrimSpace(s)
	bad := fmt.Errorf("%q is not a UTC offset (+HHMM)", s)
	if (len(s) != 5 && len(s) != 7) || (s[0] != '+' && s[0] != '-') {
		return 0, bad
	}
	var f [3]int
	for i := 0; 1+2*i < len(s); i++ {
		n, err := strconv.Atoi(s[1+2*i : 3+2*i])
		if err != nil || n < 0 {
			return 0, bad
		}
		f[i] = n
	}
	if f[0] > 23 || f[1] > 59 || f[2] > 59 {
		return 0, bad
	}
	off := f[0]*3600 + f[1]*60 + f[2]
	if s[0] == '-' {
		off = -off
	}
	return off, nil
}

// duration is a DURATION value: its days and weeks are nominal (a day is
// the same wall time the next day, 23 or 25 hours across a change of
// offset), its hours, minutes and seconds exact (RFC 5545 3.3.6).
type duration struct {
	days  int
	exact time.Duration
}

// maxDurationDays bounds a duration, so that the arithmetic on it cannot
// overflow; no event lasts a century.
const maxDurationDays = 100 * 366

// parseDuration parses a DURATION value such as "PT1H30M", "P1D" or
// "P2W". A negative duration is an error: an event cannot end before it
// starts.
func parseDuration(s string) (duration, error) {
	orig := s
	bad := fmt.Errorf("%q is not a duration (e.g. PT1H30M, P1D)", orig)
	s = strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "+")
	if strings.HasPrefix(s, "-") {
		return duration{}, fmt.Errorf("%q is negative", orig)
	}
	s, ok := strings.CutPrefix(s, "P")
	if !ok || s == "" {
		return duration{}, bad
	}
	var d duration
	var seconds int64
	inTime := false
	for s != "" {
		if s[0] == 'T' {
			if inTime || len(s) == 1 {
				return duration{}, bad
			}
			inTime, s = true, s[1:]
			continue
		}
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i > 9 || i == len(s) {
			return duration{}, bad
		}
		n, _ := strconv.Atoi(s[:i])
		unit := s[i]
		s = s[i+1:]
		switch {
		case !inTime && unit == 'W':
			d.days += 7 * n
		case !inTime && unit == 'D':
			d.days += n
		case inTime && unit == 'H':
			seconds += int64(n) * 3600
		case inTime && unit == 'M':
			seconds += int64(n) * 60
		case inTime && unit == 'S':
			seconds += int64(n)
		default:
			return duration{}, bad
		}
		if d.days > maxDurationDays || seconds > maxDurationDays*86400 {
			return duration{}, fmt.Errorf("%q is longer than a century", orig)
		}
	}
	d.exact = time.Duration(seconds) * time.Second
	return d, nil
}

// when is a DATE or DATE-TIME value as the feed writes it.
type when struct {
	wall time.Time      // its date and time as written (naive)
	date bool           // a DATE: wall is a midnight
	loc  *time.Location // UTC for "Z", the TZID's zone, else the default zone
}

// at returns the instant w names.
func (w when) at() time.Time { return instant(w.wall, w.loc) }

// errNoValue is a date or time property without a value.
var errNoValue = errors.New("no value")

// whenValue parses one value of property p: a DATE when it is eight
// digits or p says VALUE=DATE, else a DATE-TIME in UTC ("Z"), in p's
// TZID, or floating (in the default zone).
func (r *reader) whenValue(p *ics.IANAProperty, v string) (when, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return when{}, errNoValue
	}
	if strings.EqualFold(param(p, "VALUE"), "DATE") || len(v) == 8 {
		t, err := parseDate(v)
		return when{wall: t, date: true, loc: r.zone}, err
	}
	if s, ok := strings.CutSuffix(v, "Z"); ok {
		t, err := parseDateTime(s)
		return when{wall: t, loc: time.UTC}, err
	}
	t, err := parseDateTime(v)
	if err != nil {
		return when{}, err
	}
	loc := r.zone
	if tzid := param(p, "TZID"); tzid != "" {
		if loc, err = r.zones.lookup(tzid); err != nil {
			return when{}, err
		}
	}
	return when{wall: t, loc: loc}, nil
}

// whenProp parses the single value of property p.
func (r *reader) whenProp(p *ics.IANAProperty) (when, error) {
	w, err := r.whenValue(p, p.Value)
	if err != nil {
		return when{}, fmt.Errorf("%s: %w", strings.ToUpper(p.IANAToken), err)
	}
	return w, nil
}
