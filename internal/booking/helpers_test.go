package booking_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/content"
)

// siteHead is the start of every test site.toml: the [booking] table
// given to parseRules starts on line 4.
const siteHead = `title = "Cassidine"
baseURL = "https://example.com/"
timeZone = "America/Chicago"
`

// parseRules parses siteHead followed by bookingTOML as site.toml and
// returns its rules.
func parseRules(t testing.TB, bookingTOML string) *booking.Rules {
	t.Helper()
	s, err := content.ParseSite("site.toml", []byte(siteHead+bookingTOML))
	if err != nil {
		t.Fatalf("ParseSite: unexpected error:\n%v", err)
	}
	r, err := booking.FromSite(s)
	if err != nil {
		t.Fatalf("FromSite: unexpected error:\n%v", err)
	}
	if r == nil {
		t.Fatal("FromSite: got nil rules, want some")
	}
	return r
}

// weekdayTOML is a [booking] table with the given settings and hours: the
// windows of every day, unless hours names some days.
func weekdayTOML(settings string, hours ...string) string {
	if len(hours) == 0 {
		hours = []string{
			`monday = ["09:00-12:00"]`, `tuesday = ["09:00-12:00"]`, `wednesday = ["09:00-12:00"]`,
			`thursday = ["09:00-12:00"]`, `friday = ["09:00-12:00"]`,
		}
	}
	return "[booking]\n" + settings + "\n[booking.hours]\n" + strings.Join(hours, "\n") + "\n"
}

func loadZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

// at parses "2006-01-02 15:04" as a time in loc. Times the clock shows
// twice or skips are resolved as time.Date does; tests of those use UTC.
func at(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatalf("at(%q): %v", s, err)
	}
	return tm
}

// describe lists slots as "local (UTC)", e.g. "Sun 01:30 CST (07:30Z)",
// so a failure shows both the wall time and the instant.
func describe(slots []booking.Slot, loc *time.Location) []string {
	out := []string{}
	for _, s := range slots {
		if got := s.End.Sub(s.Start); got <= 0 {
			out = append(out, "bad length "+got.String())
		}
		out = append(out, s.Start.In(loc).Format("Mon 15:04 MST")+" ("+s.Start.UTC().Format("15:04Z")+")")
	}
	return out
}

// checkOK fails unless Check accepts every slot, returning it unchanged.
func checkOK(t testing.TB, r *booking.Rules, slots []booking.Slot, now time.Time, busy []booking.Busy) {
	t.Helper()
	for _, s := range slots {
		got, err := r.Check(s.Start, now, busy)
		if err != nil {
			t.Errorf("Check(%v): got error %v, want none", s.Start, err)
			continue
		}
		if !got.Start.Equal(s.Start) || !got.End.Equal(s.End) {
			t.Errorf("Check(%v): got %v–%v, want %v–%v", s.Start, got.Start, got.End, s.Start, s.End)
		}
	}
}
