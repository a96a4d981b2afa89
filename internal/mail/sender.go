package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	netmail "net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	gomail "github.com/wneessen/go-mail"
)

// Sender delivers one message. Send validates m first, so a message with a
// CR or LF in a header-bound field is refused before anything leaves. An
// error means the message may not have been delivered; the outbox retries
// it (Drain), so a Sender never needs to retry by itself.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Timeout bounds each step of an SMTP exchange (connect, TLS, each command)
// and, through the context, the whole send when the caller's deadline is
// sooner.
const Timeout = 10 * time.Second

// NewSender returns the sender the environment asks for, and a description
// of it for the startup log (no credentials):
//
//   - SMTP_URL set: an SMTPSender. MAIL_FROM must be set too (the envelope
//     sender, where bounces go); without it NewSender fails saying so.
//   - otherwise a FileSender writing .eml files under dataDir/mail, the
//     local default: nothing leaves the machine.
//
// SMTP_URL forms:
//
//	smtp://user:pass@host:587        STARTTLS required (port defaults to 587)
//	smtps://user:pass@host:465       implicit TLS (port defaults to 465)
//	smtp://host:1025?tls=none        no TLS and no auth: local test servers
//	                                 such as Mailpit only
//
// User and password are URL-encoded ("p%40ss" for "p@ss") and optional;
// when given, the strongest mechanism both sides support among SCRAM-SHA-256,
// SCRAM-SHA-1, PLAIN and LOGIN is used, always over TLS.
func NewSender(getenv func(string) string, dataDir string) (Sender, string, error) {
	raw := getenv("SMTP_URL")
	if raw == "" {
		dir := filepath.Join(dataDir, "mail")
		return &FileSender{Dir: dir, Log: slog.Default()}, "files " + dir, nil
	}
	s, err := newSMTPSender(raw, getenv("MAIL_FROM"))
	if err != nil {
		return nil, "", err
	}
	return s, "smtp " + s.addr(), nil
}

// SMTPSender sends through an SMTP server with go-mail. Each Send opens its
// own connection: the function sends a handful of messages per invocation,
// and a fresh connection cannot be a stale one.
type SMTPSender struct {
	host     string
	port     int
	implicit bool // smtps: TLS from the first byte
	noTLS    bool // tls=none: plain text, no auth
	user     string
	pass     string
	from     string // envelope sender (MAIL_FROM)
	helo     string

	// tlsConfig, when set, replaces the default (system roots, TLS 1.2+);
	// tests use it to trust their own certificate.
	tlsConfig *tls.Config
}

func newSMTPSender(raw, from string) (*SMTPSender, error) {
	// The URL may hold a password: errors name the problem, never the URL.
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("SMTP_URL is not a valid URL (smtp://user:pass@host:587)")
	}
	s := &SMTPSender{host: u.Hostname()}
	switch u.Scheme {
	case "smtp":
		s.port = gomail.DefaultPortTLS
	case "smtps":
		s.port, s.implicit = gomail.DefaultPortSSL, true
	default:
		return nil, fmt.Errorf("SMTP_URL: scheme %q is neither smtp nor smtps", u.Scheme)
	}
	if s.host == "" {
		return nil, errors.New("SMTP_URL: no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 65535 {
			return nil, fmt.Errorf("SMTP_URL: bad port %q", p)
		}
		s.port = n
	}
	if u.Path != "" && u.Path != "/" {
		return nil, errors.New("SMTP_URL: unexpected path")
	}
	q := u.Query()
	for k := range q {
		if k != "tls" {
			return nil, fmt.Errorf("SMTP_URL: unknown parameter %q (only tls=none is known)", k)
		}
	}
	switch tlsMode := strings.ToLower(q.Get("tls")); tlsMode {
	case "":
	case "none":
		if s.implicit {
			return nil, errors.New("SMTP_URL: smtps with tls=none; use smtp://host:port?tls=none")
		}
		s.noTLS = true
	default:
		return nil, fmt.Errorf("SMTP_URL: tls=%q; the only value is none", tlsMode)
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
		if s.noTLS && s.user != "" {
			return nil, errors.New("SMTP_URL: tls=none with a user: refusing to send a password in clear")
		}
	}
	if from == "" {
		return nil, errors.New("MAIL_FROM is required when SMTP_URL is set: the address mail is sent from (bounces go there)")
	}
	a, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("MAIL_FROM %q: %w", from, err)
	}
	// Announce ourselves as the sending domain: a Lambda's hostname is
	// meaningless to the server, and some refuse bare IPs.
	s.from, s.helo = a.Address, domainOf(a.Address)
	return s, nil
}

func (s *SMTPSender) addr() string { return net.JoinHostPort(s.host, strconv.Itoa(s.port)) }

// Send delivers m. The context bounds the whole exchange: its deadline caps
// every network wait, and cancelling it closes the connection. A send cut
// off after the server took the message but before it said so is reported
// as a failure and retried; the stable Message-ID marks the duplicate.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	msg, err := prepare(ctx, m)
	if err != nil {
		return err
	}
	if err := msg.EnvelopeFrom(s.from); err != nil {
		return fmt.Errorf("smtp %s: envelope from: %w", s.addr(), err)
	}

	dial := &ctxDialer{ctx: ctx, implicit: s.implicit, tls: s.tlsConf()}
	defer dial.stop()
	opts := []gomail.Option{
		gomail.WithPort(s.port),
		gomail.WithTimeout(Timeout),
		gomail.WithHELO(s.helo),
		gomail.WithDialContextFunc(dial.DialContext),
	}
	switch {
	case s.noTLS, s.implicit:
		// implicit: the dialer already speaks TLS; no STARTTLS on top.
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory), gomail.WithTLSConfig(s.tlsConf()))
	}
	if s.user != "" {
		opts = append(opts,
			gomail.WithUsername(s.user), gomail.WithPassword(s.pass),
			// PLAIN and LOGIN here still refuse to run over a connection
			// that is not TLS (go-mail checks), and every mode with a user is TLS.
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1,
				gomail.SMTPAuthPlain, gomail.SMTPAuthLogin))
	}
	c, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return fmt.Errorf("smtp %s: %w", s.addr(), err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		if ctxErr := ctxErr(ctx); ctxErr != nil {
			return fmt.Errorf("smtp %s: %w (%w)", s.addr(), ctxErr, err)
		}
		return fmt.Errorf("smtp %s: %w", s.addr(), err)
	}
	return nil
}

// ctxErr is ctx.Err(), also when the deadline has passed but the context's
// timer has not fired yet: a connection deadline capped at it can beat it.
func ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
		return context.DeadlineExceeded
	}
	return nil
}

func (s *SMTPSender) tlsConf() *tls.Config {
	if s.tlsConfig != nil {
		c := s.tlsConfig.Clone()
		if c.ServerName == "" {
			c.ServerName = s.host
		}
		return c
	}
	return &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
}

// ctxDialer makes go-mail's connection obey a context beyond the dial: the
// connection's deadlines never pass the context's deadline, and cancelling
// the context closes it. go-mail alone only honours the context while
// dialling, then sets its own per-step deadlines.
type ctxDialer struct {
	ctx      context.Context
	implicit bool
	tls      *tls.Config

	mu    sync.Mutex
	stops []func() bool
}

func (d *ctxDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	var nd net.Dialer
	raw, err := nd.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	d.stops = append(d.stops, context.AfterFunc(d.ctx, func() { raw.Close() }))
	d.mu.Unlock()
	var conn net.Conn = &deadlineConn{Conn: raw, ctx: d.ctx}
	if d.implicit {
		tc := tls.Client(conn, d.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			raw.Close()
			return nil, err
		}
		// A *tls.Conn, so go-mail's SMTP client knows the line is encrypted.
		conn = tc
	}
	return conn, nil
}

// stop releases the close-on-cancel hooks once the send is over.
func (d *ctxDialer) stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, f := range d.stops {
		f()
	}
}

// deadlineConn caps every deadline at its context's deadline.
type deadlineConn struct {
	net.Conn
	ctx context.Context
}

func (c *deadlineConn) cap(t time.Time) time.Time {
	if dl, ok := c.ctx.Deadline(); ok && (t.IsZero() || dl.Before(t)) {
		return dl
	}
	return t
}

func (c *deadlineConn) SetDeadline(t time.Time) error      { return c.Conn.SetDeadline(c.cap(t)) }
func (c *deadlineConn) SetReadDeadline(t time.Time) error  { return c.Conn.SetReadDeadline(c.cap(t)) }
func (c *deadlineConn) SetWriteDeadline(t time.Time) error { return c.Conn.SetWriteDeadline(c.cap(t)) }

// encodeWords encodes s as RFC 2047 base64 encoded-words of at most 75
// characters each, cut between characters.
func encodeWords(s string) string {
	const maxRaw = 45 // 60 characters of base64, 72 with "=?UTF-8?b?" and "?="
	var words []string
	for len(s) > 0 {
		n := 0
		for n < len(s) {
			_, size := utf8.DecodeRuneInString(s[n:])
			if n > 0 && n+size > maxRaw {
				break
			}
			n += size
		}
		words = append(words, "=?UTF-8?b?"+base64.StdEncoding.EncodeToString([]byte(s[:n]))+"?=")
		s = s[n:]
	}
	return strings.Join(words, " ")
}

// InviteFileName is the name of the invite attachment.
const InviteFileName = "invite.ics"

// prepare is what every Sender does first: validate m, give up if ctx
// is done, and build the message.
func prepare(ctx context.Context, m Message) (*gomail.Msg, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return buildMsg(m)
}

// buildMsg turns m into a go-mail message. Its MIME structure is what
// calendar-aware clients (Gmail, Outlook, Apple Mail) expect of an invite:
//
//	multipart/mixed
//	  multipart/alternative
//	    text/plain
//	    text/html                          (when HTML is set)
//	    text/calendar; method=REQUEST      (when Invite is set: accept/decline)
//	  application/ics  invite.ics          (when Invite is set: for everyone else)
func buildMsg(m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(m.From); err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	if m.ReplyTo != "" {
		if err := msg.ReplyTo(m.ReplyTo); err != nil {
			return nil, fmt.Errorf("reply-to: %w", err)
		}
	}
	// Always encoded (RFC 2047): a subject holding a visitor's name must
	// show what they typed, even when that is itself an encoded-word
	// ("=?utf-8?b?...?=") that a client would otherwise decode.
	msg.SetGenHeaderPreformatted(gomail.HeaderSubject, encodeWords(m.Subject))
	msg.SetMessageIDWithValue(strings.TrimSuffix(strings.TrimPrefix(m.MessageID, "<"), ">"))
	msg.SetDate()
	// RFC 3834: a notification, not a person; keeps vacation replies away.
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	if m.Invite != nil {
		cal, err := ICS(*m.Invite)
		if err != nil {
			return nil, err
		}
		// Base64 keeps the CRLF line ends intact through any relay.
		msg.AddAlternativeString(gomail.ContentType("text/calendar; method="+m.Invite.Method), string(cal),
			gomail.WithPartEncoding(gomail.EncodingB64))
		if err := msg.AttachReader(InviteFileName, bytes.NewReader(cal),
			gomail.WithFileContentType("application/ics")); err != nil {
			return nil, fmt.Errorf("attach invite: %w", err)
		}
	}
	return msg, nil
}

// FileSender writes each message as an .eml file (the bytes an SMTP server
// would have received) into Dir, named after its Message-ID: sending the
// same message again replaces its file rather than adding a second. Files
// appear whole (written aside, then renamed). It is the local default, so
// `site serve` can book without any mail server; open the files in a mail
// client to see what a prospect would get.
type FileSender struct {
	Dir string
	Log *slog.Logger // where each file went; nil for silence
}

// Send writes m to Dir/<message-id>.eml, creating Dir if needed.
func (s *FileSender) Send(ctx context.Context, m Message) error {
	msg, err := prepare(ctx, m)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return fmt.Errorf("mail dir: %w", err)
	}
	path := filepath.Join(s.Dir, fileName(m.MessageID))
	tmp, err := os.CreateTemp(s.Dir, ".tmp-*.eml")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename: a no-op
	if _, err := msg.WriteTo(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if s.Log != nil {
		s.Log.Info("mail written", "path", path, "message_id", m.MessageID)
	}
	return nil
}

// fileName maps a Message-ID to a file name: the ID without its angle
// brackets, anything outside [A-Za-z0-9._@-] replaced by '_'.
func fileName(messageID string) string {
	id := strings.TrimSuffix(strings.TrimPrefix(messageID, "<"), ">")
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '@', r == '-':
			return r
		}
		return '_'
	}, id) + ".eml"
}
