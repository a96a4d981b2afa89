package store

import "context"

// AppliedMigrations returns the versions recorded in schema_migrations.
func AppliedMigrations(ctx context.Context, s Store) (map[int]bool, error) {
	return appliedMigrations(ctx, s.(*db).r)
}

// MigrationVersions are the numbers of the migrations of the dialect of s.
func MigrationVersions(s Store) []int {
	ms, err := loadMigrations(migrationFiles, s.(*db).d.migrationsDir)
	if err != nil {
		panic(err)
	}
	var vs []int
	for _, m := range ms {
		vs = append(vs, m.version)
	}
	return vs
}

// PruneOnEveryHit makes CountHit of s delete expired windows on every call.
func PruneOnEveryHit(s Store) { s.(*db).pruneEvery = 1 }

// RateHitRows returns how many hits the rate_events table of s holds.
func RateHitRows(ctx context.Context, s Store) (int, error) {
	var n int
	err := s.(*db).r.QueryRowContext(ctx, `SELECT count(*) FROM rate_events`).Scan(&n)
	return n, err
}

// Exec runs a statement on the writer of s, bypassing the store's own
// checks: tests of the schema's last line of defence.
func Exec(ctx context.Context, s Store, query string, args ...any) error {
	_, err := s.(*db).w.ExecContext(ctx, query, args...)
	return err
}
