//go:build nosqlite

package store

import "context"

// Built with -tags nosqlite (the Netlify function, see netlify.toml), the
// store links no SQLite: Postgres only, and 4 MB less to load on every
// cold start.

var sqliteDialect = &dialect{kind: KindSQLite, migrationsDir: "sqlite"}

func openSQLite(ctx context.Context, path string) (Store, error) {
	return nil, Errorf(EUNAVAILABLE, "this binary was built without SQLite (-tags nosqlite): set DATABASE_URL (or NETLIFY_DB_URL) to a Postgres database")
}
