package api_test

// Reminders before each session, sent by the hourly job (Function.Hourly)
// with the fixture's clock: due and not yet due, cancelled, moved, started,
// and once only, however often and on however many instances it runs.

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cassidine/site/internal/mail"
	"github.com/cassidine/site/internal/store"
	"github.com/cassidine/site/internal/store/storetest"
)

// bkRoom is the video room of the reminder tests' site.
const bkRoom = "https://zoom.us/j/5551234567"

// newReminderFixture is a fixture over the real site with a video room
// and reminders a day and an hour before.
func newReminderFixture(t testing.TB, opts ...bkOption) *bkFixture {
	t.Helper()
	th := bkThemeWith(t, `location = "`+bkRoom+`"`+"\nreminders = [\"24h\", \"1h\"]")
	return newBkFixture(t, append([]bkOption{bkWithTheme(th)}, opts...)...)
}

// hourly runs the hourly job at the fixture's clock set to at.
func (f *bkFixture) hourly(t testing.TB, at time.Time) {
	t.Helper()
	f.clock.Set(at)
	if err := f.fn.Hourly(t.Context()); err != nil {
		t.Fatalf("Hourly at %v: %v", at, err)
	}
}

// reminders are the reminder emails written so far, by subject, in the
// order written.
func (f *bkFixture) reminders(t testing.TB) []bkMail {
	t.Helper()
	var out []bkMail
	for _, ms := range f.emails(t) {
		for _, m := range ms {
			if strings.HasPrefix(m.Subject, "Reminder: ") {
				out = append(out, m)
			}
		}
	}
	return out
}

func bkSubjects(ms []bkMail) []string {
	var s []string
	for _, m := range ms {
		s = append(s, m.Subject)
	}
	slices.Sort(s)
	return s
}

// TestReminders books a session for Tuesday 8 December, 09:00 Chicago,
// on Monday at 08:00, and runs the hourly job through to its start.
func TestReminders(t *testing.T) {
	f := newReminderFixture(t)
	id, _ := f.book(t, bkValues(bkDec(8, 9, 0), "ada@example.com"))
	// In the prospect's zone, which the booking form sent (Europe/London).
	const day = "Reminder: your advisory session on Tuesday, December 8 at 3:00 PM GMT"

	// Not yet due: the day's reminder is at 09:00 on Monday, more than
	// half an hour after these runs.
	f.hourly(t, bkDec(7, 8, 0))
	f.hourly(t, bkDec(7, 8, 29))
	if got := f.reminders(t); len(got) != 0 {
		t.Fatalf("reminders before their time: %q", bkSubjects(got))
	}
	// The run nearest its time sends it: 08:30 and after.
	f.hourly(t, bkDec(7, 8, 45))
	got := f.reminders(t)
	if len(got) != 1 || got[0].Subject != day || got[0].to() != "ada@example.com" {
		t.Fatalf("the day's reminder: got %q, want %q to ada@example.com", bkSubjects(got), day)
	}
	text := ""
	if p, ok := got[0].part("text/plain"); ok {
		text = string(p.Body)
	}
	for _, want := range []string{
		"Hello Ada Lovelace,",
		"Your time: Tuesday, December 8 at 3:00 PM GMT (Europe/London)",
		"Consultant's time: Tuesday, December 8 at 9:00 AM CST (America/Chicago)",
		"UTC: Tuesday, December 8 at 15:00",
		"The session is a video call. Join it at the time above: " + bkRoom,
		bkBaseURL + "/api/book/reschedule?b=" + id + "&t=",
		bkBaseURL + "/api/book/cancel?b=" + id + "&t=",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the reminder's text lacks %q:\n%s", want, text)
		}
	}
	if _, ok := got[0].part("text/calendar"); ok {
		t.Error("the reminder carries an invite; the calendar has the event already")
	}
	if h, ok := got[0].part("text/html"); !ok || !strings.Contains(string(h.Body), `href="`+bkRoom+`"`) || !strings.Contains(string(h.Body), "Join the video call") {
		t.Errorf("the reminder's HTML part: %v; want one in the site's look with a button to join the call", ok)
	}
	// Its links work: the move page opens.
	_, rem := bkOne(t, f.outbox(t), "reminder")
	link := rem.Text[strings.Index(rem.Text, bkBaseURL+"/api/book/reschedule?"):]
	link = strings.TrimPrefix(link[:strings.IndexByte(link, '\n')], bkBaseURL)
	if res := f.get(t, link); res.Status != http.StatusOK {
		t.Errorf("the reminder's move link: got %s", res)
	}

	// Once, however often the job runs.
	f.hourly(t, bkDec(7, 9, 0))
	f.hourly(t, bkDec(7, 10, 0))
	f.hourly(t, bkDec(8, 7, 0))
	if got := f.reminders(t); len(got) != 1 {
		t.Errorf("after more runs: %d reminders, want still 1", len(got))
	}
	// The hour's reminder, then nothing once the session has started.
	f.hourly(t, bkDec(8, 8, 0))
	f.hourly(t, bkDec(8, 9, 0))
	f.hourly(t, bkDec(8, 10, 0))
	if got := f.reminders(t); len(got) != 2 || got[0].Subject != day || got[1].Subject != day {
		t.Errorf("the day's and the hour's reminders: got %q", bkSubjects(got))
	}
	sent, err := f.st.RemindersOf(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != 2 || sent[0].Before != 24*time.Hour || sent[1].Before != time.Hour || sent[0].Message == 0 || sent[1].Message == 0 {
		t.Errorf("recorded reminders: %+v, want the day's and the hour's with their emails", sent)
	}
}

// TestRemindersStarted: a session that started before the job ran (it was
// down) gets no reminder.
func TestRemindersStarted(t *testing.T) {
	f := newReminderFixture(t)
	f.book(t, bkValues(bkDec(8, 9, 0), "ada@example.com"))
	f.hourly(t, bkDec(8, 9, 0))
	f.hourly(t, bkDec(8, 9, 20))
	if got := f.reminders(t); len(got) != 0 {
		t.Errorf("reminders of a started session: %q", bkSubjects(got))
	}
}

// TestRemindersMissedRuns: when the job was down while both reminders
// fell due, one goes out, the nearest the start, and the other is passed
// over for good.
func TestRemindersMissedRuns(t *testing.T) {
	f := newReminderFixture(t)
	id, _ := f.book(t, bkValues(bkDec(8, 9, 0), "ada@example.com"))
	f.hourly(t, bkDec(8, 8, 0))
	f.hourly(t, bkDec(8, 8, 30))
	if got := f.reminders(t); len(got) != 1 {
		t.Errorf("after missed runs: %d reminders, want 1", len(got))
	}
	sent, err := f.st.RemindersOf(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != 2 || sent[0].Before != 24*time.Hour || sent[0].Message != 0 || sent[1].Before != time.Hour || sent[1].Message == 0 {
		t.Errorf("recorded reminders: %+v; want the day's passed over and the hour's sent", sent)
	}
}

func TestRemindersCancelled(t *testing.T) {
	f := newReminderFixture(t)
	id, done := f.book(t, bkValues(bkDec(8, 9, 0), "ada@example.com"))
	if res := f.post(t, "/api/book/cancel", bkCancelForm(id, bkToken(done))); res.Status != http.StatusOK {
		t.Fatalf("cancel: %s", res)
	}
	for _, at := range []time.Time{bkDec(7, 9, 0), bkDec(8, 8, 0)} {
		f.hourly(t, at)
	}
	if got := f.reminders(t); len(got) != 0 {
		t.Errorf("reminders of a cancelled booking: %q", bkSubjects(got))
	}
}

// TestRemindersMoved: the day's reminder of the first time goes out; the
// session moves to Thursday; the old time's hour reminder is not sent,
// and the new time's reminders are, the one recorded for the first time
// not standing in their way.
func TestRemindersMoved(t *testing.T) {
	f := newReminderFixture(t)
	id, done := f.book(t, bkValues(bkDec(8, 9, 0), "ada@example.com"))
	f.hourly(t, bkDec(7, 9, 0))
	if got := f.reminders(t); len(got) != 1 {
		t.Fatalf("the first time's reminder: %d, want 1", len(got))
	}
	f.clock.Set(bkDec(7, 10, 0))
	if res := f.post(t, "/api/book/reschedule", bkMoveForm(id, bkToken(done), bkDec(10, 9, 0))); res.Status != http.StatusSeeOther {
		t.Fatalf("move: %s", res)
	}
	f.hourly(t, bkDec(8, 8, 0)) // the old time's hour reminder
	f.hourly(t, bkDec(9, 8, 0)) // not yet: Thursday's are at 09:00 Wednesday and 08:00 Thursday
	f.hourly(t, bkDec(9, 9, 0))
	f.hourly(t, bkDec(10, 8, 0))
	want := []string{
		"Reminder: your advisory session on Thursday, December 10 at 3:00 PM GMT",
		"Reminder: your advisory session on Thursday, December 10 at 3:00 PM GMT",
		"Reminder: your advisory session on Tuesday, December 8 at 3:00 PM GMT",
	}
	if got := bkSubjects(f.reminders(t)); !slices.Equal(got, want) {
		t.Errorf("reminders: got %q, want %q", got, want)
	}
}

// TestRemindersQueuedWithoutMail: without a mail server (SMTP_URL unset
// on Netlify) the reminder waits in the outbox, queued once.
func TestRemindersQueuedWithoutMail(t *testing.T) {
	f := newReminderFixture(t, bkWithoutMail)
	id, _ := f.book(t, bkValues(bkDec(8, 9, 0), "ada@example.com"))
	f.hourly(t, bkDec(7, 9, 0))
	f.hourly(t, bkDec(7, 10, 0))
	om, m := bkOne(t, f.outbox(t), "reminder")
	if om.SentAt != nil || om.Booking != id || m.To != "ada@example.com" {
		t.Errorf("queued reminder: %+v to %q; want it unsent, for %s", om, m.To, id)
	}
}

func TestRemindersConcurrentSQLite(t *testing.T) {
	testRemindersConcurrent(t, storetest.SQLite(t))
}

func TestRemindersConcurrentPostgres(t *testing.T) {
	testRemindersConcurrent(t, storetest.Postgres(t))
}

// testRemindersConcurrent runs the hourly job on two instances (two
// functions over two stores of one database) at once, several times:
// each booking gets its reminder once.
func testRemindersConcurrent(t *testing.T, open storetest.Opener) {
	a := newReminderFixture(t, bkWithStore(storetest.MustOpen(t, open)))
	b := newReminderFixture(t, bkWithStore(storetest.MustOpen(t, open)))
	starts := []time.Time{bkDec(8, 9, 0), bkDec(8, 9, 45), bkDec(8, 10, 30), bkDec(8, 11, 15)}
	for i, start := range starts {
		a.book(t, bkValues(start, string(rune('a'+i))+"@example.com"))
	}
	at := bkDec(7, 11, 15)
	a.clock.Set(at)
	b.clock.Set(at)
	var wg sync.WaitGroup
	for i := range 8 {
		fn := []*bkFixture{a, b}[i%2].fn
		wg.Go(func() {
			if err := fn.Hourly(context.Background()); err != nil {
				t.Errorf("Hourly: %v", err)
			}
		})
	}
	wg.Wait()
	got := append(a.reminders(t), b.reminders(t)...)
	if len(got) != len(starts) {
		t.Errorf("reminders written by two instances: %d, want %d: %q", len(got), len(starts), bkSubjects(got))
	}
	var to []string
	for _, m := range got {
		to = append(to, m.to())
	}
	slices.Sort(to)
	if want := []string{"a@example.com", "b@example.com", "c@example.com", "d@example.com"}; !slices.Equal(to, want) {
		t.Errorf("reminders to %q, want one each to %q", to, want)
	}
	ms, err := a.st.Outbox(t.Context(), true)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(bkOutboxKind(ms, "reminder")); n != len(starts) {
		t.Errorf("reminder emails queued: %d, want %d", n, len(starts))
	}
}

// bkWithoutMail gives the fixture no mail sender: emails stay queued.
func bkWithoutMail(s *bkSetup) { s.noMail = true }

// bkStuckSender sends its first n messages, then hangs until its
// context ends, as a mail server that stops answering.
type bkStuckSender struct{ n atomic.Int32 }

func (s *bkStuckSender) Send(ctx context.Context, _ mail.Message) error {
	if s.n.Add(-1) >= 0 {
		return nil
	}
	<-ctx.Done()
	return ctx.Err()
}

// TestHourlyTimeUp: a run whose time is nearly up stops sending, leaves
// the rest queued for the next run, and reports no error.
func TestHourlyTimeUp(t *testing.T) {
	stuck := &bkStuckSender{}
	stuck.n.Store(2)
	f := newReminderFixture(t, bkWithSender(stuck))
	f.clock.Set(bkMonday)
	for i, start := range []time.Time{bkDec(8, 9, 0), bkDec(8, 9, 45), bkDec(8, 10, 30), bkDec(8, 11, 15), bkDec(8, 13, 0), bkDec(8, 13, 45)} {
		// Booked without sending: the store directly, made the day before.
		b := &store.Booking{CreatedAt: bkMonday.Add(-24 * time.Hour), Start: start, End: start.Add(30 * time.Minute), Name: "Ada", Email: string(rune('a'+i)) + "@example.com"}
		if err := f.st.CreateBooking(t.Context(), b, nil, store.Guard{}); err != nil {
			t.Fatal(err)
		}
	}
	f.clock.Set(bkDec(7, 14, 0))
	// A second is kept back to answer: the run has half a second.
	ctx, cancel := context.WithTimeout(t.Context(), 1500*time.Millisecond)
	defer cancel()
	if err := f.fn.Hourly(ctx); err != nil {
		t.Fatalf("Hourly with its time running out: %v, want no error", err)
	}
	var sent, queued int
	for _, m := range bkOutboxKind(f.outbox(t), "reminder") {
		if m.SentAt != nil {
			sent++
		} else {
			queued++
		}
	}
	if sent+queued != 6 || sent > 2 || queued < 4 {
		t.Errorf("reminders: %d sent and %d left queued, want all 6 queued, 2 sent before the server hung and the rest left for the next run", sent, queued)
	}
}
