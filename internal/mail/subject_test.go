package mail

import (
	"context"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSubjectAlwaysEncoded: a subject is always sent as encoded-words, so
// a visitor's name that is itself an encoded-word shows as typed, not as
// what it decodes to; long and non-ASCII subjects round-trip.
func TestSubjectAlwaysEncoded(t *testing.T) {
	for _, subject := range []string{
		"New booking: =?utf-8?b?Q0VPIG9mIEFwcGxl?=, Tuesday",
		"New booking: Zoë Åström — “Acme”, Tuesday, December 8 at 9:00 AM CST",
		strings.Repeat("Å long subject ", 12),
		"plain",
	} {
		dir := t.TempDir()
		m := testMessage(nil)
		m.Subject = subject
		if err := (&FileSender{Dir: dir}).Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(filepath.Join(dir, fileName(m.MessageID)))
		if err != nil {
			t.Fatal(err)
		}
		msg, err := mail.ReadMessage(strings.NewReader(string(raw)))
		if err != nil {
			t.Fatal(err)
		}
		header := msg.Header.Get("Subject")
		for _, word := range strings.Fields(header) {
			if !strings.HasPrefix(word, "=?UTF-8?b?") || !strings.HasSuffix(word, "?=") || len(word) > 75 {
				t.Errorf("subject %q sent as %q: %q is not an encoded-word of at most 75 characters", subject, header, word)
			}
		}
		got, err := new(mime.WordDecoder).DecodeHeader(header)
		if err != nil || got != subject {
			t.Errorf("subject %q decodes to %q (%v)", subject, got, err)
		}
	}
}
