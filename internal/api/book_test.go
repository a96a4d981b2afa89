package api_test

// Tests of consultation booking through the function's handler: GET
// /api/slots, GET and POST /api/book, the done page, cancel and reschedule.
// They run over the real site files (content/site.toml's [booking] rules,
// the real layouts), a real store (SQLite in a temporary folder, and
// Postgres from TEST_DATABASE_URL where it matters), a FileSender writing
// .eml files, and a fixed clock. Every helper here is prefixed bk so it
// cannot clash with the quiz tests' helpers in the same package.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"mime"
	"net/http"
	"net/http/httptest"
	netmail "net/mail"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"golang.org/x/net/html"

	"github.com/cassidine/site/internal/api"
	"github.com/cassidine/site/internal/headers"
	"github.com/cassidine/site/internal/mail"
	"github.com/cassidine/site/internal/mail/mailpittest"
	"github.com/cassidine/site/internal/quiz"
	"github.com/cassidine/site/internal/store"
	"github.com/cassidine/site/internal/store/storetest"
	"github.com/cassidine/site/internal/theme"
	"github.com/cassidine/site/internal/theme/emailtest"
)

// ---------------------------------------------------------------------------
// The clock, the calendar and the site's booking settings, as the tests
// expect them (written out here, not computed with package booking, so the
// tests are an independent check of it).

// bkChicago is the consultant's zone (site.toml booking.timeZone).
var bkChicago, _ = time.LoadLocation("America/Chicago")

// bkMonday is the handler's clock unless a test moves it: Monday
// 7 December 2026, 08:00 in Chicago (14:00 UTC, the start of an hour
// window for the rate limits). With 24 hours' notice the first free time is
// Tuesday 8 December, 09:00; with a 30-day horizon the last day is
// Tuesday 5 January 2027; 24, 25 and 31 December and 1 January are blocked.
var bkMonday = time.Date(2026, time.December, 7, 8, 0, 0, 0, bkChicago)

// bkDec is a wall time in Chicago on a day of December 2026.
func bkDec(day, hour, minute int) time.Time {
	return time.Date(2026, time.December, day, hour, minute, 0, 0, bkChicago)
}

// bkHours is the grid of start times of site.toml's [booking.hours]:
// 30-minute slots every 45 minutes (15 minutes' buffer) in each window.
var bkHours = map[time.Weekday][]string{
	time.Monday:    {"09:00", "09:45", "10:30", "11:15", "13:00", "13:45", "14:30", "15:15", "16:00"},
	time.Tuesday:   {"09:00", "09:45", "10:30", "11:15", "13:00", "13:45", "14:30", "15:15", "16:00"},
	time.Wednesday: {"09:00", "09:45", "10:30", "11:15"},
	time.Thursday:  {"09:00", "09:45", "10:30", "11:15", "13:00", "13:45", "14:30", "15:15", "16:00"},
	time.Friday:    {"09:00", "09:45", "10:30", "11:15"},
}

var bkBlocked = map[string]bool{"2026-12-24": true, "2026-12-25": true, "2026-12-31": true, "2027-01-01": true}

// bkExpectedSlots lists the free starts at now with no bookings: the grid
// on the 30 local days from now's, minus blocked days, from now+24h.
func bkExpectedSlots(now time.Time) []time.Time {
	y, m, d := now.In(bkChicago).Date()
	var out []time.Time
	for i := range 30 {
		day := time.Date(y, m, d+i, 0, 0, 0, 0, bkChicago)
		if bkBlocked[day.Format(time.DateOnly)] {
			continue
		}
		for _, hm := range bkHours[day.Weekday()] {
			hh, _ := strconv.Atoi(hm[:2])
			mm, _ := strconv.Atoi(hm[3:])
			s := time.Date(y, m, d+i, hh, mm, 0, 0, bkChicago)
			if !s.Before(now.Add(24 * time.Hour)) {
				out = append(out, s.UTC())
			}
		}
	}
	return out
}

// site.toml's lists, and the form's messages at a field.
var (
	bkChallenges = []string{
		"Revenue is growing faster than operational capacity",
		"Leadership spends more time fighting fires than executing strategy",
		"Departments are becoming increasingly disconnected",
		"Customer experience is becoming inconsistent",
		"Key employees are burning out or leaving",
		"Major technology investments are not producing expected results",
		"The CEO remains the primary problem solver for the organization",
		"Strategic initiatives consistently stall before completion",
	}
	bkSizes = []string{"1-10 people", "11-50 people", "51-200 people", "201-500 people", "More than 500 people"}
)

const (
	bkSecret   = "booking-tests-secret-0123456789abcdef-0123456789"
	bkNotify   = "consultant@cassidine.example"
	bkPractice = "hello@cassidineconsulting.com" // site.toml's email: the practice organises the sessions
	bkMailFrom = "Cassidine Consulting <bookings@cassidine.example>"
	bkHost     = "cassidineconsulting.com" // site.toml's baseURL: invites' UIDs are <id>@ it
	bkBaseURL  = "https://cassidineconsulting.com"
	bkFormType = "application/x-www-form-urlencoded"

	bkMsgTaken    = "Someone has just booked that time. Please choose another; the next free times are listed."
	bkMsgTooSoon  = "That time is too soon to book. Please choose a later one."
	bkMsgNotThere = "That time is not available. Please choose one of the times listed."
	bkMsgChoose   = "Choose one of the times below."
	bkMsgEmail    = "Enter an address like name@company.com."
	bkMsgOneLine  = "Enter this on one line."
)

// bkClock is the handler's clock, moved by tests.
type bkClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *bkClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *bkClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// ---------------------------------------------------------------------------
// The fixture.

// bkTheme is the site's real look, loaded once: a Theme serves any number
// of handlers and requests.
var bkTheme = sync.OnceValues(func() (*theme.Theme, error) {
	return theme.Load(theme.FromRoot(os.DirFS("../..")), "")
})

// bkFixture is the handler over the real site, a real store, a
// FileSender (or the sender a test gives) and a clock of its own.
type bkFixture struct {
	h       http.Handler
	fn      *api.Function // h, with its hourly work and the consultant's commands
	st      store.Store
	path    string // the SQLite file; "" for another store
	clock   *bkClock
	mailDir string // the FileSender's folder
	sender  mail.Sender
	quiz    *quiz.Quiz
	quizVer string
	ips     atomic.Uint32
}

type bkSetup struct {
	st     store.Store
	sender mail.Sender
	quiet  bool
	budget time.Duration
	deps   []func(*api.Deps)
	theme  *theme.Theme
	noMail bool
}

type bkOption func(*bkSetup)

// bkWithStore uses st (closed by whoever opened it).
func bkWithStore(st store.Store) bkOption { return func(s *bkSetup) { s.st = st } }

// bkWithSender sends with s instead of a FileSender.
func bkWithSender(m mail.Sender) bkOption { return func(s *bkSetup) { s.sender = m } }

// bkWithBudget gives each request at most d (api.Deps.Budget).
func bkWithBudget(d time.Duration) bkOption { return func(s *bkSetup) { s.budget = d } }

// bkWithDeps changes the handler's dependencies with d before it is made.
func bkWithDeps(d func(*api.Deps)) bkOption { return func(s *bkSetup) { s.deps = append(s.deps, d) } }

// bkWithTheme serves th instead of the real site's theme.
func bkWithTheme(th *theme.Theme) bkOption { return func(s *bkSetup) { s.theme = th } }

// bkQuiet discards the handler's log (for the fuzz test, whose F must not
// log from the fuzz function).
func bkQuiet(s *bkSetup) { s.quiet = true }

func newBkFixture(t testing.TB, opts ...bkOption) *bkFixture {
	t.Helper()
	sh, err := bkTheme()
	if err != nil {
		t.Fatalf("theme.Load over the real site: %v", err)
	}
	var s bkSetup
	for _, o := range opts {
		o(&s)
	}
	if s.theme != nil {
		sh = s.theme
	}
	if sh.Rules() == nil {
		t.Fatal("content/site.toml has no [booking] table: the site takes no bookings")
	}
	f := &bkFixture{clock: &bkClock{now: bkMonday}, mailDir: filepath.Join(t.TempDir(), "mail")}
	f.quiz, f.quizVer = sh.Site().Quiz, sh.Site().QuizVer
	f.st = s.st
	if f.st == nil {
		f.path = filepath.Join(t.TempDir(), "site.db")
		st, err := store.OpenSQLite(f.path)
		if err != nil {
			t.Fatalf("OpenSQLite: %v", err)
		}
		t.Cleanup(func() { st.Close() })
		f.st = st
	}
	f.sender = s.sender
	if f.sender == nil && !s.noMail {
		f.sender = &mail.FileSender{Dir: f.mailDir}
	}
	log := slog.New(slog.DiscardHandler)
	if !s.quiet {
		log = slog.New(slog.NewTextHandler(bkLogWriter{t}, nil))
	}
	d := api.Deps{
		Store: f.st, Theme: sh, Mail: f.sender, Secret: []byte(bkSecret),
		NotifyEmail: bkNotify, MailFrom: bkMailFrom, Now: f.clock.Now, Log: log, Budget: s.budget,
	}
	for _, change := range s.deps {
		change(&d)
	}
	f.fn = api.New(d)
	f.h = f.fn
	return f
}

// newBkPostgresFixture is a fixture over a fresh schema of the Postgres
// database at TEST_DATABASE_URL (skipped when unset, failed under CI=true).
func newBkPostgresFixture(t testing.TB) *bkFixture {
	t.Helper()
	st := storetest.MustOpen(t, storetest.Postgres(t))
	return newBkFixture(t, bkWithStore(st))
}

type bkLogWriter struct{ t testing.TB }

func (w bkLogWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// bkResponse is a recorded response.
type bkResponse struct {
	Status int
	Header http.Header
	Body   string
}

func (r bkResponse) String() string {
	return fmt.Sprintf("%d %s\n%s", r.Status, r.Header.Get("Content-Type"), bkSummary(r.Body))
}

// nextIP is a client address no other request of the fixture used, so the
// per-address rate limit stays out of the way unless a test wants it.
func (f *bkFixture) nextIP() string {
	n := f.ips.Add(1)
	return fmt.Sprintf("10.%d.%d.%d:40000", n>>16&255, n>>8&255, n&255)
}

// serve runs r through the handler. Every response must carry the site's
// security headers and Cache-Control: no-store, whatever its status.
func (f *bkFixture) serve(t testing.TB, r *http.Request) bkResponse {
	t.Helper()
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	res := w.Result()
	body, _ := io.ReadAll(res.Body)
	out := bkResponse{Status: res.StatusCode, Header: res.Header, Body: string(body)}
	bkWantHeaders(t, r.Method+" "+r.URL.RequestURI(), out)
	return out
}

// bkWantHeaders fails unless res has every security header and no-store.
func bkWantHeaders(t testing.TB, what string, res bkResponse) {
	t.Helper()
	for _, kv := range headers.Security {
		if got := res.Header.Get(kv[0]); got != kv[1] {
			t.Errorf("%s (%d): %s got %q, want %q", what, res.Status, kv[0], got, kv[1])
		}
	}
	if got := res.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("%s (%d): Cache-Control got %q, want no-store", what, res.Status, got)
	}
}

func (f *bkFixture) get(t testing.TB, path string, mods ...func(*http.Request)) bkResponse {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.RemoteAddr = f.nextIP()
	for _, m := range mods {
		m(r)
	}
	return f.serve(t, r)
}

func (f *bkFixture) send(t testing.TB, method, path, ctype, body string, mods ...func(*http.Request)) bkResponse {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	r.RemoteAddr = f.nextIP()
	for _, m := range mods {
		m(r)
	}
	return f.serve(t, r)
}

func (f *bkFixture) post(t testing.TB, path string, v url.Values, mods ...func(*http.Request)) bkResponse {
	t.Helper()
	return f.send(t, http.MethodPost, path, bkFormType, v.Encode(), mods...)
}

// bkAcceptJSON asks for JSON, as the page's script does.
func bkAcceptJSON(r *http.Request) { r.Header.Set("Accept", "application/json") }

// bkFromIP sends the request from ip.
func bkFromIP(ip string) func(*http.Request) {
	return func(r *http.Request) { r.RemoteAddr = ip + ":5555" }
}

// bkCtx gives the request a context.
func bkCtx(ctx context.Context) func(*http.Request) {
	return func(r *http.Request) { *r = *r.WithContext(ctx) }
}

// bkSlotValue is a start as the form sends it.
func bkSlotValue(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// bkValues is a complete, valid booking form for the slot at start.
func bkValues(start time.Time, email string) url.Values {
	v := url.Values{}
	v.Set("name", "Ada Lovelace")
	v.Set("email", email)
	v.Set("company", "Analytical Engines Ltd")
	v.Set("role", "Chief Operating Officer")
	v.Set("size", "11-50 people")
	v["challenges"] = []string{bkChallenges[0], bkChallenges[2]}
	v.Set("message", "We grew from 20 to 60 people this year.\nHiring is outpacing our processes.")
	v.Set("consent", "yes")
	v.Set("slot", bkSlotValue(start))
	v.Set("tz", "Europe/London")
	v.Set("result", "")
	v.Set("website", "")
	return v
}

// bkWith returns a copy of v with key set to vals (none: deleted).
func bkWith(v url.Values, key string, vals ...string) url.Values {
	c := url.Values{}
	for k, vs := range v {
		c[k] = slices.Clone(vs)
	}
	if len(vals) == 0 {
		c.Del(key)
	} else {
		c[key] = vals
	}
	return c
}

// book posts v and returns the booking's id and the done page's link,
// failing unless the handler redirected there.
func (f *bkFixture) book(t testing.TB, v url.Values, mods ...func(*http.Request)) (id, done string) {
	t.Helper()
	res := f.post(t, "/api/book", v, mods...)
	if res.Status != http.StatusSeeOther {
		t.Fatalf("POST /api/book: got %s; want 303", res)
	}
	return bkDoneLink(t, res.Header.Get("Location"))
}

// bkDoneLink checks a link to the done page and returns its booking id.
func bkDoneLink(t testing.TB, loc string) (id, link string) {
	t.Helper()
	u, err := url.Parse(loc)
	if err != nil || u.Path != "/api/book/done" || u.Query().Get("t") == "" || !store.ValidID(u.Query().Get("b")) {
		t.Fatalf("Location: got %q, want /api/book/done?b=<id>&t=<token>", loc)
	}
	return u.Query().Get("b"), loc
}

// bkManage is a booking's signed link for another page: the done link's
// query on path.
func bkManage(done, path string) string {
	_, q, _ := strings.Cut(done, "?")
	return path + "?" + q
}

// bkToken is the t of a signed link.
func bkToken(link string) string {
	u, _ := url.Parse(link)
	return u.Query().Get("t")
}

// quizResult scores a quiz through the handler (answers i%5) and returns
// the stored result's id and its score as the quiz computes it.
func (f *bkFixture) quizResult(t testing.TB) (string, quiz.Result) {
	t.Helper()
	if f.quiz == nil {
		t.Fatal("the site has no quiz")
	}
	v := url.Values{}
	answers := quiz.Answers{}
	for i, q := range f.quiz.Questions {
		v.Set(quiz.FieldName(i), strconv.Itoa(i%5))
		answers[q.ID] = i % 5
	}
	v.Set("v", f.quizVer)
	v.Set("website", "")
	res := f.post(t, "/api/quiz", v)
	rest, ok := strings.CutPrefix(res.Header.Get("Location"), "/quiz/result/")
	id := strings.TrimSuffix(rest, "/")
	if res.Status != http.StatusSeeOther || !ok || !store.ValidID(id) {
		t.Fatalf("POST /api/quiz: got %s, Location %q; want 303 to a result", res, res.Header.Get("Location"))
	}
	return id, f.quiz.Score(answers)
}

// The store's rows.

func (f *bkFixture) bookings(t testing.TB) []store.Booking {
	t.Helper()
	bs, err := f.st.Bookings(context.Background(), time.Time{})
	if err != nil {
		t.Fatalf("Bookings: %v", err)
	}
	return bs
}

func (f *bkFixture) booking(t testing.TB, id string) *store.Booking {
	t.Helper()
	b, err := f.st.Booking(context.Background(), id)
	if err != nil {
		t.Fatalf("Booking %s: %v", id, err)
	}
	return b
}

// outbox lists every message, sent or not.
func (f *bkFixture) outbox(t testing.TB) []store.OutboxMessage {
	t.Helper()
	ms, err := f.st.Outbox(context.Background(), true)
	if err != nil {
		t.Fatalf("Outbox: %v", err)
	}
	return ms
}

// wantNothingStored fails if any booking or outbox message exists, or any
// email was written.
func (f *bkFixture) wantNothingStored(t testing.TB) {
	t.Helper()
	if bs := f.bookings(t); len(bs) != 0 {
		t.Errorf("bookings: got %d, want none: %+v", len(bs), bs)
	}
	if ms := f.outbox(t); len(ms) != 0 {
		t.Errorf("outbox: got %d messages, want none", len(ms))
	}
	if files := f.emlFiles(t); len(files) != 0 {
		t.Errorf("emails written: got %d, want none: %q", len(files), files)
	}
}

// bkOutboxKind returns the messages of one kind.
func bkOutboxKind(ms []store.OutboxMessage, kind string) []store.OutboxMessage {
	var out []store.OutboxMessage
	for _, m := range ms {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

// bkOne returns the single message of kind, failing unless there is
// exactly one.
func bkOne(t testing.TB, ms []store.OutboxMessage, kind string) (store.OutboxMessage, mail.Message) {
	t.Helper()
	got := bkOutboxKind(ms, kind)
	if len(got) != 1 {
		var kinds []string
		for _, m := range ms {
			kinds = append(kinds, m.Kind)
		}
		t.Fatalf("outbox: got %d %q messages, want 1; kinds: %q", len(got), kind, kinds)
	}
	m, err := mail.Decode(got[0].Payload)
	if err != nil {
		t.Fatalf("outbox %q payload: %v", kind, err)
	}
	return got[0], m
}

// ---------------------------------------------------------------------------
// Emails: the FileSender's .eml files, MIME and iCalendar.

func (f *bkFixture) emlFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(f.mailDir, "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// bkMail is a parsed email.
type bkMail struct {
	Header  netmail.Header
	Subject string
	To      []*netmail.Address
	Parts   []bkPart
}

// bkPart is one leaf of a MIME tree, its body decoded.
type bkPart = mailpittest.Part

func (m bkMail) part(mediaType string) (bkPart, bool) {
	for _, p := range m.Parts {
		if p.MediaType == mediaType {
			return p, true
		}
	}
	return bkPart{}, false
}

func (m bkMail) types() []string {
	var s []string
	for _, p := range m.Parts {
		s = append(s, p.MediaType)
	}
	return s
}

func (m bkMail) to() string {
	if len(m.To) != 1 {
		return fmt.Sprint(m.To)
	}
	return m.To[0].Address
}

// bkReadMail parses a raw message.
func bkReadMail(t testing.TB, raw []byte) bkMail {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse email: %v\n%s", err, raw)
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("Subject: %v", err)
	}
	to, err := msg.Header.AddressList("To")
	if err != nil {
		t.Fatalf("To: %v", err)
	}
	return bkMail{Header: msg.Header, Subject: subject, To: to, Parts: mailpittest.Parts(t, msg.Header, msg.Body)}
}

// emails reads every .eml file the FileSender wrote, by recipient.
func (f *bkFixture) emails(t testing.TB) map[string][]bkMail {
	t.Helper()
	out := map[string][]bkMail{}
	for _, file := range f.emlFiles(t) {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		m := bkReadMail(t, raw)
		out[m.to()] = append(out[m.to()], m)
	}
	return out
}

// bkInvite is an iCalendar object as golang-ical reads it.
type bkInvite struct {
	Method, UID, Status  string
	Sequence             int
	DTStart, DTEnd       string // as written
	Start, End           time.Time
	Attendee, Organizer  string
	Summary, Description string
}

// bkParseICS parses an invite as a calendar client would and checks its
// line ends: CRLF everywhere, no bare CR or LF.
func bkParseICS(t testing.TB, b []byte) bkInvite {
	t.Helper()
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Errorf("ICS: does not end in CRLF")
	}
	for i, line := range strings.SplitAfter(string(b), "\r\n") {
		body := strings.TrimSuffix(line, "\r\n")
		if strings.ContainsAny(body, "\r\n") {
			t.Errorf("ICS line %d %q: a bare CR or LF", i+1, body)
		}
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("parse ICS: %v\n%s", err, b)
	}
	var inv bkInvite
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == string(ics.PropertyMethod) {
			inv.Method = p.Value
		}
	}
	events := cal.Events()
	if len(events) != 1 {
		t.Fatalf("ICS: got %d events, want 1\n%s", len(events), b)
	}
	ev := events[0]
	inv.UID = ev.Id()
	value := func(cp ics.ComponentProperty) string {
		if p := ev.GetProperty(cp); p != nil {
			return p.Value
		}
		return ""
	}
	inv.Status, inv.DTStart, inv.DTEnd = value(ics.ComponentPropertyStatus), value(ics.ComponentPropertyDtStart), value(ics.ComponentPropertyDtEnd)
	inv.Summary, inv.Description = value(ics.ComponentPropertySummary), value(ics.ComponentPropertyDescription)
	inv.Organizer = strings.TrimPrefix(strings.ToLower(value(ics.ComponentPropertyOrganizer)), "mailto:")
	if inv.Sequence, err = strconv.Atoi(value(ics.ComponentPropertySequence)); err != nil {
		t.Errorf("ICS SEQUENCE %q: %v", value(ics.ComponentPropertySequence), err)
	}
	if inv.Start, err = ev.GetStartAt(); err != nil {
		t.Errorf("ICS DTSTART: %v", err)
	}
	if inv.End, err = ev.GetEndAt(); err != nil {
		t.Errorf("ICS DTEND: %v", err)
	}
	if as := ev.Attendees(); len(as) == 1 {
		inv.Attendee = as[0].Email()
	} else {
		t.Errorf("ICS: got %d attendees, want 1", len(as))
	}
	return inv
}

// bkICS renders a queued message's invite and parses it.
func bkICS(t testing.TB, m mail.Message) bkInvite {
	t.Helper()
	if m.Invite == nil {
		t.Fatalf("message %q has no invite", m.Subject)
	}
	b, err := mail.ICS(*m.Invite)
	if err != nil {
		t.Fatalf("ICS: %v", err)
	}
	return bkParseICS(t, b)
}

// bkWantInvite checks an invite against the booking it is about.
func bkWantInvite(t testing.TB, what string, inv bkInvite, b *store.Booking, method string, seq int) {
	t.Helper()
	if inv.Method != method {
		t.Errorf("%s: METHOD got %q, want %q", what, inv.Method, method)
	}
	if want := b.ID + "@" + bkHost; inv.UID != want {
		t.Errorf("%s: UID got %q, want %q", what, inv.UID, want)
	}
	if inv.Sequence != seq {
		t.Errorf("%s: SEQUENCE got %d, want %d", what, inv.Sequence, seq)
	}
	if want := b.Start.UTC().Format("20060102T150405Z"); inv.DTStart != want {
		t.Errorf("%s: DTSTART got %q, want %q (UTC)", what, inv.DTStart, want)
	}
	if want := b.End.UTC().Format("20060102T150405Z"); inv.DTEnd != want {
		t.Errorf("%s: DTEND got %q, want %q (UTC)", what, inv.DTEnd, want)
	}
	if !inv.Start.Equal(b.Start) || !inv.End.Equal(b.End) {
		t.Errorf("%s: times got %v–%v, want %v–%v", what, inv.Start, inv.End, b.Start, b.End)
	}
	wantStatus := "CONFIRMED"
	if method == "CANCEL" {
		wantStatus = "CANCELLED"
	}
	if inv.Status != wantStatus {
		t.Errorf("%s: STATUS got %q, want %q", what, inv.Status, wantStatus)
	}
	if inv.Attendee != b.Email {
		t.Errorf("%s: attendee got %q, want %q", what, inv.Attendee, b.Email)
	}
	if inv.Organizer != bkPractice {
		t.Errorf("%s: organizer got %q, want the practice, %q", what, inv.Organizer, bkPractice)
	}
}

// bkWantEmailInvite checks an email carries its invite twice, as calendar
// clients need it: a text/calendar alternative with the method, and an
// invite.ics attachment; it returns the attachment parsed.
func bkWantEmailInvite(t testing.TB, m bkMail, method string) bkInvite {
	t.Helper()
	cal, ok := m.part("text/calendar")
	if !ok {
		t.Fatalf("email %q: parts %q, want a text/calendar alternative", m.Subject, m.types())
	}
	if cal.Params["method"] != method {
		t.Errorf("email %q: text/calendar method=%q, want %q", m.Subject, cal.Params["method"], method)
	}
	att, ok := m.part("application/ics")
	if !ok || att.FileName != mail.InviteFileName {
		t.Fatalf("email %q: parts %q, want an application/ics %s attachment", m.Subject, m.types(), mail.InviteFileName)
	}
	if !bytes.Equal(att.Body, cal.Body) {
		t.Errorf("email %q: the attachment and the calendar alternative differ", m.Subject)
	}
	return bkParseICS(t, att.Body)
}

// ---------------------------------------------------------------------------
// Pages.

func bkDoc(t testing.TB, body string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse page: %v", err)
	}
	return doc
}

func bkFindAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && match(d) {
			out = append(out, d)
		}
	}
	return out
}

func bkFind(n *html.Node, match func(*html.Node) bool) *html.Node {
	if n == nil {
		return nil
	}
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && match(d) {
			return d
		}
	}
	return nil
}

// bkText is the text under n, runs of space collapsed.
func bkText(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// bkSummary shortens a body for a failure message.
func bkSummary(body string) string {
	if strings.HasPrefix(strings.ToLower(body), "<!doctype") {
		if doc, err := html.Parse(strings.NewReader(body)); err == nil {
			s := "[page] h1: " + bkText(bkFind(doc, tag("h1")))
			if e := bkFind(doc, tag("", "id", "form-errors")); e != nil {
				s += " | form-errors: " + bkText(e)
			}
			for _, e := range bkFindAll(doc, tag("", "class", "field-error")) {
				s += " | " + attr1(e, "id") + ": " + bkText(e)
			}
			return s
		}
	}
	if len(body) > 600 {
		return body[:600] + "…"
	}
	return body
}

// bkPage is what a booking form page shows.
type bkPage struct {
	Doc        *html.Node
	H1         string
	Action     string
	Name       string // the text fields' values
	Email      string
	Company    string
	Role       string
	Message    string
	Size       string // the selected option
	Consent    bool
	Challenges []string // ticked
	TZ         string
	Result     string
	B, T       string            // rescheduling: the booking and its token
	Slots      []string          // every offered time's value
	Labels     map[string]string // value → label
	Days       []string          // the day headings
	Checked    string            // the checked time
	Errors     map[string]string // field → message shown at it
	Summary    string            // the form-errors box
	Next       []string          // "the next free times"
	Honeypot   bool
}

// bkFormPage reads a booking form page, failing if it is not one.
func bkFormPage(t testing.TB, body string) bkPage {
	t.Helper()
	doc := bkDoc(t, body)
	form := bkFind(doc, tag("form", "class", "book-form"))
	if form == nil {
		t.Fatalf("no booking form on the page: %s", bkSummary(body))
	}
	p := bkPage{Doc: doc, H1: bkText(bkFind(doc, tag("h1"))), Action: attr1(form, "action"), Labels: map[string]string{}, Errors: map[string]string{}}
	input := func(name string) string { return attr1(bkFind(form, tag("input", "name", name)), "value") }
	p.Name, p.Email, p.Company, p.Role = input("name"), input("email"), input("company"), input("role")
	p.TZ, p.Result, p.B, p.T = input("tz"), input("result"), input("b"), input("t")
	p.Honeypot = bkFind(form, tag("input", "name", "website")) != nil
	if ta := bkFind(form, tag("textarea", "name", "message")); ta != nil && ta.FirstChild != nil {
		p.Message = ta.FirstChild.Data
	}
	if opt := bkFind(form, func(n *html.Node) bool {
		_, sel := attr(n, "selected")
		return n.Data == "option" && sel
	}); opt != nil {
		p.Size = bkText(opt)
	}
	_, p.Consent = attr(bkFind(form, tag("input", "name", "consent")), "checked")
	for _, c := range bkFindAll(form, tag("input", "name", "challenges")) {
		if _, ok := attr(c, "checked"); ok {
			p.Challenges = append(p.Challenges, attr1(c, "value"))
		}
	}
	for _, r := range bkFindAll(form, tag("input", "name", "slot", "type", "radio")) {
		v := attr1(r, "value")
		p.Slots = append(p.Slots, v)
		p.Labels[v] = bkText(r.Parent)
		if _, ok := attr(r, "checked"); ok {
			p.Checked = v
		}
	}
	for _, h := range bkFindAll(form, tag("h3")) {
		p.Days = append(p.Days, bkText(h))
	}
	for _, e := range bkFindAll(doc, tag("", "class", "field-error")) {
		p.Errors[strings.TrimPrefix(attr1(e, "id"), "e-")] = bkText(e)
	}
	if box := bkFind(doc, tag("", "id", "form-errors")); box != nil {
		p.Summary = bkText(box)
		for _, para := range bkFindAll(box, tag("p")) {
			if bkText(para) == "The next free times:" {
				for ul := para.NextSibling; ul != nil; ul = ul.NextSibling {
					if ul.Type == html.ElementNode && ul.Data == "ul" {
						for _, li := range bkFindAll(ul, tag("li")) {
							p.Next = append(p.Next, bkText(li))
						}
						break
					}
				}
			}
		}
	}
	return p
}

// wantValuesKept fails unless the page shows v's values back.
func (p bkPage) wantValuesKept(t testing.TB, v url.Values) {
	t.Helper()
	// The form can only show a size or a statement it lists.
	size := v.Get("size")
	if !slices.Contains(bkSizes, size) {
		size = ""
	}
	listed := slices.DeleteFunc(slices.Clone(v["challenges"]), func(c string) bool { return !slices.Contains(bkChallenges, c) })
	for _, c := range []struct{ field, got string }{
		{"name", p.Name}, {"email", p.Email}, {"company", p.Company}, {"role", p.Role}, {"tz", p.TZ}, {"size", p.Size},
	} {
		if c.field == "size" {
			if c.got != size {
				t.Errorf("the form's size: got %q, want %q kept", c.got, size)
			}
			continue
		}
		// The HTML parser reads CR LF and CR in an attribute as LF.
		if want := bkLF(strings.TrimSpace(v.Get(c.field))); c.got != want {
			t.Errorf("the form's %s: got %q, want %q kept", c.field, c.got, want)
		}
	}
	if got, want := bkLF(p.Message), bkLF(strings.TrimSpace(v.Get("message"))); got != want && strings.TrimPrefix(got, "\n") != want {
		t.Errorf("the form's message: got %q, want %q kept", got, want)
	}
	if want := v.Get("consent") == "yes"; p.Consent != want {
		t.Errorf("the form's consent: checked %v, want %v", p.Consent, want)
	}
	if !slices.Equal(p.Challenges, listed) && !(len(p.Challenges) == 0 && len(listed) == 0) {
		t.Errorf("the form's challenges: got %q, want %q ticked", p.Challenges, listed)
	}
	if want := v.Get("result"); want != "" && p.Result != want {
		t.Errorf("the form's result: got %q, want %q kept", p.Result, want)
	}
	if !p.Honeypot {
		t.Error("the form has no honeypot field")
	}
}

// bkLF turns CR LF and lone CR into LF, as HTML parsing does.
func bkLF(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// bkLabel is how the form labels a time: "9:00 AM CST (UTC−06:00)".
func bkLabel(t time.Time) string {
	l := t.In(bkChicago)
	off := strings.Replace(l.Format("-07:00"), "-", "−", 1)
	return l.Format("3:04 PM MST") + " (UTC" + off + ")"
}

// ---------------------------------------------------------------------------
// A fixture sanity check, then the tests.

func TestBookFixtureClock(t *testing.T) {
	if bkChicago == nil || bkMonday.Weekday() != time.Monday || bkMonday.UTC().Hour() != 14 || bkMonday.UTC().Minute() != 0 {
		t.Fatalf("the tests' clock is wrong: %v", bkMonday)
	}
	if got := bkExpectedSlots(bkMonday); len(got) == 0 || !got[0].Equal(bkDec(8, 9, 0)) {
		t.Fatalf("expected slots start %v, want Tuesday 8 December 09:00", got[:1])
	}
}

// bkSlotsJSON is GET /api/slots, times as sent.
type bkSlotsJSON struct {
	TimeZone string `json:"timeZone"`
	Slots    []struct {
		Start      string `json:"start"`
		End        string `json:"end"`
		LocalStart string `json:"localStart"`
		LocalEnd   string `json:"localEnd"`
	} `json:"slots"`
}

func (f *bkFixture) slots(t testing.TB, path string) bkSlotsJSON {
	t.Helper()
	res := f.get(t, path)
	if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET %s: got %s; want 200 JSON", path, res)
	}
	var v bkSlotsJSON
	if err := json.Unmarshal([]byte(res.Body), &v); err != nil {
		t.Fatalf("GET %s: %v\n%s", path, err, res.Body)
	}
	return v
}

func (s bkSlotsJSON) starts() []string {
	var out []string
	for _, sl := range s.Slots {
		out = append(out, sl.Start)
	}
	return out
}

func bkValuesOf(ts []time.Time) []string {
	var out []string
	for _, t := range ts {
		out = append(out, bkSlotValue(t))
	}
	return out
}

// bkWithout returns values without the ones in drop.
func bkWithout(values []string, drop ...string) []string {
	return slices.DeleteFunc(slices.Clone(values), func(v string) bool { return slices.Contains(drop, v) })
}

// bkWantSameList compares two lists, naming the first difference.
func bkWantSameList(t testing.TB, what string, got, want []string) {
	t.Helper()
	if slices.Equal(got, want) {
		return
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Errorf("%s: item %d got %q, want %q (got %d items, want %d)", what, i, got[i], want[i], len(got), len(want))
			return
		}
	}
	t.Errorf("%s: got %d items, want %d; got %q…, want %q…", what, len(got), len(want), got[min(len(got), len(want)):], want[min(len(got), len(want)):])
}

// TestSlotsJSON: the free times as JSON, in UTC and in the consultant's
// zone with its offset, exactly the grid of site.toml from 24 hours ahead
// to the horizon, blocked days left out; a booking takes its time.
func TestSlotsJSON(t *testing.T) {
	f := newBkFixture(t)
	got := f.slots(t, "/api/slots")
	if got.TimeZone != "America/Chicago" {
		t.Errorf("timeZone: got %q, want America/Chicago", got.TimeZone)
	}
	want := bkValuesOf(bkExpectedSlots(bkMonday))
	bkWantSameList(t, "slots", got.starts(), want)
	if len(got.Slots) == 0 {
		t.Fatal("no slots")
	}
	first := got.Slots[0]
	if first.Start != "2026-12-08T15:00:00Z" || first.End != "2026-12-08T15:30:00Z" ||
		first.LocalStart != "2026-12-08T09:00:00-06:00" || first.LocalEnd != "2026-12-08T09:30:00-06:00" {
		t.Errorf("first slot: got %+v, want Tuesday 8 December 09:00–09:30 CST as 15:00Z–15:30Z", first)
	}
	last := got.Slots[len(got.Slots)-1]
	if last.LocalStart != "2027-01-05T16:00:00-06:00" {
		t.Errorf("last slot: got %+v, want Tuesday 5 January 2027 16:00 (the horizon's last day)", last)
	}
	for _, sl := range got.Slots {
		start, err1 := time.Parse(time.RFC3339, sl.Start)
		end, err2 := time.Parse(time.RFC3339, sl.End)
		ls, err3 := time.Parse(time.RFC3339, sl.LocalStart)
		le, err4 := time.Parse(time.RFC3339, sl.LocalEnd)
		if err := bkFirstErr(err1, err2, err3, err4); err != nil {
			t.Errorf("slot %+v: %v", sl, err)
			continue
		}
		if !strings.HasSuffix(sl.Start, "Z") || !strings.HasSuffix(sl.End, "Z") {
			t.Errorf("slot %+v: start and end must be UTC", sl)
		}
		if end.Sub(start) != 30*time.Minute || !ls.Equal(start) || !le.Equal(end) {
			t.Errorf("slot %+v: want 30 minutes, local times the same instants", sl)
		}
		if !strings.HasSuffix(sl.LocalStart, "-06:00") {
			t.Errorf("slot %+v: local start must carry Chicago's winter offset -06:00", sl)
		}
		if bkBlocked[ls.Format(time.DateOnly)] {
			t.Errorf("slot %+v is on a blocked day", sl)
		}
	}
	for _, p := range []string{"/slots", "/.netlify/functions/api/slots"} {
		bkWantSameList(t, "GET "+p, f.slots(t, p).starts(), want)
	}

	// A booking takes exactly its own time; the buffer keeps the grid's
	// neighbours (which start 15 minutes after it ends) free.
	taken := bkDec(8, 9, 45)
	f.book(t, bkValues(taken, "ada@example.com"))
	bkWantSameList(t, "slots after a booking", f.slots(t, "/api/slots").starts(), bkWithout(want, bkSlotValue(taken)))
}

func bkFirstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// TestSlotsAcrossDST: weeks that span the end of daylight saving time keep
// the wall-clock grid, and each time carries its own offset.
func TestSlotsAcrossDST(t *testing.T) {
	f := newBkFixture(t)
	now := time.Date(2026, time.October, 26, 8, 0, 0, 0, bkChicago) // a Monday, CDT
	f.clock.Set(now)
	got := f.slots(t, "/api/slots")
	bkWantSameList(t, "slots", got.starts(), bkValuesOf(bkExpectedSlots(now)))
	local := map[string]string{}
	for _, sl := range got.Slots {
		local[sl.Start] = sl.LocalStart
	}
	for start, want := range map[string]string{
		"2026-10-27T14:00:00Z": "2026-10-27T09:00:00-05:00", // Tuesday, CDT
		"2026-11-02T15:00:00Z": "2026-11-02T09:00:00-06:00", // the Monday after the change, CST
	} {
		if local[start] != want {
			t.Errorf("slot %s: localStart got %q, want %q", start, local[start], want)
		}
	}
	p := bkFormPage(t, f.get(t, "/api/book").Body)
	for v, want := range map[string]string{
		"2026-10-27T14:00:00Z": "9:00 AM CDT (UTC−05:00)",
		"2026-11-02T15:00:00Z": "9:00 AM CST (UTC−06:00)",
	} {
		if p.Labels[v] != want {
			t.Errorf("the form's label for %s: got %q, want %q", v, p.Labels[v], want)
		}
	}
}

// TestBookFormPage: GET /api/book is the form with every free time, each
// labelled with its zone and UTC offset; ?result= attaches a quiz result.
func TestBookFormPage(t *testing.T) {
	f := newBkFixture(t)
	res := f.get(t, "/api/book")
	if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /api/book: got %s; want 200 HTML", res)
	}
	p := bkFormPage(t, res.Body)
	if p.H1 != "Book a Complimentary Advisory Session" || p.Action != "/api/book" {
		t.Errorf("h1 %q, action %q; want the booking form posting to /api/book", p.H1, p.Action)
	}
	want := bkExpectedSlots(bkMonday)
	bkWantSameList(t, "the form's times", p.Slots, bkValuesOf(want))
	if got := p.Labels["2026-12-08T15:00:00Z"]; got != "9:00 AM CST (UTC−06:00)" {
		t.Errorf("label of Tuesday 09:00: got %q, want %q", got, "9:00 AM CST (UTC−06:00)")
	}
	for _, s := range want {
		if got := p.Labels[bkSlotValue(s)]; got != bkLabel(s) {
			t.Errorf("label of %s: got %q, want %q", bkSlotValue(s), got, bkLabel(s))
		}
	}
	if len(p.Days) == 0 || p.Days[0] != "Tuesday, December 8" || slices.Contains(p.Days, "Thursday, December 24") || slices.Contains(p.Days, "Saturday, December 12") {
		t.Errorf("day headings: got %q; want from Tuesday, December 8, without blocked days or weekends", p.Days)
	}
	if hint := bkText(bkFind(p.Doc, tag("fieldset", "id", "f-slot"))); !strings.Contains(hint, "America/Chicago") || !strings.Contains(hint, "offset from UTC") {
		t.Errorf("the times' hint: got %q, want the zone America/Chicago and the UTC offset explained", hint)
	}
	if p.Checked != "" || !p.Honeypot || p.Result != "" {
		t.Errorf("checked %q, honeypot %v, result %q: want none checked, a honeypot, no result", p.Checked, p.Honeypot, p.Result)
	}
	var boxes, sizes []string
	for _, c := range bkFindAll(p.Doc, tag("input", "name", "challenges")) {
		boxes = append(boxes, attr1(c, "value"))
	}
	for _, o := range bkFindAll(bkFind(p.Doc, tag("select", "name", "size")), tag("option")) {
		if s := bkText(o); s != "Choose…" {
			sizes = append(sizes, s)
		}
	}
	bkWantSameList(t, "challenge checkboxes", boxes, bkChallenges)
	bkWantSameList(t, "company sizes", sizes, bkSizes)
	if note := bkResultNote(p); note != "" {
		t.Errorf("without a result the page says %q", note)
	}

	t.Run("result attached", func(t *testing.T) {
		id, _ := f.quizResult(t)
		p := bkFormPage(t, f.get(t, "/api/book?result="+id).Body)
		if p.Result != id {
			t.Errorf("hidden result: got %q, want %q", p.Result, id)
		}
		if note := bkResultNote(p); !strings.Contains(note, "Your quiz result is attached") {
			t.Errorf("notice: got %q, want “Your quiz result is attached”", note)
		}
	})
	t.Run("not an id", func(t *testing.T) {
		p := bkFormPage(t, f.get(t, "/api/book?result=%3Cscript%3E").Body)
		if p.Result != "" || bkResultNote(p) != "" {
			t.Errorf("result %q, notice %q: want nothing attached", p.Result, bkResultNote(p))
		}
	})
	t.Run("time preselected", func(t *testing.T) {
		v := bkSlotValue(bkDec(9, 10, 30))
		if p := bkFormPage(t, f.get(t, "/api/book?slot="+v).Body); p.Checked != v {
			t.Errorf("checked: got %q, want %q", p.Checked, v)
		}
	})
	t.Run("prefixes", func(t *testing.T) {
		for _, path := range []string{"/book", "/.netlify/functions/api/book"} {
			bkWantSameList(t, path, bkFormPage(t, f.get(t, path).Body).Slots, bkValuesOf(want))
		}
	})
}

// bkResultNote is the text of a shown (not hidden) quiz-result notice.
func bkResultNote(p bkPage) string {
	for _, n := range bkFindAll(p.Doc, tag("p", "class", "notice")) {
		if _, hidden := attr(n, "hidden"); !hidden {
			return bkText(n)
		}
	}
	return ""
}

// bkDone is what the booking's own page shows.
type bkDone struct {
	H1, Lede, When, Status string
	Local                  string // "Your time", when the prospect's zone is known
	Links                  []string
	Forms                  []string // actions
}

func bkDonePage(t testing.TB, body string) bkDone {
	t.Helper()
	doc := bkDoc(t, body)
	d := bkDone{H1: bkText(bkFind(doc, tag("h1"))), Lede: bkText(bkFind(doc, tag("p", "class", "lede")))}
	dts := bkFindAll(doc, tag("dt"))
	dds := bkFindAll(doc, tag("dd"))
	for i := range min(len(dts), len(dds)) {
		switch bkText(dts[i]) {
		case "When", "Consultant's time":
			d.When = bkText(dds[i])
		case "Your time":
			d.Local = bkText(dds[i])
		case "Status":
			d.Status = bkText(dds[i])
		}
	}
	main := bkFind(doc, tag("div", "class", "booked"))
	for _, a := range bkFindAll(main, tag("a", "href", "*")) {
		d.Links = append(d.Links, attr1(a, "href"))
	}
	for _, fm := range bkFindAll(main, tag("form")) {
		d.Forms = append(d.Forms, attr1(fm, "action"))
	}
	return d
}

// bkLinkIn finds the first absolute link to path in an email's text and
// returns it as a site path with its query.
func bkLinkIn(t testing.TB, text, path string) string {
	t.Helper()
	i := strings.Index(text, bkBaseURL+path+"?")
	if i < 0 {
		t.Fatalf("no %s link in:\n%s", path, text)
	}
	link := strings.TrimPrefix(strings.Fields(text[i:])[0], bkBaseURL)
	return link
}

// TestBookHappyPath books with a quiz result attached: 303 to the done
// page; the row holds every field; two emails are queued in the same
// transaction and sent at once (the prospect's with a METHOD:REQUEST
// invite, the consultant's with the intake answers and the quiz result);
// the done page shows the time; the emails' links work.
func TestBookHappyPath(t *testing.T) {
	f := newBkFixture(t)
	quizID, score := f.quizResult(t)
	slot := bkDec(8, 9, 0)
	v := bkValues(slot, "ada@example.com")
	v.Set("result", quizID)
	id, done := f.book(t, v, bkFromIP("198.51.100.23"))

	bs := f.bookings(t)
	if len(bs) != 1 {
		t.Fatalf("bookings: got %d, want 1", len(bs))
	}
	b := bs[0]
	if b.ID != id || !b.CreatedAt.Equal(bkMonday) || b.CreatedAt.Location() != time.UTC ||
		!b.Start.Equal(slot) || !b.End.Equal(slot.Add(30*time.Minute)) ||
		b.Name != "Ada Lovelace" || b.Email != "ada@example.com" || b.Company != "Analytical Engines Ltd" ||
		b.Role != "Chief Operating Officer" || b.CompanySize != "11-50 people" ||
		!slices.Equal(b.Challenges, []string{bkChallenges[0], bkChallenges[2]}) ||
		b.Message != "We grew from 20 to 60 people this year.\nHiring is outpacing our processes." ||
		b.QuizResult != quizID || b.Sequence != 0 || b.CancelledAt != nil {
		t.Errorf("booking row: got %+v", b)
	}
	if b.IPHash == "" || strings.Contains(b.IPHash, "198.51.100.23") || len(b.IPHash) > 128 {
		t.Errorf("IPHash: got %q, want a hash of the address, never the address", b.IPHash)
	}

	ms := f.outbox(t)
	if len(ms) != 2 {
		t.Fatalf("outbox: got %d messages, want 2", len(ms))
	}
	for _, m := range ms {
		if m.Booking != id || m.SentAt == nil || m.Attempts != 1 || m.LastError != "" {
			t.Errorf("outbox %q: booking %q sent %v attempts %d error %q; want sent at once for %s", m.Kind, m.Booking, m.SentAt, m.Attempts, m.LastError, id)
		}
	}
	_, conf := bkOne(t, ms, "confirmation")
	if conf.To != "ada@example.com" || conf.From != bkMailFrom || conf.ReplyTo != bkNotify {
		t.Errorf("confirmation: from %q to %q reply-to %q", conf.From, conf.To, conf.ReplyTo)
	}
	// The prospect's emails give their own time first (the form sent
	// their zone), then the consultant's.
	if want := "Your advisory session: Tuesday, December 8 at 3:00 PM GMT"; conf.Subject != want {
		t.Errorf("confirmation subject: got %q, want %q", conf.Subject, want)
	}
	for _, s := range []string{
		"Hello Ada Lovelace,",
		"Your time: Tuesday, December 8 at 3:00 PM GMT (Europe/London)",
		"Consultant's time: Tuesday, December 8 at 9:00 AM CST (America/Chicago)",
		"UTC: Tuesday, December 8 at 15:00",
		bkBaseURL + "/api/book/reschedule?b=" + id + "&t=",
		bkBaseURL + "/api/book/cancel?b=" + id + "&t=",
	} {
		if !strings.Contains(conf.Text, s) {
			t.Errorf("confirmation text lacks %q:\n%s", s, conf.Text)
		}
	}
	bkWantHTML(t, "confirmation", conf, []string{
		"Your advisory session is booked", "Hello Ada Lovelace,",
		"Your time", "Tuesday, December 8 at 3:00 PM GMT (Europe/London)",
		"Consultant's time", "Tuesday, December 8 at 9:00 AM CST (America/Chicago)",
		"Move to another time", "Cancel the session",
	}, bkBaseURL+"/api/book/reschedule?b="+id+"&t=", bkBaseURL+"/api/book/cancel?b="+id+"&t=")
	if b.TimeZone != "Europe/London" {
		t.Errorf("booking's zone: got %q, want the form's Europe/London", b.TimeZone)
	}
	bkWantInvite(t, "confirmation invite", bkICS(t, conf), &b, "REQUEST", 0)

	_, notice := bkOne(t, ms, "confirmation-notice")
	if notice.To != bkNotify || notice.ReplyTo != "ada@example.com" {
		t.Errorf("notice: to %q reply-to %q; want to the consultant, replies to the prospect", notice.To, notice.ReplyTo)
	}
	if want := "New booking: Ada Lovelace, Tuesday, December 8 at 9:00 AM CST"; notice.Subject != want {
		t.Errorf("notice subject: got %q, want %q", notice.Subject, want)
	}
	// The consultant's copy of the invite names whom the session is with.
	if inv := bkICS(t, notice); inv.Summary != "Advisory session: Ada Lovelace (Analytical Engines Ltd)" {
		t.Errorf("notice invite SUMMARY %q; want the prospect named", inv.Summary)
	}
	if inv := bkICS(t, conf); inv.Summary != "Advisory session with Cassidine Consulting" {
		t.Errorf("confirmation invite SUMMARY %q; want the practice named", inv.Summary)
	}
	wantText := []string{
		"Your time: Tuesday, December 8 at 9:00 AM CST (America/Chicago)",
		"Prospect's time: Tuesday, December 8 at 3:00 PM GMT (Europe/London)",
		"Name: Ada Lovelace", "Email: ada@example.com", "Company: Analytical Engines Ltd",
		"Role: Chief Operating Officer", "Company size: 11-50 people",
		"  - " + bkChallenges[0], "  - " + bkChallenges[2],
		"Message:\nWe grew from 20 to 60 people this year.\nHiring is outpacing our processes.",
		fmt.Sprintf("Quiz result (%s/quiz/result/%s/): %s, %d%% overall gap", bkBaseURL, quizID, score.Band.Headline, score.Score),
	}
	for _, d := range score.Dimensions {
		wantText = append(wantText, fmt.Sprintf("  %s: %d%%", d.Name, d.Score))
	}
	for _, s := range wantText {
		if !strings.Contains(notice.Text, s) {
			t.Errorf("notice text lacks %q:\n%s", s, notice.Text)
		}
	}
	bkWantInvite(t, "notice invite", bkICS(t, notice), &b, "REQUEST", 0)
	wantHTML := []string{"New booking: Ada Lovelace (Analytical Engines Ltd)", "Prospect's time", "Tuesday, December 8 at 3:00 PM GMT (Europe/London)",
		"Analytical Engines Ltd", "Chief Operating Officer", "11-50 people", bkChallenges[0], bkChallenges[2],
		"We grew from 20 to 60 people this year.\nHiring is outpacing our processes.", score.Band.Headline, "Open the quiz result"}
	for _, d := range score.Dimensions {
		wantHTML = append(wantHTML, d.Name)
	}
	bkWantHTML(t, "notice", notice, wantHTML, fmt.Sprintf("%s/quiz/result/%s/", bkBaseURL, quizID), "mailto:ada@example.com")

	// The drain sent both: the FileSender wrote them.
	emails := f.emails(t)
	if len(f.emlFiles(t)) != 2 || len(emails["ada@example.com"]) != 1 || len(emails[bkNotify]) != 1 {
		t.Fatalf("emails written: got %d files, by recipient %v; want one to the prospect, one to the consultant", len(f.emlFiles(t)), slices.Collect(maps.Keys(emails)))
	}
	pm := emails["ada@example.com"][0]
	if pm.Subject != conf.Subject {
		t.Errorf("sent subject: got %q, want %q", pm.Subject, conf.Subject)
	}
	bkWantInvite(t, "sent invite", bkWantEmailInvite(t, pm, "REQUEST"), &b, "REQUEST", 0)
	if text, ok := pm.part("text/plain"); !ok || !strings.Contains(string(text.Body), "Hello Ada Lovelace") {
		t.Errorf("sent text: %q", text.Body)
	}
	if html, ok := pm.part("text/html"); !ok || !strings.Contains(string(html.Body), "Hello Ada Lovelace") {
		t.Errorf("the sent email's HTML part: %v %q", ok, html.Body)
	}
	cm := emails[bkNotify][0]
	if text, _ := cm.part("text/plain"); !strings.Contains(string(text.Body), score.Band.Headline) {
		t.Errorf("sent notice lacks the quiz band %q:\n%s", score.Band.Headline, text.Body)
	}

	// The done page.
	res := f.get(t, done)
	if res.Status != http.StatusOK {
		t.Fatalf("GET %s: got %s", done, res)
	}
	d := bkDonePage(t, res.Body)
	if d.H1 != "Your session is booked" || !strings.Contains(d.Lede, "Thank you, Ada Lovelace.") || !strings.Contains(d.Lede, "ada@example.com") {
		t.Errorf("done page: h1 %q, lede %q", d.H1, d.Lede)
	}
	if d.Local != "Tuesday, December 8, 2026 at 3:00 PM GMT (UTC+00:00) Europe/London" ||
		d.When != "Tuesday, December 8, 2026 at 9:00 AM CST (UTC−06:00) America/Chicago; Tuesday, December 8, 2026 at 15:00 UTC" || d.Status != "Booked" {
		t.Errorf("done page: your time %q, consultant's time %q, status %q", d.Local, d.When, d.Status)
	}
	tok := bkToken(done)
	for _, want := range []string{"/api/book/reschedule?b=" + id + "&t=" + tok, "/api/book/cancel?b=" + id + "&t=" + tok} {
		if !slices.Contains(d.Links, want) {
			t.Errorf("done page links %q: want %q", d.Links, want)
		}
	}

	// The links in the email lead to the booking's pages.
	for path, h1 := range map[string]string{"/api/book/cancel": "Cancel your session", "/api/book/reschedule": "Move your session"} {
		link := bkLinkIn(t, conf.Text, path)
		res := f.get(t, link)
		if res.Status != http.StatusOK || !strings.Contains(res.Body, h1) {
			t.Errorf("GET %s from the email: got %s; want 200 %q", link, res, h1)
		}
	}
	if b2 := f.booking(t, id); b2.CancelledAt != nil || b2.Sequence != 0 {
		t.Errorf("looking at the links changed the booking: %+v", b2)
	}
}

// TestBookJSON: the page's script asks for JSON: 201 with the booking,
// and errors as JSON with the fields named.
func TestBookJSON(t *testing.T) {
	f := newBkFixture(t)
	slot := bkDec(10, 13, 0)
	res := f.post(t, "/api/book", bkValues(slot, "ada@example.com"), bkAcceptJSON)
	if res.Status != http.StatusCreated || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("POST JSON: got %s; want 201 JSON", res)
	}
	var got struct {
		ID    string    `json:"id"`
		Start time.Time `json:"start"`
		End   time.Time `json:"end"`
		URL   string    `json:"url"`
	}
	if err := json.Unmarshal([]byte(res.Body), &got); err != nil {
		t.Fatalf("%v\n%s", err, res.Body)
	}
	if id, _ := bkDoneLink(t, got.URL); id != got.ID || !got.Start.Equal(slot) || !got.End.Equal(slot.Add(30*time.Minute)) {
		t.Errorf("got %+v; want the booking at %v with its done link", got, slot)
	}
	if b := f.booking(t, got.ID); !b.Start.Equal(slot) {
		t.Errorf("stored start %v, want %v", b.Start, slot)
	}
	if n := len(f.outbox(t)); n != 2 {
		t.Errorf("outbox: got %d, want 2", n)
	}

	for _, tc := range []struct {
		name   string
		v      url.Values
		status int
		field  string
	}{
		{"no consent", bkWith(bkValues(bkDec(10, 13, 45), "b@example.com"), "consent"), 400, "consent"},
		{"taken", bkValues(slot, "c@example.com"), 409, "slot"},
		{"too soon", bkValues(bkDec(7, 13, 0), "d@example.com"), 400, "slot"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := f.post(t, "/api/book", tc.v, bkAcceptJSON)
			var e struct {
				Error  string            `json:"error"`
				Fields map[string]string `json:"fields"`
			}
			if err := json.Unmarshal([]byte(res.Body), &e); err != nil || res.Status != tc.status || e.Error == "" || e.Fields[tc.field] == "" {
				t.Errorf("got %s (%v); want %d JSON with a message for %q", res, err, tc.status, tc.field)
			}
		})
	}
}

// bkRace posts n bookings of one time at once, each from its own address
// and email: exactly one wins (303), every other gets 409 with its form
// back and the next free times, nothing is a 5xx, one row is stored.
func bkRace(t *testing.T, f *bkFixture, n int) {
	slot := bkDec(9, 10, 30)
	forms := make([]url.Values, n)
	results := make([]bkResponse, n)
	startGun := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		forms[i] = bkValues(slot, fmt.Sprintf("prospect%03d@example.com", i))
		forms[i].Set("name", fmt.Sprintf("Prospect %03d", i))
		r := httptest.NewRequest(http.MethodPost, "/api/book", strings.NewReader(forms[i].Encode()))
		r.Header.Set("Content-Type", bkFormType)
		r.RemoteAddr = fmt.Sprintf("192.0.2.%d:%d", i%250+1, 1000+i)
		wg.Go(func() {
			<-startGun
			results[i] = f.serve(t, r)
		})
	}
	close(startGun)
	wg.Wait()

	codes := map[int]int{}
	winner := -1
	for i, res := range results {
		codes[res.Status]++
		if res.Status == http.StatusSeeOther {
			winner = i
		}
		if res.Status >= 500 {
			t.Errorf("request %d: got %s", i, res)
		}
	}
	if codes[http.StatusSeeOther] != 1 || codes[http.StatusConflict] != n-1 {
		t.Fatalf("statuses: got %v; want 1×303 and %d×409", codes, n-1)
	}
	takenLabel := "Wednesday, December 9, " + bkLabel(slot)
	failedBefore := t.Failed()
	for i, res := range results {
		if i == winner {
			continue
		}
		p := bkFormPage(t, res.Body)
		if p.Errors["slot"] != bkMsgTaken {
			t.Errorf("request %d: slot message got %q, want %q", i, p.Errors["slot"], bkMsgTaken)
		}
		p.wantValuesKept(t, forms[i])
		if len(p.Next) != 3 || slices.Contains(p.Next, takenLabel) || p.Next[0] != "Tuesday, December 8, "+bkLabel(bkDec(8, 9, 0)) {
			t.Errorf("request %d: next free times got %q; want the first three, without %q", i, p.Next, takenLabel)
		}
		if slices.Contains(p.Slots, bkSlotValue(slot)) || p.Checked != "" || len(p.Slots) != len(bkExpectedSlots(bkMonday))-1 {
			t.Errorf("request %d: the form offers %d times (checked %q); want every free time but the taken one, none checked", i, len(p.Slots), p.Checked)
		}
		if !failedBefore && t.Failed() {
			t.Logf("stopped checking the 409 pages at request %d", i)
			break
		}
	}
	id, _ := bkDoneLink(t, results[winner].Header.Get("Location"))
	bs := f.bookings(t)
	if len(bs) != 1 || bs[0].ID != id || bs[0].Email != forms[winner].Get("email") {
		t.Fatalf("bookings: got %d (%+v); want only the winner's", len(bs), bs)
	}
	ms := f.outbox(t)
	if len(ms) != 2 || len(bkOutboxKind(ms, "confirmation")) != 1 || len(bkOutboxKind(ms, "confirmation-notice")) != 1 {
		t.Errorf("outbox: got %d messages; want the winner's two", len(ms))
	}
}

func TestBookConcurrentOneSlotSQLite(t *testing.T) {
	bkRace(t, newBkFixture(t), 100)
}

func TestBookConcurrentOneSlotPostgres(t *testing.T) {
	bkRace(t, newBkPostgresFixture(t), 100)
}

// wantFormErrors fails unless p shows exactly the fields of want with an
// error, each message where the form shows it: at the field when the
// field has a place for it, and always in the summary box, linked to an
// element of the page.
func (p bkPage) wantFormErrors(t testing.TB, want map[string]string) {
	t.Helper()
	box := bkFind(p.Doc, tag("", "id", "form-errors"))
	if box == nil {
		t.Fatalf("no error summary (#form-errors) on the page")
	}
	links := map[string]string{}
	for _, a := range bkFindAll(box, tag("a", "href", "*")) {
		links[attr1(a, "href")] = bkText(a)
	}
	for field, msg := range want {
		href := "#f-" + field
		if msg != "" && links[href] != msg && !(msg == "*" && links[href] != "") {
			t.Errorf("error summary: link %s got %q, want %q (links %v)", href, links[href], msg, links)
		}
		if bkFind(p.Doc, tag("", "id", "f-"+field)) == nil {
			t.Errorf("error summary links to %s, but no element has that id: the link goes nowhere", href)
		}
		if inline, ok := p.Errors[field]; ok && msg != "*" && inline != msg {
			t.Errorf("message at %s: got %q, want %q", field, inline, msg)
		}
	}
	for href := range links {
		if _, ok := want[strings.TrimPrefix(href, "#f-")]; !ok {
			t.Errorf("error summary: unexpected link %s %q", href, links[href])
		}
	}
	for field := range p.Errors {
		if _, ok := want[field]; !ok {
			t.Errorf("unexpected message at %s: %q", field, p.Errors[field])
		}
	}
}

// TestBookRejectsFields: each wrong field is a 400 with the form back,
// the visitor's values kept and the time still chosen, a message at the
// field; nothing is stored or sent.
func TestBookRejectsFields(t *testing.T) {
	f := newBkFixture(t)
	slot := bkDec(8, 13, 0)
	long := strings.Repeat("a", 65) + "@example.com"
	tooLong := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 58) + ".com"
	if len(tooLong) != 255 {
		t.Fatalf("tooLong is %d characters", len(tooLong))
	}
	for i, tc := range []struct {
		name string
		edit func(url.Values)
		want map[string]string // field → message at it
	}{
		{"no name", func(v url.Values) { v.Set("name", "") }, map[string]string{"name": "Enter your name."}},
		{"blank name", func(v url.Values) { v.Set("name", " \t ") }, map[string]string{"name": "Enter your name."}},
		{"name too long", func(v url.Values) { v.Set("name", strings.Repeat("é", 201)) }, map[string]string{"name": "Keep this under 200 characters."}},
		{"company too long", func(v url.Values) { v.Set("company", strings.Repeat("x", 201)) }, map[string]string{"company": "Keep this under 200 characters."}},
		{"line break in company", func(v url.Values) { v.Set("company", "Acme\nBcc: x@example.com") }, map[string]string{"company": bkMsgOneLine}},
		{"line break in role", func(v url.Values) { v.Set("role", "COO\rTo: x@example.com") }, map[string]string{"role": bkMsgOneLine}},
		{"no email", func(v url.Values) { v.Set("email", "") }, map[string]string{"email": "Enter your email address."}},
		{"email a@b", func(v url.Values) { v.Set("email", "a@b") }, map[string]string{"email": bkMsgEmail}},
		{"email 65-character local part", func(v url.Values) { v.Set("email", long) }, map[string]string{"email": bkMsgEmail}},
		{"email 255 characters", func(v url.Values) { v.Set("email", tooLong) }, map[string]string{"email": "That address is too long."}},
		{"email with a line break", func(v url.Values) { v.Set("email", "ada@example.com\r\nBcc: x@example.com") }, map[string]string{"email": "Enter the address on one line."}},
		{"no consent", func(v url.Values) { v.Del("consent") }, map[string]string{"consent": "Tick the box so we may use these details for the session."}},
		{"consent not yes", func(v url.Values) { v.Set("consent", "on") }, map[string]string{"consent": "Tick the box so we may use these details for the session."}},
		{"unknown challenge", func(v url.Values) { v.Add("challenges", "We have no problems at all") }, map[string]string{"challenges": "Choose from the statements listed."}},
		{"challenge in another case", func(v url.Values) { v["challenges"] = []string{strings.ToUpper(bkChallenges[1])} }, map[string]string{"challenges": "Choose from the statements listed."}},
		{"unknown size", func(v url.Values) { v.Set("size", "A million people") }, map[string]string{"size": "Choose one of the sizes listed."}},
		{"message too long", func(v url.Values) { v.Set("message", strings.Repeat("m", 5001)) }, map[string]string{"message": "Keep the message under 5,000 characters."}},
		{"several at once", func(v url.Values) { v.Set("name", ""); v.Set("email", "nope"); v.Del("consent") },
			map[string]string{"name": "Enter your name.", "email": bkMsgEmail, "consent": "Tick the box so we may use these details for the session."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Each case its own address: the per-email limit counts 400s too.
			v := bkValues(slot, fmt.Sprintf("ada%d@example.com", i))
			tc.edit(v)
			res := f.post(t, "/api/book", v)
			if res.Status != http.StatusBadRequest {
				t.Fatalf("got %s; want 400", res)
			}
			p := bkFormPage(t, res.Body)
			p.wantFormErrors(t, tc.want)
			p.wantValuesKept(t, v)
			if p.Checked != bkSlotValue(slot) {
				t.Errorf("chosen time: got %q, want %q still checked", p.Checked, bkSlotValue(slot))
			}
			if len(p.Slots) != len(bkExpectedSlots(bkMonday)) {
				t.Errorf("the form offers %d times, want all %d", len(p.Slots), len(bkExpectedSlots(bkMonday)))
			}
		})
	}
	f.wantNothingStored(t)
}

// TestBookAcceptsEmails: OWASP's rule at its limits: a 64-character local
// part and a 254-character address are fine, as are +, &, * and case.
func TestBookAcceptsEmails(t *testing.T) {
	f := newBkFixture(t)
	max := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 57) + ".com"
	if len(max) != 254 {
		t.Fatalf("max is %d characters", len(max))
	}
	slots := bkExpectedSlots(bkMonday)
	for i, email := range []string{strings.Repeat("l", 64) + "@example.com", max, "ada+booking@example.co.uk", "ADA@EXAMPLE.COM", "o_r&x*y-z@sub.example.org", "  grace@example.com  "} {
		t.Run(email[:min(len(email), 20)], func(t *testing.T) {
			id, _ := f.book(t, bkValues(slots[i*5], email))
			if got := f.booking(t, id).Email; got != strings.TrimSpace(email) {
				t.Errorf("stored email %q, want %q", got, strings.TrimSpace(email))
			}
		})
	}
	if n := len(f.emlFiles(t)); n != 12 {
		t.Errorf("emails written: got %d, want 12", n)
	}
}

// TestBookSlotRules: a time that is not a free slot is a 400 with a
// message at the time, none checked, and the next free times offered.
func TestBookSlotRules(t *testing.T) {
	f := newBkFixture(t)
	firstThree := []string{
		"Tuesday, December 8, 9:00 AM CST (UTC−06:00)",
		"Tuesday, December 8, 9:45 AM CST (UTC−06:00)",
		"Tuesday, December 8, 10:30 AM CST (UTC−06:00)",
	}
	for i, tc := range []struct {
		name string
		slot string
		msg  string
		next bool
	}{
		{"off the grid", bkSlotValue(bkDec(8, 9, 10)), bkMsgNotThere, true},
		{"a second off the grid", bkSlotValue(bkDec(8, 9, 0).Add(time.Second)), bkMsgNotThere, true},
		{"a day without hours", bkSlotValue(bkDec(12, 9, 0)), bkMsgNotThere, true},
		{"outside the day's hours", bkSlotValue(bkDec(8, 12, 15)), bkMsgNotThere, true},
		{"in the past", bkSlotValue(bkDec(4, 9, 0)), bkMsgTooSoon, true},
		{"inside the minimum notice", bkSlotValue(bkDec(7, 13, 0)), bkMsgTooSoon, true},
		{"beyond the horizon", bkSlotValue(time.Date(2027, time.January, 6, 9, 0, 0, 0, bkChicago)), bkMsgNotThere, true},
		{"on a blocked date", bkSlotValue(bkDec(24, 9, 0)), bkMsgNotThere, true},
		{"not a time", "next tuesday", bkMsgChoose, false},
		{"no zone", "2026-12-08T15:00:00", bkMsgChoose, false},
		{"far future", "9999-12-31T15:00:00Z", bkMsgNotThere, true},
		{"year zero", "0000-01-03T15:00:00Z", bkMsgNotThere, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := bkValues(bkDec(8, 9, 0), fmt.Sprintf("ada%d@example.com", i))
			v.Set("slot", tc.slot)
			res := f.post(t, "/api/book", v)
			if res.Status != http.StatusBadRequest {
				t.Fatalf("got %s; want 400", res)
			}
			p := bkFormPage(t, res.Body)
			p.wantFormErrors(t, map[string]string{"slot": tc.msg})
			v.Del("slot")
			p.wantValuesKept(t, v)
			if p.Checked != "" {
				t.Errorf("checked %q; want no time checked", p.Checked)
			}
			if tc.next && !slices.Equal(p.Next, firstThree) {
				t.Errorf("next free times: got %q, want %q", p.Next, firstThree)
			}
		})
	}
	f.wantNothingStored(t)

	t.Run("no time yet", func(t *testing.T) {
		// The no-script path: details first, then the time: 200, the form
		// with the times, one message at the time.
		v := bkWith(bkValues(bkDec(8, 9, 0), "notime@example.com"), "slot")
		res := f.post(t, "/api/book", v)
		if res.Status != http.StatusOK {
			t.Fatalf("got %s; want 200", res)
		}
		p := bkFormPage(t, res.Body)
		p.wantFormErrors(t, map[string]string{"slot": bkMsgChoose})
		p.wantValuesKept(t, v)
		f.wantNothingStored(t)
	})
	t.Run("the last day", func(t *testing.T) {
		f.book(t, bkValues(time.Date(2027, time.January, 5, 16, 0, 0, 0, bkChicago), "lastday@example.com"))
	})
	t.Run("the same instant with an offset", func(t *testing.T) {
		v := bkValues(bkDec(8, 9, 0), "grace@example.com")
		v.Set("slot", "2026-12-08T09:00:00-06:00")
		id, _ := f.book(t, v)
		if b := f.booking(t, id); !b.Start.Equal(bkDec(8, 9, 0)) || b.Start.Location() != time.UTC {
			t.Errorf("stored start %v, want %v in UTC", b.Start, bkDec(8, 9, 0).UTC())
		}
	})
}

// TestBookSlotTaken: a time someone holds, or a day that is full, is a 409
// with the form back, the values kept and the next free times offered.
func TestBookSlotTaken(t *testing.T) {
	f := newBkFixture(t)
	f.book(t, bkValues(bkDec(8, 9, 0), "ada@example.com"))
	v := bkValues(bkDec(8, 9, 0), "grace@example.com")
	res := f.post(t, "/api/book", v)
	if res.Status != http.StatusConflict {
		t.Fatalf("got %s; want 409", res)
	}
	p := bkFormPage(t, res.Body)
	p.wantFormErrors(t, map[string]string{"slot": bkMsgTaken})
	p.wantValuesKept(t, bkWith(v, "slot"))
	want := []string{"Tuesday, December 8, 9:45 AM CST (UTC−06:00)", "Tuesday, December 8, 10:30 AM CST (UTC−06:00)", "Tuesday, December 8, 11:15 AM CST (UTC−06:00)"}
	if !slices.Equal(p.Next, want) {
		t.Errorf("next free times: got %q, want %q", p.Next, want)
	}
	if slices.Contains(p.Slots, bkSlotValue(bkDec(8, 9, 0))) {
		t.Error("the taken time is still offered")
	}

	// site.toml's maxPerDay = 4: the fifth booking of a day is refused.
	for i, s := range []time.Time{bkDec(8, 9, 45), bkDec(8, 10, 30), bkDec(8, 13, 0)} {
		f.book(t, bkValues(s, fmt.Sprintf("p%d@example.com", i)))
	}
	for _, sl := range f.slots(t, "/api/slots").Slots {
		if strings.HasPrefix(sl.LocalStart, "2026-12-08") {
			t.Errorf("a full day still offers %s", sl.LocalStart)
		}
	}
	res = f.post(t, "/api/book", bkValues(bkDec(8, 16, 0), "late@example.com"))
	if res.Status != http.StatusConflict {
		t.Fatalf("a full day: got %s; want 409", res)
	}
	p = bkFormPage(t, res.Body)
	if p.Errors["slot"] != bkMsgTaken || len(p.Next) != 3 || !strings.HasPrefix(p.Next[0], "Wednesday, December 9") {
		t.Errorf("a full day: message %q, next %q", p.Errors["slot"], p.Next)
	}
	if n := len(f.bookings(t)); n != 4 {
		t.Errorf("bookings: got %d, want 4", n)
	}
}

// TestBookRequestErrors: what the form decoder refuses, each with its own
// 4xx, nothing stored.
func TestBookRequestErrors(t *testing.T) {
	f := newBkFixture(t)
	valid := bkValues(bkDec(8, 9, 0), "ada@example.com").Encode()

	t.Run("wrong method", func(t *testing.T) {
		for _, path := range []string{"/api/book", "/api/book/cancel", "/api/book/reschedule"} {
			for _, m := range []string{http.MethodPut, http.MethodPatch, http.MethodDelete} {
				res := f.send(t, m, path, bkFormType, valid)
				if res.Status != http.StatusMethodNotAllowed || !strings.Contains(res.Header.Get("Allow"), "POST") {
					t.Errorf("%s %s: got %s, Allow %q; want 405 allowing POST", m, path, res, res.Header.Get("Allow"))
				}
			}
		}
	})
	t.Run("Allow lists GET too", func(t *testing.T) {
		// RFC 9110 §15.5.6: a 405 lists the methods the resource supports;
		// these three answer GET as well as POST.
		for _, path := range []string{"/api/book", "/api/book/cancel", "/api/book/reschedule"} {
			res := f.send(t, http.MethodPut, path, bkFormType, valid)
			if allow := res.Header.Get("Allow"); !strings.Contains(allow, "GET") || !strings.Contains(allow, "POST") {
				t.Errorf("PUT %s: Allow %q; want GET and POST", path, allow)
			}
		}
	})
	for _, tc := range []struct {
		name, ctype, body string
		status            int
		msg               string
	}{
		{"JSON body", "application/json", `{"name":"Ada"}`, 415, "application/x-www-form-urlencoded"},
		{"plain text", "text/plain", valid, 415, "application/x-www-form-urlencoded"},
		{"multipart", "multipart/form-data; boundary=x", "--x--", 415, "application/x-www-form-urlencoded"},
		{"no content type", "", valid, 415, "application/x-www-form-urlencoded"},
		{"broken content type", "application/x-www-form-urlencoded; charset", valid, 415, "application/x-www-form-urlencoded"},
		{"over 32 KB", bkFormType, bkBodyOfSize(api.MaxBody + 1), 413, "larger than 32 KB"},
		{"far over 32 KB", bkFormType, bkBodyOfSize(10 << 20), 413, "larger than 32 KB"},
		{"unknown field", bkFormType, valid + "&admin=1", 400, `unknown field "admin"`},
		{"duplicate name", bkFormType, valid + "&name=Eve", 400, `field "name" was sent more than once`},
		{"duplicate slot", bkFormType, valid + "&slot=" + url.QueryEscape(bkSlotValue(bkDec(8, 9, 45))), 400, `field "slot" was sent more than once`},
		{"duplicate honeypot", bkFormType, valid + "&website=", 400, `field "website" was sent more than once`},
		{"invalid UTF-8 value", bkFormType, strings.Replace(valid, "name=Ada", "name=Ada%FF", 1), 400, "not valid UTF-8"},
		{"invalid UTF-8 name", bkFormType, valid + "&%FF=1", 400, "not valid UTF-8"},
		{"bad escape", bkFormType, valid + "&message=100%", 400, "not valid url-encoded"},
		{"huge index", bkFormType, valid + "&challenges.99999999=x", 400, ""},
		{"a struct path", bkFormType, valid + "&name.x=1", 400, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := f.send(t, http.MethodPost, "/api/book", tc.ctype, tc.body)
			if res.Status != tc.status {
				t.Fatalf("got %s; want %d", res, tc.status)
			}
			doc := bkDoc(t, res.Body)
			if h1 := bkText(bkFind(doc, tag("h1"))); h1 != "We could not read that form" {
				t.Errorf("h1: got %q", h1)
			}
			if lede := bkText(bkFind(doc, tag("p", "class", "lede"))); !strings.Contains(lede, tc.msg) {
				t.Errorf("message: got %q, want it to mention %q", lede, tc.msg)
			}
			res = f.send(t, http.MethodPost, "/api/book", tc.ctype, tc.body, bkAcceptJSON)
			var e struct{ Error string }
			if json.Unmarshal([]byte(res.Body), &e) != nil || res.Status != tc.status || e.Error == "" {
				t.Errorf("JSON: got %s; want %d with an error", res, tc.status)
			}
		})
	}
	f.wantNothingStored(t)

	t.Run("repeated challenges", func(t *testing.T) {
		v := bkValues(bkDec(8, 9, 0), "ada@example.com")
		v["challenges"] = []string{bkChallenges[1], bkChallenges[4], bkChallenges[7]}
		id, _ := f.book(t, v)
		if got := f.booking(t, id).Challenges; !slices.Equal(got, v["challenges"]) {
			t.Errorf("challenges: got %q, want %q", got, v["challenges"])
		}
	})
	t.Run("form type with charset", func(t *testing.T) {
		res := f.send(t, http.MethodPost, "/api/book", bkFormType+"; charset=UTF-8", bkValues(bkDec(8, 9, 45), "grace@example.com").Encode())
		if res.Status != http.StatusSeeOther {
			t.Errorf("got %s; want 303", res)
		}
	})
}

// bkBodyOfSize is a valid form padded to n bytes with a long message.
func bkBodyOfSize(n int) string {
	v := bkValues(bkDec(8, 9, 0), "ada@example.com")
	v.Del("message")
	prefix := v.Encode() + "&message="
	return prefix + strings.Repeat("a", n-len(prefix))
}

// TestBookBodyLimitEdge: a body of exactly 32 KB is read (its message is
// then too long: 400 at the message), one byte more is a 413.
func TestBookBodyLimitEdge(t *testing.T) {
	f := newBkFixture(t)
	res := f.send(t, http.MethodPost, "/api/book", bkFormType, bkBodyOfSize(api.MaxBody))
	if res.Status != http.StatusBadRequest {
		t.Fatalf("exactly %d bytes: got %s; want 400", api.MaxBody, res)
	}
	bkFormPage(t, res.Body).wantFormErrors(t, map[string]string{"message": "Keep the message under 5,000 characters."})
	if res := f.send(t, http.MethodPost, "/api/book", bkFormType, bkBodyOfSize(api.MaxBody+1)); res.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("%d bytes: got %s; want 413", api.MaxBody+1, res)
	}
	f.wantNothingStored(t)
}

// TestBookHeaderInjection: a line break in a field bound for an email
// header is refused at the field; nothing is stored, nothing sent. In the
// message, which is only ever body text, line breaks are fine and make no
// header.
func TestBookHeaderInjection(t *testing.T) {
	f := newBkFixture(t)
	v := bkValues(bkDec(8, 9, 0), "ada@example.com")
	v.Del("name")
	body := v.Encode() + "&name=Ada%0d%0aBcc:x@y"
	for _, accept := range []string{"", "application/json"} {
		res := f.send(t, http.MethodPost, "/api/book", bkFormType, body, func(r *http.Request) { r.Header.Set("Accept", accept) })
		if res.Status != http.StatusBadRequest {
			t.Fatalf("Accept %q: got %s; want 400", accept, res)
		}
		if accept == "" {
			p := bkFormPage(t, res.Body)
			p.wantFormErrors(t, map[string]string{"name": bkMsgOneLine})
		} else if !strings.Contains(res.Body, `"name":"`+bkMsgOneLine+`"`) {
			t.Errorf("JSON: got %s; want the message at name", res.Body)
		}
	}
	f.wantNothingStored(t)

	v = bkValues(bkDec(8, 9, 0), "ada@example.com")
	v.Set("message", "Hello\r\nBcc: evil@example.com\r\nSubject: spam\r\n\r\nbody")
	id, _ := f.book(t, v)
	if got := f.booking(t, id).Message; got != strings.TrimSpace(v.Get("message")) {
		t.Errorf("stored message %q", got)
	}
	for to, ms := range f.emails(t) {
		for _, m := range ms {
			if len(m.To) != 1 || m.Header.Get("Bcc") != "" || m.Header.Get("Cc") != "" || strings.Contains(m.Subject, "spam") {
				t.Errorf("email to %s: To %v, Bcc %q, Cc %q, Subject %q: the message made a header", to, m.To, m.Header.Get("Bcc"), m.Header.Get("Cc"), m.Subject)
			}
		}
	}
}

// TestBookControlCharacters: control characters other than line breaks
// in one-line fields (a tab, NUL, ESC, DEL, NEL) are the visitor's mistake:
// 400 with a message at the field, never a 5xx.
func TestBookControlCharacters(t *testing.T) {
	f := newBkFixture(t)
	for i, tc := range []struct{ field, value string }{
		{"name", "Ada\tLovelace"},
		{"name", "Ada\x00"},
		{"name", "Ada\u0085Lovelace"},
		{"company", "Acme\x1b[31m"},
		{"role", "COO\x7f"},
		{"message", "hello\x00world"},
	} {
		t.Run(fmt.Sprintf("%s %q", tc.field, tc.value), func(t *testing.T) {
			v := bkValues(bkDec(8, 9, 0), fmt.Sprintf("ada%d@example.com", i))
			v.Set(tc.field, tc.value)
			res := f.post(t, "/api/book", v)
			if res.Status != http.StatusBadRequest {
				t.Fatalf("got %s; want 400 with a message at %s", res, tc.field)
			}
			if p := bkFormPage(t, res.Body); p.Errors[tc.field] == "" {
				t.Errorf("no message at %s; messages %v", tc.field, p.Errors)
			}
		})
	}
	f.wantNothingStored(t)
	t.Run("a tab in the message is fine", func(t *testing.T) {
		v := bkValues(bkDec(8, 9, 0), "tab@example.com")
		v.Set("message", "Agenda:\n\t1. hiring\n\t2. systems")
		f.book(t, v)
	})
}

// TestBookDuplicateChallenges: the same statement ticked many times (a
// crafted form: a browser sends each checkbox once) must not become a 5xx.
func TestBookDuplicateChallenges(t *testing.T) {
	f := newBkFixture(t)
	v := bkValues(bkDec(8, 9, 0), "ada@example.com")
	v["challenges"] = slices.Repeat([]string{bkChallenges[0]}, 21)
	res := f.post(t, "/api/book", v)
	switch res.Status {
	case http.StatusSeeOther:
		id, _ := bkDoneLink(t, res.Header.Get("Location"))
		if got := f.booking(t, id).Challenges; !slices.Equal(got, []string{bkChallenges[0]}) {
			t.Errorf("stored challenges %q; want the statement once", got)
		}
	case http.StatusBadRequest:
		if p := bkFormPage(t, res.Body); p.Summary == "" {
			t.Error("400 without a message")
		}
	default:
		t.Fatalf("got %s; want 303 (duplicates dropped) or 400", res)
	}
}

// TestBookHTMLEscaped: markup in the fields is stored as typed, shown as
// text on every page and in every email's HTML (never as markup), and
// sent as typed in the emails' plain text.
func TestBookHTMLEscaped(t *testing.T) {
	f := newBkFixture(t)
	v := bkValues(bkDec(8, 9, 0), "ada@example.com")
	v.Set("name", `Ada <script>alert(1)</script>`)
	v.Set("company", `<script>alert(2)</script>`)
	v.Set("role", `"><img src=x><script>alert(3)</script>`)
	v.Set("message", "<script>alert(4)</script>\n<img src=x onerror=alert(5)>")
	injected := []string{"<script>alert", "<img src=x"}

	// pages collects every page that shows the values.
	pages := map[string]string{}
	res := f.post(t, "/api/book", bkWith(v, "consent"))
	if res.Status != http.StatusBadRequest {
		t.Fatalf("no consent: got %s", res)
	}
	pages["400 form"] = res.Body
	id, done := f.book(t, v)
	pages["done page"] = f.get(t, done).Body
	pages["cancel page"] = f.get(t, bkManage(done, "/api/book/cancel")).Body
	pages["reschedule page"] = f.get(t, bkManage(done, "/api/book/reschedule")).Body
	res = f.post(t, "/api/book", bkWith(v, "email", "grace@example.com"))
	if res.Status != http.StatusConflict {
		t.Fatalf("taken: got %s", res)
	}
	pages["409 form"] = res.Body

	b := f.booking(t, id)
	if b.Name != v.Get("name") || b.Company != v.Get("company") || b.Role != v.Get("role") || b.Message != v.Get("message") {
		t.Errorf("stored: %q %q %q %q; want the text as typed", b.Name, b.Company, b.Role, b.Message)
	}

	t.Run("pages show markup as text", func(t *testing.T) {
		for name, body := range pages {
			doc := bkDoc(t, body)
			for _, s := range bkFindAll(doc, tag("script")) {
				src, hasSrc := attr(s, "src")
				ldJSON := attr1(s, "type") == "application/ld+json" && !strings.Contains(bkText(s), "alert")
				if !(hasSrc && strings.HasPrefix(src, "/")) && !ldJSON {
					t.Errorf("%s: a script element not the site's own: %q", name, bkText(s))
				}
			}
			if n := len(bkFindAll(doc, tag("img", "src", "x"))); n > 0 {
				t.Errorf("%s: the message's <img> became an element", name)
			}
		}
		p := bkFormPage(t, pages["400 form"])
		p.wantValuesKept(t, bkWith(v, "consent"))
		if d := bkDonePage(t, pages["done page"]); !strings.Contains(d.Lede, "Thank you, Ada <script>alert(1)</script>.") {
			t.Errorf("done page lede %q; want the name shown as text", d.Lede)
		}
	})
	t.Run("no raw <script> in the page bytes", func(t *testing.T) {
		for name, body := range pages {
			for _, s := range injected {
				if i := strings.Index(body, s); i >= 0 {
					t.Errorf("%s: raw %q in the page: …%s…", name, s, body[max(0, i-80):min(len(body), i+60)])
				}
			}
		}
	})
	t.Run("emails show markup as text", func(t *testing.T) {
		// Every email is text plus HTML: the text carries the values as
		// typed, the HTML escaped, whatever they hold.
		for _, om := range f.outbox(t) {
			m, err := mail.Decode(om.Payload)
			if err != nil {
				t.Fatal(err)
			}
			bkWantHTML(t, om.Kind, m, nil)
			emailtest.CheckHTML(t, om.Kind, m.HTML, injected...)
		}
		_, notice := bkOne(t, f.outbox(t), "confirmation-notice")
		for _, s := range []string{"Name: " + v.Get("name"), "Company: " + v.Get("company"), "Role: " + v.Get("role"), v.Get("message")} {
			if !strings.Contains(notice.Text, s) {
				t.Errorf("notice text lacks %q as typed:\n%s", s, notice.Text)
			}
		}
		bkWantHTML(t, "notice", notice, []string{v.Get("name"), v.Get("company"), v.Get("role"),
			"<script>alert(4)</script>\n<img src=x onerror=alert(5)>"})
		_, conf := bkOne(t, f.outbox(t), "confirmation")
		bkWantHTML(t, "confirmation", conf, []string{"Hello " + v.Get("name") + ","})
		for to, ms := range f.emails(t) {
			for _, m := range ms {
				h, ok := m.part("text/html")
				if !ok {
					t.Errorf("email to %s has no text/html part", to)
					continue
				}
				emailtest.CheckHTML(t, "sent to "+to, string(h.Body), injected...)
				if text, _ := m.part("text/plain"); !strings.Contains(string(text.Body), v.Get("name")) {
					t.Errorf("email to %s: the text lacks the name as typed:\n%s", to, text.Body)
				}
			}
		}
	})
}

// TestBookHoneypot: a bot that never saw the form (no website field) or
// filled the hidden one gets what looks like success; nothing is stored
// or sent, and no rate-limit slot is used up.
func TestBookHoneypot(t *testing.T) {
	f := newBkFixture(t)
	for _, tc := range []struct {
		name string
		v    url.Values
	}{
		{"missing", bkWith(bkValues(bkDec(8, 9, 0), "ada@example.com"), "website")},
		{"filled", bkWith(bkValues(bkDec(8, 9, 0), "ada@example.com"), "website", "http://spam.example")},
		{"filled, nothing else", url.Values{"website": {"x"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := f.post(t, "/api/book", tc.v, bkFromIP("203.0.113.50"))
			if res.Status != http.StatusOK || bkText(bkFind(bkDoc(t, res.Body), tag("h1"))) != "Thank you" {
				t.Errorf("got %s; want 200 Thank you", res)
			}
			res = f.post(t, "/api/book", tc.v, bkAcceptJSON, bkFromIP("203.0.113.50"))
			if res.Status != http.StatusOK || strings.TrimSpace(res.Body) != `{"status":"ok"}` {
				t.Errorf("JSON: got %s; want 200 {\"status\":\"ok\"}", res)
			}
		})
	}
	f.wantNothingStored(t)
	// Twelve bot posts from one address did not count against it.
	f.book(t, bkValues(bkDec(8, 9, 0), "ada@example.com"), bkFromIP("203.0.113.50"))
}

// TestBookRateLimitPerIP: the 11th booking attempt from one address in an
// hour is a 429 with the form back; the next hour it works again.
func TestBookRateLimitPerIP(t *testing.T) {
	f := newBkFixture(t)
	ip := bkFromIP("203.0.113.7")
	for i := range 10 {
		res := f.post(t, "/api/book", bkWith(bkValues(bkDec(9, 9, 0), fmt.Sprintf("p%d@example.com", i)), "consent"), ip)
		if res.Status != http.StatusBadRequest {
			t.Fatalf("attempt %d: got %s; want 400 (no consent)", i+1, res)
		}
	}
	v := bkValues(bkDec(9, 9, 0), "ada@example.com")
	res := f.post(t, "/api/book", v, ip)
	if res.Status != http.StatusTooManyRequests {
		t.Fatalf("11th attempt: got %s; want 429", res)
	}
	p := bkFormPage(t, res.Body)
	if !strings.Contains(p.Summary, "Too many booking attempts from your network in the last hour") {
		t.Errorf("429 message: %q", p.Summary)
	}
	p.wantValuesKept(t, v)
	if res := f.post(t, "/api/book", v, ip, bkAcceptJSON); res.Status != http.StatusTooManyRequests || !strings.Contains(res.Body, "Too many") {
		t.Errorf("12th, JSON: got %s; want 429", res)
	}
	f.wantNothingStored(t)

	// Another address is not limited.
	f.book(t, bkValues(bkDec(9, 9, 0), "grace@example.com"), bkFromIP("203.0.113.8"))
	// The same hour window still refuses; the next one accepts.
	f.clock.Set(bkMonday.Add(time.Hour - time.Second))
	if res := f.post(t, "/api/book", bkValues(bkDec(9, 9, 45), "ada@example.com"), ip); res.Status != http.StatusTooManyRequests {
		t.Errorf("59:59 later: got %s; want 429", res)
	}
	f.clock.Set(bkMonday.Add(time.Hour))
	f.book(t, bkValues(bkDec(9, 9, 45), "ada@example.com"), ip)
}

// TestBookRateLimitPerEmail: the 6th attempt that would book for one
// address (in any case) in a UTC day is a 429; at midnight UTC it works
// again. Attempts refused for a mistake in the form do not count, so a
// visitor fixing typos is not locked out.
func TestBookRateLimitPerEmail(t *testing.T) {
	f := newBkFixture(t)
	for i := range 3 {
		res := f.post(t, "/api/book", bkWith(bkValues(bkDec(9, 9, 0), "grace@example.com"), "consent"))
		if res.Status != http.StatusBadRequest {
			t.Fatalf("mistake %d: got %s; want 400 (no consent)", i+1, res)
		}
	}
	// Someone else takes 9:00; grace's five tries for it are refused (409).
	f.book(t, bkValues(bkDec(9, 9, 0), "hedy@example.com"), bkFromIP("203.0.113.9"))
	for i := range 5 {
		res := f.post(t, "/api/book", bkValues(bkDec(9, 9, 0), "grace@example.com"))
		if res.Status != http.StatusConflict {
			t.Fatalf("attempt %d: got %s; want 409 (taken)", i+1, res)
		}
	}
	for _, email := range []string{"grace@example.com", "GRACE@Example.COM"} {
		res := f.post(t, "/api/book", bkValues(bkDec(9, 9, 0), email))
		if res.Status != http.StatusTooManyRequests {
			t.Fatalf("%s: got %s; want 429", email, res)
		}
		if p := bkFormPage(t, res.Body); !strings.Contains(p.Summary, "Too many booking attempts for this email address today") {
			t.Errorf("429 message: %q", p.Summary)
		}
	}
	f.book(t, bkValues(bkDec(9, 9, 45), "ada@example.com")) // another address is fine

	// The window slides: midnight does not reset it; a day after the
	// attempts does.
	midnight := time.Date(2026, time.December, 8, 0, 0, 0, 0, time.UTC)
	f.clock.Set(midnight)
	if res := f.post(t, "/api/book", bkValues(bkDec(10, 9, 0), "grace@example.com")); res.Status != http.StatusTooManyRequests {
		t.Errorf("at midnight UTC, hours after the attempts: got %s; want 429", res)
	}
	f.clock.Set(bkMonday.Add(24*time.Hour - time.Second))
	if res := f.post(t, "/api/book", bkValues(bkDec(10, 9, 0), "grace@example.com")); res.Status != http.StatusTooManyRequests {
		t.Errorf("a second less than a day after the attempts: got %s; want 429", res)
	}
	f.clock.Set(bkMonday.Add(24 * time.Hour))
	f.book(t, bkValues(bkDec(10, 9, 0), "grace@example.com"))
}

// bkCancelForm is the cancel confirmation as the page posts it.
func bkCancelForm(id, tok string) url.Values {
	return url.Values{"b": {id}, "t": {tok}, "website": {""}}
}

// TestCancel: the signed link asks first (nothing changes); the POST
// cancels: the booking is marked, its Sequence goes up, the time is free
// again, the prospect gets a METHOD:CANCEL invite with the same UID and a
// higher SEQUENCE, the consultant a notice; cancelling again is harmless.
func TestCancel(t *testing.T) {
	f := newBkFixture(t)
	quizID, score := f.quizResult(t)
	slot := bkDec(8, 9, 0)
	v := bkValues(slot, "ada@example.com")
	v.Set("result", quizID)
	id, done := f.book(t, v)
	tok := bkToken(done)
	_, conf := bkOne(t, f.outbox(t), "confirmation")

	// GET asks.
	res := f.get(t, bkManage(done, "/api/book/cancel"))
	if res.Status != http.StatusOK {
		t.Fatalf("GET cancel: got %s", res)
	}
	doc := bkDoc(t, res.Body)
	form := bkFind(doc, tag("form", "action", "/api/book/cancel"))
	if h1 := bkText(bkFind(doc, tag("h1"))); h1 != "Cancel your session" || form == nil ||
		!strings.EqualFold(attr1(form, "method"), "post") || !strings.Contains(bkText(form), "Cancel this session?") {
		t.Fatalf("GET cancel: h1 %q, form %v; want the confirmation", h1, form != nil)
	}
	if attr1(bkFind(form, tag("input", "name", "b")), "value") != id || attr1(bkFind(form, tag("input", "name", "t")), "value") != tok ||
		bkFind(form, tag("input", "name", "website")) == nil {
		t.Error("the confirmation form lacks the booking, its token or the honeypot")
	}
	if d := bkDonePage(t, res.Body); !strings.HasPrefix(d.When, "Tuesday, December 8, 2026 at 9:00 AM CST") {
		t.Errorf("GET cancel: when %q", d.When)
	}
	if b := f.booking(t, id); b.CancelledAt != nil || b.Sequence != 0 || len(f.outbox(t)) != 2 {
		t.Fatalf("GET changed something: %+v, outbox %d", b, len(f.outbox(t)))
	}

	// POST cancels.
	f.clock.Set(bkMonday.Add(10 * time.Minute))
	res = f.post(t, "/api/book/cancel", bkCancelForm(id, tok))
	if res.Status != http.StatusOK {
		t.Fatalf("POST cancel: got %s", res)
	}
	d := bkDonePage(t, res.Body)
	if d.H1 != "Your session is cancelled" || !strings.Contains(d.Lede, "the time is free again") || d.Status != "Cancelled" || !slices.Contains(d.Links, "/book/") || len(d.Forms) != 0 {
		t.Errorf("POST cancel page: %+v", d)
	}
	b := f.booking(t, id)
	if b.CancelledAt == nil || !b.CancelledAt.Equal(bkMonday.Add(10*time.Minute)) || b.Sequence != 1 || !b.Start.Equal(slot) {
		t.Fatalf("cancelled booking: %+v; want CancelledAt now, Sequence 1", b)
	}
	ms := f.outbox(t)
	if len(ms) != 4 {
		t.Errorf("outbox: got %d, want 4", len(ms))
	}
	om, cancel := bkOne(t, ms, "cancellation")
	if om.SentAt == nil || cancel.To != "ada@example.com" || !strings.HasPrefix(cancel.Subject, "Cancelled: your advisory session on Tuesday, December 8") {
		t.Errorf("cancellation: sent %v, to %q, subject %q", om.SentAt, cancel.To, cancel.Subject)
	}
	inv := bkICS(t, cancel)
	bkWantInvite(t, "cancellation invite", inv, b, "CANCEL", 1)
	if inv.UID != conf.Invite.UID || inv.Sequence <= conf.Invite.Sequence {
		t.Errorf("cancellation: UID %q SEQUENCE %d; want the confirmation's UID %q and a SEQUENCE above %d", inv.UID, inv.Sequence, conf.Invite.UID, conf.Invite.Sequence)
	}
	om, notice := bkOne(t, ms, "cancellation-notice")
	if om.SentAt == nil || notice.To != bkNotify || !strings.HasPrefix(notice.Subject, "Booking cancelled: Ada Lovelace") ||
		!strings.Contains(notice.Text, "Booking cancelled: Tuesday, December 8 at 9:00 AM CST") || !strings.Contains(notice.Text, score.Band.Headline) {
		t.Errorf("cancellation notice: sent %v, to %q, subject %q:\n%s", om.SentAt, notice.To, notice.Subject, notice.Text)
	}
	var cancelMail *bkMail
	for _, m := range f.emails(t)["ada@example.com"] {
		if _, ok := m.part("text/calendar"); ok && m.Subject == cancel.Subject {
			cancelMail = &m
		}
	}
	if cancelMail == nil {
		t.Fatal("the cancellation was not sent to the prospect")
	}
	bkWantInvite(t, "sent cancellation", bkWantEmailInvite(t, *cancelMail, "CANCEL"), b, "CANCEL", 1)

	// The time is free again, and can be booked.
	if !slices.Contains(f.slots(t, "/api/slots").starts(), bkSlotValue(slot)) {
		t.Error("the cancelled time is not offered again")
	}
	if !slices.Contains(bkFormPage(t, f.get(t, "/api/book").Body).Slots, bkSlotValue(slot)) {
		t.Error("the form does not offer the cancelled time")
	}
	id2, _ := f.book(t, bkValues(slot, "grace@example.com"))
	if id2 == id {
		t.Fatal("the new booking reused the id")
	}

	// Cancelling again changes nothing and sends nothing.
	before := len(f.outbox(t))
	for _, m := range []string{http.MethodPost, http.MethodGet} {
		if m == http.MethodPost {
			res = f.post(t, "/api/book/cancel", bkCancelForm(id, tok))
		} else {
			res = f.get(t, bkManage(done, "/api/book/cancel"))
		}
		if res.Status != http.StatusOK {
			t.Errorf("%s cancel again: got %s", m, res)
		}
		if d := bkDonePage(t, res.Body); d.Status != "Cancelled" || len(d.Forms) != 0 {
			t.Errorf("%s cancel again: %+v; want the cancelled booking, no form", m, d)
		}
	}
	if again := f.booking(t, id); again.Sequence != 1 || !again.CancelledAt.Equal(*b.CancelledAt) {
		t.Errorf("after cancelling twice: %+v", again)
	}
	if n := len(f.outbox(t)); n != before {
		t.Errorf("outbox after cancelling twice: got %d, want %d", n, before)
	}
	if d := bkDonePage(t, f.get(t, done).Body); d.H1 != "This session is cancelled" || d.Status != "Cancelled" {
		t.Errorf("done page of a cancelled booking: %+v", d)
	}
	if res := f.get(t, bkManage(done, "/api/book/reschedule")); res.Status != http.StatusOK || bkDonePage(t, res.Body).Status != "Cancelled" {
		t.Errorf("reschedule page of a cancelled booking: %s", res)
	}
	if res := f.post(t, "/api/book/reschedule", url.Values{"b": {id}, "t": {tok}, "slot": {bkSlotValue(bkDec(9, 9, 0))}, "tz": {""}, "result": {""}, "website": {""}}); res.Status < 400 || res.Status >= 500 {
		t.Errorf("moving a cancelled booking: got %s; want a 4xx", res)
	}
	if again := f.booking(t, id); again.Sequence != 1 || !again.Start.Equal(slot) {
		t.Errorf("moving a cancelled booking changed it: %+v", again)
	}
}

// bkTamper changes one character in the middle of a token (the last one
// may only carry padding bits).
func bkTamper(tok string) string {
	i := len(tok) / 2
	c := byte('A')
	if tok[i] == 'A' {
		c = 'B'
	}
	return tok[:i] + string(c) + tok[i+1:]
}

// TestCancelBadLinks: a tampered, foreign, malformed or expired token is a
// 403 on every page of the booking, and nothing changes.
func TestCancelBadLinks(t *testing.T) {
	f := newBkFixture(t)
	slot := bkDec(8, 9, 0)
	id, done := f.book(t, bkValues(slot, "ada@example.com"))
	tok := bkToken(done)
	other, otherDone := f.book(t, bkValues(bkDec(8, 9, 45), "grace@example.com"))
	for _, tc := range []struct{ name, b, t string }{
		{"tampered", id, bkTamper(tok)},
		{"another booking's token", id, bkToken(otherDone)},
		{"token for another id", other, tok},
		{"no token", id, ""},
		{"not base64", id, "!!!"},
		{"cut short", id, tok[:len(tok)-4]},
		{"made longer", id, tok + "AAAA"},
		{"unknown id", store.NewID(), tok},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := "?b=" + url.QueryEscape(tc.b) + "&t=" + url.QueryEscape(tc.t)
			for _, path := range []string{"/api/book/done", "/api/book/cancel", "/api/book/reschedule"} {
				res := f.get(t, path+q)
				if res.Status != http.StatusForbidden || bkText(bkFind(bkDoc(t, res.Body), tag("h1"))) != "This link does not work" {
					t.Errorf("GET %s: got %s; want 403", path, res)
				}
			}
			if res := f.post(t, "/api/book/cancel", bkCancelForm(tc.b, tc.t)); res.Status != http.StatusForbidden {
				t.Errorf("POST cancel: got %s; want 403", res)
			}
			mv := url.Values{"b": {tc.b}, "t": {tc.t}, "slot": {bkSlotValue(bkDec(9, 9, 0))}, "tz": {""}, "result": {""}, "website": {""}}
			if res := f.post(t, "/api/book/reschedule", mv); res.Status != http.StatusForbidden {
				t.Errorf("POST reschedule: got %s; want 403", res)
			}
		})
	}
	t.Run("expired", func(t *testing.T) {
		// Links work until a day after the start.
		f.clock.Set(slot.Add(24 * time.Hour))
		if res := f.get(t, done); res.Status != http.StatusOK {
			t.Errorf("at the expiry: got %s; want 200", res)
		}
		f.clock.Set(slot.Add(24*time.Hour + time.Second))
		if res := f.get(t, done); res.Status != http.StatusForbidden {
			t.Errorf("after the expiry: got %s; want 403", res)
		}
		if res := f.post(t, "/api/book/cancel", bkCancelForm(id, tok)); res.Status != http.StatusForbidden {
			t.Errorf("POST cancel after the expiry: got %s; want 403", res)
		}
		f.clock.Set(bkMonday)
	})
	for _, bid := range []string{id, other} {
		if b := f.booking(t, bid); b.CancelledAt != nil || b.Sequence != 0 {
			t.Errorf("booking %s changed: %+v", bid, b)
		}
	}
	if n := len(f.outbox(t)); n != 4 {
		t.Errorf("outbox: got %d, want the 4 confirmations only", n)
	}
}

func bkMoveForm(id, tok string, slot time.Time) url.Values {
	return url.Values{"b": {id}, "t": {tok}, "slot": {bkSlotValue(slot)}, "tz": {"Asia/Tokyo"}, "result": {""}, "website": {""}}
}

// TestReschedule: the signed link offers the free times; moving keeps the
// booking's id, changes its times, raises its Sequence, frees the old time
// and sends a REQUEST with the same UID and a higher SEQUENCE; a taken
// time is a 409 and the booking stays.
func TestReschedule(t *testing.T) {
	f := newBkFixture(t)
	old, to := bkDec(8, 9, 0), bkDec(10, 13, 0)
	id, done := f.book(t, bkValues(old, "ada@example.com"))
	tok := bkToken(done)
	_, conf := bkOne(t, f.outbox(t), "confirmation")

	res := f.get(t, bkManage(done, "/api/book/reschedule"))
	if res.Status != http.StatusOK {
		t.Fatalf("GET reschedule: got %s", res)
	}
	p := bkFormPage(t, res.Body)
	if p.H1 != "Move your session" || p.Action != "/api/book/reschedule" || p.B != id || p.T != tok || !p.Honeypot {
		t.Errorf("GET reschedule: h1 %q action %q b %q t %q honeypot %v", p.H1, p.Action, p.B, p.T, p.Honeypot)
	}
	if !strings.Contains(p.Summary, "Your session is on Tuesday, December 8, 2026 at 9:00 AM CST (UTC−06:00). Choose a new time.") {
		t.Errorf("GET reschedule: message %q", p.Summary)
	}
	bkWantSameList(t, "times offered to move to", p.Slots, bkWithout(bkValuesOf(bkExpectedSlots(bkMonday)), bkSlotValue(old)))
	if bkFind(p.Doc, tag("input", "name", "name")) != nil || !strings.Contains(bkText(bkFind(p.Doc, tag("button"))), "Move my session") {
		t.Error("the move form asks for details again, or has no Move button")
	}

	// Honeypot: nothing moves.
	if res := f.post(t, "/api/book/reschedule", bkWith(bkMoveForm(id, tok, to), "website")); res.Status != http.StatusOK {
		t.Errorf("no honeypot: got %s; want 200", res)
	}
	if b := f.booking(t, id); !b.Start.Equal(old) || b.Sequence != 0 {
		t.Fatalf("the honeypot post moved the booking: %+v", b)
	}

	// Move.
	res = f.post(t, "/api/book/reschedule", bkMoveForm(id, tok, to))
	if res.Status != http.StatusSeeOther {
		t.Fatalf("POST reschedule: got %s; want 303", res)
	}
	loc := res.Header.Get("Location")
	if got, _ := bkDoneLink(t, loc); got != id || !strings.HasSuffix(loc, "&moved=1") {
		t.Errorf("Location %q; want the same booking's done page, moved=1", loc)
	}
	d := bkDonePage(t, f.get(t, loc).Body)
	if !strings.Contains(d.Lede, "Your session has moved") || !strings.HasPrefix(d.When, "Thursday, December 10, 2026 at 1:00 PM CST (UTC−06:00)") ||
		!strings.HasPrefix(d.Local, "Friday, December 11, 2026 at 4:00 AM JST (UTC+09:00) Asia/Tokyo") {
		t.Errorf("moved page: %+v; want the time in the zone the move was sent from too", d)
	}
	b := f.booking(t, id)
	if !b.Start.Equal(to) || !b.End.Equal(to.Add(30*time.Minute)) || b.Sequence != 1 || b.CancelledAt != nil || b.Email != "ada@example.com" {
		t.Fatalf("moved booking: %+v", b)
	}
	if n := len(f.bookings(t)); n != 1 {
		t.Errorf("bookings: got %d, want still 1", n)
	}
	starts := f.slots(t, "/api/slots").starts()
	if !slices.Contains(starts, bkSlotValue(old)) || slices.Contains(starts, bkSlotValue(to)) {
		t.Errorf("after the move: old time offered %v, new time offered %v; want true, false", slices.Contains(starts, bkSlotValue(old)), slices.Contains(starts, bkSlotValue(to)))
	}
	ms := f.outbox(t)
	om, moved := bkOne(t, ms, "reschedule")
	if om.SentAt == nil || moved.To != "ada@example.com" || moved.Subject != "Your advisory session has moved: Friday, December 11 at 4:00 AM JST" ||
		!strings.Contains(moved.Text, "Your time: Friday, December 11 at 4:00 AM JST (Asia/Tokyo)") {
		t.Errorf("reschedule email: sent %v to %q subject %q:\n%s", om.SentAt, moved.To, moved.Subject, moved.Text)
	}
	inv := bkICS(t, moved)
	bkWantInvite(t, "reschedule invite", inv, b, "REQUEST", 1)
	if inv.UID != conf.Invite.UID || inv.Sequence <= conf.Invite.Sequence {
		t.Errorf("reschedule: UID %q SEQUENCE %d; want UID %q and a SEQUENCE above %d", inv.UID, inv.Sequence, conf.Invite.UID, conf.Invite.Sequence)
	}
	if _, notice := bkOne(t, ms, "reschedule-notice"); notice.To != bkNotify || !strings.HasPrefix(notice.Text, "Booking moved: Thursday, December 10 at 1:00 PM CST") {
		t.Errorf("reschedule notice to %q:\n%s", notice.To, notice.Text)
	}
	var sent []bkInvite
	for _, m := range f.emails(t)["ada@example.com"] {
		sent = append(sent, bkWantEmailInvite(t, m, "REQUEST"))
	}
	slices.SortFunc(sent, func(a, b bkInvite) int { return a.Sequence - b.Sequence })
	if len(sent) != 2 || sent[0].UID != sent[1].UID || sent[1].Sequence != 1 || sent[1].DTStart != "20261210T190000Z" {
		t.Errorf("invites sent to the prospect: %+v; want SEQUENCE 0 then 1 at 20261210T190000Z, one UID", sent)
	}

	// The links of the emails before the move no longer work; the new
	// ones do.
	if res := f.post(t, "/api/book/reschedule", bkMoveForm(id, tok, old)); res.Status != http.StatusConflict || !strings.Contains(res.Body, "This link is from an earlier email") {
		t.Errorf("a move with the link from before the first move: got %s; want 409, the link is from an earlier email", res)
	}
	tok = bkToken(loc)

	// The old time is free for someone else.
	f.book(t, bkValues(old, "grace@example.com"))

	// A taken time: 409, the booking stays, nothing queued.
	taken := bkDec(10, 13, 45)
	f.book(t, bkValues(taken, "linus@example.com"))
	before := len(f.outbox(t))
	res = f.post(t, "/api/book/reschedule", bkMoveForm(id, tok, taken))
	if res.Status != http.StatusConflict {
		t.Fatalf("move to a taken time: got %s; want 409", res)
	}
	p = bkFormPage(t, res.Body)
	if p.Errors["slot"] != bkMsgTaken || p.B != id || p.T != tok || len(p.Next) != 3 {
		t.Errorf("409 move form: slot %q, b %q, t %q, next %q", p.Errors["slot"], p.B, p.T, p.Next)
	}
	if again := f.booking(t, id); !again.Start.Equal(to) || again.Sequence != 1 {
		t.Errorf("after a refused move: %+v; want still at %v, Sequence 1", again, to)
	}
	if n := len(f.outbox(t)); n != before {
		t.Errorf("outbox after a refused move: got %d, want %d", n, before)
	}

	// Times that are not slots: 400 at the time.
	for _, bad := range []time.Time{bkDec(10, 13, 10), bkDec(7, 13, 0), bkDec(24, 9, 0)} {
		res := f.post(t, "/api/book/reschedule", bkMoveForm(id, tok, bad))
		if res.Status != http.StatusBadRequest || bkFormPage(t, res.Body).Errors["slot"] == "" {
			t.Errorf("move to %v: got %s; want 400 with a message at the time", bad, res)
		}
	}
	if res := f.post(t, "/api/book/reschedule", bkWith(bkMoveForm(id, tok, to), "slot", "soon")); res.Status != http.StatusBadRequest {
		t.Errorf("move to %q: got %s; want 400", "soon", res)
	}
	if again := f.booking(t, id); !again.Start.Equal(to) || again.Sequence != 1 {
		t.Errorf("after refused moves: %+v", again)
	}
}

// TestBookSecurityHeaders: every booking response, whatever its status,
// has the site's security headers and Cache-Control: no-store (checked by
// serve on every request of these tests; here one of each kind).
func TestBookSecurityHeaders(t *testing.T) {
	f := newBkFixture(t)
	id, done := f.book(t, bkValues(bkDec(8, 9, 0), "ada@example.com"))
	tok := bkToken(done)
	statuses := map[int]bool{}
	for _, r := range []func() bkResponse{
		func() bkResponse { return f.get(t, "/api/slots") },
		func() bkResponse { return f.get(t, "/api/book") },
		func() bkResponse { return f.post(t, "/api/book", bkValues(bkDec(8, 9, 45), "grace@example.com")) },
		func() bkResponse {
			return f.post(t, "/api/book", bkValues(bkDec(8, 10, 30), "linus@example.com"), bkAcceptJSON)
		},
		func() bkResponse {
			return f.post(t, "/api/book", bkWith(bkValues(bkDec(8, 11, 15), "x@example.com"), "consent"))
		},
		func() bkResponse { return f.post(t, "/api/book", bkValues(bkDec(8, 9, 0), "y@example.com")) },
		func() bkResponse { return f.send(t, http.MethodPost, "/api/book", "application/json", "{}") },
		func() bkResponse {
			return f.send(t, http.MethodPost, "/api/book", bkFormType, bkBodyOfSize(api.MaxBody+1))
		},
		func() bkResponse { return f.send(t, http.MethodPut, "/api/book", bkFormType, "") },
		func() bkResponse { return f.post(t, "/api/book", url.Values{"website": {"x"}}) },
		func() bkResponse { return f.get(t, done) },
		func() bkResponse { return f.get(t, "/api/book/done?b="+id+"&t=x") },
		func() bkResponse { return f.get(t, bkManage(done, "/api/book/cancel")) },
		func() bkResponse { return f.get(t, bkManage(done, "/api/book/reschedule")) },
		func() bkResponse { return f.post(t, "/api/book/reschedule", bkMoveForm(id, tok, bkDec(9, 9, 0))) },
		func() bkResponse { return f.post(t, "/api/book/cancel", bkCancelForm(id, tok)) },
		func() bkResponse { return f.get(t, "/api/book/nothing") },
	} {
		statuses[r().Status] = true
	}
	for i := range 11 {
		statuses[f.post(t, "/api/book", bkWith(bkValues(bkDec(9, 9, 0), fmt.Sprintf("r%d@example.com", i)), "consent"), bkFromIP("203.0.113.99")).Status] = true
	}
	for _, want := range []int{200, 201, 303, 400, 403, 404, 405, 409, 413, 415, 429} {
		if !statuses[want] {
			t.Errorf("no response with status %d was checked", want)
		}
	}
}

// TestRescheduleBadZone: a move sent with a zone that does not exist (an
// edited form) keeps the booking's own zone in its email, as a new
// booking's form does, instead of dropping the prospect's time.
func TestRescheduleBadZone(t *testing.T) {
	f := newBkFixture(t)
	old, to := bkDec(8, 9, 0), bkDec(10, 13, 0)
	id, done := f.book(t, bkValues(old, "ada@example.com"))
	if res := f.post(t, "/api/book/reschedule", bkWith(bkMoveForm(id, bkToken(done), to), "tz", "Not/A_Zone")); res.Status != http.StatusSeeOther {
		t.Fatalf("POST reschedule with a bad zone: got %s; want 303", res)
	}
	_, moved := bkOne(t, f.outbox(t), "reschedule")
	if !strings.Contains(moved.Text, "Your time: Thursday, December 10 at 7:00 PM GMT (Europe/London)") {
		t.Errorf("reschedule email after a bad zone: want the booking's own zone:\n%s", moved.Text)
	}
}
