package api_test

// Tests of the consultant's calendar feeds (CALENDAR_URLS) through the
// handler: their busy time is not offered, a booking over it is refused
// inside the transaction, a failing feed's last good copy serves for a
// day and then nothing is offered, and the consultant is alerted once.
// Helpers are prefixed cal.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cassidine/site/internal/api"
	"github.com/cassidine/site/internal/calendar"
	"github.com/cassidine/site/internal/calsync"
	"github.com/cassidine/site/internal/mail"
	"github.com/cassidine/site/internal/store"
	"github.com/cassidine/site/internal/store/storetest"
	"github.com/cassidine/site/internal/theme"
)

// calSecret is the secret part of the feeds' addresses: no page, JSON,
// email or log line may show it.
const calSecret = "private-d41d8cd98f00b204"

// calSiteEmail is site.toml's email, where visitors are sent while
// booking is paused.
const calSiteEmail = "hello@cassidineconsulting.com"

// calServer serves one calendar feed at /<secret>/basic.ics, whose body
// and status a test changes, and counts its requests.
type calServer struct {
	*httptest.Server
	mu      sync.Mutex
	body    string
	status  int
	slow    bool
	fetches atomic.Int32
	release chan struct{}
}

func newCalServer(t testing.TB, body string) *calServer {
	t.Helper()
	s := &calServer{body: body, release: make(chan struct{})}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fetches.Add(1)
		s.mu.Lock()
		body, status, slow := s.body, s.status, s.slow
		s.mu.Unlock()
		if slow {
			select {
			case <-s.release:
			case <-r.Context().Done():
			}
			return
		}
		if status != 0 {
			http.Error(w, "unavailable", status)
			return
		}
		w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
		fmt.Fprint(w, body)
	}))
	t.Cleanup(func() { close(s.release); s.Close() })
	return s
}

func (s *calServer) url() string { return s.URL + "/" + calSecret + "/basic.ics" }

func (s *calServer) set(body string, status int, slow bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.body, s.status, s.slow = body, status, slow
}

// calFeed is an iCalendar feed with one event per pair of times.
func calFeed(events ...[2]time.Time) string {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n")
	for i, e := range events {
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:event-%d@example.com\r\nDTSTAMP:20261201T000000Z\r\nDTSTART:%s\r\nDTEND:%s\r\nSUMMARY:Busy\r\nEND:VEVENT\r\n",
			i, e[0].UTC().Format("20060102T150405Z"), e[1].UTC().Format("20060102T150405Z"))
	}
	b.WriteString("END:VCALENDAR\r\n")
	return b.String()
}

// calLog collects the handler's log, to look for secrets in it.
type calLog struct {
	t  testing.TB
	mu sync.Mutex
	b  strings.Builder
}

func (l *calLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	l.b.Write(p)
	l.mu.Unlock()
	l.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

func (l *calLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// newCalFixture is the booking fixture with the feeds of srvs as
// CALENDAR_URLS.
func newCalFixture(t testing.TB, log *calLog, srvs []*calServer, opts ...bkOption) *bkFixture {
	t.Helper()
	opts = append(opts, bkWithDeps(func(d *api.Deps) {
		for _, s := range srvs {
			d.Calendars = append(d.Calendars, s.url())
		}
		d.Client = srvs[0].Client()
		if log != nil {
			d.Log = slogTo(log)
		}
	}))
	return newBkFixture(t, opts...)
}

// calNoSecret fails if s shows a feed's address.
func calNoSecret(t testing.TB, what, s string) {
	t.Helper()
	if strings.Contains(s, calSecret) {
		t.Errorf("%s shows a calendar feed's secret address", what)
	}
}

// calSlots is GET /api/slots with its pause fields.
type calSlots struct {
	Slots []struct {
		Start string `json:"start"`
	} `json:"slots"`
	Paused  bool   `json:"paused"`
	Message string `json:"message"`
	Email   string `json:"email"`
}

func (f *bkFixture) calSlots(t testing.TB) (calSlots, bkResponse) {
	t.Helper()
	res := f.get(t, "/api/slots")
	var v calSlots
	if res.Status != http.StatusOK {
		t.Fatalf("GET /api/slots: %s", res)
	}
	if err := json.Unmarshal([]byte(res.Body), &v); err != nil {
		t.Fatalf("GET /api/slots: %v\n%s", err, res.Body)
	}
	calNoSecret(t, "GET /api/slots", res.Body)
	return v, res
}

func (v calSlots) starts() []string {
	var out []string
	for _, s := range v.Slots {
		out = append(out, s.Start)
	}
	return out
}

// wantPaused fails unless GET /api/slots and GET /api/book offer nothing
// and send visitors to the site's email.
func (f *bkFixture) wantPaused(t testing.TB, what string) {
	t.Helper()
	v, _ := f.calSlots(t)
	if !v.Paused || len(v.Slots) != 0 || v.Email != calSiteEmail || !strings.Contains(v.Message, calSiteEmail) {
		t.Errorf("%s: GET /api/slots got paused %v, %d slots, email %q, message %q; want paused, none, and the site's email",
			what, v.Paused, len(v.Slots), v.Email, v.Message)
	}
	res := f.get(t, "/api/book")
	if res.Status != http.StatusOK {
		t.Fatalf("%s: GET /api/book: %s", what, res)
	}
	p := bkFormPage(t, res.Body)
	note := bkText(bkFind(p.Doc, tag("p", "data-slot-paused", "*")))
	link := bkFind(p.Doc, tag("a", "href", "mailto:"+calSiteEmail))
	if len(p.Slots) != 0 || !strings.Contains(note, "Online booking is paused") || link == nil {
		t.Errorf("%s: GET /api/book got %d times and the note %q; want none, and the paused note linking to %s", what, len(p.Slots), note, calSiteEmail)
	}
}

// calAlerts are the alerts about calendar feeds in the outbox.
func (f *bkFixture) calAlerts(t testing.TB) []store.OutboxMessage {
	t.Helper()
	msgs, err := f.st.Outbox(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	return bkOutboxKind(msgs, "calendar-alert")
}

// TestSlotsCalendarBusy: a feed's events take the times they overlap,
// with the buffer, all-day ones whole days; the feed is fetched once per
// calsync.RefreshAfter whatever the requests.
func TestSlotsCalendarBusy(t *testing.T) {
	srv := newCalServer(t, calFeed(
		[2]time.Time{bkDec(8, 10, 0), bkDec(8, 10, 40)}, // takes 09:45 (buffer) and 10:30
		[2]time.Time{bkDec(10, 0, 0), bkDec(11, 0, 0)},  // Thursday 10 December, all day
	))
	log := &calLog{t: t}
	f := newCalFixture(t, log, []*calServer{srv})
	want := bkValuesOf(bkExpectedSlots(bkMonday))
	want = bkWithout(want, bkSlotValue(bkDec(8, 9, 45)), bkSlotValue(bkDec(8, 10, 30)))
	want = slices.DeleteFunc(want, func(v string) bool {
		s, _ := time.Parse(time.RFC3339, v)
		return s.In(bkChicago).Day() == 10 && s.Month() == time.December
	})
	got, _ := f.calSlots(t)
	bkWantSameList(t, "slots with the calendar's events", got.starts(), want)
	if got.Paused {
		t.Error("paused with a feed that works")
	}
	// The page without a script lists the same times.
	p := bkFormPage(t, f.get(t, "/api/book").Body)
	bkWantSameList(t, "GET /api/book", p.Slots, want)
	if n := srv.fetches.Load(); n != 1 {
		t.Errorf("the feed was fetched %d times for two requests, want 1", n)
	}
	// A copy older than RefreshAfter is fetched again: the event moved.
	srv.set(calFeed([2]time.Time{bkDec(8, 13, 0), bkDec(8, 13, 30)}), 0, false)
	f.clock.Set(bkMonday.Add(calsync.RefreshAfter - time.Second))
	bkWantSameList(t, "slots within RefreshAfter", f.calSlots0(t), want)
	f.clock.Set(bkMonday.Add(calsync.RefreshAfter))
	moved := bkWithout(bkValuesOf(bkExpectedSlots(bkMonday)), bkSlotValue(bkDec(8, 13, 0)))
	bkWantSameList(t, "slots once the copy is refreshed", f.calSlots0(t), moved)
	if n := srv.fetches.Load(); n != 2 {
		t.Errorf("the feed was fetched %d times, want 2", n)
	}
	calNoSecret(t, "the log", log.String())
}

func (f *bkFixture) calSlots0(t testing.TB) []string {
	t.Helper()
	v, _ := f.calSlots(t)
	return v.starts()
}

// calRaceStore lets a test change the calendar cache between the
// handler's check of a time and the booking's transaction, as another
// instance's refresh would.
type calRaceStore struct {
	store.Store
	before func()
}

func (s calRaceStore) CreateBooking(ctx context.Context, b *store.Booking, msgs []store.OutboxMessage, g store.Guard) error {
	s.before()
	return s.Store.CreateBooking(ctx, b, msgs, g)
}

func (s calRaceStore) RescheduleBooking(ctx context.Context, id string, start, end time.Time, g store.Guard, build func(*store.Booking) ([]store.OutboxMessage, error)) (*store.Booking, error) {
	s.before()
	return s.Store.RescheduleBooking(ctx, id, start, end, g, build)
}

// TestBookOverEventRefused: a time the page offered is refused once the
// consultant's calendar has an event there: by the check before the
// transaction when the booking's refresh sees it, and inside the
// transaction when the cache changes after that check.
func TestBookOverEventRefused(t *testing.T) {
	for _, b := range []struct {
		name    string
		backend storetest.Backend
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}} {
		t.Run(b.name, func(t *testing.T) {
			srv := newCalServer(t, calFeed())
			real := storetest.MustOpen(t, b.backend(t))
			var race func()
			st := calRaceStore{Store: real, before: func() {
				if race != nil {
					race()
				}
			}}
			f := newCalFixture(t, nil, []*calServer{srv}, bkWithStore(st))
			nine := bkSlotValue(bkDec(8, 9, 0))
			if !slices.Contains(f.calSlots0(t), nine) {
				t.Fatal("Tuesday 09:00 is not offered to start with")
			}

			// The feed changes; the booking's own refresh sees it.
			srv.set(calFeed([2]time.Time{bkDec(8, 9, 0), bkDec(8, 9, 30)}), 0, false)
			f.clock.Set(bkMonday.Add(calsync.RefreshAfter))
			res := f.post(t, "/api/book", bkValues(bkDec(8, 9, 0), "ada@example.com"))
			if res.Status != http.StatusConflict || !strings.Contains(res.Body, "Someone has just booked that time") {
				t.Errorf("booking over a new event: got %s; want 409 taken", res)
			}

			// The cache changes after the check, before the transaction:
			// the transaction refuses.
			key := calsync.Key(srv.url())
			race = func() {
				race = nil
				at := f.clock.Now()
				tok, err := real.ClaimCalendarFeed(context.Background(), key, calendar.Redact(srv.url()), at, 0, time.Minute)
				if err != nil || tok == "" {
					t.Errorf("claim: %q, %v", tok, err)
					return
				}
				busy := []calendar.Interval{{Start: bkDec(8, 9, 0), End: bkDec(8, 9, 30)}, {Start: bkDec(8, 13, 0), End: bkDec(8, 13, 30)}}
				if _, err := real.SaveCalendarFeed(context.Background(), key, tok, store.CalendarFetch{At: at, Busy: busy}, nil); err != nil {
					t.Error(err)
				}
			}
			res = f.post(t, "/api/book", bkValues(bkDec(8, 13, 0), "grace@example.com"), bkAcceptJSON)
			if res.Status != http.StatusConflict {
				t.Errorf("booking over an event that appeared after the check: got %s; want 409", res)
			}
			if got := f.bookings(t); len(got) != 0 {
				t.Errorf("%d bookings stored, want none", len(got))
			}

			// A move onto an event is refused the same way; the booking stays.
			id, done := f.book(t, bkValues(bkDec(8, 10, 30), "lin@example.com"))
			race = func() {
				race = nil
				at := f.clock.Now()
				tok, _ := real.ClaimCalendarFeed(context.Background(), key, calendar.Redact(srv.url()), at, 0, time.Minute)
				busy := []calendar.Interval{{Start: bkDec(8, 9, 0), End: bkDec(8, 9, 30)}, {Start: bkDec(8, 14, 30), End: bkDec(8, 15, 0)}}
				real.SaveCalendarFeed(context.Background(), key, tok, store.CalendarFetch{At: at, Busy: busy}, nil)
			}
			move := f.post(t, "/api/book/reschedule", urlValues("b", id, "t", bkToken(done), "slot", bkSlotValue(bkDec(8, 14, 30)), "website", ""))
			if move.Status != http.StatusConflict {
				t.Errorf("moving onto an event that appeared after the check: got %s; want 409", move)
			}
			if got := f.booking(t, id); !got.Start.Equal(bkDec(8, 10, 30)) {
				t.Errorf("after the refused move the booking starts at %v, want %v", got.Start, bkDec(8, 10, 30))
			}
		})
	}
}

// TestCalendarDown: a feed that never worked offers nothing and says to
// email; one that worked serves its last copy for a day, then offers
// nothing; the consultant is alerted once, and again only after it
// recovered and failed anew.
func TestCalendarDown(t *testing.T) {
	srv := newCalServer(t, "")
	srv.set("", http.StatusInternalServerError, false)
	log := &calLog{t: t}
	f := newCalFixture(t, log, []*calServer{srv})

	f.wantPaused(t, "a feed that never worked")
	// Booking and moving are refused too: 503, the details kept.
	v := bkValues(bkDec(8, 9, 0), "ada@example.com")
	res := f.post(t, "/api/book", v)
	p := bkFormPage(t, res.Body)
	if res.Status != http.StatusServiceUnavailable || !strings.Contains(p.Summary, "Nothing was booked") || bkFind(p.Doc, tag("a", "href", "mailto:"+calSiteEmail)) == nil {
		t.Errorf("POST /api/book while paused: got %s; want 503, the note and the site's email", res)
	}
	p.wantValuesKept(t, v)
	res = f.post(t, "/api/book", v, bkAcceptJSON)
	if res.Status != http.StatusServiceUnavailable || !strings.Contains(res.Body, calSiteEmail) {
		t.Errorf("POST /api/book (JSON) while paused: got %s; want 503 with the site's email", res)
	}
	if got := f.bookings(t); len(got) != 0 {
		t.Errorf("%d bookings while paused, want none", len(got))
	}

	// One alert, sent at once (an .eml file here), however often it fails.
	for i := 1; i <= 3; i++ {
		f.clock.Set(bkMonday.Add(time.Duration(i) * calsync.RefreshAfter))
		f.wantPaused(t, "still failing")
	}
	alerts := f.calAlerts(t)
	if len(alerts) != 1 || alerts[0].To != bkNotify || alerts[0].SentAt == nil {
		t.Fatalf("alerts: %d, want 1, to %s, sent", len(alerts), bkNotify)
	}
	m := bkDecode(t, alerts[0])
	for _, want := range []string{calendar.Redact(srv.url()), "has not worked", "500 Internal Server Error", calSiteEmail, "site leads calendars -refresh"} {
		if !strings.Contains(m.Subject+"\n"+m.Text, want) {
			t.Errorf("the alert does not say %q:\n%s\n%s", want, m.Subject, m.Text)
		}
	}
	calNoSecret(t, "the alert", m.Subject+m.Text)

	// It works: times again, minus its events.
	srv.set(calFeed([2]time.Time{bkDec(8, 9, 0), bkDec(8, 9, 30)}), 0, false)
	good := bkMonday.Add(time.Hour)
	f.clock.Set(good)
	all := bkValuesOf(bkExpectedSlots(good))
	if got, _ := f.calSlots(t); got.Paused || !slices.Equal(got.starts(), bkWithout(all, bkSlotValue(bkDec(8, 9, 0)))) {
		t.Errorf("once the feed works: paused %v, %d slots; want the times minus its event", got.Paused, len(got.Slots))
	}
	// It fails again: the last good copy serves for a day...
	srv.set("", http.StatusBadGateway, false)
	for _, after := range []time.Duration{calsync.RefreshAfter, 12 * time.Hour, calsync.MaxAge} {
		f.clock.Set(good.Add(after))
		got, _ := f.calSlots(t)
		if got.Paused || slices.Contains(got.starts(), bkSlotValue(bkDec(8, 9, 0))) || len(got.Slots) == 0 {
			t.Errorf("%v after the last good copy: paused %v, %d slots; want the copy's times", after, got.Paused, len(got.Slots))
		}
	}
	if n := len(f.calAlerts(t)); n != 1 {
		t.Errorf("%d alerts while the last good copy serves, want still 1", n)
	}
	// ...and then nothing is offered, and the consultant hears again, once.
	for i := 1; i <= 3; i++ {
		f.clock.Set(good.Add(calsync.MaxAge + time.Duration(i)*calsync.RefreshAfter))
		f.wantPaused(t, "a day after the last good copy")
	}
	alerts = f.calAlerts(t)
	if len(alerts) != 2 {
		t.Fatalf("alerts after it recovered and failed anew: %d, want 2", len(alerts))
	}
	if m := bkDecode(t, alerts[1]); !strings.Contains(m.Text, "It last worked on") || !strings.Contains(m.Text, "502 Bad Gateway") {
		t.Errorf("the second alert:\n%s", m.Text)
	}
	calNoSecret(t, "the log", log.String())
}

// TestSlowFeed: a feed that does not answer holds no request past its
// time: the request answers from the last good copy, or paused without
// one.
func TestSlowFeed(t *testing.T) {
	srv := newCalServer(t, calFeed([2]time.Time{bkDec(8, 9, 0), bkDec(8, 9, 30)}))
	f := newCalFixture(t, nil, []*calServer{srv}, bkWithBudget(900*time.Millisecond))
	f.calSlots0(t) // a good copy
	srv.set("", 0, true)
	f.clock.Set(bkMonday.Add(calsync.RefreshAfter))
	start := time.Now()
	got := f.calSlots0(t)
	if took := time.Since(start); took > 900*time.Millisecond {
		t.Errorf("GET /api/slots took %v with a budget of 900ms", took)
	}
	if len(got) == 0 || slices.Contains(got, bkSlotValue(bkDec(8, 9, 0))) {
		t.Errorf("with the feed hanging: %d slots; want the last good copy's", len(got))
	}
	rows, err := f.st.CalendarFeeds(context.Background(), []string{calsync.Key(srv.url())})
	if err != nil || len(rows) != 1 || !strings.Contains(rows[0].Error, "no answer in time") || rows[0].LeaseUntil != nil {
		t.Errorf("the feed's row after the slow attempt: %+v, %v", rows, err)
	}

	// Without a copy: paused, in time.
	slow := newCalServer(t, "")
	slow.set("", 0, true)
	g := newCalFixture(t, nil, []*calServer{slow}, bkWithBudget(900*time.Millisecond))
	start = time.Now()
	g.wantPaused(t, "a feed that never answered")
	if took := time.Since(start); took > 2*900*time.Millisecond {
		t.Errorf("two requests took %v with a budget of 900ms each", took)
	}
}

// TestSlotsConcurrentFetchOnce: a burst of requests fetches each feed once
// per RefreshAfter.
func TestSlotsConcurrentFetchOnce(t *testing.T) {
	for _, b := range []struct {
		name    string
		backend storetest.Backend
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}} {
		t.Run(b.name, func(t *testing.T) {
			a := newCalServer(t, calFeed([2]time.Time{bkDec(8, 9, 0), bkDec(8, 9, 30)}))
			c := newCalServer(t, calFeed([2]time.Time{bkDec(9, 9, 0), bkDec(9, 9, 30)}))
			st := storetest.MustOpen(t, b.backend(t))
			f := newCalFixture(t, nil, []*calServer{a, c}, bkWithStore(st), bkQuiet)
			for round := int32(1); round <= 2; round++ {
				var wg sync.WaitGroup
				var paused atomic.Int32
				for range 24 {
					wg.Go(func() {
						res := f.get(t, "/api/slots")
						if res.Status != http.StatusOK {
							t.Errorf("GET /api/slots: %s", res)
						}
						if strings.Contains(res.Body, `"paused":true`) {
							paused.Add(1)
						}
					})
				}
				wg.Wait()
				for _, s := range []*calServer{a, c} {
					if n := s.fetches.Load(); n != round {
						t.Errorf("round %d: a feed fetched %d times in all, want %d", round, n, round)
					}
				}
				if round > 1 && paused.Load() > 0 {
					t.Errorf("round %d: %d requests answered paused with a good copy in the cache", round, paused.Load())
				}
				f.clock.Set(bkMonday.Add(time.Duration(round) * calsync.RefreshAfter))
			}
		})
	}
}

// TestRefreshCalendars: the hourly job's method fetches the feeds that
// are due and sends the alert it queued.
func TestRefreshCalendars(t *testing.T) {
	srv := newCalServer(t, "")
	srv.set("", http.StatusNotFound, false)
	dir := t.TempDir()
	env := map[string]string{"DATA_DIR": dir, "CALENDAR_URLS": srv.url() + "\n" + srv.url()}
	fn, err := api.Open(context.Background(), api.Options{Getenv: func(k string) string { return env[k] }, Sources: bkSources(), Local: true})
	if err != nil {
		t.Fatal(err)
	}
	defer fn.Close()
	if s := fn.String(); !strings.Contains(s, "calendars "+calendar.Redact(srv.url())) || strings.Contains(s, calSecret) {
		t.Errorf("String: %q, want the feed named as Redact does", s)
	}
	err = fn.RefreshCalendars(context.Background())
	if err == nil || !strings.Contains(err.Error(), "404 Not Found") {
		t.Errorf("RefreshCalendars: got %v, want the feed's 404", err)
	}
	if err != nil {
		calNoSecret(t, "RefreshCalendars' error", err.Error())
	}
	if n := srv.fetches.Load(); n != 1 {
		t.Errorf("the feed, listed twice, was fetched %d times, want 1", n)
	}
	// The alert went out: an .eml under DATA_DIR/mail.
	files, _ := filepath.Glob(filepath.Join(dir, "mail", "*.eml"))
	if len(files) != 1 {
		t.Errorf("%d emails written, want the alert", len(files))
	}
	// Fresh now: nothing to do.
	if err := fn.RefreshCalendars(context.Background()); err != nil || srv.fetches.Load() != 1 {
		t.Errorf("a second RefreshCalendars at once: %v, %d fetches; want nothing done", err, srv.fetches.Load())
	}
	// Without feeds: nothing.
	env = map[string]string{"DATA_DIR": t.TempDir()}
	fn2, err := api.Open(context.Background(), api.Options{Getenv: func(k string) string { return env[k] }, Sources: bkSources(), Local: true})
	if err != nil {
		t.Fatal(err)
	}
	defer fn2.Close()
	if err := fn2.RefreshCalendars(context.Background()); err != nil {
		t.Errorf("RefreshCalendars without feeds: %v", err)
	}
}

// slogTo is a text logger writing to w.
func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// urlValues makes form values of key, value pairs.
func urlValues(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// bkDecode decodes a queued message.
func bkDecode(t testing.TB, m store.OutboxMessage) mail.Message {
	t.Helper()
	msg, err := mail.Decode(m.Payload)
	if err != nil {
		t.Fatalf("outbox %q payload: %v", m.Kind, err)
	}
	return msg
}

// bkSources is the real site, as api.Open reads it.
func bkSources() theme.Sources { return theme.FromRoot(os.DirFS("../..")) }

// TestHourlyRefreshesCalendars: the hourly scheduled run (cmd/tasks)
// refreshes the calendar feeds too, so a broken feed is noticed, and the
// consultant alerted, within the hour even when nobody visits.
func TestHourlyRefreshesCalendars(t *testing.T) {
	srv := newCalServer(t, "")
	srv.set("", http.StatusNotFound, false)
	dir := t.TempDir()
	env := map[string]string{"DATA_DIR": dir, "CALENDAR_URLS": srv.url()}
	fn, err := api.Open(context.Background(), api.Options{Getenv: func(k string) string { return env[k] }, Sources: bkSources(), Local: true})
	if err != nil {
		t.Fatal(err)
	}
	defer fn.Close()
	if err := fn.Hourly(context.Background()); err == nil || !strings.Contains(err.Error(), "404 Not Found") {
		t.Errorf("Hourly: got %v, want the feed's 404 among its errors", err)
	}
	if n := srv.fetches.Load(); n != 1 {
		t.Errorf("the feed was fetched %d times by the hourly run, want 1", n)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "mail", "*.eml")); len(files) != 1 {
		t.Errorf("%d emails written by the hourly run, want the alert", len(files))
	}
}
