package booking_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/cassidine/site/internal/booking"
)

func TestCheckText(t *testing.T) {
	for _, tc := range []struct {
		name      string
		s         string
		max       int
		multiline bool
		want      error
	}{
		{"empty", "", 10, false, nil},
		{"at the limit, in characters", strings.Repeat("é", 10), 10, false, nil},
		{"over the limit", strings.Repeat("é", 11), 10, false, booking.ErrTooLong},
		{"not UTF-8", "Ad\xff", 10, false, booking.ErrNotUTF8},
		{"CRLF", "Ada\r\nBcc: x", 20, false, booking.ErrLineBreak},
		{"LF", "Ada\n", 20, false, booking.ErrLineBreak},
		{"line break before a tab", "a\tb\nc", 20, false, booking.ErrLineBreak},
		{"tab on one line", "a\tb", 20, false, booking.ErrControl},
		{"NUL", "a\x00b", 20, true, booking.ErrControl},
		{"DEL", "a\x7fb", 20, false, booking.ErrControl},
		{"C1", "a\u0085b", 20, false, booking.ErrControl},
		{"line separator", "a\u2028b", 20, true, booking.ErrControl},
		{"right-to-left override", "Ada\u202egnirts", 20, false, booking.ErrInvisible},
		{"isolate", "\u2066Ada\u2069", 20, false, booking.ErrInvisible},
		{"zero-width space", "Ac\u200bme", 20, false, booking.ErrInvisible},
		{"byte-order mark", "\ufeffAcme", 20, false, booking.ErrInvisible},
		{"zero-width non-joiner kept", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", 20, false, nil},
		{"message lines and tabs", "Hello,\r\n\tthanks\n", 20, true, nil},
		{"too long before a line break", strings.Repeat("a", 20) + "\n", 20, false, booking.ErrTooLong},
	} {
		err := booking.CheckText(tc.s, tc.max, tc.multiline)
		if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("%s: CheckText(%q, %d, %v): got %v, want %v", tc.name, tc.s, tc.max, tc.multiline, err, tc.want)
		}
	}
}

func TestCheckEmail(t *testing.T) {
	longest := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 57) + ".com"
	if len(longest) != booking.MaxEmail {
		t.Fatalf("the longest address has %d bytes, want %d", len(longest), booking.MaxEmail)
	}
	for _, tc := range []struct {
		email string
		want  error
	}{
		{"ada@example.com", nil},
		{"ada+booking@example.co.uk", nil},
		{"o_r&x*y-z@sub.example.org", nil},
		{longest, nil},
		{strings.Repeat("l", 64) + "@example.com", nil},
		{"", booking.ErrEmailEmpty},
		{"   ", booking.ErrEmailEmpty},
		{longest + "m", booking.ErrTooLong},
		{"ada@example.com\r\nBcc: x@example.com", booking.ErrLineBreak},
		{strings.Repeat("l", 65) + "@example.com", booking.ErrEmailSyntax},
		{"ada", booking.ErrEmailSyntax},
		{"ceo at example", booking.ErrEmailSyntax},
		{"  grace@example.com  ", booking.ErrEmailSyntax}, // callers trim what a visitor typed
		{"Ada <ada@example.com>", booking.ErrEmailSyntax},
		{"ada@localhost", booking.ErrEmailSyntax},
	} {
		err := booking.CheckEmail(tc.email)
		if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("CheckEmail(%q): got %v, want %v", tc.email, err, tc.want)
		}
	}
}

func TestLoadZone(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"America/Chicago", true},
		{"UTC", true},
		{"", false},
		{"Local", false},
		{"Mars/Olympus", false},
		{"../../etc/passwd", false},
		{strings.Repeat("A", 65), false},
	} {
		loc, ok := booking.LoadZone(tc.name)
		if ok != tc.ok || (ok && loc.String() != tc.name) {
			t.Errorf("LoadZone(%q): got %v, %v; want ok %v", tc.name, loc, ok, tc.ok)
		}
	}
}
