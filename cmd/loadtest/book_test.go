package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/content"
)

func TestModeArg(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "quiz"},
		{[]string{"-rounds", "0"}, "quiz"},
		{[]string{"-mode", "book"}, "book"},
		{[]string{"--mode", "book"}, "book"},
		{[]string{"-mode=book", "-rate", "100"}, "book"},
		{[]string{"--mode=quiz"}, "quiz"},
		{[]string{"-rate", "100", "-mode", "book", "-duration", "5s"}, "book"},
		{[]string{"-mode", "nonsense"}, "nonsense"},
		{[]string{"-mode="}, ""},
		{[]string{"-mode"}, "quiz"}, // no value: the flag package reports it
		{[]string{"--", "-mode", "book"}, "quiz"},
		{[]string{"-wrk", "/usr/bin/wrk", "-mode", "book"}, "book"},
		{[]string{"-modes", "book"}, "quiz"},
	}
	for _, tt := range tests {
		if got := modeArg(tt.args); got != tt.want {
			t.Errorf("modeArg(%q): got %q, want %q", tt.args, got, tt.want)
		}
	}
}

func TestDatabaseURL(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		name      string
		flag      string
		env       map[string]string
		want, src string
	}{
		{"flag first", "postgres://a", map[string]string{"TEST_DATABASE_URL": "postgres://b", "DATABASE_URL": "postgres://c"}, "postgres://a", "-db"},
		{"test database next", "", map[string]string{"TEST_DATABASE_URL": "postgres://b", "DATABASE_URL": "postgres://c"}, "postgres://b", "TEST_DATABASE_URL"},
		{"database last", "", map[string]string{"DATABASE_URL": "postgres://c"}, "postgres://c", "DATABASE_URL"},
		{"none", "", nil, "", ""},
	}
	for _, tt := range tests {
		u, src := databaseURL(tt.flag, env(tt.env))
		if u != tt.want || src != tt.src {
			t.Errorf("%s: got %q from %q, want %q from %q", tt.name, u, src, tt.want, tt.src)
		}
	}
}

func TestLocalHost(t *testing.T) {
	tests := []struct {
		host string
		want bool
	}{
		{"127.0.0.1", true},
		{"127.0.0.2", true},
		{"::1", true},
		{"localhost", true},
		{"/var/run/postgresql", true},
		{"db.example.com", false},
		{"10.0.0.5", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := localHost(tt.host); got != tt.want {
			t.Errorf("localHost(%q): got %v, want %v", tt.host, got, tt.want)
		}
	}
}

func TestWithSearchPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "postgres://postgres@127.0.0.1:5432/test?search_path=loadtest_x&sslmode=disable"},
		{"postgresql://u:p@localhost/db", "postgresql://u:p@localhost/db?search_path=loadtest_x"},
		{"postgres://u@h/db?search_path=public", "postgres://u@h/db?search_path=loadtest_x"},
		{"host=127.0.0.1 user=postgres dbname=test", "host=127.0.0.1 user=postgres dbname=test search_path=loadtest_x"},
	}
	for _, tt := range tests {
		got, err := withSearchPath(tt.in, "loadtest_x")
		if err != nil || got != tt.want {
			t.Errorf("withSearchPath(%q): got %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := withSearchPath("postgres://u@h:port/db", "s"); err == nil {
		t.Error("withSearchPath of a bad URL: no error")
	}
}

// siteWithBooking is a small site.toml with a [booking] table like the
// real one's.
const siteWithBooking = `# comment
title = "T"
baseURL = "https://example.com/"
email = "hello@example.com"
timeZone = "America/Chicago"

[[nav]]
name = "Articles"
url = "/articles/"

[[nav]]
name = "Book"
url = "/book/"

[booking]
timeZone = "Europe/Berlin"
slotMinutes = 30
bufferMinutes = 15
minNoticeHours = 24
horizonDays = 30
maxPerDay = 4
blocked = ["2026-12-24", "2026-12-25"]
companySizes = ["1-10 people", "11-50 people"]
challenges = [
  "One",
  "Two",
]

[booking.hours]
monday = ["09:00-12:00", "13:00-16:30"]
friday = ["09:00-12:00"]
`

func TestWideBookingTOML(t *testing.T) {
	real, err := os.ReadFile("../../content/site.toml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name              string
		src               string
		zone              string
		sizes, challenges int
		nav               int
		wantErr           string
		checkSlotsPerDay  bool
	}{
		{name: "small site", src: siteWithBooking, zone: "Europe/Berlin", sizes: 2, challenges: 2, nav: 2, checkSlotsPerDay: true},
		{name: "the real site.toml", src: string(real), zone: "America/Chicago", sizes: 5, challenges: 8, nav: 5, checkSlotsPerDay: true},
		{name: "no booking table", src: "title = \"T\"\nbaseURL = \"https://example.com/\"\n", wantErr: "no [booking] table"},
		{name: "not TOML", src: "title = ", wantErr: "expected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := wideBookingTOML([]byte(tt.src))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			site, err := content.ParseSite("site.toml", out)
			if err != nil {
				t.Fatalf("the rewritten file does not parse: %v\n%s", err, out)
			}
			rules, err := booking.FromSite(site)
			if err != nil {
				t.Fatalf("the rewritten [booking] is not valid: %v\n%s", err, out)
			}
			if site.Title == "" || len(site.Nav) != tt.nav {
				t.Errorf("the rest of the file was not kept: title %q, %d nav items, want %d", site.Title, len(site.Nav), tt.nav)
			}
			bk := site.Booking
			if rules.Location.String() != tt.zone || len(bk.CompanySizes) != tt.sizes || len(bk.Challenges) != tt.challenges {
				t.Errorf("kept keys: zone %s, %d sizes, %d challenges; want %s, %d, %d", rules.Location, len(bk.CompanySizes), len(bk.Challenges), tt.zone, tt.sizes, tt.challenges)
			}
			if rules.Slot != 5*time.Minute || rules.Buffer != 0 || rules.MinNotice != 0 || rules.HorizonDays != 365 || rules.MaxPerDay != 0 || len(rules.Blocked) != 0 {
				t.Errorf("rules: slot %s, buffer %s, notice %s, horizon %d, max/day %d, %d blocked", rules.Slot, rules.Buffer, rules.MinNotice, rules.HorizonDays, rules.MaxPerDay, len(rules.Blocked))
			}
			for d, ws := range rules.Hours {
				if len(ws) != 1 || ws[0].String() != "00:00-24:00" {
					t.Errorf("%s: windows %v, want 00:00-24:00", time.Weekday(d), ws)
				}
			}
			if tt.checkSlotsPerDay {
				// A day without a clock change in the zone has 288 slots.
				now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
				day := time.Date(2026, 3, 4, 0, 0, 0, 0, rules.Location)
				slots := rules.Slots(day, day.AddDate(0, 0, 1), now, nil)
				if len(slots) != 288 {
					t.Errorf("a day has %d slots, want 288", len(slots))
				}
			}
		})
	}
}

func TestSpread(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 10, 64, 97, 1000, 105120} {
		p := spread(n)
		if len(p) != n {
			t.Fatalf("spread(%d): %d values", n, len(p))
		}
		seen := make([]bool, n)
		for k, v := range p {
			if v < 0 || v >= n || seen[v] {
				t.Fatalf("spread(%d)[%d] = %d: not a permutation", n, k, v)
			}
			seen[v] = true
		}
		if n > 0 && p[0] != 0 {
			t.Errorf("spread(%d) starts at %d, want 0", n, p[0])
		}
	}
	// Any prefix covers the range evenly: the largest gap between the
	// chosen values (around the circle) is within 3 times the mean.
	n := 105120
	p := spread(n)
	for _, k := range []int{10, 100, 1001, 10001, 40000} {
		chosen := slices.Clone(p[:k])
		slices.Sort(chosen)
		gap := chosen[0] + n - chosen[k-1]
		for i := 1; i < k; i++ {
			gap = max(gap, chosen[i]-chosen[i-1])
		}
		if mean := n / k; gap > 3*mean {
			t.Errorf("spread(%d)[:%d]: largest gap %d, mean %d", n, k, gap, mean)
		}
	}
}

func TestClientAddr(t *testing.T) {
	tests := []struct {
		k    int
		want string
	}{
		{0, "10.0.0.1"},
		{254, "10.0.0.255"},
		{255, "10.0.1.0"},
		{65535, "10.1.0.0"},
		{1<<24 - 2, "10.255.255.255"},
	}
	for _, tt := range tests {
		if got := clientAddr(tt.k); got != tt.want {
			t.Errorf("clientAddr(%d): got %s, want %s", tt.k, got, tt.want)
		}
	}
	seen := map[string]bool{}
	for k := range 200000 {
		a := clientAddr(k)
		if seen[a] {
			t.Fatalf("clientAddr(%d) = %s repeats", k, a)
		}
		seen[a] = true
	}
}

func TestBookBody(t *testing.T) {
	slot := booking.Slot{Start: time.Date(2026, 8, 3, 14, 5, 0, 0, time.UTC), End: time.Date(2026, 8, 3, 14, 10, 0, 0, time.UTC)}
	sizes := []string{"1-10 people", "11-50 people"}
	challenges := []string{"A & B", "C", "D"}
	tests := []struct {
		name           string
		k              int
		sizes, chall   []string
		wantSize       string
		wantChallenges []string
	}{
		{"first", 0, sizes, challenges, "1-10 people", []string{"A & B", "C"}},
		{"wraps around the lists", 5, sizes, challenges, "11-50 people", []string{"D", "A & B"}},
		{"one challenge", 3, sizes, []string{"Only"}, "11-50 people", []string{"Only"}},
		{"no lists", 7, nil, nil, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := url.ParseQuery(bookBody(tt.k, slot, tt.sizes, tt.chall))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{"name", "email", "company", "role", "message", "consent", "slot", "result", "tz", "website"} {
				if len(v[f]) != 1 {
					t.Errorf("%s: %q, want one value", f, v[f])
				}
			}
			if got := v.Get("email"); !strings.Contains(got, "-"+strconv.Itoa(tt.k)+"@") {
				t.Errorf("email %q is not request %d's own", got, tt.k)
			}
			if v.Get("consent") != "yes" || v.Get("website") != "" || v.Get("result") != "" {
				t.Errorf("consent %q, website %q, result %q", v.Get("consent"), v.Get("website"), v.Get("result"))
			}
			if got := v.Get("slot"); got != "2026-08-03T14:05:00Z" {
				t.Errorf("slot %q", got)
			}
			if v.Get("size") != tt.wantSize || !slices.Equal(v["challenges"], tt.wantChallenges) {
				t.Errorf("size %q, challenges %q; want %q, %q", v.Get("size"), v["challenges"], tt.wantSize, tt.wantChallenges)
			}
			if _, err := time.LoadLocation(v.Get("tz")); err != nil {
				t.Errorf("tz %q: %v", v.Get("tz"), err)
			}
		})
	}
	if bookBody(1, slot, sizes, challenges) == bookBody(2, slot, sizes, challenges) {
		t.Error("two requests have the same body")
	}
}

func TestSyntheticClients(t *testing.T) {
	var got string
	h := syntheticClients(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.RemoteAddr }))
	tests := []struct{ header, want string }{
		{"10.1.2.3", "10.1.2.3:1"},
		{"::1", "[::1]:1"},
		{"", "192.0.2.1:1234"},            // httptest's address
		{"not an ip", "192.0.2.1:1234"},   // left alone
		{"10.1.2.3:99", "192.0.2.1:1234"}, // an address, not host:port
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodPost, "/api/book", nil)
		if tt.header != "" {
			r.Header.Set(clientHeader, tt.header)
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
		if got != tt.want {
			t.Errorf("header %q: RemoteAddr %q, want %q", tt.header, got, tt.want)
		}
		if r.RemoteAddr != "192.0.2.1:1234" {
			t.Errorf("header %q: the original request was changed", tt.header)
		}
	}
}

func TestPerSecond(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name  string
		offs  []time.Duration
		lats  []time.Duration
		fails []string
		d     time.Duration
		want  []int
	}{
		{"none", nil, nil, nil, 2 * time.Second, []int{0, 0}},
		{"by completion, not by send", []time.Duration{0, 900 * ms, 1500 * ms}, []time.Duration{5 * ms, 200 * ms, 10 * ms}, []string{"", "", ""}, 2 * time.Second, []int{1, 2}},
		{"failures not counted", []time.Duration{0, 100 * ms}, []time.Duration{ms, ms}, []string{"", "status 409: want 201"}, time.Second, []int{1}},
		{"late responses dropped", []time.Duration{1900 * ms}, []time.Duration{300 * ms}, []string{""}, 2 * time.Second, []int{0, 0}},
		{"partial second ignored", []time.Duration{0}, []time.Duration{ms}, []string{""}, 1500 * ms, []int{1}},
	}
	for _, tt := range tests {
		if got := perSecond(tt.offs, tt.lats, tt.fails, tt.d); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestSecondsSummary(t *testing.T) {
	tests := []struct {
		in   []int
		want string
	}{
		{nil, "n/a (under one second)"},
		{[]int{500}, "min 500, median 500, max 500 over 1 s"},
		{[]int{503, 497, 500, 500}, "min 497, median 500, max 503 over 4 s"},
	}
	for _, tt := range tests {
		if got := secondsSummary(tt.in); got != tt.want {
			t.Errorf("secondsSummary(%v): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStatusSummary(t *testing.T) {
	tests := []struct {
		ok   int
		errs map[string]int
		want string
	}{
		{10000, nil, "10000 × 201, 0 errors"},
		{9990, map[string]int{"transport": 3, "status 409": 7}, "9990 × 201, 10 errors (7 × status 409, 3 × transport)"},
	}
	for _, tt := range tests {
		if got := statusSummary(tt.ok, tt.errs); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

func TestSustainedMet(t *testing.T) {
	s := time.Second
	tests := []struct {
		name        string
		rate, n, ok int
		elapsed     time.Duration
		want        bool
	}{
		{"kept up", 500, 10000, 10000, 20*s + 15*time.Millisecond, true},
		{"one error", 500, 10000, 9999, 20 * s, false},
		{"fell behind", 500, 10000, 10000, 21 * s, false},
		{"below the target rate", 400, 8000, 8000, 20 * s, false},
		{"above it", 1000, 20000, 20000, 20 * s, true},
		{"nothing sent", 500, 0, 0, 0, false},
	}
	for _, tt := range tests {
		if got := sustainedMet(tt.rate, tt.n, tt.ok, tt.elapsed); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestBookSummary(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"clean", bookSummary(499.93, 500, 20*time.Second, "15.20", 10000, 0, 12300*time.Microsecond, 10000, 20000),
			"bookings: 499.9/s achieved (500/s offered) for 20s against Postgres 15.20, 10000 × 201, 0 errors, p99 12.30 ms; rows 10000 = responses 10000; outbox 20000 = 2 × bookings"},
		{"mismatch", bookSummary(300, 500, 20*time.Second, "15.20", 6000, 4000, 2*time.Second, 6001, 12000),
			"bookings: 300.0/s achieved (500/s offered) for 20s against Postgres 15.20, 6000 × 201, 4000 errors, p99 2000 ms; rows 6001 != responses 6000; outbox 12000 != 2 × bookings"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestBookConfigCheck(t *testing.T) {
	ok := bookConfig{rate: 500, duration: 20 * time.Second, workers: 128, closed: 32, closedDuration: 10 * time.Second, timeout: 2 * time.Minute}
	tests := []struct {
		name    string
		edit    func(*bookConfig)
		wantErr string
	}{
		{"defaults", func(*bookConfig) {}, ""},
		{"no closed loop", func(c *bookConfig) { c.closed = 0; c.closedDuration = 0 }, ""},
		{"zero rate", func(c *bookConfig) { c.rate = 0 }, "-rate"},
		{"too short", func(c *bookConfig) { c.rate = 1; c.duration = 100 * time.Millisecond }, "-duration"},
		{"no workers", func(c *bookConfig) { c.workers = 0 }, "-workers"},
		{"negative closed", func(c *bookConfig) { c.closed = -1 }, "-closed"},
		{"closed without time", func(c *bookConfig) { c.closedDuration = 0 }, "-closed-duration"},
		{"plan longer than timeout", func(c *bookConfig) { c.duration = 2 * time.Minute }, "-timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.edit(&c)
			checkErrAbout(t, c.check(), tt.wantErr)
		})
	}
}

func TestWithParam(t *testing.T) {
	tests := []struct{ in, key, val, want string }{
		{"postgres://u@h/db?sslmode=disable", "application_name", "loadtest_x", "postgres://u@h/db?application_name=loadtest_x&sslmode=disable"},
		{"host=h user=u", "application_name", "loadtest_x", "host=h user=u application_name=loadtest_x"},
	}
	for _, tt := range tests {
		if got, err := withParam(tt.in, tt.key, tt.val); err != nil || got != tt.want {
			t.Errorf("withParam(%q): got %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestParseProcStat(t *testing.T) {
	tests := []struct {
		name, in string
		comm     string
		ticks    uint64
		wantErr  bool
	}{
		{"postmaster with reaped children", "812 (postgres) S 1 812 812 0 -1 4194560 1 2 3 4 100 50 700 300 20 0 1 0 99 1000 10", "postgres", 1150, false},
		{"name with spaces and parentheses", "9 (a (b) c) R 1 9 9 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 5 100 1", "a (b) c", 10, false},
		{"too short", "9 (x) R 1 2", "", 0, true},
		{"no name", "9 x R", "", 0, true},
		{"negative child time", "9 (x) R 1 9 9 0 -1 0 0 0 0 0 7 3 -1 0 20 0 1 0 5 100 1", "", 0, true},
	}
	for _, tt := range tests {
		comm, ticks, err := parseProcStat(tt.in)
		if (err != nil) != tt.wantErr || comm != tt.comm || ticks != tt.ticks {
			t.Errorf("%s: got %q, %d, %v; want %q, %d, error %v", tt.name, comm, ticks, err, tt.comm, tt.ticks, tt.wantErr)
		}
	}
}

func TestQueryLabel(t *testing.T) {
	tests := []struct{ in, want string }{
		{"INSERT INTO rate_hits (key, window_start, window_end, count) VALUES ($1, $2, $3, 1)\n\t\tON CONFLICT", "CountHit upsert"},
		{"DELETE FROM rate_hits WHERE window_end < $1", "CountHit prune"},
		{"SELECT id, created_at FROM bookings\n\t\tWHERE cancelled_at IS NULL AND start_at < $2 AND end_at > $1", "ActiveBookings select"},
		{"INSERT INTO bookings (id) VALUES ($1)", "booking insert"},
		{"INSERT INTO outbox (created_at) VALUES ($1)", "outbox insert"},
		{"begin", "BEGIN"},
		{"begin isolation level read committed", "BEGIN"},
		{"commit", "COMMIT"},
		{"", "(none)"},
		{"SELECT 1", "SELECT 1"},
		{"SELECT a_very_long_column_name, another_one FROM somewhere", "SELECT a_very_long_column_name, another_..."},
	}
	for _, tt := range tests {
		if got := queryLabel(tt.in); got != tt.want {
			t.Errorf("queryLabel(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestActivityKey(t *testing.T) {
	tests := []struct{ state, wtype, wevent, query, want string }{
		{"idle", "Client", "ClientRead", "commit", "idle (in the pool)"},
		{"active", "", "", "commit", "active on CPU: COMMIT"},
		{"active", "LWLock", "WALWrite", "commit", "active LWLock:WALWrite: COMMIT"},
		{"idle in transaction", "Client", "ClientRead", "INSERT INTO outbox (x) VALUES ($1)", "idle in transaction (the Go side between statements), after outbox insert"},
	}
	for _, tt := range tests {
		if got := activityKey(tt.state, tt.wtype, tt.wevent, tt.query); got != tt.want {
			t.Errorf("activityKey(%q, %q, %q, %q): got %q, want %q", tt.state, tt.wtype, tt.wevent, tt.query, got, tt.want)
		}
	}
}

func TestPGActivitySummary(t *testing.T) {
	act := pgActivity{
		counts:   map[string]int{"a": 50, "b": 30, "c": 15, "d": 5},
		backends: map[string]bool{"1 t": true, "2 t": true},
	}
	if got, want := act.summary(2), "2 store connections seen, 100 samples: 50% a; 30% b; 20% other"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := (pgActivity{}).summary(2), "no samples"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestPerBooking(t *testing.T) {
	u := bookCPUUse{cpuUse: cpuUse{ok: true, cpus: 2, self: 0.5}, pg: 0.8, pgOK: true, wall: 20 * time.Second}
	if got, want := u.perBooking(10000), "CPU per booking: this process (server and generator) 1 ms, postgres 1.60 ms"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	u.pgOK = false
	if got, want := u.perBooking(10000), "CPU per booking: this process (server and generator) 1 ms"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := (bookCPUUse{}).perBooking(10); got != "" {
		t.Errorf("unknown use: got %q", got)
	}
	if got := u.perBooking(0); got != "" {
		t.Errorf("no bookings: got %q", got)
	}
}
