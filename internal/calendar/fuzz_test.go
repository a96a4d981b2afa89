package calendar_test

import (
	"testing"
	"time"

	"github.com/cassidine/site/internal/calendar"
)

// FuzzParse feeds Parse arbitrary bytes: it must not panic or hang, and
// what it returns must keep its promises.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"google.ics", "outlook.ics", "icloud.ics"} {
		f.Add(readFixture(f, name))
	}
	f.Add(ics(vevent("a", "DTSTART;TZID=America/New_York:20260308T023000", "DURATION:P1DT2H",
		"RRULE:FREQ=MONTHLY;BYDAY=-1SU;BYSETPOS=1;COUNT=5", "EXDATE;VALUE=DATE:20260412",
		"RDATE;VALUE=PERIOD:20260310T150000Z/PT2H")...))
	f.Add(ics(vevent("b", "DTSTART;VALUE=DATE:20260310", "RRULE:FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO")...))
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		f.Fatal(err)
	}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
	to := from.AddDate(1, 0, 0)
	f.Fuzz(func(t *testing.T, data []byte) {
		feed, err := calendar.Parse(data, loc, from, to)
		if err != nil {
			if feed.Busy != nil || feed.Skipped != nil {
				t.Errorf("got %+v with error %v, want nothing", feed, err)
			}
			return
		}
		for i, iv := range feed.Busy {
			if !iv.End.After(iv.Start) {
				t.Errorf("interval %d: %v–%v is empty", i, iv.Start, iv.End)
			}
			if !iv.End.After(from) || !iv.Start.Before(to) {
				t.Errorf("interval %d: %v–%v is outside the window", i, iv.Start, iv.End)
			}
			if i > 0 && !iv.Start.After(feed.Busy[i-1].End) {
				t.Errorf("intervals %d and %d overlap or touch", i-1, i)
			}
		}
		for _, e := range feed.Skipped {
			if e.Err == nil {
				t.Errorf("event %q skipped without a reason", e.UID)
			}
		}
	})
}
