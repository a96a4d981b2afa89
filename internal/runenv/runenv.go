// Package runenv provides what the harnesses that need Postgres
// (cmd/loadtest -mode book, cmd/coldstart) share: a fresh schema in a
// database on this machine, dropped at the end.
package runenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// FreshSchema makes a schema named prefix_<random> in the Postgres
// database at dbURL (the -db flag's value, else TEST_DATABASE_URL, else
// DATABASE_URL) and returns dbURL pointed at it (search_path), a
// database handle on it for counting rows, and a function that drops the
// schema and closes the handle. The database must be on this machine.
func FreshSchema(ctx context.Context, dbURL string, getenv func(string) string, prefix string) (schemaURL string, db *sql.DB, drop func() error, err error) {
	for _, v := range []string{dbURL, getenv("TEST_DATABASE_URL"), getenv("DATABASE_URL")} {
		if dbURL == "" {
			dbURL = v
		}
	}
	if dbURL == "" {
		return "", nil, nil, errors.New("no Postgres: pass -db or set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	u, err := url.Parse(dbURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", nil, nil, errors.New("the database URL is not a postgres:// URL")
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return "", nil, nil, fmt.Errorf("the database is on %s: harnesses run against Postgres on this machine only", u.Hostname())
	}
	schema := prefix + "_" + strings.ToLower(rand.Text()[:12])
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	if db, err = sql.Open("pgx", u.String()); err != nil {
		return "", nil, nil, err
	}
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		db.Close()
		return "", nil, nil, fmt.Errorf("connecting to Postgres at %s: %w", u.Redacted(), err)
	}
	drop = func() error {
		_, err := db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		return errors.Join(err, db.Close())
	}
	return u.String(), db, drop, nil
}
