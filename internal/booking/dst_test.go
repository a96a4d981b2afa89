package booking_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/cassidine/site/internal/booking"
)

// In America/Chicago in 2026 the clocks spring forward on Sunday 8 March
// (02:00 CST becomes 03:00 CDT, at 08:00Z) and fall back on Sunday
// 1 November (02:00 CDT becomes 01:00 CST, at 07:00Z).

type dstCase struct {
	name         string
	slot, buffer int
	sunday       string // the day's windows, TOML
	want         []string
}

// runDST lists the Sunday's slots under each case's rules, and checks
// that Check accepts each of them and rejects the instants notOffered.
func runDST(t *testing.T, day string, tcs []dstCase, notOffered ...time.Time) {
	t.Helper()
	chicago := loadZone(t, "America/Chicago")
	from := at(t, chicago, day+" 00:00")
	to := from.Add(30 * time.Hour) // past the Sunday, which is 23 or 25 hours long
	now := from.AddDate(0, 0, -7)
	for _, tc := range tcs {
		t.Run(tc.name, func(t *testing.T) {
			r := parseRules(t, weekdayTOML(fmt.Sprintf("slotMinutes = %d\nbufferMinutes = %d\nhorizonDays = 30", tc.slot, tc.buffer),
				"sunday = "+tc.sunday))
			slots := r.Slots(from, to, now, nil)
			if got := describe(slots, chicago); !slices.Equal(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
			checkOK(t, r, slots, now, nil)
			for _, start := range notOffered {
				if slices.ContainsFunc(slots, func(s booking.Slot) bool { return s.Start.Equal(start) }) {
					continue
				}
				if _, err := r.Check(start, now, nil); !errors.Is(err, booking.ErrNotOffered) {
					t.Errorf("Check(%v): got %v, want %v", start.UTC(), err, booking.ErrNotOffered)
				}
			}
		})
	}
}

func TestSpringForward(t *testing.T) {
	runDST(t, "2026-03-08", []dstCase{
		{"grid across the skipped hour", 30, 0, `["00:30-03:30", "09:00-10:00"]`, []string{
			"Sun 00:30 CST (06:30Z)", "Sun 01:00 CST (07:00Z)", "Sun 01:30 CST (07:30Z)",
			// 02:00 and 02:30 do not exist; time.Date would make them
			// 01:00 and 01:30 CST again.
			"Sun 03:00 CDT (08:00Z)",
			"Sun 09:00 CDT (14:00Z)", "Sun 09:30 CDT (14:30Z)",
		}},
		{"window ending in the skipped hour", 30, 0, `["01:00-02:30"]`, []string{
			"Sun 01:00 CST (07:00Z)", "Sun 01:30 CST (07:30Z)",
		}},
		{"window inside the skipped hour", 30, 0, `["02:00-02:45", "09:00-09:30"]`, []string{
			"Sun 09:00 CDT (14:00Z)",
		}},
		{"slot running past the window in real time", 60, 0, `["01:30-03:00", "09:00-10:00"]`, []string{
			// 01:30 CST + 1h is 03:30 CDT, after the window's 03:00.
			"Sun 09:00 CDT (14:00Z)",
		}},
		{"grid times brought to overlap by the jump", 90, 0, `["01:30-06:00"]`, []string{
			// 01:30 CST lasts until 04:00 CDT, so 03:00 CDT is dropped.
			"Sun 01:30 CST (07:30Z)", "Sun 04:30 CDT (09:30Z)",
		}},
		{"buffer kept across the jump", 30, 15, `["01:00-04:00"]`, []string{
			// 01:45 CST ends at 03:15 CDT; with the buffer 03:15 is too close.
			"Sun 01:00 CST (07:00Z)", "Sun 01:45 CST (07:45Z)",
		}},
		{"ordinary window", 30, 15, `["09:00-12:00"]`, []string{
			"Sun 09:00 CDT (14:00Z)", "Sun 09:45 CDT (14:45Z)", "Sun 10:30 CDT (15:30Z)", "Sun 11:15 CDT (16:15Z)",
		}},
	},
		time.Date(2026, 3, 8, 8, 30, 0, 0, time.UTC), // 03:30 CDT, 02:30 CST if that existed
		time.Date(2026, 3, 8, 7, 45, 0, 0, time.UTC), // 01:45 CST, off the 30-minute grid
	)
}

func TestFallBack(t *testing.T) {
	runDST(t, "2026-11-01", []dstCase{
		{"grid across the repeated hour", 30, 0, `["00:30-03:00", "09:00-10:00"]`, []string{
			"Sun 00:30 CDT (05:30Z)",
			"Sun 01:00 CDT (06:00Z)", "Sun 01:30 CDT (06:30Z)", // the first 01:00–02:00 only
			"Sun 02:00 CST (08:00Z)", "Sun 02:30 CST (08:30Z)",
			"Sun 09:00 CST (15:00Z)", "Sun 09:30 CST (15:30Z)",
		}},
		{"window of the repeated hour", 60, 0, `["01:00-02:00"]`, []string{
			"Sun 01:00 CDT (06:00Z)",
		}},
		{"window inside the repeated hour", 30, 0, `["01:15-01:45"]`, []string{
			"Sun 01:15 CDT (06:15Z)",
		}},
		{"slot and buffer across the change", 45, 15, `["00:00-04:00"]`, []string{
			"Sun 00:00 CDT (05:00Z)", "Sun 01:00 CDT (06:00Z)", "Sun 02:00 CST (08:00Z)", "Sun 03:00 CST (09:00Z)",
		}},
		{"ordinary window", 30, 15, `["09:00-12:00"]`, []string{
			"Sun 09:00 CST (15:00Z)", "Sun 09:45 CST (15:45Z)", "Sun 10:30 CST (16:30Z)", "Sun 11:15 CST (17:15Z)",
		}},
	},
		time.Date(2026, 11, 1, 7, 0, 0, 0, time.UTC),  // 01:00 CST, the second 01:00
		time.Date(2026, 11, 1, 7, 30, 0, 0, time.UTC), // 01:30 CST, the second 01:30
	)
}

// TestDSTNeighbours checks ordinary days on either side of each change:
// 09:00 stays 09:00 on the wall clock as the offset changes.
func TestDSTNeighbours(t *testing.T) {
	chicago := loadZone(t, "America/Chicago")
	r := parseRules(t, weekdayTOML("slotMinutes = 60\nhorizonDays = 30", `saturday = ["09:00-10:00"]`, `monday = ["09:00-10:00"]`))
	for _, tc := range []struct {
		from string
		want []string
	}{
		{"2026-03-07", []string{"Sat 09:00 CST (15:00Z)", "Mon 09:00 CDT (14:00Z)"}},
		{"2026-10-31", []string{"Sat 09:00 CDT (14:00Z)", "Mon 09:00 CST (15:00Z)"}},
	} {
		from := at(t, chicago, tc.from+" 00:00")
		slots := r.Slots(from, from.AddDate(0, 0, 3), from.AddDate(0, 0, -1), nil)
		if got := describe(slots, chicago); !slices.Equal(got, tc.want) {
			t.Errorf("from %s: got %q, want %q", tc.from, got, tc.want)
		}
	}
}
