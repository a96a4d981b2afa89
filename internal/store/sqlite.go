//go:build !nosqlite

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// SQLite connection settings. WAL mode is not among them: it is a property
// of the file, set once by enableWAL.
const (
	// sqliteBusyTimeout is how long a write waits for another process's
	// write to finish before failing with EUNAVAILABLE.
	sqliteBusyTimeout = 5 * time.Second

	// sqliteReaders is the size of the read-only pool. WAL readers never
	// block the writer or each other.
	sqliteReaders = 4
)

var sqliteDialect = &dialect{
	kind:          KindSQLite,
	migrationsDir: "sqlite",
	migrationsTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY NOT NULL,
	name       TEXT NOT NULL,
	applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT`,
	classify: classifySQLite,
	timeArg:  func(t time.Time) any { return t.Format(sqliteTimeLayout) },
}

// sqliteDSN is the modernc.org/sqlite data source name for path.
// foreign_keys and busy_timeout are per connection, so every connection
// sets them. synchronous=NORMAL is safe in WAL mode (a power cut can lose
// the last commits but never corrupts) and makes each commit an append
// without fsync. _txlock=immediate makes BEGIN take the write lock at once,
// so two writers queue on busy_timeout instead of one failing with
// SQLITE_BUSY when it upgrades a read lock.
func sqliteDSN(path string, readOnly bool) string {
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(sqliteBusyTimeout.Milliseconds()))
	q.Set("_foreign_keys", "1")
	q.Set("_synchronous", "NORMAL")
	if readOnly {
		q.Set("_query_only", "1")
	} else {
		q.Set("_txlock", "immediate")
	}
	return path + "?" + q.Encode()
}

func openSQLite(ctx context.Context, path string) (Store, error) {
	unavailable := func(err error) error {
		return &Error{Code: EUNAVAILABLE, Message: defaultMessage(EUNAVAILABLE), Err: fmt.Errorf("open sqlite database %s: %w", path, err)}
	}
	switch {
	case path == "" || path == ":memory:" || strings.HasPrefix(path, "file:"):
		return nil, Errorf(EINVALID, "sqlite database path %q: want a file path", path)
	case strings.Contains(path, "?"):
		return nil, Errorf(EINVALID, "sqlite database path %q contains '?'", path)
	}
	// SQLite's own message for a missing folder is "unable to open database
	// file"; say which folder and why.
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			err = fmt.Errorf("folder %s does not exist", dir)
		}
		return nil, unavailable(err)
	} else if !fi.IsDir() {
		return nil, unavailable(fmt.Errorf("%s is not a folder", dir))
	}

	// SQLite silently opens a read-only file read-only, and the first write
	// would fail much later; fail now instead.
	if f, err := os.OpenFile(path, os.O_RDWR, 0); err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, unavailable(err)
	}

	w, err := sql.Open("sqlite", sqliteDSN(path, false))
	if err != nil {
		return nil, unavailable(err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	s := &db{d: sqliteDialect, w: w, r: w}
	err = enableWAL(ctx, w)
	if err != nil {
		err = s.wrap(err, "enable WAL")
	} else {
		err = s.migrate(ctx)
	}
	if err != nil {
		w.Close()
		if e := (*Error)(nil); errors.As(err, &e) {
			hint := ""
			var se *sqlite.Error
			if errors.As(err, &se) && (se.Code()&0xff == sqlite3.SQLITE_CANTOPEN || se.Code()&0xff == sqlite3.SQLITE_READONLY) {
				base := filepath.Base(path)
				hint = fmt.Sprintf(" (the folder %s must be writable: SQLite keeps %s-wal and %s-shm beside the database)", dir, base, base)
			}
			e.Err = fmt.Errorf("open sqlite database %s: %w%s", path, e.Err, hint)
		}
		return nil, err
	}
	// Readers open last, when the file exists and is in WAL mode.
	r, err := sql.Open("sqlite", sqliteDSN(path, true))
	if err != nil {
		w.Close()
		return nil, unavailable(err)
	}
	r.SetMaxOpenConns(sqliteReaders)
	r.SetMaxIdleConns(sqliteReaders)
	s.r = r
	return s, nil
}

// enableWAL switches the database file to WAL mode, in which readers do not
// block the writer. The switch needs an exclusive lock, and when another
// connection is switching a new file at the same moment SQLite answers
// SQLITE_BUSY at once instead of waiting on busy_timeout, so this retries
// for up to sqliteBusyTimeout. On a file already in WAL mode it is a no-op.
func enableWAL(ctx context.Context, w *sql.DB) error {
	deadline := time.Now().Add(sqliteBusyTimeout)
	delay := time.Millisecond
	for {
		var mode string
		err := w.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode)
		if err == nil {
			if !strings.EqualFold(mode, "wal") {
				return fmt.Errorf("journal_mode is %q after asking for WAL", mode)
			}
			return nil
		}
		var se *sqlite.Error
		busy := errors.As(err, &se) && (se.Code()&0xff == sqlite3.SQLITE_BUSY || se.Code()&0xff == sqlite3.SQLITE_LOCKED)
		if !busy || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, 50*time.Millisecond)
	}
}

// classifySQLite maps SQLite result codes. Busy and I/O failures are
// EUNAVAILABLE: another process held the lock past busy_timeout, or the
// disk or folder is not usable, and a later attempt may succeed.
func classifySQLite(err error) string {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return ""
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return ECONFLICT
	}
	switch e.Code() & 0xff { // primary result code
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CANTOPEN,
		sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL,
		sqlite3.SQLITE_PERM:
		return EUNAVAILABLE
	case sqlite3.SQLITE_CONSTRAINT:
		return EINVALID // a CHECK or NOT NULL the Go validation did not catch
	}
	return ""
}
