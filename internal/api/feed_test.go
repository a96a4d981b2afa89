package api_test

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/cassidine/site/internal/api"
	"github.com/cassidine/site/internal/store"
)

// feedEvent is an event of the bookings feed as a calendar reads it.
type feedEvent struct {
	UID, Status, Summary, Description, URL string
	Sequence                               int
	Start, End                             time.Time
}

// getFeed fetches the bookings feed at path and parses it with
// golang-ical, checking its headers.
func (f *bkFixture) getFeed(t testing.TB, path string) map[string]feedEvent {
	t.Helper()
	res := f.get(t, path)
	if res.Status != http.StatusOK {
		t.Fatalf("GET %s: %s", path, res)
	}
	if got := res.Header.Get("Content-Type"); got != "text/calendar; charset=utf-8" {
		t.Errorf("Content-Type: got %q, want text/calendar; charset=utf-8", got)
	}
	if c := res.Header.Values("Set-Cookie"); len(c) > 0 {
		t.Errorf("the feed sets cookies: %q", c)
	}
	for i, line := range strings.Split(strings.TrimSuffix(res.Body, "\r\n"), "\r\n") {
		if strings.ContainsAny(line, "\r\n") || len(line) > 75 {
			t.Errorf("feed line %d: a bare CR or LF, or more than 75 octets: %q", i+1, line)
		}
	}
	cal, err := ics.ParseCalendar(strings.NewReader(res.Body))
	if err != nil {
		t.Fatalf("parse the feed: %v\n%s", err, res.Body)
	}
	out := map[string]feedEvent{}
	for _, ev := range cal.Events() {
		value := func(p ics.ComponentProperty) string {
			if v := ev.GetProperty(p); v != nil {
				return v.Value
			}
			return ""
		}
		e := feedEvent{UID: ev.Id(), Status: value(ics.ComponentPropertyStatus), Summary: value(ics.ComponentPropertySummary),
			Description: value(ics.ComponentPropertyDescription), URL: value(ics.ComponentPropertyUrl)}
		e.Sequence, _ = strconv.Atoi(value(ics.ComponentPropertySequence))
		e.Start, _ = ev.GetStartAt()
		e.End, _ = ev.GetEndAt()
		if value(ics.ComponentPropertyDtstamp) == "" {
			t.Errorf("event %s has no DTSTAMP", e.UID)
		}
		out[strings.TrimSuffix(e.UID, "@"+bkHost)] = e
	}
	return out
}

// TestBookingsFeed: the consultant's feed lists the bookings from 30 days
// back, with what the prospect gave and the links to manage each, the
// cancelled ones cancelled, whatever the prospect typed.
func TestBookingsFeed(t *testing.T) {
	f := newBkFixture(t)
	quizID, _ := f.quizResult(t)

	hostile := bkValues(bkDec(8, 9, 0), "dana@example.com")
	hostile.Set("name", `O'Brien, Dana; \ "Ops"`)
	hostile.Set("company", `Acme; Widgets, Inc. \o/`)
	hostile.Set("role", "Head of Ops, EMEA; interim")
	hostile.Set("message", "Line one, with a comma;\r\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:owned \\n not a break")
	hostile.Set("result", quizID)
	dana, danaDone := f.book(t, hostile)

	cancelled, cancelledDone := f.book(t, bkValues(bkDec(8, 10, 30), "carl@example.com"))
	if res := f.post(t, "/api/book/cancel", urlValues("b", cancelled, "t", bkToken(cancelledDone), "website", "")); res.Status != http.StatusOK {
		t.Fatalf("cancel: %s", res)
	}
	moved, movedDone := f.book(t, bkValues(bkDec(9, 9, 0), "mo@example.com"))
	if res := f.post(t, "/api/book/reschedule", urlValues("b", moved, "t", bkToken(movedDone), "slot", bkSlotValue(bkDec(10, 9, 0)), "website", "")); res.Status != http.StatusSeeOther {
		t.Fatalf("move: %s", res)
	}
	// Past bookings, written directly: 10 days ago is listed, 40 is not.
	past := func(days int) string {
		start := bkMonday.AddDate(0, 0, -days).Add(time.Hour)
		b := &store.Booking{Start: start, End: start.Add(30 * time.Minute), Name: "Past " + strconv.Itoa(days), Email: "past@example.com"}
		if err := f.st.CreateBooking(context.Background(), b, nil, store.Guard{}); err != nil {
			t.Fatal(err)
		}
		return b.ID
	}
	recent, old := past(10), past(40)

	path := api.BookingsFeedPath([]byte(bkSecret))
	if !strings.HasPrefix(path, "/api/calendar/") || !strings.HasSuffix(path, ".ics") || strings.Contains(path, bkSecret) {
		t.Fatalf("BookingsFeedPath: %q", path)
	}
	events := f.getFeed(t, path)
	if len(events) != 4 {
		t.Errorf("the feed lists %d events, want 4 (three upcoming, one from 10 days ago)", len(events))
	}
	if _, ok := events[old]; ok {
		t.Error("the feed lists a booking from 40 days ago")
	}
	if e, ok := events[recent]; !ok || e.Status != "CONFIRMED" {
		t.Errorf("the booking from 10 days ago: %+v", e)
	}

	e := events[dana]
	if e.UID != dana+"@"+bkHost || e.Sequence != 0 || e.Status != "CONFIRMED" || !e.Start.Equal(bkDec(8, 9, 0)) || !e.End.Equal(bkDec(8, 9, 30)) {
		t.Errorf("the booking: %+v", e)
	}
	if want := `Advisory session: O'Brien, Dana; \ "Ops" (Acme; Widgets, Inc. \o/)`; e.Summary != want {
		t.Errorf("SUMMARY: got %q, want %q", e.Summary, want)
	}
	for _, want := range []string{
		"Name: O'Brien, Dana; \\ \"Ops\"\nEmail: dana@example.com\nCompany: Acme; Widgets, Inc. \\o/\nRole: Head of Ops, EMEA; interim\nCompany size: 11-50 people\n",
		"What sounds familiar:\n- " + bkChallenges[0] + "\n- " + bkChallenges[2] + "\n",
		"Message:\nLine one, with a comma;\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:owned \\n not a break\n",
		"Quiz result: " + bkBaseURL + "/quiz/result/" + quizID + "/\n",
		"The booking: " + bkBaseURL + danaDone + "\n",
		"Move it: " + bkBaseURL + bkManage(danaDone, "/api/book/reschedule") + "\n",
		"Cancel it: " + bkBaseURL + bkManage(danaDone, "/api/book/cancel"),
	} {
		if !strings.Contains(e.Description, want) {
			t.Errorf("DESCRIPTION has no %q:\n%s", want, e.Description)
		}
	}
	if e.URL != bkBaseURL+danaDone {
		t.Errorf("URL: got %q, want the booking's page", e.URL)
	}
	// Its links work.
	if res := f.get(t, strings.TrimPrefix(e.URL, bkBaseURL)); res.Status != http.StatusOK {
		t.Errorf("the feed's link to the booking: %s", res)
	}

	c := events[cancelled]
	if c.Status != "CANCELLED" || c.Sequence != 1 || !strings.HasPrefix(c.Summary, "Cancelled: Advisory session: Ada Lovelace") ||
		!strings.HasPrefix(c.Description, "Cancelled on ") || strings.Contains(c.Description, "Move it") {
		t.Errorf("the cancelled booking: %+v", c)
	}
	m := events[moved]
	if m.Status != "CONFIRMED" || m.Sequence != 1 || !m.Start.Equal(bkDec(10, 9, 0)) {
		t.Errorf("the moved booking: %+v", m)
	}
	// The same UID as the booking's invites.
	invites := 0
	for _, om := range bkOutboxKind(f.outbox(t), "confirmation") {
		if om.Booking != dana {
			continue
		}
		invites++
		if inv := bkICS(t, bkDecode(t, om)); inv.UID != e.UID {
			t.Errorf("the invite's UID %q differs from the feed's %q", inv.UID, e.UID)
		}
	}
	if invites != 1 {
		t.Errorf("%d confirmations of the booking, want 1", invites)
	}
	for _, p := range []string{"/.netlify/functions" + path, strings.TrimPrefix(path, "/api")} {
		if got := f.getFeed(t, p); len(got) != 4 {
			t.Errorf("GET %s: %d events, want 4", p, len(got))
		}
	}
}

// TestBookingsFeedNotFound: any address but the feed's own is not found,
// as any other address is: nothing tells that the route exists.
func TestBookingsFeedNotFound(t *testing.T) {
	f := newBkFixture(t)
	path := api.BookingsFeedPath([]byte(bkSecret))
	tok := strings.TrimSuffix(strings.TrimPrefix(path, "/api/calendar/"), ".ics")
	flipped := []byte(tok)
	flipped[3] ^= 1
	notFound := f.get(t, "/api/no-such-page")
	for _, p := range []string{
		"/api/calendar/" + string(flipped) + ".ics",
		api.BookingsFeedPath([]byte("another-secret-0123456789abcdef-0123456789")),
		"/api/calendar/" + tok,
		"/api/calendar/" + tok + ".ics.ics",
		"/api/calendar/.ics",
		"/api/calendar/",
	} {
		res := f.get(t, p)
		if res.Status != http.StatusNotFound || !strings.Contains(res.Body, "Page not found") {
			t.Errorf("GET %s: got %s; want 404, the site's page", p, res)
		}
	}
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		res := f.send(t, method, path, "", "")
		if res.Status != http.StatusNotFound || res.Header.Get("Allow") != "" {
			t.Errorf("%s %s: got %d, Allow %q; want 404 as %d", method, path, res.Status, res.Header.Get("Allow"), notFound.Status)
		}
	}
	res := f.get(t, "/api/calendar/"+string(flipped)+".ics", bkAcceptJSON)
	if res.Status != http.StatusNotFound || !bytes.Equal([]byte(res.Body), []byte(f.get(t, "/api/no-such-page", bkAcceptJSON).Body)) {
		t.Errorf("GET a wrong token as JSON: got %s; want what any unknown address gets", res)
	}

	// A function without a secret has no feed at all.
	g := newBkFixture(t, bkWithDeps(func(d *api.Deps) { d.Secret = nil }))
	if res := g.get(t, api.BookingsFeedPath(nil)); res.Status != http.StatusNotFound {
		t.Errorf("the feed without SITE_SECRET: got %s; want 404", res)
	}
}
