package store

import "context"

// AppliedMigrations returns the versions recorded in schema_migrations.
func AppliedMigrations(ctx context.Context, s Store) (map[int]bool, error) {
	return appliedMigrations(ctx, s.(*db).r)
}

// MigrationCount is the number of migrations of the dialect of s.
func MigrationCount(s Store) int {
	ms, err := loadMigrations(migrationFiles, s.(*db).d.migrationsDir)
	if err != nil {
		panic(err)
	}
	return len(ms)
}
