package mail

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cassidine/site/internal/mail/mailpittest"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestNewSender(t *testing.T) {
	const from = "MAIL_FROM"
	for _, tt := range []struct {
		name     string
		getenv   func(string) string
		want     string // description, when no error
		wantType string
		wantErr  string
	}{
		{"default files", env(), "files " + filepath.Join(".data", "mail"), "*mail.FileSender", ""},
		{"starttls", env("SMTP_URL", "smtp://user:secret@mail.example.com:587", from, "b@example.com"), "smtp mail.example.com:587", "*mail.SMTPSender", ""},
		{"starttls default port", env("SMTP_URL", "smtp://user:secret@mail.example.com", from, "b@example.com"), "smtp mail.example.com:587", "*mail.SMTPSender", ""},
		{"implicit tls default port", env("SMTP_URL", "smtps://user:secret@mail.example.com", from, "b@example.com"), "smtp mail.example.com:465", "*mail.SMTPSender", ""},
		{"local no tls", env("SMTP_URL", "smtp://127.0.0.1:1025?tls=none", from, "Bookings <b@example.com>"), "smtp 127.0.0.1:1025", "*mail.SMTPSender", ""},
		{"no MAIL_FROM", env("SMTP_URL", "smtp://user:secret@mail.example.com:587"), "", "", "MAIL_FROM is required"},
		{"bad MAIL_FROM", env("SMTP_URL", "smtp://mail.example.com", from, "nobody"), "", "", "MAIL_FROM"},
		{"bad scheme", env("SMTP_URL", "http://user:secret@mail.example.com", from, "b@example.com"), "", "", "scheme"},
		{"not a url", env("SMTP_URL", "smtp://user:secret@mail example.com:%zz", from, "b@example.com"), "", "", "not a valid URL"},
		{"no host", env("SMTP_URL", "smtp://:587", from, "b@example.com"), "", "", "no host"},
		{"bad port", env("SMTP_URL", "smtp://mail.example.com:0", from, "b@example.com"), "", "", "bad port"},
		{"unknown parameter", env("SMTP_URL", "smtp://mail.example.com?tls=none&x=1", from, "b@example.com"), "", "", "unknown parameter"},
		{"unknown tls", env("SMTP_URL", "smtp://mail.example.com?tls=maybe", from, "b@example.com"), "", "", "tls="},
		{"password in clear", env("SMTP_URL", "smtp://user:secret@mail.example.com:1025?tls=none", from, "b@example.com"), "", "", "in clear"},
		{"smtps without tls", env("SMTP_URL", "smtps://mail.example.com?tls=none", from, "b@example.com"), "", "", "tls=none"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, desc, err := NewSender(tt.getenv, ".data")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Errorf("got error %q, want it without the password", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if desc != tt.want {
				t.Errorf("got description %q, want %q", desc, tt.want)
			}
			if strings.Contains(desc, "secret") {
				t.Errorf("got description %q, want it without the password", desc)
			}
			if got := typeName(s); got != tt.wantType {
				t.Errorf("got %s, want %s", got, tt.wantType)
			}
		})
	}
}

func typeName(v any) string {
	switch v.(type) {
	case *FileSender:
		return "*mail.FileSender"
	case *SMTPSender:
		return "*mail.SMTPSender"
	}
	return "?"
}

func TestFileSenderWritesEML(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s, desc, err := NewSender(env(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := "files " + filepath.Join(dir, "mail"); desc != want {
		t.Errorf("got description %q, want %q", desc, want)
	}
	fs, ok := s.(*FileSender)
	if !ok {
		t.Fatalf("got %T, want *FileSender", s)
	}
	var logs bytes.Buffer
	fs.Log = slog.New(slog.NewTextHandler(&logs, nil))
	m := testMessage(testInvite(MethodRequest, 0))
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "mail", fileName(m.MessageID))
	if !strings.Contains(logs.String(), "path="+path) {
		t.Errorf("got log %q, want it to say where the message went (%s)", logs.String(), path)
	}
	// A retry of the same message replaces its file.
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	names, err := readDir(filepath.Join(dir, "mail"))
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 || !strings.HasSuffix(names[0], ".eml") {
		t.Fatalf("got files %v, want one .eml", names)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "mail", names[0]))
	if err != nil {
		t.Fatal(err)
	}
	checkEML(t, raw, m)
}

// checkEML parses raw as an email (net/mail, mime/multipart) and checks it
// carries m: headers, text, HTML, and both forms of the invite.
func checkEML(t testing.TB, raw []byte, m Message) {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse eml: %v", err)
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []struct{ name, got, want string }{
		{"Subject", subject, m.Subject},
		{"Message-Id", msg.Header.Get("Message-Id"), m.MessageID},
		{"Auto-Submitted", msg.Header.Get("Auto-Submitted"), "auto-generated"},
	} {
		if h.got != h.want {
			t.Errorf("got %s %q, want %q", h.name, h.got, h.want)
		}
	}
	for _, a := range []struct{ header, want string }{{"From", m.From}, {"To", m.To}, {"Reply-To", m.ReplyTo}} {
		got, err := msg.Header.AddressList(a.header)
		want, _ := netmail.ParseAddress(a.want)
		if err != nil || len(got) != 1 || got[0].Address != want.Address {
			t.Errorf("got %s %v (%v), want %s", a.header, got, err, want.Address)
		}
	}
	parts := mailpittest.Parts(t, textprotoHeader(msg.Header), msg.Body)
	byType := map[string]mimePart{}
	for _, p := range parts {
		byType[p.MediaType] = p
	}
	// Text travels with CRLF line ends, as MIME wants.
	if got := lf(string(byType["text/plain"].Body)); got != lf(m.Text) {
		t.Errorf("got text %q, want %q", got, m.Text)
	}
	if got := lf(string(byType["text/html"].Body)); m.HTML != "" && got != lf(m.HTML) {
		t.Errorf("got html %q, want %q", got, m.HTML)
	}
	if m.Invite == nil {
		return
	}
	cal, ok := byType["text/calendar"]
	if !ok {
		t.Fatalf("got parts %v, want a text/calendar alternative", partTypes(parts))
	}
	if cal.Params["method"] != m.Invite.Method {
		t.Errorf("got text/calendar method=%q, want %q", cal.Params["method"], m.Invite.Method)
	}
	att, ok := byType["application/ics"]
	if !ok {
		t.Fatalf("got parts %v, want an application/ics attachment", partTypes(parts))
	}
	if att.FileName != InviteFileName {
		t.Errorf("got attachment %q, want %q", att.FileName, InviteFileName)
	}
	want, err := ICS(*m.Invite)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []mimePart{cal, att} {
		if string(p.Body) != string(want) {
			t.Errorf("%s: got\n%q\nwant\n%q", p.MediaType, p.Body, want)
		}
		inv := parseICS(t, p.Body)
		if inv.uid != m.Invite.UID || inv.method != m.Invite.Method {
			t.Errorf("%s: got UID %q METHOD %q, want %q %q", p.MediaType, inv.uid, inv.method, m.Invite.UID, m.Invite.Method)
		}
	}
}

func lf(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

type mimePart = mailpittest.Part

func partTypes(ps []mimePart) []string {
	var s []string
	for _, p := range ps {
		s = append(s, p.MediaType)
	}
	return s
}

func textprotoHeader(h netmail.Header) map[string][]string { return h }

func readDir(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names, err
}

// TestSMTPSenderHonoursContext sends to a server that accepts the
// connection and then says nothing: the send must give up at the context's
// deadline, not after go-mail's own per-step timeouts.
func TestSMTPSenderHonoursContext(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			// Read and never answer; done when the client hangs up.
			go func() { io.Copy(io.Discard, c); c.Close() }()
		}
	}()
	s, err := newSMTPSender("smtp://"+l.Addr().String()+"?tls=none", "bookings@cassidine.example")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name    string
		ctx     func() (context.Context, context.CancelFunc)
		wantErr error
	}{
		{"deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 300*time.Millisecond)
		}, context.DeadlineExceeded},
		{"cancel", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(300*time.Millisecond, cancel)
			return ctx, cancel
		}, context.Canceled},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := tt.ctx()
			defer cancel()
			start := time.Now()
			err := s.Send(ctx, testMessage(nil))
			if elapsed := time.Since(start); elapsed > Timeout/2 {
				t.Errorf("got a send that took %v, want it cut off near 300ms", elapsed)
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("got %v, want it to wrap %v", err, tt.wantErr)
			}
		})
	}
}

// TestMIMETree pins the structure calendar-aware clients expect (see
// buildMsg): the HTML part sits beside the text as an alternative, and an
// invite adds a calendar alternative and an attachment.
func TestMIMETree(t *testing.T) {
	for _, tt := range []struct {
		name string
		edit func(*Message)
		want string
	}{
		{"text", func(m *Message) { m.HTML, m.Invite = "", nil }, "text/plain"},
		{"text and HTML", func(m *Message) { m.Invite = nil }, "multipart/alternative(text/plain text/html)"},
		{"text, HTML and invite", func(*Message) {},
			"multipart/mixed(multipart/alternative(text/plain text/html text/calendar) application/ics)"},
		{"text and invite", func(m *Message) { m.HTML = "" },
			"multipart/mixed(multipart/alternative(text/plain text/calendar) application/ics)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := testMessage(testInvite(MethodRequest, 0))
			tt.edit(&m)
			dir := t.TempDir()
			if err := (&FileSender{Dir: dir}).Send(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(filepath.Join(dir, fileName(m.MessageID)))
			if err != nil {
				t.Fatal(err)
			}
			msg, err := netmail.ReadMessage(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if got := mailpittest.Tree(t, textprotoHeader(msg.Header), msg.Body); got != tt.want {
				t.Errorf("got MIME tree %s, want %s", got, tt.want)
			}
			checkEML(t, raw, m)
		})
	}
}
