package booking_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/content"
)

func TestParsePlace(t *testing.T) {
	teams := "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjQ4ZTdk%40thread.v2/0?context=%7b%22Tid%22%3a%22a1b2%22%7d"
	for _, tc := range []struct {
		in   string
		want booking.Place
	}{
		{"", booking.Place{}},
		{"   ", booking.Place{}},
		{"https://zoom.us/j/5551234567?pwd=abc", booking.Place{Kind: booking.PlaceLink, Text: "https://zoom.us/j/5551234567?pwd=abc", URL: "https://zoom.us/j/5551234567?pwd=abc"}},
		{" https://meet.google.com/abc-defg-hij ", booking.Place{Kind: booking.PlaceLink, Text: "https://meet.google.com/abc-defg-hij", URL: "https://meet.google.com/abc-defg-hij"}},
		{"HTTPS://Zoom.us/my/cassidine", booking.Place{Kind: booking.PlaceLink, Text: "HTTPS://Zoom.us/my/cassidine", URL: "HTTPS://Zoom.us/my/cassidine"}},
		{teams, booking.Place{Kind: booking.PlaceLink, Text: teams, URL: teams}},
		{"+1 312 555 0100", booking.Place{Kind: booking.PlacePhone, Text: "+1 312 555 0100", URL: "tel:+13125550100"}},
		{"+1 (312) 555-0100", booking.Place{Kind: booking.PlacePhone, Text: "+1 (312) 555-0100", URL: "tel:+13125550100"}},
		{"tel:+44-20-7946-0958", booking.Place{Kind: booking.PlacePhone, Text: "+44-20-7946-0958", URL: "tel:+442079460958"}},
		{"TEL: +33.1.23.45.67.89", booking.Place{Kind: booking.PlacePhone, Text: "+33.1.23.45.67.89", URL: "tel:+33123456789"}},
		{"233 S Wacker Dr, Suite 4400, Chicago, IL 60606", booking.Place{Kind: booking.PlaceAddress, Text: "233 S Wacker Dr, Suite 4400, Chicago, IL 60606"}},
		{"Café Müller, Königstraße 1, 70173 Stuttgart", booking.Place{Kind: booking.PlaceAddress, Text: "Café Müller, Königstraße 1, 70173 Stuttgart"}},
		{"Room: 4B, The Rookery, Chicago", booking.Place{Kind: booking.PlaceAddress, Text: "Room: 4B, The Rookery, Chicago"}},
	} {
		got, err := booking.ParsePlace(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParsePlace(%q): got %+v, %v; want %+v, nil", tc.in, got, err, tc.want)
		}
	}
}

func TestParsePlaceRefuses(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"http://zoom.us/j/5551234567", "use the room's https:// link"},
		{"https://zoom.us/j/555 123 4567", "a link cannot hold spaces"},
		{"https://zoom.us/j/555\t1234567", "holds control characters"},
		{"https://", "the link names no host"},
		{"https:///j/1", "the link names no host"},
		{"https://user:secret@zoom.us/j/1", "user name or password"},
		{"https://zoom.us/%zz", "is not a link a browser can open"},
		{"zoommtg://zoom.us/join?confno=1", "a link must start with https://"},
		{"ftp://example.com/room", "a link must start with https://"},
		{"mailto:hello@example.com", "a link must start with https://"},
		{"zoom.us/j/5551234567", "write the link in full, starting with https://"},
		{"www.example.com", "write the link in full, starting with https://"},
		{"hello@cassidineconsulting.com", "an e-mail address is not a place to meet"},
		{"(312) 555-0100", "international form, starting with +"},
		{"312.555.0100", "international form, starting with +"},
		{"tel:312-555-0100", "international form, starting with +"},
		{"+1 312 555 0100 ext. 12", "nothing else"},
		{"+1 555", "7 to 15 digits with its country code, not 4"},
		{"+1234567890123456", "not 16"},
		{"12345", "international form"},
		{"---", "is not a link (https://…), a phone number (+…) or a postal address"},
		{"233 S Wacker Dr\nChicago", "must be one line"},
		{"Chicago\u202e", "invisible formatting"},
		{strings.Repeat("a", booking.MaxPlace+1), "more than 1000 characters"},
	} {
		got, err := booking.ParsePlace(tc.in)
		if err == nil {
			t.Errorf("ParsePlace(%q): got %+v, nil; want an error saying %q", tc.in, got, tc.want)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParsePlace(%q): got error %q, want one saying %q", tc.in, err, tc.want)
		}
	}
}

// TestFromSitePlaceAndReminders reads each kind of place and the
// reminders from site.toml.
func TestFromSitePlaceAndReminders(t *testing.T) {
	for _, tc := range []struct {
		name      string
		settings  string
		place     booking.Place
		reminders []time.Duration
	}{
		{"defaults", "", booking.Place{}, []time.Duration{24 * time.Hour}},
		{"a link, reminders sorted", `location = "https://zoom.us/j/5551234567"
reminders = ["1h", "48h", "24h"]`, booking.Place{Kind: booking.PlaceLink, Text: "https://zoom.us/j/5551234567", URL: "https://zoom.us/j/5551234567"},
			[]time.Duration{48 * time.Hour, 24 * time.Hour, time.Hour}},
		{"a phone number, no reminders", `location = "+1 312 555 0100"
reminders = []`, booking.Place{Kind: booking.PlacePhone, Text: "+1 312 555 0100", URL: "tel:+13125550100"}, []time.Duration{}},
		{"an address, a reminder in minutes", `location = "233 S Wacker Dr, Chicago, IL 60606"
reminders = ["90m"]`, booking.Place{Kind: booking.PlaceAddress, Text: "233 S Wacker Dr, Chicago, IL 60606"}, []time.Duration{90 * time.Minute}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := parseRules(t, weekdayTOML("slotMinutes = 30\nhorizonDays = 30\n"+tc.settings))
			if r.Place != tc.place {
				t.Errorf("Place: got %+v, want %+v", r.Place, tc.place)
			}
			if !slices.Equal(r.Reminders, tc.reminders) || (r.Reminders == nil) != (tc.reminders == nil) {
				t.Errorf("Reminders: got %#v, want %#v", r.Reminders, tc.reminders)
			}
		})
	}
}

// TestFromSitePlaceAndRemindersErrors checks each message and the line
// it names. The [booking] table starts on line 4.
func TestFromSitePlaceAndRemindersErrors(t *testing.T) {
	const good = "slotMinutes = 30\nhorizonDays = 30\n"
	for _, tc := range []struct {
		name, toml string
		want       []string
	}{
		{"an http link", "[booking]\n" + good + `location = "http://zoom.us/j/5551234567"` + "\n", []string{
			`site.toml:7: booking.location "http://zoom.us/j/5551234567": use the room's https:// link: mail and calendar apps warn about plain http:// links, and video services all serve https`,
		}},
		{"a link with a space", "[booking]\n" + good + `location = "https://zoom.us/j/555 1234"` + "\n", []string{
			`site.toml:7: booking.location "https://zoom.us/j/555 1234": a link cannot hold spaces (copy it again from the video service, or write a space as %20)`,
		}},
		{"a local phone number", "[booking]\nlocation = \"(312) 555-0100\"\n" + good, []string{
			`site.toml:5: booking.location "(312) 555-0100": write a phone number in international form, starting with + and the country code (e.g. +1 312 555 0100)`,
		}},
		{"reminders", "[booking]\n" + good + `reminders = [
  "24h",
  "a day",
  "30m",
  "720h",
  "1h30m10s",
  "1440m",
]
`, []string{
			`site.toml:7: booking.reminders: at most 3 reminders, got 6`,
			`site.toml:9: booking.reminders: "a day" is not a duration such as "24h" or "1h30m"`,
			`site.toml:10: booking.reminders: "30m" is less than 1h before the session: reminders go out from an hourly job`,
			`site.toml:11: booking.reminders: "720h" is more than 168h (a week) before the session`,
			`site.toml:12: booking.reminders: "1h30m10s" is not a whole number of minutes`,
			`site.toml:13: booking.reminders: "1440m" repeats "24h"`,
		}},
		{"negative and too many", "[booking]\n" + good + `reminders = ["-24h", "1h", "2h", "3h"]` + "\n", []string{
			`site.toml:7: booking.reminders: at most 3 reminders, got 4`,
			`site.toml:7: booking.reminders: "-24h" is less than 1h before the session: reminders go out from an hourly job`,
		}},
		{"not a list", "[booking]\n" + good + `reminders = "24h"` + "\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := content.ParseSite("site.toml", []byte(siteHead+tc.toml))
			if tc.want == nil {
				// The TOML decoder refuses the type, with the line.
				if err == nil || !strings.HasPrefix(err.Error(), "site.toml:7:") {
					t.Fatalf("ParseSite: got %v, want an error at site.toml:7", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSite: unexpected error:\n%v", err)
			}
			r, err := booking.FromSite(s)
			if r != nil || err == nil {
				t.Fatalf("got %+v, %v; want nil and:\n%s", r, err, strings.Join(tc.want, "\n"))
			}
			var list content.ErrorList
			if !errors.As(err, &list) {
				t.Errorf("got %T, want a content.ErrorList", err)
			}
			if got := strings.Split(err.Error(), "\n"); !slices.Equal(got, tc.want) {
				t.Errorf("got:\n%s\nwant:\n%s", err, strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestLocalTime(t *testing.T) {
	r := &booking.Rules{Location: loadZone(t, "America/Chicago")}
	for _, tc := range []struct {
		in   string
		want time.Time // zero: an error
	}{
		{"2026-11-23 09:00", time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)},
		{"2026-07-01 09:00", time.Date(2026, 7, 1, 14, 0, 0, 0, time.UTC)},
		{"2026-11-01 01:30", time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC)}, // shown twice: the first, CDT
		{"2026-03-08 02:30", time.Time{}},                                   // skipped
		{"2026-11-23T09:00", time.Time{}},
		{"23/11/2026 09:00", time.Time{}},
	} {
		got, err := r.LocalTime(tc.in)
		switch {
		case tc.want.IsZero() && err == nil:
			t.Errorf("LocalTime(%q): got %v, want an error", tc.in, got)
		case !tc.want.IsZero() && (err != nil || !got.Equal(tc.want)):
			t.Errorf("LocalTime(%q): got %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}
