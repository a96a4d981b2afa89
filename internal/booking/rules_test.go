package booking_test

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/content"
)

func TestFromSiteNoBooking(t *testing.T) {
	s, err := content.ParseSite("site.toml", []byte(siteHead))
	if err != nil {
		t.Fatal(err)
	}
	r, err := booking.FromSite(s)
	if r != nil || err != nil {
		t.Errorf("got %v, %v; want nil, nil", r, err)
	}
}

func TestFromSiteSettings(t *testing.T) {
	r := parseRules(t, `[booking]
slotMinutes = 45
bufferMinutes = 10
minNoticeHours = 12
horizonDays = 21
maxPerDay = 3
blocked = ["2026-12-24", "2026-12-25"]

[booking.hours]
friday = ["13:00-17:00", "09:00-12:00"]
saturday = []
sunday = ["22:00-24:00"]
`)
	for _, c := range []struct {
		what      string
		got, want any
	}{
		{"Location", r.Location.String(), "America/Chicago"}, // the site's zone
		{"Slot", r.Slot, 45 * time.Minute},
		{"Buffer", r.Buffer, 10 * time.Minute},
		{"MinNotice", r.MinNotice, 12 * time.Hour},
		{"HorizonDays", r.HorizonDays, 21},
		{"MaxPerDay", r.MaxPerDay, 3},
		{"Blocked", len(r.Blocked), 2},
		{"Blocked[2026-12-25]", r.Blocked["2026-12-25"], true},
		{"Hours[Friday]", fmtWindows(r.Hours[time.Friday]), "09:00-12:00 13:00-17:00"}, // sorted
		{"Hours[Saturday]", fmtWindows(r.Hours[time.Saturday]), ""},
		{"Hours[Sunday]", fmtWindows(r.Hours[time.Sunday]), "22:00-24:00"},
		{"Hours[Monday]", fmtWindows(r.Hours[time.Monday]), ""},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.what, c.got, c.want)
		}
	}
}

func fmtWindows(ws []booking.Window) string {
	var s []string
	for _, w := range ws {
		s = append(s, w.String())
	}
	return strings.Join(s, " ")
}

func TestFromSiteOwnZone(t *testing.T) {
	r := parseRules(t, weekdayTOML(`timeZone = "Europe/London"
slotMinutes = 30
horizonDays = 30`))
	if got, want := r.Location.String(), "Europe/London"; got != want {
		t.Errorf("Location: got %s, want %s", got, want)
	}
}

// TestFromSiteErrors checks each message and that it names the line of
// the setting at fault. The [booking] table starts on line 4.
func TestFromSiteErrors(t *testing.T) {
	const good = "slotMinutes = 30\nhorizonDays = 30\n"
	for _, tc := range []struct {
		name, toml string
		want       []string
	}{
		{"unknown zone", "[booking]\n" + good + `timeZone = "Mars/Olympus"` + "\n", []string{
			`site.toml:7: booking.timeZone "Mars/Olympus" is not a known IANA zone (e.g. America/Chicago)`,
		}},
		{"Local is not a zone", "[booking]\n" + good + `timeZone = "Local"` + "\n", []string{
			`site.toml:7: booking.timeZone "Local" is not a known IANA zone (e.g. America/Chicago)`,
		}},
		{"slot zero", "[booking]\nhorizonDays = 30\nslotMinutes = 0\n", []string{
			`site.toml:6: booking.slotMinutes must be between 1 and 480, got 0`,
		}},
		{"slot missing: the table's line", "[booking]\nhorizonDays = 30\n", []string{
			`site.toml:4: booking.slotMinutes must be between 1 and 480, got 0`,
		}},
		{"slot too long", "[booking]\nhorizonDays = 30\nslotMinutes = 481\n", []string{
			`site.toml:6: booking.slotMinutes must be between 1 and 480, got 481`,
		}},
		{"negative buffer", "[booking]\n" + good + "bufferMinutes = -5\n", []string{
			`site.toml:7: booking.bufferMinutes must not be negative, got -5`,
		}},
		{"negative notice", "[booking]\n" + good + "minNoticeHours = -1\n", []string{
			`site.toml:7: booking.minNoticeHours must not be negative, got -1`,
		}},
		{"horizon zero", "[booking]\nslotMinutes = 30\nhorizonDays = 0\n", []string{
			`site.toml:6: booking.horizonDays must be between 1 and 365, got 0`,
		}},
		{"horizon too far", "[booking]\nslotMinutes = 30\nhorizonDays = 366\n", []string{
			`site.toml:6: booking.horizonDays must be between 1 and 365, got 366`,
		}},
		{"negative max per day", "[booking]\n" + good + "maxPerDay = -1\n", []string{
			`site.toml:7: booking.maxPerDay must not be negative (0 means no limit), got -1`,
		}},
		{"form choices past the store's limits", "[booking]\n" + good + `companySizes = ["1-10", " ", "11-50\n"]
challenges = [
  "Key people are leaving",
  "` + strings.Repeat("x", booking.MaxText+1) + `",
]
`, []string{
			`site.toml:7: booking.companySizes: " " must be one line of 1 to 200 characters`,
			`site.toml:7: booking.companySizes: "11-50\n" must be one line of 1 to 200 characters`,
			`site.toml:10: booking.challenges: "` + strings.Repeat("x", booking.MaxText+1) + `" must be one line of 1 to 200 characters`,
		}},
		{"too many challenges", "[booking]\n" + good + `challenges = [` + strings.Repeat(`"a", `, booking.MaxChallenges) + `"b"]
`, []string{
			`site.toml:7: booking.challenges: at most 20 statements, got 21`,
		}},
		{"blocked dates", "[booking]\n" + good + `blocked = [
  "2026-12-24",
  "2026-12-32",
  "12/25/2026",
  "2026-1-2",
]
`, []string{
			`site.toml:9: booking.blocked: "2026-12-32" is not a date of the form YYYY-MM-DD (e.g. 2026-12-24)`,
			`site.toml:10: booking.blocked: "12/25/2026" is not a date of the form YYYY-MM-DD (e.g. 2026-12-24)`,
			`site.toml:11: booking.blocked: "2026-1-2" is not a date of the form YYYY-MM-DD (e.g. 2026-12-24)`,
		}},
		{"unknown weekdays", "[booking]\n" + good + `[booking.hours]
monday = ["09:00-12:00"]
mon = ["09:00-12:00"]
Tuesday = ["09:00-12:00"]
`, []string{
			`site.toml:9: booking.hours: unknown weekday "mon" (use monday, tuesday, … sunday)`,
			`site.toml:10: booking.hours: unknown weekday "Tuesday" (use monday, tuesday, … sunday)`,
		}},
		{"malformed windows", "[booking]\n" + good + `[booking.hours]
monday = ["9:00-12:00", "09:00–12:00", "09:00 to 12:00", "25:00-26:00", "09:60-10:30", "23:00-24:30"]
tuesday = ["22:00-24:00", "00:00-01:00"]
`, []string{
			`site.toml:8: booking.hours.monday: "9:00-12:00" is not a window of the form HH:MM-HH:MM (e.g. 09:00-12:00)`,
			`site.toml:8: booking.hours.monday: "09:00–12:00" is not a window of the form HH:MM-HH:MM (e.g. 09:00-12:00)`,
			`site.toml:8: booking.hours.monday: "09:00 to 12:00" is not a window of the form HH:MM-HH:MM (e.g. 09:00-12:00)`,
			`site.toml:8: booking.hours.monday: "25:00-26:00" is not a window of the form HH:MM-HH:MM (e.g. 09:00-12:00)`,
			`site.toml:8: booking.hours.monday: "09:60-10:30" is not a window of the form HH:MM-HH:MM (e.g. 09:00-12:00)`,
			`site.toml:8: booking.hours.monday: "23:00-24:30" is not a window of the form HH:MM-HH:MM (e.g. 09:00-12:00)`,
		}},
		{"end not after start", "[booking]\n" + good + `[booking.hours]
monday = ["12:00-09:00"]
tuesday = ["10:00-10:00"]
`, []string{
			`site.toml:8: booking.hours.monday: window "12:00-09:00" must end after it starts`,
			`site.toml:9: booking.hours.tuesday: window "10:00-10:00" must end after it starts`,
		}},
		{"shorter than a slot", "[booking]\n" + good + `[booking.hours]
monday = ["09:00-09:29", "10:00-10:30"]
`, []string{
			`site.toml:8: booking.hours.monday: window "09:00-09:29" is shorter than one 30-minute slot`,
		}},
		{"overlapping windows", "[booking]\n" + good + `[booking.hours]
monday = ["13:00-17:00", "09:00-12:00", "11:30-13:00"]
tuesday = [
  "09:00-12:00",
  "12:00-13:00",
  "12:30-14:00",
]
`, []string{
			`site.toml:8: booking.hours.monday: windows "09:00-12:00" and "11:30-13:00" overlap`,
			`site.toml:12: booking.hours.tuesday: windows "12:00-13:00" and "12:30-14:00" overlap`,
		}},
		{"every problem at once", `[booking]
timeZone = "America/Chicgo"
slotMinutes = 0
bufferMinutes = -15
minNoticeHours = -24
horizonDays = 400
maxPerDay = -4
blocked = ["2026-12-24", "24 Dec"]

[booking.hours]
monday = ["09:00-12:00", "11:00-1pm"]
funday = ["10:00-09:00"]
`, []string{
			`site.toml:5: booking.timeZone "America/Chicgo" is not a known IANA zone (e.g. America/Chicago)`,
			`site.toml:6: booking.slotMinutes must be between 1 and 480, got 0`,
			`site.toml:7: booking.bufferMinutes must not be negative, got -15`,
			`site.toml:8: booking.minNoticeHours must not be negative, got -24`,
			`site.toml:9: booking.horizonDays must be between 1 and 365, got 400`,
			`site.toml:10: booking.maxPerDay must not be negative (0 means no limit), got -4`,
			`site.toml:11: booking.blocked: "24 Dec" is not a date of the form YYYY-MM-DD (e.g. 2026-12-24)`,
			`site.toml:14: booking.hours.monday: "11:00-1pm" is not a window of the form HH:MM-HH:MM (e.g. 09:00-12:00)`,
			`site.toml:15: booking.hours: unknown weekday "funday" (use monday, tuesday, … sunday)`,
			`site.toml:15: booking.hours.funday: window "10:00-09:00" must end after it starts`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := content.ParseSite("site.toml", []byte(siteHead+tc.toml))
			if err != nil {
				t.Fatalf("ParseSite: unexpected error:\n%v", err)
			}
			r, err := booking.FromSite(s)
			if r != nil {
				t.Errorf("rules: got %+v, want nil", r)
			}
			if err == nil {
				t.Fatalf("got no error, want:\n%s", strings.Join(tc.want, "\n"))
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

// TestRealSite checks that content/site.toml, as the consultant keeps it,
// is valid and offers times.
func TestRealSite(t *testing.T) {
	src, err := os.ReadFile("../../content/site.toml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := content.ParseSite("content/site.toml", src)
	if err != nil {
		t.Fatalf("ParseSite:\n%v", err)
	}
	if s.Booking == nil {
		t.Skip("content/site.toml takes no bookings")
	}
	r, err := booking.FromSite(s)
	if err != nil {
		t.Fatalf("FromSite:\n%v", err)
	}
	now := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	slots := r.Slots(now, now.AddDate(0, 0, r.HorizonDays+1), now, nil)
	if len(slots) == 0 {
		t.Fatalf("got no slots from %v over %d days, want some", now, r.HorizonDays)
	}
	checkOK(t, r, slots, now, nil)
	for i := 1; i < len(slots); i++ {
		if slots[i].Start.Before(slots[i-1].End) {
			t.Errorf("slots %d and %d overlap: %v–%v, %v–%v", i-1, i, slots[i-1].Start, slots[i-1].End, slots[i].Start, slots[i].End)
		}
	}
}
