package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// Postgres pool settings. The function handles one request at a time per
// instance and instances are many and short-lived, so each keeps few
// connections and lets idle ones go before the server or a pooler drops them
// while the instance is frozen.
const (
	postgresMaxConns    = 8
	postgresMaxIdle     = postgresMaxConns // under load, reopening connections costs more than keeping them
	postgresIdleTimeout = time.Minute
	postgresMaxLifetime = 30 * time.Minute
	// postgresConnectTimeout bounds connecting, TLS and the start-up
	// exchange, unless the URL sets connect_timeout: a server that accepts
	// and never answers (frozen, or a dead host behind a live proxy) must
	// not hold a request, or a cold start, past the function's own limit.
	postgresConnectTimeout = 5 * time.Second
)

var postgresDialect = &dialect{
	kind:          KindPostgres,
	migrationsDir: "postgres",
	migrationsTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)`,
	// A transaction-scoped advisory lock: released at commit or rollback,
	// so a crashed opener cannot leave it held, and it works through
	// transaction-mode poolers. The key pairs a fixed number with the schema,
	// so openers of different schemas (parallel tests) do not wait on each other.
	lockMigrations: `SELECT pg_advisory_xact_lock(1668248931, hashtext(coalesce(current_schema(), '')))`,
	classify:       classifyPostgres,
	timeArg:        func(t time.Time) any { return t },
	skipLocked:     ` FOR UPDATE SKIP LOCKED`,
	forUpdate:      ` FOR UPDATE`,
	// Transaction-scoped advisory locks, released at commit or rollback.
	lockBookings: `SELECT pg_advisory_xact_lock(1668248932)`,
	lockKey:      `SELECT pg_advisory_xact_lock(1668248933, hashtext($1))`,
}

func openPostgres(ctx context.Context, url string) (Store, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		// pgx redacts the password in this message.
		return nil, &Error{Code: EINVALID, Message: "the database URL is not valid", Err: err}
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = postgresConnectTimeout
	}
	sdb := stdlib.OpenDB(*cfg)
	sdb.SetMaxOpenConns(postgresMaxConns)
	sdb.SetMaxIdleConns(postgresMaxIdle)
	sdb.SetConnMaxIdleTime(postgresIdleTimeout)
	sdb.SetConnMaxLifetime(postgresMaxLifetime)
	s := &db{d: postgresDialect, w: sdb, r: sdb}
	if err := s.migrate(ctx); err != nil {
		sdb.Close()
		if e := (*Error)(nil); errors.As(err, &e) {
			e.Err = fmt.Errorf("open postgres database %s@%s:%d/%s: %w", cfg.User, cfg.Host, cfg.Port, cfg.Database, e.Err)
		}
		return nil, err
	}
	return s, nil
}

// classifyPostgres maps server error codes and connection failures.
// See https://www.postgresql.org/docs/current/errcodes-appendix.html.
func classifyPostgres(err error) string {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch {
		case pg.Code == "23505": // unique_violation
			return ECONFLICT
		case strings.HasPrefix(pg.Code, "23"): // other integrity constraints
			return EINVALID
		case strings.HasPrefix(pg.Code, "08"), // connection exception
			strings.HasPrefix(pg.Code, "53"), // insufficient resources, too many connections
			pg.Code == "57P01",               // admin_shutdown
			pg.Code == "57P02",               // crash_shutdown
			pg.Code == "57P03",               // cannot_connect_now (starting up)
			pg.Code == "25006",               // read_only_sql_transaction (failover to a standby)
			pg.Code == "40001",               // serialization_failure: retry
			pg.Code == "40P01":               // deadlock_detected: retry
			return EUNAVAILABLE
		}
		return ""
	}
	var (
		connectErr *pgconn.ConnectError
		netErr     net.Error
	)
	switch {
	case errors.As(err, &connectErr),
		errors.As(err, &netErr),
		errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, io.EOF),
		errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, driver.ErrBadConn),
		pgconn.Timeout(err):
		return EUNAVAILABLE
	}
	return ""
}
