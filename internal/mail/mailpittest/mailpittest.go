// Package mailpittest runs a real Mailpit for tests: SMTP and the HTTP API
// on free loopback ports, its database in the test's temp dir, and reads
// what it received through its HTTP API. Stop and Restart play an outage
// on the same ports with the same database.
//
// Without the mailpit binary (on PATH, in $(go env GOPATH)/bin or in
// ~/go/bin) a test skips, or fails under CI=true, where .ci/run must have
// installed it. Only tests import this package.
package mailpittest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
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

// Install is how to install the Mailpit these tests expect.
const Install = "install Mailpit: go install github.com/axllent/mailpit@v1.33.1"

const (
	readyTimeout = 60 * time.Second // Mailpit to answer on both ports
	getTimeout   = 20 * time.Second // one HTTP API request
)

// Find returns the mailpit binary from PATH, $(go env GOPATH)/bin or
// ~/go/bin. Without it the test skips, or fails under CI=true.
func Find(t testing.TB) string {
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
		t.Fatal("mailpit not found on PATH or in GOPATH/bin; " + Install)
	}
	t.Skip(Install)
	return ""
}

// FreeAddr returns a loopback address nothing listens on (just now).
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// Server is a Mailpit run by a test.
type Server struct {
	t        testing.TB
	bin      string
	smtpAddr string
	httpAddr string
	db       string
	log      string   // Mailpit's stdout and stderr
	extra    []string // more flags
	cmd      *exec.Cmd
	exited   chan struct{}
}

// Start starts Mailpit with the extra flags and stops it when the test
// ends.
func Start(t testing.TB, extra ...string) *Server {
	t.Helper()
	dir := t.TempDir()
	mp := &Server{t: t, bin: Find(t), db: filepath.Join(dir, "mailpit.db"), log: filepath.Join(dir, "mailpit.log"), extra: extra}
	t.Cleanup(mp.Stop)
	// The free ports are found by binding and releasing them; another
	// process can take one in between, so try a few times.
	var err error
	for range 3 {
		mp.smtpAddr, mp.httpAddr = FreeAddr(t), FreeAddr(t)
		if err = mp.start(); err == nil {
			return mp
		}
	}
	t.Fatalf("mailpit: %v", err)
	return nil
}

// SMTPAddr is the host:port Mailpit takes SMTP on.
func (mp *Server) SMTPAddr() string { return mp.smtpAddr }

// SMTPURL is the SMTP_URL that reaches this Mailpit.
func (mp *Server) SMTPURL() string { return "smtp://" + mp.smtpAddr + "?tls=none" }

// Logs is what Mailpit has written to stdout and stderr since it last
// started.
func (mp *Server) Logs() string {
	b, _ := os.ReadFile(mp.log)
	return string(b)
}

// Restart starts a stopped Mailpit again on its ports with its database.
func (mp *Server) Restart() {
	mp.t.Helper()
	if err := mp.start(); err != nil {
		mp.t.Fatalf("mailpit: %v", err)
	}
}

func (mp *Server) start() error {
	logs, err := os.Create(mp.log) // a file: Mailpit writes it, the test reads it, no copying goroutine
	if err != nil {
		return err
	}
	defer logs.Close() // Mailpit holds its own copy
	args := append([]string{
		"--smtp", mp.smtpAddr,
		"--listen", mp.httpAddr,
		"--database", mp.db,
		"--disable-version-check",
		"--smtp-disable-rdns",
		"--max", "0", // keep every message: the tests count them
	}, mp.extra...)
	cmd := exec.Command(mp.bin, args...)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		return err
	}
	mp.cmd, mp.exited = cmd, make(chan struct{})
	go func() { cmd.Wait(); close(mp.exited) }()

	deadline := time.Now().Add(readyTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-mp.exited:
			return fmt.Errorf("exited while starting:\n%s", mp.Logs())
		default:
		}
		if mp.ready() {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	mp.Stop()
	return fmt.Errorf("not ready after %s:\n%s", readyTimeout, mp.Logs())
}

// ready reports whether both the HTTP API (/readyz) and SMTP answer.
func (mp *Server) ready() bool {
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
func (mp *Server) Stop() {
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

// Address is an address as Mailpit's API gives it.
type Address struct {
	Name    string
	Address string
}

// Summary is one entry of GET /api/v1/messages.
type Summary struct {
	ID        string
	MessageID string
	Subject   string
	To        []Address
}

// Attachment is one attachment of a Message.
type Attachment struct {
	PartID      string
	FileName    string
	ContentType string
}

// Message is GET /api/v1/message/{ID}.
type Message struct {
	ID          string
	MessageID   string
	From        Address
	To          []Address
	ReplyTo     []Address
	Username    string // the SMTP AUTH user, if any
	Subject     string
	Text        string
	HTML        string
	Attachments []Attachment
}

func (mp *Server) get(path string, into any) []byte {
	mp.t.Helper()
	c := http.Client{Timeout: getTimeout}
	resp, err := c.Get("http://" + mp.httpAddr + path)
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
func (mp *Server) Messages() []Summary {
	mp.t.Helper()
	var list struct {
		Total    int
		Messages []Summary `json:"messages"`
	}
	mp.get("/api/v1/messages?limit=1000", &list)
	if len(list.Messages) != list.Total {
		mp.t.Fatalf("mailpit: got %d of %d messages in one page", len(list.Messages), list.Total)
	}
	return list.Messages
}

// Message returns one message (GET /api/v1/message/{ID}).
func (mp *Server) Message(id string) Message {
	mp.t.Helper()
	var m Message
	mp.get("/api/v1/message/"+id, &m)
	return m
}

// Part returns a part's decoded bytes (GET /api/v1/message/{ID}/part/{PartID}).
func (mp *Server) Part(id, partID string) []byte {
	mp.t.Helper()
	return mp.get("/api/v1/message/"+id+"/part/"+partID, nil)
}

// Raw returns the message as received (GET /api/v1/message/{ID}/raw).
func (mp *Server) Raw(id string) []byte {
	mp.t.Helper()
	return mp.get("/api/v1/message/"+id+"/raw", nil)
}

// Part is one leaf of a MIME message, its body decoded.
type Part struct {
	MediaType string
	Params    map[string]string
	FileName  string // from Content-Disposition, if any
	Body      []byte
}

// Parts flattens a MIME tree (a message's header and body, or a part's)
// into its leaves, bodies decoded from base64 or quoted-printable.
func Parts(t testing.TB, h map[string][]string, body io.Reader) []Part {
	t.Helper()
	get := func(k string) string {
		if v := h[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	mediaType, params, err := mime.ParseMediaType(get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type %q: %v", get("Content-Type"), err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		var out []Part
		r := multipart.NewReader(body, params["boundary"])
		for {
			p, err := r.NextRawPart()
			if err == io.EOF {
				return out
			}
			if err != nil {
				t.Fatalf("MIME: %v", err)
			}
			out = append(out, Parts(t, p.Header, p)...)
		}
	}
	var rd io.Reader = body
	switch strings.ToLower(get("Content-Transfer-Encoding")) {
	case "base64":
		rd = base64.NewDecoder(base64.StdEncoding, rd)
	case "quoted-printable":
		rd = quotedprintable.NewReader(rd)
	}
	b, err := io.ReadAll(rd)
	if err != nil {
		t.Fatalf("MIME part %s: %v", mediaType, err)
	}
	part := Part{MediaType: mediaType, Params: params, Body: b}
	if _, dp, err := mime.ParseMediaType(get("Content-Disposition")); err == nil {
		part.FileName = dp["filename"]
	}
	return []Part{part}
}

// Tree describes the MIME structure of a message (its header and body, or
// a part's) as media types, children in parentheses:
// "multipart/mixed(multipart/alternative(text/plain text/html) application/ics)".
func Tree(t testing.TB, h map[string][]string, body io.Reader) string {
	t.Helper()
	var ct string
	if v := h["Content-Type"]; len(v) > 0 {
		ct = v[0]
	}
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil {
		t.Fatalf("Content-Type %q: %v", ct, err)
	}
	if !strings.HasPrefix(mediaType, "multipart/") {
		return mediaType
	}
	var kids []string
	r := multipart.NewReader(body, params["boundary"])
	for {
		p, err := r.NextRawPart()
		if err == io.EOF {
			return mediaType + "(" + strings.Join(kids, " ") + ")"
		}
		if err != nil {
			t.Fatalf("MIME: %v", err)
		}
		kids = append(kids, Tree(t, p.Header, p))
	}
}
