package calendar_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cassidine/site/internal/calendar"
)

func loadZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

// at parses "2006-01-02 15:04" (or "2006-01-02") as a time in loc.
func at(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	layout := "2006-01-02 15:04"
	if len(s) == len(time.DateOnly) {
		layout = time.DateOnly
	}
	tm, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		t.Fatalf("at(%q): %v", s, err)
	}
	return tm
}

// describe writes intervals in loc, "Mon 2026-03-02 09:00 EST – 10:00 EST"
// (the end's date only when it differs), so that a failure shows the wall
// times, their offsets and so the instants.
func describe(ivs []calendar.Interval, loc *time.Location) []string {
	out := []string{}
	for _, iv := range ivs {
		s, e := iv.Start.In(loc), iv.End.In(loc)
		end := e.Format("15:04 MST")
		if s.Format(time.DateOnly) != e.Format(time.DateOnly) {
			end = e.Format("Mon 2006-01-02 15:04 MST")
		}
		out = append(out, s.Format("Mon 2006-01-02 15:04 MST")+" – "+end)
	}
	return out
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// ics wraps lines in a VCALENDAR as a feed writes it: CRLF after each
// line. Lines are written unfolded; the fixtures under testdata test
// folding.
func ics(lines ...string) []byte {
	all := append([]string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Cassidine//Tests//EN"}, lines...)
	all = append(all, "END:VCALENDAR")
	return []byte(strings.Join(all, "\r\n") + "\r\n")
}

// vevent wraps property lines in a VEVENT with a UID and DTSTAMP.
func vevent(uid string, lines ...string) []string {
	out := []string{"BEGIN:VEVENT", "UID:" + uid, "DTSTAMP:20260101T000000Z"}
	out = append(out, lines...)
	return append(out, "END:VEVENT")
}

// events joins events into one slice of lines.
func events(evs ...[]string) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e...)
	}
	return out
}
