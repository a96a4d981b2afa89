package api_test

// Tests of the function under attack and faults: limits that hold under
// concurrency, per visitor, across window boundaries; the lifecycle of a
// booking's links; a database that stops answering.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cassidine/site/internal/api"
	"github.com/cassidine/site/internal/quiz"
	"github.com/cassidine/site/internal/store"
	"github.com/cassidine/site/internal/store/storetest"
	"github.com/cassidine/site/internal/theme"
)

// bkStores runs a test on SQLite and on Postgres (skipped without
// TEST_DATABASE_URL, required under CI=true).
func bkStores(t *testing.T, run func(t *testing.T, f *bkFixture)) {
	t.Run("sqlite", func(t *testing.T) { run(t, newBkFixture(t)) })
	t.Run("postgres", func(t *testing.T) { run(t, newBkPostgresFixture(t)) })
}

// TestCalendarFlood replays the attack: one network, a new email for
// every attempt, trying every free time for six hours. It books at most
// two sessions; an IPv6 network walking through its /64 is one network.
func TestCalendarFlood(t *testing.T) {
	bkStores(t, func(t *testing.T, f *bkFixture) {
		for _, tc := range []struct {
			name string
			ip   func(i int) string
		}{
			{"ipv4", func(int) string { return "198.51.100.7" }},
			{"ipv6 /64", func(i int) string { return fmt.Sprintf("[2001:db8:1:2:%x::%x]", i, i+1) }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := len(f.bookings(t))
				free := f.slots(t, "/api/slots").starts()
				start := f.clock.Now()
				booked, attempts := 0, 0
				for hour := range 6 {
					f.clock.Set(start.Add(time.Duration(hour) * time.Hour))
					for range 15 {
						slot := free[attempts%len(free)]
						v := bkValues(time.Time{}, fmt.Sprintf("flood%d-%s@example.com", attempts, strings.ReplaceAll(tc.name, " ", "")))
						v.Set("slot", slot)
						res := f.post(t, "/api/book", v, bkFromIP(tc.ip(attempts)))
						attempts++
						if res.Status == http.StatusSeeOther {
							booked++
						}
					}
				}
				f.clock.Set(start)
				if got := len(f.bookings(t)) - before; got != booked || booked > 2 {
					t.Errorf("%d attempts over 6 hours from one network: %d answered as booked, %d stored; want at most 2", attempts, booked, got)
				}
			})
		}
	})
}

// TestOneUpcomingBookingPerEmail: a second booking for an email that holds
// one is refused (409), the form kept; the links of the first go to that
// address (never to the page), once a day however often it is tried.
func TestOneUpcomingBookingPerEmail(t *testing.T) {
	f := newBkFixture(t)
	id, _ := f.book(t, bkValues(bkDec(8, 9, 0), "ada@example.com"))
	for i := range 3 {
		v := bkValues(bkDec(10, 9, 0), "ADA@example.com")
		res := f.post(t, "/api/book", v)
		if res.Status != http.StatusConflict || !strings.Contains(res.Body, "already has an upcoming session") {
			t.Fatalf("attempt %d: got %s; want 409, the email already has a session", i+1, res)
		}
		bkFormPage(t, res.Body).wantValuesKept(t, v)
		if strings.Contains(res.Body, id) {
			t.Error("the page shows the first booking's id (its links are for its owner's inbox only)")
		}
	}
	existing := bkOutboxKind(f.outbox(t), "existing")
	if len(existing) != 1 || existing[0].To != "ada@example.com" || existing[0].Booking != id {
		t.Fatalf("existing-booking emails: %+v; want one, to ada@example.com, about %s", existing, id)
	}
	if len(f.bookings(t)) != 1 {
		t.Errorf("bookings: %d, want 1", len(f.bookings(t)))
	}
}

// TestDailyCapConcurrent: every free time of one day booked at once, from
// different visitors: the day's cap (maxPerDay 4 in site.toml) holds.
func TestDailyCapConcurrent(t *testing.T) {
	bkStores(t, func(t *testing.T, f *bkFixture) {
		var day []string
		for _, s := range f.slots(t, "/api/slots").starts() {
			if st, _ := time.Parse(time.RFC3339, s); st.In(bkChicago).Day() == 8 {
				day = append(day, s)
			}
		}
		if len(day) != 9 {
			t.Fatalf("Tuesday December 8 offers %d times, want 9", len(day))
		}
		var wg sync.WaitGroup
		statuses := make([]int, len(day))
		for i, slot := range day {
			wg.Go(func() {
				v := bkValues(time.Time{}, fmt.Sprintf("cap%d@example.com", i))
				v.Set("slot", slot)
				statuses[i] = f.post(t, "/api/book", v, bkFromIP(fmt.Sprintf("203.0.113.%d", i+1))).Status
			})
		}
		wg.Wait()
		booked := 0
		for i, st := range statuses {
			switch st {
			case http.StatusSeeOther:
				booked++
			case http.StatusConflict:
			default:
				t.Errorf("booking %d: status %d, want 303 or 409", i, st)
			}
		}
		if n := len(f.bookings(t)); booked != 4 || n != 4 {
			t.Errorf("%d concurrent bookings of one day capped at 4: %d answered as booked, %d stored", len(day), booked, n)
		}
	})
}

// TestNoChangeOnceStarted: two hours after a session started, its links
// can neither move nor cancel it (today a move would book a second free
// session), on the page or by a direct POST.
func TestNoChangeOnceStarted(t *testing.T) {
	f := newBkFixture(t)
	id, done := f.book(t, bkValues(bkDec(8, 9, 0), "ada@example.com"))
	tok := bkToken(done)
	f.clock.Set(bkDec(8, 11, 0))
	for _, res := range []bkResponse{
		f.get(t, bkManage(done, "/api/book/reschedule")),
		f.post(t, "/api/book/reschedule", bkMoveForm(id, tok, bkDec(10, 9, 0))),
		f.get(t, bkManage(done, "/api/book/cancel")),
		f.post(t, "/api/book/cancel", bkCancelForm(id, tok)),
	} {
		if res.Status != http.StatusConflict || !strings.Contains(res.Body, "already started") {
			t.Errorf("got %s; want 409, the session has already started", res)
		}
	}
	b := f.booking(t, id)
	if !b.Start.Equal(bkDec(8, 9, 0)) || b.CancelledAt != nil || b.Sequence != 0 {
		t.Errorf("after refused changes: %+v; want untouched", b)
	}
	if n := len(f.bookings(t)); n != 1 {
		t.Errorf("bookings: %d, want 1", n)
	}
}

// TestMovesLimited: a booking moves at most three times a day; each move's
// links replace the last ones.
func TestMovesLimited(t *testing.T) {
	f := newBkFixture(t)
	id, done := f.book(t, bkValues(bkDec(8, 9, 0), "ada@example.com"))
	tok := bkToken(done)
	for i, to := range []time.Time{bkDec(9, 9, 0), bkDec(10, 9, 0), bkDec(11, 9, 0)} {
		res := f.post(t, "/api/book/reschedule", bkMoveForm(id, tok, to))
		if res.Status != http.StatusSeeOther {
			t.Fatalf("move %d: got %s; want 303", i+1, res)
		}
		tok = bkToken(res.Header.Get("Location"))
	}
	res := f.post(t, "/api/book/reschedule", bkMoveForm(id, tok, bkDec(14, 9, 0)))
	if res.Status != http.StatusTooManyRequests || !strings.Contains(res.Body, "moved too often") {
		t.Errorf("a fourth move the same day: got %s; want 429", res)
	}
	if b := f.booking(t, id); !b.Start.Equal(bkDec(11, 9, 0)) || b.Sequence != 3 {
		t.Errorf("after the refused move: %+v", b)
	}
	f.clock.Set(bkMonday.Add(24 * time.Hour))
	if res := f.post(t, "/api/book/reschedule", bkMoveForm(id, tok, bkDec(14, 9, 0))); res.Status != http.StatusSeeOther {
		t.Errorf("a day later: got %s; want 303", res)
	}
}

// TestCancelledDonePage: the page of a cancelled booking, through any of
// its links, says it is cancelled, not that a confirmation is on its way.
func TestCancelledDonePage(t *testing.T) {
	f := newBkFixture(t)
	id, done := f.book(t, bkValues(bkDec(8, 9, 0), "ada@example.com"))
	if res := f.post(t, "/api/book/cancel", bkCancelForm(id, bkToken(done))); res.Status != http.StatusOK {
		t.Fatalf("cancel: got %s", res)
	}
	res := f.get(t, done)
	if res.Status != http.StatusOK || !strings.Contains(res.Body, "This session is cancelled") || strings.Contains(res.Body, "confirmation with a calendar invite is on its way") {
		t.Errorf("the done page of a cancelled booking: got %s; want it to say cancelled, and no confirmation on its way", res)
	}
}

// TestQuizEmailBomb: 200 posts of "email me this result" with a victim's
// address, from one network and from many, send one email.
func TestQuizEmailBomb(t *testing.T) {
	f := newBkFixture(t)
	id, _ := f.quizResult(t)
	statuses := map[int]int{}
	for i := range 200 {
		ip := "198.51.100.9"
		if i >= 100 {
			ip = fmt.Sprintf("203.0.113.%d", i%250)
		}
		v := url.Values{"id": {id}, "email": {"victim@example.com"}, "consent": {"yes"}, "website": {""}}
		statuses[f.post(t, "/api/quiz/email", v, bkFromIP(ip)).Status]++
	}
	if n := len(bkOutboxKind(f.outbox(t), "quiz-result")); n != 1 {
		t.Errorf("200 requests to email one result to one address: %d emails queued, want 1 (statuses %v)", n, statuses)
	}
	if statuses[http.StatusTooManyRequests] < 90 {
		t.Errorf("statuses %v: want the one network held to its hourly limit", statuses)
	}
}

// TestQuizPostLimited: one network submits the quiz at most 30 times an
// hour; the 31st gets 429 with its answers kept, and nothing stored.
func TestQuizPostLimited(t *testing.T) {
	f := newBkFixture(t)
	form := url.Values{"v": {f.quizVer}, "website": {""}}
	for i := range f.quiz.Questions {
		form.Set(quiz.FieldName(i), "2")
	}
	for i := range 31 {
		res := f.post(t, "/api/quiz", form, bkFromIP("198.51.100.10"))
		want := http.StatusSeeOther
		if i == 30 {
			want = http.StatusTooManyRequests
		}
		if res.Status != want {
			t.Fatalf("quiz %d: got %s; want %d", i+1, res, want)
		}
	}
	if res := f.post(t, "/api/quiz", form, bkFromIP("198.51.100.11")); res.Status != http.StatusSeeOther {
		t.Errorf("another network: got %s; want 303", res)
	}
}

// TestInvisibleCharactersRefused: a name, company or role holding a
// text-direction override (or another invisible formatting character) is
// refused with a message at the field, the form kept.
func TestInvisibleCharactersRefused(t *testing.T) {
	f := newBkFixture(t)
	for _, field := range []string{"name", "company", "role"} {
		v := bkWith(bkValues(bkDec(8, 9, 0), "ada@example.com"), field, "Ada\u202eecilA")
		res := f.post(t, "/api/book", v)
		p := bkFormPage(t, res.Body)
		if res.Status != http.StatusBadRequest || !strings.Contains(p.Errors[field], "invisible formatting characters") {
			t.Errorf("%s with a right-to-left override: got %s, message %q; want 400 with a message at the field", field, res, p.Errors[field])
		}
		p.wantValuesKept(t, v)
	}
	if n := len(f.bookings(t)); n != 0 {
		t.Errorf("bookings: %d, want none", n)
	}
}

// TestStalledDatabase: Postgres stops answering (every byte held, as a
// stopped server does): /api/slots and POST /api/book answer 503 within
// the request's budget, the form kept, instead of hanging; once the server
// answers again the refused booking is not there.
func TestStalledDatabase(t *testing.T) {
	direct := storetest.PostgresURL(t)
	u, err := url.Parse(direct)
	if err != nil || u.Host == "" {
		t.Skipf("TEST_DATABASE_URL is not a postgres:// URL; this test needs one to put a proxy in front")
	}
	proxy := bkStartProxy(t, u.Host)
	u.Host = proxy.Addr()
	st, err := store.OpenPostgres(context.Background(), u.String())
	if err != nil {
		t.Fatalf("OpenPostgres through the proxy: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	f := newBkFixture(t, bkWithStore(st), bkWithBudget(time.Second))
	f.book(t, bkValues(bkDec(8, 9, 0), "ada@example.com"))

	proxy.Freeze()
	start := time.Now()
	if res := f.get(t, "/api/slots"); res.Status != http.StatusServiceUnavailable {
		t.Errorf("GET /api/slots with the server stalled: got %s; want 503", res)
	}
	v := bkValues(bkDec(9, 9, 0), "grace@example.com")
	res := f.post(t, "/api/book", v)
	if res.Status != http.StatusServiceUnavailable {
		t.Errorf("POST /api/book with the server stalled: got %s; want 503", res)
	} else {
		bkFormPage(t, res.Body).wantValuesKept(t, v)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("two requests with a 1 s budget took %v with the server stalled", took)
	}
	// Without a budget of its own, a request keeps to its context's
	// deadline (Lambda's), less the margin it needs to answer.
	ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
	defer cancel()
	f.h = api.New(api.Deps{Store: st, Theme: mustTheme(t), Secret: []byte(bkSecret), Now: f.clock.Now})
	start = time.Now()
	if res := f.get(t, "/api/slots", bkCtx(ctx)); res.Status != http.StatusServiceUnavailable {
		t.Errorf("GET /api/slots with a 2.5 s deadline, the server stalled: got %s; want 503", res)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("a request with a 2.5 s deadline answered after %v; want it to keep a second to answer", took)
	}
	proxy.Thaw()
	again, err := store.OpenPostgres(context.Background(), direct)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	time.Sleep(200 * time.Millisecond) // what the server had been sent is processed
	bookings, err := again.Bookings(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(bookings) != 1 {
		t.Errorf("after the stall: %d bookings, want the first only (the visitor was told the second failed)", len(bookings))
	}
}

func mustTheme(t testing.TB) *theme.Theme {
	t.Helper()
	th, err := bkTheme()
	if err != nil {
		t.Fatal(err)
	}
	return th
}
