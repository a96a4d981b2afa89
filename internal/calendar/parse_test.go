package calendar_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cassidine/site/internal/calendar"
)

// TestFixtures reads a month of each service's feed, as each publishes
// it, in the consultant's zone. Each window crosses changes of offset:
// New York springs forward on 8 March 2026 and London on 29 March; London
// falls back on 25 October 2026 and the US on 1 November.
func TestFixtures(t *testing.T) {
	for _, tc := range []struct {
		file, zone, from, to string
		want                 []string
		skipped              []string // UIDs of the events left out
	}{
		{
			file: "google.ics", zone: "America/New_York", from: "2026-03-02", to: "2026-04-06",
			want: []string{
				// The standup, weekdays until UNTIL (in UTC) on the Friday.
				"Mon 2026-03-02 08:30 EST – 08:45 EST",
				// The weekly meeting at 09:00 on the wall clock, EST then EDT.
				"Mon 2026-03-02 09:00 EST – 10:00 EST",
				"Tue 2026-03-03 08:30 EST – 08:45 EST",
				"Wed 2026-03-04 08:30 EST – 08:45 EST",
				// Every other Wednesday at 15:00 in London: five hours
				// behind, then four after New York's change, then London's.
				"Wed 2026-03-04 10:00 EST – 11:00 EST",
				"Thu 2026-03-05 08:30 EST – 08:45 EST",
				"Thu 2026-03-05 16:00 EST – 16:30 EST",
				"Fri 2026-03-06 08:30 EST – 08:45 EST",
				"Mon 2026-03-09 09:00 EDT – 10:00 EDT",
				"Tue 2026-03-10 13:00 EDT – 13:30 EDT", // in UTC; the cancelled 11:00 is gone
				// Two all-day days, busy; the 1:1 at 16:00 on the 12th is
				// inside them; the birthday is free, the focus time too.
				"Thu 2026-03-12 00:00 EDT – Sat 2026-03-14 00:00 EDT",
				"Wed 2026-03-18 11:00 EDT – 12:00 EDT",
				// 16 March is an EXDATE; 23 March moved to Tuesday 14:00; the
				// 1:1 of 19 March is a cancelled occurrence.
				"Tue 2026-03-24 14:00 EDT – 15:00 EDT",
				// Three days' offsite holds the 1:1 of the 26th.
				"Wed 2026-03-25 18:00 EDT – Fri 2026-03-27 12:00 EDT",
				"Mon 2026-03-30 09:00 EDT – 10:00 EDT",
				"Wed 2026-04-01 10:00 EDT – 11:00 EDT", // COUNT=3: the last one
				"Thu 2026-04-02 16:00 EDT – 16:30 EDT", // UNTIL is this very start
			},
		},
		{
			file: "outlook.ics", zone: "America/Los_Angeles", from: "2026-10-19", to: "2026-11-09",
			want: []string{
				// "GMT Standard Time", 16:00: 8 hours apart, then 7 for a week.
				"Mon 2026-10-19 08:00 PDT – 09:00 PDT",
				"Tue 2026-10-20 10:00 PDT – 11:00 PDT",
				// "Customized Time Zone", only in its VTIMEZONE (CET), 18:00.
				"Wed 2026-10-21 09:00 PDT – 10:00 PDT",
				"Mon 2026-10-26 09:00 PDT – 10:00 PDT",
				"Tue 2026-10-27 10:00 PDT – 11:00 PDT",
				"Wed 2026-10-28 10:00 PDT – 11:00 PDT",
				"Fri 2026-10-30 07:00 PDT – 08:00 PDT", // the last Friday (BYDAY=-1FR)
				"Fri 2026-10-30 13:00 PDT – 14:00 PDT", // Thursday's, moved
				// 01:30 the first time round, to 02:30 after falling back.
				"Sun 2026-11-01 01:30 PDT – 02:30 PST",
				"Mon 2026-11-02 08:00 PST – 09:00 PST", // the cancelled demo is gone
				"Tue 2026-11-03 10:00 PST – 11:00 PST",
				"Wed 2026-11-04 12:00 PST – 12:30 PST", // tentative is busy
				"Thu 2026-11-05 10:00 PST – 11:00 PST",
				"Fri 2026-11-06 00:00 PST – Sat 2026-11-07 00:00 PST", // out of office, all day
			},
			skipped: []string{"0A5E7C39-8B21-4D6F-A9E3-4F1C2B7D0E86"}, // "Mars Standard Time"
		},
		{
			file: "icloud.ics", zone: "Europe/London", from: "2026-10-19", to: "2026-11-09",
			want: []string{
				"Tue 2026-10-20 14:00 BST – 15:00 BST", // the 09:30 occurrence, moved
				"Wed 2026-10-21 12:00 BST – 13:00 BST", // floating: the consultant's zone
				"Fri 2026-10-23 14:00 BST – 15:30 BST", // New York time, with DURATION
				"Sat 2026-10-24 09:00 BST – Mon 2026-10-26 17:00 GMT",
				"Thu 2026-10-29 00:00 GMT – Sat 2026-10-31 00:00 GMT", // DTEND is exclusive
				"Mon 2026-11-02 17:00 GMT – 18:00 GMT",
				"Tue 2026-11-03 09:30 GMT – 10:30 GMT", // 27 October is an EXDATE
				"Tue 2026-11-03 17:00 GMT – 18:00 GMT",
				"Thu 2026-11-05 00:00 GMT – Fri 2026-11-06 00:00 GMT", // no DTEND: one day
				"Fri 2026-11-06 17:00 GMT – 18:00 GMT",                // the RDATE
			},
		},
	} {
		t.Run(tc.file, func(t *testing.T) {
			loc := loadZone(t, tc.zone)
			feed, err := calendar.Parse(readFixture(t, tc.file), loc, at(t, loc, tc.from), at(t, loc, tc.to))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := describe(feed.Busy, loc); !slices.Equal(got, tc.want) {
				t.Errorf("busy:\ngot  %q\nwant %q", got, tc.want)
			}
			var skipped []string
			for _, e := range feed.Skipped {
				skipped = append(skipped, e.UID)
			}
			if !slices.Equal(skipped, tc.skipped) {
				t.Errorf("skipped: got %q, want %q (%v)", skipped, tc.skipped, feed.Err())
			}
			for _, iv := range feed.Busy {
				if iv.Start.Location() != time.UTC || iv.End.Location() != time.UTC {
					t.Errorf("interval %v–%v: want UTC times", iv.Start, iv.End)
				}
			}
		})
	}
}

// TestFixtureFormat checks the fixtures are written as the services
// write feeds: CRLF line ends, lines folded at 75 octets.
func TestFixtureFormat(t *testing.T) {
	for _, name := range []string{"google.ics", "outlook.ics", "icloud.ics"} {
		data := readFixture(t, name)
		if !bytes.HasSuffix(data, []byte("END:VCALENDAR\r\n")) {
			t.Errorf("%s: does not end with END:VCALENDAR and CRLF", name)
		}
		folded := 0
		for i, line := range strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n") {
			if strings.ContainsAny(line, "\r\n") {
				t.Errorf("%s:%d: a bare CR or LF", name, i+1)
			}
			if len(line) > 75 {
				t.Errorf("%s:%d: %d octets, more than 75", name, i+1, len(line))
			}
			if strings.HasPrefix(line, " ") {
				folded++
			}
		}
		if folded == 0 {
			t.Errorf("%s: no folded line", name)
		}
	}
}

// TestParse covers one rule at a time with small feeds.
func TestParse(t *testing.T) {
	const newYork = "America/New_York"
	tzNY := func(prop, value string) string { return prop + ";TZID=America/New_York:" + value }
	for _, tc := range []struct {
		name     string
		zone     string // the default zone
		from, to string // in the default zone
		lines    []string
		want     []string
		skipped  error // an event left out, and why
	}{
		{
			name: "a time the clock skips is read with the offset before the change",
			zone: newYork, from: "2026-03-08", to: "2026-03-09",
			lines: vevent("gap", tzNY("DTSTART", "20260308T023000"), tzNY("DTEND", "20260308T040000")),
			want:  []string{"Sun 2026-03-08 03:30 EDT – 04:00 EDT"},
		},
		{
			name: "a time the clock shows twice is the first",
			zone: newYork, from: "2026-11-01", to: "2026-11-02",
			lines: vevent("twice", tzNY("DTSTART", "20261101T013000"), tzNY("DTEND", "20261101T014500")),
			want:  []string{"Sun 2026-11-01 01:30 EDT – 01:45 EDT"},
		},
		{
			name: "a daily rule keeps its wall time across the change",
			zone: newYork, from: "2026-03-07", to: "2026-03-10",
			lines: vevent("daily", tzNY("DTSTART", "20260307T093000"), tzNY("DTEND", "20260307T100000"), "RRULE:FREQ=DAILY;COUNT=3"),
			want: []string{
				"Sat 2026-03-07 09:30 EST – 10:00 EST",
				"Sun 2026-03-08 09:30 EDT – 10:00 EDT",
				"Mon 2026-03-09 09:30 EDT – 10:00 EDT",
			},
		},
		{
			name: "a nominal day of DURATION is 23 hours across springing forward",
			zone: newYork, from: "2026-03-07", to: "2026-03-10",
			lines: vevent("p1d", tzNY("DTSTART", "20260307T120000"), "DURATION:P1D"),
			want:  []string{"Sat 2026-03-07 12:00 EST – Sun 2026-03-08 12:00 EDT"},
		},
		{
			name: "hours of DURATION are exact",
			zone: newYork, from: "2026-03-07", to: "2026-03-10",
			lines: vevent("pt24h", tzNY("DTSTART", "20260307T120000"), "DURATION:PT24H"),
			want:  []string{"Sat 2026-03-07 12:00 EST – Sun 2026-03-08 13:00 EDT"},
		},
		{
			name: "a floating time is in the default zone",
			zone: "Asia/Kolkata", from: "2026-03-10", to: "2026-03-11",
			lines: vevent("floating", "DTSTART:20260310T090000", "DTEND:20260310T100000"),
			want:  []string{"Tue 2026-03-10 09:00 IST – 10:00 IST"},
		},
		{
			name: "an all-day event is the default zone's day",
			zone: "Asia/Kolkata", from: "2026-03-10", to: "2026-03-11",
			lines: vevent("allday", "DTSTART;VALUE=DATE:20260310"),
			want:  []string{"Tue 2026-03-10 00:00 IST – Wed 2026-03-11 00:00 IST"},
		},
		{
			name: "all-day occurrences until a DATE UNTIL merge into one interval",
			zone: "UTC", from: "2026-03-01", to: "2026-04-01",
			lines: vevent("days", "DTSTART;VALUE=DATE:20260310", "DTEND;VALUE=DATE:20260311", "RRULE:FREQ=DAILY;UNTIL=20260312"),
			want:  []string{"Tue 2026-03-10 00:00 UTC – Fri 2026-03-13 00:00 UTC"},
		},
		{
			name: "a Windows zone name needs no VTIMEZONE",
			zone: "UTC", from: "2026-03-10", to: "2026-03-11",
			lines: vevent("windows", "DTSTART;TZID=W. Europe Standard Time:20260310T090000", "DTEND;TZID=W. Europe Standard Time:20260310T100000"),
			want:  []string{"Tue 2026-03-10 08:00 UTC – 09:00 UTC"},
		},
		{
			name: "a quoted TZID, and a globally unique one",
			zone: "UTC", from: "2026-03-10", to: "2026-03-11",
			lines: vevent("mozilla", `DTSTART;TZID="/mozilla.org/20050126_1/America/New_York":20260310T090000`, "DURATION:PT1H"),
			want:  []string{"Tue 2026-03-10 13:00 UTC – 14:00 UTC"},
		},
		{
			name: "EXDATE in UTC removes the occurrence of a zoned series",
			zone: newYork, from: "2026-03-09", to: "2026-03-12",
			lines: vevent("exutc", tzNY("DTSTART", "20260309T090000"), "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=3", "EXDATE:20260310T130000Z"),
			want:  []string{"Mon 2026-03-09 09:00 EDT – 10:00 EDT", "Wed 2026-03-11 09:00 EDT – 10:00 EDT"},
		},
		{
			name: "EXDATE as a date removes that day's occurrence",
			zone: newYork, from: "2026-03-09", to: "2026-03-12",
			lines: vevent("exdate", tzNY("DTSTART", "20260309T090000"), "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=3", "EXDATE;VALUE=DATE:20260310,20260311"),
			want:  []string{"Mon 2026-03-09 09:00 EDT – 10:00 EDT"},
		},
		{
			name: "RDATE periods have their own ends",
			zone: "UTC", from: "2026-03-10", to: "2026-03-20",
			lines: vevent("period", "DTSTART:20260310T090000Z", "DTEND:20260310T093000Z",
				"RDATE;VALUE=PERIOD:20260312T150000Z/PT2H,20260313T150000Z/20260313T153000Z"),
			want: []string{
				"Tue 2026-03-10 09:00 UTC – 09:30 UTC",
				"Thu 2026-03-12 15:00 UTC – 17:00 UTC",
				"Fri 2026-03-13 15:00 UTC – 15:30 UTC",
			},
		},
		{
			name: "the second Wednesday of each month, and a moved one",
			zone: "UTC", from: "2026-01-01", to: "2026-05-01",
			lines: events(
				vevent("monthly", "DTSTART:20260114T150000Z", "DTEND:20260114T160000Z", "RRULE:FREQ=MONTHLY;BYDAY=2WE"),
				vevent("monthly", "RECURRENCE-ID:20260311T150000Z", "DTSTART:20260312T100000Z", "DTEND:20260312T110000Z"),
			),
			want: []string{
				"Wed 2026-01-14 15:00 UTC – 16:00 UTC",
				"Wed 2026-02-11 15:00 UTC – 16:00 UTC",
				"Thu 2026-03-12 10:00 UTC – 11:00 UTC",
				"Wed 2026-04-08 15:00 UTC – 16:00 UTC",
			},
		},
		{
			name: "a replacement with a bad RECURRENCE-ID is left out, and its series keeps the occurrence",
			zone: "UTC", from: "2026-03-01", to: "2026-04-01",
			lines: events(
				vevent("series", "DTSTART:20260302T090000Z", "DURATION:PT1H", "RRULE:FREQ=WEEKLY;COUNT=2"),
				vevent("series", "RECURRENCE-ID;TZID=Nowhere:20260309T090000", "DTSTART:20260310T090000Z", "DURATION:PT1H"),
			),
			want:    []string{"Mon 2026-03-02 09:00 UTC – 10:00 UTC", "Mon 2026-03-09 09:00 UTC – 10:00 UTC"},
			skipped: calendar.ErrUnknownZone,
		},
		{
			name: "a replacement without its series counts on its own",
			zone: "UTC", from: "2026-03-01", to: "2026-04-01",
			lines: vevent("orphan", "RECURRENCE-ID:20260310T090000Z", "DTSTART:20260310T100000Z", "DTEND:20260310T110000Z"),
			want:  []string{"Tue 2026-03-10 10:00 UTC – 11:00 UTC"},
		},
		{
			name: "an opaque replacement of a free series",
			zone: "UTC", from: "2026-03-01", to: "2026-04-01",
			lines: events(
				vevent("free", "DTSTART:20260302T090000Z", "DURATION:PT1H", "RRULE:FREQ=WEEKLY;COUNT=4", "TRANSP:TRANSPARENT"),
				vevent("free", "RECURRENCE-ID:20260309T090000Z", "DTSTART:20260309T090000Z", "DURATION:PT1H", "TRANSP:OPAQUE"),
			),
			want: []string{"Mon 2026-03-09 09:00 UTC – 10:00 UTC"},
		},
		{
			name: "cancelled and free events, and those that take no time, add nothing",
			zone: "UTC", from: "2026-03-01", to: "2026-04-01",
			lines: events(
				vevent("cancelled", "DTSTART:20260302T090000Z", "DURATION:PT1H", "RRULE:FREQ=WEEKLY", "STATUS:CANCELLED"),
				vevent("outlook-free", "DTSTART:20260303T090000Z", "DURATION:PT1H", "X-MICROSOFT-CDO-BUSYSTATUS:FREE"),
				vevent("elsewhere", "DTSTART:20260303T090000Z", "DURATION:PT1H", "X-MICROSOFT-CDO-BUSYSTATUS:WORKINGELSEWHERE"),
				vevent("instant", "DTSTART:20260304T090000Z"),
				vevent("backwards", "DTSTART:20260305T090000Z", "DTEND:20260305T080000Z"),
			),
			want: []string{},
		},
		{
			name: "an event wider than the window is returned whole",
			zone: "UTC", from: "2026-03-10", to: "2026-03-11",
			lines: vevent("long", "DTSTART;VALUE=DATE:20260301", "DTEND;VALUE=DATE:20260401"),
			want:  []string{"Sun 2026-03-01 00:00 UTC – Wed 2026-04-01 00:00 UTC"},
		},
		{
			name: "an event ending as the window starts is left out, one ending after is in",
			zone: "UTC", from: "2026-03-10", to: "2026-03-11",
			lines: events(
				vevent("before", "DTSTART:20260309T230000Z", "DTEND:20260310T000000Z"),
				vevent("into", "DTSTART:20260309T233000Z", "DTEND:20260310T000100Z"),
				vevent("after", "DTSTART:20260311T000000Z", "DTEND:20260311T010000Z"),
			),
			want: []string{"Mon 2026-03-09 23:30 UTC – Tue 2026-03-10 00:01 UTC"},
		},
		{
			name: "lower-case names and parameters, a byte-order mark, X- parts of a rule",
			zone: "UTC", from: "2026-03-01", to: "2026-04-01",
			lines: vevent("lower", "dtstart;tzid=Europe/London:20260302T090000", "duration:PT1H",
				"rrule:freq=weekly;count=2;x-evolution-enddate=20260309T090000Z"),
			want: []string{"Mon 2026-03-02 09:00 UTC – 10:00 UTC", "Mon 2026-03-09 09:00 UTC – 10:00 UTC"},
		},
		{
			name: "a rule that never matches ends",
			zone: "UTC", from: "2026-03-01", to: "2026-04-01",
			lines: vevent("never", "DTSTART:20260302T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"),
			want:  []string{"Mon 2026-03-02 09:00 UTC – 10:00 UTC"}, // DTSTART is always an occurrence
		},
		{
			name: "an unknown zone is reported, not read as UTC",
			zone: "UTC", from: "2026-03-01", to: "2026-04-01",
			lines: vevent("mars", "DTSTART;TZID=Olympus Mons:20260302T090000", "DURATION:PT1H"),
			want:  []string{}, skipped: calendar.ErrUnknownZone,
		},
		{
			name: "an hourly rule is not supported",
			zone: "UTC", from: "2026-03-01", to: "2026-04-01",
			lines: vevent("hourly", "DTSTART:20260302T000000Z", "DURATION:PT30M", "RRULE:FREQ=HOURLY;INTERVAL=2;BYHOUR=3"),
			want:  []string{}, skipped: calendar.ErrUnsupported,
		},
		{
			name: "an event repeating too often is left out",
			zone: "UTC", from: "2026-03-01", to: "2026-04-01",
			lines: vevent("since1850", "DTSTART:18500101T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY"),
			want:  []string{}, skipped: calendar.ErrTooLarge,
		},
		{
			name: "a malformed event is left out, the others kept",
			zone: "UTC", from: "2026-03-01", to: "2026-04-01",
			lines: events(
				vevent("bad", "DTSTART:20260302T0900", "DURATION:PT1H"),
				vevent("good", "DTSTART:20260302T100000Z", "DURATION:PT1H"),
			),
			want: []string{"Mon 2026-03-02 10:00 UTC – 11:00 UTC"}, skipped: errors.New("not a date-time"),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loc := loadZone(t, tc.zone)
			data := ics(tc.lines...)
			if strings.Contains(tc.name, "byte-order mark") {
				data = append([]byte("\xef\xbb\xbf"), data...)
			}
			feed, err := calendar.Parse(data, loc, at(t, loc, tc.from), at(t, loc, tc.to))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := describe(feed.Busy, loc); !slices.Equal(got, tc.want) {
				t.Errorf("busy:\ngot  %q\nwant %q", got, tc.want)
			}
			switch {
			case tc.skipped == nil && len(feed.Skipped) > 0:
				t.Errorf("skipped: got %v, want none", feed.Err())
			case tc.skipped != nil && len(feed.Skipped) != 1:
				t.Errorf("skipped: got %v, want one event (%v)", feed.Err(), tc.skipped)
			case tc.skipped != nil && !errors.Is(feed.Skipped[0], tc.skipped) && !strings.Contains(feed.Skipped[0].Error(), tc.skipped.Error()):
				t.Errorf("skipped: got %v, want %v", feed.Skipped[0], tc.skipped)
			}
		})
	}
}

func TestParseFeedErrors(t *testing.T) {
	utc := time.UTC
	from, to := at(t, utc, "2026-03-01"), at(t, utc, "2026-04-01")
	event := vevent("e", "DTSTART:20260302T090000Z", "DURATION:PT1H")
	complete := ics(event...)
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"an HTML page", []byte("<!doctype html><title>Sign in</title>"), "not an iCalendar feed"},
		{"empty", nil, "not an iCalendar feed"},
		{"cut short between events", complete[:bytes.Index(complete, []byte("END:VCALENDAR"))], "cut short"},
		{"cut short inside an event", slices.Concat(complete[:bytes.Index(complete, []byte("END:VEVENT"))], []byte("END:VCALENDAR\r\n")), "not a valid iCalendar feed"},
		{"too large", slices.Concat(complete, bytes.Repeat([]byte(" "), calendar.MaxFeedBytes)), "over the 5 MB limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			feed, err := calendar.Parse(tc.data, utc, from, to)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error saying %q", err, tc.want)
			}
			if feed.Busy != nil || feed.Skipped != nil {
				t.Errorf("got %+v with the error, want nothing", feed)
			}
			if tc.name == "too large" && !errors.Is(err, calendar.ErrTooLarge) {
				t.Errorf("got %v, want ErrTooLarge", err)
			}
		})
	}
	if _, err := calendar.Parse(complete, nil, from, to); err == nil {
		t.Error("nil zone: got no error")
	}
	if feed, err := calendar.Parse(complete, utc, to, from); err != nil || feed.Busy != nil {
		t.Errorf("empty window: got %+v, %v; want nothing", feed, err)
	}
}

func TestFeedErr(t *testing.T) {
	var f calendar.Feed
	if err := f.Err(); err != nil {
		t.Errorf("no skipped events: got %v, want nil", err)
	}
	for i := range 5 {
		f.Skipped = append(f.Skipped, &calendar.EventError{UID: string(rune('a' + i)), Start: "20260302", Err: calendar.ErrUnsupported})
	}
	want := `calendar: 5 event(s) left out: event "a" (DTSTART 20260302): not supported; event "b" (DTSTART 20260302): not supported; event "c" (DTSTART 20260302): not supported; and 2 more`
	if got := f.Err().Error(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestMerge(t *testing.T) {
	utc := time.UTC
	iv := func(a, b string) calendar.Interval {
		return calendar.Interval{Start: at(t, utc, "2026-03-02 "+a), End: at(t, utc, "2026-03-02 "+b)}
	}
	got := calendar.Merge([]calendar.Interval{
		iv("13:00", "14:00"), iv("09:00", "10:00"), iv("10:00", "10:30"), // touching
		iv("09:30", "09:45"),                       // inside
		iv("12:00", "12:00"), iv("12:30", "12:15"), // empty, backwards
		iv("13:30", "15:00"), // overlapping
	})
	want := []string{"Mon 2026-03-02 09:00 UTC – 10:30 UTC", "Mon 2026-03-02 13:00 UTC – 15:00 UTC"}
	if d := describe(got, utc); !slices.Equal(d, want) {
		t.Errorf("got %q, want %q", d, want)
	}
	if got := calendar.Merge(nil); got != nil {
		t.Errorf("Merge(nil): got %v, want nil", got)
	}
}
