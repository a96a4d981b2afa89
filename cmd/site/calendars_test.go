package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cassidine/site/internal/api"
	"github.com/cassidine/site/internal/store"
)

// calendarSecret is the secret part of the test feeds' addresses.
const calendarSecret = "private-0a1b2c3d4e5f"

// calendarFeedAround is a feed with events 1 and 2 days from now (within
// the horizon), one 40 days from now (beyond it) and one a week ago.
func calendarFeedAround(now time.Time) string {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n")
	for i, d := range []int{1, 2, 40, -7} {
		start := now.AddDate(0, 0, d).UTC()
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:e%d@example.com\r\nDTSTART:%s\r\nDTEND:%s\r\nEND:VEVENT\r\n", i,
			start.Format("20060102T150405Z"), start.Add(time.Hour).Format("20060102T150405Z"))
	}
	b.WriteString("END:VCALENDAR\r\n")
	return b.String()
}

func TestLeadsCalendars(t *testing.T) {
	var fetches atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		if strings.HasSuffix(r.URL.Path, "/broken.ics") {
			http.Error(w, "no", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/calendar")
		fmt.Fprint(w, calendarFeedAround(time.Now()))
	}))
	defer srv.Close()
	good, broken := srv.URL+"/"+calendarSecret+"/basic.ics", srv.URL+"/"+calendarSecret+"/broken.ics"
	dir := t.TempDir()
	env := map[string]string{"DATA_DIR": dir, "CALENDAR_URLS": good + " " + broken}
	getenv := func(k string) string { return env[k] }
	st, err := store.Open(t.Context(), getenv) // the store the function made
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	// Before any fetch: both not fetched, and down.
	stdout, _, err := runLeadsCmd(t, getenv, "leads", "calendars", "-content", leadsContent)
	if err == nil || !strings.Contains(err.Error(), "2 of 2 feeds failing or down") {
		t.Errorf("before any fetch: error %v, want both down", err)
	}
	label := "http://" + strings.TrimPrefix(srv.URL, "http://") + "/…"
	reportLine(t, stdout, `  1 `+regexp.QuoteMeta(label)+` never never - not fetched yet`)

	// -refresh fetches both: one works, one fails.
	stdout, _, err = runLeadsCmd(t, getenv, "leads", "calendars", "-refresh", "-content", leadsContent)
	if err == nil || !strings.Contains(err.Error(), "1 of 2 feeds failing or down") {
		t.Errorf("after -refresh: error %v, want the broken feed named", err)
	}
	if n := fetches.Load(); n != 2 {
		t.Errorf("-refresh fetched %d times, want 2", n)
	}
	for _, want := range []string{
		`Calendar feeds \(CALENDAR_URLS; times in America/Chicago\)`,
		`store: sqlite .*site\.db`,
		`  # feed fetched last worked busy blocks state`,
		`  1 ` + regexp.QuoteMeta(label) + ` \d{4}-\d\d-\d\d \d\d:\d\d \(\d+s ago\) \d{4}-\d\d-\d\d \d\d:\d\d \(\d+s ago\) 2 ok`,
		`  2 ` + regexp.QuoteMeta(label) + ` \d{4}-\d\d-\d\d \d\d:\d\d \(\d+s ago\) never - down: no times offered`,
		`  2: last error: calendar: fetch ` + regexp.QuoteMeta(label) + `: the server answered 500 Internal Server Error`,
	} {
		reportLine(t, stdout, want)
	}
	if strings.Contains(stdout, calendarSecret) {
		t.Errorf("the report shows a feed's secret address:\n%s", stdout)
	}
	if strings.Contains(stdout, "alerted") {
		t.Errorf("site leads calendars -refresh alerted the consultant:\n%s", stdout)
	}

	// Without -refresh nothing is fetched; with only the good feed, all is well.
	env["CALENDAR_URLS"] = good
	stdout, _, err = runLeadsCmd(t, getenv, "leads", "calendars", "-content", leadsContent)
	if err != nil {
		t.Errorf("with a feed that works: %v\n%s", err, stdout)
	}
	if n := fetches.Load(); n != 2 {
		t.Errorf("without -refresh: %d fetches in all, want still 2", n)
	}
}

func TestLeadsCalendarsNone(t *testing.T) {
	stdout, _, err := runLeadsCmd(t, leadsEnv(t), "leads", "calendars", "-content", leadsContent)
	if err != nil || !strings.Contains(stdout, "CALENDAR_URLS is not set") {
		t.Errorf("without CALENDAR_URLS: %v\n%s", err, stdout)
	}
}

func TestLeadsCalendar(t *testing.T) {
	const secret = "calendar-feed-tests-0123456789abcdef-0123"
	env := map[string]string{"DATA_DIR": t.TempDir(), "SITE_SECRET": secret}
	getenv := func(k string) string { return env[k] }
	path := api.BookingsFeedPath([]byte(secret))

	for _, tc := range []struct {
		args []string
		url  string // URL in the environment
		want string
	}{
		{nil, "", "https://cassidineconsulting.com" + path}, // site.toml's baseURL
		{nil, "https://main--cassidine.netlify.app", "https://main--cassidine.netlify.app" + path},
		{[]string{"-baseurl", "https://example.org/"}, "https://ignored.example", "https://example.org" + path},
	} {
		env["URL"] = tc.url
		stdout, _, err := runLeadsCmd(t, getenv, append([]string{"leads", "calendar", "-content", leadsContent}, tc.args...)...)
		if err != nil {
			t.Fatal(err)
		}
		if first, _, _ := strings.Cut(stdout, "\n"); first != tc.want {
			t.Errorf("leads calendar %q with URL=%q: first line %q, want %q", tc.args, tc.url, first, tc.want)
		}
		for _, want := range []string{"secret: SITE_SECRET", "Google Calendar (web): Other calendars, +, From URL", "Outlook: Add calendar, Subscribe from web"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("the output has no %q:\n%s", want, stdout)
			}
		}
		if strings.Contains(stdout, secret) {
			t.Errorf("the output shows SITE_SECRET:\n%s", stdout)
		}
	}

	// Locally, without SITE_SECRET: the secret site serve keeps, said so.
	delete(env, "SITE_SECRET")
	env["URL"] = ""
	stdout, _, err := runLeadsCmd(t, getenv, "leads", "calendar", "-content", leadsContent)
	if err != nil {
		t.Fatal(err)
	}
	local, err := os.ReadFile(filepath.Join(env["DATA_DIR"], "site-secret"))
	if err != nil {
		t.Fatalf("the local secret: %v", err)
	}
	if first, _, _ := strings.Cut(stdout, "\n"); first != "https://cassidineconsulting.com"+api.BookingsFeedPath(local) {
		t.Errorf("with the local secret: first line %q", first)
	}
	if !strings.Contains(stdout, "site-secret, the local secret: this address works with site serve only") {
		t.Errorf("the output does not say the secret is the local one:\n%s", stdout)
	}

	_, _, err = runLeadsCmd(t, getenv, "leads", "calendar", "-content", leadsContent, "-baseurl", "not a url")
	if err == nil {
		t.Error("-baseurl \"not a url\": no error")
	}
}
