package booking

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Reminders: booking.reminders lists how long before a session the
// prospect gets a reminder email, and the invite carries a calendar alert
// (VALARM) for each. The emails go out from an hourly job, so a reminder
// is at least an hour before the session and sent by the run nearest its
// time; more than a few would read as spam.
const (
	MinReminder  = time.Hour
	MaxReminder  = 7 * 24 * time.Hour
	MaxReminders = 3
)

// DefaultReminders are the reminders of a site.toml that does not set
// booking.reminders: one email a day before.
var DefaultReminders = []time.Duration{24 * time.Hour}

// parseReminders reads booking.reminders: nil (the key is absent) is
// DefaultReminders, an empty list none. Each value is a Go duration
// ("24h", "1h30m") of whole minutes from MinReminder to MaxReminder,
// none repeated (as a duration: "24h" and "1440m" are one), at most
// MaxReminders of them. fail is called for each problem with the value
// at fault ("" for the list as a whole). The result is sorted, the
// earliest reminder (the longest before) first.
func parseReminders(list []string, fail func(value, msg string)) []time.Duration {
	if list == nil {
		return slices.Clone(DefaultReminders)
	}
	if len(list) > MaxReminders {
		fail("", fmt.Sprintf("at most %d reminders, got %d", MaxReminders, len(list)))
	}
	out := []time.Duration{}
	seen := map[time.Duration]string{}
	for _, v := range list {
		d, err := time.ParseDuration(v)
		switch {
		case err != nil:
			fail(v, fmt.Sprintf("%q is not a duration such as \"24h\" or \"1h30m\"", v))
			continue
		case d < MinReminder:
			fail(v, fmt.Sprintf("%q is less than %s before the session: reminders go out from an hourly job", v, fmtDuration(MinReminder)))
			continue
		case d > MaxReminder:
			fail(v, fmt.Sprintf("%q is more than %s (a week) before the session", v, fmtDuration(MaxReminder)))
			continue
		case d%time.Minute != 0:
			fail(v, fmt.Sprintf("%q is not a whole number of minutes", v))
			continue
		}
		if prev, dup := seen[d]; dup {
			fail(v, fmt.Sprintf("%q repeats %q", v, prev))
			continue
		}
		seen[d] = v
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b time.Duration) int { return int((b - a) / time.Minute) })
	return out
}

// fmtDuration writes d as site.toml would: 24h, 1h30m, 168h.
func fmtDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
