package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
)

// dialect is what differs between SQLite and Postgres. The SQL in the
// *_sql.go files is shared: both accept $1 placeholders, and the column
// types differ only in the migrations.
type dialect struct {
	kind string

	// migrationsDir is the folder under migrations/ for this dialect.
	migrationsDir string

	// migrationsTable creates schema_migrations if missing.
	migrationsTable string

	// lockMigrations, when not empty, runs first in the migration
	// transaction to serialise concurrent openers. SQLite needs none: its
	// write transactions begin IMMEDIATE, which already takes the lock.
	lockMigrations string

	// classify returns the code for a driver error, or "" when the dialect
	// does not recognise it.
	classify func(error) string

	// timeArg converts a UTC time into a query argument.
	timeArg func(time.Time) any

	// skipLocked ends a SELECT that picks rows to claim: Postgres locks
	// them and lets concurrent claimers pass over them. SQLite needs none:
	// it runs one write statement at a time.
	skipLocked string

	// forUpdate ends a SELECT of a row the transaction is about to act
	// on: Postgres locks it, so a concurrent change waits (or is waited
	// for) and the row read is the latest. SQLite needs none: a write
	// transaction holds the whole database.
	forUpdate string

	// lockBookings, when not empty, runs first in every booking write
	// transaction, so that the guard's checks and the write happen one
	// booking at a time. SQLite needs none: its write transactions begin
	// IMMEDIATE on its one writer connection.
	lockBookings string
	// lockKey, when not empty, serialises the hits counted under one
	// rate-limit key ($1).
	lockKey string
}

// db implements Store over database/sql.
type db struct {
	d *dialect

	// w runs writes and transactions. r runs reads. For Postgres they are
	// the same pool. For SQLite, w has a single connection (SQLite has one
	// writer at a time anyway, and queueing in the pool is cheaper than
	// spinning on SQLITE_BUSY) and r has a few read-only connections that
	// WAL lets run alongside the writer.
	w, r *sql.DB

	closed atomic.Bool

	// pruneEvery overrides defaultPruneEvery when positive (tests).
	pruneEvery int
}

// querier is what *sql.DB and *sql.Tx have in common, so that the row-level
// helpers can run on either (alone, or inside inTx with other writes).
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *db) Kind() string { return s.d.kind }

func (s *db) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// check fails fast after Close, so callers get EUNAVAILABLE rather than
// database/sql's unexported "database is closed".
func (s *db) check() error {
	if s.closed.Load() {
		return &Error{Code: EUNAVAILABLE, Message: defaultMessage(EUNAVAILABLE), Err: errors.New("store is closed")}
	}
	return nil
}

// inTx runs fn in a write transaction and commits if fn returns nil.
// On SQLite the writer pool has one connection, held by the transaction:
// fn must use tx only, never s.w or s.r directly, or it waits for itself.
func (s *db) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if err := s.check(); err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap(err, "begin transaction")
	}
	defer tx.Rollback() // no-op after Commit
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		// The server may have committed before the error (the answer to
		// COMMIT was lost): the caller cannot know.
		return s.wrap(fmt.Errorf("%w: %w", ErrOutcomeUnknown, err), "commit")
	}
	return nil
}

// wrap turns a driver error into an *Error whose code the dialect decides,
// keeping the driver error (prefixed with what was being done) as the cause.
// An *Error passes through unchanged.
func (s *db) wrap(err error, op string) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	code := classifyCommon(err)
	if code == "" {
		code = s.d.classify(err)
	}
	if code == "" {
		code = EINTERNAL
	}
	return &Error{Code: code, Message: defaultMessage(code), Err: fmt.Errorf("%s: %w", op, err)}
}

// withMessage replaces the generic message of err when its code is code,
// for callers that know better what a conflict or a miss means.
func withMessage(err error, code, message string) error {
	var e *Error
	if errors.As(err, &e) && e.Code == code {
		e.Message = message
	}
	return err
}

// classifyCommon recognises errors that mean the same for every driver.
func classifyCommon(err error) string {
	switch {
	case errors.Is(err, sql.ErrConnDone),
		// Out of time or abandoned by the caller: not a bug, and a retry
		// with a fresh deadline may succeed.
		errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, context.Canceled),
		strings.Contains(err.Error(), "sql: database is closed"): // unexported in database/sql
		return EUNAVAILABLE
	}
	return ""
}

// utc normalises t the way both backends store it: UTC, microseconds
// (Postgres' timestamptz precision), so a saved value reads back equal.
func utc(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond)
}

// utcPtr is utc for an optional time, as a new pointer (nil stays nil).
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := utc(*t)
	return &u
}

// nullTime is an optional time as a query argument: nil (SQL NULL) or the
// dialect's form of *t.
func (s *db) nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return s.d.timeArg(*t)
}

// sqliteTimeLayout is how SQLite stores times: fixed width, so text order is
// time order and ORDER BY / range queries on the column just work.
const sqliteTimeLayout = "2006-01-02T15:04:05.000000Z"

// timeValue scans a time from either backend: time.Time from Postgres,
// text in sqliteTimeLayout from SQLite. NULL leaves Valid false.
type timeValue struct {
	Time  time.Time
	Valid bool
}

func (v *timeValue) Scan(src any) error {
	switch src := src.(type) {
	case nil:
		*v = timeValue{}
		return nil
	case time.Time:
		*v = timeValue{Time: src.UTC(), Valid: true}
		return nil
	case string:
		return v.parse(src)
	case []byte:
		return v.parse(string(src))
	}
	return fmt.Errorf("cannot scan %T into a time", src)
}

func (v *timeValue) parse(s string) error {
	t, err := time.Parse(sqliteTimeLayout, s)
	if err != nil {
		// Tolerate hand-edited rows in any RFC 3339 form.
		if t, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return fmt.Errorf("cannot parse time %q", s)
		}
	}
	*v = timeValue{Time: t.UTC(), Valid: true}
	return nil
}

// ptr returns a pointer to the time, or nil when the column was NULL.
func (v timeValue) ptr() *time.Time {
	if !v.Valid {
		return nil
	}
	t := v.Time
	return &t
}

// nullString returns nil (SQL NULL) for "" and s otherwise.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
