package api_test

// Booking when something it depends on is down: the mail server (a real
// Mailpit, stopped and started again) and the database (a closed SQLite
// store, a Postgres server that vanishes behind a proxy, a schema that
// vanishes, a transaction that fails after the booking row was written).

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cassidine/site/internal/mail"
	"github.com/cassidine/site/internal/mail/mailpittest"
	"github.com/cassidine/site/internal/store"
	"github.com/cassidine/site/internal/store/storetest"
)

// ---------------------------------------------------------------------------
// Mailpit, run by mailpittest: SMTP and the HTTP API on free loopback
// ports; Stop and Restart play an outage on the same ports.

// bkMailpit adds what these tests read from Mailpit.
type bkMailpit struct {
	*mailpittest.Server
	t testing.TB
}

func bkStartMailpit(t testing.TB) bkMailpit {
	t.Helper()
	return bkMailpit{mailpittest.Start(t), t}
}

// bySubject returns the one message whose subject starts with prefix.
func (mp bkMailpit) bySubject(prefix string) mailpittest.Message {
	mp.t.Helper()
	var found []mailpittest.Summary
	for _, s := range mp.Messages() {
		if strings.HasPrefix(s.Subject, prefix) {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		mp.t.Fatalf("mailpit: got %d messages with subject %q…, want 1", len(found), prefix)
	}
	return mp.Message(found[0].ID)
}

// invite returns a message's invite.ics attachment as Mailpit got it.
func (mp bkMailpit) invite(m mailpittest.Message) []byte {
	mp.t.Helper()
	for _, a := range m.Attachments {
		if a.FileName == mail.InviteFileName {
			if a.ContentType != "application/ics" {
				mp.t.Errorf("%s: %s as %q, want application/ics", m.Subject, a.FileName, a.ContentType)
			}
			return mp.Part(m.ID, a.PartID)
		}
	}
	mp.t.Fatalf("%s: attachments %+v, want %s", m.Subject, m.Attachments, mail.InviteFileName)
	return nil
}

// bkSMTPSender is the sender SMTP_URL names, as Setup makes it.
func bkSMTPSender(t testing.TB, smtpURL string) mail.Sender {
	t.Helper()
	env := map[string]string{"SMTP_URL": smtpURL, "MAIL_FROM": "bookings@cassidine.example"}
	s, _, err := mail.NewSender(func(k string) string { return env[k] }, t.TempDir())
	if err != nil {
		t.Fatalf("NewSender: %v", err)
	}
	return s
}

// ---------------------------------------------------------------------------
// The mail server is down.

// TestBookSMTPDown: with Mailpit stopped, bookings still commit and their
// emails stay queued (attempted, with the error); with Mailpit back, a
// drain after the backoff delivers them: the prospect's invite parses
// with golang-ical as METHOD:REQUEST with the booking's UID, DTSTART in
// UTC and CRLF line ends. A cancellation then reaches Mailpit at once.
func TestBookSMTPDown(t *testing.T) {
	mp := bkStartMailpit(t)
	sender := bkSMTPSender(t, mp.SMTPURL())
	f := newBkFixture(t, bkWithSender(sender))
	quizID, score := f.quizResult(t)
	mp.Stop()

	slot := bkDec(8, 9, 0)
	v := bkValues(slot, "ada@example.com")
	v.Set("result", quizID)
	id, done := f.book(t, v)
	b := f.booking(t, id)
	ctx := context.Background()
	queued, err := f.st.Outbox(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(queued) != 2 {
		t.Fatalf("unsent messages: got %d, want 2", len(queued))
	}
	var due time.Time
	for _, m := range queued {
		if m.Attempts < 1 || m.LastError == "" || m.SentAt != nil || !m.NextAttempt.After(bkMonday) {
			t.Errorf("queued %q: attempts %d, error %q, sent %v, next %v; want tried once, failed, retried later", m.Kind, m.Attempts, m.LastError, m.SentAt, m.NextAttempt)
		}
		if m.NextAttempt.After(due) {
			due = m.NextAttempt
		}
	}
	if res := f.get(t, done); res.Status != http.StatusOK {
		t.Errorf("done page with the mail down: got %s", res)
	}

	mp.Restart()
	if sent, failed, err := mail.Drain(ctx, f.st, sender, bkMonday, 10); sent != 0 || failed != 0 || err != nil {
		t.Errorf("drain before the backoff: sent %d failed %d err %v; want nothing due", sent, failed, err)
	}
	if sent, failed, err := mail.Drain(ctx, f.st, sender, due.Add(time.Second), 10); sent != 2 || failed != 0 || err != nil {
		t.Fatalf("drain after the backoff: sent %d failed %d err %v; want 2 sent\nmailpit:\n%s", sent, failed, err, mp.Logs())
	}
	if left, _ := f.st.Outbox(ctx, false); len(left) != 0 {
		t.Errorf("unsent after the drain: %d", len(left))
	}

	got := mp.bySubject("Your advisory session:")
	if len(got.To) != 1 || got.To[0].Address != "ada@example.com" || !strings.Contains(got.Text, "Hello Ada Lovelace") {
		t.Errorf("prospect's email: to %+v, text:\n%s", got.To, got.Text)
	}
	raw := mp.invite(got)
	inv := bkParseICS(t, raw)
	bkWantInvite(t, "invite from Mailpit", inv, b, "REQUEST", 0)
	if inv.UID != id+"@"+bkHost || inv.DTStart != "20261208T150000Z" {
		t.Errorf("invite: UID %q DTSTART %q", inv.UID, inv.DTStart)
	}
	if !bytes.Contains(raw, []byte("\r\nMETHOD:REQUEST\r\n")) || bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) {
		t.Errorf("invite: want METHOD:REQUEST and CRLF line ends only:\n%q", raw)
	}
	bkWantEmailInvite(t, bkReadMail(t, mp.Raw(got.ID)), "REQUEST")

	notice := mp.bySubject("New booking: Ada Lovelace")
	if len(notice.To) != 1 || notice.To[0].Address != bkNotify || !strings.Contains(notice.Text, "Company: Analytical Engines Ltd") || !strings.Contains(notice.Text, score.Band.Headline) {
		t.Errorf("consultant's email: to %+v, text:\n%s", notice.To, notice.Text)
	}

	// With the server up, a cancellation goes out with the request.
	if res := f.post(t, "/api/book/cancel", bkCancelForm(id, bkToken(done))); res.Status != http.StatusOK {
		t.Fatalf("cancel: got %s", res)
	}
	cancel := mp.bySubject("Cancelled: your advisory session")
	cinv := bkParseICS(t, mp.invite(cancel))
	bkWantInvite(t, "cancellation from Mailpit", cinv, f.booking(t, id), "CANCEL", 1)
	if cinv.UID != inv.UID || cinv.Sequence <= inv.Sequence {
		t.Errorf("cancellation: UID %q SEQUENCE %d; want %q and above %d", cinv.UID, cinv.Sequence, inv.UID, inv.Sequence)
	}
	if n := len(mp.Messages()); n != 4 {
		t.Errorf("mailpit holds %d messages, want 4", n)
	}
}

// TestBookSMTPRefused: SMTP_URL names a port nobody listens on: the
// booking commits, the emails wait in the outbox with the error.
func TestBookSMTPRefused(t *testing.T) {
	f := newBkFixture(t, bkWithSender(bkSMTPSender(t, "smtp://"+mailpittest.FreeAddr(t)+"?tls=none")))
	id, _ := f.book(t, bkValues(bkDec(8, 9, 0), "ada@example.com"))
	ms, err := f.st.Outbox(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 {
		t.Fatalf("unsent: got %d, want 2", len(ms))
	}
	for _, m := range ms {
		if m.Booking != id || m.Attempts != 1 || !strings.Contains(m.LastError, "smtp") || m.SentAt != nil {
			t.Errorf("queued %q: booking %q attempts %d error %q sent %v", m.Kind, m.Booking, m.Attempts, m.LastError, m.SentAt)
		}
	}
}

// ---------------------------------------------------------------------------
// The database is down.

// bkWantUnavailable checks a 503 booking answer: the form with the
// visitor's values and a clear message, or the JSON error.
func bkWantUnavailable(t *testing.T, f *bkFixture, v url.Values) {
	t.Helper()
	res := f.post(t, "/api/book", v)
	if res.Status != http.StatusServiceUnavailable {
		t.Fatalf("POST /api/book with the database down: got %s; want 503", res)
	}
	p := bkFormPage(t, res.Body)
	p.wantValuesKept(t, v)
	if !strings.Contains(p.Summary, "We could not book just now: nothing was saved, and your details are kept below. Please try again in a minute.") {
		t.Errorf("503 message: got %q", p.Summary)
	}
	t.Run("the chosen time is kept", func(t *testing.T) {
		// The store cannot list the free times just now, but the page must
		// neither lose the visitor's choice nor say there are no times.
		if p.Checked != v.Get("slot") {
			t.Errorf("chosen time: got %q, want %q kept (the page offers %d times)", p.Checked, v.Get("slot"), len(p.Slots))
		}
		if strings.Contains(res.Body, "There are no free times") {
			t.Error("the page says there are no free times in the coming weeks: the database is down, the calendar is not empty")
		}
	})
	res = f.post(t, "/api/book", v, bkAcceptJSON)
	var e struct{ Error string }
	if res.Status != http.StatusServiceUnavailable || json.Unmarshal([]byte(res.Body), &e) != nil || !strings.Contains(e.Error, "nothing was saved") {
		t.Errorf("JSON: got %s; want 503 saying nothing was saved", res)
	}
}

// bkWantNoNewRows opens the database again and checks it holds only the
// bookings and messages it held before the outage.
func bkWantRows(t testing.TB, st store.Store, bookings, messages int) {
	t.Helper()
	ctx := context.Background()
	bs, err := st.Bookings(ctx, time.Time{})
	if err != nil {
		t.Fatalf("Bookings: %v", err)
	}
	ms, err := st.Outbox(ctx, true)
	if err != nil {
		t.Fatalf("Outbox: %v", err)
	}
	if len(bs) != bookings || len(ms) != messages {
		t.Errorf("after the outage: %d bookings and %d messages; want %d and %d", len(bs), len(ms), bookings, messages)
	}
}

// TestBookStoreDown closes the SQLite store under the handler: POST
// /api/book is a 503 with the form back, every booking page a 503 (never a
// 500), and the file, opened again, holds nothing new.
func TestBookStoreDown(t *testing.T) {
	f := newBkFixture(t)
	_, done := f.book(t, bkValues(bkDec(8, 9, 0), "ada@example.com"))
	if err := f.st.Close(); err != nil {
		t.Fatal(err)
	}
	bkWantUnavailable(t, f, bkValues(bkDec(9, 9, 0), "grace@example.com"))
	for _, r := range []struct {
		name string
		do   func() bkResponse
	}{
		{"slots", func() bkResponse { return f.get(t, "/api/slots") }},
		{"form", func() bkResponse { return f.get(t, "/api/book") }},
		{"done", func() bkResponse { return f.get(t, done) }},
		{"cancel page", func() bkResponse { return f.get(t, bkManage(done, "/api/book/cancel")) }},
		{"cancel", func() bkResponse {
			id, _ := bkDoneLink(t, done)
			return f.post(t, "/api/book/cancel", bkCancelForm(id, bkToken(done)))
		}},
		{"reschedule", func() bkResponse {
			id, _ := bkDoneLink(t, done)
			return f.post(t, "/api/book/reschedule", bkMoveForm(id, bkToken(done), bkDec(9, 9, 45)))
		}},
	} {
		if res := r.do(); res.Status != http.StatusServiceUnavailable {
			t.Errorf("%s with the store closed: got %s; want 503", r.name, res)
		}
	}
	st, err := store.OpenSQLite(f.path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	bkWantRows(t, st, 1, 2)
}

// bkFailingCommit makes CreateBooking's transaction fail after the
// booking row is written: it queues one more message, for a booking that
// does not exist, which the foreign key refuses inside the transaction.
type bkFailingCommit struct{ store.Store }

func (s bkFailingCommit) CreateBooking(ctx context.Context, b *store.Booking, msgs []store.OutboxMessage, g store.Guard) error {
	msgs = append(slices.Clone(msgs), store.OutboxMessage{Kind: "probe", To: "probe@example.com", Payload: []byte("x"), Booking: store.NewID()})
	return s.Store.CreateBooking(ctx, b, msgs, g)
}

// TestBookFailsAtCommit: the booking's transaction fails at its last
// write: 503 with the form back, and neither the booking nor its emails
// stay; the time is still free.
func TestBookFailsAtCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "site.db")
	real, err := store.OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { real.Close() })
	f := newBkFixture(t, bkWithStore(bkFailingCommit{real}))
	v := bkValues(bkDec(8, 9, 0), "ada@example.com")
	bkWantUnavailable(t, f, v)
	bkWantRows(t, real, 0, 0)
	if !slices.Contains(f.slots(t, "/api/slots").starts(), v.Get("slot")) {
		t.Error("the time is no longer offered after a failed booking")
	}
	if n := len(f.emlFiles(t)); n != 0 {
		t.Errorf("emails sent for a failed booking: %d", n)
	}
}

// bkProxy forwards TCP to a server until Close, which cuts every
// connection and stops listening: the server "vanishes".
type bkProxy struct {
	l      net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
	closed bool
	frozen chan struct{} // non-nil while frozen: closed by Thaw
	wg     sync.WaitGroup
}

// Freeze stops forwarding, in both directions, without closing anything:
// the server looks alive and never answers, as a stopped (SIGSTOP) or
// overloaded Postgres does. Thaw resumes.
func (p *bkProxy) Freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.frozen == nil {
		p.frozen = make(chan struct{})
	}
}

// Thaw forwards again what was held and what follows.
func (p *bkProxy) Thaw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.frozen != nil {
		close(p.frozen)
		p.frozen = nil
	}
}

// forward copies src to dst, holding each chunk while the proxy is frozen.
func (p *bkProxy) forward(dst, src net.Conn) {
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			wait := p.frozen
			p.mu.Unlock()
			if wait != nil {
				<-wait
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func bkStartProxy(t testing.TB, target string) *bkProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &bkProxy{l: l, target: target}
	p.wg.Go(p.serve)
	t.Cleanup(p.Close)
	return p
}

func (p *bkProxy) Addr() string { return p.l.Addr().String() }

func (p *bkProxy) serve() {
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			c.Close()
			s.Close()
			return
		}
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		p.wg.Go(func() { p.forward(s, c) })
		p.wg.Go(func() { p.forward(c, s) })
	}
}

func (p *bkProxy) Close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	p.l.Close()
	for _, c := range p.conns {
		c.Close()
	}
	if p.frozen != nil {
		close(p.frozen)
		p.frozen = nil
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// TestBookPostgresDown: the Postgres server vanishes (every connection
// cut, nothing listening): POST /api/book is a 503 with the form back,
// GET /api/slots a 503, never a 500; the database holds nothing new.
func TestBookPostgresDown(t *testing.T) {
	direct := storetest.PostgresURL(t)
	u, err := url.Parse(direct)
	if err != nil || u.Host == "" {
		t.Skipf("TEST_DATABASE_URL is not a postgres:// URL; this test needs one to put a proxy in front")
	}
	proxy := bkStartProxy(t, u.Host)
	u.Host = proxy.Addr()
	ctx := context.Background()
	st, err := store.OpenPostgres(ctx, u.String())
	if err != nil {
		t.Fatalf("OpenPostgres through the proxy: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	f := newBkFixture(t, bkWithStore(st))
	f.book(t, bkValues(bkDec(8, 9, 0), "ada@example.com"))

	proxy.Close()
	bkWantUnavailable(t, f, bkValues(bkDec(9, 9, 0), "grace@example.com"))
	if res := f.get(t, "/api/slots"); res.Status != http.StatusServiceUnavailable {
		t.Errorf("GET /api/slots with the server gone: got %s; want 503", res)
	}
	if res := f.get(t, "/api/book"); res.Status != http.StatusServiceUnavailable {
		t.Errorf("GET /api/book with the server gone: got %s; want 503", res)
	}

	again, err := store.OpenPostgres(ctx, direct)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	bkWantRows(t, again, 1, 2)
}

// TestBookPostgresSchemaGone: the store's schema vanishes under it
// (renamed away, and back for the clean-up): POST /api/book is a 503 with
// the form back, not a 500.
func TestBookPostgresSchemaGone(t *testing.T) {
	u := storetest.PostgresURL(t)
	ctx := context.Background()
	st, err := store.OpenPostgres(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := newBkFixture(t, bkWithStore(st))
	f.book(t, bkValues(bkDec(8, 9, 0), "ada@example.com"))

	schema := bkSearchPath(t, u)
	admin, err := sql.Open("pgx", os.Getenv("TEST_DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "ALTER SCHEMA "+schema+" RENAME TO "+schema+"_gone"); err != nil {
		t.Fatalf("rename schema: %v", err)
	}
	t.Cleanup(func() {
		// Put it back, so storetest's clean-up can drop it.
		a, err := sql.Open("pgx", os.Getenv("TEST_DATABASE_URL"))
		if err == nil {
			_, err = a.ExecContext(context.Background(), "ALTER SCHEMA "+schema+"_gone RENAME TO "+schema)
			a.Close()
		}
		if err != nil {
			t.Errorf("rename the schema back: %v", err)
		}
	})
	bkWantUnavailable(t, f, bkValues(bkDec(9, 9, 0), "grace@example.com"))
}

// bkSearchPath is the schema a storetest URL points at.
func bkSearchPath(t testing.TB, conn string) string {
	t.Helper()
	if u, err := url.Parse(conn); err == nil && u.Query().Get("search_path") != "" {
		return u.Query().Get("search_path")
	}
	if _, after, ok := strings.Cut(conn, "search_path="); ok {
		return strings.Fields(after)[0]
	}
	t.Fatalf("no search_path in the storetest URL")
	return ""
}

// bkCancelMany books n sessions with a quiz result attached, then cancels
// them all at once, each request given timeout: every cancel must succeed
// and every notice carry the quiz result.
func bkCancelMany(t *testing.T, f *bkFixture, n int, timeout time.Duration) {
	quizID, score := f.quizResult(t)
	// Up to four a day (site.toml's maxPerDay).
	var slots []time.Time
	perDay := map[string]int{}
	for _, s := range bkExpectedSlots(bkMonday) {
		if day := s.In(bkChicago).Format(time.DateOnly); perDay[day] < 4 {
			perDay[day]++
			slots = append(slots, s)
		}
	}
	if n > len(slots) {
		t.Fatalf("only %d slots for %d bookings", len(slots), n)
	}
	type booked struct{ id, tok string }
	var bs []booked
	for i := range n {
		v := bkValues(slots[i], fmt.Sprintf("p%02d@example.com", i))
		v.Set("result", quizID)
		id, done := f.book(t, v)
		bs = append(bs, booked{id, bkToken(done)})
	}
	results := make([]bkResponse, n)
	startGun := make(chan struct{})
	var wg sync.WaitGroup
	began := time.Now()
	for i, b := range bs {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			<-startGun
			results[i] = f.post(t, "/api/book/cancel", bkCancelForm(b.id, b.tok), bkCtx(ctx))
		})
	}
	close(startGun)
	wg.Wait()
	took := time.Since(began)
	for i, res := range results {
		if res.Status != http.StatusOK {
			t.Errorf("cancel %d: got %s (after %v); want 200", i, res, took.Round(time.Millisecond))
		}
	}
	notices := bkOutboxKind(f.outbox(t), "cancellation-notice")
	if len(notices) != n {
		t.Fatalf("cancellation notices: got %d, want %d", len(notices), n)
	}
	for _, om := range notices {
		m, err := mail.Decode(om.Payload)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(m.Text, score.Band.Headline) {
			t.Errorf("notice for %s lacks the quiz result:\n%s", om.Booking, m.Text)
		}
	}
}

// TestCancelConcurrentSQLite and TestCancelConcurrentPostgres cancel 40
// bookings that carry a quiz result at once; each must succeed well within
// its 10-second deadline (unhindered, they all take well under a second).
// The cancellation's emails are composed inside the store's transaction
// (CancelBooking's build), and the consultant's notice reads the quiz
// result from the store there, which the BookingStore contract forbids:
// on Postgres, whose pool of 8 connections serves reads and transactions
// alike, 8 cancels can each hold a connection in their transaction while
// waiting for a 9th to read the result, and none ever gets it.
func TestCancelConcurrentSQLite(t *testing.T) {
	bkCancelMany(t, newBkFixture(t), 40, 10*time.Second)
}

func TestCancelConcurrentPostgres(t *testing.T) {
	bkCancelMany(t, newBkPostgresFixture(t), 40, 10*time.Second)
}
