package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cassidine/site/internal/store"
	"github.com/cassidine/site/internal/store/storetest"
)

func TestSQLite(t *testing.T)   { storetest.Run(t, storetest.SQLite) }
func TestPostgres(t *testing.T) { storetest.Run(t, storetest.Postgres) }

// TestMigrationsRecorded checks schema_migrations after concurrent opens:
// each migration recorded exactly once (the primary key would refuse a
// second row, so a race would show up as a failed open instead).
func TestMigrationsRecorded(t *testing.T) {
	for _, b := range []struct {
		name    string
		backend storetest.Backend
	}{
		{"sqlite", storetest.SQLite},
		{"postgres", storetest.Postgres},
	} {
		t.Run(b.name, func(t *testing.T) {
			open := b.backend(t)
			s := storetest.MustOpen(t, open)
			storetest.MustOpen(t, open)
			got, err := store.AppliedMigrations(t.Context(), s)
			if err != nil {
				t.Fatal(err)
			}
			want := store.MigrationVersions(s)
			if len(got) != len(want) {
				t.Errorf("schema_migrations has %d versions %v, want %d: %v", len(got), got, len(want), want)
			}
			for _, v := range want {
				if !got[v] {
					t.Errorf("schema_migrations lacks version %d", v)
				}
			}
		})
	}
}

func TestOpen(t *testing.T) {
	pgURL := func(t *testing.T) string { return storetest.PostgresURL(t) }
	const closedPort = "postgres://postgres@127.0.0.1:1/test?sslmode=disable&connect_timeout=5"
	for _, tc := range []struct {
		name     string
		env      func(t *testing.T, dir string) map[string]string
		wantKind string
		wantCode string
		wantFile string // relative to dir, for SQLite
	}{
		{
			name:     "DATA_DIR",
			env:      func(t *testing.T, dir string) map[string]string { return map[string]string{"DATA_DIR": dir} },
			wantKind: store.KindSQLite,
			wantFile: "site.db",
		},
		{
			name: "DATA_DIR is created",
			env: func(t *testing.T, dir string) map[string]string {
				return map[string]string{"DATA_DIR": filepath.Join(dir, "a", "b")}
			},
			wantKind: store.KindSQLite,
			wantFile: "a/b/site.db",
		},
		{
			name: "default .data",
			env: func(t *testing.T, dir string) map[string]string {
				t.Chdir(dir)
				return nil
			},
			wantKind: store.KindSQLite,
			wantFile: ".data/site.db",
		},
		{
			name: "DATA_DIR is a file",
			env: func(t *testing.T, dir string) map[string]string {
				f := filepath.Join(dir, "file")
				if err := os.WriteFile(f, nil, 0o644); err != nil {
					t.Fatal(err)
				}
				return map[string]string{"DATA_DIR": f}
			},
			wantCode: store.EUNAVAILABLE,
		},
		{
			name: "DATABASE_URL",
			env: func(t *testing.T, dir string) map[string]string {
				return map[string]string{"DATABASE_URL": pgURL(t), "DATA_DIR": dir}
			},
			wantKind: store.KindPostgres,
		},
		{
			name: "NETLIFY_DB_URL",
			env: func(t *testing.T, dir string) map[string]string {
				return map[string]string{"NETLIFY_DB_URL": pgURL(t), "DATA_DIR": dir}
			},
			wantKind: store.KindPostgres,
		},
		{
			name: "DATABASE_URL wins over NETLIFY_DB_URL",
			env: func(t *testing.T, dir string) map[string]string {
				return map[string]string{"DATABASE_URL": pgURL(t), "NETLIFY_DB_URL": closedPort}
			},
			wantKind: store.KindPostgres,
		},
		{
			name: "DATABASE_URL unreachable",
			env: func(t *testing.T, dir string) map[string]string {
				return map[string]string{"DATABASE_URL": closedPort, "DATA_DIR": dir}
			},
			wantCode: store.EUNAVAILABLE,
		},
		{
			name: "DATABASE_URL malformed",
			env: func(t *testing.T, dir string) map[string]string {
				return map[string]string{"DATABASE_URL": "postgres://x:y@[::1", "DATA_DIR": dir}
			},
			wantCode: store.EINVALID,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			env := tc.env(t, dir)
			s, err := store.Open(t.Context(), func(k string) string { return env[k] })
			if tc.wantCode != "" {
				if code := store.ErrorCode(err); code != tc.wantCode {
					t.Fatalf("Open: got code %q (%v), want %s", code, err, tc.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close()
			if s.Kind() != tc.wantKind {
				t.Errorf("Kind() = %q, want %q", s.Kind(), tc.wantKind)
			}
			if tc.wantFile != "" {
				if _, err := os.Stat(filepath.Join(dir, tc.wantFile)); err != nil {
					t.Errorf("database file: %v", err)
				}
			}
			if err := s.SaveQuizResult(t.Context(), &store.QuizResult{Band: "b", CreatedAt: time.Now()}); err != nil {
				t.Errorf("SaveQuizResult: %v", err)
			}
		})
	}
}

// TestUnavailable checks that a database that cannot be reached or created
// is EUNAVAILABLE (the function answers 503) with a cause that says why.
func TestUnavailable(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	readOnly := filepath.Join(dir, "read-only")
	if err := os.Mkdir(readOnly, 0o555); err != nil {
		t.Fatal(err)
	}
	readOnlyFile := filepath.Join(dir, "read-only.db")
	s, err := store.OpenSQLite(readOnlyFile)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := os.Chmod(readOnlyFile, 0o444); err != nil {
		t.Fatal(err)
	}
	asRoot := map[bool]string{true: "running as root: permissions do not apply"}[os.Geteuid() == 0]
	for _, tc := range []struct {
		name      string
		open      func(ctx context.Context) (store.Store, error)
		wantInErr string
		skip      string
	}{
		{
			name: "postgres closed port",
			open: func(ctx context.Context) (store.Store, error) {
				return store.OpenPostgres(ctx, "postgres://postgres@127.0.0.1:1/test?sslmode=disable&connect_timeout=5")
			},
			wantInErr: "127.0.0.1",
		},
		{
			name: "sqlite folder missing",
			open: func(context.Context) (store.Store, error) {
				return store.OpenSQLite(filepath.Join(dir, "missing", "site.db"))
			},
			wantInErr: "folder " + filepath.Join(dir, "missing") + " does not exist",
		},
		{
			name: "sqlite folder is a file",
			open: func(context.Context) (store.Store, error) {
				return store.OpenSQLite(filepath.Join(file, "site.db"))
			},
			wantInErr: "is not a folder",
		},
		{
			name: "sqlite folder read-only",
			open: func(context.Context) (store.Store, error) {
				return store.OpenSQLite(filepath.Join(readOnly, "site.db"))
			},
			wantInErr: "must be writable",
			skip:      asRoot,
		},
		{
			name:      "sqlite file read-only",
			open:      func(context.Context) (store.Store, error) { return store.OpenSQLite(readOnlyFile) },
			wantInErr: "permission denied",
			skip:      asRoot,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.skip != "" {
				t.Skip(tc.skip)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			s, err := tc.open(ctx)
			if err == nil {
				s.Close()
				t.Fatal("open succeeded, want EUNAVAILABLE")
			}
			if code := store.ErrorCode(err); code != store.EUNAVAILABLE {
				t.Errorf("got code %q (%v), want %s", code, err, store.EUNAVAILABLE)
			}
			if !strings.Contains(err.Error(), tc.wantInErr) {
				t.Errorf("error %q does not say %q", err, tc.wantInErr)
			}
			if msg := store.ErrorMessage(err); strings.Contains(msg, "127.0.0.1") || strings.Contains(msg, dir) {
				t.Errorf("user message %q leaks the cause", msg)
			}
		})
	}
}

// TestSQLiteWaitsForWriter writes through two stores on one file, as two
// processes would: each has its own writer connection, so they contend for
// SQLite's write lock, and busy_timeout must make them queue, not fail.
func TestSQLiteWaitsForWriter(t *testing.T) {
	open := storetest.SQLite(t)
	a := storetest.MustOpen(t, open)
	b := storetest.MustOpen(t, open) // a second "process"
	done := make(chan error, 1)
	// Many writes through both stores at once: none may fail with SQLITE_BUSY.
	go func() {
		for range 50 {
			if err := a.SaveQuizResult(t.Context(), &store.QuizResult{Band: "x"}); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for range 50 {
		if err := b.SaveQuizResult(t.Context(), &store.QuizResult{Band: "y"}); err != nil {
			t.Errorf("store b: %v", err)
			break
		}
	}
	if err := <-done; err != nil {
		t.Errorf("store a: %v", err)
	}
	got, err := a.QuizResults(t.Context(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 100 {
		t.Errorf("got %d results, want 100", len(got))
	}
}

func TestErrorCode(t *testing.T) {
	notFound := store.Errorf(store.ENOTFOUND, "quiz result not found")
	for _, tc := range []struct {
		name        string
		err         error
		wantCode    string
		wantMessage string
	}{
		{"nil", nil, "", ""},
		{"store error", notFound, store.ENOTFOUND, "quiz result not found"},
		{"wrapped", errors.Join(errors.New("handler"), notFound), store.ENOTFOUND, "quiz result not found"},
		{"with cause", &store.Error{Code: store.EUNAVAILABLE, Message: "try later", Err: errors.New("dial tcp: refused")}, store.EUNAVAILABLE, "try later"},
		{"other error", errors.New("dial tcp 10.0.0.1: secret detail"), store.EINTERNAL, "internal error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := store.ErrorCode(tc.err); got != tc.wantCode {
				t.Errorf("ErrorCode = %q, want %q", got, tc.wantCode)
			}
			if got := store.ErrorMessage(tc.err); got != tc.wantMessage {
				t.Errorf("ErrorMessage = %q, want %q", got, tc.wantMessage)
			}
		})
	}
	cause := errors.New("cause")
	e := &store.Error{Code: store.EUNAVAILABLE, Message: "try later", Err: cause}
	if !errors.Is(e, cause) {
		t.Error("errors.Is(Error, cause) = false, want true")
	}
	if got, want := e.Error(), "store: EUNAVAILABLE: try later: cause"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestNewID(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := store.NewID()
		if len(id) != store.IDLen || !store.ValidID(id) || strings.ToLower(id) != id {
			t.Fatalf("NewID() = %q, want %d lower-case base32 characters", id, store.IDLen)
		}
		if seen[id] {
			t.Fatalf("NewID() repeated %q", id)
		}
		seen[id] = true
	}
	for _, tc := range []struct {
		id   string
		want bool
	}{
		{"", false},
		{"abcdefghijklmnopqrstuvwxyz", true},
		{"abcdefghijklmnopqrstuvwxy", false},   // 25
		{"abcdefghijklmnopqrstuvwxyz2", false}, // 27
		{"ABCDEFGHIJKLMNOPQRSTUVWXYZ", false},  // upper case
		{"abcdefghijklmnopqrstuvwxy1", false},  // 1 is not base32
		{"abcdefghijklmnopqrstuvwx-z", false},  // punctuation
	} {
		if got := store.ValidID(tc.id); got != tc.want {
			t.Errorf("ValidID(%q) = %v, want %v", tc.id, got, tc.want)
		}
	}
}

// TestSchemaContactConsentNeedsEmail checks migration 0004's constraint
// on its own: a row that agrees to be contacted without an address is
// refused by the table itself, whatever the Go code does.
func TestSchemaContactConsentNeedsEmail(t *testing.T) {
	for _, b := range []struct {
		name    string
		backend storetest.Backend
		at      any
	}{
		{"sqlite", storetest.SQLite, "2026-11-20T14:30:00.000000Z"},
		{"postgres", storetest.Postgres, time.Date(2026, 11, 20, 14, 30, 0, 0, time.UTC)},
	} {
		t.Run(b.name, func(t *testing.T) {
			s := storetest.MustOpen(t, b.backend(t))
			insert := `INSERT INTO quiz_results (id, created_at, answers, overall, band, dimensions, email, consent_at, contact_consent_at)
				VALUES ($1, $2, '{}', 50, 'scaling', '{}', $3, $4, $5)`
			if err := store.Exec(t.Context(), s, insert, store.NewID(), b.at, "ann@example.com", b.at, b.at); err != nil {
				t.Errorf("both consents with an address: %v", err)
			}
			if err := store.Exec(t.Context(), s, insert, store.NewID(), b.at, nil, nil, b.at); err == nil {
				t.Error("consent to be contacted without an address: inserted, want refused")
			}
		})
	}
}
