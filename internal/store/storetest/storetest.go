// Package storetest is the conformance suite every store backend passes,
// plus helpers that give each test a fresh SQLite file or a fresh Postgres
// schema. The same cases run against both, so the backends cannot drift.
//
//	func TestSQLite(t *testing.T)   { storetest.Run(t, storetest.SQLite) }
//	func TestPostgres(t *testing.T) { storetest.Run(t, storetest.Postgres) }
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx" for the schema setup

	"github.com/cassidine/site/internal/store"
)

// Opener opens the database a Backend created. Each call returns another
// Store on the same database, as a second process would get.
type Opener func(ctx context.Context) (store.Store, error)

// Backend creates a fresh, empty database for one test, removed when the
// test ends, and returns how to open it. It skips the test when the
// database server is not configured (SQLite never skips).
type Backend func(t testing.TB) Opener

// Run runs the conformance suite against backend. Every case gets its own
// fresh database, so cases run in parallel.
func Run(t *testing.T, backend Backend) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"QuizRoundTrip", testQuizRoundTrip},
		{"QuizNotFound", testQuizNotFound},
		{"QuizConsentEmail", testQuizConsentEmail},
		{"QuizContactConsent", testQuizContactConsent},
		{"QuizOrdering", testQuizOrdering},
		{"QuizDuplicateID", testQuizDuplicateID},
		{"QuizInvalid", testQuizInvalid},
		{"QuizConcurrentSaves", testQuizConcurrentSaves},
		{"MigrationsIdempotent", testMigrationsIdempotent},
		{"ConcurrentOpen", testConcurrentOpen},
		{"Closed", testClosed},
		{"BookingRoundTrip", testBookingRoundTrip},
		{"BookingNotFound", testBookingNotFound},
		{"BookingSlotTaken", testBookingSlotTaken},
		{"BookingCancelFreesSlot", testBookingCancelFreesSlot},
		{"BookingConcurrentSameSlot", testBookingConcurrentSameSlot},
		{"BookingCancel", testBookingCancel},
		{"BookingChangeRollback", testBookingChangeRollback},
		{"BookingReschedule", testBookingReschedule},
		{"ActiveBookings", testActiveBookings},
		{"BookingsSince", testBookingsSince},
		{"BookingInvalid", testBookingInvalid},
		{"BookingAtomic", testBookingAtomic},
		{"BookingClosed", testBookingClosed},
		{"Hit", testHit},
		{"HitConcurrent", testHitConcurrent},
		{"Guard", testGuard},
		{"GuardConcurrent", testGuardConcurrent},
		{"Lifecycle", testLifecycle},
		{"MovesConcurrent", testMovesConcurrent},
		{"Outbox", testOutbox},
		{"ClaimConcurrent", testClaimConcurrent},
		{"CalendarCache", testCalendarCache},
		{"CalendarClaimConcurrent", testCalendarClaimConcurrent},
		{"GuardCalendars", testGuardCalendars},
		{"Reminders", testReminders},
		{"ReminderWithdrawn", testReminderWithdrawn},
		{"ReminderConcurrent", testReminderConcurrent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, backend(t))
		})
	}
}

// MustOpen opens a store with open and closes it when the test ends.
func MustOpen(t testing.TB, open Opener) store.Store {
	t.Helper()
	s, err := open(t.Context())
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// SQLite is a Backend: a new database file in t.TempDir().
func SQLite(t testing.TB) Opener {
	t.Helper()
	path := filepath.Join(t.TempDir(), "site.db")
	return func(context.Context) (store.Store, error) { return store.OpenSQLite(path) }
}

// Postgres is a Backend: a new schema in the database at TEST_DATABASE_URL.
func Postgres(t testing.TB) Opener {
	t.Helper()
	u := PostgresURL(t)
	return func(ctx context.Context) (store.Store, error) { return store.OpenPostgres(ctx, u) }
}

// SkipMessage is why Postgres tests skip when TEST_DATABASE_URL is unset.
const SkipMessage = "set TEST_DATABASE_URL=postgres://... to run the Postgres tests (PostgreSQL 15+)"

// PostgresURL returns TEST_DATABASE_URL pointed at a new, empty schema
// (through the search_path connection parameter) that is dropped when the
// test ends. Without TEST_DATABASE_URL the test skips, except in CI
// (CI=true), where it fails: CI must not pass by testing nothing.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but TEST_DATABASE_URL is unset: " + SkipMessage)
		}
		t.Skip(SkipMessage)
	}

	var b [8]byte
	rand.Read(b[:])
	schema := "storetest_" + hex.EncodeToString(b[:])

	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema %s in TEST_DATABASE_URL: %v", schema, err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer admin.Close()
		// t.Context is already cancelled during Cleanup.
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return withSearchPath(t, base, schema)
}

// withSearchPath sets the search_path run-time parameter, which pgx sends
// at connection start-up, in either connection-string form.
func withSearchPath(t testing.TB, conn, schema string) string {
	t.Helper()
	if !strings.HasPrefix(conn, "postgres://") && !strings.HasPrefix(conn, "postgresql://") {
		return conn + " search_path=" + schema // key=value form
	}
	u, err := url.Parse(conn)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
