package store

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
)

// Environment variables that name a Postgres database, in order of
// precedence.
var postgresEnv = []string{
	"DATABASE_URL",
	"NETLIFY_DB_URL",       // Netlify Database
	"NETLIFY_DATABASE_URL", // the earlier Netlify DB (Neon) extension
}

// DefaultDataDir is the local data folder when DATA_DIR is unset.
const DefaultDataDir = ".data"

// DataDir is the local data folder: DATA_DIR, default .data. It holds the
// SQLite database, the local secret and the .eml files of local mail.
func DataDir(getenv func(string) string) string {
	return cmp.Or(getenv("DATA_DIR"), DefaultDataDir)
}

// Location is where the store lives, as the environment decides: Postgres
// at the first of DATABASE_URL, NETLIFY_DB_URL or NETLIFY_DATABASE_URL that
// is set, otherwise SQLite at $DATA_DIR/site.db.
type Location struct {
	Kind string // KindPostgres or KindSQLite
	URL  string // Postgres: the connection string (may hold a password)
	Var  string // Postgres: the variable it came from
	File string // SQLite: the database file
}

// Locate decides the store's location from the environment. Every binary
// (the function, site serve, site leads) finds its store through it.
func Locate(getenv func(string) string) Location {
	for _, name := range postgresEnv {
		if u := getenv(name); u != "" {
			return Location{Kind: KindPostgres, URL: u, Var: name}
		}
	}
	return Location{Kind: KindSQLite, File: filepath.Join(DataDir(getenv), "site.db")}
}

// String describes the location for people, without credentials:
// "sqlite .data/site.db", "postgres db.example.com/site (DATABASE_URL)".
func (l Location) String() string {
	if l.Kind == KindSQLite {
		return KindSQLite + " " + filepath.ToSlash(l.File)
	}
	// Key=value connection strings are not URLs; they get no details.
	if u, err := url.Parse(l.URL); err == nil && u.Host != "" && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		return fmt.Sprintf("%s %s%s (%s)", KindPostgres, u.Host, u.Path, l.Var)
	}
	return fmt.Sprintf("%s (%s)", KindPostgres, l.Var)
}

// Open opens the store at l and applies migrations. A SQLite file's
// folder is created when missing.
func (l Location) Open(ctx context.Context) (Store, error) {
	if l.Kind == KindPostgres {
		return OpenPostgres(ctx, l.URL)
	}
	if err := os.MkdirAll(filepath.Dir(l.File), 0o755); err != nil {
		return nil, &Error{Code: EUNAVAILABLE, Message: defaultMessage(EUNAVAILABLE), Err: err}
	}
	return openSQLite(ctx, l.File)
}
