package calsync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cassidine/site/internal/calendar"
	"github.com/cassidine/site/internal/calsync"
	"github.com/cassidine/site/internal/store"
	"github.com/cassidine/site/internal/store/storetest"
)

// now is the clock of the tests: the fixture calendars of package
// calendar hold their events in March and April 2026.
var now = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

var newYork, _ = time.LoadLocation("America/New_York")

// secret is the part of every feed's address that must appear in no row,
// error or log line.
const secret = "private-7f3a9c15e2d84b06"

// feedServer serves calendar feeds at /<secret>/<name>: the fixtures of
// package calendar by name, and whatever a test sets. It counts the
// requests per name.
type feedServer struct {
	*httptest.Server
	mu      sync.Mutex
	bodies  map[string][]byte
	status  map[string]int
	release chan struct{} // closed when the test ends: the slow feed answers
	hits    sync.Map      // name → *atomic.Int32
}

func newFeedServer(t testing.TB) *feedServer {
	t.Helper()
	s := &feedServer{bodies: map[string][]byte{}, status: map[string]int{}, release: make(chan struct{})}
	for _, name := range []string{"google.ics", "outlook.ics", "icloud.ics"} {
		data, err := os.ReadFile(filepath.Join("..", "calendar", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		s.bodies[name] = data
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(func() { close(s.release); s.Close() })
	return s
}

func (s *feedServer) serve(w http.ResponseWriter, r *http.Request) {
	name := filepath.Base(r.URL.Path)
	n, _ := s.hits.LoadOrStore(name, new(atomic.Int32))
	n.(*atomic.Int32).Add(1)
	if !strings.Contains(r.URL.Path, secret) {
		http.NotFound(w, r)
		return
	}
	if name == "slow.ics" {
		select {
		case <-s.release:
		case <-r.Context().Done():
		}
		return
	}
	s.mu.Lock()
	body, status := s.bodies[name], s.status[name]
	s.mu.Unlock()
	if status != 0 {
		http.Error(w, "the calendar is having a bad day", status)
		return
	}
	if body == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Write(body)
}

// url is the secret address of the feed name.
func (s *feedServer) url(name string) string { return s.URL + "/" + secret + "/" + name }

// set makes name answer status (0: its body).
func (s *feedServer) set(name string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status[name] = status
}

func (s *feedServer) setBody(name string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bodies[name] = body
}

// fetches is how many times name was requested.
func (s *feedServer) fetches(name string) int {
	n, ok := s.hits.Load(name)
	if !ok {
		return 0
	}
	return int(n.(*atomic.Int32).Load())
}

// logBuffer collects a logger's output, safe for concurrent writers.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// alerts counts the alerts Feeds asked for, and queues each.
type alerts struct{ n atomic.Int32 }

func (a *alerts) alert(f store.CalendarFeed) ([]store.OutboxMessage, error) {
	a.n.Add(1)
	return []store.OutboxMessage{{Kind: "calendar-alert", To: "consultant@example.com", Payload: []byte(`{"subject":"` + f.Label + `"}`)}}, nil
}

// newFeeds is Feeds over the feeds names of srv and st, logging to log.
func newFeeds(st store.Store, srv *feedServer, log *logBuffer, a *alerts, names ...string) *calsync.Feeds {
	f := &calsync.Feeds{Store: st, Client: srv.Client(), Zone: newYork, Days: 30, Log: slog.New(slog.NewTextHandler(log, nil))}
	if a != nil {
		f.Alert = a.alert
	}
	for _, n := range names {
		f.URLs = append(f.URLs, srv.url(n))
	}
	return f
}

// wantNoSecret fails if s holds the secret part of an address.
func wantNoSecret(t testing.TB, what, s string) {
	t.Helper()
	if strings.Contains(s, secret) {
		t.Errorf("%s gives away the feed's address:\n%s", what, s)
	}
}

// parsed is what calendar.Parse reads from a fixture over the window
// Feeds reads at now.
func parsed(t testing.TB, srv *feedServer, name string, at time.Time) []calendar.Interval {
	t.Helper()
	feed, err := calendar.Parse(srv.bodies[name], newYork, at.Add(-24*time.Hour), at.AddDate(0, 0, 33))
	if err != nil {
		t.Fatal(err)
	}
	return feed.Busy
}

func TestRefreshAndBusy(t *testing.T) {
	srv := newFeedServer(t)
	st := storetest.MustOpen(t, storetest.SQLite(t))
	var log logBuffer
	f := newFeeds(st, srv, &log, nil, "google.ics", "outlook.ics", "icloud.ics")

	if err := f.Refresh(t.Context(), now, calsync.RefreshAfter, time.Second); err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	busy, down, err := f.Busy(t.Context(), now)
	if err != nil || len(down) > 0 {
		t.Fatalf("Busy: down %v, %v", down, err)
	}
	var all []calendar.Interval
	for _, n := range []string{"google.ics", "outlook.ics", "icloud.ics"} {
		all = append(all, parsed(t, srv, n, now)...)
	}
	if want := calendar.Merge(all); !slices.Equal(busy, want) {
		t.Errorf("Busy: got %d intervals, want the %d the three feeds give:\ngot  %v\nwant %v", len(busy), len(want), busy, want)
	}
	// Google's two days out of office, in the consultant's zone.
	out := calendar.Interval{Start: time.Date(2026, 3, 12, 0, 0, 0, 0, newYork).UTC(), End: time.Date(2026, 3, 14, 0, 0, 0, 0, newYork).UTC()}
	if !slices.ContainsFunc(busy, func(iv calendar.Interval) bool { return !iv.Start.After(out.Start) && !iv.End.Before(out.End) }) {
		t.Errorf("Busy holds nothing covering the all-day days %v", out)
	}

	// Nothing in the store names a feed but as Redact does.
	rows, err := st.CalendarFeeds(t.Context(), f.Keys())
	if err != nil || len(rows) != 3 {
		t.Fatalf("CalendarFeeds: %d rows, %v", len(rows), err)
	}
	dump, _ := json.Marshal(rows)
	wantNoSecret(t, "the cached rows", string(dump))
	for _, r := range rows {
		if want := "http://" + strings.TrimPrefix(srv.URL, "http://") + "/…"; r.Label != want {
			t.Errorf("label: got %q, want %q", r.Label, want)
		}
	}

	// Fresh copies are not fetched again until RefreshAfter.
	for _, at := range []time.Duration{time.Minute, calsync.RefreshAfter - time.Second} {
		if err := f.Refresh(t.Context(), now.Add(at), calsync.RefreshAfter, time.Second); err != nil {
			t.Fatal(err)
		}
	}
	if got := srv.fetches("google.ics"); got != 1 {
		t.Errorf("google.ics fetched %d times within %v, want 1", got, calsync.RefreshAfter)
	}
	if err := f.Refresh(t.Context(), now.Add(calsync.RefreshAfter), calsync.RefreshAfter, time.Second); err != nil {
		t.Fatal(err)
	}
	if got := srv.fetches("google.ics"); got != 2 {
		t.Errorf("google.ics fetched %d times after %v, want 2", got, calsync.RefreshAfter)
	}
	// every 0 (site leads calendars -refresh) fetches regardless.
	if err := f.Refresh(t.Context(), now.Add(calsync.RefreshAfter), 0, time.Second); err != nil {
		t.Fatal(err)
	}
	if got := srv.fetches("google.ics"); got != 3 {
		t.Errorf("google.ics fetched %d times after a forced refresh, want 3", got)
	}

	sts, err := f.Statuses(t.Context(), now)
	if err != nil || len(sts) != 3 {
		t.Fatalf("Statuses: %v, %v", sts, err)
	}
	for i, n := range []string{"google.ics", "outlook.ics", "icloud.ics"} {
		want := 0
		for _, iv := range parsed(t, srv, n, now.Add(calsync.RefreshAfter)) {
			if iv.Start.Before(now.AddDate(0, 0, 30)) && iv.End.After(now) {
				want++
			}
		}
		if s := sts[i]; s.Down || s.Feed == nil || s.Blocks != want || s.Feed.Error != "" {
			t.Errorf("Statuses of %s: %+v, want a feed that works, with %d busy blocks", n, s, want)
		}
	}
	wantNoSecret(t, "the log", log.String())
}

// TestRefreshFailures: each way a feed fails is recorded, redacted, with
// nothing offered and the consultant alerted once.
func TestRefreshFailures(t *testing.T) {
	srv := newFeedServer(t)
	srv.set("500.ics", http.StatusInternalServerError)
	srv.setBody("big.ics", append([]byte("BEGIN:VCALENDAR\r\n"), bytes.Repeat([]byte("X-PAD:0123456789abcdef\r\n"), calendar.MaxFeedBytes/24+1)...))
	srv.setBody("page.ics", []byte("<!doctype html><title>Sign in</title>"))
	for _, tc := range []struct {
		name, want string
		is         error
	}{
		{"500.ics", "the server answered 500 Internal Server Error", nil},
		{"slow.ics", "no answer in time", context.DeadlineExceeded},
		{"big.ics", "limit", calendar.ErrTooLarge},
		{"page.ics", "not an iCalendar feed", nil},
		{"gone.ics", "404 Not Found (the calendar's secret address may have been reset", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := storetest.MustOpen(t, storetest.SQLite(t))
			var log logBuffer
			var a alerts
			f := newFeeds(st, srv, &log, &a, "google.ics", tc.name)
			const timeout = 200 * time.Millisecond
			start := time.Now()
			err := f.Refresh(t.Context(), now, calsync.RefreshAfter, timeout)
			if took := time.Since(start); took > timeout+2*time.Second {
				t.Errorf("Refresh took %v with a timeout of %v", took, timeout)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("Refresh: got %v, want an error with %q", err, tc.want)
			}
			if err != nil {
				wantNoSecret(t, "the error", err.Error())
			}
			_, down, err := f.Busy(t.Context(), now)
			if err != nil || len(down) != 1 || down[0] != calendar.Redact(srv.url(tc.name)) {
				t.Errorf("Busy: down %v, %v; want the failing feed, redacted", down, err)
			}
			rows, _ := st.CalendarFeeds(t.Context(), f.Keys())
			if len(rows) != 2 || !strings.Contains(rows[1].Error, tc.want) || rows[1].LeaseUntil != nil || rows[1].GoodAt != nil {
				t.Errorf("the failing feed's row: %+v, want its error recorded and the claim released", rows[1:])
			}
			if a.n.Load() != 1 {
				t.Errorf("alerts: %d, want 1", a.n.Load())
			}
			dump, _ := json.Marshal(rows)
			wantNoSecret(t, "the rows", string(dump))
			wantNoSecret(t, "the log", log.String())
			if !strings.Contains(log.String(), tc.want) {
				t.Errorf("the log does not say %q:\n%s", tc.want, log.String())
			}
		})
	}
}

// TestLastGoodCopy: a failing feed's last good copy serves for a day;
// then the feed is down and the consultant is told, once, and again only
// after it worked and failed anew.
func TestLastGoodCopy(t *testing.T) {
	srv := newFeedServer(t)
	st := storetest.MustOpen(t, storetest.SQLite(t))
	var log logBuffer
	var a alerts
	f := newFeeds(st, srv, &log, &a, "google.ics")
	refresh := func(at time.Time) error { return f.Refresh(t.Context(), at, calsync.RefreshAfter, time.Second) }
	good := now // when the last good copy was made
	wantBusy := func(what string, at time.Time, wantDown bool) {
		t.Helper()
		busy, down, err := f.Busy(t.Context(), at)
		switch {
		case err != nil:
			t.Fatalf("%s: Busy: %v", what, err)
		case wantDown && len(down) != 1:
			t.Errorf("%s: down %v, want the feed", what, down)
		case !wantDown && (len(down) != 0 || !slices.Equal(busy, parsed(t, srv, "google.ics", good))):
			t.Errorf("%s: down %v, %d busy blocks; want the last good copy", what, down, len(busy))
		}
	}
	if err := refresh(now); err != nil {
		t.Fatal(err)
	}
	srv.set("google.ics", http.StatusInternalServerError)
	for _, at := range []time.Duration{calsync.RefreshAfter, time.Hour, 23 * time.Hour, calsync.MaxAge} {
		if err := refresh(now.Add(at)); err == nil {
			t.Fatalf("refresh at +%v: no error from a feed answering 500", at)
		}
		wantBusy(fmt.Sprintf("failing for %v", at), now.Add(at), false)
	}
	if a.n.Load() != 0 {
		t.Errorf("%d alerts while the last good copy serves, want 0", a.n.Load())
	}
	// A day and a bit: down, alerted once however often it is tried.
	for i := range 4 {
		at := now.Add(calsync.MaxAge + time.Duration(i+1)*calsync.RefreshAfter)
		refresh(at)
		wantBusy("a day after the last good copy", at, true)
	}
	if a.n.Load() != 1 {
		t.Errorf("%d alerts after four failed attempts past a day, want 1", a.n.Load())
	}
	if msgs, _ := st.Outbox(t.Context(), false); len(msgs) != 1 || msgs[0].Kind != "calendar-alert" {
		t.Errorf("outbox: %d messages, want the one alert", len(msgs))
	}
	// It works again, then fails anew for a day: a second alert.
	srv.set("google.ics", 0)
	back := now.Add(30 * time.Hour)
	if err := refresh(back); err != nil {
		t.Fatal(err)
	}
	good = back
	wantBusy("once it works again", back, false)
	srv.set("google.ics", http.StatusInternalServerError)
	refresh(back.Add(calsync.RefreshAfter))
	refresh(back.Add(calsync.MaxAge + time.Hour))
	refresh(back.Add(calsync.MaxAge + 2*time.Hour))
	if a.n.Load() != 2 {
		t.Errorf("%d alerts after it recovered and failed anew, want 2", a.n.Load())
	}
}

// TestNeverFetched: a feed that never worked is down from the start,
// and one no refresh has tried yet is down too.
func TestNeverFetched(t *testing.T) {
	srv := newFeedServer(t)
	st := storetest.MustOpen(t, storetest.SQLite(t))
	var log logBuffer
	f := newFeeds(st, srv, &log, nil, "google.ics")
	if _, down, err := f.Busy(t.Context(), now); err != nil || len(down) != 1 {
		t.Errorf("Busy before any refresh: down %v, %v; want the feed", down, err)
	}
	sts, err := f.Statuses(t.Context(), now)
	if err != nil || len(sts) != 1 || sts[0].Feed != nil || !sts[0].Down {
		t.Errorf("Statuses before any refresh: %+v, %v", sts, err)
	}
	if _, down, err := (&calsync.Feeds{Store: st}).Busy(t.Context(), now); err != nil || down != nil {
		t.Errorf("Busy with no feeds: down %v, %v; want none", down, err)
	}
}

// TestRefreshConcurrent: requests on many instances at once fetch each
// feed once per RefreshAfter.
func TestRefreshConcurrent(t *testing.T) {
	for _, b := range []struct {
		name    string
		backend storetest.Backend
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}} {
		t.Run(b.name, func(t *testing.T) {
			srv := newFeedServer(t)
			open := b.backend(t)
			stores := []store.Store{storetest.MustOpen(t, open), storetest.MustOpen(t, open)}
			var log logBuffer
			at := now
			for round := 1; round <= 3; round++ {
				var wg sync.WaitGroup
				for i := range 24 {
					// A Feeds per request, as each invocation builds.
					f := newFeeds(stores[i%2], srv, &log, nil, "google.ics", "outlook.ics")
					wg.Go(func() {
						if err := f.Refresh(t.Context(), at.Add(time.Duration(i)*100*time.Millisecond), calsync.RefreshAfter, 5*time.Second); err != nil {
							t.Errorf("Refresh: %v", err)
						}
						if _, down, err := f.Busy(t.Context(), at); err != nil || (len(down) > 0 && round > 1) {
							t.Errorf("Busy: down %v, %v", down, err)
						}
					})
				}
				wg.Wait()
				for _, n := range []string{"google.ics", "outlook.ics"} {
					if got := srv.fetches(n); got != round {
						t.Errorf("round %d: %s fetched %d times in all, want %d", round, n, got, round)
					}
				}
				at = at.Add(calsync.RefreshAfter + time.Minute)
			}
		})
	}
}

// TestSkippedLogged: events Parse leaves out are logged, redacted, and
// kept with the copy; the rest of the feed counts.
func TestSkippedLogged(t *testing.T) {
	srv := newFeedServer(t)
	srv.setBody("odd.ics", []byte(strings.Join([]string{
		"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN",
		"BEGIN:VEVENT", "UID:odd-zone@example.com", "DTSTART;TZID=Mars/Olympus_Mons:20260303T090000",
		"DTEND;TZID=Mars/Olympus_Mons:20260303T100000", "END:VEVENT",
		"BEGIN:VEVENT", "UID:fine@example.com", "DTSTART:20260303T150000Z", "DTEND:20260303T160000Z", "END:VEVENT",
		"END:VCALENDAR", ""}, "\r\n")))
	st := storetest.MustOpen(t, storetest.SQLite(t))
	var log logBuffer
	f := newFeeds(st, srv, &log, nil, "odd.ics")
	if err := f.Refresh(t.Context(), now, calsync.RefreshAfter, time.Second); err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	if !strings.Contains(log.String(), "events left out") || !strings.Contains(log.String(), "odd-zone@example.com") {
		t.Errorf("the log does not report the event left out:\n%s", log.String())
	}
	wantNoSecret(t, "the log", log.String())
	rows, _ := st.CalendarFeeds(t.Context(), f.Keys())
	if len(rows) != 1 || !strings.Contains(rows[0].Skipped, "unknown time zone") || len(rows[0].Busy) != 1 {
		t.Errorf("row: %+v, want the event left out noted and the other busy", rows)
	}
}

// TestTooManyBlocks: a feed busier than any person fails whole.
func TestTooManyBlocks(t *testing.T) {
	srv := newFeedServer(t)
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n")
	b.WriteString("BEGIN:VEVENT\r\nUID:often@example.com\r\nDTSTART:20260302T000000Z\r\nDTEND:20260302T000100Z\r\nRRULE:FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;BYMINUTE=0,5,10,15,20,25,30,35,40,45,50,55\r\nEND:VEVENT\r\n")
	b.WriteString("END:VCALENDAR\r\n")
	srv.setBody("busy.ics", []byte(b.String()))
	st := storetest.MustOpen(t, storetest.SQLite(t))
	var log logBuffer
	f := newFeeds(st, srv, &log, nil, "busy.ics")
	err := f.Refresh(t.Context(), now, calsync.RefreshAfter, time.Second)
	if !errors.Is(err, calendar.ErrTooLarge) || !strings.Contains(err.Error(), "busy blocks") {
		t.Errorf("Refresh: got %v, want too many busy blocks", err)
	}
}

func TestParseURLs(t *testing.T) {
	got := calsync.ParseURLs("  https://a.example/x.ics\nwebcal://b.example/y  https://a.example/x.ics\t")
	if want := []string{"https://a.example/x.ics", "webcal://b.example/y"}; !slices.Equal(got, want) {
		t.Errorf("ParseURLs: got %q, want %q", got, want)
	}
	if got := calsync.ParseURLs(" "); got != nil {
		t.Errorf("ParseURLs of blanks: got %q, want none", got)
	}
	if k := calsync.Key(" https://a.example/x.ics "); k != calsync.Key("https://a.example/x.ics") || len(k) != 64 || strings.Contains(k, "example") {
		t.Errorf("Key: %q", k)
	}
}
