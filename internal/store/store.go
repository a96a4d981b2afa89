// Package store keeps what the site's function must remember: quiz results,
// bookings, the e-mail outbox, rate-limit counters, the reminders sent and
// the cached copies of the consultant's calendar feeds.
//
// The layout follows benbjohnson/wtf's "Standard Package Layout" with one
// difference. The domain types, the Store interface and Error live here, as
// there. But both backends speak database/sql, so one implementation (db.go
// and the *_sql.go files) serves both; what differs per database (driver,
// connection settings, error codes, column types) is a small dialect in
// sqlite.go and postgres.go, and the schema is one numbered SQL file per
// migration per dialect under migrations/. Open lives here too, because the
// function and the CLI both pick the backend from the environment the same way.
//
// Backends:
//
//   - SQLite (modernc.org/sqlite, pure Go) is the local default: a file under
//     DATA_DIR, in WAL mode, with one writer connection and a small pool of
//     read-only connections. Writes take the lock up front (BEGIN IMMEDIATE)
//     and wait up to busy_timeout for another process.
//   - PostgreSQL (pgx) when DATABASE_URL or Netlify's NETLIFY_DB_URL is set.
//
// Errors are *Error with a code (ENOTFOUND, ECONFLICT, EUNAVAILABLE, ...) and
// a message safe to show a visitor; the driver's error is kept as the cause
// for logs. ErrorCode maps any error to a code.
//
// Adding a table: write migrations/{sqlite,postgres}/NNNN_name.sql with the
// next number (both dialects, same number and name; a test checks), add the
// domain type and its interface next to quiz.go, embed the interface in
// Store, implement it in a new *_sql.go file, and add its cases to
// storetest. Work that must be atomic goes through db.inTx.
package store

import (
	"context"
)

// Backend kinds returned by Store.Kind.
const (
	KindSQLite   = "sqlite"
	KindPostgres = "postgres"
)

// Store is everything the site keeps. Implementations are safe for
// concurrent use.
type Store interface {
	QuizStore
	BookingStore
	CalendarStore
	ReminderStore

	// Kind reports the backend, KindSQLite or KindPostgres, so the function
	// can refuse to run on a throwaway SQLite file in production.
	Kind() string

	// Close releases the connections. Calls after Close fail with EUNAVAILABLE.
	Close() error
}

// Open opens the store the environment asks for (see Locate). Migrations
// are applied before Open returns.
func Open(ctx context.Context, getenv func(string) string) (Store, error) {
	return Locate(getenv).Open(ctx)
}

// OpenSQLite opens (creating if needed) the SQLite database at path and
// applies migrations. The folder must exist. ":memory:" is refused: the store
// uses several connections, and each would get its own empty database.
func OpenSQLite(path string) (Store, error) {
	return openSQLite(context.Background(), path)
}

// OpenPostgres connects to the PostgreSQL database at url (a postgres:// URL
// or a key=value string, as pgx accepts) and applies migrations.
func OpenPostgres(ctx context.Context, url string) (Store, error) {
	return openPostgres(ctx, url)
}
