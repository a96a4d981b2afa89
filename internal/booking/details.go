package booking

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on the details a prospect gives: the booking form explains them
// field by field, and the store refuses anything past them as an
// integrity error, as its tables' CHECK constraints do (migration 0002
// states the same numbers in SQL; a store test keeps them equal). Text is
// counted in characters (runes), as the constraints count it; an address
// in bytes, the stricter measure for the ASCII that CheckEmail allows.
const (
	MaxText       = 200  // name, company, role, company size, one challenge
	MaxMessage    = 5000 // the free-text message
	MaxChallenges = 20   // challenges ticked in one booking
	MaxEmail      = 254  // the longest address SMTP carries (RFC 5321), in bytes
	MaxEmailLocal = 64   // the part before the @ (RFC 5321), in bytes
	maxZoneName   = 64   // longer than any IANA zone name
)

// What CheckText and CheckEmail find wrong; compare with errors.Is.
var (
	ErrNotUTF8   = errors.New("not valid UTF-8")
	ErrTooLong   = errors.New("too long")
	ErrLineBreak = errors.New("holds a line break")
	ErrControl   = errors.New("holds control characters")
	// ErrInvisible: a one-line field holds an invisible formatting
	// character, such as a text-direction override, which can make a name
	// read differently in the consultant's inbox than it is.
	ErrInvisible   = errors.New("holds invisible formatting characters")
	ErrEmailEmpty  = errors.New("no e-mail address")
	ErrEmailSyntax = errors.New("not an e-mail address like name@example.com")
)

// CheckText reports the first problem with a text field, or nil: not
// valid UTF-8, more than max characters, a line break in a single-line
// field, or a control character (a multi-line field, the message, may
// hold line breaks and tabs). Single-line fields end up in mail headers
// and calendar invites, where a line break would start a new header.
// Whether a field may be blank is for the caller.
func CheckText(s string, max int, multiline bool) error {
	switch {
	case !utf8.ValidString(s):
		return ErrNotUTF8
	case utf8.RuneCountInString(s) > max:
		return fmt.Errorf("%w: more than %d characters", ErrTooLong, max)
	case !multiline && strings.ContainsAny(s, "\r\n"):
		return ErrLineBreak
	}
	for _, r := range s {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if isControl(r) {
			return ErrControl
		}
		if !multiline && isInvisible(r) {
			return ErrInvisible
		}
	}
	return nil
}

// isInvisible reports Unicode's format characters (category Cf: the
// bidirectional controls, zero-width spaces, the byte-order mark, soft
// hyphens), but for the zero-width joiner and non-joiner, which scripts
// such as Persian and emoji need.
func isInvisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) && r != '\u200c' && r != '\u200d'
}

// isControl reports C0 and C1 control characters, DEL, and Unicode's line
// and paragraph separators, which some mail clients take as line breaks.
func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029'
}

// emailSyntax is OWASP's validation pattern for e-mail addresses.
var emailSyntax = regexp.MustCompile(`^[a-zA-Z0-9_+&*-]+(?:\.[a-zA-Z0-9_+&*-]+)*@(?:[a-zA-Z0-9-]+\.)+[a-zA-Z]{2,24}$`)

// CheckEmail reports the first problem with an address a prospect gave,
// or nil: blank (ErrEmailEmpty), longer than MaxEmail bytes (ErrTooLong),
// on more than one line (ErrLineBreak), or not OWASP's syntax with a
// local part of at most MaxEmailLocal bytes (ErrEmailSyntax).
func CheckEmail(email string) error {
	switch {
	case strings.TrimSpace(email) == "":
		return ErrEmailEmpty
	case len(email) > MaxEmail:
		return fmt.Errorf("%w: more than %d bytes", ErrTooLong, MaxEmail)
	case strings.ContainsAny(email, "\r\n"):
		return ErrLineBreak
	}
	local, _, _ := strings.Cut(email, "@")
	if len(local) > MaxEmailLocal || !emailSyntax.MatchString(email) {
		return ErrEmailSyntax
	}
	return nil
}

// LoadZone loads an IANA time zone, as booking.timeZone and the zone a
// visitor's browser reports are read. It refuses "" and "Local" (the
// server's own zone, which means nothing to the consultant or the
// visitor) as well as names no zone has.
func LoadZone(name string) (*time.Location, bool) {
	if name == "" || name == "Local" || len(name) > maxZoneName {
		return nil, false
	}
	loc, err := time.LoadLocation(name)
	return loc, err == nil
}
