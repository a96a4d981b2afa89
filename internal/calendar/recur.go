package calendar

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/teambition/rrule-go"
)

// ErrUnsupported is a part of a feed this package does not read: see
// "What is not supported" in the package doc.
var ErrUnsupported = errors.New("not supported")

// maxInterval bounds INTERVAL. rrule-go adds it to a day or month count,
// and nobody meets every ten thousand weeks.
const maxInterval = 10000

// rule is one RRULE, read for rrule-go.
type rule struct {
	freq  string
	opt   rrule.ROption // without Dtstart; Until is naive
	until bool          // the rule has an UNTIL
}

// parseRule reads an RRULE value. A DATE-TIME UNTIL becomes a naive time
// through untilWall, told whether it was written in UTC; a DATE UNTIL
// takes in the whole of its day.
func parseRule(value string, untilWall func(t time.Time, utc bool) time.Time) (*rule, error) {
	r := &rule{}
	var kept []string
	var until string
	for part := range strings.SplitSeq(strings.ToUpper(strings.TrimSpace(value)), ";") {
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok || v == "" {
			return nil, fmt.Errorf("%q is not NAME=VALUE", part)
		}
		switch k {
		case "FREQ":
			r.freq = v
		case "UNTIL":
			until = v
			continue
		case "INTERVAL":
			if n, err := strconv.Atoi(v); err != nil || n < 1 || n > maxInterval {
				return nil, fmt.Errorf("INTERVAL=%s is not a number from 1 to %d", v, maxInterval)
			}
		case "COUNT":
			if n, err := strconv.Atoi(v); err != nil || n < 1 {
				return nil, fmt.Errorf("COUNT=%s is not a positive number", v)
			}
		case "RSCALE", "SKIP", "BYEASTER": // RFC 7529 calendars; rrule-go's own extension
			return nil, fmt.Errorf("%s: %w", k, ErrUnsupported)
		default:
			if strings.HasPrefix(k, "X-") { // e.g. Evolution's X-EVOLUTION-ENDDATE
				continue
			}
		}
		kept = append(kept, part)
	}
	switch r.freq {
	case "DAILY", "WEEKLY", "MONTHLY", "YEARLY":
	case "":
		return nil, errors.New("no FREQ")
	case "SECONDLY", "MINUTELY", "HOURLY":
		// No calendar's editor makes them, and rrule-go can loop for
		// ever on some (FREQ=HOURLY;INTERVAL=2;BYHOUR=3 from midnight).
		return nil, fmt.Errorf("FREQ=%s: %w", r.freq, ErrUnsupported)
	default:
		return nil, fmt.Errorf("FREQ=%s is not a frequency", r.freq)
	}
	opt, err := rrule.StrToROption(strings.Join(kept, ";"))
	if err != nil {
		return nil, err
	}
	r.opt = *opt
	if r.freq == "MONTHLY" || r.freq == "YEARLY" && len(opt.Bymonth) > 0 {
		// An ordinal counts weekdays within a month: at most five. rrule-go
		// checks ±53 only, and indexes past its arrays with more.
		for _, d := range opt.Byweekday {
			if n := d.N(); n > 5 || n < -5 {
				return nil, fmt.Errorf("BYDAY=%s: a month has at most five of each weekday", d)
			}
		}
	}
	if until != "" {
		r.until = true
		if len(until) == 8 {
			t, err := parseDate(until)
			if err != nil {
				return nil, fmt.Errorf("UNTIL: %w", err)
			}
			r.opt.Until = t.Add(24*time.Hour - time.Second)
		} else {
			s, utc := strings.CutSuffix(until, "Z")
			t, err := parseDateTime(s)
			if err != nil {
				return nil, fmt.Errorf("UNTIL: %w", err)
			}
			r.opt.Until = untilWall(t, utc)
		}
	}
	return r, nil
}

// endOfTime is the UNTIL of a rule without one: rrule-go stops there
// anyway.
var endOfTime = time.Date(rrule.MAXYEAR, 12, 31, 23, 59, 59, 0, time.UTC)

// occurrences iterates over a rule's occurrences as naive times.
type occurrences struct {
	next  rrule.Next
	shift int   // years added to the rule's times for rrule-go; see iterator
	err   error // rrule-go failed
}

// Next returns the next occurrence, or false at the end or when rrule-go
// fails (then err says so).
func (o *occurrences) Next() (t time.Time, ok bool) {
	defer func() {
		// rrule-go panics on some rules no calendar writes (found by
		// fuzzing); a feed is untrusted input, so that is an error of
		// the event, not a crash of the function.
		if p := recover(); p != nil {
			o.err = fmt.Errorf("rrule-go cannot expand this rule: %v", p)
			t, ok = time.Time{}, false
		}
	}()
	if o.err != nil {
		return time.Time{}, false
	}
	t, ok = o.next()
	return t.AddDate(-o.shift, 0, 0), ok
}

// iterator returns the rule's occurrences from dtstart on, as naive
// times, in order. rrule-go steps along the calendar of the times' own
// zone; naive times are in UTC, so the steps follow the wall clock, as
// RFC 5545 wants, and instant turns each into an instant afterwards.
//
// rrule-go tests UNTIL only against occurrences it finds, so a rule that
// never (or seldom) matches, such as FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30,
// walks every day up to the year 9999 whatever its UNTIL: tenths of a
// second per event. So the rule's times are moved forward by as many
// years as puts last, the end of the window, close to 9999 without
// changing their calendar (see cycleShift), and the walk past the window
// is short.
func (r *rule) iterator(dtstart, last time.Time) (*occurrences, error) {
	return r.shifted(dtstart, cycleShift(dtstart, last))
}

// shifted is iterator with the times moved by shift years.
func (r *rule) shifted(dtstart time.Time, shift int) (it *occurrences, err error) {
	defer func() {
		if p := recover(); p != nil {
			it, err = nil, fmt.Errorf("rrule-go cannot read this rule: %v", p)
		}
	}()
	opt := r.opt
	opt.Dtstart = dtstart.AddDate(shift, 0, 0)
	opt.Until = endOfTime // rrule-go's own default ends a rule 292 years after DTSTART, and Outlook's zones start in 1601
	if r.until {
		opt.Until = r.opt.Until.AddDate(shift, 0, 0)
	}
	rr, err := rrule.NewRRule(opt)
	if err != nil {
		return nil, err
	}
	return &occurrences{next: rr.Iterator(), shift: shift}, nil
}

// cycleShift returns the most years by which naive times from first to
// last can be moved, keeping last before rrule-go's final year, without
// changing their calendar: each year from the one before first to the
// one after last lands on a year of the same length that starts on the
// same weekday (rrule-go looks at the neighbouring years for week
// numbers). The Gregorian calendar repeats every 400 years, so the search
// ends within 400 tries; within a century it often repeats after 28.
func cycleShift(first, last time.Time) int {
	from, to := first.Year()-1, last.Year()+1
	if from < 1 || to >= rrule.MAXYEAR {
		return 0
	}
	for s := rrule.MAXYEAR - to; s > 0; s-- {
		if sameYears(from, to, s) {
			return s
		}
	}
	return 0
}

// sameYears reports whether years from to to have the same calendars as
// those s years later.
func sameYears(from, to, s int) bool {
	for y := from; y <= to; y++ {
		if leap(y) != leap(y+s) || jan1(y) != jan1(y+s) {
			return false
		}
	}
	return true
}

func leap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// jan1 returns the weekday of 1 January of year y (1 or later), 0 for
// Monday: 1 January of year 1 was a Monday in the proleptic Gregorian
// calendar.
func jan1(y int) int {
	p := y - 1
	return (365*p + p/4 - p/100 + p/400) % 7
}
