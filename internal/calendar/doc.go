// Package calendar reads the consultant's own calendars, published as
// iCalendar feeds (RFC 5545), into busy time, so that booking offers no
// slot when the consultant is busy. The feeds are the private addresses
// the calendar services publish: Google Calendar's "secret address in
// iCal format", Outlook and Office 365's published calendars (ICS link),
// iCloud's public calendar (webcal://), Fastmail and Proton's share links.
//
//	data, err := calendar.Fetch(ctx, client, url, calendar.MaxFeedBytes)
//	feed, err := calendar.Parse(data, rules.Location, from, to)
//	// feed.Busy: merged busy intervals overlapping [from, to), in UTC
//	// feed.Err(): the events left out (unknown zone, bad rule), if any
//
// Parse does no I/O and never reads the clock except to bound its own
// running time; Fetch is the only network access.
//
// # What is busy
//
// Every VEVENT is busy time, except one that is cancelled
// (STATUS:CANCELLED) or shown as free: TRANSP:TRANSPARENT (Google's,
// Apple's and Fastmail's "free"; Google marks all-day events so unless
// told otherwise), or Outlook's X-MICROSOFT-CDO-BUSYSTATUS FREE or
// WORKINGELSEWHERE. Tentative and out-of-office events are busy. An event
// that takes no time (a date-time DTSTART with no DTEND or DURATION, or
// a DTEND not after DTSTART) adds nothing. VTODO, VJOURNAL and VFREEBUSY
// components are ignored.
//
// Busy intervals are [start, end) instants in UTC, sorted, with
// overlapping and touching ones merged (Merge does the same for several
// feeds). Parse returns those that overlap [from, to), each whole, also
// where it reaches outside the window: an event ending just before from
// still matters to the buffer of a slot at from.
//
// # Times
//
//   - A DATE-TIME ending in Z is UTC. One with a TZID is in that zone:
//     an IANA name ("America/New_York"); else a Windows name as Outlook
//     writes them ("Pacific Standard Time", "W. Europe Standard Time"),
//     through CLDR's table of 139 names; else the feed's own VTIMEZONE
//     of that TZID (Outlook's "Customized Time Zone", display names such
//     as "(UTC+01:00) Amsterdam, Berlin…"), whose STANDARD and DAYLIGHT
//     rules are turned into a time.Location; else the event is left out
//     and reported with ErrUnknownZone. It is never read as UTC. A TZID
//     such as "/mozilla.org/20050126_1/America/New_York" is read by its
//     IANA ending.
//   - A DATE-TIME with neither (a "floating" time) is in the default
//     zone passed to Parse, the consultant's.
//   - A DATE (an all-day event) is the whole local day in the default
//     zone, from midnight to midnight; DTEND is exclusive (DTSTART
//     20260312, DTEND 20260314 is two days) and without DTEND the event
//     is one day. Multi-day events, timed or all-day, are one interval.
//   - DURATION may replace DTEND: its days and weeks are nominal (P1D
//     ends at the same wall time the next day, 23 or 25 hours across a
//     change of offset), its hours, minutes and seconds exact.
//   - A wall time the clock shows twice (the hour after falling back) is
//     the first of the two; one the clock skips (springing forward) is
//     read with the offset before the change, so 02:30 on the day New
//     York springs forward is 03:30 EDT (RFC 5545 3.3.5).
//
// # Recurrence
//
// RRULE is expanded by github.com/teambition/rrule-go (a port of Python's
// dateutil.rrule, the reference most calendar code is tested against):
// FREQ DAILY to YEARLY with COUNT, UNTIL, INTERVAL, BYDAY (with ordinals,
// "2WE", "-1FR"), BYMONTHDAY, BYMONTH, BYYEARDAY, BYWEEKNO, BYSETPOS,
// BYHOUR/BYMINUTE/BYSECOND and WKST. The rule runs on the wall clock of
// DTSTART's zone, so a weekly 09:00 meeting stays at 09:00 local across
// daylight-saving changes; each occurrence is then placed in time as
// above. UNTIL in UTC is compared as the instant it names; a DATE UNTIL
// includes its day. DTSTART is always the first occurrence. RDATE adds
// occurrences (dates, date-times, or periods with their own end); EXDATE
// removes them (by instant, or by local date when it is a DATE). An
// event with the same UID and a RECURRENCE-ID replaces that one
// occurrence: the occurrence is removed from the series and the
// replacement counts on its own, at its new time, or not at all when it
// is cancelled or free. A replacement whose series is not in the feed
// (an invitation to one occurrence) counts on its own.
//
// The library was chosen over github.com/apognu/gocal, which would do
// the whole job in one call, because gocal reads an unknown TZID and
// floating times as UTC or the server's zone without a word, expands
// recurrences with its own partial code (no BYSETPOS or BYDAY ordinals
// such as "2WE", no bound on iterations), and sets its zone mapper in a
// package variable. github.com/arran4/golang-ical, already used for
// invitations, reads the feed's structure (line unfolding, parameters,
// components); this package reads the values, because golang-ical's
// time getters fall back to the server's zone.
//
// # Limits
//
// A feed may hold what anyone sent the consultant an invitation for, so
// Parse bounds its work: a feed larger than MaxFeedBytes, more than
// 500,000 occurrences in all up to the window's end, or more than 5
// seconds spent are errors for the whole feed (ErrTooLarge); an event
// that repeats more than 50,000 times from its DTSTART to the window's
// end is left out and reported (ErrTooLarge). A series whose UNTIL is
// before the window is not walked at all. rrule-go walks a rule that
// never matches (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30) up to the year 9999,
// whatever its UNTIL; Parse moves each rule's times forward by as many
// years as keep their calendar, so that walk ends soon after the window.
// A panic of rrule-go on a rule no calendar writes becomes that event's
// error.
//
// # What is not supported
//
// Each of these leaves its event out, listed in Feed.Skipped with an
// EventError wrapping ErrUnsupported or saying what is wrong:
// FREQ=SECONDLY, MINUTELY or HOURLY (no calendar's editor makes them,
// and rrule-go can loop for ever on some); RSCALE and SKIP (RFC 7529
// calendars); INTERVAL above 10,000; a BYDAY ordinal beyond ±5 in a
// monthly rule; malformed dates, durations and rules; DTSTART and DTEND
// of different kinds (a date and a date-time); a VTIMEZONE whose rules
// are not yearly. A replacement whose RECURRENCE-ID cannot be read is
// left out, and its series keeps the occurrence.
//
// Read in a simpler way than RFC 5545 describes, and so never showing
// less busy time than it should: EXRULE (deprecated by RFC 5545) is
// ignored, so the times it would remove stay busy; RECURRENCE-ID's
// RANGE=THISANDFUTURE replaces only its own occurrence, the later ones
// keeping the series' times (no service named above writes it; they
// split the series instead). Invitations the consultant declined are
// busy when the service still lists them in the feed: the feed does not
// say whose calendar it is.
//
// # Fetching
//
// Fetch sends a GET with a timeout and a size limit, turns webcal://
// into https://, and fails on a non-2xx answer or a body that is not
// iCalendar (the HTML page a service shows for a reset address). The
// address of a feed is its password: Fetch's errors and anything this
// package returns name it only as Redact writes it, "https://host/…".
// Log it the same way.
package calendar
