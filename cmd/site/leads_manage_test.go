package main

import (
	"bytes"
	"context"
	"errors"
	netmail "net/mail"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/content"
	"github.com/cassidine/site/internal/mail/mailpittest"
	"github.com/cassidine/site/internal/store"
)

// The consultant's site leads cancel and move, end to end over SQLite:
// they run from the site's folder (the function's layouts and settings),
// with the real clock, so the times come from the real site.toml's rules.

// manageFixture is a site folder's store with bookings on free times.
type manageFixture struct {
	getenv func(string) string
	st     store.Store
	rules  *booking.Rules
	free   []booking.Slot // free slots, from now
	notify string         // site.toml's email: the consultant's notices go there
}

func newManageFixture(t *testing.T) *manageFixture {
	t.Helper()
	t.Chdir("../..") // the site's folder: content/, layouts/, static/
	getenv := leadsEnv(t)
	src, err := os.ReadFile("content/site.toml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := content.ParseSite("content/site.toml", src)
	if err != nil {
		t.Fatal(err)
	}
	rules, err := booking.FromSite(s)
	if err != nil || rules == nil {
		t.Fatalf("the site's booking rules: %v, %v", rules, err)
	}
	now := time.Now()
	free := rules.Slots(now, now.AddDate(0, 0, rules.HorizonDays+1), now, nil)
	if len(free) < 12 {
		t.Fatalf("the site offers %d slots, want a dozen", len(free))
	}
	return &manageFixture{getenv: getenv, st: openSeedStore(t, getenv), rules: rules, free: free, notify: s.Email}
}

// seed stores a booking at start (made two days ago, as the function
// does: no emails queued here).
func (f *manageFixture) seed(t *testing.T, start time.Time, email string) store.Booking {
	t.Helper()
	b := store.Booking{CreatedAt: time.Now().Add(-48 * time.Hour), Start: start, End: start.Add(f.rules.Slot), Name: "Ada Lovelace", Email: email}
	if err := f.st.CreateBooking(context.Background(), &b, nil, store.Guard{}); err != nil {
		t.Fatal(err)
	}
	return b
}

// leadsInvite is what a calendar client reads from an email's invite.
type leadsInvite struct {
	to, method, uid string
	sequence        int
	start           time.Time
}

// invites reads the invites of the .eml files written so far, by file.
func (f *manageFixture) invites(t *testing.T) map[string]leadsInvite {
	t.Helper()
	out := map[string]leadsInvite{}
	for _, file := range leadsEMLFiles(t, f.getenv) {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		msg, err := netmail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		to, err := msg.Header.AddressList("To")
		if err != nil || len(to) != 1 {
			t.Fatalf("%s: To %v, %v", file, to, err)
		}
		for _, p := range mailpittest.Parts(t, msg.Header, msg.Body) {
			if p.MediaType != "application/ics" {
				continue
			}
			cal, err := ics.ParseCalendar(bytes.NewReader(p.Body))
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			inv := leadsInvite{to: to[0].Address}
			for _, cp := range cal.CalendarProperties {
				if cp.IANAToken == string(ics.PropertyMethod) {
					inv.method = cp.Value
				}
			}
			ev := cal.Events()[0]
			inv.uid = ev.Id()
			inv.sequence, _ = strconv.Atoi(ev.GetProperty(ics.ComponentPropertySequence).Value)
			inv.start, _ = ev.GetStartAt()
			out[filepath.Base(file)] = inv
		}
	}
	return out
}

// newInvites are the invites of inv not in seen, sorted by recipient.
func newInvites(seen, inv map[string]leadsInvite) []leadsInvite {
	var out []leadsInvite
	for file, i := range inv {
		if _, ok := seen[file]; !ok {
			out = append(out, i)
		}
	}
	slices.SortFunc(out, func(a, b leadsInvite) int { return strings.Compare(a.to, b.to) })
	return out
}

func TestLeadsMoveAndCancel(t *testing.T) {
	f := newManageFixture(t)
	b := f.seed(t, f.free[0].Start, "ada@example.com")
	to := f.free[5].Start
	local := to.In(f.rules.Location).Format(booking.LocalLayout)

	out, stderr, err := runLeadsCmd(t, f.getenv, "leads", "move", b.ID, local)
	if err != nil {
		t.Fatalf("leads move %s %q: %v\nstdout:\n%s\nstderr:\n%s", b.ID, local, err, out, stderr)
	}
	reportLine(t, out, `Moved `+b.ID+`: Ada Lovelace <ada@example.com>, now `+to.In(f.rules.Location).Format("Mon 2006-01-02 15:04")+`–\d\d:\d\d \(America/Chicago\)\.`)
	reportLine(t, out, `sent 2, failed 0, still queued 0`)
	got, err := f.st.Booking(context.Background(), b.ID)
	if err != nil || !got.Start.Equal(to) || got.Sequence != 1 {
		t.Fatalf("after the move: %+v, %v; want at %v, sequence 1", got, err, to)
	}
	moved := f.invites(t)
	inv := newInvites(nil, moved)
	if len(inv) != 2 {
		t.Fatalf("emails with invites after the move: %+v, want 2 (the prospect's and the notice)", inv)
	}
	for _, i := range inv {
		if i.method != "REQUEST" || i.sequence != 1 || !i.start.Equal(to) || !strings.HasPrefix(i.uid, b.ID+"@") {
			t.Errorf("the move's invite to %s: %+v; want REQUEST, SEQUENCE 1, the new time, UID %s@…", i.to, i, b.ID)
		}
	}
	if inv[0].to != "ada@example.com" || inv[1].to != f.notify {
		t.Errorf("the move's emails went to %s and %s, want ada@example.com and %s", inv[0].to, inv[1].to, f.notify)
	}

	// RFC 3339 too; then cancel.
	to2 := f.free[7].Start
	if _, _, err := runLeadsCmd(t, f.getenv, "leads", "move", b.ID, to2.Format(time.RFC3339)); err != nil {
		t.Fatalf("leads move (RFC 3339): %v", err)
	}
	seen := f.invites(t)
	out, _, err = runLeadsCmd(t, f.getenv, "leads", "cancel", b.ID)
	if err != nil {
		t.Fatalf("leads cancel: %v\n%s", err, out)
	}
	reportLine(t, out, `Cancelled `+b.ID+`: Ada Lovelace <ada@example.com>, .* The time is free again\.`)
	inv = newInvites(seen, f.invites(t))
	if len(inv) != 2 {
		t.Fatalf("emails with invites after the cancellation: %+v, want 2", inv)
	}
	for _, i := range inv {
		if i.method != "CANCEL" || i.sequence != 3 || !strings.HasPrefix(i.uid, b.ID+"@") {
			t.Errorf("the cancellation's invite to %s: %+v; want CANCEL, SEQUENCE 3, the same UID", i.to, i)
		}
	}
	if got, _ := f.st.Booking(context.Background(), b.ID); got.CancelledAt == nil {
		t.Error("the booking is not cancelled")
	}
	// Again: cancelled already, nothing sent.
	_, _, err = runLeadsCmd(t, f.getenv, "leads", "cancel", b.ID)
	if err == nil || !strings.Contains(err.Error(), "cancelled already") {
		t.Errorf("cancelling again: %v, want a refusal saying it is cancelled already", err)
	}
	if n := len(leadsEMLFiles(t, f.getenv)); n != 6 {
		t.Errorf(".eml files: %d, want 6 (two per change)", n)
	}
}

func TestLeadsManageRefuses(t *testing.T) {
	f := newManageFixture(t)
	a := f.seed(t, f.free[0].Start, "a@example.com")
	b := f.seed(t, f.free[3].Start, "b@example.com")
	started := f.seed(t, time.Now().Add(-10*time.Minute).Truncate(time.Minute), "started@example.com")
	// Sunday 03:00 in the consultant's zone: no hours.
	sunday := time.Now().In(f.rules.Location).AddDate(0, 0, 7)
	for sunday.Weekday() != time.Sunday {
		sunday = sunday.AddDate(0, 0, 1)
	}
	night := time.Date(sunday.Year(), sunday.Month(), sunday.Day(), 3, 0, 0, 0, f.rules.Location)
	local := func(t time.Time) string { return t.In(f.rules.Location).Format(booking.LocalLayout) }

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown id", []string{"cancel", store.NewID()}, "no booking"},
		{"unknown id, move", []string{"move", store.NewID(), local(f.free[6].Start)}, "no booking"},
		{"not an id", []string{"cancel", "nonsense"}, "no booking"},
		{"started, cancel", []string{"cancel", started.ID}, "has started"},
		{"started, move", []string{"move", started.ID, local(f.free[6].Start)}, "has started"},
		{"a taken time", []string{"move", a.ID, local(b.Start)}, "that time is taken"},
		{"a taken time, forced", []string{"move", "-force", a.ID, local(b.Start)}, "that time is taken"},
		{"within the buffer, forced", []string{"move", "-force", a.ID, local(b.Start.Add(-f.rules.Slot))}, "that time is taken"},
		{"outside the hours", []string{"move", a.ID, local(night)}, "-force moves it there all the same"},
		{"the past, forced", []string{"move", "-force", a.ID, local(time.Now().Add(-2 * time.Hour))}, "that time has passed"},
		{"a time the clocks skip", []string{"move", a.ID, "2027-03-14 02:30"}, "the clocks skip it"},
		{"not a time", []string{"move", a.ID, "next tuesday"}, "want RFC 3339"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(leadsEMLFiles(t, f.getenv))
			out, _, err := runLeadsCmd(t, f.getenv, append([]string{"leads"}, tc.args...)...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error saying %q\n%s", err, tc.want, out)
			}
			if after := len(leadsEMLFiles(t, f.getenv)); after != before {
				t.Errorf("%d emails written by a refused change", after-before)
			}
		})
	}
	for _, bk := range []store.Booking{a, b, started} {
		got, err := f.st.Booking(context.Background(), bk.ID)
		if err != nil || !got.Start.Equal(bk.Start) || got.Sequence != 0 || got.CancelledAt != nil {
			t.Errorf("booking %s after refused changes: %+v, %v; want unchanged", bk.Email, got, err)
		}
	}
	if n := len(leadsOutbox(t, f.st, true)); n != 0 {
		t.Errorf("outbox after refused changes: %d messages, want none", n)
	}

	// Outside the hours with -force: moved.
	out, _, err := runLeadsCmd(t, f.getenv, "leads", "move", "-force", a.ID, local(night))
	if err != nil {
		t.Fatalf("leads move -force to Sunday 03:00: %v\n%s", err, out)
	}
	if got, _ := f.st.Booking(context.Background(), a.ID); !got.Start.Equal(night) || !got.End.Equal(night.Add(f.rules.Slot)) {
		t.Errorf("forced move: %v–%v, want %v and a slot's length", got.Start, got.End, night)
	}
}

func TestLeadsManageUsage(t *testing.T) {
	getenv := leadsEnv(t)
	for _, args := range [][]string{{"leads", "cancel"}, {"leads", "cancel", "a", "b"}, {"leads", "move", "id"}, {"leads", "move", "-nosuch", "id", "t"}} {
		_, stderr, err := runLeadsCmd(t, getenv, args...)
		var u usageError
		if !errors.As(err, &u) || !strings.Contains(stderr, "usage: site leads") {
			t.Errorf("%q: got %v, stderr %q; want a usage error with the usage", args, err, stderr)
		}
	}
	// No store here: refused, nothing created.
	_, _, err := runLeadsCmd(t, getenv, "leads", "cancel", store.NewID())
	if err == nil || !strings.Contains(err.Error(), "no store at") {
		t.Errorf("cancel without a store: %v, want no store at …", err)
	}
	// Against Postgres, the site's SITE_SECRET is required.
	env := map[string]string{"DATABASE_URL": "postgres://nobody@127.0.0.1:9/none", "DATA_DIR": getenv("DATA_DIR")}
	_, _, err = runLeadsCmd(t, func(k string) string { return env[k] }, "leads", "cancel", store.NewID())
	if err == nil || !strings.Contains(err.Error(), "SITE_SECRET") {
		t.Errorf("cancel against Postgres without SITE_SECRET: %v, want a refusal naming it", err)
	}
}
