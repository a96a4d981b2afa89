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

// iterator returns the rule's occurrences from dtstart on, as naive
// times, in order. rrule-go steps along the calendar of the times' own
// zone; naive times are in UTC, so the steps follow the wall clock, as
// RFC 5545 wants, and instant turns each into an instant afterwards.
func (r *rule) iterator(dtstart time.Time) (rrule.Next, error) {
	opt := r.opt
	opt.Dtstart = dtstart
	if !r.until {
		// rrule-go's own default ends a rule 292 years after DTSTART,
		// and Outlook's time zones start in 1601.
		opt.Until = endOfTime
	}
	rr, err := rrule.NewRRule(opt)
	if err != nil {
		return nil, err
	}
	return rr.Iterator(), nil
}
