package main

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cassidine/site"
	"github.com/cassidine/site/internal/api"
	"github.com/cassidine/site/internal/lambdahttp/lambdatest"
	"github.com/cassidine/site/internal/store"
	"github.com/cassidine/site/internal/store/storetest"
	"github.com/cassidine/site/internal/theme"
)

const secret = "tasks-tests-secret-0123456789abcdef-0123456789"

// TestRefusesToStart: without a database or SITE_SECRET the function
// exits before it opens anything, naming the variable, as cmd/api does.
func TestRefusesToStart(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"no database", map[string]string{"SITE_SECRET": secret}, []string{"refusing to start", "DATABASE_URL"}},
		{"no secret", map[string]string{"DATABASE_URL": "postgres://nobody@127.0.0.1:9/none?connect_timeout=2"}, []string{"refusing to start", "SITE_SECRET"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.env["DATA_DIR"] = dir
			err := run(t.Context(), func(k string) string { return tc.env[k] })
			if err == nil {
				t.Fatal("run: got no error, want a refusal")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("run: %v; want it to say %q", err, w)
				}
			}
			if entries, _ := os.ReadDir(dir); len(entries) > 0 {
				t.Errorf("the function wrote %v before refusing", entries)
			}
		})
	}
}

// fakeHourly is the work of a run, as a test wants it to end.
type fakeHourly struct {
	err   error
	calls int
}

func (f *fakeHourly) Hourly(context.Context) error { f.calls++; return f.err }

func TestHandlerAnswers(t *testing.T) {
	ev := loadEvent(t)
	for _, tc := range []struct {
		err  error
		want int
	}{{nil, http.StatusOK}, {errors.New("store: EUNAVAILABLE"), http.StatusInternalServerError}} {
		h := &fakeHourly{err: tc.err}
		res, err := handler(h, slog.New(slog.DiscardHandler))(t.Context(), ev)
		if err != nil || res.StatusCode != tc.want || h.calls != 1 {
			t.Errorf("Hourly returning %v: got %d, %v after %d runs; want %d after 1", tc.err, res.StatusCode, err, h.calls, tc.want)
		}
	}
}

// seedDue stores a booking whose session is 23 hours away, made two days
// ago: the site's default reminder, a day before, is due.
func seedDue(t testing.TB, st store.Store) *store.Booking {
	t.Helper()
	now := time.Now().Truncate(time.Minute)
	b := &store.Booking{CreatedAt: now.Add(-48 * time.Hour), Start: now.Add(23 * time.Hour), End: now.Add(23*time.Hour + 30*time.Minute),
		Name: "Ada Lovelace", Email: "ada@example.com"}
	if err := st.CreateBooking(t.Context(), b, nil, store.Guard{}); err != nil {
		t.Fatal(err)
	}
	return b
}

// wantReminderQueued fails unless the outbox holds one unsent reminder of b.
func wantReminderQueued(t testing.TB, st store.Store, b *store.Booking) {
	t.Helper()
	msgs, err := st.Outbox(t.Context(), true)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for _, m := range msgs {
		if m.Kind == "reminder" && m.Booking == b.ID && m.SentAt == nil {
			n++
		}
	}
	if n != 1 {
		t.Errorf("unsent reminders of the booking in the outbox: %d, want 1 (SMTP_URL is unset: it waits there); outbox %+v", n, msgs)
	}
}

// TestHandlerQueuesReminders runs the handler over the function as
// api.Open builds it on Netlify (here on SQLite, which
// ALLOW_EPHEMERAL_SQLITE allows), twice: the due reminder is queued once.
func TestHandlerQueuesReminders(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DATA_DIR": dir, "SITE_SECRET": secret, "URL": "https://cassidine.example", "ALLOW_EPHEMERAL_SQLITE": "1"}
	fn, err := api.Open(t.Context(), api.Options{Getenv: func(k string) string { return env[k] }, Sources: theme.FromRoot(site.FS)})
	if err != nil {
		t.Fatal(err)
	}
	defer fn.Close()
	st, err := store.OpenSQLite(filepath.Join(dir, "site.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	b := seedDue(t, st)
	h := handler(fn, slog.New(slog.DiscardHandler))
	for range 2 {
		if res, err := h(t.Context(), loadEvent(t)); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("run: got %d, %v; want 200", res.StatusCode, err)
		}
	}
	wantReminderQueued(t, st, b)
}

// TestUnderLambdaRuntime builds the function as Netlify does and runs it
// under the Lambda Runtime Interface Emulator against a fresh Postgres
// schema, invoked as Netlify's scheduler invokes it.
func TestUnderLambdaRuntime(t *testing.T) {
	rie, err := lambdatest.FindEmulator()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %v", err)
		}
		t.Skip(err)
	}
	dbURL := storetest.PostgresURL(t)
	root, err := lambdatest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	bin := filepath.Join(t.TempDir(), "tasks")
	if _, err := lambdatest.BuildFunction(ctx, root, "tasks", bin); err != nil {
		t.Fatal(err)
	}
	// Netlify loads it on every cold start, as it does the api function
	// (whose test sets the same bound).
	if fi, err := os.Stat(bin); err != nil {
		t.Fatal(err)
	} else if fi.Size() > 20_000_000 {
		t.Errorf("the tasks binary is %d bytes; want at most 20 MB", fi.Size())
	}
	st, err := store.OpenPostgres(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	b := seedDue(t, st)

	env := lambdatest.MinimalEnv(
		"AWS_LAMBDA_FUNCTION_NAME=tasks",
		"AWS_LAMBDA_FUNCTION_TIMEOUT=30",
		"DATABASE_URL="+dbURL,
		"SITE_SECRET="+secret,
		"URL=https://cassidine.example",
	)
	emu, err := lambdatest.Start(ctx, rie, bin, t.TempDir(), env)
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Stop()
	defer func() {
		if t.Failed() {
			t.Logf("the emulator's and the function's log:\n%s", emu.Log())
		}
	}()
	for i := range 2 {
		res, _, err := emu.Invoke(ctx, loadEvent(t))
		if err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
		if res.StatusCode != http.StatusOK {
			t.Fatalf("run %d: status %d, want 200", i+1, res.StatusCode)
		}
	}
	wantReminderQueued(t, st, b)
}

// loadEvent reads testdata/scheduled.json: a scheduled run's event.
func loadEvent(t testing.TB) events.APIGatewayProxyRequest {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "scheduled.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ev events.APIGatewayProxyRequest
	if err := json.Unmarshal(data, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}
