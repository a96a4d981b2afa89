package mail

import (
	"bytes"
	"fmt"
	"time"

	ics "github.com/arran4/golang-ical"
)

// FeedEvent is one event of a published calendar (Feed).
type FeedEvent struct {
	UID        string // the same as the event's invitations, so a calendar sees one event
	Sequence   int
	Start, End time.Time
	Created    time.Time // CREATED; zero for none
	Summary    string    // one line (line breaks become spaces)
	// Description may span lines.
	Description string
	URL         string // "" for none
	Cancelled   bool   // STATUS:CANCELLED; otherwise CONFIRMED
}

// feedRefresh is how often a subscribed calendar is asked to fetch the
// feed again. Outlook and Apple Calendar read it; Google Calendar refreshes
// subscriptions on its own schedule, every few hours.
const feedRefresh = "PT15M"

// Feed returns events as an iCalendar object to subscribe to (Google
// Calendar's "From URL", Outlook's "Subscribe from web", Apple Calendar's
// "New Calendar Subscription"): METHOD:PUBLISH, the calendar's name, and
// each event with its UID, SEQUENCE, DTSTAMP (stamp, when the feed was
// made, as feed generators write it), times in UTC and STATUS. Text is
// escaped as RFC 5545 asks (backslash, semicolon, comma and line break), and
// control characters that would break a line are dropped, so whatever a
// prospect typed stays inside its property. Lines end in CRLF, folded at 75
// octets.
func Feed(name string, events []FeedEvent, stamp time.Time) ([]byte, error) {
	cal := ics.NewCalendar()
	cal.SetProductId(ProductID)
	cal.SetVersion("2.0")
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.MethodPublish)
	cal.SetXWRCalName(oneLine(name))
	cal.SetName(oneLine(name))
	cal.SetRefreshInterval(feedRefresh, &ics.KeyValues{Key: string(ics.ParameterValue), Value: []string{"DURATION"}})
	cal.SetXPublishedTTL(feedRefresh)
	for _, e := range events {
		if e.UID == "" || !e.End.After(e.Start) {
			return nil, fmt.Errorf("feed event %q: want a UID and an end after the start", e.UID)
		}
		ev := cal.AddEvent(e.UID)
		ev.SetSequence(e.Sequence)
		ev.SetDtStampTime(stamp)
		if !e.Created.IsZero() {
			ev.SetCreatedTime(e.Created)
		}
		ev.SetStartAt(e.Start)
		ev.SetEndAt(e.End)
		ev.SetSummary(oneLine(e.Summary))
		if d := text(e.Description); d != "" {
			ev.SetDescription(d)
		}
		if e.URL != "" {
			ev.SetURL(e.URL)
		}
		status := ics.ObjectStatusConfirmed
		if e.Cancelled {
			status = ics.ObjectStatusCancelled
		}
		ev.SetStatus(status)
		ev.SetTimeTransparency(ics.TransparencyOpaque)
	}
	var b bytes.Buffer
	if err := cal.SerializeTo(&b, ics.WithNewLineWindows); err != nil {
		return nil, fmt.Errorf("feed: %w", err)
	}
	return b.Bytes(), nil
}
