package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cassidine/site/internal/mail"
	"github.com/cassidine/site/internal/store"
)

// leadsIPHash is the fixtures' IP hash; no output may show it.
const leadsIPHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

// openSeedStore opens (creating) the store getenv names, for seeding.
func openSeedStore(t testing.TB, getenv func(string) string) store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), getenv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// seedBooking stores a half-hour booking at start, cancelled at cancelAt
// unless that is zero.
func seedBooking(t testing.TB, st store.Store, b store.Booking, cancelAt time.Time) store.Booking {
	t.Helper()
	ctx := context.Background()
	if b.End.IsZero() {
		b.End = b.Start.Add(30 * time.Minute)
	}
	b.IPHash = leadsIPHash
	if err := st.CreateBooking(ctx, &b, nil, store.Guard{}); err != nil {
		t.Fatalf("create booking %s at %v: %v", b.Name, b.Start, err)
	}
	if !cancelAt.IsZero() {
		c, err := st.CancelBooking(ctx, b.ID, cancelAt, nil)
		if err != nil {
			t.Fatalf("cancel %s: %v", b.ID, err)
		}
		b = *c
	}
	return b
}

// bookingsFixture is what seedBookings stored.
type bookingsFixture struct {
	soon, later, cancelledSoon, recent, lastWeek, cancelledRecent, old store.Booking
}

// seedBookings stores, relative to now (to the minute): two upcoming
// bookings and a cancelled one between them, two past ones within 30 days
// and a cancelled one, and one 40 days back.
func seedBookings(t testing.TB, st store.Store) bookingsFixture {
	t.Helper()
	base := time.Now().Truncate(time.Minute)
	day := 24 * time.Hour
	var f bookingsFixture
	f.soon = seedBooking(t, st, store.Booking{ID: leadID('a'), Start: base.Add(2 * day), Name: "Ann Lee", Email: "ann@example.com",
		Company: "Acme", Role: "CEO", CompanySize: "11-50 people", Challenges: []string{"Revenue is growing faster than operational capacity", "Key employees are burning out or leaving"},
		QuizResult: leadID('q'), TimeZone: "Europe/London"}, time.Time{})
	f.cancelledSoon = seedBooking(t, st, store.Booking{ID: leadID('b'), Start: base.Add(3 * day), Name: "Bob Cancelled", Email: "bob@example.com"},
		base.Add(-time.Hour))
	f.later = seedBooking(t, st, store.Booking{ID: leadID('c'), Start: base.Add(5*day + 90*time.Minute), Name: "=HYPERLINK(\"x\")", Email: "-cat@example.com",
		Message: "=1+1\nsecond line, with \"quotes\""}, time.Time{})
	f.recent = seedBooking(t, st, store.Booking{ID: leadID('d'), Start: base.Add(-2 * day), Name: "Dee Red", Email: "dee@example.com",
		Company: "Dee & Co", Role: "COO", CompanySize: "1-10 people", Challenges: []string{"Departments are becoming increasingly disconnected"}}, time.Time{})
	f.cancelledRecent = seedBooking(t, st, store.Booking{ID: leadID('e'), Start: base.Add(-3 * day), Name: "Eve Gone", Email: "eve@example.com"},
		base.Add(-4*day))
	f.lastWeek = seedBooking(t, st, store.Booking{ID: leadID('f'), Start: base.Add(-7 * day), Name: "Fay Past", Email: "fay@example.com"}, time.Time{})
	f.old = seedBooking(t, st, store.Booking{ID: leadID('g'), Start: base.Add(-40 * day), Name: "Gus Old", Email: "gus@example.com"}, time.Time{})
	return f
}

// writeBidiName gives the recent booking a name with a right-to-left
// override, as a row stored before names were checked for invisible
// characters may have: the report must not let it reorder its lines.
func writeBidiName(t testing.TB, getenv func(string) string, f *bookingsFixture) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(getenv("DATA_DIR"), "site.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE bookings SET name = $1 WHERE id = $2`, "Dee\u202e Red", f.recent.ID); err != nil {
		t.Fatal(err)
	}
	f.recent.Name = "Dee\u202e Red"
}

// when is how the table shows b's time, in Chicago.
func bookingWhen(t testing.TB, b store.Booking) string {
	loc := chicago(t)
	return b.Start.In(loc).Format("Mon 2006-01-02 15:04") + "–" + b.End.In(loc).Format("15:04")
}

func TestLeadsBookingsReport(t *testing.T) {
	getenv := leadsEnv(t)
	f := seedBookings(t, openSeedStore(t, getenv))
	writeBidiName(t, getenv, &f)

	out, stderr, err := runLeadsCmd(t, getenv, "leads", "bookings", "-content", leadsContent)
	if err != nil {
		t.Fatalf("got error %v (stderr %q), want none", err, stderr)
	}
	reportLine(t, out, `Bookings \(times in America/Chicago\)`)
	reportLine(t, out, regexp.QuoteMeta("store: sqlite "+filepath.ToSlash(filepath.Join(getenv("DATA_DIR"), "site.db"))))
	reportLine(t, out, `Upcoming: 2 bookings \(and 1 cancelled, not listed: -all lists it\)`)
	reportLine(t, out, `Past, in the last 30 days: 2 bookings \(and 1 cancelled, not listed: -all lists it\)`)
	reportLine(t, out, `  when name e-mail company role size status quiz result challenges`)
	reportLine(t, out, `  `+bookingWhen(t, f.soon)+` Ann Lee ann@example.com Acme CEO 11-50 people booked `+leadID('q')+` 2`)
	reportLine(t, out, `  `+regexp.QuoteMeta(bookingWhen(t, f.later)+` =HYPERLINK("x") -cat@example.com - - - booked - 0`))
	reportLine(t, out, `  `+bookingWhen(t, f.recent)+` Dee\? Red dee@example.com Dee & Co COO 1-10 people booked - 1`)
	reportLine(t, out, `  `+bookingWhen(t, f.lastWeek)+` Fay Past fay@example.com - - - booked - 0`)

	// Upcoming soonest first, then past latest first.
	order := []string{"Upcoming", "Ann Lee", "=HYPERLINK", "Past,", "Dee", "Fay Past"}
	last := -1
	for _, s := range order {
		i := strings.Index(out, s)
		if i <= last {
			t.Errorf("%q is not after the previous item of %q:\n%s", s, order, out)
		}
		last = i
	}
	for _, absent := range []string{"Bob Cancelled", "Eve Gone", "Gus Old", "cancelled  ", leadsIPHash, "\u202e"} {
		if strings.Contains(out, absent) {
			t.Errorf("report contains %q:\n%s", absent, out)
		}
	}

	t.Run("all", func(t *testing.T) {
		out, _, err := runLeadsCmd(t, getenv, "leads", "bookings", "-content", leadsContent, "-all")
		if err != nil {
			t.Fatal(err)
		}
		reportLine(t, out, `Upcoming: 3 bookings`)
		reportLine(t, out, `Past, in the last 30 days: 3 bookings`)
		reportLine(t, out, `  `+bookingWhen(t, f.cancelledSoon)+` Bob Cancelled bob@example.com - - - cancelled - 0`)
		reportLine(t, out, `  `+bookingWhen(t, f.cancelledRecent)+` Eve Gone eve@example.com - - - cancelled - 0`)
		if strings.Contains(out, "not listed") || strings.Contains(out, "Gus Old") {
			t.Errorf("-all report:\n%s", out)
		}
		if i, j, k := strings.Index(out, "Ann Lee"), strings.Index(out, "Bob Cancelled"), strings.Index(out, "=HYPERLINK"); i > j || j > k {
			t.Errorf("upcoming not by start:\n%s", out)
		}
	})

	t.Run("since", func(t *testing.T) {
		out, _, err := runLeadsCmd(t, getenv, "leads", "bookings", "-content", leadsContent, "-since", "60d")
		if err != nil {
			t.Fatal(err)
		}
		reportLine(t, out, `Past, in the last 60 days: 3 bookings \(and 1 cancelled, not listed: -all lists it\)`)
		reportLine(t, out, `  `+bookingWhen(t, f.old)+` Gus Old gus@example.com - - - booked - 0`)
		// Upcoming bookings stay whatever -since says.
		reportLine(t, out, `Upcoming: 2 bookings \(and 1 cancelled, not listed: -all lists it\)`)

		out, _, err = runLeadsCmd(t, getenv, "leads", "bookings", "-content", leadsContent, "-since", "1d")
		if err != nil {
			t.Fatal(err)
		}
		reportLine(t, out, `Past, in the last day: 0 bookings`)
		reportLine(t, out, `Upcoming: 2 bookings \(and 1 cancelled, not listed: -all lists it\)`)
	})
}

func TestLeadsBookingsEmpty(t *testing.T) {
	getenv := leadsEnv(t)
	openSeedStore(t, getenv)
	out, _, err := runLeadsCmd(t, getenv, "leads", "bookings", "-content", leadsContent)
	if err != nil {
		t.Fatal(err)
	}
	reportLine(t, out, `Upcoming: 0 bookings`)
	reportLine(t, out, `Past, in the last 30 days: 0 bookings`)
	if strings.Contains(out, "  when") {
		t.Errorf("an empty report has a table header:\n%s", out)
	}
}

func TestLeadsBookingsCSV(t *testing.T) {
	getenv := leadsEnv(t)
	f := seedBookings(t, openSeedStore(t, getenv))
	writeBidiName(t, getenv, &f)
	header := []string{"id", "start", "end", "name", "email", "company", "role", "company_size",
		"challenges", "message", "quiz_result", "sequence", "cancelled_at", "created_at", "time_zone"}
	utc := func(tm time.Time) string { return tm.UTC().Format(time.RFC3339) }
	row := func(b store.Booking, name, email, message string) []string {
		cancelled := ""
		if b.CancelledAt != nil {
			cancelled = utc(*b.CancelledAt)
		}
		return []string{b.ID, utc(b.Start), utc(b.End), name, email, b.Company, b.Role, b.CompanySize,
			strings.Join(b.Challenges, "; "), message, b.QuizResult, strconv.Itoa(b.Sequence), cancelled, utc(b.CreatedAt), b.TimeZone}
	}

	out, stderr, err := runLeadsCmd(t, getenv, "leads", "bookings", "-content", leadsContent, "-csv")
	if err != nil {
		t.Fatalf("got error %v (stderr %q), want none", err, stderr)
	}
	if want := "2 upcoming and 2 past bookings in the last 30 days (and 2 cancelled, not listed: -all includes them)"; !strings.Contains(stderr, want) {
		t.Errorf("got stderr %q, want it to contain %q", stderr, want)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("stdout is not CSV: %v\n%s", err, out)
	}
	want := [][]string{
		header,
		row(f.lastWeek, "Fay Past", "fay@example.com", ""),
		row(f.recent, "Dee\u202e Red", "dee@example.com", ""),
		row(f.soon, "Ann Lee", "ann@example.com", ""),
		// Formula-like cells get an apostrophe; the message keeps its line break.
		row(f.later, "'=HYPERLINK(\"x\")", "'-cat@example.com", "'=1+1\nsecond line, with \"quotes\""),
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d:\n%s", len(rows), len(want), out)
	}
	for i := range want {
		if !slices.Equal(rows[i], want[i]) {
			t.Errorf("row %d:\ngot  %q\nwant %q", i, rows[i], want[i])
		}
	}
	if got := rows[3][8]; got != "Revenue is growing faster than operational capacity; Key employees are burning out or leaving" {
		t.Errorf("got challenges %q", got)
	}
	if strings.Contains(out+stderr, leadsIPHash) {
		t.Errorf("CSV shows the IP hash:\n%s", out)
	}

	t.Run("all", func(t *testing.T) {
		out, stderr, err := runLeadsCmd(t, getenv, "leads", "bookings", "-content", leadsContent, "-csv", "-all", "-since", "60d")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(stderr, "not listed") {
			t.Errorf("got stderr %q with -all", stderr)
		}
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range rows[1:] {
			ids = append(ids, r[0])
		}
		wantIDs := []string{f.old.ID, f.lastWeek.ID, f.cancelledRecent.ID, f.recent.ID, f.soon.ID, f.cancelledSoon.ID, f.later.ID}
		if !slices.Equal(ids, wantIDs) {
			t.Errorf("got ids %q, want %q (by start)", ids, wantIDs)
		}
		if got := rows[3]; got[11] != "1" || got[12] != utc(*f.cancelledRecent.CancelledAt) {
			t.Errorf("cancelled row: got sequence %q, cancelled_at %q", got[11], got[12])
		}
	})
}

func TestLeadsBookingsFlags(t *testing.T) {
	getenv := leadsEnv(t)
	_, _, err := runLeadsCmd(t, getenv, "leads", "bookings", "-since", "soon")
	var u usageError
	if !errors.As(err, &u) {
		t.Errorf("bad -since: got %v, want a usage error", err)
	}
	_, _, err = runLeadsCmd(t, getenv, "leads", "bookings", "-content", leadsContent)
	if err == nil || !strings.Contains(err.Error(), "leads: no store at ") {
		t.Errorf("no store: got %v", err)
	}
	if _, err := os.Stat(filepath.Join(getenv("DATA_DIR"), "site.db")); err == nil {
		t.Error("leads bookings created an empty store")
	}
}

func TestLeadsBookingZone(t *testing.T) {
	write := func(src string) string {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "site.toml"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	const head = "title = \"T\"\nbaseURL = \"https://example.com/\"\n"
	for _, tt := range []struct {
		src, want string
	}{
		{head + "timeZone = \"Europe/Paris\"\n[booking]\ntimeZone = \"Asia/Tokyo\"\n", "Asia/Tokyo"},
		{head + "timeZone = \"Europe/Paris\"\n[booking]\nslotMinutes = 30\n", "Europe/Paris"},
		{head + "timeZone = \"Europe/Paris\"\n", "Europe/Paris"},
		{head, "UTC"},
		{head + "[booking]\ntimeZone = \"Local\"\n", "error"},
		{head + "[booking]\ntimeZone = \"Mars/Olympus\"\n", "error"},
	} {
		loc, err := loadBookingZone(write(tt.src))
		got := "error"
		if err == nil {
			got = loc.String()
		}
		if got != tt.want {
			t.Errorf("%q: got %s (%v), want %s", tt.src, got, err, tt.want)
		}
	}
}

// queueMessage is an outbox message to a with a valid payload.
func leadsMessage(t testing.TB, kind, to string) store.OutboxMessage {
	t.Helper()
	m := mail.NewMessage("Cassidine <bookings@example.com>", to, "Your consultation", "See you then.")
	payload, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return store.OutboxMessage{Kind: kind, To: to, Payload: payload}
}

func leadsOutbox(t testing.TB, st store.Store, includeSent bool) []store.OutboxMessage {
	t.Helper()
	msgs, err := st.Outbox(context.Background(), includeSent)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func leadsEMLFiles(t testing.TB, getenv func(string) string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(getenv("DATA_DIR"), "mail", "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestLeadsSendFiles(t *testing.T) {
	getenv := leadsEnv(t)
	st := openSeedStore(t, getenv)
	ctx := context.Background()
	b := seedBooking(t, st, store.Booking{Start: time.Now().Add(48 * time.Hour).Truncate(time.Minute), Name: "Ann Lee", Email: "ann@example.com"}, time.Time{})
	// Two due messages, one with a payload that cannot be decoded, and
	// one backing off.
	waiting := leadsMessage(t, "notice", "consult@example.com")
	waiting.NextAttempt = time.Now().Add(time.Hour)
	if err := st.QueueMessages(ctx, []store.OutboxMessage{
		leadsMessage(t, "quiz-result", "ann@example.com"),
		{Kind: "notice", To: "bad@example.com", Payload: []byte(`{"subject":`)},
		waiting,
	}); err != nil {
		t.Fatal(err)
	}
	// Via the booking, as the function queues a confirmation.
	c := leadsMessage(t, "confirmation", "ann@example.com")
	c.Booking = b.ID
	if err := st.QueueMessages(ctx, []store.OutboxMessage{c}); err != nil {
		t.Fatal(err)
	}
	all := leadsOutbox(t, st, true)
	byKindTo := func(kind, to string) store.OutboxMessage {
		for _, m := range all {
			if m.Kind == kind && m.To == to {
				return m
			}
		}
		t.Fatalf("no %s to %s", kind, to)
		return store.OutboxMessage{}
	}
	bad, later := byKindTo("notice", "bad@example.com"), byKindTo("notice", "consult@example.com")

	out, stderr, err := runLeadsCmd(t, getenv, "leads", "send")
	var u usageError
	if err == nil || errors.As(err, &u) {
		t.Fatalf("got %v, want an error with exit status 1 (a payload failed)", err)
	}
	if !strings.Contains(err.Error(), "leads send: 1 message failed (listed above); it stays in the outbox") {
		t.Errorf("got error %q", err)
	}
	if stderr != "" {
		t.Errorf("got stderr %q, want none", stderr)
	}
	reportLine(t, out, regexp.QuoteMeta("mail: files "+filepath.Join(getenv("DATA_DIR"), "mail")))
	reportLine(t, out, `sent 2, failed 1, still queued 2`)
	reportLine(t, out, `Failed \(kept in the outbox\):`)
	reportLine(t, out, `  `+outboxID(bad.ID)+` notice bad@example.com 1 never \(parked: cannot be sent\) bad payload: decode message: invalid message: .*`)
	reportLine(t, out, `Waiting for their next attempt:`)
	reportLine(t, out, `  `+outboxID(later.ID)+` notice consult@example.com 0 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+ \(in 1h\) -`)

	if files := leadsEMLFiles(t, getenv); len(files) != 2 {
		t.Errorf("got %d .eml files, want 2: %q", len(files), files)
	}
	for _, m := range leadsOutbox(t, st, true) {
		switch sent := m.SentAt != nil; {
		case m.ID == bad.ID || m.ID == later.ID:
			if sent {
				t.Errorf("message %d (%s) marked sent", m.ID, m.To)
			}
		case !sent:
			t.Errorf("message %d (%s to %s) not marked sent", m.ID, m.Kind, m.To)
		}
	}

	// Again: nothing due, the parked and the waiting message listed, no failure.
	out, _, err = runLeadsCmd(t, getenv, "leads", "send")
	if err != nil {
		t.Fatalf("second run: got %v, want none:\n%s", err, out)
	}
	reportLine(t, out, `sent 0, failed 0, still queued 2`)
	reportLine(t, out, `  `+outboxID(bad.ID)+` notice bad@example.com 1 never \(parked: cannot be sent\) bad payload: .*`)
	if strings.Contains(out, "Failed") {
		t.Errorf("second run lists failures:\n%s", out)
	}
}

func outboxID(id int64) string { return strconv.FormatInt(id, 10) }

func TestLeadsSendLimit(t *testing.T) {
	getenv := leadsEnv(t)
	st := openSeedStore(t, getenv)
	var msgs []store.OutboxMessage
	for range 3 {
		msgs = append(msgs, leadsMessage(t, "quiz-result", "ann@example.com"))
	}
	if err := st.QueueMessages(context.Background(), msgs); err != nil {
		t.Fatal(err)
	}
	out, _, err := runLeadsCmd(t, getenv, "leads", "send", "-limit", "2")
	if err != nil {
		t.Fatal(err)
	}
	reportLine(t, out, `sent 2, failed 0, still queued 1`)
	reportLine(t, out, `1 due message not sent: the -limit was reached; run site leads send again\.`)
	out, _, err = runLeadsCmd(t, getenv, "leads", "send", "-limit", "2")
	if err != nil {
		t.Fatal(err)
	}
	reportLine(t, out, `sent 1, failed 0, still queued 0`)
	if files := leadsEMLFiles(t, getenv); len(files) != 3 {
		t.Errorf("got %d .eml files, want 3", len(files))
	}

	_, _, err = runLeadsCmd(t, getenv, "leads", "send", "-limit", "0")
	var u usageError
	if !errors.As(err, &u) {
		t.Errorf("-limit 0: got %v, want a usage error", err)
	}
}

// smtpDownEnv is an environment whose mail server refuses connections.
func smtpDownEnv(dataDir string) func(string) string {
	return func(name string) string {
		switch name {
		case "DATA_DIR":
			return dataDir
		case "SMTP_URL":
			return "smtp://127.0.0.1:1?tls=none" // port 1 refuses at once
		case "MAIL_FROM":
			return "bookings@example.com"
		}
		return ""
	}
}

func TestLeadsSendSMTPDown(t *testing.T) {
	dataDir := t.TempDir()
	getenv := smtpDownEnv(dataDir)
	st := openSeedStore(t, getenv)
	if err := st.QueueMessages(context.Background(), []store.OutboxMessage{
		leadsMessage(t, "quiz-result", "ann@example.com"),
		leadsMessage(t, "notice", "consult@example.com"),
	}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stdout, stderr strings.Builder
	err := run(ctx, []string{"leads", "send"}, getenv, strings.NewReader(""), &stdout, &stderr)
	out := stdout.String()
	var u usageError
	if err == nil || errors.As(err, &u) {
		t.Fatalf("got %v, want an error with exit status 1", err)
	}
	if !strings.Contains(err.Error(), "2 messages failed (listed above); they stay in the outbox") {
		t.Errorf("got error %q", err)
	}
	reportLine(t, out, `mail: smtp 127.0.0.1:1`)
	reportLine(t, out, `sent 0, failed 2, still queued 2`)
	reportLine(t, out, `  \d+ quiz-result ann@example.com 1 .* \(in (1m|59s)\) smtp 127\.0\.0\.1:1: .*`)
	reportLine(t, out, `  \d+ notice consult@example.com 1 .* \(in (1m|59s)\) smtp 127\.0\.0\.1:1: .*`)
	if strings.Contains(out, "Waiting") {
		t.Errorf("failed messages listed twice:\n%s", out)
	}
	// Nothing lost: both still queued, one attempt each, with the error.
	queued := leadsOutbox(t, st, true)
	if len(queued) != 2 {
		t.Fatalf("got %d messages, want 2", len(queued))
	}
	for _, m := range queued {
		if m.SentAt != nil || m.Attempts != 1 || !strings.Contains(m.LastError, "127.0.0.1:1") || !m.NextAttempt.After(time.Now()) {
			t.Errorf("message %d: got sent %v, attempts %d, last error %q, next %v", m.ID, m.SentAt, m.Attempts, m.LastError, m.NextAttempt)
		}
	}
	if files := leadsEMLFiles(t, getenv); len(files) != 0 {
		t.Errorf("SMTP run wrote files: %q", files)
	}

	// Right after, both back off: nothing is tried.
	out2, _, err := runLeadsCmd(t, getenv, "leads", "send")
	if err != nil {
		t.Fatalf("second run: got %v, want none", err)
	}
	reportLine(t, out2, `sent 0, failed 0, still queued 2`)
	reportLine(t, out2, `Waiting for their next attempt:`)
	reportLine(t, out2, `  \d+ quiz-result ann@example.com 1 .* \(in (1m|\d+s)\) smtp 127\.0\.0\.1:1: .*`)
}

// TestLeadsSendNow: messages backing off after a failure wait for their
// next attempt, unless -now sends them at once.
func TestLeadsSendNow(t *testing.T) {
	dataDir := t.TempDir()
	down := smtpDownEnv(dataDir)
	st := openSeedStore(t, down)
	if err := st.QueueMessages(context.Background(), []store.OutboxMessage{
		leadsMessage(t, "quiz-result", "ann@example.com"),
		leadsMessage(t, "notice", "consult@example.com"),
	}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runLeadsCmd(t, down, "leads", "send"); err == nil {
		t.Fatal("sending with the mail server down: got no error")
	}
	// The mail server is back (here: local files). Without -now both wait.
	up := func(name string) string {
		if name == "DATA_DIR" {
			return dataDir
		}
		return ""
	}
	out, _, err := runLeadsCmd(t, up, "leads", "send")
	if err != nil {
		t.Fatal(err)
	}
	reportLine(t, out, `sent 0, failed 0, still queued 2`)
	out, _, err = runLeadsCmd(t, up, "leads", "send", "-now")
	if err != nil {
		t.Fatalf("leads send -now: %v\n%s", err, out)
	}
	reportLine(t, out, `-now: 2 waiting messages made due now`)
	reportLine(t, out, `sent 2, failed 0, still queued 0`)
	if files := leadsEMLFiles(t, up); len(files) != 2 {
		t.Errorf("got %d .eml files, want 2", len(files))
	}
}

func TestLeadsSendConfig(t *testing.T) {
	t.Run("no store", func(t *testing.T) {
		getenv := leadsEnv(t)
		_, _, err := runLeadsCmd(t, getenv, "leads", "send")
		if err == nil || !strings.Contains(err.Error(), "leads: no store at ") {
			t.Errorf("got %v, want no store", err)
		}
		for _, name := range []string{"site.db", "mail"} {
			if _, err := os.Stat(filepath.Join(getenv("DATA_DIR"), name)); err == nil {
				t.Errorf("leads send created %s", name)
			}
		}
	})
	t.Run("SMTP_URL without MAIL_FROM", func(t *testing.T) {
		dir := t.TempDir()
		getenv := func(name string) string {
			switch name {
			case "DATA_DIR":
				return dir
			case "SMTP_URL":
				return "smtp://user:hunter2@127.0.0.1:1"
			}
			return ""
		}
		openSeedStore(t, getenv)
		_, _, err := runLeadsCmd(t, getenv, "leads", "send")
		if err == nil || !strings.Contains(err.Error(), "MAIL_FROM is required") {
			t.Errorf("got %v, want MAIL_FROM required", err)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error shows the password: %v", err)
		}
	})
}

func TestLeadsUsageListsAll(t *testing.T) {
	stdout, _, err := runLeadsCmd(t, leadsEnv(t), "leads", "help")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"quiz", "bookings", "send"} {
		reportLine(t, stdout, `  `+name+` .+`)
	}
}

func TestLeadsRoughly(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{45*time.Second + 400*time.Millisecond, "45s"},
		{59*time.Second + 600*time.Millisecond, "1m"},
		{2*time.Minute + 10*time.Second, "2m"},
		{59*time.Minute + 59*time.Second, "1h"},
		{4*time.Hour + 16*time.Minute, "4h16m"},
		{6 * time.Hour, "6h"},
	} {
		if got := roughly(tt.d); got != tt.want {
			t.Errorf("roughly(%v): got %q, want %q", tt.d, got, tt.want)
		}
	}
}
