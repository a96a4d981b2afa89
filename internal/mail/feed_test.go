package mail

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
)

// TestFeed: a published feed parses back, with golang-ical as a calendar
// would, into the events given, whatever their text holds.
func TestFeed(t *testing.T) {
	start := time.Date(2026, 12, 8, 15, 0, 0, 0, time.UTC)
	stamp := time.Date(2026, 12, 7, 14, 0, 0, 0, time.UTC)
	hostile := "O'Brien, Dana; \\ \"the COO\"\r\nEND:VEVENT\nBEGIN:VEVENT"
	desc := "Role: Chief of Staff, Ops; \\ all\n\nMessage:\r\nline one,\rline two; END:VCALENDAR\x00\x1b[31m"
	events := []FeedEvent{
		{UID: "aaaa@example.com", Sequence: 2, Start: start, End: start.Add(30 * time.Minute), Created: stamp.Add(-time.Hour),
			Summary: hostile, Description: desc, URL: "https://example.com/api/book/done?b=a&t=b"},
		{UID: "bbbb@example.com", Sequence: 1, Start: start.Add(24 * time.Hour), End: start.Add(24*time.Hour + 30*time.Minute),
			Summary: "Cancelled one", Cancelled: true},
	}
	data, err := Feed("Cassidine Consulting: bookings", events, stamp)
	if err != nil {
		t.Fatal(err)
	}
	begins := 0
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n") {
		if line == "BEGIN:VEVENT" {
			begins++
		}
		if strings.ContainsAny(line, "\r\n\x00\x1b") {
			t.Errorf("line %d: a bare CR, LF or control character: %q", i+1, line)
		}
		if len(line) > 75 {
			t.Errorf("line %d: %d octets, more than 75", i+1, len(line))
		}
	}
	if begins != 2 {
		t.Errorf("%d BEGIN:VEVENT lines, want 2 (text broke out of its property)", begins)
	}
	for _, want := range []string{"METHOD:PUBLISH", "X-WR-CALNAME:Cassidine Consulting: bookings", `O'Brien\, Dana\; \\ "the COO"`} {
		if !bytes.Contains(bytes.ReplaceAll(data, []byte("\r\n "), nil), []byte(want)) {
			t.Errorf("the feed has no %q:\n%s", want, data)
		}
	}

	cal, err := ics.ParseCalendar(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, data)
	}
	got := cal.Events()
	if len(got) != 2 {
		t.Fatalf("%d events, want 2", len(got))
	}
	prop := func(e *ics.VEvent, p ics.ComponentProperty) string {
		if v := e.GetProperty(p); v != nil {
			return v.Value
		}
		return ""
	}
	for _, tc := range []struct {
		p    ics.ComponentProperty
		want string
	}{
		{ics.ComponentPropertyUniqueId, "aaaa@example.com"},
		{ics.ComponentPropertySequence, "2"},
		{ics.ComponentPropertyStatus, "CONFIRMED"},
		{ics.ComponentPropertyDtStart, "20261208T150000Z"},
		{ics.ComponentPropertyDtEnd, "20261208T153000Z"},
		{ics.ComponentPropertyDtstamp, "20261207T140000Z"},
		{ics.ComponentPropertyCreated, "20261207T130000Z"},
		{ics.ComponentPropertySummary, `O'Brien, Dana; \ "the COO" END:VEVENT BEGIN:VEVENT`},
		{ics.ComponentPropertyDescription, "Role: Chief of Staff, Ops; \\ all\n\nMessage:\nline one,\nline two; END:VCALENDAR[31m"},
		{ics.ComponentPropertyUrl, "https://example.com/api/book/done?b=a&t=b"},
	} {
		if got := prop(got[0], tc.p); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.p, got, tc.want)
		}
	}
	if s := prop(got[1], ics.ComponentPropertyStatus); s != "CANCELLED" {
		t.Errorf("the cancelled event's STATUS: got %q", s)
	}
	if d := got[1].GetProperty(ics.ComponentPropertyDescription); d != nil {
		t.Errorf("an event without a description has DESCRIPTION %q", d.Value)
	}

	if _, err := Feed("x", []FeedEvent{{UID: "", Start: start, End: start.Add(time.Hour)}}, stamp); err == nil {
		t.Error("an event without a UID: no error")
	}
	if _, err := Feed("x", []FeedEvent{{UID: "u", Start: start, End: start}}, stamp); err == nil {
		t.Error("an event ending at its start: no error")
	}
	if data, err := Feed("x", nil, stamp); err != nil || !bytes.Contains(data, []byte("BEGIN:VCALENDAR")) {
		t.Errorf("an empty feed: %v\n%s", err, data)
	}
}
