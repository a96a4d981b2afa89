package mail

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cassidine/site/internal/mail/mailpittest"
	"github.com/cassidine/site/internal/store"
)

func TestBackoff(t *testing.T) {
	for _, tt := range []struct {
		attempts int
		want     time.Duration
	}{
		{-1, time.Minute},
		{0, time.Minute},
		{1, 2 * time.Minute},
		{2, 4 * time.Minute},
		{8, 256 * time.Minute},
		{9, 6 * time.Hour},
		{30, 6 * time.Hour},
		{63, 6 * time.Hour},
		{1 << 40, 6 * time.Hour},
	} {
		if got := Backoff(tt.attempts); got != tt.want {
			t.Errorf("Backoff(%d): got %v, want %v", tt.attempts, got, tt.want)
		}
	}
}

// fakeOutbox is an in-memory Outbox with the store's claim semantics: a
// claim makes a message not due until the lease ends; MarkFailed counts the
// attempt and sets the next one.
type fakeOutbox struct {
	mu   sync.Mutex
	msgs []store.OutboxMessage
	next int64
}

func (f *fakeOutbox) add(t testing.TB, kind string, payload []byte, now time.Time) int64 {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	f.msgs = append(f.msgs, store.OutboxMessage{ID: f.next, CreatedAt: now, Kind: kind, Payload: payload, NextAttempt: now})
	return f.next
}

func (f *fakeOutbox) ClaimMessages(_ context.Context, now time.Time, lease time.Duration, limit int) ([]store.OutboxMessage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []store.OutboxMessage
	for i := range f.msgs {
		m := &f.msgs[i]
		if len(out) == limit {
			break
		}
		if m.SentAt == nil && !m.NextAttempt.After(now) {
			m.NextAttempt = now.Add(lease)
			out = append(out, *m)
		}
	}
	return out, nil
}

func (f *fakeOutbox) find(id int64) (*store.OutboxMessage, error) {
	for i := range f.msgs {
		if f.msgs[i].ID == id {
			return &f.msgs[i], nil
		}
	}
	return nil, fmt.Errorf("no outbox message %d", id)
}

func (f *fakeOutbox) MarkSent(_ context.Context, id int64, at time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.find(id)
	if err != nil {
		return err
	}
	m.Attempts++
	m.SentAt = &at
	return nil
}

func (f *fakeOutbox) MarkFailed(_ context.Context, id int64, reason string, next time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.find(id)
	if err != nil {
		return err
	}
	m.Attempts++
	m.LastError, m.NextAttempt = reason, next
	return nil
}

func (f *fakeOutbox) get(t testing.TB, id int64) store.OutboxMessage {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.find(id)
	if err != nil {
		t.Fatal(err)
	}
	return *m
}

var _ Outbox = (*fakeOutbox)(nil)

// queue encodes n booking messages into box and returns their ids and
// Message-IDs.
func queue(t testing.TB, box *fakeOutbox, n int, now time.Time) (ids []int64, messageIDs []string) {
	t.Helper()
	for i := range n {
		inv := testInvite(MethodRequest, 0)
		inv.UID = fmt.Sprintf("booking-%d@cassidine.example", i)
		m := testMessage(inv)
		m.Subject = fmt.Sprintf("Consultation %d confirmed", i)
		payload, err := m.Encode()
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, box.add(t, "confirmation", payload, now))
		messageIDs = append(messageIDs, m.MessageID)
	}
	return ids, messageIDs
}

// delivered returns the Message-IDs Mailpit holds, sorted, with repeats.
func delivered(mp *mailpittest.Server) []string {
	var ids []string
	for _, m := range mp.Messages() {
		ids = append(ids, "<"+m.MessageID+">")
	}
	slices.Sort(ids)
	return ids
}

// TestDrainSurvivesOutage queues messages, takes the SMTP server down,
// drains (every message marked failed with backoff, none lost), brings the
// server back and drains later: each message is delivered exactly once.
func TestDrainSurvivesOutage(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t)
	s := smtpSender(t, mp.SMTPURL())
	ctx := context.Background()
	t0 := time.Date(2031, 3, 1, 9, 0, 0, 0, time.UTC)

	box := &fakeOutbox{}
	ids, want := queue(t, box, 3, t0)
	bad := box.add(t, "notice", []byte(`{"from": "not json`), t0)
	slices.Sort(want)

	mp.Stop()
	sent, failed, err := Drain(ctx, box, s, t0, 10)
	if sent != 0 || failed != 4 {
		t.Errorf("drain with SMTP down: got sent %d failed %d, want 0 and 4", sent, failed)
	}
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("outbox message %d", bad)) {
		t.Errorf("drain with SMTP down: got error %v, want one naming bad payload %d", err, bad)
	}
	for _, id := range ids {
		m := box.get(t, id)
		if m.SentAt != nil || m.Attempts != 1 || m.LastError == "" {
			t.Errorf("message %d: got sent %v attempts %d error %q, want unsent, 1 attempt, an error", id, m.SentAt, m.Attempts, m.LastError)
		}
		if want := t0.Add(Backoff(0)); !m.NextAttempt.Equal(want) {
			t.Errorf("message %d: got next attempt %v, want %v", id, m.NextAttempt, want)
		}
	}
	if m := box.get(t, bad); m.NextAttempt.Before(t0.AddDate(50, 0, 0)) || !strings.Contains(m.LastError, "bad payload") {
		t.Errorf("bad payload: got next attempt %v error %q, want it parked far away as a bad payload", m.NextAttempt, m.LastError)
	}

	// Not due yet: a drain a moment later sends nothing and counts nothing.
	if sent, failed, err := Drain(ctx, box, s, t0.Add(30*time.Second), 10); sent != 0 || failed != 0 || err != nil {
		t.Errorf("drain before backoff: got %d %d %v, want 0 0 <nil>", sent, failed, err)
	}

	// Still down at the first retry: the backoff doubles.
	t1 := t0.Add(Backoff(0))
	if sent, failed, _ := Drain(ctx, box, s, t1, 10); sent != 0 || failed != 3 {
		t.Errorf("second drain with SMTP down: got sent %d failed %d, want 0 and 3", sent, failed)
	}
	for _, id := range ids {
		if m := box.get(t, id); m.Attempts != 2 || !m.NextAttempt.Equal(t1.Add(Backoff(1))) {
			t.Errorf("message %d: got attempts %d next %v, want 2 and %v", id, m.Attempts, m.NextAttempt, t1.Add(Backoff(1)))
		}
	}

	mp.Restart()
	t2 := t1.Add(Backoff(1))
	sent, failed, err = Drain(ctx, box, s, t2, 10)
	if sent != 3 || failed != 0 || err != nil {
		t.Errorf("drain with SMTP back: got sent %d failed %d err %v, want 3 0 <nil>", sent, failed, err)
	}
	for _, id := range ids {
		if m := box.get(t, id); m.SentAt == nil || !m.SentAt.Equal(t2) {
			t.Errorf("message %d: got sent at %v, want %v", id, m.SentAt, t2)
		}
	}

	// Much later: nothing is left to send, and nothing goes twice.
	if sent, failed, err := Drain(ctx, box, s, t2.Add(24*time.Hour), 10); sent != 0 || failed != 0 || err != nil {
		t.Errorf("drain after delivery: got %d %d %v, want 0 0 <nil>", sent, failed, err)
	}
	if got := delivered(mp); !slices.Equal(got, want) {
		t.Errorf("got Message-IDs %v in Mailpit, want each of %v once", got, want)
	}
}

// TestDrainConcurrent runs drainers side by side, as overlapping function
// invocations would: the claim keeps each message to one of them.
func TestDrainConcurrent(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t)
	s := smtpSender(t, mp.SMTPURL())
	now := time.Date(2031, 3, 1, 9, 0, 0, 0, time.UTC)
	box := &fakeOutbox{}
	_, want := queue(t, box, 8, now)
	slices.Sort(want)

	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for range 4 {
		wg.Go(func() {
			sent, failed, err := Drain(context.Background(), box, s, now, 3)
			if failed != 0 || err != nil {
				t.Errorf("got failed %d err %v, want 0 <nil>", failed, err)
			}
			mu.Lock()
			total += sent
			mu.Unlock()
		})
	}
	wg.Wait()
	// Four drainers of three cover all eight; drain once more in case the
	// scheduler let one claim before the others queued theirs.
	sent, _, err := Drain(context.Background(), box, s, now, 10)
	if err != nil {
		t.Fatal(err)
	}
	if total+sent != 8 {
		t.Errorf("got %d sends, want 8", total+sent)
	}
	if got := delivered(mp); !slices.Equal(got, want) {
		t.Errorf("got Message-IDs %v in Mailpit, want each of %v once", got, want)
	}
}

// TestDrainStopsOnOutboxError checks that a store failing to record a send
// stops the drain instead of sending what it cannot mark.
func TestDrainStopsOnOutboxError(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2031, 3, 1, 9, 0, 0, 0, time.UTC)
	box := &brokenOutbox{fakeOutbox: &fakeOutbox{}}
	queue(t, box.fakeOutbox, 3, now)
	s := &FileSender{Dir: dir}
	sent, _, err := Drain(context.Background(), box, s, now, 10)
	if err == nil || !strings.Contains(err.Error(), "mark sent") {
		t.Errorf("got error %v, want one about marking sent", err)
	}
	if sent != 1 {
		t.Errorf("got %d sent, want 1 (then stop)", sent)
	}
	if names, _ := readDir(dir); len(names) != 1 {
		t.Errorf("got files %v, want 1", names)
	}
}

type brokenOutbox struct{ *fakeOutbox }

func (brokenOutbox) MarkSent(context.Context, int64, time.Time) error {
	return fmt.Errorf("database is locked")
}
