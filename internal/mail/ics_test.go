package mail

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/rogpeppe/go-internal/diff"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or writes it there under -update.
func golden(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it):\n%s", path, diff.Diff(path, want, "got", got))
	}
}

// parsedInvite is what a calendar client reads out of an ICS object.
type parsedInvite struct {
	method, uid, status string
	sequence            int
	start, end          time.Time
	startRaw, endRaw    string
	attendee            *ics.Attendee
}

// parseICS parses b with golang-ical, as a calendar client would.
func parseICS(t testing.TB, b []byte) parsedInvite {
	t.Helper()
	cal, err := ics.ParseCalendar(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("parse ICS: %v\n%s", err, b)
	}
	var p parsedInvite
	for _, prop := range cal.CalendarProperties {
		if prop.IANAToken == string(ics.PropertyMethod) {
			p.method = prop.Value
		}
	}
	events := cal.Events()
	if len(events) != 1 {
		t.Fatalf("got %d events, want 1", len(events))
	}
	ev := events[0]
	p.uid = ev.Id()
	value := func(cp ics.ComponentProperty) string {
		t.Helper()
		prop := ev.GetProperty(cp)
		if prop == nil {
			t.Fatalf("no %s in\n%s", cp, b)
		}
		return prop.Value
	}
	p.status = value(ics.ComponentPropertyStatus)
	if p.sequence, err = strconv.Atoi(value(ics.ComponentPropertySequence)); err != nil {
		t.Fatalf("SEQUENCE: %v", err)
	}
	p.startRaw, p.endRaw = value(ics.ComponentPropertyDtStart), value(ics.ComponentPropertyDtEnd)
	if p.start, err = ev.GetStartAt(); err != nil {
		t.Fatalf("DTSTART: %v", err)
	}
	if p.end, err = ev.GetEndAt(); err != nil {
		t.Fatalf("DTEND: %v", err)
	}
	if as := ev.Attendees(); len(as) == 1 {
		p.attendee = as[0]
	} else {
		t.Fatalf("got %d attendees, want 1", len(as))
	}
	return p
}

func TestICS(t *testing.T) {
	for _, tt := range []struct {
		golden     string
		inv        *Invite
		wantStatus string
		wantRSVP   bool
	}{
		{"request.ics", testInvite(MethodRequest, 0), "CONFIRMED", true},
		{"cancel.ics", testInvite(MethodCancel, 1), "CANCELLED", false},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			b, err := ICS(*tt.inv)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tt.golden, b)
			checkLines(t, b)

			p := parseICS(t, b)
			if p.method != tt.inv.Method {
				t.Errorf("got METHOD %q, want %q", p.method, tt.inv.Method)
			}
			if p.uid != tt.inv.UID {
				t.Errorf("got UID %q, want %q", p.uid, tt.inv.UID)
			}
			if p.sequence != tt.inv.Sequence {
				t.Errorf("got SEQUENCE %d, want %d", p.sequence, tt.inv.Sequence)
			}
			if p.status != tt.wantStatus {
				t.Errorf("got STATUS %q, want %q", p.status, tt.wantStatus)
			}
			if want := "20310314T140000Z"; p.startRaw != want {
				t.Errorf("got DTSTART %q, want %q (UTC)", p.startRaw, want)
			}
			if want := "20310314T144500Z"; p.endRaw != want {
				t.Errorf("got DTEND %q, want %q (UTC)", p.endRaw, want)
			}
			if !p.start.Equal(tt.inv.Start) || !p.end.Equal(tt.inv.End) {
				t.Errorf("got %v–%v, want %v–%v", p.start, p.end, tt.inv.Start, tt.inv.End)
			}
			if got := p.attendee.Email(); got != tt.inv.Attendee {
				t.Errorf("got attendee %q, want %q", got, tt.inv.Attendee)
			}
			rsvp := p.attendee.ICalParameters[string(ics.ParameterRsvp)]
			partstat := p.attendee.ICalParameters[string(ics.ParameterParticipationStatus)]
			if tt.wantRSVP && (len(rsvp) != 1 || rsvp[0] != "TRUE" || len(partstat) != 1 || partstat[0] != "NEEDS-ACTION") {
				t.Errorf("got RSVP=%v PARTSTAT=%v, want RSVP=TRUE PARTSTAT=NEEDS-ACTION", rsvp, partstat)
			}
			for _, want := range []string{"PRODID:" + ProductID + "\r\n", "VERSION:2.0\r\n", "ORGANIZER;CN=Cassidine Consulting:mailto:consult@cassidine.example\r\n", "DTSTAMP:20310301T093000Z\r\n"} {
				if !bytes.Contains(b, []byte(want)) {
					t.Errorf("got no %q in\n%s", want, b)
				}
			}
		})
	}
}

// checkLines asserts RFC 5545 line discipline: every line ends in CRLF, no
// stray CR or LF, at most 75 octets before the CRLF.
func checkLines(t testing.TB, b []byte) {
	t.Helper()
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Errorf("got no CRLF at the end")
	}
	for i, line := range strings.SplitAfter(string(b), "\r\n") {
		if line == "" {
			continue
		}
		body, ok := strings.CutSuffix(line, "\r\n")
		if !ok {
			t.Errorf("line %d %q: got no CRLF ending", i+1, line)
		}
		if strings.ContainsAny(body, "\r\n") {
			t.Errorf("line %d %q: got a bare CR or LF", i+1, body)
		}
		if len(body) > 75 {
			t.Errorf("line %d: got %d octets, want at most 75: %q", i+1, len(body), body)
		}
	}
}

// TestICSCancelSupersedesRequest checks what a calendar client needs to
// apply a cancellation to the event it has: same UID, higher SEQUENCE.
func TestICSCancelSupersedesRequest(t *testing.T) {
	reqB, err := ICS(*testInvite(MethodRequest, 0))
	if err != nil {
		t.Fatal(err)
	}
	cancelB, err := ICS(*testInvite(MethodCancel, 1))
	if err != nil {
		t.Fatal(err)
	}
	req, cancel := parseICS(t, reqB), parseICS(t, cancelB)
	if cancel.uid != req.uid {
		t.Errorf("got cancel UID %q, want the request's %q", cancel.uid, req.uid)
	}
	if cancel.sequence <= req.sequence {
		t.Errorf("got cancel SEQUENCE %d, want more than the request's %d", cancel.sequence, req.sequence)
	}
}

func TestICSDeterministic(t *testing.T) {
	a, err := ICS(*testInvite(MethodRequest, 2))
	if err != nil {
		t.Fatal(err)
	}
	b, err := ICS(*testInvite(MethodRequest, 2))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("got two different renderings of one invite:\n%s\n%s", a, b)
	}
}

func TestICSRefusesInvalid(t *testing.T) {
	inv := testInvite(MethodRequest, 0)
	inv.Summary = "x\r\nATTENDEE:mailto:evil@example.com"
	if b, err := ICS(*inv); err == nil {
		t.Errorf("got\n%s\nwant an error for a line break in SUMMARY", b)
	}
}

func TestCommonName(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Jane Doe", "Jane Doe"},
		{"Doe, Jane", "Doe Jane"},
		{"O'Neil", "O’Neil"},
		{`Jane "JD" Doe; CEO: Acme`, "Jane JD Doe CEO Acme"},
		{"  Zoë\tMüller ", "Zoë Müller"},
		{"", ""},
	} {
		if got := commonName(tt.in); got != tt.want {
			t.Errorf("commonName(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestICSPlaceAndAlarms parses an invite back as a calendar client does:
// the place as LOCATION, a video room's link as URL, and one VALARM per
// reminder on a request; none on a cancellation.
func TestICSPlaceAndAlarms(t *testing.T) {
	const room = "https://zoom.us/j/5551234567?pwd=aBcD-eFgH.1234567890abcdefghijklmnopqrstuvwxyz"
	inv := testInvite(MethodRequest, 3)
	inv.Location, inv.URL = room, room
	inv.Alarms = []time.Duration{48 * time.Hour, 24 * time.Hour, time.Hour + 30*time.Minute}
	b, err := ICS(*inv)
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, b)
	cal, err := ics.ParseCalendar(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("parse ICS: %v\n%s", err, b)
	}
	ev := cal.Events()[0]
	for _, c := range []struct {
		prop ics.ComponentProperty
		want string
	}{{ics.ComponentPropertyLocation, room}, {ics.ComponentPropertyUrl, room}} {
		if p := ev.GetProperty(c.prop); p == nil || p.Value != c.want {
			t.Errorf("%s: got %v, want %q", c.prop, p, c.want)
		}
	}
	alarms := ev.Alarms()
	var triggers []string
	for _, a := range alarms {
		action, trig, desc := a.GetProperty(ics.ComponentPropertyAction), a.GetProperty(ics.ComponentPropertyTrigger), a.GetProperty(ics.ComponentPropertyDescription)
		if action == nil || action.Value != "DISPLAY" {
			t.Errorf("VALARM ACTION: got %v, want DISPLAY", action)
		}
		if desc == nil || desc.Value == "" {
			t.Errorf("VALARM DESCRIPTION: got %v, want the summary (DISPLAY needs one)", desc)
		}
		if trig != nil {
			triggers = append(triggers, trig.Value)
		}
	}
	if want := []string{"-PT48H", "-PT24H", "-PT1H30M"}; !slices.Equal(triggers, want) {
		t.Errorf("VALARM TRIGGERs: got %q, want %q", triggers, want)
	}

	inv.Method, inv.Sequence = MethodCancel, 4
	b, err = ICS(*inv)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("VALARM")) {
		t.Errorf("a cancellation carries alarms:\n%s", b)
	}
}

func TestTrigger(t *testing.T) {
	for _, tt := range []struct {
		in   time.Duration
		want string
	}{
		{24 * time.Hour, "-PT24H"},
		{time.Hour, "-PT1H"},
		{90 * time.Minute, "-PT1H30M"},
		{15 * time.Minute, "-PT15M"},
		{168 * time.Hour, "-PT168H"},
		{time.Hour + 5*time.Second, "-PT1H5S"},
	} {
		if got := trigger(tt.in); got != tt.want {
			t.Errorf("trigger(%v): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestInviteAlarmsValidated(t *testing.T) {
	for _, alarms := range [][]time.Duration{
		{0}, {-time.Hour}, {1500 * time.Millisecond}, {5 * 7 * 24 * time.Hour},
		slices.Repeat([]time.Duration{time.Hour}, 11),
	} {
		inv := testInvite(MethodRequest, 0)
		inv.Alarms = alarms
		if err := inv.Validate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("alarms %v: got %v, want ErrInvalid", alarms, err)
		}
	}
}
