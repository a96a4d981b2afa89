// Package mail sends the site's email: booking confirmations with calendar
// invites, notices to the consultant, cancellations. No notification may be
// lost, so nothing is sent inline: the booking handler queues messages in the
// store's outbox in the same transaction as the booking, and Drain sends
// them, retrying with backoff while the mail server is down.
//
// # Messages
//
// A Message is one email. NewMessage gives it a stable MessageID; Encode
// validates it and returns the JSON stored as store.OutboxMessage.Payload;
// Decode reads it back:
//
//	m := mail.NewMessage(from, b.Email, "Your consultation", text)
//	m.ReplyTo, m.HTML = consultant, html
//	m.Invite = &mail.Invite{UID: b.ID + "@" + host, Sequence: b.Sequence, Method: mail.MethodRequest, ...}
//	payload, err := m.Encode() // fails on a CR/LF in From, To, ReplyTo or Subject
//	msgs := []store.OutboxMessage{{Kind: "confirmation", To: b.Email, Payload: payload, NextAttempt: now}}
//
// The payload is a JSON object with the keys from, to, reply_to, subject,
// text, html, invite and message_id; invite holds uid, sequence, method,
// start, end, summary, description, location, url, alarms (durations
// before the start, in nanoseconds as Go encodes a time.Duration),
// organizer, organizer_name, attendee, attendee_name and stamp, times in
// RFC 3339.
// Validation runs on Encode, Decode and every Send, and errors wrap
// ErrInvalid: a header-bound field with a line break (header injection), a
// malformed address, an empty subject or text, a bad invite.
//
// # Invites
//
// ICS renders an Invite as an iCalendar object with golang-ical:
// METHOD:REQUEST (STATUS:CONFIRMED, the attendee asked to RSVP) or
// METHOD:CANCEL (STATUS:CANCELLED), times in UTC, CRLF line ends, lines
// folded at 75 octets. Location and URL say where to meet; a request
// carries a VALARM (ACTION:DISPLAY, TRIGGER:-PT24H) per Alarm, the
// booking's reminders as calendar alerts. Calendar clients tie a cancellation or a reschedule to
// the invite they have by UID and take the highest SEQUENCE, so a booking
// keeps one UID (its ID@host) and bumps Sequence on every change (the store
// does: Booking.Sequence). A message with an invite carries it twice: as a
// text/calendar;method=... alternative, which makes Gmail and Outlook show
// accept/decline, and as an invite.ics attachment (application/ics) for every
// other client.
//
// # Senders
//
// NewSender picks from the environment:
//
//	SMTP_URL=smtp://user:pass@host:587    SMTP, STARTTLS required (587 by default)
//	SMTP_URL=smtps://user:pass@host:465   SMTP over implicit TLS (465 by default)
//	SMTP_URL=smtp://127.0.0.1:1025?tls=none   no TLS, no auth: local test servers (Mailpit)
//	MAIL_FROM=bookings@example.com        required with SMTP_URL: the envelope sender
//	(neither)                             FileSender: .eml files in <data dir>/mail
//
// The SMTP sender uses wneessen/go-mail. Every step of a send (connect, TLS,
// each command) times out after Timeout, and the caller's context bounds the
// whole send: its deadline caps each wait and cancelling it closes the
// connection. The FileSender writes exactly what SMTP would have carried, one
// file per Message-ID, so local bookings can be read in any mail client.
//
// # The outbox
//
// Drain claims the due messages (for Lease, so two concurrent drainers never
// send one message twice), sends them and marks each sent, or failed with
// the next try at now + Backoff(attempts) = min(1m·2^attempts, 6h). A payload
// that cannot be decoded is parked a century ahead and reported, never
// retried in a loop. Delivery is at least once: a send whose success could
// not be recorded is repeated, with the same Message-ID. Outbox is the subset
// of store.BookingStore that Drain uses.
//
// # Tests
//
// SMTP is tested against a real Mailpit (go install
// github.com/axllent/mailpit@v1.33.1), started per test on free ports and
// read back through its HTTP API. Without the binary those tests skip, except
// under CI=true, where they fail; .ci/run installs it.
package mail
