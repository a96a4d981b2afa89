package mail

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cassidine/site/internal/mail/mailpittest"
)

func smtpSender(t testing.TB, url string) Sender {
	t.Helper()
	s, _, err := NewSender(env("SMTP_URL", url, "MAIL_FROM", "bookings@cassidine.example"), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSMTPToMailpit(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t)
	s := smtpSender(t, mp.SMTPURL())
	m := testMessage(testInvite(MethodRequest, 0))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Send(ctx, m); err != nil {
		t.Fatalf("send: %v\nmailpit log:\n%s", err, mp.Logs())
	}

	list := mp.Messages()
	if len(list) != 1 {
		t.Fatalf("got %d messages in Mailpit, want 1", len(list))
	}
	got := mp.Message(list[0].ID)
	if got.Subject != m.Subject {
		t.Errorf("got subject %q, want %q", got.Subject, m.Subject)
	}
	if want := "bookings@cassidine.example"; got.From.Address != want || got.From.Name != "Cassidine" {
		t.Errorf("got from %+v, want Cassidine <%s>", got.From, want)
	}
	if len(got.To) != 1 || got.To[0].Address != "jane.doe@example.com" {
		t.Errorf("got to %+v, want jane.doe@example.com", got.To)
	}
	if len(got.ReplyTo) != 1 || got.ReplyTo[0].Address != m.ReplyTo {
		t.Errorf("got reply-to %+v, want %s", got.ReplyTo, m.ReplyTo)
	}
	if "<"+got.MessageID+">" != m.MessageID {
		t.Errorf("got Message-ID %q, want %q", got.MessageID, m.MessageID)
	}
	if lf(got.Text) != lf(m.Text) {
		t.Errorf("got text %q, want %q", got.Text, m.Text)
	}
	if !strings.Contains(got.HTML, "your consultation is booked") {
		t.Errorf("got HTML %q, want the message's", got.HTML)
	}

	var cal []byte
	for _, a := range got.Attachments {
		if a.FileName == InviteFileName {
			if a.ContentType != "application/ics" {
				t.Errorf("got %s as %q, want application/ics", a.FileName, a.ContentType)
			}
			cal = mp.Part(got.ID, a.PartID)
		}
	}
	if cal == nil {
		t.Fatalf("got attachments %+v, want %s", got.Attachments, InviteFileName)
	}
	inv := parseICS(t, cal)
	if inv.uid != m.Invite.UID || inv.method != MethodRequest {
		t.Errorf("got invite UID %q METHOD %q, want %q %q", inv.uid, inv.method, m.Invite.UID, MethodRequest)
	}
	checkLines(t, cal)

	// The raw message as the server got it has the calendar alternative too.
	checkEML(t, mp.Raw(got.ID), m)
}

// selfSigned writes a certificate and key for 127.0.0.1 into dir and
// returns their paths and a pool trusting the certificate.
func selfSigned(t testing.TB, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestSMTPTLSModes sends through Mailpit over STARTTLS and implicit TLS
// with a password, and checks the sender refuses what it must refuse: a
// server without STARTTLS when TLS is required, an untrusted certificate.
func TestSMTPTLSModes(t *testing.T) {
	mailpittest.Find(t)
	certFile, keyFile, pool := selfSigned(t, t.TempDir())
	tlsFlags := []string{"--smtp-tls-cert", certFile, "--smtp-tls-key", keyFile, "--smtp-auth-accept-any"}
	for _, tt := range []struct {
		name    string
		flags   []string
		url     func(addr string) string
		trusted bool
		wantErr string // "" when the message must arrive
	}{
		{"starttls with auth", append([]string{"--smtp-require-starttls"}, tlsFlags...),
			func(a string) string { return "smtp://booker:p%40ss@" + a }, true, ""},
		{"implicit tls with auth", append([]string{"--smtp-require-tls"}, tlsFlags...),
			func(a string) string { return "smtps://booker:p%40ss@" + a }, true, ""},
		{"server without starttls", nil,
			func(a string) string { return "smtp://booker:secret@" + a }, true, "STARTTLS"},
		{"untrusted certificate", append([]string{"--smtp-require-starttls"}, tlsFlags...),
			func(a string) string { return "smtp://booker:secret@" + a }, false, "certificate"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mp := mailpittest.Start(t, tt.flags...)
			s, err := newSMTPSender(tt.url(mp.SMTPAddr()), "bookings@cassidine.example")
			if err != nil {
				t.Fatal(err)
			}
			if tt.trusted {
				s.tlsConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			m := testMessage(testInvite(MethodRequest, 0))
			err = s.Send(ctx, m)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("got error %v, want one mentioning %q", err, tt.wantErr)
				}
				if err != nil && strings.Contains(err.Error(), "secret") {
					t.Errorf("got error %q, want it without the password", err)
				}
				if n := len(mp.Messages()); n != 0 {
					t.Errorf("got %d messages delivered, want none", n)
				}
				return
			}
			if err != nil {
				t.Fatalf("send: %v\nmailpit log:\n%s", err, mp.Logs())
			}
			list := mp.Messages()
			if len(list) != 1 {
				t.Fatalf("got %d messages, want 1", len(list))
			}
			got := mp.Message(list[0].ID)
			if got.Subject != m.Subject || got.Username != "booker" {
				t.Errorf("got subject %q user %q, want %q booker", got.Subject, got.Username, m.Subject)
			}
		})
	}
}
