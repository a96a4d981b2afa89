package mail

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cassidine/site/internal/mail/mailpittest"
)

// testInvite is a booking's invite as the booking handler would build it.
func testInvite(method string, seq int) *Invite {
	return &Invite{
		UID:      "01JBOOKING7K3M9Q2X5R8T4V6W@cassidine.example",
		Sequence: seq,
		Method:   method,
		Start:    time.Date(2031, 3, 14, 15, 0, 0, 0, time.FixedZone("CET", 3600)),
		End:      time.Date(2031, 3, 14, 15, 45, 0, 0, time.FixedZone("CET", 3600)),
		Summary:  "Consultation: operations review; next steps, priorities",
		Description: "Thank you for booking a consultation with Cassidine.\r\n\r\n" +
			"We will talk about the warning signs you ticked: founder bottleneck, hiring without a plan, " +
			"and meetings that decide nothing. Café au lait optional.\nTo cancel, use the link below.",
		Location:      "Video call (link to follow)",
		URL:           "https://cassidine.example/book/cancel?token=abc.def",
		Organizer:     "consult@cassidine.example",
		OrganizerName: "Cassidine Consulting",
		Attendee:      "jane.doe@example.com",
		AttendeeName:  "Doe, Jane O'Neil",
		Stamp:         time.Date(2031, 3, 1, 9, 30, 0, 0, time.UTC),
		Alarms:        []time.Duration{24 * time.Hour, 90 * time.Minute},
	}
}

func testMessage(inv *Invite) Message {
	m := NewMessage("Cassidine <bookings@cassidine.example>", "Jane Doe <jane.doe@example.com>",
		"Your consultation on 14 March — confirmed", "Hello Jane,\n\nyour consultation is booked.\n")
	m.ReplyTo = "consult@cassidine.example"
	m.HTML = "<p>Hello Jane,</p><p>your consultation is booked.</p>"
	m.Invite = inv
	return m
}

func TestNewMessageID(t *testing.T) {
	a := NewMessage("Cassidine <bookings@Cassidine.example>", "x@example.com", "s", "t")
	b := NewMessage("Cassidine <bookings@Cassidine.example>", "x@example.com", "s", "t")
	if !strings.HasPrefix(a.MessageID, "<") || !strings.HasSuffix(a.MessageID, "@cassidine.example>") {
		t.Errorf("got MessageID %q, want <random@cassidine.example>", a.MessageID)
	}
	if a.MessageID == b.MessageID {
		t.Errorf("got the same MessageID %q twice, want distinct ones", a.MessageID)
	}
	if !validMessageID(a.MessageID) {
		t.Errorf("NewMessage made MessageID %q that Validate refuses", a.MessageID)
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	for _, tt := range []struct {
		name string
		m    Message
	}{
		{"plain", NewMessage("bookings@cassidine.example", "jane@example.com", "Hi", "Hello")},
		{"html and request", testMessage(testInvite(MethodRequest, 0))},
		{"cancel", testMessage(testInvite(MethodCancel, 1))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.m.Encode()
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			got, err := Decode(b)
			if err != nil {
				t.Fatalf("Decode(%s): %v", b, err)
			}
			// time.Time keeps its zone through JSON as an offset; compare instants.
			if tt.m.Invite != nil {
				if !got.Invite.Start.Equal(tt.m.Invite.Start) || !got.Invite.End.Equal(tt.m.Invite.End) || !got.Invite.Stamp.Equal(tt.m.Invite.Stamp) {
					t.Errorf("got times %v %v %v, want %v %v %v", got.Invite.Start, got.Invite.End, got.Invite.Stamp,
						tt.m.Invite.Start, tt.m.Invite.End, tt.m.Invite.Stamp)
				}
				g, w := *got.Invite, *tt.m.Invite
				g.Start, g.End, g.Stamp = w.Start, w.End, w.Stamp
				got.Invite = &g
			}
			if !reflect.DeepEqual(got, tt.m) {
				t.Errorf("got %+v, want %+v", got, tt.m)
			}
		})
	}
}

func TestEncodeFillsMessageID(t *testing.T) {
	m := Message{From: "bookings@cassidine.example", To: "jane@example.com", Subject: "Hi", Text: "Hello"}
	b, err := m.Encode()
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	got, err := Decode(b)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if !strings.HasSuffix(got.MessageID, "@cassidine.example>") {
		t.Errorf("got MessageID %q, want one made up by Encode", got.MessageID)
	}
}

func TestValidate(t *testing.T) {
	for _, tt := range []struct {
		name   string
		modify func(*Message)
		want   string // part of the error; "" for valid
	}{
		{"valid", func(*Message) {}, ""},
		{"valid without invite", func(m *Message) { m.Invite = nil }, ""},
		{"CRLF in to", func(m *Message) { m.To = "jane@example.com\r\nBcc: all@example.com" }, "to contains a line break"},
		{"LF in subject", func(m *Message) { m.Subject = "Hi\nBcc: all@example.com" }, "subject contains a line break"},
		{"CR in from", func(m *Message) { m.From = "a@example.com\rX-Evil: 1" }, "from contains a line break"},
		{"LF in reply-to", func(m *Message) { m.ReplyTo = "a@example.com\n" }, "reply-to contains a line break"},
		{"LF in message-id", func(m *Message) { m.MessageID = "<a@b>\nX: y" }, "message-id contains a line break"},
		{"two recipients", func(m *Message) { m.To = "a@example.com, b@example.com" }, "to"},
		{"no to", func(m *Message) { m.To = "" }, "to is empty"},
		{"bad from", func(m *Message) { m.From = "not an address" }, "from"},
		{"empty subject", func(m *Message) { m.Subject = " " }, "subject is empty"},
		{"empty text", func(m *Message) { m.Text = "" }, "text is empty"},
		{"bad message-id", func(m *Message) { m.MessageID = "abc" }, "message-id"},
		{"no message-id", func(m *Message) { m.MessageID = "" }, "message-id"},
		{"invite method", func(m *Message) { m.Invite.Method = "PUBLISH" }, "method"},
		{"invite uid", func(m *Message) { m.Invite.UID = "" }, "uid is empty"},
		{"invite uid line break", func(m *Message) { m.Invite.UID = "a\r\nb" }, "uid contains a line break"},
		{"invite summary line break", func(m *Message) { m.Invite.Summary = "a\nATTENDEE:mailto:x@y" }, "summary contains a line break"},
		{"invite end before start", func(m *Message) { m.Invite.End = m.Invite.Start }, "not after start"},
		{"invite no stamp", func(m *Message) { m.Invite.Stamp = time.Time{} }, "stamp"},
		{"invite sequence", func(m *Message) { m.Invite.Sequence = -1 }, "negative"},
		{"invite organizer with name", func(m *Message) { m.Invite.Organizer = "C <c@example.com>" }, "organizer"},
		{"invite attendee", func(m *Message) { m.Invite.Attendee = "nobody" }, "attendee"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := testMessage(testInvite(MethodRequest, 0))
			tt.modify(&m)
			err := m.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got error %v, want one containing %q", err, tt.want)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("got %v, want it to wrap ErrInvalid", err)
			}
			if m.MessageID == "" {
				return // Encode makes one up
			}
			if _, err := m.Encode(); err == nil {
				t.Errorf("Encode: got no error, want one")
			}
		})
	}
}

// TestHeaderInjectionRefusedBeforeSending checks both senders refuse a
// message with a line break in a header before writing or dialling anything.
func TestHeaderInjectionRefusedBeforeSending(t *testing.T) {
	dir := t.TempDir()
	// Nothing listens on a closed port: a dial would fail with a network
	// error, not a validation error.
	smtp, err := newSMTPSender("smtp://"+mailpittest.FreeAddr(t)+"?tls=none", "bookings@cassidine.example")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		modify func(*Message)
	}{
		{"to", func(m *Message) { m.To = "jane@example.com\r\nBcc: all@example.com" }},
		{"subject", func(m *Message) { m.Subject = "Hi\r\nBcc: all@example.com" }},
		{"from", func(m *Message) { m.From = "bookings@cassidine.example\nBcc: all@example.com" }},
	} {
		for _, s := range []Sender{&FileSender{Dir: dir}, smtp} {
			m := testMessage(nil)
			tt.modify(&m)
			err := s.Send(context.Background(), m)
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("%T with a line break in %s: got %v, want ErrInvalid", s, tt.name, err)
			}
		}
	}
	if entries, _ := readDir(dir); len(entries) != 0 {
		t.Errorf("got files %v, want none written", entries)
	}
}

func TestDecodeBadPayload(t *testing.T) {
	for _, tt := range []struct{ name, payload string }{
		{"not json", "{"},
		{"empty object", "{}"},
		{"wrong type", `{"from": 1}`},
		{"injection", `{"from":"a@example.com","to":"b@example.com\r\nBcc: c@example.com","subject":"s","text":"t","message_id":"<x@y>"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode([]byte(tt.payload))
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("got %v, want ErrInvalid", err)
			}
		})
	}
}
