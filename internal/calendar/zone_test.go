package calendar

import (
	"bytes"
	"os"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
)

func TestWindowsZonesLoad(t *testing.T) {
	if len(windowsZones) < 130 {
		t.Errorf("got %d Windows zones, want CLDR's list of about 140", len(windowsZones))
	}
	for win, iana := range windowsZones {
		if ianaZone(iana) == nil {
			t.Errorf("%q: IANA zone %q does not load", win, iana)
		}
	}
}

// TestVTimezones turns each VTIMEZONE of the fixtures into a Location
// and checks it against the IANA zone it describes, hour by hour through
// 2026 and 2027.
func TestVTimezones(t *testing.T) {
	for _, tc := range []struct{ file, tzid, iana string }{
		{"google.ics", "America/New_York", "America/New_York"},
		{"google.ics", "Europe/London", "Europe/London"},
		{"outlook.ics", "Pacific Standard Time", "America/Los_Angeles"},
		{"outlook.ics", "GMT Standard Time", "Europe/London"},
		{"outlook.ics", "Customized Time Zone", "Europe/Amsterdam"},
		{"icloud.ics", "Europe/London", "Europe/London"},
		{"icloud.ics", "America/New_York", "America/New_York"},
	} {
		t.Run(tc.file+"/"+tc.tzid, func(t *testing.T) {
			data, err := os.ReadFile("testdata/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			cal, err := ics.ParseCalendar(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			z := newZones(cal, time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC))
			def := z.defs[tc.tzid]
			if def == nil {
				t.Fatalf("no VTIMEZONE %q", tc.tzid)
			}
			got, err := vtimezone(tc.tzid, def, z.until)
			if err != nil {
				t.Fatalf("vtimezone: %v", err)
			}
			want, err := time.LoadLocation(tc.iana)
			if err != nil {
				t.Fatal(err)
			}
			end := time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)
			for u := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC); u.Before(end); u = u.Add(time.Hour) {
				_, g := u.In(got).Zone()
				_, w := u.In(want).Zone()
				if g != w {
					t.Fatalf("at %v: got offset %+d s, want %+d s (%s)", u, g, w, tc.iana)
				}
			}
		})
	}
}

func TestInstant(t *testing.T) {
	for _, tc := range []struct {
		zone, wall string
		want       string // UTC
	}{
		{"America/New_York", "2026-03-08 01:30", "2026-03-08 06:30"}, // EST
		{"America/New_York", "2026-03-08 02:00", "2026-03-08 07:00"}, // skipped: 03:00 EDT
		{"America/New_York", "2026-03-08 02:30", "2026-03-08 07:30"}, // skipped: 03:30 EDT
		{"America/New_York", "2026-03-08 03:00", "2026-03-08 07:00"}, // EDT
		{"America/New_York", "2026-11-01 00:59", "2026-11-01 04:59"},
		{"America/New_York", "2026-11-01 01:00", "2026-11-01 05:00"}, // twice: the EDT one
		{"America/New_York", "2026-11-01 01:59", "2026-11-01 05:59"},
		{"America/New_York", "2026-11-01 02:00", "2026-11-01 07:00"}, // EST
		{"Europe/London", "2026-03-29 01:30", "2026-03-29 01:30"},    // skipped: 02:30 BST
		{"Europe/London", "2026-10-25 01:30", "2026-10-25 00:30"},    // twice: the BST one
		{"America/Havana", "2026-03-08 00:00", "2026-03-08 05:00"},   // midnight skipped: 01:00 CDT
		{"Australia/Lord_Howe", "2026-10-04 02:15", "2026-10-03 15:45"},
		{"UTC", "2026-03-08 02:30", "2026-03-08 02:30"},
	} {
		loc, err := time.LoadLocation(tc.zone)
		if err != nil {
			t.Fatal(err)
		}
		wall, _ := time.Parse("2006-01-02 15:04", tc.wall)
		want, _ := time.Parse("2006-01-02 15:04", tc.want)
		if got := instant(wall, loc); !got.Equal(want) {
			t.Errorf("%s %s: got %v, want %v", tc.zone, tc.wall, got.UTC(), want)
		}
	}
}

// TestVTimezoneErrors checks a VTIMEZONE that cannot be read leaves its
// events out with a reason.
func TestVTimezoneErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		parts string
		want  string
	}{
		{"no parts", "", `VTIMEZONE "Odd": no STANDARD or DAYLIGHT part`},
		{"a daily change", "BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\nRRULE:FREQ=DAILY\r\nEND:STANDARD\r\n", "FREQ=DAILY: not supported"},
		{"no offsets", "BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nEND:STANDARD\r\n", "needs DTSTART, TZOFFSETFROM and TZOFFSETTO"},
		{"a bad offset", "BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+1\r\nTZOFFSETTO:+0000\r\nEND:STANDARD\r\n", `"+1" is not a UTC offset`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTIMEZONE\r\nTZID:Odd\r\n" + tc.parts + "END:VTIMEZONE\r\n" +
				"BEGIN:VEVENT\r\nUID:odd\r\nDTSTART;TZID=Odd:20260302T090000\r\nDURATION:PT1H\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
			feed, err := Parse(data, time.UTC, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			if len(feed.Skipped) != 1 || !bytes.Contains([]byte(feed.Skipped[0].Error()), []byte(tc.want)) {
				t.Errorf("got %v, want the event left out: %s", feed.Err(), tc.want)
			}
		})
	}
}
