package mail

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// ProductID is the invite's PRODID: who made the iCalendar object.
const ProductID = "-//Cassidine//Site//EN"

// ICS returns inv as an iCalendar object (RFC 5545) carrying an iTIP method
// (RFC 5546): METHOD:REQUEST with STATUS:CONFIRMED and an attendee asked to
// reply (RSVP=TRUE, PARTSTAT=NEEDS-ACTION), or METHOD:CANCEL with
// STATUS:CANCELLED. A request carries a VALARM (ACTION:DISPLAY,
// TRIGGER:-PT24H) per Alarm. Times are written in UTC ("Z"), lines end in
// CRLF and are folded at 75 octets. Calendar clients match updates and
// cancellations to the event by UID and keep the one with the highest
// SEQUENCE, so UID must stay the same for the life of a booking and
// Sequence must grow.
//
// The output depends on inv alone (DTSTAMP is inv.Stamp), so the same invite
// always gives the same bytes.
func ICS(inv Invite) ([]byte, error) {
	if err := inv.Validate(); err != nil {
		return nil, err
	}
	cal := ics.NewCalendar()
	cal.SetProductId(ProductID)
	cal.SetVersion("2.0")
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.Method(inv.Method))

	ev := cal.AddEvent(inv.UID)
	ev.SetSequence(inv.Sequence)
	ev.SetDtStampTime(inv.Stamp)
	ev.SetStartAt(inv.Start)
	ev.SetEndAt(inv.End)
	ev.SetSummary(oneLine(inv.Summary))
	if d := text(inv.Description); d != "" {
		ev.SetDescription(d)
	}
	if inv.Location != "" {
		ev.SetLocation(oneLine(inv.Location))
	}
	if inv.URL != "" {
		ev.SetURL(inv.URL)
	}

	var org []ics.PropertyParameter
	if cn := commonName(inv.OrganizerName); cn != "" {
		org = append(org, ics.WithCN(cn))
	}
	ev.SetOrganizer("mailto:"+inv.Organizer, org...)

	att := []ics.PropertyParameter{ics.ParticipationRoleReqParticipant}
	if cn := commonName(inv.AttendeeName); cn != "" {
		att = append(att, ics.WithCN(cn))
	}
	status := ics.ObjectStatusCancelled
	if inv.Method == MethodRequest {
		status = ics.ObjectStatusConfirmed
		att = append(att, ics.ParticipationStatusNeedsAction, &ics.KeyValues{Key: string(ics.ParameterRsvp), Value: []string{"TRUE"}})
	}
	ev.AddAttendee("mailto:"+inv.Attendee, att...)
	ev.SetStatus(status)
	// OPAQUE: the consultation blocks the attendee's time.
	ev.SetTimeTransparency(ics.TransparencyOpaque)
	if inv.Method == MethodRequest {
		for _, before := range inv.Alarms {
			// DISPLAY needs a DESCRIPTION: what the alert shows.
			a := ev.AddAlarm()
			a.SetAction(ics.ActionDisplay)
			a.SetTrigger(trigger(before))
			a.SetDescription(oneLine(inv.Summary))
		}
	}

	var b bytes.Buffer
	if err := cal.SerializeTo(&b, ics.WithNewLineWindows); err != nil {
		return nil, fmt.Errorf("invite %s: %w", inv.UID, err)
	}
	return b.Bytes(), nil
}

// trigger is a VALARM's TRIGGER for an alert d before the start, as an
// RFC 5545 duration: -PT24H, -PT1H30M.
func trigger(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := d/time.Hour, d%time.Hour/time.Minute, d%time.Minute/time.Second
	out := "-PT"
	if h > 0 {
		out += fmt.Sprintf("%dH", h)
	}
	if m > 0 {
		out += fmt.Sprintf("%dM", m)
	}
	if s > 0 || d == 0 {
		out += fmt.Sprintf("%dS", s)
	}
	return out
}

// text prepares a multi-line TEXT value: line endings become "\n" (which the
// library writes as the escape \n) and other control characters go, since a
// raw CR or control byte inside a content line would break the object.
func text(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < ' ' && r != '\n' && r != '\t' || r == 0x7f {
			return -1
		}
		return r
	}, s))
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(text(s)), " ")
}

// commonName makes a display name safe as a CN parameter value. RFC 5545
// wants a parameter value with ',', ';' or ':' quoted, but golang-ical
// backslash-escapes them (and the apostrophe) instead, which calendar clients
// show literally. The name is only decoration next to the address, so those
// characters give way: "Doe, Jane" becomes "Doe Jane", an apostrophe becomes
// the typographic one.
func commonName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ',', ';', ':', '"', '\\':
			return ' '
		case '\'':
			return '’'
		}
		return r
	}, oneLine(s))
	return strings.Join(strings.Fields(s), " ")
}
