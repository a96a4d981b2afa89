package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cassidine/site/internal/mail/mailpittest"
	"github.com/cassidine/site/internal/store"
)

// Each wait in these tests is bounded by one of these.
const (
	startTimeout = 60 * time.Second // a process to be ready (serve's first build, Mailpit)
	stepTimeout  = 20 * time.Second // one browser step: a navigation, a query, a script
	mailTimeout  = 15 * time.Second // an email to reach Mailpit
)

// requireTool skips the test when a tool is missing, or fails it under
// CI=true, where .ci/run must have installed it.
func requireTool(t testing.TB, install string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal("missing under CI=true; " + install)
	}
	t.Skip(install)
}

// ---- the site: a copy of content/, layouts/ and static/ ----

// newSite copies the repository's content/, layouts/ and static/ into a
// temporary folder, so the tests can edit files and run the site there.
func newSite(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"content", "layouts", "static"} {
		copyTree(t, filepath.Join(repoRoot, d), filepath.Join(dir, d))
	}
	return dir
}

func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
}

// runSite runs the site command in dir and returns its output.
func runSite(t testing.TB, dir string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, siteBin, args...)
	cmd.Dir = dir
	cmd.Env = cleanEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("site %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// cleanEnv is the test's environment without the variables that would point
// site serve at a real database, mail server, secret or calendar.
func cleanEnv(extra ...string) []string {
	drop := map[string]bool{
		"DATABASE_URL": true, "NETLIFY_DB_URL": true, "NETLIFY_DATABASE_URL": true,
		"DATA_DIR": true, "SITE_SECRET": true, "SMTP_URL": true, "MAIL_FROM": true, "NOTIFY_EMAIL": true,
		"CALENDAR_URLS": true,
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !drop[k] {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// ---- site serve, as its own process ----

// server is a running `site serve`.
type server struct {
	URL     string // http://127.0.0.1:PORT/
	Origin  string // http://127.0.0.1:PORT
	Dir     string // the site folder it serves
	DataDir string // its DATA_DIR: site.db, site-secret, mail/
	logs    *syncBuffer
}

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var servingRE = regexp.MustCompile(`serving (http://127\.0\.0\.1:\d+/)`)

// startServe runs `site serve -addr 127.0.0.1:0` in dir with a fresh
// DATA_DIR and the extra environment, waits for its URL, and stops it
// (SIGINT) when the test ends. Its output is logged if the test fails.
func startServe(t testing.TB, dir string, env ...string) *server {
	t.Helper()
	s := &server{Dir: dir, DataDir: filepath.Join(t.TempDir(), "data"), logs: &syncBuffer{}}
	cmd := exec.Command(siteBin, "serve", "-addr", "127.0.0.1:0")
	cmd.Dir = dir
	cmd.Env = cleanEnv(append([]string{"DATA_DIR=" + s.DataDir}, env...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = s.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(s.logs, line)
			if m := servingRE.FindStringSubmatch(line); m != nil {
				select {
				case urls <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			t.Errorf("site serve did not stop within 5s of SIGINT")
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("site serve output:\n%s", s.logs)
		}
	})
	select {
	case u := <-urls:
		s.URL = u
		s.Origin = strings.TrimSuffix(u, "/")
	case <-exited:
		t.Fatalf("site serve exited before serving:\n%s", s.logs)
	case <-time.After(startTimeout):
		t.Fatalf("site serve printed no URL within %s:\n%s", startTimeout, s.logs)
	}
	return s
}

// get fetches a path from the server.
func (s *server) get(t testing.TB, path string) (int, string) {
	t.Helper()
	c := http.Client{Timeout: stepTimeout}
	resp, err := c.Get(s.Origin + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// openStore opens the server's SQLite store (WAL mode lets it be read while
// serve runs); it is closed when the test ends.
func (s *server) openStore(t testing.TB) store.Store {
	t.Helper()
	st, err := store.OpenSQLite(filepath.Join(s.DataDir, "site.db"))
	if err != nil {
		t.Fatalf("open the store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// bookings lists every booking in the server's store.
func (s *server) bookings(t testing.TB) []store.Booking {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	list, err := s.openStore(t).Bookings(ctx, time.Time{})
	if err != nil {
		t.Fatalf("list bookings: %v", err)
	}
	return list
}

// ---- data made over HTTP, for the pages that need a result or a booking ----

var (
	quizVersionRE = regexp.MustCompile(`name="v" value="([^"]+)"`)
	radioRE       = regexp.MustCompile(`<input type="?radio"? name="?([^" >]+)"? value="?([^" >]+)"?`)
)

// postQuiz answers the quiz over HTTP (every statement with the choice at
// index pick of its scale) and returns the stored result's id.
func (s *server) postQuiz(t testing.TB, pick int) string {
	t.Helper()
	_, page := s.get(t, "/quiz/")
	m := quizVersionRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the quiz page has no version field")
	}
	form := url.Values{"v": {m[1]}, "website": {""}}
	options := map[string][]string{}
	var names []string
	for _, r := range radioRE.FindAllStringSubmatch(page, -1) {
		if _, ok := options[r[1]]; !ok {
			names = append(names, r[1])
		}
		options[r[1]] = append(options[r[1]], r[2])
	}
	if len(names) == 0 {
		t.Fatal("the quiz page has no radio buttons")
	}
	for _, n := range names {
		form.Set(n, options[n][min(pick, len(options[n])-1)])
	}
	var out struct{ ID string }
	s.postJSON(t, "/api/quiz", form, http.StatusCreated, &out)
	return out.ID
}

// slots returns the free slots' starts (RFC 3339, UTC).
func (s *server) slots(t testing.TB) []string {
	t.Helper()
	code, body := s.get(t, "/api/slots")
	if code != http.StatusOK {
		t.Fatalf("GET /api/slots: %d %s", code, body)
	}
	var out struct {
		Slots []struct{ Start string }
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	var starts []string
	for _, sl := range out.Slots {
		starts = append(starts, sl.Start)
	}
	if len(starts) == 0 {
		t.Fatal("no free slots")
	}
	return starts
}

// postBooking books the slot over HTTP and returns the booking's page (its
// signed /api/book/done link).
func (s *server) postBooking(t testing.TB, slot, result string) string {
	t.Helper()
	form := url.Values{"name": {"Ada Tester"}, "email": {"ada@example.com"}, "consent": {"yes"},
		"slot": {slot}, "result": {result}, "tz": {"Europe/Berlin"}, "website": {""}}
	var out struct{ URL string }
	s.postJSON(t, "/api/book", form, http.StatusCreated, &out)
	return out.URL
}

func (s *server) postJSON(t testing.TB, path string, form url.Values, want int, into any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.Origin+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	c := http.Client{Timeout: stepTimeout}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("POST %s: got %d, want %d: %s", path, resp.StatusCode, want, body)
	}
	if err := json.Unmarshal(body, into); err != nil {
		t.Fatalf("POST %s: %v: %s", path, err, body)
	}
}

// ---- Mailpit ----

// mailpit is a Mailpit server on free loopback ports, stopped when the test
// ends, with what these tests read from it.
type mailpit struct {
	*mailpittest.Server
	t testing.TB
}

func startMailpit(t testing.TB) *mailpit {
	t.Helper()
	return &mailpit{mailpittest.Start(t), t}
}

// env is what site serve needs to send through this Mailpit.
func (mp *mailpit) env() []string {
	return []string{
		"SMTP_URL=" + mp.SMTPURL(),
		"MAIL_FROM=Cassidine Consulting <bookings@cassidine.example>",
		"NOTIFY_EMAIL=consultant@cassidine.example",
	}
}

const consultantEmail = "consultant@cassidine.example"

// waitFor polls until a message to the address whose subject starts with
// prefix has arrived, and returns it.
func (mp *mailpit) waitFor(to, prefix string) mailpittest.Message {
	mp.t.Helper()
	deadline := time.Now().Add(mailTimeout)
	for {
		var seen []string
		for _, s := range mp.Messages() {
			seen = append(seen, fmt.Sprintf("%q to %v", s.Subject, s.To))
			if strings.HasPrefix(s.Subject, prefix) && len(s.To) > 0 && s.To[0].Address == to {
				return mp.Message(s.ID)
			}
		}
		if time.Now().After(deadline) {
			mp.t.Fatalf("no email to %s with a subject starting %q within %s; Mailpit has %d: %s\nmailpit log:\n%s",
				to, prefix, mailTimeout, len(seen), strings.Join(seen, "; "), mp.Logs())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// invite returns the message's invite.ics, or fails.
func (mp *mailpit) invite(m mailpittest.Message) string {
	mp.t.Helper()
	for _, a := range m.Attachments {
		if a.FileName == "invite.ics" {
			return string(mp.Part(m.ID, a.PartID))
		}
	}
	mp.t.Fatalf("email %q has no invite.ics; attachments: %+v", m.Subject, m.Attachments)
	return ""
}
