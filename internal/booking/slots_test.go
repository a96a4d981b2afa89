package booking_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/cassidine/site/internal/booking"
)

// In these tests Monday 2 March 2026 is a week before the spring change,
// so Chicago is on CST (UTC−6) and its 09:00 is 15:00Z.

// weekRules is weekdays 09:00–12:00 in Chicago: with 30-minute slots and a
// 15-minute buffer, slots at 09:00, 09:45, 10:30 and 11:15.
func weekRules(t testing.TB, settings string, hours ...string) *booking.Rules {
	t.Helper()
	return parseRules(t, weekdayTOML("slotMinutes = 30\nbufferMinutes = 15\nhorizonDays = 30\n"+settings, hours...))
}

func TestGridAndBuffer(t *testing.T) {
	chicago := loadZone(t, "America/Chicago")
	now := at(t, chicago, "2026-03-01 12:00")
	from, to := at(t, chicago, "2026-03-02 00:00"), at(t, chicago, "2026-03-03 00:00")
	for _, tc := range []struct {
		name         string
		slot, buffer string
		hours        string
		want         []string
	}{
		{"buffer between slots", "30", "15", `["09:00-12:00"]`, []string{
			"Mon 09:00 CST (15:00Z)", "Mon 09:45 CST (15:45Z)", "Mon 10:30 CST (16:30Z)", "Mon 11:15 CST (17:15Z)",
		}},
		{"no buffer", "30", "0", `["09:00-11:00"]`, []string{
			"Mon 09:00 CST (15:00Z)", "Mon 09:30 CST (15:30Z)", "Mon 10:00 CST (16:00Z)", "Mon 10:30 CST (16:30Z)",
		}},
		{"last slot ends at the window's end", "60", "30", `["09:00-13:00"]`, []string{
			"Mon 09:00 CST (15:00Z)", "Mon 10:30 CST (16:30Z)", "Mon 12:00 CST (18:00Z)",
		}},
		{"each window starts its own grid", "30", "15", `["09:00-10:00", "10:10-11:00", "13:00-13:30"]`, []string{
			"Mon 09:00 CST (15:00Z)", "Mon 10:10 CST (16:10Z)", "Mon 13:00 CST (19:00Z)",
		}},
		{"touching windows", "30", "15", `["09:00-10:00", "10:00-11:00"]`, []string{
			"Mon 09:00 CST (15:00Z)", "Mon 10:00 CST (16:00Z)",
		}},
		{"the buffer holds across windows", "30", "15", `["09:00-09:30", "09:40-11:00"]`, []string{
			// 09:40 is within 09:00's buffer; the window's grid goes on at 10:25.
			"Mon 09:00 CST (15:00Z)", "Mon 10:25 CST (16:25Z)",
		}},
		{"up to midnight", "60", "0", `["22:00-24:00"]`, []string{
			"Mon 22:00 CST (04:00Z)", "Mon 23:00 CST (05:00Z)",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := parseRules(t, weekdayTOML("slotMinutes = "+tc.slot+"\nbufferMinutes = "+tc.buffer+"\nhorizonDays = 30", "monday = "+tc.hours))
			slots := r.Slots(from, to, now, nil)
			if got := describe(slots, chicago); !slices.Equal(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
			checkOK(t, r, slots, now, nil)
		})
	}
}

// TestVisitorZones asks for the same day from Chicago, Kolkata, London and
// UTC: the slots are the same instants, which each visitor shows in their
// own time.
func TestVisitorZones(t *testing.T) {
	r := weekRules(t, "")
	chicago := loadZone(t, "America/Chicago")
	want := r.Slots(at(t, chicago, "2026-03-02 00:00"), at(t, chicago, "2026-03-03 00:00"), at(t, chicago, "2026-03-01 12:00"), nil)
	if got := describe(want, chicago); len(got) != 4 {
		t.Fatalf("got %q, want Monday's four slots", got)
	}
	for _, zone := range []string{"Asia/Kolkata", "Europe/London", "UTC"} {
		loc := loadZone(t, zone)
		from := at(t, chicago, "2026-03-02 00:00").In(loc)
		to := at(t, chicago, "2026-03-03 00:00").In(loc)
		now := at(t, chicago, "2026-03-01 12:00").In(loc)
		got := r.Slots(from, to, now, nil)
		if !slices.EqualFunc(got, want, func(a, b booking.Slot) bool { return a.Start.Equal(b.Start) && a.End.Equal(b.End) }) {
			t.Errorf("%s: got %q, want %q", zone, describe(got, chicago), describe(want, chicago))
		}
		checkOK(t, r, got, now, nil)
	}

	// The first slot, 09:00 in Chicago, as a visitor in India sees it and
	// posts it back.
	kolkata := loadZone(t, "Asia/Kolkata")
	if got, want := want[0].Start.In(kolkata).Format("Mon 15:04 MST"), "Mon 20:30 IST"; got != want {
		t.Errorf("in Kolkata: got %s, want %s", got, want)
	}
	posted, err := time.Parse(time.RFC3339, "2026-03-02T20:30:00+05:30")
	if err != nil {
		t.Fatal(err)
	}
	s, err := r.Check(posted, at(t, kolkata, "2026-03-01 23:30"), nil)
	if err != nil || !s.Start.Equal(want[0].Start) {
		t.Errorf("Check(%v): got %v, %v; want %v, nil", posted, s.Start, err, want[0].Start)
	}
	if s.Start.Location() != time.UTC || s.End.Location() != time.UTC {
		t.Errorf("Check: got %v–%v, want UTC times", s.Start, s.End)
	}
}

func TestSlotJSON(t *testing.T) {
	r := weekRules(t, "")
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		start time.Time
		want  string
	}{
		{time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC),
			`{"start":"2026-03-02T15:00:00Z","end":"2026-03-02T15:30:00Z","localStart":"2026-03-02T09:00:00-06:00","localEnd":"2026-03-02T09:30:00-06:00"}`},
		{time.Date(2026, 3, 9, 14, 0, 0, 0, time.UTC), // after the spring change
			`{"start":"2026-03-09T14:00:00Z","end":"2026-03-09T14:30:00Z","localStart":"2026-03-09T09:00:00-05:00","localEnd":"2026-03-09T09:30:00-05:00"}`},
	} {
		s, err := r.Check(tc.start, now, nil)
		if err != nil {
			t.Fatalf("Check(%v): %v", tc.start, err)
		}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(b); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
		var back booking.Slot
		if err := json.Unmarshal(b, &back); err != nil || !back.Start.Equal(s.Start) || !back.End.Equal(s.End) {
			t.Errorf("round trip: got %v–%v (%v), want %v–%v", back.Start, back.End, err, s.Start, s.End)
		}
	}
	// A Slot not made by Rules has no zone: its local times are UTC.
	b, _ := json.Marshal([]booking.Slot{{Start: time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC), End: time.Date(2026, 3, 2, 15, 30, 0, 0, time.UTC)}})
	want := `[{"start":"2026-03-02T15:00:00Z","end":"2026-03-02T15:30:00Z","localStart":"2026-03-02T15:00:00Z","localEnd":"2026-03-02T15:30:00Z"}]`
	if got := string(b); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// checkCase is one call of Check: start and now in Chicago, "2006-01-02 15:04".
type checkCase struct {
	name, start, now string
	busy             []booking.Busy
	want             error
}

func runChecks(t *testing.T, r *booking.Rules, tcs []checkCase) {
	t.Helper()
	chicago := loadZone(t, "America/Chicago")
	for _, tc := range tcs {
		start := at(t, chicago, tc.start)
		s, err := r.Check(start, at(t, chicago, tc.now), tc.busy)
		if !errors.Is(err, tc.want) || (err == nil) != (tc.want == nil) {
			t.Errorf("%s: Check(%s) at %s: got error %v, want %v", tc.name, tc.start, tc.now, err, tc.want)
			continue
		}
		if err == nil && (!s.Start.Equal(start) || s.End.Sub(s.Start) != r.Slot) {
			t.Errorf("%s: got slot %v–%v, want %v for %v", tc.name, s.Start, s.End, start, r.Slot)
		}
		if err != nil && s != (booking.Slot{}) {
			t.Errorf("%s: got slot %v with error %v, want the zero Slot", tc.name, s, err)
		}
	}
}

func TestMinNotice(t *testing.T) {
	r := weekRules(t, "minNoticeHours = 24")
	chicago := loadZone(t, "America/Chicago")
	now := at(t, chicago, "2026-03-02 10:00")
	slots := r.Slots(now, at(t, chicago, "2026-03-05 00:00"), now, nil)
	want := []string{
		// Tuesday from 10:00 on (09:45 is 23¾ hours away), then Wednesday.
		"Tue 10:30 CST (16:30Z)", "Tue 11:15 CST (17:15Z)",
		"Wed 09:00 CST (15:00Z)", "Wed 09:45 CST (15:45Z)", "Wed 10:30 CST (16:30Z)", "Wed 11:15 CST (17:15Z)",
	}
	if got := describe(slots, chicago); !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	runChecks(t, r, []checkCase{
		{"exactly the notice", "2026-03-03 09:45", "2026-03-02 09:45", nil, nil},
		{"a minute short", "2026-03-03 09:45", "2026-03-02 09:46", nil, booking.ErrTooSoon},
		{"later today", "2026-03-02 11:15", "2026-03-02 10:00", nil, booking.ErrTooSoon},
		{"in the past", "2026-03-02 09:00", "2026-03-02 10:00", nil, booking.ErrTooSoon},
		{"last week", "2026-02-23 09:00", "2026-03-02 10:00", nil, booking.ErrTooSoon},
		{"off the grid comes first", "2026-03-02 09:10", "2026-03-02 10:00", nil, booking.ErrNotOffered},
	})
	runChecks(t, weekRules(t, ""), []checkCase{
		{"no notice: now", "2026-03-02 09:45", "2026-03-02 09:45", nil, nil},
		{"no notice: a second late", "2026-03-02 09:00", "2026-03-02 09:01", nil, booking.ErrTooSoon},
	})
}

// TestHorizon: with horizonDays = 7, on Monday 2 March (local) the
// horizon is 00:00 on Monday 9 March, so Sunday 8 March is the last day.
func TestHorizon(t *testing.T) {
	r := parseRules(t, weekdayTOML("slotMinutes = 60\nhorizonDays = 7", `sunday = ["09:00-11:00"]`, `monday = ["09:00-11:00"]`))
	chicago := loadZone(t, "America/Chicago")
	for _, tc := range []struct {
		now  string
		want []string
	}{
		{"2026-03-02 00:00", []string{"Mon 09:00 CST (15:00Z)", "Mon 10:00 CST (16:00Z)", "Sun 09:00 CDT (14:00Z)", "Sun 10:00 CDT (15:00Z)"}},
		{"2026-03-02 23:30", []string{"Sun 09:00 CDT (14:00Z)", "Sun 10:00 CDT (15:00Z)"}}, // already Tuesday in UTC
	} {
		now := at(t, chicago, tc.now)
		slots := r.Slots(now, at(t, chicago, "2026-04-01 00:00"), now, nil)
		if got := describe(slots, chicago); !slices.Equal(got, tc.want) {
			t.Errorf("now %s: got %q, want %q", tc.now, got, tc.want)
		}
	}
	runChecks(t, r, []checkCase{
		{"last day", "2026-03-08 10:00", "2026-03-02 00:00", nil, nil},
		{"first day beyond", "2026-03-09 09:00", "2026-03-02 00:00", nil, booking.ErrBeyondHorizon},
		{"first day beyond, late evening", "2026-03-09 09:00", "2026-03-02 23:59", nil, booking.ErrBeyondHorizon},
		{"a day later it is in", "2026-03-09 09:00", "2026-03-03 00:00", nil, nil},
		{"far beyond", "2026-06-01 09:00", "2026-03-02 00:00", nil, booking.ErrBeyondHorizon},
	})
	one := parseRules(t, weekdayTOML("slotMinutes = 60\nhorizonDays = 1", `monday = ["09:00-11:00"]`, `tuesday = ["09:00-11:00"]`))
	runChecks(t, one, []checkCase{
		{"horizon 1: today", "2026-03-02 10:00", "2026-03-02 08:00", nil, nil},
		{"horizon 1: tomorrow", "2026-03-03 09:00", "2026-03-02 08:00", nil, booking.ErrBeyondHorizon},
	})
}

func TestMaxPerDay(t *testing.T) {
	chicago := loadZone(t, "America/Chicago")
	busy := func(start string) booking.Busy {
		s := at(t, chicago, start)
		return booking.Busy{Start: s, End: s.Add(30 * time.Minute)}
	}
	tuesday := []booking.Busy{
		busy("2026-03-03 09:00"),
		busy("2026-03-03 19:00"), // Wednesday 01:00 in UTC, but Tuesday in Chicago
	}
	now := at(t, chicago, "2026-03-01 12:00")
	from, to := at(t, chicago, "2026-03-03 00:00"), at(t, chicago, "2026-03-05 00:00")
	for _, tc := range []struct {
		name string
		max  string
		busy []booking.Busy
		want []string
	}{
		{"day full", "maxPerDay = 2", tuesday, []string{
			"Wed 09:00 CST (15:00Z)", "Wed 09:45 CST (15:45Z)", "Wed 10:30 CST (16:30Z)", "Wed 11:15 CST (17:15Z)",
		}},
		{"room for one more", "maxPerDay = 3", tuesday, []string{
			"Tue 09:45 CST (15:45Z)", "Tue 10:30 CST (16:30Z)", "Tue 11:15 CST (17:15Z)",
			"Wed 09:00 CST (15:00Z)", "Wed 09:45 CST (15:45Z)", "Wed 10:30 CST (16:30Z)", "Wed 11:15 CST (17:15Z)",
		}},
		{"no limit", "maxPerDay = 0", append(tuesday, busy("2026-03-03 09:45"), busy("2026-03-03 10:30")), []string{
			"Tue 11:15 CST (17:15Z)",
			"Wed 09:00 CST (15:00Z)", "Wed 09:45 CST (15:45Z)", "Wed 10:30 CST (16:30Z)", "Wed 11:15 CST (17:15Z)",
		}},
	} {
		r := weekRules(t, tc.max)
		slots := r.Slots(from, to, now, tc.busy)
		if got := describe(slots, chicago); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got  %q\nwant %q", tc.name, got, tc.want)
		}
		checkOK(t, r, slots, now, tc.busy)
	}
	runChecks(t, weekRules(t, "maxPerDay = 2"), []checkCase{
		{"full day", "2026-03-03 10:30", "2026-03-01 12:00", tuesday, booking.ErrDayFull},
		{"taken ranks before full", "2026-03-03 09:00", "2026-03-01 12:00", tuesday, booking.ErrTaken},
		{"next day", "2026-03-04 10:30", "2026-03-01 12:00", tuesday, nil},
		{"too soon ranks before full", "2026-03-03 10:30", "2026-03-03 11:00", tuesday, booking.ErrTooSoon},
	})
}

func TestBlocked(t *testing.T) {
	r := weekRules(t, `blocked = ["2026-03-03"]`, `monday = ["09:00-10:00", "20:00-21:00"]`, `tuesday = ["09:00-10:00"]`, `wednesday = ["09:00-10:00"]`)
	chicago := loadZone(t, "America/Chicago")
	now := at(t, chicago, "2026-03-01 12:00")
	slots := r.Slots(at(t, chicago, "2026-03-02 00:00"), at(t, chicago, "2026-03-05 00:00"), now, nil)
	want := []string{
		"Mon 09:00 CST (15:00Z)",
		"Mon 20:00 CST (02:00Z)", // 3 March in UTC: the blocked date is Chicago's
		"Wed 09:00 CST (15:00Z)",
	}
	if got := describe(slots, chicago); !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	runChecks(t, r, []checkCase{
		{"blocked day", "2026-03-03 09:00", "2026-03-01 12:00", nil, booking.ErrNotOffered},
		{"evening before, the 3rd in UTC", "2026-03-02 20:00", "2026-03-01 12:00", nil, nil},
		{"day without hours", "2026-03-05 09:00", "2026-03-01 12:00", nil, booking.ErrNotOffered},
		{"outside the hours", "2026-03-02 12:00", "2026-03-01 12:00", nil, booking.ErrNotOffered},
		{"not offered ranks before too soon", "2026-03-03 09:00", "2026-03-04 12:00", nil, booking.ErrNotOffered},
	})
}

// TestBusyEdges books one interval on Monday and lists what is left of
// the day's 09:00, 09:45, 10:30 and 11:15: a slot is taken when
// [start, end+15m) meets the booking's [start, end+15m).
func TestBusyEdges(t *testing.T) {
	r := weekRules(t, "")
	chicago := loadZone(t, "America/Chicago")
	now := at(t, chicago, "2026-03-01 12:00")
	from, to := at(t, chicago, "2026-03-02 00:00"), at(t, chicago, "2026-03-03 00:00")
	all := []string{"09:00", "09:45", "10:30", "11:15"}
	for _, tc := range []struct {
		name, start, end string // Monday, Chicago
		want             []string
	}{
		{"a booked slot", "10:30", "11:00", []string{"09:00", "09:45", "11:15"}},
		{"its buffer ends where 09:00 starts", "08:15", "08:45", all},
		{"a minute later it overlaps", "08:16", "08:46", []string{"09:45", "10:30", "11:15"}},
		{"starts where 09:00's buffer ends", "09:45", "10:15", []string{"09:00", "10:30", "11:15"}},
		{"starts a minute into 09:00's buffer", "09:44", "09:50", []string{"10:30", "11:15"}},
		{"off the grid, across two slots", "09:30", "10:00", []string{"10:30", "11:15"}},
		{"its buffer reaches 09:45's end", "10:00", "10:15", []string{"09:00", "10:30", "11:15"}},
		{"after the hours", "12:00", "13:00", all},
		{"after the hours, in 11:15's buffer", "11:50", "13:00", []string{"09:00", "09:45", "10:30"}},
		{"long", "08:00", "12:00", nil},
		{"empty", "10:00", "10:00", []string{"09:00", "10:30", "11:15"}}, // still keeps its buffer
		{"another day", "2026-03-03 09:00", "2026-03-03 12:00", all},
	} {
		parse := func(s string) time.Time {
			if len(s) == len("15:04") {
				s = "2026-03-02 " + s
			}
			return at(t, chicago, s)
		}
		busy := []booking.Busy{{Start: parse(tc.start), End: parse(tc.end)}}
		var got []string
		for _, s := range r.Slots(from, to, now, busy) {
			got = append(got, s.Start.In(chicago).Format("15:04"))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s (%s–%s): got %q, want %q", tc.name, tc.start, tc.end, got, tc.want)
		}
		for _, start := range all {
			_, err := r.Check(parse(start), now, busy)
			if free := slices.Contains(tc.want, start); free != (err == nil) || (!free && !errors.Is(err, booking.ErrTaken)) {
				t.Errorf("%s: Check(%s): got error %v, want %v", tc.name, start, err, map[bool]error{true: nil, false: booking.ErrTaken}[free])
			}
		}
	}
}

func TestSlotsRange(t *testing.T) {
	r := weekRules(t, "")
	chicago := loadZone(t, "America/Chicago")
	now := at(t, chicago, "2026-03-01 12:00")
	for _, tc := range []struct {
		name, from, to string
		want           int
	}{
		{"from is inclusive", "2026-03-02 09:45", "2026-03-02 12:00", 3},
		{"to is exclusive", "2026-03-02 00:00", "2026-03-02 10:30", 2},
		{"empty range", "2026-03-02 10:00", "2026-03-02 10:00", 0},
		{"reversed range", "2026-03-03 00:00", "2026-03-02 00:00", 0},
		{"a week", "2026-03-02 00:00", "2026-03-09 00:00", 20},
		{"far beyond the horizon", "2026-03-02 00:00", "2030-01-01 00:00", 4 * 21}, // weekdays 2–30 March
	} {
		if got := len(r.Slots(at(t, chicago, tc.from), at(t, chicago, tc.to), now, nil)); got != tc.want {
			t.Errorf("%s: got %d slots, want %d", tc.name, got, tc.want)
		}
	}
}
