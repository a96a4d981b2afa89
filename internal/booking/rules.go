package booking

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the Lambda function's image may lack zoneinfo; see the package doc

	"github.com/cassidine/site/internal/content"
)

// Rules are the consultant's availability, validated. FromSite makes them
// from site.toml; Rules made by hand must meet the same checks (windows of
// a day sorted and not overlapping, Slot > 0).
type Rules struct {
	Location  *time.Location // the consultant's zone: days, hours and blocked dates are in it
	Slot      time.Duration  // length of a consultation
	Buffer    time.Duration  // free time kept after each consultation
	MinNotice time.Duration  // the earliest start is now+MinNotice
	// HorizonDays is how many local days, today included, can be booked.
	HorizonDays int
	// MaxPerDay is the most bookings a local day takes; 0 means no limit.
	MaxPerDay int
	// Hours are the weekly windows, indexed by time.Weekday, each day's
	// sorted by start. A day without windows is off.
	Hours [7][]Window
	// Blocked are days off, as local dates "2006-01-02".
	Blocked map[string]bool
	// Place is where sessions take place (booking.location); the zero
	// Place when site.toml does not say.
	Place Place
	// Reminders are how long before a session its reminders go out, the
	// earliest first (booking.reminders; DefaultReminders when site.toml
	// does not say, none for an empty list).
	Reminders []time.Duration
}

// Window is a span of a day's hours on the consultant's wall clock.
type Window struct {
	Start, End Clock
}

// String returns the window as site.toml writes it, e.g. "09:00-12:00".
func (w Window) String() string { return w.Start.String() + "-" + w.End.String() }

// Clock is a wall-clock time of day in minutes after midnight, 0 to 1440
// (24:00, the end of the day).
type Clock int

// String returns c as "HH:MM".
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", c/60, c%60) }

// wall is c as an offset from midnight on the wall clock.
func (c Clock) wall() time.Duration { return time.Duration(c) * time.Minute }

// Limits on the settings.
const (
	maxSlotMinutes = 8 * 60
	maxHorizonDays = 365
)

// weekdays are the keys of [booking.hours].
var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

var windowRE = regexp.MustCompile(`^(\d\d):(\d\d)-(\d\d):(\d\d)$`)

// parseWindow parses "HH:MM-HH:MM". Hours are 00–23, except that an end
// may be 24:00.
func parseWindow(s string) (Window, bool) {
	m := windowRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return Window{}, false
	}
	n := make([]int, 4)
	for i := range n {
		n[i], _ = strconv.Atoi(m[i+1])
	}
	if n[0] > 23 || n[1] > 59 || n[3] > 59 || n[2] > 24 || (n[2] == 24 && n[3] != 0) {
		return Window{}, false
	}
	return Window{Clock(n[0]*60 + n[1]), Clock(n[2]*60 + n[3])}, true
}

// FromSite validates s.Booking and returns its rules, or nil, nil when the
// site takes no bookings. Errors are a content.ErrorList of every problem
// found, each naming the line of s.File it concerns. The zone is
// booking.timeZone, or else the site's.
func FromSite(s *content.Site) (*Rules, error) {
	b := s.Booking
	if b == nil {
		return nil, nil
	}
	file, src := s.File, s.Source
	// line finds a booking key, or failing that the [booking] table.
	line := func(key string) int {
		if n := content.TOMLKeyLine(src, key); n != 1 {
			return n
		}
		return content.TOMLKeyLine(src, "booking")
	}
	var errs content.ErrorList
	fail := func(n int, format string, args ...any) {
		errs.Add(content.Errorf(file, n, format, args...))
	}

	r := &Rules{
		Location:    s.Location,
		Slot:        time.Duration(b.SlotMinutes) * time.Minute,
		Buffer:      time.Duration(b.BufferMinutes) * time.Minute,
		MinNotice:   time.Duration(b.MinNoticeHours) * time.Hour,
		HorizonDays: b.HorizonDays,
		MaxPerDay:   b.MaxPerDay,
		Blocked:     map[string]bool{},
	}
	if r.Location == nil {
		r.Location = time.UTC
	}
	if b.TimeZone != "" {
		if loc, ok := LoadZone(b.TimeZone); ok {
			r.Location = loc
		} else {
			fail(line("booking.timeZone"), "booking.timeZone %q is not a known IANA zone (e.g. America/Chicago)", b.TimeZone)
		}
	}
	slotOK := b.SlotMinutes > 0 && b.SlotMinutes <= maxSlotMinutes
	if !slotOK {
		fail(line("booking.slotMinutes"), "booking.slotMinutes must be between 1 and %d, got %d", maxSlotMinutes, b.SlotMinutes)
	}
	if b.BufferMinutes < 0 {
		fail(line("booking.bufferMinutes"), "booking.bufferMinutes must not be negative, got %d", b.BufferMinutes)
	}
	if b.MinNoticeHours < 0 {
		fail(line("booking.minNoticeHours"), "booking.minNoticeHours must not be negative, got %d", b.MinNoticeHours)
	}
	if b.HorizonDays <= 0 || b.HorizonDays > maxHorizonDays {
		fail(line("booking.horizonDays"), "booking.horizonDays must be between 1 and %d, got %d", maxHorizonDays, b.HorizonDays)
	}
	if b.MaxPerDay < 0 {
		fail(line("booking.maxPerDay"), "booking.maxPerDay must not be negative (0 means no limit), got %d", b.MaxPerDay)
	}

	// The form's choices are stored with each booking: they must fit the
	// limits the store holds bookings to, or every booking would fail.
	for _, choices := range []struct {
		key    string
		values []string
	}{{"booking.challenges", b.Challenges}, {"booking.companySizes", b.CompanySizes}} {
		keyLine := line(choices.key)
		for _, v := range choices.values {
			if strings.TrimSpace(v) == "" || CheckText(v, MaxText, false) != nil {
				fail(valueLine(src, keyLine, v), "%s: %q must be one line of 1 to %d characters", choices.key, v, MaxText)
			}
		}
	}
	if p, err := ParsePlace(b.Location); err != nil {
		fail(line("booking.location"), "booking.location %q: %v", b.Location, err)
	} else {
		r.Place = p
	}
	remindersLine := line("booking.reminders")
	r.Reminders = parseReminders(b.Reminders, func(v, msg string) {
		n := remindersLine
		if v != "" {
			n = valueLine(src, remindersLine, v)
		}
		fail(n, "booking.reminders: %s", msg)
	})

	if n := len(b.Challenges); n > MaxChallenges {
		fail(line("booking.challenges"), "booking.challenges: at most %d statements, got %d", MaxChallenges, n)
	}

	blockedLine := line("booking.blocked")
	for _, d := range b.Blocked {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			fail(valueLine(src, blockedLine, d), "booking.blocked: %q is not a date of the form YYYY-MM-DD (e.g. 2026-12-24)", d)
			continue
		}
		r.Blocked[d] = true
	}

	for _, name := range slices.Sorted(maps.Keys(b.Hours)) {
		key := "booking.hours." + name
		keyLine := content.TOMLKeyLine(src, key)
		if keyLine == 1 {
			keyLine = line("booking.hours")
		}
		day, known := weekdays[name]
		if !known {
			fail(keyLine, "booking.hours: unknown weekday %q (use monday, tuesday, … sunday)", name)
		}
		type parsed struct {
			w    Window
			text string
			line int
		}
		var ws []parsed
		for _, text := range b.Hours[name] {
			n := valueLine(src, keyLine, text)
			w, ok := parseWindow(text)
			switch {
			case !ok:
				fail(n, "%s: %q is not a window of the form HH:MM-HH:MM (e.g. 09:00-12:00)", key, text)
				continue
			case w.End <= w.Start:
				fail(n, "%s: window %q must end after it starts", key, text)
				continue
			case slotOK && w.End.wall()-w.Start.wall() < r.Slot:
				fail(n, "%s: window %q is shorter than one %d-minute slot", key, text, b.SlotMinutes)
			}
			ws = append(ws, parsed{w, text, n})
		}
		slices.SortStableFunc(ws, func(a, b parsed) int { return int(a.w.Start - b.w.Start) })
		for i := 1; i < len(ws); i++ {
			if prev := ws[i-1]; ws[i].w.Start < prev.w.End {
				fail(max(prev.line, ws[i].line), "%s: windows %q and %q overlap", key, prev.text, ws[i].text)
			}
		}
		if known {
			for _, p := range ws {
				r.Hours[day] = append(r.Hours[day], p.w)
			}
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return r, nil
}

// valueLine returns the line of the string value v in the array that
// starts at line keyLine (multi-line arrays list one value a line), or
// keyLine when it cannot tell.
func valueLine(src []byte, keyLine int, v string) int {
	lines := strings.Split(string(src), "\n")
	quoted := []string{strconv.Quote(v), "'" + v + "'"}
	for i := keyLine - 1; i >= 0 && i < len(lines); i++ {
		code, _, _ := strings.Cut(lines[i], "#")
		for _, q := range quoted {
			if strings.Contains(code, q) {
				return i + 1
			}
		}
		if strings.Contains(code, "]") {
			break
		}
	}
	return keyLine
}
