// Package booking is consultation booking's availability: the consultant's
// weekly hours from the booking table of content/site.toml, validated,
// and the free slots they leave around the bookings already made and the
// busy events of the consultant's own calendars.
//
// The package does no I/O and never reads the clock: FromSite takes the
// parsed site settings, and Slots and Check take the current time ("now")
// and the busy time (active bookings, and calendar events marked
// Busy.Event) as arguments, so tests and the function agree exactly.
//
//	rules, err := booking.FromSite(site)         // nil, nil: the site takes no bookings
//	free := rules.Slots(from, to, now, busy)     // free slots starting in [from, to)
//	slot, err := rules.Check(start, now, busy)   // is this start bookable?
//
// It imports time/tzdata, so the zone database is compiled in: the Lambda
// function's OS image may have no /usr/share/zoneinfo, and a missing zone
// must not turn into UTC slots or a failed start.
//
// # Settings
//
// See content.Booking for the keys. FromSite reports every problem at
// once, each as "site.toml:LINE: message": an unknown time zone, a slot
// length outside 1–480 minutes, a negative buffer or notice, a horizon
// outside 1–365 days, a negative maxPerDay (0 means no limit), a blocked
// date not written 2006-01-02, a form choice (challenges, companySizes)
// that is blank, not one line or longer than MaxText characters, more
// than MaxChallenges challenges, an unknown weekday name (the keys of
// [booking.hours] are monday … sunday, lower case), and any window that is
// not "HH:MM-HH:MM" (an end of 24:00 means midnight), ends at or before
// its start, is shorter than one slot, or overlaps another window of the
// same day.
//
// booking.location (ParsePlace) says where sessions take place: an
// https:// link to a fixed video room, a phone number in international
// form (+… or tel:+…), or else a postal address on one line; what a
// prospect could not use (an http:// link, a link with spaces, a number
// without its country code, ...) is an error saying how to write it.
// booking.reminders lists durations before a session ("24h", "1h30m"):
// whole minutes from MinReminder to MaxReminder, none repeated, at most
// MaxReminders; absent, DefaultReminders; [] for none.
//
// # Details
//
// The details a prospect gives are held to one set of rules, which the
// booking form and the store both apply: the limits MaxText, MaxMessage,
// MaxChallenges and MaxEmail, CheckText (UTF-8, length, one line, no
// control characters) and CheckEmail (OWASP's syntax). LoadZone reads
// booking.timeZone and the zone a visitor's browser reports alike.
//
// # Slots
//
// Slots are laid out per calendar day in the consultant's zone
// (Rules.Location), on the wall clock: within each window the first slot
// starts at the window's start and the next ones every Slot+Buffer after
// it, as long as start+Slot is not after the window's end. The grid is
// therefore the same every day, including the two days a year the clocks
// change, and a slot always lasts Slot of real time (End = Start+Slot).
// A slot is a pair of UTC instants; visitors in any zone see the same
// instants, shown in their own time.
//
// Wall times are turned into instants in Location, which makes daylight
// saving time explicit:
//
//   - A wall time the clock skips (02:00–02:59 when America/Chicago springs
//     forward) offers no slot: no slot at a time that does not exist, and
//     none at the instant time.Date would pick for it instead (it turns
//     02:30 into 01:30 CST, a second slot at 01:30).
//   - A wall time the clock shows twice (01:00–01:59 when America/Chicago
//     falls back) means its first occurrence, in daylight time; the
//     repeated hour offers nothing of its own, so no slot appears twice.
//   - A window's end is the first instant the wall clock reads it; an end
//     the clock skips is the moment of the change. A slot that would run
//     past it in real time (one that starts just before the clocks spring
//     forward) is not offered.
//   - A slot that would start before the previous slot of the day ends
//     plus Buffer is not offered, so that all of a day's slots can be
//     booked together: they never overlap, even where the clocks' jump
//     brings two grid times closer in real time, and windows that touch
//     keep the buffer between them.
//
// Windows away from the change are unaffected: 09:00 is 09:00 local on
// both sides of it.
//
// A slot is offered when all of these hold:
//
//   - its local weekday has hours and its local date is not blocked;
//   - it starts no earlier than now+MinNotice (the past included);
//   - it starts before the horizon: local midnight at the start of the
//     date HorizonDays after today's local date. With horizonDays = 30,
//     on any time of 1 March the last bookable day is 30 March;
//   - it does not overlap busy time, each side extended by Buffer after
//     its end: [start, end+Buffer) of the slot against [start,
//     end+Buffer) of the booking or event. So the slot ends at least
//     Buffer before the busy time starts and starts at least Buffer after
//     it ends: back-to-back meetings keep the buffer between them, and
//     touching intervals do not overlap. Busy time is a booking, or an
//     event of the consultant's calendars (Busy.Event, e.g. from package
//     calendar), which blocks every slot it overlaps, all day and
//     multi-day events included;
//   - fewer than MaxPerDay bookings start on its local date (when
//     MaxPerDay is not 0): a full day offers nothing. Events do not
//     count: a day with a lunch in the calendar still takes MaxPerDay
//     consultations.
//
// Check applies the same rules to one start and says which one fails:
// ErrNotOffered when the start is not on a day's grid (wrong time, day
// without hours, blocked date), then ErrTooSoon or ErrBeyondHorizon, then
// ErrTaken or ErrDayFull. Their messages are fit to show to visitors.
//
// # JSON
//
// A Slot marshals as
//
//	{"start": "2026-03-09T14:00:00Z", "end": "2026-03-09T14:30:00Z",
//	 "localStart": "2026-03-09T09:00:00-05:00", "localEnd": "2026-03-09T09:30:00-05:00"}
//
// with start and end in UTC and the local times in the consultant's zone
// with their offset (UTC for a Slot not made by Rules).
package booking
