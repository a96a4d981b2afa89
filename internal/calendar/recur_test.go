package calendar

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestJan1AndLeap(t *testing.T) {
	for y := 1; y <= 3000; y++ {
		d := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		if got, want := jan1(y), (int(d.Weekday())+6)%7; got != want {
			t.Fatalf("jan1(%d): got %d, want %d", y, got, want)
		}
		if got, want := leap(y), time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC).YearDay() == 366; got != want {
			t.Fatalf("leap(%d): got %v, want %v", y, got, want)
		}
	}
}

// TestShiftKeepsOccurrences checks that moving a rule's times by
// cycleShift years (to keep rrule-go's walk short) gives the very
// occurrences the rule gives where it is.
func TestShiftKeepsOccurrences(t *testing.T) {
	rules := []string{
		"FREQ=DAILY", "FREQ=DAILY;INTERVAL=3", "FREQ=WEEKLY;BYDAY=MO,WE,FR", "FREQ=WEEKLY;INTERVAL=2;WKST=SU;BYDAY=SU,TU",
		"FREQ=MONTHLY;BYDAY=2WE", "FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;BYMONTHDAY=31", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
		"FREQ=YEARLY", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=YEARLY;BYWEEKNO=1,53;BYDAY=MO", "FREQ=YEARLY;BYYEARDAY=1,100,-1",
		"FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "FREQ=YEARLY;BYMONTH=11;BYDAY=1SU", "FREQ=WEEKLY;UNTIL=20260630T000000Z",
	}
	starts := []string{"1601-01-01 02:00", "1970-03-08 02:00", "1999-12-31 09:00", "2000-02-29 12:00", "2024-02-29 08:00", "2026-01-05 09:00", "2097-06-01 10:00"}
	ends := []string{"2026-12-31 00:00", "2103-01-01 00:00"}
	for _, rs := range rules {
		rl, err := parseRule(rs, func(t time.Time, utc bool) time.Time { return t })
		if err != nil {
			t.Fatalf("%s: %v", rs, err)
		}
		for _, s := range starts {
			for _, e := range ends {
				start, _ := time.Parse("2006-01-02 15:04", s)
				last, _ := time.Parse("2006-01-02 15:04", e)
				if rl.freq == "DAILY" && start.Year() < 1900 {
					continue // 180,000 days for each end: slow, and covered from 1970
				}
				want := collect(t, rl, start, last, 0)
				shift := cycleShift(start, last)
				got := collect(t, rl, start, last, shift)
				if !slices.EqualFunc(got, want, time.Time.Equal) {
					t.Errorf("%s from %s to %s, shifted %d years: got %d occurrences, want %d; first difference at %v",
						rs, s, e, shift, len(got), len(want), firstDiff(got, want))
				}
				if shift == 0 {
					t.Errorf("%s from %s to %s: no shift", rs, s, e)
				}
			}
		}
	}
}

func collect(t *testing.T, rl *rule, start, last time.Time, shift int) []time.Time {
	t.Helper()
	it, err := rl.shifted(start, shift)
	if err != nil {
		t.Fatal(err)
	}
	var out []time.Time
	for {
		o, ok := it.Next()
		if !ok || o.After(last) {
			break
		}
		out = append(out, o)
	}
	if it.err != nil {
		t.Fatal(it.err)
	}
	return out
}

func firstDiff(a, b []time.Time) any {
	for i := range min(len(a), len(b)) {
		if !a[i].Equal(b[i]) {
			return [2]time.Time{a[i], b[i]}
		}
	}
	return "the end of the shorter"
}

func TestParseRuleErrors(t *testing.T) {
	wall := func(t time.Time, utc bool) time.Time { return t }
	for _, tc := range []struct{ rule, want string }{
		{"FREQ=MONTHLY;BYDAY=21FR", "a month has at most five"},
		{"FREQ=YEARLY;BYMONTH=3;BYDAY=-6SU", "a month has at most five"},
		{"FREQ=HOURLY", "not supported"},
		{"FREQ=MINUTELY;COUNT=3", "not supported"},
		{"FREQ=DAILY;RSCALE=HEBREW", "not supported"},
		{"FREQ=YEARLY;BYEASTER=0", "not supported"},
		{"FREQ=DAILY;INTERVAL=0", "INTERVAL=0 is not a number from 1 to 10000"},
		{"FREQ=DAILY;INTERVAL=99999999999999999999", "is not a number"},
		{"FREQ=DAILY;COUNT=-1", "COUNT=-1 is not a positive number"},
		{"FREQ=FORTNIGHTLY", "not a frequency"},
		{"BYDAY=MO", "no FREQ"},
		{"FREQ=DAILY;UNTIL=2026", "UNTIL"},
		{"FREQ=DAILY;BYDAY", "is not NAME=VALUE"},
		{"FREQ=WEEKLY;BYMONTHDAY=32", "bymonthday"},
	} {
		rl, err := parseRule(tc.rule, wall)
		if err == nil {
			_, err = rl.iterator(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error saying %q", tc.rule, err, tc.want)
		}
		if strings.Contains(tc.want, "supported") && !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: got %v, want ErrUnsupported", tc.rule, err)
		}
	}
}

// TestRRuleGoPanics: a panic inside rrule-go becomes the event's error.
func TestRRuleGoPanics(t *testing.T) {
	it := &occurrences{next: func() (time.Time, bool) { panic("index out of range [383] with length 382") }}
	if _, ok := it.Next(); ok || it.err == nil || !strings.Contains(it.err.Error(), "rrule-go cannot expand this rule: index out of range") {
		t.Errorf("got ok %v, err %v; want false and rrule-go's panic as an error", ok, it.err)
	}
	if _, ok := it.Next(); ok {
		t.Error("after the panic: got another occurrence")
	}
}
