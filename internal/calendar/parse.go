package calendar

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// MaxFeedBytes is the largest feed Parse reads, and the limit to give
// Fetch. A consultant's calendar with years of history is well under
// 1 MB; Google's and Outlook's feeds carry no attachments.
const MaxFeedBytes = 5 << 20

// ErrTooLarge is a feed over a limit: larger than MaxFeedBytes, or
// expanding to more occurrences (or taking longer) than Parse allows.
// Parse wraps it in the error it returns, or in an event's EventError
// when one event repeats too often.
var ErrTooLarge = errors.New("too large")

// Interval is busy time, [Start, End), in UTC.
type Interval struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Feed is what Parse reads from a feed.
type Feed struct {
	// Busy are the busy intervals that overlap the window, sorted and
	// merged (none overlap or touch); each keeps its full extent, also
	// outside the window.
	Busy []Interval
	// Skipped are the events Parse could not read and left out, in feed
	// order: an unknown time zone, a malformed date or rule, a rule it
	// does not support, one that repeats too often.
	Skipped []*EventError
}

// Err returns nil when no event was skipped, and otherwise one error
// that names the first few, fit for one log line.
func (f Feed) Err() error {
	if len(f.Skipped) == 0 {
		return nil
	}
	const show = 3
	var b strings.Builder
	fmt.Fprintf(&b, "calendar: %d event(s) left out: ", len(f.Skipped))
	for i, e := range f.Skipped[:min(show, len(f.Skipped))] {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(e.Error())
	}
	if len(f.Skipped) > show {
		fmt.Fprintf(&b, "; and %d more", len(f.Skipped)-show)
	}
	return errors.New(b.String())
}

// EventError is an event left out of a feed, and why.
type EventError struct {
	UID   string // the event's UID, or "" when it has none
	Start string // its DTSTART as written, which with UID finds it in the feed
	Err   error
}

func (e *EventError) Error() string {
	return fmt.Sprintf("event %q (DTSTART %s): %v", e.UID, e.Start, e.Err)
}

func (e *EventError) Unwrap() error { return e.Err }

// limits bound the work a feed can cause. Tests use smaller ones.
type limits struct {
	bytes      int           // the feed's size
	perEvent   int           // occurrences of one event, from its DTSTART to the window's end
	total      int           // occurrences of all events
	expandTime time.Duration // the time Parse may take
}

var defaultLimits = limits{
	bytes:      MaxFeedBytes,
	perEvent:   50_000,  // a daily event since the 1880s; a weekly one for ever
	total:      500_000, // a fraction of a second of rrule-go
	expandTime: 5 * time.Second,
}

// Parse reads an iCalendar feed and returns its busy time that overlaps
// [from, to): see the package doc for what counts as busy, how times and
// recurrences are read, and the limits. zone is the consultant's: floating
// times and all-day events are read in it.
//
// The error is for the feed as a whole (too large, not iCalendar, cut
// short, over the limits): then nothing of it should be trusted. Events
// that cannot be read are left out and listed in Feed.Skipped instead,
// so one odd invitation does not hide the rest of the calendar.
func Parse(data []byte, zone *time.Location, from, to time.Time) (Feed, error) {
	return parse(data, zone, from, to, defaultLimits)
}

var bom = []byte("\xef\xbb\xbf")

// looksLikeCalendar reports whether data starts as an iCalendar object
// does, after any byte-order mark and white space.
func looksLikeCalendar(data []byte) bool {
	data = bytes.TrimLeft(bytes.TrimPrefix(data, bom), " \t\r\n")
	const begin = "BEGIN:VCALENDAR"
	return len(data) >= len(begin) && strings.EqualFold(string(data[:len(begin)]), begin)
}

func parse(data []byte, zone *time.Location, from, to time.Time, lim limits) (Feed, error) {
	if zone == nil {
		return Feed{}, errors.New("calendar: no default time zone")
	}
	if len(data) > lim.bytes {
		return Feed{}, fmt.Errorf("calendar: the feed is %d bytes, over the %s limit: %w", len(data), size(int64(lim.bytes)), ErrTooLarge)
	}
	if !looksLikeCalendar(data) {
		return Feed{}, errors.New("calendar: not an iCalendar feed (it does not start with BEGIN:VCALENDAR)")
	}
	data = bytes.TrimLeft(bytes.TrimPrefix(data, bom), " \t\r\n")
	const end = "END:VCALENDAR"
	if tail := bytes.TrimRight(data, " \t\r\n"); len(tail) < len(end) || !strings.EqualFold(string(tail[len(tail)-len(end):]), end) {
		return Feed{}, errors.New("calendar: the feed was cut short (it does not end with END:VCALENDAR)")
	}
	cal, err := ics.ParseCalendarWithOptions(bytes.NewReader(data), ics.WithUnknownPropertyHandler(ics.AcceptUnknownPropertyHandler))
	if err != nil {
		return Feed{}, fmt.Errorf("calendar: not a valid iCalendar feed: %w", err)
	}
	if !from.Before(to) {
		return Feed{}, nil
	}
	r := &reader{
		zone: zone, from: from, to: to, lim: lim, began: time.Now(),
		zones: newZones(cal, naive(to.UTC()).AddDate(2, 0, 0)),
	}

	// An event with a RECURRENCE-ID replaces one occurrence of the
	// recurring event of its UID: that occurrence is left out of the
	// series, and the replacement is read as an event of its own (moved,
	// or cancelled and so not busy).
	var series, singles []*ics.ComponentBase
	replaced := map[string][]*ics.IANAProperty{}
	for _, ev := range cal.Events() {
		cb := &ev.ComponentBase
		if id := prop(cb, "RECURRENCE-ID"); id != nil {
			if _, err := r.whenProp(id); err != nil {
				r.skip(cb, err) // and the series keeps the occurrence it meant to replace
				continue
			}
			if uid := uidOf(cb); uid != "" {
				replaced[uid] = append(replaced[uid], id)
			}
			singles = append(singles, cb)
			continue
		}
		series = append(series, cb)
	}
	for _, cb := range series {
		if err := r.read(cb, replaced[uidOf(cb)], false); err != nil {
			return Feed{}, err
		}
	}
	for _, cb := range singles {
		if err := r.read(cb, nil, true); err != nil {
			return Feed{}, err
		}
	}
	return Feed{Busy: Merge(r.busy), Skipped: r.skipped}, nil
}

// size writes n bytes for people: "5 MB", "12 kB", "300 bytes".
func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.3g MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.3g kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func uidOf(cb *ics.ComponentBase) string {
	if p := prop(cb, "UID"); p != nil {
		return strings.TrimSpace(p.Value)
	}
	return ""
}

// reader reads the events of one feed.
type reader struct {
	zone     *time.Location
	from, to time.Time
	zones    *zones
	lim      limits
	began    time.Time
	total    int // occurrences so far

	busy    []Interval
	skipped []*EventError
}

// errFeed marks the errors of read that end the whole parse.
type errFeed struct{ error }

func (e errFeed) Unwrap() error { return e.error }

// read adds the busy time of one event, or records why it cannot. Its
// error ends the parse: the feed is over a limit.
func (r *reader) read(cb *ics.ComponentBase, replaced []*ics.IANAProperty, single bool) error {
	kept := len(r.busy)
	err := r.event(cb, replaced, single)
	if err == nil {
		err = r.checkTime()
	}
	var fe errFeed
	if errors.As(err, &fe) {
		return fe.error
	}
	if err != nil {
		r.busy = r.busy[:kept] // left out means all of it
		r.skip(cb, err)
	}
	return nil
}

// skip records an event left out.
func (r *reader) skip(cb *ics.ComponentBase, err error) {
	e := &EventError{UID: uidOf(cb), Err: err}
	if p := prop(cb, "DTSTART"); p != nil {
		e.Start = p.Value
	}
	r.skipped = append(r.skipped, e)
}

func (r *reader) checkTime() error {
	if time.Since(r.began) > r.lim.expandTime {
		return errFeed{fmt.Errorf("calendar: reading the feed took longer than %v: %w", r.lim.expandTime, ErrTooLarge)}
	}
	return nil
}

// blocks reports whether an event takes up time: not cancelled, and not
// shown as free (TRANSP:TRANSPARENT, or Outlook's busy status FREE or
// WORKINGELSEWHERE). Tentative and out-of-office events block.
func blocks(cb *ics.ComponentBase) bool {
	is := func(name, value string) bool {
		p := prop(cb, name)
		return p != nil && strings.EqualFold(strings.TrimSpace(p.Value), value)
	}
	return !is("STATUS", "CANCELLED") && !is("TRANSP", "TRANSPARENT") &&
		!is("X-MICROSOFT-CDO-BUSYSTATUS", "FREE") && !is("X-MICROSOFT-CDO-BUSYSTATUS", "WORKINGELSEWHERE")
}

// span is how long each occurrence of an event lasts: nominal days, then
// exact time (see duration).
type span duration

// end returns the end of the occurrence that starts at wall in loc.
func (s span) end(wall time.Time, loc *time.Location) time.Time {
	return instant(wall.AddDate(0, 0, s.days), loc).Add(s.exact)
}

// event adds the busy occurrences of one event. replaced are the
// RECURRENCE-IDs of the occurrences other events replace; single reads
// the event as one occurrence, ignoring any RRULE or RDATE (a
// replacement).
func (r *reader) event(cb *ics.ComponentBase, replaced []*ics.IANAProperty, single bool) error {
	if !blocks(cb) {
		return nil
	}
	sp := prop(cb, "DTSTART")
	if sp == nil {
		return errors.New("no DTSTART")
	}
	start, err := r.whenProp(sp)
	if err != nil {
		return err
	}
	length, err := r.length(cb, start)
	if err != nil || length == nil {
		return err
	}
	loc := start.loc
	emit := func(wall time.Time) {
		iv := Interval{Start: instant(wall, loc).UTC(), End: length.end(wall, loc).UTC()}
		if iv.End.After(r.from) && iv.Start.Before(r.to) && iv.End.After(iv.Start) {
			r.busy = append(r.busy, iv)
		}
	}
	if single {
		r.total++
		emit(start.wall)
		return r.checkTotal()
	}

	var skip exclusions
	if err := r.exclude(&skip, props(cb, "EXDATE")); err != nil {
		return err
	}
	if err := r.exclude(&skip, replaced); err != nil {
		return err
	}
	seen := map[time.Time]bool{} // occurrences by naive start: DTSTART, RDATEs and rules may name one twice
	occur := func(wall time.Time) {
		if seen[wall] || skip.has(wall, instant(wall, loc)) {
			return
		}
		seen[wall] = true
		emit(wall)
	}
	// DTSTART is the first occurrence, whether or not the rule would
	// give it (RFC 5545 3.8.5.3).
	r.total++
	occur(start.wall)
	if err := r.rdates(cb, start, loc, length, occur, &skip); err != nil {
		return err
	}
	for _, p := range props(cb, "RRULE") {
		if err := r.expand(p, start, length, occur); err != nil {
			return fmt.Errorf("RRULE: %w", err)
		}
	}
	return r.checkTotal()
}

func (r *reader) checkTotal() error {
	if r.total > r.lim.total {
		return errFeed{fmt.Errorf("calendar: the feed has more than %d occurrences up to the window's end: %w", r.lim.total, ErrTooLarge)}
	}
	return nil
}

// length returns how long each occurrence lasts, from DTEND or DURATION,
// or nil when the event takes no time (a DATE-TIME DTSTART alone, or a
// DTEND not after DTSTART).
func (r *reader) length(cb *ics.ComponentBase, start when) (*span, error) {
	if ep := prop(cb, "DTEND"); ep != nil {
		end, err := r.whenProp(ep)
		if err != nil {
			return nil, err
		}
		if end.date != start.date {
			return nil, errors.New("DTSTART and DTEND must both be dates or both date-times")
		}
		if start.date {
			days := int(end.wall.Sub(start.wall) / (24 * time.Hour))
			if days > maxDurationDays {
				return nil, errors.New("DTEND is more than a century after DTSTART")
			}
			// An all-day event ending when it starts still fills its
			// day, as calendars show it.
			return &span{days: max(days, 1)}, nil
		}
		d := end.at().Sub(start.at())
		if d <= 0 {
			return nil, nil
		}
		// A DTEND gives every occurrence the same exact length (RFC 5545
		// 3.8.5.3).
		return &span{exact: d}, nil
	}
	if dp := prop(cb, "DURATION"); dp != nil {
		d, err := parseDuration(dp.Value)
		if err != nil {
			return nil, fmt.Errorf("DURATION: %w", err)
		}
		if d.days == 0 && d.exact == 0 {
			return nil, nil
		}
		s := span(d)
		return &s, nil
	}
	if start.date {
		return &span{days: 1}, nil // RFC 5545 3.6.1: a date alone is one day
	}
	return nil, nil
}

// exclusions are occurrences left out: by instant, for DATE-TIME values,
// and by local date, for DATE values.
type exclusions struct {
	at    map[int64]bool     // Unix seconds
	dates map[time.Time]bool // naive midnights
}

func (x *exclusions) has(wall, at time.Time) bool {
	return x.at[at.Unix()] || x.dates[wall.Truncate(24*time.Hour)]
}

// exclude adds the values of EXDATE or RECURRENCE-ID properties.
func (r *reader) exclude(x *exclusions, ps []*ics.IANAProperty) error {
	for _, p := range ps {
		for v := range strings.SplitSeq(p.Value, ",") {
			w, err := r.whenValue(p, v)
			if err != nil {
				return fmt.Errorf("%s: %w", strings.ToUpper(p.IANAToken), err)
			}
			if w.date {
				if x.dates == nil {
					x.dates = map[time.Time]bool{}
				}
				x.dates[w.wall] = true
				continue
			}
			if x.at == nil {
				x.at = map[int64]bool{}
			}
			x.at[w.at().Unix()] = true
		}
	}
	return nil
}

// rdates adds the RDATE occurrences: dates or date-times that last as
// the event does, or periods with their own end.
func (r *reader) rdates(cb *ics.ComponentBase, start when, loc *time.Location, length *span, occur func(time.Time), skip *exclusions) error {
	for _, p := range props(cb, "RDATE") {
		for v := range strings.SplitSeq(p.Value, ",") {
			r.total++
			if err := r.checkTotal(); err != nil {
				return err
			}
			v, rest, period := strings.Cut(v, "/")
			w, err := r.whenValue(p, v)
			if err != nil {
				return fmt.Errorf("RDATE: %w", err)
			}
			if w.date != start.date {
				return errors.New("RDATE: must be a date when DTSTART is, and a date-time when it is")
			}
			if !period {
				// The occurrence is read in the series' zone, where the
				// rule's occurrences are, so that EXDATEs match.
				occur(naive(w.at().In(loc)))
				continue
			}
			if w.date {
				return errors.New("RDATE: a period must start with a date-time")
			}
			if skip.has(w.wall, w.at()) {
				continue
			}
			iv := Interval{Start: w.at().UTC()}
			if d, err := parseDuration(rest); err == nil {
				iv.End = span(d).end(w.wall, w.loc).UTC()
			} else {
				e, err := r.whenValue(p, rest)
				if err != nil || e.date {
					return fmt.Errorf("RDATE: period %q does not end with a date-time or duration", v+"/"+rest)
				}
				iv.End = e.at().UTC()
			}
			if iv.End.After(iv.Start) && iv.End.After(r.from) && iv.Start.Before(r.to) {
				r.busy = append(r.busy, iv)
			}
		}
	}
	return nil
}

// expand adds the occurrences of one RRULE from DTSTART up to the
// window's end, counting them against the limits.
func (r *reader) expand(p *ics.IANAProperty, start when, length *span, occur func(time.Time)) error {
	loc := start.loc
	rl, err := parseRule(p.Value, func(t time.Time, utc bool) time.Time {
		if utc && !start.date {
			return naive(t.In(loc)) // t is a naive UTC time, so also the instant
		}
		return t // a date's UNTIL is compared as written
	})
	if err != nil {
		return err
	}
	if rl.until && length.end(rl.opt.Until, loc).Before(r.from) {
		return nil // ended before the window: no need to walk it
	}
	// Occurrences are in wall-clock order; past last, none can start
	// before the window's end, and before earliest none can reach into
	// the window: those are counted, not placed in time.
	last := naive(r.to.In(loc)).Add(48 * time.Hour)
	earliest := naive(r.from.In(loc)).AddDate(0, 0, -length.days-2).Add(-length.exact)
	if start.wall.After(last) {
		return nil
	}
	it, err := rl.iterator(start.wall, last)
	if err != nil {
		return err
	}
	for n := 1; ; n++ {
		wall, ok := it.Next()
		if !ok || wall.After(last) {
			return it.err
		}
		if n > r.lim.perEvent {
			return fmt.Errorf("repeats more than %d times up to the window's end: %w", r.lim.perEvent, ErrTooLarge)
		}
		r.total++
		if err := r.checkTotal(); err != nil {
			return err
		}
		if n%1024 == 0 {
			if err := r.checkTime(); err != nil {
				return err
			}
		}
		if !wall.Before(earliest) {
			occur(wall)
		}
	}
}

// Merge returns the intervals sorted by start, with those that overlap
// or touch joined and empty ones dropped, in UTC. Use it to combine the
// busy time of several feeds.
func Merge(in []Interval) []Interval {
	out := make([]Interval, 0, len(in))
	for _, iv := range in {
		if iv.End.After(iv.Start) {
			out = append(out, Interval{iv.Start.UTC(), iv.End.UTC()})
		}
	}
	slices.SortFunc(out, func(a, b Interval) int { return a.Start.Compare(b.Start) })
	merged := out[:0]
	for _, iv := range out {
		if n := len(merged); n > 0 && !iv.Start.After(merged[n-1].End) {
			if iv.End.After(merged[n-1].End) {
				merged[n-1].End = iv.End
			}
			continue
		}
		merged = append(merged, iv)
	}
	if len(merged) == 0 {
		return nil
	}
	return merged
}
