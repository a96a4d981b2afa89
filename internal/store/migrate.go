package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
)

// migrationFiles holds the schema: migrations/<dialect>/NNNN_name.sql, applied
// in number order. Applied migrations are never edited; changes go in a new file.
//
//go:embed migrations
var migrationFiles embed.FS

type migration struct {
	version int
	name    string // file name without the number and .sql
	sql     string
}

var migrationName = regexp.MustCompile(`^(\d{4})_([a-z0-9_]+)\.sql$`)

// loadMigrations returns the migrations for dialect dir, sorted, and checks
// that no number is used twice. Numbers may skip: work on parallel
// branches reserves its numbers up front (0004, 0005 and 0006 for three
// parts of one issue), and a branch must build and test before the
// others land. migrate applies whatever is not applied yet, so a number
// filled in later is applied when it arrives; migrations of parallel
// work are independent of each other by construction.
func loadMigrations(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, path.Join("migrations", dir))
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("migrations/%s/%s: want NNNN_name.sql", dir, e.Name())
		}
		b, err := fs.ReadFile(fsys, path.Join("migrations", dir, e.Name()))
		if err != nil {
			return nil, err
		}
		v, _ := strconv.Atoi(m[1])
		ms = append(ms, migration{version: v, name: m[2], sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version == 0 {
			return nil, fmt.Errorf("migrations/%s/%04d_%s.sql: numbers start at 0001", dir, m.version, m.name)
		}
		if i > 0 && ms[i-1].version == m.version {
			return nil, fmt.Errorf("migrations/%s: %04d_%s.sql and %04d_%s.sql have one number", dir, ms[i-1].version, ms[i-1].name, m.version, m.name)
		}
	}
	return ms, nil
}

// migrate applies the pending migrations in one transaction, so a failure
// leaves the schema as it was. Concurrent openers (two function instances
// starting together) serialise on the dialect's lock and the second finds
// nothing to do. Versions in the table that this binary does not know (a
// newer deploy migrated first) are left alone: migrations only add.
func (s *db) migrate(ctx context.Context) error {
	ms, err := loadMigrations(migrationFiles, s.d.migrationsDir)
	if err != nil {
		return &Error{Code: EINTERNAL, Message: defaultMessage(EINTERNAL), Err: err}
	}
	// Connect first, so an unreachable server reads as such in the log.
	if err := s.w.PingContext(ctx); err != nil {
		return s.wrap(err, "connect")
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if s.d.lockMigrations != "" {
			if _, err := tx.ExecContext(ctx, s.d.lockMigrations); err != nil {
				return s.wrap(err, "lock for migrations")
			}
		}
		if _, err := tx.ExecContext(ctx, s.d.migrationsTable); err != nil {
			return s.wrap(err, "create schema_migrations")
		}
		applied, err := appliedMigrations(ctx, tx)
		if err != nil {
			return s.wrap(err, "read schema_migrations")
		}
		for _, m := range ms {
			if applied[m.version] {
				continue
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return s.wrap(err, fmt.Sprintf("migration %04d_%s", m.version, m.name))
			}
			if _, err := tx.ExecContext(ctx,
				`INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.version, m.name); err != nil {
				return s.wrap(err, fmt.Sprintf("record migration %04d_%s", m.version, m.name))
			}
		}
		return nil
	})
}

func appliedMigrations(ctx context.Context, q querier) (map[int]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	applied := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		applied[v] = true
	}
	return applied, rows.Err()
}
