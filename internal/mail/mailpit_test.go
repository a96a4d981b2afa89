package mail

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const installMailpit = "install Mailpit: go install github.com/axllent/mailpit@v1.33.1"

// findMailpit returns the mailpit binary from PATH or $(go env GOPATH)/bin.
// Without it the test skips, or fails under CI=true, where .ci/run must
// have installed it.
func findMailpit(t testing.TB) string {
	t.Helper()
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p
	}
	var gopaths []string
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		gopaths = filepath.SplitList(strings.TrimSpace(string(out)))
	}
	if home, err := os.UserHomeDir(); err == nil {
		gopaths = append(gopaths, filepath.Join(home, "go"))
	}
	for _, gp := range gopaths {
		p := filepath.Join(gp, "bin", "mailpit")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("mailpit not found on PATH or in GOPATH/bin; " + installMailpit)
	}
	t.Skip(installMailpit)
	return ""
}

// mailpit is a Mailpit server run by a test: SMTP and the HTTP API on free
// loopback ports, its database in the test's temp dir. Stop and Start
// restart it on the same ports with the same database, to play an outage.
type mailpit struct {
	t        testing.TB
	bin      string
	smtpAddr string
	httpAddr string
	db       string
	extra    []string // more flags
	cmd      *exec.Cmd
	exited   chan struct{}
	logs     *bytes.Buffer
}

// startMailpit starts Mailpit with the extra flags and stops it when the
// test ends.
func startMailpit(t testing.TB, extra ...string) *mailpit {
	t.Helper()
	bin := findMailpit(t)
	mp := &mailpit{t: t, bin: bin, db: filepath.Join(t.TempDir(), "mailpit.db"), extra: extra}
	t.Cleanup(mp.Stop)
	// The free ports are found by binding and releasing them; another
	// process can take one in between, so try a few times.
	var err error
	for range 3 {
		mp.smtpAddr, mp.httpAddr = freeAddr(t), freeAddr(t)
		if err = mp.start(); err == nil {
			return mp
		}
	}
	t.Fatalf("mailpit: %v", err)
	return nil
}

// SMTPURL is the SMTP_URL that reaches this Mailpit.
func (mp *mailpit) SMTPURL() string { return "smtp://" + mp.smtpAddr + "?tls=none" }

// Start restarts a stopped Mailpit on its ports.
func (mp *mailpit) Start() {
	mp.t.Helper()
	if err := mp.start(); err != nil {
		mp.t.Fatalf("mailpit: %v", err)
	}
}

func (mp *mailpit) start() error {
	mp.logs = &bytes.Buffer{}
	args := append([]string{
		"--smtp", mp.smtpAddr,
		"--listen", mp.httpAddr,
		"--database", mp.db,
		"--disable-version-check",
		"--smtp-disable-rdns",
		"--max", "0", // keep every message: the tests count them
	}, mp.extra...)
	cmd := exec.Command(mp.bin, args...)
	cmd.Stdout, cmd.Stderr = mp.logs, mp.logs
	if err := cmd.Start(); err != nil {
		return err
	}
	mp.cmd, mp.exited = cmd, make(chan struct{})
	go func() { cmd.Wait(); close(mp.exited) }()

	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-mp.exited:
			return fmt.Errorf("exited while starting:\n%s", mp.logs)
		default:
		}
		if mp.ready() {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	mp.Stop()
	return fmt.Errorf("not ready after 15s:\n%s", mp.logs)
}

// ready reports whether both the HTTP API (/readyz) and SMTP answer.
func (mp *mailpit) ready() bool {
	resp, err := http.Get("http://" + mp.httpAddr + "/readyz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false
	}
	c, err := net.DialTimeout("tcp", mp.smtpAddr, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// Stop stops Mailpit (SIGTERM, then SIGKILL after 5s) and waits for it.
func (mp *mailpit) Stop() {
	if mp.cmd == nil {
		return
	}
	mp.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-mp.exited:
	case <-time.After(5 * time.Second):
		mp.cmd.Process.Kill()
		<-mp.exited
	}
	mp.cmd = nil
}

func freeAddr(t testing.TB) string { return closedAddr(t) }

// mpAddress is an address as Mailpit's API gives it.
type mpAddress struct {
	Name    string
	Address string
}

// mpSummary is one entry of GET /api/v1/messages.
type mpSummary struct {
	ID        string
	MessageID string
	Subject   string
	To        []mpAddress
}

// mpMessage is GET /api/v1/message/{ID}.
type mpMessage struct {
	ID          string
	MessageID   string
	From        mpAddress
	To          []mpAddress
	ReplyTo     []mpAddress
	Username    string // the SMTP AUTH user, if any
	Subject     string
	Text        string
	HTML        string
	Attachments []struct {
		PartID      string
		FileName    string
		ContentType string
	}
}

func (mp *mailpit) get(path string, into any) []byte {
	mp.t.Helper()
	resp, err := http.Get("http://" + mp.httpAddr + path)
	if err != nil {
		mp.t.Fatalf("mailpit GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		mp.t.Fatalf("mailpit GET %s: %s %v\n%s", path, resp.Status, err, b)
	}
	if into != nil {
		if err := json.Unmarshal(b, into); err != nil {
			mp.t.Fatalf("mailpit GET %s: %v\n%s", path, err, b)
		}
	}
	return b
}

// Messages lists every message Mailpit holds (GET /api/v1/messages).
func (mp *mailpit) Messages() []mpSummary {
	mp.t.Helper()
	var list struct {
		Total    int
		Messages []mpSummary `json:"messages"`
	}
	mp.get("/api/v1/messages?limit=1000", &list)
	if len(list.Messages) != list.Total {
		mp.t.Fatalf("mailpit: got %d of %d messages in one page", len(list.Messages), list.Total)
	}
	return list.Messages
}

// Message returns one message (GET /api/v1/message/{ID}).
func (mp *mailpit) Message(id string) mpMessage {
	mp.t.Helper()
	var m mpMessage
	mp.get("/api/v1/message/"+id, &m)
	return m
}

// Part returns a part's decoded bytes (GET /api/v1/message/{ID}/part/{PartID}).
func (mp *mailpit) Part(id, partID string) []byte {
	mp.t.Helper()
	return mp.get("/api/v1/message/"+id+"/part/"+partID, nil)
}

// Raw returns the message as received (GET /api/v1/message/{ID}/raw).
func (mp *mailpit) Raw(id string) []byte {
	mp.t.Helper()
	return mp.get("/api/v1/message/"+id+"/raw", nil)
}

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
	mp := startMailpit(t)
	s := smtpSender(t, mp.SMTPURL())
	m := testMessage(testInvite(MethodRequest, 0))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Send(ctx, m); err != nil {
		t.Fatalf("send: %v\nmailpit log:\n%s", err, mp.logs)
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
	findMailpit(t)
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
			mp := startMailpit(t, tt.flags...)
			s, err := newSMTPSender(tt.url(mp.smtpAddr), "bookings@cassidine.example")
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
				t.Fatalf("send: %v\nmailpit log:\n%s", err, mp.logs)
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
