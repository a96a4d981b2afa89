package mail

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"
)

// Message is one email: what an outbox row's Payload holds, as JSON (see
// Encode). The header-bound fields (From, To, ReplyTo, Subject, MessageID)
// must not contain CR or LF: Validate rejects them, so no caller can smuggle
// a header (or a second recipient) in through a form field.
type Message struct {
	From    string  `json:"from"`               // "Name <addr>" or "addr"; the visible sender
	To      string  `json:"to"`                 // one recipient, "Name <addr>" or "addr"
	ReplyTo string  `json:"reply_to,omitempty"` // optional
	Subject string  `json:"subject"`
	Text    string  `json:"text"`           // plain-text body; required: every message is readable as text
	HTML    string  `json:"html,omitempty"` // optional HTML alternative of Text
	Invite  *Invite `json:"invite,omitempty"`

	// MessageID is the Message-ID header, "<random@host>". It is fixed when
	// the message is queued (NewMessage, or Encode when empty), so a retried
	// send carries the same ID and a duplicate is recognisable.
	MessageID string `json:"message_id"`
}

// Invite is a calendar invitation (or its cancellation) sent with a Message
// as an iCalendar object; see ICS.
type Invite struct {
	UID      string `json:"uid"`      // stable across updates: the booking's ID@site host
	Sequence int    `json:"sequence"` // 0, then +1 per reschedule or cancellation
	Method   string `json:"method"`   // MethodRequest or MethodCancel

	Start time.Time `json:"start"`
	End   time.Time `json:"end"`

	Summary     string `json:"summary"`
	Description string `json:"description,omitempty"` // may span lines
	Location    string `json:"location,omitempty"`    // where: a video link, a phone number or an address
	URL         string `json:"url,omitempty"`         // a link to open: the video room's

	// Alarms are calendar alerts (VALARM, ACTION:DISPLAY) this long
	// before Start, one each: the booking's reminders. A cancellation
	// carries none.
	Alarms []time.Duration `json:"alarms,omitempty"`

	Organizer     string `json:"organizer"` // bare address, no "mailto:"
	OrganizerName string `json:"organizer_name,omitempty"`
	Attendee      string `json:"attendee"` // bare address, no "mailto:"
	AttendeeName  string `json:"attendee_name,omitempty"`

	// Stamp is the invite's DTSTAMP: when this version of it was made. It is
	// part of the payload rather than the send time so that a retried send
	// carries a byte-identical invite.
	Stamp time.Time `json:"stamp"`
}

// Invite methods (iTIP, RFC 5546).
const (
	MethodRequest = "REQUEST" // a new or updated event; calendar clients offer accept/decline
	MethodCancel  = "CANCEL"  // the event with this UID is cancelled
)

// NewMessage returns a message from from to to with a fresh MessageID
// ("<random@host>", host being From's domain). Callers add ReplyTo, HTML and
// Invite as needed; Encode validates the whole.
func NewMessage(from, to, subject, text string) Message {
	return Message{From: from, To: to, Subject: subject, Text: text, MessageID: newMessageID(from)}
}

// newMessageID returns "<random@host>" with host the domain of from, or
// "localhost" when from is not an address.
func newMessageID(from string) string {
	host := "localhost"
	if a, err := netmail.ParseAddress(from); err == nil {
		host = domainOf(a.Address)
	}
	// rand.Text: 26 base32 characters, 128 bits; never fails.
	return "<" + strings.ToLower(rand.Text()) + "@" + host + ">"
}

// domainOf returns the domain of a bare address in lower case, or
// "localhost" when it has none: how this host names itself to the mail
// server and in Message-IDs.
func domainOf(address string) string {
	if i := strings.LastIndexByte(address, '@'); i >= 0 && i+1 < len(address) {
		return strings.ToLower(address[i+1:])
	}
	return "localhost"
}

// Encode validates m and returns it as an outbox payload (JSON). A message
// without a MessageID is given one here, so every queued payload has one.
func (m Message) Encode() ([]byte, error) {
	if m.MessageID == "" {
		m.MessageID = newMessageID(m.From)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode message: %w", err)
	}
	return b, nil
}

// Decode parses an outbox payload written by Encode and validates it. The
// error wraps ErrInvalid when the payload can never be sent as it stands.
func Decode(b []byte) (Message, error) {
	var m Message
	if err := json.Unmarshal(b, &m); err != nil {
		return Message{}, fmt.Errorf("decode message: %w: %w", ErrInvalid, err)
	}
	if err := m.Validate(); err != nil {
		return Message{}, fmt.Errorf("decode message: %w", err)
	}
	return m, nil
}

// ErrInvalid is wrapped by every validation error: the message cannot be
// sent as it is, and retrying will not help.
var ErrInvalid = errors.New("invalid message")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// Validate reports the first problem that would make m unsendable or unsafe:
// a missing or malformed address, an empty subject or text, a CR or LF in a
// header-bound field, a malformed MessageID, or an invalid Invite.
func (m Message) Validate() error {
	for _, f := range []struct{ name, value string }{
		{"from", m.From}, {"to", m.To}, {"reply-to", m.ReplyTo},
		{"subject", m.Subject}, {"message-id", m.MessageID},
	} {
		if strings.ContainsAny(f.value, "\r\n") {
			return invalid("%s contains a line break", f.name)
		}
	}
	if err := checkAddress("from", m.From); err != nil {
		return err
	}
	if err := checkAddress("to", m.To); err != nil {
		return err
	}
	if m.ReplyTo != "" {
		if err := checkAddress("reply-to", m.ReplyTo); err != nil {
			return err
		}
	}
	if strings.TrimSpace(m.Subject) == "" {
		return invalid("subject is empty")
	}
	if strings.TrimSpace(m.Text) == "" {
		return invalid("text is empty")
	}
	if !validMessageID(m.MessageID) {
		return invalid("message-id %q is not of the form <id@host>", m.MessageID)
	}
	if m.Invite != nil {
		if err := m.Invite.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// Limits on an invite's alarms.
const (
	maxAlarms = 10
	maxAlarm  = 4 * 7 * 24 * time.Hour
)

// Validate reports the first problem with inv: an unknown Method, an empty
// UID or Summary, a negative Sequence, a missing or reversed time range, a
// zero Stamp, a malformed Organizer or Attendee, a line break in a
// single-line field, or more than 10 Alarms or one that is not whole
// seconds from a second to four weeks.
func (inv *Invite) Validate() error {
	for _, f := range []struct{ name, value string }{
		{"uid", inv.UID}, {"summary", inv.Summary}, {"location", inv.Location}, {"url", inv.URL},
		{"organizer", inv.Organizer}, {"organizer name", inv.OrganizerName},
		{"attendee", inv.Attendee}, {"attendee name", inv.AttendeeName},
	} {
		if strings.ContainsAny(f.value, "\r\n") {
			return invalid("invite: %s contains a line break", f.name)
		}
	}
	switch inv.Method {
	case MethodRequest, MethodCancel:
	default:
		return invalid("invite: method %q is neither %s nor %s", inv.Method, MethodRequest, MethodCancel)
	}
	if strings.TrimSpace(inv.UID) == "" {
		return invalid("invite: uid is empty")
	}
	if inv.Sequence < 0 {
		return invalid("invite: sequence %d is negative", inv.Sequence)
	}
	if inv.Start.IsZero() || inv.End.IsZero() {
		return invalid("invite: start and end are required")
	}
	if !inv.End.After(inv.Start) {
		return invalid("invite: end %s is not after start %s", inv.End.Format(time.RFC3339), inv.Start.Format(time.RFC3339))
	}
	if inv.Stamp.IsZero() {
		return invalid("invite: stamp is required")
	}
	if strings.TrimSpace(inv.Summary) == "" {
		return invalid("invite: summary is empty")
	}
	if len(inv.Alarms) > maxAlarms {
		return invalid("invite: %d alarms, at most %d", len(inv.Alarms), maxAlarms)
	}
	for _, a := range inv.Alarms {
		if a <= 0 || a > maxAlarm || a%time.Second != 0 {
			return invalid("invite: alarm %v before the start: want whole seconds up to %v", a, maxAlarm)
		}
	}
	if err := checkBareAddress("invite: organizer", inv.Organizer); err != nil {
		return err
	}
	if err := checkBareAddress("invite: attendee", inv.Attendee); err != nil {
		return err
	}
	return nil
}

func checkAddress(name, s string) error {
	if strings.TrimSpace(s) == "" {
		return invalid("%s is empty", name)
	}
	if _, err := netmail.ParseAddress(s); err != nil {
		return invalid("%s %q: %v", name, s, err)
	}
	return nil
}

// checkBareAddress accepts "user@host" only: the value becomes a mailto: URI
// in the invite, where a display name has no place.
func checkBareAddress(name, s string) error {
	if s == "" {
		return invalid("%s is empty", name)
	}
	a, err := netmail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return invalid("%s %q is not a bare address (user@host)", name, s)
	}
	return nil
}

// validMessageID accepts "<left@right>" with no spaces, controls or further
// angle brackets: what RFC 5322's msg-id allows, minus the obsolete forms.
func validMessageID(s string) bool {
	if len(s) < 5 || s[0] != '<' || s[len(s)-1] != '>' {
		return false
	}
	inner := s[1 : len(s)-1]
	at := strings.IndexByte(inner, '@')
	if at <= 0 || at == len(inner)-1 || strings.Count(inner, "@") != 1 {
		return false
	}
	for _, r := range inner {
		if r <= ' ' || r >= 0x7f || r == '<' || r == '>' || r == '"' || r == '\\' {
			return false
		}
	}
	return true
}
